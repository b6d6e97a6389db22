"""Storing one final letter version: its PDF/A-2a, its sources and their MDTO sidecars.

Nothing archived is overwritten or deleted. Archiving an unchanged letter again changes
nothing; a changed letter needs ``new_version``. The steps that make a store safe against
interruption are in :mod:`.journal`; the register row is written last, under the lock.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .._compose.brief import Brief
from .._files import write_atomic
from .._input.load import LetterFile, ProfileFile
from .._input.workspace import HouseStyle
from .._pdfpost.pdfa import PUID_PDFA_2A, finalize_pdfa
from .._reports import ArchiveOutcome
from ..errors import ArchiveError, display_path
from .identify import checksum_time, identify_contents, sha256
from .journal import clear_pending, recover, write_pending
from .mdto import Bestand, Verwijzing, bestand_xml, informatieobject_xml
from .metadata import BRON, informatieobject_for
from .names import (
    CONTENT_KINDS,
    KIND_BESTAND,
    KIND_BRIEF,
    KIND_INFORMATIEOBJECT,
    KIND_PDF,
    KIND_PROFIEL,
    Names,
    check_name,
    folder_for,
    identificatie_for,
    sidecar_name,
)
from .policy import Settings, archief_settings, refuse_concept
from .register import archive_lock, insert_rows, open_register

PDF_VARIANT = "pdf/a-2a"


def archive_brief(
    brief: Brief,
    letter: LetterFile,
    profile: ProfileFile,
    style: HouseStyle,
    root: Path,
    *,
    new_version: bool = False,
) -> ArchiveOutcome:
    """Archive one resolved letter; :class:`ArchiveError` when it may not be archived."""
    shown = display_path(letter.path)
    refuse_concept(brief, shown)
    settings = archief_settings(profile)
    assert brief.datum is not None  # a definitief letter without missing facts has a date
    identificatie = identificatie_for(brief.tooi, brief.datum, brief.kenmerk, brief.name)
    contents = {
        KIND_PDF: render_archival_pdf(brief, style),
        KIND_BRIEF: letter.path.read_bytes(),
        KIND_PROFIEL: profile.file.read_bytes(),
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


def render_archival_pdf(brief: Brief, style: HouseStyle) -> bytes:
    """The letter as PDF/A-2a that format identification recognises as such."""
    from .._render.pdf import render_pdf

    return finalize_pdfa(render_pdf(brief, style, variant=PDF_VARIANT))


def _unchanged(
    conn: sqlite3.Connection, names: Names, brief: Brief, settings: Settings, pdf: bytes
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
    settings: Settings,
    contents: dict[str, bytes],
) -> None:
    """Write one version's files (never over an existing one), then its register rows."""
    now = checksum_time()
    io_ref = Verwijzing(brief.onderwerp, names.base, BRON)
    formats = identify_contents({names.content(k): data for k, data in contents.items()})
    pdf_puid = formats[names.content(KIND_PDF)][0]
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
    write_pending(
        root, [((folder / name).relative_to(root).as_posix(), data) for _kind, name, data in files]
    )
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
        )
        for kind, name, data in files
    ]
    insert_rows(conn, rows)
    clear_pending(root)
