"""The demo network generator (`manage.py load_demo`).

Builds "Wel(l)FARE legami — Provincia di Cremona" ONLY through the services, acting as the platform
admin (network, first coordinator, ISTAT import) and then as the demo coordinator (everything else).

Two phases keep it deterministic and idempotent: `build_plan()` draws every person, household, tie and
consent from a seeded random generator and a seeded Faker, without touching the database; `apply`
then creates, through the services, only what is not there yet (matched on natural keys), so a second
run writes nothing and an interrupted one is completed.

The package splits the work by concept: `plan` (the plain data), `accounts`, `territory`, `organizations`,
`households` (people and households), `ties` (ties, processings and consents), `loader` (the run) and
`digest` (the fingerprint the determinism test compares).
"""

from legami.demo.generator.accounts import Account
from legami.demo.generator.digest import demo_digest
from legami.demo.generator.loader import DemoResult, build_plan, load_demo
from legami.demo.generator.organizations import organization_tax_code
from legami.demo.generator.plan import (
    FULL_PEOPLE,
    REFERENCE_DATE,
    SEED,
    SMALL_PEOPLE,
    ConsentPlan,
    HouseholdPlan,
    PersonPlan,
    Plan,
    TiePlan,
    tax_code_for,
)

__all__ = [
    "FULL_PEOPLE",
    "REFERENCE_DATE",
    "SEED",
    "SMALL_PEOPLE",
    "Account",
    "ConsentPlan",
    "DemoResult",
    "HouseholdPlan",
    "PersonPlan",
    "Plan",
    "TiePlan",
    "build_plan",
    "demo_digest",
    "load_demo",
    "organization_tax_code",
    "tax_code_for",
]
