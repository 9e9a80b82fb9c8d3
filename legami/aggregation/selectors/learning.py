"""Reads of demand aggregation: what the engine learned from the reviewers of a network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from legami.aggregation.engine import Evidence, Vocabulary
from legami.aggregation.models import AGGREGATION_JOB_KIND, EvidenceAction, LearnedEvidence
from legami.core.models import Job
from legami.network.models import Network

# How the engine names a vocabulary concept on a side of a piece of evidence (engine/learning.py).
CONCEPT_PREFIX = "concept:"


def evidence_of(row: LearnedEvidence) -> Evidence:
    """The engine's Evidence of a recorded row."""
    return Evidence(kind=row.kind, first=tuple(row.first or ()), second=tuple(row.second or ()))


def active_evidence_rows(network: Network) -> list[LearnedEvidence]:
    """The network's evidence not undone, oldest first: what its next run uses."""
    return list(LearnedEvidence.objects.filter(network=network, undone_at__isnull=True).order_by("created_at", "id"))


def active_evidence_used(network: Network) -> tuple[list[int], list[Evidence]]:
    """The ids and the engine's Evidence of the network's evidence not undone (a row the engine refuses is left out)."""
    ids, found = [], []
    for row in active_evidence_rows(network):
        try:
            evidence = evidence_of(row)
        except ValueError:
            continue
        ids.append(row.pk)
        found.append(evidence)
    return ids, found


def active_evidence(network: Network) -> list[Evidence]:
    """The engine's Evidence of the network's evidence not undone (never another network's)."""
    return active_evidence_used(network)[1]


def get_evidence(network: Network, pk: Any) -> LearnedEvidence:
    """One piece of the network's evidence, or 404 (another network's does not exist here)."""
    row = LearnedEvidence.objects.filter(network=network, pk=pk).select_related("created_by", "undone_by").first()
    if row is None:
        raise Http404
    return row


@dataclass(frozen=True)
class RunLearning:
    """What a run's page says was learned: since this run (for the next one), and what this run used."""

    since: list[LearnedEvidence]
    used: list[LearnedEvidence]


def run_learning(network: Network, job: Job) -> RunLearning:
    """The evidence recorded since `job` started (used at the next run) and the evidence `job` used."""
    ids = [int(i) for i in (job.result or {}).get("evidence", []) if isinstance(i, int)]
    rows = LearnedEvidence.objects.filter(network=network).select_related("created_by", "undone_by", "demand")
    next_run = (
        Job.objects.filter(network=network, kind=AGGREGATION_JOB_KIND, created_at__gt=job.created_at)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    since = rows.filter(created_at__gte=job.created_at)
    if next_run is not None:
        since = since.filter(created_at__lt=next_run)
    used = rows.filter(pk__in=ids).order_by("created_at", "id") if ids else rows.none()
    return RunLearning(since=list(since.order_by("created_at", "id")), used=list(used))


def recent_evidence(network: Network, *, limit: int = 50) -> list[LearnedEvidence]:
    """The network's latest evidence, newest first (undone ones included, marked)."""
    return list(
        LearnedEvidence.objects.filter(network=network).select_related("created_by", "undone_by", "demand")[:limit]
    )


# Where a piece of evidence came from, said after "—" on the run page.
SOURCES: dict[str, Any] = {
    EvidenceAction.MERGE: _("from merging two candidates"),
    EvidenceAction.SPLIT: _("from splitting a candidate"),
    EvidenceAction.REMOVE: _("from a need removed from a candidate"),
    EvidenceAction.ATTACH: _("from a need attached to a demand"),
}


def _term_text(term: str, vocabulary: Vocabulary) -> str:
    if term.startswith(CONCEPT_PREFIX):
        concept = vocabulary.concept(term[len(CONCEPT_PREFIX) :])
        return concept.label if concept is not None else term[len(CONCEPT_PREFIX) :]
    return term


def _side_text(terms: Any, vocabulary: Vocabulary) -> str:
    return ", ".join(f"«{_term_text(str(t), vocabulary)}»" for t in terms or ())


def describe_evidence(rows: Sequence[LearnedEvidence], vocabulary: Vocabulary) -> list[LearnedEvidence]:
    """Set on each row the words of its sentence: `first_text`, `second_text` (concepts by their label), `source`."""
    for row in rows:
        row.first_text = _side_text(row.first, vocabulary)  # type: ignore[attr-defined]
        row.second_text = _side_text(row.second, vocabulary)  # type: ignore[attr-defined]
        row.source = SOURCES.get(row.action, "")  # type: ignore[attr-defined]
    return list(rows)
