"""Enrolments at the same moment, on PostgreSQL: the activity row's lock makes them take turns.

Each case slows the count of free places down (where a race would slip in without the lock) and starts the
writes in threads at once: the last place goes to one person only, and a withdrawal racing an enrolment never
leaves a free place while someone waits.
"""

import time

import pytest
from django.db import connection

from legami.activities.models import Enrollment, EnrollmentStatus
from legami.activities.services import enrollments as services
from legami.activities.tests.factories import make_activity
from legami.core.tests import factories as f
from legami.core.tests.concurrency import run_together

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
E = EnrollmentStatus


@pytest.fixture
def slow_count(monkeypatch):
    counted = services.free_places

    def slow(activity):
        found = counted(activity)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(services, "free_places", slow)


def enrol(actor, activity, person):
    return lambda: services.enroll(actor=actor, activity=activity, data={"person": person.pk, "consent": True})


def test_four_people_for_the_last_place_at_once_one_gets_it(cast, slow_count):
    activity = make_activity(network=cast.network, organizer=cast.organization, capacity=1)
    people = [f.PersonFactory(network=cast.network) for _ in range(4)]
    results = run_together(*(enrol(cast.coordinator, activity, person) for person in people))
    assert not any(isinstance(r, Exception) for r in results), results
    statuses = sorted(Enrollment.objects.filter(activity=activity).values_list("status", flat=True))
    assert statuses == [E.ENROLLED, E.WAITLISTED, E.WAITLISTED, E.WAITLISTED]
    positions = sorted(
        Enrollment.objects.filter(activity=activity, status=E.WAITLISTED).values_list("position", flat=True)
    )
    assert positions == [1, 2, 3]


def test_a_withdrawal_racing_an_enrolment_leaves_no_free_place_while_someone_waits(cast, slow_count):
    activity = make_activity(network=cast.network, organizer=cast.organization, capacity=1)
    holder = services.enroll(
        actor=cast.coordinator,
        activity=activity,
        data={"person": f.PersonFactory(network=cast.network).pk, "consent": True},
    )
    newcomer = f.PersonFactory(network=cast.network)
    for stagger in (0.0, 0.1):
        Enrollment.objects.filter(activity=activity).exclude(pk=holder.pk).delete()
        Enrollment.objects.filter(pk=holder.pk).update(status=E.ENROLLED, position=None)
        results = run_together(
            lambda: services.withdraw(actor=cast.coordinator, enrollment=Enrollment.objects.get(pk=holder.pk)),
            enrol(cast.coordinator, activity, newcomer),
            stagger=stagger,
        )
        assert not any(isinstance(r, Exception) for r in results), results
        rows = dict(Enrollment.objects.filter(activity=activity).values_list("person_id", "status"))
        assert rows[newcomer.pk] == E.ENROLLED
        assert rows[holder.person_id] == E.WITHDRAWN


def test_two_withdrawals_at_once_promote_two_people_in_order(cast, slow_count):
    activity = make_activity(network=cast.network, organizer=cast.organization, capacity=2)
    rows = [
        services.enroll(
            actor=cast.coordinator,
            activity=activity,
            data={"person": f.PersonFactory(network=cast.network).pk, "consent": True},
        )
        for _ in range(5)
    ]
    results = run_together(
        lambda: services.withdraw(actor=cast.coordinator, enrollment=rows[0]),
        lambda: services.withdraw(actor=cast.coordinator, enrollment=rows[1]),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    statuses = [Enrollment.objects.get(pk=row.pk).status for row in rows]
    assert statuses == [E.WITHDRAWN, E.WITHDRAWN, E.ENROLLED, E.ENROLLED, E.WAITLISTED]
