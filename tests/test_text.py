"""The letter language: profile values by name, a backslash for literal braces, nothing else.

Every text field follows one rule (README, "Profile values in text"). What once went to a Jinja
sandbox and took minutes and gigabytes, or ended in a traceback, is now a located problem found
before anything is rendered: through the library, ``check``, ``render`` and ``archive``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dtz_letters import LetterError, compose
from dtz_letters.cli import main
from tests.conftest import REPO
from tests.helpers import MINIMAL_LETTER
from tests.test_archive import make_workspace

VALUES = (
    "gemeente.naam, gemeente.officiele_naam, gemeente.provincie, gemeente.website, "
    "gemeente.telefoon, gemeente.tooi, gemeente.slug"
)
ONLY_VALUE = (
    "only a profile value may stand between {{ and }}, as {{ gemeente.naam }}; "
    "to print {{ itself, write \\{{"
)
NO_STATEMENT = (
    "statements ({% %}) are not part of letter text, only profile values as "
    "{{ gemeente.naam }}; to print {% itself, write \\{%"
)
NO_COMMENT = (
    "comments ({# #}) are not part of letter text, only profile values as "
    "{{ gemeente.naam }}; to print {# itself, write \\{#"
)


def write(ws: Path, text: str, name: str = "brief.yaml") -> Path:
    path = ws / "letters" / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, slug: str = "coevorden") -> list[str]:
    with pytest.raises(LetterError) as info:
        compose(path, slug)
    return [str(p).removeprefix(f"{path}:") for p in info.value.problems]


# --------------------------------------------------------------------------- one rule, every field

#: A letter with something in every text field a letter has, at a known line each.
EVERY_FIELD = """\
onderwerp: "X"
datum: 2025-03-20
kenmerk: "X"
uw_kenmerk: "X"
gemeenten: [coevorden]
aan: "X"
aanhef: "X"
slot: "X"
contact: {naam: "X", functie: "X", telefoon: "X"}
ondertekenaars:
  - {functie: "X", naam: "X"}
secties:
  - kop: "X"
    tekst: "X"
  - tekst:
      - "X"
      - {tekst: "X", alleen: [coevorden]}
bijlagen:
  - {titel: "X", bestand: brief.yaml}
per_gemeente:
  coevorden: {kenmerk: "X", uw_kenmerk: "X", aanhef: "X", contact: {naam: "X"}}
"""
FIELDS = [
    "onderwerp",
    "kenmerk",
    "uw_kenmerk",
    "aan",
    "aanhef",
    "secties[1].kop",
    "secties[1].tekst",
    "secties[2].tekst[1]",
    "secties[2].tekst[2].tekst",
    "bijlagen[1].titel",
    "slot",
    "contact.naam",
    "contact.functie",
    "contact.telefoon",
    "ondertekenaars[1].functie",
    "ondertekenaars[1].naam",
    "per_gemeente.coevorden.kenmerk",
    "per_gemeente.coevorden.uw_kenmerk",
    "per_gemeente.coevorden.contact.naam",
    "per_gemeente.coevorden.aanhef",
]


def test_every_text_field_follows_the_one_rule(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The contact and the signatories were taken literally while other fields went through
    # the sandbox: now an expression is refused in every one of them, located.
    path = write(workspace, EVERY_FIELD.replace('"X"', '"a {{ 7*7 }}"'))
    code = main(["check", str(path)])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    fields = [line.split(": ")[1] for line in err]
    assert sorted(fields) == sorted(FIELDS)
    assert all(line.endswith(f'"{{{{ 7*7 }}}}": {ONLY_VALUE}') for line in err)
    # Each at the column of its "{{": three characters after the opening quote.
    text = path.read_text(encoding="utf-8").splitlines()
    for line in err:
        _, row, col, *_ = line.split(":")
        assert text[int(row) - 1][int(col) - 1 :].startswith("{{ 7*7 }}"), line


def test_every_text_field_gets_the_values(workspace: Path) -> None:
    path = write(workspace, EVERY_FIELD.replace('"X"', '"{{gemeente.naam}} / {{ gemeente.tooi }}"'))
    brief = compose(path, "coevorden")
    shown = "Coevorden / gm0109"
    assert brief.onderwerp == brief.aan == brief.aanhef == brief.slot == shown
    assert brief.kenmerk == brief.uw_kenmerk == shown
    assert brief.contact is not None and brief.contact.naam == shown
    assert [(s.functie, s.naam) for s in brief.ondertekenaars] == [(shown, shown)]
    assert brief.bijlagen == (shown,)
    assert brief.text().count(shown) >= 10


def test_every_value_name_and_the_unknown_one(workspace: Path) -> None:
    names = VALUES.split(", ")
    text = " | ".join(f"{{{{ {name} }}}}" for name in names)
    path = write(workspace, MINIMAL_LETTER.replace("Een alinea.", f'"{text}"'))
    assert (
        "Emmen | gemeente Emmen | Drenthe | https://gemeente.emmen.nl | 14 0591 | gm0114 | emmen"
        in (compose(path, "emmen").text())
    )
    path = write(workspace, MINIMAL_LETTER.replace("Een alinea.", '"{{ gemeente.Naam }}"'))
    assert problems_of(path) == [
        f'5:13: secties[1].tekst: "{{{{ gemeente.Naam }}}}" is not a profile value; the values '
        f"are {VALUES}"
    ]


# --------------------------------------------------------------------------- literal braces


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("\\{{ gemeente.naam }}", "{{ gemeente.naam }}"),
        ("\\{% if x %}\\{% endif %} \\{# c #}", "{% if x %}{% endif %} {# c #}"),
        ("\\\\{{ gemeente.naam }}", "\\Coevorden"),  # two backslashes: one, then the value
        ("\\\\\\{{ x }}", "\\{{ x }}"),  # three: one, then the braces as text
        ("{ 5 } }} {x} {{{{", None),  # refused: "{{" opens, four of them too
        # Markdown's rule for every field: a backslash before punctuation prints the
        # punctuation, before anything else it stays.
        ("C:\\map\\{x} a\\b \\* \\}}", "C:\\map{x} a\\b * }}"),
    ],
)
def test_a_backslash_makes_braces_text(workspace: Path, written: str, shown: str | None) -> None:
    quoted = "'" + written.replace("'", "''") + "'"
    path = write(workspace, MINIMAL_LETTER.replace("onderwerp: Test", f"onderwerp: {quoted}"))
    if shown is None:
        assert problems_of(path)[0].startswith('1:26: onderwerp: "{{{{": {{ without }};')
    else:
        assert compose(path, "coevorden").onderwerp == shown


def escape(text: str) -> str:
    """``text`` written so that it prints as itself, by the README's one rule for characters
    (Markdown's): every backslash doubled, and a backslash before the brace of {{, {% and {#."""
    return re.sub(r"\{(?=[{%#])", r"\\{", text.replace("\\", "\\\\"))


@pytest.fixture(scope="module")
def shared_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("text") / "ws"
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "letters").mkdir()
    return root


@given(text=st.text(st.sampled_from("{}%#\\ ab"), min_size=1, max_size=40))
def test_any_text_escaped_prints_as_itself(shared_workspace: Path, text: str) -> None:
    letter = yaml.safe_load(MINIMAL_LETTER)
    letter["onderwerp"] = "x" + escape(text)
    path = write(shared_workspace, yaml.safe_dump(letter, allow_unicode=True))
    assert compose(path, "coevorden").onderwerp == "x" + text


def test_braces_in_markdown_body_stay_text(workspace: Path) -> None:
    path = write(
        workspace,
        MINIMAL_LETTER.replace(
            "  - tekst: Een alinea.",
            "  - tekst: |\n      Zie \\{{ gemeente.naam }} en **{{ gemeente.naam }}** en }}.",
        ),
    )
    assert "Zie {{ gemeente.naam }} en Coevorden en }}." in compose(path, "coevorden").text()


# --------------------------------------------------------------------------- what is refused

#: The templates of issue 11 that took minutes, gigabytes or ended in a traceback, and what
#: each is now: (text in the body, the problem).
HOSTILE = {
    "a gigabyte string": ('{{ "a" * 10**9 }}', f'"{{{{ "a" * 10**9 }}}}": {ONLY_VALUE}'),
    "nested loops": (
        "{% for a in range(99999) %}{% for b in range(99999) %}x{% endfor %}{% endfor %}",
        f'"{{% for a in range(99999) %}}": {NO_STATEMENT}',
    ),
    "a power of a billion digits": ("{{ 7**(10**9) }}", f'"{{{{ 7**(10**9) }}}}": {ONLY_VALUE}'),
    "division by zero": ("{{ 1/0 }}", f'"{{{{ 1/0 }}}}": {ONLY_VALUE}'),
    "a recursive macro": (
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        f'"{{% macro m() %}}": {NO_STATEMENT}',
    ),
    "a range of a billion": (
        "{{ range(10**9) | list }}",
        f'"{{{{ range(10**9) | list }}}}": {ONLY_VALUE}',
    ),
    "a number of 100,000 digits": ("{{ 10**100000 }}", f'"{{{{ 10**100000 }}}}": {ONLY_VALUE}'),
    "a filter": ("{{ gemeente.naam | upper }}", f'"{{{{ gemeente.naam | upper }}}}": {ONLY_VALUE}'),
    "whitespace control": ("{{- gemeente.naam -}}", f'"{{{{- gemeente.naam -}}}}": {ONLY_VALUE}'),
    "a comment": ("{# nota #}", f'"{{# nota #}}": {NO_COMMENT}'),
    "raw": ("{% raw %}{{ 1 }}{% endraw %}", f'"{{% raw %}}": {NO_STATEMENT}'),
    "unclosed": ("{{ gemeente.naam", f'"{{{{ gemeente.naam": {{{{ without }}}}; {ONLY_VALUE}'),
    "unclosed statement": ("{% if", f'"{{% if": {{% without %}}; {NO_STATEMENT}'),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_template_code_is_refused_everywhere_without_evaluating_it(
    workspace: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    text, message = HOSTILE[case]
    head = MINIMAL_LETTER.replace("  - tekst: Een alinea.", "  - tekst: |\n      Eerst.")
    path = write(workspace, head + f"      Dan: {text}\n")
    expected = [f"{path}:7:12: secties[1].tekst: {message}"]
    assert [f"{path}:{p}" for p in problems_of(path)][:1] == expected
    out = workspace / "output"
    for argv in (["check", path], ["render", path, "--out", out], ["archive", path]):
        code = main([str(a) for a in argv])
        stdout, err = capsys.readouterr()
        assert (code, err.splitlines()[:1]) == (1, expected), argv
        assert "Traceback" not in stdout + err
    # Nothing rendered, nothing archived (the archive itself exists from the first run on).
    assert {p.name for p in out.rglob("*") if p.is_file()} <= {"register.sqlite", ".lock"}
    assert list(out.rglob("*.pdf")) == []


def test_many_problems_in_one_text_are_summed_up(workspace: Path) -> None:
    path = write(workspace, MINIMAL_LETTER.replace("Een alinea.", '"' + "{{ x }} " * 500 + '"'))
    found = problems_of(path)
    assert len(found) == 11
    assert (
        found[0]
        == f'5:13: secties[1].tekst: "{{{{ x }}}}" is not a profile value; the values are {VALUES}'
    )
    assert found[9].startswith("5:85: secties[1].tekst: ")
    assert found[10] == "5:12: secties[1].tekst: 490 more like these in this text"


@pytest.mark.parametrize(
    ("yaml_text", "where"),
    [
        ('onderwerp: "ab {{ x }}"', "1:16"),  # double-quoted
        ("onderwerp: 'a''b {{ x }}'", "1:18"),  # single-quoted, with an escaped quote
        ("onderwerp: ab {{ x }}", "1:15"),  # plain
        ("onderwerp: >\n  ab\n  c {{ x }}", "3:5"),  # folded block
        ("onderwerp: |\n    ab\n\n    c {{ x }}", "4:7"),  # literal block, blank line
        ('onderwerp: "ab\\\n  \\t{{ x }}"', "2:5"),  # escaped line break
    ],
)
def test_problems_point_at_the_column_in_every_yaml_style(
    workspace: Path, yaml_text: str, where: str
) -> None:
    path = write(workspace, MINIMAL_LETTER.replace("onderwerp: Test", yaml_text))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{where}: onderwerp: ")


def test_crlf_and_bom_do_not_move_the_column(workspace: Path) -> None:
    text = MINIMAL_LETTER.replace("Een alinea.", "|\n      Eerst.\n      Dan {{ x }}.")
    path = workspace / "letters" / "brief.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    (problem,) = problems_of(path)
    assert problem.startswith("7:11: secties[1].tekst: ")


# --------------------------------------------------------------------------- control characters


def test_a_control_character_cannot_be_made_by_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: {{ "\\x01" }} in the subject passed check and killed archive in lxml. No text
    makes a character now: the expression is refused by check, render and archive alike."""
    ws = make_workspace(tmp_path / "ws")
    path = ws / "letters" / "rib-archief.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Testbrief voor het archief", '"{{ \\"\\\\x01\\" }}"'), "utf-8")
    expected = f'{path}:1:13: onderwerp: "{{{{ "\\x01" }}}}": {ONLY_VALUE}'
    for argv in (["check", path], ["render", path], ["archive", path]):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        assert (code, err.splitlines()) == (1, [expected]), argv
        assert "Traceback" not in out


def test_values_put_in_go_through_the_control_character_rule(workspace: Path) -> None:
    """A profile value is cleaned when the profile is loaded; the value put into a text is
    cleaned again by the same rule, so no path around the loader can bring one in. (No file
    can carry one past the loader, so this builds the profile in memory.)"""
    from dtz_letters import load_letter
    from dtz_letters._compose.text import expand_letter
    from dtz_letters._input.workspace import Workspace

    path = write(
        workspace,
        MINIMAL_LETTER.replace("onderwerp: Test", "onderwerp: A {{ gemeente.naam }}").replace(
            "Een alinea.", "B {{ gemeente.naam }}"
        ),
    )
    profile = Workspace(workspace).profile("coevorden")
    dirty = profile.profile.model_copy(update={"naam": "Coe\x01vor\x0bden"})
    profile = type(profile)(profile.slug, profile.folder, dirty, profile.source)
    letter = expand_letter(load_letter(path), profile)
    assert letter.onderwerp == "A Coevor\nden"
    assert letter.secties[0].tekst == "B Coevor\\\nden"  # a hard line break in Markdown


def test_a_brace_made_by_an_escape_is_located_at_its_own_value(workspace: Path) -> None:
    """Found in review: "\\x7b{" in a double-quoted value makes a "{{" the file does not
    hold, and the search for it in the file landed on the next field's line."""
    path = write(
        workspace,
        'onderwerp: "ok \\x7b{ fout }}"\n'
        "datum: 2025-03-20\n"
        "gemeenten: [coevorden]\n"
        'aan: "Aan {{ gemeente.naam }}"\n'
        "secties:\n  - tekst: Een alinea.\n",
    )
    (problem,) = problems_of(path)
    assert problem.startswith("1:12: onderwerp: "), problem
