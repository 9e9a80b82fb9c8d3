"""Helpers for tests that tamper with the audit log as someone with database access would (raw SQL, past the ORM's
refusals and, on PostgreSQL, with the append-only triggers switched off for the statement)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import connection

from legami.core import audit_chain
from legami.core.models import AuditChain, AuditEvent

TABLE = AuditEvent._meta.db_table
HEADS = AuditChain._meta.db_table


@contextlib.contextmanager
def triggers_off() -> Iterator[Any]:
    """A cursor with the audit tables' triggers disabled (PostgreSQL; SQLite has none)."""
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        # A superuser's switch (the test database's owner is one): no trigger fires, as for a restore.
        if postgres:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute("SET session_replication_role = origin")


def tamper(event: AuditEvent, **values: Any) -> None:
    """Change columns of `event` in the database by raw SQL (JSON columns take a JSON string)."""
    columns = ", ".join(f"{name} = %s" for name in values)
    with triggers_off() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {columns} WHERE id = %s", [*values.values(), event.pk])  # noqa: S608


def delete_raw(event: AuditEvent) -> None:
    """Remove `event` from the database by raw SQL."""
    with triggers_off() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])  # noqa: S608


def swap_sequences(first: AuditEvent, second: AuditEvent) -> None:
    """Swap the places of two events of a chain (their sequence numbers)."""
    with triggers_off() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET sequence = 0 WHERE id = %s", [first.pk])  # noqa: S608
        cursor.execute(f"UPDATE {TABLE} SET sequence = %s WHERE id = %s", [first.sequence, second.pk])  # noqa: S608
        cursor.execute(f"UPDATE {TABLE} SET sequence = %s WHERE id = %s", [second.sequence, first.pk])  # noqa: S608


def insert_forged(after: AuditEvent, *, well_sealed: bool = True, renumber: bool = True, note: str = "forged") -> int:
    """Slip a forged event into `after`'s chain just after it, by raw SQL; returns its id.

    `well_sealed`: the forger computed its digests and linked it to `after` with this code (else the hashes are
    junk). `renumber`: the events after it move one place on (else it takes the sequence after the chain's last).
    """
    chain = after.chain
    with triggers_off() as cursor:
        if renumber:
            # Two steps, so that the unique (chain, sequence) never sees two equal values.
            cursor.execute(
                f"UPDATE {TABLE} SET sequence = sequence + 1000000 WHERE chain = %s AND sequence > %s",  # noqa: S608
                [chain, after.sequence],
            )
            cursor.execute(
                f"UPDATE {TABLE} SET sequence = sequence - 999999 WHERE chain = %s AND sequence > %s",  # noqa: S608
                [chain, after.sequence],
            )
            sequence = after.sequence + 1
        else:
            cursor.execute(f"SELECT MAX(sequence) FROM {TABLE} WHERE chain = %s", [chain])  # noqa: S608
            sequence = cursor.fetchone()[0] + 1
    forged = AuditEvent(
        network_id=after.network_id,
        actor_label="forger@example.org",
        action=AuditEvent.Action.DELETE,
        object_type="network.person",
        object_id="1",
        object_repr="Someone",
        note=note,
        chain=chain,
        sequence=sequence,
        salt=audit_chain.new_salt(),
        prev_hash=after.entry_hash if well_sealed else "f" * 64,
    )
    content = {"salt": forged.salt, **{name: getattr(forged, name) for name in audit_chain.PERSONAL_FIELDS}}
    forged.content_digest = audit_chain.content_digest(content) if well_sealed else "e" * 64
    fields = {name: getattr(forged, name) for name in audit_chain.VERIFIED_FIELDS if name not in ("id", "erased_at")}
    forged.entry_hash = audit_chain.entry_hash(fields) if well_sealed else "d" * 64
    with triggers_off():
        forged.save(force_insert=True)
    return forged.pk


def wipe_audit_log() -> None:
    """Empty the audit log and its chains (for tests that start over, as the demo's)."""
    with triggers_off() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(f"DELETE FROM {HEADS}")  # noqa: S608


def assert_chains_ok() -> int:
    """Fail with the first broken link of any chain; returns how many events the chains hold (for restores)."""
    results = audit_chain.verify_chains()
    broken = [f"{r.chain}: {r.broken}" for r in results if not r.ok]
    assert not broken, "Broken audit chains:\n" + "\n".join(broken)
    return sum(r.checked for r in results)
