"""Activities: recording one (its inputs, who may), its schedule and sessions, and every transition of its life."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.activities.models import (
    Activity,
    ActivityEvent,
    ActivityStatus,
    EnrollmentStatus,
    Session,
    SessionStatus,
)
from legami.activities.services import activities as services
from legami.activities.services import sessions as session_services
from legami.activities.services.attendance import take_roll_call
from legami.activities.tests.factories import ActivityFactory, EnrollmentFactory, make_activity, today
from legami.core.models import AuditEvent
from legami.core.tests import factories as f

A = ActivityStatus


@pytest.fixture
def place(cast):
    return f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa di quartiere Po")


def data(cast, at, **overrides):
    start = today() + datetime.timedelta(days=1)
    values = {
        "title": "Doposcuola al Po",
        "description": "Compiti e merenda",
        "kind": "after_school",
        "organizer": cast.organization.pk,
        "place": at.pk,
        "min_age": 6,
        "max_age": 11,
        "capacity": 12,
        "weekdays": "lunedì, mercoledì",
        "start_time": "16:30",
        "end_time": "18.00",
        "first_day": start.isoformat(),
        "last_day": (start + datetime.timedelta(days=27)).isoformat(),
    }
    return values | overrides


def expected_days(first, last, weekdays):
    day, found = first, 0
    while day <= last:
        found += day.weekday() in weekdays
        day += datetime.timedelta(days=1)
    return found


def test_a_coordinator_records_a_draft_with_its_sessions(cast, place):
    activity = services.create_activity(actor=cast.coordinator, network=cast.network, data=data(cast, place))
    assert activity.status == A.DRAFT and activity.weekdays == [0, 2] and activity.capacity == 12
    sessions = list(activity.sessions.all())
    assert len(sessions) == expected_days(activity.first_day, activity.last_day, {0, 2})
    first = timezone.localtime(sessions[0].starts_at)
    assert first.weekday() in (0, 2) and first.time() == datetime.time(16, 30)
    assert ActivityEvent.objects.get(activity=activity).to_status == A.DRAFT
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(activity.pk)).exists()


def test_partner_staff_record_for_their_own_organisation_only(cast, place):
    activity = services.create_activity(
        actor=cast.partner_staff, network=cast.network, data=data(cast, place, organizer=None)
    )
    assert activity.organizer == cast.organization
    other = f.OrganizationFactory(network=cast.network)
    with pytest.raises(ValidationError) as exc:
        services.create_activity(
            actor=cast.partner_staff, network=cast.network, data=data(cast, place, organizer=other.pk)
        )
    assert exc.value.error_dict["organizer"][0].code == "not_own"


@pytest.mark.parametrize("persona", ["case_manager", "evaluator", "funder", "citizen", "outsider"])
def test_other_roles_may_not_record_an_activity(cast, place, persona):
    with pytest.raises(PermissionDenied):
        services.create_activity(actor=getattr(cast, persona), network=cast.network, data=data(cast, place))
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "", "required"),
        ("title", "x" * 201, "max_length"),
        ("kind", "circus", "invalid_choice"),
        ("place", 999999, "invalid_choice"),
        ("organizer", 999999, "invalid_choice"),
        ("capacity", 0, "min_value"),
        ("capacity", "tanti", "invalid"),
        ("min_age", -1, "min_value"),
        ("max_age", 3, "ages_reversed"),
        ("weekdays", "lunedì, festivo", "invalid"),
        ("weekdays", [7], "invalid"),
        ("weekdays", [], "no_days"),
        ("end_time", "16:00", "ends_before_start"),
        ("start_time", "25:00", "invalid"),
        ("first_day", "31/02/2026", "invalid"),
        ("last_day", "2020-01-01", "days_reversed"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_code(cast, place, field, value, code):
    with pytest.raises(ValidationError) as exc:
        services.create_activity(actor=cast.coordinator, network=cast.network, data=data(cast, place, **{field: value}))
    assert [e.code for e in exc.value.error_dict[field]] == [code]
    assert not Activity.objects.exists() and not Session.objects.exists()


def test_a_schedule_longer_than_800_days_is_refused(cast, place):
    start = today()
    values = data(cast, place, first_day=start.isoformat(), last_day=(start + datetime.timedelta(days=900)).isoformat())
    with pytest.raises(ValidationError) as exc:
        services.create_activity(actor=cast.coordinator, network=cast.network, data=values)
    assert exc.value.error_dict["last_day"][0].code == "too_long"


def test_a_place_of_another_network_is_refused(cast):
    foreign = f.PlaceFactory(network=cast.other_network)
    with pytest.raises(ValidationError) as exc:
        services.create_activity(actor=cast.coordinator, network=cast.network, data=data(cast, foreign))
    assert exc.value.error_dict["place"][0].code == "invalid_choice"


def test_unknown_fields_are_refused(cast, place):
    with pytest.raises(ValidationError) as exc:
        services.create_activity(
            actor=cast.coordinator, network=cast.network, data=data(cast, place, status="published")
        )
    assert "status" in exc.value.error_dict


def test_a_new_schedule_keeps_the_sessions_moved_or_cancelled_by_hand(cast, place):
    activity = services.create_activity(actor=cast.coordinator, network=cast.network, data=data(cast, place))
    sessions = list(activity.sessions.order_by("starts_at"))
    moved, cancelled = sessions[0], sessions[1]
    session_services.move_session(
        actor=cast.coordinator,
        session=moved,
        data={"day": moved.slot + datetime.timedelta(days=1), "start_time": "10:00", "end_time": "11:00"},
    )
    session_services.cancel_session(actor=cast.coordinator, session=cancelled, note="Festa del patrono")
    # Now on Tuesdays and Thursdays, one hour later.
    services.update_activity(
        actor=cast.coordinator, activity=activity, data={"weekdays": [1, 3], "start_time": "17:30", "end_time": "19:00"}
    )
    moved.refresh_from_db()
    cancelled.refresh_from_db()
    assert timezone.localtime(moved.starts_at).time() == datetime.time(10, 0)
    assert cancelled.status == SessionStatus.CANCELLED and cancelled.note == "Festa del patrono"
    others = activity.sessions.exclude(pk__in=[moved.pk, cancelled.pk])
    assert others.exists()
    for session in others:
        local = timezone.localtime(session.starts_at)
        assert local.weekday() in (1, 3) and local.time() == datetime.time(17, 30)
    # A change of the times alone moves the untouched sessions and keeps their days.
    services.update_activity(actor=cast.coordinator, activity=activity, data={"start_time": "15:00"})
    assert {timezone.localtime(s.starts_at).time() for s in others.all()} == {datetime.time(15, 0)}
    # Every way a session was written kept its day of the week (the calendar's "day" filter reads it).
    for session in activity.sessions.all():
        assert session.weekday == timezone.localtime(session.starts_at).weekday(), session
    assert moved.weekday == (sessions[0].slot + datetime.timedelta(days=1)).weekday()


@pytest.mark.django_db(transaction=True)
def test_the_weekday_migration_fills_the_existing_sessions():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    network = f.NetworkFactory()
    activity = make_activity(network=network, organizer=f.OrganizationFactory(network=network))
    expected = {s.pk: timezone.localtime(s.starts_at).weekday() for s in activity.sessions.all()}
    assert len(set(expected.values())) > 1
    executor = MigrationExecutor(connection)
    executor.migrate([("activities", "0002_volunteer_shift_transfer")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(Session.objects.filter(activity=activity).values_list("pk", "weekday")) == expected


def test_a_session_with_a_roll_call_is_kept_by_a_new_schedule(cast, place):
    activity = make_activity(network=cast.network, organizer=cast.organization, place=place)
    session = activity.sessions.filter(starts_at__lte=timezone.now()).order_by("-starts_at").first()
    enrollment = EnrollmentFactory(activity=activity)
    take_roll_call(actor=cast.coordinator, session=session, present=[enrollment.pk])
    services.update_activity(actor=cast.coordinator, activity=activity, data={"weekdays": [6]})
    assert Session.objects.filter(pk=session.pk).exists()


# --- the workflow -----------------------------------------------------------------------------------------


def test_the_table_is_the_one_declared():
    assert services.ACTIVITY_WORKFLOW.table() == {
        A.DRAFT: {A.PUBLISHED, A.CANCELLED},
        A.PUBLISHED: {A.CLOSED, A.CANCELLED},
        A.CLOSED: {A.PUBLISHED},
        A.CANCELLED: frozenset(),
    }


def test_publish_close_reopen(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization, status=A.DRAFT)
    services.publish_activity(actor=cast.coordinator, activity=activity)
    activity.refresh_from_db()
    assert activity.status == A.PUBLISHED and activity.published_at is not None
    services.close_activity(actor=cast.community_worker, activity=activity)
    assert Activity.objects.get(pk=activity.pk).status == A.CLOSED
    services.reopen_activity(actor=cast.partner_staff, activity=activity)
    assert Activity.objects.get(pk=activity.pk).status == A.PUBLISHED
    assert list(activity.events.values_list("to_status", flat=True)) == [A.PUBLISHED, A.CLOSED, A.PUBLISHED]


def test_a_draft_without_sessions_cannot_be_published(cast):
    activity = ActivityFactory(network=cast.network, organizer=cast.organization)
    with pytest.raises(ValidationError) as exc:
        services.publish_activity(actor=cast.coordinator, activity=activity)
    assert exc.value.code == "no_sessions"
    assert Activity.objects.get(pk=activity.pk).status == A.DRAFT


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (A.PUBLISHED, services.publish_activity),
        (A.CLOSED, services.close_activity),
        (A.DRAFT, services.close_activity),
        (A.CANCELLED, services.publish_activity),
        (A.CANCELLED, services.reopen_activity),
        (A.DRAFT, services.reopen_activity),
        (A.CLOSED, services.publish_activity),
    ],
)
def test_refused_transitions_change_nothing(cast, start, move):
    activity = make_activity(network=cast.network, organizer=cast.organization, status=start)
    with pytest.raises(ValidationError) as exc:
        move(actor=cast.coordinator, activity=activity)
    assert exc.value.code == "transition"
    assert Activity.objects.get(pk=activity.pk).status == start and not activity.events.exists()


def test_a_cancelled_activity_cannot_be_cancelled_again(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization, status=A.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        services.cancel_activity(actor=cast.coordinator, activity=activity, note="Di nuovo")
    assert exc.value.code == "transition"


def test_cancelling_cancels_the_coming_sessions_and_tells_the_people_enrolled(cast, django_capture_on_commit_callbacks):
    activity = make_activity(network=cast.network, organizer=cast.organization)
    past = activity.sessions.filter(starts_at__lt=timezone.now()).count()
    EnrollmentFactory(activity=activity, person=f.PersonFactory(network=cast.network, email="mamma@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_activity(actor=cast.coordinator, activity=activity, note="Locali inagibili")
    assert Activity.objects.get(pk=activity.pk).status == A.CANCELLED
    assert activity.sessions.filter(status=SessionStatus.SCHEDULED).count() == past
    assert [m.to for m in mail.outbox] == [["mamma@example.org"]]


def test_cancelling_asks_why(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization)
    with pytest.raises(ValidationError) as exc:
        services.cancel_activity(actor=cast.coordinator, activity=activity, note="  ")
    assert exc.value.error_dict["note"][0].code == "required"


def test_partner_staff_may_not_move_another_organisations_activity(cast):
    activity = make_activity(network=cast.network)  # another organisation of the network
    activity.organizer.network = cast.network
    with pytest.raises(PermissionDenied):
        services.close_activity(actor=cast.partner_staff, activity=activity)
    with pytest.raises(PermissionDenied):
        services.update_activity(actor=cast.partner_staff, activity=activity, data={"title": "Mio"})


@pytest.mark.parametrize("persona", ["case_manager", "evaluator", "funder", "citizen", "outsider"])
def test_other_roles_may_not_move_an_activity(cast, persona):
    activity = make_activity(network=cast.network, organizer=cast.organization)
    with pytest.raises(PermissionDenied):
        services.close_activity(actor=getattr(cast, persona), activity=activity)


def test_a_closed_activity_cannot_be_edited(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization, status=A.CLOSED)
    with pytest.raises(ValidationError) as exc:
        services.update_activity(actor=cast.coordinator, activity=activity, data={"title": "Nuovo"})
    assert exc.value.code == "not_editable"


def test_more_places_promote_the_people_waiting(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization, capacity=1)
    EnrollmentFactory(activity=activity)
    waiting = EnrollmentFactory(activity=activity, status=EnrollmentStatus.WAITLISTED, position=1)
    services.update_activity(actor=cast.coordinator, activity=activity, data={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.ENROLLED and waiting.position is None


# --- single sessions ----------------------------------------------------------------------------------------


def test_the_session_table():
    S = SessionStatus
    assert session_services.SESSION_WORKFLOW.table() == {
        S.SCHEDULED: {S.HELD, S.CANCELLED},
        S.HELD: frozenset(),
        S.CANCELLED: {S.SCHEDULED},
    }


def test_a_cancelled_session_is_restored_and_a_held_one_cannot_be_cancelled(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization)
    session = activity.sessions.first()
    session_services.cancel_session(actor=cast.coordinator, session=session)
    session_services.restore_session(actor=cast.coordinator, session=session)
    assert Session.objects.get(pk=session.pk).status == SessionStatus.SCHEDULED
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.HELD)
    with pytest.raises(ValidationError) as exc:
        session_services.cancel_session(actor=cast.coordinator, session=Session.objects.get(pk=session.pk))
    assert exc.value.code == "transition"
    with pytest.raises(ValidationError) as exc:
        session_services.restore_session(actor=cast.coordinator, session=Session.objects.get(pk=session.pk))
    assert exc.value.code == "transition"


def test_moving_a_session_checks_its_times_and_state(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization)
    session = activity.sessions.first()
    with pytest.raises(ValidationError) as exc:
        session_services.move_session(
            actor=cast.coordinator, session=session, data={"day": "ieri", "start_time": "18:00", "end_time": "17:00"}
        )
    assert set(exc.value.error_dict) == {"day", "end_time"} or set(exc.value.error_dict) == {"day"}
    session_services.cancel_session(actor=cast.coordinator, session=session)
    with pytest.raises(ValidationError) as exc:
        session_services.move_session(
            actor=cast.coordinator,
            session=Session.objects.get(pk=session.pk),
            data={"day": today(), "start_time": "17:00", "end_time": "18:00"},
        )
    assert exc.value.code == "not_scheduled"


def test_only_who_runs_the_activity_moves_its_sessions(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization)
    session = activity.sessions.first()
    for persona in ("case_manager", "evaluator", "citizen", "outsider"):
        with pytest.raises(PermissionDenied):
            session_services.cancel_session(actor=getattr(cast, persona), session=session)


def test_a_place_with_activities_cannot_be_deleted(cast):
    from legami.territory.services.places import delete_place

    activity = make_activity(network=cast.network, organizer=cast.organization)
    with pytest.raises(ValidationError) as exc:
        delete_place(actor=cast.coordinator, place=activity.place)
    assert exc.value.code == "in_use" and "activit" in " ".join(exc.value.messages)


def test_an_organisation_with_activities_cannot_be_deleted(cast):
    from legami.network.services.organizations import delete_organization

    activity = make_activity(network=cast.network, organizer=cast.organization)
    with pytest.raises(ValidationError):
        delete_organization(actor=cast.coordinator, organization=activity.organizer)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_persons_export_holds_their_enrolments_and_anonymisation_empties_the_guardian(cast):
    from legami.activities.personal_data import SECTIONS
    from legami.activities.tests.factories import VolunteerShiftFactory

    activity = make_activity(network=cast.network, organizer=cast.organization)
    child = f.PersonFactory(network=cast.network)
    enrollment = EnrollmentFactory(activity=activity, person=child, guardian_name="Nonna Pina", guardian_phone="333")
    shift = VolunteerShiftFactory(session=activity.sessions.first(), person=child, role="Merenda")
    enrollments, shifts = SECTIONS
    rows = enrollments.collect(child)
    assert rows[0]["guardian_name"] == "Nonna Pina" and rows[0]["activity_title"] == activity.title
    assert shifts.collect(child)[0]["role"] == "Merenda"
    enrollments.anonymise(child)
    enrollment.refresh_from_db()
    shift.refresh_from_db()
    assert (enrollment.guardian_name, enrollment.guardian_phone, shift.role) == ("", "", "")
    assert enrollment.status == EnrollmentStatus.ENROLLED and shift.minutes == 90
