"""Build the shared Word template ``templates/base/letter.docx``.

The template is generated, not drawn by hand, so every style, margin and Jinja tag in it can be
reviewed in this file and the binary regenerated at will::

    python -m dtz_letters._tools.docx_template      # writes templates/base/letter.docx

What the template holds: A4 with ~25 mm margins; the styles (Open Sans 10.5 pt, real heading
styles, list styles, a table style, the reference and signature styles); numbering definitions
for bullets and numbered lists; Dutch as document language; a first-page header with the logo
and the sender lines, a compact running header on later pages, "Pagina X van Y" on every page;
and the body in letter order, with docxtpl tags where the letter's values go. Letter text never
becomes part of a template: it only ever arrives as a context value.

The output is deterministic: fixed dates in the core properties and in the zip entries.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from .._render.docx_layout import (
    ABSTRACT_BULLET,
    ABSTRACT_DECIMAL,
    LABEL_WIDTH_TWIPS,
    NUM_BIJLAGEN,
    NUM_BULLET,
    NUM_DECIMAL,
    TEMPLATE_DATE,
    TEXT_WIDTH_TWIPS,
    repack,
    set_core_properties,
)

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import _Footer, _Header
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph

_W = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_GREY = "595959"  # 7:1 contrast on white: labels and page furniture stay readable (WCAG AA)


def _heading(level: int, size_half_points: int, before: int, after: int, italic: bool) -> str:
    return f"""
  <w:style w:type="paragraph" w:styleId="Heading{level}">
    <w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
    <w:uiPriority w:val="9"/><w:qFormat/>
    <w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="{after}"/>
      <w:outlineLvl w:val="{level - 1}"/></w:pPr>
    <w:rPr><w:b/><w:bCs/>{"<w:i/><w:iCs/>" if italic else ""}<w:sz w:val="{size_half_points}"/>
      <w:szCs w:val="{size_half_points}"/></w:rPr>
  </w:style>"""


def _list_style(style_id: str, name: str, indent: int, num_id: int | None, ilvl: int) -> str:
    num = (
        f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        if num_id is not None
        else ""
    )
    hanging = "" if num_id is None else ' w:hanging="357"'
    return f"""
  <w:style w:type="paragraph" w:styleId="{style_id}">
    <w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:pPr>{num}<w:spacing w:after="120"/><w:ind w:left="{indent}"{hanging}/>
      <w:contextualSpacing/></w:pPr>
  </w:style>"""


def styles_xml() -> str:
    """styles.xml: only the styles a letter uses, with Dutch as the default language."""
    headings = "".join(
        _heading(level, size, before, after, italic)
        for level, size, before, after, italic in (
            (1, 26, 360, 240, False),  # the subject line
            (2, 23, 240, 60, False),  # section headings
            (3, 21, 200, 40, False),
            (4, 21, 160, 40, True),
            (5, 21, 160, 40, True),
            (6, 21, 160, 40, True),
        )
    )
    lists = "".join(
        _list_style(sid, name, 357 * (depth + 1), num, depth)
        for kind, num in (("Bullet", NUM_BULLET), ("Number", NUM_DECIMAL), ("Continue", None))
        for depth, (sid, name) in enumerate(
            (f"List{kind}", f"List {kind}")
            if d == 0
            else (f"List{kind}{d + 1}", f"List {kind} {d + 1}")
            for d in range(3)
        )
    )
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles {_W}>
  <w:docDefaults>
    <w:rPrDefault><w:rPr>
      <w:rFonts w:ascii="Open Sans" w:hAnsi="Open Sans" w:eastAsia="Open Sans" w:cs="Open Sans"/>
      <w:color w:val="1A1A1A"/><w:sz w:val="21"/><w:szCs w:val="21"/>
      <w:lang w:val="nl-NL" w:eastAsia="nl-NL" w:bidi="ar-SA"/>
    </w:rPr></w:rPrDefault>
    <w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="276" w:lineRule="auto"/></w:pPr>
    </w:pPrDefault>
  </w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
    <w:name w:val="Normal"/><w:qFormat/>
    <w:pPr><w:widowControl/><w:spacing w:after="160"/></w:pPr>
  </w:style>
  <w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
    <w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>
  </w:style>
  <w:style w:type="table" w:default="1" w:styleId="TableNormal">
    <w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>
    <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>
      <w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
      <w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>
    </w:tblCellMar></w:tblPr>
  </w:style>
  <w:style w:type="numbering" w:default="1" w:styleId="NoList">
    <w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>
  </w:style>{headings}{lists}
  <w:style w:type="paragraph" w:styleId="Header">
    <w:name w:val="header"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:pPr><w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH_TWIPS}"/></w:tabs>
      <w:spacing w:after="0"/></w:pPr>
    <w:rPr><w:color w:val="{_GREY}"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Footer">
    <w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:pPr><w:spacing w:after="0"/><w:jc w:val="right"/></w:pPr>
    <w:rPr><w:color w:val="{_GREY}"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Afzender">
    <w:name w:val="Afzender"/><w:basedOn w:val="Header"/><w:qFormat/>
    <w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="right"/></w:pPr>
    <w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Adressering">
    <w:name w:val="Adressering"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
    <w:pPr><w:spacing w:before="240" w:after="480"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Referentie">
    <w:name w:val="Referentie"/><w:basedOn w:val="Normal"/><w:qFormat/>
    <w:pPr><w:spacing w:after="20"/></w:pPr>
    <w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:customStyle="1" w:styleId="Referentielabel">
    <w:name w:val="Referentielabel"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>
    <w:rPr><w:b w:val="0"/><w:bCs w:val="0"/><w:color w:val="{_GREY}"/>
      <w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Ondertekening">
    <w:name w:val="Ondertekening"/><w:basedOn w:val="Normal"/><w:qFormat/>
    <w:pPr><w:keepNext/><w:keepLines/><w:spacing w:after="0"/></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Tabeltekst">
    <w:name w:val="Tabeltekst"/><w:basedOn w:val="Normal"/><w:qFormat/>
    <w:pPr><w:spacing w:before="20" w:after="20"/></w:pPr>
    <w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:customStyle="1" w:styleId="Concept">
    <w:name w:val="Concept"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>
    <w:rPr><w:b/><w:bCs/><w:color w:val="C00000"/><w:spacing w:val="40"/>
      <w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:styleId="Hyperlink">
    <w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/>
    <w:rPr><w:color w:val="0B5394"/><w:u w:val="single"/></w:rPr>
  </w:style>
  <w:style w:type="table" w:customStyle="1" w:styleId="Brieftabel">
    <w:name w:val="Brieftabel"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
    <w:tblPr>
      <w:tblBorders>
        <w:top w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>
        <w:left w:val="nil"/>
        <w:bottom w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>
        <w:right w:val="nil"/>
        <w:insideH w:val="single" w:sz="4" w:space="0" w:color="D9D9D9"/>
        <w:insideV w:val="nil"/>
      </w:tblBorders>
      <w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
        <w:bottom w:w="40" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>
    </w:tblPr>
    <w:tblStylePr w:type="firstRow">
      <w:rPr><w:b/><w:bCs/></w:rPr>
      <w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="7F7F7F"/>
        </w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/></w:tcPr>
    </w:tblStylePr>
  </w:style>
</w:styles>"""


def _levels(bullet: bool) -> str:
    symbols = ("\u2022", "\u2013", "\u25aa") * 3
    out = []
    for ilvl in range(9):
        fmt, text = ("bullet", symbols[ilvl]) if bullet else ("decimal", f"%{ilvl + 1}.")
        out.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{357 * (ilvl + 1)}" w:hanging="357"/></w:pPr>'
            + (
                '<w:rPr><w:rFonts w:ascii="Open Sans" w:hAnsi="Open Sans"/></w:rPr>'
                if bullet
                else ""
            )
            + "</w:lvl>"
        )
    return "".join(out)


def numbering_xml() -> str:
    """numbering.xml: one bullet and one decimal definition, and the w:num that use them."""
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering {_W}>
  <w:abstractNum w:abstractNumId="{ABSTRACT_BULLET}"><w:nsid w:val="5D7A1B01"/>
    <w:multiLevelType w:val="hybridMultilevel"/>{_levels(bullet=True)}</w:abstractNum>
  <w:abstractNum w:abstractNumId="{ABSTRACT_DECIMAL}"><w:nsid w:val="5D7A1B02"/>
    <w:multiLevelType w:val="hybridMultilevel"/>{_levels(bullet=False)}</w:abstractNum>
  <w:num w:numId="{NUM_BULLET}"><w:abstractNumId w:val="{ABSTRACT_BULLET}"/></w:num>
  <w:num w:numId="{NUM_DECIMAL}"><w:abstractNumId w:val="{ABSTRACT_DECIMAL}"/></w:num>
  <w:num w:numId="{NUM_BIJLAGEN}"><w:abstractNumId w:val="{ABSTRACT_DECIMAL}"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
</w:numbering>"""


def settings_xml() -> str:
    """settings.xml without the history of the file python-docx starts from (rsids, ids)."""
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {_W}>
  <w:zoom w:percent="100"/>
  <w:defaultTabStop w:val="709"/>
  <w:hyphenationZone w:val="425"/>
  <w:characterSpacingControl w:val="doNotCompress"/>
  <w:compat>
    <w:compatSetting w:name="compatibilityMode"
      w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
  </w:compat>
  <w:themeFontLang w:val="nl-NL"/>
  <w:decimalSymbol w:val=","/>
  <w:listSeparator w:val=";"/>
</w:settings>"""


#: Open Sans is not on every PC: the family and pitch let Word pick a similar sans-serif.
_FONT_TABLE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts {_W}>
  <w:font w:name="Open Sans"><w:panose1 w:val="020B0606030504020204"/><w:charset w:val="00"/>
    <w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>
</w:fonts>""".encode()

_APP_XML = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>dtz-letters</Application><DocSecurity>0</DocSecurity></Properties>"""


# --------------------------------------------------------------------------- building


def build() -> bytes:
    """The template as DOCX bytes (deterministic)."""
    import docx

    doc = docx.Document()
    _replace_package_parts(doc)
    _page_setup(doc)
    _headers_and_footers(doc)
    _body(doc)
    _core_properties(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return repack(buf.getvalue())


def _replace_package_parts(doc: Document) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    part = doc.part
    # python-docx's starting file carries 400 kB of unused styles, a Mac thumbnail and custom
    # XML; a letter template needs none of it.
    for rid, rel in list(part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML or rel.reltype.endswith("/stylesWithEffects"):
            del part.rels[rid]
    package_rels = part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rid]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML
    for rel in part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = _FONT_TABLE_XML
    part._styles_part._element = parse_xml(styles_xml().encode())
    part.numbering_part._element = parse_xml(numbering_xml().encode())
    part._settings_part._element = parse_xml(settings_xml().encode())


def _page_setup(doc: Document) -> None:
    from docx.shared import Mm, Twips

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Twips(1417)
    section.top_margin, section.bottom_margin = Mm(28), Mm(25)
    section.header_distance, section.footer_distance = Mm(12), Mm(12)
    section.different_first_page_header_footer = True


def _headers_and_footers(doc: Document) -> None:
    section = doc.sections[0]
    _first_page_header(section.first_page_header)
    _running_header(section.header)
    for footer in (section.first_page_footer, section.footer):
        _page_number_footer(footer)


def _first_page_header(header: _Header) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Twips

    header.is_linked_to_previous = False
    half = TEXT_WIDTH_TWIPS // 2
    table = header.add_table(1, 2, Twips(TEXT_WIDTH_TWIPS))
    _fixed_widths(table, [half, TEXT_WIDTH_TWIPS - half], cell_margin_zero=True, right_margin=0)
    logo_cell, sender_cell = table.rows[0].cells
    _set_text(logo_cell.paragraphs[0], "{{ logo }}", style="Header")
    _tag_paragraph(sender_cell.paragraphs[0], "{%p for regel in afzender %}")
    sender_cell.add_paragraph("{{ regel }}", style="Afzender")
    sender_cell.add_paragraph("{%p endfor %}")
    # Word requires a paragraph after a table in a header; it also holds the concept mark.
    first = header.paragraphs[0]
    _tag_paragraph(first, "{%p if concept %}")
    table._tbl.addnext(first._p)
    mark = header.add_paragraph(style="Header")
    mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    mark.add_run("CONCEPT", style="Concept")
    header.add_paragraph("{%p endif %}")
    header.add_paragraph(style="Header")


def _running_header(header: _Header) -> None:
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.style = "Header"
    p.add_run("{{ kopregel }}")
    p.add_run().add_tab()
    # The concept mark sits at the right margin of every later page, in the header (page
    # furniture), so it never becomes part of the letter's text.
    p.add_run("{% if concept %}CONCEPT{% endif %}", style="Concept")


def _page_number_footer(footer: _Footer) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = "Footer"
    p.add_run("Pagina ")
    _field(p, "PAGE", "1")
    p.add_run(" van ")
    _field(p, "NUMPAGES", "1")


def _field(p: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (w:fldChar): python-docx has no API for fields."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld_char(kind: str) -> None:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        p.add_run()._r.append(el)

    fld_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    p.add_run()._r.append(instr)
    fld_char("separate")
    p.add_run(shown)
    fld_char("end")


def _body(doc: Document) -> None:
    from docx.shared import Twips

    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    _set_text(body, "{{ aan }}", style="Adressering")
    _reference_table(doc)
    subject = doc.add_paragraph(style="Heading 1")
    subject.paragraph_format.tab_stops.add_tab_stop(Twips(LABEL_WIDTH_TWIPS))
    subject.add_run("Onderwerp", style="Referentielabel")
    subject.add_run().add_tab()
    subject.add_run("{{ onderwerp }}")
    doc.add_paragraph("{{ aanhef }}")
    doc.add_paragraph("{{p body }}")

    _signature_block(doc)


def _signature_block(doc: Document) -> None:
    """The closing, the college, the signatories and the attachments, on one page.

    Every paragraph keeps with the next (Word honours that across tables), and the whole block
    sits in one borderless table row that may not split: LibreOffice ignores keep-with-next
    after a table, but never breaks such a row.
    """
    from docx.shared import Pt

    frame = doc.add_table(1, 1)
    frame.autofit = False
    _fixed_widths(frame, [TEXT_WIDTH_TWIPS], cell_margin_zero=True, right_margin=0)
    _cant_split(frame.rows[0])
    cell = frame.rows[0].cells[0]
    slot = cell.paragraphs[0]
    _set_text(slot, "{{ slot }}", style="Ondertekening")
    slot.paragraph_format.space_before = Pt(8)
    cell.add_paragraph("{%p if plaats_datum %}", style="Ondertekening")
    cell.add_paragraph("{{ plaats_datum }}", style="Ondertekening")
    cell.add_paragraph("{%p endif %}", style="Ondertekening")
    cell.add_paragraph("{{ college }}", style="Ondertekening").paragraph_format.space_after = Pt(6)
    _signature_table(cell)
    # python-docx puts an empty paragraph after a nested table (a cell must end with one);
    # it moves to the end of the cell below, where it closes the block.
    closing = cell.paragraphs[-1]
    cell.add_paragraph("{%p if bijlagen %}", style="Ondertekening")
    label = cell.add_paragraph(style="Ondertekening")
    label.paragraph_format.space_before = Pt(18)
    label.add_run("Bijlagen").bold = True
    cell.add_paragraph("{%p for bijlage in bijlagen %}", style="Ondertekening")
    item = cell.add_paragraph("{{ bijlage }}", style="List Number")
    _number(item, NUM_BIJLAGEN)
    cell.add_paragraph("{%p endfor %}", style="Ondertekening")
    cell.add_paragraph("{%p endif %}", style="Ondertekening")
    cell._tc.append(closing._p)
    for p in cell.paragraphs:
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.keep_together = True
    _tiny(closing)
    # A document ends with a paragraph; kept tiny so it never spills onto a page of its own.
    _tiny(doc.add_paragraph(style="Ondertekening"))


def _tiny(p: Paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(1)
    p.paragraph_format.keep_with_next = False
    mark = OxmlElement("w:rPr")  # the paragraph mark's own size; rPr is last in pPr
    p._p.get_or_add_pPr().append(mark)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)


def _reference_table(doc: Document) -> None:
    # Three template rows: the loop tags take the outer two, the middle one repeats per row.
    table = doc.add_table(3, 2)
    table.autofit = False
    _fixed_widths(table, [LABEL_WIDTH_TWIPS, TEXT_WIDTH_TWIPS - LABEL_WIDTH_TWIPS], True)
    _tag_paragraph(table.rows[0].cells[0].paragraphs[0], "{%tr for rij in referentie %}")
    label, value = table.rows[1].cells
    _set_text(label.paragraphs[0], "", style="Referentie")
    label.paragraphs[0].add_run("{{ rij.label }}", style="Referentielabel")
    _set_text(value.paragraphs[0], "{{ rij.waarde }}", style="Referentie")
    _tag_paragraph(table.rows[2].cells[0].paragraphs[0], "{%tr endfor %}")


def _signature_table(container: _Cell) -> None:
    from docx.shared import Pt

    # Three template cells: the loop tags take the outer two, the middle one is repeated per
    # signatory; docxtpl then fits the grid to the number of signatories.
    third = TEXT_WIDTH_TWIPS // 3
    table = container.add_table(1, 3)
    table.autofit = False
    _fixed_widths(table, [third, third, TEXT_WIDTH_TWIPS - 2 * third], True)
    _cant_split(table.rows[0])
    start, cell, end = table.rows[0].cells
    _tag_paragraph(start.paragraphs[0], "{%tc for ondertekenaar in ondertekenaars %}")
    _tag_paragraph(end.paragraphs[0], "{%tc endfor %}")
    _set_text(cell.paragraphs[0], "{{ ondertekenaar.functie }}", style="Ondertekening")
    naam = cell.add_paragraph("{{ ondertekenaar.naam }}", style="Ondertekening")
    # Room for the handwritten signature between function and name.
    naam.paragraph_format.space_before = Pt(40)
    _cell_keep_together(cell)


def _cell_keep_together(cell: _Cell) -> None:
    for p in cell.paragraphs:
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.keep_together = True


def _cant_split(row: _Row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _fixed_widths(
    table: Table, widths: list[int], cell_margin_zero: bool, right_margin: int = 113
) -> None:
    """Fixed layout with exact column widths; the outer cell margins at zero align the text."""
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Twips

    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout", "w:tblCellMar", "w:tblStyle", "w:tblLook"):
        for el in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(el)
    tbl_pr.append(parse_xml(f'<w:tblW {_W} w:w="{sum(widths)}" w:type="dxa"/>'))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    if cell_margin_zero:
        tbl_pr.append(
            parse_xml(
                f'<w:tblCellMar {_W}><w:left w:w="0" w:type="dxa"/>'
                f'<w:right w:w="{right_margin}" w:type="dxa"/></w:tblCellMar>'
            )
        )
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)


def _number(p: Paragraph, num_id: int, ilvl: int = 0) -> None:
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def _set_text(p: Paragraph, text: str, style: str) -> None:
    p.style = style
    if text:
        p.add_run(text)


def _tag_paragraph(p: Paragraph, tag: str) -> None:
    """A paragraph that holds only a docxtpl tag; docxtpl removes the whole paragraph."""
    p.add_run(tag)


def _core_properties(doc: Document) -> None:
    # Left empty on purpose: docxtpl renders core properties as templates, and the renderer
    # replaces them after rendering, from the letter, so letter text never reaches Jinja.
    set_core_properties(doc, {"dc:creator": "dtz-letters", "dc:language": "nl-NL"}, TEMPLATE_DATE)


def main() -> None:
    target = Path(__file__).resolve().parents[2] / "templates" / "base" / "letter.docx"
    target.write_bytes(build())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
