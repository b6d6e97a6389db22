"""Storing one final letter version: its PDF/A-2a, its attachments, its sources and their MDTO
sidecars.

Nothing archived is overwritten or deleted. Archiving an unchanged letter again changes
nothing; a changed letter needs ``new_version``, which only ever extends the same letter
(the same source file): another letter that happens to get the same identity is refused,
naming both. The steps that make a store safe against interruption are in :mod:`.journal`;
the register rows are written last, under the lock.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .._compose.brief import Brief
from .._files import write_atomic
from .._input.load import LetterFile, ProfileFile
from .._input.validate import AttachmentFile, attachment_files
from .._input.workspace import HouseStyle
from .._pdfpost.pdfa import PUID_PDFA_2A, finalize_pdfa
from .._reports import ArchiveOutcome
from ..errors import ArchiveError, display_path
from .identify import checksum_time, identify_contents, sha256
from .journal import clear_pending, recover, write_pending
from .mdto import Bestand, Verwijzing, bestand_xml, checksum_datum, informatieobject_xml
from .metadata import (
    Previous,
    archive_bron,
    bron_informatieobject,
    bron_naam,
    letter_informatieobject,
)
from .names import (
    KIND_BESTAND,
    KIND_BIJLAGE,
    KIND_BRIEF,
    KIND_BRON,
    KIND_INFORMATIEOBJECT,
    KIND_PDF,
    KIND_PROFIEL,
    Names,
    check_name,
    folder_for,
    identificatie_for,
    sidecar_name,
)
from .policy import Settings, archive_settings, refuse_concept
from .register import archive_lock, insert_rows, open_register, version_digest

PDF_VARIANT = "pdf/a-2a"


@dataclass(frozen=True)
class _Content:
    """What one version stores: the PDF, the attachments (original name, bytes), the sources."""

    pdf: bytes
    bijlagen: tuple[AttachmentFile, ...]
    brief: bytes
    profiel: bytes


def source_identity(letter: Path, workspace_root: Path) -> str:
    """The letter file as the archive knows it: its path in the workspace (else absolute)."""
    path = letter.resolve()
    root = workspace_root.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def archive_brief(
    brief: Brief,
    letter: LetterFile,
    profile: ProfileFile,
    style: HouseStyle,
    root: Path,
    *,
    workspace_root: Path,
    new_version: bool = False,
    warnings: list[str] | None = None,
) -> ArchiveOutcome:
    """Archive one resolved letter; :class:`ArchiveError` when it may not be archived
    (:class:`~.policy.UnknownSettingsError` when its archive settings are not known yet).
    What an interrupted run (another process's) left and was rolled back is added to
    ``warnings``."""
    shown = display_path(letter.path)
    refuse_concept(brief, shown)
    settings = archive_settings(letter, profile, kenmerk=bool(brief.kenmerk))
    assert brief.datum is not None  # a definitief letter without missing facts has a date
    source = source_identity(letter.path, workspace_root)
    identificatie = identificatie_for(brief.tooi, brief.datum, brief.kenmerk, source)
    content = _Content(
        pdf=render_archival_pdf(brief, style),
        bijlagen=_read_bijlagen(letter, workspace_root),
        brief=letter.path.read_bytes(),
        profiel=profile.file.read_bytes(),
    )
    folder = folder_for(root, brief.slug, brief.datum, identificatie)
    with archive_lock(root), open_register(root, create=True) as conn:
        rolled_back = recover(conn, root)
        if warnings is not None:
            warnings += rolled_back
        latest, stored_source = conn.execute(
            "SELECT max(version), max(source) FROM files WHERE identificatie = ?",
            (identificatie,),
        ).fetchone()
        if latest:
            names = Names(identificatie, latest)
            if _unchanged(conn, names, brief, settings, content):
                return ArchiveOutcome(shown, brief.slug, "unchanged", identificatie, latest, folder)
            if stored_source and stored_source != source:
                raise ArchiveError(
                    f"{shown} [{brief.slug}]: {identificatie} is already archived from "
                    f"{stored_source}; {source} is another letter with the same municipality, "
                    "date and kenmerk, so it is not archived, not even as a new version "
                    f"(that only extends the same letter). Give it its own kenmerk, or archive "
                    f"the change from {stored_source}."
                )
            if not new_version:
                raise ArchiveError(
                    f"{identificatie} is already archived (version {latest}) with different "
                    "content; nothing was changed. Archive it with --new-version to store the "
                    "new version beside the old one."
                )
        version = (latest or 0) + 1
        names = Names(identificatie, version)
        _store(conn, root, folder, names, brief, settings, content, source)
    status = "archived" if version == 1 else "new version"
    return ArchiveOutcome(shown, brief.slug, status, identificatie, version, folder)


def render_archival_pdf(brief: Brief, style: HouseStyle) -> bytes:
    """The letter as PDF/A-2a that format identification recognises as such."""
    from .._render.pdf import render_pdf

    return finalize_pdfa(render_pdf(brief, style, variant=PDF_VARIANT))


def _read_bijlagen(letter: LetterFile, workspace_root: Path) -> tuple[AttachmentFile, ...]:
    """The attachments that name a file (validated to lie in the workspace), in order."""
    try:
        return tuple(attachment_files(letter, workspace_root))
    except ValueError as exc:
        raise ArchiveError(str(exc)) from None


def _representaties(names: Names, content: _Content) -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes) of what represents the letter: its PDF, then its attachments."""
    files = [(KIND_PDF, names.content(KIND_PDF), content.pdf)]
    files += [
        (KIND_BIJLAGE, names.bijlage(file.place, file.name), file.data) for file in content.bijlagen
    ]
    return files


def previous_of(conn: sqlite3.Connection, identificatie: str, version: int) -> Previous | None:
    """What version ``version`` records about the one before it (None for version 1)."""
    if version <= 1:
        return None
    before = Names(identificatie, version - 1)
    rows = conn.execute(
        "SELECT path, sha256, subject FROM files WHERE identificatie = ? AND version = ?",
        (identificatie, version - 1),
    ).fetchall()
    digest = version_digest((path.rsplit("/", 1)[-1], sha) for path, sha, _ in rows)
    naam = rows[0][2] if rows else ""
    return Previous(version - 1, before.base, naam, digest)


def _unchanged(
    conn: sqlite3.Connection, names: Names, brief: Brief, settings: Settings, content: _Content
) -> bool:
    """Whether the archived ``names.version`` already holds this PDF, these attachments and
    this metadata.

    The sources are not compared: an edit elsewhere in the letter file (another
    municipality's passage, a comment) does not change what this municipality archived, and
    the stored source still renders the stored PDF.
    """
    stored = {
        path.rsplit("/", 1)[-1]: sha
        for path, sha in conn.execute(
            "SELECT path, sha256 FROM files WHERE identificatie = ? AND version = ? "
            "AND kind IN (?, ?, ?)",
            (names.identificatie, names.version, KIND_PDF, KIND_BIJLAGE, KIND_INFORMATIEOBJECT),
        )
    }
    files = _representaties(names, content)
    metadata = informatieobject_xml(
        letter_informatieobject(
            names,
            brief,
            settings,
            [name for _k, name, _d in files],
            previous_of(conn, names.identificatie, names.version),
        )
    )
    wanted = {name: sha256(data) for _kind, name, data in files}
    wanted[names.informatieobject] = sha256(metadata)
    return stored == wanted


def _store(
    conn: sqlite3.Connection,
    root: Path,
    folder: Path,
    names: Names,
    brief: Brief,
    settings: Settings,
    content: _Content,
    source: str,
) -> None:
    """Write one version's files (never over an existing one), then its register rows."""
    now = checksum_time()
    bron = archive_bron(brief.officiele_naam)
    letter_ref = Verwijzing(brief.onderwerp, names.base, bron)
    sources_ref = Verwijzing(bron_naam(brief), names.bron, bron)
    representing = _representaties(names, content)
    sources = [
        (KIND_BRIEF, names.content(KIND_BRIEF), content.brief),
        (KIND_PROFIEL, names.content(KIND_PROFIEL), content.profiel),
    ]
    formats = identify_contents({name: data for _k, name, data in representing + sources})
    pdf_puid = formats[names.content(KIND_PDF)][0]
    if pdf_puid != PUID_PDFA_2A:
        raise ArchiveError(
            f"siegfried identifies the PDF of {names.base} as {pdf_puid}, not {PUID_PDFA_2A} "
            "(PDF/A-2a); it is not archived."
        )
    files: list[tuple[str, str, bytes]] = []  # kind, name, data
    for group, ref in ((representing, letter_ref), (sources, sources_ref)):
        for kind, name, data in group:
            puid, label = formats[name]
            sidecar = bestand_xml(
                Bestand(name, bron, name, len(data), puid, label, sha256(data), now, ref)
            )
            files += [(kind, name, data), (KIND_BESTAND, sidecar_name(name), sidecar)]
    previous = previous_of(conn, names.identificatie, names.version)
    letter_io = letter_informatieobject(
        names, brief, settings, [name for _k, name, _d in representing], previous
    )
    files.append((KIND_INFORMATIEOBJECT, names.informatieobject, informatieobject_xml(letter_io)))
    bron_io = bron_informatieobject(names, brief, settings)
    files.append((KIND_BRON, names.bron_informatieobject, informatieobject_xml(bron_io)))

    for _kind, name, _data in files:
        target = folder / check_name(name)
        if target.exists() or target.is_symlink():
            raise ArchiveError(
                f"{display_path(target)} already exists but is not in the register; nothing "
                "was written. Run dtz-letters verify and resolve it by hand."
            )
    write_pending(
        root, [((folder / name).relative_to(root).as_posix(), data) for _kind, name, data in files]
    )
    try:
        for _kind, name, data in files:
            write_atomic(folder / name, data)
    except Exception:
        recover(conn, root)  # a failed write (disk full): the version is not half there
        raise

    archived_at = checksum_datum(now)
    assert brief.datum is not None
    rows = [
        (
            names.identificatie,
            brief.slug,
            brief.datum.isoformat(),
            brief.onderwerp,
            brief.kenmerk or "",
            kind,
            sha256(data),
            len(data),
            (folder / name).relative_to(root).as_posix(),
            archived_at,
            names.version,
            source,
        )
        for kind, name, data in files
    ]
    insert_rows(conn, rows)
    clear_pending(root)
