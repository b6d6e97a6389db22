"""Text widths from the shipped fonts' advance widths, for layout the DOCX has to decide the
way the PDF does: how much of the subject fits the running header, how wide a table's
columns are.

Widths are the sum of advance widths (no kerning, no shaping): close to what WeasyPrint and
Word set for Latin text, and the same for both renderers, which is what matters.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..errors import AssetError, display_path

#: The shipped faces of the house font, by (bold, italic).
FACES = {
    (False, False): "OpenSans-Regular.ttf",
    (True, False): "OpenSans-Bold.ttf",
    (False, True): "OpenSans-Italic.ttf",
    (True, True): "OpenSans-BoldItalic.ttf",
}


def text_width(
    text: str, size_pt: float, fonts: Path, bold: bool = False, italic: bool = False
) -> float:
    """The width of ``text`` in points, set in the house font at ``size_pt``."""
    widths, default = advances(fonts / FACES[bold, italic])
    return sum(widths.get(ord(c), default) for c in text) * size_pt


@cache
def advances(font_file: Path) -> tuple[dict[int, float], float]:
    """Advance widths per code point, in ems, and the widest one for characters the font
    lacks (printed in another font, whose width is not known here)."""
    from fontTools.ttLib import TTFont

    if not font_file.is_file():
        raise AssetError(f"The font {display_path(font_file)} is missing.")
    with TTFont(font_file, lazy=True) as font:
        upm = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {cp: metrics[name][0] / upm for cp, name in font.getBestCmap().items()}
    return widths, max(widths.values())
