"""Participation: the comments of proposals (reading them and commenting, TAKE_PART), reports of proposals and
comments to the moderators (TAKE_PART), and moderation (MODERATE): the open reports, hiding and showing again.

A hidden comment keeps its place in the thread, but its words are left out (null) for everyone but the moderators,
who read them; everyone reads the moderators' reason. A hidden proposal's comments are the moderators' only (they
may quote it): the others get an empty list. A report's details are read by the moderators only.
"""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
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
    PageNumberPagination,
    declared,
    with_server_rules,
)
from legami.api.scoping import scoped_network
from legami.api.v1.proposals import ProposalOut, proposal_out
from legami.network.models import Network
from legami.participation.capabilities import MODERATE, TAKE_PART
from legami.participation.selectors.moderation import open_reports_for
from legami.participation.selectors.proposals import (
    comment_readable,
    comments_for,
    get_comment_for,
    get_proposal_for,
    moderates,
    public_name,
)
from legami.participation.services.comments import COMMENT_INPUTS, comment, hide_comment, show_comment
from legami.participation.services.moderation import REPORT_INPUTS, report_comment, report_proposal
from legami.participation.services.proposals import REASON_MAX_LENGTH, hide_proposal, show_proposal

router = Router(tags=["participation"])

# --- comments ------------------------------------------------------------------------------------------------


class CommentOut(Schema):
    """A comment on a proposal, under its author's public name. A comment hidden by the moderators keeps its place,
    but its text is left out (null) for everyone but the moderators; its reason is shown instead."""

    id: int
    proposal: int = Field(..., description="The id of the proposal it is about.")
    parent: int | None = Field(..., description="The id of the comment it answers; null for a first-level comment.")
    depth: int = Field(..., description="0 for a comment on the proposal, 1 and 2 for replies (at most 2).")
    author: str = Field(..., description="The author's public name.")
    body: str | None = Field(..., description="Null when hidden (moderators read it).")
    hidden: bool = Field(..., description="Hidden by the moderators.")
    hidden_reason: str = Field(..., description="Why it was hidden ('' when it is not).")
    created_at: datetime.datetime

    @staticmethod
    def resolve_proposal(obj: Any) -> int:
        return obj.proposal_id

    @staticmethod
    def resolve_parent(obj: Any) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return public_name(obj.author)

    @staticmethod
    def resolve_body(obj: Any) -> str | None:
        return obj.body if obj.api_readable else None

    @staticmethod
    def resolve_hidden(obj: Any) -> bool:
        return obj.hidden_at is not None

    @staticmethod
    def resolve_hidden_reason(obj: Any) -> str:
        return obj.hidden_reason if obj.hidden_at is not None else ""


class CommentPage(PageNumberPagination):
    """A page of comments: each marks whether the caller may read its words."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        moderator = moderates(request.user, scoped_network(request))
        rows = list(page["items"])
        for row in rows:
            row.api_readable = comment_readable(row, moderator=moderator)
        return {**page, "items": rows}


def _comment_out(request: HttpRequest, network: Network, pk: int) -> Any:
    """The comment as the caller may see it, read again: whether they may read its words."""
    row = get_comment_for(request.user, network, pk)
    row.api_readable = comment_readable(row, moderator=moderates(request.user, network))  # type: ignore[attr-defined]
    return row


COMMENT = declared(COMMENT_INPUTS)


class CommentIn(Schema):
    """A comment on the proposal, or a reply to one of its comments, while the current phase of the process opens
    comments (else 409): public, under the caller's name. A reply to a comment at depth 2 joins the thread beside
    it, at depth 2."""

    model_config = with_server_rules(COMMENT.server_rules(COMMENT.rules.fields))

    body: str = COMMENT.field("body", description="Public, under your name. No one else's personal data.")
    parent: int | None = COMMENT.field("parent", None, description="Id of a comment of the same proposal to answer.")


@router.get(
    "/{slug}/proposals/{id}/comments/",
    response={200: list[CommentOut], **READ_ERRORS},
    operation_id="comments_list",
    summary="The comments of a proposal, oldest first, each with its parent and depth (a hidden one's text only for "
    "the moderators; a hidden proposal's comments only for them)",
    auth=requires(TAKE_PART),
)
@paginate(CommentPage)
def list_comments(request: HttpRequest, slug: str, id: Id):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    return comments_for(request.user, proposal)


@router.post(
    "/{slug}/proposals/{id}/comments/",
    response={201: CommentOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="comments_create",
    summary="Comment on a proposal or answer one of its comments (409 unless the current phase opens comments today, "
    "or when the proposal is hidden)",
    auth=requires(TAKE_PART),
)
def create_comment(request: HttpRequest, slug: str, id: Id, payload: CommentIn):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    with refusals():
        row = comment(actor=request.user, proposal=proposal, body=payload.body, parent=payload.parent)
    return Status(201, _comment_out(request, network, row.pk))


# --- reports -------------------------------------------------------------------------------------------------

REPORT = declared(REPORT_INPUTS)
Reason = REPORT.choice("reason")


class ReportIn(Schema):
    """Why the proposal or comment should be looked at by the moderators; once per person and text."""

    model_config = with_server_rules(REPORT.server_rules(REPORT.rules.fields))

    reason: Reason = REPORT.field("reason")
    details: str = REPORT.field("details", description="Only the moderators read it.")


class ReportFiledOut(Schema):
    """The report the caller sent (its details are the moderators' to read)."""

    id: int
    reason: Reason
    proposal: int | None = Field(..., description="The id of the proposal reported; null for a comment.")
    comment: int | None = Field(..., description="The id of the comment reported; null for a proposal.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_proposal(obj: Any) -> int | None:
        return obj.proposal_id

    @staticmethod
    def resolve_comment(obj: Any) -> int | None:
        return obj.comment_id


@router.post(
    "/{slug}/proposals/{id}/report/",
    response={201: ReportFiledOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_report",
    summary="Report a proposal to the moderators (409 when the caller has already reported it, or it is hidden)",
    auth=requires(TAKE_PART),
)
def report_a_proposal(request: HttpRequest, slug: str, id: Id, payload: ReportIn):
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    with refusals():
        report = report_proposal(actor=request.user, proposal=proposal, data=payload.dict())
    return Status(201, report)


@router.post(
    "/{slug}/comments/{id}/report/",
    response={201: ReportFiledOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="comments_report",
    summary="Report a comment to the moderators (409 when the caller has already reported it, or it is hidden)",
    auth=requires(TAKE_PART),
)
def report_a_comment(request: HttpRequest, slug: str, id: Id, payload: ReportIn):
    network = scoped_network(request)
    target = get_comment_for(request.user, network, id)
    with refusals():
        report = report_comment(actor=request.user, comment=target, data=payload.dict())
    return Status(201, report)


# --- moderation ----------------------------------------------------------------------------------------------


class ReportedProposalRef(Schema):
    """The proposal a reported text belongs to, by id and title."""

    id: int
    title: str


class ReportTargetOut(Schema):
    """What was reported, as the moderators read it: its words, hidden or not."""

    kind: Literal["proposal", "comment"]
    id: int = Field(..., description="The id of the proposal or of the comment.")
    proposal: ReportedProposalRef = Field(..., description="The proposal (for a comment: the one it is about).")
    author: str = Field(..., description="The author's public name.")
    text: str = Field(..., description="The text reported (moderators read hidden ones too).")
    hidden: bool = Field(..., description="Already hidden by the moderators.")


class ReportOut(Schema):
    """An open report, for the moderators: why, the reporter's details, and the text reported. The reporter is not
    named."""

    id: int
    reason: Reason
    details: str = Field(..., description="The reporter's details ('' when none).")
    created_at: datetime.datetime
    target: ReportTargetOut

    @staticmethod
    def resolve_target(obj: Any) -> dict[str, Any]:
        if obj.proposal_id:
            target, proposal, kind = obj.proposal, obj.proposal, "proposal"
        else:
            target, proposal, kind = obj.comment, obj.comment.proposal, "comment"
        return {
            "kind": kind,
            "id": target.pk,
            "proposal": {"id": proposal.pk, "title": proposal.title},
            "author": public_name(target.author),
            "text": target.body,
            "hidden": target.hidden_at is not None,
        }


@router.get(
    "/{slug}/reports/",
    response={200: list[ReportOut], **READ_ERRORS},
    operation_id="reports_list",
    summary="The reports nobody has dealt with yet, oldest first, with the texts reported (moderators)",
    auth=requires(MODERATE),
)
@paginate(PageNumberPagination)
def list_reports(request: HttpRequest, slug: str):
    network = scoped_network(request)
    return open_reports_for(request.user, network)


class ReasonIn(Schema):
    """The moderators' reason: everyone reads it in place of a hidden text, and it is kept in the history."""

    model_config = with_server_rules(
        [{"field": "reason", "code": "required", "rule": "Not blank: say why (no names, no personal details)."}]
    )

    reason: str = Field(..., min_length=1, max_length=REASON_MAX_LENGTH, description="Why, in a few words.")


def _moderate_proposal(request: HttpRequest, id: int, payload: ReasonIn, service: Any) -> Any:
    network = scoped_network(request)
    proposal = get_proposal_for(request.user, network, id)
    with refusals():
        service(actor=request.user, proposal=proposal, reason=payload.reason)
    return proposal_out(request, network, id)


def _moderate_comment(request: HttpRequest, id: int, payload: ReasonIn, service: Any) -> Any:
    network = scoped_network(request)
    target = get_comment_for(request.user, network, id)
    with refusals():
        service(actor=request.user, comment=target, reason=payload.reason)
    return _comment_out(request, network, id)


@router.post(
    "/{slug}/proposals/{id}/hide/",
    response={200: ProposalOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_hide",
    summary="Hide a proposal, saying why: everyone else reads the reason instead of it; its open reports are closed "
    "(409 when already hidden)",
    auth=requires(MODERATE),
)
def hide_a_proposal(request: HttpRequest, slug: str, id: Id, payload: ReasonIn):
    return _moderate_proposal(request, id, payload, hide_proposal)


@router.post(
    "/{slug}/proposals/{id}/show/",
    response={200: ProposalOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="proposals_show",
    summary="Show a hidden proposal again, saying why (409 when it is not hidden)",
    auth=requires(MODERATE),
)
def show_a_proposal(request: HttpRequest, slug: str, id: Id, payload: ReasonIn):
    return _moderate_proposal(request, id, payload, show_proposal)


@router.post(
    "/{slug}/comments/{id}/hide/",
    response={200: CommentOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="comments_hide",
    summary="Hide a comment, saying why: everyone else reads the reason instead of it; its open reports are closed "
    "(409 when already hidden)",
    auth=requires(MODERATE),
)
def hide_a_comment(request: HttpRequest, slug: str, id: Id, payload: ReasonIn):
    return _moderate_comment(request, id, payload, hide_comment)


@router.post(
    "/{slug}/comments/{id}/show/",
    response={200: CommentOut, 409: ErrorOut, **WRITE_ERRORS},
    operation_id="comments_show",
    summary="Show a hidden comment again, saying why (409 when it is not hidden)",
    auth=requires(MODERATE),
)
def show_a_comment(request: HttpRequest, slug: str, id: Id, payload: ReasonIn):
    return _moderate_comment(request, id, payload, show_comment)
