"""The JSON Schemas of the letter and the profile: generated from the models, shipped in sync,
and judged by a real validator (``jsonschema``, draft 7 as yaml-language-server reads it).

Every letter and profile the repository ships or the tests write is valid; every case of the
hostile corpus that the YAML loader reads as data (the schema-level cases) is invalid; the
rest (YAML syntax, duplicate keys, tags, encodings, limits) only the loader can judge.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from pydantic import TypeAdapter, ValidationError

import dtz_letters
from dtz_letters import LetterError, load_letter
from dtz_letters._input.models import Letter, Profile, Text, visible_pattern
from dtz_letters._input.safe_yaml import YamlProblem, parse_yaml
from dtz_letters._input.schema import FILES, SCHEMA_FOLDER, modeline, schema_text
from tests import test_errors, test_hostile
from tests.conftest import REPO

LETTER_FILE = SCHEMA_FOLDER / "letter.schema.json"
PROFILE_FILE = SCHEMA_FOLDER / "profile.schema.json"


@cache
def validator(path: Path) -> Draft7Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def as_json(value: Any) -> Any:
    """The YAML data as an editor's language server sees it: dates are strings."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def schema_errors(raw: str | bytes, schema: Path = LETTER_FILE) -> list[str]:
    data, _ = parse_yaml(raw if isinstance(raw, bytes) else raw.encode("utf-8"), "brief.yaml")
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(schema).iter_errors(as_json(data))
    ]


# --------------------------------------------------------------------------- in sync


@pytest.mark.parametrize("name", list(FILES))
def test_shipped_schema_is_what_the_models_generate(name: str) -> None:
    shipped = (SCHEMA_FOLDER / name).read_text(encoding="utf-8")
    assert shipped == schema_text(FILES[name]), (
        f"dtz_letters/schemas/{name} is out of date: run make schemas"
    )


def test_schemas_are_package_data() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"schemas/*.json"' in pyproject
    assert Path(dtz_letters.__file__).parent / "schemas" == SCHEMA_FOLDER


@pytest.mark.parametrize("path", [LETTER_FILE, PROFILE_FILE], ids=["letter", "profile"])
def test_schema_is_valid_draft_7(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


def properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every field of every object in the schema, as (path, subschema)."""
    found = [(name, sub) for name, sub in schema["properties"].items()]
    for model, definition in schema.get("definitions", {}).items():
        found += [(f"{model}.{n}", sub) for n, sub in definition.get("properties", {}).items()]
    return found


@pytest.mark.parametrize("path", [LETTER_FILE, PROFILE_FILE], ids=["letter", "profile"])
def test_every_field_is_described_with_an_example_that_fits(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    fields = properties(schema)
    assert len(fields) > 20
    for name, sub in fields:
        assert sub.get("description"), f"{name} has no description"
        assert sub.get("examples"), f"{name} has no example"
        # Each example is a value the field accepts.
        field = Draft7Validator(
            {**sub, "definitions": schema.get("definitions", {})},
            format_checker=Draft7Validator.FORMAT_CHECKER,
        )
        for example in sub["examples"]:
            assert not list(field.iter_errors(example)), (name, example)


def test_descriptions_are_dutch() -> None:
    schema = json.loads(LETTER_FILE.read_text(encoding="utf-8"))
    described = dict(properties(schema))
    assert described["onderwerp"]["description"] == "Het onderwerp van de brief (verplicht)."
    assert "onbekend" in described["datum"]["description"]
    assert "Markdown" in described["Sectie.tekst"]["description"]


# --------------------------------------------------------------------------- valid letters


def literal_letters() -> dict[str, str]:
    """Every letter the test modules spell out as a string literal (not an f-string), by
    where it stands: what ``load_letter`` accepts of these is the tests' set of good letters."""
    found: dict[str, str] = {}
    for module in sorted((REPO / "tests").glob("test_*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = textwrap.dedent(node.value)
                if text.startswith("onderwerp:") and "\nsecties:" in text:
                    found[f"{module.name}:{node.lineno}"] = text
    return found


def shipped_yaml() -> list[Path]:
    return sorted((REPO / "letters").glob("*.yaml"))


def test_every_shipped_letter_is_valid() -> None:
    for path in shipped_yaml():
        assert schema_errors(path.read_bytes()) == [], path


def test_every_shipped_profile_is_valid() -> None:
    profiles = sorted((REPO / "templates").glob("*/profile.yaml"))
    assert len(profiles) == 5
    for path in profiles:
        assert schema_errors(path.read_bytes(), PROFILE_FILE) == [], path


def test_every_letter_the_tests_write_is_valid(tmp_path: Path) -> None:
    from tests.helpers import MINIMAL_LETTER

    letters = {
        **literal_letters(),
        "helpers.MINIMAL_LETTER": MINIMAL_LETTER,
        "test_hostile.CONTROL_LETTER": test_hostile.CONTROL_LETTER,
        "test_hostile.hostile_links_letter": test_hostile.hostile_links_letter(
            "http://127.0.0.1:9"
        ),
    }
    good = []
    for where, text in letters.items():
        path = tmp_path / "brief.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_letter(path)
        except LetterError:
            continue
        good.append(where)
        assert schema_errors(text) == [], where
    assert len(good) >= 15, good  # the scan found the tests' letters


def test_the_readme_letter_and_profile_are_valid() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    letter = next(b for b in blocks if b.startswith("onderwerp:"))
    profile = next(b for b in blocks if b.startswith("naam:"))
    assert schema_errors(letter) == []
    assert schema_errors(profile, PROFILE_FILE) == []


# --------------------------------------------------------------------------- invalid letters

#: The corpus cases the loader reads as data, which the models then refuse: the schema must
#: refuse them too. (The others are YAML-level: syntax, tabs, duplicate keys, tags, encodings,
#: limits; an editor's YAML parser flags most of those itself.)
SCHEMA_LEVEL = {
    "test_errors": [
        "unknown key",
        "wrong type",
        "missing field",
        "empty text",
        "bad date",
        "bad status",
        "unknown key deep",
        "no signatories",
        "not a mapping",
    ],
    "test_hostile": [
        "null subject",
        "number as subject",
        "yes as text",
        "sections as a mapping",
        "date with a time",
        "gemeente in capitals",
        "e-mail without @",
        "number as key",
        "letter key under per_gemeente",
        "subject of spaces, tab and newline",
        "subject of no-break and em spaces",
        "subject of zero-width characters",
        "heading of spaces",
        "empty block scalar",
        "attachment title of spaces",
        "signatory name empty",
        "unknown fact without a reason",
        "no sections",
        "empty list of passages",
        "empty file",
        "only spaces and newlines",
        "only a comment",
    ],
}
CORPUS: dict[str, str | bytes] = {
    **{f"test_errors: {k}": v[0] for k, v in test_errors.CASES.items()},
    **{f"test_hostile: {k}": v[0] for k, v in test_hostile.CORPUS.items()},
}


def loads_as_data(raw: str | bytes) -> bool:
    try:
        parse_yaml(raw if isinstance(raw, bytes) else raw.encode("utf-8"), "brief.yaml")
    except YamlProblem:
        return False
    return True


def test_the_schema_level_cases_are_those_the_loader_reads() -> None:
    read = sorted(name for name, raw in CORPUS.items() if loads_as_data(raw))
    assert read == sorted(f"{m}: {c}" for m, cases in SCHEMA_LEVEL.items() for c in cases)


@pytest.mark.parametrize("case", [f"{m}: {c}" for m, cases in SCHEMA_LEVEL.items() for c in cases])
def test_schema_level_corpus_case_is_invalid(case: str) -> None:
    raw = CORPUS[case]
    data, _ = parse_yaml(raw if isinstance(raw, bytes) else raw.encode("utf-8"), "brief.yaml")
    with pytest.raises(ValidationError):  # the model refuses it ...
        Letter.model_validate(data)
    assert schema_errors(raw) != []  # ... and so does the schema


def test_profile_errors_are_schema_errors() -> None:
    profile = (REPO / "templates" / "emmen" / "profile.yaml").read_text(encoding="utf-8")
    for old, new in [
        ("postcode: 7800 RA", "postcode: 78OO RA"),
        ("tooi: gm0114", "tooi: 0114"),
        ("website: https://", "website: http://"),
        ('accent: "#', 'accent: "#zz'),
        ("naam: Emmen", "naam: ' '"),
        ("naam: Emmen", "naam: Emmen\nnaaam: typo"),
    ]:
        broken = profile.replace(old, new, 1)
        assert broken != profile, old
        data, _ = parse_yaml(broken.encode(), "profile.yaml")
        with pytest.raises(ValidationError):
            Profile.model_validate(data)
        assert schema_errors(broken, PROFILE_FILE) != [], new


# --------------------------------------------------------------------------- the text rule


def test_visible_pattern_agrees_with_the_model_on_every_bmp_character() -> None:
    """Text of one character: the schema's pattern and the model's rule say the same."""
    visible = re.compile(visible_pattern())
    text = TypeAdapter(Text)
    disagree = []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        try:
            text.validate_python(char)
            model = True
        except ValidationError:
            model = False
        if model != bool(visible.search(char)):
            disagree.append(f"U+{code:04X}")
    assert disagree == []


def test_patterns_are_ecmascript_too() -> None:
    """The editor's engine is JavaScript's: only escapes both engines read alike."""
    for path in (LETTER_FILE, PROFILE_FILE):
        for pattern in re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', path.read_text("utf-8")):
            unescaped = json.loads(f'"{pattern}"')
            assert not re.search(r"\\[AZzhHpPNxUQE]|\(\?P|\(\?<!|\(\?[aiLmsux]", unescaped)


# --------------------------------------------------------------------------- the first line


def test_shipped_letters_begin_with_the_schema_line() -> None:
    for path in shipped_yaml():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == modeline(path), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == LETTER_FILE.resolve()


def test_modeline_is_relative_to_the_letter(tmp_path: Path) -> None:
    letter = REPO / "letters" / "x.yaml"
    assert modeline(letter) == (
        "# yaml-language-server: $schema=../dtz_letters/schemas/letter.schema.json"
    )
    schema = tmp_path / "s" / "letter.schema.json"
    assert modeline(tmp_path / "a" / "b" / "x.yaml", schema) == (
        "# yaml-language-server: $schema=../../s/letter.schema.json"
    )
