"""A letter's tables in the DOCX with the column widths the PDF gives them.

WeasyPrint lays a table out with CSS's automatic table layout: columns as wide as their
content asks, the text column shared out in proportion. Word, given a fixed grid, keeps it;
left to itself it would choose other widths, wrap other cells, and end pages elsewhere. So
the renderer computes the widths the way WeasyPrint does (CSS Tables 3, "width distribution"
for a table of width 100% whose columns have no width of their own) from the cells' text,
measured with the house font, and writes them into the Word table's grid.

- A column's max-content width is its widest cell set on one line (per line, where a cell
  has line breaks); its min-content width is its widest character, because letter.css lets
  text break anywhere (``overflow-wrap: anywhere``) rather than run past the margin. Both
  include the cell's padding.
- When the max-content widths fit, each column gets its own and a share of the rest in
  proportion to it; when they do not, each gets its min-content width and a share of what is
  left in proportion to the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .metrics import text_width

#: letter.css, table.data: 9pt text, 2mm padding left and right of each cell.
TABLE_SIZE_PT = 9.0
CELL_PADDING_PT = 2 * 2 / 25.4 * 72


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


#: A cell is its lines, a line its runs.
Cell = Sequence[Sequence[Run]]


def column_widths(rows: Sequence[Sequence[Cell]], width_pt: float, fonts: Path) -> list[float]:
    """The widths in points of the columns of a table ``width_pt`` wide holding ``rows``."""
    columns = max((len(row) for row in rows), default=0)
    least = [CELL_PADDING_PT] * columns
    most = [CELL_PADDING_PT] * columns
    for row in rows:
        for i, cell in enumerate(row):
            low, high = _content_widths(cell, fonts)
            least[i] = max(least[i], low + CELL_PADDING_PT)
            most[i] = max(most[i], high + CELL_PADDING_PT)
    if not columns:
        return []
    if sum(most) <= width_pt:
        return [m + (width_pt - sum(most)) * m / sum(most) for m in most]
    if sum(least) >= width_pt:
        return least
    share = (width_pt - sum(least)) / (sum(most) - sum(least))
    return [low + (high - low) * share for low, high in zip(least, most, strict=True)]


def _content_widths(cell: Cell, fonts: Path) -> tuple[float, float]:
    """The min-content and max-content width of a cell's text, padding aside."""
    widest_char = 0.0
    widest_line = 0.0
    for line in cell:
        width = 0.0
        for run in line:
            width += text_width(run.text, TABLE_SIZE_PT, fonts, run.bold, run.italic)
            for char in set(run.text) - {" "}:
                widest_char = max(
                    widest_char, text_width(char, TABLE_SIZE_PT, fonts, run.bold, run.italic)
                )
        widest_line = max(widest_line, width)
    return widest_char, widest_line


# --------------------------------------------------------------------------- OOXML


def fit_table(tbl: Any, width_twips: int, fonts: Path) -> None:
    """Give the Word table ``tbl`` (w:tbl, one paragraph per cell, no merged cells) the
    column widths the PDF gives it."""
    from docx.oxml.ns import qn

    rows = [[_cell_lines(tc) for tc in tr.findall(qn("w:tc"))] for tr in tbl.findall(qn("w:tr"))]
    widths = column_widths(rows, width_twips / 20, fonts)
    if not widths:
        return
    twips = [round(w * 20) for w in widths]
    twips[-1] = width_twips - sum(twips[:-1])  # whole twips that add up to the table
    grid = tbl.find(qn("w:tblGrid"))
    if grid is not None:
        for col, width in zip(grid.findall(qn("w:gridCol")), twips, strict=False):
            col.set(qn("w:w"), str(width))
    for tr in tbl.findall(qn("w:tr")):
        for tc, width in zip(tr.findall(qn("w:tc")), twips, strict=False):
            tc_w = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            if tc_w is not None:
                tc_w.set(qn("w:w"), str(width))
                tc_w.set(qn("w:type"), "dxa")


def _cell_lines(tc: Any) -> list[list[Run]]:
    from docx.oxml.ns import qn

    lines: list[list[Run]] = []
    for p in tc.iter(qn("w:p")):
        line: list[Run] = []
        for r in p.iter(qn("w:r")):
            bold, italic = _flag(r, "w:b"), _flag(r, "w:i")
            for child in r:
                if child.tag == qn("w:t"):
                    line.append(Run(child.text or "", bold, italic))
                elif child.tag == qn("w:tab"):
                    line.append(Run(" ", bold, italic))
                elif child.tag in (qn("w:br"), qn("w:cr")):
                    lines.append(line)
                    line = []
        lines.append(line)
    return lines


def _flag(run: Any, name: str) -> bool:
    from docx.oxml.ns import qn

    el = run.find(f"{qn('w:rPr')}/{qn(name)}")
    return el is not None and el.get(qn("w:val"), "true") not in ("0", "false", "off")
