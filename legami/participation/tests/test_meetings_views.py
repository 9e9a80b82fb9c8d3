"""Meetings' pages: the public page, scheduling and editing, cancelling, registering, the registrations, the roll
call, the minutes and the calendar feeds; who may, bad input (an error summary, status 400), query counts."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.participation.models import Meeting, MeetingStatus, ProcessStatus, Registration, RegistrationStatus
from legami.participation.services.meetings import ROME
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
SUMMARY = 'id="error-summary"'


@pytest.fixture
def process(cast):
    process = ProcessFactory(network=cast.network, title="Laboratorio Po")
    PhaseFactory(process=process)
    return process


@pytest.fixture
def place(cast):
    return f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa di quartiere Po")


def url(cast, name, obj=None):
    return reverse(f"participation:{name}", args=[cast.network.slug] + ([obj.pk] if obj is not None else []))


def form_data(at=None, **changes):
    day = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "title": "Che cosa manca nel quartiere",
        "agenda": "Presentazioni",
        "day": day.isoformat(),
        "start_time": "18:30",
        "end_time": "20:00",
        "place": at.pk if at else "",
        "online_url": "" if at else "https://meet.example.org/q",
        "capacity": "",
        "registrations_open": "on",
    }
    data.update(changes)
    return data


def member(cast, n):
    user = f.UserFactory(email=f"persona{n}@example.org", full_name=f"Persona {n}")
    f.MembershipFactory(network=cast.network, user=user, role=Role.CITIZEN)
    return user


# --- the public page ------------------------------------------------------------------------------------


def test_anyone_reads_a_published_process_meeting(cast, process, place, english_login):
    meeting = MeetingFactory(
        process=process,
        place=place,
        capacity=10,
        starts_at=datetime.datetime(2030, 7, 15, 18, 30, tzinfo=ROME),
        ends_at=datetime.datetime(2030, 7, 15, 20, 0, tzinfo=ROME),
        minutes="Si è parlato di orti.",
        outcomes="Un orto condiviso",
    )
    RegistrationFactory(meeting=meeting, user=cast.citizen)
    response = english_login(None).get(url(cast, "meeting_detail", meeting))
    body = response.content.decode()
    assert response.status_code == 200
    assert meeting.title in body and "Casa di quartiere Po" in body and place.address in body
    assert "18:30" in body and "20:00" in body  # Italian time, not UTC (16:30)
    assert "9 places left of 10" in body
    assert "Si è parlato di orti." in body and "Un orto condiviso" in body
    assert url(cast, "meeting_calendar", meeting) in body
    assert "Log in to register" in body
    assert cast.citizen.full_name not in body and "Attendance" not in body


def test_a_member_sees_the_register_button_then_their_registration(cast, process, english_login):
    meeting = MeetingFactory(process=process, capacity=1)
    client = english_login(cast.funder)
    body = client.get(url(cast, "meeting_detail", meeting)).content.decode()
    assert url(cast, "meeting_register", meeting) in body
    RegistrationFactory(meeting=meeting, user=cast.citizen)
    body = client.get(url(cast, "meeting_detail", meeting)).content.decode()
    assert "Join the waiting list" in body
    RegistrationFactory(meeting=meeting, user=cast.funder, status=R.WAITING)
    body = client.get(url(cast, "meeting_detail", meeting)).content.decode()
    assert "You are on the waiting list, number 1" in body and url(cast, "meeting_unregister", meeting) in body


def test_managers_see_the_attendance_and_their_actions(cast, process, english_login):
    meeting = MeetingFactory(process=process, starts_at=in_days(-2), guests=4, roll_call_at=timezone.now())
    RegistrationFactory(meeting=meeting, user=cast.citizen, attended=True)
    body = english_login(cast.community_worker).get(url(cast, "meeting_detail", meeting)).content.decode()
    assert "Attendance" in body and "new faces" in body
    for name in ("meeting_update", "meeting_registrations", "meeting_roll_call", "meeting_minutes", "meeting_cancel"):
        assert url(cast, name, meeting) in body


def test_a_draft_process_meeting_is_for_managers_only(cast, login):
    draft = ProcessFactory(network=cast.network, status=ProcessStatus.DRAFT)
    meeting = MeetingFactory(process=draft)
    assert login(None).get(url(cast, "meeting_detail", meeting)).status_code == 404
    assert login(cast.citizen).get(url(cast, "meeting_detail", meeting)).status_code == 404
    assert login(cast.coordinator).get(url(cast, "meeting_detail", meeting)).status_code == 200
    other = MeetingFactory(process=ProcessFactory(network=cast.other_network))
    assert login(cast.coordinator).get(url(cast, "meeting_detail", other)).status_code == 404


def test_a_cancelled_meeting_says_so_and_offers_no_registration(cast, process, english_login):
    meeting = MeetingFactory(process=process, status=MeetingStatus.CANCELLED)
    body = english_login(cast.citizen).get(url(cast, "meeting_detail", meeting)).content.decode()
    assert "Cancelled" in body and url(cast, "meeting_register", meeting) not in body


def test_the_detail_page_runs_a_constant_number_of_queries(cast, process, login, django_assert_max_num_queries):
    meeting = MeetingFactory(process=process, starts_at=in_days(-1), roll_call_at=timezone.now())
    client = login(cast.coordinator)
    client.get(url(cast, "meeting_detail", meeting))  # warm the caches (grants, menu)
    for n in range(3):
        RegistrationFactory(meeting=meeting, user=member(cast, n), attended=True)
    with django_assert_max_num_queries(16) as few:
        assert client.get(url(cast, "meeting_detail", meeting)).status_code == 200
    for n in range(3, 15):
        RegistrationFactory(meeting=meeting, user=member(cast, n), attended=n % 2 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(cast, "meeting_detail", meeting)).status_code == 200


# --- scheduling and editing -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_schedule_a_meeting(cast, process, place, login, persona):
    response = login(getattr(cast, persona)).post(url(cast, "meeting_create", process), form_data(place))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == url(cast, "meeting_detail", meeting)
    local = timezone.localtime(meeting.starts_at, ROME)
    assert (local.hour, local.minute) == (18, 30) and meeting.place == place and meeting.capacity is None


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_schedule(cast, process, login, persona):
    client = login(getattr(cast, persona))
    assert client.get(url(cast, "meeting_create", process)).status_code == 403
    assert client.post(url(cast, "meeting_create", process), form_data()).status_code == 403
    assert not Meeting.objects.exists()


def test_anonymous_is_sent_to_log_in_and_outsiders_find_nothing(cast, process, login):
    response = login(None).post(url(cast, "meeting_create", process), form_data())
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert login(cast.outsider).post(url(cast, "meeting_create", process), form_data()).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"day": ""}, "day"),
        ({"day": "31/02/2030"}, "day"),
        ({"start_time": ""}, "start_time"),
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": ""}, "end_time"),
        ({"end_time": "17:00"}, "end_time"),
        ({"online_url": ""}, "place"),
        ({"online_url": "non è un link"}, "online_url"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "molti"}, "capacity"),
        ({"place": "999999"}, "place"),
    ],
)
def test_bad_input_shows_an_error_summary_with_status_400(cast, process, english_login, changes, field):
    response = english_login(cast.coordinator).post(url(cast, "meeting_create", process), form_data(**changes))
    assert response.status_code == 400
    body = response.content.decode()
    assert SUMMARY in body and f'href="#id_{field}"' in body
    assert not Meeting.objects.exists()


def test_a_place_of_another_network_is_not_offered(cast, process, login):
    elsewhere = f.PlaceFactory(network=cast.other_network)
    response = login(cast.coordinator).post(url(cast, "meeting_create", process), form_data(elsewhere))
    assert response.status_code == 400 and not Meeting.objects.exists()


def test_a_closed_process_takes_no_meeting(cast, process, english_login):
    process.status = ProcessStatus.CLOSED
    process.save()
    response = english_login(cast.coordinator).post(url(cast, "meeting_create", process), form_data())
    assert response.status_code == 400 and "The process is closed" in response.content.decode()


def test_the_edit_form_shows_italian_time_and_saves(cast, process, login):
    meeting = MeetingFactory(process=process, starts_at=datetime.datetime(2030, 12, 15, 18, 30, tzinfo=ROME))
    client = login(cast.coordinator)
    body = client.get(url(cast, "meeting_update", meeting)).content.decode()
    assert 'value="18:30"' in body and 'value="2030-12-15"' in body
    response = client.post(url(cast, "meeting_update", meeting), form_data(title="Nuovo", day="2030-12-16"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Nuovo" and meeting.starts_at.date() == datetime.date(2030, 12, 16)
    bad = client.post(url(cast, "meeting_update", meeting), form_data(end_time="10:00"))
    assert bad.status_code == 400 and SUMMARY in bad.content.decode()


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_edit(cast, process, login, persona):
    meeting = MeetingFactory(process=process)
    assert login(getattr(cast, persona)).post(url(cast, "meeting_update", meeting), form_data()).status_code == 403


# --- cancelling -----------------------------------------------------------------------------------------


def test_cancelling_asks_why_then_tells_people(cast, process, english_login, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(process=process)
    RegistrationFactory(meeting=meeting, user=cast.citizen)
    client = english_login(cast.coordinator)
    assert client.get(url(cast, "meeting_cancel", meeting)).status_code == 200
    bad = client.post(url(cast, "meeting_cancel", meeting), {"note": ""})
    assert bad.status_code == 400 and SUMMARY in bad.content.decode() and 'href="#id_note"' in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(cast, "meeting_cancel", meeting), {"note": "Pioggia"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [[cast.citizen.email]]
    again = client.post(url(cast, "meeting_cancel", meeting), {"note": "Ancora"})
    assert again.status_code == 400


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_cannot_cancel(cast, process, login, persona):
    meeting = MeetingFactory(process=process)
    assert login(getattr(cast, persona)).post(url(cast, "meeting_cancel", meeting), {"note": "x"}).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


# --- registering ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "partner_staff", "evaluator", "funder", "citizen"])
def test_members_register_with_a_post_after_a_confirmation(cast, process, login, persona):
    meeting = MeetingFactory(process=process)
    client = login(getattr(cast, persona))
    assert client.get(url(cast, "meeting_register", meeting)).status_code == 200
    assert not Registration.objects.exists()  # GET changes nothing
    response = client.post(url(cast, "meeting_register", meeting))
    assert response.status_code == 302 and response.url == url(cast, "meeting_detail", meeting)
    assert Registration.objects.get().status == R.REGISTERED


def test_registering_tells_in_italian_where_one_stands(cast, process, login):
    meeting = MeetingFactory(process=process, capacity=1)
    RegistrationFactory(meeting=meeting, user=cast.funder)
    client = login(cast.citizen)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "it"
    response = client.post(url(cast, "meeting_register", meeting), follow=True)
    assert "lista d&#x27;attesa" in response.content.decode() or "lista d'attesa" in response.content.decode()
    assert Registration.objects.get(user=cast.citizen).status == R.WAITING


def test_anonymous_must_log_in_to_register(cast, process, login):
    meeting = MeetingFactory(process=process)
    response = login(None).post(url(cast, "meeting_register", meeting))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert login(cast.outsider).post(url(cast, "meeting_register", meeting)).status_code == 404
    assert not Registration.objects.exists()


def test_a_refused_registration_shows_why_with_status_400(cast, process, english_login):
    meeting = MeetingFactory(process=process, registrations_open=False)
    client = english_login(cast.citizen)
    page = client.get(url(cast, "meeting_register", meeting)).content.decode()
    assert "Registrations for this meeting are closed." in page
    response = client.post(url(cast, "meeting_register", meeting))
    assert response.status_code == 400 and SUMMARY in response.content.decode()
    assert not Registration.objects.exists()


def test_unregistering_frees_the_place(cast, process, english_login, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(process=process, capacity=1)
    RegistrationFactory(meeting=meeting, user=cast.citizen)
    RegistrationFactory(meeting=meeting, user=cast.funder, status=R.WAITING)
    client = english_login(cast.citizen)
    assert (
        "Your place goes to the first person" in client.get(url(cast, "meeting_unregister", meeting)).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url(cast, "meeting_unregister", meeting)).status_code == 302
    assert Registration.objects.get(user=cast.funder).status == R.REGISTERED
    assert [m.to for m in mail.outbox] == [[cast.funder.email]]
    again = client.post(url(cast, "meeting_unregister", meeting))
    assert again.status_code == 400 and "You are not registered" in again.content.decode()


# --- registrations, roll call, minutes ------------------------------------------------------------------


def test_the_registrations_page_names_people_in_order(cast, process, english_login):
    meeting = MeetingFactory(process=process, capacity=1)
    RegistrationFactory(meeting=meeting, user=member(cast, 1))
    RegistrationFactory(meeting=meeting, user=member(cast, 2), status=R.WAITING)
    RegistrationFactory(meeting=meeting, user=member(cast, 3), status=R.WAITING)
    RegistrationFactory(meeting=meeting, user=member(cast, 4), status=R.CANCELLED)
    body = english_login(cast.community_worker).get(url(cast, "meeting_registrations", meeting)).content.decode()
    assert body.index("Persona 1") < body.index("Persona 2") < body.index("Persona 3") < body.index("Persona 4")
    assert "Waiting list" in body


@pytest.mark.parametrize("name", ["meeting_registrations", "meeting_roll_call", "meeting_minutes"])
@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_do_not_run_the_meeting(cast, process, login, name, persona):
    meeting = MeetingFactory(process=process)
    client = login(getattr(cast, persona))
    assert client.get(url(cast, name, meeting)).status_code == 403
    assert client.post(url(cast, name, meeting), {"minutes": "x", "guests": "1"}).status_code in (403, 405)


def test_the_registrations_page_runs_a_constant_number_of_queries(cast, process, login, django_assert_max_num_queries):
    meeting = MeetingFactory(process=process, capacity=2)
    client = login(cast.coordinator)
    client.get(url(cast, "meeting_registrations", meeting))
    for n in range(3):
        RegistrationFactory(meeting=meeting, user=member(cast, n))
    with django_assert_max_num_queries(16) as few:
        assert client.get(url(cast, "meeting_registrations", meeting)).status_code == 200
    for n in range(3, 20):
        RegistrationFactory(meeting=meeting, user=member(cast, n), status=R.WAITING if n % 2 else R.CANCELLED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(cast, "meeting_registrations", meeting)).status_code == 200


def today_meeting(process):
    start = timezone.localtime(timezone.now(), ROME).replace(hour=0, minute=5, second=0, microsecond=0)
    return MeetingFactory(process=process, starts_at=start, ends_at=start + datetime.timedelta(hours=1))


def test_the_roll_call_is_a_plain_form_of_checkboxes(cast, process, english_login):
    meeting = today_meeting(process)
    here = RegistrationFactory(meeting=meeting, user=member(cast, 1))
    away = RegistrationFactory(meeting=meeting, user=member(cast, 2))
    client = english_login(cast.coordinator)
    page = client.get(url(cast, "meeting_roll_call", meeting)).content.decode()
    assert f'name="present_{here.pk}"' in page and 'type="checkbox"' in page
    assert 'name="guests"' in page and "Persona 1" in page
    response = client.post(url(cast, "meeting_roll_call", meeting), {f"present_{here.pk}": "on", "guests": "2"})
    assert response.status_code == 302
    assert Registration.objects.get(pk=here.pk).attended is True
    assert Registration.objects.get(pk=away.pk).attended is False
    assert Meeting.objects.get(pk=meeting.pk).guests == 2


@pytest.mark.parametrize("guests", ["-1", "tanti"])
def test_a_bad_guests_number_shows_an_error(cast, process, english_login, guests):
    meeting = today_meeting(process)
    response = english_login(cast.coordinator).post(url(cast, "meeting_roll_call", meeting), {"guests": guests})
    assert response.status_code == 400 and 'href="#id_guests"' in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).roll_call_at is None


def test_the_roll_call_waits_for_the_meeting_day(cast, process, english_login):
    meeting = MeetingFactory(process=process, starts_at=in_days(2))
    client = english_login(cast.coordinator)
    page = client.get(url(cast, "meeting_roll_call", meeting))
    assert page.status_code == 200 and "from the day of the meeting on" in page.content.decode()
    response = client.post(url(cast, "meeting_roll_call", meeting), {"guests": "1"})
    assert response.status_code == 400 and SUMMARY in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).roll_call_at is None


def test_minutes_are_saved_and_shown(cast, process, english_login):
    meeting = MeetingFactory(process=process)
    client = english_login(cast.coordinator)
    page = client.get(url(cast, "meeting_minutes", meeting)).content.decode()
    assert "never the names of the people present" in page
    response = client.post(url(cast, "meeting_minutes", meeting), {"minutes": "Orti", "outcomes": "Un orto"})
    assert response.status_code == 302
    bad = client.post(url(cast, "meeting_minutes", meeting), {"minutes": "x" * 50_001, "outcomes": ""})
    assert bad.status_code == 400 and 'href="#id_minutes"' in bad.content.decode()
    assert "Un orto" in english_login(None).get(url(cast, "meeting_detail", meeting)).content.decode()


# --- calendars ------------------------------------------------------------------------------------------


def test_the_feeds_are_public_icalendar(cast, process, place, login):
    meeting = MeetingFactory(process=process, place=place)
    client = login(None)
    for name, obj in (("network_calendar", None), ("process_calendar", process), ("meeting_calendar", meeting)):
        response = client.get(url(cast, name, obj))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.content.decode()
        assert body.startswith("BEGIN:VCALENDAR") and f"meeting-{meeting.pk}@" in body
        assert "URL:http://testserver" + url(cast, "meeting_detail", meeting) in body.replace("\r\n ", "")


def test_a_draft_process_has_no_feed_even_for_managers(cast, login):
    draft = ProcessFactory(network=cast.network, status=ProcessStatus.DRAFT)
    meeting = MeetingFactory(process=draft)
    client = login(cast.coordinator)
    assert client.get(url(cast, "process_calendar", draft)).status_code == 404
    assert client.get(url(cast, "meeting_calendar", meeting)).status_code == 404
    assert f"meeting-{meeting.pk}@" not in client.get(url(cast, "network_calendar")).content.decode()


@pytest.mark.parametrize("persona", [*NOT_MANAGERS, "anonymous"])
def test_who_does_not_run_the_meeting_never_reads_a_participants_name(cast, process, login, persona):
    meeting = MeetingFactory(process=process, capacity=1, starts_at=in_days(-1), roll_call_at=timezone.now())
    someone = member(cast, 7)
    RegistrationFactory(meeting=meeting, user=someone, attended=True)
    RegistrationFactory(meeting=meeting, user=member(cast, 8), status=R.WAITING)
    client = login(getattr(cast, persona))
    for name in ("meeting_detail", "meeting_register", "meeting_unregister", "meeting_calendar"):
        body = client.get(url(cast, name, meeting)).content.decode()
        assert "Persona 7" not in body and "Persona 8" not in body and someone.email not in body
