"""The audit trail: every write, and every read of case data, becomes an AuditEvent."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from legami.core.models import AuditEvent, DataClass

# Fields never copied into the audit trail (secrets, or data that must not be duplicated in clear).
REDACTED_FIELDS = frozenset({"password", "token_hash"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model | None, fields: Iterable[str] | None = None) -> dict[str, Any] | None:
    """A JSON-ready dict of the concrete fields of `obj` (foreign keys by id), for before/after."""
    if obj is None:
        return None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in REDACTED_FIELDS or getattr(field, "audit_redacted", False):
            data[field.name] = "[redacted]"
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Only the keys that changed, so that update events stay small and readable."""
    if not before or not after:
        return before, after
    changed = {k for k in after if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _network_id(obj: models.Model | None, network: Any) -> int | None:
    if network is not None:
        return getattr(network, "pk", network)
    return getattr(obj, "network_id", None) if obj is not None else None


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    network: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    data_class: str = DataClass.PUBLIC,
    note: str = "",
) -> AuditEvent:
    """Write one audit event; call it inside the service's transaction."""
    if action == AuditEvent.Action.UPDATE:
        before, after = diff(before, after)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        network_id=_network_id(obj, network),
        actor=user,
        actor_label=(getattr(user, "email", "") if user else "system")[:200],
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else getattr(obj, "pk", "") or ""),
        object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:300],
        data_class=data_class,
        before=before,
        after=after,
        note=note[:300],
    )


def record_read(*, actor: Any, obj: models.Model, purpose: str = "", network: Any = None) -> AuditEvent:
    """Record that `actor` read case data in `obj` (GDPR Art. 9 data: every read is audited)."""
    return record_event(
        actor=actor, action=AuditEvent.Action.READ, obj=obj, network=network, data_class=DataClass.CASE, note=purpose
    )


def delete_and_record(
    *, actor: Any, obj: models.Model, network: Any, before: dict | None, data_class: str = DataClass.PUBLIC
) -> None:
    """Delete `obj` and write its DELETE event; call it inside the service's transaction."""
    # The id and the label are read first: once the row is gone the instance has no pk.
    pk, label = obj.pk, str(obj)
    obj.delete()
    record_event(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        object_type=obj._meta.label_lower,
        object_id=pk,
        object_repr=label,
        network=network,
        before=before,
        data_class=data_class,
    )
