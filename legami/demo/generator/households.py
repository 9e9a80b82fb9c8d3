"""Demo people and households: drawing them (the plan) and creating what is missing (through the services)."""

from __future__ import annotations

import datetime
import random
from collections import Counter

from codicefiscale import codicefiscale
from django.utils.translation import gettext as _
from faker import Faker

from legami.demo import data
from legami.demo.generator.plan import (
    HouseholdKey,
    HouseholdPlan,
    PersonKey,
    PersonPlan,
    Plan,
    ascii_slug,
    born_between,
    tax_code_for,
)
from legami.network.models import Household, Person
from legami.network.services import households as household_services
from legami.network.services import people as people_services


class HouseholdPlanner:
    """Draws households and their members, one household at a time, from one seeded generator."""

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
                birth_date=born_between(self.rng, *age),
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
            base = f"{ascii_slug(person.first_name)}.{ascii_slug(person.last_name)}"
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


def ensure_people(actor, network, plan: Plan, comuni, neighbourhoods, *, created: Counter) -> dict[PersonKey, Person]:
    """Every planned household and person, keyed like the plan; existing ones are matched, not created."""
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
            created["households"] += 1
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
            created["people"] += 1
    return people


def ensure_volunteer(
    actor, network, comuni, neighbourhoods, people, citizen, *, created: Counter, notes: list[str]
) -> None:
    """The volunteer's person record, linked to the citizen account when a service can do it."""
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
        created["people"] += 1
    if person.user_id != citizen.pk:
        link = getattr(people_services, "link_user", None)
        if link is None:
            notes.append(
                _(
                    "The volunteer's record is not linked to the citizen account: no service links a person "
                    "to a user account yet."
                )
            )
        else:
            link(actor=actor, person=person, user=citizen)
            created["person-account links"] += 1
