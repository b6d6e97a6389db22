"""The DOCX renderer, through real docxtpl and python-docx (and LibreOffice when installed)."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from dtz_letters import Brief, HouseStyle, Workspace
from dtz_letters._compose.document import Heading, Paragraph, plain
from dtz_letters._render.docx import render_docx
from dtz_letters._render.docx_layout import SIGNATORIES_PER_ROW
from dtz_letters.errors import RenderError, TemplateError
from tests.conftest import EXAMPLE, REPO
from tests.helpers import brief_for, brief_of, libreoffice_pdf, pdftotext

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}

# Every text field is written in the letter language, where a backslash keeps {{ and {% text
# (before, fields that went through the Jinja sandbox needed {% raw %}, the others none).
ESCAPED = "\\\\{{ 7*7 }}"  # as written inside a double-quoted YAML string
NASTY = "& < > \" ' <script>alert(1)</script>"

LISTS_LETTER = """\
onderwerp: Twee genummerde lijsten
datum: 2025-03-20
status: definitief
secties:
  - kop: Eerste lijst
    tekst: |
      1. een
      2. twee
         - genest punt
      3. drie

      Tussen de lijsten.

      1. opnieuw een
      2. opnieuw twee

      Nog een alinea.

      4. vier
      5. vijf
  - kop: Tabel en link
    tekst: |
      Zie [de site](https://www.coevorden.nl/a?b=1&c=2) en **vet** en *cursief*.

      | Onderdeel | Bedrag |
      |:---|---:|
      | Jaarverslag | 12 |
"""


def nasty_letter() -> str:
    esc = NASTY.replace("\\", "\\\\").replace('"', '\\"')
    return f"""\
onderwerp: "Onderwerp {esc} {ESCAPED}"
datum: 2025-03-20
kenmerk: "Z/1 {esc} {ESCAPED}"
status: definitief
aan: "Aan de raad {esc} {ESCAPED}"
secties:
  - kop: "Kop {esc} {ESCAPED}"
    tekst: "Tekst {esc} {ESCAPED} \\\\{{% if x %}}"
bijlagen:
  - titel: "Bijlage {esc} {ESCAPED}"
ondertekenaars:
  - functie: "functie {esc}"
    naam: "Naam {esc} {ESCAPED}"
  - functie: de burgemeester
    naam: R. Bergsma
"""


# --------------------------------------------------------------------------- helpers


REPO_STYLE: HouseStyle = Workspace(REPO).house_style("coevorden")


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def body_texts(doc: Any) -> list[str]:
    """Paragraph texts of the body in document order, descending into (nested) tables."""

    def walk(parent: Any) -> Iterator[str]:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield docx.text.paragraph.Paragraph(child, doc.part).text
            elif child.tag == qn("w:tbl"):
                for tr in child.iterchildren(qn("w:tr")):
                    for tc in tr.iterchildren(qn("w:tc")):
                        yield from walk(tc)

    return list(walk(doc.element.body))


def words(text: str) -> list[str]:
    return text.split()


def part_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def all_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))
        )


def core_properties(data: bytes) -> dict[str, str]:
    """docProps/core.xml as {"dc:title": ...}, read with lxml.

    Not with python-docx: once docxcompose is imported, python-docx looks for cp:* elements
    in the wrong namespace.
    """
    from lxml import etree

    prefixes = {
        "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "cp",
        "http://purl.org/dc/elements/1.1/": "dc",
        "http://purl.org/dc/terms/": "dcterms",
    }
    root = etree.fromstring(part_xml(data, "docProps/core.xml").encode())
    out = {}
    for el in root:
        q = etree.QName(el)
        out[f"{prefixes[q.namespace]}:{q.localname}"] = el.text or ""
    return out


def styled(doc: Any, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


def docx_reading_order(brief: Brief) -> str:
    """``brief.text()`` as the Word file reads it: the signatories side by side on tab stops
    (no layout table), so row by row: their functions, then their names."""
    text = brief.text()
    signatories = [w for s in brief.ondertekenaars for w in (s.functie, s.naam)]
    rows = [
        brief.ondertekenaars[i : i + SIGNATORIES_PER_ROW]
        for i in range(0, len(brief.ondertekenaars), SIGNATORIES_PER_ROW)
    ]
    by_row = [x for row in rows for x in [s.functie for s in row] + [s.naam for s in row]]
    return text.replace("\n".join(signatories), "\n".join(by_row))


@pytest.fixture(scope="module")
def example() -> tuple[Brief, bytes]:
    brief, style = brief_of(EXAMPLE, "coevorden", REPO)
    return brief, render_docx(brief, style)


# --------------------------------------------------------------------------- the example


def test_example_opens_and_has_the_letters_words_in_order(example: tuple[Brief, bytes]) -> None:
    brief, data = example
    doc = open_docx(data)
    assert words("\n".join(body_texts(doc))) == words(docx_reading_order(brief))


def test_example_headings_use_real_heading_styles(example: tuple[Brief, bytes]) -> None:
    brief, data = example
    doc = open_docx(data)
    # The heading is the subject alone; its label is a paragraph of its own above it.
    assert styled(doc, "Heading 1") == [brief.onderwerp]
    assert styled(doc, "Onderwerplabel") == ["Onderwerp"]
    section_headings = [plain(b.spans) for b in brief.body if isinstance(b, Heading)]
    assert len(section_headings) == 4
    # "Bijlagen" is a heading in Word as in the PDF.
    assert styled(doc, "Heading 2") == [*section_headings, "Bijlagen"]


def test_example_paragraphs_in_order(example: tuple[Brief, bytes]) -> None:
    brief, data = example
    texts = body_texts(open_docx(data))
    expected = [plain(b.spans) for b in brief.body if isinstance(b, Heading | Paragraph)]
    positions = [texts.index(t) for t in expected]
    assert positions == sorted(positions)


def test_page_numbers_in_first_footer_and_running_header(example: tuple[Brief, bytes]) -> None:
    """Page 1 has "Pagina 1 van N" at its foot; later pages in their running header."""
    doc = open_docx(example[1])
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    for part in (section.first_page_footer, section.header):
        xml = part._element.xml
        assert "Pagina " in xml and " van " in xml
        fields = [t.strip() for t in part._element.xpath(".//w:instrText/text()")]
        assert fields == ["PAGE", "NUMPAGES"]
        assert len(part._element.xpath('.//w:fldChar[@w:fldCharType="begin"]')) == 2
    assert not section.footer._element.xpath(".//w:instrText")


def test_first_page_header_has_logo_with_alt_text(example: tuple[Brief, bytes]) -> None:
    brief, data = example
    header = open_docx(data).sections[0].first_page_header
    doc_prs = header._element.xpath(".//wp:docPr")
    assert [d.get("descr") for d in doc_prs] == ["Logo gemeente Coevorden"]
    (blip,) = header._element.xpath(".//a:blip")
    image = header.part.related_parts[blip.get(qn("r:embed"))]
    logo = REPO_STYLE.gemeente / brief.logo.bestand
    assert image.blob == logo.read_bytes()
    # Floating at its place on the page, so it takes no room in the header.
    assert header._element.xpath(".//wp:anchor//wp:docPr")
    assert not header.tables  # no layout table
    assert [p.text for p in header.paragraphs if p.style.name == "Afzender"] == list(
        brief.sender_lines
    )


def test_core_properties_and_language(example: tuple[Brief, bytes]) -> None:
    brief, data = example
    props = core_properties(data)
    assert props["dc:title"] == "Samenwerkingsverband Dutch Techzone"
    assert props["dc:creator"] == "gemeente Coevorden"
    assert props["dc:subject"] == "Raadsinformatiebrief van de gemeente Coevorden"
    assert props["dc:language"] == "nl-NL"
    assert props["cp:keywords"] == "Raadsinformatiebrief; Coevorden"
    assert props["cp:contentStatus"] == "Concept"
    # The letter has no date yet: a fixed epoch, not the clock.
    assert props["dcterms:created"] == props["dcterms:modified"] == "1980-01-01T00:00:00Z"
    # python-docx reads the Dublin Core ones as well.
    assert open_docx(data).core_properties.title == brief.onderwerp
    styles = part_xml(data, "word/styles.xml")
    assert re.search(r'<w:rPrDefault>.*<w:lang w:val="nl-NL"', styles, re.S)


def test_unknown_date_shows_concept_in_headers_only(example: tuple[Brief, bytes]) -> None:
    brief, data = example
    assert brief.concept  # the example's date is not known
    doc = open_docx(data)
    section = doc.sections[0]
    assert "CONCEPT" in section.header._element.xml
    assert "CONCEPT" in section.first_page_header._element.xml
    assert "CONCEPT" not in "\n".join(body_texts(doc))
    running = section.header.paragraphs[0].text
    assert running.startswith("Coevorden · Raadsinformatiebrief · Samenwerkingsverband")


def test_signature_block_is_kept_together(example: tuple[Brief, bytes]) -> None:
    doc = open_docx(example[1])
    assert not doc.tables  # the closing is laid out with tab stops, not a layout table
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Hoogachtend,")
    closing = paragraphs[start:]
    assert [p.text for p in closing] == [
        "Hoogachtend,",
        "het college van burgemeester en wethouders van Coevorden",
        # One paragraph per row of signatories (LibreOffice broke between two paragraphs
        # that keep with each other): functions, the room for the signatures, names.
        "de secretaris\tde burgemeester\n\nK. Brinks\tR. Bergsma",
        "Bijlagen",
        "Jaarverslag 2024 Dutch TechZone",
        "Jaarplan 2025 Dutch TechZone",
        "Netwerk- en verbindingsplan DTZ",
    ]

    def keeps_with_next(p: Any) -> bool:
        own = p.paragraph_format.keep_with_next
        return bool(p.style.paragraph_format.keep_with_next if own is None else own)

    # The last paragraph of the body keeps with the closing, every line of the closing with
    # the next up to the signatures; the attachments may start the next page (as in the
    # PDF), their heading with them.
    for p in [paragraphs[start - 1], *closing[:2]]:
        assert keeps_with_next(p), p.text
    assert not keeps_with_next(closing[2])
    assert keeps_with_next(closing[3])  # "Bijlagen"
    signatures = closing[2]
    assert signatures.style.name == "Ondertekenaars"
    assert (
        signatures.paragraph_format.keep_together or signatures.style.paragraph_format.keep_together
    )
    # The room for the signatures: a line of its own, 14mm tall as the PDF's (29pt Open Sans).
    gap = signatures._p.xpath("./w:r[w:br][w:rPr/w:sz]")
    assert [r.xpath("string(./w:rPr/w:sz/@w:val)") for r in gap] == ["58"]
    numbered = [p.text for p in closing if p.style.name == "Bijlage"]
    assert numbered == [
        "Jaarverslag 2024 Dutch TechZone",
        "Jaarplan 2025 Dutch TechZone",
        "Netwerk- en verbindingsplan DTZ",
    ]
    assert doc.styles["Bijlage"].element.xpath("./w:pPr/w:numPr/w:numId")


def test_render_is_byte_identical(example: tuple[Brief, bytes]) -> None:
    brief, data = example
    again = render_docx(brief, REPO_STYLE)
    assert again == data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml"
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_template_is_reproducible_and_current() -> None:
    from dtz_letters._tools.docx_template import build

    built = build()
    assert built == build()
    assert (REPO / "templates" / "base" / "letter.docx").read_bytes() == built, (
        "templates/base/letter.docx is out of date: run python -m dtz_letters._tools.docx_template"
    )


# --------------------------------------------------------------------------- structures


def test_each_numbered_list_restarts(workspace: Path) -> None:
    brief, style = brief_for(workspace, LISTS_LETTER)
    data = render_docx(brief, style)
    doc = open_docx(data)
    numbering = doc.part.numbering_part.element
    lists: list[tuple[int, list[str]]] = []
    for p in doc.paragraphs:
        if p.style.name != "List Number":
            continue
        num_id = int(p._p.xpath("./w:pPr/w:numPr/w:numId/@w:val")[0])
        if not lists or lists[-1][0] != num_id:
            lists.append((num_id, []))
        lists[-1][1].append(p.text)
    assert [texts for _, texts in lists] == [
        ["een", "twee", "drie"],
        ["opnieuw een", "opnieuw twee"],
        ["vier", "vijf"],
    ]
    starts = []
    for num_id, _ in lists:
        (num,) = numbering.xpath(f'./w:num[@w:numId="{num_id}"]')
        starts.append(int(num.xpath('./w:lvlOverride[@w:ilvl="0"]/w:startOverride/@w:val')[0]))
        abstract = num.xpath("./w:abstractNumId/@w:val")[0]
        fmt = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl[@w:ilvl="0"]/w:numFmt/@w:val'
        )
        assert fmt == ["decimal"]
    assert starts == [1, 1, 4]
    assert len({num_id for num_id, _ in lists}) == 3
    assert styled(doc, "List Bullet 2") == ["genest punt"]


def test_links_tables_and_emphasis(workspace: Path) -> None:
    brief, style = brief_for(workspace, LISTS_LETTER)
    doc = open_docx(render_docx(brief, style))
    links = doc.element.body.xpath(".//w:hyperlink")
    assert len(links) == 1
    rel = doc.part.rels[links[0].get(qn("r:id"))]
    assert rel.is_external and rel.target_ref == "https://www.coevorden.nl/a?b=1&c=2"
    assert "".join(links[0].xpath(".//w:t/text()")) == "de site"
    runs = {r.text: r for p in doc.paragraphs for r in p.runs}
    assert runs["vet"].bold and runs["cursief"].italic
    (table,) = [t for t in doc.tables if t.style is not None and t.style.name == "Brieftabel"]
    assert table._tbl.xpath("./w:tr[1]/w:trPr/w:tblHeader")
    assert not table._tbl.xpath("./w:tr[2]/w:trPr/w:tblHeader")
    assert [c.text for c in table.rows[0].cells] == ["Onderdeel", "Bedrag"]
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # right


def test_letter_text_comes_out_literally(workspace: Path) -> None:
    brief, style = brief_for(workspace, nasty_letter())
    literal = "{{ 7*7 }}"
    assert brief.onderwerp == f"Onderwerp {NASTY} {literal}"  # the escape kept it literal
    data = render_docx(brief, style)
    doc = open_docx(data)
    texts = body_texts(doc)
    assert words("\n".join(texts)) == words(docx_reading_order(brief))
    for expected in (
        f"Aan de raad {NASTY} {literal}",
        f"Ons kenmerk\tZ/1 {NASTY} {literal}",
        f"Kop {NASTY} {literal}",
        f"Tekst {NASTY} {literal} {{% if x %}}",
        f"Bijlage {NASTY} {literal}",
        f"functie {NASTY}\tde burgemeester",
        f"Naam {NASTY} {literal}\tR. Bergsma",
        f"Onderwerp {NASTY} {literal}",  # the subject, in the Heading 1
    ):
        # A row of signatories is one paragraph of lines: functions, names.
        assert expected in [line for text in texts for line in text.split("\n")]
    running = doc.sections[0].header.paragraphs[0].text
    # One line: the subject and the long kenmerk are shortened, each at a word.
    left, right = running.split("\t")
    assert left.startswith(f"Coevorden · Raadsinformatiebrief · Onderwerp {NASTY[:5]}")
    assert f"Coevorden · Raadsinformatiebrief · {brief.onderwerp}".startswith(left[:-1])
    assert right.startswith("20 maart 2025 · Z/1 & < > ")
    assert right.endswith("… · Pagina 1 van 1")
    assert core_properties(data)["dc:title"] == brief.onderwerp
    xml = all_xml(data)
    assert "49" not in re.sub(r"<[^>]*>", "", xml)
    assert "<script>" not in xml  # escaped as text, never an element


def test_forbidden_control_character_is_refused(example: tuple[Brief, bytes]) -> None:
    brief = dataclasses.replace(example[0], onderwerp="Bel\x07hier")
    with pytest.raises(RenderError, match=r"U\+0007 in the letter text"):
        render_docx(brief, REPO_STYLE)


@pytest.mark.parametrize(
    ("paragraph", "message"),
    [
        # docxtpl writes {_{ ... }_} out as a literal {{ ... }}: a tag the template left behind.
        ("{_{ aan }_}", r"left the Jinja tag '\{\{' unrendered in /word/document.xml"),
        ("{{ onbekend }}", r"could not be rendered: 'onbekend' is undefined\.$"),
    ],
)
def test_municipality_template_is_used_and_checked(
    workspace: Path, paragraph: str, message: str
) -> None:
    brief, style = brief_for(workspace, LISTS_LETTER)
    template = docx.Document(str(workspace / "templates" / "base" / "letter.docx"))
    template.add_paragraph(paragraph)
    template.save(str(workspace / "templates" / "coevorden" / "letter.docx"))
    with pytest.raises(TemplateError, match=message):
        render_docx(brief, style)


def test_definitive_letter_has_no_concept_mark_and_its_own_date(workspace: Path) -> None:
    brief, style = brief_for(workspace, LISTS_LETTER)
    assert not brief.concept
    data = render_docx(brief, style)
    assert "CONCEPT" not in all_xml(data)
    props = core_properties(data)
    assert props["dcterms:created"] == "2025-03-20T00:00:00Z"
    assert props["cp:contentStatus"] == "Definitief"


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext is not installed",
)
def test_libreoffice_converts_the_example(example: tuple[Brief, bytes], tmp_path: Path) -> None:
    brief, data = example
    source = tmp_path / "brief.docx"
    source.write_bytes(data)
    text = pdftotext(libreoffice_pdf(source, tmp_path))
    flat = " ".join(text.split())
    assert brief.onderwerp in flat
    assert "K. Brinks" in flat and "R. Bergsma" in flat
    assert "Pagina 1 van" in flat


# --------------------------------------------------------------------------- issue 12


def test_unknown_facts_are_highlighted_wherever_they_stand(example: tuple[Brief, bytes]) -> None:
    """As the PDF: bold on yellow in a dashed frame, in the body and the running header."""
    brief, data = example
    doc = open_docx(data)
    parts = [doc.element.body, doc.sections[0].header._element]
    for root in parts:
        runs = [r for r in root.iter(qn("w:r")) if "[ONBEKEND:" in "".join(r.xpath("./w:t/text()"))]
        assert runs
        for run in runs:
            assert run.xpath("./w:t/text()") == ["[ONBEKEND: datum]"]  # a run of its own
            assert run.xpath('./w:rPr/w:shd[@w:fill="FFE45C"]') and run.xpath("./w:rPr/w:b")
            assert run.xpath('./w:rPr/w:bdr[@w:val="dashed"]')
    (row,) = [p for p in doc.paragraphs if p.text.startswith("Datum\t")]
    assert row.text == f"Datum\t{brief.datum_tekst}"


def test_the_fallback_font_travels_only_with_a_letter_that_needs_it(
    workspace: Path, example: tuple[Brief, bytes]
) -> None:
    def embedded(data: bytes) -> list[str]:
        table = part_xml(data, "word/fontTable.xml")
        return re.findall(
            r'<w:font w:name="([^"]+)">(?:(?!</w:font>).)*<w:embedRegular', table, re.S
        )

    assert embedded(example[1]) == ["Open Sans"]
    brief, style = brief_for(
        workspace,
        """\
        onderwerp: Groet
        datum: 2025-03-20
        secties:
          - tekst: "Hebreeuws: שלום למועצה."
        """,
    )
    data = render_docx(brief, style)
    assert embedded(data) == ["Open Sans", "DejaVu Sans"]
    # Word sets Hebrew and Arabic in the complex-script font: the fallback, as the PDF does.
    assert re.search(r'<w:rFonts [^>]*w:cs="DejaVu Sans"', part_xml(data, "word/styles.xml"))


def test_the_document_type_opens_the_letter(example: tuple[Brief, bytes]) -> None:
    brief, data = example
    first = open_docx(data).paragraphs[0]
    assert (first.style.name, first.text) == ("Documenttype", "Raadsinformatiebrief")
    assert brief.documenttype == "Raadsinformatiebrief"


def test_italic_only_in_a_footnote_embeds_the_italic_faces(workspace: Path) -> None:
    """Found in review: only the body was looked at, so a letter whose only italic text was
    in a footnote carried no italic face (Word and LibreOffice then slant the regular one)."""
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Voetnoot
        datum: 2025-03-20
        secties:
          - tekst: |
              Een zin met een voetnoot[^a].

              [^a]: Een *schuine* toelichting.
        """,
    )
    with zipfile.ZipFile(io.BytesIO(render_docx(brief, style))) as z:
        assert "<w:i/>" in z.read("word/footnotes.xml").decode()
        table = z.read("word/fontTable.xml").decode()
    assert re.findall(r"<w:embed(\w+) ", table) == ["Regular", "Bold", "Italic", "BoldItalic"]


def test_a_heading_after_a_table_keeps_its_own_larger_space(workspace: Path) -> None:
    """Found in review: the paragraph after a table got 9pt above it directly, so a heading
    there lost its own 14.7pt (the PDF collapses the two margins to the larger one)."""
    from docx.oxml.ns import qn

    brief, style = brief_for(
        workspace,
        """
        onderwerp: Tabel
        datum: 2025-03-20
        secties:
          - tekst: |
              | A | B |
              |---|---|
              | 1 | 2 |
          - kop: Daarna
            tekst: Tekst.
          - tekst: |
              | C | D |
              |---|---|
              | 3 | 4 |

              Een alinea.
        """,
    )
    doc = open_docx(render_docx(brief, style))
    after = [tbl.getnext() for tbl in doc.element.body.iter(qn("w:tbl"))]
    heading, paragraph = (docx.text.paragraph.Paragraph(p, doc.part) for p in after)
    assert heading.text == "Daarna"
    own = doc.styles[heading.style.name].paragraph_format.space_before
    assert own is not None and own.twips > 180
    assert heading.paragraph_format.space_before.twips == own.twips
    assert paragraph.paragraph_format.space_before.twips == 180  # the table's margin is larger
