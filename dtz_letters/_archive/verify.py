"""``verify``: check an archive against its register, its sidecars and its files.

Every problem is reported, each on its own line, as ``<path in the archive>: <what is wrong>``;
nothing stops at the first one. What an interrupted archive run left (files its journal lists
that never got register rows, temporary files of writes that never finished) is not part of
the archive: it is reported as a note, not a problem, and the next archive run removes it. A
journal that names anything outside the archive's own layout is a problem.

Checked: every register row has its file with the recorded checksum and size, every file has
a row (no strays), every sidecar is valid MDTO 1.0.1 and agrees with the file it describes
(checksum, size, name, checksum date = the register's archiving time, format as siegfried
identifies it), each informatieobject agrees with the register and with its files, the
versions of a letter form a chain (each later version records the digest of the one before,
so a missing or altered earlier version fails), a bewaartermijn's end date follows from its
start and length, and every PDF passes the PDF/A-2 rules checked here (see
:func:`~dtz_letters._pdfpost.pdfa.pdfa_problems`) and the accessibility check.

What this proves, and against whom: the archive is consistent with itself. Someone who can
write to it and rewrites a letter *and* its sidecars, the later versions and the register
consistently is not caught, except by comparing the archive digest (one SHA-256 over the
register and all sidecars, printed every time) with a copy the griffie keeps elsewhere:
``verify --expect DIGEST``.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from .._pdfpost.a11y import check_pdf_accessibility
from .._pdfpost.pdfa import PUID_PDFA_2A, pdfa_problems
from .._reports import RegisterRow, VerifyReport
from ..errors import ArchiveError, display_path
from .identify import identify, sha256_file
from .journal import MACHINERY, PENDING, is_leftover, read_pending, uncommitted
from .mdto import CHECKSUM_LABEL, read_bestand, read_informatieobject, schema_errors
from .metadata import RELATIE_BRON, RELATIE_IS_BRON, RELATIE_VORIGE, add_years
from .names import (
    KIND_BESTAND,
    KIND_BIJLAGE,
    KIND_BRIEF,
    KIND_BRON,
    KIND_INFORMATIEOBJECT,
    KIND_PDF,
    KIND_PROFIEL,
    SOURCE_KINDS,
    Names,
    check_name,
    sidecar_name,
)
from .register import REGISTER, archive_digest, archive_lock, register_rows, version_digest

#: Reports one problem: the path in the archive and a sentence.
_Problem = Callable[[str, str], None]
_BIJLAGE_NUMBER = re.compile(r"_bijlage-([0-9]+)")


def verify_archive(root: Path, *, expect: str | None = None) -> VerifyReport:
    """Check the archive at ``root``; :class:`ArchiveError` only when there is none.

    With ``expect``, the archive digest must be that one (kept elsewhere since).
    """
    if not root.is_dir():
        raise ArchiveError(f"{display_path(root)}: there is no archive here (not a folder).")
    report = VerifyReport(root)
    found: list[tuple[str, str]] = []

    def problem(rel: str, message: str) -> None:
        found.append((rel, message))

    rows = _read_register(root, problem, report.notes)
    by_path = {row.path: row for row in rows}
    on_disk, leftovers = _files_on_disk(root, problem)
    try:
        pending = read_pending(root)
    except ArchiveError as exc:
        problem(PENDING, str(exc).split(": ", 1)[-1])
        pending = {}
    interrupted = uncommitted(root, pending, set(by_path))
    for rel in sorted(interrupted):
        report.notes.append(
            f"{rel}: written by an archive run that was interrupted; not part "
            "of the archive, the next archive run removes it."
        )
    for rel in sorted(leftovers):
        report.notes.append(
            f"{rel}: a temporary file of a write that was interrupted; not part "
            "of the archive, the next archive run removes it."
        )
    on_disk -= interrupted
    report.rows, report.files = len(rows), len(on_disk)

    for row in rows:
        _check_row(root, row, problem)
    for rel in sorted(on_disk):
        if rel not in by_path:
            problem(
                rel,
                "the file is not in the register (a stray file, or a write that never finished).",
            )
        if rel.endswith(".mdto.xml"):
            for error in schema_errors((root / rel).read_bytes()):
                problem(rel, f"the sidecar is not valid MDTO 1.0.1: {error}")

    versions: dict[tuple[str, int], list[RegisterRow]] = defaultdict(list)
    for row in rows:
        versions[(row.identificatie, row.version)].append(row)
    for (identificatie, version), group in sorted(versions.items()):
        _check_version(root, Names(identificatie, version), group, versions, problem)

    sidecars = [
        (rel, sha256_file(root / rel)) for rel in sorted(on_disk) if rel.endswith(".mdto.xml")
    ]
    report.digest = archive_digest(rows, sidecars)
    if expect is not None and expect.strip().lower() != report.digest:
        problem(
            REGISTER,
            f"the archive digest is {report.digest}, not {expect.strip()} as kept: the "
            "register or a sidecar changed since that digest was taken.",
        )
    report.problems = [f"{rel}: {message}" for rel, message in sorted(dict.fromkeys(found))]
    return report


# --------------------------------------------------------------------------- register and disk


def _read_register(root: Path, problem: _Problem, notes: list[str]) -> list[RegisterRow]:
    path = root / REGISTER
    if not path.is_file():
        problem(REGISTER, "the archive register is missing.")
        return []
    try:
        return _register_rows(path, read_only=True)
    except sqlite3.OperationalError as exc:
        hot = path.with_name(f"{REGISTER}-journal")
        if "readonly" not in str(exc) or not hot.is_file():
            problem(REGISTER, f"the archive register cannot be read ({exc}).")
            return []
        # A run killed while committing left SQLite's rollback journal: the register can be
        # read only after SQLite rolls that transaction back, which needs write access. Done
        # under the archive's lock, it is what the next archive run would do first.
        try:
            with archive_lock(root):
                rows = _register_rows(path, read_only=False)
        except (sqlite3.Error, OSError) as again:
            problem(REGISTER, f"the archive register cannot be read ({again}).")
            return []
        notes.append(
            f"{REGISTER}: the transaction of an archive run that was interrupted was rolled "
            "back; the register is as that run found it."
        )
        return rows
    except sqlite3.Error as exc:
        problem(REGISTER, f"the archive register cannot be read ({exc}).")
        return []


def _register_rows(path: Path, *, read_only: bool) -> list[RegisterRow]:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, timeout=60)
    try:
        return register_rows(conn)
    finally:
        conn.close()


def _files_on_disk(root: Path, problem: _Problem) -> tuple[set[str], set[str]]:
    """The files in the archive, and the temporary files of interrupted writes."""
    files: set[str] = set()
    leftovers: set[str] = set()
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if rel in MACHINERY:
            continue
        if path.is_symlink():
            problem(rel, "a symbolic link has no place in the archive.")
        elif path.is_file() and is_leftover(path.name):
            leftovers.add(rel)
        elif path.is_file():
            files.add(rel)
    return files, leftovers


def _check_row(root: Path, row: RegisterRow, problem: _Problem) -> None:
    """The row's file exists with the recorded checksum and size, at the place it belongs."""
    path = root / row.path
    parts = row.path.split("/")
    expected = [row.gemeente, row.date[:4], row.identificatie]
    if len(parts) != 4 or parts[:3] != expected or ".." in parts:
        problem(
            row.path,
            f"the register row does not belong at this path (gemeente "
            f"{row.gemeente}, date {row.date}, identificatie {row.identificatie}).",
        )
    try:
        check_name(parts[-1])
    except ArchiveError as exc:
        problem(row.path, str(exc))
    if not path.is_file():
        problem(row.path, "the file is in the register but missing from the archive.")
        return
    size = path.stat().st_size
    if size != row.size:
        problem(row.path, f"the size is {size} bytes, the register says {row.size}.")
    actual = sha256_file(path)
    if actual != row.sha256:
        problem(row.path, f"the SHA-256 checksum is {actual}, the register says {row.sha256}.")


# --------------------------------------------------------------------------- one version


def _expected(names: Names, registered: dict[str, RegisterRow]) -> dict[str, str]:
    """The files one version must have (name -> kind): its attachments as registered."""
    expected = {
        names.informatieobject: KIND_INFORMATIEOBJECT,
        names.bron_informatieobject: KIND_BRON,
    }
    kinds = [KIND_PDF, *SOURCE_KINDS]
    contents = [names.content(kind) for kind in kinds]
    for name in sorted(registered, key=_bijlage_number):
        if name.startswith(f"{names.base}_bijlage-") and not name.endswith(".bestand.mdto.xml"):
            contents.append(name)
            kinds.append(KIND_BIJLAGE)
    for name, kind in zip(contents, kinds, strict=True):
        expected[name] = kind
        expected[sidecar_name(name)] = KIND_BESTAND
    return expected


def _bijlage_number(name: str) -> int:
    match = _BIJLAGE_NUMBER.search(name)
    return int(match.group(1)) if match else 0


def _check_version(
    root: Path,
    names: Names,
    group: list[RegisterRow],
    versions: dict[tuple[str, int], list[RegisterRow]],
    problem: _Problem,
) -> None:
    """The files of one archived letter version agree with each other and the register."""
    first = group[0]
    folder = f"{first.gemeente}/{first.date[:4]}/{names.identificatie}"
    registered = {row.path.rsplit("/", 1)[-1]: row for row in group}
    expected = _expected(names, registered)
    for name, kind in expected.items():
        if name not in registered:
            problem(
                f"{folder}/{name}",
                f"the register has no row for this {kind} file of version {names.version}.",
            )
        elif registered[name].kind != kind:
            problem(
                f"{folder}/{name}",
                f"the register calls this a {registered[name].kind} file, it is a {kind} file.",
            )
    for name in registered:
        if name not in expected:
            problem(
                f"{folder}/{name}",
                f"the name does not belong to version {names.version} of {names.identificatie}.",
            )
    if len({row.source for row in group}) > 1:
        problem(
            f"{folder}/{names.informatieobject}", "the register gives this version two sources."
        )

    representing = [n for n, k in expected.items() if k in (KIND_PDF, KIND_BIJLAGE)]
    io_rel = f"{folder}/{names.informatieobject}"
    if (root / io_rel).is_file() and not schema_errors((root / io_rel).read_bytes()):
        _check_letter_io(io_rel, root / io_rel, names, group, representing, versions, problem)
    bron_rel = f"{folder}/{names.bron_informatieobject}"
    if (root / bron_rel).is_file() and not schema_errors((root / bron_rel).read_bytes()):
        _check_bron_io(bron_rel, root / bron_rel, names, problem)
    for name, kind in expected.items():
        if kind in (KIND_PDF, KIND_BIJLAGE, KIND_BRIEF, KIND_PROFIEL):
            owner = names.bron if kind in (KIND_BRIEF, KIND_PROFIEL) else names.base
            _check_content(root, folder, name, kind, owner, registered.get(name), problem)


def _check_letter_io(
    rel: str,
    path: Path,
    names: Names,
    group: list[RegisterRow],
    representing: list[str],
    versions: dict[tuple[str, int], list[RegisterRow]],
    problem: _Problem,
) -> None:
    record = read_informatieobject(path.read_bytes())
    if record.kenmerk != names.base:
        problem(rel, f"the identificatie is {record.kenmerk}, expected {names.base}.")
    if list(record.representaties) != representing:
        problem(
            rel,
            f"the representations are {', '.join(record.representaties) or 'none'}, expected "
            f"{', '.join(representing)}.",
        )
    if (names.bron, RELATIE_BRON) not in record.gerelateerd:
        problem(rel, f"it does not relate to its sources ({names.bron}).")
    for row in group:
        if row.subject != record.naam:
            problem(
                row.path,
                f"the register gives the subject {row.subject!r}, the "
                f"informatieobject {record.naam!r}.",
            )
        if row.date != record.datum:
            problem(
                row.path,
                f"the register gives the date {row.date}, the informatieobject {record.datum}.",
            )
    _check_termijn(rel, record.termijn, problem)
    if names.version > 1:
        _check_chain(rel, names, record.gerelateerd, record.previous_digest, versions, problem)


def _check_chain(
    rel: str,
    names: Names,
    related: tuple[tuple[str, str], ...],
    recorded: str | None,
    versions: dict[tuple[str, int], list[RegisterRow]],
    problem: _Problem,
) -> None:
    """A later version names the one before it, and the digest of that one's files."""
    before = Names(names.identificatie, names.version - 1)
    if (before.base, RELATIE_VORIGE) not in related or recorded is None:
        problem(rel, f"version {names.version} does not record version {before.version}.")
        return
    rows = versions.get((names.identificatie, before.version), [])
    if not rows:
        problem(
            rel,
            f"version {names.version} replaces version {before.version} ({before.base}), "
            "which is not in the archive (files and register rows removed?).",
        )
        return
    actual = version_digest((row.path.rsplit("/", 1)[-1], row.sha256) for row in rows)
    if actual != recorded:
        problem(
            rel,
            f"version {names.version} recorded the digest {recorded} of version "
            f"{before.version}; its files now give {actual} (an earlier version was altered).",
        )


def _check_termijn(
    rel: str, termijn: tuple[str | None, str | None, str | None], problem: _Problem
) -> None:
    """The end of a bewaartermijn follows from its start and length."""
    start, looptijd, einde = termijn
    if looptijd is None:
        return
    match = re.fullmatch(r"P([0-9]+)Y", looptijd)
    if start is None or einde is None or match is None:
        problem(rel, "the bewaartermijn lacks a start date, a length in years or an end date.")
        return
    expected = add_years(dt.date.fromisoformat(start), int(match.group(1))).isoformat()
    if einde != expected:
        problem(rel, f"the bewaartermijn ends on {einde}; {start} plus {looptijd} is {expected}.")


def _check_bron_io(rel: str, path: Path, names: Names, problem: _Problem) -> None:
    record = read_informatieobject(path.read_bytes())
    if record.kenmerk != names.bron:
        problem(rel, f"the identificatie is {record.kenmerk}, expected {names.bron}.")
    wanted = (names.content(KIND_BRIEF), names.content(KIND_PROFIEL))
    if record.representaties != wanted:
        problem(
            rel,
            f"the representations are {', '.join(record.representaties) or 'none'}, expected "
            f"{', '.join(wanted)}.",
        )
    if (names.base, RELATIE_IS_BRON) not in record.gerelateerd:
        problem(rel, f"it does not relate to the letter it is the source of ({names.base}).")


def _check_content(
    root: Path,
    folder: str,
    name: str,
    kind: str,
    owner: str,
    row: RegisterRow | None,
    problem: _Problem,
) -> None:
    """A stored file agrees with its bestand sidecar and with what siegfried identifies."""
    rel = f"{folder}/{name}"
    path = root / rel
    sidecar = root / folder / sidecar_name(name)
    if not path.is_file():
        return  # reported with the register rows
    puid, _label = identify(path)  # once: for the sidecar, and for a PDF whatever it says
    if not sidecar.is_file():
        problem(rel, "the file has no bestand sidecar.")
    elif not schema_errors(sidecar.read_bytes()):
        record = read_bestand(sidecar.read_bytes())
        side = f"{folder}/{sidecar.name}"
        size = path.stat().st_size
        if record.naam != name:
            problem(side, f"the sidecar names {record.naam}, it describes {name}.")
        if record.omvang != size:
            problem(side, f"the sidecar gives omvang {record.omvang}, the file has {size} bytes.")
        if record.checksum_label != CHECKSUM_LABEL:
            problem(
                side,
                f"the checksum algorithm is {record.checksum_label!r}, expected "
                f"{CHECKSUM_LABEL!r}.",
            )
        actual = sha256_file(path)
        if record.checksum != actual:
            problem(
                side,
                f"the sidecar's checksum {record.checksum} is not the file's SHA-256 {actual}.",
            )
        if record.informatieobject != owner:
            problem(
                side,
                f"the sidecar links to informatieobject {record.informatieobject}, "
                f"expected {owner}.",
            )
        if row is not None and row.archived_at != record.checksum_datum:
            problem(
                rel,
                f"the register gives the archiving time {row.archived_at}, the sidecar's "
                f"checksum date is {record.checksum_datum}.",
            )
        if puid != record.puid:
            problem(rel, f"siegfried identifies {puid}, the sidecar records {record.puid}.")
    if kind == KIND_PDF:
        if puid != PUID_PDFA_2A:
            problem(rel, f"siegfried identifies {puid}, not {PUID_PDFA_2A} (PDF/A-2a).")
        for issue in pdfa_problems(path):
            problem(rel, f"not a proper PDF/A-2a: {issue}.")
        for issue in check_pdf_accessibility(path):
            problem(rel, f"not accessible: {issue.rstrip('.')}.")
