"""Pages of shared spaces and bookings, through the client."""

import datetime

import pytest
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.tests.factories import OrganizationFactory
from legami.exchange.models import Booking, BookingStatus, Space
from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


@pytest.fixture
def space(cast):
    return SpaceFactory(
        network=cast.network,
        manager_organization=cast.organization,
        place__municipality=cast.municipalities[0],
        name="Sala grande",
        rules="Lasciare la sala in ordine",
    )


def url(name, cast, *args):
    return reverse(f"exchange:{name}", args=[cast.network.slug, *args])


def test_the_list_filters_by_comune(cast, space, login):
    crema_place = SpaceFactory(network=cast.network, name="Cortile di Crema")
    crema_place.place.municipality = cast.municipalities[1]
    crema_place.place.save()
    client = login(cast.citizen)
    page = client.get(url("spaces", cast)).content.decode()
    assert "Sala grande" in page and "Cortile di Crema" in page
    page = client.get(url("spaces", cast), {"municipality": cast.municipalities[1].pk}).content.decode()
    assert "Sala grande" not in page and "Cortile di Crema" in page


def test_a_bad_filter_is_ignored(cast, space, login):
    response = login(cast.citizen).get(url("spaces", cast), {"municipality": "x"})
    assert response.status_code == 200


def test_the_space_page_shows_its_week_with_only_taken_for_who_may_not_see_details(cast, space, login):
    day = next_weekday(1)
    BookingFactory(space=space, starts_at=at(day, 16), title="Festa privata di Anna", booked_by=cast.coordinator)
    BookingFactory(
        space=space, starts_at=at(day, 19), title="Cineforum aperto", is_public_event=True, booked_by=cast.coordinator
    )
    week = {"week": day.isoformat()}
    evaluator_page = login(cast.evaluator).get(url("space_detail", cast, space.pk), week).content.decode()
    assert "Festa privata di Anna" not in evaluator_page and "taken" in evaluator_page
    assert "Cineforum aperto" in evaluator_page
    assert "Lasciare la sala in ordine" in evaluator_page
    coordinator_page = login(cast.coordinator).get(url("space_detail", cast, space.pk), week).content.decode()
    assert "Festa privata di Anna" in coordinator_page


def test_week_and_month_navigate_by_links_and_bad_dates_fall_back_to_today(cast, space, login):
    client = login(cast.citizen)
    page = client.get(url("space_detail", cast, space.pk), {"week": "2030-03-06"}).content.decode()
    assert "?week=2030-02-25" in page and "?week=2030-03-11" in page
    assert client.get(url("space_detail", cast, space.pk), {"week": "not-a-day"}).status_code == 200
    page = client.get(url("space_month", cast, space.pk), {"month": "2030-03-15"}).content.decode()
    assert "?month=2030-02-01" in page and "?month=2030-04-01" in page
    assert client.get(url("space_month", cast, space.pk), {"month": "31/02/2030"}).status_code == 200


def test_the_month_lists_the_days_with_bookings(cast, space, login):
    day = next_weekday(2, weeks=2)
    BookingFactory(space=space, starts_at=at(day, 10), booked_by=cast.citizen, title="Compleanno")
    page = login(cast.citizen).get(url("space_month", cast, space.pk), {"month": day.isoformat()}).content.decode()
    assert "Compleanno" in page and "10:00" in page


def test_a_family_books_a_room_and_an_overlapping_booking_is_refused(cast, space, login):
    day = next_weekday(1)
    client = login(cast.citizen)
    form = {"date": day.isoformat(), "start": "16:00", "end": "18:00", "title": "Compleanno", "people": 15}
    response = client.post(url("booking_create", cast, space.pk), form)
    booking = Booking.objects.get()
    assert response.status_code == 302 and response.url == url("booking_detail", cast, booking.pk)
    assert booking.status == BookingStatus.REQUESTED
    response = login(cast.partner_staff).post(url("booking_create", cast, space.pk), form | {"start": "17:00"})
    assert response.status_code == 400
    assert "The space is already booked from 16:00 to 18:00 on" in response.content.decode()
    assert Booking.objects.count() == 1


def test_a_weekly_booking_through_the_form(cast, space, login):
    day = next_weekday(3)
    form = {
        "date": day.isoformat(),
        "start": "10:00",
        "end": "12:00",
        "title": "Corso di cucito",
        "people": 8,
        "until": (day + datetime.timedelta(weeks=2)).isoformat(),
        "exceptions": (day + datetime.timedelta(weeks=1)).strftime("%d/%m/%Y"),
    }
    response = login(cast.citizen).post(url("booking_create", cast, space.pk), form)
    assert response.status_code == 302
    assert Booking.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "15:00"}, "The booking must end after it starts"),
        ({"people": 500}, "The space holds at most 30 people."),
        ({"title": ""}, "This field is required."),
        ({"date": "2020-01-01"}, "This moment has passed"),
        ({"until": "2020-01-01"}, "The last day comes before the first."),
        ({"until": "2099-01-01"}, "A weekly booking lasts at most a year."),
        ({"until": "2099-01-01", "exceptions": "tomorrow"}, "is not a date"),
    ],
)
def test_bad_booking_input_shows_the_error_and_books_nothing(cast, space, login, changes, message):
    form = {"date": next_weekday(1).isoformat(), "start": "16:00", "end": "18:00", "title": "Festa", "people": 5}
    response = login(cast.citizen).post(url("booking_create", cast, space.pk), form | changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_the_manager_confirms_from_the_booking_page(cast, space, login):
    booking = BookingFactory(space=space, status=BookingStatus.REQUESTED, booked_by=cast.citizen)
    client = login(cast.partner_staff)
    page = client.get(url("booking_detail", cast, booking.pk)).content.decode()
    assert "Confirm" in page and "Refuse" in page
    response = client.post(url("booking_move", cast, booking.pk, "confirm"), {"note": "ok"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_refused_move_shows_the_reason(cast, space, login):
    booking = BookingFactory(space=space, status=BookingStatus.CANCELLED, booked_by=cast.citizen)
    response = login(cast.coordinator).post(url("booking_move", cast, booking.pk, "confirm"), {})
    assert response.status_code == 400
    assert "A booking cannot go from" in response.content.decode()


def test_an_unknown_move_is_404(cast, space, login):
    booking = BookingFactory(space=space, booked_by=cast.citizen)
    assert login(cast.coordinator).post(url("booking_move", cast, booking.pk, "explode")).status_code == 404


def test_a_citizen_cannot_confirm_their_own_request(cast, space, login):
    booking = BookingFactory(space=space, status=BookingStatus.REQUESTED, booked_by=cast.citizen)
    client = login(cast.citizen)
    page = client.get(url("booking_detail", cast, booking.pk)).content.decode()
    assert "Cancel the booking" in page and ">Confirm<" not in page
    assert client.post(url("booking_move", cast, booking.pk, "confirm")).status_code == 403


def test_another_persons_booking_is_404_for_a_citizen_and_visible_to_operators(cast, space, login):
    booking = BookingFactory(space=space, booked_by=cast.coordinator, contact_phone="+39 333 1234567")
    assert login(cast.citizen).get(url("booking_detail", cast, booking.pk)).status_code == 404
    assert login(cast.evaluator).get(url("booking_detail", cast, booking.pk)).status_code == 404
    page = login(cast.case_manager).get(url("booking_detail", cast, booking.pk)).content.decode()
    assert "+39 333 1234567" in page


def test_my_bookings_and_the_queue(cast, space, login):
    mine = BookingFactory(space=space, status=BookingStatus.REQUESTED, booked_by=cast.citizen, title="Mia festa")
    other_space = SpaceFactory(network=cast.network)
    BookingFactory(space=other_space, status=BookingStatus.REQUESTED, title="Altrove")
    assert "Mia festa" in login(cast.citizen).get(url("my_bookings", cast)).content.decode()
    partner_queue = login(cast.partner_staff).get(url("booking_queue", cast)).content.decode()
    assert mine.title in partner_queue and "Altrove" not in partner_queue
    coordinator_queue = login(cast.coordinator).get(url("booking_queue", cast)).content.decode()
    assert mine.title in coordinator_queue and "Altrove" in coordinator_queue


def test_usage_shows_hours_not_who(cast, space, login):
    day = next_weekday(1)
    BookingFactory(space=space, starts_at=at(day, 16), booked_by=cast.citizen, title="Segreto")
    page = login(cast.funder).get(url("space_usage", cast), {"year": day.year}).content.decode()
    assert "2.0" in page or "2,0" in page
    assert "Segreto" not in page and "Citizen" not in page
    assert login(cast.funder).get(url("space_usage", cast), {"year": "abc"}).status_code == 200


def test_a_manager_adds_and_edits_a_space(cast, login):
    from legami.core.tests import factories as f

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    form = {
        "name": "Sala piccola",
        "place": place.pk,
        "capacity": 12,
        "opening_hours": "lun-ven 9-18; sab 9-12",
        "manager_organization": cast.organization.pk,
        "approval_required": "on",
        "is_active": "on",
    }
    client = login(cast.partner_staff)
    response = client.post(url("space_create", cast), form)
    space = Space.objects.get()
    assert response.status_code == 302 and space.opening_hours[0] == {"day": 0, "start": "09:00", "end": "18:00"}
    page = client.get(url("space_update", cast, space.pk)).content.decode()
    assert "mon–fri 9–18; sat 9–12" in page
    response = client.post(url("space_update", cast, space.pk), form | {"opening_hours": "lun-ven 9-18; sab 9-12"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opening_hours": "quando capita"}, "Write the opening hours like"),
        ({"name": ""}, "This field is required."),
        ({"capacity": 0}, "Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_space_input_is_refused(cast, login, changes, message):
    from legami.core.tests import factories as f

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    form = {"name": "Sala", "place": place.pk, "capacity": 12, "manager_organization": cast.organization.pk}
    response = login(cast.coordinator).post(url("space_create", cast), form | changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Space.objects.exists()


def test_partner_staff_may_not_add_a_space_for_another_organisation(cast, login):
    from legami.core.tests import factories as f

    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    other = f.OrganizationFactory(network=cast.network)
    form = {"name": "Sala", "place": place.pk, "capacity": 12, "manager_organization": other.pk}
    response = login(cast.partner_staff).post(url("space_create", cast), form)
    assert response.status_code == 400 and "only your own organisation" in response.content.decode()
    space = SpaceFactory(network=cast.network, manager_organization=other)
    assert login(cast.partner_staff).get(url("space_update", cast, space.pk)).status_code == 403


def test_the_feed_of_a_public_space_is_open_and_shows_only_what_anyone_may_see(cast, client):
    space = SpaceFactory(network=cast.network, is_public=True)
    day = next_weekday(1)
    BookingFactory(space=space, starts_at=at(day, 16), title="Festa privata", contact_phone="+39 333 0000000")
    BookingFactory(space=space, starts_at=at(day, 19), title="Cineforum", is_public_event=True)
    BookingFactory(space=space, starts_at=at(day, 10), status=BookingStatus.REQUESTED, title="In attesa")
    response = client.get(url("space_feed", cast, space.pk))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 2
    assert "Cineforum" in body and "SUMMARY:taken" in body
    assert "Festa privata" not in body and "333" not in body and "In attesa" not in body


def test_the_feed_of_a_private_space_needs_its_key(cast, client, space):
    assert client.get(url("space_feed", cast, space.pk)).status_code == 404
    assert client.get(url("space_feed", cast, space.pk), {"token": "wrong"}).status_code == 404
    assert client.get(url("space_feed", cast, space.pk), {"token": "città"}).status_code == 404
    assert client.get(url("space_feed", cast, space.pk), {"token": space.feed_token}).status_code == 200
    other_network_space = SpaceFactory(network=cast.other_network, is_public=True)
    assert client.get(url("space_feed", cast, other_network_space.pk)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "page"), [("citizen", "spaces"), ("citizen", "my_bookings"), ("partner_staff", "booking_queue")]
)
def test_the_lists_run_a_constant_number_of_queries(cast, login, django_assert_max_num_queries, persona, page):
    def add():
        space = SpaceFactory(network=cast.network, manager_organization=cast.organization)
        BookingFactory(space=space, booked_by=cast.citizen, status=BookingStatus.REQUESTED)

    add()
    client = login(getattr(cast, persona))
    with django_assert_max_num_queries(20) as few:
        assert client.get(url(page, cast)).status_code == 200
    for _ in range(5):
        add()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(page, cast)).status_code == 200


def test_the_week_runs_a_constant_number_of_queries(cast, space, login, django_assert_max_num_queries):
    day = next_weekday(1)
    client = login(cast.coordinator)
    with django_assert_max_num_queries(20) as few:
        client.get(url("space_detail", cast, space.pk), {"week": day.isoformat()})
    for hour in (9, 11, 13, 18, 20):
        BookingFactory(space=space, starts_at=at(day, hour), booked_by=cast.citizen)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("space_detail", cast, space.pk), {"week": day.isoformat()}).content.decode()
    assert page.count("Riunione") == 5


def test_the_feed_key_is_shown_to_managers_only(cast, space, login):
    assert space.feed_token in login(cast.partner_staff).get(url("space_detail", cast, space.pk)).content.decode()
    for persona in ("citizen", "evaluator", "case_manager"):
        page = login(getattr(cast, persona)).get(url("space_detail", cast, space.pk)).content.decode()
        assert space.feed_token not in page, persona


def test_a_manager_renews_the_feed_key_and_the_old_address_stops_working(cast, space, login, client):
    old = space.feed_token
    staff = login(cast.partner_staff)
    response = staff.post(url("space_renew_feed", cast, space.pk), follow=True)
    assert response.redirect_chain == [(url("space_detail", cast, space.pk), 302)]
    space.refresh_from_db()
    assert space.feed_token != old and len(space.feed_token) >= 20
    page = response.content.decode()
    assert space.feed_token in page and old not in page and "The calendar has a new address" in page
    assert client.get(url("space_feed", cast, space.pk), {"token": old}).status_code == 404
    assert client.get(url("space_feed", cast, space.pk), {"token": space.feed_token}).status_code == 200
    assert AuditEvent.objects.filter(object_id=str(space.pk), note="feed key renewed").count() == 1


def test_only_the_spaces_managers_renew_its_feed_key(cast, space, login):
    old = space.feed_token
    other = SpaceFactory(network=cast.network, manager_organization=OrganizationFactory(network=cast.network))
    other_old = other.feed_token
    assert login(cast.citizen).post(url("space_renew_feed", cast, space.pk)).status_code == 403
    assert login(cast.evaluator).post(url("space_renew_feed", cast, space.pk)).status_code == 403
    # partner staff manage their own organisation's spaces only
    assert login(cast.partner_staff).post(url("space_renew_feed", cast, other.pk)).status_code == 403
    space.refresh_from_db()
    other.refresh_from_db()
    assert (space.feed_token, other.feed_token) == (old, other_old)


def test_the_public_page_of_a_public_space_shows_only_what_anyone_may_see(cast, client, login):
    space = SpaceFactory(network=cast.network, is_public=True)
    day = next_weekday(1)
    BookingFactory(space=space, starts_at=at(day, 16), title="Festa privata", booked_by=cast.citizen)
    BookingFactory(space=space, starts_at=at(day, 19), title="Cineforum", is_public_event=True)
    for viewer in (None, cast.coordinator, cast.citizen):
        page = login(viewer).get(url("space_public", cast, space.pk), {"week": day.isoformat()}).content.decode()
        assert "Cineforum" in page and "taken" in page and "Festa privata" not in page
    private = SpaceFactory(network=cast.network)
    assert client.get(url("space_public", cast, private.pk)).status_code == 404
