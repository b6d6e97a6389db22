"""Letter text: the one small language it is written in, and the profile values it names.

Every text a letter gives follows one rule: the subject, the addressee, salutation and
closing, the kenmerken, section headings and bodies (passages too), attachment titles, the
contact and the signatories, in ``per_gemeente`` as well. Only file paths (``bestand``) and
the fixed values (``status``, slugs, dates) are not text.

* ``{{ gemeente.naam }}`` names a profile value (the spaces inside the braces are optional);
  the names are those of :data:`VALUES`. It is replaced by that value of the municipality the
  copy is for.
* ``\\{{``, ``\\{%`` and ``\\{#`` print ``{{``, ``{%`` and ``{#``: a backslash in front makes
  them text. (Two backslashes print one and leave the braces a value reference.) This is
  Markdown's rule for backslashes, which every text field follows (see
  :func:`.markdown.unescape`): the scanner only leaves escaped openers alone, and the
  backslashes are resolved once, by that rule.
* Anything else that starts with ``{{``, ``{%`` or ``{#`` (an expression, a filter, a call, a
  loop, a condition, a macro, a comment, an unclosed ``{{``) is an error at its line and column
  that says what is allowed. Every other character is text: single braces and ``}}`` too.

This is a scanner, not a template engine. It reads each text once, left to right, and its
output is the text with the named values put in: no letter can make it compute or allocate
more than that. A value put in goes through the same control-character rule as loaded text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .._input.safe_yaml import Loc, clean_controls, format_loc, is_markdown_field
from ..errors import LetterError, Problem
from .budgets import OverBudget, Tally, check_letter_size, check_signatories
from .document import Block, Heading, Outline, Span
from .markdown import MarkdownError, parse_markdown

if TYPE_CHECKING:
    from .._input.load import LetterFile, ProfileFile
    from .._input.models import Letter

#: The profile values letter text may name, as they are written between the braces.
VALUES = (
    "gemeente.naam",
    "gemeente.officiele_naam",
    "gemeente.provincie",
    "gemeente.website",
    "gemeente.telefoon",
    "gemeente.tooi",
    "gemeente.slug",
)

#: The keys of a letter whose values are not text: paths, fixed words, municipality slugs,
#: and the reasons a fact is unknown (notes for the writer, shown by check, not in the letter).
NOT_TEXT = frozenset({"bestand", "status", "gemeenten", "alleen", "behalve", "onbekend", "archief"})

#: Past this many problems in one text, the rest are summed up in one line: a text of
#: half a million "{{" is one mistake, not half a million lines of output.
MAX_PROBLEMS_PER_TEXT = 10

_OPENER = re.compile(r"\{[{%#]")
#: A YAML escape by number ("\x7b", "\u007B"): it can make a brace the file does not hold.
_HEX_ESCAPE = re.compile(r"\\[xuU]")
_REFERENCE = re.compile(r"\{\{ *([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*) *\}\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_WHAT = {
    "{{": "only a profile value may stand between {{ and }}, as {{ gemeente.naam }}",
    "{%": "statements ({% %}) are not part of letter text, only profile values as "
    "{{ gemeente.naam }}",
    "{#": "comments ({# #}) are not part of letter text, only profile values as "
    "{{ gemeente.naam }}",
}
_SHOWN = 40  # characters of an offending construct quoted in its message
_NAMES = ", ".join(VALUES)


@dataclass(frozen=True)
class Ref:
    """A value reference in scanned text: ``{{ gemeente.naam }}``."""

    name: str


@dataclass(frozen=True)
class TextProblem:
    offset: int  # where in the text the construct starts
    message: str


@dataclass
class Scanned:
    """A text split into literal pieces and value references, and what is wrong with it: the
    first problems in words, and how many there are in all."""

    parts: list[str | Ref]
    problems: list[TextProblem]
    count: int = 0

    @property
    def full(self) -> bool:
        """Whether enough problems are in words; the others are only counted."""
        return len(self.problems) >= MAX_PROBLEMS_PER_TEXT

    def add(self, offset: int, message: str | None) -> None:
        self.count += 1
        if message is not None and not self.full:
            self.problems.append(TextProblem(offset, message))


def scan(text: str) -> Scanned:
    """Split ``text`` into literal pieces and value references, with every problem found.

    Linear in the length of the text: each opener is looked at once, and the search for a
    closer never goes back over text it has searched.
    """
    if "{" not in text:
        return Scanned([text], [])
    parts: list[str | Ref] = []
    found = Scanned(parts, [])
    pos = 0  # everything before pos is in parts
    closers: dict[str, tuple[int, int]] = {}  # kind -> (searched from, found at or -1)

    def closer(opener: str, start: int) -> int:
        since, at = closers.get(opener, (-1, -1))
        if since < 0 or (at >= 0 and at < start) or (at < 0 and since > start):
            at = text.find(_CLOSER[opener], start)
            closers[opener] = (start, at)
        return at

    while True:
        match = _OPENER.search(text, pos)
        if match is None:
            break
        start, opener = match.start(), match.group()
        back = start
        while back > pos and text[back - 1] == "\\":
            back -= 1
        slashes = start - back
        # The backslashes stay: Markdown's character rule, which every field follows after
        # this, prints one for two, and the brace for a backslash and a brace.
        parts.append(text[pos:start])
        if slashes % 2:  # escaped: the opener is text
            parts.append(opener)
            pos = match.end()
            continue
        ref = _REFERENCE.match(text, start) if opener == "{{" else None
        if ref is not None:
            if ref.group(1) in VALUES:
                parts.append(Ref(ref.group(1)))
            else:
                found.add(start, None if found.full else _not_a_value(ref.group()))
            pos = ref.end()
            continue
        end = closer(opener, match.end())
        pos = match.end() if end < 0 else end + 2
        found.add(start, None if found.full else _not_allowed(text, start, pos, opener, end < 0))
    parts.append(text[pos:])
    found.parts = [p for p in parts if p != ""]
    return found


def _not_a_value(reference: str) -> str:
    return f"{_quote(reference)} is not a profile value; the values are {_NAMES}"


def _not_allowed(text: str, start: int, end: int, opener: str, unclosed: bool) -> str:
    """The message for template code from ``start`` to ``end`` that is no value reference."""
    if unclosed:
        shown = _quote(text[start : start + _SHOWN + 1].split("\n", 1)[0])
        missing = f"{opener} without {_CLOSER[opener]}; "
    else:
        shown, missing = _quote(text[start : min(end, start + _SHOWN + 1)]), ""
    return f"{shown}: {missing}{_WHAT[opener]}; to print {opener} itself, write \\{opener}"


def _quote(construct: str) -> str:
    if len(construct) > _SHOWN:
        construct = construct[:_SHOWN] + "..."
    return f'"{construct}"'


# --------------------------------------------------------------------------- the letter


def text_fields(letter: Letter) -> Iterator[tuple[Loc, str]]:
    """Every text of the letter with its location, in the order of the model's fields."""
    yield from _walk(letter, ())


def _walk(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in NOT_TEXT:
                yield from _walk(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*loc, key))


def _replace(value: Any, loc: Loc, fill: Callable[[str, Loc], str]) -> Any:
    """``value`` with every text in it passed through ``fill``; unchanged parts are kept."""
    if isinstance(value, str):
        return fill(value, loc)
    if isinstance(value, BaseModel):
        updates = {}
        for name in type(value).model_fields:
            if name in NOT_TEXT:
                continue
            old = getattr(value, name)
            new = _replace(old, (*loc, name), fill)
            if new is not old:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, list):
        items = [_replace(item, (*loc, i), fill) for i, item in enumerate(value)]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        entries = {key: _replace(item, (*loc, key), fill) for key, item in value.items()}
        return entries if any(entries[k] is not value[k] for k in value) else value
    return value


def text_problems(letter: LetterFile) -> list[Problem]:
    """Every place where the letter's text breaks the rule, located in its file."""
    problems: list[Problem] = []
    locator = _Locator(letter)
    for loc, text in text_fields(letter.letter):
        problems += locator.problems(loc, text, scan(text))
    return problems


def expand_letter(letter: LetterFile, profile: ProfileFile) -> Letter:
    """The letter with the profile values of ``profile`` put into its text, within the
    size budget; raises :class:`LetterError` with every problem."""
    values = profile_values(profile)
    problems: list[Problem] = []
    locator = _Locator(letter)

    def fill(text: str, loc: Loc) -> str:
        found = scan(text)
        if found.count:
            problems.extend(locator.problems(loc, text, found))
            return text
        parts = found.parts
        if len(parts) == 1 and isinstance(parts[0], str):
            return text if parts[0] == text else parts[0]
        markdown = is_markdown_field(loc)
        return "".join(
            p if isinstance(p, str) else clean_controls(values[p.name], markdown=markdown)
            for p in parts
        )

    expanded: Letter = _replace(letter.letter, (), fill)
    if problems:
        raise LetterError(problems)
    check_letter_size(letter, text_fields(expanded))
    signers = [(("ondertekenaars",), expanded.ondertekenaars)] + [
        (("per_gemeente", slug, "ondertekenaars"), variant.ondertekenaars)
        for slug, variant in expanded.per_gemeente.items()
    ]
    check_signatories(letter, ((loc, len(s)) for loc, s in signers if s is not None))
    return expanded


def profile_values(profile: ProfileFile) -> dict[str, str]:
    """The values of :data:`VALUES` for one municipality."""
    p = profile.profile
    return {
        "gemeente.naam": p.naam,
        "gemeente.officiele_naam": p.officiele_naam,
        "gemeente.provincie": p.provincie,
        "gemeente.website": p.website,
        "gemeente.telefoon": p.telefoon,
        "gemeente.tooi": p.tooi,
        "gemeente.slug": profile.slug,
    }


class Body:
    """Parses the body texts of one copy, keeping the copy's totals within their budgets,
    and collecting the constructs Markdown refuses (``refused``)."""

    def __init__(self, letter: LetterFile) -> None:
        self.letter = letter
        self.tally = Tally()
        self.refused: list[Problem] = []

    def __call__(self, text: str, loc: Loc, outline: Outline) -> tuple[Block, ...]:
        """``text`` (the Markdown at ``loc``) parsed into blocks, its headings placed in the
        section's ``outline``; a budget it takes the copy over is a located
        :class:`LetterError`; a refused construct is added to ``refused``, located."""
        locator = _Locator(self.letter)
        try:
            blocks = parse_markdown(text, outline=outline)
        except OverBudget as exc:
            raise LetterError(locator.at_line(loc, exc.line, exc.column, exc.message)) from None
        except MarkdownError as exc:
            self.refused += [locator.at_line(loc, r.line, 1, r.message) for r in exc.refusals]
            return ()
        self._count(blocks, loc)
        return blocks

    def heading(self, text: str, loc: Loc) -> Heading:
        """A section's heading (``kop``), counted like the blocks of its body."""
        heading = Heading(2, (Span(text),))
        self._count((heading,), loc)
        return heading

    def items(self, count: int, loc: Loc) -> None:
        """Count the ``count`` items of a list the letter makes outside its body (bijlagen)."""
        self._count((), loc, count)

    def _count(self, blocks: tuple[Block, ...], loc: Loc, items: int = 0) -> None:
        over = self.tally.add(blocks, items)
        if over:
            raise LetterError(self.letter.source.problem(loc, over))


class _Locator:
    """Positions in the letter's file of places inside its texts.

    The source map knows where each value starts; a place inside a value is found by
    reading the file from there: the n-th ``{{``, ``{%`` or ``{#`` of a text is the n-th in its
    YAML (no YAML escape makes or hides one), and the lines of a block scalar are lines of the
    file. The file is read only when there is a problem to locate.
    """

    def __init__(self, letter: LetterFile) -> None:
        self.letter = letter
        self._source: tuple[str, list[int]] | None = None

    def problems(self, loc: Loc, text: str, found: Scanned) -> list[Problem]:
        out = []
        for problem in found.problems:
            nth = len(_OPENER.findall(text, 0, problem.offset))
            line, col = self._opener(loc, nth)
            where = (self.letter.source.file, line, col, format_loc(loc))
            out.append(Problem(*where, problem.message))
        if found.count > len(found.problems):
            more = found.count - len(found.problems)
            line, col = self.letter.source.position(loc)
            out.append(
                Problem(
                    self.letter.source.file,
                    line,
                    col,
                    format_loc(loc),
                    f"{more:,} more like these in this text",
                )
            )
        return out

    def at_line(self, loc: Loc, line: int, column: int, message: str) -> Problem:
        """A problem at ``line`` and ``column`` (from 1) of the text at ``loc``: exact in a
        literal block scalar (``|``), whose lines are the file's; at the text's start in
        any other."""
        smap = self.letter.source
        if smap.styles.get(loc) == "|":
            first = smap.text_line(loc)
            indent = self._indent(first)
            if indent is not None:
                return Problem(
                    smap.file, first + line - 1, indent + column, format_loc(loc), message
                )
        at_line, at_col = smap.position(loc)
        if smap.styles.get(loc) in ("|", ">"):
            at_line, at_col = smap.text_line(loc), 1
        return Problem(smap.file, at_line, at_col, format_loc(loc), message)

    def _read(self) -> tuple[str, list[int]] | None:
        if self._source is None:
            try:
                raw = self.letter.path.read_bytes()
                text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
            except (OSError, UnicodeDecodeError):
                return None
            # The line breaks PyYAML counts.
            starts = [0] + [m.end() for m in re.finditer("\r\n|[\r\n\x85\u2028\u2029]", text)]
            self._source = (text, starts)
        return self._source

    def _opener(self, loc: Loc, nth: int) -> tuple[int, int]:
        smap = self.letter.source
        line, col = smap.position(loc)
        source = self._read()
        if source is None or line > len(source[1]):
            return line, col
        text, starts = source
        offset = starts[line - 1] + col - 1
        escapes = smap.styles.get(loc) == '"'  # "\x7b{" makes a "{{" the file does not hold
        for n, match in enumerate(_OPENER.finditer(text, offset)):
            if n == nth:
                if escapes and _HEX_ESCAPE.search(text, offset, match.start()):
                    return line, col  # the file's openers and the text's may differ: the value
                row = bisect.bisect_right(starts, match.start())
                return row, match.start() - starts[row - 1] + 1
        return line, col

    def _indent(self, first: int) -> int | None:
        """The indentation of a block scalar whose text begins on line ``first``: that of
        its first line that is not blank."""
        source = self._read()
        if source is None:
            return None
        text, starts = source
        for line in range(first, len(starts) + 1):
            end = starts[line] if line < len(starts) else len(text)
            row = text[starts[line - 1] : end].rstrip("\r\n\x85\u2028\u2029")
            if row.strip(" "):
                return len(row) - len(row.lstrip(" "))
        return None
