"""Atomic file writes: a file is either complete or absent, never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, and rename it into place.

    Without ``durable`` nothing waits for the disk: for files made again from others when
    they are found wrong (the overview's page and thumbnails), which a crash may leave
    empty but never half-replaced while the machine runs."""
    tmp = _write_temporary(path, data, durable=durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def replace_together(files: Mapping[Path, bytes], *, sync_folders: bool = True) -> None:
    """Write several files so that they replace their previous versions together or not at
    all (a letter's DOCX and PDF).

    Every file is written to a temporary file first (and on disk), so a full disk fails
    before anything is replaced; then they are renamed into place. Should a rename fail,
    those already renamed get their previous version back (kept meanwhile under a second
    name, a hard link), and a file that had none is removed. The renames are made durable
    by syncing their folders; a caller that writes many files into few folders passes
    ``sync_folders=False`` and calls :func:`fsync_dir` once per folder when it is done
    (until then a power failure may undo a rename: the previous version, whole, stays).
    """
    temporary: dict[Path, str] = {}
    previous: dict[Path, str] = {}
    placed: list[Path] = []
    try:
        for path, data in files.items():
            temporary[path] = _write_temporary(path, data)
        for path in files:
            if path.exists():
                keep = _temporary_name(path)
                with contextlib.suppress(OSError):  # no hard links here: no way back either
                    os.link(path, keep)
                    previous[path] = keep
        for path in files:
            os.replace(temporary.pop(path), path)
            placed.append(path)
    except BaseException:
        for path in reversed(placed):
            if path in previous:
                with contextlib.suppress(OSError):
                    os.replace(previous.pop(path), path)
            else:
                _unlink(path)
        for tmp in temporary.values():
            _unlink(tmp)
        raise
    finally:
        for keep in previous.values():
            _unlink(keep)
    if sync_folders:
        for folder in dict.fromkeys(path.parent for path in files):
            fsync_dir(folder)


def _temporary_name(path: Path) -> str:
    """A new, unused name beside ``path`` of the form the archive's recovery knows."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    return tmp


def _write_temporary(path: Path, data: bytes, durable: bool = True) -> str:
    """``data`` in a new temporary file beside ``path``, on disk (fsync) if ``durable``;
    its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException as exc:
        _unlink(tmp)
        if isinstance(exc, OSError):
            exc.filename = str(path)  # the file it was for, not the temporary name
        raise
    return tmp


def _unlink(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` already holds exactly ``data`` (a missing or unreadable
    file does not)."""
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
