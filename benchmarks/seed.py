"""The benchmark data set: one network of the province of Cremona with many people.

The network, its territory and the coordinator go through the application's own code (services and
management commands) where it exists; the bulk rows (households, people) are written with
`bulk_create`, because this is load for a benchmark, not demo content.
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

    add = _service("legami.territory.services", "add_municipalities")
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


def _bulk_people(network, municipalities, count: int) -> tuple[int, int]:
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
    return len(people), len(households)


def seed(*, people: int) -> Seeded:
    """Migrate a fresh database and fill it with the benchmark network."""
    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    return populate(people=people)


def populate(*, people: int) -> Seeded:
    """Fill a migrated database with the benchmark network: `people` people in households."""
    from legami.accounts.models import User

    notes: list[str] = []
    log("territory")
    municipalities = _territory(notes)
    admin = User.objects.create_superuser(username=ADMIN_EMAIL, email=ADMIN_EMAIL, password=PASSWORD)
    log("network and coordinator")
    network = _network(admin, notes)
    coordinator = _coordinator(admin, network, notes)
    _add_territory(admin, coordinator, network, municipalities, notes)
    log(f"{people:,} people (bulk)")
    n_people, n_households = _bulk_people(network, municipalities, people)
    # Fresh statistics, as autovacuum (PostgreSQL) would have by the time anyone browses 50,000 people.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Seeded(network, coordinator, n_people, n_households, len(municipalities), notes)
