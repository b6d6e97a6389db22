"""The Markdown of letter text, parsed into the document model.

Body text is Markdown parsed by markdown-it-py: CommonMark with tables, bare web and mail
addresses as links (linkify-it-py), and footnotes (mdit-py-plugins). Raw HTML is off: HTML in
a letter is text, never markup. Every construct the parser knows becomes a block or span of
:mod:`.document` that both renderers draw, or is refused with the line it stands on
(:class:`MarkdownError`): nothing is dropped silently.

What each construct does (the README's "Markdown in a letter" says the same to the clerk):

- paragraphs, ``**bold**``, ``*italic*``, hard line breaks, bullet and numbered lists (nested),
  tables, block quotes and ``---`` rules are drawn as such in both outputs;
- headings get their level from the outline of their section (:class:`.document.Outline`);
  a heading inside a list, a quote or a footnote is refused, and so is one nested so deep that
  it would pass level 6;
- links go to ``http``, ``https``, ``mailto`` and ``tel`` addresses; a bare ``https://...``,
  ``www....`` or mail address is a link too; any other target (a file, a relative path,
  ``javascript:``) is not a link and prints as written;
- ``[^1]`` with its ``[^1]: ...`` definition, and ``^[...]``, are footnotes; a call without
  its text, a text without its call, a footnote called twice, and blocks other than paragraphs
  in a footnote are refused;
- inline code prints as text and a code block as its lines (the house style has no monospace
  font); images are refused (a letter cannot make the renderer fetch a file, and a picture
  belongs in an attachment); link reference definitions that no link uses are refused;
- HTML, and anything else Markdown does not know, prints as written.

Character references (``&amp;``, ``&nbsp;``, ``&#8364;``) and backslash escapes (``\\*``) follow
Markdown's rules in every text field of a letter, not only in the body: :func:`unescape` is
that rule for the plain fields. A reference to a control character prints as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .budgets import check_tokens, token_line
from .document import (
    Block,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Note,
    Outline,
    Paragraph,
    Quote,
    Rule,
    Span,
    Table,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

#: Link targets a letter may have; markdown-it shows any other link as the text written.
_SAFE_LINK = re.compile(r"^(https?:|mailto:|tel:)", re.IGNORECASE)
#: The deepest heading level: HTML and PDF tags stop at H6.
MAX_HEADING_LEVEL = 6


@dataclass(frozen=True)
class Refusal:
    """A construct the letter's Markdown cannot have, at ``line`` (1-based) of the text."""

    line: int
    message: str


class MarkdownError(Exception):
    """The Markdown of one text holds constructs that are refused; the caller locates them."""

    def __init__(self, refusals: list[Refusal]) -> None:
        self.refusals = tuple(refusals)
        super().__init__("; ".join(f"line {r.line}: {r.message}" for r in refusals))


# --------------------------------------------------------------------------- parsers


def _validate_link(url: str) -> bool:
    return bool(_SAFE_LINK.match(url.strip()))


def _keep_control_references(state: StateCore) -> None:
    """A character reference to a control character (``&#12;``) stays as written: decoded, it
    would be a character XML cannot hold, or a line break in one output and not the other."""
    stack = [t for t in state.tokens if t.children]
    while stack:
        token = stack.pop()
        for child in token.children or ():
            if (
                child.type == "text_special"
                and child.info == "entity"
                and any(unicodedata.category(c) == "Cc" for c in child.content)
            ):
                child.content = child.markup
            if child.children:
                stack.append(child)


@cache
def _linkify() -> Any:
    """linkify-it with "fuzzy" links limited to ``www.`` addresses.

    Dutch text is full of dotted abbreviations that linkify-it's fuzzy rule takes for domain
    names ("t.a.v.de raad" would link to t.a.v.de): only addresses with a scheme, mail
    addresses and ``www.`` addresses become links; the latter go to ``https://``.
    """
    from linkify_it import LinkifyIt

    class Linkify(LinkifyIt):  # type: ignore[misc]
        def match(self, text: str) -> list[Any] | None:
            found = []
            for m in super().match(text) or ():
                if m.schema == "":  # fuzzy: no scheme written
                    if not m.raw.lower().startswith("www."):
                        continue
                    m.url = "https://" + m.raw
                found.append(m)
            return found or None

    return Linkify()


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.linkify = _linkify()
    md.enable(["table", "linkify"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    # Definitions stay where they stand (their lines locate problems); every [^x] is a call,
    # so a call without a definition is found rather than printed as "[^x]".
    footnote_plugin(md, inline=True, move_to_end=False, always_match_refs=True)
    md.core.ruler.before("text_join", "keep_control_references", _keep_control_references)
    return md


@cache
def _plain_parser() -> MarkdownIt:
    """Markdown's character rules alone: escapes and character references, nothing else."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("zero")
    md.enable(["escape", "entity"])
    md.core.ruler.before("text_join", "keep_control_references", _keep_control_references)
    return md


def unescape(text: str) -> str:
    """A plain text field (subject, heading, attachment, contact...) under Markdown's character
    rules: ``&amp;`` is ``&``, ``\\*`` is ``*``; nothing else in it is markup."""
    if "&" not in text and "\\" not in text:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        tokens = _plain_parser().parseInline(line)
        out.append("".join(c.content for t in tokens for c in t.children or ()))
    return "\n".join(out)


# --------------------------------------------------------------------------- blocks


def parse_markdown(source: str, *, outline: Outline) -> tuple[Block, ...]:
    """Parse a body text into blocks; raise :class:`MarkdownError` for refused constructs.

    Heading levels come from ``outline``, which a section shares between its passages (see
    :class:`.document.Outline`).
    """
    # The copies of a letter share most of their texts: each text is parsed once per
    # process (for each place in an outline it can start from), its blocks reused.
    key = (source, outline.state)
    known = _parsed.get(key)
    if known is not None:
        _parsed.move_to_end(key)
        blocks, after = known
        outline.restore(after)
        return blocks
    env: dict[str, Any] = {}
    tokens = check_tokens(_parser().parse(source, env))  # budgets.py: refused before layout
    converter = _Converter(tokens, env, outline)
    blocks = converter.convert()
    if converter.refusals:
        raise MarkdownError(sorted(converter.refusals, key=lambda r: r.line))
    _parsed[key] = (blocks, outline.state)
    if len(_parsed) > _PARSED_KEPT:
        _parsed.popitem(last=False)
    return blocks


#: Texts parsed in this process, with where they left the outline (the most recent last).
_parsed: OrderedDict[tuple[str, tuple[int, ...]], tuple[tuple[Block, ...], tuple[int, ...]]] = (
    OrderedDict()
)
_PARSED_KEPT = 256


class _Converter:
    """One text's tokens to blocks, collecting what is refused."""

    def __init__(self, tokens: list[Token], env: dict[str, Any], outline: Outline) -> None:
        self.env = env
        self.outline = outline
        self.refusals: list[Refusal] = []
        self.definitions: dict[str, tuple[list[Token], int]] = {}
        self.called: dict[str, int] = {}  # footnote label -> line of its call
        self.hrefs: set[str] = set()
        self.tokens = self._take_definitions(tokens)

    def refuse(self, line: int, message: str) -> None:
        self.refusals.append(Refusal(line, message))

    def convert(self) -> tuple[Block, ...]:
        blocks, _ = self.blocks(0, stop=None, inside=None)
        for label, (_, line) in self.definitions.items():
            if label not in self.called:
                self.refuse(
                    line,
                    f"the footnote [^{label}] is called nowhere: put [^{label}] where it "
                    "belongs in the text of this passage, or remove the footnote",
                )
        self._check_references()
        return tuple(blocks)

    # ---------------------------------------------------------------- footnote definitions

    def _take_definitions(self, tokens: list[Token]) -> list[Token]:
        """The tokens without footnote definitions, which are kept by label."""
        out: list[Token] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type != "footnote_reference_open":
                out.append(tok)
                i += 1
                continue
            label = str(tok.meta["label"])
            depth, j = 1, i + 1
            while depth:
                kind = tokens[j].type
                depth += (kind == "footnote_reference_open") - (kind == "footnote_reference_close")
                j += 1
            line = token_line(tok)
            if label in self.definitions:
                self.refuse(line, f"the footnote [^{label}] is defined twice; keep one")
            else:
                self.definitions[label] = (tokens[i + 1 : j - 1], line)
            i = j
        return out

    def _note(self, child: Token, line: int, in_note: bool) -> Note | None:
        if in_note:
            self.refuse(line, "a footnote cannot call another footnote; merge their texts")
            return None
        label = child.meta.get("label")
        if label is None:  # an inline footnote, ^[text]
            data = self.env["footnotes"]["list"][child.meta["id"]]
            return Note((self.inline_children(data["tokens"], line, in_note=True),))
        if label in self.called:
            self.refuse(
                line,
                f"the footnote [^{label}] is called twice (also on line "
                f"{self.called[label]}); a footnote stands at one place: give the second "
                "its own footnote",
            )
            return None
        self.called[label] = line
        if label not in self.definitions:
            self.refuse(
                line,
                f'the footnote [^{label}] has no text: add a line "[^{label}]: ..." to this '
                f"passage, or write \\[^{label}] to print the brackets",
            )
            return None
        tokens, def_line = self.definitions[label]
        paragraphs: list[Inline] = []
        for tok in tokens:
            if tok.type == "inline":
                paragraphs.append(self.inline(tok, in_note=True))
            elif tok.type not in ("paragraph_open", "paragraph_close"):
                self.refuse(
                    token_line(tok) if tok.map else def_line,
                    f"the footnote [^{label}] holds more than paragraphs of text "
                    f"({_construct(tok)}); a footnote holds only text",
                )
                break
        return Note(tuple(p for p in paragraphs if p))

    # ---------------------------------------------------------------- blocks

    def blocks(self, i: int, stop: str | None, inside: str | None) -> tuple[list[Block], int]:
        tokens = self.tokens
        out: list[Block] = []
        while i < len(tokens):
            tok = tokens[i]
            if stop is not None and tok.type == stop:
                return out, i + 1
            kind = tok.type
            if kind == "heading_open":
                out.extend(self.heading(tok, tokens[i + 1], inside))
                i += 3
            elif kind == "paragraph_open":
                spans = self.inline(tokens[i + 1])
                if spans:
                    out.append(Paragraph(spans))
                i += 3
            elif kind in ("bullet_list_open", "ordered_list_open"):
                block, i = self.list_block(i)
                out.append(block)
            elif kind == "table_open":
                table, i = self.table(i + 1)
                out.append(table)
            elif kind == "blockquote_open":
                inner, i = self.blocks(i + 1, "blockquote_close", "a block quote")
                out.append(Quote(tuple(inner)))
            elif kind == "hr":
                out.append(Rule())
                i += 1
            elif kind in ("fence", "code_block"):
                text = tok.content.rstrip("\n")
                if text:
                    out.append(Paragraph(_code_lines(text)))
                i += 1
            else:  # a construct this model does not know: refused, never dropped
                self.refuse(token_line(tok), f"{_construct(tok)} cannot be drawn in a letter")
                i += 1
        return out, i

    def heading(self, tok: Token, content: Token, inside: str | None) -> list[Block]:
        line = token_line(tok)
        if inside is not None:
            self.refuse(
                line,
                f"a heading cannot stand inside {inside}; put it before the {inside[2:]}",
            )
            return []
        level = self.outline.level(int(tok.tag[1]))
        if level > MAX_HEADING_LEVEL:
            under = "the section heading" if self.outline.above > 1 else "the subject"
            self.refuse(
                line,
                f"the heading is nested {level - self.outline.above} levels below {under}, "
                f"and a letter's headings stop at level {MAX_HEADING_LEVEL} "
                f"({MAX_HEADING_LEVEL - self.outline.above} levels): give it the level of a "
                "heading above it",
            )
            return []
        return [Heading(level, self.inline(content))]

    def list_block(self, i: int) -> tuple[ListBlock, int]:
        tok = self.tokens[i]
        close = tok.type.replace("_open", "_close")
        ordered = tok.type == "ordered_list_open"
        start = int(tok.attrs.get("start", 1)) if ordered else 1
        items: list[ListItem] = []
        i += 1
        while self.tokens[i].type != close:
            assert self.tokens[i].type == "list_item_open"
            inner, i = self.blocks(i + 1, "list_item_close", "a list")
            items.append(ListItem(tuple(inner)))
        return ListBlock(ordered, start, tuple(items)), i + 1

    def table(self, i: int) -> tuple[Table, int]:
        tokens = self.tokens
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
                row.append(self.inline(tokens[i + 1]))
                i += 2
            i += 1
        return Table(tuple(header), tuple(rows), tuple(align)), i + 1

    # ---------------------------------------------------------------- inline

    def inline(self, tok: Token, in_note: bool = False) -> Inline:
        return self.inline_children(tok.children or [], token_line(tok), in_note)

    def inline_children(self, children: list[Token], line: int, in_note: bool) -> Inline:
        spans: list[Span] = []
        bold = italic = 0
        href: str | None = None
        for child in children:
            kind = child.type
            if kind in ("text", "code_inline", "text_special", "html_inline"):
                # html_inline cannot occur (HTML is off); were it to, it is text like the rest
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
                href = str(child.attrs.get("href", ""))
                self.hrefs.add(href)
            elif kind == "link_close":
                href = None
            elif kind == "softbreak":
                spans.append(Span(" ", bold > 0, italic > 0, href))
                line += 1
            elif kind == "hardbreak":
                spans.append(Span("\n", line_break=True))
                line += 1
            elif kind == "footnote_ref":
                note = self._note(child, line, in_note)
                if note is not None:
                    spans.append(Span("", note=note))
            elif kind == "image":
                self.refuse(
                    line,
                    f"an image ({child.attrs.get('src', '')}) cannot be placed in a letter: "
                    "add the picture as a bijlage, or describe it in words",
                )
            else:
                self.refuse(line, f"{_construct(child)} cannot be drawn in a letter")
        return _merge(spans)

    # ---------------------------------------------------------------- link definitions

    def _check_references(self) -> None:
        """A link reference definition (``[x]: https://...``) that no link uses would vanish."""
        found = [(label, data) for label, data in self.env.get("references", {}).items()] + [
            (d["label"], d) for d in self.env.get("duplicate_refs", [])
        ]
        duplicates = {id(d) for d in self.env.get("duplicate_refs", [])}
        for label, data in found:
            line = int(data["map"][0]) + 1 if data.get("map") else 1
            shown = label.lower()
            if id(data) in duplicates:
                self.refuse(line, f"the link definition [{shown}] is defined twice; keep one")
            elif data["href"] not in self.hrefs:
                self.refuse(
                    line,
                    f"the link definition [{shown}] is used by no link: write "
                    f"[text][{shown}] where it belongs, or remove the line",
                )


def _construct(tok: Token) -> str:
    """What the clerk wrote, in words, for a message."""
    names = {
        "heading_open": "a heading",
        "table_open": "a table",
        "bullet_list_open": "a list",
        "ordered_list_open": "a list",
        "blockquote_open": "a block quote",
        "fence": "a code block",
        "code_block": "a code block",
        "hr": "a rule",
        "html_block": "HTML",
    }
    return names.get(tok.type, f"Markdown {tok.type.removesuffix('_open')!r}")


def _code_lines(text: str) -> Inline:
    """A code block's lines as breaks; indentation kept as no-break spaces (HTML would fold
    ordinary spaces at the start of a line, Word would not)."""
    spans: list[Span] = []
    for n, line in enumerate(text.split("\n")):
        if n:
            spans.append(Span("\n", line_break=True))
        stripped = line.lstrip(" ")
        line = "\u00a0" * (len(line) - len(stripped)) + stripped
        if line:
            spans.append(Span(line))
    return tuple(spans)


def _merge(spans: list[Span]) -> Inline:
    """Join neighbouring spans of equal formatting, so both renderers get the same runs."""
    out: list[Span] = []
    for s in spans:
        if (
            out
            and not s.line_break
            and not out[-1].line_break
            and s.note is None
            and out[-1].note is None
            and ((out[-1].bold, out[-1].italic, out[-1].href) == (s.bold, s.italic, s.href))
        ):
            prev = out[-1]
            out[-1] = Span(prev.text + s.text, prev.bold, prev.italic, prev.href)
        else:
            out.append(s)
    return tuple(out)
