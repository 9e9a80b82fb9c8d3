"""Cases, pacts and referrals at province scale (issue 12's bar: 3,000 pacts and 10,000 referrals; the case
manager's desk and the pact page at p95 <= 300 ms with 8 concurrent clients and <= 15 queries, beside the bare
view).

Written with `bulk_create`, because this is load, not demo content: 75 case managers (one of them, the measured
one, with 40 cases) and 20 partner staff, the cases (90% open) of people of the seeded registry with their teams
(the coordinator on 200 of them), a baseline assessment of the eight domains each and another at each review held,
one pact per case in every state (a second, completed, on one case in ten), its versions (one, or two when
renewed) each with objectives and expected results, a support, two budget lines and three commitments (one of
give-back, 2 hours a week), the expenses (some near or over the budget, some awaiting approval), the give-back
hours (some pacts behind), the reviews held with their items, and 10,000 referrals over the province (a third of
them open, assigned or not). Every free text is encrypted on insert, as the application writes it.

`populate_pacts` is called by `benchmarks.seed.populate` (before its ANALYZE) when `--pacts` is not 0; `endpoints`
gives the pages `benchmarks.suite` measures, `TARGETS` the issue's limits printed beside them. To measure another
page of a pact, add a line to `PACT_PAGES`.
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SEED = 20261204
TARGETS = {"p95_ms": 300.0, "queries": 15}
CASE_MANAGER_EMAIL = "casemanager-{n}@bench.invalid"
STAFF_EMAIL = "partner-staff-{n}@bench.invalid"
MANAGERS = 75
MEASURED_CASES = 40  # the measured case manager's cases
COORDINATOR_CASES = 200  # the cases the coordinator is on the team of

# The pages of a pact measured beside the desk, one line each: (key, label, path, who). The path is formatted with
# {slug} and {pact} (a pact in force of the measured case manager, on the coordinator's team too); who is
# "case_manager" or "coordinator". The pact page is built by another part: add it here when it lands, e.g.
# ("pact", "pact page (case manager)", "/{slug}/pacts/pacts/{pact}/", "case_manager").
PACT_PAGES: list[tuple[str, str, str, str]] = []

# States of the pacts, by weight.
STATES = (
    ("draft", 10),
    ("proposed", 5),
    ("signed", 5),
    ("active", 55),
    ("under_review", 10),
    ("completed", 10),
    ("interrupted", 5),
)
SIGNED = {"signed", "active", "under_review", "completed", "interrupted"}
LIVE = {"active", "under_review"}
DOMAINS = ("housing", "work", "income", "health", "relationships", "skills", "family_care", "autonomy")


@dataclass
class SeededPacts:
    cases: int
    pacts: int
    referrals: int
    case_manager: Any
    sample_pact: Any
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _users(network, organization) -> tuple[list, list]:
    from django.contrib.auth.hashers import make_password

    from legami.accounts.models import User
    from legami.core.roles import Role
    from legami.network.models import Membership

    unusable = make_password(None)
    managers = [
        User(username=e, email=e, full_name=f"Case manager {n}", password=unusable)
        for n, e in ((n, CASE_MANAGER_EMAIL.format(n=n)) for n in range(MANAGERS))
    ]
    staff = [
        User(username=e, email=e, full_name=f"Operatore partner {n}", password=unusable)
        for n, e in ((n, STAFF_EMAIL.format(n=n)) for n in range(20))
    ]
    User.objects.bulk_create([*managers, *staff])
    Membership.objects.bulk_create(
        [Membership(network=network, user=u, role=Role.CASE_MANAGER) for u in managers]
        + [Membership(network=network, user=u, role=Role.PARTNER_STAFF, organization=organization) for u in staff]
    )
    return managers, staff


def populate_pacts(*, network, coordinator, municipalities, pacts: int = 3_000, referrals: int = 10_000) -> SeededPacts:
    """`pacts` cases with a pact each (and their rows, see the module's docstring) and `referrals` referrals."""
    from django.db import transaction
    from django.utils import timezone

    from legami.core.models import LegalBasis, Processing, SpecialCategoryCondition
    from legami.network.models import Organization, Person
    from legami.pacts import models as m
    from legami.referrals.models import TRIAGE_WITHIN, Referral

    rng = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now()
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}

    def day(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    started = time.perf_counter()
    with transaction.atomic():
        organization = Organization.objects.create(
            network=network, name="Cooperativa sociale del patto", kind="cooperative"
        )
        managers, staff = _users(network, organization)
        processing = Processing.objects.create(
            network=network,
            code="presa-in-carico",
            name="Presa in carico e patti gener-attivi",
            purpose="Accompagnare le persone prese in carico con un patto.",
            legal_basis=LegalBasis.PUBLIC_TASK,
            special_category_condition=SpecialCategoryCondition.SOCIAL_PROTECTION,
        )
        people = list(Person.objects.filter(network=network).values_list("pk", flat=True)[: pacts * 2])
        rng.shuffle(people)
        cases = []
        for n in range(pacts):
            closed = rng.random() < 0.1
            cases.append(
                m.Case(
                    network=network,
                    person_id=people[n % len(people)],
                    processing=processing,
                    status="closed" if closed else "open",
                    close_reason="goals_reached" if closed else "",
                    closed_on=day(-rng.randint(1, 60)) if closed else None,
                    summary="Situazione seguita dai servizi: lavoro, casa e relazioni.",
                    opened_by=coordinator,
                    opened_on=day(-rng.randint(60, 700)),
                )
            )
        m.Case.objects.bulk_create(cases, batch_size=1000)
        # The measured case manager (managers[0]) has MEASURED_CASES cases, the others share the rest; the
        # coordinator is on COORDINATOR_CASES teams (as a member), partner staff on half of them.
        members = []
        for n, case in enumerate(cases):
            manager = managers[0] if n < MEASURED_CASES else managers[1 + n % (MANAGERS - 1)]
            members.append(m.CaseMember(network=network, case=case, user=manager, role="manager"))
            if MEASURED_CASES // 2 <= n < MEASURED_CASES // 2 + COORDINATOR_CASES:
                members.append(m.CaseMember(network=network, case=case, user=coordinator, role="member"))
            if n % 2 == 0:
                members.append(
                    m.CaseMember(
                        network=network, case=case, user=staff[n % len(staff)], role="member", organization=organization
                    )
                )
        m.CaseMember.objects.bulk_create(members, batch_size=5000)
    counts["cases"], counts["team_members"] = len(cases), len(members)
    timings["cases"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    weights = [w for _s, w in STATES]
    names = [s for s, _w in STATES]
    with transaction.atomic():
        pact_rows, extra = [], []
        for case in cases:
            status = rng.choices(names, weights)[0]
            if case.status == "closed":
                status = rng.choice(("completed", "interrupted"))
            pact_rows.append(
                m.Pact(
                    network=network,
                    case=case,
                    status=status,
                    interrupt_reason="other" if status == "interrupted" else "",
                    next_review_on=day(rng.randint(-10, 80)) if status in LIVE else None,
                    created_by=coordinator,
                )
            )
            if rng.random() < 0.1:
                extra.append(m.Pact(network=network, case=case, status="completed", created_by=coordinator))
        all_pacts = pact_rows + extra
        m.Pact.objects.bulk_create(all_pacts, batch_size=1000)
        versions = []
        for pact in all_pacts:
            renewed = pact.status in SIGNED and rng.random() < 0.3
            start = day(-rng.randint(30, 300))
            numbers = (1, 2) if renewed else (1,)
            for number in numbers:
                first = number == 1
                starts = start if first else start + datetime.timedelta(weeks=12)
                signed = pact.status in SIGNED
                versions.append(
                    m.PactVersion(
                        network=network,
                        pact=pact,
                        number=number,
                        summary="Ritrovare un lavoro e una rete di amicizie nel quartiere.",
                        change_note="" if first else "Rinnovato alla verifica.",
                        starts_on=starts,
                        ends_on=starts + datetime.timedelta(days=365),
                        review_every_weeks=12,
                        created_by=coordinator,
                        signed_on=starts if signed else None,
                        signature_method="witnessed" if signed else "",
                        signature_recorded_by=coordinator if signed else None,
                    )
                )
        m.PactVersion.objects.bulk_create(versions, batch_size=1000)
        latest: dict[int, Any] = {}
        for version in versions:
            latest[version.pact_id] = version
        for pact in all_pacts:
            if pact.status in SIGNED:
                pact.current_version = latest[pact.pk]
        m.Pact.objects.bulk_update([p for p in all_pacts if p.current_version_id], ["current_version"], batch_size=1000)
    counts["pacts"], counts["versions"] = len(all_pacts), len(versions)
    timings["pacts"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    keys: dict[int, dict[str, Any]] = {}  # pact -> the keys of its rows (the same across its versions)
    with transaction.atomic():
        objectives, supports, lines, commitments = [], [], [], []
        for version in versions:
            k = keys.setdefault(
                version.pact_id,
                {"objectives": [uuid.uuid4(), uuid.uuid4()], "lines": [uuid.uuid4(), uuid.uuid4()],
                 "give_back": uuid.uuid4(), "dated": [uuid.uuid4(), uuid.uuid4()], "support": uuid.uuid4()},
            )  # fmt: skip
            for position, key in enumerate(k["objectives"], start=1):
                objectives.append(
                    m.Objective(version=version, key=key, position=position, text="Trovare un lavoro part-time")
                )
            supports.append(
                m.Support(version=version, key=k["support"], service="Orientamento al lavoro", frequency="Settimanale")
            )
            for position, key in enumerate(k["lines"], start=1):
                lines.append(
                    m.BudgetLine(
                        version=version,
                        key=key,
                        position=position,
                        category="training" if position == 1 else "transport",
                        description="Corso e abbonamento",
                        amount=Decimal("400.00") if position == 1 else Decimal("200.00"),
                    )
                )
            commitments.append(
                m.Commitment(
                    version=version,
                    key=k["give_back"],
                    position=1,
                    party="person",
                    what="Aiuto al doposcuola del quartiere",
                    is_give_back=True,
                    hours_per_week=Decimal("2"),
                )
            )
            for position, key in enumerate(k["dated"], start=2):
                commitments.append(
                    m.Commitment(
                        version=version,
                        key=key,
                        position=position,
                        party="case_manager" if position == 2 else "person",
                        what="Accompagnare ai colloqui al centro per l'impiego",
                        due_on=version.starts_on + datetime.timedelta(days=rng.randint(20, 200)),
                    )
                )
        m.Objective.objects.bulk_create(objectives, batch_size=2000)
        m.ExpectedResult.objects.bulk_create(
            [m.ExpectedResult(objective=o, indicator="Colloqui sostenuti", target="3") for o in objectives],
            batch_size=2000,
        )
        m.Support.objects.bulk_create(supports, batch_size=2000)
        m.BudgetLine.objects.bulk_create(lines, batch_size=2000)
        m.Commitment.objects.bulk_create(commitments, batch_size=2000)
    counts["version_rows"] = len(objectives) * 2 + len(supports) + len(lines) + len(commitments)
    timings["version_rows"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    with transaction.atomic():
        expenses, hours, reviews, items = [], [], [], []
        firsts = {v.pact_id: v for v in versions if v.number == 1}
        for pact in all_pacts:
            if not pact.current_version_id:
                continue
            k = keys[pact.pk]
            version = latest[pact.pk]
            # Expenses: most pacts spend a little, one in six near or over its 600 euro.
            spend = rng.choice((0, 100, 200, 300, 350)) if rng.random() > 1 / 6 else rng.choice((490, 560, 620))
            while spend > 0:
                amount = min(spend, rng.choice((50, 80, 120, 200)))
                expenses.append(
                    m.Expense(
                        network=network,
                        pact=pact,
                        line_key=rng.choice(k["lines"]),
                        amount=Decimal(amount),
                        spent_on=day(-rng.randint(1, 200)),
                        description="Spesa documentata",
                        status="recorded",
                        recorded_by=coordinator,
                    )
                )
                spend -= amount
            if rng.random() < 0.05:
                expenses.append(
                    m.Expense(
                        network=network,
                        pact=pact,
                        line_key=k["lines"][0],
                        amount=Decimal("90.00"),
                        spent_on=day(-2),
                        description="Spesa oltre il budget",
                        status="awaiting_approval",
                        recorded_by=staff[0],
                    )
                )
            # Give-back: about weekly sessions of 2 hours since the version started, a quarter of them behind.
            pace = 0.4 if rng.random() < 0.25 else 1.0
            weeks = max(0, (today - version.starts_on).days // 7)
            for week in range(weeks):
                if rng.random() < pace:
                    hours.append(
                        m.GiveBackHours(
                            network=network,
                            pact=pact,
                            commitment_key=k["give_back"],
                            done_on=version.starts_on + datetime.timedelta(weeks=week, days=rng.randint(0, 6)),
                            minutes=120,
                            source="other",
                            host=organization,
                            status="confirmed" if rng.random() < 0.9 else "pending",
                            logged_by=coordinator,
                        )
                    )
            # Reviews held: one per 12 weeks of the pact, each rating its commitments.
            held = firsts[pact.pk].starts_on + datetime.timedelta(weeks=12)
            while held < today:
                review = m.Review(
                    network=network,
                    pact=pact,
                    version=version,
                    due_on=held,
                    held_on=held,
                    outcome="continue",
                    notes="Verifica con la persona.",
                    held_by=coordinator,
                )
                reviews.append(review)
                for key in k["dated"]:
                    items.append((review, key, rng.choice(("met", "partly", "not_met", "not_due"))))
                held += datetime.timedelta(weeks=12)
        m.Expense.objects.bulk_create(expenses, batch_size=2000)
        m.GiveBackHours.objects.bulk_create(hours, batch_size=5000)
        m.Review.objects.bulk_create(reviews, batch_size=2000)
        m.ReviewItem.objects.bulk_create(
            [m.ReviewItem(review=r, kind="commitment", item_key=key, rating=rating) for r, key, rating in items],
            batch_size=5000,
        )
    counts.update(expenses=len(expenses), give_back_hours=len(hours), reviews=len(reviews), review_items=len(items))
    timings["budget_hours_reviews"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    with transaction.atomic():
        assessments = []
        for case in cases:
            assessments.append(
                m.Assessment(network=network, case=case, kind="baseline", assessed_on=case.opened_on, note="")
            )
        for review in reviews[: len(reviews) // 2]:
            assessments.append(
                m.Assessment(
                    network=network, case_id=review.pact.case_id, kind="review", assessed_on=review.held_on, note=""
                )
            )
        m.Assessment.objects.bulk_create(assessments, batch_size=2000)
        scores = [
            m.AssessmentScore(assessment=a, domain=d, score=rng.randint(1, 5), notes="", evidence="")
            for a in assessments
            for d in DOMAINS
        ]
        m.AssessmentScore.objects.bulk_create(scores, batch_size=5000)
    counts.update(assessments=len(assessments), assessment_scores=len(scores))
    timings["assessments"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    triagers = [coordinator, *managers]
    with transaction.atomic():
        rows = []
        for _n in range(referrals):
            status = rng.choices(
                ("new", "assigned", "info_requested", "accepted", "redirected", "closed"), (12, 15, 5, 30, 13, 25)
            )[0]
            urgency = rng.choices(("immediate", "high", "ordinary"), (5, 25, 70))[0]
            filed = now - datetime.timedelta(days=rng.uniform(0, 540))
            rows.append(
                Referral(
                    network=network,
                    reporter=coordinator,
                    municipality=rng.choice(municipalities),
                    subject="La signora anziana del civico 12",
                    observed="Non esce di casa da una settimana.",
                    where="Via Manzoni",
                    urgency=urgency,
                    consent="not_asked",
                    status=status,
                    due_at=filed + TRIAGE_WITHIN[urgency],
                    assigned_to=None if status == "new" else rng.choice(triagers),
                    close_reason="no_need" if status == "closed" else "",
                    decided_at=filed + datetime.timedelta(days=3)
                    if status in ("accepted", "redirected", "closed")
                    else None,
                )
            )
        Referral.objects.bulk_create(rows, batch_size=2000)
        # created_at is set on insert: spread it over the filing days, as the queue shows the time since filing.
        for referral in rows:
            referral.created_at = referral.due_at - TRIAGE_WITHIN[referral.urgency]
        Referral.objects.bulk_update(rows, ["created_at"], batch_size=2000)
    counts["referrals"] = len(rows)
    timings["referrals"] = round(time.perf_counter() - started, 1)

    sample = next(p for p in pact_rows[:MEASURED_CASES] if p.status in LIVE and p.case_id)
    return SeededPacts(
        cases=len(cases),
        pacts=len(all_pacts),
        referrals=len(rows),
        case_manager=managers[0],
        sample_pact=sample,
        counts=counts,
        timings=timings,
    )


def endpoints(slug: str, seeded: SeededPacts, *, coordinator, coordinator_cookie: str, session_cookie):
    """The pages measured: the desk of the case manager with 40 cases and of the coordinator on 200, then the
    pages of `PACT_PAGES`."""
    from benchmarks.load import Endpoint

    manager_cookie = session_cookie(seeded.case_manager)
    who = {
        "case_manager": (manager_cookie, seeded.case_manager),
        "coordinator": (coordinator_cookie, coordinator),
    }
    desk = f"/{slug}/pacts/"
    pages = [
        Endpoint("desk_case_manager", f"desk, case manager ({MEASURED_CASES} cases)", desk, *who["case_manager"]),
        Endpoint("desk_coordinator", f"desk, coordinator ({COORDINATOR_CASES} cases)", desk, *who["coordinator"]),
    ]
    for key, label, path, viewer in PACT_PAGES:
        pages.append(Endpoint(key, label, path.format(slug=slug, pact=seeded.sample_pact.pk), *who[viewer]))
    return pages


def keys() -> tuple[str, ...]:
    return ("desk_case_manager", "desk_coordinator", *(key for key, *_rest in PACT_PAGES))


def verdict(row: dict) -> dict:
    """The row against the issue's targets: p95 (over HTTP at the run's concurrency) and queries per request."""
    p95, queries = row.get("p95_ms"), row.get("queries_per_request")
    return {
        "p95_ms": TARGETS["p95_ms"],
        "queries": TARGETS["queries"],
        "p95_met": p95 is not None and p95 <= TARGETS["p95_ms"],
        "queries_met": queries is not None and queries <= TARGETS["queries"],
    }
