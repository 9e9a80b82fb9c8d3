"""Responses: co-design tables (calls, criteria, applications and their scores) and responses (partners, budget,
milestones, progress, what they answer).

Co-design tables are read with VIEW_RESPONSES, as their pages; drafts exist only for those who run them
(MANAGE_COPROGRAMMING), who also shape and move them. Applications are read as the pages' selectors say:
operators, evaluators and coordinators every one, partner staff their organisation's, funders none. Applying and
withdrawing is CONTRIBUTE (the applicant only), excluding MANAGE_COPROGRAMMING, scoring SCORE_APPLICATIONS (an
evaluator whose organisation takes part in the application is refused with a 422, as the service says).

A response's accountability page is public: the API answers every member (participation's TAKE_PART, every role),
as participation.py does for its public pages. What a response answers follows the small-numbers rule exactly as
its page does (`selectors.responses.answered_figures`), and so does who contributed what. The partners and the budget
are on the public page too, so they are read by every member; designing and running responses (partners, budget
lines, milestones, what they answer) is MANAGE_RESPONSES. The co-production ledger and the give-back places are in
coproduction.py, the co-design tables in calls.py.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, Field

from legami.api.auth import requires
from legami.api.errors import BODY, refusals, service_errors
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
from legami.api.v1.participation import NOTE_LENGTH, IstatCode
from legami.core import smallnumbers
from legami.network.models import Network
from legami.participation.capabilities import TAKE_PART
from legami.responses.capabilities import (
    MANAGE_RESPONSES,
)
from legami.responses.selectors.coproduction import totals_by_contributor
from legami.responses.selectors.responses import (
    answered_figures,
    budget_by_source,
    get_budget_line,
    get_partner,
    get_response,
    responses_for,
)
from legami.responses.services.responses import (
    ANSWERS_INPUTS,
    BUDGET_INPUTS,
    MILESTONE_INPUTS,
    PARTNER_CHANGE_INPUTS,
    PARTNER_INPUTS,
    REACHED_INPUTS,
    RESPONSE_INPUTS,
    RESPONSE_WORKFLOW,
    add_partner,
    create_budget_line,
    create_milestone,
    create_response,
    delete_budget_line,
    link_answers,
    mark_milestone_reached,
    remove_partner,
    response_move,
    update_budget_line,
    update_partner,
    update_response,
)

router = Router(tags=["responses"])

# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
CallStatus = Literal["draft", "open", "evaluation", "ranked", "awarded", "cancelled"]
ApplicationStatus = Literal["submitted", "withdrawn", "excluded", "selected"]
ResponseStatus = Literal["planned", "active", "suspended", "completed", "cancelled"]
PartnerRole = Literal["lead", "partner", "funder", "supporter"]
BudgetSource = Literal["public", "foundation", "private", "in_kind"]
ContributorKind = Literal["partner", "citizens"]
CoProductionKind = Literal["hours", "space", "money", "goods"]
Money = Decimal
# A sum the database computes, always with 2 decimals (SQLite drops trailing zeros, PostgreSQL keeps them).
Total = Annotated[Decimal, AfterValidator(lambda value: value.quantize(Decimal("0.01")))]


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
    """A partner of a response: the organisation, its role and what it brings."""

    id: int = Field(..., description="Id of the partner row (for changing or removing it).")
    organization: NamedRef
    role: PartnerRole
    brings: str = Field(..., description="What it brings, in words.")


class BudgetLineOut(Schema):
    """A line of a response's budget."""

    id: int
    source: BudgetSource
    description: str
    organization: NamedRef | None = Field(..., description="Who gives it, when said.")
    amount: Money = Field(..., description="In euro, 2 decimals.")


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


class KindTotalsOut(Schema):
    """How much of each kind: hours of work, hours of a space's use, money and goods (euro)."""

    hours: Total
    space: Total
    money: Total
    goods: Total


class ContributorOut(Schema):
    """What one partner, or the citizens together, contributed, by kind."""

    organization: NamedRef | None = Field(..., description="The partner; null for the citizens' row.")
    citizens: bool
    totals: KindTotalsOut
    people: int | None = Field(
        ...,
        description="How many citizens gave (0 on a partner's row); null, and `small` true, when they are fewer "
        "than k and the caller does not see small numbers.",
    )
    small: bool

    @staticmethod
    def resolve_organization(obj: Any) -> dict[str, Any] | None:
        return None if obj["citizens"] else {"id": obj["organization_id"], "name": obj["name"]}

    @staticmethod
    def resolve_people(obj: Any) -> int | None:
        return None if obj["people_small"] else obj["people"]

    @staticmethod
    def resolve_small(obj: Any) -> bool:
        return bool(obj["people_small"])


class ResponseOut(ResponseSummaryOut):
    """A response's accountability page: partners, budget by source, milestones, progress, what it answers and
    who contributed what."""

    description: str
    process: int | None = Field(..., description="Id of the participatory process it comes from.")
    call: int | None = Field(..., description="Id of the co-design table that made it.")
    partners: list[PartnerOut]
    budget: BudgetOut
    milestones: list[MilestoneOut]
    answered: AnsweredOut
    contributors: list[ContributorOut] = Field(..., description="Who contributed what, from the co-production ledger.")
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
    def resolve_contributors(obj: Any) -> list[dict[str, Any]]:
        return obj.api_contributors

    @staticmethod
    def resolve_transitions(obj: Any) -> list[str]:
        return obj.api_transitions


def _response_out(request: HttpRequest, network: Network, pk: int) -> Any:
    """The response read again, with its budget by source, what it answers and who contributed what (the last two
    under the small-numbers rule)."""
    response = get_response(network, pk)
    limit = smallnumbers.limit_for(request.user, network)
    response.api_budget = budget_by_source(response)  # type: ignore[attr-defined]
    response.api_answered = answered_figures(response, limit=limit)  # type: ignore[attr-defined]
    response.api_contributors = totals_by_contributor(response, limit=limit)  # type: ignore[attr-defined]
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


# --- partners ----------------------------------------------------------------------------------------------

PARTNER = declared(PARTNER_INPUTS)
PARTNER_CHANGE = declared(PARTNER_CHANGE_INPUTS)


class PartnerIn(Schema):
    """A new partner of a response: an organisation of the network (once), its role and what it brings."""

    model_config = with_server_rules(PARTNER.server_rules(PARTNER.rules.fields))

    organization: int = PARTNER.field("organization", description="Id of an organisation of the network.")
    role: PartnerRole = PARTNER.field("role")
    brings: str = PARTNER.field("brings", description="What it brings, in words (public).")


class PartnerPatch(Schema):
    """A partial change of a partner: its role or what it brings (the organisation stays: remove it and add
    another)."""

    model_config = with_server_rules(PARTNER_CHANGE.server_rules(PARTNER_CHANGE.rules.fields))

    role: PartnerRole = PARTNER_CHANGE.field("role", None)
    brings: str = PARTNER_CHANGE.field("brings", None)


@router.get(
    "/{slug}/responses/{id}/partners/",
    response={200: list[PartnerOut], **READ_ERRORS},
    operation_id="response_partners_list",
    summary="The partners of a response (public), lead first",
    auth=requires(TAKE_PART),
)
def list_partners(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return list(get_response(network, id).partners.all())


@router.post(
    "/{slug}/responses/{id}/partners/",
    response={201: PartnerOut, **WRITE_ERRORS},
    operation_id="response_partners_create",
    summary="Add a partner to a response, with its role and what it brings",
    auth=requires(MANAGE_RESPONSES),
)
def create_a_partner(request: HttpRequest, slug: str, id: Id, payload: PartnerIn):
    network = scoped_network(request)
    response = get_response(network, id)
    with service_errors():
        partner = add_partner(actor=request.user, response=response, data=payload.dict())
    return Status(201, get_partner(network, partner.pk))


@router.patch(
    "/{slug}/responses/{id}/partners/{partner_id}/",
    response={200: PartnerOut, **WRITE_ERRORS},
    operation_id="response_partners_update",
    summary="Change a partner's role or what it brings",
    auth=requires(MANAGE_RESPONSES),
)
def update_a_partner(request: HttpRequest, slug: str, id: Id, partner_id: Id, payload: PartnerPatch):
    network = scoped_network(request)
    partner = get_partner(network, partner_id, response=id)
    with service_errors():
        update_partner(actor=request.user, partner=partner, data=payload.dict(exclude_unset=True))
    return get_partner(network, partner_id)


@router.delete(
    "/{slug}/responses/{id}/partners/{partner_id}/",
    response={204: None, **READ_ERRORS},
    operation_id="response_partners_delete",
    summary="Remove a partner from a response (what it contributed stays in the co-production ledger)",
    auth=requires(MANAGE_RESPONSES),
)
def delete_a_partner(request: HttpRequest, slug: str, id: Id, partner_id: Id):
    network = scoped_network(request)
    partner = get_partner(network, partner_id, response=id)
    remove_partner(actor=request.user, partner=partner)
    return Status(204, None)


# --- budget ------------------------------------------------------------------------------------------------

BUDGET = declared(BUDGET_INPUTS)
BUDGET_RULES = BUDGET.server_rules(BUDGET.rules.fields)


class BudgetLineIn(Schema):
    """A new line of a response's budget."""

    model_config = with_server_rules(BUDGET_RULES)

    source: BudgetSource = BUDGET.field("source")
    organization: int | None = BUDGET.field("organization", description="Id of the organisation that gives it.")
    description: str = BUDGET.field("description", description="What the line is for (public).")
    amount: Money = BUDGET.field("amount", description="In euro, at most 2 decimals.")


class BudgetLinePatch(Schema):
    """A partial change of a budget line: only the fields sent are changed."""

    model_config = with_server_rules(BUDGET_RULES)

    source: BudgetSource = BUDGET.field("source", None)
    organization: int | None = BUDGET.field("organization", None, description="null: nobody in particular.")
    description: str = BUDGET.field("description", None)
    amount: Money = BUDGET.field("amount", None)


@router.get(
    "/{slug}/responses/{id}/budget/",
    response={200: BudgetOut, **READ_ERRORS},
    operation_id="response_budget_get",
    summary="A response's budget (public): its lines grouped by source, each source's total and the grand total",
    auth=requires(TAKE_PART),
)
def get_budget(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return budget_by_source(get_response(network, id))


@router.post(
    "/{slug}/responses/{id}/budget/",
    response={201: BudgetLineOut, **WRITE_ERRORS},
    operation_id="response_budget_create",
    summary="Add a line to a response's budget",
    auth=requires(MANAGE_RESPONSES),
)
def create_a_budget_line(request: HttpRequest, slug: str, id: Id, payload: BudgetLineIn):
    network = scoped_network(request)
    response = get_response(network, id)
    with service_errors():
        line = create_budget_line(actor=request.user, response=response, data=payload.dict())
    return Status(201, get_budget_line(network, line.pk))


@router.patch(
    "/{slug}/responses/{id}/budget/{line_id}/",
    response={200: BudgetLineOut, **WRITE_ERRORS},
    operation_id="response_budget_update",
    summary="Change a budget line",
    auth=requires(MANAGE_RESPONSES),
)
def update_a_budget_line(request: HttpRequest, slug: str, id: Id, line_id: Id, payload: BudgetLinePatch):
    network = scoped_network(request)
    line = get_budget_line(network, line_id, response=id)
    with service_errors():
        update_budget_line(actor=request.user, line=line, data=payload.dict(exclude_unset=True))
    return get_budget_line(network, line_id)


@router.delete(
    "/{slug}/responses/{id}/budget/{line_id}/",
    response={204: None, **READ_ERRORS},
    operation_id="response_budget_delete",
    summary="Remove a budget line",
    auth=requires(MANAGE_RESPONSES),
)
def delete_a_budget_line(request: HttpRequest, slug: str, id: Id, line_id: Id):
    network = scoped_network(request)
    line = get_budget_line(network, line_id, response=id)
    delete_budget_line(actor=request.user, line=line)
    return Status(204, None)


# --- what a response answers -------------------------------------------------------------------------------

ANSWERS = declared(ANSWERS_INPUTS)


class AnswersIn(Schema):
    """What a response answers, added to what it already answers (a link is never removed here)."""

    model_config = with_server_rules(
        ANSWERS.server_rules(ANSWERS.rules.fields)
        + [
            {
                "field": "demands",
                "code": "not_answerable",
                "rule": "Accepted or answered demands the caller may see.",
            },
            {
                "field": "needs",
                "code": "not_answerable",
                "rule": "Needs the caller may see, aggregated, matched or answered.",
            },
            {"field": "proposals", "code": "not_answerable", "rule": "Accepted proposals of the network's processes."},
        ]
    )

    demands: list[Id] = Field(
        default_factory=list,
        max_length=500,
        description="Ids of aggregated demands: an accepted one is answered (its needs become answered).",
    )
    needs: list[Id] = Field(
        default_factory=list,
        max_length=500,
        description="Ids of needs: each moves to answered through the needs workflow.",
    )
    proposals: list[Id] = Field(default_factory=list, max_length=500, description="Ids of accepted proposals.")
    process: int | None = ANSWERS.field(
        "process", None, description="Id of the participatory process it comes from (null: none)."
    )


@router.post(
    "/{slug}/responses/{id}/answers/",
    response={200: ResponseOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="response_answers_link",
    summary="Link the demands, needs and accepted proposals a response answers: accepted demands are answered and "
    "needs move to answered through their workflows (409 when a workflow refuses the move)",
    auth=requires(MANAGE_RESPONSES),
)
def link_the_answers(request: HttpRequest, slug: str, id: Id, payload: AnswersIn):
    network = scoped_network(request)
    response = get_response(network, id)
    with refusals():
        link_answers(actor=request.user, response=response, data=payload.dict(exclude_unset=True))
    return _response_out(request, network, id)
