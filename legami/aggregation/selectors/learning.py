"""Reads of demand aggregation: what the engine learned from the reviewers of a network."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from legami.aggregation.engine import Evidence
from legami.aggregation.models import AGGREGATION_JOB_KIND, LearnedEvidence
from legami.core.models import Job
from legami.network.models import Network


def evidence_of(row: LearnedEvidence) -> Evidence:
    """The engine's Evidence of a recorded row."""
    return Evidence(kind=row.kind, first=tuple(row.first or ()), second=tuple(row.second or ()))


def active_evidence_rows(network: Network) -> list[LearnedEvidence]:
    """The network's evidence not undone, oldest first: what its next run uses."""
    return list(LearnedEvidence.objects.filter(network=network, undone_at__isnull=True).order_by("created_at", "id"))


def active_evidence(network: Network) -> list[Evidence]:
    """The engine's Evidence of the network's evidence not undone (never another network's)."""
    return [evidence_of(row) for row in active_evidence_rows(network)]


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
