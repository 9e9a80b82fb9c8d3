"""The demo's participation: two community labs (a Cremona neighbourhood and a small Comune) with their phases,
meetings with registrations and attendance, and about 300 proposals with supports, comments and answers.

Everything goes through the participation services, as the operators and the participants would; the crowd who
takes part is a set of citizen accounts (participante01@legami.demo …). A second run writes nothing.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from django.utils import timezone

from legami.core.roles import Role
from legami.demo.generator.accounts import ensure_account
from legami.demo.generator.participation_content import (
    ANSWERS,
    COMMENTS,
    IDEAS,
    OFFERS,
    PARTICIPANTS,
    REPLIES,
    WHEN,
    WHERE,
    WHY,
)
from legami.needs.models import NeedArea
from legami.participation.models import Process, ProcessKind
from legami.territory.models import Place

LAB_CITY = "Laboratorio di comunità del Cambonino"
LAB_VILLAGE = "Laboratorio di paese — Piadena Drizzona"
VILLAGE = "Piadena Drizzona"
VILLAGE_PLACE = "Sala civica di Piadena"


def participant_email(index: int) -> str:
    return f"participante{index + 1:02d}@legami.demo"


def ensure_participation(
    network, *, coordinator, worker, citizen, comuni, neighbourhoods, small: bool, created: Counter, seed: int
) -> None:
    """The two labs, once; the crowd of participants is smaller in the small demo."""
    if Process.objects.filter(network=network, title__in=[LAB_CITY, LAB_VILLAGE]).exists():
        return
    rng = random.Random(seed)
    crowd = _crowd(network, coordinator, count=8 if small else len(PARTICIPANTS), created=created)
    people = [citizen, *crowd]
    areas = {area.code: area for area in NeedArea.objects.filter(network=network)}
    city = _city_lab(network, worker, comuni, neighbourhoods, created=created)
    village = _village_lab(network, worker, comuni, created=created)
    for process, count, place in (
        (city, 20 if small else 200, "Casa di quartiere Cambonino"),
        (village, 10 if small else 100, VILLAGE_PLACE),
    ):
        _meetings(process, worker, people, place, rng, created=created)
        _proposals(process, people, areas, rng, count=count, created=created)
        _answers(process, coordinator, rng, created=created)
    _moderation(city, worker, people, created=created)


def _crowd(network, coordinator, *, count: int, created: Counter) -> list[Any]:
    return [
        ensure_account(
            inviter=coordinator,
            network=network,
            email=participant_email(index),
            full_name=f"{first} {last}",
            role=Role.CITIZEN,
            created=created,
        )
        for index, (first, last) in enumerate(PARTICIPANTS[:count])
    ]


def _phases(process, worker, phases: list[tuple[str, str, int, int, str]], current: int) -> None:
    """Phases as (name, description, first day, last day relative to today, what it opens: p s c)."""
    from legami.participation.services.processes import activate_phase, create_phase, publish_process

    today = timezone.localdate()
    made = []
    for position, (name, description, start, end, opens) in enumerate(phases):
        made.append(
            create_phase(
                actor=worker,
                process=process,
                data={
                    "name": name,
                    "description": description,
                    "starts_on": today + datetime.timedelta(days=start),
                    "ends_on": today + datetime.timedelta(days=end),
                    "position": position,
                    "proposals_open": "p" in opens,
                    "supports_open": "s" in opens,
                    "comments_open": "c" in opens,
                },
            )
        )
    publish_process(actor=worker, process=process, note="Il laboratorio parte.")
    activate_phase(actor=worker, process=process, phase=made[current])


def _city_lab(network, worker, comuni, neighbourhoods, *, created: Counter) -> Process:
    """The Cambonino lab in Cremona: started from an accepted demand when there is one of Cremona."""
    from legami.aggregation.models import AggregatedDemand, DemandStatus
    from legami.participation.services.processes import create_process_from_demand, update_process

    demand = (
        AggregatedDemand.objects.filter(
            network=network, status__in=[DemandStatus.ACCEPTED, DemandStatus.ANSWERED], municipality=comuni["Cremona"]
        )
        .order_by("-need_count", "id")
        .first()
    )
    data = {
        "title": LAB_CITY,
        "kind": ProcessKind.COMMUNITY_LAB,
        "life_context": "neighbourhood",
        "summary": "Il quartiere legge insieme i suoi bisogni e progetta le risposte con la casa di quartiere.",
        "description": (
            "Il laboratorio riunisce abitanti, famiglie, associazioni, parrocchia e servizi del Comune. "
            "Si parte dall'ascolto nelle case e nei cortili, si leggono insieme i bisogni emersi, poi si "
            "progettano le risposte. Chiunque abiti o lavori nel quartiere può proporre, sostenere e commentare; "
            "le proposte sostenute di più arrivano al tavolo di co-progettazione."
        ),
        "municipalities": [comuni["Cremona"]],
        "neighbourhood": neighbourhoods[("Cremona", "Cambonino")],
        "support_limit": 0,
    }
    if demand is not None:
        process = create_process_from_demand(actor=worker, demand=demand, kind=ProcessKind.COMMUNITY_LAB)
        process = update_process(actor=worker, process=process, data=data)
    else:
        from legami.participation.services.processes import create_process

        process = create_process(actor=worker, network=network, data=data)
    _phases(
        process,
        worker,
        [
            ("Ascolto", "Interviste nelle case, nei cortili e alla casa di quartiere.", -120, -61, ""),
            ("Lettura dei bisogni", "Incontri aperti per leggere insieme ciò che è emerso.", -60, -21, "c"),
            ("Progettazione", "Si raccolgono e si sostengono le proposte di risposta.", -20, 40, "psc"),
            ("Realizzazione", "Le risposte scelte partono, con chi si è reso disponibile.", 41, 200, ""),
            ("Valutazione", "Che cosa è cambiato nel quartiere, misurato insieme.", 201, 260, "c"),
        ],
        current=2,
    )
    created["participatory processes"] += 1
    return process


def _village_lab(network, worker, comuni, *, created: Counter) -> Process:
    """The lab of a small Comune of the Casalasco; it meets in the civic hall (a place of the demo's territory)."""
    from legami.participation.services.processes import create_process

    village = comuni[VILLAGE]
    process = create_process(
        actor=worker,
        network=network,
        data={
            "title": LAB_VILLAGE,
            "kind": ProcessKind.COMMUNITY_LAB,
            "life_context": "village",
            "summary": "Un paese di quattromila abitanti decide insieme come non lasciare sole le persone fragili.",
            "description": (
                "Il Comune, la cooperativa e le associazioni del paese invitano tutti a dire che cosa manca e a "
                "proporre. Ogni persona può sostenere al massimo cinque proposte: scegliete quelle che contano."
            ),
            "municipalities": [village],
            "support_limit": 5,
        },
    )
    _phases(
        process,
        worker,
        [
            ("Ascolto e proposte", "Serate in sala civica e proposte online.", -30, 30, "psc"),
            ("Progettazione", "Le proposte scelte diventano progetti con i partner.", 31, 90, "c"),
            ("Realizzazione", "", 91, 240, ""),
        ],
        current=0,
    )
    created["participatory processes"] += 1
    return process


def _meetings(process, worker, people, place_name, rng, *, created: Counter) -> None:
    """Three past meetings with their roll call and minutes, two to come (one full, with a waiting list)."""
    from legami.participation.services.meetings import (
        create_meeting,
        record_minutes,
        register,
        take_roll_call,
        update_meeting,
    )

    place = Place.objects.get(network=process.network, name=place_name)
    now = timezone.localtime(timezone.now())
    tomorrow = (now + datetime.timedelta(days=1)).replace(hour=20, minute=30, second=0, microsecond=0)
    if process.life_context == "village":
        past = [
            ("Serata in sala civica", 21, "Presentazione del laboratorio; che cosa manca in paese, a piccoli gruppi."),
            ("Le frazioni si raccontano", 14, "Le persone sole delle frazioni: chi le conosce, chi può aiutare."),
            ("Le prime proposte", 5, "Come scrivere una proposta; le prime idee raccolte."),
        ]
        upcoming = ((8, None, "Assemblea di paese"), (22, 6, "Visita al centro diurno"))
    else:
        past = [
            ("Serata di ascolto", 56, "Presentazione del laboratorio; che cosa manca nel quartiere, a piccoli gruppi."),
            ("Leggiamo i bisogni", 28, "I bisogni emersi dall'ascolto e dai questionari; le priorità."),
            ("Dalle idee alle proposte", 7, "Come scrivere una proposta; i primi gruppi di lavoro."),
        ]
        upcoming = ((10, None, "Assemblea del laboratorio"), (17, 6, "Visita agli spazi da riusare"))
    for index, (title, days_ago, agenda) in enumerate(past):
        meeting = create_meeting(
            actor=worker,
            process=process,
            data={
                "title": title,
                "agenda": agenda,
                "starts_at": tomorrow,
                "ends_at": tomorrow + datetime.timedelta(hours=2),
                "place": place,
                "capacity": 60,
            },
        )
        attendees = rng.sample(people, k=max(3, len(people) * (5 - index) // 8))
        registrations = [register(actor=person, meeting=meeting) for person in attendees]
        # The meeting happened: it is moved to its real day, then the roll call is taken.
        held = (now - datetime.timedelta(days=days_ago)).replace(hour=20, minute=30, second=0, microsecond=0)
        update_meeting(
            actor=worker,
            meeting=meeting,
            data={"starts_at": held, "ends_at": held + datetime.timedelta(hours=2)},
        )
        present = [r for r in registrations if rng.random() < 0.85]
        take_roll_call(actor=worker, meeting=meeting, present=present, guests=rng.randint(2, 9))
        record_minutes(
            actor=worker,
            meeting=meeting,
            data={
                "minutes": (
                    f"{agenda} Il gruppo ha lavorato in tre tavoli; ogni tavolo ha riportato le sue conclusioni "
                    "in plenaria. Il verbale non riporta nomi."
                ),
                "outcomes": "Raccolte le priorità del quartiere; fissato il prossimo incontro.",
            },
        )
        created["meetings"] += 1
    for days, capacity, title in upcoming:
        starts = (now + datetime.timedelta(days=days)).replace(hour=18, minute=0, second=0, microsecond=0)
        meeting = create_meeting(
            actor=worker,
            process=process,
            data={
                "title": title,
                "agenda": "Le proposte più sostenute; chi si rende disponibile; i prossimi passi.",
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=2),
                "place": place,
                "capacity": capacity,
            },
        )
        for person in rng.sample(people, k=min(len(people), 9)):
            register(actor=person, meeting=meeting)
        created["meetings"] += 1


def _proposal_text(rng, index: int) -> tuple[str, str, str]:
    area, title, what = IDEAS[index % len(IDEAS)]
    where, when = rng.choice(WHERE), rng.choice(WHEN)
    variant = index // len(IDEAS)
    title = title if variant == 0 else f"{title} {where}" if variant % 2 else f"{title} {when}"
    body = f"Propongo {what}, {where}, {when}. {rng.choice(WHY)} {rng.choice(OFFERS)}".strip()
    return area, title[:150], body


def _proposals(process, people, areas, rng, *, count: int, created: Counter) -> None:
    """Proposals by the participants, then supports (within the process's limit) and comments."""
    from legami.participation.services.comments import comment
    from legami.participation.services.proposals import create_proposal
    from legami.participation.services.supports import support

    proposals = []
    for index in range(count):
        area, title, body = _proposal_text(rng, index)
        author = people[index % len(people)]
        proposals.append(
            create_proposal(actor=author, process=process, data={"title": title, "body": body, "area": areas.get(area)})
        )
    created["proposals"] += len(proposals)
    # Some ideas catch on: supports follow a skewed popularity, as they do in real processes.
    weights = [1.0 / (1 + (i % 37)) for i in range(len(proposals))]
    limit = process.support_limit or 15
    for person in people:
        chosen = {id(p): p for p in rng.choices(proposals, weights=weights, k=limit * 2)}
        for proposal in list(chosen.values())[:limit]:
            if proposal.author_id != person.pk:
                support(actor=person, proposal=proposal)
                created["supports"] += 1
    for proposal in rng.sample(proposals, k=len(proposals) // 2):
        first = comment(actor=rng.choice(people), proposal=proposal, body=rng.choice(COMMENTS))
        created["comments"] += 1
        if rng.random() < 0.4:
            comment(actor=rng.choice(people), proposal=proposal, body=rng.choice(REPLIES), parent=first)
            created["comments"] += 1


def _answers(process, coordinator, rng, *, created: Counter) -> None:
    """The partnership answers the most supported proposals."""
    from legami.participation.services.proposals import answer_proposal

    top = list(process.proposals.order_by("-support_count", "id")[:12])
    for index, proposal in enumerate(top):
        status = "accepted" if index < 5 else "evaluating" if index < 9 else "rejected"
        answer_proposal(actor=coordinator, proposal=proposal, status=status, answer=rng.choice(ANSWERS[status]))
        created["answered proposals"] += 1


def _moderation(process, worker, people, *, created: Counter) -> None:
    """One proposal reported as advertising and hidden by the community worker; one report still open."""
    from legami.participation.services.comments import comment
    from legami.participation.services.moderation import report_comment, report_proposal
    from legami.participation.services.proposals import create_proposal, hide_proposal

    spam = create_proposal(
        actor=people[-1],
        process=process,
        data={
            "title": "Sconti sul mio negozio di telefonia",
            "body": "Venite tutti nel mio negozio: il primo mese di abbonamento è gratis.",
        },
    )
    report_proposal(actor=people[0], proposal=spam, data={"reason": "spam", "details": "È pubblicità."})
    hide_proposal(actor=worker, proposal=spam, reason="Pubblicità commerciale, non è una proposta per il quartiere.")
    target = process.proposals.filter(hidden_at__isnull=True).order_by("id").first()
    rude = comment(actor=people[1], proposal=target, body="Le solite idee inutili di chi non ha niente da fare.")
    report_comment(actor=people[2], comment=rude, data={"reason": "offensive", "details": ""})
    created["reports"] += 2
