"""Batches: validate every letter first, then render each (letter, municipality) pair, then write.

One failing letter or municipality never stops the others; each failure becomes one line. Work
is spread over worker processes; each worker keeps its renderers (fonts, stylesheets, templates)
warm for all the letters it gets.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ._load import LoadedLetter, read_letter
from ._workspace import Workspace
from .errors import DtzLettersError, InputError, Problem, display_path

if TYPE_CHECKING:
    from ._compose import Brief

FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class Job:
    letter: Path
    slug: str
    formats: tuple[str, ...]
    out: Path
    root: Path
    thumbnail: bool = False  # also write the overview's thumbnail of the PDF's first page


@dataclass(frozen=True)
class Outcome:
    """What happened to one letter for one municipality (or to a letter as a whole)."""

    letter: str  # the letter file as shown to users
    slug: str | None
    status: str | None = None  # "concept" or "definitief", as rendered
    files: tuple[Path, ...] = ()
    error: str | None = None
    missing: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()  # rendered, but not quite as written (a font fallback)
    thumbnail: Path | None = None  # the overview's picture of page 1, when one was made
    gemeente: str | None = None  # the municipality's official name, for people to read

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BatchReport:
    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None  # the overview page, when one was written
    # Fixed on the way in (located problems), or noticed while rendering: never fatal.
    warnings: list[Problem | str] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def rendered(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok]


def check_letter(loaded: LoadedLetter, ws: Workspace) -> list[Problem]:
    """Problems a letter has against the workspace: municipalities it names must exist."""
    known = set(ws.slugs())
    lt = loaded.letter
    problems: list[Problem] = []

    def unknown(slug: str, loc: tuple[str | int, ...], key: bool = False) -> None:
        problems.append(
            loaded.source.problem(
                loc,
                f"unknown gemeente {slug!r} (known: {', '.join(sorted(known)) or 'none'})",
                key=key,
            )
        )

    for i, slug in enumerate(lt.gemeenten or []):
        if slug not in known:
            unknown(slug, ("gemeenten", i))
    for i, bijlage in enumerate(lt.bijlagen):
        if bijlage.bestand is not None:
            why = contained_file(loaded.path.parent, bijlage.bestand, ws.root)
            if why:
                problems.append(loaded.source.problem(("bijlagen", i, "bestand"), why))
    for slug in lt.per_gemeente:
        if slug not in known:
            unknown(slug, ("per_gemeente", slug), key=True)
    for i, sectie in enumerate(lt.secties):
        for name in ("alleen", "behalve"):
            for j, slug in enumerate(getattr(sectie, name) or []):
                if slug not in known:
                    unknown(slug, ("secties", i, name, j))
        if isinstance(sectie.tekst, list):
            for k, item in enumerate(sectie.tekst):
                for name in ("alleen", "behalve"):
                    for j, slug in enumerate(getattr(item, name, None) or []):
                        if slug not in known:
                            unknown(slug, ("secties", i, "tekst", k, name, j))
    return problems


def contained_file(base: Path, name: str, root: Path) -> str | None:
    """Why ``name`` (relative to ``base``) is not an existing file inside ``root``, or None.

    Absolute paths, ``..`` that climbs out, and symlinks that point out are all refused: a
    letter must not make the tool read a file outside its workspace.
    """
    if Path(name).is_absolute() or name.startswith("~"):
        return f"{name!r} is an absolute path; give a path relative to the letter's folder"
    if "://" in name:
        return f"{name!r} is a URL; give the path of a file in the workspace"
    target = (base / name).resolve()
    if not target.is_relative_to(root.resolve()):
        return f"{name!r} points outside the workspace ({root.resolve()})"
    if target.is_dir():
        return f"{name!r} is a folder, not a file"
    if not target.is_file():
        return f"{name!r} does not exist (looked for {display_path(base / name)})"
    return None


def targets(loaded: LoadedLetter, ws: Workspace, only: Sequence[str] = ()) -> list[str]:
    """The municipalities to render a letter for: those it names (default all), or ``only``."""
    named = loaded.letter.gemeenten or ws.slugs()
    if not only:
        return list(named)
    return [slug for slug in only if slug in named]


def plan(
    paths: Iterable[Path],
    ws: Workspace,
    *,
    gemeenten: Sequence[str] = (),
    formats: Sequence[str] = FORMATS,
    out: Path | None = None,
    keep: dict[Path, LoadedLetter] | None = None,
) -> tuple[list[Job], list[Outcome], list[Problem]]:
    """Validate every letter; return the render jobs, the outcomes of letters that failed,
    and the warnings of the letters (control characters removed).

    With ``keep``, the loaded letters are put in it by path, so that rendering can use
    exactly what was validated instead of parsing each letter again per municipality.
    """
    for slug in gemeenten:
        ws.folder(slug)  # an unknown --gemeente is an error for the whole command
    jobs: list[Job] = []
    failed: list[Outcome] = []
    warnings: list[Problem] = []
    out_dir = out or ws.output
    for path in paths:
        shown = display_path(path)
        try:
            loaded = read_letter(path)
        except InputError as exc:
            failed.append(Outcome(shown, None, error=str(exc)))
            continue
        if keep is not None:
            keep[path] = loaded
        warnings.extend(loaded.source.warnings)
        problems = check_letter(loaded, ws)
        if problems:
            failed.append(Outcome(shown, None, error="\n".join(map(str, problems))))
            continue
        slugs = targets(loaded, ws, gemeenten)
        if not slugs:
            named = ", ".join(loaded.letter.gemeenten or ws.slugs())
            failed.append(
                Outcome(
                    shown,
                    None,
                    error=f"{shown}: the letter is not for {', '.join(gemeenten)} "
                    f"(gemeenten: {named})",
                )
            )
        for slug in slugs:
            jobs.append(Job(path, slug, tuple(formats), out_dir, ws.root))
    return jobs, failed, warnings


def output_paths(job: Job) -> dict[str, Path]:
    return {fmt: job.out / job.slug / f"{job.letter.stem}.{fmt}" for fmt in job.formats}


_WORKSPACES: dict[Path, Workspace] = {}
#: The letters :func:`render_batch` validated, by path, for the rest of the batch. Worker
#: processes are forked after planning and inherit them: no job parses its letter again.
_VALIDATED: dict[Path, LoadedLetter] = {}


def run_job(job: Job) -> Outcome:
    """Render one letter for one municipality and write its files; never raises for input."""
    from ._compose import for_gemeente
    from ._files import write_atomic

    shown = display_path(job.letter)
    warnings: list[str] = []
    thumbnail = None
    try:
        ws = _WORKSPACES.setdefault(job.root, Workspace(job.root))
        loaded = _VALIDATED.get(job.letter) or read_letter(job.letter)
        brief = for_gemeente(loaded, ws.profile(job.slug))
        rendered = {fmt: render_format(fmt, brief, ws) for fmt in job.formats}
        targets_ = output_paths(job)
        # Only when every format rendered are files written, each one atomically.
        for fmt, data in rendered.items():
            write_atomic(targets_[fmt], data)
        if "pdf" in rendered:
            from ._pdf import font_warning

            warning = font_warning(brief, ws)
            if warning:
                warnings.append(f"{shown} [{job.slug}]: {warning}")
            if job.thumbnail:
                thumbnail = _write_thumbnail(job, rendered["pdf"])
    except DtzLettersError as exc:
        return Outcome(shown, job.slug, error=_one_line(exc, job))
    except Exception as exc:  # a renderer bug must not stop the batch
        return Outcome(shown, job.slug, error=f"{shown} [{job.slug}]: render failed: {exc!r}")
    return Outcome(
        shown,
        job.slug,
        status="concept" if brief.concept else "definitief",
        files=tuple(targets_[f] for f in job.formats),
        missing=brief.missing,
        warnings=tuple(warnings),
        thumbnail=thumbnail,
        gemeente=brief.profile.profile.officiele_naam,
    )


def _write_thumbnail(job: Job, pdf: bytes) -> Path | None:
    """The overview's thumbnail, made here in the worker while the PDF is at hand; None if
    that failed (the overview then tries again, and reports)."""
    from ._overview import thumbnail_path, write_thumbnail

    target = thumbnail_path(job.out, job.slug, job.letter.stem)
    try:
        write_thumbnail(target, pdf)
    except Exception:
        return None
    return target


def _one_line(exc: DtzLettersError, job: Job) -> str:
    text = str(exc)
    return text if text.startswith(display_path(job.letter)) else f"[{job.slug}] {text}"


def render_format(fmt: str, brief: Brief, ws: Workspace) -> bytes:
    if fmt == "pdf":
        from ._pdf import render_pdf

        return render_pdf(brief, ws)
    if fmt == "docx":
        from ._docx import render_docx

        return render_docx(brief, ws)
    raise ValueError(f"unknown format {fmt!r}")


def _warm_up(formats: Sequence[str], thumbnails: bool) -> None:
    """Import the renderers before forking workers, so each worker starts with them loaded
    (the import is done once, not once per worker)."""
    if "pdf" in formats:
        from . import _pdf  # noqa: F401
    if "docx" in formats:
        from . import _docx

        _docx.import_docxtpl()
    if thumbnails:
        import pypdfium2  # noqa: F401


def render_batch(
    paths: Sequence[Path],
    *,
    workspace: Workspace | None = None,
    gemeenten: Sequence[str] = (),
    formats: Sequence[str] = FORMATS,
    out: Path | None = None,
    jobs: int | None = None,
    on_progress: Callable[[Outcome, int, int], None] | None = None,
    overview: bool = True,
) -> BatchReport:
    """Render every letter for every municipality it names; collect outcomes, never stop.

    With ``overview``, ``index.html`` in the output folder is brought up to date afterwards.
    """
    ws = workspace or Workspace.find(paths[0].parent if paths else None)
    try:
        todo, failed, warnings = plan(
            paths, ws, gemeenten=gemeenten, formats=formats, out=out, keep=_VALIDATED
        )
        report = BatchReport(list(failed), warnings=list(warnings))
        if overview:
            todo = [replace(job, thumbnail=True) for job in todo]
        _run(todo, report, jobs, on_progress)
    finally:
        _VALIDATED.clear()
    for outcome in report.outcomes:
        report.warnings.extend(outcome.warnings)
    if overview and report.rendered:
        from ._overview import update_overview

        report.index = update_overview(out or ws.output, report.rendered)
    return report


def _usable_cpus() -> int:
    """The CPUs this process may run on (a container or taskset may allow fewer than the
    machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


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


__all__ = ["BatchReport", "Outcome", "render_batch"]
