"""Writes of proposals: filing one in a phase that opens proposals, editing it, answering it (PROPOSAL_WORKFLOW),
withdrawing it, and the moderators hiding it and showing it again.

A proposal is public and signed with its author's name. Its life:

    published ──► evaluating ──► accepted / rejected      (those who answer proposals, with the answer's text)
        │  └────────────────────► accepted / rejected
        └──► withdrawn                                    (its author, while nobody supports it)

Hiding is no move: the proposal keeps its status, its page shows the moderators' reason instead of its text
(the moderators still read it), and the hiding and showing are steps of its history with the reason.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.needs.models import NeedArea
from legami.network.models import Membership, Organization
from legami.participation.capabilities import ANSWER_PROPOSALS, MODERATE, TAKE_PART
from legami.participation.models import Process, Proposal, ProposalEvent, ProposalStatus, Report, Support
from legami.participation.selectors.processes import open_phase
from legami.participation.services.moderation import resolve_reports
from legami.participation.services.processes import PROCESS_WORKFLOW

S = ProposalStatus

BODY_MAX_LENGTH = 10_000
ANSWER_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = max_length_of(Proposal, "hidden_reason")
# The statuses an answer may give (the page's choices).
ANSWER_STATUSES = (S.EVALUATING, S.ACCEPTED, S.REJECTED)
# The answers that close the matter: they need their text.
FINAL_ANSWERS = (S.ACCEPTED, S.REJECTED)
# What the fields of a proposal are called in its inputs (the form's and the API's).
PROPOSAL_FIELDS = ("title", "body", "area", "organization")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


NOT_YOUR_ORGANIZATION = _("You can propose on behalf of an organisation you work for only.")


def _organization_of_author(ctx: inputs.Context) -> None:
    """A proposal is filed on behalf of an organisation only by someone who works for it in the network."""
    organization = ctx.value("organization")
    if not ctx.ok("organization") or organization is None:
        return
    if ctx.instance is not None and ctx.instance.organization_id == organization.pk:
        return
    actor = _user(ctx.actor)
    works_there = (
        actor is not None
        and Membership.objects.filter(
            network=ctx.network, user=actor, organization=organization, is_active=True
        ).exists()
    )
    if not works_there:
        ctx.add_error("organization", str(NOT_YOUR_ORGANIZATION), "not_your_organization")


PROPOSAL_INPUTS = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Proposal, "title"),
            messages={"required": _("Give the proposal a title.")},
        ),
        "body": inputs.Text(
            required=True,
            max_length=BODY_MAX_LENGTH,
            messages={"required": _("Describe the proposal.")},
        ),
        "area": inputs.Lookup(
            NeedArea,
            usable=lambda area: area.is_active,
            messages={
                "invalid_choice": _("Choose an area of this network."),
                "inactive": _("This area is no longer in use: choose another."),
            },
        ),
        "organization": inputs.Lookup(
            Organization, messages={"invalid_choice": _("Choose an organisation of this network.")}
        ),
    },
    checks=(inputs.described(_organization_of_author, "organization", "not_your_organization", NOT_YOUR_ORGANIZATION),),
)


# --- the workflow ------------------------------------------------------------------------------------


def _is_author(proposal: Proposal, step: Step) -> str | None:
    """Only its author withdraws a proposal."""
    user = _user(step.actor)
    if user is not None and proposal.author_id == user.pk:
        return None
    return gettext("Only the author can withdraw a proposal.")


def _no_supports(proposal: Proposal, step: Step) -> str | None:
    """A proposal somebody supports is theirs too: it cannot be withdrawn (nor changed)."""
    if not Support.objects.filter(proposal=proposal).exists():
        return None
    return gettext("Somebody already supports this proposal: it can no longer be withdrawn.")


def _digest(text: str) -> str:
    """A short digest of a text, so that the audit log shows that it changed without holding it."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _snapshot(proposal: Proposal) -> dict[str, Any]:
    return {
        "status": proposal.status,
        "answer": proposal.answer,
        "answered_by_id": proposal.answered_by_id,
    }


PROPOSAL_WORKFLOW = Workflow(
    name="proposal",
    model=Proposal,
    states=ProposalStatus,
    history=ProposalEvent,
    capability=TAKE_PART,
    refusal=Refusal(
        _("A proposal that is “%(current)s” cannot become “%(target)s”."),
        code="transition",
        params=("current", "target"),
    ),
    transitions=(
        Transition(
            S.PUBLISHED, S.EVALUATING, name="evaluate", label=_("Under evaluation"), capability=ANSWER_PROPOSALS
        ),
        Transition(
            (S.PUBLISHED, S.EVALUATING), S.ACCEPTED, name="accept", label=_("Accept"), capability=ANSWER_PROPOSALS
        ),
        Transition(
            (S.PUBLISHED, S.EVALUATING),
            S.REJECTED,
            name="reject",
            label=_("Do not accept"),
            capability=ANSWER_PROPOSALS,
        ),
        Transition(
            S.PUBLISHED,
            S.WITHDRAWN,
            name="withdraw",
            label=_("Withdraw"),
            guards=(Guard(_is_author, code="not_author"), Guard(_no_supports, code="supported")),
        ),
    ),
    audit_snapshot=_snapshot,
)


# --- filing and editing ------------------------------------------------------------------------------


def _audit(actor: Any, proposal: Proposal, *, action: str, before: dict | None = None, note: str = "") -> None:
    """The audit event of a proposal's content: what changed, never its words (a proposal hidden because it
    exposed someone must not live on in the append-only log)."""
    record_event(
        actor=actor,
        action=action,
        obj=proposal,
        object_repr=gettext("Proposal #%(id)s") % {"id": proposal.pk},
        before=before,
        after=_content(proposal),
        note=note,
    )


def _content(proposal: Proposal) -> dict[str, Any]:
    return {
        "title_length": len(proposal.title),
        "body_length": len(proposal.body),
        "title_digest": _digest(proposal.title),
        "body_digest": _digest(proposal.body),
        "area_id": proposal.area_id,
        "organization_id": proposal.organization_id,
        "hidden": proposal.hidden_at is not None,
        "hidden_reason": proposal.hidden_reason,
    }


@transaction.atomic
def create_proposal(*, actor: Any, process: Process, data: dict[str, Any]) -> Proposal:
    """File a proposal in `process` while its current phase opens proposals; it is public, under the author's name."""
    network = process.network
    require(actor, TAKE_PART, network)
    process = PROCESS_WORKFLOW.lock(process)
    phase = open_phase(process, "proposals_open")
    if phase is None:
        raise ValidationError(
            gettext("Proposals cannot be made now: the current phase of the process does not take them."),
            code="proposals_closed",
        )
    values = PROPOSAL_INPUTS.clean(data, network=network, actor=actor)
    proposal = Proposal(network=network, process=process, phase=phase, author=_user(actor), **values)
    proposal.save()
    PROPOSAL_WORKFLOW.record(proposal, actor=actor, from_state="")
    _audit(actor, proposal, action=AuditEvent.Action.CREATE)
    return proposal


@transaction.atomic
def update_proposal(*, actor: Any, proposal: Proposal, data: dict[str, Any]) -> Proposal:
    """Change a proposal's text, area or organisation: its author, while it is published and nobody supports it."""
    require(actor, TAKE_PART, proposal.network)
    proposal = PROPOSAL_WORKFLOW.lock(proposal)
    user = _user(actor)
    if user is None or proposal.author_id != user.pk:
        raise PermissionDenied(gettext("Only the author can change a proposal."))
    if proposal.status != S.PUBLISHED or proposal.hidden_at is not None:
        raise ValidationError(gettext("Only a published proposal can be changed."), code="not_editable")
    if Support.objects.filter(proposal=proposal).exists():
        raise ValidationError(
            gettext("Somebody already supports this proposal: it can no longer be changed."), code="supported"
        )
    PROPOSAL_INPUTS.refuse_unknown(data)
    given = {name: getattr(proposal, name) for name in PROPOSAL_FIELDS} | dict(data)
    before = _content(proposal)
    values = PROPOSAL_INPUTS.clean(given, network=proposal.network, actor=actor, instance=proposal)
    for name, value in values.items():
        setattr(proposal, name, value)
    if _content(proposal) == before:
        return proposal
    proposal.save()
    _audit(actor, proposal, action=AuditEvent.Action.UPDATE, before=before)
    return proposal


# --- answers and withdrawal --------------------------------------------------------------------------


def answer_proposal(*, actor: Any, proposal: Proposal, status: str, answer: str) -> Proposal:
    """Give the partnership's answer: under evaluation, accepted or not accepted, with its text (required to close)."""
    answer = (answer or "").strip()
    if status not in ANSWER_STATUSES:
        raise ValidationError(
            {"status": [ValidationError(gettext("Choose one of the answers."), code="invalid_choice")]}
        )
    if status in FINAL_ANSWERS and not answer:
        raise ValidationError(
            {"answer": [ValidationError(gettext("Write the answer: say why, and what happens next."), code="required")]}
        )
    if len(answer) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            {
                "answer": [
                    ValidationError(
                        gettext("At most %(limit)d characters.") % {"limit": ANSWER_MAX_LENGTH}, code="max_length"
                    )
                ]
            }
        )
    changes: dict[str, Any] = {"answered_at": timezone.now(), "answered_by": _user(actor)}
    if answer:
        changes["answer"] = answer
    return PROPOSAL_WORKFLOW.apply(proposal, status, actor=actor, note=answer[:500], changes=changes)


def withdraw_proposal(*, actor: Any, proposal: Proposal, note: str = "") -> Proposal:
    """Withdraw one's own published proposal, while nobody supports it."""
    return PROPOSAL_WORKFLOW.apply(proposal, S.WITHDRAWN, actor=actor, note=note)


# --- moderation --------------------------------------------------------------------------------------


def clean_reason(reason: str) -> str:
    """The moderators' reason, required and at most as long as the field (ValidationError on `reason`)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {"reason": [ValidationError(gettext("Say why: the reason is shown in its place."), code="required")]}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    ValidationError(
                        gettext("At most %(limit)d characters.") % {"limit": REASON_MAX_LENGTH}, code="max_length"
                    )
                ]
            }
        )
    return reason


@transaction.atomic
def hide_proposal(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    """Hide a proposal (moderators): its text gives way to the reason; its open reports are resolved."""
    require(actor, MODERATE, proposal.network)
    reason = clean_reason(reason)
    proposal = PROPOSAL_WORKFLOW.lock(proposal)
    if proposal.hidden_at is not None:
        raise ValidationError(gettext("This proposal is already hidden."), code="already_hidden")
    before = _content(proposal)
    proposal.hidden_at, proposal.hidden_by, proposal.hidden_reason = timezone.now(), _user(actor), reason
    proposal.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    note = gettext("Hidden by the moderators: %(reason)s") % {"reason": reason}
    PROPOSAL_WORKFLOW.record(proposal, actor=actor, note=note)
    _audit(actor, proposal, action=AuditEvent.Action.UPDATE, before=before, note=note)
    resolve_reports(Report.objects.filter(proposal=proposal), actor=actor)
    return proposal


@transaction.atomic
def show_proposal(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    """Show a hidden proposal again (moderators), saying why."""
    require(actor, MODERATE, proposal.network)
    reason = clean_reason(reason)
    proposal = PROPOSAL_WORKFLOW.lock(proposal)
    if proposal.hidden_at is None:
        raise ValidationError(gettext("This proposal is not hidden."), code="not_hidden")
    before = _content(proposal)
    proposal.hidden_at, proposal.hidden_by, proposal.hidden_reason = None, None, ""
    proposal.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    note = gettext("Shown again by the moderators: %(reason)s") % {"reason": reason}
    PROPOSAL_WORKFLOW.record(proposal, actor=actor, note=note)
    _audit(actor, proposal, action=AuditEvent.Action.UPDATE, before=before, note=note)
    return proposal
