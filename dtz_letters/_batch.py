"""``render``: validate every letter first, then render each copy in every format, then write.

One failing letter or municipality never stops the others; each failure becomes one line. Work
is spread over worker processes; each worker keeps its renderers (fonts, stylesheets, templates)
warm for all the copies it gets.

Output files are named after the letter file: ``<out>/<slug>/<letter>.<suffix>``. Two letters
of one batch whose files would have the same names (``x/brief.yaml`` and ``y/brief.yaml``, or
names that differ only in case) are refused up front, both named, rather than one overwriting
the other. The files of one copy replace their previous versions together or not at all.
"""

from __future__ import annotations

import gc
import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import _overview
from ._compose.brief import Brief
from ._files import replace_together
from ._input.workspace import Workspace
from ._pipeline import Copy, compose, failure_line, prepare
from ._render.registry import Renderer, default_formats, renderer
from ._reports import BatchReport, Outcome
from .errors import DtzLettersError, display_path


@dataclass(frozen=True)
class Job:
    copy: int  # the position of the copy in the batch (workers inherit the list)
    formats: tuple[str, ...]
    out: Path
    thumbnail: bool = False  # also write the overview's thumbnail of the PDF's first page


#: The copies of the running batch. Worker processes are forked after it is prepared and
#: inherit it: no job parses its letter or profile again.
_COPIES: list[Copy] = []


def output_path(out: Path, copy: Copy, fmt: Renderer) -> Path:
    """Where the ``fmt`` file of ``copy`` goes in the output folder ``out``."""
    return out / copy.slug / f"{copy.letter.name}.{fmt.suffix}"


def run_job(job: Job) -> Outcome:
    """Render one copy in every format and write its files; never raises for input."""
    copy = _COPIES[job.copy]
    thumbnail = None
    try:
        brief = compose(copy)
        formats = [renderer(name) for name in job.formats]
        rendered = {fmt.name: fmt.render(brief, copy.style) for fmt in formats}
        targets = {fmt.name: output_path(job.out, copy, fmt) for fmt in formats}
        warnings = tuple(
            f"{copy.shown} [{copy.slug}]: {warning}"
            for fmt in formats
            for warning in fmt.warnings(brief, copy.style)
        )
    except DtzLettersError as exc:
        return Outcome(copy.shown, copy.slug, error=failure_line(exc, copy))
    except OSError as exc:  # the machine (a full disk for temporary files), not the letter
        where = f" ({display_path(Path(exc.filename))})" if exc.filename else ""
        return Outcome(
            copy.shown,
            copy.slug,
            error=f"{copy.shown} [{copy.slug}]: could not render: {exc.strerror or exc}{where}",
        )
    except Exception as exc:  # a bug must not stop the batch
        return bug_outcome(copy, exc)
    # Only when every format rendered are files written, and then all together.
    try:
        replace_together({targets[name]: data for name, data in rendered.items()})
    except OSError as exc:
        return Outcome(
            copy.shown,
            copy.slug,
            error=f"{copy.shown} [{copy.slug}]: could not write "
            f"{display_path(Path(exc.filename or targets[job.formats[0]]))}: {exc.strerror}; "
            "the files of the previous render are left as they were",
        )
    if job.thumbnail and "pdf" in rendered:
        thumbnail = _write_thumbnail(job, copy, rendered["pdf"])
    return Outcome(
        copy.shown,
        copy.slug,
        status="concept" if brief.concept else "definitief",
        files=tuple(targets[name] for name in job.formats),
        missing=brief.missing,
        warnings=warnings,
        thumbnail=thumbnail,
        gemeente=brief.officiele_naam,
        reason=concept_reason(brief),
    )


def concept_reason(brief: Brief) -> str | None:
    """Why a copy is a concept, in a few words; None for a final one."""
    if brief.missing:
        count = len(brief.missing)
        named = f": {', '.join(brief.gaps)}" if brief.gaps else ""
        return f"{count} fact{'s' if count > 1 else ''} unknown{named}"
    if brief.status == "concept":
        return "the letter says status: concept"
    return None


def bug_outcome(copy: Copy, exc: BaseException) -> Outcome:
    """An error that no input should cause: one line that says so, and its traceback."""
    what = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(what) > 200:
        what = what[:200] + "..."
    return Outcome(
        copy.shown,
        copy.slug,
        error=f"{copy.shown} [{copy.slug}]: internal error, a bug in dtz-letters: {what}",
        trace="".join(traceback.format_exception(exc)),
    )


def _write_thumbnail(job: Job, copy: Copy, pdf: bytes) -> Path | None:
    """The overview's thumbnail, made here in the worker while the PDF is at hand; None if
    that failed (the overview then tries again, and reports)."""
    target = _overview.thumbnail_path(job.out, copy.slug, copy.letter.name)
    try:
        _overview.write_thumbnail(target, pdf)
    except Exception:
        return None
    return target


def render_batch(
    paths: Sequence[Path],
    *,
    workspace: Workspace | None = None,
    gemeenten: Sequence[str] = (),
    formats: Sequence[str] | None = None,
    out: Path | None = None,
    jobs: int | None = None,
    on_progress: Callable[[Outcome, int, int], None] | None = None,
    overview: bool = True,
) -> BatchReport:
    """Render every letter for every municipality it names; collect outcomes, never stop.

    With ``overview``, ``index.html`` in the output folder is brought up to date afterwards.
    """
    names = tuple(dict.fromkeys(formats)) if formats else default_formats()
    for name in names:
        renderer(name)  # an unknown format is an error for the whole call
    prepared = prepare(_distinct(paths), workspace, gemeenten=gemeenten)
    out_dir = out or prepared.workspace.output
    report = BatchReport(
        [Outcome(f.letter, f.slug, error=f.message) for f in prepared.failures],
        warnings=list(prepared.warnings),
    )
    copies, refused = _without_collisions(prepared.copies, out_dir, names)
    report.outcomes += refused
    todo = [Job(i, names, out_dir, overview) for i in range(len(copies))]
    _COPIES[:] = copies
    try:
        _run(todo, report, jobs, on_progress)
    finally:
        _COPIES.clear()
    for outcome in report.outcomes:
        report.warnings.extend(outcome.warnings)
    if overview and (report.rendered or _overview.exists(out_dir)):
        try:
            report.index = _overview.update_overview(out_dir, report.outcomes)
        except OSError as exc:
            report.problems.append(
                f"{display_path(_overview.index_path(out_dir))}: the overview was not updated: "
                f"{exc.strerror or exc}"
            )
    return report


def _distinct(paths: Sequence[Path]) -> list[Path]:
    """``paths`` without repeats: a file named twice (or by two names) is rendered once."""
    seen: set[Path] = set()
    out = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def _without_collisions(
    copies: list[Copy], out: Path, formats: Sequence[str]
) -> tuple[list[Copy], list[Outcome]]:
    """The copies whose output files no other copy of the batch would write, and a refusal
    for each of the others, naming the letter it collides with."""
    by_target: dict[tuple[str, str], list[Copy]] = {}
    for copy in copies:
        by_target.setdefault((copy.slug, copy.letter.name.casefold()), []).append(copy)
    kept: list[Copy] = []
    refused: list[Outcome] = []
    for copy in copies:
        same = by_target[(copy.slug, copy.letter.name.casefold())]
        if len(same) == 1:
            kept.append(copy)
            continue
        others = ", ".join(other.shown for other in same if other is not copy)
        files = " and ".join(
            display_path(output_path(out, copy, renderer(name))) for name in formats
        )
        refused.append(
            Outcome(
                copy.shown,
                copy.slug,
                error=f"{copy.shown} [{copy.slug}]: not rendered: {others} would write the same "
                f"files ({files}); output files are named after the letter file, so give one "
                "of them another name",
            )
        )
    return kept, refused


def _usable_cpus() -> int:
    """The CPUs this process may run on (a container or taskset may allow fewer than the
    machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _warm_up(formats: Sequence[str], thumbnails: bool) -> None:
    """Import the renderers before forking workers, so each worker starts with them loaded
    (the import is done once, not once per worker)."""
    for name in formats:
        renderer(name).warm_up()
    if thumbnails:
        _overview.warm_up()


def _run(
    todo: list[Job],
    report: BatchReport,
    jobs: int | None,
    on_progress: Callable[[Outcome, int, int], None] | None,
) -> None:
    workers = max(1, min(jobs or _usable_cpus(), len(todo)))
    total = len(todo)
    if workers == 1:
        for n, job in enumerate(todo, 1):
            outcome = run_job(job)
            report.outcomes.append(outcome)
            if on_progress:
                on_progress(outcome, n, total)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _warm_up(todo[0].formats, todo[0].thumbnail)
    ctx = multiprocessing.get_context("fork")
    # What the parent holds now (the imported renderers, the validated letters) is never
    # garbage in a worker: frozen, a worker's collector does not scan it, so does not touch
    # (and copy) the pages it shares with the parent.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            # One job at a time: a job is 0.1 s of work and a few hundred bytes to send, and
            # larger chunks leave one worker idle at the end while the other finishes a chunk.
            for n, outcome in enumerate(pool.map(run_job, todo), 1):
                report.outcomes.append(outcome)
                if on_progress:
                    on_progress(outcome, n, total)
    finally:
        gc.unfreeze()
