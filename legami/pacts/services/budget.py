"""Writes of a pact's personal welfare budget: recording an expense against a budget line, and the second person's
decision on one that goes over the line's amount.

Money is Decimal from the form to the database, never float. An expense is RECORDED when the line's spent amount
plus this one stays within the line's amount; otherwise it is AWAITING_APPROVAL, does not count, and the team
members who may approve an overspending (other than whoever recorded it) are told by e-mail (a number and a link,
nothing of the case). The check and the write happen under the pact's row lock, so that two expenses recorded at
the same moment cannot both pass under the limit.
"""

from __future__ import annotations

import decimal
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, require
from legami.core.workflow import Refusal, Transition, Workflow
from legami.pacts.capabilities import APPROVE_OVERSPENDING
from legami.pacts.models import (
    BudgetLine,
    CaseMember,
    Expense,
    ExpenseStatus,
    Pact,
    PactStatus,
)
from legami.pacts.services.common import require_on_team, require_workable

logger = logging.getLogger(__name__)

# Expenses can be recorded on a pact in these states (signed and not yet closed).
SPENDING_STATES = (PactStatus.SIGNED, PactStatus.ACTIVE, PactStatus.UNDER_REVIEW)
# What counts toward a line's spent amount.
COUNTED = (ExpenseStatus.RECORDED, ExpenseStatus.APPROVED)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_KINDS = {
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
}


class _Line(inputs.Field):
    """A budget line of the version in force, by its key (or the line itself); `extra["lines"]` holds them."""

    default_messages = {"invalid_choice": _("Choose a line of the pact's budget.")}

    def parse(self, value: Any, ctx: inputs.Context) -> BudgetLine:
        lines: dict[str, BudgetLine] = ctx.extra.get("lines", {})
        key = str(value.key if isinstance(value, BudgetLine) else value).strip()
        if key not in lines:
            raise self.error("invalid_choice")
        return lines[key]


def _day_in_pact(ctx: inputs.Context) -> None:
    """The day of the expense is not before the version in force started."""
    starts_on = ctx.extra.get("starts_on")
    if ctx.given("spent_on") and starts_on and ctx.value("spent_on") < starts_on:
        ctx.add_error(
            "spent_on",
            _("The day cannot be before the pact started (%(day)s)."),
            "before_start",
            day=starts_on.strftime("%d/%m/%Y"),
        )


EXPENSE_INPUTS = inputs.Rules(
    {
        "line": _Line(required=True, messages={"required": _("Choose a line of the pact's budget.")}),
        "amount": inputs.Money(
            required=True,
            min_value=decimal.Decimal("0.01"),
            messages={
                "required": _("Give the amount in euro."),
                "min_value": _("The amount must be more than zero."),
            },
        ),
        "spent_on": inputs.Date(required=True, past=True, messages={"required": _("Give the day of the expense.")}),
        "description": inputs.Text(
            required=True, max_length=500, messages={"required": _("Say in a few words what it was for.")}
        ),
    },
    checks=(_day_in_pact,),
)

DECISION_INPUTS = inputs.Rules(
    {
        "reason": inputs.Text(
            required=True, max_length=1000, messages={"required": _("Give the reason for the decision.")}
        ),
    }
)


def _expense_state(expense: Expense) -> dict[str, Any] | None:
    return snapshot(expense, ("status", "decided_by", "decided_at"))


S = ExpenseStatus
EXPENSE_WORKFLOW = Workflow(
    name="expense",
    model=Expense,
    states=ExpenseStatus,
    capability=APPROVE_OVERSPENDING,
    refusal=Refusal(_("This expense was decided already: it is “%(from)s”.")),
    audit_snapshot=_expense_state,
    data_class=DataClass.CASE,
    transitions=(
        Transition(S.AWAITING_APPROVAL, S.APPROVED, name="approve", label=_("Approve over budget")),
        Transition(S.AWAITING_APPROVAL, S.REFUSED, name="refuse", label=_("Refuse")),
    ),
)
DECISIONS = {"approve": S.APPROVED, "refuse": S.REFUSED}


# ------------------------------------------------------------------------------------------------ the document


def check_document(upload: Any) -> None:
    """ValidationError on `document` unless the upload is a PDF, JPEG or PNG of at most 10 MB whose first bytes are
    what its extension says."""

    def refuse(message: str, code: str) -> ValidationError:
        return ValidationError({"document": [ValidationError(message, code=code)]})

    extension = Path(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    if extension not in DOCUMENT_KINDS:
        raise refuse(gettext("Attach the receipt as a PDF, JPEG or PNG file."), "file_type")
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise refuse(gettext("The file is empty."), "file_empty")
    if size > MAX_DOCUMENT_BYTES:
        raise refuse(gettext("The file is larger than 10 MB."), "file_size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not DOCUMENT_KINDS[extension](head):
        raise refuse(
            gettext("The file's content is not a %(kind)s file.") % {"kind": extension.upper()}, "file_content"
        )


# ------------------------------------------------------------------------------------------------------- reads


def lines_in_force(pact: Pact) -> dict[str, BudgetLine]:
    """The budget lines of the version in force, by key (empty before the first signature)."""
    if pact.current_version_id is None:
        return {}
    return {str(line.key): line for line in BudgetLine.objects.filter(version_id=pact.current_version_id)}


def spent_on_line(pact: Pact, line_key: Any) -> decimal.Decimal:
    """What counts against a line (recorded and approved expenses with its key, in any version)."""
    total = Expense.objects.filter(pact=pact, line_key=line_key, status__in=COUNTED).aggregate(s=Sum("amount"))["s"]
    return total if total is not None else decimal.Decimal("0.00")


# ------------------------------------------------------------------------------------------------------ writes


def _require_spendable(pact: Pact) -> None:
    require_workable(pact.case)
    if pact.status not in SPENDING_STATES or pact.current_version_id is None:
        raise ValidationError(
            gettext("Expenses are recorded on a signed pact that is still under way."), code="pact_not_active"
        )


def record_expense(*, actor: Any, pact: Pact, data: dict[str, Any], document: Any = None) -> Expense:
    """Record an expense against a line of the version in force: counted when the line can take it, else waiting
    for a second person's approval (and they are told)."""
    require_on_team(actor, pact.case)
    if document is not None:
        check_document(document)
    with transaction.atomic():
        # The pact's row lock: two expenses of the same pact take turns between the check and the write.
        pact = (
            Pact.objects.select_for_update(of=("self",))
            .select_related("case__processing", "current_version")
            .get(pk=pact.pk)
        )
        _require_spendable(pact)
        version = pact.current_version
        if version is None:  # _require_spendable refused it already
            raise ValidationError(
                gettext("Expenses are recorded on a signed pact that is still under way."), code="pact_not_active"
            )
        values = EXPENSE_INPUTS.clean(
            data,
            network=pact.network,
            actor=actor,
            extra={"lines": lines_in_force(pact), "starts_on": version.starts_on},
        )
        line: BudgetLine = values["line"]
        amount: decimal.Decimal = values["amount"]
        within = spent_on_line(pact, line.key) + amount <= line.amount
        expense = Expense(
            network_id=pact.network_id,
            pact=pact,
            line_key=line.key,
            amount=amount,
            spent_on=values["spent_on"],
            description=values["description"],
            status=ExpenseStatus.RECORDED if within else ExpenseStatus.AWAITING_APPROVAL,
            recorded_by=actor,
        )
        if document is not None:
            expense.document.save(document.name, document, save=False)
        expense.save(force_insert=True)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=expense,
            after={
                **(snapshot(expense, ("pact", "line_key", "amount", "spent_on", "status", "description")) or {}),
                "document": bool(expense.document),
            },
            data_class=DataClass.CASE,
        )
        if not within:
            transaction.on_commit(lambda: tell_approvers(expense.pk))
    return expense


def approvers(expense: Expense) -> list[Any]:
    """The team members who may decide on `expense`: holding pacts.approve_overspending, not its recorder."""
    members = CaseMember.objects.filter(case_id=expense.pact.case_id).select_related("user")
    return [
        member.user
        for member in members
        if member.user_id != expense.recorded_by_id
        and member.user.is_active
        and can(member.user, APPROVE_OVERSPENDING, expense.pact.network)
    ]


def tell_approvers(expense_id: int) -> int:
    """E-mail the possible approvers of an expense over budget: its number and a link, nothing of the case; a mail
    failure is logged only (the expense stands)."""
    try:
        expense = Expense.objects.select_related("pact__network").get(pk=expense_id)
        link = settings.LEGAMI_BASE_URL.rstrip("/") + reverse(
            "pacts:budget", args=[expense.pact.network.slug, expense.pact_id]
        )
        messages = []
        for user in approvers(expense):
            if not user.email:
                continue
            with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                params = {"number": expense.pk, "pact": expense.pact_id}
                subject = gettext("Expense no. %(number)s waits for your approval") % params
                body = "\n\n".join(
                    [
                        gettext(
                            "Expense no. %(number)s of pact no. %(pact)s goes over its budget line and waits for a "
                            "second person's approval."
                        )
                        % params,
                        link,
                        "legami",
                    ]
                )
            messages.append(EmailMessage(subject, body, None, [user.email]))
        return (get_connection().send_messages(messages) or 0) if messages else 0
    except Exception:  # noqa: BLE001 — any failure of the mail server; the expense stands
        logger.exception("pacts: the approvers of expense %s could not be told", expense_id)
        return 0


def decide_expense(*, actor: Any, expense: Expense, decision: str, data: dict[str, Any]) -> Expense:
    """Approve (it counts, the line may go over) or refuse (it never counts) an expense awaiting approval; by a team
    member holding pacts.approve_overspending who did not record it, with a reason."""
    if decision not in DECISIONS:
        raise ValidationError(gettext("Approve or refuse the expense."), code="invalid_decision")
    require(actor, APPROVE_OVERSPENDING, expense.network)
    pact = expense.pact
    require_on_team(actor, pact.case, capability=APPROVE_OVERSPENDING)
    if expense.recorded_by_id == actor.pk:
        raise ValidationError(
            gettext("A second person decides on an expense over budget: not whoever recorded it."), code="same_person"
        )
    values = DECISION_INPUTS.clean(data, network=expense.network, actor=actor)
    with transaction.atomic():
        require_workable(pact.case)
        return EXPENSE_WORKFLOW.apply(
            expense,
            DECISIONS[decision],
            actor=actor,
            # The reason is case data: it goes in the expense (encrypted), never in the audit's note.
            changes={"decided_by": actor, "decided_at": timezone.now(), "decision_note": values["reason"]},
            check_capability=False,
        )


def may_decide(actor: Any, expense: Expense) -> bool:
    """Whether `actor` may approve or refuse `expense` now (for the page's buttons)."""
    return (
        expense.status == ExpenseStatus.AWAITING_APPROVAL
        and expense.recorded_by_id != getattr(actor, "pk", None)
        and can(actor, APPROVE_OVERSPENDING, expense.network)
        and CaseMember.objects.filter(case_id=expense.pact.case_id, user=actor).exists()
    )
