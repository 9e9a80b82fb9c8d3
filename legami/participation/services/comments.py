"""Writes of comments: a participant comments on a proposal, or replies to a comment, while the current phase
opens comments; moderators hide a comment (its text gives way to their reason) and show it again.

Threads are at most three levels deep (depth 0, 1, 2): a reply to a comment at depth 2 is attached to the
same thread at depth 2, beside the comment it answers, instead of being refused.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.participation.capabilities import MODERATE, TAKE_PART
from legami.participation.models import Comment, Process, Proposal, Report
from legami.participation.selectors.processes import open_phase
from legami.participation.services.moderation import resolve_reports
from legami.participation.services.processes import PROCESS_WORKFLOW
from legami.participation.services.proposals import clean_reason

MAX_DEPTH = 2
BODY_MAX_LENGTH = 5_000

COMMENT_INPUTS = inputs.Rules(
    {
        "body": inputs.Text(required=True, max_length=BODY_MAX_LENGTH, messages={"required": _("Write your comment.")}),
        "parent": inputs.Lookup(
            Comment,
            scope=lambda comments, network: comments.filter(proposal__network=network),
            messages={"invalid_choice": _("Reply to a comment of this proposal.")},
        ),
    }
)


def _state(comment: Comment) -> dict[str, Any]:
    """What the audit log keeps of a comment: where it is and whether it is hidden, never its words."""
    return {
        "proposal_id": comment.proposal_id,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "hidden": comment.hidden_at is not None,
        "hidden_reason": comment.hidden_reason,
    }


def _audit(
    actor: Any, comment: Comment, *, action: str, network: Any, before: dict | None = None, note: str = ""
) -> None:
    record_event(
        actor=actor,
        action=action,
        obj=comment,
        object_repr=gettext("Comment #%(id)s") % {"id": comment.pk},
        network=network,
        before=before,
        after=_state(comment),
        note=note,
    )


@transaction.atomic
def comment(*, actor: Any, proposal: Proposal, body: str, parent: Any = None) -> Comment:
    """Comment on a proposal, or reply to one of its comments, while the phase opens comments."""
    network = proposal.network
    require(actor, TAKE_PART, network)
    process = PROCESS_WORKFLOW.lock(Process(pk=proposal.process_id))
    proposal = Proposal.objects.get(pk=proposal.pk)
    if open_phase(process, "comments_open") is None:
        raise ValidationError(
            gettext("Comments are not open in the current phase of the process."), code="comments_closed"
        )
    if proposal.hidden_at is not None:
        raise ValidationError(gettext("The moderators have hidden this proposal."), code="hidden")
    data: dict[str, Any] = {"body": body}
    if parent not in (None, ""):
        data["parent"] = parent
    values = COMMENT_INPUTS.clean(data, network=network, actor=actor)
    reply_to: Comment | None = values.get("parent")
    if reply_to is not None and reply_to.proposal_id != proposal.pk:
        raise ValidationError(
            {"parent": [ValidationError(gettext("Reply to a comment of this proposal."), code="invalid_choice")]}
        )
    depth = 0
    if reply_to is not None:
        if reply_to.depth >= MAX_DEPTH:
            # Deep enough: the reply joins the thread beside the comment it answers.
            reply_to = reply_to.parent
        depth = (reply_to.depth + 1) if reply_to is not None else 0
    row = Comment.objects.create(proposal=proposal, parent=reply_to, depth=depth, author=actor, body=values["body"])
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=F("comment_count") + 1)
    _audit(actor, row, action=AuditEvent.Action.CREATE, network=network)
    return row


def _locked_comment(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


@transaction.atomic
def hide_comment(*, actor: Any, comment: Comment, reason: str) -> Comment:
    """Hide a comment (moderators): everyone reads the reason in its place; its open reports are resolved."""
    network = comment.proposal.network
    require(actor, MODERATE, network)
    reason = clean_reason(reason)
    row = _locked_comment(comment)
    if row.hidden_at is not None:
        raise ValidationError(gettext("This comment is already hidden."), code="already_hidden")
    before = _state(row)
    row.hidden_at, row.hidden_by, row.hidden_reason = timezone.now(), actor, reason
    row.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    note = gettext("Hidden by the moderators: %(reason)s") % {"reason": reason}
    _audit(actor, row, action=AuditEvent.Action.UPDATE, network=network, before=before, note=note)
    resolve_reports(Report.objects.filter(comment=row), actor=actor)
    return row


@transaction.atomic
def show_comment(*, actor: Any, comment: Comment, reason: str) -> Comment:
    """Show a hidden comment again (moderators), saying why."""
    network = comment.proposal.network
    require(actor, MODERATE, network)
    reason = clean_reason(reason)
    row = _locked_comment(comment)
    if row.hidden_at is None:
        raise ValidationError(gettext("This comment is not hidden."), code="not_hidden")
    before = _state(row)
    row.hidden_at, row.hidden_by, row.hidden_reason = None, None, ""
    row.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    note = gettext("Shown again by the moderators: %(reason)s") % {"reason": reason}
    _audit(actor, row, action=AuditEvent.Action.UPDATE, network=network, before=before, note=note)
    return row
