"""The audit trail: every write, and every read of case data, becomes an AuditEvent."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Required, TypedDict, Unpack

from django.conf import settings
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
            data[field.name] = _fingerprint(getattr(obj, field.attname))
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


REDACTED = "[redacted]"
CHANGED = "[redacted: changed]"
_FINGERPRINT = "[redacted:"


def _fingerprint(value: Any) -> str:
    """What a snapshot keeps of a secret or encrypted field: a keyed digest, only so that a change is seen.

    It never reaches the audit log: `_settle` writes "[redacted]" and, where the value changed,
    "[redacted: changed]".
    """
    if value in (None, ""):
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), str(value).encode(), hashlib.sha256).hexdigest()[:16]
    return f"{_FINGERPRINT}{digest}]"


def _settle(data: dict | None, *, changed: bool = False) -> dict | None:
    if not data:
        return data
    marker = CHANGED if changed else REDACTED
    return {k: marker if isinstance(v, str) and v.startswith(_FINGERPRINT) else v for k, v in data.items()}


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Only the keys that changed, so that update events stay small and readable; a secret or encrypted field
    that changed shows as "[redacted]" → "[redacted: changed]", never its value."""
    if not before or not after:
        return _settle(before), _settle(after)
    changed = {k for k in after if before.get(k) != after.get(k)}
    return _settle({k: before.get(k) for k in changed}), _settle({k: after[k] for k in changed}, changed=True)


def _network_id(obj: models.Model | None, network: Any) -> int | None:
    if network is not None:
        return getattr(network, "pk", network)
    return getattr(obj, "network_id", None) if obj is not None else None


class AuditFields(TypedDict, total=False):
    """What an audit event says: who did what to which object, and the object before and after."""

    actor: Required[Any]
    action: Required[str]
    obj: models.Model | None
    object_type: str | None
    object_id: Any
    object_repr: str | None
    network: Any
    before: dict | None
    after: dict | None
    data_class: str
    note: str


def audit_event(**fields: Unpack[AuditFields]) -> AuditEvent:
    """One audit event, not saved yet (for writes that save many at once with bulk_create)."""
    actor, action, obj = fields["actor"], fields["action"], fields.get("obj")
    before, after = fields.get("before"), fields.get("after")
    if action == AuditEvent.Action.UPDATE:
        before, after = diff(before, after)
    else:
        before, after = _settle(before), _settle(after)
    user = actor if getattr(actor, "is_authenticated", False) else None
    object_id = fields.get("object_id")
    object_repr = fields.get("object_repr")
    return AuditEvent(
        network_id=_network_id(obj, fields.get("network")),
        actor=user,
        actor_label=(getattr(user, "email", "") if user else "system")[:200],
        action=action,
        object_type=fields.get("object_type") or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else getattr(obj, "pk", "") or ""),
        object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:300],
        data_class=fields.get("data_class", DataClass.PUBLIC),
        before=before,
        after=after,
        note=fields.get("note", "")[:300],
    )


def record_event(**fields: Unpack[AuditFields]) -> AuditEvent:
    """Write one audit event (see AuditFields); call it inside the service's transaction."""
    event = audit_event(**fields)
    event.save(force_insert=True)
    return event


def record_read(*, actor: Any, obj: models.Model, purpose: str = "", network: Any = None) -> AuditEvent:
    """Record that `actor` read case data in `obj` (GDPR Art. 9 data: every read is audited)."""
    return record_event(
        actor=actor, action=AuditEvent.Action.READ, obj=obj, network=network, data_class=DataClass.CASE, note=purpose
    )


def change_and_record(
    *,
    actor: Any,
    obj: models.Model,
    values: dict[str, Any],
    data_class: str = DataClass.PUBLIC,
    save: Callable[[Any], None] | None = None,
) -> bool:
    """Set `values` on `obj`; if that changed anything, save it (with `save(obj)` when given) and write its
    UPDATE event with the before and after. Returns whether it changed. Call it inside the service's transaction."""
    before = snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    after = snapshot(obj)
    if after == before:
        return False
    if save is not None:
        save(obj)
    else:
        obj.save()
    record_event(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=obj, before=before, after=after, data_class=data_class
    )
    return True


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


def record_admin_change(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """Copy a write of the admin site (Django's LogEntry) into the audit log: who, what, which object, and the
    admin's description of the change (the fields changed, not their values)."""
    if not created:
        return
    from django.contrib.admin.models import ADDITION, DELETION

    action = {ADDITION: AuditEvent.Action.CREATE, DELETION: AuditEvent.Action.DELETE}.get(
        instance.action_flag, AuditEvent.Action.UPDATE
    )
    content_type = instance.content_type
    record_event(
        actor=instance.user,
        action=action,
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "admin",
        object_id=instance.object_id or "",
        object_repr=(instance.object_repr or "")[:200],
        data_class=DataClass.PERSONAL,
        note=f"admin: {instance.get_change_message()}"[:300],
    )


def erase_personal_data(events: models.QuerySet[AuditEvent]) -> int:
    """Blank what `events` say about their object (its label, the before and after), keeping who did what and when;
    returns how many events were changed. Used when a person is anonymised."""
    return events.update(object_repr="", before=None, after=None)
