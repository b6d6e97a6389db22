"""What the Word template and the DOCX renderer share: page geometry, numbering ids, and
how a DOCX package is written reproducibly (core properties, zip entry dates).

The template is built by :mod:`dtz_letters._tools.docx_template` (``make templates``); the
renderer fills it. Both read these values from here, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document

#: The zip timestamp of every entry: the earliest date a zip file can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: Creation date of the template itself (the rendered letter gets its own date).
TEMPLATE_DATE = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def twips(mm: float) -> int:
    """``mm`` millimetres in twentieths of a point, the unit of Word's page geometry."""
    return round(mm * 1440 / 25.4)


# The page geometry mirrors templates/base/letter.css, so that the DOCX (in Word or converted
# by LibreOffice) breaks its pages where the PDF does. Change both together.

#: Page margins (CSS @page: 26mm 25mm 22mm 25mm).
MARGIN_TOP_TWIPS = twips(26)
MARGIN_BOTTOM_TWIPS = twips(22)
MARGIN_SIDE_TWIPS = twips(25)
#: Width of the text column: A4 (11906) minus the two side margins (160 mm).
TEXT_WIDTH_TWIPS = 11906 - 2 * MARGIN_SIDE_TWIPS
#: Where the letter starts on page 1, below the letterhead (CSS: @page :first margin-top
#: 14mm + main padding-top 38mm), as space above the first paragraph of the body.
FIRST_PAGE_OFFSET_TWIPS = twips(14 + 38) - MARGIN_TOP_TWIPS
#: Width of the label column of the reference block (CSS .reference th: 32mm).
LABEL_WIDTH_TWIPS = twips(32)
#: Distance from one signatory to the next (CSS .signatory: 60mm wide + 12mm margin).
SIGNATORY_PITCH_TWIPS = twips(72)
#: Signatories side by side: as many as fit in the text column (the PDF wraps the same way).
SIGNATORIES_PER_ROW = 2
#: The letterhead (CSS .letterhead, .logo, .sender): from the page's top-left corner.
LOGO_LEFT_MM, LOGO_TOP_MM = 25.0, 14.0
LOGO_MAX_WIDTH_MM, LOGO_MAX_HEIGHT_MM = 48.0, 17.0
SENDER_LEFT_MM, SENDER_TOP_MM, SENDER_WIDTH_MM = 25.0 + 110, 14.0 + 1, 50.0

#: numIds in numbering.xml. Ordered lists in a letter each get a new w:num (see docx.py).
NUM_BULLET = 1
NUM_DECIMAL = 2
NUM_BIJLAGEN = 3
ABSTRACT_BULLET = 10
ABSTRACT_DECIMAL = 20


_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def set_core_properties(doc: Document, values: dict[str, str], when: dt.datetime) -> None:
    """Write docProps/core.xml whole: ``{"dc:title": ...}`` plus created/modified ``when``.

    Not through python-docx's API: importing docxcompose (docxtpl's sub-documents) rebinds
    python-docx's "cp" prefix to the custom-properties namespace, after which python-docx
    writes cp:keywords, cp:revision and the like in the wrong namespace.
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from lxml import etree

    root = etree.Element(f"{{{_CORE_NS['cp']}}}coreProperties", nsmap=_CORE_NS)
    for name, value in values.items():
        prefix, local = name.split(":")
        etree.SubElement(root, f"{{{_CORE_NS[prefix]}}}{local}").text = value
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for local in ("created", "modified"):
        el = etree.SubElement(root, f"{{{_CORE_NS['dcterms']}}}{local}")
        el.set(f"{{{_CORE_NS['xsi']}}}type", "dcterms:W3CDTF")
        el.text = stamp
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = doc.part.package.part_related_by(RT.CORE_PROPERTIES)
    part._element = parse_xml(xml)


def repack(data: bytes, parts: Mapping[str, bytes] | None = None) -> bytes:
    """The same zip with fixed entry dates: same content, same bytes.

    ``parts`` replace entries of the same name or are added after the others. Fonts are
    compressed at the fastest level: they shrink by half at any level, and at the default
    one compressing them would cost more than the rest of a render; and they are compressed
    once per process (the same font file gives the same part in every letter).
    """
    parts = dict(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:

        def write(name: str, content: bytes) -> None:
            entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            if name.endswith(".odttf"):
                _write_font(dst, entry, content)
            else:
                dst.writestr(entry, content, compresslevel=6)

        for info in src.infolist():  # keep the order: [Content_Types].xml stays first
            content = parts.pop(info.filename, None)
            write(info.filename, src.read(info.filename) if content is None else content)
        for name, content in sorted(parts.items()):
            write(name, content)
    return out.getvalue()


#: The compression level of embedded fonts.
FONT_LEVEL = 1


def _write_font(dst: zipfile.ZipFile, entry: zipfile.ZipInfo, content: bytes) -> None:
    """Write a font part compressed at :data:`FONT_LEVEL`, reusing its compressed stream.

    zipfile compresses what it writes through its entry's compressor; a compressor that
    hands back the stream made earlier for the same bytes (exactly what zlib gives at this
    level) saves compressing the font again for every letter. Where zipfile has no such
    compressor (another Python), it compresses as usual: the bytes are the same.
    """
    if not _can_replay():
        dst.writestr(entry, content, compresslevel=FONT_LEVEL)
        return
    with dst.open(entry, "w") as fh:
        fh._compressor = _Replay(_deflated(content))  # type: ignore[attr-defined]
        fh.write(content)


@cache
def _can_replay() -> bool:
    """Whether zipfile's entry writer compresses through a ``_compressor`` (CPython 3.11+)."""
    with zipfile.ZipFile(io.BytesIO(), "w") as probe, probe.open("probe", "w") as fh:
        return hasattr(fh, "_compressor")


class _Replay:
    """A compressor whose output was made before: compresses nothing, flushes the stream."""

    def __init__(self, stream: bytes) -> None:
        self.stream = stream

    def compress(self, data: bytes) -> bytes:
        return b""

    def flush(self) -> bytes:
        return self.stream


@lru_cache(maxsize=8)
def _deflated(content: bytes) -> bytes:
    """``content`` as raw deflate at :data:`FONT_LEVEL`, as zipfile writes it."""
    compressor = zlib.compressobj(FONT_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()
