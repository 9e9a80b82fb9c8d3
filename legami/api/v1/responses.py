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
from pydantic import Field

from legami.api.auth import requires
from legami.api.errors import BODY, service_errors
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
from legami.api.v1.participation import NOTE_LENGTH, IstatCode, refusals
from legami.core import smallnumbers
from legami.network.models import Network
from legami.participation.capabilities import TAKE_PART
from legami.responses.capabilities import (
    MANAGE_RESPONSES,
)
from legami.responses.selectors.responses import answered_figures, budget_by_source, get_response, responses_for
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


def municipalities_of(data: dict[str, Any]) -> dict[str, Any]:
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
    data = municipalities_of(payload.dict())
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
    data = municipalities_of(payload.dict(exclude_unset=True))
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
