"""Which characters of a letter the house font lacks, and what the PDF prints instead.

Such characters are printed in the shipped fallback font, or, when no shipped font has them,
as a white square (U+25A1, :data:`NO_GLYPH`) in their place (never in a system font: it would
not be the house style, nor the same on another machine); :func:`font_warning` says which.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from .._compose.brief import Brief
from .._input.workspace import HouseStyle
from ..errors import AssetError, display_path

#: The shipped font that the base stylesheet uses for all text, and the shipped font that
#: follows it in the font-family stack for the characters it lacks.
HOUSE_FONT = "Open Sans"
HOUSE_FONT_FILE = "OpenSans-Regular.ttf"
FALLBACK_FONT = "DejaVu Sans"
FALLBACK_FONT_FILE = "DejaVuSans.ttf"


def font_warning(brief: Brief, style: HouseStyle) -> str | None:
    """A warning when the letter has characters the house font lacks, else None (the caller
    names the letter and municipality).

    Such characters are printed in the shipped fallback font, or, when it lacks them too, as
    a white square: the renderer never lets a system font into the PDF (it would not be the
    house style, nor the same on another machine).
    """
    in_fallback, in_none = _lacking(brief, style)
    parts = []
    if in_fallback:
        parts.append(f"{_chars(in_fallback)} printed in the fallback font {FALLBACK_FONT}")
    if in_none:
        parts.append(f"{_chars(in_none)} in no shipped font, printed as a white square {NO_GLYPH}")
    if not parts:
        return None
    return f"characters the house font {HOUSE_FONT} lacks: {'; '.join(parts)}."


#: What the PDF prints for a character no shipped font has. Left to itself, WeasyPrint draws
#: an empty glyph and gives it no text of its own, so a text extractor (and a screen reader)
#: reads the characters around it wrongly (found by the fuzz test: "x" + U+1CE2 came back as
#: "xà᳢"); a square of the fallback font is seen as a gap and read as one.
NO_GLYPH = "\u25a1"


def without_glyph(brief: Brief, style: HouseStyle) -> dict[int, str]:
    """The characters of the letter no shipped font has, each to :data:`NO_GLYPH` (a
    ``str.translate`` table; empty for most letters)."""
    return {ord(c): NO_GLYPH for c in _lacking(brief, style)[1]}


def needs_fallback(brief: Brief, style: HouseStyle) -> bool:
    """Whether the letter has characters the house font lacks and the fallback font has."""
    return bool(_lacking(brief, style)[0])


def _lacking(brief: Brief, style: HouseStyle) -> tuple[list[str], list[str]]:
    """The characters of the letter the house font lacks: those the shipped fallback font
    has, and those no shipped font has (none when the letter is not set in the house font)."""
    if brief.lettertype != HOUSE_FONT:
        return [], []
    house = _codepoints(style.fonts / HOUSE_FONT_FILE)
    # Spaces and the characters Unicode makes invisible draw nothing: they need no glyph.
    lacking = sorted(
        {c for c in _letter_text(brief) if ord(c) not in house and not _draws_nothing(c)}
    )
    if not lacking:
        return [], []
    fallback_file = style.fonts / FALLBACK_FONT_FILE
    fallback = _codepoints(fallback_file) if fallback_file.is_file() else frozenset()
    return [c for c in lacking if ord(c) in fallback], [
        c for c in lacking if ord(c) not in fallback
    ]


#: Default-ignorable code points that are not format characters (Unicode's
#: DerivedCoreProperties): variation selectors, fillers, invisible marks.
_IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)  # fmt: skip


def _draws_nothing(c: str) -> bool:
    """Whether ``c`` is white space, a format character (a joiner, a direction mark) or
    another character Unicode says to ignore when it cannot be shown."""
    if c.isspace() or unicodedata.category(c) == "Cf":
        return True
    return any(lo <= ord(c) <= hi for lo, hi in _IGNORABLE)


def _letter_text(brief: Brief) -> str:
    return "\n".join([brief.text(), *brief.sender_lines, brief.gemeente, brief.documenttype])


def _chars(chars: list[str], limit: int = 5) -> str:
    shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


@cache
def _codepoints(font_file: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    if not font_file.is_file():
        raise AssetError(f"The font {display_path(font_file)} is missing.")
    with TTFont(font_file, lazy=True) as font:
        return frozenset(font.getBestCmap())
