"""The neutral document model both renderers draw from.

A handful of immutable blocks (headings, paragraphs, lists, tables, block quotes, rules)
holding inline spans (text with bold, italic, link, or a footnote call), so the DOCX and the
PDF are built from exactly the same content. :mod:`.markdown` makes them from a letter's
Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting; ``text == "\\n"`` with ``line_break`` is a hard break,
    and a span with ``note`` is the call of that footnote (its ``text`` is empty)."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    line_break: bool = False
    note: Note | None = None


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class Note:
    """A footnote: its paragraphs, printed at the foot of the page of its call.

    Renderers number footnotes in the order of their calls in the letter (Word and CSS both
    count them that way), so a note carries no number of its own.
    """

    paragraphs: tuple[Inline, ...]


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = subject, 2 = section heading, 3.. = headings inside a section
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


@dataclass(frozen=True)
class Quote:
    """A block quote: quoted paragraphs, lists or tables, set off from the letter's text."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Rule:
    """A thematic break (``---``): a horizontal line between parts of the text."""


Block = Heading | Paragraph | ListBlock | Table | Quote | Rule


def plain(spans: Inline) -> str:
    """The text of some spans, hard breaks as newlines (footnote calls add nothing)."""
    return "".join(s.text for s in spans)


def notes_of(spans: Inline) -> list[Note]:
    """The footnotes called in ``spans``, in order."""
    return [s.note for s in spans if s.note is not None]


def block_inlines(block: Block) -> list[Inline]:
    """Every run of spans of a block (cells, items, quoted blocks), in reading order."""
    if isinstance(block, Heading | Paragraph):
        return [block.spans]
    if isinstance(block, ListBlock):
        return [i for item in block.items for b in item.blocks for i in block_inlines(b)]
    if isinstance(block, Table):
        return [*block.header, *(c for row in block.rows for c in row)]
    if isinstance(block, Quote):
        return [i for b in block.blocks for i in block_inlines(b)]
    return []


def block_text(block: Block) -> str:
    """All text of a block, in reading order, separated by newlines; the text of the footnotes
    it calls follows it (that is where a reader of the page meets them)."""
    inlines = block_inlines(block)
    texts = [plain(i) for i in inlines]
    texts += [plain(p) for i in inlines for note in notes_of(i) for p in note.paragraphs]
    return "\n".join(texts)


def nest_headings(blocks: tuple[Block, ...], above: int = 1) -> tuple[Block, ...]:
    """``blocks`` with heading levels by structure, so they never skip one.

    ``above`` is the level of the heading the blocks sit under (1, the subject). The first
    heading becomes ``above + 1``; a heading with a higher level than the one before it goes
    one level deeper, whatever the difference; one with the same level is its sibling; one
    with a lower level closes the deeper ones (see :class:`Outline`).
    """
    outline = Outline(above)
    return tuple(_nest(block, outline) for block in blocks)


def _nest(block: Block, outline: Outline) -> Block:
    if isinstance(block, Heading):
        return Heading(outline.level(block.level), block.spans)
    if isinstance(block, ListBlock):
        items = tuple(ListItem(tuple(_nest(b, outline) for b in i.blocks)) for i in block.items)
        return ListBlock(block.ordered, block.start, items)
    if isinstance(block, Quote):
        return Quote(tuple(_nest(b, outline) for b in block.blocks))
    return block


class Outline:
    """The heading levels of one section, decided by structure rather than by hash count.

    A clerk may write the sub-headings of a section as ``###``, ``##`` or ``####``: what
    counts is their order. The first becomes one level below the heading the text sits under
    (``above``); a deeper Markdown level opens a level below the open one, whatever the
    difference; an equal level is a sibling; a shallower one closes the deeper ones.
    ``### A``, ``### B``, ``##### C`` under a section heading (level 2) become 3, 3, 4.
    """

    def __init__(self, above: int) -> None:
        self.above = above
        self._open: list[int] = []  # the Markdown levels of the headings open, outermost first

    def level(self, markdown_level: int) -> int:
        """The level of the next heading, written with ``markdown_level`` hashes."""
        while self._open and self._open[-1] >= markdown_level:
            self._open.pop()
        self._open.append(markdown_level)
        return self.above + len(self._open)

    @property
    def state(self) -> tuple[int, ...]:
        """Where the outline stands: with ``above``, all that decides the next levels."""
        return (self.above, *self._open)

    def restore(self, state: tuple[int, ...]) -> None:
        """Stand where :attr:`state` was ``state``."""
        self.above, *self._open = state
