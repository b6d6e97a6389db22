"""Names in the archive: the identificatie of a letter, and the files of each version.

The names follow the MDTO SIP rules (no spaces, none of ``< > : " / \\ | ? * # &``, at most
255 characters), so each folder can be handed to an e-depot as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiveError

#: Kinds of register rows: stored files, and the sidecars that describe them.
KIND_PDF, KIND_BRIEF, KIND_PROFIEL = "pdf", "brief", "profiel"
KIND_INFORMATIEOBJECT, KIND_BESTAND = "informatieobject", "bestand"
CONTENT_KINDS = (KIND_PDF, KIND_BRIEF, KIND_PROFIEL)

#: Characters the MDTO SIP rules forbid in names, and whitespace.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*#&\s]')
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 255


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
