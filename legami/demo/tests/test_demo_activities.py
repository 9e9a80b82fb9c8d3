"""The demo's Civic Center programme: activities in Cremona and Crema, published, some in the demo's shared spaces,
with enrolments (one full, with a waiting list), roll calls of the sessions held and a volunteer's hours; a second
run writes nothing."""

import pytest
from django.utils import timezone

from legami.activities.models import Activity, Attendance, Enrollment, Session, VolunteerShift
from legami.activities.selectors.bookings import unbooked_sessions
from legami.demo.generator import load_demo
from legami.demo.generator.activities import FULL_TITLE
from legami.demo.tests.test_demo_generator import province, wipe_demo  # noqa: F401 — the fixture
from legami.network.models import Network

pytestmark = pytest.mark.django_db


def test_the_civic_center_programme(province):  # noqa: F811
    load_demo(small=True)
    network = Network.objects.get(slug="welfare-cremona")
    activities = Activity.objects.filter(network=network)
    assert {a.place.municipality.name for a in activities} == {"Cremona", "Crema"}
    assert set(activities.values_list("status", flat=True)) == {"published"}
    full = activities.get(title=FULL_TITLE)
    assert full.enrollments.filter(status="enrolled").count() == full.capacity
    assert full.enrollments.filter(status="waitlisted").exists()
    assert Attendance.objects.filter(session__activity__network=network).exists()
    assert VolunteerShift.objects.filter(network=network).exists()
    # Some activities of both Comuni are held in the demo spaces: their sessions to come book them, but for the
    # theatre's Thursday taken by the choir, which its page lists.
    spaced = activities.filter(space__isnull=False).select_related("space__place__municipality")
    assert {a.space.place.municipality.name for a in spaced} == {"Cremona", "Crema"}
    coming = Session.objects.filter(activity__in=spaced, status="scheduled", starts_at__gt=timezone.now())
    assert coming.filter(booking__status="confirmed").exists()
    theatre = activities.get(title="Teatro ragazzi")
    assert [row.reason for row in unbooked_sessions(theatre.created_by, theatre)] == ["slot_taken"]
    assert coming.filter(booking__isnull=True).count() == 1
    before = (Activity.objects.count(), Enrollment.objects.count(), Attendance.objects.count())
    load_demo(small=True)
    assert (Activity.objects.count(), Enrollment.objects.count(), Attendance.objects.count()) == before
    wipe_demo()
    assert not Activity.objects.exists()
