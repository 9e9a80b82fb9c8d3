"""Pages of activities through the client: the public calendar and its feed, recording and moving an activity,
enrolling (operators and households), withdrawing, the roll call (HTMX and plain), volunteers, figures."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from legami.activities.models import (
    Activity,
    ActivityStatus,
    Attendance,
    Enrollment,
    EnrollmentStatus,
    Session,
    SessionStatus,
    VolunteerShift,
)
from legami.activities.tests.factories import EnrollmentFactory, SessionFactory, make_activity, today
from legami.core.tests import factories as f
from legami.network.models import Person

E = EnrollmentStatus


def url(name, cast, *args, **kwargs):
    return reverse(f"activities:{name}", args=[cast.network.slug, *args, *kwargs.values()])


@pytest.fixture
def activity(cast):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa del Po")
    return make_activity(
        network=cast.network, organizer=cast.organization, place=place, title="Doposcuola al Po", min_age=6, max_age=11
    )


# --- the public calendar ----------------------------------------------------------------------------------


def test_the_calendar_shows_the_public_published_activities_to_anyone(cast, activity, login):
    make_activity(network=cast.network, organizer=cast.organization, title="Bozza segreta", status=ActivityStatus.DRAFT)
    make_activity(network=cast.network, organizer=cast.organization, title="Gruppo riservato", is_public=False)
    make_activity(network=cast.other_network, title="Altra rete")
    response = login(None).get(url("calendar", cast))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Doposcuola al Po" in body
    assert "Bozza segreta" not in body and "Gruppo riservato" not in body and "Altra rete" not in body


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"comune": "COMUNE_CREMONA"}, True),
        ({"comune": "COMUNE_CREMA"}, False),
        ({"age": "8"}, True),
        ({"age": "15"}, False),
        ({"kind": "after_school"}, True),
        ({"kind": "sport"}, False),
        ({"day": "DAY_OF_SESSION"}, True),
        ({"day": "DAY_WITHOUT"}, False),
        ({"age": "dodici", "kind": "<script>", "day": "9", "comune": "²"}, True),  # bad values are ignored
    ],
)
def test_the_calendar_filters(cast, activity, login, query, shown):
    cremona, crema = cast.municipalities
    first = activity.sessions.filter(ends_at__gte=timezone.now()).order_by("starts_at").first()
    day = timezone.localtime(first.starts_at).weekday()
    values = {
        "COMUNE_CREMONA": str(cremona.pk),
        "COMUNE_CREMA": str(crema.pk),
        "DAY_OF_SESSION": str(day),
        "DAY_WITHOUT": str(next(d for d in range(7) if d not in activity.weekdays)),
    }
    response = login(None).get(url("calendar", cast), {k: values.get(v, v) for k, v in query.items()})
    assert response.status_code == 200
    assert ("Doposcuola al Po" in response.content.decode()) is shown


def test_the_calendar_runs_a_constant_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(None)
    make_activity(network=cast.network, organizer=cast.organization)
    with CaptureQueriesContext(connection) as small:
        client.get(url("calendar", cast))
    for _ in range(5):
        make_activity(network=cast.network, organizer=cast.organization)
    with CaptureQueriesContext(connection) as large:
        client.get(url("calendar", cast))
    assert len(small) == len(large) <= 15


def test_a_long_calendar_stops_counting_and_offers_its_filters(cast, activity, login, monkeypatch):
    from legami.activities.views import calendar as calendar_views

    sessions = activity.sessions.filter(ends_at__gte=timezone.now()).count()
    assert sessions > 3
    monkeypatch.setattr(calendar_views, "COUNT_AT_MOST", 3)
    page = login(None).get(url("calendar", cast)).content.decode()
    assert "Più di 3 incontri: scegli un Comune, un'età, un tipo o un giorno per vederne meno." in page
    assert f"{sessions} incontri trovati" not in page
    monkeypatch.setattr(calendar_views, "COUNT_AT_MOST", sessions)
    page = login(None).get(url("calendar", cast)).content.decode()
    assert f"{sessions} incontri trovati" in page and "Più di" not in page


def test_the_feed_is_icalendar_with_the_same_filters(cast, activity, login):
    response = login(None).get(url("calendar_feed", cast), {"kind": "after_school"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "SUMMARY:Doposcuola al Po" in body and "Casa del Po" in body
    assert (
        "SUMMARY:Doposcuola al Po"
        not in login(None).get(url("calendar_feed", cast), {"kind": "sport"}).content.decode()
    )


def test_an_unchanged_feed_answers_304_and_a_change_gives_a_new_etag(
    cast, activity, login, django_assert_max_num_queries
):
    client = login(None)
    first = client.get(url("calendar_feed", cast))
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    with django_assert_max_num_queries(6):  # no feed is written: the network, the fingerprint
        again = client.get(url("calendar_feed", cast), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    # another filter, another feed
    assert client.get(url("calendar_feed", cast), {"kind": "sport"})["ETag"] != etag
    # the activity renamed: its events change, so does the tag
    Activity.objects.filter(pk=activity.pk).update(title="Doposcuola sul Po", updated_at=timezone.now())
    changed = client.get(url("calendar_feed", cast), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "Doposcuola sul Po" in changed.content.decode()
    assert changed["ETag"] != etag
    # a coming session moved by a bulk write (no updated_at): the tag follows its times
    session = activity.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    Session.objects.filter(pk=session.pk).update(ends_at=session.ends_at + datetime.timedelta(minutes=30))
    assert client.get(url("calendar_feed", cast))["ETag"] != changed["ETag"]


def test_a_feed_is_written_once_until_its_sessions_change(cast, activity, login, monkeypatch):
    from legami.activities.views import calendar as calendar_views

    written = []
    real = calendar_views.sessions_calendar

    def counting(*args, **kwargs):
        written.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar_views, "sessions_calendar", counting)
    client = login(None)
    first = client.get(url("calendar_feed", cast)).content
    assert client.get(url("calendar_feed", cast)).content == first
    assert len(written) == 1
    Activity.objects.filter(pk=activity.pk).update(title="Doposcuola sul Po", updated_at=timezone.now())
    changed = client.get(url("calendar_feed", cast)).content
    assert len(written) == 2 and b"Doposcuola sul Po" in changed and changed != first


def test_a_draft_does_not_exist_for_the_public(cast, login):
    draft = make_activity(network=cast.network, organizer=cast.organization, status=ActivityStatus.DRAFT)
    assert login(None).get(url("activity_detail", cast, draft.pk)).status_code == 404
    assert login(cast.citizen).get(url("activity_detail", cast, draft.pk)).status_code == 404
    assert login(cast.coordinator).get(url("activity_detail", cast, draft.pk)).status_code == 200


def test_another_networks_activity_is_404(cast, login):
    foreign = make_activity(network=cast.other_network)
    assert login(cast.coordinator).get(url("activity_detail", cast, foreign.pk)).status_code == 404
    assert login(cast.coordinator).get(url("enrollments", cast, foreign.pk)).status_code == 404


# --- recording and moving ------------------------------------------------------------------------------------


def form_data(cast, place, **overrides):
    start = today() + datetime.timedelta(days=2)
    return {
        "title": "Scacchi in biblioteca",
        "kind": "cultural",
        "organizer": str(cast.organization.pk),
        "place": str(place.pk),
        "capacity": "10",
        "is_public": "on",
        "weekdays": ["1", "3"],
        "start_time": "17:00",
        "end_time": "18:30",
        "first_day": start.isoformat(),
        "last_day": (start + datetime.timedelta(days=30)).isoformat(),
    } | overrides


def test_a_community_worker_records_an_activity_then_publishes_it(cast, english_login):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[1])
    client = english_login(cast.community_worker)
    response = client.post(url("activity_create", cast), form_data(cast, place))
    activity = Activity.objects.get(title="Scacchi in biblioteca")
    assert response.status_code == 302 and activity.sessions.count() > 0
    response = client.post(url("activity_move", cast, activity.pk, move="publish"), {"note": ""})
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.PUBLISHED


def test_bad_input_comes_back_on_the_form(cast, english_login):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    response = english_login(cast.coordinator).post(
        url("activity_create", cast), form_data(cast, place, end_time="16:00", weekdays=[], title="")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The sessions end before they start." in body and "Give the activity a title." in body
    assert not Activity.objects.exists()


def test_cancelling_asks_why(cast, activity, english_login):
    client = english_login(cast.coordinator)
    response = client.post(url("activity_move", cast, activity.pk, move="cancel"), {"note": ""})
    assert response.status_code == 400 and "Say why the activity is cancelled" in response.content.decode()
    response = client.post(url("activity_move", cast, activity.pk, move="cancel"), {"note": "Locali chiusi"})
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.CANCELLED


def test_an_unknown_move_is_404_and_a_refused_one_is_400(cast, activity, login):
    client = login(cast.coordinator)
    assert client.get(url("activity_move", cast, activity.pk, move="explode")).status_code == 404
    response = client.post(url("activity_move", cast, activity.pk, move="publish"), {"note": ""})
    assert response.status_code == 400


def test_partner_staff_of_another_organisation_are_refused(cast, login):
    theirs = make_activity(network=cast.network)
    session = SessionFactory(activity=theirs)
    client = login(cast.partner_staff)
    assert client.get(url("activity_update", cast, theirs.pk)).status_code == 403
    assert client.get(url("enrollments", cast, theirs.pk)).status_code == 403
    assert client.get(url("roll_call", cast, session.pk)).status_code == 403
    assert client.get(url("enroll", cast, theirs.pk)).status_code == 403


# --- enrolling and withdrawing -----------------------------------------------------------------------------


def test_a_case_manager_enrols_by_codice_fiscale_and_the_list_shows_the_waiting(cast, activity, english_login):
    child = f.PersonFactory(
        network=cast.network, tax_code="BNCLCU15A01D150X", birth_date=today().replace(year=today().year - 8)
    )
    client = english_login(cast.case_manager)
    data = {"person": "bnclcu15a01d150x", "guardian_phone": "0372 111222", "consent": "on"}
    response = client.post(url("enroll", cast, activity.pk), data)
    assert response.status_code == 302
    assert Enrollment.objects.get(person=child).status == E.ENROLLED
    response = client.post(url("enroll", cast, activity.pk), data)
    assert response.status_code == 400 and "already enrolled" in response.content.decode()
    response = client.post(url("enroll", cast, activity.pk), {"person": "NONESISTE", "consent": "on"})
    assert response.status_code == 400 and "registry" in response.content.decode()
    page = client.get(url("enrollments", cast, activity.pk)).content.decode()
    assert child.full_name in page and "0372 111222" in page


def test_a_district_case_manager_sees_only_the_enrolments_of_their_districts_people(cast, activity, english_login):
    cremona, crema = cast.municipalities  # Cremona is in the district-limited case manager's district, Crema is not
    near = EnrollmentFactory(
        activity=activity, person=f.PersonFactory(network=cast.network, municipality=cremona, last_name="Vicino")
    )
    far = EnrollmentFactory(
        activity=activity, person=f.PersonFactory(network=cast.network, municipality=crema, last_name="Lontano")
    )
    EnrollmentFactory(
        activity=activity,
        status=E.WAITLISTED,
        position=5,
        person=f.PersonFactory(network=cast.network, municipality=crema, last_name="Attesa"),
    )
    EnrollmentFactory(
        activity=activity,
        status=E.WAITLISTED,
        position=6,
        person=f.PersonFactory(network=cast.network, municipality=cremona, last_name="Dopo"),
    )
    limited = english_login(cast.district_case_manager).get(url("enrollments", cast, activity.pk))
    assert limited.status_code == 200
    page = limited.content.decode()
    assert "Vicino" in page and "Dopo" in page
    assert "Lontano" not in page and "Attesa" not in page
    # the waiting rank stays the one among everybody waiting: second, not first
    assert [r.rank for r in limited.context["waiting"]] == [2]
    whole = english_login(cast.case_manager).get(url("enrollments", cast, activity.pk)).content.decode()
    assert all(name in whole for name in ("Vicino", "Lontano", "Attesa", "Dopo"))
    # one enrolment outside the districts does not exist for them, on the page and in the API reads
    client = english_login(cast.district_case_manager)
    assert client.get(url("withdraw", cast, far.pk)).status_code == 404
    assert client.get(url("withdraw", cast, near.pk)).status_code == 200


def test_a_citizen_enrols_their_child_and_is_waitlisted_then_promoted(cast, english_login):
    activity = make_activity(network=cast.network, organizer=cast.organization, capacity=1)
    holder = EnrollmentFactory(activity=activity)
    household = f.HouseholdFactory(network=cast.network)
    f.PersonFactory(
        network=cast.network, user=cast.citizen, household=household, household_role=Person.HouseholdRole.HEAD
    )
    child = f.PersonFactory(
        network=cast.network,
        household=household,
        household_role=Person.HouseholdRole.CHILD,
        birth_date=datetime.date(2016, 3, 3),
    )
    client = english_login(cast.citizen)
    page = client.get(url("enroll_own", cast, activity.pk)).content.decode()
    assert child.full_name in page and holder.person.full_name not in page
    response = client.post(url("enroll_own", cast, activity.pk), {"person": str(child.pk), "consent": "on"})
    assert response.status_code == 302
    row = Enrollment.objects.get(person=child)
    assert row.status == E.WAITLISTED
    detail = client.get(url("activity_detail", cast, activity.pk)).content.decode()
    assert "number 1 on the waiting list" in detail
    # The citizen cannot withdraw someone else's place; the coordinator can, and the child is promoted.
    assert client.get(url("withdraw", cast, holder.pk)).status_code == 403
    response = english_login(cast.coordinator).post(url("withdraw", cast, holder.pk))
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=row.pk).status == E.ENROLLED


def test_a_citizen_without_a_record_is_told_whom_to_ask(cast, activity, english_login):
    page = english_login(cast.citizen).get(url("enroll_own", cast, activity.pk)).content.decode()
    assert "not linked to a person of the registry" in page


def test_a_stranger_chosen_by_a_citizen_is_refused(cast, activity, english_login):
    f.PersonFactory(network=cast.network, user=cast.citizen)
    stranger = f.PersonFactory(network=cast.network)
    response = english_login(cast.citizen).post(
        url("enroll_own", cast, activity.pk), {"person": str(stranger.pk), "consent": "on"}
    )
    assert response.status_code == 400
    assert not Enrollment.objects.exists()


# --- the roll call ------------------------------------------------------------------------------------------


def test_the_roll_call_marks_one_tap_at_a_time_with_and_without_htmx(cast, activity, login):
    session = SessionFactory(activity=activity)
    first, second = EnrollmentFactory(activity=activity), EnrollmentFactory(activity=activity)
    client = login(cast.partner_staff)
    page = client.get(url("roll_call", cast, session.pk))
    assert page.status_code == 200 and first.person.full_name in page.content.decode()
    response = client.post(url("roll_call", cast, session.pk), {"mark": f"{first.pk}:1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#person-{first.pk}")
    response = client.post(url("roll_call", cast, session.pk), {"mark": f"{second.pk}:0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and second.person.full_name in fragment and 'aria-pressed="false"' in fragment
    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "present"))
    assert marks == {first.pk: True, second.pk: False}
    assert session.__class__.objects.get(pk=session.pk).status == SessionStatus.HELD


@pytest.mark.parametrize("mark", ["", "abc", "999999:1", "1:forse"])
def test_a_bad_mark_is_refused(cast, activity, login, mark):
    session = SessionFactory(activity=activity)
    EnrollmentFactory(activity=activity)
    response = login(cast.coordinator).post(url("roll_call", cast, session.pk), {"mark": mark})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_the_roll_call_runs_a_constant_number_of_queries(cast, activity, login):
    session = SessionFactory(activity=activity)
    client = login(cast.coordinator)
    EnrollmentFactory(activity=activity)
    with CaptureQueriesContext(connection) as small:
        client.get(url("roll_call", cast, session.pk))
    for _ in range(10):
        EnrollmentFactory(activity=activity)
    with CaptureQueriesContext(connection) as large:
        client.get(url("roll_call", cast, session.pk))
    assert len(small) == len(large) <= 15


def test_a_session_is_moved_and_cancelled_from_its_page(cast, activity, english_login):
    session = activity.sessions.filter(starts_at__gt=timezone.now()).first()
    client = english_login(cast.coordinator)
    day = today() + datetime.timedelta(days=3)
    response = client.post(
        url("session", cast, session.pk),
        {"action": "move", "day": day.isoformat(), "start_time": "09:00", "end_time": "10:00"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).date() == day and session.edited
    response = client.post(
        url("session", cast, session.pk), {"action": "move", "day": "", "start_time": "", "end_time": ""}
    )
    assert response.status_code == 400
    response = client.post(url("session", cast, session.pk), {"action": "cancel", "note": "Sciopero"})
    assert response.status_code == 302
    assert session.__class__.objects.get(pk=session.pk).status == SessionStatus.CANCELLED


def test_volunteers_minutes_are_logged_and_bad_ones_refused(cast, activity, english_login):
    session = SessionFactory(activity=activity)
    volunteer = f.PersonFactory(network=cast.network, tax_code="VRDGPP70A01D150X")
    client = english_login(cast.community_worker)
    response = client.post(url("volunteers", cast, session.pk), {"person": "VRDGPP70A01D150X", "minutes": "0"})
    assert response.status_code == 400 and "At least one minute." in response.content.decode()
    response = client.post(
        url("volunteers", cast, session.pk), {"person": "VRDGPP70A01D150X", "minutes": "120", "role": "Merenda"}
    )
    assert response.status_code == 302
    assert VolunteerShift.objects.get(person=volunteer).minutes == 120


# --- figures, never names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("group", "shown"), [(4, False), (5, True)])
def test_evaluators_see_figures_never_names_and_small_ones_hidden(cast, english_login, group, shown):
    activity = make_activity(network=cast.network, organizer=cast.organization, capacity=10, title="Sport insieme")
    rows = [EnrollmentFactory(activity=activity) for _ in range(group)]
    client = english_login(cast.evaluator)
    for page in (url("activities", cast), url("activity_detail", cast, activity.pk)):
        body = client.get(page).content.decode()
        assert rows[0].person.last_name not in body
        assert (f"{group} / 10" in body or f'<dd class="col-sm-8">{group}</dd>' in body) is shown or page.endswith("/")
    detail = client.get(url("activity_detail", cast, activity.pk)).content.decode()
    assert ("hidden (few people)" in detail) is not shown
    assert client.get(url("enrollments", cast, activity.pk)).status_code == 403
    coordinator = english_login(cast.coordinator).get(url("activity_detail", cast, activity.pk)).content.decode()
    assert "hidden (few people)" not in coordinator
