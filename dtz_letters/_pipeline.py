"""The pipeline every front door goes through: prepare, then compose each copy.

``prepare`` reads and validates every letter, checks it against the workspace, and validates
every profile the letters need, before anything is rendered; what fails becomes a located
failure line and never stops the others. What passes is a list of copies: one letter for
one municipality. ``compose`` turns a copy into the ``Brief`` that the renderers draw.

Front doors: the library API, ``check``, ``render`` (the batch), ``archive``; each calls
these two instead of assembling the steps itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._compose.brief import Brief, compose_brief
from ._compose.text import text_problems
from ._input.load import LetterFile, ProfileFile, read_letter
from ._input.validate import letter_problems
from ._input.workspace import HouseStyle, Workspace
from .errors import DtzLettersError, InputError, LetterError, Problem, display_path


@dataclass(frozen=True)
class Copy:
    """One letter for one municipality, validated: what a front door composes and renders."""

    letter: LetterFile
    profile: ProfileFile
    style: HouseStyle

    @property
    def slug(self) -> str:
        return self.profile.slug

    @property
    def shown(self) -> str:
        """The letter file as users see it."""
        return display_path(self.letter.path)


@dataclass(frozen=True)
class Failure:
    """A letter, or one copy of it, that cannot be rendered: one located message."""

    letter: str  # the letter file as shown to users
    slug: str | None  # None when the letter as a whole failed
    message: str


@dataclass
class Prepared:
    """Everything validated, before anything is rendered."""

    workspace: Workspace
    copies: list[Copy] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    #: Fixed on the way in (control characters removed), located; never fatal.
    warnings: list[Problem] = field(default_factory=list)
    #: The letters that validated, in the order given.
    letters: list[LetterFile] = field(default_factory=list)


def prepare(
    paths: Iterable[Path], workspace: Workspace | None = None, *, gemeenten: Sequence[str] = ()
) -> Prepared:
    """Validate every letter in ``paths`` and every profile they need.

    ``gemeenten`` limits the municipalities (an unknown one is an
    :class:`~dtz_letters.errors.UnknownGemeenteError` for the whole call). Without a
    workspace, the one above the first letter is used.
    """
    paths = list(paths)
    ws = workspace or Workspace.find(paths[0].parent if paths else None)
    for slug in gemeenten:
        ws.house_style(slug)  # an unknown --gemeente is an error for the whole command
    prepared = Prepared(ws)
    for path in paths:
        try:
            loaded = read_letter(path)
        except InputError as exc:
            prepared.failures.append(Failure(display_path(path), None, str(exc)))
            continue
        prepared.warnings.extend(loaded.source.warnings)
        add_letter(prepared, loaded, gemeenten)
    return prepared


def add_letter(prepared: Prepared, loaded: LetterFile, gemeenten: Sequence[str] = ()) -> None:
    """Check a loaded letter against the workspace and add its copies (or its failures)."""
    ws = prepared.workspace
    shown = display_path(loaded.path)
    problems = letter_problems(loaded, ws) + text_problems(loaded)
    if problems:
        prepared.failures.append(Failure(shown, None, "\n".join(map(str, problems))))
        return
    prepared.letters.append(loaded)
    slugs = targets(loaded, ws, gemeenten)
    if not slugs:
        named = ", ".join(loaded.letter.gemeenten or ws.slugs())
        prepared.failures.append(
            Failure(
                shown,
                None,
                f"{shown}: the letter is not for {', '.join(gemeenten)} (gemeenten: {named})",
            )
        )
    for slug in slugs:
        try:
            prepared.copies.append(Copy(loaded, ws.profile(slug), ws.house_style(slug)))
        except InputError as exc:  # a broken profile: its problems name its file and lines
            prepared.failures.append(Failure(shown, slug, str(exc)))
        except DtzLettersError as exc:
            prepared.failures.append(Failure(shown, slug, _one_line(exc, shown, slug)))


def copy_of(
    letter: str | Path | LetterFile, gemeente: str, workspace: Workspace | None = None
) -> Copy:
    """The copy of one letter for one municipality; raises what :func:`prepare` reports.

    Unlike :func:`prepare`, ``gemeente`` need not be among the letter's municipalities.
    """
    loaded = letter if isinstance(letter, LetterFile) else read_letter(Path(letter))
    ws = workspace or Workspace.find(loaded.path.parent)
    problems = letter_problems(loaded, ws) + text_problems(loaded)
    if problems:
        raise LetterError(problems)
    return Copy(loaded, ws.profile(gemeente), ws.house_style(gemeente))


def compose(copy: Copy) -> Brief:
    """The letter resolved for its municipality: what every renderer draws."""
    return compose_brief(copy.letter, copy.profile)


def targets(loaded: LetterFile, ws: Workspace, only: Sequence[str] = ()) -> list[str]:
    """The municipalities to render a letter for: those it names (default all), or ``only``."""
    named = loaded.letter.gemeenten or ws.slugs()
    if not only:
        return list(named)
    return [slug for slug in only if slug in named]


def failure_line(exc: DtzLettersError, copy: Copy) -> str:
    """An error while composing or rendering ``copy``, as one line that names the letter."""
    return _one_line(exc, copy.shown, copy.slug)


def _one_line(exc: DtzLettersError, shown: str, slug: str) -> str:
    text = str(exc)
    return text if text.startswith(shown) else f"{shown} [{slug}]: {text}"
