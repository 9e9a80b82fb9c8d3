"""Responses: co-design tables (calls, criteria, applications and their scores) and responses (partners, budget,
milestones, progress, what they answer).

Co-design tables are read with VIEW_RESPONSES, as their pages; drafts exist only for those who run them
(MANAGE_COPROGRAMMING), who also shape and move them. Applications are read as the pages' selectors say:
operators, evaluators and coordinators every one, partner staff their organisation's, funders none. Applying and
withdrawing is CONTRIBUTE (the applicant only), excluding MANAGE_COPROGRAMMING, scoring SCORE_APPLICATIONS (an
evaluator whose organisation takes part in the application is refused with a 422, as the service says).

A response's accountability page is public: the API answers every member (participation's TAKE_PART, every role),
as participation.py does for its public pages. What a response answers follows the small-numbers rule exactly as
its page does (`selectors.responses.answered_figures`). Designing and running responses is MANAGE_RESPONSES.
"""

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, Field

from legami.api.auth import requires
from legami.api.errors import BODY, conflict_errors, service_errors
from legami.api.references import municipality_by_istat_code
from legami.api.schemas import (
    READ_ERRORS,
    UNKNOWN_MUNICIPALITY,
    WRITE_ERRORS,
    Day,
    ErrorOut,
    Id,
    MunicipalityRef,
    NamedRef,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.api.v1.participation import NOTE_LENGTH, IstatCode, NoteIn, refusals
from legami.core import smallnumbers
from legami.network.models import Network
from legami.participation.capabilities import TAKE_PART
from legami.responses.capabilities import (
    CONTRIBUTE,
    MANAGE_COPROGRAMMING,
    MANAGE_RESPONSES,
    SCORE_APPLICATIONS,
    VIEW_RESPONSES,
)
from legami.responses.selectors.calls import (
    applications_for,
    calls_for,
    get_application_for,
    get_call_for,
)
from legami.responses.selectors.responses import answered_figures, budget_by_source, get_response, responses_for
from legami.responses.services.calls import (
    APPLICATION_INPUTS,
    AWARD_INPUTS,
    CALL_INPUTS,
    CALL_WORKFLOW,
    CRITERION_INPUTS,
    EXCLUDE_INPUTS,
    SCORE_INPUTS,
    award_call,
    create_call,
    create_criterion,
    exclude_application,
    move_call,
    submit_application,
    withdraw_application,
)
from legami.responses.services.calls import score_application as score_service
from legami.responses.services.responses import (
    MILESTONE_INPUTS,
    REACHED_INPUTS,
    RESPONSE_INPUTS,
    RESPONSE_WORKFLOW,
    create_milestone,
    create_response,
    mark_milestone_reached,
    response_move,
    update_response,
)

router = Router(tags=["responses"])

# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
CallStatus = Literal["draft", "open", "evaluation", "ranked", "awarded", "cancelled"]
ApplicationStatus = Literal["submitted", "withdrawn", "excluded", "selected"]
ResponseStatus = Literal["planned", "active", "suspended", "completed", "cancelled"]
PartnerRole = Literal["lead", "partner", "funder", "supporter"]
BudgetSource = Literal["public", "foundation", "private", "in_kind"]
Money = Decimal


def _municipalities(data: dict[str, Any]) -> dict[str, Any]:
    """The payload as the services take it: the Comuni as rows instead of their ISTAT codes."""
    data = dict(data)
    if data.get("municipalities") is not None:
        data["municipalities"] = [
            municipality_by_istat_code(code, loc=(*BODY, "municipalities")) for code in data["municipalities"]
        ]
    elif "municipalities" in data:
        data["municipalities"] = []
    return data


MUNICIPALITY_RULES = [
    {**UNKNOWN_MUNICIPALITY, "field": "municipalities"},
]


# --- co-design calls ---------------------------------------------------------------------------------------


class CriterionOut(Schema):
    """An evaluation criterion: its weight (the weights of a call add up to 100) and its highest score."""

    id: int
    name: str
    description: str
    weight: int
    max_score: int
    position: int


class CallSummaryOut(Schema):
    """A co-design table (Art. 55 CTS, comma 3), as the list shows it."""

    id: int
    title: str
    purpose: str
    status: CallStatus = Field(..., description="`draft` is seen only by those who run co-design tables.")
    municipalities: list[MunicipalityRef]
    duration_months: int
    budget: Money = Field(..., description="The budget framework in euro, 2 decimals.")
    opens_on: datetime.date
    closes_on: datetime.date = Field(..., description="The last day for applications (included).")
    applications_total: int = Field(..., description="Its applications, withdrawn ones left out.")

    @staticmethod
    def resolve_municipalities(obj: Any) -> list[Any]:
        return list(obj.municipalities.all())

    @staticmethod
    def resolve_applications_total(obj: Any) -> int:
        return getattr(obj, "applications_total", 0)


class CallOut(CallSummaryOut):
    """A co-design table with its terms, its criteria and the moves the caller may make now."""

    budget_notes: str
    requirements: str
    phases: str
    coprogramming: int | None = Field(..., description="Id of the co-programming round it follows.")
    process: int | None = Field(..., description="Id of the participatory process it comes from.")
    criteria: list[CriterionOut]
    transitions: list[Literal["open", "evaluate", "rank", "award", "cancel"]] = Field(
        ..., description="The moves the caller may make now (empty for those who do not run co-design tables)."
    )

    @staticmethod
    def resolve_coprogramming(obj: Any) -> int | None:
        return obj.coprogramming_id

    @staticmethod
    def resolve_process(obj: Any) -> int | None:
        return obj.process_id

    @staticmethod
    def resolve_criteria(obj: Any) -> list[Any]:
        return list(obj.criteria.all())

    @staticmethod
    def resolve_applications_total(obj: Any) -> int:
        return sum(1 for a in obj.applications.all() if a.status != "withdrawn")

    @staticmethod
    def resolve_transitions(obj: Any) -> list[str]:
        return obj.api_transitions


def _call_out(request: HttpRequest, network: Network, pk: int) -> Any:
    """The call as the caller may see it, read again, with the moves they may make."""
    call = get_call_for(request.user, network, pk)
    call.api_transitions = [  # type: ignore[attr-defined]
        t.name for t in CALL_WORKFLOW.available(call, request.user, network=network)
    ]
    return call


CALL = declared(CALL_INPUTS)
CALL_RULES = CALL.server_rules(CALL.rules.fields, resolved=["municipalities"], more=MUNICIPALITY_RULES)


class CallIn(Schema):
    """A new co-design table (a draft: add its criteria, then open it)."""

    model_config = with_server_rules(CALL_RULES)

    title: str = CALL.field("title")
    purpose: str = CALL.field("purpose")
    municipalities: list[IstatCode] = Field(
        default_factory=list, max_length=500, description="ISTAT codes of Comuni of the network's territory."
    )
    duration_months: int = CALL.field("duration_months")
    budget: Money = CALL.field("budget", description="The budget framework in euro (0 when there is none).")
    budget_notes: str = CALL.field("budget_notes")
    requirements: str = CALL.field("requirements")
    phases: str = CALL.field("phases")
    opens_on: Day = CALL.field("opens_on")
    closes_on: Day = CALL.field("closes_on", description="On or after `opens_on`.")
    coprogramming: int | None = CALL.field("coprogramming", description="Id of a co-programming round.")
    process: int | None = CALL.field("process", description="Id of a participatory process.")


class CallFilters(Schema):
    status: CallStatus | None = None


@router.get(
    "/{slug}/calls/",
    response={200: list[CallSummaryOut], **READ_ERRORS},
    operation_id="calls_list",
    summary="The co-design tables (drafts only for those who run them)",
    auth=requires(VIEW_RESPONSES),
)
@paginate(PageNumberPagination)
def list_calls(request: HttpRequest, slug: str, filters: Query[CallFilters]):
    network = scoped_network(request)
    return calls_for(request.user, network, status=filters.status or "")


@router.post(
    "/{slug}/calls/",
    response={201: CallOut, **WRITE_ERRORS},
    operation_id="calls_create",
    summary="Draft a co-design table",
    auth=requires(MANAGE_COPROGRAMMING),
)
def create_a_call(request: HttpRequest, slug: str, payload: CallIn):
    network = scoped_network(request)
    data = _municipalities(payload.dict())
    with service_errors():
        call = create_call(actor=request.user, network=network, data=data)
    return Status(201, _call_out(request, network, call.pk))


@router.get(
    "/{slug}/calls/{id}/",
    response={200: CallOut, **READ_ERRORS},
    operation_id="calls_get",
    summary="One co-design table, with its criteria",
    auth=requires(VIEW_RESPONSES),
)
def get_call(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return _call_out(request, network, id)


def _move_call(request: HttpRequest, id: int, payload: NoteIn, transition: str) -> Any:
    network = scoped_network(request)
    call = get_call_for(request.user, network, id)
    with conflict_errors():
        move_call(actor=request.user, call=call, transition=transition, note=payload.note)
    return _call_out(request, network, id)


@router.post(
    "/{slug}/calls/{id}/open/",
    response={200: CallOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="calls_open",
    summary="Open a draft call to applications (409 unless its criteria's weights add up to exactly 100)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def open_call(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    return _move_call(request, id, payload, "open")


@router.post(
    "/{slug}/calls/{id}/evaluate/",
    response={200: CallOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="calls_evaluate",
    summary="Close applications and start the evaluation (409 unless the call is open)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def evaluate_call(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    return _move_call(request, id, payload, "evaluate")


@router.post(
    "/{slug}/calls/{id}/rank/",
    response={200: CallOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="calls_rank",
    summary="Compute the ranking (409 unless under evaluation with every application scored on every criterion)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def rank_a_call(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    return _move_call(request, id, payload, "rank")


@router.post(
    "/{slug}/calls/{id}/cancel/",
    response={200: CallOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="calls_cancel",
    summary="Cancel a call (409 once awarded or cancelled)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def cancel_call(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    return _move_call(request, id, payload, "cancel")


AWARD = declared(AWARD_INPUTS)


class AwardIn(Schema):
    """The application (or applications) selected; the best ranked one leads the Response made from them."""

    model_config = with_server_rules(
        AWARD.server_rules(["applications"])
        + [{"field": "applications", "code": "invalid_choice", "rule": "Submitted applications of this call."}]
    )

    applications: list[Id] = Field(..., min_length=1, max_length=200, description="Ids of submitted applications.")
    note: str = AWARD.field("note")


class AwardOut(Schema):
    """The call awarded and the Response made from it."""

    call: CallOut
    response: int = Field(..., description="Id of the Response made from the selected applications.")


@router.post(
    "/{slug}/calls/{id}/award/",
    response={201: AwardOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="calls_award",
    summary="Award a ranked call: the chosen applications are selected and the Response is made (409 unless ranked)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def award(request: HttpRequest, slug: str, id: Id, payload: AwardIn):
    network = scoped_network(request)
    call = get_call_for(request.user, network, id)
    with refusals():
        response = award_call(actor=request.user, call=call, applications=payload.applications, note=payload.note)
    return Status(201, {"call": _call_out(request, network, id), "response": response.pk})


CRITERION = declared(CRITERION_INPUTS)


class CriterionIn(Schema):
    """A new evaluation criterion of a draft call (409 once the call is open)."""

    model_config = with_server_rules(CRITERION.server_rules(CRITERION.rules.fields))

    name: str = CRITERION.field("name")
    description: str = CRITERION.field("description")
    weight: int = CRITERION.field("weight", description="1 to 100; a call opens when its weights add up to 100.")
    max_score: int = CRITERION.field("max_score", description="The highest score an evaluator may give.")
    position: int | None = CRITERION.field("position", None, description="Its place in the list; empty: last.")


@router.post(
    "/{slug}/calls/{id}/criteria/",
    response={201: CriterionOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="criteria_create",
    summary="Add an evaluation criterion to a draft call (409 unless it is a draft)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def create_a_criterion(request: HttpRequest, slug: str, id: Id, payload: CriterionIn):
    network = scoped_network(request)
    call = get_call_for(request.user, network, id)
    data = payload.dict()
    if data["position"] is None:
        del data["position"]  # the service puts it last
    with refusals():
        criterion = create_criterion(actor=request.user, call=call, data=data)
    return Status(201, criterion)


# --- applications ------------------------------------------------------------------------------------------


class ApplicationOut(Schema):
    """An application to a co-design table: the project, the partners and the resources brought."""

    id: int
    call: int = Field(..., description="Id of the call.")
    organization: NamedRef = Field(..., description="The applicant.")
    partners: list[NamedRef]
    title: str
    proposal: str
    staff_hours: int
    volunteers: int
    spaces: str
    money: Money = Field(..., description="Its own money brought, in euro.")
    status: ApplicationStatus
    exclusion_reason: str
    total_score: Money | None = Field(..., description="The weighted total out of 100, once the call is ranked.")
    rank: int | None = Field(..., description="Its rank (equal totals share one), once the call is ranked.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_call(obj: Any) -> int:
        return obj.call_id

    @staticmethod
    def resolve_partners(obj: Any) -> list[Any]:
        return list(obj.partners.all())


APPLICATION = declared(APPLICATION_INPUTS)


class ApplicationIn(Schema):
    """An application to an open call, before its closing day, for the caller's organisation (one each)."""

    model_config = with_server_rules(
        APPLICATION.server_rules(APPLICATION.rules.fields)
        + [
            {"field": "organization", "code": "not_own", "rule": "Partner staff apply for their own organisation."},
            {"field": "organization", "code": "required", "rule": "Coordinators choose the organisation."},
            {"field": "organization", "code": "already_applied", "rule": "One application per organisation."},
        ]
    )

    organization: int | None = APPLICATION.field(
        "organization", description="Id of the applicant organisation (partner staff: their own, may be left out)."
    )
    title: str = APPLICATION.field("title")
    proposal: str = APPLICATION.field("proposal")
    partners: list[Id] = Field(default_factory=list, max_length=200, description="Ids of partner organisations.")
    staff_hours: int = APPLICATION.field("staff_hours")
    volunteers: int = APPLICATION.field("volunteers")
    spaces: str = APPLICATION.field("spaces")
    money: Money = APPLICATION.field("money", description="Own money brought, in euro.")


@router.get(
    "/{slug}/calls/{id}/applications/",
    response={200: list[ApplicationOut], **READ_ERRORS},
    operation_id="applications_list",
    summary="The applications to a call the caller may read (partner staff: their organisation's; funders: none)",
    auth=requires(VIEW_RESPONSES),
)
@paginate(PageNumberPagination)
def list_applications(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    call = get_call_for(request.user, network, id)
    return applications_for(request.user, call)


@router.post(
    "/{slug}/calls/{id}/applications/",
    response={201: ApplicationOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="applications_create",
    summary="Apply to an open call (409 when the call does not take applications today)",
    auth=requires(CONTRIBUTE),
)
def apply(request: HttpRequest, slug: str, id: Id, payload: ApplicationIn):
    network = scoped_network(request)
    call = get_call_for(request.user, network, id)
    with refusals():
        application = submit_application(actor=request.user, call=call, data=payload.dict())
    return Status(201, get_application_for(request.user, network, application.pk))


@router.get(
    "/{slug}/applications/{id}/",
    response={200: ApplicationOut, **READ_ERRORS},
    operation_id="applications_get",
    summary="One application the caller may read",
    auth=requires(VIEW_RESPONSES),
)
def get_application(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return get_application_for(request.user, network, id)


@router.post(
    "/{slug}/applications/{id}/withdraw/",
    response={200: ApplicationOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="applications_withdraw",
    summary="Withdraw an application, for the applicant (403 for another's; 409 unless the call is open)",
    auth=requires(CONTRIBUTE),
)
def withdraw(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    network = scoped_network(request)
    application = get_application_for(request.user, network, id)
    with refusals():
        withdraw_application(actor=request.user, application=application, note=payload.note)
    return get_application_for(request.user, network, id)


EXCLUDE = declared(EXCLUDE_INPUTS)


class ExcludeIn(Schema):
    """Why the application is excluded (it lacks a requirement)."""

    model_config = with_server_rules(EXCLUDE.server_rules(EXCLUDE.rules.fields))

    reason: str = EXCLUDE.field("reason")


@router.post(
    "/{slug}/applications/{id}/exclude/",
    response={200: ApplicationOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="applications_exclude",
    summary="Exclude an application with the reason (409 unless submitted, with the call open or under evaluation)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def exclude(request: HttpRequest, slug: str, id: Id, payload: ExcludeIn):
    network = scoped_network(request)
    application = get_application_for(request.user, network, id)
    with refusals():
        exclude_application(actor=request.user, application=application, reason=payload.reason)
    return get_application_for(request.user, network, id)


SCORE = declared(SCORE_INPUTS)


class ScoreIn(Schema):
    """A score on one criterion, with its reason."""

    model_config = ConfigDict(extra="forbid")

    criterion: Id = Field(..., description="Id of one of the call's criteria.")
    score: int = SCORE.field("score", description="0 to the criterion's highest score.")
    reason: str = SCORE.field("reason")


class ScoresIn(Schema):
    """The caller's scores of an application (a second score on a criterion replaces the first)."""

    model_config = with_server_rules(
        [
            {"field": "score_<criterion id>", "code": "score_range", "rule": "0 to the criterion's highest score."},
            {"field": "reason_<criterion id>", "code": "required", "rule": "Each score needs its reason."},
            {"code": "invalid_choice", "rule": "A criterion of this call."},
            {"code": "conflict", "rule": "An evaluator whose organisation takes part in the application."},
            {"code": "not_scoring", "rule": "Only submitted applications of a call under evaluation."},
        ]
    )

    scores: list[ScoreIn] = Field(..., min_length=1, max_length=100)


class ScoreOut(Schema):
    """One of the caller's scores."""

    criterion: int
    score: int
    reason: str

    @staticmethod
    def resolve_criterion(obj: Any) -> int:
        return obj.criterion_id


@router.post(
    "/{slug}/applications/{id}/scores/",
    response={200: list[ScoreOut], **WRITE_ERRORS},
    operation_id="applications_score",
    summary="Score an application under evaluation (422 `conflict` when the caller's organisation takes part in it)",
    auth=requires(SCORE_APPLICATIONS),
)
def score(request: HttpRequest, slug: str, id: Id, payload: ScoresIn):
    network = scoped_network(request)
    application = get_application_for(request.user, network, id)
    given = {item.criterion: {"score": item.score, "reason": item.reason} for item in payload.scores}
    with service_errors():
        return score_service(actor=request.user, application=application, scores=given)


# --- responses ---------------------------------------------------------------------------------------------


class ResponseSummaryOut(Schema):
    """A response (risposta progettuale), as the public list shows it."""

    id: int
    title: str
    summary: str
    status: ResponseStatus
    progress: int = Field(..., description="The weighted share of its milestones reached, in percent.")
    municipalities: list[MunicipalityRef]
    area: NamedRef | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None

    @staticmethod
    def resolve_municipalities(obj: Any) -> list[Any]:
        return list(obj.municipalities.all())


class PartnerOut(Schema):
    organization: NamedRef
    role: PartnerRole
    brings: str = Field(..., description="What it brings, in words.")


class BudgetLineOut(Schema):
    id: int
    description: str
    organization: NamedRef | None
    amount: Money


class BudgetSourceOut(Schema):
    source: BudgetSource
    total: Money
    lines: list[BudgetLineOut]


class BudgetOut(Schema):
    """The budget grouped by source, each with its total, and the grand total (euro, 2 decimals)."""

    sources: list[BudgetSourceOut]
    total: Money


class MilestoneOut(Schema):
    id: int
    title: str
    description: str
    due_on: datetime.date
    done_on: datetime.date | None = Field(..., description="The day it was reached; null until then.")
    weight: int


class ProposalRef(Schema):
    id: int
    title: str


class AnsweredOut(Schema):
    """What the response answers: how many needs (null, and `small` true, when they concern fewer than k people
    and the caller does not see small numbers), the demands by title, the accepted proposals; never a need."""

    needs: int | None
    small: bool
    demands: list[str]
    proposals: list[ProposalRef]


class ResponseOut(ResponseSummaryOut):
    """A response's accountability page: partners, budget by source, milestones, progress, what it answers."""

    description: str
    process: int | None = Field(..., description="Id of the participatory process it comes from.")
    call: int | None = Field(..., description="Id of the co-design table that made it.")
    partners: list[PartnerOut]
    budget: BudgetOut
    milestones: list[MilestoneOut]
    answered: AnsweredOut
    transitions: list[Literal["start", "suspend", "resume", "complete", "cancel"]] = Field(
        ..., description="The moves the caller may make now (empty for those who do not run responses)."
    )

    @staticmethod
    def resolve_process(obj: Any) -> int | None:
        return obj.process_id

    @staticmethod
    def resolve_call(obj: Any) -> int | None:
        return obj.call_id

    @staticmethod
    def resolve_partners(obj: Any) -> list[Any]:
        return list(obj.partners.all())

    @staticmethod
    def resolve_budget(obj: Any) -> dict[str, Any]:
        return obj.api_budget

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_answered(obj: Any) -> dict[str, Any]:
        return obj.api_answered

    @staticmethod
    def resolve_transitions(obj: Any) -> list[str]:
        return obj.api_transitions


def _response_out(request: HttpRequest, network: Network, pk: int) -> Any:
    """The response read again, with its budget by source and what it answers under the small-numbers rule."""
    response = get_response(network, pk)
    response.api_budget = budget_by_source(response)  # type: ignore[attr-defined]
    response.api_answered = answered_figures(  # type: ignore[attr-defined]
        response, limit=smallnumbers.limit_for(request.user, network)
    )
    response.api_transitions = [  # type: ignore[attr-defined]
        t.name for t in RESPONSE_WORKFLOW.available(response, request.user, network=network)
    ]
    return response


RESPONSE = declared(RESPONSE_INPUTS)
RESPONSE_RULES = RESPONSE.server_rules(RESPONSE.rules.fields, resolved=["municipalities"], more=MUNICIPALITY_RULES)


class ResponseIn(Schema):
    """A new response (being designed: add partners, budget and milestones, then start it)."""

    model_config = with_server_rules(RESPONSE_RULES)

    title: str = RESPONSE.field("title")
    summary: str = RESPONSE.field("summary")
    description: str = RESPONSE.field("description")
    municipalities: list[IstatCode] = Field(
        default_factory=list, max_length=500, description="ISTAT codes of Comuni of the network's territory."
    )
    area: int | None = RESPONSE.field("area", description="Id of one of the network's need areas.")
    starts_on: Day | None = RESPONSE.field("starts_on")
    ends_on: Day | None = RESPONSE.field("ends_on", description="On or after `starts_on`.")
    process: int | None = RESPONSE.field("process", description="Id of a participatory process.")


class ResponsePatch(Schema):
    """A partial change: only the fields sent are changed."""

    model_config = with_server_rules(RESPONSE_RULES)

    title: str = RESPONSE.field("title", None)
    summary: str = RESPONSE.field("summary", None)
    description: str = RESPONSE.field("description", None)
    municipalities: list[IstatCode] = Field(
        None,  # type: ignore[arg-type]
        max_length=500,
        description="ISTAT codes of Comuni of the network's territory (the whole list; [] for none).",
    )
    area: int | None = RESPONSE.field("area", None)
    starts_on: Day | None = RESPONSE.field("starts_on", None)
    ends_on: Day | None = RESPONSE.field("ends_on", None)
    process: int | None = RESPONSE.field("process", None)


class ResponseFilters(Schema):
    status: ResponseStatus | None = None


@router.get(
    "/{slug}/responses/",
    response={200: list[ResponseSummaryOut], **READ_ERRORS},
    operation_id="responses_list",
    summary="The network's responses (public), newest first",
    auth=requires(TAKE_PART),
)
@paginate(PageNumberPagination)
def list_responses(request: HttpRequest, slug: str, filters: Query[ResponseFilters]):
    network = scoped_network(request)
    return responses_for(network, status=filters.status or "")


@router.post(
    "/{slug}/responses/",
    response={201: ResponseOut, **WRITE_ERRORS},
    operation_id="responses_create",
    summary="Design a response",
    auth=requires(MANAGE_RESPONSES),
)
def create_a_response(request: HttpRequest, slug: str, payload: ResponseIn):
    network = scoped_network(request)
    data = _municipalities(payload.dict())
    with service_errors():
        response = create_response(actor=request.user, network=network, data=data)
    return Status(201, _response_out(request, network, response.pk))


@router.get(
    "/{slug}/responses/{id}/",
    response={200: ResponseOut, **READ_ERRORS},
    operation_id="responses_get",
    summary="One response: partners, budget by source, milestones, progress and what it answers",
    auth=requires(TAKE_PART),
)
def get_a_response(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return _response_out(request, network, id)


@router.patch(
    "/{slug}/responses/{id}/",
    response={200: ResponseOut, **WRITE_ERRORS},
    operation_id="responses_update",
    summary="Change some fields of a response",
    auth=requires(MANAGE_RESPONSES),
)
def update_a_response(request: HttpRequest, slug: str, id: Id, payload: ResponsePatch):
    network = scoped_network(request)
    response = get_response(network, id)
    data = _municipalities(payload.dict(exclude_unset=True))
    with service_errors():
        update_response(actor=request.user, response=response, data=data)
    return _response_out(request, network, id)


class ResponseNoteIn(Schema):
    """A move of a response, with a note for its public timeline (cancelling needs it)."""

    model_config = with_server_rules(
        [{"field": "note", "code": "note_required", "rule": "A response is cancelled with its reason."}]
    )

    note: str = Field("", max_length=NOTE_LENGTH, description="Why, in a few words (public).")


def _move_response(request: HttpRequest, id: int, payload: ResponseNoteIn, transition: str) -> Any:
    network = scoped_network(request)
    response = get_response(network, id)
    with refusals():
        response_move(actor=request.user, response=response, transition=transition, note=payload.note)
    return _response_out(request, network, id)


def _response_move_route(transition: str, summary: str) -> None:
    @router.post(
        f"/{{slug}}/responses/{{id}}/{transition}/",
        response={200: ResponseOut, 409: ErrorOut, **WRITE_ERRORS},
        operation_id=f"responses_{transition}",
        summary=summary,
        auth=requires(MANAGE_RESPONSES),
    )
    def move(request: HttpRequest, slug: str, id: Id, payload: ResponseNoteIn):
        return _move_response(request, id, payload, transition)


_response_move_route("start", "Start a response being designed (409 from any other status)")
_response_move_route("suspend", "Suspend a response under way (409 from any other status)")
_response_move_route("resume", "Resume a suspended response (409 from any other status)")
_response_move_route("complete", "Mark a response under way as completed (409 from any other status)")
_response_move_route("cancel", "Cancel a response, saying why (422 without the note; 409 once completed/cancelled)")


MILESTONE = declared(MILESTONE_INPUTS)


class MilestoneIn(Schema):
    """A new milestone of a response; the progress follows."""

    model_config = with_server_rules(MILESTONE.server_rules(MILESTONE.rules.fields))

    title: str = MILESTONE.field("title")
    description: str = MILESTONE.field("description")
    due_on: Day = MILESTONE.field("due_on")
    weight: int = MILESTONE.field("weight", description="Its share of the progress, 1 to 100.")


@router.post(
    "/{slug}/responses/{id}/milestones/",
    response={201: MilestoneOut, **WRITE_ERRORS},
    operation_id="milestones_create",
    summary="Add a milestone to a response",
    auth=requires(MANAGE_RESPONSES),
)
def create_a_milestone(request: HttpRequest, slug: str, id: Id, payload: MilestoneIn):
    network = scoped_network(request)
    response = get_response(network, id)
    with service_errors():
        milestone = create_milestone(actor=request.user, response=response, data=payload.dict())
    return Status(201, milestone)


REACHED = declared(REACHED_INPUTS)


class ReachedIn(Schema):
    """The day a milestone was reached (not in the future)."""

    model_config = with_server_rules(
        REACHED.server_rules(REACHED.rules.fields)
        + [{"field": "done_on", "code": "already_reached", "rule": "A milestone is reached once."}]
    )

    done_on: Day = REACHED.field("done_on")


@router.post(
    "/{slug}/responses/{id}/milestones/{milestone}/reached/",
    response={200: ResponseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="milestones_reached",
    summary="Mark a milestone reached: the progress is recomputed and the step goes on the public timeline "
    "(409 unless the response is under way or suspended)",
    auth=requires(MANAGE_RESPONSES),
)
def reached(request: HttpRequest, slug: str, id: Id, milestone: Id, payload: ReachedIn):
    network = scoped_network(request)
    response = get_response(network, id)
    found = next((m for m in response.milestones.all() if m.pk == milestone), None)
    if found is None:
        raise Http404
    with refusals():
        mark_milestone_reached(actor=request.user, milestone=found, done_on=payload.done_on)
    return _response_out(request, network, id)
