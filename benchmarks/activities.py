"""The Civic Center pages in the benchmark: province scale (issue 11's bar: 2,000 activities with a year of
sessions and about 1,000,000 attendance rows; the activity calendar and the roll-call page at p95 <= 300 ms with
8 concurrent clients and <= 15 queries, beside the bare view).

The activities, their sessions (made from each weekly schedule by `schedule_days`, as `sync_sessions` would),
the enrolments (people of the seeded registry) and the attendance of every session already held are written with
`bulk_create`, because this is load, not demo content. One activity has a session today with 25 people
enrolled: the roll call measured.

`populate_activities` is called by `benchmarks.seed.populate` (before its ANALYZE) when `--activities` is not 0;
`endpoints` gives the pages `benchmarks.suite` measures, `TARGETS` the issue's limits printed beside them.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field
from typing import Any

SEED = 20261203
TARGETS = {"p95_ms": 300.0, "queries": 15}
KINDS = ("after_school", "cultural", "aggregative", "sport", "mutual_help", "digital_help")
TITLES = ("Doposcuola", "Teatro", "Pomeriggi insieme", "Calcetto", "Gruppo caregiver", "Sportello digitale")
ROLL_CALL_SIZE = 25


@dataclass
class SeededActivities:
    activities: int
    sessions: int
    enrollments: int
    attendance: int
    roll_call_session: Any
    sample_municipality: Any
    timings: dict[str, float] = field(default_factory=dict)


def populate_activities(
    *, network, coordinator, municipalities, activities: int = 2_000, enrolled: int = 10
) -> SeededActivities:
    """`activities` published public activities over the province, a year of sessions each (about six months
    past, six to come), `enrolled` people each, and the attendance of every session held."""
    from django.db import transaction
    from django.utils import timezone

    from legami.activities.models import Activity, Attendance, Enrollment, Session, SessionStatus
    from legami.activities.services.activities import rome_datetime, schedule_days
    from legami.network.models import Organization, Person
    from legami.territory.models import Place

    rng = random.Random(SEED)
    timings: dict[str, float] = {}
    today = timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        organizations = Organization.objects.bulk_create(
            Organization(network=network, name=f"Associazione del Civic Center {n}", kind="association")
            for n in range(40)
        )
        weights = [3 if m.name in ("Cremona", "Crema") else 1 for m in municipalities]
        places = Place.objects.bulk_create(
            Place(
                network=network,
                name=f"Centro civico {n}",
                kind="community_house",
                municipality=rng.choices(municipalities, weights)[0],
                address=f"Via del Centro {n}",
            )
            for n in range(max(50, activities // 10))
        )
        rows = []
        for n in range(activities):
            low = rng.choice((None, 3, 6, 11, 14, 18, 65))
            start = datetime.time(rng.choice((9, 10, 15, 16, 17, 20)), rng.choice((0, 30)))
            rows.append(
                Activity(
                    network=network,
                    title=f"{TITLES[n % len(TITLES)]} {n}",
                    description="Un'attività del Civic Center aperta a tutti.",
                    kind=KINDS[n % len(KINDS)],
                    organizer=rng.choice(organizations),
                    place=rng.choice(places),
                    min_age=low,
                    max_age=None if low is None or low >= 18 else low + 4,
                    capacity=ROLL_CALL_SIZE if n == 0 else enrolled + 5,
                    status="published",
                    is_public=True,
                    weekdays=sorted(rng.sample(range(7), 2)),
                    start_time=start,
                    end_time=(datetime.datetime.combine(today, start) + datetime.timedelta(minutes=90)).time(),
                    first_day=today - datetime.timedelta(days=182),
                    last_day=today + datetime.timedelta(days=182),
                    created_by=coordinator,
                    published_at=timezone.now(),
                )
            )
        seeded = Activity.objects.bulk_create(rows, batch_size=1000)
    timings["activities"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    now = timezone.now()
    sessions: list[Any] = []
    for activity in seeded:
        for day in schedule_days(activity):
            starts = rome_datetime(day, activity.start_time)
            held = starts < now
            sessions.append(
                Session(
                    network=network,
                    activity=activity,
                    slot=day,
                    starts_at=starts,
                    ends_at=rome_datetime(day, activity.end_time),
                    status=SessionStatus.HELD if held else SessionStatus.SCHEDULED,
                    weekday=day.weekday(),
                )
            )
    first = seeded[0]
    roll_call = Session(
        network=network,
        activity=first,
        starts_at=rome_datetime(today, datetime.time(0, 5)),
        ends_at=rome_datetime(today, datetime.time(23, 55)),
        weekday=today.weekday(),
    )
    sessions.append(roll_call)
    with transaction.atomic():
        Session.objects.bulk_create(sessions, batch_size=5000)
    timings["sessions"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    people = list(Person.objects.filter(network=network).values_list("pk", flat=True))
    enrollments = []
    for activity in seeded:
        size = ROLL_CALL_SIZE if activity.pk == first.pk else enrolled
        for person in rng.sample(people, size):
            enrollments.append(
                Enrollment(network=network, activity=activity, person_id=person, status="enrolled", consent_at=now)
            )
    with transaction.atomic():
        Enrollment.objects.bulk_create(enrollments, batch_size=5000)
    timings["enrollments"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    by_activity: dict[int, list[int]] = {}
    for enrollment in enrollments:
        by_activity.setdefault(enrollment.activity_id, []).append(enrollment.pk)
    attendance = 0
    batch: list[Any] = []
    with transaction.atomic():
        for session in sessions:
            if session.status != SessionStatus.HELD:
                continue
            for enrollment in by_activity.get(session.activity_id, ()):
                batch.append(
                    Attendance(
                        network_id=network.pk,
                        session_id=session.pk,
                        enrollment_id=enrollment,
                        present=rng.random() < 0.8,
                    )
                )
            if len(batch) >= 20_000:
                Attendance.objects.bulk_create(batch, batch_size=10_000)
                attendance += len(batch)
                batch = []
        Attendance.objects.bulk_create(batch, batch_size=10_000)
        attendance += len(batch)
    timings["attendance"] = round(time.perf_counter() - started, 1)
    capital = next((m for m in municipalities if m.name == "Cremona"), municipalities[0])
    return SeededActivities(
        activities=len(seeded),
        sessions=len(sessions),
        enrollments=len(enrollments),
        attendance=attendance,
        roll_call_session=roll_call,
        sample_municipality=capital,
        timings=timings,
    )


def endpoints(slug: str, seeded: SeededActivities, *, coordinator, coordinator_cookie: str):
    """The pages measured: the public calendar (page 1, then Comune + age + kind, then a day of the week deep in
    the list), its iCalendar feed filtered, and the roll call of today's session as the coordinator."""
    from benchmarks.load import Endpoint

    calendar = f"/{slug}/activities/"
    comune = seeded.sample_municipality.pk
    return [
        Endpoint("activity_calendar", "activity calendar, page 1 (public)", calendar),
        Endpoint(
            "activity_calendar_filtered",
            "activity calendar, Comune + age 8 + after-school",
            f"{calendar}?comune={comune}&age=8&kind=after_school",
        ),
        Endpoint("activity_calendar_day", "activity calendar, Tuesdays, page 50", f"{calendar}?day=1&page=50"),
        Endpoint(
            "activity_feed", "activity calendar feed (iCalendar, Comune)", f"{calendar}calendar.ics?comune={comune}"
        ),
        Endpoint(
            "roll_call",
            f"roll call, {ROLL_CALL_SIZE} people (coordinator)",
            f"/{slug}/activities/sessions/{seeded.roll_call_session.pk}/roll-call/",
            coordinator_cookie,
            coordinator,
        ),
    ]


KEYS = ("activity_calendar", "activity_calendar_filtered", "activity_calendar_day", "activity_feed", "roll_call")


def verdict(row: dict) -> dict:
    """The row against the issue's targets: p95 (over HTTP at the run's concurrency) and queries per request."""
    p95, queries = row.get("p95_ms"), row.get("queries_per_request")
    return {
        "p95_ms": TARGETS["p95_ms"],
        "queries": TARGETS["queries"],
        "p95_met": p95 is not None and p95 <= TARGETS["p95_ms"],
        "queries_met": queries is not None and queries <= TARGETS["queries"],
    }
