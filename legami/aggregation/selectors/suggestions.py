"""Reads of demand aggregation: open needs that fit an accepted demand, to attach."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from legami.aggregation.models import (
    SUGGESTIONS_JOB_KIND,
    AggregatedDemand,
    AttachSuggestion,
    DemandEvent,
    DemandStatus,
    LearnedEvidence,
    NetworkVocabulary,
    SuggestionState,
)
from legami.core.models import Job
from legami.needs.models import Need, NeedsRevision, NeedStatus
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


def suggest_attachments(
    network: Network, *, engine: Any = None, limit: int | None = None, vocabulary: Any = None, evidence: Any = None
) -> list[Suggestion]:
    """Open needs that fit an accepted demand (the best-fitting one each), best first: needs in no demand, and
    needs in a candidate that fit the accepted demand better than the rest of their candidate. Four queries
    and one text model however many needs and demands (engine.fitting.fit_many); the descriptions read are
    those of the demands some open need could be near. The network's vocabulary and the evidence its reviewers
    taught (not undone) are passed to the engine, read here unless given. This is the computation that the
    background refresh stores (services.suggestions); the page reads the stored rows (stored_suggestions)."""
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
    if vocabulary is None:
        from legami.aggregation.selectors.vocabulary import network_vocabulary

        vocabulary = network_vocabulary(network)
    if evidence is None:
        from legami.aggregation.selectors.learning import active_evidence

        evidence = active_evidence(network)
    answers = fit(groups, records, settings, baseline=baseline, vocabulary=vocabulary, evidence=evidence)
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


# --- stored suggestions (what the page reads) ---------------------------------------------------------------


@dataclass(frozen=True)
class Stamps:
    """What the stored suggestions depend on, as of now: the needs revision (triggers change it on every write
    to the network's needs) and the demands stamp (the latest demand event, the vocabulary's revision, the
    latest and the last undone evidence)."""

    needs_revision: int | None
    demands_stamp: str


def current_stamps(network: Network) -> Stamps:
    """Today's stamps of the network, in one query (each part an indexed look-up)."""
    from legami.network.models import Network as NetworkModel

    latest_event = DemandEvent.objects.filter(demand__network=OuterRef("pk")).order_by("-id").values("id")[:1]
    evidence = LearnedEvidence.objects.filter(network=OuterRef("pk"))
    row: Any = (
        NetworkModel.objects.filter(pk=network.pk)
        .annotate(
            needs_revision=Subquery(NeedsRevision.objects.filter(network_id=OuterRef("pk")).values("revision")[:1]),
            latest_event=Subquery(latest_event),
            vocabulary=Subquery(NetworkVocabulary.objects.filter(network=OuterRef("pk")).values("revision")[:1]),
            latest_evidence=Subquery(evidence.order_by("-id").values("id")[:1]),
            last_undone=Subquery(
                evidence.filter(undone_at__isnull=False).order_by("-undone_at").values("undone_at")[:1]
            ),
        )
        .values("needs_revision", "latest_event", "vocabulary", "latest_evidence", "last_undone")
        .first()
    ) or {}
    undone = row.get("last_undone")
    stamp = "{}/{}/{}/{}".format(
        row.get("latest_event") or 0,
        row.get("vocabulary") or 0,
        row.get("latest_evidence") or 0,
        undone.timestamp() if undone is not None else 0,
    )
    return Stamps(needs_revision=row.get("needs_revision"), demands_stamp=stamp)


@dataclass(frozen=True)
class StoredSuggestions:
    """What the page shows: the stored suggestions still valid (a queryset, to paginate), when they were
    computed (None: never), whether they are stale and whether a refresh is queued or running."""

    rows: QuerySet[AttachSuggestion]
    computed_at: Any
    stale: bool
    refreshing: bool


# A refresh queued or running for longer than this is taken as lost (a worker stopped): another may be queued.
REFRESH_LOST_AFTER = datetime.timedelta(hours=1)


def pending_refreshes(network: Network) -> QuerySet[Job]:
    """The network's refreshes of the attach suggestions queued or running (and not lost)."""
    return Job.objects.filter(
        network=network,
        kind=SUGGESTIONS_JOB_KIND,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        created_at__gte=timezone.now() - REFRESH_LOST_AFTER,
    )


def refresh_under_way(network: Network) -> bool:
    return pending_refreshes(network).exists()


def valid_suggestions(network: Network) -> QuerySet[AttachSuggestion]:
    """The network's stored suggestions whose need is still new or being read and in no demand or in a
    candidate, and whose demand is still accepted (filtered in SQL), best first, with what the page shows."""
    return (
        AttachSuggestion.objects.filter(
            network=network,
            need__network=network,
            demand__network=network,
            need__status__in=[NeedStatus.NEW, NeedStatus.READING],
            demand__status=DemandStatus.ACCEPTED,
        )
        .filter(Q(need__demand_item__isnull=True) | Q(need__demand_item__demand__status=DemandStatus.CANDIDATE))
        .select_related("need__municipality", "need__neighbourhood", "need__demand_item__demand", "demand")
        .order_by("-similarity", "need_id", "id")
    )


def stored_suggestions(network: Network) -> StoredSuggestions:
    """The stored suggestions of the network and their state; a constant number of queries, and nothing is
    read (nor decrypted) of the rows until the page slices them."""
    state = SuggestionState.objects.filter(network=network).first()
    stale = True
    if state is not None:
        stamps = current_stamps(network)
        stale = (state.needs_revision, state.demands_stamp) != (stamps.needs_revision, stamps.demands_stamp)
    return StoredSuggestions(
        rows=valid_suggestions(network),
        computed_at=state.computed_at if state is not None else None,
        stale=stale,
        refreshing=refresh_under_way(network),
    )


def current_of(suggestion: AttachSuggestion) -> AggregatedDemand | None:
    """The candidate the suggested need sits in now (None when it is in no demand)."""
    item = _item(suggestion.need)
    return item.demand if item is not None else None
