"""Writes on networks (the tenants): creation by platform admins, updates by coordinators."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.setup import run_network_setup
from legami.core.validation import max_length_of
from legami.network.capabilities import CHANGE_NETWORK
from legami.network.models import Network

# Lowercase letters and digits in words joined by single hyphens: the slug is part of every address.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MIN_LENGTH = 2
UPDATABLE_FIELDS = ("name", "summary", "description", "contact_email", "website")


def validate_network_slug(slug: str) -> str:
    """Return the slug if it is a valid, free, non-reserved network slug, else raise ValidationError."""
    slug = (slug or "").strip()
    max_length = max_length_of(Network, "slug")
    if not slug:
        raise ValidationError(_("Enter a short name for the address."), code="required")
    if not SLUG_RE.match(slug):
        raise ValidationError(
            _("Use only lowercase letters, digits and single hyphens (for example: welfare-cremona)."),
            code="invalid",
        )
    if not SLUG_MIN_LENGTH <= len(slug) <= max_length:
        raise ValidationError(
            _("The short name must be between %(min)d and %(max)d characters long."),
            code="length",
            params={"min": SLUG_MIN_LENGTH, "max": max_length},
        )
    if slug in settings.LEGAMI_RESERVED_SLUGS:
        raise ValidationError(_("This short name is reserved by the platform: choose another."), code="reserved")
    if Network.objects.filter(slug__iexact=slug).exists():
        raise ValidationError(_("Another network already uses this short name."), code="unique")
    return slug


def _clean_text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


@transaction.atomic
def create_network(
    *,
    actor: Any,
    name: str,
    slug: str,
    summary: str = "",
    description: str = "",
    contact_email: str = "",
    website: str = "",
) -> Network:
    """Create a network (platform admins only)."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("platform.create_network")
    errors: dict[str, list[ValidationError]] = {}
    try:
        slug = validate_network_slug(slug)
    except ValidationError as exc:
        errors["slug"] = exc.error_list
    network = Network(
        name=_clean_text(name),
        slug=slug,
        summary=_clean_text(summary),
        description=_clean_text(description),
        contact_email=_clean_text(contact_email).lower(),
        website=_clean_text(website),
    )
    try:
        network.full_clean(exclude=["slug"], validate_unique=False)
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)
    network.save()
    record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=network, network=network, after=snapshot(network))
    # What the other apps give every new network (the needs app: the standard need areas).
    run_network_setup(network)
    return network


@transaction.atomic
def update_network(*, actor: Any, network: Network, data: dict) -> Network:
    """Change a network's name, descriptions and contacts (its short name never changes)."""
    require(actor, CHANGE_NETWORK, network)
    unknown = sorted(set(data) - set(UPDATABLE_FIELDS))
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in unknown},
        )
    locked = Network.objects.select_for_update().get(pk=network.pk)
    before = snapshot(locked)
    for field, value in data.items():
        value = _clean_text(value)
        if field == "contact_email":
            value = value.lower()
        setattr(locked, field, value)
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=[*data.keys(), "updated_at"])
    record_event(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, network=locked, before=before, after=snapshot(locked)
    )
    # Keep the caller's instance in step with what was saved.
    for field in data:
        setattr(network, field, getattr(locked, field))
    network.updated_at = locked.updated_at
    return locked
