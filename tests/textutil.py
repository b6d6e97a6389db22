"""Text of rendered letters, for comparing the two outputs and the reference letter."""

from __future__ import annotations

import re
from pathlib import Path

#: Page furniture of the PDF: page numbers, the CONCEPT mark (running header lines are
#: recognised by their " · " separators).
_FURNITURE = re.compile(r"^(Pagina \d+ van \d+|CONCEPT|.* · .* · .*)$")


def normalise(text: str) -> str:
    """One space between words; a hyphen followed by a line break or space is joined up
    (the PDF breaks "IT-gerichte" after its hyphen; the reference text does the same)."""
    text = text.replace("\ufffe", "-").replace("\u00ad", "")
    text = re.sub(r"-\s+", "-", text)
    return " ".join(text.split())


def pdf_pages(path: Path | bytes) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path if isinstance(path, bytes) else str(path))
    try:
        pages = []
        for page in doc:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
        return pages
    finally:
        doc.close()


def pdf_body_lines(path: Path | bytes, furniture: set[str] = frozenset()) -> list[str]:
    """The PDF's lines without page furniture (page numbers, running header, CONCEPT, and the
    given lines, such as the letterhead's sender block)."""
    lines = []
    skip = {" ".join(f.split()) for f in furniture}
    for page in pdf_pages(path):
        for line in page.split("\n"):
            line = " ".join(line.split())
            if line and not _FURNITURE.match(line) and line not in skip:
                lines.append(line)
    return lines


def docx_body_lines(path: Path | bytes) -> list[str]:
    """The DOCX body (paragraphs and table cells, in document order), headers and footers
    aside."""
    import io

    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(path) if isinstance(path, bytes) else str(path))
    lines: list[str] = []

    def walk(parent: object, element: object) -> None:
        for child in element.iterchildren():  # type: ignore[attr-defined]
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = Paragraph(child, parent).text.strip()
                if text:
                    lines.append(text)
            elif tag == "tbl":
                table = Table(child, parent)
                for row in table.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat
                            continue
                        seen.add(id(cell._tc))
                        walk(cell, cell._tc)
            elif tag == "sdt":
                content = child.find("{*}sdtContent")
                if content is not None:
                    walk(parent, content)

    walk(doc, doc.element.body)
    return lines


def docx_xml_text(path: Path) -> str:
    """All text of the DOCX package's XML parts (headers and footers included)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return "\n".join(
            re.sub(r"<[^>]+>", " ", z.read(n).decode("utf-8"))
            for n in z.namelist()
            if n.startswith("word/") and n.endswith(".xml")
        )


def reference_body(path: Path) -> tuple[str, list[str]]:
    """The reference letter: its subject and the sentences of its body, in order."""
    text = path.read_text(encoding="utf-8")
    subject = re.search(r"Onderwerp (.+)", text).group(1).strip()  # type: ignore[union-attr]
    body = text.split("Geachte leden van de raad,", 1)[1].split("Hoogachtend,", 1)[0]
    body = normalise(body)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z“‘])", body)
    return subject, [s for s in sentences if s]
