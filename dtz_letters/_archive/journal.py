"""The journal of a store in progress, and what an interrupted run leaves behind.

A version is stored in three steps, all while holding the lock: the list of its files and
their checksums goes to the journal ``.pending.json``; the files are written (each atomically,
through a temporary ``.<name>.<random>.tmp``); the register rows are added in one transaction,
and the journal is removed. A run killed before the transaction leaves files that the journal
lists and the register does not: the next run rolls them back, with any temporary files,
before it does anything else.

The journal is a file on disk like any other, so nothing in it is trusted: every entry must
be a relative path of the archive's own layout (``<gemeente>/<year>/<identificatie>/<file>``,
no ``..``, no absolute path) whose folders are real folders, not symbolic links. A journal
that names anything else was not written by dtz-letters: it is refused whole, nothing is
removed, and ``verify`` reports it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
from pathlib import Path

from .._files import fsync_dir, write_atomic
from ..errors import ArchiveError, display_path
from .identify import sha256, sha256_file
from .register import LOCK, REGISTER

#: The files of the version being stored, until its register rows are committed.
PENDING = ".pending.json"
#: Files of the archive's own machinery, not archived content.
MACHINERY = frozenset(
    {REGISTER, f"{REGISTER}-journal", f"{REGISTER}-wal", f"{REGISTER}-shm", LOCK, PENDING}
)
#: The temporary file of an atomic write (see _files.write_atomic) that never finished.
_LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def is_leftover(name: str) -> bool:
    """Whether ``name`` is the temporary file of a write that was interrupted."""
    return bool(_LEFTOVER.match(name))


def read_pending(root: Path) -> dict[str, str]:
    """The journal of an interrupted store: archive path -> SHA-256 ({} when there is none).

    Raises :class:`ArchiveError` when it cannot be read, or names a path that is not one of
    the archive's own (see the module): then nothing may be removed on its word.
    """
    path = root / PENDING
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["files"]
        pending = {str(e["path"]): str(e["sha256"]) for e in entries}
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(
            f"{display_path(path)}: the journal of an interrupted archive run cannot be read "
            f"({exc}); nothing was changed. Resolve it by hand."
        ) from None
    for rel in pending:
        if inside(root, rel) is None:
            raise ArchiveError(
                f"{display_path(path)}: the journal of an interrupted archive run names "
                f"{rel!r}, which is not a file of this archive (a relative path "
                "<gemeente>/<year>/<identificatie>/<file> through real folders); dtz-letters "
                "did not write it. Nothing was changed: check the archive, then remove the "
                "journal by hand."
            )
    return pending


def inside(root: Path, rel: str) -> Path | None:
    """The file ``rel`` names in the archive at ``root``, or None when ``rel`` is not a path
    of the archive's layout or leads through anything but real folders (a symbolic link)."""
    parts = rel.split("/")
    if (
        len(parts) != 4
        or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts)
        or parts[-1] in MACHINERY
    ):
        return None
    here = root
    for part in parts[:-1]:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return root / rel  # nothing there: nothing to remove either
        except OSError:
            return None
        if not stat.S_ISDIR(mode):  # a symbolic link, or a file
            return None
    return root / rel


def uncommitted(root: Path, pending: dict[str, str], registered: set[str]) -> set[str]:
    """Journaled files that never got their register rows: written by an interrupted run,
    with exactly the bytes it meant to write (anything else is not ours to remove)."""
    found = set()
    for rel, digest in pending.items():
        path = inside(root, rel)
        if rel in registered or path is None or path.is_symlink():
            continue
        if path.is_file() and sha256_file(path) == digest:
            found.add(rel)
    return found


def recover(conn: sqlite3.Connection, root: Path) -> list[str]:
    """Roll back what an interrupted run left behind; call while holding the lock.

    Returns one line per file removed (for the run's warnings).
    """
    removed: list[str] = []
    pending = read_pending(root)
    if pending:
        registered = {
            path
            for (path,) in conn.execute(
                f"SELECT path FROM files WHERE path IN ({', '.join('?' * len(pending))})",
                tuple(pending),
            )
        }
        for rel in sorted(uncommitted(root, pending, registered)):
            (root / rel).unlink()
            removed.append(f"{rel}: removed, written by an archive run that was interrupted")
        # read_pending vouched for every entry: each folder is a real one inside the archive.
        folders = {(root / rel).parent for rel in pending}
        for folder in folders:
            _remove_leftovers(folder, {Path(rel).name for rel in pending})
            _remove_empty(folder, root)
    _remove_leftovers(root, {PENDING})
    if pending:
        (root / PENDING).unlink()
        fsync_dir(root)
    return removed


def _remove_leftovers(folder: Path, names: set[str]) -> None:
    """Temporary files of interrupted writes of ``names`` in ``folder``."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if is_leftover(path.name) and any(path.name.startswith(f".{n}.") for n in names):
            path.unlink()


def _remove_empty(folder: Path, root: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and folder.is_relative_to(root) and folder.is_dir():
        if any(folder.iterdir()):
            return
        folder.rmdir()
        folder = folder.parent


def write_pending(root: Path, files: list[tuple[str, bytes]]) -> None:
    entries = [{"path": rel, "sha256": sha256(data)} for rel, data in files]
    write_atomic(root / PENDING, json.dumps({"files": entries}, indent=1).encode("utf-8"))


def clear_pending(root: Path) -> None:
    (root / PENDING).unlink()
    fsync_dir(root)
