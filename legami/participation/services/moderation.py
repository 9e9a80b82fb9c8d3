"""Writes of moderation: participants report a proposal or a comment; moderators resolve the reports.

A report is resolved when its target is hidden (`proposals.hide_proposal`, `comments.hide_comment` resolve
the target's open reports) or when a moderator judges the target fine (`resolve_report`). A report's details
are for the moderators only: they never enter the audit log, which others read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.participation.capabilities import MODERATE, TAKE_PART
from legami.participation.models import Comment, Proposal, Report, ReportReason

REPORT_INPUTS = inputs.Rules(
    {
        "reason": inputs.Choice(
            ReportReason,
            required=True,
            messages={
                "required": _("Choose why you are reporting it."),
                "invalid_choice": _("Choose one of the reasons."),
            },
        ),
        "details": inputs.Text(max_length=max_length_of(Report, "details")),
    }
)


def _audit_report(actor: Any, report: Report, *, action: str, before: dict | None = None) -> None:
    """The audit event of a report: its reason, target and resolution, never its details (moderators' only)."""
    record_event(
        actor=actor,
        action=action,
        obj=report,
        network=report.network_id,
        before=before,
        after=_report_state(report),
    )


def _report_state(report: Report) -> dict[str, Any]:
    return {
        "reason": report.reason,
        "proposal_id": report.proposal_id,
        "comment_id": report.comment_id,
        "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
        "resolved_by_id": report.resolved_by_id,
    }


def _already_reported() -> ValidationError:
    return ValidationError(
        gettext("You have already reported this; the moderators will look at it."), code="already_reported"
    )


def _file_report(actor: Any, *, network: Any, data: dict[str, Any], **target: Any) -> Report:
    values = REPORT_INPUTS.clean(data, network=network, actor=actor)
    if Report.objects.filter(reporter=actor, **target).exists():
        raise _already_reported()
    report = Report(network=network, reporter=actor, **target, **values)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # the same person reporting twice at the same moment
        raise _already_reported() from exc
    _audit_report(actor, report, action=AuditEvent.Action.CREATE)
    return report


@transaction.atomic
def report_proposal(*, actor: Any, proposal: Proposal, data: dict[str, Any]) -> Report:
    """Report a proposal to the moderators (a reason and optional details); once per person."""
    require(actor, TAKE_PART, proposal.network)
    if proposal.hidden_at is not None:
        raise ValidationError(gettext("The moderators have already hidden this proposal."), code="hidden")
    return _file_report(actor, network=proposal.network, data=data, proposal=proposal)


@transaction.atomic
def report_comment(*, actor: Any, comment: Comment, data: dict[str, Any]) -> Report:
    """Report a comment to the moderators (a reason and optional details); once per person."""
    network = comment.proposal.network
    require(actor, TAKE_PART, network)
    if comment.hidden_at is not None:
        raise ValidationError(gettext("The moderators have already hidden this comment."), code="hidden")
    return _file_report(actor, network=network, data=data, comment=comment)


def resolve_reports(reports: QuerySet[Report], *, actor: Any) -> int:
    """Mark the open ones of `reports` resolved by `actor` now (inside the caller's transaction); how many."""
    now = timezone.now()
    found = list(reports.filter(resolved_at__isnull=True).select_for_update())
    for report in found:
        before = _report_state(report)
        report.resolved_at, report.resolved_by = now, actor
        report.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        _audit_report(actor, report, action=AuditEvent.Action.UPDATE, before=before)
    return len(found)


@transaction.atomic
def resolve_report(*, actor: Any, report: Report) -> Report:
    """Close a report whose target the moderators judged fine (it stays visible)."""
    require(actor, MODERATE, report.network)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is not None:
        raise ValidationError(gettext("This report has already been dealt with."), code="resolved")
    resolve_reports(Report.objects.filter(pk=report.pk), actor=actor)
    report.refresh_from_db()
    return report
