"""``dtz-letters new``: a skeleton with every field, that passes ``check`` apart from the facts
it lists, renders as a CONCEPT, and never overwrites a letter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from dtz_letters import compose, load_letter, new_letter, render
from dtz_letters._input.models import Letter
from dtz_letters._input.schema import SCHEMA_FOLDER
from dtz_letters.cli import main
from tests.test_schema import schema_errors


@pytest.fixture
def in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(workspace)
    return workspace


def test_new_writes_a_letter_that_check_accepts_listing_what_to_fill_in(
    in_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "jaarverslag", "--gemeente", "coevorden"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "letters/jaarverslag.yaml: new letter; fill in what "
        "'dtz-letters check letters/jaarverslag.yaml' lists"
    )
    path = in_workspace / "letters" / "jaarverslag.yaml"
    assert main(["check", "letters/jaarverslag.yaml"]) == 0
    out, err = capsys.readouterr()
    assert out == "letters/jaarverslag.yaml: ok\n"
    text = path.read_text(encoding="utf-8")

    def at(needle: str) -> str:
        line = text[: text.index(needle)].count("\n") + 1
        return f"letters/jaarverslag.yaml:{line}"

    concept = " (letter will render as CONCEPT)"
    assert err.splitlines() == [
        f"{at('  onbekend: de datum')}:3: datum: the date is not known (de datum van verzending "
        f"is nog niet bekend){concept}",
        f"{at('  - tekst: |')}:12: secties[1].tekst: the text still holds the placeholder "
        f"[ONBEKEND: de eerste alinea van de brief]; write it{concept}",
        f"{at('  - kop:')}:10: secties[2].kop: the text still holds the placeholder "
        f"[ONBEKEND: de kop van deze sectie]; write it{concept}",
        f"{at('    tekst: |')}:12: secties[2].tekst: the text still holds the placeholder "
        f"[ONBEKEND: de tekst van deze sectie]; write it{concept}",
        f"{at('onderwerp:')}:12: onderwerp: the text still holds the placeholder "
        f"[ONBEKEND: het onderwerp van de brief]; write it{concept}",
    ]


def test_the_skeleton_names_every_field_of_the_letter(in_workspace: Path) -> None:
    text = new_letter("alles").read_text(encoding="utf-8")
    top = set(re.findall(r"^(?:# )?([a-z_]+):", text, re.MULTILINE))
    assert set(Letter.model_fields) <= top
    nested = set(re.findall(r"^#? +(?:- )?([a-z_]+):", text, re.MULTILINE))
    assert {"naam", "functie", "telefoon", "email", "kop", "tekst", "titel", "bestand"} <= nested
    assert {"alleen", "behalve", "kenmerk"} <= nested


def test_the_new_letter_is_valid_for_the_editor_and_points_at_the_schema(
    in_workspace: Path,
) -> None:
    path = new_letter("editor", gemeenten=["emmen", "hoogeveen"])
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = path.parent / first.split("$schema=")[1]
    assert target.resolve() == (SCHEMA_FOLDER / "letter.schema.json").resolve()
    assert schema_errors(text) == []
    schema = json.loads((SCHEMA_FOLDER / "letter.schema.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    assert load_letter(path).letter.gemeenten == ["emmen", "hoogeveen"]


def test_the_new_letter_renders_as_a_concept_with_its_gaps_marked(in_workspace: Path) -> None:
    path = new_letter("concept", gemeenten=["hardenberg"])
    brief = compose(path, "hardenberg")
    assert brief.concept
    html = render(path, "hardenberg", "html").decode()
    assert '<span class="onbekend">[ONBEKEND: het onderwerp van de brief]</span>' in html
    assert '<div class="concept-mark">CONCEPT</div>' in html


def test_filled_in_the_letter_is_final(in_workspace: Path) -> None:
    path = new_letter("klaar", gemeenten=["coevorden"])
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'"?\[ONBEKEND: ([^\]]*)\]"?', r"Ingevuld, \1", text)
    text = text.replace("datum:  ", "datum: 2025-03-20  ").replace(
        "  onbekend: de datum van verzending is nog niet bekend\n", ""
    )
    text = text.replace("status: concept ", "status: definitief ")
    path.write_text(text, encoding="utf-8")
    brief = compose(path, "coevorden")
    assert (brief.missing, brief.concept) == ((), False)
    assert brief.onderwerp == "Ingevuld, het onderwerp van de brief"


def test_new_refuses_to_overwrite(in_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = in_workspace / "letters" / "dtz-samenwerkingsverband.yaml"
    before = path.read_bytes()
    assert main(["new", "dtz-samenwerkingsverband"]) == 1
    assert capsys.readouterr().err == (
        "error: letters/dtz-samenwerkingsverband.yaml already exists; dtz-letters new does not "
        "overwrite a letter (choose another name, or edit that one)\n"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["dtz-samenwerkingsverband.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["../buiten"],
            "error: '../buiten' is not a letter name: use letters, digits, - and _ "
            "(jaarverslag-2024); the letter is written to letters/ in the workspace",
        ),
        (["/etc/brief"], "error: '/etc/brief' is not a letter name"),
        # An unknown --gemeente is wrong usage, as for every command: exit 2.
        (["brief", "-g", "atlantis"], "dtz-letters: error: unknown gemeente 'atlantis'"),
    ],
)
def test_new_refuses_bad_names_and_municipalities(
    in_workspace: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = sorted((in_workspace / "letters").iterdir())
    assert main(["new", *args]) == (2 if "-g" in args else 1)
    assert capsys.readouterr().err.startswith(message)
    assert sorted((in_workspace / "letters").iterdir()) == before


def test_a_placeholder_in_any_field_of_the_copy_keeps_it_a_concept(workspace: Path) -> None:
    """Found in review: "[ONBEKEND: ...]" in the salutation, the kenmerk or the contact of a
    final letter passed as final (and could be archived and published with the mark). Every
    plain field the copy shows counts, located; another municipality's values do not."""
    path = workspace / "letters" / "velden.yaml"
    path.write_text(
        "onderwerp: Velden\n"
        "datum: 2025-03-20\n"
        "status: definitief\n"
        "gemeenten: [coevorden, emmen]\n"
        "kenmerk: '[ONBEKEND: kenmerk]'\n"
        "aanhef: '[ONBEKEND: aanhef]'\n"
        "contact:\n"
        "  naam: '[ONBEKEND: behandelaar]'\n"
        "ondertekenaars:\n"
        "  - functie: de burgemeester\n"
        "    naam: '[ONBEKEND: naam]'\n"
        "per_gemeente:\n"
        "  emmen:\n"
        "    kenmerk: EM/25/1\n"
        "    contact: {naam: A. Jansen}\n"
        "secties:\n"
        "  - tekst: Een alinea.\n",
        encoding="utf-8",
    )
    where = {
        slug: [f"{p.line}: {p.field}" for p in compose(path, slug, workspace=workspace).missing]
        for slug in ("coevorden", "emmen")
    }
    assert where == {
        "coevorden": [
            "11: ondertekenaars[1].naam",
            "5: kenmerk",
            "6: aanhef",
            "8: contact.naam",
        ],
        "emmen": ["11: ondertekenaars[1].naam", "6: aanhef"],
    }
    assert compose(path, "coevorden", workspace=workspace).concept
