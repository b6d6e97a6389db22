"""Word footnotes, and the few body styles a letter's Markdown may need, for the DOCX renderer.

python-docx has no API for footnotes, so the footnotes part is written here: ``word/footnotes.xml``
with Word's two separator notes and one ``w:footnote`` per note, related to the document part
(python-docx writes its content type from the part). Word numbers footnotes in the order of
their ``w:footnoteReference`` runs in the text, as the PDF's CSS counter does, so the numbers
agree without being written anywhere.

The part is attached only after docxtpl has rendered the template: docxtpl renders a footnotes
part as a Jinja template, and letter text must never be read as one.

A municipality's own Word template may lack the styles the notes and other Markdown constructs
use (footnote text and reference, quote, rule): they are added when missing, so any template
made in Word works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.part import Part
    from docx.parts.document import DocumentPart

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NSDECLS = f'xmlns:w="{_W_NS}" xmlns:r="{_R_NS}"'
FOOTNOTES_PARTNAME = "/word/footnotes.xml"
#: How far a quote is indented (its rule stands in this margin), in twips: 4 mm.
QUOTE_INDENT_TWIPS = 227

#: Word's separator (the short rule above the notes) and continuation separator.
_FOOTNOTES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes {_NSDECLS}>
  <w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240"
    w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"
    w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>
  </w:footnote>
</w:footnotes>"""

#: The styles by id, with their XML: added to styles.xml when the template lacks them.
#: Sizes and spacing follow the PDF's letter.css (notes 8 pt, the quote's rule on the left).
STYLES = {
    "FootnoteText": """
  <w:style w:type="paragraph" w:styleId="FootnoteText">
    <w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:pPr><w:spacing w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>
    <w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>
  </w:style>""",
    "FootnoteReference": """
  <w:style w:type="character" w:styleId="FootnoteReference">
    <w:name w:val="footnote reference"/><w:uiPriority w:val="99"/>
    <w:rPr><w:vertAlign w:val="superscript"/></w:rPr>
  </w:style>""",
    "Quote": """
  <w:style w:type="paragraph" w:styleId="Quote">
    <w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="29"/><w:qFormat/>
    <w:pPr><w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="{accent}"/></w:pBdr>
      <w:spacing w:after="80"/><w:ind w:left="{indent}"/></w:pPr>
  </w:style>""",
    "Scheidingslijn": """
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Scheidingslijn">
    <w:name w:val="Scheidingslijn"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:pPr><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="8C8C8C"/></w:pBdr>
      <w:spacing w:before="60" w:after="200" w:line="120" w:lineRule="exact"/></w:pPr>
  </w:style>""",
}


def ensure_style(doc: Document, key: str, accent: str = "4D4D4D") -> str:
    """The id of the style :data:`STYLES` ``key`` describes, added to ``doc`` when missing.

    Looked up by name, as Word does: a template saved by a Dutch Word names the quote style
    "Quote" but gives it the id "Citaat", and keeps it.
    """
    from docx.oxml import parse_xml

    xml = STYLES[key].replace("{accent}", accent.lstrip("#").upper())
    xml = xml.replace("{indent}", str(QUOTE_INDENT_TWIPS))
    wanted = parse_xml(f"<w:styles {_NSDECLS}>{xml}</w:styles>")[0]
    name = wanted.find(f"{{{_W_NS}}}name").get(f"{{{_W_NS}}}val").lower()
    styles = doc.styles.element
    for style in styles.findall(f"{{{_W_NS}}}style"):
        found = style.find(f"{{{_W_NS}}}name")
        if found is not None and str(found.get(f"{{{_W_NS}}}val", "")).lower() == name:
            return str(style.get(f"{{{_W_NS}}}styleId"))
    styles.append(wanted)
    return key


class Footnotes:
    """The footnotes of one letter: collected while the body is written, attached after the
    template is rendered (:meth:`attach`)."""

    def __init__(self, doc: Document) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        self.doc = doc
        self.main: DocumentPart = doc.part
        self.notes: list[Any] = []  # w:footnote elements, in the order of their calls
        existing = [r for r in self.main.rels.values() if r.reltype == RT.FOOTNOTES]
        #: The part the notes go in: the template's own, or a new one made on the first note.
        self.existing: Part | None = existing[0].target_part if existing else None
        self._part: Part | None = None
        self._first_id = 1
        self.text_style = self.reference_style = ""

    @property
    def part(self) -> Part:
        """The footnotes part, the source of the notes' hyperlink relationships."""
        if self._part is None:
            if self.existing is not None:
                self._part = self.existing
                self._first_id = 1 + max(_footnote_ids(self.existing.blob), default=0)
            else:
                from docx.opc.constants import CONTENT_TYPE as CT
                from docx.opc.packuri import PackURI
                from docx.opc.part import Part

                self._part = Part(
                    PackURI(FOOTNOTES_PARTNAME),
                    CT.WML_FOOTNOTES,
                    _FOOTNOTES_XML.encode(),
                    self.main.package,
                )
            self.text_style = ensure_style(self.doc, "FootnoteText")
            self.reference_style = ensure_style(self.doc, "FootnoteReference")
        return self._part

    def new(self) -> tuple[int, Any]:
        """A new footnote: its id and its first, empty paragraph (number in place)."""
        from docx.oxml import parse_xml

        self.part  # noqa: B018 - made first: the template's own notes fix the first free id
        note_id = self._first_id + len(self.notes)
        note = parse_xml(
            f'<w:footnote {_NSDECLS} w:id="{note_id}"><w:p><w:pPr>'
            f'<w:pStyle w:val="{self.text_style}"/></w:pPr><w:r><w:rPr>'
            f'<w:rStyle w:val="{self.reference_style}"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
        )
        self.notes.append(note)
        return note_id, note

    def paragraph(self, note: Any) -> Any:
        """A further paragraph of ``note`` (for notes of more than one paragraph)."""
        from docx.oxml import parse_xml

        p = parse_xml(f'<w:p {_NSDECLS}><w:pPr><w:pStyle w:val="{self.text_style}"/></w:pPr></w:p>')
        note.append(p)
        return p

    def reference_run(self, note_id: int) -> Any:
        """The run that calls footnote ``note_id`` in the text (Word draws its number)."""
        from docx.oxml import parse_xml

        return parse_xml(
            f'<w:r {_NSDECLS}><w:rPr><w:rStyle w:val="{self.reference_style}"/></w:rPr>'
            f'<w:footnoteReference w:id="{note_id}"/></w:r>'
        )

    def attach(self) -> None:
        """Put the notes into the package; call after the template is rendered."""
        if not self.notes:
            return
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from lxml import etree

        part = self.part
        root = etree.fromstring(part.blob)
        root.extend(self.notes)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if self.existing is None:
            self.main.relate_to(part, RT.FOOTNOTES)


def _footnote_ids(blob: bytes) -> list[int]:
    from lxml import etree

    root = etree.fromstring(blob)
    return [int(n.get(f"{{{_W_NS}}}id")) for n in root.iter(f"{{{_W_NS}}}footnote")]
