"""Re-encryption of every encrypted field with the newest key of LEGAMI_FIELD_KEYS (`manage.py rotate_field_keys`).

The new key goes first in LEGAMI_FIELD_KEYS and the old ones stay after it, so that every row stays readable while
the rotation runs: the site keeps working, and writes made meanwhile already use the new key. Rows are rewritten
in batches, each batch its own transaction; a row is rewritten only where its stored value is still the one that
was read (no concurrent edit is lost), and a value already under the new key is left alone, so that a rotation
stopped half-way is resumed by running it again. Once it has run, the old keys can be dropped.

Private files (signed pacts, receipts: legami.core.storage) are re-encrypted too, each replaced in one rename.

Audit events hold no encrypted values (an encrypted field shows as "[redacted]" in them, legami.core.audit), so
the audit log needs no rotation and none of its rows is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from legami.core.audit import record_event
from legami.core.fields import EncryptedTextField, cipher
from legami.core.models import AuditEvent, DataClass


@dataclass
class ModelRotation:
    """What a rotation did (or, in a dry run, would do) to one model's rows."""

    label: str
    rows: int = 0  # rows with at least one encrypted value
    rewritten: int = 0  # rows re-encrypted with the new key
    current: int = 0  # rows already under the new key
    skipped: int = 0  # rows edited by someone else between read and write (already under the new key then)


class UnreadableValue(Exception):
    """A stored value that no key in LEGAMI_FIELD_KEYS decrypts."""


def encrypted_fields() -> dict[type[models.Model], list[EncryptedTextField]]:
    """Every concrete model with encrypted fields, and those fields, found through the field class."""
    found: dict[type[models.Model], list[EncryptedTextField]] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found[model] = fields
    return found


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _rotate_batch(
    model: type[models.Model],
    fields: list[EncryptedTextField],
    after: Any,
    batch_size: int,
    primary: Fernet,
    dry_run: bool,
    result: ModelRotation,
) -> Any:
    """Rotate the next batch of rows after primary key `after`; return the last key seen, or None at the end."""
    table, pk = _quote(model._meta.db_table), _quote(str(model._meta.pk.column))
    columns = ", ".join(_quote(str(f.column)) for f in fields)
    where = "" if after is None else f"WHERE {pk} > %s "
    # Names come from the models' own metadata, quoted by the database backend; values are parameters.
    select = f"SELECT {pk}, {columns} FROM {table} {where}ORDER BY {pk} LIMIT %s"  # noqa: S608
    multi = cipher()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(select, [*([] if after is None else [after]), batch_size])
            rows = cursor.fetchall()
            for row in rows:
                changes: dict[str, tuple[str, str]] = {}
                for field, value in zip(fields, row[1:], strict=True):
                    if not value:
                        continue
                    try:
                        primary.decrypt(value.encode())
                        continue  # already under the new key
                    except InvalidToken:
                        pass
                    try:
                        changes[str(field.column)] = (value, multi.rotate(value.encode()).decode())
                    except InvalidToken as exc:
                        raise UnreadableValue(f"{model._meta.label} {row[0]} {field.name}") from exc
                if any(row[1:]):
                    result.rows += 1
                if not changes:
                    if any(row[1:]):
                        result.current += 1
                    continue
                if dry_run:
                    result.rewritten += 1
                    continue
                sets = ", ".join(f"{_quote(c)} = %s" for c in changes)
                guard = " AND ".join(f"{_quote(c)} = %s" for c in changes)
                cursor.execute(
                    f"UPDATE {table} SET {sets} WHERE {pk} = %s AND {guard}",  # noqa: S608 — names as above
                    [new for _old, new in changes.values()] + [row[0]] + [old for old, _new in changes.values()],
                )
                if cursor.rowcount == 1:
                    result.rewritten += 1
                else:
                    result.skipped += 1
    return rows[-1][0] if len(rows) == batch_size else None


def _rotate_private_files(primary: Fernet, dry_run: bool) -> ModelRotation:
    """Re-encrypt the private files with the new key (see legami.core.storage)."""
    from legami.core.storage import private_storage

    storage = private_storage()
    result = ModelRotation(label="private files")
    for name in storage.names():
        result.rows += 1
        try:
            rotated = storage.rotate(name, primary, dry_run=dry_run)
        except InvalidToken as exc:
            raise UnreadableValue(f"private file {name}") from exc
        if rotated:
            result.rewritten += 1
        else:
            result.current += 1
    return result


def rotate_field_keys(
    *, batch_size: int = 500, dry_run: bool = False, progress: Callable[[ModelRotation], None] | None = None
) -> list[ModelRotation]:
    """Re-encrypt every encrypted value of every model with the first key of LEGAMI_FIELD_KEYS, in batches
    (each its own transaction), and write one audit event with the counts; a dry run only counts."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    primary = Fernet(settings.LEGAMI_FIELD_KEYS[0].encode())
    results = []
    for model, fields in sorted(encrypted_fields().items(), key=lambda item: item[0]._meta.label):
        result = ModelRotation(label=model._meta.label)
        after: Any = None
        while True:
            after = _rotate_batch(model, fields, after, batch_size, primary, dry_run, result)
            if after is None:
                break
        results.append(result)
        if progress is not None:
            progress(result)
    files = _rotate_private_files(primary, dry_run)
    results.append(files)
    if progress is not None:
        progress(files)
    if not dry_run:
        counts = {r.label: {"rows": r.rows, "rewritten": r.rewritten, "current": r.current} for r in results}
        with transaction.atomic():
            record_event(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                object_type="core.field_keys",
                object_repr="LEGAMI_FIELD_KEYS",
                data_class=DataClass.PUBLIC,
                after={"rotated": counts, "keys": len(settings.LEGAMI_FIELD_KEYS)},
                note=(
                    f"rotate_field_keys: {sum(r.rewritten for r in results)} rows re-encrypted with the new key, "
                    f"{sum(r.current for r in results)} already under it"
                ),
            )
    return results
