"""What the Word template and the DOCX renderer share: page geometry, numbering ids, and
how a DOCX package is written reproducibly (core properties, zip entry dates).

The template is built by :mod:`dtz_letters._tools.docx_template` (``make templates``); the
renderer fills it. Both read these values from here, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document

#: The zip timestamp of every entry: the earliest date a zip file can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: Creation date of the template itself (the rendered letter gets its own date).
TEMPLATE_DATE = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)

#: Width of the text column in twentieths of a point: A4 (11906) minus 2 x 25 mm (1417).
TEXT_WIDTH_TWIPS = 11906 - 2 * 1417
#: Width of the label column of the reference block; the subject lines up with its values.
LABEL_WIDTH_TWIPS = 1985  # 35 mm

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


def repack(data: bytes) -> bytes:
    """The same zip with fixed entry dates: same content, same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():  # keep the order: [Content_Types].xml stays first
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    return out.getvalue()
