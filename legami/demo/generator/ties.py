"""Demo ties and consents: drawing them (the plan) and creating what is missing (through the services)."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from legami.core import services as core_services
from legami.core.models import Consent, Processing
from legami.demo import data
from legami.demo.generator.plan import (
    REFERENCE_DATE,
    ConsentPlan,
    HouseholdPlan,
    PersonKey,
    PersonPlan,
    Plan,
    TiePlan,
    date_between,
)
from legami.network.models import Person, Tie
from legami.network.services import consents as consent_services
from legami.network.services import ties as tie_services


def _family_ties(rng: random.Random, households: list[HouseholdPlan]) -> list[TiePlan]:
    """The head of each household tied to every other member; partners since a plausible year."""
    ties: list[TiePlan] = []
    for household in households:
        head, others = household.members[0], household.members[1:]
        for member in others:
            since = member.birth_date if member.household_role == Person.HouseholdRole.CHILD else None
            if member.household_role == Person.HouseholdRole.PARTNER:
                younger = max(head.birth_date, member.birth_date)
                since = younger.replace(year=younger.year + rng.randint(22, 32), day=1)
                if since > REFERENCE_DATE:
                    since = None
            ties.append(TiePlan(Tie.Kind.FAMILY, head.key, member.key, since=since))
    return ties


def _volunteering(
    rng: random.Random, adults: list[PersonPlan], organization_keys: list[str], *, rounds: int
) -> list[TiePlan]:
    """Adults up to 80 volunteering with the network's associations, each person at most once."""
    ties: list[TiePlan] = []
    volunteers_orgs = ["argento", "lavoro", "parrocchia", "trama", "serio", "argine", "vicinato"]
    volunteers_orgs = [key for key in volunteers_orgs if key in organization_keys]
    candidates = [p for p in adults if p.age <= 80]
    chosen: set[PersonKey] = set()
    for _round in range(rounds):
        if not candidates or not volunteers_orgs:
            break
        person = rng.choice(candidates)
        if person.key in chosen:
            continue
        chosen.add(person.key)
        since = date_between(rng, datetime.date(2015, 1, 1), datetime.date(2025, 10, 1))
        ties.append(
            TiePlan(
                Tie.Kind.VOLUNTEERING,
                person.key,
                rng.choice(volunteers_orgs),
                direction=Tie.Direction.OUTGOING,
                since=since,
            )
        )
    return ties


def plan_ties(
    rng: random.Random, *, households: list[HouseholdPlan], people: list[PersonPlan], organization_keys: list[str]
) -> list[TiePlan]:
    """Family ties inside each household, then friendships, mutual help, neighbours and volunteering."""
    ties = _family_ties(rng, households)
    adults = [p for p in people if p.age >= 18]
    by_municipality: dict[str, list[PersonPlan]] = {}
    for person in adults:
        by_municipality.setdefault(person.municipality, []).append(person)
    pairs: set[frozenset] = set()

    def pair(kind: str, pool: list[PersonPlan], pool_b: list[PersonPlan] | None = None, **extra: Any) -> None:
        if not pool or (pool_b is None and len(pool) < 2) or (pool_b is not None and not pool_b):
            return
        a = rng.choice(pool)
        b = rng.choice(pool_b or pool)
        if a.key == b.key or a.household == b.household or frozenset((kind, a.key, b.key)) in pairs:
            return
        pairs.add(frozenset((kind, a.key, b.key)))
        since = date_between(rng, datetime.date(2012, 1, 1), datetime.date(2025, 12, 1))
        ties.append(TiePlan(kind, a.key, b.key, since=since, **extra))

    towns = sorted(by_municipality, key=lambda name: (-len(by_municipality[name]), name))
    weights = [len(by_municipality[name]) for name in towns]
    if not towns:
        return ties
    n = len(people)
    for _round in range(n // 8):
        pool = by_municipality[rng.choices(towns, weights)[0]]
        pair(Tie.Kind.FRIENDSHIP, pool)
    for _round in range(n // 15):
        pool = by_municipality[rng.choices(towns, weights)[0]]
        elders = [p for p in pool if p.age >= 70]
        helpers = [p for p in pool if 20 <= p.age <= 65]
        if elders and helpers:
            pair(
                Tie.Kind.MUTUAL_HELP,
                helpers,
                elders,
                direction=Tie.Direction.OUTGOING,
                note=rng.choice(
                    [
                        "Spesa e commissioni",
                        "Accompagnamento alle visite",
                        "Compagnia e telefonate",
                        "Piccole riparazioni",
                    ]
                ),
            )
    with_neighbourhood = [p for p in adults if p.neighbourhood]
    by_neighbourhood: dict[tuple[str, str], list[PersonPlan]] = {}
    for person in with_neighbourhood:
        by_neighbourhood.setdefault((person.municipality, person.neighbourhood), []).append(person)
    areas = sorted(by_neighbourhood)
    for _round in range(n // 20):
        if areas:
            pair(Tie.Kind.NEIGHBOUR, by_neighbourhood[rng.choice(areas)])
    ties.extend(_volunteering(rng, adults, organization_keys, rounds=n // 30))
    return ties


def plan_consents(rng: random.Random, *, people: list[PersonPlan]) -> list[ConsentPlan]:
    """Newsletter and event-photo consents of adults, a few of them withdrawn."""
    consents: list[ConsentPlan] = []
    for person in people:
        if person.age < 18:
            continue
        if person.email and rng.random() < 0.5:
            consents.append(ConsentPlan(person.key, "newsletter", withdrawn=rng.random() < 0.08))
        if rng.random() < 0.25:
            consents.append(ConsentPlan(person.key, "foto-eventi", withdrawn=rng.random() < 0.05))
    return consents


def ensure_processings(actor, network, *, created: Counter) -> dict[str, Processing]:
    """The demo processings keyed by code."""
    existing = {p.code: p for p in Processing.objects.filter(network=network)}
    for code, name, purpose, basis, condition, retention in data.PROCESSINGS:
        if code not in existing:
            existing[code] = core_services.define_processing(
                actor=actor,
                network=network,
                code=code,
                name=name,
                purpose=purpose,
                legal_basis=basis,
                special_category_condition=condition,
                retention=retention,
            )
            created["processings"] += 1
    return existing


def ensure_ties(actor, network, plan: Plan, people, organizations, *, created: Counter) -> None:
    """Every planned tie, matched on (kind, source, target)."""
    existing = set()
    for tie in Tie.objects.filter(network=network).values(
        "kind", "source_person", "source_organization", "target_person", "target_organization"
    ):
        existing.add(
            (
                tie["kind"],
                ("p", tie["source_person"]) if tie["source_person"] else ("o", tie["source_organization"]),
                ("p", tie["target_person"]) if tie["target_person"] else ("o", tie["target_organization"]),
            )
        )

    def end(ref) -> tuple[str, Any]:
        if isinstance(ref, str):
            return "o", organizations[ref]
        return "p", people[ref]

    for tie in plan.ties:
        (source_type, source), (target_type, target) = end(tie.source), end(tie.target)
        signature = (tie.kind, (source_type, source.pk), (target_type, target.pk))
        if signature in existing:
            continue
        tie_services.create_tie(
            actor=actor,
            network=network,
            data={
                "kind": tie.kind,
                "direction": tie.direction,
                f"source_{'person' if source_type == 'p' else 'organization'}": source,
                f"target_{'person' if target_type == 'p' else 'organization'}": target,
                "since": tie.since,
                "note": tie.note,
            },
        )
        existing.add(signature)
        created["ties"] += 1


def ensure_consents(actor, plan: Plan, people, processings, *, created: Counter) -> None:
    """Every planned consent, given and (when planned so) withdrawn."""
    existing = set(
        Consent.objects.filter(person__network=processings["newsletter"].network).values_list(
            "person_id", "processing__code"
        )
    )
    for consent in plan.consents:
        person = people[consent.person]
        if (person.pk, consent.processing) in existing:
            continue
        processing = processings[consent.processing]
        consent_services.record_consent(
            actor=actor, person=person, processing=processing, given=True, source="Modulo cartaceo allo sportello"
        )
        if consent.withdrawn:
            consent_services.record_consent(
                actor=actor, person=person, processing=processing, given=False, source="Richiesta via e-mail"
            )
        created["consents"] += 1
