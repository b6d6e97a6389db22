"""``check``: every problem of every letter, and every fact still unknown; for final letters,
also what publishing them still needs from their municipalities' profiles."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ._input.workspace import Workspace
from ._pipeline import compose, prepare
from ._publish.settings import publication_notes
from ._reports import CheckReport
from .errors import DtzLettersError, display_path


def check_letters(paths: Sequence[Path], workspace: Workspace | None = None) -> CheckReport:
    """Validate letters and the profiles they use; list facts the letters still lack.

    Letters are checked against the workspace above each of them (or ``workspace``), and
    the profiles of one workspace are read once for all its letters.
    """
    report = CheckReport()
    workspaces: dict[Path, Workspace] = {}
    for path in paths:
        ws = workspace or Workspace.find(path.parent)
        ws = workspaces.setdefault(ws.root.resolve(), ws)
        prepared = prepare([path], ws)
        report.warnings.extend(map(str, prepared.warnings))
        # The same problem in every municipality's copy (a budget, a broken profile) is one
        # line: repeats are dropped once, at the end.
        errors = [f.message for f in prepared.failures]
        seen: set[str] = set()
        for copy in prepared.copies:
            try:
                brief = compose(copy)
            except DtzLettersError as exc:
                errors.append(str(exc))
                continue
            for problem in brief.missing:
                line = str(problem)
                if line not in seen:
                    seen.add(line)
                    report.missing.append(line)
            if brief.status == "definitief":
                # What publishing it needs from the profile.
                wrong, notes = publication_notes(copy.profile)
                errors += wrong
                report.publication += [n for n in notes if n not in report.publication]
        if errors:
            report.errors.extend(dict.fromkeys(errors))
        else:
            report.valid.append(display_path(path))
    return report
