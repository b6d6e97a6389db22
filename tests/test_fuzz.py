"""Fuzzing: letters with arbitrary Unicode in every text field, through the public API.

Each generated letter either gets a clear dtz-letters error, or renders to a DOCX that
python-docx opens and a PDF that ``qpdf --check`` accepts, both holding the input text (after
the control-character rule). ``make test`` runs a few examples (the "quick" profile in
conftest.py); ``make fuzz`` runs hundreds (``HYPOTHESIS_PROFILE=long``).
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st

from dtz_letters import InputError, RenderError, TemplateError, compose, render
from tests.conftest import REPO
from tests.textutil import docx_body_lines, pdf_pages

#: What the loader does to characters XML forbids (and to the C1 controls and non-characters
#: YAML forbids): a vertical tab becomes a line break, the rest is removed.
_REMOVED = re.compile("[\x00-\x08\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def after_control_rule(text: str) -> str:
    return _REMOVED.sub("", text.replace("\x0b", "\n"))


_JINJA = re.compile(r"\{[{%#]")
_RIGHT_TO_LEFT = {"R", "AL", "AN", "RLE", "RLO", "RLI"}

#: Every character but UTF-16 halves, which no UTF-8 file can hold: control characters, format
#: characters, private use, unassigned code points, all scripts. Every text field is written
#: in the letter language, where {{, {% and {# have a meaning (test_text.py covers it, escapes
#: included), so the generated text leaves them out (before, only the fields that went
#: through the Jinja sandbox did).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda t: not _JINJA.search(after_control_rule(t))
)
TEMPLATED_TEXT = ANY_TEXT
#: Body text is Markdown, whose punctuation changes the text (``*`` is emphasis, ``1.`` a list,
#: ``#`` a heading, ``&amp;`` an entity). Body fields get letters, marks, digits, spaces and
#: control characters of every script; punctuation is fuzzed in all the other fields.
BODY_TEXT = st.text(
    st.characters(categories=("L", "M", "N", "Zs", "Cc")), min_size=1, max_size=40
).filter(lambda t: not _JINJA.search(after_control_rule(t)))


@st.composite
def letters(draw: st.DrawFn) -> dict[str, Any]:
    def maybe(strategy: st.SearchStrategy[str]) -> str | None:
        return draw(st.none() | strategy)

    sections = draw(
        st.lists(
            st.fixed_dictionaries({"tekst": BODY_TEXT}, optional={"kop": TEMPLATED_TEXT}),
            min_size=1,
            max_size=3,
        )
    )
    letter: dict[str, Any] = {
        "onderwerp": draw(TEMPLATED_TEXT),
        "datum": "2025-03-20",
        "status": "definitief",
        "gemeenten": ["coevorden"],
        "aan": draw(ANY_TEXT),
        "secties": sections,
        "bijlagen": [{"titel": t} for t in draw(st.lists(TEMPLATED_TEXT, max_size=2))],
        "ondertekenaars": [{"functie": draw(ANY_TEXT), "naam": draw(ANY_TEXT)}],
        "contact": {"naam": draw(ANY_TEXT), "functie": draw(ANY_TEXT)},
    }
    for key in ("kenmerk", "uw_kenmerk", "aanhef", "slot"):
        value = maybe(ANY_TEXT)
        if value is not None:
            letter[key] = value
    return letter


#: Markdown's character rules, which every text field of a letter follows (README, "Markdown
#: in a letter"): a backslash before ASCII punctuation, and character references.
_ESCAPE_OR_REFERENCE = re.compile(
    r"\\([!-/:-@\[-`{-~])|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)


def markdown_characters(text: str) -> str:
    """``text`` as a plain field shows it: escapes and references resolved, in one pass; a
    reference to a control character (or to nothing known) stays as written."""

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        decoded = html.unescape(match.group())
        if decoded == match.group() or any(unicodedata.category(c) == "Cc" for c in decoded):
            return match.group()
        return decoded

    return _ESCAPE_OR_REFERENCE.sub(one, text)


def texts_of(letter: dict[str, Any]) -> list[str]:
    """The generated text fields, each as the letter will show it."""
    texts = [letter["onderwerp"], letter["aan"]]
    texts += [letter[k] for k in ("kenmerk", "uw_kenmerk", "aanhef", "slot") if k in letter]
    texts += [sectie["kop"] for sectie in letter["secties"] if "kop" in sectie]
    texts += [b["titel"] for b in letter["bijlagen"]]
    texts += [letter["ondertekenaars"][0]["functie"], letter["ondertekenaars"][0]["naam"]]
    texts += [letter["contact"]["naam"], letter["contact"]["functie"]]
    plain = [markdown_characters(after_control_rule(t)) for t in texts]
    # Body text: no punctuation, so Markdown leaves its characters alone.
    return plain + [after_control_rule(sectie["tekst"]) for sectie in letter["secties"]]


def squash(text: str) -> str:
    """Text as a text extractor can be trusted to give it back: in compatibility form (NFKC:
    a font draws a presentation form or a ligature with the glyph of the plain letters, and
    the extractor gives those back), without whitespace (lines break anywhere) and without
    the characters that draw nothing (format characters such as joiners and direction marks,
    soft hyphens)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and not invisible(c))


#: Unicode's default-ignorable code points beyond the format characters (variation
#: selectors, fillers, invisible marks): they draw nothing, and extractors drop them.
IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)  # fmt: skip


def invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cf" or any(lo <= ord(c) <= hi for lo, hi in IGNORABLE)


def _needs_no_square(c: str, glyphs: frozenset[int]) -> bool:
    """Whether the PDF prints ``c`` as itself: a font has it, or it draws nothing anyway
    (spaces, invisible characters)."""
    return ord(c) in glyphs or c.isspace() or invisible(c)


#: What the PDF prints for a character no shipped font has (README).
NO_GLYPH = "\u25a1"


@cache
def shipped_glyphs() -> frozenset[int]:
    """The characters of the house font and the shipped fallback font (README: a character
    in neither prints as a white square)."""
    covered: set[int] = set()
    for name in ("OpenSans-Regular.ttf", "DejaVuSans.ttf"):
        font_file = REPO / "templates" / "fonts" / name
        with TTFont(font_file, lazy=True) as font:
            covered.update(font.getBestCmap())
    return frozenset(covered)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "ws"
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "letters").mkdir()
    return root


@given(letter=letters())
def test_any_text_gives_a_clear_error_or_valid_files_with_that_text(
    workspace: Path, letter: dict[str, Any]
) -> None:
    path = workspace / "letters" / "fuzz.yaml"
    path.write_text(yaml.safe_dump(letter, allow_unicode=True), encoding="utf-8")
    try:
        brief = compose(path, "coevorden", workspace=workspace)
        docx_data = render(path, "coevorden", "docx", workspace=workspace)
        pdf_data = render(path, "coevorden", "pdf", workspace=workspace)
    except InputError as exc:
        # Text that is empty once invisible characters are gone: located, in words.
        assert all(p.line >= 1 and p.field and p.message for p in exc.problems), exc
        assert all(p.message == "must not be empty" for p in exc.problems), exc
        return
    except (TemplateError, RenderError) as exc:
        assert str(exc).startswith(str(path)) or "fuzz" in str(exc), exc
        return

    expected = texts_of(letter)
    assert squash(brief.text()) != ""

    document = docx.Document(io.BytesIO(docx_data))  # python-docx opens it
    assert document.paragraphs
    docx_text = squash("".join(docx_body_lines(docx_data)))
    for text in expected:
        assert squash(text) in docx_text, text

    pdf_file = workspace / "fuzz.pdf"
    pdf_file.write_bytes(pdf_data)
    check = subprocess.run(["qpdf", "--check", str(pdf_file)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # A character no shipped font has is printed as a white square (with a warning), which
    # the text extractor reads as one.
    glyphs = shipped_glyphs()

    def drawn(text: str) -> str:
        # Characters without a glyph become the square before the compatibility form is
        # taken: U+1D644 (a mathematical italic e) is a square in the PDF, though its
        # compatibility form "e" is a character the fonts have.
        return squash("".join(c if _needs_no_square(c, glyphs) else NO_GLYPH for c in text))

    pdf_text = squash("".join(pdf_pages(pdf_data)).replace("\ufffe", "-"))
    # Right-to-left text comes back in visual order, which the bidi algorithm decides for the
    # whole line: one right-to-left character can set the direction of a line that also holds
    # other fields (the reference block joins contact fields on one line), reordering their
    # digits and punctuation too. In such a letter every character must be there; the order
    # is not comparable.
    bidi = any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for t in expected for c in t)
    for text in expected:
        if bidi:
            assert not Counter(drawn(text)) - Counter(pdf_text), text
        else:
            assert drawn(text) in pdf_text, text
