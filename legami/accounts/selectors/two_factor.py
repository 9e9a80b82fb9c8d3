"""Reads of the two-factor log-in: who must use it, and the state of one's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from legami.core.roles import registry
from legami.core.tenancy import membership_model


def two_factor_required(user: Any) -> bool:
    """Whether `user` must log in with two factors: platform staff, and whoever holds, in any network, a role that
    sees case or personal data (registry.case_data_roles()); nobody while LEGAMI_TWO_FACTOR is "optional"."""
    if settings.LEGAMI_TWO_FACTOR != "required" or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    roles = [str(role) for role in registry.case_data_roles()]
    return membership_model()._default_manager.filter(user_id=user.pk, is_active=True, role__in=roles).exists()


def has_two_factor(user: Any) -> bool:
    """Whether `user` turned two-factor verification on (an authenticator confirmed with a first code)."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


@dataclass(frozen=True)
class TwoFactorState:
    on: bool
    required: bool
    recovery_codes_left: int


def two_factor_state(user: Any) -> TwoFactorState:
    """The account page's view of `user`'s own two-factor verification."""
    return TwoFactorState(
        on=has_two_factor(user),
        required=two_factor_required(user),
        recovery_codes_left=StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count(),
    )
