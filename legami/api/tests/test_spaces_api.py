"""The shared spaces API: spaces and when they are taken, booking once and weekly, one's bookings, a booking's
details and its moves, checked against the schema."""

import datetime
import typing

import pytest

from legami.api.tests.helpers import BASE
from legami.api.v1 import spaces as spaces_api
from legami.exchange.models import Booking, BookingStatus
from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at, next_weekday

pytestmark = pytest.mark.django_db


def url(cast, *parts):
    return BASE + "/".join([cast.network.slug, *map(str, parts)]) + "/"


@pytest.fixture
def space(cast):
    return SpaceFactory(network=cast.network, manager_organization=cast.organization, name="Sala grande")


def body(day=None, **more):
    return {
        "date": (day or next_weekday(1)).isoformat(),
        "start": "16:00",
        "end": "18:00",
        "title": "Compleanno",
        "people": 12,
    } | more


def test_the_status_literal_matches_the_model():
    assert list(typing.get_args(spaces_api.BookingStatus)) == BookingStatus.values


def test_members_list_and_read_spaces(cast, api_as, space):
    client = api_as(cast.evaluator)
    items = client.get(url(cast, "spaces")).json()["items"]
    assert [item["name"] for item in items] == ["Sala grande"]
    assert client.get(url(cast, "spaces", space.pk)).json()["capacity"] == 30
    assert api_as(cast.privacy_officer).get(url(cast, "spaces")).status_code == 403
    assert api_as(cast.outsider).get(url(cast, "spaces", space.pk)).status_code == 404
    foreign = SpaceFactory(network=cast.other_network)
    assert api_as(cast.coordinator).get(url(cast, "spaces", foreign.pk)).status_code == 404


def test_slots_show_taken_to_who_may_not_read_the_booking(cast, api_as, space):
    day = next_weekday(1)
    booking = BookingFactory(space=space, starts_at=at(day, 16), title="Festa di Anna", booked_by=cast.citizen)
    params = {"start": day.isoformat(), "days": 1}
    seen = api_as(cast.funder).get(url(cast, "spaces", space.pk, "slots"), params).json()
    assert seen == [
        {
            "booking": None,
            "starts_at": at(day, 16).isoformat(),
            "ends_at": at(day, 18).isoformat(),
            "label": "taken",
            "requested": False,
        }
    ]
    own = api_as(cast.citizen).get(url(cast, "spaces", space.pk, "slots"), params).json()
    assert own[0]["booking"] == booking.pk and own[0]["label"] == "Festa di Anna"
    assert api_as(cast.citizen).get(url(cast, "spaces", space.pk, "slots"), {"days": 100}).status_code == 422


def test_a_family_books_and_an_overlapping_booking_is_refused(cast, api_as, space):
    created = api_as(cast.citizen).post(url(cast, "spaces", space.pk, "bookings"), body())
    assert created.status_code == 201 and created.json()["status"] == "requested"
    refused = api_as(cast.partner_staff).post(url(cast, "spaces", space.pk, "bookings"), body(start="17:00"))
    assert refused.status_code == 422
    item = refused.json()["detail"][0]
    assert item["type"] == "slot_taken" and item["loc"][-1] == "start"
    assert item["msg"].startswith("The space is already booked from 16:00 to 18:00 on ")
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": "25:00"}, "start"),
        ({"end": "15:00"}, "end"),
        ({"people": 100}, "people"),
        ({"title": ""}, "title"),
        ({"date": "2020-01-01"}, "date"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_booking_input_is_422(cast, api_as, space, changes, field):
    response = api_as(cast.citizen).post(url(cast, "spaces", space.pk, "bookings"), body(**changes))
    assert response.status_code == 422
    assert field in {item["loc"][-1] for item in response.json()["detail"]}
    assert not Booking.objects.exists()


def test_who_may_not_book_is_refused_before_the_body_is_read(cast, api_as, space):
    assert api_as(cast.evaluator).post(url(cast, "spaces", space.pk, "bookings"), {"x": 1}).status_code == 403
    assert api_as(cast.outsider).post(url(cast, "spaces", space.pk, "bookings"), {"x": 1}).status_code == 404


def test_an_inactive_space_answers_409_to_its_manager(cast, api_as):
    space = SpaceFactory(network=cast.network, is_active=False, manager_organization=cast.organization)
    response = api_as(cast.coordinator).post(url(cast, "spaces", space.pk, "bookings"), body())
    assert response.status_code == 409


def test_a_weekly_booking_and_its_conflicts(cast, api_as, space):
    day = next_weekday(2)
    taken = day + datetime.timedelta(weeks=1)
    BookingFactory(space=space, starts_at=at(taken, 16))
    weekly = body(day=day, until=(day + datetime.timedelta(weeks=2)).isoformat())
    refused = api_as(cast.citizen).post(url(cast, "spaces", space.pk, "weekly-bookings"), weekly)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "exceptions"
    made = api_as(cast.citizen).post(url(cast, "spaces", space.pk, "weekly-bookings"), weekly | {"skip_taken": True})
    assert made.status_code == 201
    assert len(made.json()["bookings"]) == 2 and made.json()["skipped"] == [taken.isoformat()]
    bad = api_as(cast.citizen).post(url(cast, "spaces", space.pk, "weekly-bookings"), weekly | {"exceptions": ["x"]})
    assert bad.status_code == 422


def test_my_bookings_and_a_bookings_details(cast, api_as, space):
    mine = BookingFactory(space=space, booked_by=cast.citizen, contact_phone="+39 333 1234567")
    BookingFactory(space=space, booked_by=cast.coordinator, starts_at=at(next_weekday(4), 10))
    items = api_as(cast.citizen).get(url(cast, "bookings")).json()["items"]
    assert [item["id"] for item in items] == [mine.pk]
    assert api_as(cast.citizen).get(url(cast, "bookings", mine.pk)).json()["contact_phone"] == "+39 333 1234567"
    assert api_as(cast.case_manager).get(url(cast, "bookings", mine.pk)).status_code == 200
    assert api_as(cast.evaluator).get(url(cast, "bookings", mine.pk)).status_code == 404
    assert api_as(cast.evaluator).get(url(cast, "bookings")).status_code == 403


def test_the_moves(cast, api_as, space):
    booking = BookingFactory(space=space, booked_by=cast.citizen, status=BookingStatus.REQUESTED)
    path = url(cast, "bookings", booking.pk, "confirm")
    assert api_as(cast.citizen).post(path, {}).status_code == 403
    confirmed = api_as(cast.partner_staff).post(path, {"note": "ok"})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert api_as(cast.partner_staff).post(path, {}).status_code == 409
    refused = api_as(cast.coordinator).post(url(cast, "bookings", booking.pk, "refuse"), {})
    assert refused.status_code == 409
    cancelled = api_as(cast.citizen).post(url(cast, "bookings", booking.pk, "cancel"), {})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (
        api_as(cast.citizen).post(url(cast, "bookings", booking.pk, "cancel"), {"note": "x" * 501}).status_code == 422
    )
