"""Render a ``Brief`` to DOCX through the Word template of its house style.

The template (``templates/<slug>/letter.docx``, else ``templates/base/letter.docx``, built by
``dtz_letters._tools.docx_template``) holds the layout and the docxtpl tags; the letter only
ever arrives as context values. The body is built with python-docx as a docxtpl sub-document
from the block model, so headings, lists, tables and links are real Word structures.

The rendered letter is then finished where a template cannot say it (:func:`_finish`): the
tables get the column widths the PDF gives them, lists and tables the space below them, the
closing keeps with the last paragraph, unknown facts are highlighted; and the house fonts are
embedded (:mod:`.docx_fonts`). Template and finishing mirror letter.css, so that the Word file
breaks its pages where the PDF does (``tests/test_parity.py``).

Safety, by construction:

* autoescape is on and every value passes :func:`_xml_value`, which also writes ``{`` and ``}``
  as character references: letter text such as ``{{ 7*7 }}`` cannot look like a Jinja tag to
  docxtpl's post-processing, and any ``{{``/``{%`` left in the rendered XML can only come from
  the template, which :class:`_LetterTemplate` refuses;
* characters XML 1.0 cannot hold are refused before anything is rendered;
* the core properties are set after rendering (docxtpl renders them as templates otherwise).

The output is reproducible: dates come from the letter, and the zip is written with fixed
entry dates.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import re
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .._compose.brief import PLACEHOLDER
from .._compose.document import (
    Block,
    Heading,
    Inline,
    ListBlock,
    Note,
    Paragraph,
    Quote,
    Rule,
    Table,
    block_inlines,
    notes_of,
)
from .._templating import environment
from ..errors import AssetError, RenderError, TemplateError, display_path
from .docx_fonts import embed_fonts
from .docx_layout import (
    ABSTRACT_DECIMAL,
    LOGO_LEFT_MM,
    LOGO_MAX_HEIGHT_MM,
    LOGO_MAX_WIDTH_MM,
    LOGO_TOP_MM,
    NUM_BULLET,
    SIGNATORIES_PER_ROW,
    TEXT_WIDTH_TWIPS,
    repack,
    set_core_properties,
)
from .docx_notes import QUOTE_INDENT_TWIPS, Footnotes, ensure_style
from .docx_tables import fit_table
from .fonts import FALLBACK_FONT, needs_fallback
from .furniture import running_header

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.numbering import CT_Numbering
    from docx.parts.document import DocumentPart
    from docx.text.paragraph import Paragraph as DocxParagraph
    from docxtpl import DocxTemplate
    from jinja2 import Environment
    from markupsafe import Markup

    from .._compose.brief import Brief
    from .._input.workspace import HouseStyle

#: Characters XML 1.0 cannot hold (C0 controls but tab, newline, carriage return; surrogates;
#: the two non-characters U+FFFE and U+FFFF).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What a Jinja tag leaves behind when the template did not render it.
_JINJA_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
#: Creation date written when the letter has no date yet (and SOURCE_DATE_EPOCH is unset).
_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
#: An unknown fact, as the letter shows it (see Brief and the HTML renderer).


def render(brief: Brief, style: HouseStyle) -> bytes:
    """The registry's entry (see :func:`render_docx`)."""
    return render_docx(brief, style)


def warm_up() -> None:
    """Import docxtpl now (the renderer imports it on first use): before forking workers."""
    _template_class()


def render_docx(brief: Brief, style: HouseStyle) -> bytes:
    """The letter as DOCX bytes, the same bytes for the same input."""
    _refuse_forbidden_characters(brief)
    template_path = _template_path(style)
    tpl = _LetterTemplate(io.BytesIO(_template_bytes(template_path)), template_path)
    doc = tpl.get_docx()
    if template_path.parent == style.base:
        _apply_profile_style(doc, brief)
    footnotes = Footnotes(doc)
    context = _context(tpl, brief, style, footnotes)
    from jinja2 import TemplateError as JinjaError

    try:
        tpl.render(context, jinja_env=docx_environment(), autoescape=True)
    except JinjaError as exc:  # the letter is only context values: the template is at fault
        raise TemplateError(
            f"The Word template {display_path(template_path)} could not be rendered: {exc}."
        ) from exc
    _finish(doc, style, footnotes.notes)
    footnotes.attach()  # after rendering: docxtpl would read the notes as a template
    _set_core_properties(doc, brief)
    out = io.BytesIO()
    tpl.save(out)
    data = out.getvalue()
    families = [brief.lettertype, *([FALLBACK_FONT] if needs_fallback(brief, style) else [])]
    return repack(
        data, embed_fonts(data, families, style.fonts, italic=_uses_italic(doc, footnotes.notes))
    )


@cache
def docx_environment() -> Environment:
    """The one Jinja environment for Word templates (per process).

    docxtpl compiles every XML part of the template on every render; this environment
    compiles each distinct part once and reuses it (the parts are the template's, never the
    letter's: the letter arrives only as context values). docxtpl's only change to the
    environment is to switch on autoescape, which is on already.
    """
    from jinja2 import Environment

    class CompilingOnce(Environment):
        _compiled: dict[str, Any]

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            return _once(self._compiled, source, super().from_string)

    env = environment(cls=CompilingOnce, autoescape=True, finalize=_xml_value)
    assert isinstance(env, CompilingOnce)
    env._compiled = {}
    return env


#: How many compiled template parts the DOCX environment keeps (and cleaned-up parts).
_COMPILED_PARTS = 64
_T = TypeVar("_T")

#: Each template part's XML as docxtpl cleaned it up, by the XML before.
_PATCHED: dict[str, str] = {}


def _once(made: dict[str, _T], source: str, make: Callable[[str], _T]) -> _T:
    """``make(source)``, kept in ``made`` (at most :data:`_COMPILED_PARTS` of them: a long
    run over many house styles stays bounded)."""
    found = made.get(source)
    if found is None:
        if len(made) >= _COMPILED_PARTS:
            made.clear()
        found = made[source] = make(source)
    return found


def _xml_value(value: object) -> Markup:
    """A context value as XML text: escaped, with braces as character references."""
    from markupsafe import Markup, escape

    # Sub-documents and images are XML already (they have __html__); everything else is text.
    xml = str(value.__html__()) if hasattr(value, "__html__") else str(escape(value))
    return Markup(xml.replace("{", "&#123;").replace("}", "&#125;"))


# --------------------------------------------------------------------------- input checks


def _refuse_forbidden_characters(brief: Brief) -> None:
    texts: dict[str, str] = {
        "the letter text": brief.text(),
        "the sender lines": "\n".join(brief.sender_lines),
        "the document type": brief.documenttype,
        "the municipality's name": brief.gemeente,
        "the logo's alternative text": brief.logo.alt,
    }

    inlines = [i for b in brief.body for i in block_inlines(b)]
    inlines += [p for i in inlines for note in notes_of(i) for p in note.paragraphs]
    texts["a link"] = "\n".join(s.href for i in inlines for s in i if s.href)
    for where, text in texts.items():
        found = _FORBIDDEN.search(text)
        if found:
            raise RenderError(
                f"Letter {brief.name!r} for {brief.gemeente} holds the control character "
                f"U+{ord(found.group()):04X} in {where}, which a DOCX file cannot contain; "
                "remove it from the letter."
            )


# --------------------------------------------------------------------------- template


def _template_path(style: HouseStyle) -> Path:
    path = style.find("letter.docx")
    if not path.is_file():
        raise AssetError(
            f"The Word template {display_path(path)} is missing; "
            "regenerate it with: python -m dtz_letters._tools.docx_template."
        )
    return path


def _template_bytes(path: Path) -> bytes:
    stat = path.stat()
    return _read_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _read_cached(path: Path, mtime_ns: int, size: int) -> bytes:
    # Keyed on modification time and size, so an edited template is read again.
    return path.read_bytes()


@cache
def _template_class() -> type[DocxTemplate]:
    from docxtpl import DocxTemplate

    class LetterTemplate(DocxTemplate):  # type: ignore[misc]
        """A DocxTemplate that refuses to leave a Jinja tag unrendered."""

        def __init__(self, source: io.BytesIO, path: Path) -> None:
            super().__init__(source)
            self.path = path

        def patch_xml(self, src_xml: str) -> str:
            # docxtpl's clean-up of a part's XML (some 1.5 ms of regular expressions) depends
            # on the XML alone, which is the template's: done once per distinct part.
            return _once(_PATCHED, src_xml, super().patch_xml)

        def render_xml_part(
            self, src_xml: str, part: Any, context: Any, jinja_env: Any = None
        ) -> str:
            xml: str = super().render_xml_part(src_xml, part, context, jinja_env)
            # Values write braces as character references (see _xml_value), so a tag here
            # comes from the template: split over runs, misspelt, or escaped the docxtpl way.
            tag = _JINJA_TAG.search(xml)
            if tag:
                text = re.sub(r"<[^>]+>", "", xml[max(0, tag.start() - 200) : tag.end() + 200])
                raise TemplateError(
                    f"The Word template {display_path(self.path)} left the Jinja tag "
                    f"{tag.group()!r} unrendered in {part.partname} (near {text.strip()!r}); "
                    "retype the tag in one go so Word keeps it in a single run."
                )
            return xml

        def fix_tables(self, xml: str) -> Any:
            # docxtpl's own version parses with recover=True (malformed XML would silently
            # lose text) and counts the rows of nested tables as rows of the outer one.
            from lxml import etree

            try:
                tree = etree.fromstring(xml)
            except etree.XMLSyntaxError as exc:
                raise TemplateError(
                    f"The Word template {display_path(self.path)} produced malformed XML: {exc}."
                ) from None
            for tbl in tree.iter(_qn("w:tbl")):
                _fit_grid(tbl)
            return tree

    return LetterTemplate


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _fit_grid(tbl: Any) -> None:
    """Make a table's grid match its cells after a column loop, keeping its total width."""
    rows = tbl.findall(_qn("w:tr"))
    spans = [[_span(tc) for tc in tr.findall(_qn("w:tc"))] for tr in rows]
    ncols = max((sum(row) for row in spans), default=0)
    grid = tbl.find(_qn("w:tblGrid"))
    if grid is None or ncols == 0:
        return
    cols = grid.findall(_qn("w:gridCol"))
    if len(cols) == ncols:
        return
    total = sum(int(float(c.get(_qn("w:w"), "0"))) for c in cols)
    for c in cols:
        grid.remove(c)
    width = total // ncols
    for _ in range(ncols):
        etree_col = grid.makeelement(_qn("w:gridCol"), {_qn("w:w"): str(width)})
        grid.append(etree_col)
    for tr, row in zip(rows, spans, strict=True):
        for tc, span in zip(tr.findall(_qn("w:tc")), row, strict=True):
            tc_w = tc.find(f"{_qn('w:tcPr')}/{_qn('w:tcW')}")
            if tc_w is not None:
                tc_w.set(_qn("w:w"), str(width * span))
                tc_w.set(_qn("w:type"), "dxa")


def _span(tc: Any) -> int:
    span = tc.find(f"{_qn('w:tcPr')}/{_qn('w:gridSpan')}")
    return int(span.get(_qn("w:val"))) if span is not None else 1


def _LetterTemplate(source: io.BytesIO, path: Path) -> DocxTemplate:
    return _template_class()(source, path)


def _apply_profile_style(doc: Document, brief: Brief) -> None:
    """The shared template in the municipality's font and colours (from its profile).

    The accent colour goes where letter.css puts var(--accent): section headings, the
    document type, the rule under the running header and under a table's header row, the
    underline of links.
    """
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    styles = doc.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if defaults is not None:
        fonts = defaults.find(qn("w:rFonts"))
        if fonts is not None:
            # w:cs stays the fallback font: the scripts Open Sans lacks (Hebrew, Arabic).
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
                fonts.set(qn(attr), brief.lettertype)
        colour = defaults.find(qn("w:color"))
        if colour is not None:
            colour.set(qn("w:val"), brief.kleuren.tekst.lstrip("#").upper())
    accent_hex = brief.kleuren.accent.lstrip("#").upper()
    accent = RGBColor.from_string(accent_hex)
    for name in ("Heading 2", "Documenttype"):
        doc.styles[name].font.color.rgb = accent
    for style_id, path in (
        ("Kopregel", "w:pPr/w:pBdr/w:bottom"),
        ("Brieftabel", "w:tblStylePr/w:tcPr/w:tcBorders/w:bottom"),
        ("Hyperlink", "w:rPr/w:u"),  # as letter.css: in the text's colour, underlined
    ):
        for border in styles.xpath(f'w:style[@w:styleId="{style_id}"]/{path}'):
            border.set(qn("w:color"), accent_hex)


# --------------------------------------------------------------------------- context


def _context(
    tpl: DocxTemplate, brief: Brief, style: HouseStyle, footnotes: Footnotes
) -> dict[str, Any]:
    header = running_header(brief, style)
    signatories = [{"functie": s.functie, "naam": s.naam} for s in brief.ondertekenaars]
    return {
        "gemeente": brief.gemeente,
        "documenttype": brief.documenttype,
        "concept": brief.concept,
        "logo": _logo(tpl, brief, style),
        "afzender": list(brief.sender_lines),
        "afzender_naam": brief.sender_lines[0],
        "afzender_regels": list(brief.sender_lines[1:]),
        # Templates of the earlier form name the whole line "kopregel".
        "kopregel": " · ".join((brief.gemeente, brief.documenttype, brief.onderwerp)),
        "kopregel_links": header.left,
        "kopregel_rechts": header.right,
        "aan": brief.aan,
        "referentie": [{"label": k, "waarde": v} for k, v in brief.reference_rows()],
        "onderwerp": brief.onderwerp,
        "aanhef": brief.aanhef,
        "body": _body(tpl, brief, footnotes),
        "slot": brief.slot,
        "plaats_datum": brief.plaats_datum,
        "college": brief.college,
        "ondertekenaars": signatories,
        "ondertekenaar_rijen": [
            signatories[i : i + SIGNATORIES_PER_ROW]
            for i in range(0, len(signatories), SIGNATORIES_PER_ROW)
        ],
        "bijlagen": list(brief.bijlagen),
    }


def _logo(tpl: DocxTemplate, brief: Brief, style: HouseStyle) -> object:
    from docx.shared import Mm

    folder = style.gemeente.resolve()
    profile = display_path(style.gemeente / "profile.yaml")
    path = (folder / brief.logo.bestand).resolve()
    if not path.is_relative_to(folder):
        raise AssetError(
            f"The logo {brief.logo.bestand!r} in {profile} lies outside "
            f"{display_path(folder)}; put the logo in the municipality's folder."
        )
    if not path.is_file():
        raise AssetError(f"The logo {display_path(path)} named in {profile} is missing.")
    width, height = _logo_size_mm(path)
    return _logo_class()(tpl, str(path), width=Mm(width), height=Mm(height), alt=brief.logo.alt)


def _logo_size_mm(path: Path) -> tuple[float, float]:
    """The logo's size as the PDF draws it (CSS .logo): its own size at 96 dpi, scaled down
    to fit 48 x 17 mm, keeping its shape."""
    from docx.image.image import Image

    image = Image.from_file(str(path))
    width, height = image.px_width * 25.4 / 96, image.px_height * 25.4 / 96
    scale = min(1.0, LOGO_MAX_WIDTH_MM / width, LOGO_MAX_HEIGHT_MM / height)
    return width * scale, height * scale


@cache
def _subdoc_class() -> type:
    from docx.document import Document as DocxDocument
    from docxtpl.subdoc import Subdoc

    class BareSubdoc(Subdoc):  # type: ignore[misc]
        """docxtpl's sub-document without a document of its own.

        docxtpl's ``new_subdoc()`` loads python-docx's default document for every letter, only
        to write into its body and resolve everything against the letter's own part. This
        starts from an empty copy of that body (its section properties, which python-docx
        reads for the width of a new table), made once per process.
        """

        def __init__(self, tpl: DocxTemplate) -> None:
            from docx.oxml import parse_xml

            tpl.init_docx()
            self.tpl = tpl
            self.docx = tpl.get_docx()
            self.subdocx = DocxDocument(parse_xml(_bare_document()), self.docx.part)

    return BareSubdoc


@cache
def _bare_document() -> bytes:
    """python-docx's default document with nothing in its body but its section properties."""
    from docx import Document
    from lxml import etree

    element = Document().element
    body = element.body
    for child in list(body):
        if child is not body.sectPr:
            body.remove(child)
    return bytes(etree.tostring(element))


@cache
def _logo_class() -> type:
    from docxtpl import InlineImage

    class LogoImage(InlineImage):  # type: ignore[misc]
        """The letterhead's logo: floating at its place on page 1 (so it takes no room in the
        header), with alternative text (docxtpl's own leaves wp:docPr/@descr out)."""

        def __init__(self, tpl: DocxTemplate, path: str, width: int, height: int, alt: str):
            super().__init__(tpl, path, width=width, height=height)
            self.alt = alt

        def _insert_image(self) -> str:
            inline = self.tpl.current_rendering_part.new_pic_inline(
                self.image_descriptor, self.width, self.height
            )
            for el in inline.xpath(".//wp:docPr | .//pic:cNvPr"):
                el.set("descr", self.alt)
            # The same run surgery as docxtpl's: close the tag's run, add one with the drawing.
            return (
                f"</w:t></w:r><w:r><w:drawing>{_anchored(inline)}</w:drawing></w:r><w:r>"
                '<w:t xml:space="preserve">'
            )

    return LogoImage


def _anchored(inline: Any) -> str:
    """A wp:inline picture as a wp:anchor at the letterhead's place, in front of no text."""
    from docx.oxml.ns import qn
    from docx.shared import Mm
    from lxml import etree

    anchor = etree.Element(
        qn("wp:anchor"),
        {
            "distT": "0",
            "distB": "0",
            "distL": "0",
            "distR": "0",
            "simplePos": "0",
            "relativeHeight": "1",
            "behindDoc": "0",
            "locked": "1",
            "layoutInCell": "1",
            "allowOverlap": "1",
        },
        nsmap=inline.nsmap,
    )
    etree.SubElement(anchor, qn("wp:simplePos"), x="0", y="0")
    for axis, offset in (("H", LOGO_LEFT_MM), ("V", LOGO_TOP_MM)):
        position = etree.SubElement(anchor, qn(f"wp:position{axis}"), relativeFrom="page")
        etree.SubElement(position, qn("wp:posOffset")).text = str(Mm(offset))
    extent = inline.find(qn("wp:extent"))
    anchor.append(extent)
    etree.SubElement(anchor, qn("wp:effectExtent"), l="0", t="0", r="0", b="0")
    etree.SubElement(anchor, qn("wp:wrapNone"))
    for tag in ("wp:docPr", "wp:cNvGraphicFramePr", "a:graphic"):
        child = inline.find(qn(tag))
        if child is not None:
            anchor.append(child)
    return str(etree.tostring(anchor, encoding="unicode"))


# --------------------------------------------------------------------------- body


def _body(tpl: DocxTemplate, brief: Brief, footnotes: Footnotes) -> object:
    subdoc = _subdoc_class()(tpl)
    main: DocumentPart = tpl.get_docx().part
    writer = _BodyWriter(subdoc, main, main.numbering_part.element, footnotes, brief.kleuren.accent)
    writer.blocks(brief.body, depth=0)
    return subdoc


class _BodyWriter:
    """Writes blocks into a sub-document that shares the main document's part.

    Sharing the part means style names, numbering definitions and hyperlink relationships
    resolve against the letter itself. Footnotes go to :class:`.docx_notes.Footnotes`.
    """

    def __init__(
        self,
        doc: Any,
        part: DocumentPart,
        numbering: CT_Numbering,
        footnotes: Footnotes,
        accent: str,
    ) -> None:
        self.doc = doc
        self.part = part
        self.numbering = numbering
        self.footnotes = footnotes
        self.accent = accent
        self.in_quote = 0  # inside how many block quotes the writer is
        self.after_table = False  # the last thing written was a table

    def style(self, key: str) -> Any:
        """The style of the letter that ``docx_notes.STYLES[key]`` describes (added if missing)."""
        style_id = ensure_style(self.doc, key, self.accent)
        return next(s for s in self.doc.styles if s.style_id == style_id)

    def paragraph(self, style: Any) -> DocxParagraph:
        """A new paragraph in ``style`` (a name or a style); the space below a table before
        it is set by ``_fit_spacing``, as the larger of the table's and the paragraph's."""
        p: DocxParagraph = self.doc.add_paragraph(style=style)
        self.after_table = False
        if self.in_quote and isinstance(style, str) and style.startswith("List "):
            _quote_border(p, self.accent)
        return p

    def blocks(self, blocks: tuple[Block, ...], depth: int, style: Any = None) -> None:
        for block in blocks:
            self.block(block, depth, style=style)

    def block(self, block: Block, depth: int, style: Any) -> None:
        if isinstance(block, Heading):
            # Level 1 is the subject line; the body's headings start at 2. The level is the
            # heading's place in its section's outline, decided when the letter was composed.
            p = self.paragraph(f"Heading {min(max(block.level, 2), 6)}")
            self.spans(p, block.spans)
        elif isinstance(block, Paragraph):
            self.spans(self.paragraph(style), block.spans)
        elif isinstance(block, ListBlock):
            self.list(block, depth)
        elif isinstance(block, Quote):
            # Quoted paragraphs in Word's "Quote" style (set off by a rule on the left, as in
            # the PDF); lists and tables inside keep their own styles.
            quote = self.style("Quote")
            self.in_quote += 1
            self.blocks(block.blocks, depth, style=quote)
            self.in_quote -= 1
        elif isinstance(block, Rule):
            self.paragraph(self.style("Scheidingslijn"))
        else:
            self.table(block)

    def list(self, block: ListBlock, depth: int) -> None:
        level = min(depth, 8)
        if block.ordered:
            num_id = self.new_num(level, block.start)
            style = _list_style("Number", depth)
        else:
            num_id, style = NUM_BULLET, _list_style("Bullet", depth)
        for item in block.items:
            numbered = False
            for inner in item.blocks:
                if not numbered and isinstance(inner, Paragraph):
                    p = self.paragraph(style)
                    _number(p, num_id, level)
                    self.spans(p, inner.spans)
                elif isinstance(inner, ListBlock):
                    if not numbered:  # an item that starts with a list still gets its mark
                        _number(self.paragraph(style), num_id, level)
                    self.list(inner, depth + 1)
                else:
                    self.block(inner, depth, style=_list_style("Continue", depth))
                numbered = True

    def new_num(self, level: int, start: int) -> int:
        """A new w:num for one ordered list, so that each list starts at its own number."""
        num = self.numbering.add_num(ABSTRACT_DECIMAL)  # type: ignore[no-untyped-call]
        num.add_lvlOverride(ilvl=level).add_startOverride(start)
        return int(num.numId)

    def table(self, block: Table) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement, parse_xml
        from docx.oxml.ns import nsdecls, qn
        from docx.shared import Twips

        rows = ([block.header] if block.header else []) + list(block.rows)
        ncols = max(len(r) for r in rows)
        if self.after_table:  # Word would join two tables that touch into one
            self.paragraph(None)
        table = self.doc.add_table(len(rows), ncols)
        table.style = self.doc.styles["Brieftabel"]
        tbl_pr = table._tbl.tblPr
        width = tbl_pr.find(qn("w:tblW"))
        if width is not None:
            tbl_pr.remove(width)
        tbl_pr.find(qn("w:tblStyle")).addnext(
            parse_xml(f'<w:tblW {nsdecls("w")} w:w="5000" w:type="pct"/>')
        )
        col_width = TEXT_WIDTH_TWIPS // ncols
        for col in table._tbl.tblGrid.findall(qn("w:gridCol")):
            col.set(qn("w:w"), str(col_width))
        for r, (row, cells) in enumerate(zip(table.rows, rows, strict=True)):
            header = bool(block.header) and r == 0
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if header:
                # Repeats on every page the table spans, and marks the header for assistive tech.
                tr_pr.append(OxmlElement("w:tblHeader"))
            for c, cell in enumerate(row.cells):
                cell.width = Twips(col_width)
                p = cell.paragraphs[0]
                p.style = self.doc.styles["Tabeltekst"]
                align = block.align[c] if c < len(block.align) else None
                if align in ("left", "center", "right"):
                    p.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
                if c < len(cells):
                    self.spans(p, cells[c], bold=header)
        self.after_table = True

    def spans(self, p: DocxParagraph, spans: Inline, bold: bool = False, links: Any = None) -> None:
        """Runs for ``spans`` in ``p``; hyperlinks are related from ``links`` (the part the
        paragraph is in: the document, or the footnotes)."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        link: Any = None
        link_href: str | None = None
        for span in spans:
            if span.line_break:
                p.add_run().add_break()
                link = None
                continue
            if span.note is not None:
                p._p.append(self.footnotes.reference_run(self.note(span.note)))
                link = None
                continue
            run = p.add_run(span.text)  # python-docx turns \n and \t into w:br and w:tab
            if span.bold or bold:
                run.bold = True
            if span.italic:
                run.italic = True
            if span.href is None:
                link = None
                continue
            run.style = self.doc.styles["Hyperlink"]
            if link is None or link_href != span.href:
                rid = (links or self.part).relate_to(span.href, RT.HYPERLINK, is_external=True)
                link, link_href = OxmlElement("w:hyperlink"), span.href
                link.set(qn("r:id"), rid)
                run._r.addprevious(link)
            link.append(run._r)

    def note(self, note: Note) -> int:
        """Write ``note`` as a Word footnote; its id, for the reference in the text."""
        from docx.text.paragraph import Paragraph as DocxParagraph

        note_id, element = self.footnotes.new()
        for n, spans in enumerate(note.paragraphs):
            p = element[0] if n == 0 else self.footnotes.paragraph(element)
            self.spans(DocxParagraph(p, self.doc), spans, links=self.footnotes.part)
        return note_id


def _quote_border(p: DocxParagraph, accent: str) -> None:
    """The quote's rule on the left for a list paragraph inside a quote, and the quote's
    indent: Word joins it with the quoted paragraphs' rule (see docx_notes.STYLES)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Twips

    # The list style's indent, moved right by the quote's (written whole: a paragraph's own
    # w:ind replaces its style's in LibreOffice).
    style = p.style.paragraph_format if p.style is not None else None
    left = style.left_indent if style is not None else None
    first = style.first_line_indent if style is not None else None
    p.paragraph_format.left_indent = Twips((left.twips if left else 0) + QUOTE_INDENT_TWIPS)
    if first is not None:
        p.paragraph_format.first_line_indent = first
    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="12" w:space="8" '
        f'w:color="{accent.lstrip("#").upper()}"/></w:pBdr>'
    )
    p._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)


#: What follows w:pBdr in a w:pPr (ECMA-376 CT_PPrBase): the border goes before these.
_AFTER_PBDR = [
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]


def _list_style(kind: str, depth: int) -> str:
    return f"List {kind}" if depth == 0 else f"List {kind} {min(depth, 2) + 1}"


def _number(p: DocxParagraph, num_id: int, level: int) -> None:
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


# --------------------------------------------------------------------------- finishing

#: CSS margins Word has no style for (letter.css): below a list (ul, ol: 0.75em) and below a
#: table (table.data: 1em of 9pt). Twips.
_LIST_AFTER = 150
_TABLE_AFTER = 180
#: The order of run properties in w:rPr (CT_RPr's sequence in ECMA-376).
_RPR_ORDER = (
    *("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike"),
    *("outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden"),
    *("color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect"),
    *("bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout"),
    *("specVanish", "oMath"),
)


def _finish(doc: Document, style: HouseStyle, notes: Sequence[Any] = ()) -> None:
    """What the template cannot say, done on the rendered letter: the tables' column widths
    and the spacing around lists and tables as the PDF has them, the closing kept with the
    last paragraph, unknown facts marked (also in the footnotes ``notes``)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    body = doc.element.body
    for tbl in body.iter(qn("w:tbl")):
        if tbl.xpath('./w:tblPr/w:tblStyle[@w:val="Brieftabel"]'):
            fit_table(tbl, TEXT_WIDTH_TWIPS, style.fonts)
            _keep_header_row_with_next(doc, tbl)
    _fit_spacing(doc, body)
    _keep_closing_with_last_paragraph(doc, body)
    roots = (
        [body]
        + [
            rel.target_part.element
            for rel in doc.part.rels.values()
            if rel.reltype in (RT.HEADER, RT.FOOTER)
        ]
        + list(notes)
    )
    for root in roots:
        _mark_placeholders(root)


def _keep_header_row_with_next(doc: Document, tbl: Any) -> None:
    """A table's header row never stands alone at the foot of a page: it keeps with the
    first row below it (the PDF moves such a table to the next page whole). LibreOffice
    needs it too: without it, LibreOffice 7.4 drops the rows that do not fit below a header
    row left alone at the foot of a page."""
    from docx.text.paragraph import Paragraph as DocxParagraph

    for p in tbl.xpath("./w:tr[w:trPr/w:tblHeader]//w:p"):
        DocxParagraph(p, doc.part).paragraph_format.keep_with_next = True


def _uses_italic(doc: Document, notes: Sequence[Any] = ()) -> bool:
    """Whether any text of the letter, its footnotes (``notes``) included, is set in italic:
    by a run of its own, or by a paragraph or character style that is (or is based on one
    that is)."""
    from docx.oxml.ns import qn

    def on(rpr: Any) -> bool:
        el = rpr.find(qn("w:i")) if rpr is not None else None
        return el is not None and el.get(qn("w:val"), "true") not in ("0", "false", "off")

    styles = {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}

    def italic_style(style_id: str | None, depth: int = 0) -> bool:
        style = styles.get(style_id)
        if style is None or depth > 10:
            return False
        if on(style.find(qn("w:rPr"))):
            return True
        based = style.find(qn("w:basedOn"))
        return based is not None and italic_style(based.get(qn("w:val")), depth + 1)

    roots = [doc.element.body, *notes]
    used = {
        el.get(qn("w:val")) for root in roots for el in root.iter(qn("w:pStyle"), qn("w:rStyle"))
    }
    if any(italic_style(style_id) for style_id in used):
        return True
    return any(on(rpr) for root in roots for rpr in root.iter(qn("w:rPr")))


def _style_id(p: Any) -> str:
    from docx.oxml.ns import qn

    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return str(style.get(qn("w:val"))) if style is not None else "Normal"


def _fit_spacing(doc: Document, body: Any) -> None:
    """Give lists and tables the room below them that letter.css gives.

    Word keeps lists tight (a list paragraph has only an item's spacing below it) and tables
    without any; CSS puts a margin under both. Between two paragraphs Word leaves the larger
    of the one's space after and the other's space before, as CSS collapses margins, so the
    styles carry the CSS margins and only these two need setting here.
    """
    from docx.oxml.ns import qn
    from docx.shared import Twips
    from docx.text.paragraph import Paragraph as DocxParagraph

    children = [c for c in body if c.tag in (qn("w:p"), qn("w:tbl"))]
    for child, following in itertools.pairwise(children):
        if child.tag == qn("w:p"):
            if _style_id(child).startswith("List") and not _style_id(following).startswith("List"):
                DocxParagraph(child, doc.part).paragraph_format.space_after = Twips(_LIST_AFTER)
        elif following.tag == qn("w:p"):
            p = DocxParagraph(following, doc.part)
            p.paragraph_format.space_before = Twips(max(_TABLE_AFTER, _space_before(p)))


def _space_before(p: DocxParagraph) -> int:
    """The space above ``p`` in twips: its own, else its style's (or that style's base)."""
    direct = p.paragraph_format.space_before
    if direct is not None:
        return int(direct.twips)
    style = p.style
    while style is not None:
        value = style.paragraph_format.space_before
        if value is not None:
            return int(value.twips)
        style = style.base_style
    return 0


def _keep_closing_with_last_paragraph(doc: Document, body: Any) -> None:
    """The last block of the body keeps with the closing (which keeps together), so the
    signatures never stand alone on a page (the PDF: .closing break-before: avoid); the
    attachments need not."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph as DocxParagraph

    closing = next((p for p in body.iter(qn("w:p")) if _style_id(p) == "Ondertekening"), None)
    if closing is None:
        return
    last = closing.getprevious()
    if last is None:
        return
    if last.tag == qn("w:tbl"):
        rows = last.findall(qn("w:tr"))
        paragraphs = rows[-1].iter(qn("w:p")) if rows else iter(())
    elif last.tag == qn("w:p"):
        paragraphs = iter([last])
    else:
        return
    for p in paragraphs:
        DocxParagraph(p, doc.part).paragraph_format.keep_with_next = True
    # The closing ends with the last row of signatories: the attachments after it may start
    # on the next page (the PDF: .attachments outside .closing), their heading with them.
    names = [p for p in body.iter(qn("w:p")) if _style_id(p) == "Ondertekenaars"]
    if names:
        DocxParagraph(names[-1], doc.part).paragraph_format.keep_with_next = False


def _mark_placeholders(root: Any) -> None:
    """Each "[ONBEKEND: ...]" in a run of its own, highlighted as in the PDF (CSS .onbekend:
    bold on yellow in a dashed frame), wherever it stands: reference block, signatures,
    running header or text."""
    from docx.oxml.ns import qn

    for t in [t for t in root.iter(qn("w:t")) if PLACEHOLDER.search(t.text or "")]:
        run = t.getparent()
        if run is None or run.tag != qn("w:r"):
            continue
        rpr = run.find(qn("w:rPr"))
        pieces: list[Any] = []
        last = 0
        text = t.text or ""
        for match in PLACEHOLDER.finditer(text):
            pieces += _text_runs(text[last : match.start()], rpr, marked=False)
            pieces += _text_runs(match.group(), rpr, marked=True)
            last = match.end()
        pieces += _text_runs(text[last:], rpr, marked=False)
        # Whatever else the run held (tabs, breaks) stays on either side, in its own run.
        before = [c for c in run if c is not rpr and c.getparent() is run]
        index = before.index(t)
        head, tail = before[:index], before[index + 1 :]
        replacement = _runs_of(head, rpr) + pieces + _runs_of(tail, rpr)
        for new in replacement:
            run.addprevious(new)
        run.getparent().remove(run)


def _text_runs(text: str, rpr: Any, marked: bool) -> list[Any]:
    if not text:
        return []
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    (run,) = _runs_of([t], rpr)
    if marked:
        props = run.find(qn("w:rPr"))
        if props is None:
            props = OxmlElement("w:rPr")
            run.insert(0, props)
        _set_rpr(props, "b", {})
        _set_rpr(props, "bCs", {})
        _set_rpr(props, "color", {"w:val": "1A1A1A"})
        _set_rpr(
            props, "bdr", {"w:val": "dashed", "w:sz": "4", "w:space": "0", "w:color": "8A6D00"}
        )
        _set_rpr(props, "shd", {"w:val": "clear", "w:color": "auto", "w:fill": "FFE45C"})
    return [run]


def _runs_of(children: list[Any], rpr: Any) -> list[Any]:
    """``children`` in a new run with a copy of ``rpr``; no run for no children."""
    import copy

    from docx.oxml import OxmlElement

    if not children:
        return []
    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    for child in children:
        run.append(child)
    return [run]


def _set_rpr(rpr: Any, name: str, attrs: dict[str, str]) -> None:
    """Set the run property ``name`` in ``rpr``, in its place in the schema's order."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in rpr.findall(qn(f"w:{name}")):
        rpr.remove(old)
    element = OxmlElement(f"w:{name}")
    for key, value in attrs.items():
        element.set(qn(key), value)
    rank = _RPR_ORDER.index(name)
    later = {qn(f"w:{n}") for n in _RPR_ORDER[rank + 1 :]}
    for child in rpr:
        if child.tag in later:
            child.addprevious(element)
            return
    rpr.append(element)


# --------------------------------------------------------------------------- properties


def _set_core_properties(doc: Document, brief: Brief) -> None:
    values = {
        "dc:title": brief.onderwerp,
        "dc:subject": f"{brief.documenttype} van de {brief.officiele_naam}",
        "dc:creator": brief.officiele_naam,
        "cp:keywords": "; ".join(
            k for k in (brief.documenttype, brief.gemeente, brief.kenmerk) if k
        ),
        "cp:lastModifiedBy": brief.officiele_naam,
        "cp:revision": "1",
        "dc:language": "nl-NL",
        "cp:contentStatus": "Concept" if brief.concept else "Definitief",
    }
    if brief.kenmerk:
        values["dc:identifier"] = brief.kenmerk
    set_core_properties(doc, values, _document_date(brief))


def _document_date(brief: Brief) -> dt.datetime:
    """The letter's date; without one SOURCE_DATE_EPOCH or a fixed epoch, never the clock."""
    if brief.datum is not None:
        return dt.datetime.combine(brief.datum, dt.time(), dt.UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return _EPOCH
