"""Writes of demand aggregation: what the engine learns from the people who review its candidates.

When a reviewer merges two candidates, splits one, removes a need or attaches one, the review service records,
in its own transaction, the engine's evidence (`engine.evidence_from_*`) of the descriptions involved: words or
concepts that belong together or apart in this network. The next run of the network uses the evidence not
undone (selectors.learning.active_evidence). Descriptions of case-team needs are never read here: their words
are for the case team (the same rule as describing.keyword_sources).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from legami.aggregation import engine
from legami.aggregation.capabilities import MANAGE_VOCABULARY
from legami.aggregation.describing import keyword_sources
from legami.aggregation.engine.learning import MAX_TERMS
from legami.aggregation.models import AggregatedDemand, EvidenceAction, LearnedEvidence
from legami.aggregation.selectors.vocabulary import network_vocabulary
from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.needs.models import Need
from legami.network.models import Network

# At most this many terms on each side of one piece of evidence (the engine's own limit).
MAX_SIDE = MAX_TERMS


def usable_descriptions(needs: Sequence[Need]) -> list[str]:
    """The descriptions the engine may learn from: every need's but the case team's, non-empty."""
    descriptions, _subjects = keyword_sources(needs)
    return [d for d in descriptions if d.strip()]


def _side(values: Sequence[Any]) -> list[str]:
    return [str(v)[:100] for v in list(values)[:MAX_SIDE]]


def _record(
    *, actor: Any, network: Network, action: str, demand: AggregatedDemand | None, found: Sequence[Any]
) -> list[LearnedEvidence]:
    """Save the engine's evidence and audit it (inside the review service's transaction)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    rows = []
    for evidence in found:
        first, second = _side(evidence.first), _side(evidence.second)
        if not first or not second or evidence.kind not in ("together", "apart"):
            continue
        rows.append(
            LearnedEvidence.objects.create(
                network=network,
                kind=evidence.kind,
                first=first,
                second=second,
                action=action,
                demand=demand,
                created_by=user,
            )
        )
    if rows:
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=LearnedEvidence._meta.label_lower,
            object_repr=f"{action}: {len(rows)}",
            network=network,
            after={"action": action, "evidence": [r.pk for r in rows], "demand": demand.pk if demand else None},
            data_class=DataClass.PUBLIC,
            note="learned from review",
        )
    return rows


def _learn(
    *,
    actor: Any,
    demand: AggregatedDemand,
    action: str,
    build: Callable[..., list[Any]],
    first: Sequence[str],
    second: Any,
) -> list[LearnedEvidence]:
    if not first or not second:
        return []
    found = build(first, second, vocabulary=network_vocabulary(demand.network))
    return _record(actor=actor, network=demand.network, action=action, demand=demand, found=found or [])


def learn_from_merge(
    *, actor: Any, demand: AggregatedDemand, first: Sequence[Need], second: Sequence[Need]
) -> list[LearnedEvidence]:
    """Record that the needs of two merged demands belong together (called by merge_demands)."""
    return _learn(
        actor=actor,
        demand=demand,
        action=EvidenceAction.MERGE,
        build=engine.evidence_from_merge,
        first=usable_descriptions(first),
        second=usable_descriptions(second),
    )


def learn_from_split(
    *, actor: Any, demand: AggregatedDemand, kept: Sequence[Need], moved: Sequence[Need]
) -> list[LearnedEvidence]:
    """Record that the needs kept and those moved out by a split belong apart (called by split_demand)."""
    return _learn(
        actor=actor,
        demand=demand,
        action=EvidenceAction.SPLIT,
        build=engine.evidence_from_split,
        first=usable_descriptions(kept),
        second=usable_descriptions(moved),
    )


def learn_from_removal(*, actor: Any, demand: AggregatedDemand, group: Sequence[Need], removed: Need) -> list:
    """Record that a need removed from a demand does not belong with the rest (called by remove_need_from_demand)."""
    words = usable_descriptions([removed])
    return _learn(
        actor=actor,
        demand=demand,
        action=EvidenceAction.REMOVE,
        build=engine.evidence_from_removal,
        first=usable_descriptions(group),
        second=words[0] if words else "",
    )


def learn_from_attach(*, actor: Any, demand: AggregatedDemand, group: Sequence[Need], attached: Need) -> list:
    """Record that a need attached to a demand belongs with its needs (called by attach_need)."""
    words = usable_descriptions([attached])
    return _learn(
        actor=actor,
        demand=demand,
        action=EvidenceAction.ATTACH,
        build=engine.evidence_from_attach,
        first=usable_descriptions(group),
        second=words[0] if words else "",
    )


def undo_evidence(*, actor: Any, network: Network, evidence: LearnedEvidence) -> LearnedEvidence:
    """Undo what was learned: the network's next run no longer uses it (the row and the audit log keep it)."""
    require(actor, MANAGE_VOCABULARY, network)
    if evidence.network_id != network.pk:
        raise Http404
    with transaction.atomic():
        row = LearnedEvidence.objects.select_for_update().get(pk=evidence.pk)
        if row.undone_at is not None:
            raise ValidationError(gettext("This has already been undone."), code="undone")
        row.undone_at = timezone.now()
        row.undone_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save(update_fields=["undone_at", "undone_by"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=row,
            before={"undone": False},
            after={"undone": True},
            data_class=DataClass.PUBLIC,
            note="undo learned evidence",
        )
    return row
