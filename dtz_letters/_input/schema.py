"""JSON Schemas of the letter and the profile, generated from the models that validate them.

Editors that use yaml-language-server (VS Code with Red Hat's YAML extension, Neovim, Helix,
Zed, ...) read a letter's schema from its first line,
``# yaml-language-server: $schema=../dtz_letters/schemas/letter.schema.json``: they complete
keys, show the Dutch descriptions of the models' fields and flag errors while one types.

The schemas are shipped in the package (``dtz_letters/schemas/``) and regenerated with
``python -m dtz_letters._input.schema`` (``make schemas``); a test keeps them equal to what the
models generate. yaml-language-server supports JSON Schema draft 7, so that is what they
declare. What only the workspace knows (whether a municipality has a profile, whether an
attachment exists) or only the YAML loader sees (duplicate keys, tags) is not in them:
``dtz-letters check`` stays the judge.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from .models import Letter, Profile

#: The folder of the shipped schemas (package data).
SCHEMA_FOLDER = Path(__file__).resolve().parents[1] / "schemas"
LETTER_SCHEMA = "letter.schema.json"
PROFILE_SCHEMA = "profile.schema.json"

_DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: The titles and descriptions of the two documents, in Dutch like the fields'.
_DOCUMENTS: dict[type[BaseModel], tuple[str, str]] = {
    Letter: (
        "Raadsinformatiebrief (dtz-letters)",
        "Een raadsinformatiebrief in YAML, voor één of meer gemeenten van de Dutch TechZone. "
        "dtz-letters maakt er per gemeente een PDF en een Word-bestand van in de huisstijl van "
        "die gemeente. `dtz-letters check BRIEF` controleert de brief helemaal.",
    ),
    Profile: (
        "Huisstijlprofiel van een gemeente (dtz-letters)",
        "De feiten van een gemeente in templates/<gemeente>/profile.yaml: naam, adres, "
        "ondertekening, logo, kleuren. Alleen feiten met een bron; wat niet bekend is staat er "
        'als {onbekend: "waarom"}.',
    ),
}


class _DraftSevenSchema(GenerateJsonSchema):
    """Pydantic's schema, trimmed for editors: no generated English titles or docstrings
    (the Dutch field descriptions are what an editor shows), definitions as draft 7 names
    them."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def generate(self, schema: Any, mode: Any = "validation") -> dict[str, Any]:
        generated = super().generate(schema, mode)
        for definition in generated.get("$defs", {}).values():
            definition.pop("title", None)
            definition.pop("description", None)
        return generated


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 7) of ``Letter`` or ``Profile``."""
    generated = model.model_json_schema(
        ref_template="#/definitions/{model}", schema_generator=_DraftSevenSchema
    )
    title, description = _DOCUMENTS[model]
    document: dict[str, Any] = {"$schema": _DRAFT_07, "title": title, "description": description}
    definitions = generated.pop("$defs", {})
    generated.pop("title", None)
    generated.pop("description", None)
    document.update(generated)
    if definitions:
        document["definitions"] = definitions
    return document


def schema_text(model: type[BaseModel]) -> str:
    """The schema as the shipped file holds it (UTF-8 JSON, two-space indent)."""
    return json.dumps(schema_of(model), indent=2, ensure_ascii=False) + "\n"


#: The shipped file of each model.
FILES: dict[str, type[BaseModel]] = {LETTER_SCHEMA: Letter, PROFILE_SCHEMA: Profile}


def write_schemas(folder: Path = SCHEMA_FOLDER) -> list[Path]:
    """Write both schemas into ``folder``; the paths written."""
    written = []
    for name, model in FILES.items():
        path = folder / name
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written


def modeline(letter: Path, schema: Path | None = None) -> str:
    """The first line of a letter at ``letter``: where editors find the letter schema.

    A path relative to the letter's folder where one exists (the repository's letters/), so
    the line works on every checkout; otherwise the schema's file URI.
    """
    target = (schema or SCHEMA_FOLDER / LETTER_SCHEMA).resolve()
    try:
        where = Path(os.path.relpath(target, letter.resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        where = target.as_uri()
    return f"# yaml-language-server: $schema={where}"


def main(argv: list[str] | None = None) -> int:
    """``python -m dtz_letters._input.schema [FOLDER]``: regenerate the shipped schemas."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else SCHEMA_FOLDER
    for path in write_schemas(folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
