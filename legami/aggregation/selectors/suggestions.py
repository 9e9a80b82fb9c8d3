"""Reads of demand aggregation: open needs that fit an accepted demand, to attach."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.needs.models import Need, NeedStatus
from legami.network.models import Network

# What the engine reads of a need (need_record) but its description: member needs are read by the thousand, as
# rows, and only the members that could matter have their description read (and decrypted).
PLACE_FIELDS = (
    "id",
    "area__code",
    "target_group",
    "municipality_id",
    "neighbourhood_id",
    "latitude",
    "longitude",
    "time_windows",
    "people_count",
)


@dataclass
class Suggestion:
    """An open need that fits an accepted demand, with how similar it is, and the candidate it sits in now
    (None when it is in no demand): it fits the accepted demand better than that candidate."""

    need: Need
    demand: AggregatedDemand
    similarity: float
    current: AggregatedDemand | None = None


def suggest_attachments(network: Network, *, engine: Any = None, limit: int | None = None) -> list[Suggestion]:
    """Open needs that fit an accepted demand (the best-fitting one each), best first: needs in no demand, and
    needs in a candidate that fit the accepted demand better than the rest of their candidate. Four queries
    and one text model however many needs and demands (engine.fitting.fit_many); the descriptions read are
    those of the demands some open need could be near."""
    from legami.aggregation.describing import engine_settings, need_record
    from legami.aggregation.engine.fitting import fit_many, reachable_groups

    if engine is None:
        from legami.aggregation import engine as engine_module

        engine = engine_module
    fit = getattr(engine, "fit_many", fit_many)
    demands = list(
        AggregatedDemand.objects.filter(network=network, status=DemandStatus.ACCEPTED).select_related("area")
    )
    if not demands:
        return []
    open_needs = list(
        Need.objects.filter(
            network=network,
            status__in=[NeedStatus.NEW, NeedStatus.READING],
            area_id__in={d.area_id for d in demands},
        )
        .filter(Q(demand_item__isnull=True) | Q(demand_item__demand__status=DemandStatus.CANDIDATE))
        .select_related("area", "municipality", "neighbourhood", "demand_item__demand")
        .order_by("id")
    )
    if not open_needs:
        return []
    current = {need.pk: need.demand_item.demand for need in open_needs if _item(need) is not None}
    accepted_ids = [d.pk for d in demands]
    members: dict[int, list[tuple[int, Any]]] = {pk: [] for pk in [*accepted_ids, *{c.pk for c in current.values()}]}
    # First where every member is (no description: nothing decrypted), then the descriptions of the members
    # of the demands some open need could be near, and of the candidates the open needs sit in.
    rows = (
        Need.objects.filter(demand_item__demand_id__in=list(members))
        .values_list("demand_item__demand_id", *PLACE_FIELDS)
        .order_by("id")
        .iterator(chunk_size=5000)
    )
    for demand_id, *values in rows:
        record = need_record(_Row(description="", **dict(zip(PLACE_FIELDS, values, strict=True))), engine)
        members[demand_id].append((record_pk(record), record))
    records = [need_record(need, engine) for need in open_needs]
    settings = engine_settings(engine)
    reachable = reachable_groups([[r for _pk, r in members[pk]] for pk in accepted_ids], records, settings)
    wanted = [pk for pk, near in zip(accepted_ids, reachable, strict=True) if near]
    accepted = set(accepted_ids)
    wanted += [pk for pk in members if pk not in accepted]
    described = Need.objects.filter(demand_item__demand_id__in=wanted).values_list("id", "description")
    texts = dict(described.iterator(chunk_size=5000))
    for pk in wanted:
        members[pk] = [(need, dataclasses.replace(r, description=texts.get(need, ""))) for need, r in members[pk]]
    baseline = [
        [record for pk, record in members[current[need.pk].pk] if pk != need.pk] if need.pk in current else None
        for need in open_needs
    ]
    groups = [[record for _pk, record in members[pk]] for pk in accepted_ids]
    answers = fit(groups, records, settings, baseline=baseline)
    suggestions = []
    for need, answer in zip(open_needs, answers, strict=True):
        if answer is not None:
            index, similarity = answer
            suggestions.append(
                Suggestion(
                    need=need, demand=demands[index], similarity=round(similarity, 4), current=current.get(need.pk)
                )
            )
    suggestions.sort(key=lambda s: (-s.similarity, s.need.pk))
    return suggestions[:limit] if limit is not None else suggestions


def _item(need: Need) -> Any:
    try:
        return need.demand_item
    except Need.demand_item.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


class _Row:
    """The fields of a need that need_record reads, from a values row (no model instance per member)."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)
        self.pk = fields["id"]
        self.area_code = fields["area__code"]


def record_pk(record: Any) -> int:
    return int(record.id)
