"""The one error hierarchy of dtz-letters.

Exceptions never print; the command line turns them into one line per problem and an exit
code. Every input problem carries the file, line, column and field it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file, as ``file:line:col: field.path: message``."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class DtzLettersError(Exception):
    """Base of every error dtz-letters raises on purpose."""


class InputError(DtzLettersError):
    """A letter or profile file that cannot be used: one or more located problems."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else problems
        super().__init__("\n".join(str(p) for p in self.problems))


class LetterError(InputError):
    """A letter file (YAML) is invalid."""


class ProfileError(InputError):
    """A municipality profile is invalid."""


class UnknownGemeenteError(DtzLettersError):
    """A municipality was asked for that has no profile."""


class TemplateError(DtzLettersError):
    """A house-style template is broken. (Letter text that names no profile value, or holds
    template code, is a :class:`LetterError`: it is a problem of the letter.)"""


class AssetError(DtzLettersError):
    """A file the renderer needs is missing or lies outside the allowed folders."""


class RenderError(DtzLettersError):
    """A renderer (WeasyPrint, docxtpl) failed on a letter that validated."""


class ArchiveError(DtzLettersError):
    """The archive refuses an operation or is found damaged."""


class PublishError(DtzLettersError):
    """A letter cannot be published under the Woo (settings, metadata, the PDF)."""


class FactsNotKnownYet(DtzLettersError):
    """Facts a step needs from a profile or letter are not (all) known yet: not an error in
    the letter. ``reasons``: one located line per missing fact."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("\n".join(reasons))


def display_path(path: Path) -> str:
    """A path as users see it in messages: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
