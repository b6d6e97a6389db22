"""``publish``: every final letter, for every municipality it names, ready for the Woo.

The run goes through the pipeline like every front door: letters and profiles are validated
first, then each copy is composed and published on its own, so one failure never stops the
others. Concepts are never published; a final letter whose municipality's publication facts
are not known yet is skipped with one located warning line. Each municipality's sitemap is
then made again from its publication folder.

A publication folder is named by the letter's identity (the archive's: municipality, date,
kenmerk), which the run claims for the letter file it came from in ``.publicaties.json``: a
second letter with the same identity is refused, never written over the first.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Sequence
from pathlib import Path

from .. import _overview
from .._archive.names import Names, identificatie_for
from .._archive.store import source_identity
from .._cache import OutputCache
from .._files import write_atomic
from .._input.validate import attachment_files
from .._input.workspace import Workspace
from .._pdfpost.a11y import check_pdf_accessibility
from .._pipeline import Copy, compose, failure_line, prepare
from .._render.registry import renderer
from .._reports import PublishOutcome, PublishReport
from ..errors import DtzLettersError, PublishError, display_path
from .diwoo import Bijlage, WooDocument, document_xml
from .settings import Settings, UnknownPublicationError, publication_settings
from .sitemap import METADATA_SUFFIX, SITEMAP_FILE, collect, sitemap_xml
from .validate import document_problems, sitemap_problems

#: Which letter file each publication folder belongs to: ``{"<slug>/<identity>": source}``.
SOURCES_FILE = ".publicaties.json"


def default_root(ws: Workspace) -> Path:
    """Where publications go when no folder is named: ``output/woo/``."""
    return ws.output / "woo"


def publish_letters(
    paths: Sequence[Path],
    *,
    workspace: Workspace | None = None,
    gemeenten: Sequence[str] = (),
    out: Path | None = None,
    overview: bool = True,
) -> PublishReport:
    """Publish every final letter for every municipality it names; never stop at a failure."""
    prepared = prepare(paths, workspace, gemeenten=gemeenten)
    root = out or default_root(prepared.workspace)
    report = PublishReport(root, warnings=[str(w) for w in prepared.warnings])
    report.outcomes += [
        PublishOutcome(f.letter, f.slug, error=f.message) for f in prepared.failures
    ]
    run = _Run(root, prepared.workspace.root, report, OutputCache.of(prepared.workspace))
    for copy in prepared.copies:
        run.publish(copy)
    for slug, settings in run.touched.items():
        run.write_sitemap(slug, settings)
    if overview and report.published:
        try:
            report.index = _overview.mark_published(prepared.workspace.output, report.published)
        except Exception as exc:  # the publications stand; only the overview is behind
            report.warnings.append(f"the overview page was not updated: {exc}")
    return report


class _Run:
    def __init__(
        self, root: Path, workspace_root: Path, report: PublishReport, cache: OutputCache
    ) -> None:
        self.root, self.workspace_root, self.report = root, workspace_root, report
        self.cache = cache
        self.sources = _read_sources(root / SOURCES_FILE)
        #: The municipalities whose sitemap is made again, with their settings.
        self.touched: dict[str, Settings] = {}

    def publish(self, copy: Copy) -> None:
        """Publish one copy; whatever goes wrong is this copy's one failure line."""
        try:
            outcome = self._publish(copy)
        except UnknownPublicationError as exc:
            more = f" (and {len(exc.reasons) - 1} more)" if len(exc.reasons) > 1 else ""
            self.report.warnings.append(
                f"{copy.shown} [{copy.slug}]: final, but not published: its publication facts "
                f"are not known yet: {exc.reasons[0]}{more}"
            )
            outcome = PublishOutcome(
                copy.shown, copy.slug, "skipped, publication facts not known yet"
            )
        except DtzLettersError as exc:
            outcome = PublishOutcome(copy.shown, copy.slug, error=failure_line(exc, copy))
        except OSError as exc:  # a full disk, a folder that cannot be written: this copy only
            where = f" ({display_path(Path(exc.filename))})" if exc.filename else ""
            message = f"{copy.shown} [{copy.slug}]: not published: {exc.strerror or exc}{where}"
            outcome = PublishOutcome(copy.shown, copy.slug, error=message)
        except Exception as exc:  # a bug must not stop the other letters: report it, go on
            message = (
                f"{copy.shown} [{copy.slug}]: not published: internal error "
                f"{type(exc).__name__}: {exc} (please report this)"
            )
            trace = "".join(traceback.format_exception(exc))
            outcome = PublishOutcome(copy.shown, copy.slug, error=message, trace=trace)
        self.report.outcomes.append(outcome)

    def _publish(self, copy: Copy) -> PublishOutcome:
        brief = compose(copy)
        if brief.concept:
            why = (
                "status: concept"
                if brief.status == "concept"
                else f"{len(brief.missing)} fact(s) still unknown; see dtz-letters check"
            )
            return PublishOutcome(copy.shown, copy.slug, f"skipped, a concept ({why})")
        settings = publication_settings(copy.profile)
        if settings.te_bevestigen and copy.slug not in self.touched:
            self.report.warnings.append(settings.te_bevestigen)
        assert brief.datum is not None  # a final letter without unknown facts has a date
        source = source_identity(copy.letter.path, self.workspace_root)
        identity = identificatie_for(brief.tooi, brief.datum, brief.kenmerk, source)
        key = f"{copy.slug}/{identity}"
        folder = self.root / copy.slug / identity
        claimed = self.sources.get(key)
        if claimed is not None and claimed != source:
            raise PublishError(
                f"{copy.shown} [{copy.slug}]: {identity} is already published from {claimed}; "
                f"{source} is another letter with the same municipality, date and kenmerk, so "
                f"it is not published. Give it its own kenmerk, or remove "
                f"{display_path(folder)} to publish this one in its place."
            )
        # The PDF the render command made of this copy, if the output cache holds it.
        pdf, _warnings = self.cache.render(renderer("pdf"), brief, copy.style)
        problems = check_pdf_accessibility(pdf)
        if problems:
            raise PublishError(
                f"{copy.shown} [{copy.slug}]: not published: the PDF does not pass the "
                f"accessibility check (PDF/UA-1): {problems[0]}"
            )
        files = [(f"{identity}.pdf", pdf)]
        try:
            attached = {f.place: f for f in attachment_files(copy.letter, self.workspace_root)}
        except ValueError as exc:
            raise PublishError(str(exc)) from None
        bijlagen = []
        for place, titel in enumerate(brief.bijlagen, start=1):
            url = None
            if place in attached:
                file = attached[place]
                name = Names(identity, 1).bijlage(place, file.name)
                files.append((name, file.data))
                url = f"{settings.basis_url}/{identity}/{name}"
            bijlagen.append(Bijlage(titel, url))
        metadata = document_xml(
            WooDocument(
                identifiers=tuple(x for x in (brief.kenmerk, identity) if x),
                organisatie=settings.organisatie,
                # As the PDF names itself (its title, shown as the window title).
                officiele_titel=brief.title,
                omschrijving=brief.description(addressed=True),
                informatiecategorie=settings.informatiecategorie,
                datum=brief.datum,
                bijlagen=tuple(bijlagen),
            )
        )
        wrong = document_problems(metadata)
        if wrong:
            raise PublishError(
                f"{copy.shown} [{copy.slug}]: not published: its DiWoo metadata is not valid: "
                f"{wrong[0]}"
            )
        files.append((f"{identity}{METADATA_SUFFIX}", metadata))
        if claimed is None:
            self.sources[key] = source
            _write_sources(self.root / SOURCES_FILE, self.sources)
        changed = _write_folder(folder, identity, files)
        self.touched.setdefault(copy.slug, settings)
        return PublishOutcome(
            copy.shown,
            copy.slug,
            "published" if changed else "unchanged",
            identificatie=identity,
            folder=folder,
            files=tuple(folder / name for name, _data in files),
            name=copy.letter.name,
            gemeente=brief.officiele_naam,
        )

    def write_sitemap(self, slug: str, settings: Settings) -> None:
        """Make the municipality's sitemap again from its publication folder; whatever goes
        wrong is one failure (the sitemap as it was stays)."""
        target = self.root / slug / SITEMAP_FILE
        shown = display_path(target)
        try:
            entries, problems = collect(self.root / slug, settings.basis_url)
            if not problems:
                data = sitemap_xml(entries)
                location = f"{settings.basis_url}/{SITEMAP_FILE}"
                problems = sitemap_problems(data, location=location)
            if not problems:
                if not target.is_file() or target.read_bytes() != data:
                    write_atomic(target, data)
                self.report.sitemaps.append((target, len(entries)))
                return
        except OSError as exc:
            problems = [f"{exc.strerror or exc} ({exc.filename or shown})"]
        lines = "\n".join(f"  {p}" for p in problems)
        self.report.outcomes.append(
            PublishOutcome(shown, slug, error=f"{shown}: not brought up to date, because:\n{lines}")
        )


def _write_folder(folder: Path, identity: str, files: list[tuple[str, bytes]]) -> bool:
    """Write a publication folder, its metadata last; whether anything changed.

    Attachments of an earlier publication of this letter that it no longer has are removed:
    the folder holds the letter as it is now."""
    wanted = {name for name, _data in files}
    stale = (
        [p for p in folder.glob(f"{identity}_bijlage-*") if p.name not in wanted]
        if folder.is_dir()
        else []
    )
    changed = bool(stale)
    for name, data in files:
        target = folder / name
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            continue
        write_atomic(target, data)
        changed = True
    for path in stale:
        path.unlink()
    return changed


def _read_sources(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PublishError(
            f"{display_path(path)} cannot be read ({exc}); it records which letter each "
            "publication folder belongs to. Restore or remove it."
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise PublishError(f"{display_path(path)} is not a mapping of folders to letter files.")
    return data


def _write_sources(path: Path, sources: dict[str, str]) -> None:
    text = json.dumps(sources, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
