"""Writes on networks (the tenants): creation by platform admins, updates by coordinators."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
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


def validate_network_slug(slug: str) -> None:
    """Refuse a short name that is badly written, too short or long, reserved or taken (one error, the first)."""
    max_length = max_length_of(Network, "slug")
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


# A network: its short name is checked once, at creation (it is part of every address and never changes).
NETWORK_INPUTS = inputs.Rules(
    {
        "slug": inputs.Text(
            required=True,
            messages={"required": _("Enter a short name for the address.")},
            validators=[validate_network_slug],
        ),
        "name": inputs.model_text(
            Network,
            "name",
            required=True,
            codes={"required": "blank"},
            messages={"required": models.Field.default_error_messages["blank"]},
        ),
        "summary": inputs.model_text(Network, "summary"),
        "description": inputs.model_text(Network, "description"),
        "contact_email": inputs.model_text(Network, "contact_email", lower=True),
        "website": inputs.model_text(Network, "website"),
    },
    messages={"unknown": _("This field cannot be changed here.")},
)
NETWORK_UPDATE_INPUTS = NETWORK_INPUTS.extend(drop=["slug"])


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
    values = NETWORK_INPUTS.clean(
        {
            "slug": slug,
            "name": name,
            "summary": summary,
            "description": description,
            "contact_email": contact_email,
            "website": website,
        }
    )
    network = Network(**values)
    network.save()
    record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=network, network=network, after=snapshot(network))
    # What the other apps give every new network (the needs app: the standard need areas).
    run_network_setup(network)
    return network


@transaction.atomic
def update_network(*, actor: Any, network: Network, data: dict) -> Network:
    """Change a network's name, descriptions and contacts (its short name never changes)."""
    require(actor, CHANGE_NETWORK, network)
    locked = Network.objects.select_for_update().get(pk=network.pk)
    before = snapshot(locked)
    # The values on file are checked again with the new ones; only the given ones are set and saved.
    on_file = {name: getattr(locked, name) for name in NETWORK_UPDATE_INPUTS.fields}
    values = NETWORK_UPDATE_INPUTS.clean(on_file | dict(data), instance=locked)
    for field in data:
        setattr(locked, field, values[field])
    locked.save(update_fields=[*data.keys(), "updated_at"])
    record_event(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, network=locked, before=before, after=snapshot(locked)
    )
    # Keep the caller's instance in step with what was saved.
    for field in data:
        setattr(network, field, getattr(locked, field))
    network.updated_at = locked.updated_at
    return locked
