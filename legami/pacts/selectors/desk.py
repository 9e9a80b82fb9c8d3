"""The case manager's desk: what needs the viewer today, across the cases whose team they are on.

Five short lists, the most urgent first, each with its count: my open cases, the reviews due within two weeks (or
past), the overdue commitments of the pacts in force, the referrals waiting for my triage, and the budgets near
their limit (with the expenses over budget waiting for my approval). Each list is one query whatever the number of
cases: the count rides on the rows as a window function, and every figure (the next review, the hours given back,
the money spent) is a subquery of the list's query, never a loop in Python.

`overdue_commitments(pacts, today)` is also what the reminders send (legami.pacts.services.reminders): the desk
and the e-mails agree on what "overdue" means.

What "overdue" means:
- a commitment of the version in force with a `due_on` before today, and no review of the pact held since the
  version took effect that rated it "met" (by its key, which stays the same across versions);
- a give-back commitment in hours a week whose hours confirmed by the host since the version in force took effect
  are below 75% of hours a week × weeks elapsed (the rate of the version in force, from its first day).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models import Case as Choose
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, district_scope
from legami.core.prepared import Prepared
from legami.network.models import Network
from legami.pacts.capabilities import APPROVE_OVERSPENDING, WORK_ON_CASES
from legami.pacts.models import (
    BudgetLine,
    Case,
    CaseMember,
    CaseStatus,
    Commitment,
    Expense,
    ExpenseStatus,
    GiveBackHours,
    GiveBackStatus,
    ItemRating,
    Pact,
    PactStatus,
    ReviewItem,
)
from legami.pacts.selectors.access import EVERY, visibility, visible_cases
from legami.referrals.capabilities import TRIAGE_REFERRALS
from legami.referrals.models import Referral, ReferralStatus
from legami.territory.models import NetworkMunicipality

# How many rows each list shows (its count says how many there are).
ROWS = 10
# Reviews due within this many days (or already past) are on the desk.
REVIEW_WITHIN_DAYS = 14
# A give-back commitment is behind below this share of the hours expected so far (75%): the comparison is done in
# SQL as confirmed minutes × 28 < 180 × hours a week × days, i.e. minutes < 0.75 × 60 × hours a week × days / 7.
BEHIND_MINUTES_FACTOR = 180
BEHIND_DAYS_FACTOR = 28
# A budget is near its limit from this share of its lines' total (80%).
BUDGET_NEAR = Decimal("0.8")

# Pacts in force: their version in force is being carried out.
LIVE = (PactStatus.ACTIVE, PactStatus.UNDER_REVIEW)
# Pacts whose budget may be spent.
SPENDING = (PactStatus.SIGNED, PactStatus.ACTIVE, PactStatus.UNDER_REVIEW)
# Expenses that count against the budget.
COUNTED = (ExpenseStatus.RECORDED, ExpenseStatus.APPROVED)
OPEN_REFERRALS = (ReferralStatus.NEW, ReferralStatus.ASSIGNED, ReferralStatus.INFO_REQUESTED)


class DaysSince(Func):
    """Whole days from the date expression to `today` (a date given as a parameter): `today - expression`."""

    output_field = IntegerField()

    def __init__(self, expression: Any, today: datetime.date) -> None:
        super().__init__(expression, Value(today.isoformat()))

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:  # type: ignore[override]
        """PostgreSQL (and standard SQL): date minus date is a number of days."""
        start, today = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        today_sql, today_params = compiler.compile(today)
        return f"(CAST({today_sql} AS date) - {start_sql})", (*today_params, *start_params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        start, today = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        today_sql, today_params = compiler.compile(today)
        return (
            f"CAST(julianday({today_sql}) - julianday({start_sql}) AS integer)",
            (*today_params, *start_params),
        )


@dataclass
class Section:
    """One list of the desk: the first rows, the most urgent first, and how many there are in all."""

    rows: list[Any] = field(default_factory=list)
    count: int = 0

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class Desk:
    today: datetime.date
    cases: Section
    reviews: Section
    commitments: Section
    budgets: Section
    # None: the viewer does not triage referrals / approve overspending (the section is not shown).
    referrals: Section | None = None
    approvals: Section | None = None

    @property
    def case_ids(self) -> list[int]:
        """The cases whose rows the desk shows (the audit records them as read)."""
        ids: list[int] = [case.pk for case in self.cases.rows]
        ids += [pact.case_id for pact in [*self.reviews.rows, *self.budgets.rows]]
        ids += [row.case_number for row in self.commitments.rows]
        ids += [expense.case_number for expense in (self.approvals.rows if self.approvals else [])]
        return sorted(set(ids))


def team_cases(viewer: Any, network: Network) -> QuerySet[Case]:
    """The open cases whose team `viewer` is on (reading rights of the privacy officer do not make a case theirs)."""
    return _team_cases(visibility(viewer, network), getattr(viewer, "pk", None), network.pk)


def _team_cases(seen: str, viewer_id: Any, network_id: Any) -> QuerySet[Case]:
    """`team_cases` by ids, for the desk's prepared queries."""
    cases = visible_cases(seen, viewer_id, network_id)
    if seen == EVERY:
        cases = cases.filter(members__user_id=viewer_id)
    return cases.filter(status=CaseStatus.OPEN)


def _windowed(queryset: QuerySet, limit: int = ROWS) -> QuerySet:
    """The first `limit` rows, each with `_total`, the count of all of them (a window over the whole list)."""
    return queryset.annotate(_total=Window(Count("pk")))[:limit]


def _section(rows: list[Any]) -> Section:
    """The Section of rows read with `_windowed`."""
    return Section(rows=rows, count=rows[0]._total if rows else 0)


# The columns each list's rows read: what the desk shows, the keys it links and audits by, nothing else (the case's
# and the referral's texts are encrypted: decrypting them for a list that never shows them costs for nothing). The
# person's name comes from the cases list, read first and whole (`CaseRow.name`), not from a join on every list.
PACT_ROW = ("status", "next_review_on", "current_version", "case")
COMMITMENT_ROW = ("key", "position", "party", "what", "due_on", "is_give_back", "hours_per_week", "version")
REFERRAL_ROW = ("status", "urgency", "assigned_to", "created_at", "due_at", "municipality", "municipality__name")
EXPENSE_ROW = ("amount", "spent_on", "pact")


@dataclass
class CaseRow:
    """A row of "my cases": the case's number, the person's name, my role on its team, its latest pact's status and
    its number of pacts, and the next review of its pacts in force."""

    pk: int
    name: str
    my_role: str
    pact_status: str | None
    pact_count: int
    next_review: datetime.date | None

    @property
    def pact_status_label(self) -> str:
        return str(PactStatus(self.pact_status).label) if self.pact_status else ""


# --- my cases -----------------------------------------------------------------------------------------------


def my_cases(viewer: Any, network: Network, today: datetime.date) -> QuerySet[Case]:
    """My open cases with my role, their latest pact's status and number of pacts, and their next review; the
    case whose review comes first (or is late) first, then the most recently opened."""
    return _my_cases(visibility(viewer, network), viewer.pk, network.pk)


def _my_cases(seen: str, viewer_id: Any, network_id: Any) -> QuerySet[Case]:
    pacts = Pact.objects.filter(case=OuterRef("pk"))
    return (
        _team_cases(seen, viewer_id, network_id)
        .annotate(
            my_role=Subquery(CaseMember.objects.filter(case=OuterRef("pk"), user_id=viewer_id).values("role")[:1]),
            pact_status=Subquery(pacts.order_by("-created_at", "-id").values("status")[:1]),
            pact_count=Coalesce(Subquery(pacts.order_by().values("case").annotate(n=Count("pk")).values("n")[:1]), 0),
            next_review=Subquery(
                pacts.filter(status__in=LIVE, next_review_on__isnull=False)
                .order_by("next_review_on")
                .values("next_review_on")[:1]
            ),
        )
        .order_by(F("next_review").asc(nulls_last=True), "-opened_on", "-id")
    )


# --- reviews due --------------------------------------------------------------------------------------------


def reviews_due(pacts: QuerySet[Pact], today: datetime.date, within_days: int = REVIEW_WITHIN_DAYS) -> QuerySet[Pact]:
    """The pacts in force (active or under review) of `pacts` whose next review is within `within_days` days or
    past, the latest first."""
    return (
        pacts.filter(status__in=LIVE, next_review_on__lte=today + datetime.timedelta(days=within_days))
        .select_related("case__person")
        .order_by("next_review_on", "id")
    )


# --- overdue commitments ------------------------------------------------------------------------------------


def _overdue(pacts: QuerySet[Pact], today: datetime.date) -> QuerySet[Commitment]:
    """The overdue commitments (see the module's docstring) with `met`, `confirmed_minutes` and `days` (since the
    version in force started); each subquery is written once in the SELECT and once in the WHERE, never in a CASE
    (`behind` follows from `met` and `due_on`: see `is_behind`)."""
    met = ReviewItem.objects.filter(
        review__pact_id=OuterRef("version__pact_id"),
        review__held_on__isnull=False,
        review__held_on__gte=OuterRef("version__starts_on"),
        kind=ReviewItem.Kind.COMMITMENT,
        item_key=OuterRef("key"),
        rating=ItemRating.MET,
    )
    confirmed = (
        GiveBackHours.objects.filter(
            pact_id=OuterRef("version__pact_id"),
            commitment_key=OuterRef("key"),
            status=GiveBackStatus.CONFIRMED,
            done_on__gte=OuterRef("version__starts_on"),
        )
        .order_by()
        .values("commitment_key")
        .annotate(total=Sum("minutes"))
        .values("total")[:1]
    )
    return (
        Commitment.objects.filter(version_id__in=pacts.filter(status__in=LIVE).values("current_version_id"))
        .annotate(
            met=Exists(met),
            confirmed_minutes=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0),
            days=DaysSince(F("version__starts_on"), today),
        )
        .alias(
            behind_lhs=Cast(F("confirmed_minutes") * BEHIND_DAYS_FACTOR, FloatField()),
            behind_rhs=Cast(F("hours_per_week"), FloatField()) * BEHIND_MINUTES_FACTOR * F("days"),
        )
        .filter(
            Q(due_on__lt=today, met=False)
            | Q(is_give_back=True, hours_per_week__isnull=False, behind_lhs__lt=F("behind_rhs"))
        )
        .order_by(F("due_on").asc(nulls_last=True), "version__pact_id", "position", "id")
    )


def is_behind(commitment: Any, today: datetime.date) -> bool:
    """Whether an overdue commitment is there for its give-back hours (True) rather than for its date passed without
    a review rating it met (False): the `behind` of `overdue_commitments`, from the row's `met` and `due_on`."""
    return not (commitment.due_on is not None and commitment.due_on < today and not commitment.met)


def overdue_commitments(pacts: QuerySet[Pact], today: datetime.date) -> QuerySet[Commitment]:
    """The overdue commitments of the versions in force of the pacts in force among `pacts` (see the module's
    docstring): each with `behind` (True for a give-back commitment behind on its hours, False for a date passed),
    `confirmed_minutes` and `days` (since the version in force started). The desk reads `_overdue` and computes
    `behind` in Python (`is_behind`); the reminders read this queryset's values."""
    date_passed = Q(due_on__lt=today, met=False)
    return (
        _overdue(pacts, today)
        .annotate(behind=Choose(When(date_passed, then=Value(False)), default=Value(True), output_field=BooleanField()))
        .select_related("version__pact__case__person")
    )


def expected_hours(commitment: Commitment) -> Decimal:
    """The hours a give-back commitment expects so far (hours a week × weeks since the version started)."""
    days = Decimal(max(getattr(commitment, "days", 0) or 0, 0))
    return ((commitment.hours_per_week or Decimal(0)) * days / 7).quantize(Decimal("0.1"))


# --- referrals waiting --------------------------------------------------------------------------------------


def referrals_waiting(viewer: Any, network: Network) -> QuerySet[Referral]:
    """The open referrals assigned to `viewer`, and the new unassigned ones in their districts (every district
    when their triage is network-wide); the most overdue first."""
    return _referrals_waiting(_districts(viewer, network), viewer.pk, network.pk)


def _districts(viewer: Any, network: Network) -> tuple[int, ...] | None:
    """The districts whose new referrals `viewer` triages, None for every district."""
    districts = district_scope(viewer, TRIAGE_REFERRALS, network)
    return None if districts is None else tuple(sorted(districts))


def _referrals_waiting(districts: tuple[int, ...] | None, viewer_id: Any, network_id: Any) -> QuerySet[Referral]:
    unassigned = Q(status=ReferralStatus.NEW, assigned_to__isnull=True)
    if districts is not None:
        unassigned &= Q(
            municipality_id__in=NetworkMunicipality.objects.filter(
                network_id=network_id, district_id__in=districts
            ).values("municipality_id")
        )
    return (
        Referral.objects.filter(network_id=network_id, status__in=OPEN_REFERRALS)
        .filter(Q(assigned_to_id=viewer_id) | unassigned)
        .select_related("municipality")
        .order_by("due_at", "id")
    )


# --- budgets ------------------------------------------------------------------------------------------------


def _budget_figures(pacts: QuerySet[Pact]) -> QuerySet[Pact]:
    """`pacts` with `budget` (the lines of the version in force, None without lines) and `spent` (recorded and
    approved expenses)."""
    money = DecimalField(max_digits=12, decimal_places=2)
    budget = (
        BudgetLine.objects.filter(version_id=OuterRef("current_version_id"))
        .order_by()
        .values("version_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    spent = (
        Expense.objects.filter(pact_id=OuterRef("pk"), status__in=COUNTED)
        .order_by()
        .values("pact_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return pacts.annotate(
        budget=Subquery(budget, output_field=money),
        spent=Coalesce(Subquery(spent, output_field=money), Value(Decimal(0)), output_field=money),
    )


def _near_limit(share: Decimal) -> Q:
    """Signed or in force, with a budget, and spent >= share of it (whole multipliers: exact on every database)."""
    percent = int(share * 100)
    return Q(
        status__in=SPENDING, current_version__isnull=False, budget__gt=0, spent_hundredfold__gte=F("budget") * percent
    )


def is_near_limit(pact: Any, share: Decimal = BUDGET_NEAR) -> bool:
    """`_near_limit` in Python, for a pact read with `_budget_figures`."""
    return (
        pact.status in SPENDING
        and pact.current_version_id is not None
        and pact.budget is not None
        and pact.budget > 0
        and pact.spent * 100 >= pact.budget * int(share * 100)
    )


def budgets_near_limit(pacts: QuerySet[Pact], share: Decimal = BUDGET_NEAR) -> QuerySet[Pact]:
    """The pacts (signed or in force) of `pacts` whose recorded and approved expenses reach `share` of the budget
    lines of their version in force, with `budget` and `spent`; the fullest first."""
    return (
        _budget_figures(pacts)
        .alias(spent_hundredfold=F("spent") * 100)
        .filter(_near_limit(share))
        .annotate(used=Cast(F("spent"), FloatField()) / Cast(F("budget"), FloatField()))
        .select_related("case__person")
        .order_by("-used", "id")
    )


def reviews_and_budgets(
    pacts: QuerySet[Pact],
    today: datetime.date,
    rows: int = ROWS,
    within_days: int = REVIEW_WITHIN_DAYS,
    share: Decimal = BUDGET_NEAR,
) -> tuple[Section, Section]:
    """`reviews_due` and `budgets_near_limit` of `pacts` in one query: every pact on either list, a few columns each
    (the desk's pacts are those of the viewer's cases, which the desk reads whole anyway), split and ordered in
    Python as each list orders them, each cut at its first `rows` rows."""
    limit = today + datetime.timedelta(days=within_days)
    return _split(list(_on_either_list(pacts, limit, share)), limit, rows, share)


def _on_either_list(pacts: QuerySet[Pact], review_limit: datetime.date, share: Decimal = BUDGET_NEAR) -> QuerySet[Pact]:
    due = Q(status__in=LIVE, next_review_on__lte=review_limit)
    return (
        _budget_figures(pacts)
        .alias(spent_hundredfold=F("spent") * 100)
        .filter(due | _near_limit(share))
        .only(*PACT_ROW)
    )


def _split(found: list[Any], review_limit: datetime.date, rows: int, share: Decimal) -> tuple[Section, Section]:
    reviews = [
        p for p in found if p.status in LIVE and p.next_review_on is not None and p.next_review_on <= review_limit
    ]
    reviews.sort(key=lambda p: (p.next_review_on, p.pk))
    budgets = [p for p in found if is_near_limit(p, share)]
    for pact in budgets:
        pact.used = float(pact.spent) / float(pact.budget)
    budgets.sort(key=lambda p: (-p.used, p.pk))
    return Section(rows=reviews[:rows], count=len(reviews)), Section(rows=budgets[:rows], count=len(budgets))


def approvals_waiting(viewer: Any, pacts: QuerySet[Pact]) -> QuerySet[Expense]:
    """The expenses over budget of `pacts` waiting for approval that `viewer` did not record (the second person);
    the oldest first."""
    return _approvals_waiting(viewer.pk, pacts).select_related("pact__case__person")


def _approvals_waiting(viewer_id: Any, pacts: QuerySet[Pact]) -> QuerySet[Expense]:
    return (
        Expense.objects.filter(pact__in=pacts.values("pk"), status=ExpenseStatus.AWAITING_APPROVAL)
        .exclude(recorded_by_id=viewer_id)
        .order_by("spent_on", "id")
    )


# --- the desk -----------------------------------------------------------------------------------------------


def my_pacts(viewer: Any, network: Network) -> QuerySet[Pact]:
    """The pacts of my open cases."""
    return _my_pacts(visibility(viewer, network), viewer.pk, network.pk)


def _my_pacts(seen: str, viewer_id: Any, network_id: Any) -> QuerySet[Pact]:
    return Pact.objects.filter(network_id=network_id, case__in=_team_cases(seen, viewer_id, network_id).values("pk"))


# The desk's lists, each compiled once per process and shape (core.prepared): building and compiling their
# subqueries cost more than running them. `seen` is the viewer's `visibility`, `rows` the length of a list.
CASE_COLUMNS = ("pk", "person__first_name", "person__last_name", "my_role", "pact_status", "pact_count", "next_review")
_MY_CASES = Prepared(
    Case,
    lambda *, seen, viewer_id, network_id: _my_cases(seen, viewer_id, network_id).values_list(*CASE_COLUMNS),
)
_REVIEWS_AND_BUDGETS = Prepared(
    Pact,
    lambda *, seen, viewer_id, network_id, review_limit: _on_either_list(
        _my_pacts(seen, viewer_id, network_id), review_limit
    ),
)
_COMMITMENTS = Prepared(
    Commitment,
    lambda *, seen, rows, viewer_id, network_id, today: _windowed(
        _overdue(_my_pacts(seen, viewer_id, network_id), today)
        .annotate(pact_number=F("version__pact_id"), case_number=F("version__pact__case_id"))
        .only(*COMMITMENT_ROW),
        rows,
    ),
)
_REFERRALS = Prepared(
    Referral,
    lambda *, districts, rows, viewer_id, network_id: _windowed(
        _referrals_waiting(districts, viewer_id, network_id).only(*REFERRAL_ROW), rows
    ),
)
_APPROVALS = Prepared(
    Expense,
    lambda *, seen, rows, viewer_id, network_id: _windowed(
        _approvals_waiting(viewer_id, _my_pacts(seen, viewer_id, network_id))
        .annotate(case_number=F("pact__case_id"))
        .only(*EXPENSE_ROW),
        rows,
    ),
)


def desk_for(viewer: Any, network: Network, *, today: datetime.date | None = None, rows: int = ROWS) -> Desk:
    """Everything on `viewer`'s desk, one query per list: my open cases, whole (`CaseRow`s: their names serve every
    other list), then the reviews due and the budgets near their limit together (`reviews_and_budgets`), the overdue
    commitments, the referrals waiting and the approvals, each on the pacts of my open cases. Each row reads only
    the columns the desk shows (no case text is decrypted for nothing). The caller checks pacts.work_on_cases."""
    today = today or timezone.localdate()
    ids = {"viewer_id": viewer.pk, "network_id": network.pk}
    seen = visibility(viewer, network)
    cases = [
        CaseRow(pk, f"{first} {last}", role, status, count, review)
        for pk, first, last, role, status, count, review in _MY_CASES.fetch(shape={"seen": seen}, **ids)
    ]
    names = {case.pk: case.name for case in cases}
    review_limit = today + datetime.timedelta(days=REVIEW_WITHIN_DAYS)
    found = _REVIEWS_AND_BUDGETS.fetch(shape={"seen": seen}, review_limit=review_limit, **ids)
    reviews, budgets = _split(found, review_limit, rows, BUDGET_NEAR)
    desk = Desk(
        today=today,
        cases=Section(rows=cases[:rows], count=len(cases)),
        reviews=reviews,
        commitments=_section(_COMMITMENTS.fetch(shape={"seen": seen, "rows": rows}, today=today, **ids)),
        budgets=budgets,
    )
    if can(viewer, TRIAGE_REFERRALS, network):
        districts = _districts(viewer, network)
        desk.referrals = _section(_REFERRALS.fetch(shape={"districts": districts, "rows": rows}, **ids))
    if can(viewer, APPROVE_OVERSPENDING, network):
        desk.approvals = _section(_APPROVALS.fetch(shape={"seen": seen, "rows": rows}, **ids))
    now = timezone.now()
    for referral in desk.referrals.rows if desk.referrals else ():
        referral.overdue = referral.due_at < now
    for pact in desk.reviews.rows:
        pact.overdue = pact.next_review_on < today
    for pact in [*desk.reviews.rows, *desk.budgets.rows]:
        pact.name = names[pact.case_id]
    for commitment in desk.commitments.rows:
        commitment.name = names[commitment.case_number]
        commitment.behind = is_behind(commitment, today)
        commitment.expected_hours = expected_hours(commitment)
        commitment.confirmed_hours = (Decimal(commitment.confirmed_minutes) / 60).quantize(Decimal("0.1"))
    for expense in desk.approvals.rows if desk.approvals else ():
        expense.name = names[expense.case_number]
    return desk


@dataclass(frozen=True)
class DeskCounts:
    cases: int
    reviews: int
    commitments: int
    referrals: int | None
    budgets: int
    approvals: int | None


def desk_counts(viewer: Any, network: Network, *, today: datetime.date | None = None) -> DeskCounts | None:
    """The desk's counts alone (the dashboard's "Oggi" card), None for whoever has no desk."""
    if not can(viewer, WORK_ON_CASES, network):
        return None
    today = today or timezone.localdate()
    pacts = my_pacts(viewer, network)
    triage = can(viewer, TRIAGE_REFERRALS, network)
    approve = can(viewer, APPROVE_OVERSPENDING, network)
    return DeskCounts(
        cases=team_cases(viewer, network).count(),
        reviews=reviews_due(pacts, today).count(),
        commitments=_overdue(pacts, today).count(),
        referrals=referrals_waiting(viewer, network).count() if triage else None,
        budgets=budgets_near_limit(pacts).count(),
        approvals=approvals_waiting(viewer, pacts).count() if approve else None,
    )


def record_desk_read(viewer: Any, network: Network, desk: Desk) -> None:
    """Audit that `viewer` saw the cases listed on their desk: one READ event naming the cases by number (nothing
    else of them), none when the desk is empty."""
    ids = desk.case_ids
    if not ids:
        return
    record_event(
        actor=viewer,
        action=AuditEvent.Action.READ,
        object_type="pacts.desk",
        object_repr="desk",
        network=network,
        data_class=DataClass.CASE,
        after={"cases": ids},
        note="desk",
    )
