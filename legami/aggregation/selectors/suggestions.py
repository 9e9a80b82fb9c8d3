"""Reads of demand aggregation: open needs that fit an accepted demand, to attach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.needs.models import Need, NeedStatus
from legami.network.models import Network


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
