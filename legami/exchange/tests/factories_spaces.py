"""Factories of shared spaces and bookings (bookings are written directly: tests of the service use the service)."""

import datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.exchange.models import Booking, BookingStatus, Space

ROME = ZoneInfo("Europe/Rome")


class SpaceFactory(DjangoModelFactory):
    class Meta:
        model = Space

    network = factory.SubFactory(f.NetworkFactory)
    place = factory.SubFactory(f.PlaceFactory, network=factory.SelfAttribute("..network"))
    name = factory.Sequence(lambda n: f"Sala {n}")
    capacity = 30
    opening_hours = factory.LazyFunction(lambda: [{"day": d, "start": "09:00", "end": "22:00"} for d in range(7)])
    manager_organization = factory.SubFactory(f.OrganizationFactory, network=factory.SelfAttribute("..network"))
    approval_required = True


def next_weekday(weekday: int, *, weeks: int = 1) -> datetime.date:
    """A date on `weekday` (Monday = 0) at least a week from today."""
    today = timezone.localdate()
    day = today + datetime.timedelta(days=7 * weeks)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ROME)


class BookingFactory(DjangoModelFactory):
    class Meta:
        model = Booking

    space = factory.SubFactory(SpaceFactory)
    network = factory.LazyAttribute(lambda o: o.space.network)
    starts_at = factory.LazyFunction(lambda: at(next_weekday(1), 16))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    title = factory.Sequence(lambda n: f"Riunione {n}")
    people = 10
    status = BookingStatus.CONFIRMED
