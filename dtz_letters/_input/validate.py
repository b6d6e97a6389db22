"""What a letter must satisfy beyond its own file: the workspace it is rendered in.

The models check a letter on its own; here it is checked against the workspace: every
municipality it names has a profile, and every file it names lies inside the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, display_path
from .load import LetterFile
from .safe_yaml import Loc
from .workspace import Workspace


def letter_problems(loaded: LetterFile, ws: Workspace) -> list[Problem]:
    """Problems a letter has against the workspace: municipalities it names must exist, files
    it names must lie inside it."""
    known = set(ws.slugs())
    lt = loaded.letter
    problems: list[Problem] = []

    def unknown(slug: str, loc: Loc, key: bool = False) -> None:
        problems.append(
            loaded.source.problem(
                loc,
                f"unknown gemeente {slug!r} (known: {', '.join(sorted(known)) or 'none'})",
                key=key,
            )
        )

    for i, slug in enumerate(lt.gemeenten or []):
        if slug not in known:
            unknown(slug, ("gemeenten", i))
    for i, bijlage in enumerate(lt.bijlagen):
        if bijlage.bestand is not None:
            why = contained_file(loaded.path.parent, bijlage.bestand, ws.root)
            if why:
                problems.append(loaded.source.problem(("bijlagen", i, "bestand"), why))
    for slug in lt.per_gemeente:
        if slug not in known:
            unknown(slug, ("per_gemeente", slug), key=True)
    for i, sectie in enumerate(lt.secties):
        for name in ("alleen", "behalve"):
            for j, slug in enumerate(getattr(sectie, name) or []):
                if slug not in known:
                    unknown(slug, ("secties", i, name, j))
        if isinstance(sectie.tekst, list):
            for k, item in enumerate(sectie.tekst):
                for name in ("alleen", "behalve"):
                    for j, slug in enumerate(getattr(item, name, None) or []):
                        if slug not in known:
                            unknown(slug, ("secties", i, "tekst", k, name, j))
    return problems


def contained_file(base: Path, name: str, root: Path) -> str | None:
    """Why ``name`` (relative to ``base``) is not an existing file inside ``root``, or None.

    Absolute paths, ``..`` that climbs out, and symlinks that point out are all refused: a
    letter must not make the tool read a file outside its workspace.
    """
    if Path(name).is_absolute() or name.startswith("~"):
        return f"{name!r} is an absolute path; give a path relative to the letter's folder"
    if "://" in name:
        return f"{name!r} is a URL; give the path of a file in the workspace"
    target = (base / name).resolve()
    if not target.is_relative_to(root.resolve()):
        return f"{name!r} points outside the workspace ({root.resolve()})"
    if target.is_dir():
        return f"{name!r} is a folder, not a file"
    if not target.is_file():
        return f"{name!r} does not exist (looked for {display_path(base / name)})"
    return None


@dataclass(frozen=True)
class AttachmentFile:
    """The file of an attachment: its place in the letter's ``bijlagen`` (from 1, as the
    letter numbers them), its name as the letter gives it, and its bytes."""

    place: int
    name: str
    data: bytes


def attachment_files(loaded: LetterFile, root: Path) -> list[AttachmentFile]:
    """The attachments of ``loaded`` that name a file, read, in order. Raises
    :class:`ValueError` with the located reason when one is not a file inside ``root``
    (checked again here: it may have changed since the letter was validated)."""
    found = []
    for i, bijlage in enumerate(loaded.letter.bijlagen):
        if bijlage.bestand is None:
            continue
        why = contained_file(loaded.path.parent, bijlage.bestand, root)
        if why:
            raise ValueError(str(loaded.source.problem(("bijlagen", i, "bestand"), why)))
        data = (loaded.path.parent / bijlage.bestand).read_bytes()
        found.append(AttachmentFile(i + 1, bijlage.bestand, data))
    return found
