"""Reads for the account pages: whether an e-mail has an account."""

from __future__ import annotations

from legami.accounts.models import User


def account_exists(email: str) -> bool:
    """True when an account already uses this e-mail address (compared case-insensitively)."""
    return User.objects.filter(email__iexact=(email or "").strip()).exists()
