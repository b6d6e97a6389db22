"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader is used to compose the document into nodes; we build the Python data
ourselves so that we can refuse what a letter never needs (duplicate keys, which PyYAML accepts
silently, object tags, merge keys, alias bombs) and keep a line and column for every field.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem

#: A letter is a few pages of text; 1 MiB is some 250 pages. Anything larger is a mistake or
#: an attack, refused before parsing so that time and memory stay bounded.
MAX_FILE_BYTES = 1024 * 1024
#: A long letter has a few thousand values. More than this, written out or expanded through
#: aliases ("billion laughs"), is refused: PyYAML's pure-Python composer needs some 20 µs a
#: value, so this also bounds the time a 1 MiB file of tiny values takes (about a second).
MAX_NODES = 50_000
#: A letter nests four or five levels deep; PyYAML composes nested nodes recursively, so a
#: document of thousands of "[" would otherwise end in a RecursionError.
MAX_DEPTH = 50

Loc = tuple[str | int, ...]

#: Characters XML 1.0 forbids (and PyYAML refuses), plus C1 controls and non-characters that
#: PyYAML refuses too. Text pasted from Word carries them: a vertical tab is Word's manual line
#: break. They are replaced before parsing by stand-ins in a plane the file does not use (see
#: :data:`_SENTINEL_PLANES`), so the YAML still parses, and resolved after: a vertical tab
#: becomes a line break, the rest is removed.
_CONTROL_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x84), (0x86, 0x9F),
                   (0xFFFE, 0xFFFF))  # fmt: skip
_CONTROL = re.compile("[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _CONTROL_RANGES) + "]")
#: The planes whose code points may stand in for them (the same offset in the plane): the
#: private-use planes 15 and 16, then the planes Unicode leaves empty. A file uses the first
#: plane none of whose characters it holds, written or as an escape, so a character of the
#: letter is never taken for a stand-in.
_SENTINEL_PLANES: tuple[int, ...] = (15, 16, *range(4, 14))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})|\\u([Dd][89ABab][0-9A-Fa-f]{2})")
#: A pattern that matches nothing: the stand-ins of a file without control characters.
_NOTHING = re.compile("(?!)")
_VT = "\x0b"
#: UTF-16 halves, which only a double-quoted "\\ud83d" escape can put into a value.
_SURROGATE = re.compile("[\ud800-\udfff]")

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def format_loc(loc: Loc) -> str:
    """``("secties", 0, "kop")`` -> ``secties[1].kop`` (list positions count from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a YAML document starts."""

    file: str
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    #: Scalar style per value: "|" or ">" for block scalars, whose text starts a line later.
    styles: dict[Loc, str | None] = field(default_factory=dict)
    #: Things fixed on the way in (control characters), reported but not fatal.
    warnings: list[Problem] = field(default_factory=list)

    def text_line(self, loc: Loc) -> int:
        """The file line on which the text of the scalar at ``loc`` begins."""
        line, _ = self.position(loc)
        return line + 1 if self.styles.get(loc) in ("|", ">") else line

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The best known position for ``loc``: itself, else its nearest known parent."""
        if key and loc in self.keys:
            return self.keys[loc]
        probe = tuple(loc)
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, col = self.position(loc, key=key)
        return Problem(self.file, line, col, format_loc(loc), message)


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def load_yaml(path: Path, display: str) -> tuple[Any, SourceMap]:
    """Load ``path`` safely; raise ``YamlProblem`` (wrapped by callers) on any problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(
            Problem(display, 1, 1, "", f"cannot read the file: {exc.strerror}")
        ) from exc
    return parse_yaml(raw, display)


def parse_yaml(raw: bytes, display: str) -> tuple[Any, SourceMap]:
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(
            Problem(
                display,
                1,
                1,
                "",
                f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes",
            )
        )
    text = _decode(raw, display)
    smap = SourceMap(display)
    offsets = [m.start() for m in _CONTROL.finditer(text)]
    base = 0  # no stand-ins
    if offsets:
        base = _sentinel_base(text, display)
        text = _CONTROL.sub(lambda m: chr(base + ord(m.group())), text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, smap
        builder = _Builder(loader, smap, text, offsets, base)
        data = builder.build(node, ())
        builder.report_unclaimed()
    except _Refused as exc:
        line, col = exc.mark.line + 1, exc.mark.column + 1
        raise YamlProblem(Problem(display, line, col, "", exc.message)) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_marked_problem(exc, display)) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        raise YamlProblem(Problem(display, 1, 1, "", f"invalid YAML: {exc}")) from exc
    finally:
        loader.dispose()
    return data, smap


def _sentinel_base(text: str, display: str) -> int:
    """Where the stand-ins of control characters start for ``text`` (see
    :data:`_SENTINEL_PLANES`)."""
    taken = {ord(c) >> 16 for c in _ASTRAL.findall(text)}
    for m in _ASTRAL_ESCAPE.finditer(text):
        if m.group(1):
            taken.add(int(m.group(1), 16) >> 16)
        else:  # the high half of a UTF-16 pair says the plane
            taken.add(((int(m.group(2), 16) - 0xD800) >> 6) + 1)
    for plane in _SENTINEL_PLANES:
        if plane not in taken:
            return plane << 16
    raise YamlProblem(
        Problem(
            display,
            1,
            1,
            "",
            "the file holds characters of every private-use and unassigned plane of Unicode; "
            "a letter has no use for them",
        )
    )


@cache
def _sentinels(base: int) -> re.Pattern[str]:
    """The stand-ins of the control characters from ``base`` on."""
    return re.compile(
        "[" + "".join(f"\\U{base + lo:08x}-\\U{base + hi:08x}" for lo, hi in _CONTROL_RANGES) + "]"
    )


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            Problem(
                display,
                line,
                col,
                "",
                f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            )
        ) from exc


def _marked_problem(exc: yaml.MarkedYAMLError, display: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if "'\\t'" in problem or "\\t" in problem:
        message = "a tab character; YAML indentation must use spaces"
    else:
        message = f"invalid YAML: {problem}"
        if exc.context:
            message += f" ({exc.context})"
    return Problem(display, line, col, "", message)


class _Refused(Exception):
    """The document is too large to compose; raised before PyYAML gets into trouble."""

    def __init__(self, mark: yaml.Mark, message: str) -> None:
        self.mark = mark
        self.message = message


class _Loader(yaml.SafeLoader):
    """The safe loader, with bounds on how deeply nodes nest and how many there are."""

    depth = 0
    nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        self.nodes += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                    f"the document nests more than {MAX_DEPTH} levels deep; refused",
                )
            if self.nodes > MAX_NODES:
                raise _Refused(
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                    f"the document has more than {MAX_NODES:,} values; refused",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_message(node: ScalarNode, exc: Exception) -> str:
    """Why PyYAML could not turn a well-formed scalar into its value, in words."""
    if node.tag.endswith(":timestamp"):
        return f"{node.value} is not a valid date ({exc})"
    if node.tag.endswith((":int", ":float")):
        return f"the number has {len(node.value):,} characters; that is no value a letter needs"
    return f"the value cannot be read ({exc})"


def _join_surrogates(value: str) -> str | None:
    """Pairs of escaped UTF-16 halves ("\\ud83d\\ude00") joined into their character; None
    when a half stands alone."""
    try:
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return None


class _Builder:
    def __init__(
        self,
        loader: yaml.SafeLoader,
        smap: SourceMap,
        text: str = "",
        offsets: Sequence[int] = (),
        base: int = 0,
    ) -> None:
        self.loader = loader
        self.smap = smap
        self.count = 0
        self.text = text
        self.offsets = list(offsets)  # where raw control characters stood, in file order
        self.claimed: set[int] = set()
        self.base = base  # the stand-in of control character c is chr(base + ord(c)); 0: none
        self.sentinels = _sentinels(base) if base else _NOTHING

    def _position(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def _clean(self, value: str, node: ScalarNode, loc: Loc) -> str:
        """Resolve control characters in one string value, warning once per character."""
        start, end = node.start_mark.index, node.end_mark.index
        lo = bisect.bisect_left(self.offsets, start)
        hi = bisect.bisect_left(self.offsets, end)
        raw = [o for o in self.offsets[lo:hi] if o not in self.claimed]
        self.claimed.update(raw)
        markdown = is_markdown_field(loc)
        found = 0

        def resolve(match: re.Match[str]) -> str:
            nonlocal found
            char = match.group()
            code = ord(char) - self.base if ord(char) >= self.base else ord(char)
            where = self._position(raw[found]) if found < len(raw) else self.smap.position(loc)
            found += 1
            if chr(code) == _VT:
                action, out = "replaced by a line break", "\\\n" if markdown else "\n"
            else:
                action, out = "removed", ""
            self.smap.warnings.append(
                Problem(
                    self.smap.file,
                    where[0],
                    where[1],
                    format_loc(loc),
                    f"control character U+{code:04X} {action}",
                )
            )
            return out

        return self.sentinels.sub(resolve, _CONTROL.sub(resolve, value))

    def report_unclaimed(self) -> None:
        """Control characters outside any value (in comments) are dropped with a warning."""
        for offset in self.offsets:
            if offset not in self.claimed:
                line, col = self._position(offset)
                code = ord(self.text[offset]) - self.base
                self.smap.warnings.append(
                    Problem(
                        self.smap.file, line, col, "", f"control character U+{code:04X} removed"
                    )
                )

    def _fail(self, node: Node, message: str, loc: Loc = ()) -> NoReturn:
        m = node.start_mark
        raise YamlProblem(
            Problem(self.smap.file, m.line + 1, m.column + 1, format_loc(loc), message)
        )

    def build(self, node: Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self._fail(
                node,
                f"the document expands to more than {MAX_NODES:,} values "
                "(too many aliases); refused",
            )
        self.smap.values.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, MappingNode):
            if node.tag != _MAP_TAG:
                self._fail(node, f"the tag {node.tag!r} is not allowed", loc)
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                self._fail(node, f"the tag {node.tag!r} is not allowed", loc)
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            self._fail(node, f"the tag {node.tag!r} is not allowed", loc)
        self.smap.styles[loc] = node.style
        value = self._construct(node, loc)
        if isinstance(value, str) and _SURROGATE.search(value):
            joined = _join_surrogates(value)
            if joined is None:
                lone = _SURROGATE.search(value).group()  # type: ignore[union-attr]
                self._fail(
                    node,
                    f"the escape \\u{ord(lone):04x} is half of a UTF-16 pair, not a character; "
                    "write the character itself",
                    loc,
                )
            value = joined
        if isinstance(value, str) and (_CONTROL.search(value) or self.sentinels.search(value)):
            value = self._clean(value, node, loc)
        return value

    def _construct(self, node: ScalarNode, loc: Loc) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            self._fail(node, _construct_message(node, exc), loc)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(key_node, "merge keys (<<) are not supported; write the values out")
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self._fail(key_node, "a key must be a plain word")
            key = self._construct(key_node, loc)
            if isinstance(key, int) and not isinstance(key, bool):
                key = str(key)  # "1:" is a (wrong) key like any other, not a list position
            if not isinstance(key, str):
                self._fail(key_node, "a key must be a plain word")
            if key in out:
                self._fail(
                    key_node,
                    f"duplicate key {key!s} (first given on line {first_line[key]})",
                    (*loc, key),
                )
            first_line[key] = key_node.start_mark.line + 1
            sub = (*loc, key)
            self.smap.keys[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, sub)
        return out


def is_markdown_field(loc: Loc) -> bool:
    """Whether the text at ``loc`` is Markdown (a section's ``tekst`` or one of its passages)."""
    return (bool(loc) and loc[-1] == "tekst") or (len(loc) > 1 and loc[-2] == "tekst")


def clean_controls(text: str, *, markdown: bool) -> str:
    """``text`` under the rule for control characters that loading applies: a vertical tab
    becomes a line break (a hard one in Markdown), the others are removed. For text made
    after loading (profile values put into letter text)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: ("\\\n" if markdown else "\n") if m.group() == _VT else "", text)
