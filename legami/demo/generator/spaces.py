"""The demo's shared spaces and bookings, through the services: rooms of the community houses of Cremona and Crema,
each with its manager (the cooperative's staff in Cremona, the community worker in Crema), a family's birthday
waiting for approval, a partner's weekly course, a choir's rehearsal, a confirmed public event (the Civic Center
activities book some of these spaces too: generator/activities.py)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.utils import timezone

from legami.exchange.models import Space
from legami.exchange.services.bookings import confirm_booking, request_booking, request_weekly_booking
from legami.exchange.services.spaces import create_space, update_space
from legami.network.models import Organization
from legami.territory.models import Place

# (Comune, place, space, capacity, opening hours, approval, step-free, public, managing organisation, rules, manager:
# "partner" the cooperative's staff, "worker" the community worker)
SPACES = (
    (
        "Cremona",
        "Casa di quartiere Cambonino",
        "Sala grande",
        40,
        "lun-ven 9-22; sab 9-18",
        True,
        True,
        True,
        "Cooperativa sociale Trama Solidale",
        "Lasciare la sala in ordine e chiudere le finestre. Niente musica dopo le 22.",
        "partner",
    ),
    (
        "Cremona",
        "Casa di quartiere Zaist",
        "Cucina condivisa",
        12,
        "lun-sab 10-20",
        False,
        True,
        False,
        "Cooperativa sociale Trama Solidale",
        "Portare i propri alimenti; lavare e riporre le stoviglie.",
        "partner",
    ),
    (
        "Crema",
        "Casa di quartiere Ombriano",
        "Sala riunioni",
        25,
        "lun-ven 9-21",
        True,
        False,
        True,
        "Cooperativa sociale Rete del Serio",
        "La chiave si ritira allo sportello della casa di quartiere.",
        "worker",
    ),
    (
        "Crema",
        "Oratorio di Santa Maria della Croce",
        "Cortile",
        80,
        "sab-dom 9-19",
        True,
        True,
        False,
        "Cooperativa sociale Rete del Serio",
        "Solo attività all'aperto; i bagni sono quelli dell'oratorio.",
        "worker",
    ),
)


def _weekday_from_today(weekday: int, weeks: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(weeks=weeks)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def ensure_spaces(network, *, coordinator, partner_staff, worker, citizen, created: Counter) -> None:
    """The demo spaces, matched on (place, name), each with its manager, and their bookings once."""
    places = {
        (p.municipality.name, p.name): p for p in Place.objects.filter(network=network).select_related("municipality")
    }
    organizations = {o.name: o for o in Organization.objects.filter(network=network)}
    managers = {"partner": partner_staff, "worker": worker}
    existing = {(s.place.name, s.name): s for s in Space.objects.filter(network=network).select_related("place")}
    made: dict[str, Any] = {}
    for comune, place, name, capacity, hours, approval, step_free, public, manager, rules, person in SPACES:
        if (place, name) in existing:
            space = existing[(place, name)]
            if space.manager_id is None and managers[person] is not None:
                # A demo made before spaces had a manager: name one now.
                update_space(actor=coordinator, space=space, data={"manager": managers[person]})
            continue
        if (comune, place) not in places or manager not in organizations:
            continue
        made[name] = create_space(
            actor=coordinator,
            network=network,
            data={
                "place": places[(comune, place)],
                "name": name,
                "capacity": capacity,
                "opening_hours": hours,
                "rules": rules,
                "manager_organization": organizations[manager],
                "manager": managers[person],
                "approval_required": approval,
                "step_free": step_free,
                "is_public": public,
            },
        )
        created["spaces"] += 1
    if "Sala grande" in made:
        sala = made["Sala grande"]
        request_booking(
            actor=citizen,
            space=sala,
            data={
                "date": _weekday_from_today(5, 1),
                "start": "15:00",
                "end": "18:00",
                "title": "Festa di compleanno di Giulia",
                "people": 25,
                "contact_name": "Famiglia Ferrari",
            },
        )
        weekly = request_weekly_booking(
            actor=partner_staff,
            space=sala,
            data={
                "date": _weekday_from_today(1, 1),
                "start": "17:00",
                "end": "19:00",
                "title": "Corso di italiano per donne",
                "people": 20,
                "until": _weekday_from_today(1, 9),
                "organization": organizations["Cooperativa sociale Trama Solidale"],
            },
        )
        # The choir's rehearsal, on a Thursday the theatre workshop of the activities would like too.
        request_booking(
            actor=citizen,
            space=sala,
            data={
                "date": _weekday_from_today(3, 2),
                "start": "18:00",
                "end": "19:30",
                "title": "Prove del coro di quartiere",
                "people": 20,
            },
        )
        created["bookings"] += 2 + len(weekly.bookings)
    if "Sala riunioni" in made:
        event = request_booking(
            actor=coordinator,
            space=made["Sala riunioni"],
            data={
                "date": _weekday_from_today(3, 2),
                "start": "20:30",
                "end": "21:00",
                "title": "Assemblea di quartiere aperta",
                "people": 25,
                "is_public_event": True,
            },
        )
        if event.status == "requested":
            confirm_booking(actor=coordinator, booking=event)
        created["bookings"] += 1
    if "Cortile" in made:
        request_booking(
            actor=citizen,
            space=made["Cortile"],
            data={
                "date": _weekday_from_today(6, 2),
                "start": "10:00",
                "end": "13:00",
                "title": "Torneo di calcetto tra famiglie",
                "people": 40,
            },
        )
        created["bookings"] += 1
