"""System checks of the accounts: production asks for two-factor verification (LEGAMI_TWO_FACTOR)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_two_factor(app_configs, **kwargs):
    if settings.LEGAMI_TWO_FACTOR != "required":
        return [
            Warning(
                "LEGAMI_TWO_FACTOR is optional: the roles that see case data log in with the password alone.",
                hint="Leave LEGAMI_TWO_FACTOR unset (or set it to required) in production; optional is for the demo.",
                id="legami.W020",
            )
        ]
    return []
