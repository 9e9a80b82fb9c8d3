"""The tenant (the network) and the role grants, as the shared kernel sees them.

`core` sits below the network app and imports none of it: like Django's AUTH_USER_MODEL, two settings
name the models (`LEGAMI_NETWORK_MODEL`, `LEGAMI_MEMBERSHIP_MODEL`) and core looks them up in the app
registry. The network model has `slug`, `name`, `summary` and `is_active`; the membership model has
`network`, `user`, `role` (a `core.roles.Role`), `organization`, `district` and `is_active`.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404


def network_model() -> type[models.Model]:
    """The tenant model (settings.LEGAMI_NETWORK_MODEL)."""
    return apps.get_model(settings.LEGAMI_NETWORK_MODEL)


def membership_model() -> type[models.Model]:
    """The model granting a user a role in a network (settings.LEGAMI_MEMBERSHIP_MODEL)."""
    return apps.get_model(settings.LEGAMI_MEMBERSHIP_MODEL)


def get_network_by_slug(slug: str) -> Any:
    """The active network with this slug, or 404."""
    try:
        return network_model()._default_manager.get(slug=slug, is_active=True)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def list_public_networks() -> models.QuerySet:
    """Active networks, for the landing page."""
    return network_model()._default_manager.filter(is_active=True).only("name", "slug", "summary").order_by("name")
