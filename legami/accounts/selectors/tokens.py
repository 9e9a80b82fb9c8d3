"""Reads for the account pages: the viewer's own personal access tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from legami.accounts.models import PersonalAccessToken


def tokens_for(viewer: Any) -> QuerySet[PersonalAccessToken]:
    """The viewer's own personal access tokens, newest first."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return PersonalAccessToken.objects.none()
    return PersonalAccessToken.objects.filter(user_id=viewer.pk).order_by("-created_at", "-pk")


def get_token_for_user(viewer: Any, pk: int) -> PersonalAccessToken:
    """One of the viewer's own tokens, or 404 (other people's tokens do not exist for them)."""
    try:
        return tokens_for(viewer).get(pk=pk)
    except PersonalAccessToken.DoesNotExist as exc:
        raise Http404 from exc
