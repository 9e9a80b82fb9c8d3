"""Meetings' writes: the input rules, the cancellation workflow, registrations and the waiting list (also under
two requests at once on PostgreSQL), the roll call, the minutes, the reminders and the iCalendar text."""

import datetime
import threading
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from icalendar import Calendar

from legami.core.models import AuditEvent, DataClass
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.participation.models import Meeting, MeetingStatus, ProcessStatus, Registration, RegistrationStatus
from legami.participation.selectors.calendars import meeting_uid, meetings_calendar
from legami.participation.selectors.meetings import (
    calendar_meetings,
    meeting_figures,
    meetings_of,
    process_attendance,
    registrations_by_status,
    waiting_position,
)
from legami.participation.services import meetings as services
from legami.participation.services.meetings import (
    MEETING_WORKFLOW,
    ROME,
    cancel_meeting,
    create_meeting,
    record_minutes,
    register,
    send_reminders,
    take_roll_call,
    unregister,
    update_meeting,
)
from legami.participation.tests.factories_meetings import (
    MeetingFactory,
    PhaseFactory,
    ProcessFactory,
    RegistrationFactory,
    in_days,
)

R = RegistrationStatus
MANAGERS = ["coordinator", "community_worker"]
NOT_MANAGERS = ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "privacy_officer"]
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


@pytest.fixture
def process(cast):
    process = ProcessFactory(network=cast.network)
    PhaseFactory(process=process)
    return process


@pytest.fixture
def place(cast):
    return f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa di quartiere Po")


def member(cast, n=0, role=Role.CITIZEN):
    user = f.UserFactory(email=f"persona{n}@example.org", full_name=f"Persona {n}")
    f.MembershipFactory(network=cast.network, user=user, role=role)
    return user


def good(place=None, **changes):
    data = {
        "title": "Che cosa manca nel quartiere",
        "agenda": "Presentazioni; idee",
        "starts_at": in_days(7),
        "ends_at": in_days(7) + datetime.timedelta(hours=2),
        "place": place,
        "online_url": "" if place else "https://meet.example.org/q",
        "capacity": None,
        "registrations_open": True,
    }
    data.update(changes)
    return data


def codes(exc, field):
    return [e.code for e in exc.value.error_dict[field]]


# --- the input rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_schedule_a_meeting_in_a_place(cast, process, place, persona):
    meeting = create_meeting(actor=getattr(cast, persona), process=process, data=good(place, capacity="12"))
    assert meeting.place == place and meeting.capacity == 12 and meeting.status == MeetingStatus.SCHEDULED
    assert meeting.network == cast.network
    event = AuditEvent.objects.get(object_type="participation.meeting", object_id=str(meeting.pk))
    assert event.action == AuditEvent.Action.CREATE and event.after["title"] == meeting.title


@pytest.mark.parametrize("persona", NOT_MANAGERS + ["outsider", "platform_admin"])
def test_others_cannot_schedule(cast, process, persona):
    with pytest.raises(PermissionDenied):
        create_meeting(actor=getattr(cast, persona), process=process, data=good())
    assert not Meeting.objects.exists()


def test_times_are_read_on_the_clocks_of_rome(cast, process):
    summer = create_meeting(
        actor=cast.coordinator,
        process=process,
        data=good(starts_at="15/07/2030 18:30", ends_at=datetime.datetime(2030, 7, 15, 20, 0)),
    )
    assert summer.starts_at == datetime.datetime(2030, 7, 15, 16, 30, tzinfo=datetime.UTC)
    assert summer.ends_at == datetime.datetime(2030, 7, 15, 18, 0, tzinfo=datetime.UTC)
    winter = create_meeting(
        actor=cast.coordinator, process=process, data=good(starts_at="2030-12-15T18:30", ends_at="2030-12-15 20:00")
    )
    assert winter.starts_at == datetime.datetime(2030, 12, 15, 17, 30, tzinfo=datetime.UTC)
    aware = datetime.datetime(2030, 12, 15, 9, 0, tzinfo=datetime.UTC)
    utc = create_meeting(
        actor=cast.coordinator,
        process=process,
        data=good(starts_at=aware, ends_at=aware + datetime.timedelta(hours=1)),
    )
    assert utc.starts_at == aware
    assert services.rome_datetime(datetime.date(2030, 3, 31), datetime.time(10)).utcoffset() == datetime.timedelta(
        hours=2
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": "  "}, "title", "required"),
        ({"title": "x" * 201}, "title", "max_length"),
        ({"starts_at": None}, "starts_at", "required"),
        ({"ends_at": ""}, "ends_at", "required"),
        ({"starts_at": "domani sera"}, "starts_at", "invalid"),
        ({"starts_at": "31/02/2030 18:00"}, "starts_at", "invalid"),
        ({"ends_at": in_days(7) - datetime.timedelta(minutes=1)}, "ends_at", "ends_before_start"),
        ({"ends_at": in_days(7)}, "ends_at", "ends_before_start"),
        ({"online_url": ""}, "place", "place_or_link"),
        ({"online_url": "non è un indirizzo"}, "online_url", "invalid"),
        ({"capacity": 0}, "capacity", "min_value"),
        ({"capacity": "tanti"}, "capacity", "invalid"),
        ({"registrations_open": "forse"}, "registrations_open", "invalid"),
    ],
)
def test_each_rule_refuses_its_bad_input(cast, process, changes, field, code):
    with pytest.raises(ValidationError) as exc:
        create_meeting(actor=cast.coordinator, process=process, data=good(**changes))
    assert code in codes(exc, field)
    assert not Meeting.objects.exists()


def test_a_place_of_another_network_is_refused(cast, process):
    elsewhere = f.PlaceFactory(network=cast.other_network)
    with pytest.raises(ValidationError) as exc:
        create_meeting(actor=cast.coordinator, process=process, data=good(elsewhere))
    assert codes(exc, "place") == ["invalid_choice"]


def test_unknown_inputs_are_refused(cast, process):
    with pytest.raises(ValidationError) as exc:
        create_meeting(actor=cast.coordinator, process=process, data=good(status="cancelled"))
    assert codes(exc, "status") == ["unknown"]


def test_empty_capacity_means_no_limit_and_registrations_open_by_default(cast, process):
    data = good(capacity="")
    del data["registrations_open"]
    meeting = create_meeting(actor=cast.coordinator, process=process, data=data)
    assert meeting.capacity is None and meeting.registrations_open is True


def test_no_meeting_on_a_closed_process_but_on_a_draft(cast, process):
    process.status = ProcessStatus.CLOSED
    process.save()
    with pytest.raises(ValidationError) as exc:
        create_meeting(actor=cast.coordinator, process=process, data=good())
    assert exc.value.code == "process_closed"
    process.status = ProcessStatus.DRAFT
    process.save()
    assert create_meeting(actor=cast.coordinator, process=process, data=good()).pk


# --- editing --------------------------------------------------------------------------------------------


def test_an_edit_is_checked_and_audited(cast, process, place):
    meeting = MeetingFactory(process=process)
    update_meeting(actor=cast.community_worker, meeting=meeting, data={"title": "Nuovo titolo", "place": place})
    meeting.refresh_from_db()
    assert meeting.title == "Nuovo titolo" and meeting.place == place
    event = AuditEvent.objects.filter(object_type="participation.meeting", action="update").get()
    assert event.after["title"] == "Nuovo titolo"
    with pytest.raises(ValidationError) as exc:
        update_meeting(actor=cast.coordinator, meeting=meeting, data={"ends_at": meeting.starts_at})
    assert codes(exc, "ends_at") == ["ends_before_start"]
    with pytest.raises(ValidationError) as exc:
        update_meeting(actor=cast.coordinator, meeting=meeting, data={"place": None, "online_url": ""})
    assert codes(exc, "place") == ["place_or_link"]


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_edit(cast, process, persona):
    meeting = MeetingFactory(process=process)
    with pytest.raises(PermissionDenied):
        update_meeting(actor=getattr(cast, persona), meeting=meeting, data={"title": "No"})


def test_a_cancelled_meeting_cannot_be_edited(cast, process):
    meeting = MeetingFactory(process=process, status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        update_meeting(actor=cast.coordinator, meeting=meeting, data={"title": "No"})
    assert exc.value.code == "cancelled"


def test_more_places_promote_the_people_waiting(cast, process, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(process=process, capacity=1)
    first, second, third = (member(cast, n) for n in range(3))
    for person in (first, second, third):
        register(actor=person, meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        update_meeting(actor=cast.coordinator, meeting=meeting, data={"capacity": 2})
    assert Registration.objects.get(meeting=meeting, user=second).status == R.REGISTERED
    assert Registration.objects.get(meeting=meeting, user=third).status == R.WAITING
    assert [m.to for m in mail.outbox] == [[second.email]]
    with django_capture_on_commit_callbacks(execute=True):
        update_meeting(actor=cast.coordinator, meeting=meeting, data={"capacity": None})
    assert Registration.objects.get(meeting=meeting, user=third).status == R.REGISTERED


# --- cancellation (the workflow) ------------------------------------------------------------------------


def test_the_workflow_table():
    assert MEETING_WORKFLOW.table() == {
        MeetingStatus.SCHEDULED: frozenset({MeetingStatus.CANCELLED}),
        MeetingStatus.CANCELLED: frozenset(),
    }


@pytest.mark.parametrize("persona", MANAGERS)
def test_cancelling_tells_the_registered_and_waiting_on_commit(
    cast, process, persona, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(process=process, capacity=1)
    registered, waiting, gone = (member(cast, n) for n in range(3))
    register(actor=registered, meeting=meeting)
    register(actor=waiting, meeting=meeting)
    RegistrationFactory(meeting=meeting, user=gone, status=R.CANCELLED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cancel_meeting(actor=getattr(cast, persona), meeting=meeting, note="Maltempo, rinviato")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([registered.email, waiting.email])
    assert all("Maltempo, rinviato" in m.body and meeting.title in m.subject for m in mail.outbox)
    event = AuditEvent.objects.get(object_type="participation.meeting", action="update")
    assert event.note == "Maltempo, rinviato" and event.after == {"status": "cancelled"}


def test_a_cancelled_meeting_cannot_be_cancelled_again(cast, process):
    meeting = MeetingFactory(process=process, status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        cancel_meeting(actor=cast.coordinator, meeting=meeting, note="Di nuovo")
    assert exc.value.code == "transition"


def test_cancelling_needs_a_reason(cast, process):
    meeting = MeetingFactory(process=process)
    with pytest.raises(ValidationError) as exc:
        cancel_meeting(actor=cast.coordinator, meeting=meeting, note=" ")
    assert codes(exc, "note") == ["required"]
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_cancel(cast, process, persona):
    meeting = MeetingFactory(process=process)
    with pytest.raises(PermissionDenied):
        cancel_meeting(actor=getattr(cast, persona), meeting=meeting, note="No")


# --- registrations and the waiting list -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "partner_staff", "evaluator", "funder", "citizen"])
def test_every_member_registers(cast, process, persona):
    meeting = MeetingFactory(process=process)
    registration = register(actor=getattr(cast, persona), meeting=meeting)
    assert registration.status == R.REGISTERED
    event = AuditEvent.objects.get(object_type="participation.registration")
    assert event.data_class == DataClass.PERSONAL and event.after == {"status": "registered", "meeting": meeting.pk}


@pytest.mark.parametrize("persona", ["outsider", "platform_admin"])
def test_non_members_cannot_register(cast, process, persona):
    with pytest.raises(PermissionDenied):
        register(actor=getattr(cast, persona), meeting=MeetingFactory(process=process))


def test_full_means_waiting_in_order(cast, process):
    meeting = MeetingFactory(process=process, capacity=2)
    people = [member(cast, n) for n in range(4)]
    statuses = [register(actor=p, meeting=meeting).status for p in people]
    assert statuses == [R.REGISTERED, R.REGISTERED, R.WAITING, R.WAITING]
    rows = registrations_by_status(meeting)
    assert [row.position for row in rows[R.WAITING]] == [1, 2]
    assert [row.name for row in rows[R.WAITING]] == ["Persona 2", "Persona 3"]
    third = Registration.objects.get(meeting=meeting, user=people[3])
    assert waiting_position(meeting, third) == 2


def test_no_limit_means_always_registered(cast, process):
    meeting = MeetingFactory(process=process, capacity=None)
    assert {register(actor=member(cast, n), meeting=meeting).status for n in range(5)} == {R.REGISTERED}


@pytest.mark.parametrize(
    ("meeting_changes", "process_status", "code"),
    [
        ({"registrations_open": False}, ProcessStatus.PUBLISHED, "registrations_closed"),
        ({"status": MeetingStatus.CANCELLED}, ProcessStatus.PUBLISHED, "cancelled"),
        ({"starts_at": timezone.now() - datetime.timedelta(minutes=5)}, ProcessStatus.PUBLISHED, "started"),
        ({}, ProcessStatus.DRAFT, "process_not_open"),
        ({}, ProcessStatus.CLOSED, "process_not_open"),
    ],
)
def test_registration_is_refused(cast, process, meeting_changes, process_status, code):
    process.status = process_status
    process.save()
    meeting = MeetingFactory(process=process, **meeting_changes)
    with pytest.raises(ValidationError) as exc:
        register(actor=cast.citizen, meeting=meeting)
    assert exc.value.code == code
    assert not Registration.objects.exists()


def test_registering_twice_is_refused(cast, process):
    meeting = MeetingFactory(process=process, capacity=1)
    register(actor=cast.citizen, meeting=meeting)
    register(actor=cast.funder, meeting=meeting)
    for person in (cast.citizen, cast.funder):
        with pytest.raises(ValidationError) as exc:
            register(actor=person, meeting=meeting)
        assert exc.value.code == "already_registered"


def test_registering_again_after_cancelling_goes_to_the_end_of_the_line(cast, process):
    meeting = MeetingFactory(process=process, capacity=1)
    first, second, third = (member(cast, n) for n in range(3))
    register(actor=first, meeting=meeting)
    register(actor=second, meeting=meeting)
    original = register(actor=third, meeting=meeting)
    unregister(actor=third, meeting=meeting)
    again = register(actor=third, meeting=meeting)
    assert again.pk == original.pk and again.status == R.WAITING
    # Someone else queues meanwhile; then the second leaves the queue and comes back: behind the third.
    unregister(actor=second, meeting=meeting)
    register(actor=second, meeting=meeting)
    assert [row.registration.user for row in registrations_by_status(meeting)[R.WAITING]] == [third, second]
    assert Registration.objects.filter(meeting=meeting, user=third).count() == 1


def test_registering_again_when_free_gives_a_place(cast, process):
    meeting = MeetingFactory(process=process, capacity=3)
    register(actor=cast.citizen, meeting=meeting)
    unregister(actor=cast.citizen, meeting=meeting)
    assert register(actor=cast.citizen, meeting=meeting).status == R.REGISTERED
    assert AuditEvent.objects.filter(object_type="participation.registration").count() == 3


def test_leaving_frees_the_place_for_the_first_waiting(cast, process, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(process=process, capacity=1)
    first, second, third = (member(cast, n) for n in range(3))
    for person in (first, second, third):
        register(actor=person, meeting=meeting)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        gone = unregister(actor=first, meeting=meeting)
        # Promoted in the same transaction, before any commit.
        assert Registration.objects.get(meeting=meeting, user=second).status == R.REGISTERED
    assert gone.status == R.CANCELLED and mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "Incontro" in mail.outbox[0].subject and "/meetings/" in mail.outbox[0].body
    assert Registration.objects.get(meeting=meeting, user=third).status == R.WAITING
    promoted = AuditEvent.objects.get(object_type="participation.registration", note="promoted")
    assert promoted.data_class == DataClass.PERSONAL and promoted.after["status"] == "registered"


def test_leaving_the_waiting_list_promotes_nobody(cast, process, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(process=process, capacity=1)
    first, second, third = (member(cast, n) for n in range(3))
    for person in (first, second, third):
        register(actor=person, meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        unregister(actor=second, meeting=meeting)
    assert Registration.objects.get(meeting=meeting, user=third).status == R.WAITING
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, "not_registered"),
        ({"status": MeetingStatus.CANCELLED}, "cancelled"),
        ({"starts_at": timezone.now() - datetime.timedelta(minutes=1)}, "started"),
    ],
)
def test_leaving_is_refused(cast, process, changes, code):
    meeting = MeetingFactory(process=process, **changes)
    if code != "not_registered":
        RegistrationFactory(meeting=meeting, user=cast.citizen)
    with pytest.raises(ValidationError) as exc:
        unregister(actor=cast.citizen, meeting=meeting)
    assert exc.value.code == code


def test_leaving_twice_is_refused(cast, process):
    meeting = MeetingFactory(process=process)
    register(actor=cast.citizen, meeting=meeting)
    unregister(actor=cast.citizen, meeting=meeting)
    with pytest.raises(ValidationError) as exc:
        unregister(actor=cast.citizen, meeting=meeting)
    assert exc.value.code == "not_registered"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_never_exceed_the_capacity(monkeypatch):
    """Both requests count the places while the other is between its count and its write; the row lock on
    the meeting makes the second wait, so it finds the meeting full."""
    network = f.NetworkFactory()
    process = ProcessFactory(network=network)
    meeting = MeetingFactory(process=process, capacity=1)
    people = []
    for n in range(2):
        user = f.UserFactory(email=f"concorrente{n}@example.org")
        f.MembershipFactory(network=network, user=user, role=Role.CITIZEN)
        people.append(user)
    original = services._has_place

    def slow_has_place(m):
        answer = original(m)
        time.sleep(0.3)  # widen the window between the count and the write
        return answer

    monkeypatch.setattr(services, "_has_place", slow_has_place)
    barrier = threading.Barrier(2)
    errors, results = [], []

    def attempt(user):
        try:
            barrier.wait()
            results.append(register(actor=user, meeting=meeting).status)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [R.REGISTERED, R.WAITING]
    assert Registration.objects.filter(meeting=meeting, status=R.REGISTERED).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_place_freed_while_another_registers_goes_to_one_person_only(monkeypatch):
    """One leaves (promoting the first waiting) while a newcomer registers: never two in one place."""
    network = f.NetworkFactory()
    process = ProcessFactory(network=network)
    meeting = MeetingFactory(process=process, capacity=1)
    people = []
    for n in range(3):
        user = f.UserFactory(email=f"coda{n}@example.org")
        f.MembershipFactory(network=network, user=user, role=Role.CITIZEN)
        people.append(user)
    register(actor=people[0], meeting=meeting)
    register(actor=people[1], meeting=meeting)
    barrier = threading.Barrier(2)
    errors = []

    def run(action, user):
        try:
            barrier.wait()
            action(actor=user, meeting=meeting)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(unregister, people[0])),
        threading.Thread(target=run, args=(register, people[2])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Registration.objects.filter(meeting=meeting, status=R.REGISTERED).count() == 1
    assert Registration.objects.get(meeting=meeting, user=people[1]).status == R.REGISTERED


# --- roll call ------------------------------------------------------------------------------------------


def today_meeting(process, **kwargs):
    start = timezone.localtime(timezone.now(), ROME).replace(hour=0, minute=5, second=0, microsecond=0)
    return MeetingFactory(process=process, starts_at=start, ends_at=start + datetime.timedelta(hours=1), **kwargs)


@pytest.mark.parametrize("persona", MANAGERS)
def test_the_roll_call_marks_present_and_absent(cast, process, persona):
    meeting = today_meeting(process)
    here, away = RegistrationFactory(meeting=meeting, user=cast.citizen), RegistrationFactory(meeting=meeting)
    waiting = RegistrationFactory(meeting=meeting, status=R.WAITING)
    take_roll_call(actor=getattr(cast, persona), meeting=meeting, present=[here.pk], guests="3")
    meeting.refresh_from_db()
    assert meeting.guests == 3 and meeting.roll_call_at is not None
    assert [Registration.objects.get(pk=r.pk).attended for r in (here, away, waiting)] == [True, False, None]
    events = AuditEvent.objects.filter(object_type="participation.registration")
    assert {e.data_class for e in events} == {DataClass.PERSONAL} and events.count() == 2
    summary = AuditEvent.objects.get(object_type="participation.meeting")
    assert summary.note == "roll call: 1 of 2 present" and summary.data_class == DataClass.PUBLIC
    # Taken again: only what changed is written.
    take_roll_call(actor=cast.coordinator, meeting=meeting, present=[here.pk, away.pk], guests=0)
    assert Registration.objects.get(pk=away.pk).attended is True
    assert AuditEvent.objects.filter(object_type="participation.registration").count() == 3


def test_the_roll_call_opens_on_the_meeting_day(cast, process):
    meeting = MeetingFactory(process=process, starts_at=in_days(1, hour=0))
    with pytest.raises(ValidationError) as exc:
        take_roll_call(actor=cast.coordinator, meeting=meeting, present=[], guests=0)
    assert exc.value.code == "too_early"
    past = MeetingFactory(process=process, starts_at=in_days(-3))
    assert take_roll_call(actor=cast.coordinator, meeting=past, present=[], guests=2).guests == 2


def test_the_roll_call_refuses_a_cancelled_meeting_and_strangers(cast, process):
    cancelled = today_meeting(process, status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        take_roll_call(actor=cast.coordinator, meeting=cancelled, present=[])
    assert exc.value.code == "cancelled"
    meeting = today_meeting(process)
    waiting = RegistrationFactory(meeting=meeting, status=R.WAITING)
    other = RegistrationFactory(meeting=MeetingFactory(process=process))
    for bad in (waiting.pk, other.pk, "x"):
        with pytest.raises(ValidationError) as exc:
            take_roll_call(actor=cast.coordinator, meeting=meeting, present=[bad])
        assert codes(exc, "present") == ["invalid"]
    with pytest.raises(ValidationError) as exc:
        take_roll_call(actor=cast.coordinator, meeting=meeting, present=[], guests=-1)
    assert codes(exc, "guests") == ["min_value"]
    assert Meeting.objects.get(pk=meeting.pk).roll_call_at is None


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_take_the_roll_call(cast, process, persona):
    with pytest.raises(PermissionDenied):
        take_roll_call(actor=getattr(cast, persona), meeting=today_meeting(process), present=[])


# --- minutes --------------------------------------------------------------------------------------------


def test_minutes_and_outcomes_are_written_and_audited(cast, process):
    meeting = MeetingFactory(process=process)
    record_minutes(
        actor=cast.community_worker, meeting=meeting, data={"minutes": "Si è parlato di orti.", "outcomes": ""}
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Si è parlato di orti."
    event = AuditEvent.objects.get(object_type="participation.meeting")
    assert event.after == {"minutes": "Si è parlato di orti."}
    record_minutes(actor=cast.coordinator, meeting=meeting, data={"outcomes": "Un orto condiviso"})
    meeting.refresh_from_db()
    assert meeting.minutes == "Si è parlato di orti." and meeting.outcomes == "Un orto condiviso"


def test_minutes_are_refused_when_bad(cast, process):
    meeting = MeetingFactory(process=process)
    with pytest.raises(ValidationError) as exc:
        record_minutes(actor=cast.coordinator, meeting=meeting, data={"minutes": "x" * 50_001})
    assert codes(exc, "minutes") == ["max_length"]
    with pytest.raises(ValidationError) as exc:
        record_minutes(actor=cast.coordinator, meeting=meeting, data={"title": "x"})
    assert codes(exc, "title") == ["unknown"]
    cancelled = MeetingFactory(process=process, status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        record_minutes(actor=cast.coordinator, meeting=cancelled, data={"minutes": "x"})
    assert exc.value.code == "cancelled"


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_write_minutes(cast, process, persona):
    with pytest.raises(PermissionDenied):
        record_minutes(actor=getattr(cast, persona), meeting=MeetingFactory(process=process), data={"minutes": "x"})


# --- reminders ------------------------------------------------------------------------------------------


def test_reminders_go_once_to_the_registered_of_meetings_in_24_to_48_hours(
    cast, process, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = MeetingFactory(process=process, starts_at=now + datetime.timedelta(hours=30))
    first, second, waiting = (member(cast, n) for n in range(3))
    RegistrationFactory(meeting=due, user=first)
    RegistrationFactory(meeting=due, user=second)
    RegistrationFactory(meeting=due, user=waiting, status=R.WAITING)
    RegistrationFactory(meeting=due, status=R.CANCELLED)
    too_soon = MeetingFactory(process=process, starts_at=now + datetime.timedelta(hours=10))
    too_late = MeetingFactory(process=process, starts_at=now + datetime.timedelta(hours=60))
    cancelled = MeetingFactory(
        process=process, starts_at=now + datetime.timedelta(hours=30), status=MeetingStatus.CANCELLED
    )
    draft = ProcessFactory(network=cast.network, status=ProcessStatus.DRAFT)
    hidden = MeetingFactory(process=draft, starts_at=now + datetime.timedelta(hours=30))
    for other in (too_soon, too_late, cancelled, hidden):
        RegistrationFactory(meeting=other)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == {"meetings": 1, "people": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    assert all(due.title in m.subject and "/meetings/" in m.body for m in mail.outbox)
    due.refresh_from_db()
    assert due.reminder_sent_at is not None
    assert Meeting.objects.filter(reminder_sent_at__isnull=False).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == {"meetings": 0, "people": 0}
    assert len(mail.outbox) == 2


def test_the_command_and_the_task_send_the_reminders(cast, process, django_capture_on_commit_callbacks):
    from legami.participation.tasks import send_meeting_reminders_task

    due = MeetingFactory(process=process, starts_at=timezone.now() + datetime.timedelta(hours=25))
    RegistrationFactory(meeting=due, user=cast.citizen)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_meeting_reminders", stdout=out)
    assert "Reminders sent for 1 meetings to 1 people." in out.getvalue()
    assert [m.to for m in mail.outbox] == [[cast.citizen.email]]
    assert send_meeting_reminders_task.call() == {"meetings": 0, "people": 0}
    out = StringIO()
    call_command("send_meeting_reminders", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Queued: task ")
    assert len(mail.outbox) == 1


def test_a_reminder_is_in_the_persons_language(cast, process, django_capture_on_commit_callbacks):
    cast.citizen.preferred_language = "it"
    cast.citizen.save()
    due = MeetingFactory(process=process, starts_at=timezone.now() + datetime.timedelta(hours=30))
    RegistrationFactory(meeting=due, user=cast.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()
    assert mail.outbox[0].subject.startswith("Promemoria")


# --- selectors ------------------------------------------------------------------------------------------


def test_meetings_of_a_process_upcoming_and_past(cast, process, django_assert_num_queries):
    old = MeetingFactory(process=process, starts_at=in_days(-20))
    older = MeetingFactory(process=process, starts_at=in_days(-40))
    soon = MeetingFactory(process=process, starts_at=in_days(2), capacity=3)
    later = MeetingFactory(process=process, starts_at=in_days(9), status=MeetingStatus.CANCELLED)
    MeetingFactory(process=ProcessFactory(network=cast.network))
    RegistrationFactory(meeting=soon)
    RegistrationFactory(meeting=soon, status=R.WAITING)
    with django_assert_num_queries(1):
        upcoming, past = meetings_of(process)
    assert upcoming == [soon, later] and past == [old, older]
    assert (upcoming[0].registered_count, upcoming[0].waiting_count, upcoming[0].places_left) == (1, 1, 2)
    assert upcoming[1].places_left is None


def test_attendance_figures_and_new_faces(cast, process):
    other_process = ProcessFactory(network=cast.network)
    a, b, c = (member(cast, n) for n in range(3))
    earlier_elsewhere = MeetingFactory(process=other_process, starts_at=in_days(-30))
    first = MeetingFactory(process=process, starts_at=in_days(-20), guests=2, roll_call_at=timezone.now())
    second = MeetingFactory(process=process, starts_at=in_days(-10), guests=1, roll_call_at=timezone.now())
    RegistrationFactory(meeting=earlier_elsewhere, user=a, attended=True)
    RegistrationFactory(meeting=first, user=a, attended=True)
    RegistrationFactory(meeting=first, user=b, attended=True)
    RegistrationFactory(meeting=first, user=c, attended=False)
    RegistrationFactory(meeting=second, user=b, attended=True)
    RegistrationFactory(meeting=second, user=c, attended=True)
    figures = meeting_figures(first)
    assert (figures.registered, figures.present, figures.absent, figures.guests, figures.new_faces) == (3, 2, 1, 2, 1)
    assert figures.total_present == 4
    assert meeting_figures(second).new_faces == 1  # c came for the first time; b had come before
    attendance = process_attendance(process)
    assert attendance.participants == 3
    assert attendance.frequency == [(1, 2), (2, 1)]  # a and c once, b twice
    assert attendance.new_faces == 2 and attendance.guests == 3
    assert [fig.new_faces for _m, fig in attendance.meetings] == [1, 1]


# --- the iCalendar text ---------------------------------------------------------------------------------


def _calendar(cast, meetings):
    return meetings_calendar(meetings, name="Laboratorio", link=lambda m: f"https://legami.example/m/{m.pk}/")


def test_the_calendar_holds_each_meeting_in_utc_with_a_stable_uid(cast, process, place):
    meeting = MeetingFactory(
        process=process,
        title="Orti, giardini; e \\ altro",
        agenda="Primo punto\nSecondo punto, con virgola; e punto e virgola",
        place=place,
        online_url="",
        starts_at=datetime.datetime(2030, 7, 15, 18, 30, tzinfo=ROME),
        ends_at=datetime.datetime(2030, 7, 15, 20, 0, tzinfo=ROME),
    )
    cancelled = MeetingFactory(process=process, status=MeetingStatus.CANCELLED, title="Annullato " + "è" * 80)
    text = _calendar(cast, [meeting, cancelled])
    lines = text.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    body = text.decode()
    assert "DTSTART:20300715T163000Z" in body and "DTEND:20300715T180000Z" in body
    assert "SUMMARY:Orti\\, giardini\\; e \\\\ altro" in body
    assert "Primo punto\\nSecondo punto\\, con virgola\\; e punto e virgola" in body
    assert f"UID:{meeting_uid(meeting)}" in body
    assert meeting_uid(meeting) == f"meeting-{meeting.pk}@rete-prova.legami"
    assert "STATUS:CANCELLED" in body and "STATUS:CONFIRMED" in body
    parsed = Calendar.from_ical(text)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    event = events[meeting_uid(meeting)]
    assert str(event["summary"]) == "Orti, giardini; e \\ altro"
    assert str(event["location"]) == f"Casa di quartiere Po, {place.address}, Cremona"
    assert str(event["url"]) == f"https://legami.example/m/{meeting.pk}/"
    assert str(events[meeting_uid(cancelled)]["location"]) == "https://meet.example.org/incontro"
    assert str(events[meeting_uid(cancelled)]["summary"]) == cancelled.title
    # The same meeting gives the same event every time.
    assert _calendar(cast, [meeting]) == _calendar(cast, [Meeting.objects.get(pk=meeting.pk)])


def test_the_feeds_hold_only_public_processes_meetings(cast, process):
    shown = MeetingFactory(process=process)
    closed = MeetingFactory(process=ProcessFactory(network=cast.network, status=ProcessStatus.CLOSED))
    MeetingFactory(process=ProcessFactory(network=cast.network, status=ProcessStatus.DRAFT))
    MeetingFactory(process=ProcessFactory(network=cast.other_network))
    assert list(calendar_meetings(cast.network)) == sorted([shown, closed], key=lambda m: (m.starts_at, m.pk))
    assert list(calendar_meetings(cast.network, process=process)) == [shown]


def test_a_failing_mail_server_leaves_the_write_standing(cast, process, monkeypatch, caplog):
    meeting = MeetingFactory(process=process, capacity=1)
    first, second = member(cast, 1), member(cast, 2)
    register(actor=first, meeting=meeting)
    register(actor=second, meeting=meeting)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(services, "_mail_people", broken)
    with caplog.at_level("ERROR", logger=services.logger.name):
        assert services._mail_safely(meeting.pk, [second.pk], "meeting_promoted", services.PROMOTED_SUBJECT) == 0
    assert "could not be sent" in caplog.text


def test_without_a_mail_server_nothing_is_sent_and_only_who_and_what_is_logged(
    cast, process, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "legami.core.mail.UnsentEmailBackend"
    due = MeetingFactory(process=process, starts_at=timezone.now() + datetime.timedelta(hours=30))
    RegistrationFactory(meeting=due, user=cast.citizen)
    with caplog.at_level("WARNING", logger="legami.mail"), django_capture_on_commit_callbacks(execute=True):
        send_reminders()
    assert cast.citizen.email in caplog.text and due.title in caplog.text
    assert "/meetings/" not in caplog.text
    assert Meeting.objects.get(pk=due.pk).reminder_sent_at is not None


def test_attendance_figures_take_a_constant_number_of_queries(cast, process, django_assert_num_queries):
    meetings = [MeetingFactory(process=process, starts_at=in_days(-10 + n)) for n in range(3)]
    for n in range(12):
        person = member(cast, n)
        for meeting in meetings[: 1 + n % 3]:
            RegistrationFactory(meeting=meeting, user=person, attended=n % 2 == 0)
    with django_assert_num_queries(2):
        meeting_figures(meetings[0])
    with django_assert_num_queries(3):
        attendance = process_attendance(process)
    assert attendance.participants == 6
    with django_assert_num_queries(1):
        registrations_by_status(meetings[0])
