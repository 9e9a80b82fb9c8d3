"""Encrypted backups: a backup restores into an empty database with every row, its encrypted values and its audit
trail; a bad file, a missing or wrong key, a non-empty database or another engine's backup are refused, writing
nothing. Runs on the engine of the test database (SQLite or PostgreSQL: CI runs both)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from legami.core import backup as bk
from legami.core.audit import record_event
from legami.core.fields import EncryptedTextField, cipher
from legami.core.models import AuditEvent, DataClass
from legami.core.tests import factories as f
from legami.needs.tests.factories import NeedFactory

KEY, OTHER_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()
ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _backup_key(settings):
    settings.LEGAMI_BACKUP_KEY = [KEY]


def _engine():
    return bk.engine_of(connection.settings_dict)


@pytest.fixture
def scratch(tmp_path):
    """Settings of an empty database of the test database's engine, dropped afterwards."""
    if _engine() == "sqlite":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
        return
    target = {**connection.settings_dict, "NAME": f"legami_scratch_{uuid.uuid4().hex[:12]}"}
    admin = bk._pg_connect({**target, "NAME": "postgres"})
    admin.execute(f'CREATE DATABASE "{target["NAME"]}"')
    try:
        yield target
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')
        admin.close()


def _encrypted_fields():
    for model in apps.get_models():
        fields = [fl for fl in model._meta.concrete_fields if isinstance(fl, EncryptedTextField)]
        if fields:
            yield model, fields


def _other_engine_target(tmp_path):
    if _engine() == "sqlite":
        return {**connection.settings_dict, "ENGINE": "django.db.backends.postgresql", "NAME": "legami_never_made"}
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "other.sqlite3")}


def _raw_rows(target, sql, params=()):
    if bk.engine_of(target) == "sqlite":
        with bk._closing(__import__("sqlite3").connect(target["NAME"])) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()
    with bk._pg_connect(target) as db:
        return db.execute(sql, params).fetchall()


def _counts_in(target):
    return {
        table: _raw_rows(target, f'SELECT COUNT(*) FROM "{table}"')[0][0]  # noqa: S608 — names of our tables
        for table in connection.introspection.table_names()
    }


def _source_counts():
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — names of our tables
            counts[table] = cursor.fetchone()[0]
    return counts


def _assert_nothing_written(target, before_files):
    assert bk.database_tables(target) == []
    if bk.engine_of(target) == "sqlite":
        assert sorted(Path(target["NAME"]).parent.iterdir()) == before_files


@pytest.fixture
def data(cast):
    """A network with people, needs (encrypted notes and contacts) and audit events."""
    people = [f.PersonFactory(network=cast.network, notes=f"Nota riservata {i}: diabete") for i in range(7)]
    for i in range(9):
        NeedFactory(
            network=cast.network,
            municipality=cast.municipalities[0],
            contact_name=f"Contatto {i}",
            contact_email=f"contatto{i}@example.org",
            contact_phone=f"333 00{i}",
        )
    for person in people:
        record_event(actor=cast.coordinator, action=AuditEvent.Action.CREATE, obj=person, data_class=DataClass.PERSONAL)
    return cast


def _backup(tmp_path, name="db.legami-backup", chunk_size=16 * 1024):
    """A backup in small chunks, so that the file has many records to cut and alter."""
    path = tmp_path / "backups" / name
    path.parent.mkdir(exist_ok=True)
    bk.backup(path, chunk_size=chunk_size)
    return path


def _record_offsets(path):
    """Where each record of a backup file starts (after the magic, version and key id), and the file's end."""
    raw, offsets = path.read_bytes(), []
    at = len(bk.MAGIC) + 9
    while at < len(raw):
        offsets.append(at)
        at += 4 + int.from_bytes(raw[at : at + 4], "big")
    return offsets, len(raw)


def _database_url(target):
    if bk.engine_of(target) == "sqlite":
        return f"sqlite:///{target['NAME']}"
    host, port = target.get("HOST") or "127.0.0.1", target.get("PORT") or 5432
    return f"postgres://{target.get('USER') or 'postgres'}@{host}:{port}/{target['NAME']}"


def test_a_backup_restores_every_row_encrypted_value_and_the_audit_trail(data, tmp_path, scratch):
    path = _backup(tmp_path)
    info = bk.restore(path, target=scratch)

    assert info.engine == _engine() and info.chunks > 1
    source = _source_counts()
    assert source["network_person"] >= 7 and source["core_auditevent"] >= 7
    assert _counts_in(scratch) == source
    # Encrypted values are restored as stored: the same keys decrypt them to the same text.
    checked = 0
    for model, fields in _encrypted_fields():
        expected = {obj.pk: [getattr(obj, field.attname) for field in fields] for obj in model._default_manager.all()}
        columns = ", ".join(f'"{field.column}"' for field in fields)
        for pk, *stored in _raw_rows(scratch, f'SELECT "id", {columns} FROM "{model._meta.db_table}"'):  # noqa: S608
            assert [cipher().decrypt(v.encode()).decode() if v else v for v in stored] == expected[pk]
            checked += 1
    assert checked >= 16
    assert all(v.startswith("gAAAA") for (v,) in _raw_rows(scratch, 'SELECT "notes" FROM "network_person"') if v)
    # The audit trail came back whole, its chain intact.
    assert _raw_rows(scratch, 'SELECT COUNT(*) FROM "core_auditevent"')[0][0] == AuditEvent.objects.count()
    env = {**os.environ, "DATABASE_URL": _database_url(scratch)}
    run = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_check_reads_the_whole_file_and_writes_nothing(data, tmp_path, capsys):
    path = _backup(tmp_path)
    before = _source_counts()
    call_command("restore", str(path), check=True)
    assert "complete and intact" in capsys.readouterr().out
    assert _source_counts() == before
    info = bk.check(path)
    assert info.size > 0 and info.chunks > 1 and info.header["migrations"]


def test_the_backup_command_writes_a_file_only_the_key_opens(data, tmp_path, capsys):
    output = tmp_path / "nightly.legami-backup"
    call_command("backup", output=str(output))
    assert "written to" in capsys.readouterr().out
    raw = output.read_bytes()
    assert raw.startswith(bk.MAGIC)
    assert b"diabete" not in raw and b"Contatto" not in raw
    assert oct(output.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_no_key_refuses_to_back_up_or_restore(data, tmp_path, scratch, settings):
    path = _backup(tmp_path)
    before = sorted(tmp_path.iterdir())
    settings.LEGAMI_BACKUP_KEY = []
    with pytest.raises(CommandError, match="LEGAMI_BACKUP_KEY is not set"):
        call_command("backup", output=str(tmp_path / "new.legami-backup"))
    with pytest.raises(bk.BackupError, match="LEGAMI_BACKUP_KEY is not set"):
        bk.restore(path, target=scratch)
    with pytest.raises(CommandError, match="LEGAMI_BACKUP_KEY is not set"):
        call_command("restore", str(path), check=True)
    _assert_nothing_written(scratch, before)


def test_a_wrong_key_is_named_and_nothing_is_restored(data, tmp_path, scratch, settings):
    path = _backup(tmp_path)
    before = sorted(tmp_path.iterdir())
    settings.LEGAMI_BACKUP_KEY = [OTHER_KEY]
    with pytest.raises(bk.BackupError, match="Wrong key"):
        bk.restore(path, target=scratch)
    _assert_nothing_written(scratch, before)
    # The old key after the new one still opens old backups; new ones are written with the new key.
    settings.LEGAMI_BACKUP_KEY = [OTHER_KEY, KEY]
    assert bk.check(path).engine == _engine()


def test_a_truncated_file_is_refused_and_nothing_is_restored(data, tmp_path, scratch):
    path = _backup(tmp_path)
    offsets, end = _record_offsets(path)
    raw = path.read_bytes()
    # Cut mid-header, mid-record, and exactly before the end record: the dump itself is then whole, and the
    # database must still never receive its last chunk.
    for cut in (10, offsets[len(offsets) // 2] + 7, offsets[-1]):
        path.write_bytes(raw[:cut])
        before = sorted(tmp_path.iterdir())
        with pytest.raises(bk.BackupError, match="truncated"):
            bk.check(path)
        with pytest.raises(bk.BackupError, match="truncated"):
            bk.restore(path, target=scratch)
        _assert_nothing_written(scratch, before)


def test_a_tampered_file_is_refused_and_nothing_is_restored(data, tmp_path, scratch):
    path = _backup(tmp_path)
    offsets, end = _record_offsets(path)
    raw = path.read_bytes()
    flipped = bytearray(raw)
    flipped[offsets[-2] + 40] ^= 0x01  # a bit of the last data record
    swapped = raw[: offsets[2]] + raw[offsets[3] : offsets[4]] + raw[offsets[2] : offsets[3]] + raw[offsets[4] :]
    dropped = raw[: offsets[2]] + raw[offsets[3] :]
    for bad, reason in (
        (bytes(flipped), "does not decrypt"),
        (swapped, "out of place"),
        (dropped, "out of place"),
        (raw + b"more", "after the end record"),
    ):
        path.write_bytes(bad)
        before = sorted(tmp_path.iterdir())
        with pytest.raises(bk.BackupError, match="altered or damaged") as refused:
            bk.restore(path, target=scratch)
        assert reason in str(refused.value)
        _assert_nothing_written(scratch, before)


def test_another_file_is_not_a_backup(tmp_path, scratch):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"just some text")
    with pytest.raises(bk.BackupError, match="not a legami backup"):
        bk.restore(path, target=scratch)
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore", str(tmp_path / "missing.legami-backup"), check=True)


def test_a_non_empty_database_is_refused_and_left_as_it_was(data, tmp_path):
    path = _backup(tmp_path)
    before = _source_counts()
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(path))  # the configured database: the test database, full
    assert _source_counts() == before


def test_another_engines_backup_is_refused(data, tmp_path):
    path = _backup(tmp_path)
    target = _other_engine_target(tmp_path)
    before = sorted(tmp_path.iterdir())
    with pytest.raises(bk.BackupError, match="This is a backup of a .* database; the database to restore into is"):
        bk.restore(path, target=target)
    assert sorted(tmp_path.iterdir()) == before


def test_a_backup_that_fails_half_way_leaves_no_file(data, tmp_path, monkeypatch):
    written = []
    real = bk._Writer.data

    def fail_on_the_third_chunk(self, chunk, compress):
        if len(written) == 2:
            raise OSError("No space left on device")
        written.append(1)
        return real(self, chunk, compress)

    monkeypatch.setattr(bk._Writer, "data", fail_on_the_third_chunk)
    with pytest.raises(OSError, match="No space left"):
        bk.backup(tmp_path / "nightly.legami-backup", chunk_size=16 * 1024)
    assert list(tmp_path.iterdir()) == []


def test_a_backup_into_a_missing_folder_is_refused(data, tmp_path):
    with pytest.raises(CommandError, match="No folder .*missing to write the backup in"):
        call_command("backup", output=str(tmp_path / "missing" / "nightly.legami-backup"))


@pytest.mark.django_db(transaction=False)
def test_a_backup_inside_a_transaction_is_refused(tmp_path):
    """SQLite's backup would wait for ever on the transaction's lock, and pg_dump would miss its writes."""
    with pytest.raises(bk.BackupError, match="inside a database transaction"):
        bk.backup(tmp_path / "nightly.legami-backup")
    assert list(tmp_path.iterdir()) == []


def test_the_commands_read_the_key_from_the_environment_and_restore_the_configured_database(data, tmp_path, scratch):
    path = _backup(tmp_path)
    env = {**os.environ, "LEGAMI_DEBUG": "1", "DATABASE_URL": _database_url(scratch), "LEGAMI_BACKUP_KEY": ""}
    manage = [sys.executable, "manage.py", "restore", str(path)]

    refused = subprocess.run([*manage, "--check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and "LEGAMI_BACKUP_KEY non è impostata" in refused.stderr  # in Italian

    env["LEGAMI_BACKUP_KEY"] = f"{Fernet.generate_key().decode()}, {KEY}"  # a newer key first, as after a change
    restored = subprocess.run(manage, cwd=ROOT, env=env, capture_output=True, text=True)
    assert restored.returncode == 0, restored.stderr
    assert "Ripristinata" in restored.stdout
    assert _counts_in(scratch) == _source_counts()
