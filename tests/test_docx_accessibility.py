"""Accessible DOCX for every municipality: title, language nl, real heading and list styles,
alternative text on the logo, repeating table header rows."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from dtz_letters import compose, render
from tests.conftest import EXAMPLE

SLUGS = ["borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"]

TABLE_LETTER = """\
onderwerp: Begroting in een tabel
datum: 2025-03-20
secties:
  - kop: Cijfers
    tekst: |
      | Onderdeel | Bedrag |
      |:--|--:|
      | Hubs | 10 |

      - een punt
      - nog een punt
"""


@pytest.fixture(scope="module", params=SLUGS)
def rendered(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    return request.param, render(EXAMPLE, request.param, "docx")


def test_title_and_language(rendered: tuple[str, bytes]) -> None:
    slug, data = rendered
    brief = compose(EXAMPLE, slug)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        core = z.read("docProps/core.xml").decode()
        styles = z.read("word/styles.xml").decode()
    assert f"<dc:title>{brief.onderwerp}</dc:title>" in core
    assert "<dc:language>nl-NL</dc:language>" in core
    assert re.search(r'<w:rPrDefault>.*?<w:lang w:val="nl-NL"', styles, re.S)


def test_headings_use_heading_styles(rendered: tuple[str, bytes]) -> None:
    slug, data = rendered
    doc = docx.Document(io.BytesIO(data))
    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")
    ]
    # The Heading 1 is the subject alone (its "Onderwerp" label stands above it).
    assert headings[0] == ("Heading 1", compose(EXAMPLE, slug).onderwerp)
    assert [h for h in headings if h[0] == "Heading 2"] == [
        ("Heading 2", "Jaarverslag 2024 en Jaarplan 2025"),
        ("Heading 2", "Netwerk- en verbindingsplan DTZ"),
        ("Heading 2", "Verlenging samenwerkingsovereenkomst"),
        ("Heading 2", "Informatieavond DTZ en regionale HUB’s"),
        ("Heading 2", "Bijlagen"),  # a heading in Word as in the PDF
    ]


def test_logo_has_alternative_text(rendered: tuple[str, bytes]) -> None:
    slug, data = rendered
    brief = compose(EXAMPLE, slug)
    header = docx.Document(io.BytesIO(data)).sections[0].first_page_header
    descr = [d.get("descr") for d in header._element.xpath(".//wp:docPr")]
    assert descr == [brief.logo.alt]


@pytest.mark.parametrize("slug", SLUGS)
def test_tables_repeat_their_header_row_and_lists_use_list_styles(
    workspace: Path, slug: str
) -> None:
    letter = workspace / "letters" / "tabel.yaml"
    letter.write_text(TABLE_LETTER, encoding="utf-8")
    doc = docx.Document(io.BytesIO(render(letter, slug, "docx", workspace=workspace)))
    tables = [t for t in doc.tables if t.rows and t.rows[0].cells[0].text == "Onderdeel"]
    assert len(tables) == 1
    assert tables[0]._tbl.xpath("./w:tr[1]/w:trPr/w:tblHeader")
    bullets = [p.style.name for p in doc.paragraphs if p.text in ("een punt", "nog een punt")]
    assert bullets == ["List Bullet", "List Bullet"]
