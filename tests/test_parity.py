"""The Word file and the PDF of a letter alike, with LibreOffice as the judge of the Word file.

For the example letter and the test letters in tests/letters/ (a long one with sub-headings,
tables and both kinds of list, one full of tables, a short concept, and the three letters of
tests/test_markdown.py, with footnotes, quotes and links), in all five
municipalities: the PDF and the DOCX converted by LibreOffice have as many pages; no heading
is the last line of a page in either; the document type stands on page 1 and a one-line
running header on every later page of both; a concept carries its watermark on every page of
both; the Word file holds no layout table and carries the house fonts, which LibreOffice uses
even where it cannot find Open Sans among the system's fonts.

Everything is rendered once and converted in one LibreOffice run (its start-up is most of a
conversion's time): a module fixture.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from dtz_letters import Brief, Workspace, compose, render_batch
from dtz_letters._compose.document import Heading, plain
from dtz_letters._render.furniture import CONCEPT, SEPARATOR, running_header
from tests.conftest import EXAMPLE, REPO
from tests.helpers import libreoffice_pdfs
from tests.textutil import normalise, pdf_pages

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or poppler-utils is not installed",
)

SLUGS = ["borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"]
LETTERS = [EXAMPLE, *sorted((REPO / "tests" / "letters").glob("*.yaml"))]
COPIES = [(letter.stem, slug) for letter in LETTERS for slug in SLUGS]
FONTS = REPO / "templates" / "fonts"
MM = 72 / 25.4
#: Page furniture zones (letter.css): the running header above 24mm on later pages, the
#: page number below the bottom margin (297 - 22 mm).
HEADER_BOTTOM = 24 * MM
BODY_BOTTOM = (297 - 22) * MM
#: LibreOffice is shown a system without Open Sans: this fontconfig file takes every font
#: the system has, except any Open Sans.
NO_OPEN_SANS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><pattern>
    <patelt name="family"><string>Open Sans</string></patelt>
  </pattern></rejectfont></selectfont>
</fontconfig>
"""


@dataclass(frozen=True)
class Copy:
    brief: Brief
    pdf: Path  # ours (WeasyPrint)
    docx: Path
    word: Path  # the DOCX as LibreOffice lays it out


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Copy]:
    out = tmp_path_factory.mktemp("parity")
    report = render_batch(LETTERS, workspace=REPO, out=out, jobs=2, overview=False)
    assert not report.failures, [o.error for o in report.failures]
    flat = out / "docx"
    flat.mkdir()
    docxs = []
    for name, slug in COPIES:
        target = flat / f"{name}--{slug}.docx"
        shutil.copyfile(out / slug / f"{name}.docx", target)
        docxs.append(target)
    # The control: the first letter with its embedded fonts taken out, converted first (a
    # LibreOffice run keeps the fonts a document embeds until it ends, so the first letter
    # after the control is the one that shows LibreOffice using its own embedded fonts).
    control = flat / "control--without-fonts.docx"
    control.write_bytes(without_embedded_fonts(docxs[0].read_bytes()))
    fontconfig = out / "fonts.conf"
    fontconfig.write_text(NO_OPEN_SANS, encoding="utf-8")
    words = libreoffice_pdfs([control, *docxs], out / "word", {"FONTCONFIG_FILE": str(fontconfig)})
    converted = {
        (name, slug): Copy(
            compose(next(p for p in LETTERS if p.stem == name), slug, workspace=REPO),
            out / slug / f"{name}.pdf",
            docx,
            word,
        )
        for (name, slug), docx, word in zip(COPIES, docxs, words[1:], strict=True)
    }
    first = converted[COPIES[0]]
    return converted | {("control", ""): Copy(first.brief, first.pdf, control, words[0])}


def without_embedded_fonts(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name.startswith("word/fonts/") or name == "word/_rels/fontTable.xml.rels":
                continue
            content = src.read(name)
            if name == "word/fontTable.xml":
                content = re.sub(rb"<w:embed\w+ [^>]*/>", b"", content)
            dst.writestr(name, content)
    return out.getvalue()


# --------------------------------------------------------------------------- reading PDFs


@dataclass(frozen=True)
class Line:
    top: float  # points from the top of the page
    text: str


def page_lines(pdf: Path) -> list[list[Line]]:
    """Per page, its lines as they look: the words that share a baseline, left to right,
    top to bottom (table cells of a row make one line, as do signatories side by side)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages: list[list[Line]] = []
    for page in xml.split("<page ")[1:]:
        rows: dict[int, list[tuple[float, float, str]]] = {}
        for x, top, bottom, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            page,
        ):
            baseline = round(float(bottom))
            key = next((k for k in rows if abs(k - baseline) <= 1), baseline)
            rows.setdefault(key, []).append((float(x), float(top), unescape(word)))
        pages.append(
            [
                Line(min(t for _, t, _ in words), " ".join(w for _, _, w in sorted(words)))
                for _, words in sorted(rows.items())
            ]
        )
    return pages


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def pdf_fonts(pdf: Path) -> list[str]:
    listing = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]


def body_lines(page: list[Line], number: int) -> list[Line]:
    """A page's lines without its furniture (running header, page number)."""
    return [
        line
        for line in page
        if line.top < BODY_BOTTOM and (number == 1 or line.top > HEADER_BOTTOM)
    ]


def headings_of(brief: Brief) -> list[str]:
    """The letter's headings in order: the subject's label and the subject, the section and
    Markdown headings, and "Bijlagen"."""
    found = ["Onderwerp", brief.onderwerp]
    found += [plain(b.spans) for b in brief.body if isinstance(b, Heading)]
    if brief.bijlagen:
        found.append("Bijlagen")
    return [normalise(h) for h in found]


# --------------------------------------------------------------------------- page breaks


@pytest.mark.parametrize(("name", "slug"), COPIES)
def test_pdf_and_word_have_as_many_pages(
    copies: dict[tuple[str, str], Copy], name: str, slug: str
) -> None:
    copy = copies[name, slug]
    assert len(page_lines(copy.word)) == len(page_lines(copy.pdf))


@pytest.mark.parametrize(("name", "slug"), COPIES)
def test_word_shows_every_character_the_pdf_shows(
    copies: dict[tuple[str, str], Copy], name: str, slug: str
) -> None:
    """Nothing lost on the way: the same characters in both, furniture included (LibreOffice
    7.4 once dropped the rows of a table whose header row stood alone at a page's foot)."""
    copy = copies[name, slug]

    def characters(pdf: Path) -> Counter[str]:
        # pdfium marks a hyphen at the end of a line as U+FFFE.
        text = "".join(pdf_pages(pdf.read_bytes())).replace("\ufffe", "-")
        return Counter(c for c in text if not c.isspace())

    ours, word = characters(copy.pdf), characters(copy.word)
    assert (ours - word, word - ours) == (Counter(), Counter())


def test_the_corpus_has_a_letter_of_three_pages_or_more(
    copies: dict[tuple[str, str], Copy],
) -> None:
    assert max(len(page_lines(c.pdf)) for k, c in copies.items() if k[0] != "control") >= 3


@pytest.mark.parametrize(("name", "slug"), COPIES)
def test_no_heading_is_the_last_line_of_a_page(
    copies: dict[tuple[str, str], Copy], name: str, slug: str
) -> None:
    copy = copies[name, slug]
    for label, pdf in (("PDF", copy.pdf), ("Word", copy.word)):
        pages = [body_lines(page, n) for n, page in enumerate(page_lines(pdf), start=1)]
        flat = [
            (n, i, normalise(line.text))
            for n, page in enumerate(pages)
            for i, line in enumerate(page)
        ]
        position = 0
        for heading in headings_of(copy.brief):
            start = _find_lines(flat, heading, position)
            assert start is not None, f"{label}: heading {heading!r} not found whole on a page"
            page, index, ends = start
            assert index < len(pages[page]) - 1, (
                f"{label}: heading {heading!r} is the last line of page {page + 1}"
            )
            position = ends


def _find_lines(
    flat: list[tuple[int, int, str]], heading: str, start: int
) -> tuple[int, int, int] | None:
    """Where consecutive lines of one page, from ``start`` on, spell ``heading``: the page,
    the index of the heading's last line on it, and the position after it."""
    for first in range(start, len(flat)):
        text = ""
        for k in range(first, len(flat)):
            if flat[k][0] != flat[first][0]:
                break
            text = f"{text} {flat[k][2]}".strip()
            if text == heading:
                return flat[k][0], flat[k][1], k + 1
            if not heading.startswith(text):
                break
    return None


# --------------------------------------------------------------------------- page furniture


@pytest.mark.parametrize("slug", SLUGS)
def test_document_type_on_page_one_and_a_one_line_running_header_after(
    copies: dict[tuple[str, str], Copy], slug: str
) -> None:
    for name in sorted({letter.stem for letter in LETTERS}):
        copy = copies[name, slug]
        header = running_header(copy.brief, Workspace(REPO).house_style(slug))
        concept = f"{CONCEPT}{SEPARATOR}" if copy.brief.concept else ""
        for label, pdf in (("PDF", copy.pdf), ("Word", copy.word)):
            pages = page_lines(pdf)
            first = [line.text for line in body_lines(pages[0], 1)]
            # Above the addressee, a line of its own.
            assert first.index(copy.brief.documenttype) < first.index(copy.brief.aan), label
            for n, page in enumerate(pages[1:], start=2):
                top = [line for line in page if line.top < HEADER_BOTTOM]
                expected = f"{header.left} {concept}{header.right}Pagina {n} van {len(pages)}"
                assert [normalise(line.text) for line in top] == [normalise(expected)], (
                    label,
                    name,
                    n,
                )
                assert copy.brief.datum_tekst in expected
                assert copy.brief.kenmerk is None or copy.brief.kenmerk in expected


def test_the_running_header_names_date_and_kenmerk(copies: dict[tuple[str, str], Copy]) -> None:
    """The letters of the corpus have later pages, and both a date and a kenmerk to show."""
    copy = copies["parity-lang", "emmen"]
    assert copy.brief.kenmerk == "TEST/2025/0012"
    second = page_lines(copy.word)[1][0].text
    assert second.startswith("Emmen · Raadsinformatiebrief · Testbrief:")
    assert second.endswith("20 maart 2025 · TEST/2025/0012 · Pagina 2 van 3")


@pytest.mark.parametrize(("name", "slug"), COPIES)
def test_a_concept_carries_its_watermark_on_every_page(
    copies: dict[tuple[str, str], Copy], name: str, slug: str
) -> None:
    copy = copies[name, slug]
    with zipfile.ZipFile(copy.docx) as z:
        headers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/header")]
    marks = [h.count('string="CONCEPT"') for h in headers]
    assert marks == ([1, 1] if copy.brief.concept else [0, 0])
    for label, pdf in (("PDF", copy.pdf), ("Word", copy.word)):
        for number, marked in enumerate(watermarked_pages(pdf), start=1):
            assert marked == copy.brief.concept, f"{label}, page {number}"


def watermarked_pages(pdf: Path) -> list[bool]:
    """Per page, whether the middle of the page shows the faint red of the watermark."""
    with_tint = []
    images = subprocess.run(
        ["pdftoppm", "-r", "12", "-png", str(pdf)], check=True, capture_output=True
    ).stdout
    # pdftoppm writes the PNGs one after the other to standard output.
    for chunk in images.split(b"\x89PNG")[1:]:
        image = Image.open(io.BytesIO(b"\x89PNG" + chunk)).convert("RGB")
        width, height = image.size
        middle = image.crop((0, height * 3 // 10, width, height * 7 // 10))
        data = middle.tobytes()
        pixels = (data[i : i + 3] for i in range(0, len(data), 3))
        pink = sum(1 for r, g, b in pixels if r - g > 12 and abs(g - b) < 12)
        with_tint.append(pink > 20)
    return with_tint


# --------------------------------------------------------------------------- the Word file


@pytest.mark.parametrize(("name", "slug"), COPIES)
def test_no_layout_tables_only_data_tables_with_a_header_row(
    copies: dict[tuple[str, str], Copy], name: str, slug: str
) -> None:
    with zipfile.ZipFile(copies[name, slug].docx) as z:
        parts = {n: z.read(n).decode() for n in z.namelist() if re.match(r"word/\w+\.xml$", n)}
    tables = [t for xml in parts.values() for t in re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)]
    for table in tables:
        assert '<w:tblStyle w:val="Brieftabel"/>' in table
        first_row = re.search(r"<w:tr[ >].*?</w:tr>", table, re.S)
        assert first_row is not None and "<w:tblHeader/>" in first_row.group()


def test_the_corpus_has_data_tables_and_italic_and_upright_letters(
    copies: dict[tuple[str, str], Copy],
) -> None:
    with zipfile.ZipFile(copies["parity-tabellen", "coevorden"].docx) as z:
        assert z.read("word/document.xml").decode().count("<w:tblHeader/>") == 3
    for name, faces in (("parity-lang", 4), ("parity-tabellen", 2)):
        with zipfile.ZipFile(copies[name, "emmen"].docx) as z:
            assert len([n for n in z.namelist() if n.endswith(".odttf")]) == faces, name


@pytest.mark.parametrize(("name", "slug"), COPIES)
def test_the_house_fonts_are_embedded(
    copies: dict[tuple[str, str], Copy], name: str, slug: str
) -> None:
    with zipfile.ZipFile(copies[name, slug].docx) as z:
        table = z.read("word/fontTable.xml").decode()
        rels = z.read("word/_rels/fontTable.xml.rels").decode()
        settings = z.read("word/settings.xml").decode()
        types = z.read("[Content_Types].xml").decode()
        entry = re.search(r'<w:font w:name="Open Sans">.*?</w:font>', table, re.S)
        assert entry is not None
        embeds = re.findall(
            r'<w:embed(\w+) r:id="(\w+)" w:fontKey="\{([0-9A-F-]+)\}"/>', entry.group()
        )
        # The italic faces travel with a letter that has italic text (its own or a style's).
        document = z.read("word/document.xml").decode()
        if "word/footnotes.xml" in z.namelist():  # italic in a footnote counts too
            document += z.read("word/footnotes.xml").decode()
        italic = "<w:i/>" in document or re.search(r'w:val="Heading[456]"', document)
        faces = ["Regular", "Bold", *(["Italic", "BoldItalic"] if italic else [])]
        assert [face for face, _, _ in embeds] == faces
        for face, rid, key in embeds:
            target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels)
            assert target is not None
            data = bytearray(z.read(f"word/{target.group(1)}"))
            # ECMA-376 Part 1, 17.8.1: the first 32 bytes XORed with the key, read backwards.
            xor = uuid.UUID(key).bytes[::-1]
            for i in range(32):
                data[i] ^= xor[i % 16]
            assert bytes(data) == (FONTS / f"OpenSans-{face}.ttf").read_bytes(), face
    assert "<w:embedTrueTypeFonts/>" in settings
    assert 'Extension="odttf"' in types


def test_libreoffice_uses_the_embedded_fonts(copies: dict[tuple[str, str], Copy]) -> None:
    """Shown no Open Sans of the system's, LibreOffice sets the letter in the embedded one,
    where the same letter without them comes out in another font."""
    used = pdf_fonts(copies[COPIES[0]].word)
    assert used and all("OpenSans" in f for f in used), used
    control = pdf_fonts(copies["control", ""].word)
    assert control and not any("OpenSans" in f for f in control), control


def test_open_sans_allows_embedding() -> None:
    """OS/2 fsType 8 (editable embedding; Apache-2.0), DejaVu 0 (installable)."""
    from fontTools.ttLib import TTFont

    for path in sorted(FONTS.glob("*.ttf")):
        with TTFont(path, lazy=True) as font:
            fs_type = int(font["OS/2"].fsType)
        assert fs_type in (0, 8), path.name
