"""The neutral document model both renderers draw from.

A handful of immutable blocks (headings, paragraphs, lists, tables) holding inline spans (text
with bold, italic, link), so the DOCX and the PDF are built from exactly the same content.
:mod:`.markdown` makes them from a letter's Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting; ``text == "\\n"`` with ``line_break`` is a hard break."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    line_break: bool = False


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = subject, 2 = section heading, 3.. = headings inside a body
    spans: Inline


@dataclass(frozen=True)
class Paragraph:
    spans: Inline


@dataclass(frozen=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    start: int
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    align: tuple[str | None, ...]  # "left", "center", "right" or None per column


Block = Heading | Paragraph | ListBlock | Table


def plain(spans: Inline) -> str:
    """The text of some spans, hard breaks as newlines."""
    return "".join(s.text for s in spans)


def block_text(block: Block) -> str:
    """All text of a block, in reading order, separated by newlines."""
    if isinstance(block, Heading | Paragraph):
        return plain(block.spans)
    if isinstance(block, ListBlock):
        return "\n".join(block_text(b) for item in block.items for b in item.blocks)
    cells = [*block.header, *(c for row in block.rows for c in row)]
    return "\n".join(plain(c) for c in cells)


def nest_headings(blocks: tuple[Block, ...], above: int = 1) -> tuple[Block, ...]:
    """``blocks`` with heading levels that never skip one (an accessibility rule).

    ``above`` is the level of the heading the blocks sit under (1, the subject). A heading may
    go back up any number of levels, but down only one: "# Kop" in a section without a heading
    becomes level 2, not 3, so a screen reader's outline has no holes.
    """
    out, _ = _nest(blocks, above)
    return out


def _nest(blocks: tuple[Block, ...], last: int) -> tuple[tuple[Block, ...], int]:
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            level = max(1, min(block.level, last + 1))
            last = level
            out.append(block if level == block.level else Heading(level, block.spans))
        elif isinstance(block, ListBlock):
            items = []
            for item in block.items:
                inner, last = _nest(item.blocks, last)
                items.append(ListItem(inner))
            out.append(ListBlock(block.ordered, block.start, tuple(items)))
        else:
            out.append(block)
    return tuple(out), last
