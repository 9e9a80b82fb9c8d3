"""Holding a review: every item rated, the assessment made for it, and each outcome's effect on the pact."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.pacts.models import (
    Assessment,
    AssessmentKind,
    Commitment,
    Objective,
    Pact,
    PactStatus,
    Review,
    ReviewItem,
)
from legami.pacts.services import pacts as pact_services
from legami.pacts.services.reviews import hold_review
from legami.pacts.tests.factories import open_case, signed_pact

TODAY = timezone.localdate()


@pytest.fixture
def review(cast):
    pact = signed_pact(open_case(cast))
    return pact_services.open_review(actor=cast.case_manager, pact=pact)


def data(review, **overrides):
    keys = [o.key for o in Objective.objects.filter(version=review.version)]
    keys += [c.key for c in Commitment.objects.filter(version=review.version)]
    items = {str(key): {"rating": "met", "note": "Bene"} for key in keys}
    return {"held_on": TODAY, "notes": "Incontro sereno", "outcome": "continue", "items": items} | overrides


def test_continue_puts_the_pact_back_in_force_until_the_next_review(cast, review):
    pact = review.pact
    due = pact.next_review_on
    assessment = Assessment.objects.create(
        network=cast.network, case=pact.case, kind=AssessmentKind.REVIEW, assessed_on=TODAY
    )
    hold_review(actor=cast.case_manager, review=review, data=data(review, assessment=assessment.pk))
    pact.refresh_from_db()
    review.refresh_from_db()
    assert pact.status == PactStatus.ACTIVE
    assert pact.next_review_on == due + datetime.timedelta(weeks=12)
    assert (review.held_on, review.outcome, review.assessment_id, review.held_by) == (
        TODAY,
        "continue",
        assessment.pk,
        cast.case_manager,
    )
    assert ReviewItem.objects.filter(review=review).count() == 3


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("renew", PactStatus.UNDER_REVIEW), ("change", PactStatus.UNDER_REVIEW), ("complete", PactStatus.COMPLETED)],
)
def test_the_other_outcomes(cast, review, outcome, status):
    hold_review(actor=cast.case_manager, review=review, data=data(review, outcome=outcome))
    assert Pact.objects.get(pk=review.pact_id).status == status


def test_interrupting_needs_its_reason(cast, review):
    with pytest.raises(ValidationError) as exc:
        hold_review(actor=cast.case_manager, review=review, data=data(review, outcome="interrupt"))
    assert [e.code for e in exc.value.error_dict["interrupt_reason"]] == ["reason_required"]
    hold_review(
        actor=cast.case_manager, review=review, data=data(review, outcome="interrupt", interrupt_reason="moved")
    )
    pact = Pact.objects.get(pk=review.pact_id)
    assert (pact.status, pact.interrupt_reason) == (PactStatus.INTERRUPTED, "moved")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"held_on": ""}, "held_on", "required"),
        ({"held_on": TODAY + datetime.timedelta(days=1)}, "held_on", "future"),
        ({"outcome": ""}, "outcome", "invalid_choice"),
        ({"items": {}}, "items", "rating_required"),
        ({"assessment": 999999}, "assessment", "invalid_choice"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cast, review, change, field, code):
    with pytest.raises(ValidationError) as exc:
        hold_review(actor=cast.case_manager, review=review, data=data(review, **change))
    assert code in [e.code for e in exc.value.error_dict[field]]
    review.refresh_from_db()
    assert review.held_on is None and not ReviewItem.objects.exists()
    assert Pact.objects.get(pk=review.pact_id).status == PactStatus.UNDER_REVIEW


def test_an_assessment_of_another_kind_or_already_used_is_refused(cast, review):
    baseline = Assessment.objects.create(
        network=cast.network, case=review.pact.case, kind=AssessmentKind.BASELINE, assessed_on=TODAY
    )
    with pytest.raises(ValidationError) as exc:
        hold_review(actor=cast.case_manager, review=review, data=data(review, assessment=baseline.pk))
    assert [e.code for e in exc.value.error_dict["assessment"]] == ["invalid_choice"]


def test_a_review_is_held_once_and_only_by_the_case_manager(cast, review):
    with pytest.raises(PermissionDenied):
        hold_review(actor=cast.partner_staff, review=review, data=data(review))
    with pytest.raises(PermissionDenied):
        hold_review(actor=cast.privacy_officer, review=review, data=data(review))
    hold_review(actor=cast.case_manager, review=review, data=data(review, outcome="renew"))
    with pytest.raises(ValidationError) as exc:
        hold_review(actor=cast.case_manager, review=Review.objects.get(pk=review.pk), data=data(review))
    assert exc.value.code == "held"


def test_a_review_of_an_active_pact_waits_for_it_to_be_opened(cast):
    pact = signed_pact(open_case(cast))
    review = Review.objects.create(network=cast.network, pact=pact, version=pact.current_version, due_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        hold_review(actor=cast.case_manager, review=review, data=data(review))
    assert exc.value.code == "not_under_review"
