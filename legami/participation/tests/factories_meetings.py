"""factory_boy factories for meetings (and the published process they belong to)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.participation.models import (
    Meeting,
    Registration,
    RegistrationStatus,
)
from legami.participation.tests import factories
from legami.participation.tests.factories import PublishedProcessFactory

ProcessFactory = PublishedProcessFactory


class PhaseFactory(factories.PhaseFactory):
    """The listening phase, running today and for two more months."""

    name = "Ascolto"
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


def in_days(days: float, hour: int = 18) -> datetime.datetime:
    """An aware moment `days` from today at `hour` o'clock in Rome."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=timezone.get_current_timezone())


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    process = factory.SubFactory(ProcessFactory)
    network = factory.SelfAttribute("process.network")
    title = factory.Sequence(lambda n: f"Incontro {n}")
    agenda = "1. Presentazioni\n2. Che cosa manca nel quartiere"
    starts_at = factory.LazyFunction(lambda: in_days(7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    online_url = "https://meet.example.org/incontro"
    capacity = None


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(f.UserFactory)
    status = RegistrationStatus.REGISTERED
