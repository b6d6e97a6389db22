"""Bad letters: every kind of problem is reported as file:line:col: field: message, exit 1,
and nothing is written for that letter."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtz_letters import LetterError, load_letter
from dtz_letters.cli import main
from tests.helpers import MINIMAL_LETTER

GOOD = MINIMAL_LETTER


def write(ws: Path, text: str, name: str = "brief.yaml") -> Path:
    path = ws / "letters" / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    with pytest.raises(LetterError) as info:
        load_letter(path)
    prefix = f"{path}:"
    return [str(p).replace(prefix, "") for p in info.value.problems]


CASES = {
    "yaml syntax": (
        "onderwerp: Test\ndatum: [2025-03-20\nsecties: []\n",
        ["3:8: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence)"],
    ),
    "tab indentation": (
        "onderwerp: Test\nsecties:\n\t- tekst: x\n",
        ["3:1: a tab character; YAML indentation must use spaces"],
    ),
    "duplicate key": (
        GOOD + "onderwerp: Nog een keer\n",
        ["6:1: onderwerp: duplicate key onderwerp (first given on line 1)"],
    ),
    "unknown key": (
        GOOD + "onderwerpp: typo\n",
        [
            "6:1: onderwerpp: unknown key (allowed: onderwerp, datum, kenmerk, uw_kenmerk, status, "
            "gemeenten, aan, aanhef, secties, bijlagen, slot, contact, ondertekenaars, "
            "per_gemeente, archief)"
        ],
    ),
    "wrong type": (
        GOOD.replace("onderwerp: Test", "onderwerp: [1, 2]"),
        ["1:12: onderwerp: must be text"],
    ),
    "missing field": (
        "datum: 2025-03-20\nsecties:\n  - tekst: x\n",
        ["1:1: onderwerp: this field is required"],
    ),
    "empty text": (
        GOOD.replace("Een alinea.", '"   "'),
        ["5:12: secties[1].tekst: must not be empty"],
    ),
    "bad date": (
        GOOD.replace("2025-03-20", "20 maart 2025"),
        ["2:8: datum: must be a date (YYYY-MM-DD)"],
    ),
    "bad status": (
        GOOD + "status: klaar\n",
        ["6:9: status: must be one of: concept, definitief"],
    ),
    "unknown key deep": (
        GOOD + "bijlagen:\n  - titel: A\n    bestnad: a.pdf\n",
        ["8:5: bijlagen[1].bestnad: unknown key (allowed: titel, bestand)"],
    ),
    "python tag": (
        GOOD + "aan: !!python/object:os.system echo\n",
        ["6:6: aan: the tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"],
    ),
    "no signatories": (
        GOOD + "ondertekenaars: []\n",
        ["6:17: ondertekenaars: must have at least 1 item(s)"],
    ),
    "not a mapping": ("- een\n- twee\n", ["1:1: the file must be a mapping of keys and values"]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_letter_message(workspace: Path, case: str) -> None:
    text, expected = CASES[case]
    assert messages(write(workspace, text)) == expected


def test_not_utf8(workspace: Path) -> None:
    path = workspace / "letters" / "brief.yaml"
    path.write_bytes(b"onderwerp: caf\xe9\n")
    assert messages(path) == ["1:15: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"]


def test_bom_and_crlf_are_accepted(workspace: Path) -> None:
    path = workspace / "letters" / "brief.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    assert load_letter(path).letter.onderwerp == "Test"


def test_alias_bomb_is_refused_quickly(workspace: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    path = write(workspace, "\n".join(lines) + "\n")
    (msg,) = messages(path)
    assert "too many aliases" in msg


def test_cli_reports_every_problem_and_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(workspace, GOOD + "status: klaar\nfoo: 1\n")
    out = workspace / "out"
    assert main(["render", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{bad}:6:9: status: must be one of: concept, definitief",
        f"{bad}:7:1: foo: unknown key (allowed: onderwerp, datum, kenmerk, uw_kenmerk, status, "
        "gemeenten, aan, aanhef, secties, bijlagen, slot, contact, ondertekenaars, per_gemeente, "
        "archief)",
    ]
    assert not out.exists()


def test_cli_unknown_gemeente(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(workspace, GOOD.replace("[coevorden]", "[coevorden, atlantis]"))
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:24: gemeenten[2]: unknown gemeente 'atlantis' (known: " in err


def test_cli_unknown_gemeente_option(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A --gemeente that names no profile is wrong usage of the command line: exit 2, as the
    # README says (it was 1, like a problem in a letter).
    good = write(workspace, GOOD)
    assert main(["render", str(good), "--gemeente", "atlantis", "--out", str(workspace / "o")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"dtz-letters: error: unknown gemeente 'atlantis': there is no "
        f"{workspace}/templates/atlantis/profile.yaml (known: borger-odoorn, coevorden, emmen, "
        "hardenberg, hoogeveen)"
    ]
    assert not (workspace / "o").exists()
