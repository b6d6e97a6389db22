"""The register (one SQLite row per archived file version) and the archive's lock."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .._reports import RegisterRow
from ..errors import ArchiveError, display_path
from .names import KIND_PDF

REGISTER = "register.sqlite"
LOCK = ".lock"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    identificatie TEXT NOT NULL,
    gemeente TEXT NOT NULL,
    date TEXT NOT NULL,
    subject TEXT NOT NULL,
    reference TEXT NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    path TEXT NOT NULL UNIQUE,
    archived_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS files_identificatie ON files (identificatie, version);
"""
_COLUMNS = (
    "identificatie, gemeente, date, subject, reference, kind, sha256, size, path, "
    "archived_at, version, source"
)
_COLUMN_COUNT = len(_COLUMNS.split(","))


@contextlib.contextmanager
def open_register(root: Path, *, create: bool = False) -> Iterator[sqlite3.Connection]:
    """The register database; created (with its table) only when ``create``."""
    path = root / REGISTER
    if not create and not path.is_file():
        raise ArchiveError(f"{display_path(path)}: the archive register is missing.")
    try:
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) where we write.
        conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    except sqlite3.Error as exc:
        raise ArchiveError(f"{display_path(path)}: {_register_problem(exc)}") from exc
    try:
        if create:
            conn.executescript(_SCHEMA)
            _add_source_column(conn)
        yield conn
    except sqlite3.Error as exc:
        raise ArchiveError(f"{display_path(path)}: {_register_problem(exc)}") from exc
    finally:
        conn.close()


def _add_source_column(conn: sqlite3.Connection) -> None:
    """A register from before letters had a source identity gets the column (empty)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(files)")}
    if "source" not in columns:
        conn.execute("ALTER TABLE files ADD COLUMN source TEXT NOT NULL DEFAULT ''")


def _register_problem(exc: sqlite3.Error) -> str:
    """What is wrong with the register, in words, for an error SQLite raised on it."""
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return f"the archive register cannot be written ({text}); make it and its folder writable"
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    ):
        return f"the archive register is damaged ({text}); restore it from a backup"
    return f"the archive register cannot be used ({text})"


def register_rows(
    conn: sqlite3.Connection, where: str = "", params: Sequence[object] = ()
) -> list[RegisterRow]:
    order = "ORDER BY gemeente, date, identificatie, version, path"
    columns = {row[1] for row in conn.execute("PRAGMA table_info(files)")}
    # A register written before the source column existed is read as it is (read-only).
    chosen = _COLUMNS if "source" in columns else _COLUMNS.replace(", source", ", ''")
    sql = f"SELECT {chosen} FROM files {where} {order}"
    return [RegisterRow(*row) for row in conn.execute(sql, tuple(params))]


def list_archive(
    root: Path,
    *,
    gemeente: str | None = None,
    year: int | None = None,
    search: str | None = None,
) -> list[RegisterRow]:
    """The archived letter versions (their PDF rows), filtered, in archive order."""
    clauses, params = ["kind = ?"], [KIND_PDF]
    if gemeente:
        clauses.append("gemeente = ?")
        params.append(gemeente)
    if year:
        clauses.append("substr(date, 1, 4) = ?")
        params.append(f"{year:04d}")
    if search:
        clauses.append("(subject LIKE ? OR reference LIKE ? OR identificatie LIKE ?)")
        like = f"%{search}%"
        params += [like, like, like]
    with open_register(root) as conn:
        return register_rows(conn, "WHERE " + " AND ".join(clauses), params)


@contextlib.contextmanager
def archive_lock(root: Path) -> Iterator[None]:
    """Hold the archive's lock: one writer at a time checks the register and writes."""
    if root.exists() and not root.is_dir():
        raise ArchiveError(f"{display_path(root)}: the archive must be a folder; this is a file")
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ArchiveError(
            f"{display_path(root)}: cannot lock the archive: {exc.strerror or exc}"
        ) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def insert_rows(conn: sqlite3.Connection, rows: Sequence[tuple[object, ...]]) -> None:
    """Add register rows in one transaction: all of them or, on any failure, none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            f"INSERT INTO files ({_COLUMNS}) VALUES ({', '.join('?' * _COLUMN_COUNT)})", rows
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def version_digest(files: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over one version's files: a line ``<file name> <SHA-256>`` per file, sorted.

    A later version records it (in its informatieobject) for the version before it, so that
    ``verify`` sees when an earlier version is missing or was altered.
    """
    lines = sorted(f"{name} {sha}\n" for name, sha in files)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def archive_digest(rows: Sequence[RegisterRow], sidecars: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over the whole register and the sidecars on disk, for a griffie to keep
    elsewhere: every row (all columns), then ``<path> <SHA-256>`` of every sidecar, sorted.

    The same archive always gives the same digest; any row added, removed or edited (a date,
    a checksum, a whole letter) or any sidecar changed gives another one.
    """
    digest = hashlib.sha256(b"dtz-letters archive digest 1\n")
    for row in sorted(rows, key=lambda r: r.path):
        fields = (
            row.path,
            row.identificatie,
            str(row.version),
            row.gemeente,
            row.date,
            row.subject,
            row.reference,
            row.kind,
            row.sha256,
            str(row.size),
            row.archived_at,
            row.source,
        )
        digest.update(("\t".join(fields) + "\n").encode("utf-8"))
    for path, sha in sorted(sidecars):
        digest.update(f"sidecar {path} {sha}\n".encode())
    return digest.hexdigest()
