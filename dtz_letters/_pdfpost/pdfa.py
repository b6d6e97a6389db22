"""PDF/A-2a as archives identify it: post-processing and the basic checks of ``verify``.

WeasyPrint 70 writes the XMP metadata stream of a PDF/A compressed. Format identification in
e-depots (DROID, siegfried) reads ``pdfaid:part`` and ``pdfaid:conformance`` as bytes in the
file, so a compressed stream makes them answer "PDF 1.7" (fmt/276) whatever the file claims.
:func:`finalize_pdfa` stores the catalog's metadata stream uncompressed, and saves the file so
that the same input always gives the same bytes, wherever the workspace lies: WeasyPrint names
an image after its URL (an absolute file path) and derives the file identifier from the
content, so the names are replaced by ones derived from the image data, and the identifier
is computed again.

It also removes what PDF/A-2 forbids and WeasyPrint writes: ``/Interpolate true`` on images
and their soft masks (ISO 19005-2 6.2.8; WeasyPrint sets it for CSS ``image-rendering: auto``,
the default). It is removed here, in the PDF/A finishing step, rather than in the house-style
CSS: a municipality's own stylesheet could set the rendering back, and the published PDF (PDF
1.7, where interpolation is allowed and smooths the logo on screen) keeps it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
from lxml import etree

from .._xml import safe_parser
from ..errors import ArchiveError
from .pdf import problems_of_file, save_deterministic, stable_image_names, unembedded_fonts
from .tagging import xmp_packet_for_pdfbox

#: The PRONOM identifier of PDF/A-2a, the format the archive stores letters in.
PUID_PDFA_2A = "fmt/476"

_PART = re.compile(rb"pdfaid:part(?:=\"|>)\s*2\s*(?:\"|<)")
_CONFORMANCE = re.compile(rb"pdfaid:conformance(?:=\"|>)\s*A\s*(?:\"|<)")


def finalize_pdfa(pdf: bytes) -> bytes:
    """Return ``pdf`` with its XMP metadata stream uncompressed, deterministically saved.

    Raises :class:`ArchiveError` when ``pdf`` does not declare itself PDF/A-2a in XMP: the
    renderer was not asked for the PDF/A variant, and archiving it would record a lie.
    """
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        metadata = doc.Root.get("/Metadata")
        if not isinstance(metadata, pikepdf.Stream):
            raise ArchiveError("The rendered PDF has no XMP metadata, so it is not a PDF/A.")
        xmp = metadata.read_bytes()
        if not (_PART.search(xmp) and _CONFORMANCE.search(xmp)):
            raise ArchiveError(
                "The rendered PDF does not declare PDF/A-2a in its XMP metadata "
                "(pdfaid:part 2, pdfaid:conformance A)."
            )
        # Writing the decoded bytes drops /Filter and /DecodeParms; qpdf does not compress
        # metadata streams again when it saves.
        metadata.write(xmp_packet_for_pdfbox(xmp))
        _no_interpolation(doc)
        stable_image_names(doc)
        # WeasyPrint's /ID hashes content that named images by path; qpdf computes a new one
        # from the content (deterministic_id), never a random one.
        if "/ID" in doc.trailer:
            del doc.trailer["/ID"]
        # The XMP packet stays as the tagging step wrote it (namespaces per Description, as
        # PDFBox reads them): pikepdf's own rewrite would declare them all on rdf:RDF again.
        result = save_deterministic(doc, fix_metadata_version=False)
    problems = pdfa_problems(result)
    if problems:
        raise ArchiveError("The PDF/A post-processing failed: " + "; ".join(problems) + ".")
    return result


def _no_interpolation(doc: pikepdf.Pdf) -> None:
    """Remove /Interpolate from every image and soft mask (PDF/A-2 allows only false)."""
    for obj in doc.objects:
        is_image = isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        if is_image and "/Interpolate" in obj:
            del obj["/Interpolate"]


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _xmp_problems(xmp: bytes) -> list[str]:
    """The XMP packet is XML that PDFBox-based tools read: namespaces per rdf:Description."""
    try:
        tree = etree.fromstring(xmp, safe_parser())
    except etree.XMLSyntaxError as exc:
        return [f"its XMP metadata is not well-formed XML ({exc})"]
    rdf = tree if tree.tag == f"{{{_RDF}}}RDF" else tree.find(f"{{{_RDF}}}RDF")
    if rdf is None:
        return ["its XMP metadata has no rdf:RDF element"]
    inherited = set((tree.nsmap if rdf is not tree else {}).values()) | {_RDF}
    shared = sorted(str(p) for p, uri in rdf.nsmap.items() if uri not in inherited)
    if shared:
        return [
            "its XMP metadata declares the namespaces " + ", ".join(shared) + " on rdf:RDF "
            "instead of on each rdf:Description (PDFBox-based tools then miss those schemas)"
        ]
    return []


def pdfa_problems(pdf: bytes | Path) -> list[str]:
    """The basic PDF/A-2a properties ``pdf`` lacks, each as a short clause (empty when fine).

    Not a full PDF/A validator (veraPDF is one): it checks what the archive relies on.
    """
    return problems_of_file(
        pdf, _problems, encrypted="it is encrypted", unreadable="it cannot be read as PDF ({})"
    )


def _problems(doc: pikepdf.Pdf) -> list[str]:
    problems: list[str] = []
    root = doc.Root
    if doc.is_encrypted or "/Encrypt" in doc.trailer:
        problems.append("it is encrypted")
    metadata = root.get("/Metadata")
    if not isinstance(metadata, pikepdf.Stream):
        problems.append("it has no XMP metadata stream")
    else:
        if "/Filter" in metadata:
            problems.append("its XMP metadata stream is compressed (format tools cannot read it)")
        xmp = metadata.read_bytes()
        if not _PART.search(xmp):
            problems.append("its XMP metadata does not say pdfaid:part 2")
        if not _CONFORMANCE.search(xmp):
            problems.append("its XMP metadata does not say pdfaid:conformance A")
        problems.extend(_xmp_problems(xmp))
    if not any(
        str(intent.get("/S", "")) == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        for intent in root.get("/OutputIntents", pikepdf.Array())
    ):
        problems.append("it has no PDF/A output intent with an ICC profile")
    if "/StructTreeRoot" not in root:
        problems.append("it has no structure tree (not tagged)")
    mark_info = root.get("/MarkInfo")
    if not (isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False))):
        problems.append("its /MarkInfo does not say /Marked true")
    if not str(root.get("/Lang", "")).strip():
        problems.append("it has no document language (/Lang)")
    problems.extend(f"font {name} is not embedded" for name in unembedded_fonts(doc))
    if "/ID" not in doc.trailer:
        problems.append("its trailer has no file identifier (/ID)")
    interpolated = sum(
        1
        for obj in doc.objects
        if isinstance(obj, pikepdf.Stream)
        and obj.get("/Subtype") == "/Image"
        and bool(obj.get("/Interpolate", False))
    )
    if interpolated:
        problems.append(
            f"{interpolated} image(s) ask for /Interpolate true, which PDF/A-2 forbids "
            "(ISO 19005-2 6.2.8)"
        )
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/EmbeddedFiles" in names:
            problems.append("it embeds files (an archival PDF/A-2 letter carries none)")
        if "/JavaScript" in names:
            problems.append("it holds JavaScript, which PDF/A forbids")
    return problems
