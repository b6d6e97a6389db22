"""The archive: final letters as PDF/A-2a with MDTO sidecars, their sources, and a register.

Layout, under the archive root (default ``output/archief/`` in the workspace)::

    register.sqlite                      one row per archived file version
    .lock                                held while a letter is checked and written
    <gemeente>/<year>/<identificatie>/
        <identificatie>.mdto.xml                     informatieobject (version 1)
        <identificatie>.pdf                          the letter, PDF/A-2a
        <identificatie>.pdf.bestand.mdto.xml
        <identificatie>-brief.yaml                   the letter source it was rendered from
        <identificatie>-brief.yaml.bestand.mdto.xml
        <identificatie>-profiel.yaml                 the profile it was rendered with
        <identificatie>-profiel.yaml.bestand.mdto.xml
        <identificatie>-v2.mdto.xml, <identificatie>-v2.pdf, ...   version 2, beside version 1

Nothing archived is overwritten or deleted. Archiving an unchanged letter again changes
nothing; a changed letter needs ``new_version``.

A version is stored in three steps, all while holding the lock: the list of its files and
their checksums goes to the journal ``.pending.json``; the files are written (each atomically,
through a temporary ``.<name>.<random>.tmp``); the register rows are added in one transaction,
and the journal is removed. The transaction is the moment the version enters the archive. A
run killed before it leaves files that the journal lists and the register does not: they are
not part of the archive (``verify`` says so and accepts the archive), and the next run rolls
them back, with any temporary files, before it does anything else. A run killed after it
leaves only the journal, which the next run removes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._compose import Brief
from ._mdto import Bestand, Informatieobject, Verwijzing, bestand_xml, informatieobject_xml
from ._models import Onbekend
from ._workspace import Workspace
from .errors import ArchiveError, DtzLettersError, display_path

REGISTER = "register.sqlite"
LOCK = ".lock"
#: The files of the version being stored, until its register rows are committed.
PENDING = ".pending.json"
#: Files of the archive's own machinery, not archived content.
MACHINERY = frozenset(
    {REGISTER, f"{REGISTER}-journal", f"{REGISTER}-wal", f"{REGISTER}-shm", LOCK, PENDING}
)
#: The temporary file of an atomic write (see _files.write_atomic) that never finished.
_LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")

#: The bron of every identificatie dtz-letters makes up.
BRON = "dtz-letters"
TOOI_BRON = "TOOI register gemeenten compleet"
PDF_VARIANT = "pdf/a-2a"

#: Kinds of register rows: stored files, and the sidecars that describe them.
KIND_PDF, KIND_BRIEF, KIND_PROFIEL = "pdf", "brief", "profiel"
KIND_INFORMATIEOBJECT, KIND_BESTAND = "informatieobject", "bestand"
CONTENT_KINDS = (KIND_PDF, KIND_BRIEF, KIND_PROFIEL)

#: Characters the MDTO SIP rules forbid in names, and whitespace.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*#&\s]')
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 255


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class ArchiveOutcome:
    """What happened to one letter for one municipality."""

    letter: str
    slug: str | None
    status: str | None = None  # "archived", "unchanged" or "new version"
    identificatie: str | None = None
    version: int | None = None
    folder: Path | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ArchiveReport:
    root: Path
    outcomes: list[ArchiveOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # located, from loading the letters

    @property
    def failures(self) -> list[ArchiveOutcome]:
        return [o for o in self.outcomes if not o.ok]


@dataclass(frozen=True)
class RegisterRow:
    identificatie: str
    gemeente: str
    date: str
    subject: str
    reference: str
    kind: str
    sha256: str
    size: int
    path: str  # relative to the archive root, with forward slashes
    archived_at: str
    version: int


# --------------------------------------------------------------------------- names


def identificatie_for(tooi: str, datum: dt.date, kenmerk: str | None, stem: str) -> str:
    """The stable identity of one letter for one municipality, safe as a SIP name.

    ``<tooi>-<date>-<kenmerk or the letter's file stem>``: the TOOI code keeps the five
    municipalities' copies of one letter apart, the date orders them, and the kenmerk (the
    zaaknummer) when there is one ties the archive to the municipality's own records.
    """
    tail = _UNSAFE.sub("-", kenmerk or stem).strip("-.") or "brief"
    return check_name(f"{tooi}-{datum.isoformat()}-{tail}"[:200])


def check_name(name: str) -> str:
    """``name`` when it follows the MDTO SIP naming rules; :class:`ArchiveError` otherwise."""
    if not name or len(name) > MAX_NAME or _FORBIDDEN.search(name) or name in (".", ".."):
        raise ArchiveError(
            f"The name {name!r} breaks the MDTO naming rules (at most {MAX_NAME} characters, "
            'no spaces and none of < > : " / \\ | ? * # &).'
        )
    return name


@dataclass(frozen=True)
class Names:
    """The file names of one version of one archived letter."""

    identificatie: str
    version: int

    @property
    def base(self) -> str:
        return self.identificatie if self.version == 1 else f"{self.identificatie}-v{self.version}"

    @property
    def informatieobject(self) -> str:
        return f"{self.base}.mdto.xml"

    def content(self, kind: str) -> str:
        return {
            KIND_PDF: f"{self.base}.pdf",
            KIND_BRIEF: f"{self.base}-brief.yaml",
            KIND_PROFIEL: f"{self.base}-profiel.yaml",
        }[kind]


def sidecar_name(file_name: str) -> str:
    return f"{file_name}.bestand.mdto.xml"


def folder_for(root: Path, slug: str, datum: dt.date, identificatie: str) -> Path:
    return root / slug / f"{datum.year:04d}" / identificatie


# --------------------------------------------------------------------------- register


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
    version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_identificatie ON files (identificatie, version);
"""
_COLUMNS = (
    "identificatie, gemeente, date, subject, reference, kind, sha256, size, path, "
    "archived_at, version"
)


@contextlib.contextmanager
def open_register(root: Path, *, create: bool = False) -> Iterator[sqlite3.Connection]:
    """The register database; created (with its table) only when ``create``."""
    path = root / REGISTER
    if not create and not path.is_file():
        raise ArchiveError(f"{display_path(path)}: the archive register is missing.")
    # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) where we write.
    conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    try:
        if create:
            conn.executescript(_SCHEMA)
        yield conn
    finally:
        conn.close()


def register_rows(
    conn: sqlite3.Connection, where: str = "", params: Sequence[object] = ()
) -> list[RegisterRow]:
    order = "ORDER BY gemeente, date, identificatie, version, path"
    sql = f"SELECT {_COLUMNS} FROM files {where} {order}"
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


# --------------------------------------------------------------------------- lock


@contextlib.contextmanager
def archive_lock(root: Path) -> Iterator[None]:
    """Hold the archive's lock: one writer at a time checks the register and writes."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --------------------------------------------------------------------------- interrupted runs


def is_leftover(name: str) -> bool:
    """Whether ``name`` is the temporary file of a write that was interrupted."""
    return bool(_LEFTOVER.match(name))


def read_pending(root: Path) -> dict[str, str]:
    """The journal of an interrupted store: archive path -> SHA-256 ({} when there is none)."""
    path = root / PENDING
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["files"]
        return {str(e["path"]): str(e["sha256"]) for e in entries}
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(
            f"{display_path(path)}: the journal of an interrupted archive run cannot be read "
            f"({exc}); nothing was changed. Resolve it by hand."
        ) from None


def uncommitted(root: Path, pending: dict[str, str], registered: set[str]) -> set[str]:
    """Journaled files that never got their register rows: written by an interrupted run,
    with exactly the bytes it meant to write (anything else is not ours to remove)."""
    found = set()
    for rel, digest in pending.items():
        path = root / rel
        if rel in registered or ".." in rel.split("/") or path.is_symlink():
            continue
        if path.is_file() and sha256_file(path) == digest:
            found.add(rel)
    return found


def recover(conn: sqlite3.Connection, root: Path) -> list[str]:
    """Roll back what an interrupted run left behind; call while holding the lock.

    Returns one line per file removed (for the run's warnings).
    """
    from ._files import fsync_dir

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


def _write_pending(root: Path, files: list[tuple[str, bytes]]) -> None:
    from ._files import write_atomic

    entries = [{"path": rel, "sha256": sha256(data)} for rel, data in files]
    write_atomic(root / PENDING, json.dumps({"files": entries}, indent=1).encode("utf-8"))


def _clear_pending(root: Path) -> None:
    from ._files import fsync_dir

    (root / PENDING).unlink()
    fsync_dir(root)


# --------------------------------------------------------------------------- the run


def archive_letters(
    paths: Sequence[Path],
    *,
    workspace: Workspace | None = None,
    gemeenten: Sequence[str] = (),
    root: Path | None = None,
    new_version: bool = False,
    final_only: bool = False,
) -> ArchiveReport:
    """Archive every final letter for every municipality it names; never stop at a failure.

    With ``final_only``, concept letters (declared so, or with facts still unknown) are
    skipped and reported as such instead of refused: for batch runs over all letters.
    """
    from ._render import plan

    ws = workspace or Workspace.find(paths[0].parent if paths else None)
    archive_root = root or default_root(ws)
    jobs, failed, warnings = plan(
        paths, ws, gemeenten=gemeenten, formats=("pdf",), out=archive_root
    )
    report = ArchiveReport(archive_root, warnings=[str(w) for w in warnings])
    report.outcomes += [ArchiveOutcome(o.letter, o.slug, error=o.error) for o in failed]
    # The archive exists (with an empty register) from the first run on, so that verify
    # can vouch for it even before the first final letter. What an interrupted run left is
    # rolled back first.
    with archive_lock(archive_root), open_register(archive_root, create=True) as conn:
        report.warnings += recover(conn, archive_root)
    for job in jobs:
        report.outcomes.append(
            _archive_job(job.letter, job.slug, ws, archive_root, new_version, final_only)
        )
    return report


def default_root(ws: Workspace) -> Path:
    return ws.output / "archief"


def _archive_job(
    path: Path, slug: str, ws: Workspace, root: Path, new_version: bool, final_only: bool
) -> ArchiveOutcome:
    from ._compose import for_gemeente
    from ._load import read_letter

    shown = display_path(path)
    try:
        brief = for_gemeente(read_letter(path), ws.profile(slug))
        if final_only and brief.concept:
            why = "status: concept" if brief.status == "concept" else (
                f"{len(brief.missing)} fact(s) still unknown; see dtz-letters check"
            )
            return ArchiveOutcome(shown, slug, f"skipped, a concept ({why})")
        return archive_brief(brief, path, ws, root, new_version=new_version)
    except DtzLettersError as exc:
        text = str(exc)
        error = text if text.startswith(shown) else f"{shown} [{slug}]: {text}"
        return ArchiveOutcome(shown, slug, error=error)


@dataclass(frozen=True)
class _Settings:
    waardering: str
    bewaartermijn: int | None
    selectielijst: str | None


def archive_brief(
    brief: Brief, source: Path, ws: Workspace, root: Path, *, new_version: bool = False
) -> ArchiveOutcome:
    """Archive one resolved letter; :class:`ArchiveError` when it may not be archived."""
    shown = display_path(source)
    refuse_concept(brief, shown)
    settings = archief_settings(brief)
    assert brief.datum is not None  # a definitief letter without missing facts has a date
    profile = brief.profile.profile
    identificatie = identificatie_for(profile.tooi, brief.datum, brief.kenmerk, brief.name)
    contents = {
        KIND_PDF: render_archival_pdf(brief, ws),
        KIND_BRIEF: source.read_bytes(),
        KIND_PROFIEL: brief.profile.file.read_bytes(),
    }
    folder = folder_for(root, brief.slug, brief.datum, identificatie)
    with archive_lock(root), open_register(root, create=True) as conn:
        recover(conn, root)
        latest = conn.execute(
            "SELECT max(version) FROM files WHERE identificatie = ?", (identificatie,)
        ).fetchone()[0]
        if latest:
            names = Names(identificatie, latest)
            if _unchanged(conn, names, brief, settings, contents[KIND_PDF]):
                return ArchiveOutcome(shown, brief.slug, "unchanged", identificatie, latest, folder)
            if not new_version:
                raise ArchiveError(
                    f"{identificatie} is already archived (version {latest}) with different "
                    "content; nothing was changed. Archive it with --new-version to store the "
                    "new version beside the old one."
                )
        version = (latest or 0) + 1
        names = Names(identificatie, version)
        _store(conn, root, folder, names, brief, settings, contents)
    status = "archived" if version == 1 else "new version"
    return ArchiveOutcome(shown, brief.slug, status, identificatie, version, folder)


def refuse_concept(brief: Brief, shown: str) -> None:
    """Raise when ``brief`` is a concept: only final letters are archived."""
    if brief.status == "concept":
        raise ArchiveError(
            f"{shown} [{brief.slug}]: the letter is a concept (status: concept); only a "
            "definitief letter is archived. Set status: definitief when it is final."
        )
    if brief.missing:
        facts = "\n".join(f"  {p}" for p in brief.missing)
        raise ArchiveError(
            f"{shown} [{brief.slug}]: the letter still has unknown facts, so it is a concept "
            f"and is not archived. Fill them in first:\n{facts}"
        )


def archief_settings(brief: Brief) -> _Settings:
    """The waardering and bewaartermijn from the municipality's profile, or a refusal."""
    loaded = brief.profile
    archief = loaded.profile.archief
    shown = display_path(loaded.file)
    if archief is None:
        raise ArchiveError(
            f"{shown}: archief: the profile of {loaded.slug} has no archief settings; add "
            "archief with waardering (B or V), bewaartermijn (years, with V) and selectielijst "
            "from the municipality's selectielijst before archiving."
        )
    if isinstance(archief.waardering, Onbekend):
        where = loaded.source.problem(("archief", "waardering"), "", key=True)
        raise ArchiveError(
            f"{where.file}:{where.line}:{where.column}: archief.waardering: the waardering is "
            f"not known ({archief.waardering.onbekend}); a letter is not archived without it."
        )
    if archief.waardering == "V" and archief.bewaartermijn is None:
        where = loaded.source.problem(("archief", "waardering"), "", key=True)
        raise ArchiveError(
            f"{where.file}:{where.line}:{where.column}: archief.bewaartermijn: waardering V "
            "(vernietigen) needs a bewaartermijn in years from the selectielijst."
        )
    if archief.waardering == "B" and archief.bewaartermijn is not None:
        where = loaded.source.problem(("archief", "bewaartermijn"), "", key=True)
        raise ArchiveError(
            f"{where.file}:{where.line}:{where.column}: archief.bewaartermijn: waardering B "
            "(bewaren) is permanent and has no bewaartermijn; remove it or correct the "
            "waardering."
        )
    selectielijst = None if isinstance(archief.selectielijst, Onbekend) else archief.selectielijst
    return _Settings(archief.waardering, archief.bewaartermijn, selectielijst)


def render_archival_pdf(brief: Brief, ws: Workspace) -> bytes:
    """The letter as PDF/A-2a that format identification recognises as such."""
    from ._pdf import render_pdf
    from ._pdfa import finalize_pdfa

    return finalize_pdfa(render_pdf(brief, ws, variant=PDF_VARIANT))


def informatieobject_for(
    names: Names, brief: Brief, settings: _Settings
) -> Informatieobject:
    profile = brief.profile.profile
    assert brief.datum is not None
    ids = [(names.base, BRON)]
    if brief.kenmerk:
        ids.append((brief.kenmerk, f"zaaksysteem {profile.officiele_naam}"))
    previous = None
    if names.version > 1:
        before = Names(names.identificatie, names.version - 1)
        previous = Verwijzing(brief.onderwerp, before.base, BRON)
    return Informatieobject(
        identificatie=tuple(ids),
        naam=brief.onderwerp,
        datum=brief.datum,
        waardering=settings.waardering,
        bewaartermijn=settings.bewaartermijn,
        selectielijst=settings.selectielijst,
        archiefvormer=Verwijzing(profile.officiele_naam, profile.tooi, TOOI_BRON),
        representaties=tuple(
            Verwijzing(names.content(kind), names.content(kind), BRON) for kind in CONTENT_KINDS
        ),
        vorige_versie=previous,
    )


def _unchanged(
    conn: sqlite3.Connection, names: Names, brief: Brief, settings: _Settings, pdf: bytes
) -> bool:
    """Whether the archived ``names.version`` already holds this PDF and this metadata.

    The sources are not compared: an edit elsewhere in the letter file (another
    municipality's passage, a comment) does not change what this municipality archived, and
    the stored source still renders the stored PDF.
    """
    stored = {
        kind: sha
        for kind, sha in conn.execute(
            "SELECT kind, sha256 FROM files "
            "WHERE identificatie = ? AND version = ? AND kind IN (?, ?)",
            (names.identificatie, names.version, KIND_PDF, KIND_INFORMATIEOBJECT),
        )
    }
    metadata = informatieobject_xml(informatieobject_for(names, brief, settings))
    return stored.get(KIND_PDF) == sha256(pdf) and stored.get(KIND_INFORMATIEOBJECT) == sha256(
        metadata
    )


def _store(
    conn: sqlite3.Connection,
    root: Path,
    folder: Path,
    names: Names,
    brief: Brief,
    settings: _Settings,
    contents: dict[str, bytes],
) -> None:
    """Write one version's files (never over an existing one), then its register rows."""
    from ._files import write_atomic

    now = checksum_time()
    io_ref = Verwijzing(brief.onderwerp, names.base, BRON)
    formats = identify_contents({names.content(k): data for k, data in contents.items()})
    pdf_puid = formats[names.content(KIND_PDF)][0]
    from ._pdfa import PUID_PDFA_2A

    if pdf_puid != PUID_PDFA_2A:
        raise ArchiveError(
            f"siegfried identifies the PDF of {names.base} as {pdf_puid}, not {PUID_PDFA_2A} "
            "(PDF/A-2a); it is not archived."
        )
    files: list[tuple[str, str, bytes]] = []  # kind, name, data
    for kind in CONTENT_KINDS:
        name = names.content(kind)
        data = contents[kind]
        puid, label = formats[name]
        sidecar = bestand_xml(
            Bestand(name, BRON, name, len(data), puid, label, sha256(data), now, io_ref)
        )
        files += [(kind, name, data), (KIND_BESTAND, sidecar_name(name), sidecar)]
    metadata = informatieobject_xml(informatieobject_for(names, brief, settings))
    files.append((KIND_INFORMATIEOBJECT, names.informatieobject, metadata))

    for _kind, name, _data in files:
        target = folder / check_name(name)
        if target.exists() or target.is_symlink():
            raise ArchiveError(
                f"{display_path(target)} already exists but is not in the register; nothing "
                "was written. Run dtz-letters verify and resolve it by hand."
            )
    _write_pending(root, [((folder / name).relative_to(root).as_posix(), data)
                          for _kind, name, data in files])
    try:
        for _kind, name, data in files:
            write_atomic(folder / name, data)
    except Exception:
        recover(conn, root)  # a failed write (disk full): the version is not half there
        raise

    archived_at = now.isoformat()
    assert brief.datum is not None
    rows = [
        (
            names.identificatie, brief.slug, brief.datum.isoformat(), brief.onderwerp,
            brief.kenmerk or "", kind, sha256(data), len(data),
            (folder / name).relative_to(root).as_posix(), archived_at, names.version,
        )
        for kind, name, data in files
    ]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(f"INSERT INTO files ({_COLUMNS}) VALUES ({', '.join('?' * 11)})", rows)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    _clear_pending(root)


def identify_contents(contents: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """PUID and format name of each file, as siegfried identifies the exact bytes.

    Each file is identified under its archive name, since siegfried also weighs the extension.
    """
    with tempfile.TemporaryDirectory(prefix="dtz-letters-identify-") as tmp:
        result = {}
        for name, data in contents.items():
            path = Path(tmp) / name
            path.write_bytes(data)
            result[name] = identify(path)
        return result


def identify(path: Path) -> tuple[str, str]:
    """(PUID, format name) of ``path`` by siegfried; ``("UNKNOWN", "")`` when it has none."""
    import pygfried

    result = pygfried.identify(str(path), detailed=True)
    matches = result["files"][0]["matches"] if result["files"] else []
    if not matches or not matches[0]["id"] or matches[0]["id"] == "UNKNOWN":
        return "UNKNOWN", ""
    match = matches[0]
    label = " ".join(p for p in (match["format"], match["version"]) if p)
    return match["id"], label


def checksum_time() -> dt.datetime:
    """When checksums are recorded: SOURCE_DATE_EPOCH if set (reproducible runs), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
