"""Reads of the ISTAT list of Comuni and of the Comuni in a network's territory."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from legami.territory.models import Municipality, NetworkMunicipality, Province
from legami.territory.selectors.common import get_for_user, pk_of
from legami.territory.usage import MUNICIPALITY, count_uses


def municipalities_of(network: Any) -> QuerySet[Municipality]:
    """The Comuni in the network's territory, ordered by name (ignoring case), with their province."""
    return (
        Municipality.objects.filter(network_links__network=network)
        .select_related("province")
        .order_by(Lower("name"), "pk")
    )


def territory_links_of(network: Any) -> QuerySet[NetworkMunicipality]:
    """The network's territory rows (Comune and district), ordered by Comune name (ignoring case)."""
    return (
        NetworkMunicipality.objects.filter(network=network)
        .select_related("municipality__province", "district")
        .order_by(Lower("municipality__name"), "pk")
    )


def unassigned_links_of(network: Any) -> QuerySet[NetworkMunicipality]:
    """The network's Comuni that are in no district."""
    return territory_links_of(network).filter(district__isnull=True)


def get_territory_link_for_user(viewer: Any, network: Any, municipality_pk: Any) -> NetworkMunicipality:
    """The network's territory row for one Comune (by the Comune's id) the viewer may see, or 404."""
    return get_for_user(viewer, network, territory_links_of(network), municipality_id=municipality_pk)


def loaded_municipality_count() -> int:
    """How many Comuni of the ISTAT list the platform has loaded (shared by every network), one query."""
    return Municipality.objects.count()


def search_municipalities(query: str = "", province: Any = None, *, network: Any = None) -> QuerySet[Municipality]:
    """The ISTAT list of Comuni matching `query` (name, ISTAT or cadastral code), for picking.

    With `network`, each row carries `in_territory` (already part of that network's territory).
    """
    qs = Municipality.objects.select_related("province")
    query = (query or "").strip()
    if query:
        match = Q(name__icontains=query)
        if query.isdigit():
            match |= Q(istat_code__startswith=query)
        elif len(query) == 4 and query[0].isalpha() and query[1:].isdigit():
            match |= Q(cadastral_code__iexact=query)
        qs = qs.filter(match)
    if province:
        qs = qs.filter(province_id=pk_of(province))
    if network is not None:
        qs = qs.annotate(
            in_territory=Exists(NetworkMunicipality.objects.filter(network=network, municipality_id=OuterRef("pk")))
        )
    return qs.order_by(Lower("name"), "pk")


def provinces() -> QuerySet[Province]:
    """Every ISTAT province, by name (for filters)."""
    return Province.objects.order_by("name", "pk")


def municipality_usage(network: Any, municipality: Any) -> dict[str, int]:
    """How many of the network's rows still point at this Comune (what blocks removing it from the territory)."""
    return count_uses(MUNICIPALITY, pk_of(municipality), network=network)
