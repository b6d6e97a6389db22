"""Hostile and broken input: clear errors, nothing lost, no file or network access.

The corpus below extends the one in test_errors.py (which it does not repeat): every bad
letter is refused with its exact message, through the library and through ``dtz-letters
check``, quickly and without a traceback. After it: text that must come through literally in
both outputs, control characters through the whole pipeline, and paths, links and markup that
name files and addresses the tool must never touch.
"""

from __future__ import annotations

import gc
import io
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import docx
import pikepdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from dtz_letters import LetterError, Workspace, compose, load_letter, render
from dtz_letters._render.furniture import running_header
from dtz_letters.cli import main
from tests.conftest import REPO
from tests.helpers import MINIMAL_LETTER
from tests.textutil import docx_body_lines, normalise, pdf_body_lines

GOOD = MINIMAL_LETTER
ALLOWED = (
    "allowed: onderwerp, datum, kenmerk, uw_kenmerk, status, gemeenten, aan, aanhef, secties, "
    "bijlagen, slot, contact, ondertekenaars, per_gemeente, archief"
)


def write(ws: Path, text: str | bytes, name: str = "brief.yaml") -> Path:
    path = ws / "letters" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    """The problems ``load_letter`` reports, without the file name in front."""
    with pytest.raises(LetterError) as info:
        load_letter(path)
    return [str(p).removeprefix(f"{path}:") for p in info.value.problems]


def check(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, list[str], str]:
    """``dtz-letters check``: exit code, the lines on stderr and stdout."""
    code = main(["check", *map(str, paths)])
    out, err = capsys.readouterr()
    return code, err.splitlines(), out


# --------------------------------------------------------------------------- the corpus

#: name -> (file content, the exact problems reported). Each is one hostile or broken input.
CORPUS: dict[str, tuple[str | bytes, list[str]]] = {
    # YAML syntax
    "unclosed quote": (
        'onderwerp: "Test\ndatum: 2025-03-20\n',
        ["3:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar)"],
    ),
    "key indented under a value": (
        "onderwerp: Test\n  datum: 2025-03-20\n",
        ["2:8: invalid YAML: mapping values are not allowed here"],
    ),
    "two documents": (
        GOOD + "---\nonderwerp: Nog een\n",
        [
            "6:1: invalid YAML: but found another document (expected a single document in the "
            "stream)"
        ],
    ),
    "key longer than 1024 characters": (
        GOOD + "x" * 2000 + ": 1\n",
        ["6:2001: invalid YAML: could not find expected ':' (while scanning a simple key)"],
    ),
    "nesting 5000 deep": (
        "onderwerp: " + "[" * 5000 + "]" * 5000 + "\n",
        ["1:61: the document nests more than 50 levels deep; refused"],
    ),
    # tabs
    "tab after a key": (
        GOOD.replace("onderwerp: Test", "onderwerp:\tTest"),
        ["1:11: a tab character; YAML indentation must use spaces"],
    ),
    "tab indenting a block scalar": (
        GOOD.replace("  - tekst: Een alinea.", "  - tekst: |\n\tEen alinea."),
        ["6:1: a tab character; YAML indentation must use spaces"],
    ),
    # duplicate keys: an error at the second key, naming the line of the first
    "duplicate key nested": (
        GOOD + "contact:\n  naam: A. de Vries\n  naam: B. Jansen\n",
        ["8:3: contact.naam: duplicate key naam (first given on line 7)"],
    ),
    "duplicate key in a list item": (
        GOOD + "bijlagen:\n  - titel: A\n    titel: B\n",
        ["8:5: bijlagen[1].titel: duplicate key titel (first given on line 7)"],
    ),
    "duplicate key quoted": (
        GOOD + '"onderwerp": Nog een\n',
        ["6:1: onderwerp: duplicate key onderwerp (first given on line 1)"],
    ),
    "duplicate gemeente under per_gemeente": (
        GOOD + "per_gemeente:\n  coevorden: {kenmerk: A}\n  coevorden: {kenmerk: B}\n",
        ["8:3: per_gemeente.coevorden: duplicate key coevorden (first given on line 7)"],
    ),
    # wrong types
    "null subject": (
        GOOD.replace("onderwerp: Test", "onderwerp:"),
        ["1:11: onderwerp: must be text"],
    ),
    "number as subject": (
        GOOD.replace("onderwerp: Test", "onderwerp: 12"),
        ["1:12: onderwerp: must be text"],
    ),
    "yes as text": (GOOD + "aan: yes\n", ["6:6: aan: must be text"]),
    "sections as a mapping": (
        GOOD.replace("secties:\n  - tekst: Een alinea.\n", "secties: {tekst: Een alinea.}\n"),
        ["4:10: secties: must be a list"],
    ),
    "date that does not exist": (
        GOOD.replace("2025-03-20", "2025-02-30"),
        ["2:8: datum: 2025-02-30 is not a valid date (day is out of range for month)"],
    ),
    "date with a time": (
        GOOD.replace("2025-03-20", "2025-03-20 10:00:00"),
        ["2:8: datum: must be a date (YYYY-MM-DD) without a time"],
    ),
    "number of 5000 digits": (
        GOOD.replace("2025-03-20", "9" * 5000),
        ["2:8: datum: the number has 5,000 characters; that is no value a letter needs"],
    ),
    "gemeente in capitals": (
        GOOD.replace("[coevorden]", "[Coevorden]"),
        [
            "3:13: gemeenten[1]: must be a gemeente slug: lower-case letters, digits and hyphens "
            "(borger-odoorn)"
        ],
    ),
    "e-mail without @": (
        GOOD + "contact: {naam: A. de Vries, email: griffie.coevorden.nl}\n",
        ["6:37: contact.email: must be an e-mail address"],
    ),
    # unknown keys
    "number as key": (GOOD + "1: x\n", [f"6:1: 1: unknown key ({ALLOWED})"]),
    "null as key": (GOOD + "~: x\n", ["6:1: a key must be a plain word"]),
    "list as key": (GOOD + "? [a, b]\n: x\n", ["6:3: a key must be a plain word"]),
    "letter key under per_gemeente": (
        GOOD + "per_gemeente:\n  coevorden:\n    onderwerp: Anders\n",
        [
            "8:5: per_gemeente.coevorden.onderwerp: unknown key (allowed: datum, kenmerk, "
            "uw_kenmerk, contact, aanhef, ondertekenaars, archief)"
        ],
    ),
    # empty or whitespace-only required text
    "subject of spaces, tab and newline": (
        GOOD.replace("onderwerp: Test", 'onderwerp: " \\t\\n "'),
        ["1:12: onderwerp: must not be empty"],
    ),
    "subject of no-break and em spaces": (
        GOOD.replace("onderwerp: Test", 'onderwerp: "\\u00a0\\u2003"'),
        ["1:12: onderwerp: must not be empty"],
    ),
    "subject of zero-width characters": (
        GOOD.replace("onderwerp: Test", 'onderwerp: "\\u200b\\u200d\\ufeff\\u00ad"'),
        ["1:12: onderwerp: must not be empty"],
    ),
    "heading of spaces": (
        GOOD.replace("  - tekst: Een alinea.", '  - kop: "   "\n    tekst: Een alinea.'),
        ["5:10: secties[1].kop: must not be empty"],
    ),
    "empty block scalar": (
        GOOD.replace("  - tekst: Een alinea.", "  - tekst: |\n\n      \n"),
        ["5:12: secties[1].tekst: must not be empty"],
    ),
    "attachment title of spaces": (
        GOOD + 'bijlagen:\n  - titel: "  "\n',
        ["7:12: bijlagen[1].titel: must not be empty"],
    ),
    "signatory name empty": (
        GOOD + 'ondertekenaars:\n  - functie: de burgemeester\n    naam: ""\n',
        ["8:11: ondertekenaars[1].naam: must not be empty"],
    ),
    "unknown fact without a reason": (
        GOOD.replace("2025-03-20", "{onbekend: ' '}"),
        ["2:19: datum.onbekend: must not be empty"],
    ),
    "no sections": (
        GOOD.replace("secties:\n  - tekst: Een alinea.\n", "secties: []\n"),
        ["4:10: secties: must have at least 1 item(s)"],
    ),
    "empty list of passages": (
        GOOD.replace("  - tekst: Een alinea.", "  - tekst: []"),
        ["5:12: secties[1].tekst: must have at least 1 item(s)"],
    ),
    "empty file": ("", ["1:1: the file must be a mapping of keys and values"]),
    "only spaces and newlines": (
        " \n\n   \n",
        ["1:1: the file must be a mapping of keys and values"],
    ),
    "only a comment": ("# nog niets\n", ["1:1: the file must be a mapping of keys and values"]),
    # files that are not UTF-8
    "UTF-16 with BOM": (
        GOOD.encode("utf-16"),
        ["1:1: the file is not valid UTF-8 (byte 0xff); save it as UTF-8"],
    ),
    "Latin-1 on line 5": (
        GOOD.replace("Een alinea.", "Caf\xe9.").encode("latin-1"),
        ["5:15: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"],
    ),
    "UTF-8 cut off in a character": (
        GOOD.encode() + "aan: Zoë".encode()[:-1],
        ["6:8: the file is not valid UTF-8 (byte 0xc3); save it as UTF-8"],
    ),
    "escaped lone surrogate": (
        GOOD.replace("onderwerp: Test", 'onderwerp: "Test \\ud83d"'),
        [
            "1:12: onderwerp: the escape \\ud83d is half of a UTF-16 pair, not a character; "
            "write the character itself"
        ],
    ),
    # tags: nothing but plain data
    "python/name": (
        GOOD + "aan: !!python/name:os.system\n",
        ["6:6: aan: the tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"],
    ),
    "python/object/apply": (
        GOOD + "aan: !!python/object/apply:os.system [echo hallo]\n",
        ["6:6: aan: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"],
    ),
    "python/object/new on a mapping": (
        GOOD + "contact: !!python/object/new:dict {naam: A}\n",
        ["6:10: contact: the tag 'tag:yaml.org,2002:python/object/new:dict' is not allowed"],
    ),
    "python/tuple on a sequence": (
        GOOD.replace("[coevorden]", "!!python/tuple [coevorden]"),
        ["3:12: gemeenten: the tag 'tag:yaml.org,2002:python/tuple' is not allowed"],
    ),
    "binary": (
        GOOD + "aan: !!binary aGFsbG8=\n",
        ["6:6: aan: the tag 'tag:yaml.org,2002:binary' is not allowed"],
    ),
    "local tag": (
        GOOD + "aan: !include /etc/passwd\n",
        ["6:6: aan: the tag '!include' is not allowed"],
    ),
    "merge key": (
        "basis: &b {onderwerp: Test}\n<<: *b\n",
        ["2:1: merge keys (<<) are not supported; write the values out"],
    ),
}


@pytest.mark.parametrize("case", CORPUS, ids=list(CORPUS))
def test_corpus_case_is_refused_with_its_message(
    workspace: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    content, expected = CORPUS[case]
    path = write(workspace, content)
    assert messages(path) == expected
    code, err, out = check(capsys, path)
    assert (code, out) == (1, "")
    assert err == [f"{path}:{line}" for line in expected]  # no traceback, nothing else


def billion_laughs(kind: str) -> str:
    """Nine levels of nine aliases each: 9**9 values once expanded."""
    if kind == "list":
        lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    else:
        lines = ["a0: &a0 {k: lol}"]
        lines += [
            f"a{i}: &a{i} {{{', '.join(f'k{j}: *a{i - 1}' for j in range(9))}}}"
            for i in range(1, 10)
        ]
    return "\n".join(lines) + "\n"


HUGE = {
    # name -> (content, expected problems, seconds allowed)
    "5 MB body": (
        "onderwerp: Test\ndatum: 2025-03-20\nsecties:\n  - tekst: |\n"
        + ("      " + "woord " * 16 + "\n") * 52_000,
        ["1:1: the file is 5,356,056 bytes; the limit is 1,048,576 bytes"],
        1.0,
    ),
    "10,000 sections": (
        "onderwerp: Test\ndatum: 2025-03-20\nsecties:\n" + "  - tekst: Een alinea.\n" * 10_000,
        ["4:3: secties: has 10,000 items; the limit is 500"],
        3.0,
    ),
    "1 MB of tiny values": (
        GOOD + "aan: [" + "a," * 500_000 + "a]\n",
        ["6:99977: the document has more than 50,000 values; refused"],
        3.0,
    ),
    "billion laughs, lists": (
        billion_laughs("list"),
        ["1:10: the document expands to more than 50,000 values (too many aliases); refused"],
        2.0,
    ),
    "billion laughs, mappings": (
        billion_laughs("map"),
        ["1:13: the document expands to more than 50,000 values (too many aliases); refused"],
        2.0,
    ),
}


@pytest.mark.parametrize("case", HUGE, ids=list(HUGE))
def test_huge_input_is_refused_quickly_with_its_limit(workspace: Path, case: str) -> None:
    content, expected, seconds = HUGE[case]
    path = write(workspace, content)
    start = time.perf_counter()
    assert messages(path) == expected
    assert time.perf_counter() - start < seconds


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_huge_inputs_stay_in_bounded_memory(workspace: Path) -> None:
    """All of them loaded in one fresh process: its peak memory grows by little."""
    paths = [
        write(workspace, content, f"huge-{n}.yaml")
        for n, (content, _, _) in enumerate(HUGE.values())
    ]
    # VmHWM, the peak resident memory of this process (ru_maxrss would carry the peak of
    # the pytest process that forked it across exec).
    script = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "import dtz_letters._input.load\n"
        "from dtz_letters import LetterError, load_letter\n"
        "def peak():\n"
        "    status = Path('/proc/self/status').read_text()\n"
        "    return int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n"
        "before = peak()\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        load_letter(path)\n"
        "    except LetterError:\n"
        "        pass\n"
        "    else:\n"
        "        raise SystemExit(path + ' was accepted')\n"
        "print(peak() - before)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        cwd=workspace,
    )
    grown_kib = int(result.stdout)
    assert 0 < grown_kib < 100 * 1024, f"peak memory grew by {grown_kib // 1024} MiB"


def test_bom_crlf_and_control_characters_are_accepted(workspace: Path) -> None:
    text = GOOD.replace("Een alinea.", "|\n      Eerste regel,\n      tweede\x07 regel.") + (
        "# opmerking\naan: Aan de raad\n"
    )
    path = write(workspace, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    loaded = load_letter(path)
    assert loaded.letter.onderwerp == "Test"
    assert loaded.letter.secties[0].tekst == "Eerste regel,\ntweede regel.\n"
    assert loaded.letter.aan == "Aan de raad"
    # Line numbers count CRLF as one line end.
    assert [str(w) for w in loaded.source.warnings] == [
        f"{path}:7:13: secties[1].tekst: control character U+0007 removed"
    ]
    assert "\r" not in compose(path, "coevorden", workspace=workspace).text()


#: Characters of the private-use planes and non-characters: the loader's stand-ins for control
#: characters live in such planes, and a letter's own characters must never be taken for them.
PRIVATE = "\U000f0007\U000f000b\U000ffffe\U00100007\U0010fffe\U00040000"


@pytest.mark.parametrize("control", ["", "\x07"])
@pytest.mark.parametrize("written", ["literal", "escaped", "utf-16 escapes"])
def test_private_use_characters_are_text_not_control_characters(
    workspace: Path, control: str, written: str
) -> None:
    """Found by `make fuzz`: U+FFFFE in a field was dropped as if it were a control character
    (it was the loader's stand-in for U+FFFE). Any character of any plane stays itself, with
    and without real control characters in the file, written or as a YAML escape."""
    if written == "literal":
        value = '"' + PRIVATE + '"'
    elif written == "escaped":
        value = '"' + "".join(f"\\U{ord(c):08x}" for c in PRIVATE) + '"'
    else:
        value = (
            '"'
            + "".join(
                f"\\u{(c.encode('utf-16-be')[i : i + 2]).hex()}" for c in PRIVATE for i in (0, 2)
            )
            + '"'
        )
    text = GOOD.replace("onderwerp: Test", f"onderwerp: {value}") + f"aan: Aan de raad{control}\n"
    path = write(workspace, text)
    loaded = load_letter(path)
    assert loaded.letter.onderwerp == PRIVATE
    assert loaded.letter.aan == "Aan de raad"
    expected = [f"{path}:6:17: aan: control character U+0007 removed"] if control else []
    assert [str(w) for w in loaded.source.warnings] == expected


def test_a_file_with_characters_of_every_spare_plane_is_refused_in_words(workspace: Path) -> None:
    spare = "".join(chr(plane << 16) for plane in (15, 16, *range(4, 14)))
    path = write(workspace, GOOD.replace("onderwerp: Test", f'onderwerp: "{spare}\x07"'))
    (message,) = messages(path)
    assert "private-use and unassigned plane" in message, message


# --------------------------------------------------------------------------- text is data

#: Characters that markup languages give a meaning, and markup that would fetch or run
#: something if it were interpreted. No Markdown-significant characters (* _ ` [ ] # |).
NASTY = (
    '& < > " \' <img src="file:///etc/passwd"> <link rel=stylesheet href=x.css> '
    "<style>p{color:red}</style> <script>alert(1)</script>"
)
#: Jinja syntax, as a letter shows it. Every text field is written in the letter language
#: (README, "Profile values in text"), where a backslash makes {{, {% and {# text: ESCAPED.
#: (Until the language replaced the Jinja sandbox, some fields were taken literally and the
#: others needed {% raw %}; one rule for every field now, and the sandbox is gone.)
LITERAL = "{{ 7*7 }} {% if 1 %}x{% endif %}"
ESCAPED = "\\{{ 7*7 }} \\{% if 1 %}x\\{% endif %}"
ESCAPED_IF = "\\{% if x %}"


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nasty_profile(ws: Path) -> None:
    """Coevorden's profile with markup in every text that shows in the letterhead, the
    running header and the signature (the header and footer fields)."""
    path = ws / "templates" / "coevorden" / "profile.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        (
            "officiele_naam: gemeente Coevorden",
            f"officiele_naam: {yaml_quote('gemeente ' + NASTY)}",
        ),
        ('telefoon: "14 0524"', f"telefoon: {yaml_quote('14 0524 ' + NASTY)}"),
        ("regel: Postbus 2", f"regel: {yaml_quote('Postbus 2 ' + NASTY)}"),
        (
            "college: het college van burgemeester en wethouders van Coevorden",
            f"college: {yaml_quote('het ' + NASTY + ' college')}",
        ),
        ("website: https://www.coevorden.nl", "website: \"https://www.coevorden.nl/?a=1&b='2'\""),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    text += f"documenttype: {yaml_quote('Brief ' + NASTY)}\n"
    path.write_text(text, encoding="utf-8")


def nasty_letter() -> str:
    n, raw, lit = NASTY, ESCAPED, ESCAPED
    q = yaml_quote
    return f"""\
onderwerp: {q(f"Onderwerp {n} {raw}")}
datum: 2025-03-20
kenmerk: {q(f"Z/1 {n} {lit}")}
uw_kenmerk: {q(f"U/2 {n} {lit}")}
status: definitief
gemeenten: [coevorden]
aan: {q(f"Aan {n} {lit}")}
aanhef: {q(f"Geachte {n} {lit}")}
secties:
  - kop: {q(f"Kop {n} {raw}")}
    tekst: {q(f"Tekst {n} {raw} {ESCAPED_IF}")}
  - tekst:
      - {q(f"Passage {n} {raw}")}
      - tekst: {q(f"Voor Coevorden {n} {raw}")}
        alleen: [coevorden]
bijlagen:
  - titel: {q(f"Bijlage {n} {raw}")}
slot: {q(f"Slot {n} {lit}")}
contact:
  naam: {q(f"Contact {n} {lit}")}
  functie: {q(f"Functie {n}")}
  telefoon: {q(f"0524 {n}")}
  email: "a&b'c@x.nl"
ondertekenaars:
  - functie: {q(f"functie {n} {lit}")}
    naam: {q(f"Naam {n} {lit}")}
"""


EXPECTED_LITERAL = [
    f"Onderwerp {NASTY} {LITERAL}",
    f"Z/1 {NASTY} {LITERAL}",
    f"U/2 {NASTY} {LITERAL}",
    f"Aan {NASTY} {LITERAL}",
    f"Geachte {NASTY} {LITERAL}",
    f"Kop {NASTY} {LITERAL}",
    f"Tekst {NASTY} {LITERAL} {{% if x %}}",
    f"Passage {NASTY} {LITERAL}",
    f"Voor Coevorden {NASTY} {LITERAL}",
    f"Bijlage {NASTY} {LITERAL}",
    f"Slot {NASTY} {LITERAL}",
    f"Contact {NASTY} {LITERAL} (Functie {NASTY}), 0524 {NASTY}, a&b'c@x.nl",
    f"functie {NASTY} {LITERAL}",
    f"Naam {NASTY} {LITERAL}",
    f"het {NASTY} college",
    # the letterhead
    f"gemeente {NASTY}",
    f"Postbus 2 {NASTY}",
    f"Telefoon 14 0524 {NASTY}",
    "www.coevorden.nl/?a=1&b='2'",
]


def docx_furniture_text(data: bytes) -> str:
    """The text of the DOCX's headers and footers, read as XML (so entities are decoded)."""
    from lxml import etree

    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
                root = etree.fromstring(z.read(name))
                for p in root.iter("{*}p"):
                    texts.append("".join(t.text or "" for t in p.iter("{*}t")))
    return "\n".join(texts)


def long_body(paragraphs: int) -> str:
    sentence = "Deze zin vult de brief tot op de tweede pagina, zodat de kopregel verschijnt. "
    return "\n".join(f"  - tekst: {sentence * 6}" for _ in range(paragraphs))


def test_markup_and_template_syntax_come_out_literally_everywhere(workspace: Path) -> None:
    nasty_profile(workspace)
    text = nasty_letter().replace("secties:\n", "secties:\n" + long_body(8) + "\n")
    path = write(workspace, text)
    data = {fmt: render(path, "coevorden", fmt, workspace=workspace) for fmt in ("docx", "pdf")}

    docx_text = normalise("\n".join(docx_body_lines(data["docx"])))
    furniture = normalise(docx_furniture_text(data["docx"]))
    pdf_text = normalise("\n".join(pdf_body_lines(data["pdf"])))
    for expected in EXPECTED_LITERAL:
        wanted = normalise(expected)
        assert wanted in docx_text or wanted in furniture, ("docx", expected)
        # The PDF breaks long lines after "/" too, where a text extractor cannot tell a line
        # break from a space: compare without whitespace.
        assert squash(expected) in squash(pdf_text), ("pdf", expected)
    # The running header of page 2 (DOCX header part, PDF page furniture) has the subject,
    # literally, as far as it fits on the one line (then an ellipsis).
    full = f"Coevorden · Brief {NASTY} · Onderwerp {NASTY} {LITERAL}"
    brief = compose(path, "coevorden", workspace=workspace)
    running = running_header(brief, Workspace(workspace).house_style("coevorden")).left
    assert running.endswith("…") and full.startswith(running[:-1]) and len(running) > 40
    assert normalise(running) in furniture
    pages = pdf_pages_text(data["pdf"])
    assert len(pages) >= 2 and squash(running) in squash(pages[1])
    # Nothing was evaluated or interpreted: no 49, no element from the data.
    assert "49" not in docx_text + furniture + pdf_text
    with zipfile.ZipFile(io.BytesIO(data["docx"])) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith((".xml", ".rels")))
    for element in ("<img", "<link", "<style", "<script"):
        assert element not in xml
    with pikepdf.open(io.BytesIO(data["pdf"])) as pdf:
        assert str(pdf.docinfo["/Title"]) == f"Brief {NASTY}: Onderwerp {NASTY} {LITERAL}"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_pages_text(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


# --------------------------------------------------------------------------- names, long words

#: Names from the languages of the region and its neighbours: Dutch, Frisian, German,
#: Turkish, Polish, Spanish, Scandinavian.
NAMES = [
    "Zoë Ïsmaël-van Eijk",
    "Sjoerd Fâns ûnder de Brêge",
    "Jürgen Weiß-Großmann",
    "Ağaoğlu Şükrü Işık İnce",
    "Łucja Wąsowska-Źdźbło",
    "Begoña Muñoz Hélène Çelik",
    "Øyvind Åsmund Ærø",
]


def names_letter() -> str:
    signers = "".join(f"  - functie: wethouder\n    naam: {name}\n" for name in NAMES)
    return f"""\
onderwerp: Bezoek van {NAMES[0]} en {NAMES[3]}
datum: 2025-03-20
status: definitief
gemeenten: [coevorden]
aan: {NAMES[4]}
secties:
  - kop: {NAMES[1]}
    tekst: |
      {", ".join(NAMES)}.
bijlagen:
  - titel: Brief van {NAMES[2]}
contact:
  naam: {NAMES[5]}
ondertekenaars:
{signers}"""


def test_names_with_diacritics_are_in_the_house_font(workspace: Path) -> None:
    text = "".join(NAMES)
    with TTFont(REPO / "templates" / "fonts" / "OpenSans-Regular.ttf") as font:
        cmap = font.getBestCmap()
    assert [c for c in text if ord(c) not in cmap] == []

    path = write(workspace, names_letter())
    pdf = render(path, "coevorden", "pdf", workspace=workspace)
    extracted = normalise("\n".join(pdf_body_lines(pdf)))
    for name in NAMES:
        assert name in extracted
    # Every glyph came from the embedded Open Sans: no fallback font, no missing-glyph box.
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        fonts = {
            str(font.BaseFont)
            for page in doc.pages
            for font in (page.Resources.get("/Font") or {}).values()
        }
    assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+Open-Sans(-Bold)?(-Italic)?", f) for f in fonts)
    assert "\ufffd" not in extracted
    lines = normalise(
        "\n".join(docx_body_lines(render(path, "coevorden", "docx", workspace=workspace)))
    )
    for name in NAMES:
        assert name in lines


LONG_WORD = ("Raadsinformatiebriefondertekeningsprocedure" * 7)[:300]
LONG_URL = ("https://www.coevorden.nl/" + "raadsinformatiebrieven-archief-2025/" * 6)[:200]


def long_letter() -> str:
    return f"""\
onderwerp: Lang {LONG_WORD}
datum: 2025-03-20
kenmerk: {LONG_WORD[:120]}
status: definitief
gemeenten: [coevorden]
secties:
  - kop: {LONG_WORD}
    tekst: |
      Een woord: {LONG_WORD} en een adres {LONG_URL} en een [link]({LONG_URL}).

      | Kolom | Adres |
      |---|---|
      | {LONG_WORD[:80]} | {LONG_URL} |
bijlagen:
  - titel: {LONG_URL}
contact:
  naam: {LONG_WORD[:100]}
  email: {LONG_WORD[:60]}@coevorden.nl
"""


MM = 72 / 25.4
#: templates/base/letter.css: @page { size: A4; margin: 26mm 25mm 22mm 25mm }.
MARGIN_LEFT = MARGIN_RIGHT = 25 * MM


def test_long_words_and_urls_wrap_inside_the_margins(workspace: Path) -> None:
    path = write(workspace, long_letter())
    docx_text = "".join(docx_body_lines(render(path, "coevorden", "docx", workspace=workspace)))
    # Word wraps long words itself; the DOCX only has to hold them whole.
    assert LONG_WORD in docx_text and LONG_URL in docx_text
    pdf = render(path, "coevorden", "pdf", workspace=workspace)
    assert LONG_WORD in squash("".join(pdf_pages_text(pdf)))
    outside = []
    doc = pdfium.PdfDocument(pdf)
    try:
        for number, page in enumerate(doc, 1):
            width, _ = page.get_size()
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                left, _, right, _ = textpage.get_charbox(i)
                if right > left and (
                    left < MARGIN_LEFT - 0.5 or right > width - MARGIN_RIGHT + 0.5
                ):
                    outside.append((number, textpage.get_text_range(i, 1), round(left / MM)))
    finally:
        doc.close()
    assert outside == []


# --------------------------------------------------------------------------- other scripts


RTL = {"Arabic": "مرحبا بالمجلس", "Hebrew": "שלום למועצה"}


def rtl_letter() -> str:
    return f"""\
onderwerp: Groet in het Arabisch en Hebreeuws
datum: 2025-03-20
status: definitief
gemeenten: [coevorden]
secties:
  - tekst: |
      Arabisch: {RTL["Arabic"]}.

      Hebreeuws: {RTL["Hebrew"]}.
"""


def test_right_to_left_text_is_kept_in_the_docx(workspace: Path) -> None:
    path = write(workspace, rtl_letter())
    lines = docx_body_lines(render(path, "coevorden", "docx", workspace=workspace))
    assert f"Arabisch: {RTL['Arabic']}." in lines
    assert f"Hebreeuws: {RTL['Hebrew']}." in lines


def test_right_to_left_text_is_in_the_pdf(workspace: Path) -> None:
    path = write(workspace, rtl_letter())
    text = "\n".join(pdf_pages_text(render(path, "coevorden", "pdf", workspace=workspace)))
    for phrase in RTL.values():
        # A text extractor may give right-to-left words in visual order.
        assert any(p in text or p[::-1] in text for p in (phrase, *phrase.split())), phrase
        assert all(word in text or word[::-1] in text for word in phrase.split())


def test_emoji_and_other_scripts_render_through_the_fallback_font_or_a_warning(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Greek, Cyrillic, the snowman and the arrow are in the fallback font; the emoji and the
    # Chinese characters are in no shipped font: the render says so.
    sentence = "Duim 👍, sneeuwpop ☃, pijl →, 中文, Ελληνικά, Кириллица."
    path = write(workspace, GOOD.replace("Een alinea.", f'"{sentence}"'))
    out = workspace / "output"
    assert main(["render", str(path), "--out", str(out), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    warning = next(line for line in err.splitlines() if "lacks" in line)
    for char in ("👍", "中", "文"):
        assert f"{char!r} (U+{ord(char):04X})" in warning
    assert "Open Sans" in warning
    text = normalise("".join(pdf_pages_text((out / "coevorden" / "brief.pdf").read_bytes())))
    for part in ("☃", "→", "Ελληνικά", "Кириллица"):
        assert part in text


def test_emoji_and_other_scripts_are_kept_in_the_docx(workspace: Path) -> None:
    sentence = "Duim 👍, sneeuwpop ☃, pijl →, 中文, Ελληνικά, Кириллица."
    path = write(workspace, GOOD.replace("Een alinea.", f'"{sentence}"'))
    assert sentence in docx_body_lines(render(path, "coevorden", "docx", workspace=workspace))


# --------------------------------------------------------------------------- control characters

CONTROL_LETTER = (
    'onderwerp: "Bel\\x07hier"\n'
    "datum: 2025-03-20\n"
    "status: definitief\n"
    "gemeenten: [coevorden]\n"
    "aan: Aan de\x0braad\n"
    "secties:\n"
    "  - kop: Kop\x01een\n"
    "    tekst: |\n"
    "      Regel\x0bnieuw en \x1b[31mrood\x00.\n"
    "# commentaar \x02\n"
    "bijlagen:\n"
    '  - titel: "Bijlage\\fA"\n'
    "contact:\n"
    "  naam: Piet\x1f Jansen\n"
)


def test_control_characters_through_the_whole_pipeline(
    workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(workspace, CONTROL_LETTER)
    out = workspace / "output"
    assert main(["render", str(path), "--out", str(out), "--jobs", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"warning: {path}:{where}"
        for where in (
            "1:12: onderwerp: control character U+0007 removed",
            "5:12: aan: control character U+000B replaced by a line break",
            "7:13: secties[1].kop: control character U+0001 removed",
            "9:12: secties[1].tekst: control character U+000B replaced by a line break",
            "9:22: secties[1].tekst: control character U+001B removed",
            "9:31: secties[1].tekst: control character U+0000 removed",
            "12:12: bijlagen[1].titel: control character U+000C removed",
            "14:13: contact.naam: control character U+001F removed",
            "10:14: control character U+0002 removed",
        )
    ]
    docx_path, pdf_path = out / "coevorden" / "brief.docx", out / "coevorden" / "brief.pdf"
    document = docx.Document(str(docx_path))  # python-docx opens it
    assert document.paragraphs
    check_pdf = subprocess.run(["qpdf", "--check", str(pdf_path)], capture_output=True, text=True)
    assert check_pdf.returncode == 0, check_pdf.stdout + check_pdf.stderr
    expected = [
        "Belhier",
        "Aan de",
        "raad",
        "Kopeen",
        "Regel",
        "nieuw en [31mrood.",
        "BijlageA",
        "Piet Jansen",
    ]
    docx_lines = docx_body_lines(docx_path)
    pdf_text = normalise("\n".join(pdf_body_lines(pdf_path)))
    for piece in expected:
        assert any(piece in line for line in docx_lines), piece
        assert piece in pdf_text, piece
    # A vertical tab is a line break in both.
    assert "Aan de\nraad" in docx_text_with_breaks(docx_path)
    assert "Regel\nnieuw en [31mrood." in docx_text_with_breaks(docx_path)
    assert "Regel\nnieuw en [31mrood." in "\n".join(pdf_body_lines(pdf_path))
    with zipfile.ZipFile(docx_path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)


def test_vertical_tab_in_a_plain_field_is_a_line_break_in_the_pdf(workspace: Path) -> None:
    path = write(workspace, GOOD + "aan: Aan de\x0braad\n")
    pdf = render(path, "coevorden", "pdf", workspace=workspace)
    assert "Aan de\nraad" in "\n".join(pdf_body_lines(pdf))


def docx_text_with_breaks(path: Path) -> str:
    """Paragraph texts with a manual line break (w:br) as a newline."""
    return "\n".join(p.text for p in iter_paragraphs(docx.Document(str(path))))


def iter_paragraphs(document: Any) -> Iterator[Any]:
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


# --------------------------------------------------------------------------- no file, no network


def test_attachment_paths_cannot_leave_the_workspace(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letters = workspace / "letters"
    (letters / "uit.pdf").symlink_to("/etc/passwd")
    (letters / "map").mkdir()
    (letters / "binnen.pdf").write_bytes(b"%PDF-1.7\n")
    path = write(
        workspace,
        GOOD
        + "bijlagen:\n"
        + "".join(
            f"  - titel: Bijlage {n}\n    bestand: {name}\n"
            for n, name in enumerate(
                [
                    "../../etc/passwd",
                    "/etc/passwd",
                    "uit.pdf",
                    "~/.ssh/id_rsa",
                    "'file:///etc/passwd'",
                    "binnen.pdf",
                ],
                1,
            )
        ),
    )
    code, err, out = check(capsys, path)
    assert (code, out) == (1, "")
    shown = f"{workspace}"
    assert err == [
        f"{path}:8:14: bijlagen[1].bestand: '../../etc/passwd' points outside the workspace "
        f"({shown})",
        f"{path}:10:14: bijlagen[2].bestand: '/etc/passwd' is an absolute path; give a path "
        "relative to the letter's folder",
        f"{path}:12:14: bijlagen[3].bestand: 'uit.pdf' points outside the workspace ({shown})",
        f"{path}:14:14: bijlagen[4].bestand: '~/.ssh/id_rsa' is an absolute path; give a path "
        "relative to the letter's folder",
        f"{path}:16:14: bijlagen[5].bestand: 'file:///etc/passwd' is a URL; give the path of a "
        "file in the workspace",
    ]
    # The public API refuses them as well, before anything is rendered.
    with pytest.raises(LetterError) as info:
        compose(path, "coevorden", workspace=workspace)
    assert [str(p) for p in info.value.problems] == err


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("../../../../etc/passwd", "'../../../../etc/passwd' points outside the folder coevorden/"),
        ("/etc/passwd", "'/etc/passwd' is an absolute path; put the logo in coevorden/"),
        ("../emmen/logo.png", "'../emmen/logo.png' points outside the folder coevorden/"),
        ("uit.png", "'uit.png' points outside the folder coevorden/"),
        (
            "http://127.0.0.1:9/logo.png",
            "'http://127.0.0.1:9/logo.png' does not exist in coevorden/",
        ),
    ],
    ids=["dotdot", "absolute", "other-gemeente", "symlink-out", "url"],
)
def test_logo_paths_cannot_leave_the_municipality_folder(
    workspace: Path, capsys: pytest.CaptureFixture[str], logo: str, message: str
) -> None:
    folder = workspace / "templates" / "coevorden"
    (folder / "uit.png").symlink_to(workspace / "templates" / "emmen" / "logo.png")
    profile = folder / "profile.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("bestand: logo.png", f"bestand: '{logo}'"), encoding="utf-8")
    line = text[: text.index("bestand: logo.png")].count("\n") + 1
    path = write(workspace, GOOD)
    code, err, _ = check(capsys, path)
    assert code == 1
    assert err == [f"{profile}:{line}:12: logo.bestand: {message}"]


class _Spy:
    """Everything a render asks for: URLs from WeasyPrint's fetcher, and, from Python's audit
    events, every file opened and every network connection or name lookup."""

    active = False
    hooked = False
    urls: ClassVar[list[str]] = []
    opened: ClassVar[list[tuple[str, bool]]] = []  # path, and whether opened for writing
    network: ClassVar[list[tuple[str, Any]]] = []
    made: ClassVar[list[str]] = []  # temporary files and folders the process made itself

    @classmethod
    def audit(cls, event: str, args: tuple[Any, ...]) -> None:
        if not cls.active:
            return
        if event == "open" and isinstance(args[0], str | bytes | Path):
            path, mode, flags = args
            writing = any(m in (mode or "") for m in "wxa+") or bool(
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            )
            cls.opened.append((os.fsdecode(path), writing))
        elif event in ("tempfile.mkdtemp", "tempfile.mkstemp"):
            cls.made.append(os.fsdecode(args[0]))
        elif event.startswith(("socket.", "urllib.", "http.")):
            cls.network.append((event, args))


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Spy]]:
    import sys as _sys

    from dtz_letters._render import pdf as _pdf

    if not _Spy.hooked:  # an audit hook cannot be removed: one for the whole session
        _sys.addaudithook(_Spy.audit)
        _Spy.hooked = True
    original = _pdf.AssetFetcher.fetch

    def fetch(self: Any, url: str, headers: Any = None) -> Any:
        _Spy.urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(_pdf.AssetFetcher, "fetch", fetch)
    # Parsed stylesheets and fonts are cached per process: fetch them again, through the spy.
    _pdf.clear_caches()
    gc.collect()  # old font configurations delete their temporary folders now, not later
    _Spy.urls, _Spy.opened, _Spy.network, _Spy.made = [], [], [], []
    yield _Spy
    _Spy.active = False
    _pdf.clear_caches()


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.1 that must receive no request: its base URL and its log."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def handle(self) -> None:
            hits.append(f"connection from {self.client_address}")
            super().handle()

        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def hostile_links_letter(base: str) -> str:
    return f"""\
onderwerp: "Koppelingen naar {base}/onderwerp"
datum: 2025-03-20
status: definitief
gemeenten: [coevorden]
aan: '<img src="{base}/aan.png">'
kenmerk: '<link rel="stylesheet" href="{base}/kenmerk.css">'
secties:
  - kop: '<style>@import url({base}/kop.css);</style>'
    tekst: |
      Een [link]({base}/link) en <{base}/auto>.

      <img src="{base}/html.png"> <img src="file:///etc/passwd">
      <iframe src="{base}/frame"></iframe> <object data="file:///etc/shadow"></object>
      <script src="{base}/script.js"></script>

      <svg><image href="{base}/svg.png"/></svg> [bestand](file:///etc/passwd)
bijlagen:
  - titel: "Bijlage op {base}/bijlage.pdf"
contact:
  naam: '<a href="{base}/contact">Contact</a>'
  email: griffie@coevorden.nl
"""


def test_rendering_reads_no_file_outside_and_contacts_no_address(
    workspace: Path,
    capsys: pytest.CaptureFixture[str],
    spy: type[_Spy],
    server: tuple[str, list[str]],
) -> None:
    base, hits = server
    profile = workspace / "templates" / "coevorden" / "profile.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(
        text.replace(
            "website: https://www.coevorden.nl", f"website: {base.replace('http', 'https')}/website"
        ),
        encoding="utf-8",
    )
    good = write(workspace, hostile_links_letter(base), "links.yaml")
    bad = write(
        workspace,
        GOOD
        + f"bijlagen:\n  - titel: A\n    bestand: {base}/a.pdf\n"
        + "  - titel: B\n    bestand: file:///etc/passwd\n"
        + "  - titel: C\n    bestand: ../../../../../etc/passwd\n",
        "bijlagen.yaml",
    )
    # A Markdown image would make a renderer fetch its address: refused, with its line.
    image = write(
        workspace,
        GOOD.replace(
            "  - tekst: Een alinea.\n",
            f"  - tekst: |\n      Een plaatje ![logo]({base}/plaatje.png) erin.\n",
        ),
        "plaatje.yaml",
    )
    out = workspace / "output"
    # Warm up: the first render imports modules and reads the system's MIME types.
    assert (
        main(["render", str(write(workspace, GOOD, "warm.yaml")), "--out", str(out), "--jobs", "1"])
        == 0
    )
    capsys.readouterr()
    spy.active = True
    code = main(["render", str(good), str(bad), str(image), "--out", str(out), "--jobs", "1"])
    spy.active = False
    err = capsys.readouterr().err
    assert code == 1  # the letters with the attachments outside and the image fail
    assert (
        f"{bad}:8:14: bijlagen[1].bestand: '{base}/a.pdf' is a URL; give the path of a file "
        "in the workspace" in err
    )
    assert (
        f"{image}:6:7: secties[1].tekst: an image ({base}/plaatje.png) cannot be placed in a "
        "letter: add the picture as a bijlage, or describe it in words" in err
    )
    assert (out / "coevorden" / "links.pdf").is_file()
    assert not (out / "coevorden" / "bijlagen.pdf").exists()
    assert not (out / "coevorden" / "plaatje.pdf").exists()

    assert hits == []
    assert spy.network == []
    templates = (workspace / "templates").resolve()
    assert spy.urls, "the spy saw no fetch: is it still wired to the renderer?"
    for url in spy.urls:
        assert url.startswith("data:") or (
            url.startswith("file://")
            and Path(url.removeprefix("file://")).resolve().is_relative_to(templates)
        ), url
    # Files read: the workspace's, the program's own (python-docx opens the blank document it
    # ships), and temporary files the render wrote itself (WeasyPrint hands fonts to
    # fontconfig that way); nothing else.
    allowed = [workspace.resolve(), *(Path(p).resolve() for p in (sys.prefix, sys.base_prefix))]
    written = {path for path, writing in spy.opened if writing}
    allowed += [Path(p) for p in spy.made]
    outside = [
        path
        for path, _ in spy.opened
        if path not in written and not any(Path(path).resolve().is_relative_to(a) for a in allowed)
    ]
    assert outside == []
    assert any(p.endswith("links.yaml") for p, _ in spy.opened)  # the spy does see opens
    # What the links became: text, and link annotations that nobody follows.
    lines = normalise("\n".join(pdf_body_lines(out / "coevorden" / "links.pdf")))
    assert f'<img src="{base}/aan.png">' in lines
    for shown in (
        f'<img src="{base}/aan.png">',
        f'<img src="{base}/html.png"> <img src="file:///etc/passwd">',
        f'<script src="{base}/script.js"></script>',
        "[bestand](file:///etc/passwd)",
        f"Bijlage op {base}/bijlage.pdf",
    ):
        assert squash(shown) in squash(lines), shown
    with pikepdf.open(out / "coevorden" / "links.pdf") as pdf:
        uris = {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots") or []
            if "/A" in annot and "/URI" in annot.A
        }
    # Bare web addresses are links too, also inside HTML shown as text; a file: address never.
    assert uris == {
        f"{base}/{name}" for name in ("link", "auto", "html.png", "frame", "script.js", "svg.png")
    }
