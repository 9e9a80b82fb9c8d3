"""Reads of demand aggregation, scoped to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from legami.aggregation.capabilities import VIEW_DEMANDS as VIEW
from legami.aggregation.models import AggregatedDemand, DemandEvent, DemandItem, DemandStatus
from legami.core.audit import record_read
from legami.core.models import Job
from legami.core.permissions import can
from legami.needs.capabilities import VIEW_CASE_NEEDS, VIEW_NEEDS
from legami.needs.models import Need, NeedStatus
from legami.network.models import Network
from legami.network.selectors.people import scoped_municipality_ids

AGGREGATION_JOB_KIND = "needs_aggregation"


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


def aggregation_jobs(network: Network, *, limit: int = 10) -> list[Job]:
    """The network's latest aggregation runs, newest first."""
    return list(Job.objects.filter(network=network, kind=AGGREGATION_JOB_KIND).select_related("actor")[:limit])


def get_aggregation_job(network: Network, pk: Any) -> Job:
    """One aggregation run of the network, or 404."""
    job = Job.objects.filter(network=network, kind=AGGREGATION_JOB_KIND, pk=pk).select_related("actor").first()
    if job is None:
        raise Http404
    return job


@dataclass
class Suggestion:
    """An open need that fits an accepted demand, with how similar it is."""

    need: Need
    demand: AggregatedDemand
    similarity: float


def suggest_attachments(network: Network, *, engine: Any = None, limit: int | None = None) -> list[Suggestion]:
    """Open needs not in any demand that fit an accepted demand (the best-fitting one each), best first."""
    from legami.aggregation.describing import engine_settings, need_record

    if engine is None:
        from legami.aggregation import engine as engine_module

        engine = engine_module
    demands = list(
        AggregatedDemand.objects.filter(network=network, status=DemandStatus.ACCEPTED).select_related("area")
    )
    if not demands:
        return []
    free = list(
        Need.objects.filter(
            network=network,
            status__in=[NeedStatus.NEW, NeedStatus.READING],
            area_id__in={d.area_id for d in demands},
            demand_item__isnull=True,
        )
        .select_related("area", "municipality", "neighbourhood")
        .order_by("id")
    )
    if not free:
        return []
    members: dict[int, list] = {d.pk: [] for d in demands}
    for need in (
        Need.objects.filter(demand_item__demand__in=demands)
        .select_related("demand_item")
        .order_by("id")
        .iterator(chunk_size=2000)
    ):
        members[need.demand_item.demand_id].append(need_record(need, engine))
    settings = engine_settings(engine)
    by_area: dict[int, list[AggregatedDemand]] = {}
    for demand in demands:
        by_area.setdefault(demand.area_id, []).append(demand)
    suggestions = []
    for need in free:
        record = need_record(need, engine)
        best: tuple[float, AggregatedDemand] | None = None
        for demand in by_area.get(need.area_id, []):
            if not engine.compatible_targets(need.target_group, demand.target_group):
                continue
            similarity = engine.fits(members[demand.pk], record, settings)
            if similarity is not None and (best is None or similarity > best[0]):
                best = (similarity, demand)
        if best is not None:
            suggestions.append(Suggestion(need=need, demand=best[1], similarity=round(best[0], 4)))
    suggestions.sort(key=lambda s: (-s.similarity, s.need.pk))
    return suggestions[:limit] if limit is not None else suggestions


def open_needs_of_viewer(user: Any, network: Network) -> QuerySet[Need]:
    """Open needs not in a demand that the viewer may see (to attach by number)."""
    if not can(user, VIEW_NEEDS, network):
        return Need.objects.none()
    needs = Need.objects.filter(
        network=network, status__in=[NeedStatus.NEW, NeedStatus.READING], demand_item__isnull=True
    )
    scope = scoped_municipality_ids(user, network, VIEW_NEEDS)
    if scope is not None:
        needs = needs.filter(municipality_id__in=scope)
    return needs
