"""A pact's money and time: its budget and expenses (decimal strings, never floats; over a line, approved by a second
person), its give-back hours, and the host's confirmations (the host sees the hours, never the pact)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import BODY, FORM, refusals, refuse_unknown_form
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    NamedRef,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.api.v1.pacts_shared import READ, BudgetCategory, Money, MoneyText, amount, named, pact_in, user_ref
from legami.pacts.capabilities import (
    APPROVE_OVERSPENDING,
    CONFIRM_GIVE_BACK,
    WORK_ON_CASES,
)
from legami.pacts.models import (
    Pact,
)
from legami.pacts.selectors import budget as budget_selectors
from legami.pacts.selectors import giveback as giveback_selectors
from legami.pacts.services import budget as budget_services
from legami.pacts.services import giveback as giveback_services

router = Router(tags=["cases and pacts"])

# --- budget and expenses ----------------------------------------------------------------------------------------

ExpenseStatus = Literal["recorded", "awaiting_approval", "approved", "refused"]


class PactBudgetLineStateOut(Schema):
    """A line of the budget with what was spent on it (recorded and approved expenses), what waits for approval
    and what remains (negative past an approved overspending)."""

    key: uuid.UUID
    category: BudgetCategory
    description: str
    amount: Money
    spent: Money
    pending: Money
    remaining: Money
    in_force: bool = Field(..., description="False: a line of an earlier version that still has expenses.")


class PactExpenseOut(Schema):
    """An expense against a budget line (by its key)."""

    id: int
    line: uuid.UUID = Field(..., description="The key of the budget line.")
    amount: Money
    spent_on: datetime.date
    description: str
    status: ExpenseStatus = Field(
        ..., description="awaiting_approval: over the line's amount, it counts once a second person approves it."
    )
    has_document: bool
    recorded_by: NamedRef | None
    decided_by: NamedRef | None


class PactBudgetOut(Schema):
    """The personal welfare budget of the version in force: lines, totals and expenses (euro, decimal strings)."""

    total: Money
    spent: Money
    pending: Money
    remaining: Money
    near_limit: bool = Field(..., description="80% of the total or more is spent.")
    lines: list[PactBudgetLineStateOut]
    expenses: list[PactExpenseOut]


def _expense_out(expense: Any) -> dict[str, Any]:
    return {
        "id": expense.pk,
        "line": expense.line_key,
        "amount": amount(expense.amount),
        "spent_on": expense.spent_on,
        "description": expense.description,
        "status": expense.status,
        "has_document": bool(expense.document),
        "recorded_by": user_ref(expense.recorded_by),
        "decided_by": user_ref(expense.decided_by),
    }


def _budget_out(pact: Pact) -> dict[str, Any]:
    budget = budget_selectors.budget_of(pact)
    return {
        "total": amount(budget.total),
        "spent": amount(budget.spent),
        "pending": amount(budget.pending),
        "remaining": amount(budget.remaining),
        "near_limit": budget.near_limit,
        "lines": [
            {
                "key": line.key,
                "category": line.category,
                "description": line.description,
                "amount": amount(line.amount),
                "spent": amount(line.spent),
                "pending": amount(line.pending),
                "remaining": amount(line.remaining),
                "in_force": line.in_force,
            }
            for line in budget.lines
        ],
        "expenses": [_expense_out(e) for e in budget_selectors.expenses_of(pact)],
    }


EXPENSE = declared(budget_services.EXPENSE_INPUTS)
EXPENSE_RULES = [
    *EXPENSE.server_rules(EXPENSE.rules.fields),
    {"field": "line", "code": "invalid_choice", "rule": "The key of a line of the version in force."},
    {"code": "pact_not_active", "rule": "The pact is signed and under way (else 409)."},
]


class PactExpenseIn(Schema):
    """An expense against a line of the version in force. Over the line's amount it waits for a second person's
    approval (and does not count until then)."""

    model_config = with_server_rules(EXPENSE_RULES)

    line: uuid.UUID = Field(..., description="The key of a budget line of the version in force.")
    amount: MoneyText = Field(..., description='In euro, a decimal string with at most 2 decimals: "600.00".')
    spent_on: Day = EXPENSE.field("spent_on", description="Not in the future, not before the pact started.")
    description: str = EXPENSE.field("description")


@router.get(
    "/{slug}/pacts/{id}/budget/",
    response={200: PactBudgetOut, **READ_ERRORS},
    operation_id="pacts_budget",
    summary="The pact's budget: each line with spent, awaiting approval and remaining; the expenses (audited)",
    auth=requires(*READ),
)
def budget(request: HttpRequest, slug: str, id: Id):
    return _budget_out(pact_in(request, id, "api: pact budget"))


@router.post(
    "/{slug}/pacts/{id}/expenses/",
    response={201: PactExpenseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_expense",
    summary="Record an expense against a budget line (over the line: it waits for a second person's approval)",
    auth=requires(WORK_ON_CASES),
)
def record_expense(request: HttpRequest, slug: str, id: Id, payload: PactExpenseIn):
    return _record_expense(request, id, payload.dict())


def _record_expense(
    request: HttpRequest, pk: int, data: dict[str, Any], *, document: Any = None, loc: tuple[str, ...] = BODY
) -> Status:
    pact = pact_in(request, pk, "api: pact expense")
    data["line"] = str(data["line"])
    data["amount"] = Decimal(data["amount"])
    with refusals(loc, files=["document"]):
        expense = budget_services.record_expense(actor=request.user, pact=pact, data=data, document=document)
    found = budget_selectors.expenses_of(pact).get(pk=expense.pk)
    return Status(201, _expense_out(found))


class PactExpenseReceiptIn(PactExpenseIn):
    """An expense against a line of the version in force with its receipt, sent as multipart/form-data with the
    file in `document` (a PDF, JPEG or PNG of at most 10 MB whose content is what its extension says). Over the
    line's amount it waits for a second person's approval (and does not count until then)."""

    model_config = with_server_rules(
        [
            *EXPENSE_RULES,
            {"field": "document", "code": "file_type", "rule": "The file's name ends in .pdf, .jpg, .jpeg or .png."},
            {"field": "document", "code": "file_empty", "rule": "The file is not empty."},
            {"field": "document", "code": "file_size", "rule": "The file is at most 10 MB."},
            {"field": "document", "code": "file_content", "rule": "The file's content is what its name says."},
        ]
    )


@router.post(
    "/{slug}/pacts/{id}/expenses/receipt/",
    response={201: PactExpenseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_expense_with_receipt",
    summary="Record an expense with its receipt (multipart/form-data: `line`, `amount`, `spent_on`, `description`, "
    "the file `document`), as the expense page does (over the line: it waits for a second person's approval)",
    auth=requires(WORK_ON_CASES),
)
def record_expense_with_receipt(
    request: HttpRequest, slug: str, id: Id, payload: Form[PactExpenseReceiptIn], document: File[UploadedFile]
):
    refuse_unknown_form(request, PactExpenseReceiptIn, files=["document"])
    return _record_expense(request, id, payload.dict(), document=document, loc=FORM)


DECISION = declared(budget_services.DECISION_INPUTS)


class PactExpenseDecisionIn(Schema):
    """Why the expense over budget is approved or refused (kept with the expense, encrypted)."""

    model_config = with_server_rules(DECISION.server_rules(DECISION.rules.fields))

    reason: str = DECISION.field("reason")


def _decide_expense(request: HttpRequest, pk: int, expense_id: int, decision: str, reason: str) -> dict[str, Any]:
    pact = pact_in(request, pk, "api: pact expense decision")
    expense = budget_selectors.expenses_of(pact).filter(pk=expense_id).first()
    if expense is None:
        raise Http404
    with refusals():
        budget_services.decide_expense(actor=request.user, expense=expense, decision=decision, data={"reason": reason})
    return _expense_out(budget_selectors.expenses_of(pact).get(pk=expense_id))


@router.post(
    "/{slug}/pacts/{id}/expenses/{expense_id}/approve/",
    response={200: PactExpenseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_expense_approve",
    summary="Approve an expense over budget: it counts (a second person on the team; 409 for whoever recorded it "
    "or once decided)",
    auth=requires(APPROVE_OVERSPENDING),
)
def approve_expense(request: HttpRequest, slug: str, id: Id, expense_id: Id, payload: PactExpenseDecisionIn):
    return _decide_expense(request, id, expense_id, "approve", payload.reason)


@router.post(
    "/{slug}/pacts/{id}/expenses/{expense_id}/refuse/",
    response={200: PactExpenseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_expense_refuse",
    summary="Refuse an expense over budget: it never counts (a second person on the team; 409 once decided)",
    auth=requires(APPROVE_OVERSPENDING),
)
def refuse_expense(request: HttpRequest, slug: str, id: Id, expense_id: Id, payload: PactExpenseDecisionIn):
    return _decide_expense(request, id, expense_id, "refuse", payload.reason)


# --- give-back hours -------------------------------------------------------------------------------------------

GiveBackSource = Literal["activity", "giveback_place", "time_bank", "other"]
GiveBackStatus = Literal["pending", "confirmed", "rejected"]


class GiveBackProgressOut(Schema):
    """A give-back commitment: the minutes committed since the pact started, those the host confirmed and those
    waiting for the host."""

    commitment: uuid.UUID = Field(..., description="The commitment's key.")
    committed_minutes: int
    confirmed_minutes: int
    pending_minutes: int
    percent: int | None = Field(..., description="Confirmed against committed, in percent (null: nothing due).")


class GiveBackHoursOut(Schema):
    id: int
    commitment: uuid.UUID = Field(..., description="The key of the commitment they count toward.")
    done_on: datetime.date
    minutes: int
    source: GiveBackSource
    host: NamedRef | None
    description: str
    status: GiveBackStatus = Field(..., description="They count once the host confirms them.")


class PactGiveBackOut(Schema):
    """The give-back since the pact started: progress for each commitment, and the hours logged."""

    since: datetime.date | None
    until: datetime.date | None
    progress: list[GiveBackProgressOut]
    hours: list[GiveBackHoursOut]


def _hours_out(hours: Any) -> dict[str, Any]:
    return {
        "id": hours.pk,
        "commitment": hours.commitment_key,
        "done_on": hours.done_on,
        "minutes": hours.minutes,
        "source": hours.source,
        "host": named(hours.host),
        "description": hours.description,
        "status": hours.status,
    }


GIVEBACK = declared(giveback_services.GIVEBACK_INPUTS)


class GiveBackIn(Schema):
    """Hours given to the community toward a give-back commitment: a volunteer shift of the person or a time bank
    exchange where they gave time (confirmed at once, counted once), or a give-back place or another host with a
    day and minutes (pending until the host confirms them)."""

    model_config = with_server_rules(
        [
            *GIVEBACK.server_rules(GIVEBACK.rules.fields),
            {"field": "commitment", "code": "invalid_choice", "rule": "The key of a give-back commitment in force."},
            {"field": "volunteer_shift", "code": "already_counted", "rule": "A shift counts once."},
            {"field": "transfer", "code": "already_counted", "rule": "An exchange counts once."},
        ]
    )

    commitment: uuid.UUID = Field(..., description="The key of a give-back commitment of the version in force.")
    source: GiveBackSource = GIVEBACK.field("source")
    volunteer_shift: int | None = Field(None, ge=1, le=2**63 - 1, description="source activity: the shift's id.")
    transfer: int | None = Field(None, ge=1, le=2**63 - 1, description="source time_bank: the exchange's id.")
    giveback_place: int | None = Field(None, ge=1, le=2**63 - 1, description="source giveback_place: its id.")
    host: int | None = Field(None, ge=1, le=2**63 - 1, description="source other: the host organisation's id.")
    done_on: Day | None = Field(None, description="The day (places and other hosts); not in the future.")
    minutes: int | None = Field(None, ge=1, le=giveback_services.MAX_MINUTES, description="How long (minutes).")
    description: str = GIVEBACK.field("description", description="What the person did (other hosts).")


@router.get(
    "/{slug}/pacts/{id}/give-back/",
    response={200: PactGiveBackOut, **READ_ERRORS},
    operation_id="pacts_give_back",
    summary="The pact's give-back: hours done against hours committed since it started, and the hours (audited)",
    auth=requires(*READ),
)
def give_back(request: HttpRequest, slug: str, id: Id):
    pact = pact_in(request, id, "api: pact give-back")
    progress, (since, until) = giveback_selectors.progress_since_start(pact, timezone.localdate())
    return {
        "since": since,
        "until": until,
        "progress": [
            {
                "commitment": p.commitment.key,
                "committed_minutes": p.committed_minutes,
                "confirmed_minutes": p.confirmed_minutes,
                "pending_minutes": p.pending_minutes,
                "percent": p.percent,
            }
            for p in progress
        ],
        "hours": [_hours_out(h) for h in giveback_selectors.hours_of(pact)],
    }


@router.post(
    "/{slug}/pacts/{id}/give-back/",
    response={201: GiveBackHoursOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_log_give_back",
    summary="Log give-back hours toward a commitment (a shift or an exchange counts at once; else the host confirms)",
    auth=requires(WORK_ON_CASES),
)
def log_give_back(request: HttpRequest, slug: str, id: Id, payload: GiveBackIn):
    pact = pact_in(request, id, "api: pact give-back")
    data = {key: value for key, value in payload.dict().items() if value is not None}
    data["commitment"] = str(data["commitment"])
    with refusals():
        hours = giveback_services.log_give_back(actor=request.user, pact=pact, data=data)
    return Status(201, _hours_out(giveback_selectors.hours_of(pact).get(pk=hours.pk)))


# --- the host's confirmations: the hours and the place, never the pact -----------------------------------------


class VolunteerHoursOut(Schema):
    """Volunteer hours done with an organisation the caller confirms for: who, when, how long, where. Nothing
    says why they are logged."""

    id: int
    person: str = Field(..., description="The volunteer's name.")
    done_on: datetime.date
    minutes: int
    host: NamedRef | None
    place: NamedRef | None = Field(..., description="The give-back place, when they were done at one.")
    description: str
    status: GiveBackStatus

    @staticmethod
    def resolve_person(obj: Any) -> str:
        return obj.pact.case.person.full_name

    @staticmethod
    def resolve_host(obj: Any) -> dict[str, Any] | None:
        return named(obj.host)

    @staticmethod
    def resolve_place(obj: Any) -> dict[str, Any] | None:
        place = obj.giveback_place
        return None if place is None else {"id": place.pk, "name": str(place)}


class VolunteerHoursDecisionIn(Schema):
    """Nothing to say: an empty object."""

    model_config = with_server_rules(
        [{"code": "own_pact", "rule": "Someone of the host organisation confirms, not who follows the person."}]
    )


@router.get(
    "/{slug}/volunteer-hours/",
    response={200: list[VolunteerHoursOut], **READ_ERRORS},
    operation_id="volunteer_hours_pending",
    summary="Volunteer hours waiting for the caller's confirmation as host (their organisation's; every host's for "
    "coordinators and community workers), oldest first",
    auth=requires(CONFIRM_GIVE_BACK),
)
@paginate(PageNumberPagination)
def hosted_hours(request: HttpRequest, slug: str):
    return giveback_selectors.confirmation_queue(request.user, scoped_network(request))


def _decide(request: HttpRequest, pk: int, confirmed: bool) -> Any:
    network = scoped_network(request)
    hours = giveback_selectors.hours_for_host(request.user, network, pk)
    if hours is None:
        raise Http404
    with refusals():
        giveback_services.confirm_give_back(actor=request.user, hours=hours, confirmed=confirmed)
    return giveback_selectors.hours_for_host(request.user, network, pk)


@router.post(
    "/{slug}/volunteer-hours/{id}/confirm/",
    response={200: VolunteerHoursOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="volunteer_hours_confirm",
    summary="Confirm volunteer hours done with the caller's organisation: they count (409 once answered)",
    auth=requires(CONFIRM_GIVE_BACK),
)
def confirm_hours(request: HttpRequest, slug: str, id: Id, payload: VolunteerHoursDecisionIn):
    return _decide(request, id, True)


@router.post(
    "/{slug}/volunteer-hours/{id}/reject/",
    response={200: VolunteerHoursOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="volunteer_hours_reject",
    summary="Say the volunteer hours were not done with the caller's organisation: they never count (409 once "
    "answered)",
    auth=requires(CONFIRM_GIVE_BACK),
)
def reject_hours(request: HttpRequest, slug: str, id: Id, payload: VolunteerHoursDecisionIn):
    return _decide(request, id, False)
