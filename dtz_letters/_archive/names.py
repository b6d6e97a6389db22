"""Names in the archive: the identificatie of a letter, and the files of each version.

The names follow the MDTO SIP rules (no spaces, none of ``< > : " / \\ | ? * # &``, at most
255 characters), so each folder can be handed to an e-depot as it is. They are also
injective: two different letters never share an identificatie or a file name. The rule:

- ``identificatie = <TOOI code>-<date>-<tail>``. The tail is the kenmerk itself when it is
  *plain* (letters and digits in groups joined by single hyphens: ``Z-2025-0123``). Any other
  kenmerk (``Z/2025/0123``, ``Z 25.1``) is shown with each run of other characters as one
  hyphen, followed by ``_`` and the first 10 hex digits of the SHA-256 of the kenmerk:
  ``Z-2025-0123_3f9a2c1d0e``. So ``Z/25/1`` and ``Z-25-1`` stay apart, and the kenmerk stays
  recognisable. A letter without a kenmerk is named after its source file (its path in the
  workspace), always with the hash of that path: ``rib-dtz_9c0d1e2f3a``.
- A plain tail has no ``_``; a hashed one has exactly one, before 10 hex digits. Every other
  part a name adds starts with ``_`` and a word that is not 10 hex digits: ``_v2`` (version
  2), ``_bron``, ``_brief``, ``_profiel``, ``_bijlage-1``. So a file name tells its letter,
  version and role without ambiguity: version 2 of ``Z-1`` (``…-Z-1_v2``) is never the
  letter with kenmerk ``Z-1-v2`` (``…-Z-1-v2``).

Two different kenmerken share a hashed tail only if their SHA-256 share the first 40 bits and
their readable parts are equal (on the same day, in the same municipality).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiveError

#: Kinds of register rows: stored files, and the sidecars that describe them.
KIND_PDF, KIND_BRIEF, KIND_PROFIEL, KIND_BIJLAGE = "pdf", "brief", "profiel", "bijlage"
#: The letter's informatieobject, the informatieobject of its sources, and bestand sidecars.
KIND_INFORMATIEOBJECT, KIND_BRON, KIND_BESTAND = "informatieobject", "bron", "bestand"
#: The sources a letter was rendered from: context, related to the letter, not a representation.
SOURCE_KINDS = (KIND_BRIEF, KIND_PROFIEL)

#: Characters the MDTO SIP rules forbid in names, and whitespace.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*#&\s]')
_PLAIN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_OTHER = re.compile(r"[^A-Za-z0-9]+")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")
MAX_NAME = 255
#: A plain kenmerk longer than this is shortened, and then hashed like any other.
_MAX_TAIL = 120
HASH_DIGITS = 10


def identificatie_for(tooi: str, datum: dt.date, kenmerk: str | None, source: str) -> str:
    """The identity of one letter for one municipality, safe as a SIP name (see the module).

    ``source`` is the letter file's path in the workspace (its source identity): it names a
    letter without a kenmerk.
    """
    if kenmerk:
        tail = _tail(kenmerk, f"kenmerk:{kenmerk}", always_hash=False)
    else:
        stem = re.sub(r"\.ya?ml$", "", source.removeprefix("letters/"))
        tail = _tail(stem, f"bron:{source}", always_hash=True)
    return check_name(f"{tooi}-{datum.isoformat()}-{tail}")


def _tail(text: str, hashed: str, *, always_hash: bool) -> str:
    if not always_hash and len(text) <= _MAX_TAIL and _PLAIN.fullmatch(text):
        return text
    readable = _OTHER.sub("-", text).strip("-")[:100].strip("-") or "brief"
    return f"{readable}_{hashlib.sha256(hashed.encode('utf-8')).hexdigest()[:HASH_DIGITS]}"


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
        """The identificatie of this version's informatieobject."""
        return self.identificatie if self.version == 1 else f"{self.identificatie}_v{self.version}"

    @property
    def bron(self) -> str:
        """The identificatie of the informatieobject of this version's sources."""
        return f"{self.base}_bron"

    @property
    def informatieobject(self) -> str:
        return f"{self.base}.mdto.xml"

    @property
    def bron_informatieobject(self) -> str:
        return f"{self.bron}.mdto.xml"

    def content(self, kind: str) -> str:
        return {
            KIND_PDF: f"{self.base}.pdf",
            KIND_BRIEF: f"{self.base}_brief.yaml",
            KIND_PROFIEL: f"{self.base}_profiel.yaml",
        }[kind]

    def bijlage(self, number: int, original: str) -> str:
        """Attachment ``number`` (from 1), keeping the original's suffix when it is plain."""
        suffix = Path(original).suffix.lower()
        return f"{self.base}_bijlage-{number}{suffix if _SUFFIX.fullmatch(suffix) else ''}"


def sidecar_name(file_name: str) -> str:
    return f"{file_name}.bestand.mdto.xml"


def folder_for(root: Path, slug: str, datum: dt.date, identificatie: str) -> Path:
    return root / slug / f"{datum.year:04d}" / identificatie
