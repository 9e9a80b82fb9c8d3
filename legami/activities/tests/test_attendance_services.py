"""The roll call (one tap, or the whole list) and the volunteers' shifts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.activities.models import Attendance, EnrollmentStatus, Session, SessionStatus, VolunteerShift
from legami.activities.services import attendance as services
from legami.activities.services import volunteers
from legami.activities.services.common import rome_datetime
from legami.activities.tests.factories import EnrollmentFactory, SessionFactory, make_activity, today
from legami.core.tests import factories as f


@pytest.fixture
def session(cast):
    activity = make_activity(network=cast.network, organizer=cast.organization)
    return SessionFactory(activity=activity)


def test_a_tap_marks_one_person_and_the_session_is_held(cast, session):
    row = EnrollmentFactory(activity=session.activity)
    services.mark_attendance(actor=cast.partner_staff, session=session, enrollment=row.pk, present="1")
    assert Attendance.objects.get(session=session, enrollment=row).present is True
    services.mark_attendance(actor=cast.partner_staff, session=session, enrollment=row, present=False)
    assert Attendance.objects.get(session=session, enrollment=row).present is False
    assert Session.objects.get(pk=session.pk).status == SessionStatus.HELD


def test_the_whole_roll_call_marks_the_others_absent(cast, session):
    here, away = EnrollmentFactory(activity=session.activity), EnrollmentFactory(activity=session.activity)
    services.take_roll_call(actor=cast.coordinator, session=session, present=[here.pk])
    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "present"))
    assert marks == {here.pk: True, away.pk: False}
    services.take_roll_call(actor=cast.coordinator, session=session, present=[str(away.pk)])
    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "present"))
    assert marks == {here.pk: False, away.pk: True}


@pytest.mark.parametrize("status", [EnrollmentStatus.WAITLISTED, EnrollmentStatus.WITHDRAWN])
def test_only_people_enrolled_are_marked(cast, session, status):
    row = EnrollmentFactory(activity=session.activity, status=status, position=1 if status == "waitlisted" else None)
    other_activity = EnrollmentFactory(activity=make_activity(network=cast.network, organizer=cast.organization))
    for target in (row.pk, other_activity.pk, "²", "abc", None):
        with pytest.raises(ValidationError) as exc:
            services.mark_attendance(actor=cast.coordinator, session=session, enrollment=target, present=True)
        assert exc.value.error_dict["present"][0].code == "not_enrolled"
    with pytest.raises(ValidationError):
        services.take_roll_call(actor=cast.coordinator, session=session, present=[row.pk])
    assert not Attendance.objects.exists()


def test_present_must_say_yes_or_no(cast, session):
    row = EnrollmentFactory(activity=session.activity)
    with pytest.raises(ValidationError) as exc:
        services.mark_attendance(actor=cast.coordinator, session=session, enrollment=row.pk, present="forse")
    assert exc.value.error_dict["present"][0].code == "invalid"


def test_no_roll_call_before_the_day_or_for_a_cancelled_session(cast, session):
    row = EnrollmentFactory(activity=session.activity)
    tomorrow = today() + datetime.timedelta(days=1)
    later = SessionFactory(activity=session.activity, starts_at=rome_datetime(tomorrow, datetime.time(16, 0)))
    with pytest.raises(ValidationError) as exc:
        services.mark_attendance(actor=cast.coordinator, session=later, enrollment=row.pk, present=True)
    assert exc.value.code == "too_early"
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        services.take_roll_call(actor=cast.coordinator, session=Session.objects.get(pk=session.pk), present=[])
    assert exc.value.code == "cancelled"


@pytest.mark.parametrize("persona", ["case_manager", "evaluator", "funder", "citizen", "outsider"])
def test_only_who_runs_the_activity_takes_the_roll_call(cast, session, persona):
    row = EnrollmentFactory(activity=session.activity)
    with pytest.raises(PermissionDenied):
        services.mark_attendance(actor=getattr(cast, persona), session=session, enrollment=row.pk, present=True)


def test_partner_staff_of_another_organisation_take_no_roll_call(cast):
    session = SessionFactory(activity=make_activity(network=cast.network))
    with pytest.raises(PermissionDenied):
        services.take_roll_call(actor=cast.partner_staff, session=session, present=[])


# --- volunteers ---------------------------------------------------------------------------------------------


def test_a_volunteer_shift_is_logged_once(cast, session):
    volunteer = f.PersonFactory(network=cast.network)
    shift = volunteers.log_shift(
        actor=cast.partner_staff, session=session, data={"person": volunteer.pk, "minutes": "90", "role": "Compiti"}
    )
    assert (shift.minutes, shift.role, shift.credited_at) == (90, "Compiti", None)
    with pytest.raises(ValidationError) as exc:
        volunteers.log_shift(actor=cast.coordinator, session=session, data={"person": volunteer.pk, "minutes": 30})
    assert exc.value.error_dict["person"][0].code == "logged"


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"minutes": 0}, "minutes", "min_value"),
        ({"minutes": 1441}, "minutes", "max_value"),
        ({"minutes": "un'ora"}, "minutes", "invalid"),
        ({"person": 999999}, "person", "invalid_choice"),
        ({"role": "x" * 201}, "role", "max_length"),
    ],
)
def test_bad_shifts_are_refused(cast, session, data, field, code):
    values = {"person": f.PersonFactory(network=cast.network).pk, "minutes": 60} | data
    with pytest.raises(ValidationError) as exc:
        volunteers.log_shift(actor=cast.coordinator, session=session, data=values)
    assert exc.value.error_dict[field][0].code == code
    assert not VolunteerShift.objects.exists()


def test_a_credited_shift_cannot_be_removed(cast, session):
    shift = volunteers.log_shift(
        actor=cast.coordinator,
        session=session,
        data={"person": f.PersonFactory(network=cast.network).pk, "minutes": 60},
    )
    VolunteerShift.objects.filter(pk=shift.pk).update(credited_at=session.starts_at)
    with pytest.raises(ValidationError) as exc:
        volunteers.remove_shift(actor=cast.coordinator, shift=VolunteerShift.objects.get(pk=shift.pk))
    assert exc.value.code == "credited"
    VolunteerShift.objects.filter(pk=shift.pk).update(credited_at=None)
    volunteers.remove_shift(actor=cast.coordinator, shift=shift)
    assert not VolunteerShift.objects.exists()


def test_only_who_runs_the_activity_logs_hours(cast, session):
    for persona in ("case_manager", "evaluator", "citizen", "outsider"):
        with pytest.raises(PermissionDenied):
            volunteers.log_shift(actor=getattr(cast, persona), session=session, data={"minutes": 60})
