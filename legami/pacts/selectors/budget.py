"""Reads of a pact's personal welfare budget: each line of the version in force with what was spent, what waits for
approval and what remains; the totals and whether the budget is near its limit.

Expenses follow a line by its key, so an expense recorded under a line of an earlier version with the same key
still counts. Money stays Decimal; `euro()` writes it the Italian way ("1.200,50 €").

The desk reads many pacts at once: `annotate_budget(pacts)` adds the total, the spent amount and the near-the-limit
flag to a queryset of pacts in the same single query (subqueries, no query per pact).
"""

from __future__ import annotations

import decimal
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from legami.pacts.models import MONEY, BudgetLine, Expense, ExpenseStatus, Pact

ZERO = decimal.Decimal("0.00")
# A budget is "near its limit" when what was spent reaches this share of its total (the desk uses it too).
NEAR_LIMIT_PERCENT = 80
COUNTED = (ExpenseStatus.RECORDED, ExpenseStatus.APPROVED)

_MONEY_FIELD = DecimalField(max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"])
# Room for a total times a hundred.
_WIDE_MONEY_FIELD = DecimalField(max_digits=MONEY["max_digits"] + 3, decimal_places=MONEY["decimal_places"])


def euro(amount: Any) -> str:
    """An amount the Italian way: Decimal("1200.5") -> "1.200,50 €", Decimal("-50") -> "-50,00 €"."""
    if amount is None or amount == "":
        return ""
    number = decimal.Decimal(amount).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    units, cents = f"{abs(number):.2f}".split(".")
    groups: list[str] = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{'.'.join(groups)},{cents}\u00a0€"


def is_near_limit(spent: decimal.Decimal, total: decimal.Decimal) -> bool:
    """Whether `spent` reaches NEAR_LIMIT_PERCENT of `total` (never for an empty budget)."""
    return total > 0 and spent * 100 >= total * NEAR_LIMIT_PERCENT


@dataclass
class LineBudget:
    """One line of the budget: what it is, how much, what was spent, what waits, what remains."""

    key: uuid.UUID
    category: str
    category_label: str
    description: str
    amount: decimal.Decimal
    spent: decimal.Decimal = ZERO
    pending: decimal.Decimal = ZERO
    in_force: bool = True

    @property
    def remaining(self) -> decimal.Decimal:
        return self.amount - self.spent

    @property
    def over(self) -> decimal.Decimal:
        """How much the line went over its amount (approved overspending), else zero."""
        return max(self.spent - self.amount, ZERO)


class BudgetFigures:
    """What follows from a budget's `total` and `spent`: the remaining money, how far over, near the limit, the
    share spent (the budget page's Budget and the pact page's summary say the same)."""

    total: decimal.Decimal
    spent: decimal.Decimal

    @property
    def remaining(self) -> decimal.Decimal:
        return self.total - self.spent

    @property
    def over(self) -> decimal.Decimal:
        return max(self.spent - self.total, ZERO)

    @property
    def near_limit(self) -> bool:
        return is_near_limit(self.spent, self.total)

    @property
    def percent_spent(self) -> int | None:
        if self.total <= 0:
            return None
        return int((self.spent * 100 / self.total).to_integral_value(rounding=decimal.ROUND_HALF_UP))


@dataclass
class Budget(BudgetFigures):
    """A pact's budget in force: its lines and totals."""

    pact: Pact
    lines: list[LineBudget] = field(default_factory=list)
    has_version: bool = False

    # BudgetFigures reads total and spent; here they are sums over the lines.
    @property
    def total(self) -> decimal.Decimal:  # type: ignore[override]
        return sum((line.amount for line in self.lines if line.in_force), ZERO)

    @property
    def spent(self) -> decimal.Decimal:  # type: ignore[override]
        return sum((line.spent for line in self.lines), ZERO)

    @property
    def pending(self) -> decimal.Decimal:
        return sum((line.pending for line in self.lines), ZERO)

    def line(self, key: Any) -> LineBudget | None:
        return next((line for line in self.lines if str(line.key) == str(key)), None)


def budget_of(pact: Pact) -> Budget:
    """The budget of the version in force: each line (category, description, amount) with its spent (recorded and
    approved expenses with its key, in any version), awaiting approval and remaining; lines no longer in force
    that still have expenses come last. Two queries."""
    budget = Budget(pact=pact, has_version=pact.current_version_id is not None)
    if pact.current_version_id is not None:
        for row_line in BudgetLine.objects.filter(version_id=pact.current_version_id):
            budget.lines.append(
                LineBudget(
                    key=row_line.key,
                    category=row_line.category,
                    category_label=str(row_line.get_category_display()),
                    description=row_line.description,
                    amount=row_line.amount,
                )
            )
    sums = (
        Expense.objects.filter(pact=pact)
        .order_by()
        .values("line_key")
        .annotate(
            spent=Sum("amount", filter=Q(status__in=COUNTED)),
            pending=Sum("amount", filter=Q(status=ExpenseStatus.AWAITING_APPROVAL)),
        )
    )
    for row in sums:
        line = budget.line(row["line_key"])
        if line is None and (row["spent"] or row["pending"]):
            line = LineBudget(
                key=row["line_key"], category="", category_label="", description="", amount=ZERO, in_force=False
            )
            budget.lines.append(line)
        if line is not None:
            line.spent = row["spent"] or ZERO
            line.pending = row["pending"] or ZERO
    return budget


def _expenses(*statuses: str) -> Subquery:
    return Subquery(
        Expense.objects.filter(pact_id=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("pact_id")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=_MONEY_FIELD,
    )


def annotate_budget(pacts: QuerySet[Pact]) -> QuerySet[Pact]:
    """`pacts` with `budget_total` (the lines of the version in force), `budget_spent` (recorded and approved
    expenses), `budget_pending` (awaiting approval) and `budget_near_limit` (spent >= 80% of a total above zero),
    computed in the same query."""
    total = (
        BudgetLine.objects.filter(version_id=OuterRef("current_version_id"))
        .order_by()
        .values("version_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    zero = Value(ZERO, output_field=_MONEY_FIELD)
    annotated = pacts.annotate(
        budget_total=Coalesce(Subquery(total, output_field=_MONEY_FIELD), zero),
        budget_spent=Coalesce(_expenses(*COUNTED), zero),
        budget_pending=Coalesce(_expenses(ExpenseStatus.AWAITING_APPROVAL), zero),
    )
    # spent * 100 >= total * 80: whole multipliers, so that the comparison is exact on every database.
    return annotated.alias(
        budget_spent_hundredfold=ExpressionWrapper(F("budget_spent") * Value(100), output_field=_WIDE_MONEY_FIELD)
    ).annotate(
        budget_near_limit=Case(
            When(
                Q(budget_total__gt=0)
                & Q(
                    budget_spent_hundredfold__gte=ExpressionWrapper(
                        F("budget_total") * Value(NEAR_LIMIT_PERCENT), output_field=_WIDE_MONEY_FIELD
                    )
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def near_limit(pact: Pact) -> bool:
    """Whether the pact's spent amount reaches 80% of its budget in force (one query)."""
    found: Any = annotate_budget(Pact.objects.filter(pk=pact.pk)).first()
    return bool(found is not None and found.budget_near_limit)


def expenses_of(pact: Pact) -> QuerySet[Expense]:
    """The pact's expenses, newest first, with who recorded and who decided."""
    return Expense.objects.filter(pact=pact).select_related("recorded_by", "decided_by").order_by("-spent_on", "-id")
