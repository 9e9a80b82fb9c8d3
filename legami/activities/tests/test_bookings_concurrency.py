"""An activity's sessions and a family booking the same hour of the same space at the same moment, on PostgreSQL:
exactly one gets the hour. When the family wins, the activity is saved all the same, with that session left without
the space and reported; when the activity wins, the family is refused with the clear message. Never a deadlock: the
activity holds the space before its first audit event (see legami/activities/services/bookings.py).

Each case slows the conflict checks down (where a race would slip in without the space's lock and the exclusion
constraint) and starts both writes in threads at once, in either order.
"""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from legami.activities.models import Activity, Session
from legami.activities.selectors.bookings import unbooked_sessions
from legami.activities.services import activities as services
from legami.core.tests import factories as f
from legami.core.tests.concurrency import run_together
from legami.exchange.models import Booking, BookingStatus
from legami.exchange.services import bookings as booking_services
from legami.exchange.tests.factories_spaces import SpaceFactory, at

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
HOLDING = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


@pytest.fixture
def slow_check(monkeypatch):
    """The exchange's conflict check takes a while: without the space's lock both writers would pass it first."""
    real = booking_services._conflicts

    def slow(space, occurrences):
        found = real(space, occurrences)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(booking_services, "_conflicts", slow)


def next_monday() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=7)
    return day - datetime.timedelta(days=day.weekday())


@pytest.mark.parametrize("first", ["activity", "family"])
def test_an_activitys_sessions_and_a_familys_booking_of_the_same_hour_one_wins(cast, slow_check, first):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    space = SpaceFactory(network=cast.network, place=place, approval_required=False)
    monday = next_monday()
    activity_data = {
        "title": "Doposcuola",
        "kind": "after_school",
        "organizer": cast.organization.pk,
        "place": place.pk,
        "space": space.pk,
        "capacity": 10,
        "weekdays": [0],
        "start_time": "16:30",
        "end_time": "18:00",
        "first_day": monday.isoformat(),
        "last_day": (monday + datetime.timedelta(days=14)).isoformat(),
    }
    family_data = {"date": monday + datetime.timedelta(days=7), "start": "17:00", "end": "19:00", "title": "Festa"}

    def activity():
        return services.create_activity(actor=cast.partner_staff, network=cast.network, data=activity_data)

    def family():
        return booking_services.request_booking(actor=cast.citizen, space=space, data=family_data | {"people": 8})

    jobs = (activity, family) if first == "activity" else (family, activity)
    names = (first, "family" if first == "activity" else "activity")
    results = dict(zip(names, run_together(*jobs, stagger=0.05, language="en"), strict=True))
    assert isinstance(results["activity"], Activity), results  # the activity is always saved
    contested = (at(family_data["date"], 17), at(family_data["date"], 19))
    holding = Booking.objects.filter(
        space=space, status__in=HOLDING, starts_at__lt=contested[1], ends_at__gt=contested[0]
    )
    assert holding.count() == 1, results  # exactly one has the hour
    sessions = Session.objects.filter(activity=results["activity"]).order_by("starts_at")
    assert sessions.count() == 3
    if isinstance(results["family"], Booking):
        # The family won: the second Monday has no booking, and the activity's page says why.
        assert holding.get().booked_by == cast.citizen
        assert [s.booking_id is None for s in sessions] == [False, True, False]
        report = unbooked_sessions(cast.coordinator, results["activity"])
        assert [(r.session.pk, r.reason, r.label) for r in report] == [(sessions[1].pk, "slot_taken", "Festa")]
    else:
        # The activity won: the family is refused with the time taken.
        refused = results["family"]
        assert isinstance(refused, ValidationError), results
        assert refused.error_dict["start"][0].code == "slot_taken"
        assert "The space is already booked from 16:30 to 18:00" in refused.messages[0]
        assert holding.get().booked_by == cast.partner_staff
        assert all(s.booking_id is not None for s in sessions)
    # No partial or twin booking: one per session booked, plus the family's when it won.
    booked = sum(s.booking_id is not None for s in sessions)
    family_won = isinstance(results["family"], Booking)
    assert Booking.objects.filter(space=space, status__in=HOLDING).count() == booked + family_won
