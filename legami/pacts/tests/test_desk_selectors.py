"""The desk's lists with planted data: each holds what it must, and nothing of other teams, closed cases, pacts not
in force, kept commitments; the counts, the order, and a constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from legami.core.tests import factories as f
from legami.pacts.models import (
    CaseStatus,
    Commitment,
    Expense,
    ExpenseStatus,
    GiveBackHours,
    GiveBackSource,
    GiveBackStatus,
    ItemRating,
    Pact,
    PactStatus,
    Review,
    ReviewItem,
    ReviewOutcome,
)
from legami.pacts.selectors.desk import desk_counts, desk_for
from legami.pacts.tests.factories import draft_pact, open_case, signed_pact
from legami.referrals.models import ReferralStatus, Urgency
from legami.referrals.tests.factories import ReferralFactory, in_cremona

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def live_pact(case, *, started: int = 70, review_in: int | None = 40, status=PactStatus.ACTIVE, **kwargs) -> Pact:
    """A signed pact in force whose version started `started` days ago, next review in `review_in` days."""
    pact = signed_pact(case, **kwargs)
    version = pact.current_version
    version.starts_on = days(-started)
    version.signed_on = days(-started)
    version.save()
    pact.status = status
    pact.next_review_on = None if review_in is None else days(review_in)
    pact.save()
    return pact


def give_back(pact: Pact) -> Commitment:
    return pact.current_version.commitments.get(is_give_back=True)


def dated(pact: Pact) -> Commitment:
    return pact.current_version.commitments.get(is_give_back=False)


def confirm_hours(pact: Pact, hours: int, *, on: datetime.date | None = None, status=GiveBackStatus.CONFIRMED):
    return GiveBackHours.objects.create(
        network=pact.network,
        pact=pact,
        commitment_key=give_back(pact).key,
        done_on=on or days(-3),
        minutes=hours * 60 if hours * 60 <= 1440 else 1440,
        source=GiveBackSource.OTHER,
        status=status,
    )


def keep_up(pact: Pact) -> None:
    """Confirmed hours enough for the give-back commitment (2 hours a week since it started)."""
    needed = give_back(pact).hours_per_week * Decimal((TODAY - pact.current_version.starts_on).days) / 7
    left = int(needed) + 1
    while left > 0:
        chunk = min(left, 24)
        confirm_hours(pact, chunk)
        left -= chunk


def other_team_case(cast, **kwargs):
    """A case of the same network whose team is the district case manager alone."""
    return open_case(cast, manager=cast.district_case_manager, members=(), **kwargs)


# --- my cases -----------------------------------------------------------------------------------------------


def test_my_cases_lists_the_open_cases_of_my_teams_with_my_role(cast):
    mine = open_case(cast)
    live_pact(mine, review_in=3)
    closed = open_case(cast)
    closed.status, closed.close_reason, closed.closed_on = CaseStatus.CLOSED, "goals_reached", TODAY
    closed.save()
    other = other_team_case(cast)

    manager_desk = desk_for(cast.case_manager, cast.network)
    member_desk = desk_for(cast.partner_staff, cast.network)

    assert [c.pk for c in manager_desk.cases.rows] == [mine.pk] and manager_desk.cases.count == 1
    row = manager_desk.cases.rows[0]
    assert row.my_role == "manager" and row.pact_status == PactStatus.ACTIVE and row.pact_count == 1
    assert row.next_review == days(3)
    assert member_desk.cases.rows[0].my_role == "member"
    assert other.pk not in [c.pk for c in manager_desk.cases.rows]
    # Holding pacts.work_on_cases is not being on a team.
    assert desk_for(cast.coordinator, cast.network).cases.count == 0
    assert [c.pk for c in desk_for(cast.district_case_manager, cast.network).cases.rows] == [other.pk]


def test_my_cases_come_by_their_next_review_first(cast):
    later = open_case(cast)
    live_pact(later, review_in=30)
    without = open_case(cast)
    sooner = open_case(cast)
    live_pact(sooner, review_in=2)

    rows = desk_for(cast.case_manager, cast.network).cases.rows

    assert [c.pk for c in rows] == [sooner.pk, later.pk, without.pk]


def test_each_list_shows_its_first_rows_and_counts_them_all(cast):
    for _ in range(4):
        open_case(cast)

    desk = desk_for(cast.case_manager, cast.network, rows=3)

    assert len(desk.cases.rows) == 3 and desk.cases.count == 4


# --- reviews due --------------------------------------------------------------------------------------------


def test_reviews_due_within_two_weeks_or_late_and_only_of_pacts_in_force(cast):
    soon = live_pact(open_case(cast), review_in=5)
    late = live_pact(open_case(cast), review_in=-3)
    under_review = live_pact(open_case(cast), review_in=14, status=PactStatus.UNDER_REVIEW)
    live_pact(open_case(cast), review_in=20)  # too far
    done = live_pact(open_case(cast), review_in=1)
    done.status = PactStatus.COMPLETED
    done.save()
    live_pact(other_team_case(cast), review_in=1)

    desk = desk_for(cast.case_manager, cast.network)

    assert [p.pk for p in desk.reviews.rows] == [late.pk, soon.pk, under_review.pk]
    assert [p.overdue for p in desk.reviews.rows] == [True, False, False]


# --- overdue commitments ------------------------------------------------------------------------------------


def _review(pact: Pact, *, held: int, rating=ItemRating.MET, key=None) -> ReviewItem:
    review = Review.objects.create(
        network=pact.network,
        pact=pact,
        version=pact.current_version,
        due_on=days(held),
        held_on=days(held),
        outcome=ReviewOutcome.CONTINUE,
    )
    return ReviewItem.objects.create(
        review=review, kind=ReviewItem.Kind.COMMITMENT, item_key=key or dated(pact).key, rating=rating
    )


def test_a_commitment_past_its_date_is_overdue_until_a_review_rates_it_met(cast):
    pact = live_pact(open_case(cast))
    keep_up(pact)
    commitment = dated(pact)
    commitment.due_on = days(-5)
    commitment.save()

    desk = desk_for(cast.case_manager, cast.network)
    assert [(c.pk, c.behind) for c in desk.commitments.rows] == [(commitment.pk, False)]

    _review(pact, held=-2, rating=ItemRating.PARTLY)
    assert desk_for(cast.case_manager, cast.network).commitments.count == 1
    _review(pact, held=-1, rating=ItemRating.MET)
    assert desk_for(cast.case_manager, cast.network).commitments.count == 0


def test_a_met_rating_before_the_version_in_force_does_not_count(cast):
    pact = live_pact(open_case(cast), started=20)
    keep_up(pact)
    commitment = dated(pact)
    commitment.due_on = days(-5)
    commitment.save()
    _review(pact, held=-40)  # a review of an earlier period

    assert [c.pk for c in desk_for(cast.case_manager, cast.network).commitments.rows] == [commitment.pk]


def test_a_give_back_commitment_below_three_quarters_of_the_hours_is_behind(cast):
    # 2 hours a week for 70 days: 20 hours expected, 15 (75%) needed.
    behind = live_pact(open_case(cast), started=70)
    confirm_hours(behind, 14)
    confirm_hours(behind, 10, status=GiveBackStatus.PENDING)  # not confirmed: does not count
    on_track = live_pact(open_case(cast), started=70)
    confirm_hours(on_track, 15)
    before_start = live_pact(open_case(cast), started=70)
    confirm_hours(before_start, 20, on=days(-80))  # before the version in force: does not count

    rows = desk_for(cast.case_manager, cast.network).commitments.rows

    assert {c.version.pact_id for c in rows} == {behind.pk, before_start.pk}
    row = next(c for c in rows if c.version.pact_id == behind.pk)
    assert row.behind is True
    assert row.confirmed_hours == Decimal("14.0") and row.expected_hours == Decimal("20.0")


def test_overdue_commitments_leave_out_pacts_not_in_force_closed_cases_and_other_teams(cast):
    draft = draft_pact(open_case(cast))
    Commitment.objects.filter(version__pact=draft).update(due_on=days(-5))
    closed_case = open_case(cast)
    live_pact(closed_case, started=70)
    closed_case.status, closed_case.close_reason, closed_case.closed_on = CaseStatus.CLOSED, "other", TODAY
    closed_case.save()
    live_pact(other_team_case(cast), started=70)
    completed = live_pact(open_case(cast), started=70)
    completed.status = PactStatus.COMPLETED
    completed.save()

    assert desk_for(cast.case_manager, cast.network).commitments.count == 0


# --- referrals waiting --------------------------------------------------------------------------------------


def test_referrals_waiting_are_mine_and_the_new_ones_of_my_districts_late_first(cast):
    crema = cast.municipalities[1]
    mine = in_cremona(cast, status=ReferralStatus.ASSIGNED, assigned_to=cast.case_manager)
    late = in_cremona(cast, urgency=Urgency.IMMEDIATE, due_at=timezone.now() - datetime.timedelta(hours=3))
    new_crema = ReferralFactory(network=cast.network, reporter=cast.sentinel, municipality=crema)
    in_cremona(cast, status=ReferralStatus.ASSIGNED, assigned_to=cast.coordinator)  # someone else's
    in_cremona(cast, status=ReferralStatus.CLOSED, close_reason="no_need")
    in_cremona(cast, status=ReferralStatus.ACCEPTED, assigned_to=cast.case_manager)

    network_wide = desk_for(cast.case_manager, cast.network).referrals
    district = desk_for(cast.district_case_manager, cast.network).referrals

    assert network_wide.rows[0].pk == late.pk and network_wide.rows[0].overdue
    assert {r.pk for r in network_wide.rows} == {mine.pk, late.pk, new_crema.pk}
    # Limited to Cremona's district: the new one in Crema is not theirs to take.
    assert {r.pk for r in district.rows} == {late.pk}
    # Partner staff do not triage: no such list.
    assert desk_for(cast.partner_staff, cast.network).referrals is None


# --- budgets ------------------------------------------------------------------------------------------------


def _expense(pact: Pact, amount: str, *, status=ExpenseStatus.RECORDED, by=None) -> Expense:
    return Expense.objects.create(
        network=pact.network,
        pact=pact,
        line_key=pact.current_version.budget_lines.get().key,
        amount=Decimal(amount),
        spent_on=days(-2),
        description="Libri del corso",
        status=status,
        recorded_by=by,
    )


def test_budgets_from_80_percent_of_the_version_in_force(cast):
    near = live_pact(open_case(cast))  # 600 euro
    _expense(near, "300.00")
    _expense(near, "180.00", status=ExpenseStatus.APPROVED)  # 480 = 80%
    below = live_pact(open_case(cast))
    _expense(below, "400.00")
    _expense(below, "200.00", status=ExpenseStatus.AWAITING_APPROVAL)  # not counted until approved
    _expense(below, "200.00", status=ExpenseStatus.REFUSED)
    over = live_pact(open_case(cast))
    _expense(over, "590.00")
    _expense(live_pact(other_team_case(cast)), "590.00")

    rows = desk_for(cast.case_manager, cast.network).budgets.rows

    assert [p.pk for p in rows] == [over.pk, near.pk]
    assert rows[1].spent == Decimal("480.00") and rows[1].budget == Decimal("600.00")


def test_reviews_and_budgets_are_cut_at_their_first_rows_and_counted_whole(cast):
    # Four reviews due (the two with a full budget too) and three budgets near their limit, cut at two rows each.
    late, soon, later = (live_pact(open_case(cast), review_in=n) for n in (-5, 2, 9))
    both = live_pact(open_case(cast), review_in=4)
    full = live_pact(open_case(cast), review_in=40)
    _expense(both, "590.00")  # 98%
    _expense(full, "570.00")  # 95%
    _expense(later, "500.00")  # 83%: third, not shown
    _expense(late, "100.00")  # 17%: not near

    desk = desk_for(cast.case_manager, cast.network, rows=2)

    assert [p.pk for p in desk.reviews.rows] == [late.pk, soon.pk] and desk.reviews.count == 4
    assert [p.pk for p in desk.budgets.rows] == [both.pk, full.pk] and desk.budgets.count == 3
    whole = desk_for(cast.case_manager, cast.network, rows=10)
    assert [p.pk for p in whole.reviews.rows] == [late.pk, soon.pk, both.pk, later.pk]
    assert [p.pk for p in whole.budgets.rows] == [both.pk, full.pk, later.pk]


def test_expenses_awaiting_approval_are_for_the_second_person_only(cast):
    pact = live_pact(open_case(cast))
    by_staff = _expense(pact, "700.00", status=ExpenseStatus.AWAITING_APPROVAL, by=cast.partner_staff)
    _expense(pact, "50.00", status=ExpenseStatus.AWAITING_APPROVAL, by=cast.case_manager)
    _expense(live_pact(other_team_case(cast)), "700.00", status=ExpenseStatus.AWAITING_APPROVAL)

    approvals = desk_for(cast.case_manager, cast.network).approvals

    assert [e.pk for e in approvals.rows] == [by_staff.pk]
    assert desk_for(cast.partner_staff, cast.network).approvals is None


# --- counts and queries -------------------------------------------------------------------------------------


def test_the_counts_agree_with_the_desk(cast):
    pact = live_pact(open_case(cast), review_in=2)
    _expense(pact, "590.00")
    _expense(pact, "50.00", status=ExpenseStatus.AWAITING_APPROVAL, by=cast.partner_staff)
    in_cremona(cast)

    counts = desk_counts(cast.case_manager, cast.network)
    desk = desk_for(cast.case_manager, cast.network)

    assert (
        (counts.cases, counts.reviews, counts.commitments, counts.referrals, counts.budgets, counts.approvals)
        == (
            desk.cases.count,
            desk.reviews.count,
            desk.commitments.count,
            desk.referrals.count,
            desk.budgets.count,
            desk.approvals.count,
        )
        == (1, 1, 1, 1, 1, 1)
    )
    assert desk_counts(cast.privacy_officer, cast.network) is None


def _busy(cast, n: int) -> None:
    for i in range(n):
        pact = live_pact(open_case(cast), review_in=i % 10)
        commitment = dated(pact)
        commitment.due_on = days(-1 - i)
        commitment.save()
        _expense(pact, "550.00")
        _expense(pact, "80.00", status=ExpenseStatus.AWAITING_APPROVAL, by=cast.partner_staff)
        in_cremona(cast)


def test_the_desk_runs_a_constant_number_of_queries(cast):
    from legami.accounts.models import User

    _busy(cast, 2)
    with CaptureQueriesContext(connection) as small:
        desk_for(User.objects.get(pk=cast.case_manager.pk), cast.network)
    _busy(cast, 12)
    with CaptureQueriesContext(connection) as large:
        desk = desk_for(User.objects.get(pk=cast.case_manager.pk), cast.network)
        for section in (desk.cases, desk.reviews, desk.commitments, desk.budgets, desk.approvals, desk.referrals):
            for row in section.rows:
                str(row)

    assert desk.cases.count == 14 and desk.commitments.count >= 14
    assert len(large.captured_queries) == len(small.captured_queries) <= 8


def test_a_network_it_is_not_in_shows_nothing(cast):
    live_pact(open_case(cast), review_in=1)
    f.MembershipFactory(network=cast.other_network, user=cast.case_manager, role="case_manager")

    desk = desk_for(cast.case_manager, cast.other_network)

    assert desk.cases.count == desk.reviews.count == desk.commitments.count == 0
