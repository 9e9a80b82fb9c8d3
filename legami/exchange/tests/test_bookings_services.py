"""Booking a shared space: the inputs, the opening hours, the capacity, conflicts, weekly series and the workflow."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from legami.core.models import AuditEvent
from legami.exchange.models import Booking, BookingEvent, BookingSeries, BookingStatus
from legami.exchange.services import bookings as services
from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at, next_weekday

pytestmark = pytest.mark.django_db

TUESDAY = 1


@pytest.fixture
def space(cast):
    return SpaceFactory(network=cast.network, manager_organization=cast.organization)


def data(day=None, start="16:00", end="18:00", **more):
    values = {"date": day or next_weekday(TUESDAY), "start": start, "end": end, "title": "Compleanno", "people": 12}
    return values | more


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


# --- a single booking -------------------------------------------------------------------------------------


def test_a_citizen_requests_a_booking_that_waits_for_approval(cast, space):
    booking = services.request_booking(actor=cast.citizen, space=space, data=data())
    assert booking.status == BookingStatus.REQUESTED
    assert booking.booked_by == cast.citizen and booking.network == cast.network
    assert booking.starts_at == at(next_weekday(TUESDAY), 16) and booking.ends_at == at(next_weekday(TUESDAY), 18)
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status) == ("", BookingStatus.REQUESTED)
    assert AuditEvent.objects.filter(object_type="exchange.booking", object_id=str(booking.pk)).count() == 1


def test_a_space_without_approval_confirms_at_once(cast):
    space = SpaceFactory(network=cast.network, approval_required=False)
    booking = services.request_booking(actor=cast.citizen, space=space, data=data())
    assert booking.status == BookingStatus.CONFIRMED


def test_a_manager_booking_their_own_space_is_confirmed_at_once(cast, space):
    booking = services.request_booking(actor=cast.partner_staff, space=space, data=data())
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("persona", ["evaluator", "funder", "privacy_officer", "outsider"])
def test_who_may_not_book_is_refused(cast, space, persona):
    with pytest.raises(PermissionDenied):
        services.request_booking(actor=getattr(cast, persona), space=space, data=data())
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"date": ""}, "date", "required"),
        ({"date": "31/02/2030"}, "date", "invalid"),
        ({"start": "25:00"}, "start", "invalid"),
        ({"end": ""}, "end", "required"),
        ({"start": "18:00", "end": "16:00"}, "end", "ends_before_start"),
        ({"start": "16:00", "end": "16:00"}, "end", "ends_before_start"),
        ({"title": "   "}, "title", "required"),
        ({"title": "x" * 201}, "title", "max_length"),
        ({"people": 0}, "people", "min_value"),
        ({"people": "molti"}, "people", "invalid"),
        ({"people": 31}, "people", "over_capacity"),
        ({"contact_phone": "chiamami"}, "contact_phone", "invalid_phone"),
        ({"is_public_event": "forse"}, "is_public_event", "invalid"),
        ({"surprise": 1}, "surprise", "unknown"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_code(cast, space, changes, field, code):
    with pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.citizen, space=space, data=data(**changes))
    assert code in codes(refused.value)[field]
    assert not Booking.objects.exists()


def test_a_booking_in_the_past_is_refused(cast, space):
    with pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.citizen, space=space, data=data(day=datetime.date(2020, 3, 3)))
    assert codes(refused.value) == {"date": ["in_the_past"]}


def test_a_booking_outside_opening_hours_is_refused_with_the_hours(cast):
    space = SpaceFactory(network=cast.network, opening_hours=[{"day": 0, "start": "09:00", "end": "18:00"}])
    with pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.citizen, space=space, data=data(day=next_weekday(0), end="19:00"))
    assert codes(refused.value) == {"start": ["outside_opening_hours"]}
    assert "9–18" in refused.value.message_dict["start"][0]
    with pytest.raises(ValidationError):  # the right hours on a closed day
        services.request_booking(actor=cast.citizen, space=space, data=data(day=next_weekday(TUESDAY)))
    booking = services.request_booking(actor=cast.citizen, space=space, data=data(day=next_weekday(0)))
    assert booking.pk


def test_a_space_without_hours_is_open_at_any_time(cast):
    space = SpaceFactory(network=cast.network, opening_hours=[])
    assert services.request_booking(actor=cast.citizen, space=space, data=data(start="6:00", end="23:30")).pk


def test_an_inactive_space_takes_no_bookings(cast):
    space = SpaceFactory(network=cast.network, is_active=False)
    with pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.citizen, space=space, data=data())
    assert refused.value.code == "space_inactive"


def test_one_books_only_for_ones_own_organisation(cast, space):
    with pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.citizen, space=space, data=data(organization=cast.organization.pk))
    assert codes(refused.value) == {"organization": ["not_your_organisation"]}
    booking = services.request_booking(actor=cast.partner_staff, space=space, data=data(organization=cast.organization))
    assert booking.organization == cast.organization


def test_an_organisation_of_another_network_is_refused(cast, space):
    from legami.core.tests import factories as f

    elsewhere = f.OrganizationFactory(network=cast.other_network)
    with pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.coordinator, space=space, data=data(organization=elsewhere.pk))
    assert codes(refused.value) == {"organization": ["invalid_choice"]}


# --- conflicts --------------------------------------------------------------------------------------------


def test_an_overlapping_booking_is_refused_with_the_slot_taken(cast, space):
    services.request_booking(actor=cast.citizen, space=space, data=data())
    with pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.partner_staff, space=space, data=data(start="17:00", end="19:00"))
    assert codes(refused.value) == {"start": ["slot_taken"]}
    message = refused.value.message_dict["start"][0]
    assert message.startswith("The space is already booked from 16:00 to 18:00 on ")
    assert Booking.objects.count() == 1


def test_the_conflict_reads_in_italian(cast, space):
    from django.utils import translation

    day = next_weekday(TUESDAY)
    services.request_booking(actor=cast.citizen, space=space, data=data(day=day))
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.citizen, space=space, data=data(day=day))
    message = refused.value.message_dict["start"][0]
    assert f"martedì {day.day} " in message  # lower-case day name as Italian writes it


def test_adjacent_bookings_and_other_spaces_do_not_conflict(cast, space):
    services.request_booking(actor=cast.citizen, space=space, data=data())
    services.request_booking(actor=cast.citizen, space=space, data=data(start="18:00", end="20:00"))
    services.request_booking(actor=cast.citizen, space=space, data=data(start="14:00", end="16:00"))
    other = SpaceFactory(network=cast.network)
    services.request_booking(actor=cast.citizen, space=other, data=data())
    assert Booking.objects.count() == 4


@pytest.mark.parametrize("status", [BookingStatus.REFUSED, BookingStatus.CANCELLED])
def test_refused_and_cancelled_bookings_free_their_slot(cast, space, status):
    BookingFactory(space=space, status=status, starts_at=at(next_weekday(TUESDAY), 16))
    assert services.request_booking(actor=cast.citizen, space=space, data=data()).pk


@pytest.mark.parametrize("status", [BookingStatus.REQUESTED, BookingStatus.CONFIRMED])
def test_requested_and_confirmed_bookings_hold_their_slot(cast, space, status):
    BookingFactory(space=space, status=status, starts_at=at(next_weekday(TUESDAY), 17))
    with pytest.raises(ValidationError):
        services.request_booking(actor=cast.citizen, space=space, data=data())


def test_the_database_refuses_a_booking_that_ends_before_it_starts(space):
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(space=space, starts_at=at(next_weekday(TUESDAY), 18), ends_at=at(next_weekday(TUESDAY), 16))


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")


@postgres_only
def test_on_postgresql_the_database_refuses_an_overlap(space):
    BookingFactory(space=space, status=BookingStatus.REQUESTED)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        BookingFactory(space=space, status=BookingStatus.CONFIRMED)
    BookingFactory(space=space, status=BookingStatus.CANCELLED)  # outside the constraint's states


@postgres_only
def test_on_postgresql_the_service_turns_the_constraint_into_the_clear_message(cast, space, monkeypatch):
    services.request_booking(actor=cast.citizen, space=space, data=data())
    monkeypatch.setattr(services, "_conflicts", _blind_first_check(services._conflicts))
    with pytest.raises(ValidationError) as refused:
        services.request_booking(actor=cast.citizen, space=space, data=data(start="17:00", end="18:30"))
    assert codes(refused.value) == {"start": ["slot_taken"]}
    assert "from 16:00 to 18:00" in refused.value.message_dict["start"][0]


def _blind_first_check(real):
    """The first check sees nothing (as when another request commits between the check and the insert)."""
    calls = []

    def check(space, occurrences):
        calls.append(1)
        return {} if len(calls) == 1 else real(space, occurrences)

    return check


# --- weekly ----------------------------------------------------------------------------------------------


def weekly(**more):
    day = next_weekday(TUESDAY)
    return data(day=day, until=day + datetime.timedelta(weeks=3)) | more


def test_a_weekly_booking_books_every_week_in_one_series(cast, space):
    booked = services.request_weekly_booking(actor=cast.citizen, space=space, data=weekly())
    assert len(booked.bookings) == 4 and booked.skipped == ()
    series = BookingSeries.objects.get()
    assert series.weekday == TUESDAY and series.exceptions == []
    days = [b.starts_at.date() for b in Booking.objects.order_by("starts_at")]
    assert [(b - days[0]).days for b in days] == [0, 7, 14, 21]
    assert set(Booking.objects.values_list("series", flat=True)) == {series.pk}


def test_the_exceptions_are_skipped(cast, space):
    day = next_weekday(TUESDAY)
    second = day + datetime.timedelta(weeks=1)
    booked = services.request_weekly_booking(
        actor=cast.citizen, space=space, data=weekly(exceptions=second.strftime("%d/%m/%Y"))
    )
    assert len(booked.bookings) == 3
    assert second not in {b.starts_at.astimezone(booked.bookings[0].starts_at.tzinfo).date() for b in booked.bookings}
    assert booked.series.exceptions == [second.isoformat()]


def test_a_conflict_refuses_the_whole_series_and_names_the_dates(cast, space):
    taken = next_weekday(TUESDAY) + datetime.timedelta(weeks=2)
    BookingFactory(space=space, starts_at=at(taken, 17))
    with pytest.raises(ValidationError) as refused:
        services.request_weekly_booking(actor=cast.citizen, space=space, data=weekly())
    assert codes(refused.value) == {"exceptions": ["slot_taken"]}
    assert refused.value.error_dict["exceptions"][0].params["dates"] == [taken]
    assert Booking.objects.count() == 1 and not BookingSeries.objects.exists()
    # Resubmitted with the date as an exception, it goes through.
    booked = services.request_weekly_booking(actor=cast.citizen, space=space, data=weekly(exceptions=[taken]))
    assert len(booked.bookings) == 3


def test_skip_taken_books_the_free_dates_and_records_the_taken_ones(cast, space):
    taken = next_weekday(TUESDAY) + datetime.timedelta(weeks=1)
    BookingFactory(space=space, starts_at=at(taken, 15), ends_at=at(taken, 17))
    booked = services.request_weekly_booking(actor=cast.citizen, space=space, data=weekly(skip_taken="sì"))
    assert len(booked.bookings) == 3 and booked.skipped == (taken,)
    assert booked.series.exceptions == [taken.isoformat()]


def test_skip_taken_with_every_date_taken_books_nothing(cast, space):
    day = next_weekday(TUESDAY)
    BookingFactory(space=space, starts_at=at(day, 16))
    with pytest.raises(ValidationError) as refused:
        services.request_weekly_booking(actor=cast.citizen, space=space, data=weekly(until=day, skip_taken=True))
    assert codes(refused.value) == {"exceptions": ["all_taken"]}
    assert not BookingSeries.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"until": ""}, "until", "required"),
        ({"until": "domani"}, "until", "invalid"),
        ({"until": datetime.date(2020, 1, 1)}, "until", "until_before_start"),
        ({"exceptions": "10/03/2030, mai"}, "exceptions", "invalid"),
        ({"exceptions": 5}, "exceptions", "invalid"),
        ({"skip_taken": "boh"}, "skip_taken", "invalid"),
    ],
)
def test_bad_weekly_input_is_refused(cast, space, changes, field, code):
    with pytest.raises(ValidationError) as refused:
        services.request_weekly_booking(actor=cast.citizen, space=space, data=weekly(**changes))
    assert code in codes(refused.value)[field]
    assert not Booking.objects.exists()


def test_a_series_longer_than_a_year_is_refused(cast, space):
    day = next_weekday(TUESDAY)
    with pytest.raises(ValidationError) as refused:
        services.request_weekly_booking(
            actor=cast.citizen, space=space, data=weekly(until=day + datetime.timedelta(days=400))
        )
    assert codes(refused.value) == {"until": ["series_too_long"]}


def test_exceptions_that_leave_no_date_are_refused(cast, space):
    day = next_weekday(TUESDAY)
    with pytest.raises(ValidationError) as refused:
        services.request_weekly_booking(actor=cast.citizen, space=space, data=weekly(until=day, exceptions=[day]))
    assert codes(refused.value) == {"exceptions": ["no_dates"]}


# --- the workflow ---------------------------------------------------------------------------------------


@pytest.fixture
def requested(cast, space):
    return BookingFactory(space=space, status=BookingStatus.REQUESTED, booked_by=cast.citizen)


@pytest.mark.parametrize("manager", ["coordinator", "community_worker", "partner_staff"])
def test_the_space_managers_confirm_a_request(cast, requested, manager):
    booking = services.confirm_booking(actor=getattr(cast, manager), booking=requested, note="ok")
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.events.last().to_status == BookingStatus.CONFIRMED


def test_the_managers_refuse_a_request(cast, requested):
    booking = services.refuse_booking(actor=cast.coordinator, booking=requested, note="sala in manutenzione")
    assert booking.status == BookingStatus.REFUSED
    assert booking.events.last().note == "sala in manutenzione"


@pytest.mark.parametrize("persona", ["citizen", "case_manager", "evaluator", "funder", "outsider"])
def test_who_does_not_manage_the_space_may_not_decide(cast, requested, persona):
    for move in (services.confirm_booking, services.refuse_booking):
        with pytest.raises(PermissionDenied):
            move(actor=getattr(cast, persona), booking=requested)
    requested.refresh_from_db()
    assert requested.status == BookingStatus.REQUESTED


def test_partner_staff_of_another_organisation_may_not_decide(cast):
    space = SpaceFactory(network=cast.network)  # managed by another organisation
    booking = BookingFactory(space=space, status=BookingStatus.REQUESTED)
    with pytest.raises(PermissionDenied):
        services.confirm_booking(actor=cast.partner_staff, booking=booking)


@pytest.mark.parametrize("status", [BookingStatus.REQUESTED, BookingStatus.CONFIRMED])
def test_the_booker_cancels_their_booking(cast, space, status):
    booking = BookingFactory(space=space, status=status, booked_by=cast.citizen)
    assert services.cancel_booking(actor=cast.citizen, booking=booking).status == BookingStatus.CANCELLED


def test_another_citizen_may_not_cancel(cast, space):
    from legami.core.tests import factories as f

    other = f.UserFactory()
    f.MembershipFactory(network=cast.network, user=other, role="citizen")
    booking = BookingFactory(space=space, booked_by=cast.citizen)
    with pytest.raises(PermissionDenied):
        services.cancel_booking(actor=other, booking=booking)


def test_a_manager_cancels_any_booking_of_the_space(cast, space):
    booking = BookingFactory(space=space, booked_by=cast.citizen)
    assert services.cancel_booking(actor=cast.partner_staff, booking=booking).status == BookingStatus.CANCELLED


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (BookingStatus.CONFIRMED, "confirm_booking"),
        (BookingStatus.CONFIRMED, "refuse_booking"),
        (BookingStatus.REFUSED, "confirm_booking"),
        (BookingStatus.REFUSED, "cancel_booking"),
        (BookingStatus.CANCELLED, "confirm_booking"),
        (BookingStatus.CANCELLED, "refuse_booking"),
        (BookingStatus.CANCELLED, "cancel_booking"),
    ],
)
def test_moves_the_table_lacks_are_refused(cast, space, status, move):
    booking = BookingFactory(space=space, status=status, booked_by=cast.citizen)
    with pytest.raises(ValidationError) as refused:
        getattr(services, move)(actor=cast.coordinator, booking=booking)
    assert refused.value.code == "invalid_transition"
    booking.refresh_from_db()
    assert booking.status == status and not booking.events.exists()


def test_a_request_that_has_started_cannot_be_confirmed_and_one_that_is_over_cannot_be_cancelled(cast, space):
    started = BookingFactory(
        space=space,
        status=BookingStatus.REQUESTED,
        starts_at=at(datetime.date(2020, 3, 3), 16),
        ends_at=at(datetime.date(2020, 3, 3), 18),
    )
    with pytest.raises(ValidationError) as refused:
        services.confirm_booking(actor=cast.coordinator, booking=started)
    assert refused.value.code == "booking_started"
    with pytest.raises(ValidationError) as refused:
        services.cancel_booking(actor=cast.coordinator, booking=started)
    assert refused.value.code == "booking_over"


def test_available_offers_each_persona_its_buttons(cast, requested):
    names = lambda user: [t.name for t in services.available(requested, user)]  # noqa: E731
    assert names(cast.coordinator) == ["confirm", "refuse", "cancel"]
    assert names(cast.citizen) == ["cancel"]
    assert names(cast.case_manager) == []
    assert names(cast.evaluator) == []


# --- several moments for one purpose (an activity's sessions) ---------------------------------------------


def moments(*hours, day=None):
    """(start, end) on `day` (a Tuesday a week away) for each (from, to) hour pair."""
    day = day or next_weekday(TUESDAY)
    return [(at(day, start), at(day, end)) for start, end in hours]


def batch_data(**more):
    return {"title": "Doposcuola", "people": 12} | more


def test_a_batch_books_each_free_moment_and_names_the_booking_in_the_way(cast, space):
    taken = BookingFactory(space=space, starts_at=at(next_weekday(TUESDAY, weeks=2), 16))
    wanted = [
        (at(next_weekday(TUESDAY), 16), at(next_weekday(TUESDAY), 18)),
        (at(next_weekday(TUESDAY, weeks=2), 17), at(next_weekday(TUESDAY, weeks=2), 19)),
        (at(next_weekday(TUESDAY, weeks=3), 16), at(next_weekday(TUESDAY, weeks=3), 18)),
    ]
    batch = services.request_bookings(actor=cast.citizen, space=space, data=batch_data(), moments=wanted)
    assert sorted(batch.booked) == [0, 2] and batch.left_out == {1: services.LeftOut("slot_taken", taken)}
    rows = Booking.objects.filter(space=space, booked_by=cast.citizen).order_by("starts_at")
    assert [(b.starts_at, b.status, b.title) for b in rows] == [
        (wanted[0][0], BookingStatus.REQUESTED, "Doposcuola"),
        (wanted[2][0], BookingStatus.REQUESTED, "Doposcuola"),
    ]
    assert BookingEvent.objects.filter(booking__in=rows).count() == 2
    assert AuditEvent.objects.filter(object_type="exchange.booking", action="create").count() == 2


def test_a_batch_follows_the_approval_rule(cast, space):
    free = SpaceFactory(network=cast.network, approval_required=False)
    assert services.request_bookings(
        actor=cast.citizen, space=free, data=batch_data(), moments=moments((16, 18))
    ).booked[0].status == (BookingStatus.CONFIRMED)
    # The managers' own bookings are confirmed at once.
    mine = services.request_bookings(actor=cast.partner_staff, space=space, data=batch_data(), moments=moments((9, 10)))
    assert mine.booked[0].status == BookingStatus.CONFIRMED


def test_a_batch_leaves_out_the_past_the_closed_hours_and_its_own_overlaps(cast, space):
    past = (at(datetime.date(2020, 3, 3), 16), at(datetime.date(2020, 3, 3), 18))
    batch = services.request_bookings(
        actor=cast.citizen,
        space=space,
        data=batch_data(),
        moments=[past, *moments((7, 8), (16, 18), (17, 19))],
    )
    assert {i: left.reason for i, left in batch.left_out.items()} == {
        0: "in_the_past",
        1: "outside_opening_hours",
        3: "slot_taken",
    }
    assert batch.left_out[3].booking is None and list(batch.booked) == [2]


def test_a_batch_with_every_moment_taken_books_nothing_and_says_so(cast, space):
    taken = BookingFactory(space=space)
    batch = services.request_bookings(
        actor=cast.citizen,
        space=space,
        data=batch_data(),
        moments=[(taken.starts_at, taken.ends_at)],
    )
    assert batch.booked == {} and batch.left_out[0].booking == taken
    assert Booking.objects.filter(space=space).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"people": 31}, "people", "over_capacity"),
        ({"organization": 999999}, "organization", "invalid_choice"),
    ],
)
def test_bad_shared_values_refuse_the_whole_batch(cast, space, changes, field, code):
    with pytest.raises(ValidationError) as refused:
        services.request_bookings(
            actor=cast.citizen, space=space, data=batch_data(**changes), moments=moments((16, 18))
        )
    assert codes(refused.value)[field] == [code]
    assert not Booking.objects.exists()


def test_a_batch_asks_who_may_book_and_a_bookable_space(cast, space):
    with pytest.raises(PermissionDenied):
        services.request_bookings(actor=cast.evaluator, space=space, data=batch_data(), moments=moments((16, 18)))
    space.is_active = False
    space.save()
    with pytest.raises(ValidationError) as refused:
        services.request_bookings(actor=cast.citizen, space=space, data=batch_data(), moments=moments((16, 18)))
    assert refused.value.code == "space_inactive"
    assert not Booking.objects.exists()


@postgres_only
def test_on_postgresql_a_batch_that_meets_the_constraint_checks_again_and_leaves_the_slot_out(cast, space, monkeypatch):
    taken = services.request_booking(actor=cast.citizen, space=space, data=data())
    monkeypatch.setattr(services, "_conflicts", _blind_first_check(services._conflicts))
    batch = services.request_bookings(
        actor=cast.partner_staff, space=space, data=batch_data(), moments=moments((17, 19), (19, 20))
    )
    assert batch.left_out == {0: services.LeftOut("slot_taken", taken)} and list(batch.booked) == [1]
    assert Booking.objects.filter(space=space).count() == 2


def test_cancel_bookings_frees_the_live_ones_and_leaves_the_others(cast, space):
    requested = BookingFactory(space=space, status=BookingStatus.REQUESTED, booked_by=cast.citizen)
    confirmed = BookingFactory(space=space, booked_by=cast.citizen, starts_at=at(next_weekday(TUESDAY, weeks=2), 16))
    refused = BookingFactory(
        space=space, status=BookingStatus.REFUSED, booked_by=cast.citizen, starts_at=at(next_weekday(3), 9)
    )
    over = BookingFactory(
        space=space,
        booked_by=cast.citizen,
        starts_at=at(datetime.date(2020, 3, 3), 16),
        ends_at=at(datetime.date(2020, 3, 3), 18),
    )
    bookings = [requested, confirmed, refused, over]
    assert services.cancel_bookings(actor=cast.citizen, bookings=bookings, note="Cambio di programma") == 2
    states = {b.pk: b.status for b in Booking.objects.all()}
    assert states == {
        requested.pk: BookingStatus.CANCELLED,
        confirmed.pk: BookingStatus.CANCELLED,
        refused.pk: BookingStatus.REFUSED,
        over.pk: BookingStatus.CONFIRMED,
    }
    assert BookingEvent.objects.filter(note="Cambio di programma", to_status=BookingStatus.CANCELLED).count() == 2


def test_cancel_bookings_refuses_them_all_when_one_is_not_the_actors(cast, space):
    from legami.core.tests import factories as f

    other = f.UserFactory()
    f.MembershipFactory(network=cast.network, user=other, role="citizen")
    own = BookingFactory(space=space, booked_by=other)
    someone_elses = BookingFactory(space=space, booked_by=cast.citizen, starts_at=at(next_weekday(3), 9))
    with pytest.raises(PermissionDenied):
        services.cancel_bookings(actor=other, bookings=[own, someone_elses])
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.CONFIRMED}


def test_the_staff_of_the_organisation_booked_for_cancel_a_colleagues_booking(cast):
    from legami.core.tests import factories as f

    space = SpaceFactory(network=cast.network)  # managed by another organisation
    colleague = f.UserFactory()
    f.MembershipFactory(network=cast.network, user=colleague, role="partner_staff", organization=cast.organization)
    booking = BookingFactory(space=space, booked_by=colleague, organization=cast.organization)
    assert services.may_take(booking, cast.partner_staff, "cancel")
    assert not services.may_take(booking, cast.partner_staff, "confirm")
    assert not services.may_take(
        BookingFactory(space=space, booked_by=colleague, starts_at=at(next_weekday(3), 9)), cast.partner_staff, "cancel"
    )
    assert services.cancel_booking(actor=cast.partner_staff, booking=booking).status == BookingStatus.CANCELLED


def test_rename_bookings_gives_a_new_purpose_audited(cast, space):
    first = BookingFactory(space=space, booked_by=cast.citizen, title="Doposcuola")
    second = BookingFactory(space=space, booked_by=cast.citizen, title="Doposcuola", starts_at=at(next_weekday(3), 9))
    assert services.rename_bookings(actor=cast.citizen, bookings=[first, second], title="Doposcuola al Po") == 2
    assert set(Booking.objects.values_list("title", flat=True)) == {"Doposcuola al Po"}
    updates = AuditEvent.objects.filter(object_type="exchange.booking", action="update")
    assert updates.count() == 2 and updates.first().after == {"title": "Doposcuola al Po"}
    assert services.rename_bookings(actor=cast.citizen, bookings=[first], title="Doposcuola al Po") == 0
    with pytest.raises(PermissionDenied):
        services.rename_bookings(actor=cast.evaluator, bookings=[first], title="Altro")
