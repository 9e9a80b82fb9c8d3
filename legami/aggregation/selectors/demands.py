"""Reads of demand aggregation: the demands, their needs and history, scoped to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from legami.aggregation.capabilities import VIEW_DEMANDS as VIEW
from legami.aggregation.models import AggregatedDemand, DemandEvent, DemandItem, DemandStatus
from legami.core import smallnumbers
from legami.core.audit import record_read
from legami.core.permissions import can
from legami.needs.capabilities import VIEW_CASE_NEEDS, VIEW_NEEDS
from legami.needs.models import Need
from legami.network.models import Network
from legami.network.selectors.people import scoped_municipality_ids


def small_group_threshold(viewer: Any, network: Network) -> int | None:
    """Under how many people a demand's figures, summary and keywords are hidden from `viewer`: the one rule
    of legami.core.smallnumbers (k for roles that do not work with the people; None for those who do)."""
    return smallnumbers.limit_for(viewer, network)


def mark_small_groups(demands: Any, threshold: int | None) -> None:
    """Set `demand.small` on each demand: True when its figures must be hidden from this viewer."""
    for demand in demands:
        demand.small = smallnumbers.hidden(demand.people_count, threshold)


def demands_for_user(
    user: Any,
    network: Network,
    *,
    status: str = "",
    area: Any = None,
    municipality: Any = None,
    target_group: str = "",
) -> QuerySet[AggregatedDemand]:
    """The network's demands the viewer may see (none without aggregation.view_demands), filtered."""
    if not can(user, VIEW, network):
        return AggregatedDemand.objects.none()
    demands = _filtered(network, area=area, municipality=municipality, target_group=target_group)
    if status:
        demands = demands.filter(status=status)
    return demands.select_related("area", "municipality", "neighbourhood")


def _filtered(network: Network, *, area: Any, municipality: Any, target_group: str) -> QuerySet[AggregatedDemand]:
    demands = AggregatedDemand.objects.filter(network=network)
    if area:
        demands = demands.filter(area=area)
    if target_group:
        demands = demands.filter(target_group=target_group)
    if municipality:
        # A demand across Comuni has no Comune of its own: it is found through its needs.
        demands = demands.filter(
            Q(municipality=municipality)
            | Q(pk__in=DemandItem.objects.filter(need__municipality=municipality).values("demand_id"))
        )
    return demands


def demand_status_counts(
    user: Any, network: Network, *, area: Any = None, municipality: Any = None, target_group: str = ""
) -> dict[str, int]:
    """How many demands the viewer may see per status (for the list's tabs), under the same filters."""
    counts = dict.fromkeys(DemandStatus.values, 0)
    if not can(user, VIEW, network):
        return counts
    rows = (
        _filtered(network, area=area, municipality=municipality, target_group=target_group)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts.update(dict(rows))
    return counts


def get_demand_for_user(user: Any, network: Network, pk: Any) -> AggregatedDemand:
    """One demand of the network the viewer may see, or 404."""
    demand = demands_for_user(user, network).select_related("reviewed_by", "job").filter(pk=pk).first()
    if demand is None:
        raise Http404
    return demand


def demand_events(demand: AggregatedDemand) -> list[DemandEvent]:
    """A demand's history, oldest first, with who did each step."""
    return list(demand.events.select_related("actor").order_by("created_at", "id"))


@dataclass
class MemberNeed:
    """A need of a demand as a viewer sees it: the description only when they may read it."""

    need: Need
    similarity: float
    source: str
    description: str | None


def demand_member_needs(user: Any, network: Network, demand: AggregatedDemand) -> list[MemberNeed] | None:
    """The demand's needs for viewers with needs.view_needs (district-scoped), else None (figures only).

    Case-team descriptions are shown only with needs.view_case_needs; each one shown is a recorded read.
    """
    if not can(user, VIEW_NEEDS, network):
        return None
    items = DemandItem.objects.filter(demand=demand).select_related(
        "need", "need__area", "need__municipality", "need__neighbourhood"
    )
    scope = scoped_municipality_ids(user, network, VIEW_NEEDS)
    if scope is not None:
        items = items.filter(need__municipality_id__in=scope)
    case_reader = can(user, VIEW_CASE_NEEDS, network)
    members = []
    for item in items.order_by("-similarity", "need_id"):
        need = item.need
        description: str | None = need.description
        if need.is_case_data:
            if case_reader:
                record_read(actor=user, obj=need, purpose="aggregated demand review", network=network)
            else:
                description = None
        members.append(MemberNeed(need=need, similarity=item.similarity, source=item.source, description=description))
    return members


def merge_candidates(demand: AggregatedDemand) -> QuerySet[AggregatedDemand]:
    """The demands that may be merged into `demand`: same network and area, candidates or in its status."""
    return (
        AggregatedDemand.objects.filter(network_id=demand.network_id, area_id=demand.area_id)
        .filter(status__in={DemandStatus.CANDIDATE, demand.status})
        .exclude(pk=demand.pk)
        .order_by("-need_count", "id")
    )
