"""``archive``: every final letter, for every municipality it names, into the archive.

The run goes through the pipeline like every front door: letters and profiles are validated
first, then each copy is composed and stored on its own, so one failure never stops the
others.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._input.workspace import Workspace
from .._pipeline import Copy, compose, failure_line, prepare
from .._reports import ArchiveOutcome, ArchiveReport
from ..errors import DtzLettersError
from .journal import recover
from .register import archive_lock, open_register
from .store import archive_brief


def default_root(ws: Workspace) -> Path:
    """The archive of a workspace when none is named: ``output/archief/``."""
    return ws.output / "archief"


def archive_letters(
    paths: Sequence[Path],
    *,
    workspace: Workspace | None = None,
    gemeenten: Sequence[str] = (),
    root: Path | None = None,
    new_version: bool = False,
    final_only: bool = False,
) -> ArchiveReport:
    """Archive every final letter for every municipality it names; never stop at a failure.

    With ``final_only``, concept letters (declared so, or with facts still unknown) are
    skipped and reported as such instead of refused: for batch runs over all letters.
    """
    prepared = prepare(paths, workspace, gemeenten=gemeenten)
    archive_root = root or default_root(prepared.workspace)
    report = ArchiveReport(archive_root, warnings=[str(w) for w in prepared.warnings])
    report.outcomes += [
        ArchiveOutcome(f.letter, f.slug, error=f.message) for f in prepared.failures
    ]
    # The archive exists (with an empty register) from the first run on, so that verify
    # can vouch for it even before the first final letter. What an interrupted run left is
    # rolled back first.
    with archive_lock(archive_root), open_register(archive_root, create=True) as conn:
        report.warnings += recover(conn, archive_root)
    for copy in prepared.copies:
        report.outcomes.append(_archive_copy(copy, archive_root, new_version, final_only))
    return report


def _archive_copy(copy: Copy, root: Path, new_version: bool, final_only: bool) -> ArchiveOutcome:
    try:
        brief = compose(copy)
        if final_only and brief.concept:
            why = (
                "status: concept"
                if brief.status == "concept"
                else (f"{len(brief.missing)} fact(s) still unknown; see dtz-letters check")
            )
            return ArchiveOutcome(copy.shown, copy.slug, f"skipped, a concept ({why})")
        return archive_brief(
            brief, copy.letter, copy.profile, copy.style, root, new_version=new_version
        )
    except DtzLettersError as exc:
        return ArchiveOutcome(copy.shown, copy.slug, error=failure_line(exc, copy))
