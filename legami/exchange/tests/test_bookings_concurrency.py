"""Two people booking the same slot at the same moment: exactly one gets it, on PostgreSQL (the exclusion
constraint) and on SQLite (the write lock taken before the check).

Each case slows the conflict check down (where a race would slip in without the database's guarantee), starts
the requests in threads at once, and checks that one booking was written and the other request was refused with
the clear message.
"""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from legami.core.tests.concurrency import run_together
from legami.exchange.models import Booking, BookingSeries
from legami.exchange.services import bookings as services
from legami.exchange.tests.factories_spaces import SpaceFactory, next_weekday

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_check(monkeypatch):
    """The check takes a while: without the database's guarantee, both requests would pass it before either wrote."""
    real = services._conflicts

    def slow(space, occurrences):
        found = real(space, occurrences)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(services, "_conflicts", slow)


def request(actor, space, day, start, end):
    data = {"date": day, "start": start, "end": end, "title": "Festa", "people": 10}

    def book():
        # A thread starts in the default language: the messages asserted below are the English msgids.
        with translation.override("en"):
            return services.request_booking(actor=actor, space=space, data=data)

    return book


def test_two_requests_for_the_same_slot_at_once_give_one_booking(cast, slow_check):
    space = SpaceFactory(network=cast.network)
    day = next_weekday(2)
    results = run_together(
        request(cast.citizen, space, day, "16:00", "18:00"),
        request(cast.partner_staff, space, day, "17:00", "19:00"),
    )
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert refused[0].error_dict["start"][0].code == "slot_taken"
    assert "The space is already booked from" in refused[0].messages[0]
    assert Booking.objects.filter(space=space).count() == 1


def test_many_requests_at_once_for_overlapping_slots_never_overlap(cast, slow_check):
    space = SpaceFactory(network=cast.network, approval_required=False)
    day = next_weekday(3)
    slots = [("15:00", "17:00"), ("16:00", "18:00"), ("16:30", "17:30"), ("17:00", "19:00")]
    results = run_together(*(request(cast.citizen, space, day, s, e) for s, e in slots))
    assert not [r for r in results if not isinstance(r, Booking | ValidationError)], results
    rows = list(Booking.objects.filter(space=space).order_by("starts_at"))
    assert rows, results
    for first, second in zip(rows, rows[1:], strict=False):
        assert first.ends_at <= second.starts_at
    assert len(rows) == sum(isinstance(r, Booking) for r in results)


def test_a_weekly_series_racing_a_single_booking_is_all_or_nothing(cast, slow_check):
    space = SpaceFactory(network=cast.network)
    day = next_weekday(4)
    weekly = {
        "date": day,
        "start": "10:00",
        "end": "12:00",
        "title": "Corso",
        "people": 8,
        "until": day + datetime.timedelta(weeks=3),
    }
    third = day + datetime.timedelta(weeks=2)
    results = run_together(
        lambda: services.request_weekly_booking(actor=cast.partner_staff, space=space, data=weekly),
        request(cast.citizen, space, third, "11:00", "12:00"),
    )
    series_won = not isinstance(results[0], Exception)
    if series_won:
        assert isinstance(results[1], ValidationError), results
        assert Booking.objects.filter(space=space).count() == 4
    else:
        assert isinstance(results[0], ValidationError) and isinstance(results[1], Booking), results
        assert Booking.objects.filter(space=space).count() == 1 and not BookingSeries.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the retry is SQLite's")
def test_on_sqlite_a_transaction_that_met_the_lock_is_tried_again_only_when_the_service_owns_it(monkeypatch):
    from django.db import OperationalError, transaction

    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    calls = []

    def attempt():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return "booked"

    assert services._serialised(attempt) == "booked" and len(calls) == 2
    calls.clear()
    with pytest.raises(OperationalError), transaction.atomic():
        services._serialised(attempt)  # inside the caller's transaction: its reads may be stale, no retry
    assert len(calls) == 1
