"""Nothing lost: an archive run killed at any moment leaves an archive that verify accepts.

The run is ``dtz-letters archive`` in a subprocess, killed with SIGKILL at fixed points of the
store (before each file is renamed into place, in the middle of writing a file, before and
during the register transaction, after it) and at several moments measured from a full run.
Each time ``dtz-letters verify`` must accept the archive, the interrupted letter must be
either wholly archived or absent, the letter archived before must be untouched, and running
the archive again must complete it.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dtz_letters._archive.journal import PENDING
from dtz_letters._archive.register import LOCK, REGISTER
from dtz_letters.cli import main
from tests.test_archive import FOLDER, IDENT, V1_FILES, make_workspace

REPO = Path(__file__).resolve().parents[1]

#: Runs the command line after arming one kill point: ``<kind> <n> archive LETTER``.
#: Test-side only: the production code has no hook.
KILLER = r"""
import os, signal, sqlite3, sys

kind, n = sys.argv[1], int(sys.argv[2])
seen = 0


def tick(what):
    global seen
    if what == kind:
        seen += 1
        if seen == n:
            os.kill(os.getpid(), signal.SIGKILL)


real_replace, real_unlink, real_fdopen = os.replace, os.unlink, os.fdopen


def replace(src, dst, *args, **kwargs):
    tick("rename")  # the file is complete under its temporary name, not yet in place
    return real_replace(src, dst, *args, **kwargs)


def unlink(path, *args, **kwargs):
    if str(path).endswith(".pending.json"):
        tick("journal-removed")  # the register rows are committed
    return real_unlink(path, *args, **kwargs)


class HalfWriter:
    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.fh.__exit__(*exc)

    def write(self, data):
        if kind == "write" and seen + 1 == n:
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
        tick("write")  # the temporary file holds half the bytes
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)


def fdopen(fd, *args, **kwargs):
    return HalfWriter(real_fdopen(fd, *args, **kwargs))


real_connect = sqlite3.connect


def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    conn.set_trace_callback(
        lambda sql: tick("insert") if sql.startswith("INSERT")
        else tick("commit") if sql.startswith("COMMIT") else None
    )
    return conn


os.replace, os.unlink, os.fdopen, sqlite3.connect = replace, unlink, fdopen, connect

from dtz_letters.cli import main

sys.exit(main(sys.argv[3:]))
"""

#: (kind, n): the n-th event of that kind kills the run. Storing a version renames 9 files
#: into place: the journal, then the 8 files of the version.
POINTS = [
    ("rename", 1),  # the journal is written, not yet in place
    ("write", 2),  # half of the first file written
    ("rename", 2),  # the first file complete under its temporary name
    ("rename", 3),  # the first file in place
    ("write", 5),
    ("rename", 6),
    ("rename", 9),  # every file but the last in place
    ("insert", 1),  # in the register transaction
    ("insert", 4),  # in it, with rows written (a hot rollback journal)
    ("commit", 1),  # committing it
    ("journal-removed", 1),  # committed, the journal still there
]


def env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive that already holds another letter, which no interrupted run may touch."""
    ws = make_workspace(tmp_path_factory.mktemp("kill") / "ws")
    assert main(["archive", str(ws / "letters" / "rib-tweede.yaml")]) == 0
    return ws / "output" / "archief"


def workspace_with(earlier: Path, root: Path) -> tuple[Path, Path]:
    ws = make_workspace(root)
    shutil.copytree(earlier, ws / "output" / "archief")
    return ws, ws / "output" / "archief"


def rows_of(archive: Path) -> dict[str, list[str]]:
    """Register paths per identificatie."""
    out: dict[str, list[str]] = {}
    with sqlite3.connect(archive / REGISTER) as conn:
        for ident, path in conn.execute("SELECT identificatie, path FROM files ORDER BY path"):
            out.setdefault(ident, []).append(path)
    return out


def snapshot(archive: Path, ident: str) -> dict[str, bytes]:
    return {path: (archive / path).read_bytes() for path in rows_of(archive).get(ident, [])}


def content_files(archive: Path) -> list[str]:
    return sorted(
        p.relative_to(archive).as_posix()
        for p in archive.rglob("*")
        if p.is_file() and p.name not in (REGISTER, LOCK)
    )


def assert_whole_or_absent(
    archive: Path, capsys: pytest.CaptureFixture[str], before: dict[str, bytes]
) -> str:
    """verify accepts the archive; the letter is all there or not at all; the earlier letter
    is untouched. Returns which of the two the letter is."""
    code = main(["verify", str(archive)])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert all(line.startswith("note: ") for line in err.splitlines()), err
    rows = rows_of(archive)
    earlier_ident = next(i for i in rows if i != IDENT)
    assert snapshot(archive, earlier_ident) == before
    if IDENT in rows:
        assert sorted(rows[IDENT]) == V1_FILES
        assert all((archive / p).is_file() for p in V1_FILES)
        return "archived"
    # Absent: any file of it on disk is one that verify notes as interrupted.
    leftovers = [p for p in content_files(archive) if p.startswith(FOLDER)]
    for rel in leftovers:
        assert f"note: {rel}: " in err, (rel, err)
    return "absent"


def assert_completed_by_a_new_run(
    ws: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["archive", str(ws / "letters" / "rib-archief.yaml")]) == 0
    capsys.readouterr()
    assert main(["verify", str(archive)]) == 0
    out, err = capsys.readouterr()
    assert err == ""  # no notes: the rollback cleaned up
    assert out.strip().endswith("16 files, 16 register rows: ok")
    assert [p for p in content_files(archive) if p.startswith(FOLDER)] == V1_FILES
    assert not (archive / PENDING).exists()


@pytest.mark.parametrize(("kind", "n"), POINTS, ids=[f"{k}-{n}" for k, n in POINTS])
def test_kill_at_a_point_of_the_store(
    earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, n: int
) -> None:
    ws, archive = workspace_with(earlier, tmp_path / "ws")
    before = snapshot(archive, next(iter(rows_of(archive))))
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLER,
            kind,
            str(n),
            "archive",
            str(ws / "letters" / "rib-archief.yaml"),
        ],
        cwd=ws,
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stdout + run.stderr
    state = assert_whole_or_absent(archive, capsys, before)
    assert state == ("archived" if kind == "journal-removed" else "absent")
    assert_completed_by_a_new_run(ws, archive, capsys)


@pytest.fixture(scope="module")
def run_time(earlier: Path, tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long a whole archive run of the letter takes here, in seconds."""
    ws, _ = workspace_with(earlier, tmp_path_factory.mktemp("timing") / "ws")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dtz_letters", "archive", str(ws / "letters" / "rib-archief.yaml")],
        cwd=ws,
        env=env(),
        capture_output=True,
        check=True,
        timeout=120,
    )
    return time.perf_counter() - start


@pytest.mark.parametrize("fraction", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_kill_at_a_moment_of_the_run(
    earlier: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    run_time: float,
    fraction: float,
) -> None:
    ws, archive = workspace_with(earlier, tmp_path / "ws")
    before = snapshot(archive, next(iter(rows_of(archive))))
    process = subprocess.Popen(
        [sys.executable, "-m", "dtz_letters", "archive", str(ws / "letters" / "rib-archief.yaml")],
        cwd=ws,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(run_time * fraction)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=120)
    assert_whole_or_absent(archive, capsys, before)
    assert_completed_by_a_new_run(ws, archive, capsys)
