"""Cases and generative pacts: a case with its team, assessments and pacts; a pact with its version in force, its
versions and their differences, its moves, its budget and its give-back hours; the host's confirmations.

Case data only to the case team (pacts.work_on_cases and on the team) and to the privacy officer, who reads every
case (pacts.inspect_cases) and writes nothing. For anyone else a case and all it holds do not exist: a case outside
the caller's team answers 404, exactly as an id never used. Every read of a case or a pact is audited (the access
selectors of legami.pacts.selectors.access record it). Amounts are decimal strings ("600.00"), never floats.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import FORM, refuse_unknown_form
from legami.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    NamedRef,
    declared,
    with_server_rules,
)
from legami.api.v1.pacts_shared import (
    READ,
    BudgetCategory,
    CommitmentParty,
    InterruptReason,
    Money,
    MoneyText,
    PactStatus,
    PartyKind,
    SignatureMethod,
    amount,
    case_in,
    named,
    pact_in,
    user_ref,
)
from legami.api.v1.participation import refusals
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
from legami.pacts.selectors import pacts as pact_selectors
from legami.pacts.services import pacts as pact_services

router = Router(tags=["cases and pacts"])

# --- pacts and their versions ---------------------------------------------------------------------------------


class PactPartyOut(Schema):
    key: uuid.UUID = Field(..., description="The same party from one version to the next.")
    kind: PartyKind
    organization: NamedRef | None
    name: str
    signs: bool


class PactExpectedResultOut(Schema):
    key: uuid.UUID
    indicator: str
    target: str
    due_on: datetime.date | None


class PactObjectiveOut(Schema):
    key: uuid.UUID = Field(..., description="The same objective from one version to the next.")
    text: str
    results: list[PactExpectedResultOut]


class PactSupportOut(Schema):
    key: uuid.UUID
    service: str
    provider: NamedRef | None
    frequency: str


class PactBudgetLineOut(Schema):
    """A line of the personal welfare budget."""

    key: uuid.UUID = Field(..., description="The same line from one version to the next: expenses follow it.")
    category: BudgetCategory
    description: str
    amount: Money = Field(..., description="In euro, a decimal string with 2 decimals.")
    support: uuid.UUID | None = Field(..., description="The key of the support it pays for.")


class PactCommitmentOut(Schema):
    key: uuid.UUID = Field(..., description="The same commitment from one version to the next: hours follow it.")
    party: CommitmentParty
    organization: NamedRef | None
    what: str
    due_on: datetime.date | None
    is_give_back: bool
    hours_per_week: Money | None = Field(..., description="Give-back hours a week (decimal string).")
    hours_total: Money | None = Field(..., description="Give-back hours in all (decimal string).")


class PactVersionSummaryOut(Schema):
    """A version of a pact: when it was written and signed, and why it changed."""

    number: int
    based_on: int | None = Field(..., description="The number of the version it was made from.")
    change_note: str
    starts_on: datetime.date
    ends_on: datetime.date
    signed_on: datetime.date | None = Field(..., description="null: not signed (it may still change).")
    signature_method: SignatureMethod | Literal[""]
    created_at: datetime.datetime
    in_force: bool = Field(..., description="True: the signed version in force.")


class PactVersionOut(PactVersionSummaryOut):
    """A version with its whole content."""

    summary: str
    review_every_weeks: int
    parties: list[PactPartyOut]
    objectives: list[PactObjectiveOut]
    supports: list[PactSupportOut]
    budget_lines: list[PactBudgetLineOut]
    commitments: list[PactCommitmentOut]


class PactHistoryOut(Schema):
    from_status: PactStatus | Literal[""]
    to_status: PactStatus
    actor: NamedRef | None
    note: str
    created_at: datetime.datetime


class PactOut(Schema):
    """A pact: its state, the version in force and the version being written, its history."""

    id: int
    case: int
    status: PactStatus
    interrupt_reason: InterruptReason | Literal[""]
    next_review_on: datetime.date | None
    version_in_force: PactVersionOut | None = Field(..., description="The signed version in force; null: none yet.")
    draft: PactVersionOut | None = Field(..., description="The unsigned version being written, if there is one.")
    history: list[PactHistoryOut]


def _versions(pact: Pact) -> QuerySet[PactVersion]:
    """The pact's versions with everything they hold, in a fixed number of queries."""
    objectives = Prefetch("objectives", queryset=Objective.objects.prefetch_related("results"))
    return pact.versions.select_related("based_on").prefetch_related(
        "parties__organization",
        objectives,
        "supports__provider",
        "budget_lines__support",
        "commitments__organization",
    )


def _summary_out(version: PactVersion, pact: Pact) -> dict[str, Any]:
    return {
        "number": version.number,
        "based_on": version.based_on.number if version.based_on else None,
        "change_note": version.change_note,
        "starts_on": version.starts_on,
        "ends_on": version.ends_on,
        "signed_on": version.signed_on,
        "signature_method": version.signature_method,
        "created_at": version.created_at,
        "in_force": version.pk == pact.current_version_id,
    }


def _party_out(p: Any) -> dict[str, Any]:
    return {"key": p.key, "kind": p.kind, "organization": named(p.organization), "name": p.name, "signs": p.signs}


def _result_out(r: Any) -> dict[str, Any]:
    return {"key": r.key, "indicator": r.indicator, "target": r.target, "due_on": r.due_on}


def _objective_out(o: Any) -> dict[str, Any]:
    return {"key": o.key, "text": o.text, "results": [_result_out(r) for r in o.results.all()]}


def _support_out(s: Any) -> dict[str, Any]:
    return {"key": s.key, "service": s.service, "provider": named(s.provider), "frequency": s.frequency}


def _budget_line_out(b: Any) -> dict[str, Any]:
    return {
        "key": b.key,
        "category": b.category,
        "description": b.description,
        "amount": amount(b.amount),
        "support": b.support.key if b.support else None,
    }


def _commitment_out(c: Any) -> dict[str, Any]:
    return {
        "key": c.key,
        "party": c.party,
        "organization": named(c.organization),
        "what": c.what,
        "due_on": c.due_on,
        "is_give_back": c.is_give_back,
        "hours_per_week": amount(c.hours_per_week),
        "hours_total": amount(c.hours_total),
    }


def _version_out(version: PactVersion, pact: Pact) -> dict[str, Any]:
    return {
        **_summary_out(version, pact),
        "summary": version.summary,
        "review_every_weeks": version.review_every_weeks,
        "parties": [_party_out(p) for p in version.parties.all()],
        "objectives": [_objective_out(o) for o in version.objectives.all()],
        "supports": [_support_out(s) for s in version.supports.all()],
        "budget_lines": [_budget_line_out(b) for b in version.budget_lines.all()],
        "commitments": [_commitment_out(c) for c in version.commitments.all()],
    }


def _pact_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    pact = pact_in(request, pk, "api: pact")
    versions = _versions(pact)
    in_force = versions.filter(pk=pact.current_version_id).first() if pact.current_version_id else None
    draft = versions.filter(signed_on__isnull=True).order_by("-number").first()
    return {
        "id": pact.pk,
        "case": pact.case_id,
        "status": pact.status,
        "interrupt_reason": pact.interrupt_reason,
        "next_review_on": pact.next_review_on,
        "version_in_force": _version_out(in_force, pact) if in_force else None,
        "draft": _version_out(draft, pact) if draft else None,
        "history": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": user_ref(e.actor),
                "note": e.note,
                "created_at": e.created_at,
            }
            for e in pact.events.select_related("actor")
        ],
    }


@router.get(
    "/{slug}/pacts/{id}/",
    response={200: PactOut, **READ_ERRORS},
    operation_id="pacts_get",
    summary="One pact: its state, the version in force with its content, the version being written, its history",
    auth=requires(*READ),
)
def get_pact(request: HttpRequest, slug: str, id: Id):
    return _pact_out(request, id)


@router.get(
    "/{slug}/pacts/{id}/versions/",
    response={200: list[PactVersionSummaryOut], **READ_ERRORS},
    operation_id="pacts_versions",
    summary="The versions of a pact, the first first (audited)",
    auth=requires(*READ),
)
def list_versions(request: HttpRequest, slug: str, id: Id):
    pact = pact_in(request, id, "api: pact versions")
    return [_summary_out(v, pact) for v in pact.versions.select_related("based_on").order_by("number")]


@router.get(
    "/{slug}/pacts/{id}/versions/{number}/",
    response={200: PactVersionOut, **READ_ERRORS},
    operation_id="pacts_version",
    summary="One version of a pact, by its number, with its whole content (audited)",
    auth=requires(*READ),
)
def get_version(request: HttpRequest, slug: str, id: Id, number: Id):
    pact = pact_in(request, id, "api: pact version")
    version = _versions(pact).filter(number=number).first()
    if version is None:
        raise Http404
    return _version_out(version, pact)


# --- the differences between two versions ----------------------------------------------------------------------


class PactDiffChangeOut(Schema):
    label: str = Field(..., description="The field, in the caller's language.")
    old: str = Field(..., description="Its value in the first version, written for people ('' when added).")
    new: str = Field(..., description="Its value in the second version ('' when removed).")


class PactDiffRowOut(Schema):
    status: Literal["added", "removed", "changed"]
    title: str = Field(..., description="The row, by its text ('' for the pact's own fields).")
    changes: list[PactDiffChangeOut]


class PactDiffSectionOut(Schema):
    name: Literal["header", "parties", "objectives", "results", "supports", "budget", "commitments"]
    label: str
    rows: list[PactDiffRowOut]


class PactDiffOut(Schema):
    """What changed from one version to another: rows matched by their key, sections without changes left out."""

    from_version: int
    to_version: int
    sections: list[PactDiffSectionOut]


class PactDiffQuery(Schema):
    from_version: Id = Field(..., alias="from", description="The number of the first version.")
    to_version: Id = Field(..., alias="to", description="The number of the second version.")


@router.get(
    "/{slug}/pacts/{id}/diff/",
    response={200: PactDiffOut, **READ_ERRORS},
    operation_id="pacts_diff",
    summary="The differences between two versions of a pact (`?from=1&to=2`), row by row (audited)",
    auth=requires(*READ),
)
def diff(request: HttpRequest, slug: str, id: Id, versions: Query[PactDiffQuery]):
    pact = pact_in(request, id, "api: pact versions compared")
    old = pact_selectors.version_by_number(pact, versions.from_version)
    new = pact_selectors.version_by_number(pact, versions.to_version)
    return {
        "from_version": old.number,
        "to_version": new.number,
        "sections": [
            {
                "name": section.name,
                "label": str(section.label),
                "rows": [
                    {
                        "status": row.status,
                        "title": str(row.title),
                        "changes": [{"label": str(c.label), "old": c.old, "new": c.new} for c in row.changes],
                    }
                    for row in section.rows
                ],
            }
            for section in pact_selectors.version_diff(old, new)
        ],
    }


# --- the pact's moves --------------------------------------------------------------------------------------------


class PactNoteIn(Schema):
    """Why, if there is something to say (it goes to the pact's history, encrypted)."""

    model_config = with_server_rules([])

    note: str = Field("", max_length=500)


INTERRUPT = declared(pact_services.INTERRUPT_INPUTS)


class PactInterruptIn(Schema):
    """Why the pact is interrupted."""

    model_config = with_server_rules(INTERRUPT.server_rules(INTERRUPT.rules.fields))

    interrupt_reason: InterruptReason = INTERRUPT.field("interrupt_reason")
    note: str = Field("", max_length=500)


def _move(request: HttpRequest, pk: int, service: Any, **kwargs: Any) -> dict[str, Any]:
    pact = pact_in(request, pk, "api: pact move")
    with refusals():
        service(actor=request.user, pact=pact, **kwargs)
    return _pact_out(request, pk)


MOVE_DOCS = {
    "propose": "Propose the draft to the person (409 without an objective and a commitment, or unless a draft)",
    "redraft": "Take a proposed pact back to draft (409 unless proposed)",
    "start": "Put a signed pact in force: the first review falls `review_every_weeks` after its start (case manager)",
    "review": "Open a review of an active pact (case manager; 409 unless active)",
    "complete": "Close a pact under review as completed (case manager; 409 unless under review)",
}


def _move_operation(name: str) -> None:
    service = pact_services.MOVE_SERVICES[name]

    def move(request: HttpRequest, slug: str, id: Id, payload: PactNoteIn):
        return _move(request, id, service, note=payload.note)

    move.__name__ = f"pact_{name}"
    router.post(
        f"/{{slug}}/pacts/{{id}}/{name}/",
        response={200: PactOut, 409: ErrorOut, **WRITE_ERRORS},
        operation_id=f"pacts_{name}",
        summary=MOVE_DOCS[name],
        auth=requires(WORK_ON_CASES),
    )(move)


for _name in MOVE_DOCS:
    _move_operation(_name)


@router.post(
    "/{slug}/pacts/{id}/interrupt/",
    response={200: PactOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_interrupt",
    summary="Interrupt a pact that is not closed, with a reason (case manager)",
    auth=requires(WORK_ON_CASES),
)
def interrupt(request: HttpRequest, slug: str, id: Id, payload: PactInterruptIn):
    return _move(request, id, pact_services.interrupt_pact, reason=payload.interrupt_reason, note=payload.note)


SIGNATURE = declared(pact_services.SIGNATURE_INPUTS)


class PactSignatureIn(Schema):
    """The signature of the newest unsigned version, digital or read aloud before a witness. A signature on paper
    needs its scan: send both as multipart/form-data to the signature's `scan/` operation (pacts_sign_with_scan)."""

    model_config = with_server_rules(SIGNATURE.server_rules(SIGNATURE.rules.fields))

    signed_on: Day = SIGNATURE.field("signed_on", description="Not in the future, not before the version was written.")
    signature_method: Literal["digital", "witnessed"] = SIGNATURE.field("signature_method")


@router.post(
    "/{slug}/pacts/{id}/signature/",
    response={200: PactOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_sign",
    summary="Record the signature of the newest unsigned version: a proposed pact becomes signed; under review, the "
    "new version comes in force (case manager; 409 otherwise)",
    auth=requires(WORK_ON_CASES),
)
def sign(request: HttpRequest, slug: str, id: Id, payload: PactSignatureIn):
    pact = pact_in(request, id, "api: pact signature")
    with refusals():
        pact_services.record_signature(actor=request.user, pact=pact, data=payload.dict())
    return _pact_out(request, id)


class PactScanSignatureIn(Schema):
    """The signature of the newest unsigned version with the scan of the signed pact, sent as multipart/form-data
    with the file in `scan` (a PDF, JPEG or PNG of at most 10 MB, known by its first bytes): the way to record a
    signature on paper, which needs its scan; a digital or witnessed signature may carry one too."""

    model_config = with_server_rules(
        [
            *SIGNATURE.server_rules(SIGNATURE.rules.fields),
            {"field": "scan", "code": "too_large", "rule": "The file is at most 10 MB."},
            {"field": "scan", "code": "file_type", "rule": "The file is a PDF, a JPEG or a PNG (by its content)."},
        ]
    )

    signed_on: Day = SIGNATURE.field("signed_on", description="Not in the future, not before the version was written.")
    signature_method: SignatureMethod = SIGNATURE.field("signature_method")


@router.post(
    "/{slug}/pacts/{id}/signature/scan/",
    response={200: PactOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_sign_with_scan",
    summary="Record the signature of the newest unsigned version with the signed scan (multipart/form-data: "
    "`signed_on`, `signature_method`, the file `scan`), as the pact's signature page does (case manager; 409 "
    "otherwise)",
    auth=requires(OPEN_CASES),
)
def sign_with_scan(
    request: HttpRequest, slug: str, id: Id, payload: Form[PactScanSignatureIn], scan: File[UploadedFile]
):
    refuse_unknown_form(request, PactScanSignatureIn, files=["scan"])
    pact = pact_in(request, id, "api: pact signature")
    with refusals(FORM, files=["scan"]):
        pact_services.record_signature(actor=request.user, pact=pact, data=payload.dict(), scan=scan)
    return _pact_out(request, id)


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
    return Status(201, _pact_out(request, pact.pk))


NEW_VERSION = declared(pact_services.NEW_VERSION_INPUTS)


class PactVersionIn(Schema):
    """What changes in the new version, and why."""

    model_config = with_server_rules(
        [
            *NEW_VERSION.server_rules(NEW_VERSION.rules.fields),
            {"code": "not_under_review", "rule": "The pact is under review (409)."},
            {"code": "draft_exists", "rule": "No new version is being written already (409)."},
        ]
    )

    change_note: str = NEW_VERSION.field("change_note")


@router.post(
    "/{slug}/pacts/{id}/versions/",
    response={201: PactVersionOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_version_create",
    summary="Draft a new version of a pact under review: a copy of the version in force with every row (same keys), "
    "to change and then sign (case manager; 409 unless under review or when one is being written)",
    auth=requires(OPEN_CASES),
)
def create_version(request: HttpRequest, slug: str, id: Id, payload: PactVersionIn):
    pact = pact_in(request, id, "api: pact new version")
    with refusals():
        version = pact_services.create_version(actor=request.user, pact=pact, data=payload.dict())
    return Status(201, _version_out(_versions(pact).get(pk=version.pk), pact))


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
    return _version_out(_versions(pact).get(pk=version.pk), pact)


def _parent_id(model: Any, version: PactVersion, key: uuid.UUID | None) -> int | None:
    """The id of the row of `version` with this key (0, which no row has, when none: the service refuses it)."""
    if key is None:
        return None
    return model.objects.filter(version=version, key=key).values_list("pk", flat=True).first() or 0


ROW_OUT: dict[str, Any] = {
    "party": _party_out,
    "objective": _objective_out,
    "result": _result_out,
    "support": _support_out,
    "budget": _budget_line_out,
    "commitment": _commitment_out,
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
