"""Writes of assessments: the multidimensional evaluation of the person's situation, eight domains scored from 1
(serious difficulty) to 5 (no difficulty) with notes and evidence, at baseline, at reviews and at closing.

Any member of the case team records one; the privacy officer only reads. The day is not in the future nor before
the case was opened; a case has one baseline.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.pacts.models import Assessment, AssessmentKind, AssessmentScore, Case, Domain
from legami.pacts.services.common import require_on_team, require_workable

TEXT_MAX_LENGTH = 4000
SCORE_MESSAGE = _("Give a score from 1 to 5.")


def score_field(domain: str) -> str:
    return f"score_{domain}"


def notes_field(domain: str) -> str:
    return f"notes_{domain}"


def evidence_field(domain: str) -> str:
    return f"evidence_{domain}"


def _domain_fields() -> dict[str, inputs.Field]:
    fields: dict[str, inputs.Field] = {}
    for domain in Domain.values:
        fields[score_field(domain)] = inputs.Integer(
            required=True,
            min_value=1,
            max_value=5,
            range_code="out_of_range",
            messages={"required": SCORE_MESSAGE, "out_of_range": SCORE_MESSAGE, "invalid": SCORE_MESSAGE},
        )
        fields[notes_field(domain)] = inputs.Text(max_length=TEXT_MAX_LENGTH)
        fields[evidence_field(domain)] = inputs.Text(max_length=TEXT_MAX_LENGTH)
    return fields


ASSESSMENT_INPUTS = inputs.Rules(
    {
        "kind": inputs.Choice(
            AssessmentKind,
            required=True,
            empty_code="invalid_choice",
            messages={"invalid_choice": _("Choose when the assessment is made.")},
        ),
        "assessed_on": inputs.Date(
            required=True, past=True, messages={"future": _("An assessment cannot be dated in the future.")}
        ),
        "note": inputs.Text(max_length=TEXT_MAX_LENGTH),
        **_domain_fields(),
    }
)


def _check_against_case(case: Case, values: dict[str, Any]) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if values["assessed_on"] < case.opened_on:
        errors["assessed_on"] = [
            ValidationError(_("An assessment cannot be dated before the case was opened."), code="before_opening")
        ]
    if (
        values["kind"] == AssessmentKind.BASELINE
        and Assessment.objects.filter(case=case, kind=AssessmentKind.BASELINE).exists()
    ):
        errors["kind"] = [
            ValidationError(
                _("This case has its baseline assessment already: choose another kind."), code="baseline_exists"
            )
        ]
    if errors:
        raise ValidationError(errors)


def record_assessment(*, actor: Any, case: Case, data: dict) -> Assessment:
    """Record an assessment of the case's person in the eight domains (any member of the case team)."""
    require_on_team(actor, case)
    require_workable(case)
    values = ASSESSMENT_INPUTS.clean(data, network=case.network, actor=actor)
    _check_against_case(case, values)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            network=case.network,
            case=case,
            kind=values["kind"],
            assessed_on=values["assessed_on"],
            assessed_by=actor,
            note=values["note"] or "",
        )
        AssessmentScore.objects.bulk_create(
            AssessmentScore(
                assessment=assessment,
                domain=domain,
                score=values[score_field(domain)],
                notes=values[notes_field(domain)] or "",
                evidence=values[evidence_field(domain)] or "",
            )
            for domain in Domain.values
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=assessment,
            object_repr=str(case),
            after={
                **(snapshot(assessment) or {}),
                "scores": {domain: values[score_field(domain)] for domain in Domain.values},
            },
            data_class=DataClass.CASE,
        )
    return assessment
