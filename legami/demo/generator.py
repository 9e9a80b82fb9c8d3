"""The demo network generator (`manage.py load_demo`).

Builds "Wel(l)FARE legami — Provincia di Cremona" ONLY through the services, acting as the platform
admin (network, first coordinator, ISTAT import) and then as the demo coordinator (everything else).

Two phases keep it deterministic and idempotent: `build_plan()` draws every person, household, tie and
consent from a seeded random generator and a seeded Faker, without touching the database; `apply`
then creates, through the services, only what is not there yet (matched on natural keys), so a second
run writes nothing and an interrupted one is completed.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codicefiscale import codicefiscale
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _
from faker import Faker

from legami.core import services as core_services
from legami.core.models import Consent, Processing
from legami.core.roles import Role
from legami.demo import data
from legami.network.models import Household, Membership, Network, Organization, Partnership, Person, Tie
from legami.network.services import households as household_services
from legami.network.services import members as member_services
from legami.network.services import networks as network_services
from legami.network.services import organizations as organization_services
from legami.network.services import people as people_services
from legami.network.services import ties as tie_services
from legami.territory import services as territory_services
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality, Place, SocialDistrict

SEED = 2026
FULL_PEOPLE = 3000
SMALL_PEOPLE = 60
# A fixed "today" so that ages, and therefore the whole data set, do not depend on the run date.
REFERENCE_DATE = datetime.date(2026, 1, 15)

PersonKey = tuple[str, str, datetime.date]
HouseholdKey = tuple[str, str, str]


# --- the plan (pure data, no database) ------------------------------------------------------------


@dataclass
class PersonPlan:
    first_name: str
    last_name: str
    gender: str
    birth_date: datetime.date
    birthplace: str
    municipality: str
    neighbourhood: str
    address: str
    household_role: str
    household: HouseholdKey | None
    tax_code: str = ""
    email: str = ""
    phone: str = ""

    @property
    def key(self) -> PersonKey:
        return (self.first_name, self.last_name, self.birth_date)

    @property
    def age(self) -> int:
        born = self.birth_date
        return REFERENCE_DATE.year - born.year - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (born.month, born.day))


@dataclass
class HouseholdPlan:
    name: str
    address: str
    municipality: str
    neighbourhood: str
    members: list[PersonPlan] = field(default_factory=list)

    @property
    def key(self) -> HouseholdKey:
        return (self.name, self.address, self.municipality)


@dataclass(frozen=True)
class TiePlan:
    kind: str
    source: PersonKey | str  # a person key, or an organisation key from data.ORGANIZATIONS
    target: PersonKey | str
    direction: str = Tie.Direction.MUTUAL
    since: datetime.date | None = None
    note: str = ""


@dataclass(frozen=True)
class ConsentPlan:
    person: PersonKey
    processing: str
    withdrawn: bool = False


@dataclass
class Plan:
    households: list[HouseholdPlan]
    people: list[PersonPlan]
    ties: list[TiePlan]
    consents: list[ConsentPlan]


def _ascii(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _born(rng: random.Random, age_from: int, age_to: int) -> datetime.date:
    """A birth date for someone aged between age_from and age_to on REFERENCE_DATE."""
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age_from) - datetime.timedelta(days=1)
    earliest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age_to - 1) + datetime.timedelta(days=1)
    return _date_between(rng, earliest, latest)


def tax_code_for(person: PersonPlan) -> str:
    """The codice fiscale of a planned person (the birthplace is a Comune name)."""
    return codicefiscale.encode(
        lastname=person.last_name,
        firstname=person.first_name,
        gender=person.gender,
        birthdate=person.birth_date.isoformat(),
        birthplace=person.birthplace,
    )


class _Planner:
    def __init__(self, *, municipalities: list[str], people: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("it_IT")
        self.fake.seed_instance(seed)
        self.municipalities = sorted(municipalities)
        self.weights = [data.POPULATION.get(name, data.DEFAULT_POPULATION) for name in self.municipalities]
        self.neighbourhoods: dict[str, list[str]] = {}
        for comune, name, _description in data.NEIGHBOURHOODS:
            self.neighbourhoods.setdefault(comune, []).append(name)
        self.target = people
        self.people: list[PersonPlan] = []
        self.households: list[HouseholdPlan] = []
        self.person_keys: set[PersonKey] = set()
        self.household_keys: set[HouseholdKey] = set()
        self.tax_codes: set[str] = set()
        self.emails: set[str] = set()

    # people and households

    def first_name(self, gender: str) -> str:
        return self.fake.first_name_female() if gender == "F" else self.fake.first_name_male()

    def person(self, household: HouseholdPlan, *, gender: str, age: tuple[int, int], role: str, last_name: str) -> None:
        for _attempt in range(20):
            person = PersonPlan(
                first_name=self.first_name(gender),
                last_name=last_name,
                gender=gender,
                birth_date=_born(self.rng, *age),
                birthplace="",
                municipality=household.municipality,
                neighbourhood=household.neighbourhood,
                address=household.address,
                household_role=role,
                household=household.key,
            )
            if person.key not in self.person_keys:
                break
        else:  # pragma: no cover - 20 collisions in a row would take a far larger plan
            return
        roll = self.rng.random()
        person.birthplace = household.municipality if roll < 0.6 else self.rng.choice(data.OTHER_BIRTHPLACES)
        # Most adults have their codice fiscale on file; about half of the minors.
        if self.rng.random() < (0.9 if person.age >= 18 else 0.5):
            code = tax_code_for(person)
            if code not in self.tax_codes:
                self.tax_codes.add(code)
                person.tax_code = code
        if 16 <= person.age <= 80 and self.rng.random() < 0.6:
            base = f"{_ascii(person.first_name)}.{_ascii(person.last_name)}"
            email, n = f"{base}@example.org", 1
            while email in self.emails:
                n += 1
                email = f"{base}{n}@example.org"
            self.emails.add(email)
            person.email = email
        if person.age >= 16 and self.rng.random() < 0.7:
            person.phone = f"3{self.rng.randint(20, 49)} {self.rng.randint(1000000, 9999999)}"
        self.person_keys.add(person.key)
        household.members.append(person)
        self.people.append(person)

    def household(self) -> None:
        municipality = self.rng.choices(self.municipalities, self.weights)[0]
        neighbourhoods = self.neighbourhoods.get(municipality)
        neighbourhood = self.rng.choice(neighbourhoods) if neighbourhoods else ""
        surname = self.fake.last_name()
        for _attempt in range(20):
            address = f"{self.rng.choice(data.STREETS)} {self.rng.randint(1, 180)}"
            plan = HouseholdPlan(f"Famiglia {surname}", address, municipality, neighbourhood)
            if plan.key not in self.household_keys:
                break
        else:  # pragma: no cover
            return
        self.household_keys.add(plan.key)
        self.households.append(plan)
        head_gender = "M" if self.rng.random() < 0.6 else "F"
        other = "F" if head_gender == "M" else "M"
        kind = self.rng.choices(
            ["elder_alone", "adult_alone", "couple", "family", "single_parent", "three_generations"],
            [14, 12, 24, 35, 10, 5],
        )[0]
        H, P, C, G = (
            Person.HouseholdRole.HEAD,
            Person.HouseholdRole.PARTNER,
            Person.HouseholdRole.CHILD,
            Person.HouseholdRole.PARENT,
        )
        if kind == "elder_alone":
            self.person(plan, gender=self.rng.choice("FFM"), age=(70, 96), role=H, last_name=surname)
        elif kind == "adult_alone":
            self.person(plan, gender=self.rng.choice("FM"), age=(22, 69), role=H, last_name=surname)
        elif kind == "couple":
            self.person(plan, gender=head_gender, age=(25, 88), role=H, last_name=surname)
            head_age = plan.members[-1].age if plan.members else 50
            low, high = max(20, head_age - 8), min(95, head_age + 6)
            self.person(plan, gender=other, age=(low, high), role=P, last_name=self.fake.last_name())
        else:
            self.person(
                plan, gender=head_gender if kind != "single_parent" else "F", age=(30, 56), role=H, last_name=surname
            )
            if not plan.members:
                return
            parent_age = plan.members[0].age
            if kind != "single_parent":
                self.person(
                    plan,
                    gender=other,
                    age=(max(24, parent_age - 6), parent_age + 4),
                    role=P,
                    last_name=self.fake.last_name(),
                )
            for _child in range(self.rng.choice((1, 1, 2, 2, 2, 3))):
                self.person(
                    plan,
                    gender=self.rng.choice("FM"),
                    age=(0, max(0, min(parent_age - 22, 24))),
                    role=C,
                    last_name=surname,
                )
            if kind == "three_generations":
                self.person(
                    plan,
                    gender=self.rng.choice("FFM"),
                    age=(parent_age + 22, min(99, parent_age + 36)),
                    role=G,
                    last_name=surname,
                )

    # ties and consents

    def ties(self, organization_keys: list[str]) -> list[TiePlan]:
        ties: list[TiePlan] = []
        for household in self.households:
            head, others = household.members[0], household.members[1:]
            for member in others:
                since = member.birth_date if member.household_role == Person.HouseholdRole.CHILD else None
                if member.household_role == Person.HouseholdRole.PARTNER:
                    younger = max(head.birth_date, member.birth_date)
                    since = younger.replace(year=younger.year + self.rng.randint(22, 32), day=1)
                    if since > REFERENCE_DATE:
                        since = None
                ties.append(TiePlan(Tie.Kind.FAMILY, head.key, member.key, since=since))
        adults = [p for p in self.people if p.age >= 18]
        by_municipality: dict[str, list[PersonPlan]] = {}
        for person in adults:
            by_municipality.setdefault(person.municipality, []).append(person)
        pairs: set[frozenset] = set()

        def pair(kind: str, pool: list[PersonPlan], pool_b: list[PersonPlan] | None = None, **extra: Any) -> None:
            if not pool or (pool_b is None and len(pool) < 2) or (pool_b is not None and not pool_b):
                return
            a = self.rng.choice(pool)
            b = self.rng.choice(pool_b or pool)
            if a.key == b.key or a.household == b.household or frozenset((kind, a.key, b.key)) in pairs:
                return
            pairs.add(frozenset((kind, a.key, b.key)))
            since = _date_between(self.rng, datetime.date(2012, 1, 1), datetime.date(2025, 12, 1))
            ties.append(TiePlan(kind, a.key, b.key, since=since, **extra))

        towns = sorted(by_municipality, key=lambda name: (-len(by_municipality[name]), name))
        weights = [len(by_municipality[name]) for name in towns]
        if not towns:
            return ties
        n = len(self.people)
        for _round in range(n // 8):
            pool = by_municipality[self.rng.choices(towns, weights)[0]]
            pair(Tie.Kind.FRIENDSHIP, pool)
        for _round in range(n // 15):
            pool = by_municipality[self.rng.choices(towns, weights)[0]]
            elders = [p for p in pool if p.age >= 70]
            helpers = [p for p in pool if 20 <= p.age <= 65]
            if elders and helpers:
                pair(
                    Tie.Kind.MUTUAL_HELP,
                    helpers,
                    elders,
                    direction=Tie.Direction.OUTGOING,
                    note=self.rng.choice(
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
                pair(Tie.Kind.NEIGHBOUR, by_neighbourhood[self.rng.choice(areas)])
        volunteers_orgs = ["argento", "lavoro", "parrocchia", "trama", "serio", "argine", "vicinato"]
        volunteers_orgs = [key for key in volunteers_orgs if key in organization_keys]
        candidates = [p for p in adults if p.age <= 80]
        chosen: set[PersonKey] = set()
        for _round in range(n // 30):
            if not candidates or not volunteers_orgs:
                break
            person = self.rng.choice(candidates)
            if person.key in chosen:
                continue
            chosen.add(person.key)
            since = _date_between(self.rng, datetime.date(2015, 1, 1), datetime.date(2025, 10, 1))
            ties.append(
                TiePlan(
                    Tie.Kind.VOLUNTEERING,
                    person.key,
                    self.rng.choice(volunteers_orgs),
                    direction=Tie.Direction.OUTGOING,
                    since=since,
                )
            )
        return ties

    def consents(self) -> list[ConsentPlan]:
        consents: list[ConsentPlan] = []
        for person in self.people:
            if person.age < 18:
                continue
            if person.email and self.rng.random() < 0.5:
                consents.append(ConsentPlan(person.key, "newsletter", withdrawn=self.rng.random() < 0.08))
            if self.rng.random() < 0.25:
                consents.append(ConsentPlan(person.key, "foto-eventi", withdrawn=self.rng.random() < 0.05))
        return consents


def build_plan(*, municipalities: list[str], people: int = FULL_PEOPLE, seed: int = SEED) -> Plan:
    """Draw the demo's households, people, ties and consents (deterministic for a seed and a list of Comuni)."""
    planner = _Planner(municipalities=municipalities, people=people, seed=seed)
    while len(planner.people) < people:
        planner.household()
    # The last household may overshoot the target a little: drop its extra members.
    overshoot = len(planner.people) - people
    if overshoot > 0:
        last = planner.households[-1]
        for person in last.members[-overshoot:]:
            planner.people.remove(person)
        del last.members[-overshoot:]
        if not last.members:
            planner.households.pop()
    organization_keys = [org[0] for org in data.ORGANIZATIONS]
    ties = planner.ties(organization_keys)
    ties += [
        TiePlan(Tie.Kind.COLLABORATION, a, b, since=datetime.date(2015 + i % 4, 1 + i % 12, 1), note=note)
        for i, (a, b, note) in enumerate(data.ORGANIZATION_TIES)
    ]
    return Plan(planner.households, planner.people, ties, planner.consents())


def organization_tax_code(key: str) -> str:
    """A fictional 11-digit codice fiscale / partita IVA with a valid check digit, fixed per organisation."""
    digits = [int(ch) for ch in str(int(hashlib.sha256(key.encode()).hexdigest(), 16))[:7]]
    body = [*digits, 0, 1, 9]  # seven digits, then 019: the office code of Cremona
    total = 0
    for index, digit in enumerate(body):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


# --- applying the plan through the services -------------------------------------------------------


@dataclass
class Account:
    email: str
    full_name: str
    role: str
    scope: str


@dataclass
class DemoResult:
    network: Network
    created: Counter
    accounts: list[Account]
    seconds: float
    timings: dict[str, float]
    notes: list[str]


class _Loader:
    def __init__(self, *, people: int, seed: int, log: Callable[[str], None]) -> None:
        self.target, self.seed, self.log = people, seed, log
        self.created: Counter = Counter()
        self.timings: dict[str, float] = {}
        self.notes: list[str] = []

    def step(self, name: str, func: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = func()
        self.timings[name] = round(time.perf_counter() - started, 2)
        self.log(f"{name}: {self.timings[name]:.1f} s")
        return result

    # accounts and network

    def admin(self):
        User = get_user_model()
        admin = User.objects.filter(email__iexact=data.ADMIN_EMAIL).first()
        if admin is None:
            # The platform admin comes first: no service can act before someone may act.
            admin = User.objects.create_superuser(
                username=data.ADMIN_EMAIL,
                email=data.ADMIN_EMAIL,
                password=data.PASSWORD,
                full_name="Amministrazione piattaforma",
            )
            self.created["users"] += 1
        return admin

    def network(self, admin) -> Network:
        network = Network.objects.filter(slug=data.NETWORK["slug"]).first()
        if network is None:
            network = network_services.create_network(actor=admin, **data.NETWORK)
            self.created["networks"] += 1
        return network

    def account(self, *, inviter, network, email, full_name, role, organization=None, district=None):
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if (
            user is not None
            and Membership.objects.filter(network=network, user=user, role=role, is_active=True).exists()
        ):
            return user
        _invitation, token = member_services.invite_member(
            actor=inviter,
            network=network,
            email=email,
            role=role,
            full_name=full_name,
            organization=organization,
            district=district,
        )
        membership = member_services.accept_invitation(
            raw_token=token, user=user, full_name=full_name, password=data.PASSWORD
        )
        self.created["memberships"] += 1
        if user is None:
            self.created["users"] += 1
        return membership.user

    # territory

    def territory(self, admin, actor, network) -> dict[str, Municipality]:
        comuni = {m.name: m for m in Municipality.objects.filter(province__abbreviation="CR")}
        if len(comuni) < 100:
            territory_services.import_istat(province="CR", actor=admin)
            comuni = {m.name: m for m in Municipality.objects.filter(province__abbreviation="CR")}
        existing = {d.name: d for d in SocialDistrict.objects.filter(network=network)}
        for name in (data.CREMONESE, data.CREMASCO, data.CASALASCO):
            members = [comuni[c] for c in sorted(comuni) if data.district_of(c) == name]
            district = existing.get(name)
            if district is None:
                territory_services.create_district(
                    actor=actor, network=network, name=name, code=data.DISTRICT_CODES[name], municipalities=members
                )
                self.created["districts"] += 1
                continue
            linked = set(
                NetworkMunicipality.objects.filter(network=network, district=district).values_list(
                    "municipality_id", flat=True
                )
            )
            missing = [m for m in members if m.pk not in linked]
            if missing:
                territory_services.add_municipalities(
                    actor=actor, network=network, municipalities=missing, district=district
                )
                self.created["district members"] += len(missing)
        return comuni

    def neighbourhoods(self, actor, network, comuni) -> dict[tuple[str, str], Neighbourhood]:
        existing = {
            (n.municipality.name, n.name): n
            for n in Neighbourhood.objects.filter(network=network).select_related("municipality")
        }
        for comune, name, description in data.NEIGHBOURHOODS:
            if (comune, name) not in existing:
                existing[(comune, name)] = territory_services.create_neighbourhood(
                    actor=actor, network=network, municipality=comuni[comune], name=name, description=description
                )
                self.created["neighbourhoods"] += 1
        return existing

    def places(self, actor, network, comuni, neighbourhoods) -> None:
        existing = set(Place.objects.filter(network=network).values_list("municipality__name", "name"))
        for comune, area, name, kind, address, latitude, longitude, description in data.PLACES:
            if (comune, name) in existing:
                continue
            territory_services.create_place(
                actor=actor,
                network=network,
                data={
                    "name": name,
                    "kind": kind,
                    "municipality": comuni[comune],
                    "neighbourhood": neighbourhoods[(comune, area)] if area else None,
                    "address": address,
                    "latitude": latitude,
                    "longitude": longitude,
                    "description": description,
                },
            )
            self.created["places"] += 1

    # organisations and processings

    def organizations(self, actor, network, comuni) -> dict[str, Organization]:
        by_name = {o.name: o for o in Organization.objects.filter(network=network)}
        roles = set(Partnership.objects.filter(network=network).values_list("organization__name", "role"))
        result: dict[str, Organization] = {}
        prefixes = {"Crema": "0373", "Casalmaggiore": "0375"}
        for key, name, kind, comune, address, org_roles, description in data.ORGANIZATIONS:
            org = by_name.get(name)
            if org is None:
                number = int(hashlib.sha256(name.encode()).hexdigest(), 16)
                org = organization_services.create_organization(
                    actor=actor,
                    network=network,
                    data={
                        "name": name,
                        "kind": kind,
                        "tax_code": "" if kind == Organization.Kind.INFORMAL_GROUP else organization_tax_code(key),
                        "municipality": comuni[comune],
                        "address": address,
                        "email": f"{key}@legami.demo",
                        "phone": f"{prefixes.get(comune, '0372')} {number % 900000 + 100000}",
                        "description": description,
                    },
                )
                self.created["organizations"] += 1
            for role in org_roles:
                if (name, role) not in roles:
                    organization_services.add_partnership_role(
                        actor=actor, organization=org, role=role, since=data.PARTNERSHIP_SINCE
                    )
                    self.created["partnership roles"] += 1
            result[key] = org
        return result

    def processings(self, actor, network) -> dict[str, Processing]:
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
                self.created["processings"] += 1
        return existing

    # people

    def people(self, actor, network, plan: Plan, comuni, neighbourhoods) -> dict[PersonKey, Person]:
        households = {
            (h.name, h.address, h.municipality.name if h.municipality else ""): h
            for h in Household.objects.filter(network=network).select_related("municipality")
        }
        people = {(p.first_name, p.last_name, p.birth_date): p for p in Person.objects.filter(network=network)}

        def area(comune: str, name: str):
            return neighbourhoods.get((comune, name)) if name else None

        for household_plan in plan.households:
            household = households.get(household_plan.key)
            if household is None:
                household = household_services.create_household(
                    actor=actor,
                    network=network,
                    data={
                        "name": household_plan.name,
                        "address": household_plan.address,
                        "municipality": comuni[household_plan.municipality],
                        "neighbourhood": area(household_plan.municipality, household_plan.neighbourhood),
                    },
                )
                households[household_plan.key] = household
                self.created["households"] += 1
            for person_plan in household_plan.members:
                if person_plan.key in people:
                    continue
                people[person_plan.key] = people_services.create_person(
                    actor=actor,
                    network=network,
                    data={
                        "first_name": person_plan.first_name,
                        "last_name": person_plan.last_name,
                        "tax_code": person_plan.tax_code,
                        "birth_date": person_plan.birth_date,
                        "gender": person_plan.gender,
                        "email": person_plan.email,
                        "phone": person_plan.phone,
                        "address": person_plan.address,
                        "municipality": comuni[person_plan.municipality],
                        "neighbourhood": area(person_plan.municipality, person_plan.neighbourhood),
                        "household": household,
                        "household_role": person_plan.household_role,
                    },
                )
                self.created["people"] += 1
        return people

    def volunteer(self, actor, network, comuni, neighbourhoods, people, citizen) -> None:
        spec = dict(data.VOLUNTEER_PERSON)
        birth_date = datetime.date.fromisoformat(spec["birth_date"])
        key = (spec["first_name"], spec["last_name"], birth_date)
        person = people.get(key)
        if person is None:
            tax_code = codicefiscale.encode(
                lastname=spec["last_name"],
                firstname=spec["first_name"],
                gender=spec["gender"],
                birthdate=spec["birth_date"],
                birthplace=spec.pop("birthplace"),
            )
            spec.pop("birthplace", None)
            person = people_services.create_person(
                actor=actor,
                network=network,
                data={
                    **spec,
                    "birth_date": birth_date,
                    "tax_code": tax_code,
                    "municipality": comuni[spec["municipality"]],
                    "neighbourhood": neighbourhoods[(spec["municipality"], spec["neighbourhood"])],
                },
            )
            people[key] = person
            self.created["people"] += 1
        if person.user_id != citizen.pk:
            link = getattr(people_services, "link_user", None)
            if link is None:
                self.notes.append(
                    _(
                        "The volunteer's record is not linked to the citizen account: no service links a person "
                        "to a user account yet."
                    )
                )
            else:
                link(actor=actor, person=person, user=citizen)
                self.created["person-account links"] += 1

    def ties(self, actor, network, plan: Plan, people, organizations) -> None:
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
            self.created["ties"] += 1

    def consents(self, actor, plan: Plan, people, processings) -> None:
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
            core_services.record_consent(
                actor=actor, person=person, processing=processing, given=True, source="Modulo cartaceo allo sportello"
            )
            if consent.withdrawn:
                core_services.record_consent(
                    actor=actor, person=person, processing=processing, given=False, source="Richiesta via e-mail"
                )
            self.created["consents"] += 1

    # the whole run

    def run(self) -> DemoResult:
        started = time.perf_counter()
        admin = self.step("platform admin", self.admin)
        network = self.step("network", lambda: self.network(admin))
        coordinator_spec = data.ACCOUNTS[0]
        coordinator = self.step(
            "coordinator",
            lambda: self.account(
                inviter=admin,
                network=network,
                email=coordinator_spec[0],
                full_name=coordinator_spec[1],
                role=coordinator_spec[2],
            ),
        )
        comuni = self.step("territory and districts", lambda: self.territory(admin, coordinator, network))
        neighbourhoods = self.step("neighbourhoods", lambda: self.neighbourhoods(coordinator, network, comuni))
        self.step("places", lambda: self.places(coordinator, network, comuni, neighbourhoods))
        organizations = self.step("organisations", lambda: self.organizations(coordinator, network, comuni))
        processings = self.step("processings", lambda: self.processings(coordinator, network))
        accounts = [Account(data.ADMIN_EMAIL, "Amministrazione piattaforma", _("Platform administrator"), "")]
        users = {}
        for email, full_name, role, org_key, district_name in data.ACCOUNTS:
            organization = organizations[org_key] if org_key else None
            district = SocialDistrict.objects.get(network=network, name=district_name) if district_name else None
            users[email] = self.account(
                inviter=admin if role == Role.COORDINATOR else coordinator,
                network=network,
                email=email,
                full_name=full_name,
                role=role,
                organization=organization,
                district=district,
            )
            scope = organization.name if organization else district.name if district else ""
            accounts.append(Account(email, full_name, str(Role(role).label), scope))
        plan = self.step(
            "plan",
            lambda: build_plan(municipalities=sorted(comuni), people=self.target, seed=self.seed),
        )
        people = self.step(
            f"{len(plan.people)} people in {len(plan.households)} households",
            lambda: self.people(coordinator, network, plan, comuni, neighbourhoods),
        )
        self.step(
            "volunteer",
            lambda: self.volunteer(coordinator, network, comuni, neighbourhoods, people, users[data.CITIZEN_EMAIL]),
        )
        self.step(f"{len(plan.ties)} ties", lambda: self.ties(coordinator, network, plan, people, organizations))
        self.step(f"{len(plan.consents)} consents", lambda: self.consents(coordinator, plan, people, processings))
        return DemoResult(
            network=network,
            created=self.created,
            accounts=accounts,
            seconds=round(time.perf_counter() - started, 1),
            timings=self.timings,
            notes=self.notes,
        )


def load_demo(*, small: bool = False, people: int | None = None, seed: int = SEED, log=None) -> DemoResult:
    """Create (or complete) the demo network through the services; a second run writes nothing."""
    target = people if people is not None else SMALL_PEOPLE if small else FULL_PEOPLE
    loader = _Loader(people=target, seed=seed, log=log or (lambda message: None))
    # The invitations are accepted on the spot: their e-mails would only go to fictional addresses.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic():
            return loader.run()


def demo_digest(network: Network) -> str:
    """A fingerprint of the demo's content, free of ids and timestamps (equal on any two fresh databases)."""
    lines: list[str] = []
    for p in Person.objects.filter(network=network).select_related("municipality", "neighbourhood", "household"):
        lines.append(
            "P|"
            + "|".join(
                str(v)
                for v in (
                    p.first_name,
                    p.last_name,
                    p.tax_code,
                    p.birth_date,
                    p.gender,
                    p.email,
                    p.phone,
                    p.address,
                    p.municipality.istat_code if p.municipality else "",
                    p.neighbourhood.name if p.neighbourhood else "",
                    p.household.name if p.household else "",
                    p.household_role,
                )
            )
        )
    for t in Tie.objects.filter(network=network).select_related(
        "source_person", "target_person", "source_organization", "target_organization"
    ):
        lines.append(f"T|{t.kind}|{t.direction}|{t.source}|{t.target}|{t.since}|{t.note}")
    for o in Organization.objects.filter(network=network).prefetch_related("partnerships"):
        roles = ",".join(sorted(p.role for p in o.partnerships.all()))
        lines.append(f"O|{o.name}|{o.kind}|{o.tax_code}|{roles}")
    for n in NetworkMunicipality.objects.filter(network=network).select_related("municipality", "district"):
        lines.append(f"M|{n.municipality.istat_code}|{n.district.name if n.district else ''}")
    for c in Consent.objects.filter(person__network=network).select_related("person", "processing"):
        lines.append(f"C|{c.person.tax_code or c.person.full_name}|{c.person.birth_date}|{c.processing.code}|{c.given}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
