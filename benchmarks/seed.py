"""The benchmark data set: one network of the province of Cremona with many people and needs.

The network, its territory, the coordinator and the need areas go through the application's own code
(services and management commands) where it exists; the bulk rows (households, people, neighbourhoods,
needs, demands) are written with `bulk_create`, because this is load for a benchmark, not demo content.
"""

from __future__ import annotations

import datetime
import importlib
import io
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command, get_commands
from django.db import connection, transaction

NETWORK_SLUG = "bench-cremona"
NETWORK_NAME = "Rete benchmark — Provincia di Cremona"
ADMIN_EMAIL = "admin@bench.invalid"
COORDINATOR_EMAIL = "coordinatore@bench.invalid"
PASSWORD = "legami-bench-password"
SEARCH_TERM = "rossi"
SEED = 20260101

# Used only when the territory import command is not there yet: a few real Comuni of the province.
FALLBACK_MUNICIPALITIES = [
    ("019036", "D150", "Cremona", True),
    ("019035", "D142", "Crema", False),
    ("019021", "B898", "Casalmaggiore", False),
    ("019025", "C153", "Castelleone", False),
    ("019098", "I849", "Soresina", False),
    ("019067", "G306", "Pandino", False),
]


@dataclass
class Seeded:
    network: Any
    coordinator: Any
    people: int
    households: int
    municipalities: int
    notes: list[str]
    needs: int = 0
    demands: int = 0
    # a busy area and Comune of the seeded needs, for the filtered list and map pages
    sample_area: Any = None
    sample_municipality: Any = None
    timings: dict[str, float] | None = None
    # the participation process and its rows (benchmarks/participation.py), when seeded
    participation: Any = None
    # the Civic Center activities and their rows (benchmarks/activities.py), when seeded
    activities: Any = None
    # the cases, pacts and referrals (benchmarks/pacts.py), when seeded
    pacts: Any = None


def _service(module: str, name: str) -> Callable | None:
    """The service function `module.name`, or None while its helper has not written it yet."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


def _territory(notes: list[str]):
    from legami.territory.models import Municipality, Province, Region

    if "import_territory" in get_commands():
        call_command("import_territory", "--province", "CR", verbosity=0, stdout=io.StringIO())
    else:
        notes.append("import_territory is missing: created a few Comuni directly")
        region, _ = Region.objects.get_or_create(istat_code="03", defaults={"name": "Lombardia"})
        province, _ = Province.objects.get_or_create(
            istat_code="019", defaults={"region": region, "name": "Cremona", "abbreviation": "CR"}
        )
        for istat, cadastral, name, capital in FALLBACK_MUNICIPALITIES:
            Municipality.objects.get_or_create(
                istat_code=istat,
                defaults={"cadastral_code": cadastral, "name": name, "province": province, "is_capital": capital},
            )
    return list(Municipality.objects.filter(province__abbreviation="CR").order_by("istat_code"))


def _network(admin, notes: list[str]):
    from legami.network.models import Network

    create_network = _service("legami.network.services.networks", "create_network")
    if create_network is None:
        notes.append("create_network service missing: network created directly")
        return Network.objects.create(name=NETWORK_NAME, slug=NETWORK_SLUG, summary="Benchmark")
    return create_network(actor=admin, name=NETWORK_NAME, slug=NETWORK_SLUG, summary="Benchmark")


def _add_territory(admin, coordinator, network, municipalities, notes: list[str]) -> None:
    from legami.territory.models import NetworkMunicipality

    add = _service("legami.territory.services.municipalities", "add_municipalities")
    if add is None:
        notes.append("territory service add_municipalities missing: network Comuni created directly")
        NetworkMunicipality.objects.bulk_create(
            [NetworkMunicipality(network=network, municipality=m) for m in municipalities]
        )
        return
    add(actor=coordinator, network=network, municipalities=municipalities)


def _coordinator(admin, network, notes: list[str]):
    from legami.accounts.models import User
    from legami.core.roles import Role
    from legami.network.models import Membership

    invite = _service("legami.network.services.members", "invite_member")
    accept = _service("legami.network.services.members", "accept_invitation")
    if invite is None or accept is None:
        notes.append("member services missing: coordinator membership created directly")
        user = User.objects.create_user(
            username=COORDINATOR_EMAIL, email=COORDINATOR_EMAIL, password=PASSWORD, full_name="Coordinatrice Bench"
        )
        Membership.objects.create(network=network, user=user, role=Role.COORDINATOR)
        return user
    _invitation, token = invite(
        actor=admin, network=network, email=COORDINATOR_EMAIL, role=Role.COORDINATOR, full_name="Coordinatrice Bench"
    )
    membership = accept(raw_token=token, full_name="Coordinatrice Bench", password=PASSWORD)
    return membership.user


def _bulk_people(network, municipalities, count: int) -> tuple[list, list]:
    from faker.providers.person.it_IT import Provider as Names

    from legami.network.models import Household, Person

    rng = random.Random(SEED)
    # Weight the capital and Crema like the real population does.
    weights = [30 if m.name == "Cremona" else 15 if m.name == "Crema" else 1 for m in municipalities]
    streets = ["Via Roma", "Via Garibaldi", "Via Mazzini", "Via Dante", "Via Verdi", "Corso Matteotti", "Via Marconi"]
    households: list[Household] = []
    people: list[Person] = []
    today = datetime.date(2026, 1, 1)
    while len(people) < count:
        municipality = rng.choices(municipalities, weights)[0]
        last_name = rng.choice(Names.last_names)
        address = f"{rng.choice(streets)} {rng.randint(1, 200)}"
        household = None
        if rng.random() < 0.6:
            household = Household(
                network=network, name=f"Famiglia {last_name}", address=address, municipality=municipality
            )
            households.append(household)
        size = rng.choice((1, 1, 2, 2, 3, 4)) if household else 1
        for _ in range(min(size, count - len(people))):
            female = rng.random() < 0.52
            first_name = rng.choice(Names.first_names_female if female else Names.first_names_male)
            people.append(
                Person(
                    network=network,
                    first_name=first_name,
                    last_name=last_name,
                    gender="F" if female else "M",
                    birth_date=today - datetime.timedelta(days=rng.randint(365, 95 * 365)),
                    email=f"{first_name}.{last_name}.{len(people)}@example.org".lower().replace(" ", ""),
                    phone=f"3{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}",
                    address=address,
                    municipality=municipality,
                    household=household,
                    household_role="head" if household else "",
                )
            )
    with transaction.atomic():
        Household.objects.bulk_create(households, batch_size=2000)
        Person.objects.bulk_create(people, batch_size=2000)
    return people, households


NEIGHBOURHOODS = {
    "Cremona": ["Centro", "Po", "Zaist", "Cambonino", "Boschetto", "San Felice", "Maristella", "Borgo Loreto"],
    "Crema": ["Centro storico", "Ombriano", "San Bernardino", "Santa Maria", "Castelnuovo"],
}
NEED_SUBJECTS = [
    "Una madre sola",
    "Un anziano che vive solo",
    "Una famiglia con tre figli",
    "Un ragazzo di sedici anni",
    "Una coppia di pensionati",
    "Un lavoratore disoccupato",
    "Una donna straniera",
    "Un caregiver",
    "Una persona con disabilità",
    "Un gruppo di genitori",
    "Una studentessa",
    "Un vicino di casa",
]
NEED_VERBS = [
    "chiede aiuto per",
    "cerca",
    "avrebbe bisogno di",
    "segnala la mancanza di",
    "fatica a trovare",
    "chiede informazioni su",
]
NEED_OBJECTS = [
    "un doposcuola nel pomeriggio",
    "un passaggio per le visite mediche",
    "la spesa settimanale",
    "un corso di italiano",
    "un lavoro part-time",
    "pagare le bollette arretrate",
    "un alloggio in affitto",
    "compagnia nei fine settimana",
    "compilare le domande online",
    "un centro estivo per i figli",
    "assistenza a domicilio",
    "un corso di informatica",
    "un orto condiviso",
    "il trasporto a scuola",
]
NEED_TAILS = ["", "", " nel quartiere", " il martedì e il giovedì", " dopo le 16", " da qualche mese", " con urgenza"]
# Rough centre of the province of Cremona: each Comune gets a seeded centre near it.
PROVINCE_BOX = ((45.05, 45.50), (9.55, 10.45))
NEED_MONTHS = 18
DEMANDS = 200


def _bulk_neighbourhoods(network, municipalities) -> dict[int, list]:
    from legami.territory.models import Neighbourhood

    rows = [
        Neighbourhood(network=network, municipality=m, name=name)
        for m in municipalities
        for name in NEIGHBOURHOODS.get(m.name, [])
    ]
    Neighbourhood.objects.bulk_create(rows)
    by_comune: dict[int, list] = {}
    for row in Neighbourhood.objects.filter(network=network):
        by_comune.setdefault(row.municipality_id, []).append(row)
    return by_comune


def _bulk_needs(network, municipalities, people, households, count: int, notes: list[str]) -> tuple[list, list]:
    """`count` needs over 18 months, weighted towards the bigger Comuni; about 60% with a point."""
    from legami.needs.models import Channel, Need, NeedArea, NeedStatus, PrivacyLevel, TargetGroup, Urgency

    ensure = _service("legami.needs.services.areas", "ensure_default_areas")
    if ensure is not None:
        ensure(network=network)
    else:
        notes.append("ensure_default_areas missing: one area created directly")
        NeedArea.objects.create(network=network, code="casa", name="Casa", position=1)
    areas = list(NeedArea.objects.filter(network=network).order_by("position"))
    rng = random.Random(SEED + 1)
    weights = [30 if m.name == "Cremona" else 15 if m.name == "Crema" else 1 for m in municipalities]
    area_weights = [rng.randint(1, 6) for _ in areas]
    neighbourhoods = _bulk_neighbourhoods(network, municipalities)
    centres = {m.pk: (rng.uniform(*PROVINCE_BOX[0]), rng.uniform(*PROVINCE_BOX[1])) for m in municipalities}
    people_by_comune: dict[int, list] = {}
    for person in people:
        people_by_comune.setdefault(person.municipality_id, []).append(person)
    households_by_comune: dict[int, list] = {}
    for household in households:
        households_by_comune.setdefault(household.municipality_id, []).append(household)
    targets, channels, statuses = TargetGroup.values, Channel.values, NeedStatus.values
    status_weights = [30, 25, 10, 10, 15, 10]
    today = datetime.date(2026, 1, 1)
    span = NEED_MONTHS * 30
    needs: list = []
    for _ in range(count):
        municipality = rng.choices(municipalities, weights)[0]
        person = household = None
        draw = rng.random()
        if draw < 0.4 and people_by_comune.get(municipality.pk):
            person = rng.choice(people_by_comune[municipality.pk])
        elif draw < 0.55 and households_by_comune.get(municipality.pk):
            household = rng.choice(households_by_comune[municipality.pk])
        latitude = longitude = None
        if rng.random() < 0.6:
            lat, lon = centres[municipality.pk]
            latitude = round(lat + rng.gauss(0, 0.01), 6)
            longitude = round(lon + rng.gauss(0, 0.01), 6)
        places = neighbourhoods.get(municipality.pk)
        neighbourhood = rng.choice(places) if places and rng.random() < 0.7 else None
        description = f"{rng.choice(NEED_SUBJECTS)} {rng.choice(NEED_VERBS)} {rng.choice(NEED_OBJECTS)}"
        needs.append(
            Need(
                network=network,
                area=rng.choices(areas, area_weights)[0],
                target_group=rng.choice(targets),
                description=description + rng.choice(NEED_TAILS) + ".",
                urgency=rng.choice(Urgency.values),
                expressed=rng.random() < 0.7,
                channel=rng.choice(channels),
                privacy_level=PrivacyLevel.CASE_TEAM if rng.random() < 0.1 else PrivacyLevel.NETWORK,
                status=rng.choices(statuses, status_weights)[0],
                person=person,
                household=household,
                people_count=1 if person else rng.choice((1, 1, 2, 3, 4)) if household else rng.randint(1, 12),
                municipality=municipality,
                neighbourhood=neighbourhood,
                latitude=latitude,
                longitude=longitude,
                observed_on=today - datetime.timedelta(days=rng.randint(0, span)),
            )
        )
    with transaction.atomic():
        # EncryptedTextField encrypts each description in get_prep_value: part of the cost measured here.
        Need.objects.bulk_create(needs, batch_size=2000)
    return needs, areas


def _bulk_demands(network, needs, count: int) -> int:
    """`count` candidate or reviewed demands over the busiest (area, Comune) pairs, with their needs as items."""
    from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus

    rng = random.Random(SEED + 2)
    by_pair: dict[tuple[int, int], list] = {}
    for need in needs:
        by_pair.setdefault((need.area_id, need.municipality_id), []).append(need)
    pairs = sorted(by_pair, key=lambda pair: -len(by_pair[pair]))
    taken: set[int] = set()
    demands, members = [], []
    for i in range(min(count, len(needs) // 2)):
        pool = [n for n in by_pair[pairs[i % len(pairs)]] if n.pk not in taken]
        group = rng.sample(pool, min(len(pool), rng.randint(2, 40)))
        if len(group) < 2:
            continue
        taken.update(n.pk for n in group)
        first = group[0]
        demands.append(
            AggregatedDemand(
                network=network,
                title=f"Richiesta collettiva {i + 1}: {first.description[:60]}",
                summary=f"{len(group)} bisogni simili nello stesso Comune e nella stessa area.",
                reasons=["stessa area", "stesso Comune", "descrizioni simili"],
                status=rng.choices(DemandStatus.values, [50, 20, 10, 10, 10])[0],
                area_id=first.area_id,
                target_group=first.target_group,
                municipality_id=first.municipality_id,
                keywords=["doposcuola", "trasporto", "spesa"][: rng.randint(1, 3)],
                need_count=len(group),
                people_count=sum(n.people_count for n in group),
                cohesion=round(rng.uniform(0.3, 0.95), 2),
            )
        )
        members.append(group)
    with transaction.atomic():
        AggregatedDemand.objects.bulk_create(demands, batch_size=500)
        DemandItem.objects.bulk_create(
            [
                DemandItem(demand=demand, need=need, similarity=round(rng.uniform(0.3, 1.0), 3))
                for demand, group in zip(demands, members, strict=True)
                for need in group
            ],
            batch_size=2000,
        )
    return len(demands)


def seed(
    *,
    people: int,
    needs: int = 0,
    participation: dict[str, int] | None = None,
    activities: int = 0,
    pacts: int = 0,
    referrals: int = 0,
) -> Seeded:
    """Migrate a fresh database and fill it with the benchmark network."""
    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    return populate(
        people=people,
        needs=needs,
        participation=participation,
        activities=activities,
        pacts=pacts,
        referrals=referrals,
    )


def populate(
    *,
    people: int,
    needs: int = 0,
    demands: int = DEMANDS,
    participation: dict[str, int] | None = None,
    activities: int = 0,
    pacts: int = 0,
    referrals: int = 0,
) -> Seeded:
    """Fill a migrated database with the benchmark network: `people` people in households, `needs` needs, and
    with `participation` (proposals, supports, comments, participants; see benchmarks/participation.py) one
    participatory process when it asks for proposals."""
    import time

    from legami.accounts.models import User

    notes: list[str] = []
    timings: dict[str, float] = {}
    log("territory")
    municipalities = _territory(notes)
    admin = User.objects.create_superuser(username=ADMIN_EMAIL, email=ADMIN_EMAIL, password=PASSWORD)
    log("network and coordinator")
    network = _network(admin, notes)
    coordinator = _coordinator(admin, network, notes)
    _add_territory(admin, coordinator, network, municipalities, notes)
    log(f"{people:,} people (bulk)")
    started = time.perf_counter()
    person_rows, household_rows = _bulk_people(network, municipalities, people)
    timings["people"] = round(time.perf_counter() - started, 1)
    seeded = Seeded(network, coordinator, len(person_rows), len(household_rows), len(municipalities), notes)
    if needs:
        log(f"{needs:,} needs (bulk, descriptions encrypted)")
        started = time.perf_counter()
        need_rows, _areas = _bulk_needs(network, municipalities, person_rows, household_rows, needs, notes)
        timings["needs"] = round(time.perf_counter() - started, 1)
        log(f"{demands} demands (bulk)")
        started = time.perf_counter()
        seeded.demands = _bulk_demands(network, need_rows, demands) if demands else 0
        timings["demands"] = round(time.perf_counter() - started, 1)
        seeded.needs = len(need_rows)
        # the busiest area in Cremona (the capital): the filtered pages then show a realistic slice
        capital = next((m for m in municipalities if m.name == "Cremona"), municipalities[0])
        counts: dict[int, int] = {}
        for need in need_rows:
            if need.municipality_id == capital.pk:
                counts[need.area_id] = counts.get(need.area_id, 0) + 1
        seeded.sample_municipality = capital
        seeded.sample_area = max(counts, key=counts.__getitem__) if counts else None
    if participation and participation.get("proposals"):
        from benchmarks.participation import populate_participation

        seeded.participation = populate_participation(
            network=network, coordinator=coordinator, municipalities=municipalities, **participation
        )
        timings.update({f"participation_{key}": value for key, value in seeded.participation.timings.items()})
    if activities:
        from benchmarks.activities import populate_activities

        log(f"{activities:,} activities, a year of sessions, attendance (bulk)")
        seeded.activities = populate_activities(
            network=network, coordinator=coordinator, municipalities=municipalities, activities=activities
        )
        timings.update({f"activities_{key}": value for key, value in seeded.activities.timings.items()})
    if pacts:
        from benchmarks.pacts import populate_pacts

        log(f"{pacts:,} cases with pacts, {referrals:,} referrals (bulk, case texts encrypted)")
        seeded.pacts = populate_pacts(
            network=network, coordinator=coordinator, municipalities=municipalities, pacts=pacts, referrals=referrals
        )
        timings.update({f"pacts_{key}": value for key, value in seeded.pacts.timings.items()})
    # Fresh statistics and visibility maps, as autovacuum (PostgreSQL) would have by the time anyone browses 50,000
    # people: without the maps, PostgreSQL reads the table rows behind every covering index (no index-only scan).
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM cannot run in a transaction: the seed's tests run in one, and get ANALYZE alone.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    timings["analyze"] = round(time.perf_counter() - started, 1)
    seeded.timings = timings
    return seeded
