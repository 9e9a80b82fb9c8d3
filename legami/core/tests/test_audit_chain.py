"""The audit log is append-only and hash-chained per network: appends link, tampering is found and named, the ORM
refuses changes, erasure keeps the chain valid, and the migration seals the events written before it."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from legami.core import audit_chain
from legami.core.audit import append, audit_event, erase_personal_data, record_event
from legami.core.audit_chain import GENESIS, Problem, verify_chain, verify_chains
from legami.core.models import AppendOnlyError, AuditChain, AuditEvent
from legami.core.tests import audit_tools
from legami.core.tests import factories as f

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


def write(network, n=1, **kwargs):
    values = {"actor": None, "action": AuditEvent.Action.CREATE, "object_type": "test.thing", "network": network}
    values.update(kwargs)
    return [record_event(**values, object_id=str(i), object_repr=f"thing {i}") for i in range(n)]


def chain_of(network):
    return list(AuditEvent.objects.filter(chain=audit_chain.chain_key(network.pk)).order_by("sequence"))


def assert_broken(network, problem, event, sequence=None):
    result = verify_chain(network)
    assert not result.ok
    assert (result.broken.problem, result.broken.event_id) == (problem, event.pk if event is not None else None)
    assert result.broken.sequence == (sequence if sequence is not None else event.sequence)
    return result


# --- appending ----------------------------------------------------------------------------------------


def test_appends_link_each_network_into_its_own_chain(cast):
    other = cast.other_network
    write(cast.network, 2)
    write(other, 1)
    write(None, 1)
    write(cast.network, 1)
    mine = chain_of(cast.network)
    assert [e.sequence for e in mine] == [1, 2, 3]
    assert mine[0].prev_hash == GENESIS
    assert [e.prev_hash for e in mine[1:]] == [e.entry_hash for e in mine[:-1]]
    assert {e.chain for e in mine} == {f"network:{cast.network.pk}"}
    (theirs,) = chain_of(other)
    assert (theirs.sequence, theirs.prev_hash) == (1, GENESIS)
    platform = AuditEvent.objects.get(chain=audit_chain.PLATFORM_CHAIN)
    assert platform.sequence == 1 and platform.network_id is None
    head = AuditChain.objects.get(key=mine[-1].chain)
    assert (head.last_sequence, head.last_hash, head.network_id) == (3, mine[-1].entry_hash, cast.network.pk)
    results = verify_chains()
    assert [(r.chain, r.checked, r.ok) for r in results] == sorted(
        [(f"network:{cast.network.pk}", 3, True), (f"network:{other.pk}", 1, True), ("platform", 1, True)]
    )


def test_interleaved_writers_get_consecutive_sequences(cast):
    """Two services writing in turn, singly and in bulk, in nested transactions, to two networks."""
    with transaction.atomic():
        write(cast.network, 2)
        append([audit_event(actor=None, action="create", object_type="t", network=cast.network) for _ in range(3)])
        with transaction.atomic():
            write(cast.other_network, 1)
            write(cast.network, 1)
        mixed = [
            audit_event(actor=None, action="create", object_type="t", network=net)
            for net in (cast.other_network, cast.network, cast.other_network, None)
        ]
        append(mixed)
    assert [e.sequence for e in chain_of(cast.network)] == [1, 2, 3, 4, 5, 6, 7]
    assert [e.sequence for e in chain_of(cast.other_network)] == [1, 2, 3]
    assert audit_tools.assert_chains_ok() == 11  # seven, three and one on the platform chain


def test_a_rolled_back_append_leaves_the_chain_as_it_was(cast):
    write(cast.network, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        write(cast.network, 3)
        raise RuntimeError
    write(cast.network, 1)
    assert [e.sequence for e in chain_of(cast.network)] == [1, 2, 3]
    assert verify_chain(cast.network).ok


def test_the_hash_survives_the_json_round_trip(cast):
    """Tuples, integer keys, floats and non-ASCII text hash as the database gives them back."""
    event = record_event(
        actor=cast.coordinator,
        action="update",
        obj=cast.organization,
        before={"a": (1, 2), 3: 0.1, "città": "Crema"},
        after={"a": [1], 3: 1.5, "città": "Cremona"},
    )
    event.refresh_from_db()
    assert verify_chain(cast.network).ok


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_take_their_turns():
    network = f.NetworkFactory()
    errors = []

    def writer(n):
        try:
            for _ in range(n):
                with transaction.atomic():
                    write(network, 2)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(5,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [e.sequence for e in chain_of(network)] == list(range(1, 41))
    assert verify_chain(network).ok


# --- tampering by raw SQL -----------------------------------------------------------------------------


def test_a_changed_field_is_named(cast):
    events = write(cast.network, 4)
    audit_tools.tamper(events[2], object_repr="someone else")
    assert_broken(cast.network, Problem.CONTENT_CHANGED, events[2])


def test_a_changed_time_or_action_is_named(cast):
    events = write(cast.network, 3)
    audit_tools.tamper(events[1], action="read")
    assert_broken(cast.network, Problem.CONTENT_CHANGED, events[1])


def test_changed_json_content_is_named(cast):
    events = write(cast.network, 2, after={"role": "citizen"})
    audit_tools.tamper(events[0], after='{"role": "coordinator"}')
    assert_broken(cast.network, Problem.CONTENT_CHANGED, events[0])


def test_a_deleted_row_is_named_by_its_sequence(cast):
    events = write(cast.network, 4)
    audit_tools.delete_raw(events[1])
    result = assert_broken(cast.network, Problem.MISSING, None, sequence=2)
    assert f"id {events[2].pk}" in result.broken.detail


def test_deleting_the_last_rows_is_seen_against_the_head(cast):
    events = write(cast.network, 4)
    audit_tools.delete_raw(events[3])
    assert_broken(cast.network, Problem.MISSING, None, sequence=4)


def test_a_deleted_row_with_the_rest_renumbered_breaks_the_link(cast):
    events = write(cast.network, 4)
    audit_tools.delete_raw(events[1])
    audit_tools.tamper(events[2], sequence=2)
    audit_tools.tamper(events[3], sequence=3)
    with audit_tools.triggers_off() as cursor:
        cursor.execute("UPDATE core_auditchain SET last_sequence = 3 WHERE key = %s", [events[0].chain])
    assert_broken(cast.network, Problem.LINK_BROKEN, events[2], sequence=2)


def test_a_well_forged_row_slipped_in_is_named(cast):
    events = write(cast.network, 4)
    forged = audit_tools.insert_forged(events[1], well_sealed=True)
    result = verify_chain(cast.network)
    assert (result.broken.problem, result.broken.event_id, result.broken.sequence) == (Problem.INSERTED, forged, 3)


def test_a_crudely_forged_row_slipped_in_is_named(cast):
    events = write(cast.network, 4)
    forged = audit_tools.insert_forged(events[0], well_sealed=False)
    result = verify_chain(cast.network)
    assert (result.broken.problem, result.broken.event_id, result.broken.sequence) == (Problem.INSERTED, forged, 2)


def test_a_forged_row_added_at_the_end_is_named(cast):
    events = write(cast.network, 3)
    forged = audit_tools.insert_forged(events[2], renumber=False)
    result = verify_chain(cast.network)
    assert (result.broken.problem, result.broken.event_id, result.broken.sequence) == (Problem.INSERTED, forged, 4)


def test_a_forged_row_outside_any_chain_is_named(cast):
    events = write(cast.network, 2)
    audit_tools.tamper(events[1], chain="network:999999")
    result = verify_chains()
    broken = {r.chain: r.broken for r in result if not r.ok}
    assert broken["network:999999"].problem == Problem.INSERTED
    assert broken["network:999999"].event_id == events[1].pk


def test_two_swapped_rows_are_named(cast):
    events = write(cast.network, 5)
    audit_tools.swap_sequences(events[1], events[2])
    result = verify_chain(cast.network)
    assert (result.broken.problem, result.broken.event_id, result.broken.sequence) == (
        Problem.OUT_OF_ORDER,
        events[2].pk,
        2,
    )


def test_a_changed_link_is_named(cast):
    events = write(cast.network, 4)
    audit_tools.tamper(events[2], prev_hash="a" * 64)
    assert_broken(cast.network, Problem.LINK_BROKEN, events[2])


def test_an_untouched_chain_verifies_after_another_is_tampered(cast):
    write(cast.network, 2)
    theirs = write(cast.other_network, 2)
    audit_tools.tamper(theirs[0], note="x")
    assert verify_chain(cast.network).ok
    assert not verify_chain(cast.other_network).ok
    with pytest.raises(AssertionError, match=f"network:{cast.other_network.pk}: Break"):
        audit_tools.assert_chains_ok()


# --- the ORM refuses -----------------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_delete_events(cast):
    (event,) = write(cast.network)
    event.note = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["note"])
    with pytest.raises(AppendOnlyError):
        append([event])
    event.refresh_from_db()
    assert event.note == "" and verify_chain(cast.network).ok


def test_the_orm_refuses_events_that_skip_the_chain(cast):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.create(action="create", object_type="t", network=cast.network)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(action="create", object_type="t")])
    with pytest.raises(AppendOnlyError):
        audit_event(actor=None, action="create", object_type="t").save()
    assert not AuditEvent.objects.exists()


# --- the database refuses (PostgreSQL) ---------------------------------------------------------------


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@postgres_only
def test_the_database_refuses_raw_updates_and_deletes(cast):
    (event,) = write(cast.network)
    for sql in (
        "UPDATE core_auditevent SET note = 'x' WHERE id = %s",
        "UPDATE core_auditevent SET object_repr = '', erased_at = now() WHERE id = %s",  # erasure, half done
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(sql, [event.pk])
    with pytest.raises(DatabaseError, match="only move forward"):
        _raw("UPDATE core_auditchain SET last_sequence = 0 WHERE key = %s", [event.chain])
    with pytest.raises(DatabaseError, match="cannot be deleted"):
        _raw("DELETE FROM core_auditchain WHERE key = %s", [event.chain])
    assert verify_chain(cast.network).ok


@postgres_only
def test_deleting_a_user_or_a_network_sets_null_and_the_chain_still_verifies(cast):
    user = f.UserFactory(email="leaving@example.org")
    network = f.NetworkFactory()
    write(network, 2, actor=user)
    key = audit_chain.chain_key(network.pk)
    user.delete()
    network.delete()
    events = AuditEvent.objects.filter(chain=key)
    assert events.count() == 2 and not events.exclude(network=None, actor=None).exists()
    result = {r.chain: r for r in verify_chains()}[key]
    assert result.ok and result.checked == 2


def test_deleting_a_user_or_a_network_keeps_the_chain(cast):
    user = f.UserFactory(email="leaving@example.org")
    network = f.NetworkFactory()
    write(network, 2, actor=user)
    key = audit_chain.chain_key(network.pk)
    user.delete()
    network.delete()
    result = {r.chain: r for r in verify_chains()}[key]
    assert result.ok and result.checked == 2 and result.network_id is None


# --- erasure ---------------------------------------------------------------------------------------------


def test_erasure_removes_the_content_and_keeps_the_chain_valid(cast):
    events = write(cast.network, 4, actor=cast.coordinator, before={"name": "Maria Rossi"}, note="Maria")
    erased = erase_personal_data(AuditEvent.objects.filter(pk__in=[events[1].pk, events[2].pk]))
    assert erased == 2
    for event in events[1:3]:
        event.refresh_from_db()
        assert (event.object_repr, event.before, event.after, event.note, event.salt) == ("", None, None, "", "")
        assert event.erased_at is not None and event.actor_label == cast.coordinator.email
    result = verify_chain(cast.network)
    assert result.ok and result.checked == 4 and result.erased == 2
    assert erase_personal_data(AuditEvent.objects.filter(pk=events[1].pk)) == 0  # once only
    assert erase_personal_data([events[0]]) == 1
    assert verify_chain(cast.network).ok


def test_an_erased_event_cannot_be_given_content_again(cast):
    events = write(cast.network, 2)
    erase_personal_data(AuditEvent.objects.filter(pk=events[0].pk))
    audit_tools.tamper(events[0], note="invented")
    assert_broken(cast.network, Problem.CONTENT_CHANGED, events[0])


def test_erasure_does_not_hide_a_change_of_the_sealed_fields(cast):
    events = write(cast.network, 2)
    erase_personal_data(AuditEvent.objects.filter(pk=events[0].pk))
    audit_tools.tamper(events[0], object_id="42")
    assert_broken(cast.network, Problem.CONTENT_CHANGED, events[0])


@postgres_only
def test_the_database_lets_erasure_through(cast):
    events = write(cast.network, 2, note="Maria")
    erase_personal_data(AuditEvent.objects.filter(pk=events[0].pk))
    assert AuditEvent.objects.get(pk=events[0].pk).erased_at is not None
    with pytest.raises(DatabaseError, match="append-only"):  # and not twice, to write something else
        _raw("UPDATE core_auditevent SET erased_at = now(), note = 'x' WHERE id = %s", [events[0].pk])


# --- the command ------------------------------------------------------------------------------------------


def test_the_command_prints_one_line_per_chain_and_records_the_verification(cast):
    write(cast.network, 3)
    write(None, 1)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{cast.network.slug} (network:{cast.network.pk}): 3 events checked")
    assert lines[0].endswith(": ok")
    assert lines[1].startswith("platform: 1 events checked") and lines[1].endswith(": ok")
    assert lines[-1] == "2 audit chains verified: ok."
    recorded = AuditEvent.objects.get(action="verify", network=cast.network)
    assert recorded.after["ok"] is True and recorded.after["checked"] == 3 and recorded.actor_label == "system"
    assert verify_chain(cast.network).ok


def test_the_command_exits_1_and_names_the_first_broken_link(cast):
    events = write(cast.network, 3)
    write(cast.other_network, 1)
    audit_tools.tamper(events[1], note="x")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert str(raised.value) == "1 of 2 audit chains are broken."
    assert (
        f"{cast.network.slug} (network:{cast.network.pk}): 1 events checked" in err.getvalue()
        and f"BROKEN at sequence 2 (event id {events[1].pk}): content_changed" in err.getvalue()
    )
    assert f"{cast.other_network.slug} (network:{cast.other_network.pk}): 1 events checked" in out.getvalue()


def test_the_command_verifies_one_network(cast):
    write(cast.network, 1)
    theirs = write(cast.other_network, 1)
    audit_tools.tamper(theirs[0], note="x")
    out = StringIO()
    call_command("verify_audit", "--network", cast.network.slug, "--no-record", stdout=out)
    assert out.getvalue().splitlines() == [
        f"{cast.network.slug} (network:{cast.network.pk}): 1 events checked, "
        f"last 1 {chain_of(cast.network)[0].entry_hash[:16]}: ok",
        "1 audit chains verified: ok.",
    ]
    assert not AuditEvent.objects.filter(action="verify").exists()
    with pytest.raises(CommandError, match="No network with the slug 'nessuna'"):
        call_command("verify_audit", "--network", "nessuna")


# --- the migration ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_and_forth_and_seals_existing_events():
    network = f.NetworkFactory()
    write(network, 2)
    write(None, 1)
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0005_used_form_stamp")])
    old = executor.loader.project_state(("core", "0005_used_form_stamp")).apps
    # An event written before the upgrade, with no chain.
    old.get_model("core", "AuditEvent").objects.create(
        network_id=network.pk, actor_label="system", action="create", object_type="t", before={"k": [1, "è"]}
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    results = {r.chain: r for r in verify_chains()}
    assert results[audit_chain.chain_key(network.pk)].ok and results[audit_chain.chain_key(network.pk)].checked == 3
    assert results["platform"].ok and results["platform"].checked == 1
    write(network, 1)
    assert [e.sequence for e in chain_of(network)] == [1, 2, 3, 4]
    assert verify_chain(network).ok


def test_the_command_counts_erased_events(cast):
    events = write(cast.network, 3)
    erase_personal_data(AuditEvent.objects.filter(pk=events[0].pk))
    out = StringIO()
    call_command("verify_audit", "--network", cast.network.slug, "--no-record", stdout=out)
    assert "3 events checked (1 with personal data erased), last 3 " in out.getvalue()
