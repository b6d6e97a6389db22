"""What the preview shows: every copy of one letter, rendered warm through the pipeline.

``LetterPreview.refresh`` runs the same ``prepare`` and ``compose`` as every other front door
and the registered ``html`` renderer (the HTML the PDF is laid out from), in this process, so
a save costs a render of about 30 ms per copy rather than a new process. A copy whose new
render fails keeps its last good HTML; the failure is shown as a located problem, with the
line of the file it points at. PDF and DOCX are rendered on demand from the last good brief,
once per version.

Everything here is guarded by one condition (state) and one lock (rendering: WeasyPrint and
the renderers' process-wide settings are not meant for threads).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from .._cache import OutputCache
from .._compose.brief import Brief
from .._input.workspace import HouseStyle, Workspace
from .._pipeline import compose, failure_line, prepare, targets
from .._render.registry import Renderer, renderer, renderers
from ..errors import DtzLettersError, display_path

#: The stylesheets the PDF renderer gives WeasyPrint; the preview links them into the HTML.
BASE_CSS = "letter.css"
GEMEENTE_CSS = "style.css"

#: "file:line:col: ..." or "file:line: ..." at the start of an error line.
_LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)? ")
#: A url(...) in a stylesheet.
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
#: What the preview may serve from the house-style folders, by suffix.
ASSET_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


@dataclass
class CopyView:
    """The last good render of one copy."""

    slug: str
    naam: str  # the short name, "Coevorden"
    officiele_naam: str
    html: str  # for the browser: house-style files as /templates/... URLs
    brief: Brief
    style: HouseStyle
    version: int  # the refresh that produced this HTML
    error: str | None = None  # the copy's current failure (the HTML is then older)
    # The output cache's key of its PDF: the letter and every house-style file the page
    # uses (stylesheets, fonts, logo), so a changed stylesheet is a changed copy although
    # its HTML is the same.
    stamp: str | None = None


@dataclass
class Shown:
    """One problem, warning or missing fact as the page shows it."""

    text: str  # the line as the command line prints it: file:line:col: field: message
    source: str | None = None  # the line of the file it points at
    column: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "source": self.source, "column": self.column}


@dataclass
class LetterPreview:
    """The preview of one letter: its copies, its problems, and what may be served."""

    letter: Path
    workspace: Workspace
    version: int = 0
    copies: dict[str, CopyView] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    problems: list[Shown] = field(default_factory=list)
    warnings: list[Shown] = field(default_factory=list)
    missing: list[Shown] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    closing: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    rendering: threading.Lock = field(default_factory=threading.Lock)
    _assets: frozenset[Path] = frozenset()

    @property
    def shown(self) -> str:
        return display_path(self.letter)

    # ----------------------------------------------------------------------- rendering

    def refresh(self, *, reload_workspace: bool = False, detected: float | None = None) -> None:
        """Validate and render the letter again; publish the result as a new version."""
        started = time.time()
        with self.rendering:
            if reload_workspace:  # a profile may have changed: read the profiles again
                self.workspace = Workspace(self.workspace.root)
            prepared = prepare([self.letter], self.workspace)
            problems = [self._shown(line) for f in prepared.failures for line in lines(f.message)]
            rendered: dict[str, tuple[Brief, HouseStyle, str, str | None]] = {}
            failed: dict[str, str] = {}
            missing: dict[str, Shown] = {}
            cache = OutputCache.of(self.workspace)
            for copy in prepared.copies:
                try:
                    brief = compose(copy)
                    html = renderer("html").render(brief, copy.style).decode("utf-8")
                except DtzLettersError as exc:
                    failed[copy.slug] = failure_line(exc, copy)
                    problems += [self._shown(line) for line in lines(failed[copy.slug])]
                    continue
                try:
                    stamp = cache.key(brief, copy.style, renderer("pdf"))
                except OSError:  # a house-style file that cannot be read: no stamp
                    stamp = None
                html = for_browser(html, copy.style)
                rendered[copy.slug] = (brief, copy.style, html, stamp)
                for fact in brief.missing:
                    missing.setdefault(str(fact), self._shown(str(fact)))
            order = targets(prepared.letters[0], self.workspace) if prepared.letters else self.order
        finished = time.time()
        with self.changed:
            self.version += 1
            copies = {}
            for slug in order:
                old = self.copies.get(slug)
                if slug in rendered:
                    brief, style, html, stamp = rendered[slug]
                    same = (
                        old is not None
                        and old.html == html
                        and stamp is not None
                        and old.stamp == stamp
                    )
                    copies[slug] = CopyView(
                        slug,
                        brief.gemeente,
                        brief.officiele_naam,
                        html,
                        brief,
                        style,
                        old.version if same and old else self.version,
                        stamp=stamp,
                    )
                elif old is not None:  # keep the last good render, marked with its failure
                    old.error = failed.get(slug) or "de brief heeft fouten (zie boven)"
                    copies[slug] = old
            self.copies, self.order = copies, order
            self.problems = problems
            self.warnings = [self._shown(str(w)) for w in prepared.warnings]
            if prepared.letters:  # with errors in the letter, the missing facts are unknown
                self.missing = list(missing.values())
            self._assets = frozenset(
                path for view in copies.values() for path in referenced_assets(view)
            )
            self.timings = {
                "detected": detected or started,
                "rendered": finished,
                "render_ms": round((finished - started) * 1000, 1),
            }
            self.changed.notify_all()

    def fail(self, problem: Shown) -> None:
        """Publish a failure of the preview itself (the last good copies stay)."""
        with self.changed:
            self.version += 1
            self.problems = [problem]
            self.changed.notify_all()

    def warm_up(self) -> None:
        """Import the PDF and DOCX renderers now, so the first link opens quickly."""
        with self.rendering:
            for fmt in renderers():
                if fmt.default:
                    fmt.load()
                    fmt.warm_up()

    def output(self, slug: str, suffix: str) -> tuple[bytes, Renderer, str] | None:
        """The PDF (or DOCX) of a copy's last good render: bytes, renderer, file name.

        From the output cache, which knows when the letter or its house style changed;
        rendered (and kept there) when it does not hold it."""
        chosen = next((r for r in renderers() if r.default and r.suffix == suffix), None)
        with self.changed:
            view = self.copies.get(slug)
        if chosen is None or view is None:
            return None
        name = f"{view.brief.name}-{slug}.{chosen.suffix}"
        with self.rendering:
            data, _warnings = OutputCache.of(self.workspace).render(chosen, view.brief, view.style)
        return data, chosen, name

    # ----------------------------------------------------------------------- reading

    def snapshot(self) -> dict[str, Any]:
        """The state the page shows (everything but the HTML), as JSON data."""
        with self.changed:
            return {
                "version": self.version,
                "letter": self.shown,
                "copies": [
                    {
                        "slug": v.slug,
                        "naam": v.naam,
                        "officiele_naam": v.officiele_naam,
                        "version": v.version,
                        "concept": v.brief.concept,
                        "onderwerp": v.brief.onderwerp,
                        "error": v.error,
                        "outputs": {
                            r.name: f"/copy/{v.slug}/{v.brief.name}-{v.slug}.{r.suffix}"
                            for r in renderers()
                            if r.default
                        },
                    }
                    for v in self.copies.values()
                ],
                "problems": [p.as_json() for p in self.problems],
                "warnings": [w.as_json() for w in self.warnings],
                "missing": [m.as_json() for m in self.missing],
                "timings": self.timings,
            }

    def html(self, slug: str) -> str | None:
        with self.changed:
            view = self.copies.get(slug)
            return view.html if view else None

    def asset(self, parts: list[str]) -> Path | None:
        """The house-style file at ``templates/<parts>``, if the copies shown reference it."""
        path = self.workspace.templates.joinpath(*parts).resolve()
        with self.changed:
            allowed = path in self._assets
        if allowed and path.suffix.lower() in ASSET_TYPES and path.is_file():
            return path
        return None

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until the version differs from ``seen`` (or closing, or timeout)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.closing, timeout)
            return self.version

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def _shown(self, line: str) -> Shown:
        """A message line with the line of the file it points at (only files of the
        workspace: the letter, the profiles, the house-style templates)."""
        found = _LOCATED.match(line)
        if not found:
            return Shown(line)
        path = Path(found["file"])
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        root = self.workspace.root.resolve()
        if path != self.letter.resolve() and not path.is_relative_to(root):
            return Shown(line)
        try:
            with path.open(encoding="utf-8", errors="replace", newline=None) as source:
                for number, text in enumerate(source, 1):
                    if number == int(found["line"]):
                        column = int(found["col"]) if found["col"] else None
                        return Shown(line, text.rstrip("\r\n")[:500], column)
        except OSError:
            pass
        return Shown(line)


def lines(message: str) -> list[str]:
    return [line for line in message.splitlines() if line.strip()]


def for_browser(html: str, style: HouseStyle) -> str:
    """The renderer's HTML as a browser can show it from the preview server: house-style
    files as ``/templates/...`` URLs, the stylesheets WeasyPrint gets linked in, then the
    preview's own sheet (the page as a sheet of paper)."""
    html = html.replace(style.templates.as_uri() + "/", "/templates/")
    links = [f"/templates/{style.base.name}/{BASE_CSS}"]
    if (style.gemeente / GEMEENTE_CSS).is_file():
        links.append(f"/templates/{style.slug}/{GEMEENTE_CSS}")
    links.append("/preview/sheet.css")
    head = '<base target="_blank">\n' + "".join(
        f'<link rel="stylesheet" href="{href}">\n' for href in links
    )
    at = html.find("</head>")
    return html[:at] + head + html[at:] if at >= 0 else head + html


def referenced_assets(view: CopyView) -> set[Path]:
    """The house-style files a copy's HTML and stylesheets reference: all the preview will
    serve of the house-style folders (not profiles, templates, Word files or licences)."""
    style = view.style
    roots = tuple(root.resolve() for root in style.asset_roots)
    found: set[Path] = set()
    sheets = [style.base / BASE_CSS, style.gemeente / GEMEENTE_CSS]
    for sheet in sheets:
        if not sheet.is_file():
            continue
        found.add(sheet.resolve())
        for _, url in _CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace")):
            if ":" in url.split("/")[0]:  # data:, http:, ...: never a house-style file
                continue
            found.add((sheet.parent / url2pathname(urlsplit(url).path)).resolve())
    for url in re.findall(r"""(?:src|href)="/templates/([^"#?]+)""", view.html):
        found.add((style.templates / unquote(url)).resolve())
    return {p for p in found if any(p.is_relative_to(root) for root in roots)}
