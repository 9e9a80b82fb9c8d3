"""factory_boy factories for meetings (and the published process they belong to)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.participation.models import (
    Meeting,
    Phase,
    Process,
    ProcessKind,
    ProcessStatus,
    Registration,
    RegistrationStatus,
)


class ProcessFactory(DjangoModelFactory):
    class Meta:
        model = Process

    network = factory.SubFactory(f.NetworkFactory)
    title = factory.Sequence(lambda n: f"Laboratorio di comunità {n}")
    kind = ProcessKind.COMMUNITY_LAB
    summary = "Un percorso per leggere insieme i bisogni del quartiere"
    status = ProcessStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    name = "Ascolto"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
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
