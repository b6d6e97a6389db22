"""Load letters and profiles from YAML into validated models, with located error messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InputError, LetterError, Problem, ProfileError, display_path
from .models import Letter, Profile
from .safe_yaml import Loc, SourceMap, YamlProblem, load_yaml

M = TypeVar("M", bound=BaseModel)

#: Messages for fields whose type is a union, where pydantic would list every alternative.
_UNION_MESSAGES = {
    "datum": "must be a date (YYYY-MM-DD), or {onbekend: reason} when it is not known",
    "naam": "must be text, or {onbekend: reason} when it is not known",
    "tekst": "must be text (Markdown), or a list of texts and passages",
    "postadres": "must be an address (regel, postcode, plaats), or {onbekend: reason}",
    "bezoekadres": "must be an address (regel, postcode, plaats), or {onbekend: reason}",
    "waardering": "must be B (bewaren) or V (vernietigen), or {onbekend: reason}",
    "selectielijst": "must be text, or {onbekend: reason} when it is not known",
    "basis_url": "must be a web address starting with https://, or {onbekend: reason}",
}

#: What a value of a patterned field looks like, in words rather than a regular expression.
_PATTERN_MESSAGES = {
    "postcode": "must be a Dutch postcode: four digits, a space, two capitals (7740 AA)",
    "tooi": "must be a TOOI municipality code: gm and four digits (gm0109)",
    "website": "must be a web address starting with https://",
    "email": "must be an e-mail address",
    "basis_url": "must be a web address starting with https://, without ? or #, with "
    "%-escapes for other characters",
    "uri": "must be the URI of a Woo information category from the TOOI list "
    "(https://identifier.overheid.nl/tooi/def/thes/kern/c_ and eight hex digits)",
}
_SLUG_MESSAGE = "must be a gemeente slug: lower-case letters, digits and hyphens (borger-odoorn)"

_TYPE_MESSAGES = {
    "missing": "this field is required",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of keys and values",
    "model_type": "must be a mapping of keys and values",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
}


@dataclass(frozen=True)
class LetterFile:
    """A letter file, validated: the model, the file it came from, and where each value stands."""

    path: Path
    letter: Letter
    source: SourceMap

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class ProfileFile:
    """A municipality's ``profile.yaml``, validated, with where each value stands."""

    slug: str
    folder: Path
    profile: Profile
    source: SourceMap

    @property
    def file(self) -> Path:
        return self.folder / "profile.yaml"


def read_letter(path: Path) -> LetterFile:
    """Load and validate one letter file; raise :class:`LetterError` with every problem."""
    letter, smap = _validate(path, Letter, LetterError)
    return LetterFile(path, letter, smap)


def read_profile(folder: Path) -> ProfileFile:
    """Load and validate ``folder/profile.yaml``; raise :class:`ProfileError` on problems."""
    profile, smap = _validate(folder / "profile.yaml", Profile, ProfileError)
    return ProfileFile(folder.name, folder, profile, smap)


def _validate(path: Path, model: type[M], error: type[InputError]) -> tuple[M, SourceMap]:
    display = display_path(path)
    try:
        data, smap = load_yaml(path, display)
    except YamlProblem as exc:
        raise error(exc.problem) from None
    if not isinstance(data, dict):
        raise error(Problem(display, 1, 1, "", "the file must be a mapping of keys and values"))
    try:
        return model.model_validate(data), smap
    except ValidationError as exc:
        raise error(problems_from(exc, data, smap, model)) from None


def problems_from(
    exc: ValidationError, data: Any, smap: SourceMap, model: type[BaseModel]
) -> list[Problem]:
    """Turn pydantic's errors into located problems, one per field, in file order."""
    errors = _best_union_members(exc.errors(include_url=False), data)
    by_loc: dict[Loc, list[dict[str, Any]]] = {}
    for err in errors:
        loc, _ = _real_loc(err["loc"], data, err["type"])
        by_loc.setdefault(loc, []).append(err)
    # An error inside a union member (a typo in {onbekend: ...}) says more than the type
    # mismatch of the other member: drop the mismatch when its field has deeper errors.
    locs = list(by_loc)
    problems: list[Problem] = []
    for loc, errs in by_loc.items():
        deeper = any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs)
        if deeper and all(e["type"].endswith("_type") for e in errs):
            continue
        problems.append(_problem(loc, errs, smap, model))
    return sorted(set(problems), key=lambda p: (p.line, p.column, p.field))


def _problem(
    loc: Loc, errs: list[dict[str, Any]], smap: SourceMap, model: type[BaseModel]
) -> Problem:
    kind = errs[0]["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return smap.problem(loc, f"unknown key{hint}", key=True)
    if kind == "missing":
        return smap.problem(loc, "this field is required")
    # In a union, a value error of the member that fits the input ("must not be empty")
    # says more than the type mismatches of the other members.
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    specific = [e for e in errs if not e["type"].endswith("_type")]
    if specific:
        return smap.problem(loc, _message(specific[0], name))
    if len(errs) > 1 and name in _UNION_MESSAGES:
        return smap.problem(loc, _UNION_MESSAGES[name])
    return smap.problem(loc, _message(errs[0], name))


def _message(err: dict[str, Any], name: str) -> str:
    kind = err["type"]
    if kind == "string_pattern_mismatch":
        if name in _PATTERN_MESSAGES:
            return _PATTERN_MESSAGES[name]
        if "a-z" in str(err["ctx"]["pattern"]):
            return _SLUG_MESSAGE
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind]
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind == "literal_error":
        expected = str(err["ctx"]["expected"]).replace("'", "")
        return f"must be one of: {expected.replace(' or ', ', ')}"
    if kind == "string_pattern_mismatch":
        return f"does not have the expected form ({err['ctx']['pattern']})"
    if kind == "too_short":
        return f"must have at least {err['ctx']['min_length']} item(s)"
    if kind == "too_long":
        return (
            f"has {err['ctx']['actual_length']:,} items; the limit is {err['ctx']['max_length']:,}"
        )
    msg: str = err["msg"]
    return msg[0].lower() + msg[1:] if msg else kind


def _best_union_members(errors: list[Any], data: Any) -> list[Any]:
    """Where a value fits no member of a union, keep only the errors of the member it came
    closest to (fewest errors): an address with a bad postcode is reported as an address
    with a bad postcode, not also as an {onbekend: ...} with three unknown keys."""
    groups: dict[tuple[Any, ...], dict[str, list[Any]]] = {}
    for err in errors:
        _, tag = _real_loc(err["loc"], data, err["type"])
        if tag is not None:
            prefix, member = tag
            groups.setdefault(prefix, {}).setdefault(member, []).append(err)
    dropped: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        # A member whose only complaint is the input's type does not fit its shape at all.
        fitting = [
            errs for errs in members.values() if not all(e["type"].endswith("_type") for e in errs)
        ]
        # With type mismatches all round, the union's own message says more: keep them all.
        keep = [min(fitting, key=len)] if fitting else list(members.values())
        for errs in members.values():
            if not any(errs is k for k in keep):
                dropped.update(id(e) for e in errs)
    return [e for e in errors if id(e) not in dropped]


def _real_loc(
    loc: tuple[int | str, ...], data: Any, kind: str
) -> tuple[Loc, tuple[tuple[Any, ...], str] | None]:
    """Drop the union-member tags pydantic puts in a location, keep the keys of the data.

    Also returns the first union tag met (the location before it, and the member's name).
    """
    out: list[int | str] = []
    tag: tuple[tuple[Any, ...], str] | None = None
    cur = data
    for n, part in enumerate(loc):
        last = n == len(loc) - 1
        found, child = _child(cur, part)
        if found:
            out.append(part)
            cur = child
        elif isinstance(cur, dict) and last and kind == "missing":
            out.append(part)
        elif tag is None and isinstance(part, str):
            tag = (tuple(loc[:n]), part)
    return tuple(out), tag


def _child(data: Any, part: int | str) -> tuple[bool, Any]:
    """Whether ``data`` has the key or position ``part``, and the value there."""
    if isinstance(data, dict) and part in data:
        return True, data[part]
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return True, data[part]
    return False, None


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names of the model at ``loc`` (best effort, for the hint)."""
    from typing import get_args

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields:
            return []
        if part not in fields:
            continue  # a key of a mapping field such as per_gemeente
        current = _model_in(fields[part].annotation, get_args)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _model_in(annotation: Any, get_args: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg, get_args)
        if found is not None:
            return found
    return None
