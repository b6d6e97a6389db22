"""Budgets: how much one letter may ask of the machine, checked before layout.

The file-size limit (1 MiB) does not bound the work: WeasyPrint lays out a word without a
break opportunity, and a word made of many formatting runs, in time quadratic in its length;
every paragraph, list item and table cell costs a millisecond or two of layout and tagging. So
each copy of a letter is measured against the budgets below, and a letter over one is refused
with a located message before anything is laid out. Each is far above what a
raadsinformatiebrief needs (the example letter has 4,590 characters, 17 blocks, 17 runs, and no
word longer than 26 characters) and low enough that the worst letter within all of them checks
in under a second and renders in a few seconds (``scripts/hostile_bench.py`` measures it).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._input.safe_yaml import Loc, format_loc, is_markdown_field
from ..errors import LetterError
from .document import Block, Span

if TYPE_CHECKING:
    from markdown_it.token import Token

    from .._input.load import LetterFile

#: Characters of text in the letter, all its fields, passages and per_gemeente values
#: together (counted with the values filled in, before passages are chosen): some 30 pages.
#: Layout costs about 10 ms per 1,000 characters; the budget keeps plain text to a second or
#: two, and bounds the Markdown parser (linear, about 5 µs a character at worst) before it runs.
MAX_TEXT_CHARS = 100_000
#: Characters in a text that is one line of the letter (subject, heading, addressee, kenmerk,
#: contact, signatory, attachment title): the subject is repeated in the header of every page.
MAX_LINE_CHARS = 1_000
#: Characters in one word (no space): a long web address is 200. WeasyPrint breaks a word that
#: does not fit by laying out the rest of it again for every line: 20,000 characters took 8 s.
MAX_WORD_CHARS = 500
#: Formatting changes (bold, italic, link, code) inside one word, as in ``*a*a*a``: laid out
#: in time quadratic in their number (5,000 in one word took 17 s).
MAX_WORD_RUNS = 20
#: Lists and quotes inside each other. markdown-it stops nesting at 20 levels and drops what
#: lies deeper without a word; a letter needs two or three.
MAX_NESTING = 6
#: Columns of a table: ten columns of figures such as 14.272 fit the text width of A4 (at
#: twelve they break inside the figures); more do not fit the page at all (a table of 50,000
#: columns showed 31 cells).
MAX_TABLE_COLUMNS = 10
#: Blocks of one copy: paragraphs, headings, lists and their items, tables and their cells
#: (some 15 pages of short paragraphs, or a table of 100 rows of 5 columns). Each costs 1-4 ms
#: of PDF and DOCX: 10,000 short paragraphs took 25 s, 30,000 empty list items 96 s.
MAX_BLOCKS = 500
#: Runs of one formatting (a bold word, a link, and each plain stretch between them) in one
#: copy: each is an element of the HTML and a run of the DOCX, about 0.5 ms.
MAX_RUNS = 1_500

#: Signatories of one letter: a college signs with its secretaris and burgemeester, at most
#: with the whole college. Each is laid out in the signature grid (2,000 took 8 s).
MAX_SIGNATORIES = 10

#: A word: what lies between places where a line may break. Python's whitespace includes the
#: no-break spaces, which join words for the layout.
_WORD = re.compile("(?:[^\\s]|[\u00a0\u2007\u202f])+")
_FORMATTING = re.compile(r"_(open|close)$")


class OverBudget(Exception):
    """A text exceeds a budget; ``line`` and ``column`` count from 1 within the text."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


# --------------------------------------------------------------------------- before parsing


def check_letter_size(letter: LetterFile, fields: Iterable[tuple[Loc, str]]) -> None:
    """Raise :class:`LetterError` at the first text that takes the copy over a budget on
    characters, or that is one line of the letter and too long or holds too long a word."""
    total = 0
    for loc, text in fields:
        total += len(text)
        if total > MAX_TEXT_CHARS:
            raise LetterError(
                letter.source.problem(
                    loc,
                    f"the letter's text passes {MAX_TEXT_CHARS:,} characters here (about 30 "
                    "pages); that is the limit",
                )
            )
        if is_markdown_field(loc):
            continue  # measured by check_tokens, once parsed
        if len(text) > MAX_LINE_CHARS:
            raise LetterError(
                letter.source.problem(
                    loc,
                    f"{len(text):,} characters; the limit for {format_loc(loc)} is "
                    f"{MAX_LINE_CHARS:,}",
                )
            )
        for word in _WORD.finditer(text):
            if len(word.group()) > MAX_WORD_CHARS:
                raise LetterError(letter.source.problem(loc, _long_word(len(word.group()))))


def check_signatories(letter: LetterFile, lists: Iterable[tuple[Loc, int]]) -> None:
    """Raise :class:`LetterError` at the first list of signatories longer than the budget."""
    for loc, count in lists:
        if count > MAX_SIGNATORIES:
            raise LetterError(
                letter.source.problem(loc, f"{count:,} signatories; the limit is {MAX_SIGNATORIES}")
            )


def _long_word(length: int) -> str:
    return f"a word of {length:,} characters without a space; the limit is {MAX_WORD_CHARS:,}"


# --------------------------------------------------------------------------- parsed Markdown


def check_tokens(tokens: list[Token]) -> list[Token]:
    """``tokens`` (markdown-it's, of one text) if they are within the budgets on nesting,
    table columns, word length and runs in a word; else raise :class:`OverBudget`."""
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            depth += 1
            if depth > MAX_NESTING:
                raise OverBudget(
                    token_line(tok),
                    1,
                    f"lists and quotes nest more than {MAX_NESTING} levels deep here; "
                    "that is the limit",
                )
        elif tok.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            depth -= 1
        elif tok.type == "table_open":
            columns = _columns(tokens, i)
            if columns > MAX_TABLE_COLUMNS:
                raise OverBudget(
                    token_line(tok),
                    1,
                    f"a table of {columns:,} columns; the limit is {MAX_TABLE_COLUMNS} "
                    "(more do not fit the page)",
                )
        elif tok.type == "inline":
            _check_words(tok)
        elif tok.type in ("fence", "code_block"):
            # Shown as text with its line breaks: each line's words are laid out like any.
            first = token_line(tok) + (1 if tok.type == "fence" else 0)
            for n, line in enumerate(tok.content.split("\n")):
                longest = max((len(w) for w in _WORD.findall(line)), default=0)
                if longest > MAX_WORD_CHARS:
                    raise OverBudget(first + n, 1, _long_word(longest))
    return tokens


def token_line(tok: Token) -> int:
    """The line of ``tok`` in its text, from 1."""
    return tok.map[0] + 1 if tok.map else 1


def _columns(tokens: list[Token], i: int) -> int:
    """The cells of a table's first row (markdown-it makes every row as wide as the head)."""
    columns = 0
    for tok in tokens[i + 1 :]:
        if tok.type in ("th_open", "td_open"):
            columns += 1
        elif tok.type == "tr_close":
            break
    return columns


def _check_words(inline: Token) -> None:
    """Word length and formatting changes per word, across the runs of one inline text."""
    length = runs = breaks = 0
    for child in inline.children or ():
        if child.type in ("softbreak", "hardbreak"):
            length = runs = 0
            breaks += 1
            continue
        if _FORMATTING.search(child.type):
            runs += 1
            if runs > MAX_WORD_RUNS:
                raise OverBudget(
                    token_line(inline) + breaks,
                    1,
                    f"a word with more than {MAX_WORD_RUNS} changes of formatting (bold, "
                    "italic, link); that is the limit",
                )
            continue
        text = child.content
        if not text:
            continue
        words = [m.span() for m in _WORD.finditer(text)]
        if not words:
            length = runs = 0
            continue
        (start, end), (last_start, last_end) = words[0], words[-1]
        first = (length if start == 0 else 0) + end - start
        longest = max([first, *(b - a for a, b in words[1:])])
        if longest > MAX_WORD_CHARS:
            raise OverBudget(token_line(inline) + breaks, 1, _long_word(longest))
        if last_end < len(text):  # ends in a space: the next run starts a word
            length = runs = 0
        elif len(words) > 1 or start > 0:
            length, runs = last_end - last_start, 0
        else:
            length = first
        if child.type == "code_inline":
            runs += 2  # a code span is a run of its own


# --------------------------------------------------------------------------- a whole copy


@dataclasses.dataclass
class Tally:
    """Blocks and runs of one copy's body so far."""

    blocks: int = 0
    runs: int = 0

    def add(self, blocks: Iterable[Block], items: int = 0) -> str | None:
        """Count ``blocks`` (and ``items`` of a list made elsewhere, one run each); the budget
        they take the copy over, in words, or None."""
        for block in blocks:
            self._visit(block)
        self.blocks += items
        self.runs += items
        if self.blocks > MAX_BLOCKS:
            return (
                f"the letter passes {MAX_BLOCKS:,} blocks (paragraphs, headings, lists and their "
                "items, tables and their cells) here; that is the limit"
            )
        if self.runs > MAX_RUNS:
            return (
                f"the letter passes {MAX_RUNS:,} runs of formatting (bold, italic, links) "
                "here; that is the limit"
            )
        return None

    def _visit(self, value: Any) -> None:
        # Every block of the model is a block (a list and each of its items too: an empty
        # item costs as much layout as a paragraph), every table cell is one, every span a run.
        if isinstance(value, Span):
            self.runs += 1
            if value.note is not None:  # a footnote's paragraphs are laid out too
                self._visit(value.note)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            self.blocks += 1
            for f in dataclasses.fields(value):
                self._visit(getattr(value, f.name))
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, tuple) and all(isinstance(s, Span) for s in item):
                    self.blocks += 1  # a table cell, empty ones too
                self._visit(item)
