"""System checks: production must not run on the development secrets."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

DEV_FIELD_KEY = "bGVnYW1pLWRldmVsb3BtZW50LWtleS0zMi1ieXRlcyE="


@register(Tags.security, deploy=True)
def check_field_keys(app_configs, **kwargs):
    if DEV_FIELD_KEY in settings.LEGAMI_FIELD_KEYS:
        return [
            Warning(
                "LEGAMI_FIELD_KEYS is not set: case data would be encrypted with the public development key.",
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="legami.W001",
            )
        ]
    return []


@register(Tags.urls)
def check_navigation(app_configs, **kwargs):
    """A menu entry whose route or capability does not exist fails at start-up, not on a page."""
    from legami.core.navigation import registry
    from legami.core.roles import CAPABILITIES

    return [Error(problem, id="legami.E010") for problem in registry.problems(known_capabilities=CAPABILITIES)]
