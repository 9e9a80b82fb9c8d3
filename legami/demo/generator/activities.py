"""The demo's Civic Center programme in Cremona and Crema: after-school, culture, sport, a mutual-help group and
a digital help desk in the network's places (some in the demo's shared spaces, whose sessions book them),
published, with children enrolled (one activity full, with a waiting list), the roll calls of the sessions already
held and a volunteer's hours. Everything goes through the services; a second run writes nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from legami.activities.models import Activity, EnrollmentStatus, SessionStatus
from legami.activities.services.activities import create_activity, publish_activity
from legami.activities.services.attendance import take_roll_call
from legami.activities.services.enrollments import enroll
from legami.activities.services.volunteers import log_shift
from legami.exchange.models import Space
from legami.network.models import Membership, Organization, Person
from legami.territory.models import Place

# (Comune, title, kind, ages, places, days, start, end, description)
PROGRAMME = (
    ("Cremona", "Doposcuola di comunità al Cambonino", "after_school", (6, 11), 12, [0, 2, 4], "16:30", "18:30",
     "Compiti insieme, merenda e giochi con educatori e volontari del quartiere."),
    ("Cremona", "Teatro ragazzi", "cultural", (10, 14), 15, [3], "17:00", "18:30",
     "Un laboratorio di teatro che a giugno va in scena nel cortile della casa di quartiere."),
    ("Cremona", "Sportello digitale: SPID, fascicolo sanitario e pagoPA", "digital_help", (None, None), 8, [1],
     "10:00", "12:00", "Volontari aiutano ad attivare SPID, usare il fascicolo sanitario e pagare online."),
    ("Crema", "Calcetto in oratorio", "sport", (8, 13), 6, [1, 3], "17:00", "18:00",
     "Allenamento e partitelle per ragazze e ragazzi, con un allenatore volontario."),
    ("Crema", "Gruppo di auto mutuo aiuto per caregiver", "mutual_help", (18, None), 10, [2], "20:30", "22:00",
     "Chi si prende cura di un familiare si incontra per parlarne, con una facilitatrice."),
    ("Crema", "Pomeriggi insieme", "aggregative", (65, None), 20, [4], "15:00", "17:30",
     "Tombola, caffè e due chiacchiere per chi vive solo."),
)  # fmt: skip
# The after-school is full on purpose: the last children wait for a place.
FULL_TITLE = "Doposcuola di comunità al Cambonino"
# The activities held in a demo shared space (place, space): their sessions book it. The theatre's Thursdays meet
# the choir's rehearsal booked before them, so its page lists a session without the space.
SPACE_OF = {
    FULL_TITLE: ("Casa di quartiere Cambonino", "Sala grande"),
    "Teatro ragazzi": ("Casa di quartiere Cambonino", "Sala grande"),
    "Sportello digitale: SPID, fascicolo sanitario e pagoPA": ("Casa di quartiere Cambonino", "Sala grande"),
    "Pomeriggi insieme": ("Casa di quartiere Ombriano", "Sala riunioni"),
}


def _place(network, comune: str, index: int) -> Place | None:
    places = list(Place.objects.filter(network=network, municipality__name=comune).order_by("pk"))
    return places[index % len(places)] if places else None


def _born_between(network, comuni: list[str], youngest: int, oldest: int) -> list[Person]:
    today = timezone.localdate()
    return list(
        Person.objects.filter(
            Q(municipality__name__in=comuni),
            network=network,
            birth_date__lte=today.replace(year=today.year - youngest),
            birth_date__gt=today.replace(year=today.year - oldest - 1),
        ).order_by("pk")[:40]
    )


def ensure_activities(network, *, coordinator, partner_staff, created: Counter) -> None:
    """The programme, once."""
    if Activity.objects.filter(network=network, title=FULL_TITLE).exists():
        return
    own = Membership.objects.filter(network=network, user=partner_staff, organization__isnull=False).first()
    partner_org = own.organization if own else None
    crema_org = (
        Organization.objects.filter(network=network, municipality__name="Crema").order_by("pk").first()
        or Organization.objects.filter(network=network).order_by("pk").first()
    )
    today = timezone.localdate()
    spaces = {
        (space.place.name, space.name): space
        for space in Space.objects.filter(network=network, is_active=True).select_related("place")
    }
    activities = []
    for index, (comune, title, kind, ages, places, days, start, end, description) in enumerate(PROGRAMME):
        space = spaces.get(SPACE_OF.get(title, ("", "")))
        place = space.place if space is not None else _place(network, comune, index)
        if place is None:
            continue
        # Cremona's are the partner cooperative's (its staff runs them); Crema's are another partner's.
        actor, organizer = (
            (partner_staff, partner_org) if comune == "Cremona" and partner_org else (coordinator, crema_org)
        )
        if title == FULL_TITLE:
            # A small demo has few children: fewer places, so that some still wait.
            children = len(_born_between(network, [comune], ages[0], ages[1]))
            places = max(2, min(places, children - 2))
        activity = create_activity(
            actor=actor,
            network=network,
            data={
                "title": title,
                "description": description,
                "kind": kind,
                "organizer": organizer,
                "place": place,
                "space": space,
                "min_age": ages[0],
                "max_age": ages[1],
                "capacity": places,
                "weekdays": days,
                "start_time": start,
                "end_time": end,
                "first_day": today - datetime.timedelta(days=21),
                "last_day": today + datetime.timedelta(days=200),
            },
        )
        publish_activity(actor=actor, activity=activity)
        created["activities"] += 1
        activities.append((activity, actor))
    for activity, actor in activities:
        _enrol(network, activity, actor, created)
        _roll_calls(activity, actor, created)


def _enrol(network, activity: Activity, actor: Any, created: Counter) -> None:
    youngest = activity.min_age if activity.min_age is not None else 18
    oldest = activity.max_age if activity.max_age is not None else 90
    comune = activity.place.municipality.name
    people = _born_between(network, [comune], youngest, oldest)
    wanted = activity.capacity + 3 if activity.title == FULL_TITLE else max(activity.capacity - 2, 1)
    for person in people[:wanted]:
        data = {"person": person, "consent": True}
        if youngest < 18:
            data |= {"guardian_name": f"Genitore di {person.first_name}", "guardian_phone": "0372 400 100"}
        try:
            enroll(actor=actor, activity=activity, data=data)
        except ValidationError:
            continue  # a child whose age the activity does not take on its first day
        created["enrolments"] += 1


def _roll_calls(activity: Activity, actor: Any, created: Counter) -> None:
    held = activity.sessions.filter(status=SessionStatus.SCHEDULED, starts_at__lt=timezone.now()).order_by("starts_at")
    enrolled = list(activity.enrollments.filter(status=EnrollmentStatus.ENROLLED).order_by("pk"))
    helpers = list(Person.objects.filter(network=activity.network, birth_date__year__lt=1975).order_by("pk")[:1])
    for number, session in enumerate(held):
        # Most come, one in four misses a session.
        present = [row.pk for i, row in enumerate(enrolled) if (i + number) % 4]
        take_roll_call(actor=actor, session=session, present=present)
        created["roll calls"] += 1
        if helpers and number < 3:
            minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
            log_shift(actor=actor, session=session, data={"person": helpers[0], "minutes": minutes, "role": "Aiuto"})
            created["volunteer shifts"] += 1
