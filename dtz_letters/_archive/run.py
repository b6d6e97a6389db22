"""``archive``: every final letter, for every municipality it names, into the archive.

The run goes through the pipeline like every front door: letters and profiles are validated
first, then each copy is composed and stored on its own, so one failure never stops the
others: a letter that breaks (a bug, a full disk) is one located line and the run goes on to
the next letter and municipality; the exit status says that something failed.

With ``final_only`` (what ``make render`` runs), concepts are skipped, and so is a final
letter whose archive settings are not known yet (the five real profiles today), with one
warning line each: rendering a final letter never fails on the archive.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from pathlib import Path

from .._input.workspace import Workspace
from .._pipeline import Copy, compose, failure_line, prepare
from .._reports import ArchiveOutcome, ArchiveReport
from ..errors import DtzLettersError, display_path
from .journal import recover
from .policy import UnknownSettingsError
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
        outcome, warning = _archive_copy(
            copy, archive_root, prepared.workspace.root, new_version, final_only, report.warnings
        )
        report.outcomes.append(outcome)
        if warning:
            report.warnings.append(warning)
    return report


def _archive_copy(
    copy: Copy,
    root: Path,
    workspace_root: Path,
    new_version: bool,
    final_only: bool,
    warnings: list[str],
) -> tuple[ArchiveOutcome, str | None]:
    """Archive one copy; its outcome, and the warning line when it was skipped for unknown
    archive settings. Never raises: whatever goes wrong is this copy's one failure line."""
    try:
        brief = compose(copy)
        if final_only and brief.concept:
            why = (
                "status: concept"
                if brief.status == "concept"
                else (f"{len(brief.missing)} fact(s) still unknown; see dtz-letters check")
            )
            return ArchiveOutcome(copy.shown, copy.slug, f"skipped, a concept ({why})"), None
        outcome = archive_brief(
            brief,
            copy.letter,
            copy.profile,
            copy.style,
            root,
            workspace_root=workspace_root,
            new_version=new_version,
            warnings=warnings,
        )
        return outcome, None
    except UnknownSettingsError as exc:
        if not final_only:
            return ArchiveOutcome(copy.shown, copy.slug, error=failure_line(exc, copy)), None
        more = f" (and {len(exc.reasons) - 1} more)" if len(exc.reasons) > 1 else ""
        status = "skipped, archive settings not known yet"
        warning = (
            f"{copy.shown} [{copy.slug}]: final, but not archived: its archive settings are "
            f"not known yet: {exc.reasons[0]}{more}"
        )
        return ArchiveOutcome(copy.shown, copy.slug, status), warning
    except DtzLettersError as exc:
        return ArchiveOutcome(copy.shown, copy.slug, error=failure_line(exc, copy)), None
    except OSError as exc:  # a full disk, a folder that cannot be written: this copy only
        where = f" ({display_path(Path(exc.filename))})" if exc.filename else ""
        message = f"{copy.shown} [{copy.slug}]: not archived: {exc.strerror or exc}{where}"
        return ArchiveOutcome(copy.shown, copy.slug, error=message), None
    except Exception as exc:  # a bug must not stop the other letters: report it, go on
        message = (
            f"{copy.shown} [{copy.slug}]: not archived: internal error "
            f"{type(exc).__name__}: {exc} (please report this)"
        )
        trace = "".join(traceback.format_exception(exc))
        return ArchiveOutcome(copy.shown, copy.slug, error=message, trace=trace), None
