"""Reads of the network's audit trail, and its before/after changes made readable."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from legami.core.audit_chain import Problem
from legami.core.capabilities import VIEW_AUDIT as VIEW
from legami.core.models import AuditEvent, Job
from legami.core.permissions import can
from legami.core.roles import Role
from legami.network.models import Network

# The kind of the Job that verifies a network's audit chain in the background (a big chain takes minutes).
VERIFY_JOB_KIND = "audit_verification"
# A verification job still queued or running after this long was lost (a worker stopped): it no longer holds
# back a new one.
PENDING_FOR_AT_MOST = datetime.timedelta(hours=6)


class VerifyError(models.TextChoices):
    """Why a verification job did not finish: stored as its code, read in the viewer's language."""

    NOT_QUEUED = "not_queued", _("It could not be queued. Try again later.")
    REFUSED = "refused", _("Whoever asked for it may no longer verify this log.")
    STOPPED = "stopped", _("It stopped because of an unexpected error.")


# Bookkeeping columns that change on every save and would only add noise to the list of changes.
HIDDEN_FIELDS = frozenset({"created_at", "updated_at"})


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events_for(
    viewer: Any,
    network: Network,
    *,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    actor_email: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    data_class: str = "",
) -> QuerySet[AuditEvent]:
    """The network's audit events, newest first, for viewers who may read the audit log."""
    if not can(viewer, VIEW, network):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.filter(network=network)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    actor_email = (actor_email or "").strip()
    if actor_email:
        qs = qs.filter(actor_label__icontains=actor_email)
    # Whole days in the local time zone, as the viewer reads them; half-open so the index is used.
    if date_from:
        qs = qs.filter(created_at__gte=_start_of_day(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_start_of_day(date_to + datetime.timedelta(days=1)))
    if data_class:
        qs = qs.filter(data_class=data_class)
    return qs.order_by("-created_at", "-id")


def latest_audit_events(viewer: Any, network: Network, limit: int = 10) -> list[AuditEvent]:
    """The most recent events (for the dashboard), empty for viewers without the audit capability."""
    return describe_events(list(audit_events_for(viewer, network)[:limit]))


def _choice_label(object_type: str) -> str:
    label = object_type_label(object_type)
    return capfirst(label) if label != object_type else object_type


def audit_object_types(viewer: Any, network: Network) -> list[tuple[str, str]]:
    """The object types present in the network's audit log, with their readable names (the filter's choices)."""
    if not can(viewer, VIEW, network):
        return []
    types = AuditEvent.objects.filter(network=network).order_by("object_type").values_list("object_type", flat=True)
    choices = [(object_type, _choice_label(object_type)) for object_type in types.distinct()]
    return sorted(choices, key=lambda choice: (choice[1].casefold(), choice[0]))


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: Any
    new: Any


def _model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """The model's verbose name for an audit object type ("network.person" -> "person"), else the raw type."""
    model = _model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _fields_by_attname(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:
        return {}
    return {field.attname: field for field in model._meta.concrete_fields}


# A datetime as snapshot() stores it (isoformat); only whole ISO values are turned back into dates.
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _as_datetime(value: str) -> datetime.datetime | None:
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return timezone.localtime(parsed)


def _choices_of(field: models.Field | None) -> dict:
    if field is None:
        return {}
    if field.choices:
        return dict(field.flatchoices)
    # Invitations store a bare role code, without choices on the field.
    if field.name == "role":
        return dict(Role.choices)
    return {}


def _readable(value: Any, field: models.Field | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    choices = _choices_of(field)
    if choices:
        # A stored code ("community_worker") reads as its label ("Community worker").
        return str(choices.get(value, value))
    if isinstance(value, str):
        if isinstance(field, models.DateTimeField) or (field is None and _ISO_DATETIME.match(value)):
            moment = _as_datetime(value)
            if moment is not None:
                return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        elif isinstance(field, models.DateField):
            try:
                day = parse_date(value)
            except ValueError:
                day = None
            if day is not None:
                return formats.date_format(day, "SHORT_DATE_FORMAT")
    return str(value)


def audit_changes(event: AuditEvent) -> list[Change]:
    """The event's before/after as labelled field changes in the model's order (absent side shown as a dash)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    fields = _fields_by_attname(_model_of(event.object_type))
    order = {attname: position for position, attname in enumerate(fields)}
    keys = sorted(set(before) | set(after), key=lambda k: (order.get(k, len(order)), k))
    changes = []
    for key in keys:
        if key in HIDDEN_FIELDS:
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        field = fields.get(key)
        label = capfirst(str(field.verbose_name)) if field is not None else key
        changes.append(Change(field=key, label=label, old=_readable(old, field), new=_readable(new, field)))
    return changes


def describe_events(events: list[AuditEvent], *, changes: bool = False) -> list[AuditEvent]:
    """Give each event the readable name of its object type (and, with `changes`, its list of changes)."""
    for event in events:
        event.object_type_label = object_type_label(event.object_type)  # type: ignore[attr-defined]
        if changes and event.action == AuditEvent.Action.VERIFY:
            # A verification's record is the outcome, said in words, not the result's keys.
            event.changes = []  # type: ignore[attr-defined]
            event.note = verification_outcome(event.after)
        elif changes:
            event.changes = audit_changes(event)  # type: ignore[attr-defined]
    return events


def verification_outcome(result: Any) -> str:
    """A recorded verification's outcome in a sentence ("" when the record holds none)."""
    if not isinstance(result, dict):
        return ""
    broken = result.get("broken") or {}
    if result.get("ok"):
        return str(_("Intact: %(checked)s events checked.") % {"checked": result.get("checked") or 0})
    problem = broken.get("problem", "")
    return str(
        _("Altered from event no. %(sequence)s: %(problem)s.")
        % {"sequence": broken.get("sequence", "?"), "problem": PROBLEMS.get(problem, problem)}
    )


PROBLEMS = {
    Problem.CONTENT_CHANGED: _("its content was changed"),
    Problem.LINK_BROKEN: _("its link to the event before it is broken"),
    Problem.MISSING: _("an event is missing"),
    Problem.INSERTED: _("an event was inserted"),
    Problem.OUT_OF_ORDER: _("the events are out of order"),
}


@dataclass(frozen=True)
class ChainState:
    """The last verification of a network's audit chain, as its page shows it."""

    when: datetime.datetime
    who: str
    ok: bool
    checked: int
    sequence: int | None = None
    event_id: int | None = None
    problem: str = ""


def last_verification(viewer: Any, network: Network) -> ChainState | None:
    """The network's last recorded verification of its audit chain (None: never verified, or not for this viewer)."""
    if not can(viewer, VIEW, network):
        return None
    event = (
        AuditEvent.objects.filter(network=network, action=AuditEvent.Action.VERIFY, object_type="core.auditchain")
        .order_by("-sequence")
        .first()
    )
    if event is None or not isinstance(event.after, dict):
        return None
    broken = event.after.get("broken") or {}
    return ChainState(
        when=event.created_at,
        who=str(_("the scheduled check")) if event.actor_label == "system" else event.actor_label,
        ok=bool(event.after.get("ok")),
        checked=int(event.after.get("checked") or 0),
        sequence=broken.get("sequence"),
        event_id=broken.get("event_id"),
        problem=str(PROBLEMS.get(broken.get("problem", ""), broken.get("problem", ""))),
    )


def pending_verification_jobs(network: Network) -> QuerySet[Job]:
    """The network's verification jobs queued or running (and not lost), newest first."""
    since = timezone.now() - PENDING_FOR_AT_MOST
    pending = (Job.Status.QUEUED, Job.Status.RUNNING)
    return Job.objects.filter(
        network=network, kind=VERIFY_JOB_KIND, status__in=pending, created_at__gte=since
    ).order_by("-created_at", "-pk")


def pending_verification(viewer: Any, network: Network) -> Job | None:
    """The verification of the network's audit chain under way (queued or running), for viewers of the log."""
    if not can(viewer, VIEW, network):
        return None
    return pending_verification_jobs(network).select_related("actor").first()


@dataclass(frozen=True)
class FailedVerification:
    """A verification job that did not finish, as the audit page tells it."""

    when: datetime.datetime
    who: str
    error: str


def failed_verification(viewer: Any, network: Network) -> FailedVerification | None:
    """The network's latest verification job if it failed (shown until the next one), for viewers of the log."""
    if not can(viewer, VIEW, network):
        return None
    job = (
        Job.objects.filter(network=network, kind=VERIFY_JOB_KIND)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if job is None or job.status != Job.Status.FAILED:
        return None
    code = (job.result or {}).get("error", "")
    error = VerifyError(code).label if code in VerifyError.values else str(code)
    return FailedVerification(when=job.created_at, who=job.actor.email if job.actor else "—", error=str(error))
