"""Writes of supports: one person's support of a proposal, only in a phase that opens supports, within the
process's limit per person.

Every support and unsupport locks the PROCESS row first, then checks the phase, the limit and the person's
existing support, then writes the support and the proposal's count (with F()) in the same transaction. Two
requests at once therefore take turns (PostgreSQL), and so does a change of phase (`activate_phase` and
`update_phase` lock the process too): a support is counted either before the change or refused after it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext

from legami.core.audit import record_event
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.participation.capabilities import TAKE_PART
from legami.participation.models import Process, Proposal, ProposalStatus, Support
from legami.participation.selectors.processes import open_phase
from legami.participation.services.processes import PROCESS_WORKFLOW

# Proposals nobody may support any more (nor take a support back from).
CLOSED_STATUSES = (ProposalStatus.WITHDRAWN, ProposalStatus.REJECTED)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _locked(proposal: Proposal) -> tuple[Process, Proposal]:
    """The proposal's process under a row lock, and the proposal read again after it."""
    process = PROCESS_WORKFLOW.lock(Process(pk=proposal.process_id))
    proposal = Proposal.objects.get(pk=proposal.pk)
    return process, proposal


def _check_open(process: Process, proposal: Proposal) -> None:
    if open_phase(process, "supports_open") is None:
        raise _refuse(gettext("Supports are not open in the current phase of the process."), "supports_closed")
    if proposal.hidden_at is not None:
        raise _refuse(gettext("The moderators have hidden this proposal."), "hidden")
    if proposal.status in CLOSED_STATUSES:
        raise _refuse(
            gettext("This proposal is “%(status)s”: it can no longer be supported.")
            % {"status": proposal.get_status_display()},
            "proposal_closed",
        )


def _already() -> ValidationError:
    return _refuse(gettext("You already support this proposal."), "already_supported")


def supports_used(user: Any, process: Process) -> int:
    """How many proposals of `process` `user` supports."""
    return Support.objects.filter(user=user, proposal__process=process).count()


@transaction.atomic
def support(*, actor: Any, proposal: Proposal) -> Support:
    """Support a proposal: once per person, while the phase opens supports, within the process's limit."""
    require(actor, TAKE_PART, proposal.network)
    process, proposal = _locked(proposal)
    _check_open(process, proposal)
    if Support.objects.filter(proposal=proposal, user=actor).exists():
        raise _already()
    if process.support_limit and supports_used(actor, process) >= process.support_limit:
        raise _refuse(
            gettext("You have used all your %(limit)d supports in this process: take one back to support another.")
            % {"limit": process.support_limit},
            "support_limit",
        )
    try:
        with transaction.atomic():
            row = Support.objects.create(proposal=proposal, user=actor)
    except IntegrityError as exc:  # only without the process lock (it cannot happen through this service)
        raise _already() from exc
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        network=proposal.network_id,
        after={"proposal_id": proposal.pk},
    )
    return row


@transaction.atomic
def unsupport(*, actor: Any, proposal: Proposal) -> None:
    """Take one's support back, while the phase still opens supports."""
    require(actor, TAKE_PART, proposal.network)
    process, proposal = _locked(proposal)
    if open_phase(process, "supports_open") is None:
        raise _refuse(gettext("Supports are not open in the current phase of the process."), "supports_closed")
    row = Support.objects.filter(proposal=proposal, user=actor).first()
    if row is None:
        raise _refuse(gettext("You do not support this proposal."), "not_supported")
    before = {"proposal_id": proposal.pk}
    pk = row.pk
    row.delete()
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") - 1)
    record_event(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        object_type="participation.support",
        object_id=pk,
        object_repr=str(row),
        network=proposal.network_id,
        before=before,
    )
