"""Generative pacts through the API: a pact with its version in force, its versions and their differences, its
moves and its signature. Its content (creating it, its rows, a new version) is in legami.api.v1.pact_content, its
budget and give-back hours in legami.api.v1.pact_money, cases in legami.api.v1.cases.

Case data only to the case team (pacts.work_on_cases and on the team) and to the privacy officer, who reads every
case (pacts.inspect_cases) and writes nothing. For anyone else a case and all it holds do not exist: a case outside
the caller's team answers 404, exactly as an id never used. Every read of a case or a pact is audited (the access
selectors of legami.pacts.selectors.access record it). Amounts are decimal strings ("600.00"), never floats.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import FORM, refusals, refuse_unknown_form
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
    PactStatus,
    PartyKind,
    SignatureMethod,
    amount,
    named,
    pact_in,
    user_ref,
)
from legami.pacts.capabilities import (
    OPEN_CASES,
    WORK_ON_CASES,
)
from legami.pacts.models import (
    Objective,
    Pact,
    PactVersion,
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


def versions_of(pact: Pact) -> QuerySet[PactVersion]:
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


def party_out(p: Any) -> dict[str, Any]:
    return {"key": p.key, "kind": p.kind, "organization": named(p.organization), "name": p.name, "signs": p.signs}


def result_out(r: Any) -> dict[str, Any]:
    return {"key": r.key, "indicator": r.indicator, "target": r.target, "due_on": r.due_on}


def objective_out(o: Any) -> dict[str, Any]:
    return {"key": o.key, "text": o.text, "results": [result_out(r) for r in o.results.all()]}


def support_out(s: Any) -> dict[str, Any]:
    return {"key": s.key, "service": s.service, "provider": named(s.provider), "frequency": s.frequency}


def budget_line_out(b: Any) -> dict[str, Any]:
    return {
        "key": b.key,
        "category": b.category,
        "description": b.description,
        "amount": amount(b.amount),
        "support": b.support.key if b.support else None,
    }


def commitment_out(c: Any) -> dict[str, Any]:
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


def version_out(version: PactVersion, pact: Pact) -> dict[str, Any]:
    return {
        **_summary_out(version, pact),
        "summary": version.summary,
        "review_every_weeks": version.review_every_weeks,
        "parties": [party_out(p) for p in version.parties.all()],
        "objectives": [objective_out(o) for o in version.objectives.all()],
        "supports": [support_out(s) for s in version.supports.all()],
        "budget_lines": [budget_line_out(b) for b in version.budget_lines.all()],
        "commitments": [commitment_out(c) for c in version.commitments.all()],
    }


def pact_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    pact = pact_in(request, pk, "api: pact")
    versions = versions_of(pact)
    in_force = versions.filter(pk=pact.current_version_id).first() if pact.current_version_id else None
    draft = versions.filter(signed_on__isnull=True).order_by("-number").first()
    return {
        "id": pact.pk,
        "case": pact.case_id,
        "status": pact.status,
        "interrupt_reason": pact.interrupt_reason,
        "next_review_on": pact.next_review_on,
        "version_in_force": version_out(in_force, pact) if in_force else None,
        "draft": version_out(draft, pact) if draft else None,
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
    return pact_out(request, id)


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
    version = versions_of(pact).filter(number=number).first()
    if version is None:
        raise Http404
    return version_out(version, pact)


# A new version is drafted at the same address as the versions are listed: one router must hold both.
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
    return Status(201, version_out(versions_of(pact).get(pk=version.pk), pact))


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
    return pact_out(request, pk)


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
    return pact_out(request, id)


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
    return pact_out(request, id)
