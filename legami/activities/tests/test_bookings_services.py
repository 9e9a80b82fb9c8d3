"""An activity in a shared space: the space in its inputs, its sessions booking the space through the exchange's
services (approval, conflicts reported and left without a booking), and the bookings following the activity's
changes (schedule, a moved, cancelled or restored session, another space, organiser or title, a cancellation)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from legami.activities.models import Activity, Session, SessionStatus
from legami.activities.selectors.bookings import unbooked_sessions
from legami.activities.services import activities as services
from legami.activities.services import sessions as session_services
from legami.activities.tests.factories import today
from legami.core.tests import factories as f
from legami.exchange.models import Booking, BookingStatus
from legami.exchange.services.bookings import request_booking
from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at

pytestmark = pytest.mark.django_db
B = BookingStatus
MONDAY, WEDNESDAY = 0, 2


@pytest.fixture
def place(cast):
    return f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa di quartiere Po")


@pytest.fixture
def space(cast, place):
    """A room of the place that needs approval, managed by another organisation than the cast's."""
    return SpaceFactory(network=cast.network, place=place, name="Sala grande", capacity=30)


def monday_in(weeks: int) -> datetime.date:
    day = today() + datetime.timedelta(days=7 * weeks)
    return day - datetime.timedelta(days=day.weekday())


def data(cast, place, space, **overrides):
    """Mondays and Wednesdays 16:30-18:00 for three weeks, from the Monday of next week."""
    first = monday_in(1)
    values = {
        "title": "Doposcuola al Po",
        "kind": "after_school",
        "organizer": cast.organization.pk,
        "place": place.pk,
        "space": getattr(space, "pk", space),
        "capacity": 12,
        "weekdays": [MONDAY, WEDNESDAY],
        "start_time": "16:30",
        "end_time": "18:00",
        "first_day": first.isoformat(),
        "last_day": (first + datetime.timedelta(days=18)).isoformat(),
    }
    return values | overrides


def create(cast, place, space, actor=None, **overrides):
    return services.create_activity(
        actor=actor or cast.coordinator, network=cast.network, data=data(cast, place, space, **overrides)
    )


def sessions_of(activity):
    return list(Session.objects.filter(activity=activity).select_related("booking").order_by("starts_at"))


def live(space):
    return Booking.objects.filter(space=space, status__in=(B.REQUESTED, B.CONFIRMED))


# --- the space in the activity's inputs -------------------------------------------------------------------


def codes(exc):
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


@pytest.mark.parametrize(
    ("space_of", "code"),
    [
        (lambda cast, place: 999999, "invalid_choice"),
        (lambda cast, place: SpaceFactory(network=cast.other_network).pk, "invalid_choice"),
        (lambda cast, place: SpaceFactory(network=cast.other_network), "invalid_choice"),
        (lambda cast, place: "Sala che non c'è", "invalid_choice"),
        (lambda cast, place: SpaceFactory(network=cast.network, place=place, is_active=False).pk, "inactive"),
        (lambda cast, place: SpaceFactory(network=cast.network).pk, "other_place"),
    ],
    ids=["unknown", "another network's", "another network's row", "unknown name", "not bookable", "elsewhere"],
)
def test_a_bad_space_is_refused_on_its_field_and_nothing_is_recorded(cast, place, space_of, code):
    values = data(cast, place, None) | {"space": space_of(cast, place)}
    with pytest.raises(ValidationError) as refused:
        services.create_activity(actor=cast.coordinator, network=cast.network, data=values)
    assert codes(refused.value) == {"space": [code]}
    assert not Activity.objects.exists() and not Booking.objects.exists()


def test_the_errors_say_what_is_wrong(cast, place):
    elsewhere = SpaceFactory(network=cast.network, name="Cortile")
    with pytest.raises(ValidationError) as refused:
        create(cast, place, elsewhere)
    assert refused.value.message_dict["space"] == [
        f"“Cortile” is in {elsewhere.place.name}: choose a space of the activity's place, or change the place."
    ]
    with pytest.raises(ValidationError) as refused:
        create(cast, place, SpaceFactory(network=cast.other_network))
    assert refused.value.message_dict["space"] == ["Choose a shared space of the network."]


def test_the_space_is_found_by_name_in_the_activitys_place(cast, place, space):
    SpaceFactory(network=cast.network, name="Sala grande")  # the same name in another place
    activity = create(cast, place, "sala GRANDE")
    assert activity.space == space


def test_more_places_than_the_space_holds_are_refused(cast, place, space):
    with pytest.raises(ValidationError) as refused:
        create(cast, place, space, capacity=31)
    assert codes(refused.value) == {"capacity": ["over_space_capacity"]}
    assert refused.value.message_dict["capacity"] == [
        "“Sala grande” holds at most 30 people: give fewer places, or choose a larger space."
    ]


def test_days_or_times_outside_the_opening_hours_are_refused(cast, place):
    space = SpaceFactory(
        network=cast.network, place=place, opening_hours=[{"day": d, "start": "09:00", "end": "18:00"} for d in (0, 1)]
    )
    for changes in ({"end_time": "18:30"}, {"weekdays": [MONDAY, WEDNESDAY]}):
        with pytest.raises(ValidationError) as refused:
            create(cast, place, space, **({"weekdays": [MONDAY]} | changes))
        assert codes(refused.value) == {"space": ["outside_opening_hours"]}
        assert "choose days and times within its opening hours" in refused.value.message_dict["space"][0]
    assert create(cast, place, space, weekdays=[MONDAY]).space == space


def test_an_activity_without_a_space_books_nothing(cast, place):
    activity = create(cast, place, None)
    assert activity.space is None and activity.sessions.count() == 6
    assert not Booking.objects.exists() and unbooked_sessions(cast.coordinator, activity) == []


# --- the sessions book the space -----------------------------------------------------------------------------


def test_each_session_to_come_books_the_space_once_as_the_organiser(cast, place, space):
    activity = create(cast, place, space, actor=cast.partner_staff)
    sessions = sessions_of(activity)
    assert len(sessions) == 6 and all(s.booking is not None for s in sessions)
    for session in sessions:
        booking = session.booking
        assert (booking.space, booking.starts_at, booking.ends_at) == (space, session.starts_at, session.ends_at)
        assert (booking.title, booking.people, booking.organization) == ("Doposcuola al Po", 12, cast.organization)
        assert booking.booked_by == cast.partner_staff and not booking.is_public_event
        # The space needs approval and the partner's staff do not manage it: the bookings wait for its managers.
        assert booking.status == B.REQUESTED
    assert unbooked_sessions(cast.coordinator, activity) == []


def test_a_space_without_approval_or_managed_by_the_organiser_confirms_at_once(cast, place):
    free = SpaceFactory(network=cast.network, place=place, approval_required=False)
    assert {s.booking.status for s in sessions_of(create(cast, place, free, actor=cast.partner_staff))} == {B.CONFIRMED}
    own = SpaceFactory(network=cast.network, place=place, manager_organization=cast.organization)
    assert {s.booking.status for s in sessions_of(create(cast, place, own, actor=cast.partner_staff))} == {B.CONFIRMED}


def test_past_sessions_are_not_booked(cast, place, space):
    first = today() - datetime.timedelta(days=14)
    activity = create(cast, place, space, first_day=first.isoformat())
    past = [s for s in sessions_of(activity) if s.starts_at <= timezone.now()]
    coming = [s for s in sessions_of(activity) if s.starts_at > timezone.now()]
    assert past and all(s.booking is None for s in past) and all(s.booking is not None for s in coming)
    assert unbooked_sessions(cast.coordinator, activity) == []


def test_taken_sessions_are_left_without_a_booking_and_reported_with_what_is_in_the_way(cast, place, space):
    second_monday = monday_in(2)
    family = BookingFactory(space=space, starts_at=at(second_monday, 17), booked_by=cast.citizen, title="Compleanno")
    activity = create(cast, place, space)
    assert Activity.objects.filter(pk=activity.pk).exists()  # saved all the same
    sessions = sessions_of(activity)
    unbooked = [s for s in sessions if s.booking is None]
    assert [timezone.localtime(s.starts_at).date() for s in unbooked] == [second_monday]
    assert live(space).count() == 6  # five sessions and the family's: nothing partial for the taken one
    assert Booking.objects.get(pk=family.pk).status == B.CONFIRMED
    report = unbooked_sessions(cast.coordinator, activity)
    assert [(row.session, row.reason, row.label) for row in report] == [(unbooked[0], "slot_taken", "Compleanno")]
    # Who may not see the family's booking reads only that the time is taken (the space's calendar rule).
    assert unbooked_sessions(cast.evaluator, activity)[0].label == ""
    assert unbooked_sessions(cast.partner_staff, activity)[0].label == ""


def test_a_public_events_title_is_named_to_anyone(cast, place, space):
    BookingFactory(space=space, starts_at=at(monday_in(1), 17), is_public_event=True, title="Assemblea aperta")
    activity = create(cast, place, space)
    assert [row.label for row in unbooked_sessions(cast.evaluator, activity)] == ["Assemblea aperta"]


def test_a_session_freed_later_is_booked_when_the_activity_is_saved_again(cast, place, space):
    family = BookingFactory(space=space, starts_at=at(monday_in(2), 17), booked_by=cast.citizen)
    activity = create(cast, place, space)
    family.status = B.CANCELLED
    family.save()
    assert [row.reason for row in unbooked_sessions(cast.coordinator, activity)] == ["free"]
    services.update_activity(actor=cast.coordinator, activity=activity, data={"description": "Merenda inclusa"})
    assert all(s.booking is not None for s in sessions_of(activity))
    assert unbooked_sessions(cast.coordinator, activity) == []


def test_an_inactive_space_books_nothing_and_says_so(cast, place, space):
    activity = create(cast, place, None)
    activity.space = space
    activity.save()
    space.is_active = False
    space.save()
    services.update_activity(actor=cast.coordinator, activity=activity, data={"description": "x"})
    assert not Booking.objects.exists()
    assert {row.reason for row in unbooked_sessions(cast.coordinator, activity)} == {"space_inactive"}


def test_sessions_moved_by_hand_outside_the_hours_are_left_out_when_a_space_is_chosen(cast, place, space):
    activity = create(cast, place, None)
    session = sessions_of(activity)[0]
    day = timezone.localtime(session.starts_at).date()
    session_services.move_session(
        actor=cast.coordinator, session=session, data={"day": day, "start_time": "07:00", "end_time": "08:00"}
    )
    activity = services.update_activity(actor=cast.coordinator, activity=activity, data={"space": space.pk})
    assert [(row.session.pk, row.reason) for row in unbooked_sessions(cast.coordinator, activity)] == [
        (session.pk, "outside_opening_hours")
    ]
    assert live(space).count() == 5


# --- the bookings follow the activity --------------------------------------------------------------------------


def test_new_times_cancel_the_old_bookings_and_book_the_new_ones(cast, place, space):
    activity = create(cast, place, space)
    old = set(live(space).values_list("pk", flat=True))
    services.update_activity(
        actor=cast.coordinator, activity=activity, data={"start_time": "17:00", "end_time": "18:30"}
    )
    assert set(Booking.objects.filter(pk__in=old).values_list("status", flat=True)) == {B.CANCELLED}
    for session in sessions_of(activity):
        assert session.booking.status in (B.REQUESTED, B.CONFIRMED)
        assert timezone.localtime(session.booking.starts_at).time() == datetime.time(17)
    assert live(space).count() == 6


def test_a_day_lost_from_the_schedule_cancels_its_bookings(cast, place, space):
    activity = create(cast, place, space)
    wednesdays = [s.booking.pk for s in sessions_of(activity) if timezone.localtime(s.starts_at).weekday() == WEDNESDAY]
    services.update_activity(actor=cast.coordinator, activity=activity, data={"weekdays": [MONDAY]})
    assert set(Booking.objects.filter(pk__in=wednesdays).values_list("status", flat=True)) == {B.CANCELLED}
    assert live(space).count() == activity.sessions.count() == 3


def test_another_space_moves_the_bookings_and_none_frees_them(cast, place, space):
    activity = create(cast, place, space)
    other = SpaceFactory(network=cast.network, place=place, name="Saletta")
    services.update_activity(actor=cast.coordinator, activity=activity, data={"space": other.pk})
    assert not live(space).exists() and live(other).count() == 6
    assert {s.booking.space for s in sessions_of(activity)} == {other}
    activity = services.update_activity(actor=cast.coordinator, activity=activity, data={"space": None})
    assert activity.space is None and not live(other).exists()
    assert all(s.booking is None for s in sessions_of(activity))
    assert unbooked_sessions(cast.coordinator, activity) == []


def test_another_organiser_books_again_for_it(cast, place, space):
    activity = create(cast, place, space)
    other = f.OrganizationFactory(network=cast.network)
    services.update_activity(actor=cast.coordinator, activity=activity, data={"organizer": other.pk})
    assert {s.booking.organization for s in sessions_of(activity)} == {other}
    assert live(space).count() == 6


def test_a_new_title_renames_the_bookings_to_come(cast, place, space):
    activity = create(cast, place, space)
    services.update_activity(actor=cast.coordinator, activity=activity, data={"title": "Compiti insieme"})
    assert set(live(space).values_list("title", flat=True)) == {"Compiti insieme"}
    assert live(space).count() == 6


def test_a_refused_booking_stays_as_the_managers_left_it(cast, place, space):
    activity = create(cast, place, space, actor=cast.partner_staff)
    first = sessions_of(activity)[0]
    first.booking.status = B.REFUSED
    first.booking.save()
    services.update_activity(actor=cast.partner_staff, activity=activity, data={"description": "x"})
    assert Session.objects.get(pk=first.pk).booking.status == B.REFUSED
    assert live(space).count() == 5


def test_a_colleague_of_the_organiser_changes_what_another_booked(cast, place, space):
    colleague = f.UserFactory()
    f.MembershipFactory(network=cast.network, user=colleague, role="partner_staff", organization=cast.organization)
    activity = create(cast, place, space, actor=cast.partner_staff)
    services.update_activity(actor=colleague, activity=activity, data={"start_time": "17:00", "end_time": "18:30"})
    assert {s.booking.booked_by for s in sessions_of(activity)} == {colleague}
    assert live(space).count() == 6


def test_cancelling_the_activity_cancels_its_bookings(cast, place, space):
    activity = create(cast, place, space)
    services.publish_activity(actor=cast.coordinator, activity=activity)
    services.cancel_activity(actor=cast.coordinator, activity=activity, note="Chiusura della sala")
    assert not live(space).exists()
    assert set(Booking.objects.values_list("status", flat=True)) == {B.CANCELLED}
    assert {s.status for s in sessions_of(activity)} == {SessionStatus.CANCELLED}


def test_cancelling_and_restoring_a_session_frees_and_books_its_time(cast, place, space):
    activity = create(cast, place, space)
    session = sessions_of(activity)[0]
    booking = session.booking
    session_services.cancel_session(actor=cast.coordinator, session=session, note="Festa")
    assert Booking.objects.get(pk=booking.pk).status == B.CANCELLED
    assert Session.objects.get(pk=session.pk).booking_id == booking.pk  # the cancelled booking stays on it
    assert live(space).count() == 5
    session_services.restore_session(actor=cast.coordinator, session=Session.objects.get(pk=session.pk))
    again = Session.objects.select_related("booking").get(pk=session.pk)
    assert again.booking.pk != booking.pk and again.booking.status in (B.REQUESTED, B.CONFIRMED)
    assert live(space).count() == 6


def test_a_restored_session_whose_time_was_taken_meanwhile_stays_without_the_space(cast, place, space):
    activity = create(cast, place, space)
    session = sessions_of(activity)[0]
    session_services.cancel_session(actor=cast.coordinator, session=session)
    family = request_booking(
        actor=cast.citizen,
        space=space,
        data={
            "date": timezone.localtime(session.starts_at).date(),
            "start": "17:00",
            "end": "18:00",
            "title": "Compleanno",
            "people": 10,
        },
    )
    restored = session_services.restore_session(actor=cast.coordinator, session=Session.objects.get(pk=session.pk))
    assert restored.status == SessionStatus.SCHEDULED and Session.objects.get(pk=session.pk).booking is None
    assert [(r.reason, r.label) for r in unbooked_sessions(cast.coordinator, activity)] == [
        ("slot_taken", "Compleanno")
    ]
    assert Booking.objects.get(pk=family.pk).status == B.REQUESTED


def test_moving_a_session_moves_its_booking(cast, place, space):
    activity = create(cast, place, space)
    session = sessions_of(activity)[0]
    old = session.booking
    day = timezone.localtime(session.starts_at).date() + datetime.timedelta(days=1)
    session_services.move_session(
        actor=cast.coordinator, session=session, data={"day": day, "start_time": "10:00", "end_time": "11:00"}
    )
    moved = Session.objects.select_related("booking").get(pk=session.pk)
    assert Booking.objects.get(pk=old.pk).status == B.CANCELLED
    assert moved.booking.starts_at == at(day, 10) and moved.booking.status in (B.REQUESTED, B.CONFIRMED)


def test_moving_a_session_to_a_taken_time_is_refused_and_changes_nothing(cast, place, space):
    activity = create(cast, place, space)
    session = sessions_of(activity)[0]
    day = timezone.localtime(session.starts_at).date() + datetime.timedelta(days=1)
    BookingFactory(space=space, starts_at=at(day, 16), title="Riunione")
    for start, end, code in (("16:30", "17:30", "slot_taken"), ("07:00", "08:00", "outside_opening_hours")):
        with pytest.raises(ValidationError) as refused:
            session_services.move_session(
                actor=cast.coordinator, session=session, data={"day": day, "start_time": start, "end_time": end}
            )
        assert codes(refused.value) == {"start_time": [code]}
    assert "The space is already booked from 16:00 to 18:00" in _first_message(day, space, cast, session)
    again = Session.objects.select_related("booking").get(pk=session.pk)
    assert (again.starts_at, again.edited) == (session.starts_at, False)
    assert again.booking.pk == session.booking.pk and again.booking.status == session.booking.status


def _first_message(day, space, cast, session):
    try:
        session_services.move_session(
            actor=cast.coordinator, session=session, data={"day": day, "start_time": "16:30", "end_time": "17:30"}
        )
    except ValidationError as exc:
        return exc.message_dict["start_time"][0]
    return ""
