"""The Markdown subset of letter text, parsed into the document model.

Body text is Markdown parsed by markdown-it-py (CommonMark plus tables, raw HTML off): HTML in a
letter is text, never markup. The parser's tokens become the blocks of :mod:`.document`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .budgets import check_tokens
from .document import Block, Heading, Inline, ListBlock, ListItem, Paragraph, Span, Table

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    # Images would make the renderer fetch a URL named by the letter: they are shown as text.
    md.disable("image")
    return md


def parse_markdown(source: str, *, heading_offset: int = 2) -> tuple[Block, ...]:
    """Parse a body text. Markdown headings ``#`` become level ``heading_offset + 1`` and down."""
    tokens = check_tokens(_parser().parse(source))  # budgets.py: refused before layout
    blocks, _ = _blocks(tokens, 0, heading_offset, stop=None)
    return tuple(blocks)


def _blocks(
    tokens: list[Token], i: int, heading_offset: int, stop: str | None
) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        if stop is not None and tok.type == stop:
            return out, i + 1
        if tok.type == "heading_open":
            level = min(int(tok.tag[1]) + heading_offset, 6)
            out.append(Heading(level, _inline(tokens[i + 1])))
            i += 3
        elif tok.type == "paragraph_open":
            spans = _inline(tokens[i + 1])
            if spans:
                out.append(Paragraph(spans))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            close = tok.type.replace("_open", "_close")
            ordered = tok.type == "ordered_list_open"
            start = int(tok.attrs.get("start", 1)) if ordered else 1
            items: list[ListItem] = []
            i += 1
            while tokens[i].type != close:
                assert tokens[i].type == "list_item_open"
                inner, i = _blocks(tokens, i + 1, heading_offset, stop="list_item_close")
                items.append(ListItem(tuple(inner)))
            out.append(ListBlock(ordered, start, tuple(items)))
            i += 1
        elif tok.type == "table_open":
            table, i = _table(tokens, i + 1)
            out.append(table)
        elif tok.type in ("fence", "code_block"):
            text = tok.content.rstrip("\n")
            if text:
                out.append(Paragraph(_with_breaks(text)))
            i += 1
        else:
            # blockquote_open/close, hr, and closing tokens: the content inside a quote is
            # kept as ordinary blocks; a rule carries no text.
            i += 1
    return out, i


def _with_breaks(text: str) -> Inline:
    spans: list[Span] = []
    for n, line in enumerate(text.split("\n")):
        if n:
            spans.append(Span("\n", line_break=True))
        if line:
            spans.append(Span(line))
    return tuple(spans)


def _table(tokens: list[Token], i: int) -> tuple[Table, int]:
    header: list[Inline] = []
    rows: list[tuple[Inline, ...]] = []
    align: list[str | None] = []
    row: list[Inline] = []
    in_head = False
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(tuple(row))
        elif tok.type in ("th_open", "td_open"):
            style = str(tok.attrs.get("style", ""))
            if in_head:
                align.append(style.removeprefix("text-align:") or None)
            row.append(_inline(tokens[i + 1]))
            i += 2
        i += 1
    return Table(tuple(header), tuple(rows), tuple(align)), i + 1


def _inline(tok: Token) -> Inline:
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for child in tok.children or ():
        kind = child.type
        if kind == "text" or kind == "code_inline":
            if child.content:
                spans.append(Span(child.content, bold > 0, italic > 0, href))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            target = str(child.attrs.get("href", ""))
            href = target if target.lower().startswith(_SAFE_SCHEMES) else None
        elif kind == "link_close":
            href = None
        elif kind == "softbreak":
            spans.append(Span(" ", bold > 0, italic > 0, href))
        elif kind == "hardbreak":
            spans.append(Span("\n", line_break=True))
        elif kind == "html_inline":  # pragma: no cover - html is off; kept as text if it appears
            spans.append(Span(child.content, bold > 0, italic > 0, href))
    return _merge(spans)


def _merge(spans: list[Span]) -> Inline:
    """Join neighbouring spans of equal formatting, so both renderers get the same runs."""
    out: list[Span] = []
    for s in spans:
        if (
            out
            and not s.line_break
            and not out[-1].line_break
            and ((out[-1].bold, out[-1].italic, out[-1].href) == (s.bold, s.italic, s.href))
        ):
            prev = out[-1]
            out[-1] = Span(prev.text + s.text, prev.bold, prev.italic, prev.href)
        else:
            out.append(s)
    return tuple(out)
