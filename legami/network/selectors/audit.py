"""Reads of the network's audit trail, and its before/after changes made readable."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.models import AuditEvent
from legami.core.permissions import can
from legami.network.models import Network

VIEW = "core.view_audit"

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
    return list(audit_events_for(viewer, network)[:limit])


def audit_object_types(viewer: Any, network: Network) -> list[str]:
    """The object types present in the network's audit log (the choices of the filter)."""
    if not can(viewer, VIEW, network):
        return []
    return list(
        AuditEvent.objects.filter(network=network)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


def _readable(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_changes(event: AuditEvent) -> list[Change]:
    """The event's before/after as a sorted list of field changes (absent side shown as a dash)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    changes = []
    for key in sorted(set(before) | set(after)):
        if key in HIDDEN_FIELDS:
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        changes.append(Change(field=key, old=_readable(old), new=_readable(new)))
    return changes
