"""factory_boy factories of activities: a published activity in Cremona, twice a week for two months."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Enrollment,
    EnrollmentStatus,
    Session,
    VolunteerShift,
)
from legami.activities.services.activities import rome_datetime, sync_sessions
from legami.core.tests import factories as f


def today() -> datetime.date:
    return timezone.localdate()


class ActivityFactory(DjangoModelFactory):
    """A draft activity (no sessions: `make_activity` schedules them)."""

    class Meta:
        model = Activity

    network = factory.SubFactory(f.NetworkFactory)
    title = factory.Sequence(lambda n: f"Doposcuola {n}")
    description = "Compiti insieme, merenda e giochi."
    kind = ActivityKind.AFTER_SCHOOL
    organizer = factory.SubFactory(f.OrganizationFactory, network=factory.SelfAttribute("..network"))
    place = factory.SubFactory(f.PlaceFactory, network=factory.SelfAttribute("..network"))
    capacity = 2
    status = ActivityStatus.DRAFT
    weekdays = [0, 2]
    start_time = datetime.time(16, 30)
    end_time = datetime.time(18, 0)
    first_day = factory.LazyFunction(lambda: today() - datetime.timedelta(days=7))
    last_day = factory.LazyFunction(lambda: today() + datetime.timedelta(days=60))


def make_activity(**kwargs) -> Activity:
    """A published activity with its sessions made from its schedule."""
    kwargs.setdefault("status", ActivityStatus.PUBLISHED)
    activity = ActivityFactory(**kwargs)
    sync_sessions(activity)
    return activity


class SessionFactory(DjangoModelFactory):
    """A session added by hand, today at 16:30 (the roll call can be taken)."""

    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    network = factory.SelfAttribute("activity.network")
    starts_at = factory.LazyFunction(lambda: rome_datetime(today(), datetime.time(16, 30)))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1, minutes=30))


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    activity = factory.SubFactory(ActivityFactory)
    network = factory.SelfAttribute("activity.network")
    person = factory.SubFactory(f.PersonFactory, network=factory.SelfAttribute("..network"))
    status = EnrollmentStatus.ENROLLED


class VolunteerShiftFactory(DjangoModelFactory):
    class Meta:
        model = VolunteerShift

    session = factory.SubFactory(SessionFactory)
    network = factory.SelfAttribute("session.network")
    person = factory.SubFactory(f.PersonFactory, network=factory.SelfAttribute("..network"))
    minutes = 90
    role = "Aiuto compiti"
