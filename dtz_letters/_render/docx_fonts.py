"""The house fonts embedded in a DOCX, so the letter looks the same on any machine.

Word and LibreOffice both use fonts embedded in the package (ECMA-376 Part 1, 17.8.1 "Font
Embedding"): each face is a part ``word/fonts/*.odttf`` related from ``word/fontTable.xml``,
named there by ``w:embedRegular``/``w:embedBold``/``w:embedItalic``/``w:embedBoldItalic``
with a ``w:fontKey`` GUID, and stored obfuscated: its first 32 bytes XORed with that key.
``w:embedTrueTypeFonts`` in the settings makes Word keep them embedded when it saves.

Only the shipped fonts in ``templates/fonts/`` are embedded, and only those whose licence
flags allow it (OpenType ``OS/2.fsType``: not "restricted licence", not "bitmap only"): Open
Sans (Apache-2.0, fsType 8: editable embedding) and DejaVu Sans (Bitstream Vera licence,
fsType 0: installable). The fallback font travels only with a letter that needs it, the
italic faces only with a letter that has italic text: each face is some 110 kB compressed.

Font keys are derived from the font files, so the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from .._files import write_atomic
from .._input.workspace import cache_folder

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
_ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_TABLE = "word/fontTable.xml"
FONT_TABLE_RELS = "word/_rels/fontTable.xml.rels"
SETTINGS = "word/settings.xml"
CONTENT_TYPES = "[Content_Types].xml"
#: The faces in the order fontTable.xml lists them, by the subfamily names fonts give them.
FACES = ("Regular", "Bold", "Italic", "BoldItalic")
_SUBFAMILIES = {
    "regular": "Regular",
    "book": "Regular",
    "bold": "Bold",
    "italic": "Italic",
    "oblique": "Italic",
    "bold italic": "BoldItalic",
    "bold oblique": "BoldItalic",
}
#: OS/2 fsType bits that forbid embedding: restricted licence, bitmap embedding only.
_NOT_EMBEDDABLE = 0x0002 | 0x0200
#: Elements of w:settings that come before w:embedTrueTypeFonts (CT_Settings' sequence).
_SETTINGS_BEFORE = (
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
)
#: Elements of w:font that come before the w:embed* ones (CT_Font's sequence).
_FONT_BEFORE = ("altName", "panose1", "charset", "family", "notTrueType", "pitch", "sig")


@dataclass(frozen=True)
class Face:
    """One shipped font file, ready to embed."""

    family: str
    face: str  # one of FACES
    path: Path
    fs_type: int

    @property
    def embeddable(self) -> bool:
        return not self.fs_type & _NOT_EMBEDDABLE


def shipped_faces(fonts: Path) -> dict[str, dict[str, Face]]:
    """The fonts in ``fonts`` by family and face, as their name tables name them."""
    listing = []
    for p in sorted(fonts.glob("*.ttf")):
        stat = p.stat()
        listing.append((p.name, stat.st_mtime_ns, stat.st_size, stat.st_ino))
    # The workspace's cache folder, found as the renderers find it (templates/fonts/ in the
    # workspace, whatever the folder may link to).
    records = cache_folder(fonts.parent.parent) / "fonts"
    return _faces(fonts.resolve(), tuple(listing), records)


@lru_cache(maxsize=8)
def _faces(
    fonts: Path, listing: tuple[tuple[str, int, int, int], ...], records: Path
) -> dict[str, dict[str, Face]]:
    # What the name tables said is kept in the cache folder, by the fonts' names, dates, sizes
    # and inodes: reading them takes a new process some 20 ms (fontTools' table modules), as
    # much as the rest of a DOCX.
    record = records / f"{_digest(fonts, listing)}.json"
    try:
        known = [
            (str(family), str(face), str(name), int(fs_type))
            for family, face, name, fs_type in json.loads(record.read_bytes())
        ]
        if not {name for _, _, name, _ in known} <= {name for name, *_ in listing}:
            raise ValueError("a record of other fonts")
    except (OSError, ValueError, TypeError):
        known = _read_faces(fonts, [name for name, *_ in listing])
        with contextlib.suppress(OSError):  # no cache folder: read them again next time
            record.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(record, json.dumps(known).encode(), durable=False)
    found: dict[str, dict[str, Face]] = {}
    for family, face, name, fs_type in known:
        if face in FACES:
            found.setdefault(family, {})[face] = Face(family, face, fonts / name, fs_type)
    return found


def _read_faces(fonts: Path, names: list[str]) -> list[tuple[str, str, str, int]]:
    """(family, face, file name, fsType) of each font file that is one of :data:`FACES`."""
    from fontTools.ttLib import TTFont

    found = []
    for name in names:
        with TTFont(fonts / name, lazy=True) as font:
            names_table = font["name"]
            family = str(names_table.getDebugName(16) or names_table.getDebugName(1))
            subfamily = str(names_table.getDebugName(17) or names_table.getDebugName(2)).lower()
            fs_type = int(font["OS/2"].fsType)
        face = _SUBFAMILIES.get(subfamily)
        if face is not None:
            found.append((family, face, name, fs_type))
    return found


def _digest(fonts: Path, listing: tuple[tuple[str, int, int, int], ...]) -> str:
    return hashlib.sha256(repr((str(fonts), listing)).encode()).hexdigest()[:32]


def embed_fonts(
    docx: bytes, families: Iterable[str], fonts: Path, italic: bool = True
) -> dict[str, bytes]:
    """The parts to add to or replace in ``docx`` so that the shipped, embeddable faces of
    ``families`` are embedded (the italic ones only with ``italic``: a letter without italic
    text does not carry them); empty when none of them is shipped."""
    shipped = shipped_faces(fonts)
    faces = [
        face
        for family in dict.fromkeys(families)
        for face in shipped.get(family, {}).values()
        if face.embeddable and (italic or "Italic" not in face.face)
    ]
    if not faces:
        return {}
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        names = set(z.namelist())

        def read(name: str) -> bytes | None:
            return z.read(name) if name in names else None

        font_table, rels = read(FONT_TABLE), read(FONT_TABLE_RELS)
        settings, content_types = read(SETTINGS), read(CONTENT_TYPES)
    if font_table is None or content_types is None:
        return {}
    parts: dict[str, bytes] = {}
    table = etree.fromstring(font_table)
    rel_root = (
        etree.fromstring(rels)
        if rels is not None
        else etree.Element(f"{{{_PR}}}Relationships", nsmap={None: _PR})
    )
    taken = {rel.get("Id") for rel in rel_root}
    for family in dict.fromkeys(f.family for f in faces):
        entry = _font_entry(table, family)
        for face in sorted((f for f in faces if f.family == family), key=_face_order):
            part = f"word/fonts/{face.path.stem}.odttf"
            key, data = obfuscated(face.path)
            parts[part] = data
            rid = _free_id(taken)
            etree.SubElement(
                rel_root,
                f"{{{_PR}}}Relationship",
                Id=rid,
                Type=_FONT_REL,
                Target=part.removeprefix("word/"),
            )
            embed = etree.SubElement(entry, f"{{{_W}}}embed{face.face}")
            embed.set(f"{{{_R}}}id", rid)
            embed.set(f"{{{_W}}}fontKey", key)
    parts[FONT_TABLE] = _xml(table)
    parts[FONT_TABLE_RELS] = _xml(rel_root)
    parts[CONTENT_TYPES] = _with_odttf_type(content_types)
    if settings is not None:
        parts[SETTINGS] = _with_embedding_on(settings)
    return parts


def obfuscated(path: Path) -> tuple[str, bytes]:
    """The font key and the obfuscated bytes of the font file at ``path``."""
    stat = path.stat()
    return _obfuscated(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _obfuscated(path: Path, mtime_ns: int, size: int) -> tuple[str, bytes]:
    data = bytearray(path.read_bytes())
    guid = uuid.uuid5(uuid.NAMESPACE_URL, "dtz-letters:font:" + hashlib.sha256(data).hexdigest())
    key = f"{{{str(guid).upper()}}}"
    # 17.8.1: the GUID's 16 bytes, taken from its hexadecimal digits last to first.
    xor = bytes.fromhex(guid.hex)[::-1]
    for i in range(32):
        data[i] ^= xor[i % 16]
    return key, bytes(data)


def _face_order(face: Face) -> int:
    return FACES.index(face.face)


def _free_id(taken: set[str | None]) -> str:
    n = 1
    while f"rIdFont{n}" in taken:
        n += 1
    rid = f"rIdFont{n}"
    taken.add(rid)
    return rid


def _font_entry(table: etree._Element, family: str) -> etree._Element:
    """The w:font of ``family``, made if missing, without earlier w:embed* children."""
    for entry in table.findall(f"{{{_W}}}font"):
        if entry.get(f"{{{_W}}}name") == family:
            break
    else:
        entry = etree.SubElement(table, f"{{{_W}}}font")
        entry.set(f"{{{_W}}}name", family)
    for child in list(entry):
        if etree.QName(child).localname not in _FONT_BEFORE:
            entry.remove(child)
    return entry


def _with_odttf_type(content_types: bytes) -> bytes:
    root = etree.fromstring(content_types)
    if not any(
        d.get("Extension", "").lower() == "odttf" for d in root.findall(f"{{{_CT}}}Default")
    ):
        default = etree.Element(f"{{{_CT}}}Default", Extension="odttf", ContentType=_ODTTF)
        root.insert(0, default)
    return _xml(root)


def _with_embedding_on(settings: bytes) -> bytes:
    root = etree.fromstring(settings)
    if root.find(f"{{{_W}}}embedTrueTypeFonts") is None:
        flag = etree.Element(f"{{{_W}}}embedTrueTypeFonts")
        position = 0
        for i, child in enumerate(root):
            if etree.QName(child).localname in _SETTINGS_BEFORE:
                position = i + 1
        root.insert(position, flag)
    return _xml(root)


def _xml(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
