"""Markdown in letters, the same in the PDF and the Word file: headings by structure, footnotes,
links, block quotes and rules, refusals with file:line, and one character rule for every field.

Three letters written for these tests (``tests/letters/``: one of three pages with
sub-headings at ``###`` and deeper, a table, both list kinds, links, a long address and
footnotes; one without section headings whose Markdown headings start at ``#``; one full of
footnotes and links) are rendered once per module for all five municipalities, as PDF and as
DOCX, and the DOCX files are converted by LibreOffice in one run: the outside judge of the
Word footnotes.
"""

from __future__ import annotations

import ctypes
import io
import itertools
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from lxml import etree

from dtz_letters import Brief, check_pdf_accessibility, compose, render
from dtz_letters._compose.document import (
    Block,
    Heading,
    Inline,
    ListBlock,
    Note,
    Outline,
    Paragraph,
    Quote,
    Rule,
    Span,
    Table,
    block_inlines,
    plain,
)
from dtz_letters._compose.markdown import MarkdownError, parse_markdown, unescape
from dtz_letters.cli import main
from tests.conftest import REPO
from tests.helpers import MINIMAL_LETTER, libreoffice_pdf, write_letter
from tests.test_accessibility import element_text, elements, headings
from tests.textutil import docx_body_lines, normalise, pdf_body_lines

LETTERS = REPO / "tests" / "letters"
LETTER_NAMES = ("lange-brief-opmaak", "korte-brief-zonder-koppen", "brief-met-voetnoten")
SLUGS = ("coevorden", "emmen", "hardenberg", "hoogeveen", "borger-odoorn")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class Rendered:
    name: str  # the letter's file stem
    brief: Brief
    pdf: bytes
    docx: bytes
    libreoffice: bytes  # the DOCX as LibreOffice lays it out, as PDF


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Rendered]:
    """Every test letter for every municipality, rendered once; the DOCX files converted by
    one LibreOffice run."""
    out = tmp_path_factory.mktemp("markdown")
    made: dict[tuple[str, str], tuple[Brief, bytes, bytes]] = {}
    for name in LETTER_NAMES:
        path = LETTERS / f"{name}.yaml"
        for slug in SLUGS:
            brief = compose(path, slug)
            pdf = render(path, slug, "pdf")
            data = render(path, slug, "docx")
            (out / f"{slug}--{name}.docx").write_bytes(data)
            made[name, slug] = (brief, pdf, data)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(out / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *sorted(str(p) for p in out.glob("*.docx")),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {
        key: Rendered(key[0], brief, pdf, data, (out / f"{key[1]}--{key[0]}.pdf").read_bytes())
        for key, (brief, pdf, data) in made.items()
    }


CASES = [(name, slug) for name in LETTER_NAMES for slug in SLUGS]
IDS = [f"{name}-{slug}" for name, slug in CASES]


@pytest.fixture(params=CASES, ids=IDS)
def case(request: pytest.FixtureRequest, rendered: dict[tuple[str, str], Rendered]) -> Rendered:
    return rendered[request.param]


# --------------------------------------------------------------------------- the model


def all_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, ListBlock):
            for item in block.items:
                yield from all_blocks(item.blocks)
        elif isinstance(block, Quote):
            yield from all_blocks(block.blocks)


def body_headings(brief: Brief) -> list[tuple[int, str]]:
    return [(b.level, plain(b.spans)) for b in all_blocks(brief.body) if isinstance(b, Heading)]


def leaf_inlines(brief: Brief) -> list[Inline]:
    """The runs of spans of the body in reading order (headings, paragraphs, table cells)."""
    return [
        spans
        for block in all_blocks(brief.body)
        if isinstance(block, Heading | Paragraph | Table)
        for spans in block_inlines(block)
    ]


def with_calls(spans: Inline, first: int) -> str:
    """The text of ``spans`` with footnote calls as their numbers, as the PDF prints them."""
    out, number = "", first
    for span in spans:
        if span.note is not None:
            out += str(number)
            number += 1
        out += span.text
    return out


def notes_with_calls(brief: Brief) -> list[tuple[Note, str]]:
    """Every footnote in the order of its call, with the words just before the call."""
    found: list[tuple[Note, str]] = []
    for spans in leaf_inlines(brief):
        before = ""
        for span in spans:
            if span.note is not None:
                found.append((span.note, " ".join(before.split()[-3:])))
            before += span.text
    return found


def note_text(note: Note) -> str:
    return " ".join(plain(p) for p in note.paragraphs)


def hrefs(brief: Brief) -> set[str]:
    inlines = leaf_inlines(brief)
    inlines += [p for note, _ in notes_with_calls(brief) for p in note.paragraphs]
    return {s.href for i in inlines for s in i if s.href}


# --------------------------------------------------------------------------- headings


#: What the clerk wrote (hashes) and what the outline makes of it, per test letter.
EXPECTED_HEADINGS = {
    "lange-brief-opmaak": [
        (2, "Aanleiding & doel"),
        (3, "Wat er verandert"),  # ###
        (3, "Wat gelijk blijft"),  # ###: a sibling, the same level
        (4, "Een diepere kop zonder tussenniveau"),  # #####: one level deeper, not three
        (3, "Wie erbij betrokken zijn"),  # ###
        (2, "Planning en kosten"),
        (3, "Begroting"),  # ####: the first sub-level of its section
        (3, "Risico's"),  # ####
        (2, "Verantwoording"),
        (3, "Toegankelijkheid"),
        (3, "Vervolg"),
    ],
    "brief-met-voetnoten": [
        (2, "Bronnen"),
        (3, "Wetgeving"),  # ##
        (3, "Uitvoering"),  # ##
        (4, "Per gemeente"),  # ###
        (2, "Vervolg"),
    ],
}


def expected_headings(name: str, slug: str) -> list[tuple[int, str]]:
    if name != "korte-brief-zonder-koppen":
        return EXPECTED_HEADINGS[name]
    # No section headings: "#" sits right under the subject; the passage for Emmen replaces
    # the one for the others, and "####" after either is one level below it.
    passage = "Alleen voor Emmen" if slug == "emmen" else "Voor de andere gemeenten"
    return [(2, "Overzicht"), (3, passage), (4, "Cijfers"), (2, "Tweede onderdeel")]


def test_headings_by_structure_in_the_model(case: Rendered) -> None:
    assert body_headings(case.brief) == expected_headings(case.name, case.brief.slug)


def assert_no_gaps(levels: list[int]) -> None:
    assert levels[0] == 1
    for before, level in itertools.pairwise(levels):
        assert level <= before + 1, levels


def test_pdf_heading_tags_follow_the_outline(case: Rendered) -> None:
    found = headings(case.pdf)
    wanted = [("H1", case.brief.onderwerp)]  # the subject alone: its label is a paragraph
    wanted += [(f"H{level}", text) for level, text in body_headings(case.brief)]
    if case.brief.bijlagen:
        wanted.append(("H2", "Bijlagen"))
    assert [(tag, normalise(text)) for tag, text in found] == [
        (tag, normalise(text)) for tag, text in wanted
    ]
    assert_no_gaps([int(tag[1]) for tag, _ in found])


def test_sibling_headings_look_the_same_in_the_pdf(case: Rendered) -> None:
    looks = heading_looks(case.pdf)
    if case.brief.bijlagen:
        looks = looks[:-1]  # "Bijlagen" is a heading of the signature block, in its own style
    assert len(looks) == len(body_headings(case.brief))
    by_level: dict[str, set[tuple[str, float]]] = {}
    for tag, look in looks:
        by_level.setdefault(tag, set()).add(look)
    for tag, seen in by_level.items():
        assert len(seen) == 1, (tag, seen)  # one font and size per level
    if "H3" in by_level and "H4" in by_level:
        assert by_level["H3"] != by_level["H4"]  # a deeper level looks different


def heading_looks(pdf: bytes) -> list[tuple[str, tuple[str, float]]]:
    """(tag, (font, size)) of the first text of every body heading (H2 and deeper)."""
    fonts: dict[tuple[int, int], tuple[str, float]] = {}
    doc = pdfium.PdfDocument(pdf)
    for index in range(len(doc)):
        page = doc[index]
        for i in range(pdfium_c.FPDFPage_CountObjects(page)):
            obj = pdfium_c.FPDFPage_GetObject(page, i)
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj)
            if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT or mcid < 0:
                continue
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
            points = ctypes.c_float()
            pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(points))
            name = buffer.value.decode().split("+")[-1]
            fonts.setdefault((index, mcid), (name, round(points.value, 1)))
        page.close()
    doc.close()
    looks = []
    with pikepdf.open(io.BytesIO(pdf)) as p:
        pages = {pg.objgen: i for i, pg in enumerate(p.pages)}
        for element, _ in elements(p):
            tag = str(element.S)[1:]
            if tag not in ("H2", "H3", "H4", "H5", "H6"):
                continue
            mcid = first_mcid(element)
            assert mcid is not None
            page, number = mcid
            looks.append((tag, fonts[pages[page], number]))
    return looks


def first_mcid(element: pikepdf.Dictionary) -> tuple[tuple[int, int], int] | None:
    k = element.get("/K")
    for kid in k if isinstance(k, pikepdf.Array) else [k]:
        if isinstance(kid, int):
            return element.Pg.objgen, int(kid)
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found = first_mcid(kid)
            if found is not None:
                return found
    return None


def test_docx_heading_styles_follow_the_outline(case: Rendered) -> None:
    doc = docx.Document(io.BytesIO(case.docx))
    found = [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in doc.paragraphs
        if p.style.name.startswith("Heading ")
    ]
    assert found[0] == (1, case.brief.onderwerp)  # the subject alone
    attachments = [(2, "Bijlagen")] if case.brief.bijlagen else []
    assert found[1:] == body_headings(case.brief) + attachments
    assert_no_gaps([level for level, _ in found])


# --------------------------------------------------------------------------- footnotes


def test_footnotes_are_tagged_as_notes_in_the_pdf(case: Rendered) -> None:
    notes = notes_with_calls(case.brief)
    tagged, _ = _content(case.pdf)
    with pikepdf.open(io.BytesIO(case.pdf)) as pdf:
        found = [
            (str(e.ID), normalise(element_text(pdf, e, page, tagged)))
            for e, page in elements(pdf)
            if e.S == "/Note"
        ]
    assert len(found) == len(notes)
    assert len({note_id for note_id, _ in found}) == len(found)  # unique IDs
    for number, ((_, text), (note, _)) in enumerate(zip(found, notes, strict=True), 1):
        assert squash(text) == squash(f"{number} {note_text(note)}")
    assert check_pdf_accessibility(case.pdf) == []


def _content(pdf: bytes) -> tuple[dict[tuple[int, int], str], list[str]]:
    from tests.test_accessibility import content_texts

    return content_texts(pdf)


@dataclass(frozen=True)
class Line:
    top: float
    bottom: float
    text: str


def page_lines(pdf: bytes) -> list[list[Line]]:
    """The text runs of each page with their vertical extent (PDF units, up is larger)."""
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for page in doc:
        textpage = page.get_textpage()
        lines = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = " ".join(textpage.get_text_bounded(left, bottom, right, top).split())
            if text:
                lines.append(Line(top, bottom, text))
        pages.append(lines)
    doc.close()
    return pages


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_notes_at_the_foot(pdf: bytes, brief: Brief) -> None:
    """Each footnote is on the page of its call, below everything on that page but other
    footnotes and the page number."""
    pages = page_lines(pdf)
    notes = notes_with_calls(brief)
    assert notes
    all_notes = squash(" ".join(note_text(n) for n, _ in notes))
    texts = [squash(" ".join(line.text for line in lines)) for lines in pages]
    for note, before in notes:
        text = squash(note_text(note))
        on = [i for i, page in enumerate(texts) if text in page]
        assert len(on) == 1, (note_text(note), on)
        page = on[0]
        assert squash(before) in texts[page], (before, note_text(note))
        lines = pages[page]
        first = max(line.top for line in lines if len(line.text) > 6 and squash(line.text) in text)
        for line in lines:
            if line.top < first - 1:  # wholly below the note's first line
                words = squash(line.text)
                assert (
                    words in all_notes
                    or words.isdigit()
                    or re.fullmatch(r"(Pagina|van|\d)+", words)
                ), (note_text(note), line.text)


def test_footnotes_stand_at_the_foot_of_their_page_in_the_pdf(case: Rendered) -> None:
    if not notes_with_calls(case.brief):
        pytest.skip("this copy has no footnotes")
    assert_notes_at_the_foot(case.pdf, case.brief)


def test_footnotes_are_word_footnotes(case: Rendered) -> None:
    notes = notes_with_calls(case.brief)
    with zipfile.ZipFile(io.BytesIO(case.docx)) as z:
        document = etree.fromstring(z.read("word/document.xml"))
        footnotes = etree.fromstring(z.read("word/footnotes.xml"))
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert 'PartName="/word/footnotes.xml"' in types
    assert "relationships/footnotes" in rels
    calls = [int(r.get(f"{W}id")) for r in document.iter(f"{W}footnoteReference")]
    texts = {
        int(n.get(f"{W}id")): "".join(t.text or "" for t in n.iter(f"{W}t"))
        for n in footnotes.iter(f"{W}footnote")
        if n.get(f"{W}type") is None
    }
    assert calls == sorted(texts) and len(calls) == len(notes)  # in order, each called once
    for call, (note, _) in zip(calls, notes, strict=True):
        assert normalise(texts[call]) == normalise(note_text(note))
    # Word's separators are there, so Word draws the short rule above the notes.
    kinds = [n.get(f"{W}type") for n in footnotes.iter(f"{W}footnote")]
    assert kinds[:2] == ["separator", "continuationSeparator"]


def test_libreoffice_shows_the_word_footnotes_at_the_foot_of_their_page(
    case: Rendered,
) -> None:
    if not notes_with_calls(case.brief):
        pytest.skip("this copy has no footnotes")
    assert_notes_at_the_foot(case.libreoffice, case.brief)


# --------------------------------------------------------------------------- links


def pdf_uris(pdf: bytes) -> set[str]:
    with pikepdf.open(io.BytesIO(pdf)) as p:
        return {
            str(annot.A.URI)
            for page in p.pages
            for annot in page.get("/Annots") or []
            if "/A" in annot and "/URI" in annot.A
        }


def docx_link_targets(data: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = [n for n in z.namelist() if re.fullmatch(r"word/_rels/(document|footnotes)\..*", n)]
        targets = set()
        for name in names:
            for rel in etree.fromstring(z.read(name)):
                if rel.get("Type", "").endswith("/hyperlink"):
                    targets.add(rel.get("Target"))
    return targets


#: Bare addresses in the test letters, and the full address each links to.
BARE = {
    "lange-brief-opmaak": {
        "https://www.example.nl/raadsinformatie",
        "https://www.example.nl/griffie",  # written www.example.nl/griffie
        "mailto:griffie@example.nl",
        "https://www.example.nl/testbrieven",  # in a footnote
        "https://www.example.nl/documenten/raadsinformatiebrieven/2025/verslag-van-de-proef-met"
        "-de-nieuwe-opmaak-van-raadsinformatiebrieven?onderdeel=bijlage&versie=2#hoofdstuk-3",
        "https://www.example.nl/toegankelijkheid",  # a Markdown link
    },
    "brief-met-voetnoten": {
        "https://www.example.nl/wetten/besluit-digitale-toegankelijkheid",
        "https://www.example.nl/contact",
        "https://www.example.nl/contact/formulier",  # a reference link
        "mailto:griffie@example.nl",
        "https://www.example.nl/vervolg",
    },
}


@pytest.mark.parametrize("name", ["lange-brief-opmaak", "brief-met-voetnoten"])
@pytest.mark.parametrize("slug", SLUGS)
def test_bare_addresses_link_to_their_full_address(
    rendered: dict[tuple[str, str], Rendered], name: str, slug: str
) -> None:
    copy = rendered[name, slug]
    assert hrefs(copy.brief) == BARE[name]
    assert pdf_uris(copy.pdf) == BARE[name]
    assert docx_link_targets(copy.docx) == BARE[name]
    # LibreOffice keeps the Word hyperlinks, the long address whole.
    assert pdf_uris(copy.libreoffice) == BARE[name]


def test_dotted_words_are_not_links(rendered: dict[tuple[str, str], Rendered]) -> None:
    brief = rendered["brief-met-voetnoten", "coevorden"].brief
    text = brief.text()
    assert "verslag.pdf" in text and "t.a.v.de raad" in text
    assert not any(h for h in hrefs(brief) if "verslag" in h or "t.a.v" in h)


# --------------------------------------------------------------------------- every construct


def test_every_construct_renders_in_both_outputs(case: Rendered) -> None:
    """The words of every block (lists, tables, quotes, code, footnotes) are in both files,
    and the Word file uses the styles that say what they are."""
    pdf_text = squash(normalise(" ".join(pdf_body_lines(case.pdf))))
    docx_text = squash(normalise(" ".join(docx_body_lines(case.docx))))
    with zipfile.ZipFile(io.BytesIO(case.docx)) as z:
        notes_xml = z.read("word/footnotes.xml") if "word/footnotes.xml" in z.namelist() else b""
    note_words = squash(
        "".join(t.text or "" for t in etree.fromstring(notes_xml).iter(f"{W}t"))
        if notes_xml
        else ""
    )
    number = 1
    for spans in leaf_inlines(case.brief):
        assert squash(with_calls(spans, number)) in pdf_text, plain(spans)
        assert squash(plain(spans)) in docx_text, plain(spans)
        number += sum(s.note is not None for s in spans)
    for note, _ in notes_with_calls(case.brief):
        words = squash(note_text(note))
        assert words in pdf_text and words in note_words
    doc = docx.Document(io.BytesIO(case.docx))
    styles = {p.style.name for p in doc.paragraphs}
    kinds = {type(b) for b in all_blocks(case.brief.body)}
    if Quote in kinds:
        assert "Quote" in styles
    if Rule in kinds:
        assert "Scheidingslijn" in styles
    for block in all_blocks(case.brief.body):
        if isinstance(block, ListBlock):
            kind = "Number" if block.ordered else "Bullet"
            assert any(s.startswith(f"List {kind}") for s in styles)
    # The letter's own tables, and no layout table besides them.
    assert len(doc.tables) == sum(isinstance(b, Table) for b in all_blocks(case.brief.body))


def test_quotes_and_lists_are_tagged(rendered: dict[tuple[str, str], Rendered]) -> None:
    pdf = rendered["korte-brief-zonder-koppen", "hardenberg"].pdf
    with pikepdf.open(io.BytesIO(pdf)) as p:
        found = [str(e.S) for e, _ in elements(p)]
    assert "/BlockQuote" in found and "/Table" in found and found.count("/L") >= 3
    assert check_pdf_accessibility(pdf) == []


def test_pdfs_pass_qpdf(rendered: dict[tuple[str, str], Rendered], tmp_path: Path) -> None:
    for (name, slug), copy in rendered.items():
        path = tmp_path / f"{slug}-{name}.pdf"
        path.write_bytes(copy.pdf)
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, (name, slug, result.stdout)


def test_the_long_letter_has_three_pages_in_both(
    rendered: dict[tuple[str, str], Rendered],
) -> None:
    for slug in SLUGS:
        copy = rendered["lange-brief-opmaak", slug]
        assert len(pdfium.PdfDocument(copy.pdf)) >= 3
        assert len(pdfium.PdfDocument(copy.libreoffice)) >= 3


# --------------------------------------------------------------------------- refusals


def refused(source: str) -> list[tuple[int, str]]:
    with pytest.raises(MarkdownError) as info:
        parse_markdown(source, outline=Outline(2))
    return [(r.line, r.message) for r in info.value.refusals]


def test_outline_levels() -> None:
    def levels(source: str, above: int = 2) -> list[int]:
        blocks = parse_markdown(source, outline=Outline(above))
        return [b.level for b in blocks if isinstance(b, Heading)]

    # The README's example.
    readme = (
        "### Stappen\n...\n### Kosten\n...\n##### Per gemeente\n...\n#### Risico's\n...\n## Vervolg"
    )
    assert levels(readme) == [3, 3, 4, 4, 3]
    assert levels("### a\n\n### b\n\n### c") == [3, 3, 3]
    assert levels("# a\n\n###### b\n\n## c\n\n# d") == [3, 4, 4, 3]
    assert levels("#### a\n\n## b") == [3, 3]  # shallower than the first: still its level
    assert levels("## a\n\n### b", above=1) == [2, 3]
    # A section's passages share its outline.
    outline = Outline(2)
    first = parse_markdown("### a", outline=outline)
    second = parse_markdown("##### b\n\n### c", outline=outline)
    assert [b.level for b in (*first, *second) if isinstance(b, Heading)] == [3, 4, 3]


def test_what_cannot_be_drawn_is_refused_with_its_line() -> None:
    assert refused("Tekst\n\n![grafiek](https://example.nl/g.png)") == [
        (
            3,
            "an image (https://example.nl/g.png) cannot be placed in a letter: add the picture "
            "as a bijlage, or describe it in words",
        )
    ]
    assert refused("Een[^1] en nog een[^1].\n\n[^1]: Noot.") == [
        (
            1,
            "the footnote [^1] is called twice (also on line 1); a footnote stands at one place:"
            " give the second its own footnote",
        )
    ]
    assert refused("Tekst.\n\n[^x]: Nergens aangeroepen.") == [
        (
            3,
            "the footnote [^x] is called nowhere: put [^x] where it belongs in the text of this "
            "passage, or remove the footnote",
        )
    ]
    assert refused("Regel\nmet [^2] zonder tekst.") == [
        (
            2,
            'the footnote [^2] has no text: add a line "[^2]: ..." to this passage, or write '
            "\\[^2] to print the brackets",
        )
    ]
    assert refused("a[^1]\n\n[^1]: Noot.\n\n    - lijst in een noot") == [
        (
            5,
            "the footnote [^1] holds more than paragraphs of text (a list); a footnote holds "
            "only text",
        )
    ]
    assert refused("- ### Kop in een lijst") == [
        (1, "a heading cannot stand inside a list; put it before the list")
    ]
    assert refused("> # Kop in een citaat") == [
        (1, "a heading cannot stand inside a block quote; put it before the block quote")
    ]
    assert refused("# 3\n## 4\n### 5\n#### 6\n##### 7") == [
        (
            5,
            "the heading is nested 5 levels below the section heading, and a letter's headings "
            "stop at level 6 (4 levels): give it the level of a heading above it",
        )
    ]
    assert refused("Tekst.\n\n[bron]: https://example.nl") == [
        (
            3,
            "the link definition [bron] is used by no link: write [text][bron] where it belongs,"
            " or remove the line",
        )
    ]
    assert refused("Een noot^[met een [^1] erin].\n\n[^1]: x")[0] == (
        1,
        "a footnote cannot call another footnote; merge their texts",
    )


def test_what_markdown_does_not_know_prints_as_written() -> None:
    blocks = parse_markdown(
        "<b>vet</b> ~~doorgehaald~~ [bijlage](bijlage.pdf) <ftp://x.nl> [a][onbekend] "
        "\\[^1] `code` &#12; &bogus;",
        outline=Outline(2),
    )
    assert blocks == (
        Paragraph(
            (
                Span(
                    "<b>vet</b> ~~doorgehaald~~ [bijlage](bijlage.pdf) <ftp://x.nl> "
                    "[a][onbekend] [^1] code &#12; &bogus;"
                ),
            )
        ),
    )


def test_refusals_point_at_the_file_line_and_field(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_letter(
        workspace,
        MINIMAL_LETTER.replace(
            "  - tekst: Een alinea.\n",
            "  - kop: Eerste\n"
            "    tekst: |\n"
            "      Een alinea.\n"
            "\n"
            "      ![foto](https://example.nl/foto.jpg)\n"
            "  - tekst:\n"
            "      - Goed.\n"
            "      - |\n"
            "        Een voetnoot[^a] zonder tekst.\n",
        ),
    )
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    # The column where the text of the line begins, inside the literal block.
    assert err == [
        f"{path}:9:7: secties[1].tekst: an image (https://example.nl/foto.jpg) cannot be "
        "placed in a letter: add the picture as a bijlage, or describe it in words",
        f"{path}:13:9: secties[2].tekst[2]: the footnote [^a] has no text: add a line "
        '"[^a]: ..." to this passage, or write \\[^a] to print the brackets',
    ]


# --------------------------------------------------------------------------- characters


def test_one_character_rule_for_every_field() -> None:
    assert unescape("R&amp;D \\*x\\* &euro;&nbsp;5 &#12; &bogus; \\& a\\b") == (
        "R&D *x* €\u00a05 &#12; &bogus; & a\\b"
    )
    assert unescape("\\&amp;") == "&amp;"  # the escape wins: written to print "&amp;"
    assert unescape("twee\nregels &amp;") == "twee\nregels &"


def test_entities_print_the_same_in_every_field_of_both_outputs(
    rendered: dict[tuple[str, str], Rendered],
) -> None:
    copy = rendered["lange-brief-opmaak", "hoogeveen"]
    brief = copy.brief
    assert brief.onderwerp.startswith("Testbrief R&D-opmaak *lang* met")
    assert brief.contact is not None and brief.contact.naam == "Afdeling Griffie & Raadszaken"
    assert brief.bijlagen[0] == "Verslag van de proef & bijstelling"
    assert "Aanleiding & doel" in [t for _, t in body_headings(brief)]
    pdf_text = normalise(" ".join(pdf_body_lines(copy.pdf)))
    docx_text = normalise(" ".join(docx_body_lines(copy.docx)))
    for shown in (
        "Testbrief R&D-opmaak *lang* met koppen",
        "Afdeling Griffie & Raadszaken",
        "Verslag van de proef & bijstelling",
        "Aanleiding & doel",
    ):
        assert shown in pdf_text and shown in docx_text, shown
    assert "&amp;" not in pdf_text + docx_text


def test_hostile_letters_still_render_literally(workspace: Path) -> None:
    """The markup of the hostile corpus, now also in footnotes and headings, stays text."""
    # (Profile values in text are another module's; test_hostile.py covers template syntax.)
    nasty = '& < > " \' <img src="file:///etc/passwd"> <script>alert(1)</script>'
    path = write_letter(
        workspace,
        MINIMAL_LETTER.replace(
            "  - tekst: Een alinea.\n",
            "  - kop: Kop\n"
            "    tekst: |\n"
            f"      ### Sub {nasty}\n"
            "\n"
            f"      Tekst[^n] met https://example.nl/?a=1&b=<2>.\n"
            "\n"
            f"      [^n]: Noot {nasty}\n",
        ),
    )
    pdf = render(path, "coevorden", "pdf", workspace=workspace)
    data = render(path, "coevorden", "docx", workspace=workspace)
    pdf_text = squash(" ".join(pdf_body_lines(pdf)))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        notes = "".join(
            t.text or "" for t in etree.fromstring(z.read("word/footnotes.xml")).iter(f"{W}t")
        )
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert squash(f"Sub {nasty}") in pdf_text
    assert squash(f"Noot {nasty}") in pdf_text
    assert normalise(f"Noot {nasty}") == normalise(notes)
    assert f"Sub {nasty}" in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "<script" not in xml and "<img" not in xml
    assert check_pdf_accessibility(pdf) == []


def test_test_letters_check_clean() -> None:
    assert main(["check", *(str(LETTERS / f"{n}.yaml") for n in LETTER_NAMES)]) == 0


# ------------------------------------------------------------------ a Word template of its own


def template_with_footnotes(base: Path, target: Path) -> None:
    """``base`` as a municipality's own template saved by another word processor: a footnotes
    part of its own (separators numbered 0 and 1, as LibreOffice writes them) and the quote
    style under a Dutch id."""
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            elif item.filename == "word/styles.xml":
                data = data.replace(
                    b"</w:styles>",
                    b'<w:style w:type="paragraph" w:styleId="Citaat"><w:name w:val="Quote"/>'
                    b'<w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/></w:pPr>'
                    b"</w:style></w:styles>",
                )
            dst.writestr(item, data)
        dst.writestr(
            "word/footnotes.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="'
            f'{W[1:-1]}"><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/>'
            '</w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="1">'
            "<w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>",
        )


def test_a_template_with_footnotes_and_styles_of_its_own(workspace: Path, tmp_path: Path) -> None:
    template_with_footnotes(
        workspace / "templates" / "base" / "letter.docx",
        workspace / "templates" / "coevorden" / "letter.docx",
    )
    path = write_letter(
        workspace,
        MINIMAL_LETTER.replace(
            "  - tekst: Een alinea.\n",
            "  - tekst: |\n"
            "      Een alinea[^a] met een tweede noot.^[Zie https://example.nl/b.]\n"
            "\n"
            "      > Een citaat.\n"
            "\n"
            "      [^a]: De eerste noot.\n",
        ),
    )
    data = render(path, "coevorden", "docx", workspace=workspace)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        document = etree.fromstring(z.read("word/document.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert rels.count("relationships/footnotes") == 1  # the template's part, no second one
    ids = [(n.get(f"{W}type"), int(n.get(f"{W}id"))) for n in notes.iter(f"{W}footnote")]
    assert ids == [("separator", 0), ("continuationSeparator", 1), (None, 2), (None, 3)]
    assert [int(r.get(f"{W}id")) for r in document.iter(f"{W}footnoteReference")] == [2, 3]
    assert docx_link_targets(data) == {"https://example.nl/b"}
    quotes = [s for s in styles.iter(f"{W}style") if s.find(f"{W}name").get(f"{W}val") == "Quote"]
    assert [s.get(f"{W}styleId") for s in quotes] == ["Citaat"]  # used, not added again
    assert "Een citaat." in [
        p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.style_id == "Citaat"
    ]
    (tmp_path / "eigen.docx").write_bytes(data)
    lo = libreoffice_pdf(tmp_path / "eigen.docx", tmp_path)
    text = normalise(" ".join(pdf_body_lines(lo.read_bytes())))
    assert "De eerste noot." in text and "Zie https://example.nl/b." in text
