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
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from legami.core import audit_chain
from legami.core.models import AppendOnlyError, AuditChain, AuditEvent, DataClass

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
    append([event])
    return event


def record_verification(*, actor: Any, result: audit_chain.ChainResult) -> AuditEvent:
    """Write the outcome of a chain's verification into that chain (its network's, or the platform's)."""
    broken = result.broken
    return record_event(
        actor=actor,
        action=AuditEvent.Action.VERIFY,
        object_type="core.auditchain",
        object_id=result.chain,
        object_repr=result.network_label,
        network=result.network_id,
        after=result.as_dict(),
        note="ok" if broken is None else f"{broken.problem} at {broken.sequence}",
    )


def _lock_head(key: str, network_id: int | None) -> AuditChain:
    """The chain's head, locked until the transaction ends (created on the chain's first event)."""
    heads = AuditChain.objects.select_for_update()
    try:
        return heads.get(key=key)
    except AuditChain.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            AuditChain.objects.create(key=key, network_id=network_id, last_sequence=0, last_hash=audit_chain.GENESIS)
    except IntegrityError:
        pass  # another writer created it first: its row is the one to lock
    return heads.get(key=key)


def _seal(event: AuditEvent, head: AuditChain) -> None:
    event.chain = head.key
    event.sequence = head.last_sequence + 1
    event.prev_hash = head.last_hash
    if event.created_at is None:
        event.created_at = timezone.now()
    # The digests are of the values as the database will give them back.
    event.before = audit_chain.normalise_json(event.before)
    event.after = audit_chain.normalise_json(event.after)
    event.salt = audit_chain.new_salt()
    content = {name: getattr(event, name) for name in audit_chain.PERSONAL_FIELDS}
    event.content_digest = audit_chain.content_digest({"salt": event.salt, **content})
    event.entry_hash = audit_chain.entry_hash(
        {name: getattr(event, name) for name in audit_chain.VERIFIED_FIELDS if name not in ("id", "erased_at")}
    )
    head.last_sequence, head.last_hash = event.sequence, event.entry_hash


def append(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The one way events reach the audit log: each is given its chain, its sequence and its hashes, in order.

    Each chain's head is locked (select_for_update) until the caller's transaction ends, so concurrent writers
    of one network take their turns; the chains are locked in key order, the same for everyone.
    """
    events = list(events)
    if not events:
        return events
    by_chain: dict[str, list[AuditEvent]] = {}
    for event in events:
        if not event._state.adding or event.entry_hash:
            raise AppendOnlyError("An audit event is appended once.")
        by_chain.setdefault(audit_chain.chain_key(event.network_id), []).append(event)
    with transaction.atomic():
        for key in sorted(by_chain):
            chained = by_chain[key]
            head = _lock_head(key, chained[0].network_id)
            for event in chained:
                _seal(event, head)
            AuditChain.objects.filter(pk=head.pk).update(last_sequence=head.last_sequence, last_hash=head.last_hash)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
    return events


def erase_personal_data(events: Any, *, batch_size: int = 1000) -> int:
    """Blank the personal content (object label, before, after, note) of `events` (a queryset or a list) and mark
    them erased; the chain still verifies. Writes no event: the caller records why. Returns how many were erased.
    """
    ids = events.values_list("pk", flat=True) if isinstance(events, models.QuerySet) else [e.pk for e in events]
    ids = list(ids)
    erased = 0
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, len(ids), batch_size):
            # The one sanctioned change of an event: through the base manager, past AuditEventQuerySet's refusal
            # (on PostgreSQL the table's trigger lets exactly this shape through).
            erased += AuditEvent._base_manager.filter(pk__in=ids[start : start + batch_size], erased_at=None).update(
                object_repr="", before=None, after=None, note="", salt="", erased_at=now
            )
    return erased


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
