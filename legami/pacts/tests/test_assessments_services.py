"""The assessment service: any team member records one; every bad input refused with its field and code."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.pacts.models import Assessment, AssessmentScore, Domain
from legami.pacts.services.assessments import record_assessment
from legami.pacts.tests.factories import open_case


def assessment_data(day=None, kind="baseline", score=3, **extra):
    data = {"kind": kind, "assessed_on": day or timezone.localdate(), "note": "Nota generale"}
    for domain in Domain.values:
        data[f"score_{domain}"] = score
        data[f"notes_{domain}"] = f"Note {domain}"
        data[f"evidence_{domain}"] = ""
    return data | extra


@pytest.mark.parametrize("persona", ["case_manager", "partner_staff"])
def test_any_team_member_records_an_assessment(cast, persona):
    case = open_case(cast)
    assessment = record_assessment(actor=getattr(cast, persona), case=case, data=assessment_data(score="4"))
    assert assessment.assessed_by == getattr(cast, persona)
    scores = dict(assessment.scores.values_list("domain", "score"))
    assert scores == dict.fromkeys(Domain.values, 4)
    assert assessment.scores.get(domain="housing").notes == "Note housing"
    event = AuditEvent.objects.get(object_type="pacts.assessment", action="create")
    assert event.data_class == "case" and "Note housing" not in str(event.after) and "Nota" not in str(event.after)


@pytest.mark.parametrize(
    "persona", ["coordinator", "community_worker", "district_case_manager", "privacy_officer", "evaluator"]
)
def test_who_is_not_on_the_team_is_refused(cast, persona):
    case = open_case(cast)
    with pytest.raises(PermissionDenied):
        record_assessment(actor=getattr(cast, persona), case=case, data=assessment_data())
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("kind", "", "invalid_choice"),
        ("kind", "monthly", "invalid_choice"),
        ("assessed_on", None, "required"),
        ("assessed_on", "not a day", "invalid"),
        ("assessed_on", timezone.localdate() + datetime.timedelta(days=1), "future"),
        ("assessed_on", timezone.localdate() - datetime.timedelta(days=61), "before_opening"),
        ("score_housing", None, "required"),
        ("score_housing", 0, "out_of_range"),
        ("score_work", 6, "out_of_range"),
        ("score_health", "tre", "invalid"),
        ("notes_income", "x" * 4001, "max_length"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, field, value, code):
    case = open_case(cast)  # opened 60 days ago
    with pytest.raises(ValidationError) as exc:
        record_assessment(actor=cast.case_manager, case=case, data=assessment_data() | {field: value})
    assert code in {e.code for e in exc.value.error_dict[field]}
    assert not Assessment.objects.exists() and not AssessmentScore.objects.exists()


def test_a_case_has_one_baseline(cast):
    case = open_case(cast)
    record_assessment(actor=cast.case_manager, case=case, data=assessment_data())
    with pytest.raises(ValidationError) as exc:
        record_assessment(actor=cast.case_manager, case=case, data=assessment_data())
    assert {e.code for e in exc.value.error_dict["kind"]} == {"baseline_exists"}
    record_assessment(actor=cast.case_manager, case=case, data=assessment_data(kind="review"))
    assert Assessment.objects.count() == 2


def test_a_closed_case_takes_no_assessment(cast):
    case = open_case(cast, status="closed", close_reason="moved")
    with pytest.raises(ValidationError) as exc:
        record_assessment(actor=cast.case_manager, case=case, data=assessment_data())
    assert exc.value.code == "case_closed"
