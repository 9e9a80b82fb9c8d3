"""Reads of assessments: one assessment with the previous one of its case (change per domain), and the case's
baseline against its latest assessment for the chart of the case page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from legami.core.audit import record_read
from legami.network.models import Network
from legami.pacts.models import Assessment, Domain
from legami.pacts.selectors.access import cases_for


@dataclass
class DomainRow:
    domain: str
    label: Any
    score: int | None
    previous: int | None
    notes: str = ""
    evidence: str = ""

    @property
    def change(self) -> int | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


def scores_of(assessment: Assessment | None) -> dict[str, Any]:
    """{domain: AssessmentScore} of an assessment whose scores are prefetched (or fetched now)."""
    if assessment is None:
        return {}
    return {score.domain: score for score in assessment.scores.all()}


def compare(current: Assessment | None, previous: Assessment | None) -> list[DomainRow]:
    """One row per domain, in the domains' order: the score of `current`, the one of `previous` and the change."""
    now, before = scores_of(current), scores_of(previous)
    rows = []
    for domain, label in Domain.choices:
        score = now.get(domain)
        prior = before.get(domain)
        rows.append(
            DomainRow(
                domain=domain,
                label=label,
                score=score.score if score else None,
                previous=prior.score if prior else None,
                notes=score.notes if score else "",
                evidence=score.evidence if score else "",
            )
        )
    return rows


def assessment_for(viewer: Any, network: Network, pk: Any, *, purpose: str = "assessment page") -> Assessment:
    """An assessment of a case the viewer may see (audited read), else Http404."""
    assessment = (
        Assessment.objects.filter(network=network, case__in=cases_for(viewer, network).values("pk"))
        .select_related("case", "case__person", "assessed_by")
        .prefetch_related("scores")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404
    record_read(actor=viewer, obj=assessment, purpose=purpose, network=network)
    return assessment


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The case's assessment just before this one (by day, then by number)."""
    return (
        Assessment.objects.filter(case_id=assessment.case_id)
        .exclude(pk=assessment.pk)
        .filter(assessed_on__lte=assessment.assessed_on)
        .exclude(assessed_on=assessment.assessed_on, pk__gt=assessment.pk)
        .prefetch_related("scores")
        .order_by("-assessed_on", "-id")
        .first()
    )


def baseline_and_latest(assessments: list[Assessment]) -> tuple[Assessment | None, Assessment | None]:
    """The first and the last of a case's assessments (ordered by day); the same one when there is one."""
    if not assessments:
        return None, None
    return assessments[0], assessments[-1]
