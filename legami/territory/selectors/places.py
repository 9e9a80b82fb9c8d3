"""Reads of a network's places."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from legami.territory.models import Place
from legami.territory.selectors.common import get_for_user, pk_of


def places_of(network: Any, *, kind: str | None = None, municipality: Any = None, search: str = "") -> QuerySet[Place]:
    """The network's places, optionally of one kind, in one Comune, or matching `search` (name or address)."""
    qs = Place.objects.filter(network=network).select_related("municipality", "neighbourhood")
    if kind:
        qs = qs.filter(kind=kind)
    if municipality:
        qs = qs.filter(municipality_id=pk_of(municipality))
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(address__icontains=search))
    return qs.order_by("name", "pk")


def get_place_for_user(viewer: Any, network: Any, pk: Any) -> Place:
    """One place of the network the viewer may see, or 404."""
    return get_for_user(viewer, network, places_of(network), pk=pk)
