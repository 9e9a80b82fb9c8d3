"""Holding a pact's review: each objective and commitment of the version under review rated, overall notes, the
assessment made for it, and the outcome, which moves the pact (continue: back in force until the next review;
renew or change: under review until the new version is signed; complete; interrupt)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.pacts.capabilities import OPEN_CASES
from legami.pacts.models import (
    Assessment,
    AssessmentKind,
    Commitment,
    InterruptReason,
    ItemRating,
    Objective,
    Pact,
    PactStatus,
    Review,
    ReviewItem,
    ReviewOutcome,
)
from legami.pacts.services.common import require_on_team, require_workable
from legami.pacts.services.pacts import PACT_WORKFLOW


def _interrupt_needs_reason(ctx: inputs.Context) -> None:
    if ctx.ok("outcome", "interrupt_reason") and ctx.value("outcome") == ReviewOutcome.INTERRUPT:
        if not ctx.value("interrupt_reason"):
            ctx.add_error("interrupt_reason", gettext("Say why the pact is interrupted."), "reason_required")


REVIEW_INPUTS = inputs.Rules(
    {
        "held_on": inputs.Date(
            required=True, past=True, messages={"future": _("The review cannot be held later than today.")}
        ),
        "notes": inputs.Text(max_length=4000),
        "outcome": inputs.choose(ReviewOutcome, _("Choose the outcome of the review.")),
        "interrupt_reason": inputs.Choice(InterruptReason),
        "assessment": inputs.Lookup(
            Assessment, messages={"invalid_choice": _("Choose one of the case's review assessments not yet used.")}
        ),
    },
    checks=(_interrupt_needs_reason,),
)


def review_items(review: Review) -> list[tuple[str, Any]]:
    """What the review rates: (kind, row) for each objective, then each commitment, of the version reviewed."""
    items: list[tuple[str, Any]] = [
        (ReviewItem.Kind.OBJECTIVE, row) for row in Objective.objects.filter(version_id=review.version_id)
    ]
    items += [(ReviewItem.Kind.COMMITMENT, row) for row in Commitment.objects.filter(version_id=review.version_id)]
    return items


def usable_assessments(review: Review) -> models.QuerySet[Assessment]:
    """The case's assessments of kind "review" not linked to another review."""
    pact = review.pact
    return Assessment.objects.filter(case_id=pact.case_id, kind=AssessmentKind.REVIEW).filter(
        models.Q(review__isnull=True) | models.Q(review=review)
    )


def _ratings(review: Review, given: Any) -> list[tuple[str, Any, str, str]]:
    """(kind, key, rating, note) for every item, from `given` {key (str): {"rating":…, "note":…}}; every item rated."""
    given = given or {}
    choices = set(ItemRating.values)
    found, errors = [], []
    for kind, row in review_items(review):
        entry = given.get(str(row.key)) or {}
        rating = (entry.get("rating") or "").strip()
        if rating not in choices:
            errors.append(
                ValidationError(gettext("Say how each objective and commitment went."), code="rating_required")
            )
            continue
        note = (entry.get("note") or "").strip()[:2000]
        found.append((kind, row.key, rating, note))
    if errors:
        raise ValidationError({"items": errors[:1]})
    return found


def hold_review(*, actor: Any, review: Review, data: dict[str, Any]) -> Review:
    """Record the review held: its day, notes, assessment, each item's rating, and its outcome (which moves the pact).

    `data["items"]` is {item key: {"rating": ItemRating, "note": text}} for each objective and commitment."""
    pact = review.pact
    require_on_team(actor, pact.case, capability=OPEN_CASES)
    require_workable(pact.case)
    data = dict(data)
    given_items = data.pop("items", None)
    values = REVIEW_INPUTS.clean(data, network=pact.network, actor=actor)
    assessment = values.pop("assessment")
    if assessment is not None and not usable_assessments(review).filter(pk=assessment.pk).exists():
        raise ValidationError(
            {
                "assessment": [
                    ValidationError(
                        gettext("Choose one of the case's review assessments not yet used."), code="invalid_choice"
                    )
                ]
            }
        )
    with transaction.atomic():
        locked = PACT_WORKFLOW.lock(pact)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.held_on is not None:
            raise ValidationError(gettext("This review has been held already."), code="held")
        if locked.status != PactStatus.UNDER_REVIEW:
            raise ValidationError(gettext("Open the review on the pact's page first."), code="not_under_review")
        ratings = _ratings(review, given_items)
        before = snapshot(review)
        review.held_on = values["held_on"]
        review.notes = values["notes"] or ""
        review.outcome = values["outcome"]
        review.assessment = assessment
        review.held_by = actor
        review.save()
        ReviewItem.objects.bulk_create(
            [
                ReviewItem(review=review, kind=kind, item_key=key, rating=rating, note=note)
                for kind, key, rating, note in ratings
            ]
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=review,
            before=before,
            after=snapshot(review),
            data_class=DataClass.CASE,
        )
        _apply_outcome(actor, locked, review, values)
    return review


def _apply_outcome(actor: Any, pact: Pact, review: Review, values: dict[str, Any]) -> None:
    outcome = values["outcome"]
    if outcome == ReviewOutcome.CONTINUE:
        weeks = pact.current_version.review_every_weeks if pact.current_version else 12
        start = pact.next_review_on or values["held_on"]
        PACT_WORKFLOW.apply(
            pact,
            PactStatus.ACTIVE,
            actor=actor,
            lock=False,
            changes={"next_review_on": start + datetime.timedelta(weeks=weeks)},
        )
    elif outcome == ReviewOutcome.COMPLETE:
        PACT_WORKFLOW.apply(pact, PactStatus.COMPLETED, actor=actor, lock=False)
    elif outcome == ReviewOutcome.INTERRUPT:
        PACT_WORKFLOW.apply(
            pact,
            PactStatus.INTERRUPTED,
            actor=actor,
            lock=False,
            changes={"interrupt_reason": values["interrupt_reason"]},
        )
    # renew / change: the pact stays under review until its new version is signed (record_signature).
