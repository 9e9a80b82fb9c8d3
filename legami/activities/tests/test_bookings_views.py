"""Pages of an activity in a shared space: the form's space field and its errors, the warning after a save, the
activity's page (the space with a link to its agenda, each session's booking, the sessions without the space and
what is in the way as each viewer may know it), the session's page, and the space's agenda showing the sessions."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from legami.activities.models import Activity, ActivityStatus, Session
from legami.activities.services import activities as services
from legami.activities.tests.factories import today
from legami.core.tests import factories as f
from legami.exchange.models import Booking, BookingStatus
from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory, at

pytestmark = pytest.mark.django_db


def url(name, cast, *args):
    return reverse(f"activities:{name}", args=[cast.network.slug, *args])


@pytest.fixture
def place(cast):
    return f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa del Po")


@pytest.fixture
def space(cast, place):
    return SpaceFactory(network=cast.network, place=place, name="Sala grande")


def next_tuesday(weeks=1):
    day = today() + datetime.timedelta(days=7 * weeks)
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


def form_data(cast, place, space, **overrides):
    first = next_tuesday() - datetime.timedelta(days=1)
    return {
        "title": "Scacchi in biblioteca",
        "kind": "cultural",
        "organizer": str(cast.organization.pk),
        "place": str(place.pk),
        "space": str(space.pk) if space else "",
        "capacity": "10",
        "is_public": "on",
        "weekdays": ["1", "3"],
        "start_time": "17:00",
        "end_time": "18:30",
        "first_day": first.isoformat(),
        "last_day": (first + datetime.timedelta(days=13)).isoformat(),
    } | overrides


@pytest.fixture
def activity(cast, place, space):
    """A published public activity in the space, on Tuesdays and Thursdays; the second Tuesday is a family's."""
    BookingFactory(space=space, starts_at=at(next_tuesday(2), 17), booked_by=cast.citizen, title="Compleanno di Luca")
    first = next_tuesday() - datetime.timedelta(days=1)
    activity = services.create_activity(
        actor=cast.coordinator,
        network=cast.network,
        data={
            "title": "Scacchi in biblioteca",
            "kind": "cultural",
            "organizer": cast.organization,
            "place": place,
            "space": space,
            "capacity": 10,
            "weekdays": [1, 3],
            "start_time": "17:00",
            "end_time": "18:30",
            "first_day": first,
            "last_day": first + datetime.timedelta(days=13),
        },
    )
    return services.publish_activity(actor=cast.coordinator, activity=activity)


def test_the_form_offers_the_networks_bookable_spaces(cast, place, space, english_login):
    SpaceFactory(network=cast.network, place=place, name="Sala chiusa", is_active=False)
    SpaceFactory(network=cast.other_network, name="Sala di un'altra rete")
    body = english_login(cast.coordinator).get(url("activity_create", cast)).content.decode()
    assert "Shared space" in body and "Sala grande — Casa del Po, Cremona" in body
    assert "Sala chiusa" not in body and "Sala di un&#x27;altra rete" not in body


def test_the_form_records_an_activity_in_a_space_and_warns_of_the_sessions_left_out(cast, place, space, english_login):
    BookingFactory(space=space, starts_at=at(next_tuesday(2), 17), booked_by=cast.citizen, title="Compleanno")
    client = english_login(cast.coordinator)
    response = client.post(url("activity_create", cast), form_data(cast, place, space))
    activity = Activity.objects.get(title="Scacchi in biblioteca")
    assert response.status_code == 302 and activity.space == space
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The activity has been recorded as a draft, with its sessions.",
        "1 session could not book “Sala grande”: it is listed on this page, with what is in the way.",
    ]
    assert Booking.objects.filter(space=space, title="Scacchi in biblioteca").count() == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("999999", "Choose a shared space of the network."),
        ("OTHER_NETWORK", "Choose a shared space of the network."),
        ("ELSEWHERE", "choose a space of the activity&#x27;s place, or change the place."),
    ],
)
def test_a_bad_space_comes_back_on_the_form(cast, place, english_login, value, message):
    values = {
        "OTHER_NETWORK": lambda: str(SpaceFactory(network=cast.other_network).pk),
        "ELSEWHERE": lambda: str(SpaceFactory(network=cast.network).pk),
    }
    chosen = values[value]() if value in values else value
    response = english_login(cast.coordinator).post(
        url("activity_create", cast), form_data(cast, place, None) | {"space": chosen}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Activity.objects.exists() and not Booking.objects.exists()


def test_the_edit_form_keeps_a_space_that_no_longer_takes_bookings(cast, activity, space, english_login):
    space.is_active = False
    space.save()
    client = english_login(cast.coordinator)
    body = client.get(url("activity_update", cast, activity.pk)).content.decode()
    assert f'<option value="{space.pk}" selected>' in body


def test_the_activity_page_shows_the_space_the_bookings_and_the_sessions_left_out(cast, activity, english_login):
    body = english_login(cast.coordinator).get(url("activity_detail", cast, activity.pk)).content.decode()
    agenda = reverse("exchange:space_detail", args=[cast.network.slug, activity.space.pk])
    assert f'href="{agenda}?week=' in body and "Sala grande (its agenda)" in body
    assert body.count("Booking: Confirmed") == 3  # the coordinator manages every space: confirmed at once
    assert "Space not booked" in body
    assert "Sessions without the space" in body
    assert "the space is already booked at this time (“Compleanno di Luca”)" in body


def test_who_may_not_see_the_familys_booking_reads_only_that_the_time_is_taken(cast, activity, english_login):
    for persona in ("evaluator", "partner_staff"):
        body = english_login(getattr(cast, persona)).get(url("activity_detail", cast, activity.pk)).content.decode()
        assert "Sessions without the space" in body and "the space is already booked at this time" in body
        assert "Compleanno di Luca" not in body


def test_the_public_sees_the_space_but_not_the_bookings(cast, activity, login, space):
    body = login(None).get(url("activity_detail", cast, activity.pk)).content.decode()
    assert "Sala grande" in body and "Booking: " not in body and "Sessions without the space" not in body
    assert "/spaces/" not in body  # a space that is not public: no agenda to link to
    space.is_public = True
    space.save()
    body = login(None).get(url("activity_detail", cast, activity.pk)).content.decode()
    assert reverse("exchange:space_public", args=[cast.network.slug, space.pk]) in body
    citizen = login(cast.citizen).get(url("activity_detail", cast, activity.pk)).content.decode()
    assert reverse("exchange:space_detail", args=[cast.network.slug, space.pk]) in citizen
    assert "Compleanno di Luca" not in citizen and "Booking: " not in citizen


def test_the_session_page_shows_its_booking_or_why_it_has_none(cast, activity, english_login):
    sessions = list(Session.objects.filter(activity=activity).select_related("booking").order_by("starts_at"))
    client = english_login(cast.coordinator)
    body = client.get(url("session", cast, sessions[0].pk)).content.decode()
    assert "Space: Sala grande" in body and "booking: Confirmed" in body
    taken = next(s for s in sessions if s.booking is None)
    body = client.get(url("session", cast, taken.pk)).content.decode()
    assert "Not booked" in body and "(“Compleanno di Luca”)" in body


def test_moving_a_session_to_a_taken_time_comes_back_with_the_reason(cast, activity, english_login):
    session = Session.objects.filter(activity=activity, booking__isnull=False).order_by("starts_at").first()
    day = next_tuesday(2)
    response = english_login(cast.coordinator).post(
        url("session", cast, session.pk),
        {"action": "move", "day": day.isoformat(), "start_time": "17:30", "end_time": "18:30", "note": ""},
    )
    assert response.status_code == 400
    assert "The space is already booked from 17:00 to 19:00" in response.content.decode()
    assert Session.objects.get(pk=session.pk).starts_at == session.starts_at


def test_the_spaces_agenda_shows_the_sessions_with_the_title_for_who_may_see_it(cast, activity, space, english_login):
    week = next_tuesday().isoformat()
    agenda = reverse("exchange:space_detail", args=[cast.network.slug, space.pk]) + f"?week={week}"
    assert "Scacchi in biblioteca" in english_login(cast.coordinator).get(agenda).content.decode()
    body = english_login(cast.citizen).get(agenda).content.decode()
    assert "Scacchi in biblioteca" not in body and "taken" in body


def test_cancelling_the_activity_frees_the_space_on_its_agenda(cast, activity, space, english_login):
    client = english_login(cast.coordinator)
    response = client.post(url("activity_move", cast, activity.pk, "cancel"), {"note": "Sala inagibile"})
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.CANCELLED
    week = next_tuesday().isoformat()
    agenda = reverse("exchange:space_detail", args=[cast.network.slug, space.pk]) + f"?week={week}"
    assert "Scacchi in biblioteca" not in client.get(agenda).content.decode()
    statuses = set(Booking.objects.filter(space=space, title="Scacchi in biblioteca").values_list("status", flat=True))
    assert statuses == {BookingStatus.CANCELLED}
