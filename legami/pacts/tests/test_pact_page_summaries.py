"""The pact page shows the budget and the give-back hours in short; a review shows the hours done in its period."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from legami.pacts.models import Expense, ExpenseStatus, GiveBackHours, GiveBackSource, GiveBackStatus, Review
from legami.pacts.tests.factories import draft_pact, open_case, signed_pact

TODAY = timezone.localdate()


def _pact_with_activity(cast):
    pact = signed_pact(open_case(cast))
    version = pact.current_version
    line = version.budget_lines.get()
    commitment = version.commitments.get(is_give_back=True)
    for amount, status in (("150.00", ExpenseStatus.RECORDED), ("90.00", ExpenseStatus.AWAITING_APPROVAL)):
        Expense.objects.create(
            network=cast.network,
            pact=pact,
            line_key=line.key,
            amount=Decimal(amount),
            spent_on=TODAY,
            description="Iscrizione al corso",
            status=status,
            recorded_by=cast.case_manager,
        )
    for minutes, status in ((120, GiveBackStatus.CONFIRMED), (60, GiveBackStatus.PENDING)):
        GiveBackHours.objects.create(
            network=cast.network,
            pact=pact,
            commitment_key=commitment.key,
            done_on=TODAY,
            minutes=minutes,
            source=GiveBackSource.OTHER,
            host=cast.organization,
            status=status,
            logged_by=cast.case_manager,
        )
    return pact


def test_the_pact_page_shows_the_budget_and_the_give_back_in_short(cast, english_login):
    pact = _pact_with_activity(cast)

    body = english_login(cast.case_manager).get(reverse("pacts:pact", args=[cast.network.slug, pact.pk])).content
    text = body.decode().replace("\xa0", " ")  # euro() puts a no-break space before the sign

    assert "Budget: spent and remaining" in text and "600,00 €" in text and "150,00 €" in text
    assert "450,00 €" in text  # remaining: the expense awaiting approval does not count
    assert "90,00 €" in text  # shown as awaiting approval
    assert "2 h confirmed of" in text and "1 h waiting for the host" in text


def test_a_draft_pact_has_no_summaries_yet(cast, english_login):
    pact = draft_pact(open_case(cast))

    text = english_login(cast.case_manager).get(reverse("pacts:pact", args=[cast.network.slug, pact.pk])).content
    assert b"Remaining" not in text and b"waiting for the host" not in text


def test_a_review_shows_the_hours_done_since_the_last_one(cast, english_login):
    pact = _pact_with_activity(cast)
    version = pact.current_version
    commitment = version.commitments.get(is_give_back=True)
    # A review held a week ago: the hours of today fall in the next one's period, earlier ones do not.
    version.starts_on = TODAY - datetime.timedelta(days=20)
    version.save()
    GiveBackHours.objects.create(
        network=cast.network,
        pact=pact,
        commitment_key=commitment.key,
        done_on=TODAY - datetime.timedelta(days=10),
        minutes=180,
        source=GiveBackSource.OTHER,
        host=cast.organization,
        status=GiveBackStatus.CONFIRMED,
    )
    Review.objects.create(
        network=cast.network,
        pact=pact,
        version=version,
        due_on=TODAY - datetime.timedelta(days=7),
        held_on=TODAY - datetime.timedelta(days=7),
        outcome="continue",
    )
    review = Review.objects.create(network=cast.network, pact=pact, version=version, due_on=TODAY)

    text = english_login(cast.case_manager).get(reverse("pacts:review", args=[cast.network.slug, review.pk])).content

    # Seven days at 2 hours a week: 2 hours due; 2 hours confirmed in the period (the 3 hours before it are not).
    assert b"2 hours done of 2 hours due in the period" in text or b"2 hours done of 2 due in the period" in text
