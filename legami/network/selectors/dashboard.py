"""Reads for the public home page (territory) and the members' dashboard (counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from legami.core.permissions import can, district_scope, roles
from legami.network.capabilities import VIEW_DASHBOARD, VIEW_PEOPLE
from legami.network.models import Household, Membership, Network, Organization, Person
from legami.territory.models import Neighbourhood, NetworkMunicipality, Place, SocialDistrict


@dataclass
class DistrictGroup:
    name: str
    municipalities: list[str] = field(default_factory=list)


@dataclass
class TerritorySummary:
    municipality_count: int
    districts: list[DistrictGroup]
    # Comuni of the territory not assigned to any district.
    unassigned: list[str]


def territory_summary(network: Network) -> TerritorySummary:
    """The network's Comuni grouped by social district (one query, public data only)."""
    rows = (
        NetworkMunicipality.objects.filter(network=network)
        .values_list("municipality__name", "district__name")
        .order_by("district__name", "municipality__name")
    )
    districts: dict[str, DistrictGroup] = {}
    unassigned: list[str] = []
    count = 0
    for municipality, district in rows:
        count += 1
        if district is None:
            unassigned.append(municipality)
        else:
            districts.setdefault(district, DistrictGroup(district)).municipalities.append(municipality)
    return TerritorySummary(municipality_count=count, districts=list(districts.values()), unassigned=unassigned)


def _count(qs: QuerySet, expression: str = "pk", distinct: bool = False) -> Coalesce:
    """A scalar subquery counting `qs` (already filtered on one network), grouped on that network."""
    grouped = qs.order_by().values("network_id").annotate(n=Count(expression, distinct=distinct)).values("n")[:1]
    return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))


def _people_in_scope(viewer: Any, network: Network) -> tuple[QuerySet, QuerySet]:
    """The people and households the viewer may count, narrowed to their districts when limited."""
    people = Person.objects.filter(network=network)
    households = Household.objects.filter(network=network)
    districts = district_scope(viewer, VIEW_PEOPLE, network)
    if districts is not None:
        municipalities = NetworkMunicipality.objects.filter(network=network, district_id__in=districts).values(
            "municipality_id"
        )
        people = people.filter(municipality_id__in=municipalities)
        households = households.filter(municipality_id__in=municipalities)
    return people, households


def dashboard_counts(viewer: Any, network: Network) -> dict[str, int]:
    """The figures on the dashboard, in one query; people and households only for who may see them."""
    if not can(viewer, VIEW_DASHBOARD, network):
        return {}
    figures: dict[str, Any] = {
        "organizations": _count(Organization.objects.filter(network=network)),
        "members": _count(Membership.objects.filter(network=network, is_active=True), "user_id", distinct=True),
        "municipalities": _count(NetworkMunicipality.objects.filter(network=network)),
        "districts": _count(SocialDistrict.objects.filter(network=network)),
        "neighbourhoods": _count(Neighbourhood.objects.filter(network=network)),
        "places": _count(Place.objects.filter(network=network)),
    }
    if can(viewer, VIEW_PEOPLE, network):
        people, households = _people_in_scope(viewer, network)
        figures["people"] = _count(people)
        figures["households"] = _count(households)
    row = Network.objects.filter(pk=network.pk).annotate(**{f"n_{k}": v for k, v in figures.items()})
    values = row.values(*(f"n_{k}" for k in figures)).first() or {}
    return {k: values.get(f"n_{k}", 0) for k in figures}


def member_roles(viewer: Any, network: Network) -> list[str]:
    """The viewer's active roles in the network, as their labels."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return []
    return sorted(str(role.label) for role in roles(viewer, network))
