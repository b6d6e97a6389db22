"""The PDF renderer, through real WeasyPrint: structure, fonts, metadata, text, safety, bytes."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from dtz_letters import AssetError, Brief, HouseStyle, Workspace
from dtz_letters._compose.document import Heading, plain
from dtz_letters._render.fonts import font_warning
from dtz_letters._render.html import render_html
from dtz_letters._render.pdf import AssetFetcher, render_pdf
from tests.conftest import EXAMPLE, REPO
from tests.helpers import brief_for, brief_of

SUBJECT = "Samenwerkingsverband Dutch Techzone"


# --------------------------------------------------------------------------- helpers


def page_texts(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    texts = []
    for page in doc:
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    doc.close()
    return texts


def words(text: str) -> list[str]:
    # A word broken after its own hyphen at a line end ("IT-" / "gerichte") is one word again;
    # pdfium reports such a line-end hyphen as U+FFFE.
    return re.sub(r"[-\ufffe]\s*", "-", text).split()


def struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element reachable from the structure tree root, in reading order."""
    stack: list[Any] = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop(0)
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            stack[:0] = [k for k in kids if isinstance(k, pikepdf.Dictionary)]
        elif isinstance(kids, pikepdf.Dictionary):
            stack.insert(0, kids)


def fonts_of(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}

    def walk(resources: Any) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in (resources.get("/Font") or {}).values():
            found[font.objgen] = font
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get("/Resources"))

    for page in pdf.pages:
        walk(page.Resources)
    return list(found.values())


# --------------------------------------------------------------------------- the example


@pytest.fixture(scope="module")
def example() -> tuple[Brief, HouseStyle]:
    return brief_of(EXAMPLE, "coevorden", REPO)


@pytest.fixture(scope="module")
def example_pdf(example: tuple[Brief, HouseStyle]) -> bytes:
    brief, style = example
    # strict: the base house style renders the example without a single WeasyPrint warning.
    return render_pdf(brief, style, strict=True)


def test_qpdf_finds_no_problem(example_pdf: bytes, tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    target.write_bytes(example_pdf)
    result = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_font_is_embedded_open_sans(example_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(example_pdf)) as pdf:
        fonts = fonts_of(pdf)
        assert fonts
        for font in fonts:
            assert re.fullmatch(r"/[A-Z]{6}\+Open-Sans(-Bold)?(-Italic)?", str(font.BaseFont))
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            program = descendant.FontDescriptor.get("/FontFile2")
            assert program is not None, f"{font.BaseFont} is not embedded"
            # The embedded program itself is the shipped Open Sans, not a look-alike.
            ttf = TTFont(io.BytesIO(program.read_bytes()))
            assert ttf["name"].getDebugName(1) == "Open Sans"


def test_metadata_comes_from_the_letter_and_profile(example_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(example_pdf)) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == f"Raadsinformatiebrief: {SUBJECT}"
        assert str(info.Author) == "gemeente Coevorden"
        assert str(info.Subject) == SUBJECT
        assert str(pdf.Root.Lang) == "nl"
        # The date of the example is unknown: no creation date, and none from the clock.
        assert "/CreationDate" not in info
        assert "/ModDate" not in info
        # The file identifier is computed from the content when the accessibility
        # post-processing saves the file (never random: the same-bytes test holds it to that).
        assert bytes(pdf.trailer.ID[0]) == bytes(pdf.trailer.ID[1])


def test_known_date_becomes_the_creation_date(workspace: Path) -> None:
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Een korte brief
        datum: 2025-03-20
        status: definitief
        secties:
          - tekst: Een zin.
        """,
    )
    with pikepdf.open(io.BytesIO(render_pdf(brief, style))) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20250320")


def test_pdf_is_tagged_with_one_h1_and_the_logo_alt_text(
    example: tuple[Brief, HouseStyle], example_pdf: bytes
) -> None:
    brief, _ = example
    with pikepdf.open(io.BytesIO(example_pdf)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked) is True
        elements = list(struct_elements(pdf))
        kinds = [str(e.S) for e in elements]
        figures = [e for e in elements if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == ["Logo gemeente Coevorden"]
        assert kinds.count("/H1") == 1
        sections = [b for b in brief.body if isinstance(b, Heading) and b.level == 2]
        assert kinds.count("/H2") == len(sections) + 1  # the sections, and "Bijlagen"
        assert {"/P", "/Table", "/TH", "/L", "/LI"} <= set(kinds)


def test_text_has_every_heading_in_order_and_page_numbers(
    example: tuple[Brief, HouseStyle], example_pdf: bytes
) -> None:
    brief, _ = example
    pages = page_texts(example_pdf)
    assert len(pages) == 2
    assert "Pagina 1 van 2" in pages[0]
    assert "Pagina 2 van 2" in pages[1]
    text = "\n".join(pages)
    for block in brief.body:
        if isinstance(block, Heading):
            assert " ".join(words(plain(block.spans))) in " ".join(words(text))
    # The running header is furniture of later pages only; the letterhead of page 1 only.
    assert "Postbus 2" in pages[0] and "Postbus 2" not in pages[1]
    # One line: with CONCEPT, the unknown date and the page number beside it, the subject
    # is shortened at a word.
    (running,) = [line for line in pages[1].splitlines() if "Pagina 2 van 2" in line]
    assert " ".join(words(running)) == (
        "Coevorden · Raadsinformatiebrief · Samenwerkingsverband Dutch… "
        "CONCEPT · [ONBEKEND: datum] · Pagina 2 van 2"
    )


def test_words_come_in_the_order_of_the_brief(
    example: tuple[Brief, HouseStyle], example_pdf: bytes
) -> None:
    """The words of the letter (as the DOCX has them too) appear in this order in the PDF."""
    brief, _ = example
    pdf_words = words(" ".join(page_texts(example_pdf)))
    position = 0
    for word in words(brief.text()):
        try:
            position = pdf_words.index(word, position) + 1
        except ValueError:
            pytest.fail(f"{word!r} is missing or out of order after word {position} of the PDF")


def test_signature_block_keeps_together_on_the_last_page(example_pdf: bytes) -> None:
    last = " ".join(words(page_texts(example_pdf)[-1]))
    for part in [
        "Hoogachtend,",
        "het college van burgemeester",
        "de secretaris",
        "K. Brinks",
        "de burgemeester",
        "R. Bergsma",
        "Bijlagen",
        "Jaarverslag 2024 Dutch TechZone",
    ]:
        assert part in last


def test_same_brief_gives_the_same_bytes(
    example: tuple[Brief, HouseStyle], example_pdf: bytes
) -> None:
    brief, style = example
    assert render_pdf(brief, style) == example_pdf


# --------------------------------------------------------------------------- concept


def test_unknown_date_makes_a_concept_with_a_highlighted_placeholder(
    example: tuple[Brief, HouseStyle], example_pdf: bytes
) -> None:
    brief, style = example
    assert brief.concept
    for page in page_texts(example_pdf):
        assert "CONCEPT" in page
    assert '<span class="onbekend">[ONBEKEND: datum]</span>' in render_html(brief, style)
    assert "[ONBEKEND: datum]" in page_texts(example_pdf)[0]


def test_final_letter_has_no_concept_mark(workspace: Path) -> None:
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Een definitieve brief
        datum: 2025-03-20
        status: definitief
        secties:
          - tekst: Een zin.
        """,
    )
    assert not brief.concept
    text = "\n".join(page_texts(render_pdf(brief, style)))
    assert "CONCEPT" not in text
    assert "20 maart 2025" in text
    assert 'class="onbekend"' not in render_html(brief, style)


def test_declared_concept_is_marked(workspace: Path) -> None:
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Een conceptbrief
        datum: 2025-03-20
        status: concept
        secties:
          - tekst: Een zin.
        """,
    )
    assert "CONCEPT" in page_texts(render_pdf(brief, style))[0]


# --------------------------------------------------------------------------- letter text is data


def test_markup_in_letter_text_is_shown_literally(workspace: Path) -> None:
    brief, style = brief_for(
        workspace,
        """
        onderwerp: "Kosten & baten <b>vet</b> \\"citaat\\" 'enkel'"
        datum: 2025-03-20
        status: definitief
        secties:
          - kop: "Tekens & <script>"
            tekst: |
              Dit is geen plaatje: <img src="file:///etc/passwd"> en dit & < > " ' blijft staan.
        """,
    )
    html = render_html(brief, style)
    assert '<img src="file:///etc/passwd">' not in html
    assert "<b>vet</b>" not in html and "<script>" not in html
    text = " ".join(words("\n".join(page_texts(render_pdf(brief, style)))))
    assert "Kosten & baten <b>vet</b> \"citaat\" 'enkel'" in text
    assert "Tekens & <script>" in text
    assert '<img src="file:///etc/passwd"> en dit & < > " \' blijft staan.' in text


def test_blocks_get_their_html_structure(workspace: Path) -> None:
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Structuur
        datum: 2025-03-20
        status: definitief
        secties:
          - kop: Sectie
            tekst: |
              # Tussenkop

              ## Kleinere kop

              Tekst met **vet**, *cursief* en een [link](https://www.coevorden.nl)\\
              na een harde regelovergang, en een [gevaarlijke link](javascript:alert(1)).

              3. derde
              4. vierde
                 - genest

              | Post | Bedrag |
              |:-----|-------:|
              | Huur | 1.200 |
        """,
    )
    html = render_html(brief, style)
    # Markdown headings sit below the section heading (h2): # is h3, ## is h4.
    assert "<h3>Tussenkop</h3>" in html and "<h4>Kleinere kop</h4>" in html
    assert "<strong>vet</strong>" in html and "<em>cursief</em>" in html
    assert '<a href="https://www.coevorden.nl">link</a><br>' in html
    assert "javascript" not in html.split("<main>")[1].split("gevaarlijke link")[0]
    # The start number as an attribute (for the preview) and as CSS (the PDF reads no HTML
    # attributes as styles for the shared templates).
    assert (
        '<ol start="3" style="counter-reset: list-item 3; counter-increment: list-item -1">' in html
    )
    assert "<ul><li><p>genest</p></li></ul>" in html
    assert '<th scope="col" class="align-left">Post</th>' in html
    assert '<td class="align-right">1.200</td>' in html
    rendered = render_pdf(brief, style, strict=True)
    with pikepdf.open(io.BytesIO(rendered)) as pdf:
        kinds = {str(e.S) for e in struct_elements(pdf)}
        assert {"/H3", "/L", "/LI", "/Table", "/TH", "/TD", "/Link"} <= kinds
        # Nested list markers too are drawn in Open Sans, not in a fallback system font.
        assert {re.sub(r"^/[A-Z]{6}\+", "", str(f.BaseFont)) for f in fonts_of(pdf)} == {
            "Open-Sans",
            "Open-Sans-Bold",
            "Open-Sans-Italic",
            "Open-Sans-Bold-Italic",  # the h4
        }
    # The list counts on from its start (pdfium reads list markers after the text).
    markers = [w for w in words(page_texts(rendered)[0]) if re.fullmatch(r"\d\.", w)]
    assert markers == ["3.", "4."]


def test_characters_outside_the_house_font_never_bring_in_a_system_font(
    workspace: Path,
) -> None:
    # '→' and '☃' are not in Open Sans but in the shipped DejaVu Sans; 'ℊ' (U+210A) is in
    # neither, but in fonts many machines have (OpenSymbol, DejaVu Math, ...); '中' in neither.
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Pijlen
        datum: 2025-03-20
        secties:
          - tekst: "Van A → B, met ☃, ℊ en 中."
        """,
    )
    pdf = render_pdf(brief, style)
    assert font_warning(brief, style) == (
        "characters the house font Open Sans lacks: '→' (U+2192), '☃' (U+2603) printed in the "
        "fallback font DejaVu Sans; 'ℊ' (U+210A), '中' (U+4E2D) in no shipped font, printed as "
        "a white square \u25a1."
    )
    shipped = {
        name: TTFont(style.fonts / name)["name"].getDebugName(1)
        for name in ("OpenSans-Regular.ttf", "DejaVuSans.ttf")
    }
    families = set()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for font in fonts_of(doc):
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            program = descendant.FontDescriptor.get("/FontFile2")
            assert program is not None, f"{font.BaseFont} is not embedded"
            families.add(TTFont(io.BytesIO(program.read_bytes()))["name"].getDebugName(1))
    # Only the shipped fonts are embedded: the fallback for the arrow and the snowman, and no
    # system font for the two characters no shipped font has (they print as white squares,
    # which a text extractor reads as such).
    assert families == set(shipped.values()) == {"Open Sans", "DejaVu Sans"}
    assert "Van A → B, met ☃, \u25a1 en \u25a1." in page_texts(pdf)[0]


def test_text_in_the_house_font_has_no_font_warning(example: tuple[Brief, HouseStyle]) -> None:
    assert font_warning(*example) is None


# --------------------------------------------------------------------------- house style


def test_a_gemeente_overrides_blocks_and_adds_style(workspace: Path) -> None:
    folder = workspace / "templates" / "coevorden"
    (folder / "letter.html.j2").write_text(
        '{% extends "base/letter.html.j2" %}\n'
        '{% block sender %}<p class="sender">Eigen afzender</p>{% endblock %}\n',
        encoding="utf-8",
    )
    (folder / "style.css").write_text(".sender { color: #ff0000; }\n", encoding="utf-8")
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Eigen huisstijl
        datum: 2025-03-20
        status: definitief
        secties:
          - tekst: Een zin.
        """,
    )
    first = page_texts(render_pdf(brief, style, strict=True))[0]
    assert "Eigen afzender" in first
    assert "Postbus 2" not in first


# --------------------------------------------------------------------------- assets


def fetcher(ws_root: Path) -> AssetFetcher:
    return AssetFetcher(Workspace(ws_root).house_style("coevorden").asset_roots)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.org/logo.png",
        "http://example.org/style.css",
        "ftp://example.org/font.ttf",
    ],
)
def test_fetcher_refuses_anything_outside_the_house_style(workspace: Path, url: str) -> None:
    with pytest.raises(AssetError, match="house style"):
        fetcher(workspace).fetch(url)


def test_fetcher_refuses_other_folders_and_symlinks_out(workspace: Path) -> None:
    templates = workspace / "templates"
    (templates / "coevorden" / "link.png").symlink_to(workspace / "letters" / EXAMPLE.name)
    f = fetcher(workspace)
    for path in [
        templates / "emmen" / "logo.png",  # another municipality's folder
        workspace / "letters" / EXAMPLE.name,
        templates / "coevorden" / "link.png",
    ]:
        with pytest.raises(AssetError, match="outside the folders"):
            f.fetch(path.as_uri())
    assert len(f.failures) == 3


def test_fetcher_serves_the_house_style_and_data_urls(workspace: Path) -> None:
    f = fetcher(workspace)
    logo = f.fetch((workspace / "templates" / "coevorden" / "logo.png").as_uri())
    assert logo.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert logo.content_type == "image/png"
    assert f.fetch("data:text/plain,hallo").read() == b"hallo"
    with pytest.raises(AssetError, match="does not exist"):
        f.fetch((workspace / "templates" / "base" / "ontbreekt.png").as_uri())


@pytest.mark.parametrize(
    ("override", "content"),
    [
        (
            "letter.html.j2",
            '{% extends "base/letter.html.j2" %}\n'
            '{% block logo %}<img src="file:///etc/passwd" alt="x">{% endblock %}\n',
        ),
        ("style.css", '@font-face { font-family: X; src: url("file:///etc/passwd"); }\n'),
    ],
    ids=["template", "stylesheet"],
)
def test_an_asset_outside_the_allowed_folders_fails_the_render(
    workspace: Path, override: str, content: str
) -> None:
    (workspace / "templates" / "coevorden" / override).write_text(content, encoding="utf-8")
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Ongeoorloofd
        datum: 2025-03-20
        secties:
          - tekst: Een zin.
        """,
    )
    with pytest.raises(AssetError, match="/etc/passwd"):
        render_pdf(brief, style)


def test_a_logo_gone_after_loading_is_an_asset_error(workspace: Path) -> None:
    # The workspace checks the logo when it loads the profile; the renderer checks it again.
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Zonder logo
        datum: 2025-03-20
        secties:
          - tekst: Een zin.
        """,
    )
    (workspace / "templates" / "coevorden" / "logo.png").unlink()
    with pytest.raises(AssetError, match=r"logo\.png, which does not exist"):
        render_pdf(brief, style)


def test_the_concept_watermark_is_parsed_once_and_every_concept_comes_out_the_same(
    workspace: Path,
) -> None:
    """The watermark of a concept (an SVG in a data: URL of the stylesheet) is parsed for the
    first concept of a process and reused after: the bytes are the same either way, and only
    data: URLs are kept (never a file, which may change)."""
    from dtz_letters._render import pdf as pdf_renderer

    brief, style = brief_for(
        workspace,
        """
        onderwerp: Concept
        datum: {onbekend: nog niet vastgesteld}
        secties:
          - tekst: Een alinea.
        """,
    )
    assert brief.concept
    pdf_renderer.clear_caches()
    first = render_pdf(brief, style)
    kept = dict(pdf_renderer._DATA_IMAGES)
    assert [url[:26] for url in kept] == ["data:image/svg+xml;charset"]
    later = render_pdf(brief, style)
    assert later == first
    assert kept == pdf_renderer._DATA_IMAGES


def test_the_logo_is_encoded_once_and_every_letter_comes_out_the_same(workspace: Path) -> None:
    """WeasyPrint encodes the logo for the first letter of a process only; later letters get
    the image it made then. The bytes are the same either way (tables' header cells are
    named by the table's place, not by an object number a logo's mask would shift)."""
    from dtz_letters._render import pdf as pdf_renderer

    brief, style = brief_for(
        workspace,
        """
        onderwerp: Logo
        datum: 2025-03-20
        status: definitief
        secties:
          - tekst: |
              | Post | Bedrag |
              |:-----|-------:|
              | Huur | 1.200 |
        """,
    )
    pdf_renderer.clear_caches()
    first = render_pdf(brief, style)  # the logo encoded by WeasyPrint, and kept
    assert len(pdf_renderer._KEPT) == 1
    later = render_pdf(brief, style)  # a stand-in laid out, the kept logo put back
    assert later == first
    with pikepdf.open(io.BytesIO(later)) as pdf:
        images = [
            xobject
            for xobject in pdf.pages[0].Resources.XObject.values()
            if xobject.get("/Subtype") == "/Image"
        ]
        assert len(images) == 1
        (logo,) = images
        assert logo.Filter == "/FlateDecode" and "/SMask" in logo  # the PNG, not the stand-in
        assert (int(logo.Width), int(logo.Height)) == (885, 330)
        # The reference block's one header cell (Datum), then the two of the data table.
        ids = sorted(str(e.ID) for e in struct_elements(pdf) if "/ID" in e)
        assert ids == ["t1-0-0", "t2-0-0", "t2-0-1"]


def test_a_mark_no_font_has_does_not_garble_the_text_around_it(workspace: Path) -> None:
    """Found by the fuzz test: a combining mark no shipped font has (U+1CE2) was drawn as an
    empty glyph without text of its own, and extraction read "0à᳢" as "0¢à᳢" and "x᳢" as
    "xà᳢". It prints as a white square now, read as one."""
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Tekens
        datum: 2025-03-20
        secties:
          - tekst: "0\\xe0\\u1ce2 en x\\u1ce2 en a\\u1ce2b, met\\u200d joiner."
        """,
    )
    text = page_texts(render_pdf(brief, style))[0]
    # The joiner (a format character) draws nothing and gets no square.
    assert "0à\u25a1 en x\u25a1 en a\u25a1b, met joiner." in text
    assert text.count("\u25a1") == 3
