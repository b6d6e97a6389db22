"""The running header of later pages, the same line in the PDF and the DOCX.

One line: the municipality, the document type and the subject on the left; on the right
"CONCEPT" for a concept, the date, the kenmerk and "Pagina X van Y". What does not fit is
shortened at a word with an ellipsis (the subject first; a kenmerk that would take more than
half the line too). Widths are measured with the house font's own advance widths, so both
renderers get the same text and neither has to wrap it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._compose.brief import PLACEHOLDER, Brief
from .._input.workspace import HouseStyle
from .metrics import text_width

#: The text column, in points (160mm): what the header line may fill.
LINE_WIDTH_PT = 160 / 25.4 * 72
#: Its type size (CSS .running-header; Word's Kopregel style).
SIZE_PT = 7.5
#: At least this much room between the left and the right part.
GAP_PT = 6 / 25.4 * 72
#: The widest page numbering the right part has to hold.
PAGES_TEXT = "Pagina 99 van 99"
SEPARATOR = " · "
#: The most of the line the right part may take; the left always keeps the rest.
RIGHT_SHARE = 0.5
ELLIPSIS = "…"
#: Bold, with a little padding: how an unknown fact is drawn (CSS .onbekend).
_PLACEHOLDER_PADDING_PT = 1 / 25.4 * 72
#: Advance widths are measured without kerning; this much spare keeps the sum honest.
_SPARE = 1.03


#: What a concept's running header starts its right part with (in bold).
CONCEPT = "CONCEPT"


@dataclass(frozen=True)
class RunningHeader:
    left: str  # "Coevorden · Raadsinformatiebrief · Samenwerkingsverband …"
    # "20 maart 2025 · Z/25/123 · ": the renderer puts CONCEPT before it (for a concept)
    # and "Pagina X van Y" after it.
    right: str


def running_header(brief: Brief, style: HouseStyle) -> RunningHeader:
    """The running header of ``brief``, shortened to fit one line: the subject first, and a
    kenmerk (or anything else) that would take more than half the line."""
    fonts = style.fonts
    fixed = _width(PAGES_TEXT, fonts)
    if brief.concept:
        fixed += text_width(CONCEPT, SIZE_PT, fonts, bold=True) * _SPARE
        fixed += _width(SEPARATOR, fonts)
    right = ""
    for fact in brief.running_header_facts():
        room = RIGHT_SHARE * LINE_WIDTH_PT - fixed - _width(right, fonts)
        right += _shorten(_one_line(fact), room, fonts) + SEPARATOR
    left = SEPARATOR.join(
        _one_line(t) for t in (brief.gemeente, brief.documenttype, brief.onderwerp)
    )
    room = LINE_WIDTH_PT - GAP_PT - fixed - _width(right, fonts)
    return RunningHeader(_shorten(left, room, fonts), right)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, room: float, fonts: Path) -> str:
    """``text`` as it fits in ``room`` points: whole, or cut at a word with an ellipsis, or
    (its first word too long for the room) cut within that word."""
    if _width(text, fonts) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        cut = " ".join(words).rstrip(" ,;:·-–") + ELLIPSIS
        if _width(cut, fonts) <= room:
            return cut
    word = words[0]
    while word and _width(word + ELLIPSIS, fonts) > room:
        word = word[:-1]
    return word + ELLIPSIS


def _width(text: str, fonts: Path) -> float:
    """The width of ``text`` in points at the header's size, placeholders in bold."""
    total = 0.0
    last = 0
    for match in PLACEHOLDER.finditer(text):
        total += text_width(text[last : match.start()], SIZE_PT, fonts)
        total += text_width(match.group(), SIZE_PT, fonts, bold=True) + _PLACEHOLDER_PADDING_PT
        last = match.end()
    total += text_width(text[last:], SIZE_PT, fonts)
    return total * _SPARE
