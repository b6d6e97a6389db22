"""``render``: validate every letter first, then render each copy in every format, then write.

One failing letter or municipality never stops the others; each failure becomes one line. Work
is spread over worker processes; each worker keeps its renderers (fonts, stylesheets, templates)
warm for all the copies it gets.

Nothing is rendered twice: every copy is composed first and each of its outputs looked up in
the output cache (:mod:`._cache`). An output whose inputs have not changed is taken from the
cache, and left alone when the file already holds it; only the others are rendered (``force``
renders them all). When nothing needs rendering, no renderer is even imported. A file is
written only when its bytes change.

Output files are named after the letter file: ``<out>/<slug>/<letter>.<suffix>``. Two letters
of one batch whose files would have the same names (``x/brief.yaml`` and ``y/brief.yaml``, or
names that differ only in case) are refused up front, both named, rather than one overwriting
the other. The files of one copy replace their previous versions together or not at all.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import _overview
from ._cache import Entry, OutputCache, output_unchanged
from ._compose.brief import Brief
from ._files import fsync_dir, holds, replace_together
from ._input.workspace import Workspace
from ._pipeline import Copy, compose, failure_line, prepare
from ._render.registry import Renderer, default_formats, renderer
from ._reports import BatchReport, Outcome
from .errors import DtzLettersError, display_path


@dataclass
class Plan:
    """One copy of the batch, composed, and what each of its formats needs."""

    copy: Copy
    brief: Brief
    targets: dict[str, Path]  # format -> output file
    keys: dict[str, str | None]  # format -> cache key (None: not cached)
    todo: list[str]  # formats to render
    #: Formats taken from the cache: their entry, and their bytes when the file differs.
    cached: dict[str, Entry] = field(default_factory=dict)
    restore: dict[str, bytes] = field(default_factory=dict)
    thumbnail: Path | None = None  # where the overview's picture of page 1 goes, if wanted


@dataclass(frozen=True)
class Job:
    plan: int  # the position of the plan in the batch (workers inherit the list)
    formats: tuple[str, ...]
    #: All of the copy's formats: the worker writes its files. Otherwise it renders a part
    #: and the batch writes the files when every part has come back.
    whole: bool = True


@dataclass(frozen=True)
class Part:
    """One format of a copy, rendered by a worker for the batch to write (and to make the
    thumbnail of, if it is the PDF)."""

    plan: int
    fmt: str
    data: bytes
    warnings: tuple[str, ...]


#: The plans of the running batch. Worker processes are forked after they are made and
#: inherit them: no job reads or composes its letter again.
_PLANS: list[Plan] = []
#: The cache of the running batch (in the workers too).
_CACHE: list[OutputCache] = []


def output_path(out: Path, copy: Copy, fmt: Renderer) -> Path:
    """Where the ``fmt`` file of ``copy`` goes in the output folder ``out``."""
    return out / copy.slug / f"{copy.letter.name}.{fmt.suffix}"


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
    force: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> BatchReport:
    """Render every letter for every municipality it names; collect outcomes, never stop.

    Outputs found in the cache are not rendered again (``force``: they are). With
    ``overview``, ``index.html`` in the output folder is brought up to date afterwards.
    ``meanwhile`` is called once while worker processes render, if they do: this process
    is idle then, and can prepare what it needs afterwards.
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
    cache = OutputCache.of(prepared.workspace)
    total = len(copies)
    done: dict[int, Outcome] = {}
    plans: list[Plan] = []
    order: list[int] = []  # the position in ``copies`` of each plan

    def finished(index: int, outcome: Outcome) -> None:
        done[index] = outcome
        if on_progress:
            on_progress(outcome, len(done), total)

    for index, copy in enumerate(copies):
        planned = _plan(copy, names, out_dir, cache, force, thumbnail=overview)
        if isinstance(planned, Outcome):
            finished(index, planned)
        else:
            plans.append(planned)
            order.append(index)
    _PLANS[:] = plans
    _CACHE[:] = [cache]
    try:
        for i, plan in enumerate(plans):
            if not plan.todo:  # everything from the cache: no renderer needed
                finished(order[i], _complete(plan, {}))
        _run(
            [i for i, plan in enumerate(plans) if plan.todo],
            jobs,
            lambda i, outcome: finished(order[i], outcome),
            lambda split: _meanwhile(overview, split, meanwhile),
        )
    finally:
        _PLANS.clear()
        _CACHE.clear()
    report.outcomes += [done[i] for i in sorted(done)]
    _sync_folders(report.outcomes)
    if any(o.fresh for o in report.outcomes):
        cache.prune()
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


def _sync_folders(outcomes: list[Outcome]) -> None:
    """Make the renames of the batch's files durable: each folder they went into, once."""
    for folder in dict.fromkeys(path.parent for o in outcomes for path in o.written):
        with contextlib.suppress(OSError):  # the files are in place; only their durability
            fsync_dir(folder)


# --------------------------------------------------------------------------- planning


def _plan(
    copy: Copy, names: Sequence[str], out: Path, cache: OutputCache, force: bool, thumbnail: bool
) -> Plan | Outcome:
    """Compose ``copy`` and find which of its formats must be rendered; an outcome instead
    when it cannot be composed."""
    try:
        brief = compose(copy)
    except DtzLettersError as exc:
        return Outcome(copy.shown, copy.slug, error=failure_line(exc, copy))
    except Exception as exc:  # a bug must not stop the batch
        return bug_outcome(copy, exc)
    fmts = [renderer(name) for name in names]
    plan = Plan(
        copy,
        brief,
        targets={fmt.name: output_path(out, copy, fmt) for fmt in fmts},
        keys={},
        todo=[],
        thumbnail=(
            _overview.thumbnail_path(out, copy.slug, copy.letter.name)
            if thumbnail and "pdf" in names
            else None
        ),
    )
    for fmt in fmts:
        try:
            key = cache.key(brief, copy.style, fmt)
        except OSError:  # a house-style file that cannot be read: the render will say which
            key = None
        plan.keys[fmt.name] = key
        entry = cache.get(key) if key and not force else None
        if entry is None:
            plan.todo.append(fmt.name)
            continue
        if not output_unchanged(plan.targets[fmt.name], entry):
            data = cache.read(entry)
            if data is None:  # damaged: render it again
                plan.todo.append(fmt.name)
                continue
            plan.restore[fmt.name] = data
        plan.cached[fmt.name] = entry
    return plan


# --------------------------------------------------------------------------- rendering


def run_job(job: Job) -> Outcome | Part:
    """Render the formats of one job (for its copy) and, for a whole copy, write its files;
    never raises for input."""
    plan = _PLANS[job.plan]
    copy = plan.copy
    try:
        rendered = {name: _render(plan, name) for name in job.formats}
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
    if not job.whole:
        (name,) = job.formats
        data, warnings = rendered[name]
        return Part(job.plan, name, data, warnings)
    # A copy split over workers gets its files and thumbnail from the batch (_assemble).
    return _complete(plan, rendered)


def _render(plan: Plan, name: str) -> tuple[bytes, tuple[str, ...]]:
    """``name``'s output of the plan's copy, fresh, and its warnings; kept in the cache."""
    fmt, brief, style = renderer(name), plan.brief, plan.copy.style
    if not _CACHE:
        return fmt.render(brief, style), tuple(fmt.warnings(brief, style))
    return _CACHE[0].render_fresh(fmt, brief, style, plan.keys.get(name))


def _complete(plan: Plan, rendered: dict[str, tuple[bytes, tuple[str, ...]]]) -> Outcome:
    """Write the files of a copy whose every format is at hand (rendered now, or from the
    cache) where their bytes changed, all together; then its thumbnail. Its outcome."""
    copy = plan.copy
    brief = plan.brief
    names = list(plan.targets)
    changed: dict[Path, bytes] = {}
    warnings: list[str] = []
    for name in names:
        target = plan.targets[name]
        if name in rendered:
            data, found = rendered[name]
            if not holds(target, data):
                changed[target] = data
        else:
            found = plan.cached[name].warnings
            if name in plan.restore:
                changed[target] = plan.restore[name]
        warnings += [f"{copy.shown} [{copy.slug}]: {w}" for w in found]
    # Only when every format rendered are files written, and then all together.
    try:
        # The folders are synced once, when the batch is done (render_batch).
        replace_together(changed, sync_folders=False)
    except OSError as exc:
        return Outcome(
            copy.shown,
            copy.slug,
            error=f"{copy.shown} [{copy.slug}]: could not write "
            f"{display_path(Path(exc.filename or plan.targets[names[0]]))}: {exc.strerror}; "
            "the files of the previous render are left as they were",
        )
    thumbnail = _write_thumbnail(plan, rendered)
    return Outcome(
        copy.shown,
        copy.slug,
        status="concept" if brief.concept else "definitief",
        files=tuple(plan.targets[name] for name in names),
        missing=brief.missing,
        warnings=tuple(warnings),
        thumbnail=thumbnail,
        gemeente=brief.officiele_naam,
        reason=concept_reason(brief),
        fresh=tuple(name for name in names if name in rendered),
        written=tuple(changed),
    )


def _write_thumbnail(plan: Plan, rendered: dict[str, tuple[bytes, tuple[str, ...]]]) -> Path | None:
    """The overview's thumbnail of the copy's PDF: left alone when current, else taken
    from the cache or made; None if that failed (the overview then tries again)."""
    target = plan.thumbnail
    if target is None:
        return None
    cache = _CACHE[0] if _CACHE else None
    pdf_sha = plan.cached["pdf"].sha256 if "pdf" in plan.cached else None
    if "pdf" in rendered:
        pdf_sha = hashlib.sha256(rendered["pdf"][0]).hexdigest()
    key = cache.derived_key("thumbnail", _overview.THUMBNAIL_FORM, pdf_sha) if cache else None
    try:
        thumb = None
        if cache is not None and key is not None:
            entry = cache.get(key)
            if entry is not None:
                if output_unchanged(target, entry):
                    return target
                thumb = cache.read(entry)
        if thumb is None:
            pdf = rendered["pdf"][0] if "pdf" in rendered else _pdf_bytes(plan)
            thumb = _overview.thumbnail(pdf)
            if cache is not None and key is not None:
                cache.put(key, thumb)
        if not holds(target, thumb):
            _overview.write_thumbnail(target, thumb)
    except Exception:
        return None
    return target


def _pdf_bytes(plan: Plan) -> bytes:
    """The copy's PDF as the batch leaves it: restored from the cache, or its file."""
    if "pdf" in plan.restore:
        return plan.restore["pdf"]
    return plan.targets["pdf"].read_bytes()


def concept_reason(brief: Brief) -> str | None:
    """Why a copy is a concept, in a few words; None for a final one."""
    if brief.missing:
        count = len(brief.missing)
        named = f": {', '.join(dict.fromkeys(brief.gaps))}" if brief.gaps else ""
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


def _worker_started() -> None:
    """A worker's first step: its garbage collector runs less often. Rendering makes many
    short-lived objects that reference counting frees anyway; collecting after every 700
    new ones cost about 4% of a letter (callgrind)."""
    gc.set_threshold(10_000, 20, 20)


def _meanwhile(overview: bool, split: bool, more: Callable[[], None] | None) -> None:
    """What this process does while its workers render: what it needs afterwards, so that
    it is ready when the last copy comes back (the overview's template; the thumbnailer,
    when it makes the thumbnails of copies split over workers; whatever the caller asks)."""
    if overview:
        _overview.warm_up_page()
        if split:
            _overview.warm_up()
    if more is not None:
        more()


def _run(
    todo: list[int],
    jobs: int | None,
    finished: Callable[[int, Outcome], None],
    meanwhile: Callable[[bool], None] = lambda split: None,
) -> None:
    """Render the plans at ``todo``, calling ``finished`` with each one's outcome; with
    worker processes, ``meanwhile`` once they are at work."""
    if not todo:
        return
    cpus = jobs or _usable_cpus()
    work = [Job(i, tuple(_PLANS[i].todo)) for i in todo]
    # Fewer copies than workers: each format of a copy is a job of its own, and the workers
    # import their renderers side by side (a single letter comes out in the time of its PDF).
    split = len(work) < cpus and sum(len(job.formats) for job in work) > len(work)
    if split:
        work = [Job(job.plan, (name,), whole=False) for job in work for name in job.formats]
    workers = min(cpus, len(work))
    if workers == 1:
        for job in work:
            result = run_job(job)
            assert isinstance(result, Outcome)
            finished(job.plan, result)
        return
    if not split:
        _warm_up(
            sorted({name for job in work for name in job.formats}),
            any(_PLANS[job.plan].thumbnail for job in work),
        )
    import multiprocessing
    import tempfile
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("fork")
    parts: dict[int, list[Part]] = {}
    failed: set[int] = set()  # copies a part of which failed: their other parts are dropped
    # Workers end without Python's exit handlers, so temporary files they leave (WeasyPrint
    # copies the house fonts into a folder it removes only then) go into a folder of the
    # batch's, removed when the workers are done.
    scratch = tempfile.TemporaryDirectory(prefix="dtz-render-")
    previous_tempdir = tempfile.tempdir
    tempfile.tempdir = scratch.name
    # What the parent holds now (the imported renderers, the validated letters) is never
    # garbage in a worker: frozen, a worker's collector does not scan it, so does not touch
    # (and copy) the pages it shares with the parent.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_worker_started
        ) as pool:
            # One job at a time: a job is 0.1 s of work and a few hundred bytes to send, and
            # larger chunks leave one worker idle at the end while the other finishes a chunk.
            pending = {pool.submit(run_job, job): job for job in work}
            idle = False
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    result = future.result()
                    if job.plan in failed:
                        continue
                    if isinstance(result, Outcome):
                        if not job.whole:
                            failed.add(job.plan)
                            parts.pop(job.plan, None)
                        finished(job.plan, result)
                        continue
                    arrived = parts.setdefault(job.plan, [])
                    arrived.append(result)
                    if len(arrived) == len(_PLANS[job.plan].todo):
                        del parts[job.plan]
                        finished(job.plan, _assemble(job.plan, arrived))
                if not idle and len(pending) < workers:
                    # A worker has nothing left to do, so a CPU is free: this process
                    # prepares what it needs afterwards (every worker is forked by now).
                    idle = True
                    meanwhile(split)
    finally:
        gc.unfreeze()
        tempfile.tempdir = previous_tempdir
        scratch.cleanup()


def _assemble(index: int, arrived: list[Part]) -> Outcome:
    """Write a copy whose formats were rendered by several workers."""
    rendered = {part.fmt: (part.data, part.warnings) for part in arrived}
    return _complete(_PLANS[index], rendered)
