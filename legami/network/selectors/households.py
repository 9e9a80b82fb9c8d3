"""Reads of households (nuclei familiari), scoped like the people who live in them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from legami.network.models import Household, Network, Person
from legami.network.selectors.people import VIEW_PEOPLE, scoped_municipality_ids

ORDERINGS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "municipality": ("municipality__name", "name", "id"),
}


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _member_count() -> Coalesce:
    # A correlated subquery rather than a JOIN + GROUP BY: the paginator's COUNT(*) drops it, and
    # it is computed only for the rows of the page.
    members = (
        Person.objects.filter(household_id=OuterRef("pk"))
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), 0)


def households_for(
    viewer: Any,
    network: Network,
    *,
    search: str = "",
    municipality: Any = None,
    ordering: str = "name",
    capability: str = VIEW_PEOPLE,
) -> QuerySet[Household]:
    """The network's households the viewer may see, with `member_count`, filtered and sorted."""
    qs = Household.objects.filter(network=network)
    scope = scoped_municipality_ids(viewer, network, capability)
    if scope is not None:
        qs = qs.filter(municipality_id__in=scope)
    for term in (search or "").split()[:5]:
        qs = qs.filter(Q(name__icontains=term) | Q(address__icontains=term))
    if municipality:
        qs = qs.filter(municipality_id=_pk(municipality))
    return (
        qs.select_related("municipality", "neighbourhood")
        .annotate(member_count=_member_count())
        .order_by(*ORDERINGS.get(ordering, ORDERINGS["name"]))
    )


def get_household_for_user(viewer: Any, network: Network, pk: Any, capability: str = VIEW_PEOPLE) -> Household:
    """One household of the network the viewer may see, or 404."""
    try:
        return households_for(viewer, network, capability=capability).get(pk=pk)
    except (Household.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def households_matching(viewer: Any, network: Network, search: str, *, limit: int = 20) -> list[Household]:
    """At most `limit` households the viewer may see matching `search`, for the household picker."""
    if not (search or "").strip():
        return []
    return list(households_for(viewer, network, search=search)[:limit])
