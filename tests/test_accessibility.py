"""The published PDF is accessible (PDF/UA-1): structure, artifacts, metadata, and the check."""

from __future__ import annotations

import ctypes
import io
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from dtz_letters import Brief, check_pdf_accessibility
from dtz_letters._compose.document import (
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Span,
    nest_headings,
    plain,
)
from dtz_letters._pdfpost.tagging import make_accessible
from dtz_letters._render.pdf import render_pdf
from tests.conftest import EXAMPLE, REPO
from tests.helpers import brief_for, brief_of, repo_style

GEMEENTEN = ["borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"]
SUBJECT = "Samenwerkingsverband Dutch Techzone"


# --------------------------------------------------------------------------- helpers


def content_texts(pdf: bytes) -> tuple[dict[tuple[int, int], str], list[str]]:
    """The text of every marked-content sequence by (page index, MCID), and the artifact text.

    Read with pdfium, which reports for each text object the marks it lies in.
    """
    tagged: dict[tuple[int, int], str] = {}
    artifacts: list[str] = []
    doc = pdfium.PdfDocument(pdf)
    for index in range(len(doc)):
        page = doc[index]
        textpage = page.get_textpage()
        for i in range(pdfium_c.FPDFPage_CountObjects(page)):
            obj = pdfium_c.FPDFPage_GetObject(page, i)
            if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFTextObj_GetText(
                obj, textpage, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size
            )
            text = buffer.raw.decode("utf-16-le").rstrip("\x00")
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj)
            if mcid >= 0:
                key = (index, mcid)
                tagged[key] = tagged.get(key, "") + text
            elif "Artifact" in _marks(obj):
                artifacts.append(text)
            else:
                pytest.fail(f"page {index + 1}: text {text!r} is neither tagged nor artifact")
        textpage.close()
        page.close()
    doc.close()
    return tagged, artifacts


def _marks(obj: object) -> list[str]:
    names = []
    for m in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, m)
        length = ctypes.c_ulong()
        pdfium_c.FPDFPageObjMark_GetName(mark, None, 0, length)
        buffer = ctypes.create_string_buffer(length.value)
        pdfium_c.FPDFPageObjMark_GetName(
            mark, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), length, length
        )
        names.append(buffer.raw.decode("utf-16-le").rstrip("\x00"))
    return names


def elements(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Dictionary, int | None]]:
    """Every structure element in reading order, with the index of its page."""
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    stack: list[tuple[object, int | None]] = [
        (k, None) for k in reversed(kids(pdf.Root.StructTreeRoot))
    ]
    while stack:
        node, page = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue
        if "/Pg" in node:
            page = pages[node.Pg.objgen]
        yield node, page
        stack.extend((k, page) for k in reversed(kids(node)))


def kids(node: pikepdf.Dictionary) -> list[object]:
    k = node.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k])


def element_text(
    pdf: pikepdf.Pdf,
    element: pikepdf.Dictionary,
    page: int | None,
    tagged: dict[tuple[int, int], str],
) -> str:
    """The text of ``element`` and everything below it, in structure order."""
    index = {p.objgen: i for i, p in enumerate(pdf.pages)}
    return _text(element, page, tagged, index)


def _text(
    element: pikepdf.Dictionary,
    page: int | None,
    tagged: dict[tuple[int, int], str],
    index: dict[tuple[int, int], int],
) -> str:
    if "/Pg" in element:
        page = index.get(element.Pg.objgen, page)
    parts: list[str] = []
    for kid in kids(element):
        if isinstance(kid, int) and page is not None:
            parts.append(tagged.get((page, kid), ""))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            parts.append(_text(kid, page, tagged, index))
    return " ".join(p.strip() for p in parts if p.strip())


def headings(pdf_bytes: bytes) -> list[tuple[str, str]]:
    tagged, _ = content_texts(pdf_bytes)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [
            (str(e.S)[1:], element_text(pdf, e, page, tagged))
            for e, page in elements(pdf)
            if str(e.S) in {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}
        ]


def edit(pdf_bytes: bytes, change: Callable[[pikepdf.Pdf], None]) -> bytes:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def xmp(pdf_bytes: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return pdf.Root.Metadata.read_bytes().decode("utf-8")


# --------------------------------------------------------------------------- five municipalities


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[Brief, bytes]]:
    out = {}
    for slug in GEMEENTEN:
        brief, style = brief_of(EXAMPLE, slug, REPO)
        out[slug] = (brief, render_pdf(brief, style, strict=True))
    return out


@pytest.mark.parametrize("slug", GEMEENTEN)
def test_published_pdf_passes_the_accessibility_check(
    rendered: dict[str, tuple[Brief, bytes]], slug: str
) -> None:
    assert check_pdf_accessibility(rendered[slug][1]) == []


@pytest.mark.parametrize("slug", GEMEENTEN)
def test_subject_is_the_h1_and_sections_are_h2(
    rendered: dict[str, tuple[Brief, bytes]], slug: str
) -> None:
    brief, pdf = rendered[slug]
    sections = [plain(b.spans) for b in brief.body if isinstance(b, Heading)]
    assert sections  # the example has section headings: the test can fail
    assert headings(pdf) == [
        ("H1", SUBJECT),  # the subject alone: its "Onderwerp" label is a paragraph above it
        *(("H2", s) for s in sections),
        ("H2", "Bijlagen"),
    ]


@pytest.mark.parametrize("slug", GEMEENTEN)
def test_attachments_are_a_list_of_items_with_label_and_body(
    rendered: dict[str, tuple[Brief, bytes]], slug: str
) -> None:
    brief, pdf_bytes = rendered[slug]
    tagged, _ = content_texts(pdf_bytes)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        lists = [(e, page) for e, page in elements(pdf) if e.S == "/L"]
        assert len(lists) == 1
        lst, page = lists[0]
        items = [k for k in kids(lst) if isinstance(k, pikepdf.Dictionary)]
        assert [str(i.S) for i in items] == ["/LI"] * len(brief.bijlagen)
        bodies = []
        for n, item in enumerate(items, start=1):
            parts = [k for k in kids(item) if isinstance(k, pikepdf.Dictionary)]
            assert [str(p.S) for p in parts] == ["/Lbl", "/LBody"]
            assert element_text(pdf, parts[0], page, tagged) == f"{n}."
            bodies.append(element_text(pdf, parts[1], page, tagged))
        assert bodies == list(brief.bijlagen)


@pytest.mark.parametrize("slug", GEMEENTEN)
def test_logo_is_a_figure_with_the_profile_alt_text(
    rendered: dict[str, tuple[Brief, bytes]], slug: str
) -> None:
    brief, pdf_bytes = rendered[slug]
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        figures = [e for e, _ in elements(pdf) if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == [brief.logo.alt]


@pytest.mark.parametrize("slug", GEMEENTEN)
def test_page_furniture_is_an_artifact_not_text(
    rendered: dict[str, tuple[Brief, bytes]], slug: str
) -> None:
    brief, pdf_bytes = rendered[slug]
    tagged, artifacts = content_texts(pdf_bytes)
    read = " ".join(tagged.values())
    pages = len(pdfium.PdfDocument(pdf_bytes))
    assert pages == 2
    # The running header of later pages is one line of several runs of text.
    furniture = " ".join("".join(artifacts).split())
    for n in range(1, pages + 1):
        assert f"Pagina {n} van {pages}" in furniture
        assert f"Pagina {n} van" not in read
    assert brief.concept  # the example has no date yet
    # The CONCEPT box of page 1 and the running header of later pages.
    assert furniture.count("CONCEPT") == pages and "CONCEPT" not in read
    # The running header of page 2 is furniture; the subject is read once, in the H1.
    assert "Raadsinformatiebrief" in " ".join(artifacts)
    assert read.count(SUBJECT) == 1
    # The letterhead is read first, before the addressee: it is information, in order.
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        texts = [element_text(pdf, e, page, tagged) for e, page in elements(pdf) if e.S == "/P"]
    assert texts[0].startswith(brief.sender_lines[0])
    assert texts[1] == brief.documenttype  # what the letter is, on page 1
    assert texts[2] == brief.aan


@pytest.mark.parametrize("slug", GEMEENTEN)
def test_title_language_and_pdfua_identification(
    rendered: dict[str, tuple[Brief, bytes]], slug: str
) -> None:
    _, pdf_bytes = rendered[slug]
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "nl"
        assert "/Namespaces" not in pdf.Root.StructTreeRoot  # a PDF 1.7 file: no PDF 2.0 schema
    metadata = xmp(pdf_bytes)
    assert 'pdfuaid:part="1"' in metadata
    assert f"Raadsinformatiebrief: {SUBJECT}</rdf:li>" in metadata


@pytest.mark.parametrize("slug", GEMEENTEN)
def test_same_bytes_twice_and_qpdf_finds_no_problem(
    rendered: dict[str, tuple[Brief, bytes]], slug: str, tmp_path: Path
) -> None:
    brief, pdf_bytes = rendered[slug]
    assert render_pdf(brief, repo_style(brief.slug)) == pdf_bytes
    target = tmp_path / "brief.pdf"
    target.write_bytes(pdf_bytes)
    result = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


# --------------------------------------------------------------------------- the archival PDF


def test_archival_pdfa_carries_the_same_structure(rendered: dict[str, tuple[Brief, bytes]]) -> None:
    from dtz_letters._pdfpost.pdfa import finalize_pdfa, pdfa_problems

    brief, published = rendered["coevorden"]
    archival = render_pdf(
        brief, brief_of(EXAMPLE, brief.slug, REPO)[1], variant="pdf/a-2a", strict=True
    )
    assert check_pdf_accessibility(archival) == []
    assert headings(archival) == headings(published)
    metadata = xmp(archival)
    assert 'pdfaid:part="2"' in metadata and 'pdfaid:conformance="A"' in metadata
    assert 'pdfuaid:part="1"' in metadata
    # PDF/A-2 knows no pdfuaid namespace: the file describes it.
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in metadata
    final = finalize_pdfa(archival)
    assert pdfa_problems(final) == []
    assert check_pdf_accessibility(final) == []


# --------------------------------------------------------------------------- Markdown structure


def test_markdown_tables_lists_and_headings_are_accessible(workspace: Path) -> None:
    brief, style = brief_for(
        workspace,
        """
        onderwerp: Structuur
        datum: 2025-03-20
        status: definitief
        secties:
          - tekst: |
              # Kop in een sectie zonder kop

              ### Te diepe kop

              Een [link](https://www.coevorden.nl).

              1. eerste
              2. tweede
                 - genest

              | Post | Bedrag |
              |:-----|-------:|
              | Huur | 1.200 |
        """,
    )
    pdf_bytes = render_pdf(brief, style, strict=True)
    assert check_pdf_accessibility(pdf_bytes) == []
    # Markdown "#" under the subject (no section heading) is an H2, "###" then an H3.
    assert headings(pdf_bytes) == [
        ("H1", "Structuur"),
        ("H2", "Kop in een sectie zonder kop"),
        ("H3", "Te diepe kop"),
    ]
    tagged, _ = content_texts(pdf_bytes)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        found = list(elements(pdf))
        tables = [e for e, _ in found if e.S == "/Table"]
        assert len(tables) == 2  # the reference block, and the Markdown table
        head = next(k for k in kids(tables[1]) if k.S == "/THead")
        cells = [c for c in kids(kids(head)[0])]
        assert [(str(c.S), str(c.A.Scope)) for c in cells] == [("/TH", "/Column")] * 2
        page = found[0][1]
        assert [element_text(pdf, c, page, tagged) for c in cells] == ["Post", "Bedrag"]
        # The reference block's labels head their rows.
        first = [c for c in kids(kids(kids(tables[0])[0])[0])]
        assert [(str(c.S), str(c.A.get("/Scope"))) for c in first] == [
            ("/TH", "/Row"),
            ("/TD", "None"),
        ]
        # A nested list lies in the body of its item, and every item has Lbl + LBody.
        lists = [e for e, _ in found if e.S == "/L"]
        outer = lists[0]
        items = kids(outer)
        assert [str(i.S) for i in items] == ["/LI", "/LI"]
        second_body = kids(items[1])[1]
        assert str(second_body.S) == "/LBody"
        assert [str(k.S) for k in kids(second_body)] == ["/P", "/L"]
        for lst in lists:
            for item in kids(lst):
                assert [str(k.S) for k in kids(item)] == ["/Lbl", "/LBody"]
        links = [e for e, _ in found if e.S == "/Link"]
        assert len(links) == 1
        annotation = pdf.pages[0].Annots[0]
        assert str(annotation.Contents)
        assert pdf.pages[0].Tabs == "/S"


def test_nest_headings_never_skips_a_level() -> None:
    def h(level: int) -> Heading:
        return Heading(level, (Span(f"h{level}"),))

    body = (
        h(3),
        Paragraph((Span("p"),)),
        h(5),
        h(2),
        h(4),
        ListBlock(False, 1, (ListItem((h(6),)),)),
    )
    levels = []
    for block in nest_headings(body):
        if isinstance(block, Heading):
            levels.append(block.level)
        elif isinstance(block, ListBlock):
            levels.extend(b.level for b in block.items[0].blocks if isinstance(b, Heading))
    assert levels == [2, 3, 2, 3, 4]


# --------------------------------------------------------------------------- the check catches


@pytest.fixture(scope="module")
def published(rendered: dict[str, tuple[Brief, bytes]]) -> bytes:
    return rendered["coevorden"][1]


def _figures(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [e for e, _ in elements(pdf) if e.S == "/Figure"]


def test_check_catches_a_figure_without_alt_text(published: bytes) -> None:
    def drop_alt(pdf: pikepdf.Pdf) -> None:
        del _figures(pdf)[0]["/Alt"]

    assert check_pdf_accessibility(edit(published, drop_alt)) == [
        "A figure (image) has no alternative text (/Alt)."
    ]


def test_check_catches_a_skipped_heading_level(published: bytes) -> None:
    def h2_to_h3(pdf: pikepdf.Pdf) -> None:
        first_h2 = next(e for e, _ in elements(pdf) if e.S == "/H2")
        first_h2.S = pikepdf.Name.H3

    assert check_pdf_accessibility(edit(published, h2_to_h3)) == [
        "The heading levels skip: an H3 follows H1."
    ]


def test_check_catches_missing_language_and_title(published: bytes) -> None:
    def drop(pdf: pikepdf.Pdf) -> None:
        del pdf.Root["/Lang"]
        pdf.Root.ViewerPreferences.DisplayDocTitle = False

    assert check_pdf_accessibility(edit(published, drop)) == [
        "The document language (/Lang in the catalog) is not set.",
        "The viewer shows the file name, not the title: /DisplayDocTitle is not true.",
    ]


def _draw_untagged_line(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[1]
    page.contents_add(pdf.make_stream(b"q 0 0 m 100 100 l S Q"), prepend=False)


def test_check_catches_drawing_outside_marked_content(published: bytes) -> None:
    assert check_pdf_accessibility(edit(published, _draw_untagged_line)) == [
        "page 2: 1 drawing outside any marked content (not tagged, not an artifact)."
    ]


def test_check_catches_content_left_out_of_the_tree(published: bytes) -> None:
    def orphan_first_mcid(pdf: pikepdf.Pdf) -> None:
        # The letterhead's first element no longer holds its MCID.
        figure = _figures(pdf)[0]
        figure.K = pikepdf.Array()

    problems = check_pdf_accessibility(edit(published, orphan_first_mcid))
    assert problems[0].startswith("page 1: 1 marked-content sequence (MCID ")
    assert problems[0].endswith("not in the structure tree (not read, yet not an artifact).")


def test_post_processing_mends_untagged_drawing_and_claims_only_what_holds(
    published: bytes,
) -> None:
    mended, problems = make_accessible(edit(published, _draw_untagged_line))
    assert problems == []
    assert check_pdf_accessibility(mended) == []
    with pikepdf.open(io.BytesIO(mended)) as pdf:
        ops = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[1])]
    # The stroke is wrapped whole: the artifact opens before the path, not inside it.
    tail = ops[-7:]
    assert tail == ["q", "BMC", "m", "l", "S", "EMC", "Q"]

    def drop_alt(pdf: pikepdf.Pdf) -> None:
        del _figures(pdf)[0]["/Alt"]

    broken, problems = make_accessible(edit(published, drop_alt))
    assert problems == ["A figure (image) has no alternative text (/Alt)."]
    assert "pdfuaid" not in xmp(broken)
