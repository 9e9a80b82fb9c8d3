"""System checks: production must not run on the development secrets; every capability is declared and held."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.template import engines
from django.template.backends.django import DjangoTemplates

from legami.core.roles import CapabilityRegistry, registry

DEV_FIELD_KEY = "bGVnYW1pLWRldmVsb3BtZW50LWtleS0zMi1ieXRlcyE="

# `caps|has:"needs.view_needs"` (the `has` filter of legami.core.templatetags.legami), either quote.
TEMPLATE_CAPABILITY = re.compile(r"""\|\s*has\s*:\s*(?P<quote>["'])(?P<name>[^"'\s]+)(?P=quote)""")


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


@register(Tags.security, deploy=True)
def check_email_backend(app_configs, **kwargs):
    from legami.core.mail import NOT_SENDING

    if settings.EMAIL_BACKEND in NOT_SENDING:
        return [
            Warning(
                f"E-mails are not sent (EMAIL_BACKEND is {settings.EMAIL_BACKEND}): invitations reach nobody.",
                hint="Set LEGAMI_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and LEGAMI_EMAIL_HOST "
                "(see docs/operations.md).",
                id="legami.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_backup_key(app_configs, **kwargs):
    backup_keys = set(settings.LEGAMI_BACKUP_KEY)
    if not backup_keys:
        return [
            Warning(
                "LEGAMI_BACKUP_KEY is not set: manage.py backup refuses to run, so no encrypted backup can be made.",
                hint="Generate a key of its own (not one of LEGAMI_FIELD_KEYS) and keep a copy away from the "
                "backups (see docs/operations.md, Backups).",
                id="legami.W003",
            )
        ]
    if backup_keys & set(settings.LEGAMI_FIELD_KEYS):
        return [
            Warning(
                "LEGAMI_BACKUP_KEY repeats a key of LEGAMI_FIELD_KEYS: whoever holds a backup and its key would "
                "also read the encrypted case data in it.",
                hint="Give backups a key of their own.",
                id="legami.W004",
            )
        ]
    return []


def project_template_dirs() -> list[Path]:
    """The template folders of the project: the engines' DIRS and the templates/ of the project's own apps."""
    package = __name__.split(".")[0]
    found: list[Path] = []
    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            found.extend(Path(d) for d in engine.engine.dirs)
    found.extend(Path(a.path) / "templates" for a in apps.get_app_configs() if a.name.split(".")[0] == package)
    return [d for d in dict.fromkeys(found) if d.is_dir()]


def template_capabilities(dirs: Iterable[Path]) -> dict[str, list[str]]:
    """Capability name -> where templates name it ("path:line"), for every `|has:"…"` in the templates under `dirs`."""
    used: dict[str, list[str]] = {}
    for folder in dirs:
        for path in sorted(folder.rglob("*.html")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for match in TEMPLATE_CAPABILITY.finditer(line):
                    used.setdefault(match["name"], []).append(f"{path}:{number}")
    return used


def capability_errors(declared: CapabilityRegistry, used: dict[str, list[str]]) -> list[Error]:
    """A capability named (in templates) but not declared, or declared but held by no role."""
    errors = [
        Error(
            f"The capability {name!r} is used but not declared (at {', '.join(places)}).",
            hint="Declare it in its app's capabilities module, or correct the name.",
            obj=name,
            id="legami.E020",
        )
        for name, places in sorted(used.items())
        if name not in declared
    ]
    errors += [
        Error(
            f"The capability {str(capability)!r} is declared but no role holds it.",
            hint="Give it to the roles that need it (roles=... in its declaration), or remove it.",
            obj=str(capability),
            id="legami.E021",
        )
        for capability in declared
        if not capability.roles
    ]
    return errors


@register()
def check_capabilities(app_configs, **kwargs):
    return capability_errors(registry, template_capabilities(project_template_dirs()))


@register(Tags.urls)
def check_navigation(app_configs, **kwargs):
    """A menu entry whose route or capability does not exist fails at start-up, not on a page."""
    from legami.core.navigation import registry
    from legami.core.roles import CAPABILITIES

    return [Error(problem, id="legami.E010") for problem in registry.problems(known_capabilities=CAPABILITIES)]
