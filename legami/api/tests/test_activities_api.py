"""The activities API, checked against the schema: reading (drafts for who sees activities), recording and moving
(MANAGE_ACTIVITIES), enrolments (names for VIEW_ENROLLMENTS), enrolling and withdrawing, the roll call."""

import datetime
import typing

import pytest

from legami.activities import models
from legami.activities.models import Activity, Attendance, Enrollment, EnrollmentStatus
from legami.activities.tests.factories import EnrollmentFactory, SessionFactory, make_activity, today
from legami.api.tests.helpers import network_url
from legami.api.v1 import activities as api
from legami.core.tests import factories as f

E = EnrollmentStatus


def url(cast, *parts):
    return network_url(cast.network, *parts)


@pytest.fixture
def activity(cast):
    return make_activity(network=cast.network, organizer=cast.organization, capacity=1, title="Doposcuola")


def test_literals_match_the_models():
    assert list(typing.get_args(api.Kind)) == models.ActivityKind.values
    assert list(typing.get_args(api.ActivityStatus)) == models.ActivityStatus.values
    assert list(typing.get_args(api.SessionStatus)) == models.SessionStatus.values
    assert list(typing.get_args(api.EnrollmentStatus)) == models.EnrollmentStatus.values


def test_members_read_the_public_activities_and_who_sees_activities_the_drafts(cast, activity, api_as):
    make_activity(network=cast.network, organizer=cast.organization, title="Bozza", status="draft")
    titles = lambda user: {item["title"] for item in api_as(user).get(url(cast, "activities")).json()["items"]}  # noqa: E731
    assert titles(cast.citizen) == {"Doposcuola"}
    assert titles(cast.evaluator) == {"Doposcuola", "Bozza"}
    body = api_as(cast.citizen).get(url(cast, "activities", activity.pk)).json()
    assert body["places_left"] == 1 and body["weekdays"] == [0, 2]
    assert api_as(cast.outsider).get(url(cast, "activities")).status_code == 404


def test_an_activity_is_recorded_published_and_bad_input_refused(cast, api_as):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    start = today() + datetime.timedelta(days=1)
    data = {
        "title": "Sportello digitale",
        "kind": "digital_help",
        "organizer": cast.organization.pk,
        "place": place.pk,
        "capacity": 5,
        "weekdays": [4],
        "start_time": "10:00",
        "end_time": "12:00",
        "first_day": start.isoformat(),
        "last_day": (start + datetime.timedelta(days=20)).isoformat(),
    }
    client = api_as(cast.coordinator)
    assert client.post(url(cast, "activities"), data | {"end_time": "09:00"}).status_code == 422
    assert client.post(url(cast, "activities"), data | {"weekdays": [9]}).status_code == 422
    assert client.post(url(cast, "activities"), data | {"place": 999999}).status_code == 422
    assert client.post(url(cast, "activities"), data | {"status": "published"}).status_code == 422
    assert api_as(cast.evaluator).post(url(cast, "activities"), data).status_code == 403
    response = client.post(url(cast, "activities"), data)
    assert response.status_code == 201 and response.json()["status"] == "draft"
    pk = response.json()["id"]
    assert client.post(url(cast, "activities", pk, "close"), {}).status_code == 409
    assert client.post(url(cast, "activities", pk, "publish"), {}).json()["status"] == "published"
    assert client.post(url(cast, "activities", pk, "cancel"), {}).status_code == 422
    assert client.post(url(cast, "activities", pk, "cancel"), {"note": "Pioggia"}).json()["status"] == "cancelled"
    assert client.patch(url(cast, "activities", pk), {"title": "Nuovo"}).status_code == 409
    sessions = client.get(url(cast, "activities", pk, "sessions")).json()
    assert sessions["count"] == Activity.objects.get(pk=pk).sessions.count() > 0


def test_enrolment_waiting_list_and_withdrawal(cast, activity, api_as):
    client = api_as(cast.case_manager)
    first, second = f.PersonFactory(network=cast.network), f.PersonFactory(network=cast.network)
    body = client.post(url(cast, "activities", activity.pk, "enrollments"), {"person": first.pk, "consent": True})
    assert body.status_code == 201 and body.json()["status"] == "enrolled"
    body = client.post(url(cast, "activities", activity.pk, "enrollments"), {"person": second.pk, "consent": True})
    assert body.json()["status"] == "waitlisted" and body.json()["waiting_position"] == 1
    refused = client.post(url(cast, "activities", activity.pk, "enrollments"), {"person": second.pk, "consent": True})
    assert refused.status_code == 422
    assert client.post(url(cast, "activities", activity.pk, "enrollments"), {"person": first.pk}).status_code == 422
    listed = client.get(url(cast, "activities", activity.pk, "enrollments")).json()
    assert [row["status"] for row in listed] == ["enrolled", "waitlisted"]
    assert api_as(cast.evaluator).get(url(cast, "activities", activity.pk, "enrollments")).status_code == 403
    first_row = Enrollment.objects.get(person=first)
    assert api_as(cast.citizen).post(url(cast, "enrollments", first_row.pk, "withdraw"), {}).status_code == 403
    assert client.post(url(cast, "enrollments", first_row.pk, "withdraw"), {}).json()["status"] == "withdrawn"
    assert Enrollment.objects.get(person=second).status == E.ENROLLED
    assert client.post(url(cast, "enrollments", first_row.pk, "withdraw"), {}).status_code == 409


def test_a_citizen_enrols_only_their_household(cast, activity, api_as):
    me = f.PersonFactory(network=cast.network, user=cast.citizen)
    stranger = f.PersonFactory(network=cast.network)
    client = api_as(cast.citizen)
    response = client.post(
        url(cast, "activities", activity.pk, "enrollments"), {"person": stranger.pk, "consent": True}
    )
    assert response.status_code == 422
    response = client.post(url(cast, "activities", activity.pk, "enrollments"), {"person": me.pk, "consent": True})
    assert response.status_code == 201


def test_the_roll_call(cast, activity, api_as):
    session = SessionFactory(activity=activity)
    row = EnrollmentFactory(activity=activity)
    client = api_as(cast.partner_staff)
    response = client.put(url(cast, "sessions", session.pk, "attendance"), {"present": [row.pk]})
    assert response.status_code == 200 and response.json()[0]["present"] is True
    assert Attendance.objects.get(session=session).present
    assert client.put(url(cast, "sessions", session.pk, "attendance"), {"present": [999999]}).status_code == 422
    assert api_as(cast.case_manager).put(url(cast, "sessions", session.pk, "attendance"), {}).status_code == 403


# --- the space of an activity ----------------------------------------------------------------------------------


def test_an_activity_in_a_space_books_it_and_lists_the_sessions_taken(cast, api_as):
    from legami.exchange.models import Booking
    from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    space = SpaceFactory(network=cast.network, place=place, name="Sala grande")
    start = today() + datetime.timedelta(days=7)
    start -= datetime.timedelta(days=start.weekday())  # a Monday
    BookingFactory(space=space, starts_at=at(start, 10), booked_by=cast.citizen, title="Riunione condominiale")
    data = {
        "title": "Sportello digitale",
        "kind": "digital_help",
        "organizer": cast.organization.pk,
        "place": place.pk,
        "space": space.pk,
        "capacity": 5,
        "weekdays": [0],
        "start_time": "10:00",
        "end_time": "12:00",
        "first_day": start.isoformat(),
        "last_day": (start + datetime.timedelta(days=14)).isoformat(),
    }
    client = api_as(cast.coordinator)
    created = client.post(url(cast, "activities"), data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["space"] == {"id": space.pk, "name": "Sala grande"}
    [unbooked] = body["unbooked_sessions"]
    assert (unbooked["reason"], unbooked["taken_by"]) == ("slot_taken", "Riunione condominiale")
    assert Booking.objects.filter(space=space, title="Sportello digitale").count() == 2
    pk = body["id"]
    sessions = client.get(url(cast, "activities", pk, "sessions")).json()["items"]
    assert [s["space_booking"] for s in sessions] == ["not_booked", "confirmed", "confirmed"]
    # Partner staff, who may not read the meeting's booking, read only that the time is taken.
    seen = api_as(cast.partner_staff).get(url(cast, "activities", pk)).json()["unbooked_sessions"]
    assert [(row["reason"], row["taken_by"]) for row in seen] == [("slot_taken", "")]
    # Without a space any more: the bookings are cancelled.
    changed = client.patch(url(cast, "activities", pk), {"space": None})
    assert changed.status_code == 200 and changed.json()["space"] is None
    assert changed.json()["unbooked_sessions"] == []
    assert not Booking.objects.filter(space=space, title="Sportello digitale", status="confirmed").exists()
    without = client.get(url(cast, "activities", pk, "sessions")).json()["items"]
    assert {s["space_booking"] for s in without} == {None}


@pytest.mark.parametrize("which", ["unknown", "another network's", "another place's"])
def test_a_bad_space_is_a_422_on_its_field(cast, api_as, which):
    from legami.exchange.tests.factories_spaces import SpaceFactory

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    space = {
        "unknown": lambda: 999999,
        "another network's": lambda: SpaceFactory(network=cast.other_network).pk,
        "another place's": lambda: SpaceFactory(network=cast.network).pk,
    }[which]()
    start = today() + datetime.timedelta(days=1)
    data = {
        "title": "Sportello digitale",
        "kind": "digital_help",
        "organizer": cast.organization.pk,
        "place": place.pk,
        "space": space,
        "capacity": 5,
        "weekdays": [4],
        "start_time": "10:00",
        "end_time": "12:00",
        "first_day": start.isoformat(),
        "last_day": (start + datetime.timedelta(days=20)).isoformat(),
    }
    response = api_as(cast.coordinator).post(url(cast, "activities"), data)
    assert response.status_code == 422
    [item] = response.json()["detail"]
    assert item["loc"][-1] == "space"
    assert item["type"] == ("other_place" if which == "another place's" else "invalid_choice")
    assert not Activity.objects.exists()
