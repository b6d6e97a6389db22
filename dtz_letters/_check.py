"""``dtz-letters check``: every problem of every letter, and every fact still unknown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ._load import read_letter
from ._render import check_letter, targets
from ._workspace import Workspace
from .errors import DtzLettersError, InputError, display_path


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    valid: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_letters(paths: list[Path], workspace: Workspace | None = None) -> CheckReport:
    """Validate letters and the profiles they use; list facts the letters still lack."""
    from ._compose import for_gemeente

    report = CheckReport()
    for path in paths:
        ws = workspace or Workspace.find(path.parent)
        try:
            loaded = read_letter(path)
            report.warnings.extend(map(str, loaded.source.warnings))
            problems = check_letter(loaded, ws)
            if problems:
                report.errors.extend(map(str, problems))
                continue
            seen: set[str] = set()
            for slug in targets(loaded, ws):
                brief = for_gemeente(loaded, ws.profile(slug))
                for problem in brief.missing:
                    line = str(problem)
                    if line not in seen:
                        seen.add(line)
                        report.missing.append(line)
        except InputError as exc:
            report.errors.extend(map(str, exc.problems))
            continue
        except DtzLettersError as exc:
            report.errors.append(str(exc))
            continue
        report.valid.append(display_path(path))
    return report
