"""dtz-letters: raadsinformatiebrieven from YAML to DOCX and PDF in municipal house style.

The public API is what this module exports; everything in ``_``-modules is internal.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import (
    ArchiveError,
    AssetError,
    DtzLettersError,
    InputError,
    LetterError,
    Problem,
    ProfileError,
    RenderError,
    TemplateError,
    UnknownGemeenteError,
)

if TYPE_CHECKING:
    from ._archive import ArchiveReport
    from ._check import CheckReport
    from ._compose import Brief
    from ._load import LoadedLetter
    from ._render import BatchReport
    from ._verify import VerifyReport
    from ._workspace import Workspace

__version__ = "0.1.0"


def load_letter(path: str | Path) -> LoadedLetter:
    """Read and validate a letter file; raises :class:`LetterError` listing every problem."""
    from ._load import read_letter

    return read_letter(Path(path))


def compose(
    letter: str | Path | LoadedLetter, gemeente: str, workspace: str | Path | None = None
) -> Brief:
    """The letter resolved for one municipality: what both renderers draw."""
    return _brief_and_workspace(letter, gemeente, workspace)[0]


def render(
    letter: str | Path | LoadedLetter,
    gemeente: str,
    fmt: str = "pdf",
    workspace: str | Path | None = None,
) -> bytes:
    """Render one letter for one municipality to ``"pdf"`` or ``"docx"`` bytes."""
    from ._render import render_format

    brief, ws = _brief_and_workspace(letter, gemeente, workspace)
    return render_format(fmt, brief, ws)


def _brief_and_workspace(
    letter: str | Path | LoadedLetter, gemeente: str, workspace: str | Path | None
) -> tuple[Brief, Workspace]:
    """The brief and the workspace it was composed in (given, or found above the letter)."""
    from ._compose import for_gemeente
    from ._load import LoadedLetter
    from ._render import check_letter
    from ._workspace import Workspace

    loaded = letter if isinstance(letter, LoadedLetter) else load_letter(letter)
    ws = Workspace(Path(workspace)) if workspace else Workspace.find(loaded.path.parent)
    # What the command line refuses, the API refuses too: unknown municipalities, and
    # attachments outside the workspace.
    problems = check_letter(loaded, ws)
    if problems:
        raise LetterError(problems)
    return for_gemeente(loaded, ws.profile(gemeente)), ws


def render_batch(letters: list[str | Path], **options: object) -> BatchReport:
    """Render letters for every municipality they name and write the files (see the CLI)."""
    from ._render import render_batch as _batch

    return _batch([Path(p) for p in letters], **options)  # type: ignore[arg-type]


def check(letters: list[str | Path]) -> CheckReport:
    """Validate letters against their workspace; list errors and still-unknown facts."""
    from ._check import check_letters

    return check_letters([Path(p) for p in letters])


def archive(
    letters: list[str | Path],
    *,
    gemeenten: list[str] | None = None,
    archive_dir: str | Path | None = None,
    new_version: bool = False,
) -> ArchiveReport:
    """Archive final letters as PDF/A-2a with MDTO sidecars (default: output/archief/)."""
    from ._archive import archive_letters

    return archive_letters(
        [Path(p) for p in letters],
        gemeenten=gemeenten or (),
        root=Path(archive_dir) if archive_dir else None,
        new_version=new_version,
    )


def verify(archive_dir: str | Path) -> VerifyReport:
    """Check an archive's files, sidecars and register; every problem in ``.problems``."""
    from ._verify import verify_archive

    return verify_archive(Path(archive_dir))


__all__ = [
    "ArchiveError",
    "AssetError",
    "DtzLettersError",
    "InputError",
    "LetterError",
    "Problem",
    "ProfileError",
    "RenderError",
    "TemplateError",
    "UnknownGemeenteError",
    "__version__",
    "archive",
    "check",
    "compose",
    "load_letter",
    "render",
    "render_batch",
    "verify",
]
