"""The content of a generative pact through the API: creating a pact of a case, changing the header of its unsigned
version, adding, changing and removing its rows (parties, objectives and expected results, supports, budget lines,
commitments, by their keys), and drafting a new version of a pact under review.

Only the case team writes (legami.api.v1.pacts says who reads); a case or pact outside the caller's team answers
404. Amounts and hours are decimal strings ("600.00", "2.5"), never floats.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import refusals
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    declared,
    with_server_rules,
)
from legami.api.v1.pacts import (
    PactBudgetLineOut,
    PactCommitmentOut,
    PactExpectedResultOut,
    PactObjectiveOut,
    PactOut,
    PactPartyOut,
    PactSupportOut,
    PactVersionOut,
    budget_line_out,
    commitment_out,
    objective_out,
    pact_out,
    party_out,
    result_out,
    support_out,
    version_out,
    versions_of,
)
from legami.api.v1.pacts_shared import (
    BudgetCategory,
    CommitmentParty,
    MoneyText,
    PartyKind,
    case_in,
    pact_in,
)
from legami.pacts.capabilities import (
    OPEN_CASES,
    WORK_ON_CASES,
)
from legami.pacts.models import (
    Objective,
    Pact,
    PactVersion,
    Support,
)
from legami.pacts.services import pacts as pact_services

router = Router(tags=["cases and pacts"])

# --- creating a pact, its content, a new version ---------------------------------------------------------------

VERSION = declared(pact_services.VERSION_INPUTS)


class _VersionHeader(Schema):
    """The fields of a version's header, shared by a new pact and the change of an unsigned version."""

    summary: str = VERSION.field("summary")
    starts_on: Day = VERSION.field("starts_on")
    ends_on: Day = VERSION.field("ends_on", description="Not before starts_on.")
    review_every_weeks: int = VERSION.field("review_every_weeks")


class PactCreateIn(_VersionHeader):
    """A new pact of the case, in draft, with its version 1: what it is about, its dates and how often it is
    reviewed. Then write its content (rows) and propose it."""

    model_config = with_server_rules(
        [
            *VERSION.server_rules(VERSION.rules.fields),
            {"code": "pact_open", "rule": "The case has no other pact that is not closed (409)."},
        ]
    )


@router.post(
    "/{slug}/cases/{id}/pacts/",
    response={201: PactOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_pact_create",
    summary="Create a pact of the case in draft with its version 1 (the case manager; 409 while another pact of "
    "the case is not closed)",
    auth=requires(OPEN_CASES),
)
def create_pact(request: HttpRequest, slug: str, id: Id, payload: PactCreateIn):
    case = case_in(request, id, "api: pact create")
    with refusals():
        pact = pact_services.create_pact(actor=request.user, case=case, data=payload.dict())
    return Status(201, pact_out(request, pact.pk))


# The content rows of the newest version, while it is unsigned (the draft of a pact in draft, or the new version of
# a pact under review). A signed version is never changed: a write answers 409. Rows are named by their key.
RowKindName = Literal["party", "objective", "result", "support", "budget", "commitment"]
ROW_STATE_RULES = [
    {"code": "signed", "rule": "The newest version is not signed (409)."},
    {"code": "not_editable", "rule": "The pact is in draft, or under review with a new version (409)."},
]
HOURS_TEXT = r"^\d{1,4}(\.\d{1,2})?$"
HoursText = Annotated[str, Field(pattern=HOURS_TEXT, examples=["2.5"])]
ROW_RULES = {name: declared(kind.rules) for name, kind in pact_services.ROW_KINDS.items()}
PARTY, OBJECTIVE, RESULT = ROW_RULES["party"], ROW_RULES["objective"], ROW_RULES["result"]
SUPPORT, BUDGET, COMMITMENT = ROW_RULES["support"], ROW_RULES["budget"], ROW_RULES["commitment"]


def _row_rules(rules: Any, *more: dict[str, str]) -> Any:
    return with_server_rules([*rules.server_rules(rules.rules.fields), *more, *ROW_STATE_RULES])


class PactPartyIn(Schema):
    """A party of the pact: the case manager, an organisation (its id), the family or someone else (their name)."""

    model_config = _row_rules(PARTY)

    kind: PartyKind = PARTY.field("kind")
    organization: int | None = PARTY.field("organization", None)
    name: str = PARTY.field("name")
    signs: bool = PARTY.field("signs")


class PactObjectiveIn(Schema):
    """An objective of the pact."""

    model_config = _row_rules(OBJECTIVE)

    text: str = OBJECTIVE.field("text")


class PactResultIn(Schema):
    """A result expected of an objective of the same version (by the objective's key)."""

    model_config = _row_rules(
        RESULT, {"field": "objective", "code": "invalid_choice", "rule": "The key of an objective of this version."}
    )

    objective: uuid.UUID = Field(..., description="The key of an objective of the version.")
    indicator: str = RESULT.field("indicator")
    target: str = RESULT.field("target")
    due_on: Day | None = RESULT.field("due_on", None)


class PactSupportIn(Schema):
    """A support the person receives, and who provides it (an organisation's id)."""

    model_config = _row_rules(SUPPORT)

    service: str = SUPPORT.field("service")
    provider: int | None = SUPPORT.field("provider", None)
    frequency: str = SUPPORT.field("frequency")


class PactBudgetLineIn(Schema):
    """A line of the personal welfare budget, for a support of the same version if it pays for one (its key)."""

    model_config = _row_rules(
        BUDGET, {"field": "support", "code": "invalid_choice", "rule": "The key of a support of this version."}
    )

    category: BudgetCategory = BUDGET.field("category")
    description: str = BUDGET.field("description")
    amount: MoneyText = Field(..., description='In euro, a decimal string with at most 2 decimals: "600.00".')
    support: uuid.UUID | None = Field(None, description="The key of a support of the version it pays for.")


class PactCommitmentIn(Schema):
    """A commitment: who commits (an organisation by its id), to what, by when; a give-back commitment says its
    hours, a week or in all."""

    model_config = _row_rules(COMMITMENT)

    party: CommitmentParty = COMMITMENT.field("party")
    organization: int | None = COMMITMENT.field("organization", None)
    what: str = COMMITMENT.field("what")
    due_on: Day | None = COMMITMENT.field("due_on", None)
    is_give_back: bool = COMMITMENT.field("is_give_back")
    hours_per_week: HoursText | None = Field(None, description='Give-back hours a week, a decimal string: "2.5".')
    hours_total: HoursText | None = Field(None, description='Give-back hours in all, a decimal string: "40".')


def _newest(request: HttpRequest, pk: int) -> tuple[Pact, PactVersion]:
    pact = pact_in(request, pk, "api: pact content")
    version = pact_services.latest_version(pact)
    if version is None:
        raise Http404
    return pact, version


class PactVersionHeaderIn(_VersionHeader):
    """The header of the newest version while it is unsigned, as it is now: what the pact is about, its dates and
    how often it is reviewed (every field: one left out takes its default)."""

    model_config = with_server_rules([*VERSION.server_rules(VERSION.rules.fields), *ROW_STATE_RULES])


@router.put(
    "/{slug}/pacts/{id}/version/",
    response={200: PactVersionOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_version_update",
    summary="Change the header of the pact's newest version while unsigned: summary, dates, review interval (409 "
    "once signed)",
    auth=requires(WORK_ON_CASES),
)
def update_version(request: HttpRequest, slug: str, id: Id, payload: PactVersionHeaderIn):
    pact, version = _newest(request, id)
    with refusals():
        pact_services.update_version(actor=request.user, version=version, data=payload.dict())
    return version_out(versions_of(pact).get(pk=version.pk), pact)


def _parent_id(model: Any, version: PactVersion, key: uuid.UUID | None) -> int | None:
    """The id of the row of `version` with this key (0, which no row has, when none: the service refuses it)."""
    if key is None:
        return None
    return model.objects.filter(version=version, key=key).values_list("pk", flat=True).first() or 0


ROW_OUT: dict[str, Any] = {
    "party": party_out,
    "objective": objective_out,
    "result": result_out,
    "support": support_out,
    "budget": budget_line_out,
    "commitment": commitment_out,
}


def _row_data(version: PactVersion, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """A row's body as the service takes it: parents by their id in `version`, amounts and hours as Decimal."""
    if kind == "result" and "objective" in data:  # a change keeps the result's objective
        data["objective"] = _parent_id(Objective, version, data["objective"])
    if kind == "budget":
        data["support"] = _parent_id(Support, version, data["support"])
        data["amount"] = Decimal(data["amount"])
    if kind == "commitment":
        for name in ("hours_per_week", "hours_total"):
            data[name] = None if data[name] is None else Decimal(data[name])
    return data


def _add_row(request: HttpRequest, pk: int, kind: str, data: dict[str, Any]) -> Status:
    pact, version = _newest(request, pk)
    with refusals():
        row = pact_services.add_row(actor=request.user, version=version, kind=kind, data=_row_data(version, kind, data))
    return Status(201, ROW_OUT[kind](row))


def _row_of(version: PactVersion, kind: str, key: uuid.UUID) -> Any:
    """The row of `kind` with this key in `version`, else 404."""
    row = pact_services.ROW_KINDS[kind].rows(version).filter(key=key).first()
    if row is None:
        raise Http404
    return row


def _change_row(request: HttpRequest, pk: int, kind: str, key: uuid.UUID, data: dict[str, Any]) -> dict[str, Any]:
    pact, version = _newest(request, pk)
    row = _row_of(version, kind, key)
    with refusals():
        pact_services.update_row(
            actor=request.user, version=version, kind=kind, row_id=row.pk, data=_row_data(version, kind, data)
        )
    return ROW_OUT[kind](_row_of(version, kind, key))


def _remove_row(request: HttpRequest, pk: int, kind: str, key: uuid.UUID) -> Status:
    pact, version = _newest(request, pk)
    row = _row_of(version, kind, key)
    with refusals():
        pact_services.remove_row(actor=request.user, version=version, kind=kind, row_id=row.pk)
    return Status(204, None)


ROW_DOCS = {
    "party": (PactPartyIn, PactPartyOut, "a party"),
    "objective": (PactObjectiveIn, PactObjectiveOut, "an objective"),
    "result": (PactResultIn, PactExpectedResultOut, "a result expected of an objective"),
    "support": (PactSupportIn, PactSupportOut, "a support"),
    "budget": (PactBudgetLineIn, PactBudgetLineOut, "a budget line"),
    "commitment": (PactCommitmentIn, PactCommitmentOut, "a commitment"),
}


def _row_operation(kind: str) -> None:
    body, out, what = ROW_DOCS[kind]

    def add(request: HttpRequest, slug: str, id: Id, payload: Any):
        return _add_row(request, id, kind, payload.dict())

    add.__name__ = f"pact_add_{kind}"
    add.__annotations__["payload"] = body
    router.post(
        f"/{{slug}}/pacts/{{id}}/rows/{kind}/",
        response={201: out, 409: ErrorOut, **WRITE_ERRORS},
        operation_id=f"pacts_add_{kind}",
        summary=f"Add {what} to the pact's newest version while unsigned (409 once signed)",
        auth=requires(WORK_ON_CASES),
    )(add)


for _kind in ROW_DOCS:
    _row_operation(_kind)


class PactResultChangeIn(Schema):
    """An expected result as it is now: its indicator, target and day. It stays with its objective (to move it,
    remove it and add it to the other one)."""

    model_config = _row_rules(RESULT)

    indicator: str = RESULT.field("indicator")
    target: str = RESULT.field("target")
    due_on: Day | None = RESULT.field("due_on", None)


# The body of a change is the row as it is now, the same as its addition (every field: one left out takes its empty
# value); an expected result keeps its objective.
ROW_CHANGE_BODIES = {kind: body for kind, (body, _out, _what) in ROW_DOCS.items()} | {"result": PactResultChangeIn}


def _row_change_operation(kind: str) -> None:
    _body, out, what = ROW_DOCS[kind]
    path = f"/{{slug}}/pacts/{{id}}/rows/{kind}/{{key}}/"

    def change(request: HttpRequest, slug: str, id: Id, key: uuid.UUID, payload: Any):
        return _change_row(request, id, kind, key, payload.dict())

    change.__name__ = f"pact_update_{kind}"
    change.__annotations__["payload"] = ROW_CHANGE_BODIES[kind]
    router.put(
        path,
        response={200: out, 409: ErrorOut, **WRITE_ERRORS},
        operation_id=f"pacts_update_{kind}",
        summary=f"Change {what} (by its key) of the pact's newest version while unsigned: the whole row, as when "
        "it was added (409 once signed)",
        auth=requires(WORK_ON_CASES),
    )(change)

    def remove(request: HttpRequest, slug: str, id: Id, key: uuid.UUID):
        return _remove_row(request, id, kind, key)

    # Django resolves this path before /rows/{kind}/{key}/ (registered after it): the DELETE that the schema
    # documents there (pacts_remove_row) is answered here too, for this kind.
    remove.__name__ = f"pact_remove_{kind}"
    router.delete(
        path,
        response={204: None, 409: ErrorOut, **READ_ERRORS},
        operation_id=f"pacts_remove_{kind}",
        include_in_schema=False,
        auth=requires(WORK_ON_CASES),
    )(remove)


for _kind in ROW_DOCS:
    _row_change_operation(_kind)


@router.delete(
    "/{slug}/pacts/{id}/rows/{kind}/{key}/",
    response={204: None, 409: ErrorOut, **READ_ERRORS},
    operation_id="pacts_remove_row",
    summary="Remove a row (by its kind and key) from the pact's newest version while unsigned; an objective goes "
    "with its expected results (409 once signed)",
    auth=requires(WORK_ON_CASES),
)
def remove_row(request: HttpRequest, slug: str, id: Id, kind: RowKindName, key: uuid.UUID):
    return _remove_row(request, id, kind, key)
