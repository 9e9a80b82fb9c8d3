"""The time bank (banca del tempo): hours accounts, their statements, and transfers with their steps.

A member who may use the time bank (USE_TIME_BANK) reads and acts on the accounts they hold (their own person's,
their organisation's for partner staff) and the transfers touching them; the operators (VIEW_TIME_BANK) read every
account and transfer; confirming on someone's behalf, recording group transfers and reversing take
MANAGE_TIME_BANK. Minutes are whole numbers; a transfer's legs sum to zero. The monthly totals are read with
VIEW_TIME_BANK_FIGURES and follow the small-numbers rule, as their page.
"""

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import refusals
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.exchange.capabilities import (
    MANAGE_TIME_BANK,
    USE_TIME_BANK,
    VIEW_TIME_BANK,
    VIEW_TIME_BANK_FIGURES,
)
from legami.exchange.selectors import timebank as selectors
from legami.exchange.services import timebank as services

router = Router(tags=["time bank"])

AccountKind = Literal["person", "organization", "fund"]
TransferStatus = Literal["proposed", "confirmed", "refused", "cancelled", "reversed"]
MAX_MINUTES = services.MAX_LEG_MINUTES


class TimeAccountOut(Schema):
    """An hours account: a person's, an organisation's, or the network fund; its balance in minutes."""

    id: int
    kind: AccountKind
    name: str = Field(..., description="The holder's name (the fund's own name for the fund).")
    balance_minutes: int = Field(..., description="The sum of the account's confirmed movements (minutes).")
    is_active: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class TimeAccountRef(Schema):
    id: int
    kind: AccountKind
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class TimeMovementOut(Schema):
    """One line of a statement: the minutes taken (negative) or given (positive), and the balance after it."""

    id: int
    transfer: int = Field(..., description="The transfer's id.")
    reason: str
    minutes: int
    balance_after: int = Field(..., description="The account's balance after this movement (minutes).")
    posted_at: datetime.datetime

    @staticmethod
    def resolve_transfer(obj: Any) -> int:
        return obj.transfer_id

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return obj.transfer.reason

    @staticmethod
    def resolve_balance_after(obj: Any) -> int:
        return obj.running


class TransferLegOut(Schema):
    account: TimeAccountRef
    minutes: int = Field(..., description="Negative for who gives the hours, positive for who receives them.")


class TransferOut(Schema):
    """A transfer of hours: its legs (summing to zero), its status and who proposed and confirmed it."""

    id: int
    status: TransferStatus
    reason: str
    total_minutes: int
    legs: list[TransferLegOut]
    proposer_account: int | None = Field(..., description="The account of the side that proposed it.")
    posted_at: datetime.datetime | None = Field(..., description="When it was confirmed (null until then).")
    reverses: int | None = Field(..., description="For a reversal: the transfer it undoes.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_legs(obj: Any) -> list[Any]:
        return list(obj.legs.all())

    @staticmethod
    def resolve_proposer_account(obj: Any) -> int | None:
        return obj.proposer_account_id

    @staticmethod
    def resolve_reverses(obj: Any) -> int | None:
        return obj.reverses_id


class TimeMonthOut(Schema):
    month: datetime.date
    minutes: int | None = Field(..., description="Hours exchanged (minutes); null when hidden (few transfers).")
    transfers: int | None


PROPOSE = declared(services.PROPOSE_INPUTS)
RECORD = declared(services.RECORD_INPUTS)
REASON = declared(services.REASON_INPUTS)


class TransferProposeIn(Schema):
    """Hours given to, or asked of, one other account, from an account the caller holds."""

    model_config = with_server_rules(PROPOSE.server_rules(PROPOSE.rules.fields))

    account: int = Field(..., ge=1, description="Id of the caller's own account (operators: any account).")
    counterpart: int = PROPOSE.field("counterpart", description="Id of the other account (not the fund).")
    gives: bool = PROPOSE.field("gives", description="True: the account gives the hours; false: it asks for them.")
    minutes: int = PROPOSE.field("minutes", ge=1, le=MAX_MINUTES)
    reason: str = PROPOSE.field("reason")


class GroupTransferIn(Schema):
    """An operator's transfer: one giver to each receiver, or each giver to one receiver, `minutes` each."""

    model_config = with_server_rules(RECORD.server_rules(RECORD.rules.fields))

    givers: list[int] = Field(..., min_length=1, max_length=200, description="Ids of the accounts giving.")
    receivers: list[int] = Field(..., min_length=1, max_length=200, description="Ids of the accounts receiving.")
    minutes: int = RECORD.field("minutes", ge=1, le=MAX_MINUTES)
    reason: str = RECORD.field("reason")
    confirm: bool = RECORD.field("confirm", description="Post it at once (default) or let the holders confirm.")


class TransferNoteIn(Schema):
    model_config = with_server_rules([])

    note: str = Field("", max_length=500)


class TransferReverseIn(Schema):
    model_config = with_server_rules(REASON.server_rules(REASON.rules.fields))

    reason: str = REASON.field("reason")


class TimeAccountsQuery(Schema):
    q: str = Field("", max_length=100, description="Words of the holder's name.")
    kind: AccountKind | None = None


class TransfersQuery(Schema):
    status: TransferStatus | None = None


class TimeFiguresQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)


# --- accounts ----------------------------------------------------------------------------------------------


@router.get(
    "/{slug}/timebank/accounts/",
    response={200: list[TimeAccountOut], **READ_ERRORS},
    operation_id="timebank_accounts_list",
    summary="Every hours account of the network, the fund first, then by name",
    auth=requires(VIEW_TIME_BANK),
)
@paginate(PageNumberPagination)
def list_accounts(request: HttpRequest, slug: str, filters: Query[TimeAccountsQuery]):
    network = scoped_network(request)
    return selectors.accounts_for(network, search=filters.q, kind=filters.kind or "")


@router.get(
    "/{slug}/timebank/my-accounts/",
    response={200: list[TimeAccountOut], **READ_ERRORS},
    operation_id="timebank_accounts_mine",
    summary="The accounts the caller holds: their own person's, their organisation's",
    auth=requires(USE_TIME_BANK),
)
def my_accounts(request: HttpRequest, slug: str):
    return selectors.own_accounts(request.user, scoped_network(request))


@router.get(
    "/{slug}/timebank/accounts/{id}/",
    response={200: TimeAccountOut, **READ_ERRORS},
    operation_id="timebank_accounts_get",
    summary="One account (its holder, or the operators; 404 for anyone else)",
    auth=requires(USE_TIME_BANK),
)
def get_account(request: HttpRequest, slug: str, id: Id):
    return selectors.get_account_for_user(request.user, scoped_network(request), id)


@router.get(
    "/{slug}/timebank/accounts/{id}/statement/",
    response={200: list[TimeMovementOut], **READ_ERRORS},
    operation_id="timebank_accounts_statement",
    summary="An account's confirmed movements, newest first, each with the balance after it",
    auth=requires(USE_TIME_BANK),
)
@paginate(PageNumberPagination)
def account_statement(request: HttpRequest, slug: str, id: Id):
    account = selectors.get_account_for_user(request.user, scoped_network(request), id)
    return selectors.statement(account)


# --- transfers ---------------------------------------------------------------------------------------------


def _transfer_out(request: HttpRequest, pk: int) -> Any:
    return selectors.get_transfer_for_user(request.user, scoped_network(request), pk)


@router.get(
    "/{slug}/timebank/transfers/",
    response={200: list[TransferOut], **READ_ERRORS},
    operation_id="timebank_transfers_list",
    summary="The network's transfers, newest first, by status",
    auth=requires(VIEW_TIME_BANK),
)
@paginate(PageNumberPagination)
def list_transfers(request: HttpRequest, slug: str, filters: Query[TransfersQuery]):
    return selectors.transfers_for(scoped_network(request), status=filters.status or "")


@router.get(
    "/{slug}/timebank/transfers/{id}/",
    response={200: TransferOut, **READ_ERRORS},
    operation_id="timebank_transfers_get",
    summary="One transfer (its sides, or the operators; 404 for anyone else)",
    auth=requires(USE_TIME_BANK),
)
def get_transfer(request: HttpRequest, slug: str, id: Id):
    return _transfer_out(request, id)


@router.post(
    "/{slug}/timebank/transfers/",
    response={201: TransferOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="timebank_transfers_create",
    summary="Propose hours given to, or asked of, another account; the other side confirms",
    auth=requires(USE_TIME_BANK),
)
def propose(request: HttpRequest, slug: str, payload: TransferProposeIn):
    network = scoped_network(request)
    account = selectors.get_account_for_user(request.user, network, payload.account)
    data = payload.dict(exclude={"account"})
    with refusals():
        transfer = services.propose_from(actor=request.user, network=network, account=account, data=data)
    return Status(201, _transfer_out(request, transfer.pk))


@router.post(
    "/{slug}/timebank/group-transfers/",
    response={201: TransferOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="timebank_transfers_record",
    summary="Record an operator's transfer: the fund crediting volunteers, or a group activity's hours",
    auth=requires(MANAGE_TIME_BANK),
)
def record(request: HttpRequest, slug: str, payload: GroupTransferIn):
    network = scoped_network(request)
    with refusals():
        transfer = services.record_transfer(actor=request.user, network=network, data=payload.dict())
    return Status(201, _transfer_out(request, transfer.pk))


def _move(request: HttpRequest, id: int, action: str, note: str) -> Any:
    network = scoped_network(request)
    transfer = selectors.get_transfer_for_user(request.user, network, id)
    if not services.may_act(request.user, transfer, action):
        raise PermissionDenied(action)
    service = {
        "confirm": services.confirm_transfer,
        "refuse": services.refuse_transfer,
        "cancel": services.cancel_transfer,
    }[action]
    with refusals():
        service(actor=request.user, transfer=transfer, note=note)
    return _transfer_out(request, id)


@router.post(
    "/{slug}/timebank/transfers/{id}/confirm/",
    response={200: TransferOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="timebank_transfers_confirm",
    summary="Confirm a transfer proposed to the caller (or, for operators, to anyone): 409 past the limit",
    auth=requires(USE_TIME_BANK),
)
def confirm(request: HttpRequest, slug: str, id: Id, payload: TransferNoteIn):
    return _move(request, id, "confirm", payload.note)


@router.post(
    "/{slug}/timebank/transfers/{id}/refuse/",
    response={200: TransferOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="timebank_transfers_refuse",
    summary="Refuse a transfer proposed to the caller (409 once it is no longer proposed)",
    auth=requires(USE_TIME_BANK),
)
def refuse(request: HttpRequest, slug: str, id: Id, payload: TransferNoteIn):
    return _move(request, id, "refuse", payload.note)


@router.post(
    "/{slug}/timebank/transfers/{id}/cancel/",
    response={200: TransferOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="timebank_transfers_cancel",
    summary="Withdraw a transfer the caller proposed (409 once it is no longer proposed)",
    auth=requires(USE_TIME_BANK),
)
def cancel(request: HttpRequest, slug: str, id: Id, payload: TransferNoteIn):
    return _move(request, id, "cancel", payload.note)


@router.post(
    "/{slug}/timebank/transfers/{id}/reverse/",
    response={201: TransferOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="timebank_transfers_reverse",
    summary="Reverse a confirmed transfer: answers the reversal transfer, posted at once (409 unless confirmed)",
    auth=requires(MANAGE_TIME_BANK),
)
def reverse(request: HttpRequest, slug: str, id: Id, payload: TransferReverseIn):
    network = scoped_network(request)
    transfer = selectors.get_transfer_for_user(request.user, network, id)
    with refusals():
        reversal = services.reverse_transfer(actor=request.user, transfer=transfer, reason=payload.reason)
    return Status(201, _transfer_out(request, reversal.pk))


@router.get(
    "/{slug}/timebank/figures/",
    response={200: list[TimeMonthOut], **READ_ERRORS},
    operation_id="timebank_figures",
    summary="Hours exchanged per month of a year (totals only; a month of few transfers is hidden)",
    auth=requires(VIEW_TIME_BANK_FIGURES),
)
def figures(request: HttpRequest, slug: str, filters: Query[TimeFiguresQuery]):
    return selectors.monthly_totals(request.user, scoped_network(request), year=filters.year)
