"""The demo run: `build_plan()` draws the data set, `load_demo()` applies it step by step through the services."""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from legami.core.roles import Role
from legami.demo import data
from legami.demo.generator.accounts import Account, ensure_account, ensure_admin, ensure_network
from legami.demo.generator.activities import ensure_activities
from legami.demo.generator.exchange import ensure_exchange
from legami.demo.generator.households import HouseholdPlanner, ensure_people, ensure_volunteer
from legami.demo.generator.needs import (
    COMMUNITY_WORKER_EMAIL,
    ensure_areas,
    ensure_demands,
    ensure_needs,
    needs_for,
    plan_needs,
)
from legami.demo.generator.organizations import ensure_organizations
from legami.demo.generator.pacts import ensure_pacts
from legami.demo.generator.participation import LAB_CITY, ensure_participation
from legami.demo.generator.plan import FULL_PEOPLE, SEED, SMALL_PEOPLE, Plan, TiePlan
from legami.demo.generator.responses import ensure_responses
from legami.demo.generator.spaces import ensure_spaces
from legami.demo.generator.surveys import ensure_surveys, plan_answers
from legami.demo.generator.territory import ensure_neighbourhoods, ensure_places, ensure_territory
from legami.demo.generator.ties import ensure_consents, ensure_processings, ensure_ties, plan_consents, plan_ties
from legami.demo.generator.timebank import ensure_timebank
from legami.network.models import Network, Tie
from legami.territory.models import SocialDistrict


def build_plan(*, municipalities: list[str], people: int = FULL_PEOPLE, seed: int = SEED) -> Plan:
    """Draw the demo's households, people, ties and consents (deterministic for a seed and a list of Comuni)."""
    planner = HouseholdPlanner(municipalities=municipalities, people=people, seed=seed)
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
    # Ties, then consents, from the planner's own generator: the order of the draws is the data set.
    ties = plan_ties(
        planner.rng, households=planner.households, people=planner.people, organization_keys=organization_keys
    )
    ties += [
        TiePlan(Tie.Kind.COLLABORATION, a, b, since=datetime.date(2015 + i % 4, 1 + i % 12, 1), note=note)
        for i, (a, b, note) in enumerate(data.ORGANIZATION_TIES)
    ]
    return Plan(planner.households, planner.people, ties, plan_consents(planner.rng, people=planner.people))


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

    def run(self) -> DemoResult:
        started = time.perf_counter()
        created = self.created
        admin = self.step("platform admin", lambda: ensure_admin(created=created))
        network = self.step("network", lambda: ensure_network(admin, created=created))
        coordinator_spec = data.ACCOUNTS[0]
        coordinator = self.step(
            "coordinator",
            lambda: ensure_account(
                inviter=admin,
                network=network,
                email=coordinator_spec[0],
                full_name=coordinator_spec[1],
                role=coordinator_spec[2],
                created=created,
            ),
        )
        comuni = self.step(
            "territory and districts", lambda: ensure_territory(admin, coordinator, network, created=created)
        )
        neighbourhoods = self.step(
            "neighbourhoods", lambda: ensure_neighbourhoods(coordinator, network, comuni, created=created)
        )
        self.step("places", lambda: ensure_places(coordinator, network, comuni, neighbourhoods, created=created))
        organizations = self.step(
            "organisations", lambda: ensure_organizations(coordinator, network, comuni, created=created)
        )
        processings = self.step("processings", lambda: ensure_processings(coordinator, network, created=created))
        accounts, users = self.accounts(admin, coordinator, network, organizations)
        plan = self.step(
            "plan",
            lambda: build_plan(municipalities=sorted(comuni), people=self.target, seed=self.seed),
        )
        people = self.step(
            f"{len(plan.people)} people in {len(plan.households)} households",
            lambda: ensure_people(coordinator, network, plan, comuni, neighbourhoods, created=created),
        )
        self.step(
            "volunteer",
            lambda: ensure_volunteer(
                coordinator,
                network,
                comuni,
                neighbourhoods,
                people,
                users[data.CITIZEN_EMAIL],
                created=created,
                notes=self.notes,
            ),
        )
        self.step(
            f"{len(plan.ties)} ties",
            lambda: ensure_ties(coordinator, network, plan, people, organizations, created=created),
        )
        self.step(
            f"{len(plan.consents)} consents",
            lambda: ensure_consents(coordinator, plan, people, processings, created=created),
        )
        self.needs_and_demands(network, plan, comuni, neighbourhoods, people, users)
        self.step(
            "participation",
            lambda: ensure_participation(
                network,
                coordinator=coordinator,
                worker=users[COMMUNITY_WORKER_EMAIL],
                citizen=users[data.CITIZEN_EMAIL],
                comuni=comuni,
                neighbourhoods=neighbourhoods,
                small=self.target <= SMALL_PEOPLE,
                created=created,
                seed=self.seed,
            ),
        )
        self.step(
            "co-programming, co-design and responses",
            lambda: ensure_responses(
                network,
                coordinator=coordinator,
                worker=users[COMMUNITY_WORKER_EMAIL],
                partner_staff=users["cooperativa@legami.demo"],
                evaluator=users["valutatore@legami.demo"],
                comuni=comuni,
                created=created,
                lab_title=LAB_CITY,
            ),
        )
        self.step(
            "offers and matches",
            lambda: ensure_exchange(
                network,
                coordinator=coordinator,
                worker=users[COMMUNITY_WORKER_EMAIL],
                citizen=users[data.CITIZEN_EMAIL],
                organizations=organizations,
                comuni=comuni,
                created=created,
            ),
        )
        self.step(
            "time bank",
            lambda: ensure_timebank(
                network,
                worker=users[COMMUNITY_WORKER_EMAIL],
                citizen=users[data.CITIZEN_EMAIL],
                partner_staff=users.get("cooperativa@legami.demo"),
                created=created,
                seed=self.seed,
            ),
        )
        self.step(
            "shared spaces and bookings",
            lambda: ensure_spaces(
                network,
                coordinator=coordinator,
                partner_staff=users["cooperativa@legami.demo"],
                worker=users[COMMUNITY_WORKER_EMAIL],
                citizen=users[data.CITIZEN_EMAIL],
                created=created,
            ),
        )
        self.step(
            "Civic Center activities",
            lambda: ensure_activities(
                network,
                coordinator=coordinator,
                partner_staff=users["cooperativa@legami.demo"],
                created=created,
            ),
        )
        self.step(
            "referrals, cases and pacts",
            lambda: ensure_pacts(
                network,
                case_manager=users["assistente.sociale@legami.demo"],
                coordinator=coordinator,
                partner_staff=users["cooperativa@legami.demo"],
                sentinel=users.get(data.SENTINEL_EMAIL),
                worker=users[COMMUNITY_WORKER_EMAIL],
                small=self.target <= SMALL_PEOPLE,
                created=created,
                seed=self.seed,
            ),
        )
        return DemoResult(
            network=network,
            created=self.created,
            accounts=accounts,
            seconds=round(time.perf_counter() - started, 1),
            timings=self.timings,
            notes=self.notes,
        )

    def accounts(self, admin, coordinator, network, organizations) -> tuple[list[Account], dict[str, Any]]:
        """The demo's accounts, one per role, each with its membership; returns the list shown at the end."""
        created = self.created
        accounts = [Account(data.ADMIN_EMAIL, "Amministrazione piattaforma", _("Platform administrator"), "")]
        users = {}
        for email, full_name, role, org_key, district_name in data.ACCOUNTS:
            organization = organizations[org_key] if org_key else None
            district = SocialDistrict.objects.get(network=network, name=district_name) if district_name else None
            users[email] = ensure_account(
                inviter=admin if role == Role.COORDINATOR else coordinator,
                network=network,
                email=email,
                full_name=full_name,
                role=role,
                organization=organization,
                district=district,
                created=created,
            )
            scope = organization.name if organization else district.name if district else ""
            accounts.append(Account(email, full_name, str(Role(role).label), scope))
        return accounts, users

    def needs_and_demands(self, network, plan: Plan, comuni, neighbourhoods, people, users) -> None:
        """Needs, surveys with their answers, and one aggregation run with a few accepted demands."""
        created, small = self.created, self.target <= SMALL_PEOPLE
        municipalities = sorted(comuni)
        need_plans = self.step(
            "needs plan",
            lambda: plan_needs(
                plan=plan,
                municipalities=municipalities,
                count=needs_for(self.target),
                seed=self.seed,
                small=small,
            ),
        )
        self.step(
            f"{len(need_plans)} needs",
            lambda: ensure_needs(
                network,
                need_plans,
                users=users,
                comuni=comuni,
                neighbourhoods=neighbourhoods,
                people=people,
                created=created,
                log=self.log,
            ),
        )
        answers = plan_answers(municipalities=municipalities, seed=self.seed, small=small)
        self.step(
            f"surveys ({sum(len(a) for a in answers.values())} answers)",
            lambda: ensure_surveys(
                users[COMMUNITY_WORKER_EMAIL],
                network,
                answers,
                comuni=comuni,
                neighbourhoods=neighbourhoods,
                areas=ensure_areas(network, created=created),
                created=created,
            ),
        )
        self.step(
            "aggregation",
            lambda: ensure_demands(
                network,
                reviewer=users[COMMUNITY_WORKER_EMAIL],
                small=small,
                created=created,
                notes=self.notes,
            ),
        )


def load_demo(*, small: bool = False, people: int | None = None, seed: int = SEED, log=None) -> DemoResult:
    """Create (or complete) the demo network through the services; a second run writes nothing."""
    target = people if people is not None else SMALL_PEOPLE if small else FULL_PEOPLE
    loader = _Loader(people=target, seed=seed, log=log or (lambda message: None))
    # The invitations are accepted on the spot: their e-mails would only go to fictional addresses.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic():
            return loader.run()
