"""Co-design tables through the API: calls, their criteria and moves, applications and their scores. Who reads and
writes what is told in legami/api/v1/responses.py."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, Field

from legami.api.auth import requires
from legami.api.errors import conflict_errors, refusals, service_errors
from legami.api.schemas import (
    READ_ERRORS,
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
from legami.api.v1.participation import IstatCode, NoteIn
from legami.api.v1.responses import MUNICIPALITY_RULES, ApplicationStatus, CallStatus, Money, municipalities_of
from legami.network.models import Network
from legami.responses.capabilities import (
    CONTRIBUTE,
    MANAGE_COPROGRAMMING,
    SCORE_APPLICATIONS,
    VIEW_RESPONSES,
)
from legami.responses.selectors.calls import (
    applications_for,
    calls_for,
    get_application_for,
    get_call_for,
    get_criterion_for,
)
from legami.responses.services.awards import AWARD_INPUTS, award_call
from legami.responses.services.calls import (
    APPLICATION_INPUTS,
    CALL_INPUTS,
    CALL_WORKFLOW,
    CRITERION_INPUTS,
    EXCLUDE_INPUTS,
    SCORE_INPUTS,
    create_call,
    create_criterion,
    delete_criterion,
    exclude_application,
    move_call,
    submit_application,
    update_call,
    update_criterion,
    withdraw_application,
)
from legami.responses.services.calls import score_application as score_service

router = Router(tags=["responses"])

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


class CallPatch(Schema):
    """A partial change of a draft call: only the fields sent are changed (409 once the call is open)."""

    model_config = with_server_rules(CALL_RULES)

    title: str = CALL.field("title", None)
    purpose: str = CALL.field("purpose", None)
    municipalities: list[IstatCode] = Field(
        None,  # type: ignore[arg-type]
        max_length=500,
        description="ISTAT codes of Comuni of the network's territory (the whole list; [] for none).",
    )
    duration_months: int = CALL.field("duration_months", None)
    budget: Money = CALL.field("budget", None, description="The budget framework in euro (0 when there is none).")
    budget_notes: str = CALL.field("budget_notes", None)
    requirements: str = CALL.field("requirements", None)
    phases: str = CALL.field("phases", None)
    opens_on: Day = CALL.field("opens_on", None)
    closes_on: Day = CALL.field("closes_on", None, description="On or after `opens_on`.")
    coprogramming: int | None = CALL.field("coprogramming", None, description="Id of a co-programming round.")
    process: int | None = CALL.field("process", None, description="Id of a participatory process.")


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
    data = municipalities_of(payload.dict())
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


@router.patch(
    "/{slug}/calls/{id}/",
    response={200: CallOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="calls_update",
    summary="Change some terms of a draft call (409 once it is open: its terms are those the applicants answered)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def update_a_call(request: HttpRequest, slug: str, id: Id, payload: CallPatch):
    network = scoped_network(request)
    call = get_call_for(request.user, network, id)
    data = municipalities_of(payload.dict(exclude_unset=True))
    with refusals():
        update_call(actor=request.user, call=call, data=data)
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


class CriterionPatch(Schema):
    """A partial change of a criterion of a draft call (409 once the call is open)."""

    model_config = with_server_rules(CRITERION.server_rules(CRITERION.rules.fields))

    name: str = CRITERION.field("name", None)
    description: str = CRITERION.field("description", None)
    weight: int = CRITERION.field("weight", None, description="1 to 100; a call opens when its weights add up to 100.")
    max_score: int = CRITERION.field("max_score", None, description="The highest score an evaluator may give.")
    position: int = CRITERION.field("position", None, description="Its place in the list.")


@router.patch(
    "/{slug}/criteria/{id}/",
    response={200: CriterionOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="criteria_update",
    summary="Change an evaluation criterion of a draft call (409 unless the call is a draft)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def update_a_criterion(request: HttpRequest, slug: str, id: Id, payload: CriterionPatch):
    network = scoped_network(request)
    criterion = get_criterion_for(request.user, network, id)
    with refusals():
        update_criterion(actor=request.user, criterion=criterion, data=payload.dict(exclude_unset=True))
    return get_criterion_for(request.user, network, id)


@router.delete(
    "/{slug}/criteria/{id}/",
    response={204: None, 409: ErrorOut, **READ_ERRORS},
    operation_id="criteria_delete",
    summary="Remove an evaluation criterion from a draft call (409 unless the call is a draft)",
    auth=requires(MANAGE_COPROGRAMMING),
)
def delete_a_criterion(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    criterion = get_criterion_for(request.user, network, id)
    with conflict_errors():
        delete_criterion(actor=request.user, criterion=criterion)
    return Status(204, None)


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
