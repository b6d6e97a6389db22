"""``render``: validate every letter first, then render each copy in every format, then write.

One failing letter or municipality never stops the others; each failure becomes one line. Work
is spread over worker processes; each worker keeps its renderers (fonts, stylesheets, templates)
warm for all the copies it gets.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import _overview
from ._files import write_atomic
from ._input.workspace import Workspace
from ._pipeline import Copy, compose, failure_line, prepare
from ._render.registry import Renderer, default_formats, renderer
from ._reports import BatchReport, Outcome
from .errors import DtzLettersError


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
        # Only when every format rendered are files written, each one atomically.
        for name, data in rendered.items():
            write_atomic(targets[name], data)
        warnings = tuple(
            f"{copy.shown} [{copy.slug}]: {warning}"
            for fmt in formats
            for warning in fmt.warnings(brief, copy.style)
        )
        if job.thumbnail and "pdf" in rendered:
            thumbnail = _write_thumbnail(job, copy, rendered["pdf"])
    except DtzLettersError as exc:
        return Outcome(copy.shown, copy.slug, error=failure_line(exc, copy))
    except Exception as exc:  # a renderer bug must not stop the batch
        return Outcome(
            copy.shown, copy.slug, error=f"{copy.shown} [{copy.slug}]: render failed: {exc!r}"
        )
    return Outcome(
        copy.shown,
        copy.slug,
        status="concept" if brief.concept else "definitief",
        files=tuple(targets[name] for name in job.formats),
        missing=brief.missing,
        warnings=warnings,
        thumbnail=thumbnail,
        gemeente=brief.officiele_naam,
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
    prepared = prepare(paths, workspace, gemeenten=gemeenten)
    out_dir = out or prepared.workspace.output
    report = BatchReport(
        [Outcome(f.letter, f.slug, error=f.message) for f in prepared.failures],
        warnings=list(prepared.warnings),
    )
    todo = [Job(i, names, out_dir, overview) for i in range(len(prepared.copies))]
    _COPIES[:] = prepared.copies
    try:
        _run(todo, report, jobs, on_progress)
    finally:
        _COPIES.clear()
    for outcome in report.outcomes:
        report.warnings.extend(outcome.warnings)
    if overview and report.rendered:
        report.index = _overview.update_overview(out_dir, report.rendered)
    return report


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
