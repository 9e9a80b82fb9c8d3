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
from typing import Annotated, Any, Literal, get_args

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, Field

from legami.api.auth import requires
from legami.api.errors import service_errors
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
from legami.api.v1.participation import refusals
from legami.core.parsing import MAX_ID
from legami.pacts.capabilities import (
    APPROVE_OVERSPENDING,
    CASE_READERS,
    CONFIRM_GIVE_BACK,
    OPEN_CASES,
    WORK_ON_CASES,
)
from legami.pacts.models import (
    Assessment,
    AssessmentScore,
    Case,
    CaseMember,
    Objective,
    Pact,
    PactVersion,
    Support,
)
from legami.pacts.selectors import budget as budget_selectors
from legami.pacts.selectors import giveback as giveback_selectors
from legami.pacts.selectors import pacts as pact_selectors
from legami.pacts.selectors.access import case_for, cases_for, pact_for
from legami.pacts.services import assessments as assessment_services
from legami.pacts.services import budget as budget_services
from legami.pacts.services import cases as case_services
from legami.pacts.services import giveback as giveback_services
from legami.pacts.services import pacts as pact_services
from legami.pacts.services.common import consent_withdrawn

router = Router(tags=["cases and pacts"])

# Reading a case: its team, or the privacy officer (who only reads), as the case pages.
READ = CASE_READERS

# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
CaseStatus = Literal["open", "closed"]
CaseCloseReason = Literal["goals_reached", "transferred", "moved", "withdrew", "consent_withdrawn", "other"]
TeamRole = Literal["manager", "member"]
LegalBasis = Literal[
    "consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"
]
Domain = Literal["housing", "work", "income", "health", "relationships", "skills", "family_care", "autonomy"]
AssessmentKind = Literal["baseline", "review", "closing"]
PactStatus = Literal["draft", "proposed", "signed", "active", "under_review", "completed", "interrupted"]
InterruptReason = Literal[
    "person_withdrew", "commitments_not_kept", "situation_changed", "moved", "consent_withdrawn", "other"
]
SignatureMethod = Literal["paper", "digital", "witnessed"]
PartyKind = Literal["case_manager", "organization", "family", "other"]
BudgetCategory = Literal["housing", "bills", "food", "transport", "training", "health", "children", "work", "other"]
CommitmentParty = Literal["person", "case_manager", "organization", "family"]

CENT = Decimal("0.01")
# An amount as the API gives it: a decimal string with 2 decimals ("600.00"), never a float.
Money = Annotated[Decimal, AfterValidator(lambda value: value.quantize(CENT))]
# An amount as the API takes it: a decimal string, at most 2 decimals ("600", "600.5", "600.00").
MONEY_TEXT = r"^\d{1,8}(\.\d{1,2})?$"
MoneyText = Annotated[str, Field(pattern=MONEY_TEXT, examples=["600.00"])]


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


# --- shared references -------------------------------------------------------------------------------------------


class CasePersonRef(Schema):
    """The person of a case (personal data: the case team and the privacy officer only)."""

    id: int
    name: str


def _user(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.acting_name}


def _named(row: Any) -> dict[str, Any] | None:
    return None if row is None else {"id": row.pk, "name": row.name}


# --- cases -------------------------------------------------------------------------------------------------------


class _CaseFields(Schema):
    id: int
    person: CasePersonRef
    status: CaseStatus
    opened_on: datetime.date
    closed_on: datetime.date | None
    my_role: TeamRole | None = Field(
        ..., description="The caller's role on the team; null: not on it (the privacy officer reads every case)."
    )


class CaseListOut(_CaseFields):
    """A case the caller may read: the person, its state and the caller's role on its team."""

    @staticmethod
    def resolve_person(obj: Case) -> dict[str, Any]:
        return {"id": obj.person_id, "name": obj.person.full_name}

    @staticmethod
    def resolve_my_role(obj: Case) -> str | None:
        return getattr(obj, "my_role", None)


class CaseProcessingOut(Schema):
    """The processing of the register the case is done under: its purpose and legal basis."""

    id: int
    name: str
    purpose: str
    legal_basis: LegalBasis


class CaseTeamMemberOut(Schema):
    user: NamedRef
    role: TeamRole
    organization: NamedRef | None


class AssessmentScoreOut(Schema):
    domain: Domain
    score: int = Field(..., ge=1, le=5, description="1 serious difficulty … 5 no difficulty.")
    notes: str
    evidence: str


class AssessmentOut(Schema):
    """A multidimensional assessment, with a score for each domain assessed."""

    id: int
    kind: AssessmentKind
    assessed_on: datetime.date
    assessed_by: NamedRef | None
    note: str
    scores: list[AssessmentScoreOut]


class PactSummaryOut(Schema):
    id: int
    status: PactStatus
    version_in_force: int | None = Field(..., description="The number of the signed version in force; null: none.")
    next_review_on: datetime.date | None


class CaseOut(_CaseFields):
    """A case: the person, the situation, the processing and whether its legal basis holds, the team, the
    assessments (oldest first) and the pacts (newest first)."""

    summary: str = Field(..., description="The situation (case data).")
    close_reason: CaseCloseReason | Literal[""]
    processing: CaseProcessingOut
    consent_withdrawn: bool = Field(
        ..., description="True: processed on consent that was withdrawn or never given; the case can only be closed."
    )
    referral: int | None = Field(..., description="The referral it came from.")
    team: list[CaseTeamMemberOut]
    assessments: list[AssessmentOut]
    pacts: list[PactSummaryOut]


def _my_role(viewer: Any) -> Subquery:
    return Subquery(CaseMember.objects.filter(case=OuterRef("pk"), user=viewer).values("role")[:1])


def _assessment_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "kind": assessment.kind,
        "assessed_on": assessment.assessed_on,
        "assessed_by": _user(assessment.assessed_by),
        "note": assessment.note,
        "scores": [
            {"domain": s.domain, "score": s.score, "notes": s.notes, "evidence": s.evidence}
            for s in assessment.scores.all()
        ],
    }


def _assessments(case: Case) -> QuerySet[Assessment]:
    scores = Prefetch("scores", queryset=AssessmentScore.objects.order_by("id"))
    return case.assessments.select_related("assessed_by").prefetch_related(scores)


def _case_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    network = scoped_network(request)
    case = case_for(request.user, network, pk, purpose="api: case", select_related=("processing",))
    members = case.members.select_related("user", "organization")
    role = next((m.role for m in members if m.user_id == request.user.pk), None)
    pacts = case.pacts.select_related("current_version")
    return {
        "id": case.pk,
        "person": {"id": case.person_id, "name": case.person.full_name},
        "status": case.status,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "my_role": role,
        "summary": case.summary,
        "close_reason": case.close_reason,
        "processing": case.processing,
        "consent_withdrawn": consent_withdrawn(case),
        "referral": case.referral_id,
        "team": [{"user": _user(m.user), "role": m.role, "organization": _named(m.organization)} for m in members],
        "assessments": [_assessment_out(a) for a in _assessments(case)],
        "pacts": [
            {
                "id": p.pk,
                "status": p.status,
                "version_in_force": p.current_version.number if p.current_version else None,
                "next_review_on": p.next_review_on,
            }
            for p in pacts
        ],
    }


@router.get(
    "/{slug}/cases/",
    response={200: list[CaseListOut], **READ_ERRORS},
    operation_id="cases_list",
    summary="The cases of the caller's team (every case for the privacy officer), newest first",
    auth=requires(*READ),
)
@paginate(PageNumberPagination)
def list_cases(request: HttpRequest, slug: str):
    network = scoped_network(request)
    return cases_for(request.user, network).select_related("person").annotate(my_role=_my_role(request.user))


@router.get(
    "/{slug}/cases/{id}/",
    response={200: CaseOut, **READ_ERRORS},
    operation_id="cases_get",
    summary="One case: the person, the situation, the team, the assessments with their scores, the pacts (audited)",
    auth=requires(*READ),
)
def get_case(request: HttpRequest, slug: str, id: Id):
    return _case_out(request, id)


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
    return {"key": p.key, "kind": p.kind, "organization": _named(p.organization), "name": p.name, "signs": p.signs}


def _result_out(r: Any) -> dict[str, Any]:
    return {"key": r.key, "indicator": r.indicator, "target": r.target, "due_on": r.due_on}


def _objective_out(o: Any) -> dict[str, Any]:
    return {"key": o.key, "text": o.text, "results": [_result_out(r) for r in o.results.all()]}


def _support_out(s: Any) -> dict[str, Any]:
    return {"key": s.key, "service": s.service, "provider": _named(s.provider), "frequency": s.frequency}


def _budget_line_out(b: Any) -> dict[str, Any]:
    return {
        "key": b.key,
        "category": b.category,
        "description": b.description,
        "amount": _amount(b.amount),
        "support": b.support.key if b.support else None,
    }


def _commitment_out(c: Any) -> dict[str, Any]:
    return {
        "key": c.key,
        "party": c.party,
        "organization": _named(c.organization),
        "what": c.what,
        "due_on": c.due_on,
        "is_give_back": c.is_give_back,
        "hours_per_week": _amount(c.hours_per_week),
        "hours_total": _amount(c.hours_total),
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


def _pact(request: HttpRequest, pk: int, purpose: str) -> Pact:
    return pact_for(request.user, scoped_network(request), pk, purpose=purpose)


def _pact_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    pact = _pact(request, pk, "api: pact")
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
                "actor": _user(e.actor),
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
    pact = _pact(request, id, "api: pact versions")
    return [_summary_out(v, pact) for v in pact.versions.select_related("based_on").order_by("number")]


@router.get(
    "/{slug}/pacts/{id}/versions/{number}/",
    response={200: PactVersionOut, **READ_ERRORS},
    operation_id="pacts_version",
    summary="One version of a pact, by its number, with its whole content (audited)",
    auth=requires(*READ),
)
def get_version(request: HttpRequest, slug: str, id: Id, number: Id):
    pact = _pact(request, id, "api: pact version")
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
    pact = _pact(request, id, "api: pact versions compared")
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


# --- assessments -------------------------------------------------------------------------------------------------

ASSESSMENT = declared(assessment_services.ASSESSMENT_INPUTS)
BEFORE_OPENING = {
    "field": "assessed_on",
    "code": "before_opening",
    "rule": "Not before the case was opened.",
}
BASELINE_EXISTS = {"field": "kind", "code": "baseline_exists", "rule": "A case has one baseline assessment."}


def _assessment_in() -> type[Schema]:
    """The body of a new assessment: its kind, day and note, and for each of the eight domains `score_<domain>`
    (1–5), `notes_<domain>` and `evidence_<domain>` (the service's own fields, so a 422 names them)."""
    annotations: dict[str, Any] = {"kind": AssessmentKind, "assessed_on": Day, "note": str}
    namespace: dict[str, Any] = {
        "__doc__": "A new assessment: a score from 1 (serious difficulty) to 5 (none) in each of the eight domains.",
        "model_config": with_server_rules(
            ASSESSMENT.server_rules(ASSESSMENT.rules.fields, more=[BEFORE_OPENING, BASELINE_EXISTS])
        ),
        "kind": ASSESSMENT.field("kind"),
        "assessed_on": ASSESSMENT.field("assessed_on", description="Not in the future, not before the case opened."),
        "note": ASSESSMENT.field("note"),
    }
    for domain in get_args(Domain):
        for name, kind in (
            (assessment_services.score_field(domain), int),
            (assessment_services.notes_field(domain), str),
            (assessment_services.evidence_field(domain), str),
        ):
            annotations[name] = kind
            namespace[name] = ASSESSMENT.field(name)
    namespace["__annotations__"] = annotations
    return type("AssessmentIn", (Schema,), namespace)


AssessmentIn = _assessment_in()


@router.post(
    "/{slug}/cases/{id}/assessments/",
    response={201: AssessmentOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_assess",
    summary="Record an assessment of the case's person in the eight domains (409 when the case is closed or its "
    "consent withdrawn)",
    auth=requires(WORK_ON_CASES),
)
def assess(request: HttpRequest, slug: str, id: Id, payload: AssessmentIn):  # type: ignore[valid-type]
    case = case_for(
        request.user, scoped_network(request), id, purpose="api: assessment", select_related=("processing",)
    )
    with refusals():
        assessment = assessment_services.record_assessment(actor=request.user, case=case, data=payload.dict())
    found = _assessments(case).get(pk=assessment.pk)
    return Status(201, _assessment_out(found))


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
    pact = _pact(request, pk, "api: pact move")
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
    """The signature of the newest unsigned version. A signature on paper needs its scan: record it on the pact's
    signature page, which takes the file; the API records digital signatures and those read aloud before a witness."""

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
    pact = _pact(request, id, "api: pact signature")
    with refusals():
        pact_services.record_signature(actor=request.user, pact=pact, data=payload.dict())
    return _pact_out(request, id)


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
        "amount": _amount(expense.amount),
        "spent_on": expense.spent_on,
        "description": expense.description,
        "status": expense.status,
        "has_document": bool(expense.document),
        "recorded_by": _user(expense.recorded_by),
        "decided_by": _user(expense.decided_by),
    }


def _budget_out(pact: Pact) -> dict[str, Any]:
    budget = budget_selectors.budget_of(pact)
    return {
        "total": _amount(budget.total),
        "spent": _amount(budget.spent),
        "pending": _amount(budget.pending),
        "remaining": _amount(budget.remaining),
        "near_limit": budget.near_limit,
        "lines": [
            {
                "key": line.key,
                "category": line.category,
                "description": line.description,
                "amount": _amount(line.amount),
                "spent": _amount(line.spent),
                "pending": _amount(line.pending),
                "remaining": _amount(line.remaining),
                "in_force": line.in_force,
            }
            for line in budget.lines
        ],
        "expenses": [_expense_out(e) for e in budget_selectors.expenses_of(pact)],
    }


EXPENSE = declared(budget_services.EXPENSE_INPUTS)


class PactExpenseIn(Schema):
    """An expense against a line of the version in force. Over the line's amount it waits for a second person's
    approval (and does not count until then)."""

    model_config = with_server_rules(
        [
            *EXPENSE.server_rules(EXPENSE.rules.fields),
            {"field": "line", "code": "invalid_choice", "rule": "The key of a line of the version in force."},
            {"code": "pact_not_active", "rule": "The pact is signed and under way (else 409)."},
        ]
    )

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
    return _budget_out(_pact(request, id, "api: pact budget"))


@router.post(
    "/{slug}/pacts/{id}/expenses/",
    response={201: PactExpenseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="pacts_expense",
    summary="Record an expense against a budget line (over the line: it waits for a second person's approval)",
    auth=requires(WORK_ON_CASES),
)
def record_expense(request: HttpRequest, slug: str, id: Id, payload: PactExpenseIn):
    pact = _pact(request, id, "api: pact expense")
    data = payload.dict()
    data["line"] = str(data["line"])
    data["amount"] = Decimal(data["amount"])
    with refusals():
        expense = budget_services.record_expense(actor=request.user, pact=pact, data=data)
    found = budget_selectors.expenses_of(pact).get(pk=expense.pk)
    return Status(201, _expense_out(found))


DECISION = declared(budget_services.DECISION_INPUTS)


class PactExpenseDecisionIn(Schema):
    """Why the expense over budget is approved or refused (kept with the expense, encrypted)."""

    model_config = with_server_rules(DECISION.server_rules(DECISION.rules.fields))

    reason: str = DECISION.field("reason")


def _decide_expense(request: HttpRequest, pk: int, expense_id: int, decision: str, reason: str) -> dict[str, Any]:
    pact = _pact(request, pk, "api: pact expense decision")
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
        "host": _named(hours.host),
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
    pact = _pact(request, id, "api: pact give-back")
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
    pact = _pact(request, id, "api: pact give-back")
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
        return _named(obj.host)

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


# --- opening, closing and reopening a case; its team -----------------------------------------------------------

CASE = declared(case_services.CASE_INPUTS)


class CaseOpenIn(Schema):
    """Take a person of the registry in charge: a case under a processing of the network's register; the caller
    becomes its case manager."""

    model_config = with_server_rules(CASE.server_rules(CASE.rules.fields))

    person: int = CASE.field("person", description="The id of a person of the registry the caller may see.")
    processing: int = CASE.field("processing", description="The id of a processing of the network's register.")
    summary: str = CASE.field("summary", description="The situation (case data, encrypted).")
    opened_on: Day | None = CASE.field("opened_on", description="Not in the future; null: today.")


@router.post(
    "/{slug}/cases/",
    response={201: CaseOut, **WRITE_ERRORS},
    operation_id="cases_open",
    summary="Open a case for a person of the registry under a processing of the register: the caller is its case "
    "manager (audited)",
    auth=requires(OPEN_CASES),
)
def open_case(request: HttpRequest, slug: str, payload: CaseOpenIn):
    network = scoped_network(request)
    with service_errors():
        case = case_services.open_case(actor=request.user, network=network, data=payload.dict())
    return Status(201, _case_out(request, case.pk))


CLOSE = declared(case_services.CLOSE_INPUTS)


class CaseCloseIn(Schema):
    """Why the case is closed, and a note if there is something to say (kept in the case's history, encrypted)."""

    model_config = with_server_rules(CLOSE.server_rules(CLOSE.rules.fields))

    close_reason: CaseCloseReason = CLOSE.field("close_reason")
    note: str = CLOSE.field("note")


class CaseNoteIn(Schema):
    """A note if there is something to say (kept in the case's history, encrypted)."""

    model_config = with_server_rules(
        [{"code": "consent_withdrawn", "rule": "Not when the person's consent to the processing is withdrawn (409)."}]
    )

    note: str = CLOSE.field("note")


def _case(request: HttpRequest, pk: int, purpose: str) -> Case:
    return case_for(request.user, scoped_network(request), pk, purpose=purpose, select_related=("processing",))


@router.post(
    "/{slug}/cases/{id}/close/",
    response={200: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_close",
    summary="Close an open case with a reason (the case manager; allowed when consent was withdrawn; 409 once closed)",
    auth=requires(OPEN_CASES),
)
def close_case(request: HttpRequest, slug: str, id: Id, payload: CaseCloseIn):
    case = _case(request, id, "api: case close")
    with refusals():
        case_services.close_case(actor=request.user, case=case, data=payload.dict())
    return _case_out(request, id)


@router.post(
    "/{slug}/cases/{id}/reopen/",
    response={200: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_reopen",
    summary="Reopen a closed case (the case manager; 409 unless closed, or when the person's consent is withdrawn)",
    auth=requires(OPEN_CASES),
)
def reopen_case(request: HttpRequest, slug: str, id: Id, payload: CaseNoteIn):
    case = _case(request, id, "api: case reopen")
    with refusals():
        case_services.reopen_case(actor=request.user, case=case, data=payload.dict())
    return _case_out(request, id)


class TeamMemberIn(Schema):
    """A member of the network who works on cases, to put on the team."""

    model_config = with_server_rules(
        [
            {"field": "user", "code": "cannot_work_on_cases", "rule": "A member of the network who works on cases."},
            {"field": "user", "code": "already_on_team", "rule": "Not on the team already."},
            {"code": "consent_withdrawn", "rule": "Not when the person's consent is withdrawn (409)."},
        ]
    )

    user: int = Field(..., ge=1, le=MAX_ID, description="The user's id.")


class TeamRemoveIn(Schema):
    """Nothing to say: an empty object."""

    model_config = with_server_rules(
        [{"code": "last_manager", "rule": "The case manager is never removed: hand the case over first (409)."}]
    )


@router.post(
    "/{slug}/cases/{id}/team/",
    response={201: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_team_add",
    summary="Put a member of the network who works on cases on the case's team (the case manager; audited)",
    auth=requires(OPEN_CASES),
)
def add_team_member(request: HttpRequest, slug: str, id: Id, payload: TeamMemberIn):
    case = _case(request, id, "api: case team")
    user = get_user_model().objects.filter(pk=payload.user, is_active=True).first()
    with refusals():
        case_services.add_member(actor=request.user, case=case, user=user)
    return Status(201, _case_out(request, id))


@router.post(
    "/{slug}/cases/{id}/team/{user_id}/remove/",
    response={200: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_team_remove",
    summary="Take a member off the case's team: they lose access at once (the case manager; 409 for the manager)",
    auth=requires(OPEN_CASES),
)
def remove_team_member(request: HttpRequest, slug: str, id: Id, user_id: Id, payload: TeamRemoveIn):
    case = _case(request, id, "api: case team")
    member = case.members.filter(user_id=user_id).first()
    if member is None:
        raise Http404
    with refusals():
        case_services.remove_member(actor=request.user, case=case, member=member)
    return _case_out(request, id)


# --- creating a pact, its content, a new version ---------------------------------------------------------------

VERSION = declared(pact_services.VERSION_INPUTS)


class PactCreateIn(Schema):
    """A new pact of the case, in draft, with its version 1: what it is about, its dates and how often it is
    reviewed. Then write its content (rows) and propose it."""

    model_config = with_server_rules(
        [
            *VERSION.server_rules(VERSION.rules.fields),
            {"code": "pact_open", "rule": "The case has no other pact that is not closed (409)."},
        ]
    )

    summary: str = VERSION.field("summary")
    starts_on: Day = VERSION.field("starts_on")
    ends_on: Day = VERSION.field("ends_on", description="Not before starts_on.")
    review_every_weeks: int = VERSION.field("review_every_weeks")


@router.post(
    "/{slug}/cases/{id}/pacts/",
    response={201: PactOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_pact_create",
    summary="Create a pact of the case in draft with its version 1 (the case manager; 409 while another pact of "
    "the case is not closed)",
    auth=requires(OPEN_CASES),
)
def create_pact(request: HttpRequest, slug: str, id: Id, payload: PactCreateIn):
    case = _case(request, id, "api: pact create")
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
    pact = _pact(request, id, "api: pact new version")
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
    pact = _pact(request, pk, "api: pact content")
    version = pact_services.latest_version(pact)
    if version is None:
        raise Http404
    return pact, version


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


def _add_row(request: HttpRequest, pk: int, kind: str, data: dict[str, Any]) -> Status:
    pact, version = _newest(request, pk)
    if kind == "result":
        data["objective"] = _parent_id(Objective, version, data["objective"])
    if kind == "budget":
        data["support"] = _parent_id(Support, version, data["support"])
        data["amount"] = Decimal(data["amount"])
    if kind == "commitment":
        for name in ("hours_per_week", "hours_total"):
            data[name] = None if data[name] is None else Decimal(data[name])
    with refusals():
        row = pact_services.add_row(actor=request.user, version=version, kind=kind, data=data)
    return Status(201, ROW_OUT[kind](row))


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


@router.delete(
    "/{slug}/pacts/{id}/rows/{kind}/{key}/",
    response={204: None, 409: ErrorOut, **READ_ERRORS},
    operation_id="pacts_remove_row",
    summary="Remove a row (by its kind and key) from the pact's newest version while unsigned; an objective goes "
    "with its expected results (409 once signed)",
    auth=requires(WORK_ON_CASES),
)
def remove_row(request: HttpRequest, slug: str, id: Id, kind: RowKindName, key: uuid.UUID):
    pact, version = _newest(request, id)
    row = pact_services.ROW_KINDS[kind].rows(version).filter(key=key).first()
    if row is None:
        raise Http404
    with refusals():
        pact_services.remove_row(actor=request.user, version=version, kind=kind, row_id=row.pk)
    return Status(204, None)
