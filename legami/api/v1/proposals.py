"""Participation: the proposals of processes, supporting them (TAKE_PART), answering them (ANSWER_PROPOSALS)
and withdrawing one's own. See legami/api/v1/participation.py for who reads what."""

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
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
    NamedRef,
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.api.v1.meetings import ProcessRef
from legami.api.v1.participation import NoteIn, PhaseRef
from legami.network.models import Network
from legami.participation.capabilities import ANSWER_PROPOSALS, TAKE_PART
from legami.participation.selectors.processes import (
    get_process_for,
    today,
)
from legami.participation.selectors.proposals import (
    get_proposal_for,
    is_supported_by,
    moderates,
    proposals_for,
    public_name,
    random_seed,
)
from legami.participation.services.proposals import (
    ANSWER_MAX_LENGTH,
    PROPOSAL_INPUTS,
    answer_proposal,
    create_proposal,
    withdraw_proposal,
)
from legami.participation.services.supports import support, unsupport

router = Router(tags=["participation"])

# --- proposals -----------------------------------------------------------------------------------------------

ProposalStatus = Literal["published", "evaluating", "accepted", "rejected", "withdrawn"]
ProposalSort = Literal["newest", "most_supported", "most_commented", "random"]


class ProposalOut(Schema):
    """A proposal: public, under its author's name. A proposal hidden by the moderators keeps its place, but its
    title and text are left out (null) for everyone but the moderators; its reason is shown instead."""

    id: int
    process: ProcessRef
    phase: PhaseRef | None = Field(..., description="The phase it was made in.")
    title: str | None = Field(..., description="Null when hidden (moderators read it).")
    body: str | None = Field(..., description="Null when hidden (moderators read it).")
    author: str = Field(..., description="The author's public name.")
    organization: NamedRef | None = Field(..., description="The organisation it is made on behalf of.")
    area: NamedRef | None
    status: ProposalStatus
    answer: str = Field(..., description="The partnership's answer ('' until there is one).")
    answered_at: datetime.datetime | None
    hidden: bool = Field(..., description="Hidden by the moderators.")
    hidden_reason: str = Field(..., description="Why it was hidden ('' when it is not).")
    support_count: int
    comment_count: int
    supported: bool = Field(..., description="Whether the caller supports it.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_process(obj: Any) -> dict[str, Any]:
        return {"id": obj.process_id, "title": obj.process.title}

    @staticmethod
    def resolve_title(obj: Any) -> str | None:
        return obj.title if obj.api_readable else None

    @staticmethod
    def resolve_body(obj: Any) -> str | None:
        return obj.body if obj.api_readable else None

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return public_name(obj.author)

    @staticmethod
    def resolve_hidden(obj: Any) -> bool:
        return obj.hidden_at is not None

    @staticmethod
    def resolve_hidden_reason(obj: Any) -> str:
        return obj.hidden_reason if obj.hidden_at is not None else ""


class ProposalPage(PageNumberPagination):
    """A page of proposals: each marks whether the moderators hid it and the caller may still read it."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        readable = moderates(request.user, scoped_network(request))
        rows = list(page["items"])
        for proposal in rows:
            proposal.api_readable = readable or proposal.hidden_at is None
        return {**page, "items": rows}


def proposal_out(request: HttpRequest, network: Network, pk: int) -> Any:
    """The proposal as the caller may see it, read again: whether they support it, whether they may read it."""
    proposal = get_proposal_for(request.user, network, pk)
    proposal.supported = is_supported_by(request.user, proposal)  # type: ignore[attr-defined]
    proposal.api_readable = proposal.hidden_at is None or moderates(request.user, network)  # type: ignore[attr-defined]
    return proposal


PROPOSAL = declared(PROPOSAL_INPUTS)
PROPOSAL_RULES = PROPOSAL.server_rules(PROPOSAL.rules.fields)


class ProposalIn(Schema):
    """A new proposal, while the current phase of the process takes proposals (else 409): public, under the
    caller's name."""

    model_config = with_server_rules(PROPOSAL_RULES)

    title: str = PROPOSAL.field("title")
    body: str = PROPOSAL.field("body", description="What, for whom, where, with whom. No one else's personal data.")
    area: int | None = PROPOSAL.field("area", description="Id of one of the network's need areas in use.")
    organization: int | None = PROPOSAL.field(
        "organization", description="Id of an organisation the caller works for, to propose on its behalf."
    )


class AnswerIn(Schema):
    """The partnership's answer: under evaluation, accepted or not accepted (these two need the text)."""

    model_config = with_server_rules(
        [
            {"field": "answer", "code": "required", "rule": "Accepting or not accepting needs the answer's text."},
        ]
    )

    status: Literal["evaluating", "accepted", "rejected"]
    answer: str = Field("", max_length=ANSWER_MAX_LENGTH, description="Why, and what happens next.")


class ProposalFilters(Schema):
    search: str = Field("", max_length=200, description="Words in the title or the text.")
    area: Id | None = Field(None, description="Only proposals of this need area (id).")
    status: ProposalStatus | None = None
    sort: ProposalSort = Field(
        "newest", description="`random` is the same for the caller all day (stable across pages), new each day."
    )


@router.get(
    "/{slug}/processes/{id}/proposals/",
    response={200: list[ProposalOut], **READ_ERRORS},
    operation_id="proposals_list",
    summary="The proposals of a process: search, filters, order (hidden ones only for the moderators)",
    auth=requires(TAKE_PART),
)
@paginate(ProposalPage)
def list_proposals(request: HttpRequest, slug: str, id: Id, filters: Query[ProposalFilters]):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    proposals = proposals_for(
        request.user,
        process,
        search=filters.search,
        area=filters.area,
        status=filters.status or "",
        sort=filters.sort,
        seed=random_seed(request.user, today()),
    )
    # Each row names its process and phase: joined, so that a page costs the same whatever its size.
    return proposals.select_related("process", "phase")


@router.post(
    "/{slug}/processes/{id}/proposals/",
    response={201: ProposalOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_create",
    summary="Make a proposal (409 unless the current phase of the process takes proposals today)",
    auth=requires(TAKE_PART),
)
def create_proposal_in(request: HttpRequest, slug: str, id: Id, payload: ProposalIn):
    network = scoped_network(request)
    process = get_process_for(request.user, network, id)
    with refusals():
        proposal = create_proposal(actor=request.user, process=process, data=payload.dict())
    return Status(201, proposal_out(request, network, proposal.pk))


@router.get(
    "/{slug}/proposals/{id}/",
    response={200: ProposalOut, **READ_ERRORS},
    operation_id="proposals_get",
    summary="One proposal, with its answer and whether the caller supports it",
    auth=requires(TAKE_PART),
)
def get_proposal(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    return proposal_out(request, network, id)


@router.put(
    "/{slug}/proposals/{id}/support/",
    response={200: ProposalOut, 409: ErrorOut, **READ_ERRORS},
    operation_id="proposals_support",
    summary="Support a proposal (already supported: unchanged; 409 when the phase does not open supports, the "
    "proposal is closed or hidden, or the caller has used every support the process allows)",
    auth=requires(TAKE_PART),
)
def support_it(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    try:
        with refusals():
            support(actor=request.user, proposal=proposal)
    except HttpError:
        if not is_supported_by(request.user, proposal):
            raise
    return proposal_out(request, network, id)


@router.delete(
    "/{slug}/proposals/{id}/support/",
    response={200: ProposalOut, 409: ErrorOut, **READ_ERRORS},
    operation_id="proposals_unsupport",
    summary="Take the caller's support back (409 when they do not support it, or supports are no longer open)",
    auth=requires(TAKE_PART),
)
def unsupport_it(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    with refusals():
        unsupport(actor=request.user, proposal=proposal)
    return proposal_out(request, network, id)


@router.post(
    "/{slug}/proposals/{id}/answer/",
    response={200: ProposalOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_answer",
    summary="Answer a proposal for the partnership (409 when its status does not allow that answer)",
    auth=requires(ANSWER_PROPOSALS),
)
def answer(request: HttpRequest, slug: str, id: Id, payload: AnswerIn):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    with refusals():
        answer_proposal(actor=request.user, proposal=proposal, status=payload.status, answer=payload.answer)
    return proposal_out(request, network, id)


@router.post(
    "/{slug}/proposals/{id}/withdraw/",
    response={200: ProposalOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_withdraw",
    summary="Withdraw one's own proposal (403 for another's; 409 once somebody supports it, or it is answered)",
    auth=requires(TAKE_PART),
)
def withdraw(request: HttpRequest, slug: str, id: Id, payload: NoteIn):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    if proposal.author_id != request.user.pk:
        raise PermissionDenied("not the author")
    with refusals():
        withdraw_proposal(actor=request.user, proposal=proposal, note=payload.note)
    return proposal_out(request, network, id)
