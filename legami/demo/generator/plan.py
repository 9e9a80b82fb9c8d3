"""The demo plan: constants, the plain data it is made of, and the helpers that draw dates and codes."""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass, field

from codicefiscale import codicefiscale

from legami.network.models import Tie

SEED = 2026
FULL_PEOPLE = 3000
SMALL_PEOPLE = 60
# A fixed "today" so that ages, and therefore the whole data set, do not depend on the run date.
REFERENCE_DATE = datetime.date(2026, 1, 15)

PersonKey = tuple[str, str, datetime.date]
HouseholdKey = tuple[str, str, str]


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


def ascii_slug(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def born_between(rng: random.Random, age_from: int, age_to: int) -> datetime.date:
    """A birth date for someone aged between age_from and age_to on REFERENCE_DATE."""
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age_from) - datetime.timedelta(days=1)
    earliest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age_to - 1) + datetime.timedelta(days=1)
    return date_between(rng, earliest, latest)


def tax_code_for(person: PersonPlan) -> str:
    """The codice fiscale of a planned person (the birthplace is a Comune name)."""
    return codicefiscale.encode(
        lastname=person.last_name,
        firstname=person.first_name,
        gender=person.gender,
        birthdate=person.birth_date.isoformat(),
        birthplace=person.birthplace,
    )
