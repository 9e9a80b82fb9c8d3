"""Reads of the ISTAT territory and of each network's own geography."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from legami.core.permissions import can
from legami.territory.capabilities import VIEW_TERRITORY as VIEW
from legami.territory.models import (
    Municipality,
    Neighbourhood,
    NetworkMunicipality,
    Place,
    Province,
    SocialDistrict,
)
from legami.territory.usage import MUNICIPALITY, NEIGHBOURHOOD, count_uses


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _require_view(viewer: Any, network: Any) -> None:
    # Territory pages do not exist for those who may not see them: 404, never 403, on objects.
    if not can(viewer, VIEW, network):
        raise Http404


def _get_for_user(viewer: Any, network: Any, queryset: QuerySet, **lookup: Any) -> Any:
    """The one row of `queryset` matching `lookup` if the viewer may see the territory, else 404."""
    _require_view(viewer, network)
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


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


def districts_of(network: Any) -> QuerySet[SocialDistrict]:
    """The network's social districts, ordered by name, with their member Comuni prefetched (`members`)."""
    members = NetworkMunicipality.objects.select_related("municipality__province").order_by(
        Lower("municipality__name"), "pk"
    )
    return SocialDistrict.objects.filter(network=network).prefetch_related(Prefetch("members", queryset=members))


def neighbourhoods_of(network: Any) -> QuerySet[Neighbourhood]:
    """The network's neighbourhoods, ordered by Comune and name."""
    return (
        Neighbourhood.objects.filter(network=network)
        .select_related("municipality")
        .order_by(Lower("municipality__name"), Lower("name"), "pk")
    )


def places_of(network: Any, *, kind: str | None = None, municipality: Any = None, search: str = "") -> QuerySet[Place]:
    """The network's places, optionally of one kind, in one Comune, or matching `search` (name or address)."""
    qs = Place.objects.filter(network=network).select_related("municipality", "neighbourhood")
    if kind:
        qs = qs.filter(kind=kind)
    if municipality:
        qs = qs.filter(municipality_id=_pk(municipality))
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(address__icontains=search))
    return qs.order_by("name", "pk")


def get_district_for_user(viewer: Any, network: Any, pk: Any) -> SocialDistrict:
    """One district of the network the viewer may see, with its members, or 404."""
    return _get_for_user(viewer, network, districts_of(network), pk=pk)


def get_neighbourhood_for_user(viewer: Any, network: Any, pk: Any) -> Neighbourhood:
    """One neighbourhood of the network the viewer may see, or 404."""
    return _get_for_user(viewer, network, neighbourhoods_of(network), pk=pk)


def get_place_for_user(viewer: Any, network: Any, pk: Any) -> Place:
    """One place of the network the viewer may see, or 404."""
    return _get_for_user(viewer, network, places_of(network), pk=pk)


def get_territory_link_for_user(viewer: Any, network: Any, municipality_pk: Any) -> NetworkMunicipality:
    """The network's territory row for one Comune (by the Comune's id) the viewer may see, or 404."""
    return _get_for_user(viewer, network, territory_links_of(network), municipality_id=municipality_pk)


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
        qs = qs.filter(province_id=_pk(province))
    if network is not None:
        qs = qs.annotate(
            in_territory=Exists(NetworkMunicipality.objects.filter(network=network, municipality_id=OuterRef("pk")))
        )
    return qs.order_by(Lower("name"), "pk")


def provinces() -> QuerySet[Province]:
    """Every ISTAT province, by name (for filters)."""
    return Province.objects.order_by("name", "pk")


def district_municipality_ids(network: Any, district_ids: Iterable[Any]) -> QuerySet:
    """Ids of the Comuni that belong to these districts of the network (a lazy subquery, usable with `__in`)."""
    return NetworkMunicipality.objects.filter(
        network=network, district_id__in=[_pk(d) for d in district_ids]
    ).values_list("municipality_id", flat=True)


def municipality_usage(network: Any, municipality: Any) -> dict[str, int]:
    """How many of the network's rows still point at this Comune (what blocks removing it from the territory)."""
    return count_uses(MUNICIPALITY, _pk(municipality), network=network)


def neighbourhood_usage(neighbourhood: Neighbourhood) -> dict[str, int]:
    """How many places, people and households are in this neighbourhood."""
    return count_uses(NEIGHBOURHOOD, neighbourhood.pk)
