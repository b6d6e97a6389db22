"""Build the shared Word template ``templates/base/letter.docx``.

The template is generated, not drawn by hand, so every style, margin and Jinja tag in it can be
reviewed in this file and the binary regenerated at will::

    python -m dtz_letters._tools.docx_template      # writes templates/base/letter.docx

What the template holds: A4 with the margins, font sizes, line heights and spacing of the PDF
house style (``templates/base/letter.css``, mirrored here so both break their pages alike); the
styles (Open Sans 10 pt, real heading styles, list styles, a table style, the letterhead,
reference and signature styles); numbering definitions for bullets and numbered lists; Dutch
as document language; a first-page header with the logo, the sender lines and, for a concept,
a CONCEPT box; a one-line running header on later pages (subject, date, kenmerk, "Pagina X
van Y"); a CONCEPT watermark on every page of a concept; and the body in letter order, with
docxtpl tags where the letter's values go. Letter text never becomes part of a template: it
only ever arrives as a context value.

There are no layout tables: the reference block and the signatories are laid out with tab
stops, the letterhead with a floating logo and a frame, so that a screen reader meets no table
that is not data (and LibreOffice's PDF/UA export no table without headers).

The output is deterministic: fixed dates in the core properties and in the zip entries.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._render.docx_layout import (
    ABSTRACT_BULLET,
    ABSTRACT_DECIMAL,
    FIRST_PAGE_OFFSET_TWIPS,
    LABEL_WIDTH_TWIPS,
    MARGIN_BOTTOM_TWIPS,
    MARGIN_SIDE_TWIPS,
    MARGIN_TOP_TWIPS,
    NUM_BIJLAGEN,
    NUM_BULLET,
    NUM_DECIMAL,
    SENDER_LEFT_MM,
    SENDER_TOP_MM,
    SENDER_WIDTH_MM,
    SIGNATORY_PITCH_TWIPS,
    TEMPLATE_DATE,
    TEXT_WIDTH_TWIPS,
    repack,
    set_core_properties,
    twips,
)

if TYPE_CHECKING:
    from docx.document import Document

_W = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_VML = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)
_GREY = "595959"  # 7:1 contrast on white: labels and page furniture stay readable (WCAG AA)
_SENDER_GREY = "5A5A5A"
_RED = "B00000"
#: Where the header starts (the CONCEPT box of page 1), and where the running header's text
#: starts on later pages (CSS: the bottom of the 26mm top margin, less 5mm padding, 1.5mm
#: padding and a 7.5pt line).
_HEADER_DISTANCE_MM = 5.0
_RUNNING_HEADER_TOP_MM = 15.5
_FOOTER_DISTANCE_MM = 12.0
#: The list indent per level (CSS ul, ol: padding-left 6mm) and of the attachments (5mm).
_LIST_INDENT = twips(6)
_BIJLAGE_INDENT = twips(5)


def _spacing(before: int = 0, after: int = 0, line: int | None = None, rule: str = "exact") -> str:
    """w:spacing in twips; ``line`` is the line pitch (CSS line-height) in twips."""
    pitch = f' w:line="{line}" w:lineRule="{rule}"' if line is not None else ""
    return f'<w:spacing w:before="{before}" w:after="{after}"{pitch}/>'


def _heading(level: int, size: int, line: int, before: int, after: int, italic: bool) -> str:
    """A heading style; sizes in half points, spacing in twips (CSS h1-h6 of letter.css).

    Between two paragraphs Word leaves the larger of the space below the one and the space
    above the other, as CSS collapses margins: the values are the CSS margins.
    """
    return f"""
  <w:style w:type="paragraph" w:styleId="Heading{level}">
    <w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
    <w:uiPriority w:val="9"/><w:qFormat/>
    <w:pPr><w:keepNext/><w:keepLines/>{_spacing(before, after, line)}
      <w:outlineLvl w:val="{level - 1}"/></w:pPr>
    <w:rPr><w:b/><w:bCs/>{"<w:i/><w:iCs/>" if italic else ""}<w:sz w:val="{size}"/>
      <w:szCs w:val="{size}"/></w:rPr>
  </w:style>"""


def _list_style(style_id: str, name: str, indent: int, num_id: int | None, ilvl: int) -> str:
    num = (
        f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        if num_id is not None
        else ""
    )
    hanging = "" if num_id is None else f' w:hanging="{_LIST_INDENT}"'
    # CSS li > p: 0.2em below each item; the renderer gives a list's last paragraph the
    # paragraph spacing (CSS ul, ol: margin-bottom 0.75em).
    return f"""
  <w:style w:type="paragraph" w:styleId="{style_id}">
    <w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:pPr>{num}{_spacing(0, 40)}<w:ind w:left="{indent}"{hanging}/></w:pPr>
  </w:style>"""


def _paragraph_style(style_id: str, ppr: str, rpr: str = "", based_on: str = "Normal") -> str:
    return f"""
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">
    <w:name w:val="{style_id}"/><w:basedOn w:val="{based_on}"/><w:qFormat/>
    <w:pPr>{ppr}</w:pPr>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}
  </w:style>"""


def _size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def styles_xml() -> str:
    """styles.xml: only the styles a letter uses, with Dutch as the default language.

    Sizes and spacing follow letter.css: body 10pt on a 14.5pt line with 7.5pt between
    paragraphs, and so on; where a rule changes there, it changes here.
    """
    headings = "".join(
        _heading(level, size, line, before, after, italic)
        for level, size, line, before, after, italic in (
            (1, 26, 338, 0, 340, False),  # the subject: 13pt, line 1.3, 6mm below
            (2, 21, 273, 294, 74, False),  # section headings: 10.5pt, 1.4em above, 0.35em below
            (3, 20, 260, 220, 60, False),  # 10pt, 1.1em above, 0.3em below
            (4, 20, 260, 200, 50, True),  # 10pt italic, 1em above, 0.25em below
            (5, 20, 260, 200, 50, True),
            (6, 20, 260, 200, 50, True),
        )
    )
    lists = "".join(
        _list_style(sid, name, _LIST_INDENT * (depth + 1), num, depth)
        for kind, num in (("Bullet", NUM_BULLET), ("Number", NUM_DECIMAL), ("Continue", None))
        for depth, (sid, name) in enumerate(
            (f"List{kind}", f"List {kind}")
            if d == 0
            else (f"List{kind}{d + 1}", f"List {kind} {d + 1}")
            for d in range(3)
        )
    )
    label_rpr = f'<w:b w:val="0"/><w:bCs w:val="0"/><w:color w:val="{_GREY}"/>{_size(15)}'
    furniture = "".join(
        (
            _paragraph_style(
                "Documenttype",
                # Page 1 starts below the letterhead (CSS main padding-top).
                _spacing(FIRST_PAGE_OFFSET_TWIPS, 340, 312),
                f"<w:b/><w:bCs/>{_size(24)}",
            ),
            _paragraph_style("Adressering", _spacing(0, 340, 290, "atLeast")),
            _paragraph_style(
                "Referentie",
                # Label, tab, value; a value that wraps lines up under itself.
                f'<w:tabs><w:tab w:val="left" w:pos="{LABEL_WIDTH_TWIPS}"/></w:tabs>'
                # One row: a 12.3pt line and 0.4mm padding above and below (CSS .reference);
                # Word lets spacing collapse as margins do, so the padding is in the line.
                + _spacing(0, 0, 292, "atLeast")
                + f'<w:ind w:left="{LABEL_WIDTH_TWIPS}" w:hanging="{LABEL_WIDTH_TWIPS}"/>',
                _size(17),
            ),
            _paragraph_style(
                "Onderwerplabel",
                # CSS .reference margin-bottom 7mm (the last row's padding is in its line).
                "<w:keepNext/>" + _spacing(twips(7), 0, 218),
                f'<w:color w:val="{_GREY}"/>{_size(15)}',
            ),
            _paragraph_style("Aanhef", _spacing(0, 200, 290, "atLeast")),
            _paragraph_style(
                "Ondertekening", "<w:keepNext/><w:keepLines/>" + _spacing(0, 0, 290, "atLeast")
            ),
            _paragraph_style(
                "Ondertekenaars",
                # Side by side at a fixed pitch, as the PDF's 60mm boxes with 12mm between.
                "<w:keepNext/><w:keepLines/>"
                + f'<w:tabs><w:tab w:val="left" w:pos="{SIGNATORY_PITCH_TWIPS}"/></w:tabs>'
                + _spacing(0, 0, 290, "atLeast"),
                based_on="Ondertekening",
            ),
            _paragraph_style(
                "Bijlage",
                f'<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="0"/>'
                f'<w:numId w:val="{NUM_BIJLAGEN}"/></w:numPr>'
                + _spacing(0, 0, 261)
                + f'<w:ind w:left="{_BIJLAGE_INDENT}" w:hanging="{_BIJLAGE_INDENT}"/>',
                _size(18),
            ),
            _paragraph_style("Tabeltekst", _spacing(0, 0, 243, "atLeast"), _size(18)),
            _paragraph_style(
                "Kopregel",
                # One line: what does not fit is shortened by the renderer, never wrapped.
                f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="4D4D4D"/>'
                f'</w:pBdr><w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH_TWIPS}"/></w:tabs>'
                + _spacing(twips(_RUNNING_HEADER_TOP_MM - _HEADER_DISTANCE_MM), 0, 218),
                based_on="Header",
            ),
            _paragraph_style(
                "Afzender",
                _spacing(0, 0, 225),
                f'<w:color w:val="{_SENDER_GREY}"/>{_size(15)}',
                based_on="Header",
            ),
            _paragraph_style("Conceptmerk", '<w:jc w:val="right"/>', based_on="Header"),
        )
    )
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles {_W}>
  <w:docDefaults>
    <w:rPrDefault><w:rPr>
      <w:rFonts w:ascii="Open Sans" w:hAnsi="Open Sans" w:eastAsia="Open Sans"
        w:cs="DejaVu Sans"/>
      <w:color w:val="1A1A1A"/>{_size(20)}
      <w:lang w:val="nl-NL" w:eastAsia="nl-NL" w:bidi="ar-SA"/>
    </w:rPr></w:rPrDefault>
    <w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
    </w:pPrDefault>
  </w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
    <w:name w:val="Normal"/><w:qFormat/>
    <w:pPr><w:widowControl/>{_spacing(0, 150, 290, "atLeast")}</w:pPr>
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
    <w:pPr>{_spacing(0, 0, 218)}</w:pPr>
    <w:rPr><w:color w:val="{_GREY}"/>{_size(15)}</w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Footer">
    <w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
    <w:pPr>{_spacing(0, 0, 218)}<w:jc w:val="right"/></w:pPr>
    <w:rPr><w:color w:val="{_GREY}"/>{_size(15)}</w:rPr>
  </w:style>{furniture}
  <w:style w:type="character" w:customStyle="1" w:styleId="Referentielabel">
    <w:name w:val="Referentielabel"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>
    <w:rPr>{label_rpr}</w:rPr>
  </w:style>
  <w:style w:type="character" w:customStyle="1" w:styleId="Concept">
    <w:name w:val="Concept"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>
    <w:rPr><w:b/><w:bCs/><w:color w:val="{_RED}"/><w:spacing w:val="8"/>{_size(20)}
      <w:bdr w:val="single" w:sz="10" w:space="2" w:color="{_RED}"/></w:rPr>
  </w:style>
  <w:style w:type="character" w:styleId="Hyperlink">
    <w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/>
    <w:rPr><w:u w:val="single" w:color="4D4D4D"/></w:rPr>
  </w:style>
  <w:style w:type="table" w:customStyle="1" w:styleId="Brieftabel">
    <w:name w:val="Brieftabel"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
    <w:tblPr>
      <w:tblBorders>
        <w:top w:val="nil"/>
        <w:left w:val="nil"/>
        <w:bottom w:val="single" w:sz="4" w:space="0" w:color="C8C8C8"/>
        <w:right w:val="nil"/>
        <w:insideH w:val="single" w:sz="4" w:space="0" w:color="C8C8C8"/>
        <w:insideV w:val="nil"/>
      </w:tblBorders>
      <w:tblCellMar><w:top w:w="{twips(1.2)}" w:type="dxa"/>
        <w:left w:w="{twips(2)}" w:type="dxa"/>
        <w:bottom w:w="{twips(1.2)}" w:type="dxa"/>
        <w:right w:w="{twips(2)}" w:type="dxa"/></w:tblCellMar>
    </w:tblPr>
    <w:tblStylePr w:type="firstRow">
      <w:rPr><w:b/><w:bCs/></w:rPr>
      <w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="4D4D4D"/>
        </w:tcBorders></w:tcPr>
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
            f'<w:pPr><w:ind w:left="{_LIST_INDENT * (ilvl + 1)}" w:hanging="{_LIST_INDENT}"/>'
            "</w:pPr>"
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
    """settings.xml without the history of the file python-docx starts from (rsids, ids).

    ``embedTrueTypeFonts``: the renderer embeds the house fonts, and Word keeps them embedded
    when the letter is edited and saved.
    """
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {_W}>
  <w:zoom w:percent="100"/>
  <w:embedTrueTypeFonts/>
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


#: The family and pitch let Word pick a similar sans-serif where a font is neither installed
#: nor embedded; the renderer embeds the ones it ships (dtz_letters/_render/docx_fonts.py).
_FONT_TABLE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts {_W}>
  <w:font w:name="Open Sans"><w:panose1 w:val="020B0606030504020204"/><w:charset w:val="00"/>
    <w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>
  <w:font w:name="DejaVu Sans"><w:panose1 w:val="020B0603030804020204"/><w:charset w:val="00"/>
    <w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>
</w:fonts>""".encode()

_APP_XML = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>dtz-letters</Application><DocSecurity>0</DocSecurity></Properties>"""


# --------------------------------------------------------------------------- the parts


def _p(style: str, runs: str = "", ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{runs}</w:p>'


def _r(text: str, rpr: str = "") -> str:
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _tag(tag: str) -> str:
    """A paragraph that holds only a docxtpl tag; docxtpl removes the whole paragraph."""
    return f"<w:p>{_r(tag)}</w:p>"


_TAB = "<w:r><w:tab/></w:r>"
_BREAK = "<w:r><w:br/></w:r>"
#: The room for the handwritten signatures: a line holding only a line break in a run whose
#: size makes the line 14mm tall (Open Sans' line is 1.362 times its size: 29pt, 790 twips).
_SIGNATURE_SPACE = '<w:r><w:rPr><w:sz w:val="58"/><w:szCs w:val="58"/></w:rPr><w:br/></w:r>'


def _field(instruction: str, shown: str) -> str:
    """A complex field (w:fldChar): python-docx has no API for fields."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{_r(shown)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _page_of_pages() -> str:
    return _r("Pagina ") + _field("PAGE", "1") + _r(" van ") + _field("NUMPAGES", "1")


def watermark_run(shape_id: int) -> str:
    """A CONCEPT watermark as Word draws one (Design > Watermark): WordArt text in the header,
    centred on the page, behind the text, on every page that header serves.

    The angle and colour follow the PDF's watermark (letter.css, @page concept).
    """
    return f"""<w:r><w:rPr><w:noProof/></w:rPr><w:pict {_VML}>
  <v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
      path="m@7,l@8,m@5,21600l@6,21600e">
    <v:formulas>
      <v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
      <v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
      <v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
      <v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>
      <v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
    </v:formulas>
    <v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
      o:connectangles="270,180,90,0"/>
    <v:textpath on="t" fitshape="t"/>
    <v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
    <o:lock v:ext="edit" text="t" shapetype="t"/>
  </v:shapetype>
  <v:shape id="PowerPlusWaterMarkObject{shape_id}" o:spid="_x0000_s{2048 + shape_id}"
      type="#_x0000_t136" alt="CONCEPT" o:allowincell="f" fillcolor="#C00000" stroked="f"
      style="position:absolute;margin-left:0;margin-top:0;width:470pt;height:75pt;rotation:310;z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:page;mso-position-vertical:center;mso-position-vertical-relative:page">
    <v:fill opacity=".12"/>
    <v:textpath style="font-family:&quot;Open Sans&quot;;font-size:1pt;font-weight:bold"
      string="CONCEPT"/>
    <w10:wrap anchorx="page" anchory="page"/>
  </v:shape>
</w:pict></w:r>"""


def first_page_header_xml() -> str:
    """Page 1: the CONCEPT box (for a concept), the sender lines in a frame, the logo."""
    concept = _p("Conceptmerk", _r("CONCEPT", '<w:rStyle w:val="Concept"/>') + watermark_run(1))
    name = _r("{{ afzender_naam }}", '<w:b/><w:bCs/><w:color w:val="1A1A1A"/>')
    # The sender lines stand where the PDF puts them (CSS .sender), in a frame, which takes
    # no room in the header: page 1's text starts where the PDF's does. LibreOffice reads a
    # frame from the paragraph only, not from its style, and measures a header frame's
    # "page" offset from the header: from the top margin both place it alike.
    frame = (
        f'<w:framePr w:w="{twips(SENDER_WIDTH_MM)}" w:hSpace="0" w:wrap="around" '
        f'w:vAnchor="margin" w:hAnchor="page" w:x="{twips(SENDER_LEFT_MM)}" '
        f'w:y="{twips(SENDER_TOP_MM) - MARGIN_TOP_TWIPS}"/>'
    )
    return (
        _tag("{%p if concept %}")
        + concept
        + _tag("{%p endif %}")
        + _p("Afzender", name, frame)
        + _tag("{%p for regel in afzender_regels %}")
        + _p("Afzender", _r("{{ regel }}"), frame)
        + _tag("{%p endfor %}")
        # The logo floats at its place on the page; the paragraph holding it takes no room.
        + _p("Header", _r("{{ logo }}"), _spacing(0, 0, 20))
    )


def running_header_xml() -> str:
    """Later pages: one line with the letter's name left, its date, kenmerk and page right."""
    return _p(
        "Kopregel",
        _r("{{ kopregel_links }}")
        + _TAB
        + _r("{% if concept %}")
        + _r("CONCEPT", f'<w:b/><w:bCs/><w:color w:val="{_RED}"/>')
        + _r(" · {% endif %}{{ kopregel_rechts }}")
        + _page_of_pages()
        + _r("{% if concept %}")
        + watermark_run(2)
        + _r("{% endif %}"),
    )


def first_page_footer_xml() -> str:
    return _p("Footer", _page_of_pages())


def body_xml() -> str:
    """The letter in reading order, the same order as the PDF's (letter.html.j2)."""
    label = '<w:rStyle w:val="Referentielabel"/>'

    # One paragraph per row of signatories: their functions, the room for the handwritten
    # signatures, their names. One paragraph that keeps its lines together: LibreOffice
    # breaks between two paragraphs that keep with each other (function and name) and left a
    # row of names alone at the top of a page. The room is a line of its own (CSS
    # .signature-space: 14mm): a line break in a run of 29pt, whose line is 790 twips tall.
    def row_of(field: str) -> str:
        return (
            _r(f"{{% for o in rij %}}{{{{ o.{field} }}}}{{% if not loop.last %}}")
            + _TAB
            + _r("{% endif %}{% endfor %}")
        )

    signatories = _p(
        "Ondertekenaars",
        row_of("functie") + _BREAK + _SIGNATURE_SPACE + row_of("naam"),
        _spacing(0, 0, 290, "atLeast"),
    )
    attachments_heading = _p(
        "Heading2",
        # A heading (as in the PDF), in the PDF's look: small and grey (.attachments h2).
        _r("Bijlagen", f'<w:b w:val="0"/><w:bCs w:val="0"/><w:color w:val="{_GREY}"/>' + _size(15)),
        "<w:keepNext/><w:keepLines/>" + _spacing(twips(6), 30, 195),
    )
    return "".join(
        (
            _p("Documenttype", _r("{{ documenttype }}")),
            _p("Adressering", _r("{{ aan }}")),
            _tag("{%p for rij in referentie %}"),
            _p("Referentie", _r("{{ rij.label }}", label) + _TAB + _r("{{ rij.waarde }}")),
            _tag("{%p endfor %}"),
            _p("Onderwerplabel", _r("Onderwerp")),
            _p("Heading1", _r("{{ onderwerp }}")),
            _p("Aanhef", _r("{{ aanhef }}")),
            _tag("{{p body }}"),
            # The closing keeps with the last paragraph (the renderer marks that one) and
            # every line of it with the next, so it never stands alone on a page.
            # CSS .closing margin-top 1.2em, .slot margin-bottom 0.4em.
            _p("Ondertekening", _r("{{ slot }}"), _spacing(240, 80, 290, "atLeast")),
            _tag("{%p if plaats_datum %}"),
            _p("Ondertekening", _r("{{ plaats_datum }}"), _spacing(0, 150, 290, "atLeast")),
            _tag("{%p endif %}"),
            _p("Ondertekening", _r("{{ college }}"), _spacing(0, 200, 290, "atLeast")),
            _tag("{%p for rij in ondertekenaar_rijen %}"),
            signatories,
            _tag("{%p endfor %}"),
            _tag("{%p if bijlagen %}"),
            attachments_heading,
            _tag("{%p for bijlage in bijlagen %}"),
            _p("Bijlage", _r("{{ bijlage }}")),
            _tag("{%p endfor %}"),
            _tag("{%p endif %}"),
        )
    )


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
    section.left_margin = section.right_margin = Twips(MARGIN_SIDE_TWIPS)
    section.top_margin = Twips(MARGIN_TOP_TWIPS)
    section.bottom_margin = Twips(MARGIN_BOTTOM_TWIPS)
    section.header_distance = Twips(twips(_HEADER_DISTANCE_MM))
    section.footer_distance = Twips(twips(_FOOTER_DISTANCE_MM))
    section.different_first_page_header_footer = True


def _fill(element: Any, paragraphs_xml: str) -> None:
    """Replace the content of a header, footer or body element with ``paragraphs_xml``."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    for child in list(element):
        if child.tag != qn("w:sectPr"):
            element.remove(child)
    wrapper = parse_xml(f"<w:body {_W}>{paragraphs_xml}</w:body>")
    anchor = element.find(qn("w:sectPr"))
    for child in list(wrapper):
        if anchor is not None:
            anchor.addprevious(child)
        else:
            element.append(child)


def _headers_and_footers(doc: Document) -> None:
    section = doc.sections[0]
    for part, xml in (
        (section.first_page_header, first_page_header_xml()),
        (section.header, running_header_xml()),
        (section.first_page_footer, first_page_footer_xml()),
        # Later pages carry the page number in the running header.
        (section.footer, _p("Footer")),
    ):
        part.is_linked_to_previous = False
        _fill(part._element, xml)


def _body(doc: Document) -> None:
    _fill(doc.element.body, body_xml())  # before the section properties, which stay last


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
