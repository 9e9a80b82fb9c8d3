"""Cases: a case with its team, assessments and pacts; opening, closing and reopening it, its team, its assessments.

Case data only to the case team and to the privacy officer (read only); for anyone else a case does not exist (404,
as an id never used). Every read is audited (legami.pacts.selectors.access)."""

from __future__ import annotations

import datetime
from typing import Any, Literal, get_args

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import refusals, service_errors
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
from legami.api.v1.pacts_shared import (
    READ,
    AssessmentKind,
    CaseCloseReason,
    CasePersonRef,
    CaseStatus,
    Domain,
    LegalBasis,
    PactStatus,
    TeamRole,
    case_in,
    named,
    user_ref,
)
from legami.core.parsing import MAX_ID
from legami.pacts.capabilities import (
    OPEN_CASES,
    WORK_ON_CASES,
)
from legami.pacts.models import (
    Assessment,
    AssessmentScore,
    Case,
    CaseMember,
)
from legami.pacts.selectors.access import case_for, cases_for
from legami.pacts.services import assessments as assessment_services
from legami.pacts.services import cases as case_services
from legami.pacts.services.common import consent_withdrawn

router = Router(tags=["cases and pacts"])

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
        "assessed_by": user_ref(assessment.assessed_by),
        "note": assessment.note,
        "scores": [
            {"domain": s.domain, "score": s.score, "notes": s.notes, "evidence": s.evidence}
            for s in assessment.scores.all()
        ],
    }


def _assessments(case: Case) -> QuerySet[Assessment]:
    scores = Prefetch("scores", queryset=AssessmentScore.objects.order_by("id"))
    return case.assessments.select_related("assessed_by").prefetch_related(scores)


def case_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The case `pk` as CaseOut, for the caller (an audited read; 404 outside their team)."""
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
        "team": [{"user": user_ref(m.user), "role": m.role, "organization": named(m.organization)} for m in members],
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
    return case_out(request, id)


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
    return Status(201, case_out(request, case.pk))


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


@router.post(
    "/{slug}/cases/{id}/close/",
    response={200: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_close",
    summary="Close an open case with a reason (the case manager; allowed when consent was withdrawn; 409 once closed)",
    auth=requires(OPEN_CASES),
)
def close_case(request: HttpRequest, slug: str, id: Id, payload: CaseCloseIn):
    case = case_in(request, id, "api: case close")
    with refusals():
        case_services.close_case(actor=request.user, case=case, data=payload.dict())
    return case_out(request, id)


@router.post(
    "/{slug}/cases/{id}/reopen/",
    response={200: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_reopen",
    summary="Reopen a closed case (the case manager; 409 unless closed, or when the person's consent is withdrawn)",
    auth=requires(OPEN_CASES),
)
def reopen_case(request: HttpRequest, slug: str, id: Id, payload: CaseNoteIn):
    case = case_in(request, id, "api: case reopen")
    with refusals():
        case_services.reopen_case(actor=request.user, case=case, data=payload.dict())
    return case_out(request, id)


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


class HandOverIn(Schema):
    """Who becomes the case manager: a member of the network who may open cases (on the team already or not)."""

    model_config = with_server_rules(
        [
            {"field": "user", "code": "cannot_manage", "rule": "A member of the network who may open cases."},
            {"field": "user", "code": "not_member", "rule": "An active member of the network."},
            {"field": "user", "code": "same", "rule": "Not the case manager already."},
            {"code": "case_closed", "rule": "The case is open (409)."},
            {"code": "consent_withdrawn", "rule": "Not when the person's consent is withdrawn (409)."},
        ]
    )

    user: int = Field(..., ge=1, le=MAX_ID, description="The user's id.")


class TeamRemoveIn(Schema):
    """Nothing to say: an empty object."""

    model_config = with_server_rules(
        [{"code": "last_manager", "rule": "The case manager is never removed: hand the case over first (409)."}]
    )


def _active_user(pk: int) -> Any:
    """The active user `pk`, or None (the service refuses it as not a member who may work on cases)."""
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


@router.post(
    "/{slug}/cases/{id}/team/",
    response={201: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_team_add",
    summary="Put a member of the network who works on cases on the case's team (the case manager; audited)",
    auth=requires(OPEN_CASES),
)
def add_team_member(request: HttpRequest, slug: str, id: Id, payload: TeamMemberIn):
    case = case_in(request, id, "api: case team")
    user = _active_user(payload.user)
    with refusals():
        case_services.add_member(actor=request.user, case=case, user=user)
    return Status(201, case_out(request, id))


@router.post(
    "/{slug}/cases/{id}/team/{user_id}/remove/",
    response={200: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_team_remove",
    summary="Take a member off the case's team: they lose access at once (the case manager; 409 for the manager)",
    auth=requires(OPEN_CASES),
)
def remove_team_member(request: HttpRequest, slug: str, id: Id, user_id: Id, payload: TeamRemoveIn):
    case = case_in(request, id, "api: case team")
    member = case.members.filter(user_id=user_id).first()
    if member is None:
        raise Http404
    with refusals():
        case_services.remove_member(actor=request.user, case=case, member=member)
    return case_out(request, id)


@router.post(
    "/{slug}/cases/{id}/hand-over/",
    response={200: CaseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="cases_hand_over",
    summary="Hand the case over to another case manager: they manage it, the caller stays on the team as a member "
    "(the case manager; audited; 409 when the case is closed or its consent withdrawn)",
    auth=requires(OPEN_CASES),
)
def hand_over(request: HttpRequest, slug: str, id: Id, payload: HandOverIn):
    case = case_in(request, id, "api: case hand-over")
    user = _active_user(payload.user)
    with refusals():
        case_services.hand_over(actor=request.user, case=case, user=user)
    return case_out(request, id)
