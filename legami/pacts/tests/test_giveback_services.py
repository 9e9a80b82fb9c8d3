"""Give-back hours: logging from each source, counted once, the host's confirmation (allowed and refused), and the
progress against the commitment over a known period."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.pacts.models import (
    CaseStatus,
    Commitment,
    GiveBackHours,
    GiveBackSource,
    GiveBackStatus,
    Pact,
    PactStatus,
)
from legami.pacts.selectors.giveback import (
    committed_minutes,
    confirmation_queue,
    duration,
    give_back_progress,
    progress_at_review,
    progress_since_start,
)
from legami.pacts.services.giveback import confirm_give_back, log_give_back
from legami.pacts.tests.factories import draft_pact, open_case
from legami.pacts.tests.factories_giveback import (
    STARTED_DAYS_AGO,
    commitment_of,
    exchange_of,
    pending_hours,
    place_of,
    shift_of,
    started_pact,
)


@pytest.fixture
def pact(cast):
    return started_pact(cast)


def log(cast, pact, actor=None, **data) -> GiveBackHours:
    return log_give_back(
        actor=actor or cast.case_manager, pact=pact, data={"commitment": str(commitment_of(pact).key), **data}
    )


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


# ------------------------------------------------------------------------------------------------- logging


def test_a_volunteer_shift_counts_at_once_with_its_minutes_day_and_organiser(cast, pact):
    shift = shift_of(cast, pact, minutes=150, days_ago=2)
    hours = log(cast, pact, source="activity", volunteer_shift=shift.pk)
    assert hours.status == GiveBackStatus.CONFIRMED and hours.minutes == 150
    assert hours.done_on == timezone.localtime(shift.session.starts_at).date()
    assert hours.host == cast.organization and hours.confirmed_by == cast.community_worker
    event = AuditEvent.objects.get(object_type="pacts.givebackhours", action=AuditEvent.Action.CREATE)
    assert event.data_class == "case"


def test_a_shift_counts_once(cast, pact):
    shift = shift_of(cast, pact)
    log(cast, pact, source="activity", volunteer_shift=shift.pk)
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="activity", volunteer_shift=shift.pk)
    assert codes(refused.value) == {"volunteer_shift": ["already_counted"]}
    assert GiveBackHours.objects.count() == 1


def test_a_shift_counted_toward_another_pact_counts_no_more(cast, pact):
    shift = shift_of(cast, pact)
    other = started_pact(cast, person=pact.case.person)
    log(cast, other, source="activity", volunteer_shift=shift.pk)
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="activity", volunteer_shift=shift.pk)
    assert codes(refused.value) == {"volunteer_shift": ["already_counted"]}


def test_someone_elses_shift_is_not_a_choice(cast, pact):
    shift = shift_of(cast, pact)
    shift.person = f.PersonFactory(network=cast.network)
    shift.save()
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="activity", volunteer_shift=shift.pk)
    assert codes(refused.value) == {"volunteer_shift": ["invalid_choice"]}


def test_a_shift_before_the_pact_started_does_not_count(cast, pact):
    shift = shift_of(cast, pact, days_ago=STARTED_DAYS_AGO + 3)
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="activity", volunteer_shift=shift.pk)
    assert codes(refused.value) == {"volunteer_shift": ["before_start"]}


def test_a_confirmed_exchange_where_the_person_gave_time_counts_at_once_once(cast, pact):
    transfer = exchange_of(cast, pact, minutes=90)
    hours = log(cast, pact, source="time_bank", transfer=transfer.pk)
    assert (hours.status, hours.minutes, hours.host, hours.source) == (
        GiveBackStatus.CONFIRMED,
        90,
        cast.organization,
        GiveBackSource.TIME_BANK,
    )
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="time_bank", transfer=transfer.pk)
    assert codes(refused.value) == {"transfer": ["already_counted"]}


def test_an_exchange_where_the_person_received_time_is_not_a_choice(cast, pact):
    transfer = exchange_of(cast, pact, gives=False)
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="time_bank", transfer=transfer.pk)
    assert codes(refused.value) == {"transfer": ["invalid_choice"]}


def test_hours_at_a_give_back_place_wait_for_its_host(cast, pact):
    place = place_of(cast)
    hours = log(cast, pact, source="giveback_place", giveback_place=place.pk, done_on=days_ago(1), minutes="2:30")
    assert (hours.status, hours.minutes, hours.host, hours.giveback_place) == (
        GiveBackStatus.PENDING,
        150,
        cast.organization,
        place,
    )


def test_hours_elsewhere_need_a_host_a_day_minutes_and_what_was_done(cast, pact):
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="other")
    assert codes(refused.value) == {
        "host": ["required"],
        "description": ["required"],
        "done_on": ["required"],
        "minutes": ["required"],
    }
    hours = log(
        cast,
        pact,
        source="other",
        host=cast.organization.pk,
        done_on=days_ago(1),
        minutes="1,5 h",
        description="Pulizia del parco",
    )
    assert hours.status == GiveBackStatus.PENDING and hours.minutes == 90 and hours.description == "Pulizia del parco"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"commitment": "00000000-0000-0000-0000-000000000000"}, "commitment", "invalid_choice"),
        ({"source": "moon"}, "source", "invalid_choice"),
        ({"done_on": timezone.localdate() + datetime.timedelta(days=1)}, "done_on", "future"),
        ({"done_on": timezone.localdate() - datetime.timedelta(days=STARTED_DAYS_AGO + 1)}, "done_on", "before_start"),
        ({"minutes": "25 h"}, "minutes", "max_value"),
        ({"minutes": "tanto"}, "minutes", "invalid"),
        ({"giveback_place": "999999"}, "giveback_place", "invalid_choice"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_code(cast, pact, change, field, code):
    data = {"source": "giveback_place", "giveback_place": place_of(cast).pk, "done_on": days_ago(1), "minutes": "2:00"}
    data.update(change)
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, **data)
    assert codes(refused.value)[field] == [code]
    assert not GiveBackHours.objects.exists()


def test_a_commitment_that_is_not_give_back_is_not_a_choice(cast, pact):
    other = Commitment.objects.get(version_id=pact.current_version_id, is_give_back=False)
    with pytest.raises(ValidationError) as refused:
        log_give_back(
            actor=cast.case_manager,
            pact=pact,
            data={"commitment": str(other.key), "source": "other", "host": cast.organization.pk},
        )
    assert "invalid_choice" in codes(refused.value)["commitment"]


def test_a_closed_give_back_place_is_not_a_choice(cast, pact):
    place = place_of(cast)
    place.status = "closed"
    place.save()
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="giveback_place", giveback_place=place.pk, done_on=days_ago(1), minutes="1:00")
    assert codes(refused.value) == {"giveback_place": ["invalid_choice"]}


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "privacy_officer", "citizen"])
def test_who_is_not_on_the_team_cannot_log(cast, pact, persona):
    with pytest.raises(PermissionDenied):
        log(cast, pact, actor=getattr(cast, persona), source="other")


def test_a_draft_or_closed_pact_takes_no_hours(cast, pact):
    draft = draft_pact(open_case(cast))
    with pytest.raises(ValidationError) as refused:
        log_give_back(actor=cast.case_manager, pact=draft, data={})
    assert refused.value.code == "pact_not_active"
    Pact.objects.filter(pk=pact.pk).update(status=PactStatus.COMPLETED)
    pact.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        log(cast, pact, source="other")
    assert refused.value.code == "pact_not_active"


# ---------------------------------------------------------------------------------------------- confirming


def test_the_hosts_partner_staff_confirm_and_the_hours_count(cast, pact):
    hours = pending_hours(cast, pact)
    done = confirm_give_back(actor=cast.partner_staff, hours=hours, confirmed=True)
    assert done.status == GiveBackStatus.CONFIRMED and done.confirmed_by == cast.partner_staff
    assert done.confirmed_at is not None


def test_a_coordinator_off_the_team_confirms_for_any_host(cast, pact):
    other_org = f.OrganizationFactory(network=cast.network, name="Parrocchia San Luca")
    hours = pending_hours(cast, pact, host=other_org)
    assert confirm_give_back(actor=cast.coordinator, hours=hours, confirmed=False).status == GiveBackStatus.REJECTED
    assert progress_since_start(pact, timezone.localdate())[0][0].confirmed_minutes == 0


def test_partner_staff_of_another_organisation_cannot_confirm(cast, pact):
    other_org = f.OrganizationFactory(network=cast.network, name="Parrocchia San Luca")
    hours = pending_hours(cast, pact, host=other_org)
    with pytest.raises(PermissionDenied):
        confirm_give_back(actor=cast.partner_staff, hours=hours, confirmed=True)
    assert GiveBackHours.objects.get(pk=hours.pk).status == GiveBackStatus.PENDING


@pytest.mark.parametrize("persona", ["case_manager", "privacy_officer", "evaluator", "citizen"])
def test_who_lacks_the_capability_cannot_confirm(cast, pact, persona):
    hours = pending_hours(cast, pact)
    with pytest.raises(PermissionDenied):
        confirm_give_back(actor=getattr(cast, persona), hours=hours, confirmed=True)


def test_a_coordinator_on_the_team_does_not_confirm_the_pacts_own_hours(cast):
    pact = started_pact(cast, members=("partner_staff", "coordinator"))
    hours = pending_hours(cast, pact)
    with pytest.raises(ValidationError) as refused:
        confirm_give_back(actor=cast.coordinator, hours=hours, confirmed=True)
    assert refused.value.code == "own_pact"
    assert confirmation_queue(cast.coordinator, cast.network).count() == 0
    # the partner staff on the same team are the host's own staff: they confirm
    assert [h.pk for h in confirmation_queue(cast.partner_staff, cast.network)] == [hours.pk]
    assert confirm_give_back(actor=cast.partner_staff, hours=hours, confirmed=True).status == "confirmed"


def test_answered_hours_cannot_be_answered_again(cast, pact):
    hours = pending_hours(cast, pact)
    confirm_give_back(actor=cast.partner_staff, hours=hours, confirmed=True)
    with pytest.raises(ValidationError) as refused:
        confirm_give_back(actor=cast.coordinator, hours=hours, confirmed=False)
    assert refused.value.code == "invalid_transition"


def test_hours_of_a_closed_case_cannot_be_confirmed_and_the_host_is_not_told_why(cast, pact):
    hours = pending_hours(cast, pact)
    pact.case.__class__.objects.filter(pk=pact.case_id).update(status=CaseStatus.CLOSED, close_reason="other")
    hours = GiveBackHours.objects.get(pk=hours.pk)
    with pytest.raises(ValidationError) as refused:
        confirm_give_back(actor=cast.partner_staff, hours=hours, confirmed=True)
    assert refused.value.code == "not_confirmable" and "case" not in str(refused.value.messages).lower()


def test_the_queue_holds_the_hosts_pending_hours_only(cast, pact):
    mine = pending_hours(cast, pact)
    other_org = f.OrganizationFactory(network=cast.network, name="Parrocchia San Luca")
    theirs = pending_hours(cast, pact, host=other_org)
    done = pending_hours(cast, pact)
    confirm_give_back(actor=cast.partner_staff, hours=done, confirmed=True)
    assert [h.pk for h in confirmation_queue(cast.partner_staff, cast.network)] == [mine.pk]
    assert {h.pk for h in confirmation_queue(cast.community_worker, cast.network)} == {mine.pk, theirs.pk}
    staff_elsewhere = f.UserFactory(email="altrove@example.org")
    f.MembershipFactory(network=cast.network, user=staff_elsewhere, role=Role.PARTNER_STAFF, organization=other_org)
    assert [h.pk for h in confirmation_queue(staff_elsewhere, cast.network)] == [theirs.pk]


# ------------------------------------------------------------------------------------------------ progress


def test_progress_over_a_known_period(cast, pact):
    """Two weeks at 2 hours a week: 4 hours committed; 3 hours confirmed (75%), 1 hour pending, one outside."""
    since, until = days_ago(20), days_ago(7)  # 14 days, both counted
    confirmed = pending_hours(cast, pact, minutes=180, days_ago=10)
    confirm_give_back(actor=cast.partner_staff, hours=confirmed, confirmed=True)
    pending_hours(cast, pact, minutes=60, days_ago=8)
    outside = pending_hours(cast, pact, minutes=300, days_ago=2)
    confirm_give_back(actor=cast.partner_staff, hours=outside, confirmed=True)
    [item] = give_back_progress(pact, since, until)
    assert (item.confirmed_minutes, item.pending_minutes, item.committed_minutes, item.percent) == (180, 60, 240, 75)


def test_committed_hours_count_only_the_days_within_the_pact(cast, pact):
    commitment = commitment_of(pact)
    start = timezone.localdate() - datetime.timedelta(days=STARTED_DAYS_AGO)
    span = (start, start + datetime.timedelta(days=179))  # 180 days
    week = datetime.timedelta(days=6)
    before = committed_minutes(commitment, start - datetime.timedelta(days=30), start + week, span)
    assert before == 120  # the 7 days within the pact: 2 hours
    commitment.hours_per_week, commitment.hours_total = None, Decimal("30")
    assert committed_minutes(commitment, *span, span) == 1800
    assert committed_minutes(commitment, start, start + datetime.timedelta(days=17), span) == 180  # 18/180 of 30 h


def test_progress_since_the_start(cast, pact):
    progress, (since, until) = progress_since_start(pact, timezone.localdate())
    assert since == days_ago(STARTED_DAYS_AGO) and until == timezone.localdate()
    assert progress[0].committed_minutes == round(Decimal(2 * 60 * 29) / 7)  # 29 days, both counted
    assert progress[0].percent == 0


@pytest.mark.parametrize(("minutes", "shown"), [(150, "2 h 30 min"), (120, "2 h"), (45, "45 min"), (0, "0 min")])
def test_duration_is_written_in_hours_and_minutes(minutes, shown):
    assert duration(minutes) == shown


def test_a_review_counts_the_hours_of_the_version_it_reviewed_after_a_new_one_changes_them(cast, pact):
    """Held on version 1 (2 hours a week), the review still shows 2 hours a week once version 2 asks for 3."""
    from legami.pacts.models import PactVersion, Review

    version1 = pact.current_version
    review = Review.objects.create(
        network=cast.network,
        pact=pact,
        version=version1,
        due_on=timezone.localdate(),
        held_on=timezone.localdate(),
        outcome="change",
    )
    version2 = PactVersion.objects.create(
        network=cast.network,
        pact=pact,
        number=2,
        based_on=version1,
        starts_on=version1.starts_on,
        ends_on=version1.ends_on,
        signed_on=timezone.localdate(),
        signature_method="witnessed",
        signature_recorded_by=cast.case_manager,
    )
    commitment = commitment_of(pact)
    Commitment.objects.create(
        version=version2,
        key=commitment.key,
        party=commitment.party,
        what=commitment.what,
        is_give_back=True,
        hours_per_week=Decimal("3"),
        position=1,
    )
    Pact.objects.filter(pk=pact.pk).update(current_version=version2)
    pact.refresh_from_db()
    review.refresh_from_db()

    [item], _period = progress_at_review(review, timezone.localdate())
    assert item.commitment.version_id == version1.pk
    assert item.committed_minutes == round(Decimal(2 * 60 * (STARTED_DAYS_AGO + 1)) / 7)
    [now] = give_back_progress(pact, *_period)
    assert now.committed_minutes == round(Decimal(3 * 60 * (STARTED_DAYS_AGO + 1)) / 7)
