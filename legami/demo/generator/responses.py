"""The demo's Art. 55 path, start to end: a co-programming round on childhood and loneliness with the partners'
contributions and its priorities; a co-design table with weighted criteria, two applications, the evaluator's and
the coordinator's scores, the ranking and the award; the Response it produced, under way, with milestones, its
co-production ledger and give-back places. Everything goes through the services; a second run writes nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.utils import timezone

from legami.network.models import Organization
from legami.participation.models import Process, ProposalStatus
from legami.responses.models import CoDesignCall

ROUND_TITLE = "Co-programmazione 2027: infanzia, famiglie e solitudine nel Cremonese"
CALL_TITLE = "Tavolo di co-progettazione: doposcuola di comunità al Cambonino"


def ensure_responses(
    network, *, coordinator, worker, partner_staff, evaluator, comuni, created: Counter, lab_title: str
) -> None:
    """The round, the table and the response, once."""
    if CoDesignCall.objects.filter(network=network, title=CALL_TITLE).exists():
        return
    orgs = {o.name: o for o in Organization.objects.filter(network=network)}
    lab = Process.objects.filter(network=network, title=lab_title).first()
    round_ = _coprogramming(network, coordinator, worker, partner_staff, orgs, lab, created=created)
    response = _codesign(network, coordinator, worker, partner_staff, evaluator, orgs, comuni, lab, round_, created)
    _follow(response, worker, partner_staff, orgs, lab, created=created)


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _coprogramming(network, coordinator, worker, partner_staff, orgs, lab, *, created: Counter):
    from legami.aggregation.models import AggregatedDemand, DemandStatus
    from legami.responses.services.coprogramming import add_contribution, close_round, open_round

    demands = list(
        AggregatedDemand.objects.filter(network=network, status__in=[DemandStatus.ACCEPTED, DemandStatus.ANSWERED])
    )
    round_ = open_round(
        actor=coordinator,
        network=network,
        data={
            "title": ROUND_TITLE,
            "public_body": orgs["Comune di Cremona"],
            "lead": orgs["Comune di Cremona"],
            "analysis": (
                "Dai bisogni raccolti nel 2026 e dai questionari nei quartieri emergono tre nodi: famiglie che "
                "lavorano fino a sera senza un aiuto per i figli nel pomeriggio, anziani soli nei quartieri "
                "popolari, caregiver senza momenti di sollievo. Le domande aggregate accolte dalla rete ne danno "
                "la misura; il laboratorio del Cambonino ha già raccolto proposte dei cittadini."
            ),
            "demands": demands,
            "process": lab,
            "opens_on": _day(-45),
            "closes_on": _day(15),
        },
    )
    contributions = [
        (
            partner_staff,
            None,
            "analysis",
            "Il pomeriggio dei ragazzi al Cambonino",
            "Nei nostri servizi educativi vediamo una trentina di ragazzi delle medie soli a casa dopo le 14.",
        ),
        (
            worker,
            orgs["Associazione Argento Vivo"],
            "data",
            "Anziani soli: i numeri delle telefonate",
            "Nel 2026 il servizio di telefonate ha seguito 84 anziani; un terzo vive in case senza ascensore.",
        ),
        (
            worker,
            orgs["Parrocchia della Beata Vergine del Cambonino"],
            "proposal",
            "L'oratorio aperto tre pomeriggi",
            "L'oratorio può aprire le sale il lunedì, il mercoledì e il venerdì dalle 14 alle 18.",
        ),
    ]
    for actor, organization, kind, title, body in contributions:
        data = {"kind": kind, "title": title, "body": body}
        if organization is not None:
            data["organization"] = organization
        add_contribution(actor=actor, coprogramming=round_, data=data)
        created["co-programming contributions"] += 1
    close_round(
        actor=coordinator,
        coprogramming=round_,
        priorities=(
            "Un doposcuola di comunità nei quartieri con più famiglie che lavorano\n"
            "Compagnia e piccoli aiuti agli anziani soli, con i vicini\n"
            "Sollievo per i caregiver familiari"
        ),
        for_lead=True,
        note="Priorità approvate al tavolo del 2 dicembre.",
    )
    created["co-programming rounds"] += 1
    return round_


def _codesign(network, coordinator, worker, partner_staff, evaluator, orgs, comuni, lab, round_, created):
    from legami.responses.services.awards import award_call
    from legami.responses.services.calls import (
        create_call,
        create_criterion,
        move_call,
        score_application,
        submit_application,
    )

    call = create_call(
        actor=coordinator,
        network=network,
        data={
            "title": CALL_TITLE,
            "purpose": (
                "Progettare con gli enti del Terzo settore un doposcuola di comunità per i ragazzi delle medie del "
                "Cambonino, aperto tre pomeriggi alla settimana, con volontari, famiglie e nonni del quartiere."
            ),
            "municipalities": [comuni["Cremona"]],
            "duration_months": 18,
            "budget": "60.000,00",
            "budget_notes": "Fondi del piano di zona; la fondazione partecipa con un contributo dedicato.",
            "requirements": "Esperienza in servizi educativi; una sede nel quartiere o la disponibilità di una.",
            "phases": "1. Candidature\n2. Tavolo di co-progettazione con i candidati\n3. Convenzione e avvio",
            "opens_on": _day(-30),
            "closes_on": _day(3),
            "coprogramming": round_,
            "process": lab,
        },
    )
    criteria = [
        ("Qualità della proposta educativa", 40),
        ("Radicamento nel quartiere e rete con i volontari", 35),
        ("Risorse messe a disposizione", 25),
    ]
    made = [
        create_criterion(actor=coordinator, call=call, data={"name": name, "weight": weight, "position": i})
        for i, (name, weight) in enumerate(criteria)
    ]
    move_call(actor=coordinator, call=call, transition="open")
    trama = submit_application(
        actor=partner_staff,
        call=call,
        data={
            "title": "Pomeriggi insieme al Cambonino",
            "proposal": (
                "Doposcuola il lunedì, mercoledì e venerdì dalle 14 alle 18 in oratorio: due educatori, volontari "
                "formati e i nonni del circolo per la merenda e i laboratori; un referente per le famiglie."
            ),
            "partners": [orgs["Parrocchia della Beata Vergine del Cambonino"], orgs["Associazione Argento Vivo"]],
            "staff_hours": 1200,
            "volunteers": 15,
            "spaces": "Sale dell'oratorio del Cambonino, tre pomeriggi alla settimana",
            "money": "4.500,00",
        },
    )
    serio = submit_application(
        actor=worker,
        call=call,
        data={
            "organization": orgs["Cooperativa sociale Rete del Serio"],
            "title": "Compiti e sport al Cambonino",
            "proposal": "Aiuto compiti due pomeriggi e sport il sabato mattina nella palestra della scuola.",
            "partners": [orgs["Istituto comprensivo Po e Navigli"]],
            "staff_hours": 800,
            "volunteers": 6,
            "spaces": "Palestra e due aule della scuola",
            "money": "2.000,00",
        },
    )
    created["co-design applications"] += 2
    move_call(actor=coordinator, call=call, transition="evaluate")
    marks = {
        trama.pk: {
            0: (9, "Proposta educativa chiara, con un referente per le famiglie."),
            1: (9, "Oratorio e circolo anziani già coinvolti."),
            2: (8, "Molte ore di personale e volontari formati."),
        },
        serio.pk: {
            0: (7, "Buona, ma due soli pomeriggi."),
            1: (6, "Poco radicata nel quartiere."),
            2: (6, "Risorse più contenute."),
        },
    }
    for judge in (evaluator, coordinator):
        for application in (trama, serio):
            scores = {
                criterion.pk: {"score": marks[application.pk][i][0], "reason": marks[application.pk][i][1]}
                for i, criterion in enumerate(made)
            }
            score_application(actor=judge, application=application, scores=scores)
    move_call(actor=coordinator, call=call, transition="rank")
    trama.refresh_from_db()
    response = award_call(actor=coordinator, call=call, applications=[trama], note="Aggiudicato al tavolo.")
    created["co-design tables"] += 1
    created["responses"] += 1
    return response


def _follow(response, worker, partner_staff, orgs, lab, *, created: Counter) -> None:
    from legami.responses.services.coproduction import record_entry
    from legami.responses.services.giveback import create_place
    from legami.responses.services.responses import (
        add_partner,
        create_budget_line,
        create_milestone,
        link_answers,
        mark_milestone_reached,
        response_move,
    )

    network = response.network
    response_move(actor=worker, response=response, transition="start", note="Il doposcuola apre all'oratorio.")
    add_partner(
        actor=worker,
        response=response,
        data={
            "organization": orgs["Fondazione Terre Padane per la Comunità"],
            "role": "funder",
            "brings": "Un contributo per la formazione dei volontari e il materiale didattico.",
        },
    )
    create_budget_line(
        actor=worker,
        response=response,
        data={
            "source": "foundation",
            "organization": orgs["Fondazione Terre Padane per la Comunità"],
            "description": "Formazione dei volontari e materiale didattico",
            "amount": "12.000,00",
        },
    )
    milestones = [
        ("Apertura del doposcuola", -40, -38, 2),
        ("Formazione dei volontari", -25, -20, 1),
        ("Merende con i nonni del circolo", -10, -9, 1),
        ("Secondo turno il venerdì", 20, None, 2),
        ("Valutazione intermedia con le famiglie", 120, None, 2),
    ]
    for title, due, done, weight in milestones:
        milestone = create_milestone(
            actor=worker, response=response, data={"title": title, "due_on": _day(due), "weight": weight}
        )
        if done is not None:
            mark_milestone_reached(actor=worker, milestone=milestone, done_on=_day(done))
    # The demand the lab started from, and the lab's accepted proposals, are what the response answers.
    demands = [lab.demand] if lab is not None and lab.demand is not None else []
    proposals = list(lab.proposals.filter(status=ProposalStatus.ACCEPTED)[:3]) if lab is not None else []
    link_answers(actor=worker, response=response, data={"demands": demands, "proposals": proposals, "process": lab})
    entries: list[tuple[Any, dict[str, Any]]] = [
        (partner_staff, {"contributor": "partner", "kind": "hours", "quantity": "160", "description": "Educatori"}),
        (
            worker,
            {
                "contributor": "partner",
                "organization": orgs["Parrocchia della Beata Vergine del Cambonino"],
                "kind": "space",
                "quantity": "72",
                "description": "Sale dell'oratorio",
            },
        ),
        (
            worker,
            {
                "contributor": "partner",
                "organization": orgs["Fondazione Terre Padane per la Comunità"],
                "kind": "money",
                "quantity": "4000",
                "description": "Prima tranche del contributo",
            },
        ),
        (
            worker,
            {"contributor": "citizens", "people": 14, "kind": "hours", "quantity": "96", "description": "Volontari"},
        ),
        (
            worker,
            {"contributor": "citizens", "people": 6, "kind": "goods", "quantity": "180", "description": "Merende"},
        ),
    ]
    for day, (actor, data) in enumerate(entries):
        if data["contributor"] == "partner" and "organization" not in data:
            data["organization"] = orgs["Cooperativa sociale Trama Solidale"]
        record_entry(actor=actor, response=response, data={**data, "on_date": _day(-30 + day * 5)})
        created["co-production entries"] += 1
    places = [
        (
            "Accompagnare i ragazzi del doposcuola nei compiti e nei giochi",
            4,
            orgs["Cooperativa sociale Trama Solidale"],
            "istruzione",
            "Pazienza, un po' di matematica o di italiano",
        ),
        (
            "Preparare le merende e curare l'orto dell'oratorio",
            3,
            orgs["Parrocchia della Beata Vergine del Cambonino"],
            "relazioni",
            "Cucina, giardinaggio",
        ),
    ]
    from legami.needs.models import NeedArea

    areas = {a.code: a for a in NeedArea.objects.filter(network=network)}
    for objective, count, host, area, skills in places:
        create_place(
            actor=worker,
            response=response,
            data={
                "objective": objective,
                "places": count,
                "host": host,
                "area": areas.get(area),
                "skills_sought": skills,
                "starts_on": _day(-10),
                "ends_on": _day(170),
            },
        )
        created["give-back places"] += 1
