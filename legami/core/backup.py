"""Encrypted backups of the whole database and their restore (`manage.py backup` / `manage.py restore`).

A backup file is the database's own dump (PostgreSQL: `pg_dump -Fc`; SQLite: a copy made with SQLite's backup
API, compressed) cut into chunks of `CHUNK_SIZE` bytes, each encrypted on its own with a Fernet key from
LEGAMI_BACKUP_KEY, so that neither a backup nor a restore ever holds the whole database in memory.

    MAGIC (14 bytes) | format version (1 byte) | key id (8 bytes) | records…

Each record is a 4-byte big-endian length and a Fernet token (its bytes, not its base64). A record's plain text
is its kind (H header, D data, E end), its sequence number (8 bytes) and its payload. The header (format,
engine, when, the migrations applied) comes first; the end record counts the chunks and bytes and holds the
SHA-256 of the whole dump. A file that stops early, has a record altered, moved or added, or anything after its
end is refused. A restore hands a chunk to the database only once the next record has been verified, so that the
database never sees the whole dump of a file whose end is missing or wrong; PostgreSQL restores in one
transaction, which a failure rolls back.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import os
import sqlite3
import subprocess  # noqa: S404 — pg_dump and pg_restore, with argument lists, never a shell
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

MAGIC = b"LEGAMI-BACKUP\x00"
FORMAT_VERSION = 1
CHUNK_SIZE = 4 * 1024 * 1024
# A record is one chunk, compressed or not, encrypted: never much more than a chunk.
_MAX_RECORD = CHUNK_SIZE * 2 + 4096
_KEY_ID_LABEL = b"legami backup key id"
HEADER, DATA, END = b"H", b"D", b"E"
ENGINES = {"django.db.backends.postgresql": "postgresql", "django.db.backends.sqlite3": "sqlite"}


class BackupError(Exception):
    """A backup or a restore refused, with the reason in words; nothing was written."""


@dataclass
class BackupInfo:
    """What a backup file says of itself, once read (or written) whole."""

    engine: str
    created_at: str
    migrations: list[list[str]]
    chunks: int = 0
    size: int = 0  # bytes of the dump, before encryption
    file_size: int = 0
    header: dict[str, Any] = field(default_factory=dict)

    @property
    def engine_label(self) -> str:
        return _engine_label(self.engine)


# Keys


def _keys() -> list[str]:
    keys = list(getattr(settings, "LEGAMI_BACKUP_KEY", []) or [])
    if not keys:
        raise BackupError(
            _(
                "LEGAMI_BACKUP_KEY is not set: set it to one or more Fernet keys, separated by commas "
                "(the first encrypts, any decrypts)."
            )
        )
    return keys


def _key_id(key: str) -> bytes:
    return hmac.new(base64.urlsafe_b64decode(key.encode()), _KEY_ID_LABEL, hashlib.sha256).digest()[:8]


def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise BackupError(
            _("LEGAMI_BACKUP_KEY holds a value that is not a Fernet key (url-safe base64 of 32 bytes).")
        ) from exc


def _encryption_key() -> tuple[Fernet, bytes]:
    key = _keys()[0]
    fernet = _fernet(key)
    return fernet, _key_id(key)


def _decryption_key(key_id: bytes) -> Fernet:
    for key in _keys():
        fernet = _fernet(key)
        if hmac.compare_digest(_key_id(key), key_id):
            return fernet
    raise BackupError(
        _(
            "Wrong key: this backup was encrypted with a key that is not in LEGAMI_BACKUP_KEY. Set the key that was "
            "in use when the backup was made (it may stay after the current one)."
        )
    )


# Engines


def engine_of(settings_dict: dict[str, Any]) -> str:
    """'postgresql' or 'sqlite' for a database's settings; any other engine is refused."""
    engine = ENGINES.get(settings_dict.get("ENGINE", ""))
    if engine is None:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": settings_dict["ENGINE"]}
        )
    return engine


def _engine_label(engine: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(engine, engine)


def _pg_command(program: str, settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [program, "--no-password"]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    # The password goes by the environment, never on the command line (which every user can read in ps).
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _pg_connect(settings_dict: dict[str, Any]) -> Any:
    import psycopg

    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        params["sslmode"] = sslmode
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)


def database_tables(settings_dict: dict[str, Any]) -> list[str]:
    """The tables in the database these settings name (none for an SQLite file that does not exist yet)."""
    if engine_of(settings_dict) == "sqlite":
        path = str(settings_dict["NAME"])
        if not _is_uri(path) and not Path(path).exists():
            return []
        with _closing(sqlite3.connect(path, uri=_is_uri(path))) as db:
            rows = db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ).fetchall()
        return [r[0] for r in rows]
    with _pg_connect(settings_dict) as db:
        rows = db.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        ).fetchall()
    return [r[0] for r in rows]


class _closing:
    """sqlite3's connection as a context manager commits; this one closes."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


# Writing


class _Writer:
    def __init__(self, out: BinaryIO, fernet: Fernet, key_id: bytes) -> None:
        self.out, self.fernet, self.seq = out, fernet, 0
        self.digest, self.size, self.chunks = hashlib.sha256(), 0, 0
        out.write(MAGIC + bytes([FORMAT_VERSION]) + key_id)

    def record(self, kind: bytes, payload: bytes) -> None:
        token = self.fernet.encrypt(kind + self.seq.to_bytes(8, "big") + payload)
        raw = base64.urlsafe_b64decode(token)
        self.out.write(len(raw).to_bytes(4, "big") + raw)
        self.seq += 1

    def data(self, chunk: bytes, compress: bool) -> None:
        self.digest.update(chunk)
        self.size += len(chunk)
        self.chunks += 1
        self.record(DATA, zlib.compress(chunk, 6) if compress else chunk)

    def end(self) -> None:
        summary = {"chunks": self.chunks, "bytes": self.size, "sha256": self.digest.hexdigest()}
        self.record(END, json.dumps(summary).encode())


def _applied_migrations(alias: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[alias])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _sqlite_copy(alias: str, directory: Path) -> Path:
    """A consistent copy of the SQLite database made with SQLite's backup API (the site may keep writing)."""
    connection = connections[alias]
    connection.ensure_connection()
    handle, name = tempfile.mkstemp(prefix=".legami-backup-", suffix=".sqlite3", dir=directory)
    os.close(handle)
    path = Path(name)
    path.chmod(0o600)
    with _closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    return path


def _chunks(stream: IO[bytes], size: int) -> Iterator[bytes]:
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk


def backup(output: Path, *, using: str = "default", chunk_size: int = CHUNK_SIZE) -> BackupInfo:
    """Write an encrypted backup of the database `using` to `output` (a temporary file renamed at the end)."""
    fernet, key_id = _encryption_key()
    if connections[using].in_atomic_block:
        # SQLite's backup would wait for ever on the open transaction's lock; pg_dump would not see its writes.
        raise BackupError(_("A backup cannot be made inside a database transaction."))
    settings_dict = connections[using].settings_dict
    engine = engine_of(settings_dict)
    output = Path(output)
    if output.is_dir():
        raise BackupError(_("%(path)s is a folder: give the path of the backup file to write.") % {"path": output})
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise BackupError(_("No folder %(path)s to write the backup in.") % {"path": directory})
    header: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "engine": engine,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "migrations": _applied_migrations(using),
        "compression": "zlib" if engine == "sqlite" else "none",
        "chunk_size": chunk_size,
    }
    handle, partial = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=directory)
    os.chmod(partial, 0o600)
    try:
        with os.fdopen(handle, "wb") as out:
            writer = _Writer(out, fernet, key_id)
            writer.record(HEADER, json.dumps(header).encode())
            if engine == "sqlite":
                copy = _sqlite_copy(
                    using, Path(str(settings_dict["NAME"])).parent if _is_file(settings_dict) else directory
                )
                try:
                    with copy.open("rb") as source:
                        for chunk in _chunks(source, chunk_size):
                            writer.data(chunk, compress=True)
                finally:
                    copy.unlink(missing_ok=True)
            else:
                _pg_dump(settings_dict, lambda chunk: writer.data(chunk, compress=False), chunk_size)
            writer.end()
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return BackupInfo(
        engine=engine,
        created_at=header["created_at"],
        migrations=header["migrations"],
        chunks=writer.chunks,
        size=writer.size,
        file_size=output.stat().st_size,
        header=header,
    )


def _is_uri(name: str) -> bool:
    """An SQLite database named by a URI (in memory, as Django's test database is), not by a path."""
    return name == ":memory:" or name.startswith("file:")


def _is_file(settings_dict: dict[str, Any]) -> bool:
    name = str(settings_dict["NAME"])
    return not _is_uri(name) and Path(name).parent.is_dir()


def _pg_dump(settings_dict: dict[str, Any], write: Callable[[bytes], None], chunk_size: int) -> None:
    args, env = _pg_command("pg_dump", settings_dict)
    args += ["--format=custom", "--dbname", str(settings_dict["NAME"])]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=env)  # noqa: S603
        except FileNotFoundError as exc:
            raise BackupError(_("pg_dump is not installed (PostgreSQL's client programs are needed).")) from exc
        assert process.stdout is not None  # noqa: S101 — Popen with stdout=PIPE
        try:
            for chunk in _chunks(process.stdout, chunk_size):
                write(chunk)
        except BaseException:
            process.kill()
            process.wait()
            raise
        if process.wait() != 0:
            errors.seek(0)
            raise BackupError(
                _("pg_dump failed: %(error)s") % {"error": errors.read().decode(errors="replace").strip()}
            )


# Reading


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise BackupError(_truncated())
    return data


def _truncated() -> str:
    return _("The backup file is truncated: it ends before its end record (an interrupted copy or backup?).")


def _tampered(detail: str) -> str:
    return _("The backup file has been altered or damaged (%(detail)s): it cannot be trusted.") % {"detail": detail}


class _Reader:
    """Reads and verifies a backup file record by record."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        start = stream.read(len(MAGIC) + 1 + 8)
        if not start.startswith(MAGIC[: len(start)]) or not start:
            raise BackupError(_("This is not a legami backup file."))
        if len(start) < len(MAGIC) + 9:
            raise BackupError(_truncated())
        if start[len(MAGIC)] != FORMAT_VERSION:
            raise BackupError(
                _("This backup is in format %(found)d; this version of legami reads format %(known)d.")
                % {"found": start[len(MAGIC)], "known": FORMAT_VERSION}
            )
        self.fernet = _decryption_key(start[len(MAGIC) + 1 :])
        self.seq = 0
        self.file_size = len(start)
        kind, payload = self._next()
        if kind != HEADER:
            raise BackupError(_tampered(_("no header")))
        self.header = json.loads(payload)
        if self.header.get("engine") not in ("postgresql", "sqlite"):
            raise BackupError(_tampered(_("unknown engine")))

    def _next(self) -> tuple[bytes, bytes]:
        length_bytes = self.stream.read(4)
        if len(length_bytes) < 4:
            raise BackupError(_truncated())
        length = int.from_bytes(length_bytes, "big")
        if length > _MAX_RECORD:
            raise BackupError(_tampered(_("record %(n)d is too long") % {"n": self.seq}))
        raw = _read_exact(self.stream, length)
        self.file_size += 4 + length
        try:
            plain = self.fernet.decrypt(base64.urlsafe_b64encode(raw))
        except InvalidToken as exc:
            raise BackupError(_tampered(_("record %(n)d does not decrypt") % {"n": self.seq})) from exc
        kind, seq, payload = plain[:1], int.from_bytes(plain[1:9], "big"), plain[9:]
        if seq != self.seq:
            raise BackupError(_tampered(_("record %(n)d is out of place") % {"n": self.seq}))
        self.seq += 1
        return kind, payload

    def chunks(self) -> Iterator[bytes]:
        """The dump's chunks, each given only once the record after it has been verified; at the end, the whole
        file has been verified (end record, sizes, digest, nothing after it)."""
        digest, size, count = hashlib.sha256(), 0, 0
        compressed = self.header.get("compression") == "zlib"
        pending: bytes | None = None
        while True:
            kind, payload = self._next()
            if kind == END:
                break
            if kind != DATA:
                raise BackupError(_tampered(_("record %(n)d is of an unknown kind") % {"n": self.seq - 1}))
            try:
                chunk = zlib.decompress(payload) if compressed else payload
            except zlib.error as exc:
                raise BackupError(_tampered(_("record %(n)d does not decompress") % {"n": self.seq - 1})) from exc
            digest.update(chunk)
            size += len(chunk)
            count += 1
            if pending is not None:
                yield pending
            pending = chunk
        summary = json.loads(payload)
        if summary != {"chunks": count, "bytes": size, "sha256": digest.hexdigest()}:
            raise BackupError(_tampered(_("its content does not match its end record")))
        if self.stream.read(1):
            raise BackupError(_tampered(_("data after the end record")))
        self.chunks_read, self.size = count, size
        if pending is not None:
            yield pending


def _info(reader: _Reader) -> BackupInfo:
    return BackupInfo(
        engine=reader.header["engine"],
        created_at=reader.header.get("created_at", ""),
        migrations=reader.header.get("migrations", []),
        chunks=getattr(reader, "chunks_read", 0),
        size=getattr(reader, "size", 0),
        file_size=reader.file_size,
        header=reader.header,
    )


def _open(path: Path) -> BinaryIO:
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("No backup file at %(path)s.") % {"path": path})
    return path.open("rb")


def check(path: Path) -> BackupInfo:
    """Read and verify a whole backup file (key, every record, the end), writing nothing."""
    with _open(path) as stream:
        reader = _Reader(stream)
        for _chunk in reader.chunks():
            pass
        return _info(reader)


def restore(path: Path, *, target: dict[str, Any] | None = None) -> BackupInfo:
    """Restore a backup file into an empty database (the configured one unless `target` is given)."""
    target = target if target is not None else connections["default"].settings_dict
    engine = engine_of(target)
    with _open(path) as stream:
        reader = _Reader(stream)
        if reader.header["engine"] != engine:
            raise BackupError(
                _("This is a backup of a %(backup)s database; the database to restore into is %(target)s.")
                % {"backup": _engine_label(reader.header["engine"]), "target": _engine_label(engine)}
            )
        _refuse_non_empty(target)
        if engine == "sqlite":
            _restore_sqlite(reader, target)
        else:
            _restore_postgresql(reader, target)
        return _info(reader)


def _refuse_non_empty(target: dict[str, Any]) -> None:
    tables = database_tables(target)
    if tables:
        raise BackupError(
            _(
                "The database %(name)s is not empty (%(count)d tables, such as %(first)s): a backup is restored "
                "only into an empty database. Create a new one, or drop and recreate this one, and try again."
            )
            % {"name": target["NAME"], "count": len(tables), "first": tables[0]}
        )


def _restore_sqlite(reader: _Reader, target: dict[str, Any]) -> None:
    if _is_uri(str(target["NAME"])):
        raise BackupError(_("A backup is restored into a database file, not into %(name)s.") % {"name": target["NAME"]})
    destination = Path(str(target["NAME"]))
    if not destination.parent.is_dir():
        raise BackupError(_("No folder %(path)s for the database.") % {"path": destination.parent})
    handle, name = tempfile.mkstemp(prefix=".legami-restore-", suffix=".sqlite3", dir=destination.parent)
    copy = Path(name)
    try:
        os.chmod(copy, 0o600)
        with os.fdopen(handle, "wb") as out:
            for chunk in reader.chunks():
                out.write(chunk)
        with _closing(sqlite3.connect(copy)) as source:
            result = source.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(_tampered(_("the database in it is damaged: %(error)s") % {"error": result}))
            _refuse_non_empty(target)
            with _closing(sqlite3.connect(destination)) as db:
                source.backup(db)
    except sqlite3.DatabaseError as exc:
        raise BackupError(_tampered(str(exc))) from exc
    finally:
        copy.unlink(missing_ok=True)


def _restore_postgresql(reader: _Reader, target: dict[str, Any]) -> None:
    args, env = _pg_command("pg_restore", target)
    args += ["--single-transaction", "--no-owner", "--exit-on-error", "--dbname", str(target["NAME"])]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(  # noqa: S603
                args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env
            )
        except FileNotFoundError as exc:
            raise BackupError(_("pg_restore is not installed (PostgreSQL's client programs are needed).")) from exc
        assert process.stdin is not None  # noqa: S101 — Popen with stdin=PIPE
        try:
            for chunk in reader.chunks():
                process.stdin.write(chunk)
            process.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped on an error: its message is read below
        except BaseException:
            # The file is bad: pg_restore is stopped before it reads the end of the dump, so its single
            # transaction never commits.
            process.kill()
            process.wait()
            raise
        if process.wait() != 0:
            errors.seek(0)
            raise BackupError(
                _("pg_restore failed, nothing was restored: %(error)s")
                % {"error": errors.read().decode(errors="replace").strip()}
            )


def migrations_not_in_code(info: BackupInfo) -> list[str]:
    """Migrations the backup's database had that this code does not know (restore it with newer code)."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in info.migrations if (app, name) not in known]
