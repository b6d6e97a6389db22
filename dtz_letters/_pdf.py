"""The PDF renderer: a ``Brief`` through the Jinja house style and WeasyPrint to tagged PDF bytes.

Only the render command imports this module, because WeasyPrint is slow to import. The parts
that cost time and do not depend on the letter (the font configuration, the parsed
stylesheets, the Jinja environment) are made once per process and reused, so a batch of
hundreds of letters keeps its speed and its memory flat.

WeasyPrint runs under control: it sees one fixed base URL (the templates folder), and its URL
fetcher serves only the house-style folders and ``data:`` URLs. A missing or forbidden asset
is an ``AssetError``, and a resource WeasyPrint could not load is a ``RenderError``: nothing
that would silently change the letter is left as a log line.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from markupsafe import Markup, escape

from ._libs import quick_library_lookup

with quick_library_lookup():
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
    from weasyprint.urls import (  # type: ignore[import-untyped]
        FatalURLFetchingError,
        URLFetcher,
        URLFetcherResponse,
    )

from ._compose import Brief
from ._document import Heading, ListBlock, Paragraph, Table, nest_headings
from ._tagging import make_accessible
from ._workspace import BASE_FOLDER, FONTS_FOLDER, Workspace
from .errors import AssetError, RenderError, TemplateError, display_path

#: The template every municipality renders; found first in its own folder, then in base/.
LETTER_TEMPLATE = "letter.html.j2"
#: The base stylesheet, and the optional stylesheet of a municipality read after it.
BASE_CSS = "letter.css"
GEMEENTE_CSS = "style.css"

_PLACEHOLDER = re.compile(r"\[ONBEKEND:[^\]]*\]")
#: WeasyPrint's messages for a resource it tried and failed to use (logged, not raised).
_FAILED_LOAD = re.compile(r"^(Failed to load|Failed to render|Error fetching)", re.IGNORECASE)
#: The modification time written into embedded font subsets (1 January 2000, UTC): any fixed
#: value will do, it only has to not be the clock.
_FONT_EPOCH = "946684800"
#: Warnings about the machine, not the letter: the output is the same, only slower.
_ENVIRONMENT = re.compile(r"^Using fontTools instead of HarfBuzz-Subset")


@dataclass(frozen=True)
class SearchPath:
    """Where the house style of one municipality is looked up: its folder, then base/.

    The key of every per-process cache here: two workspaces, or two municipalities with
    their own overrides, never share a parsed template or stylesheet.
    """

    templates: Path  # resolved
    slug: str

    @classmethod
    def of(cls, workspace: Workspace, slug: str) -> SearchPath:
        return cls(workspace.templates.resolve(), slug)

    @property
    def gemeente(self) -> Path:
        return self.templates / self.slug

    @property
    def base(self) -> Path:
        return self.templates / BASE_FOLDER

    @property
    def fonts(self) -> Path:
        return self.templates / FONTS_FOLDER

    @property
    def folders(self) -> tuple[Path, ...]:
        """The template folders, most specific first."""
        return (self.gemeente, self.base)

    @property
    def asset_roots(self) -> tuple[Path, ...]:
        """The only folders the renderer may read files from."""
        return (self.base, self.fonts, self.gemeente)

    @property
    def base_url(self) -> str:
        return self.templates.as_uri() + "/"


# --------------------------------------------------------------------------- public entry


def render_pdf(
    brief: Brief, workspace: Workspace, *, variant: str | None = None, strict: bool = False
) -> bytes:
    """Render ``brief`` as a tagged PDF (PDF/UA-1 when it passes the check) in its house style.

    ``variant`` is a WeasyPrint PDF variant such as ``"pdf/a-2a"`` (the archive's), or None for
    plain PDF 1.7. The same brief gives the same bytes.

    Characters the house font lacks are printed in the shipped fallback font, or as an empty
    box when no shipped font has them (never in a system font); :func:`font_warning` says which.

    Raises ``AssetError`` when the house style names a file that is missing or outside the
    allowed folders, ``TemplateError`` when a template is broken, and ``RenderError`` when
    WeasyPrint could not load a resource (or, with ``strict``, reported any warning at all or
    the PDF fails the accessibility check).
    """
    search = SearchPath.of(workspace, brief.slug)
    html = render_html(brief, workspace)
    stylesheets = _stylesheets(search, _stamp(search))
    fetcher = AssetFetcher(search.asset_roots)
    document = HTML(string=html, base_url=search.base_url, url_fetcher=fetcher)
    with _weasyprint_warnings() as warnings, _fixed_font_timestamps():
        try:
            pdf: bytes = document.write_pdf(
                stylesheets=list(stylesheets),
                font_config=_font_config(search.templates),
                pdf_tags=True,
                pdf_variant=variant,
                # HTML attributes as styles: what makes <ol start="3"> count from 3.
                presentational_hints=True,
            )
        except FatalURLFetchingError as exc:
            # Raised through the fetcher, which recorded why.
            fetcher.raise_failures()
            raise RenderError(f"WeasyPrint stopped on {brief.name} ({brief.slug}): {exc}.") from exc
    fetcher.raise_failures()
    _raise_warnings(warnings, strict, f"{brief.name} ({brief.slug})")
    # Page furniture as artifacts, lists and tables mended, PDF/UA-1 claimed only if it holds.
    pdf, problems = make_accessible(pdf)
    if strict and problems:
        raise RenderError(
            f"The PDF of {brief.name} ({brief.slug}) is not accessible: {problems[0]}"
        )
    return pdf


def render_html(brief: Brief, workspace: Workspace) -> str:
    """The letter as the HTML WeasyPrint lays out (useful to inspect the house style)."""
    search = SearchPath.of(workspace, brief.slug)
    env = html_environment(_template_folders(search), search.base)
    try:
        template = env.get_template(LETTER_TEMPLATE)
        return template.render(_context(brief, search))
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"The house-style template {exc.name} is missing: looked in "
            + ", ".join(display_path(f) for f in search.folders)
            + "."
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{exc.filename or exc.name}:{exc.lineno}: the house-style template has a syntax "
            f"error: {exc.message}."
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"The house-style template of {brief.slug} failed to render: {exc}."
        ) from None


# --------------------------------------------------------------------------- Jinja


def _template_folders(search: SearchPath) -> tuple[Path, ...]:
    """Where templates are looked up: the municipality's folder only when it overrides one,
    so that municipalities without overrides share one environment and its compiled
    templates (measured: compiling per municipality was ~40 ms of a cold five-letter run)."""
    if search.gemeente.is_dir() and any(search.gemeente.glob("*.j2")):
        return search.folders
    return (search.base,)


@cache
def html_environment(folders: tuple[Path, ...], base: Path) -> jinja2.Environment:
    """The one Jinja environment of the PDF house style for ``folders`` (one per process).

    Names resolve in the municipality's folder first, then in base/; "base/<name>" always
    means the base file, so a municipality's letter.html.j2 can extend the one it replaces.
    """
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(f) for f in folders]),
            jinja2.PrefixLoader({"base": jinja2.FileSystemLoader(str(base))}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        # Letter text is data: & < > " ' come out literally, HTML in a letter is shown as text.
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["text"] = mark_placeholders
    env.tests["heading_block"] = lambda b: isinstance(b, Heading)
    env.tests["paragraph_block"] = lambda b: isinstance(b, Paragraph)
    env.tests["list_block"] = lambda b: isinstance(b, ListBlock)
    env.tests["table_block"] = lambda b: isinstance(b, Table)
    env.globals["unknown_block"] = _unknown_block
    return env


def mark_placeholders(value: object) -> Markup:
    """Escape ``value`` and wrap each "[ONBEKEND: ...]" in a highlighted span."""
    text = str(value)
    out: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<span class="onbekend">{}</span>').format(match.group()))
        last = match.end()
    out.append(escape(text[last:]))
    # A line break in a plain field (a vertical tab from Word, or "\n" in a quoted value)
    # is a line break in the PDF too, as in the DOCX.
    return Markup("<br>").join(Markup("").join(out).split("\n"))


def _unknown_block(block: object) -> NoReturn:
    raise TemplateError(
        f"The PDF house style cannot draw a {type(block).__name__} block; add it to "
        "_blocks.html.j2."
    )


def _context(brief: Brief, search: SearchPath) -> dict[str, Any]:
    p = brief.profile.profile
    return {
        "brief": brief,
        # The body with heading levels that never skip one below the subject (h1).
        "body": nest_headings(brief.body),
        "title": f"{brief.documenttype}: {brief.onderwerp}",
        "logo": {"url": (search.gemeente / p.logo.bestand).as_uri(), "alt": p.logo.alt},
        "colours": {"accent": p.kleuren.accent, "tekst": p.kleuren.tekst},
    }


# --------------------------------------------------------------------------- fonts


#: The shipped font that the base stylesheet uses for all text, and the shipped font that
#: follows it in the font-family stack for the characters it lacks.
HOUSE_FONT = "Open Sans"
HOUSE_FONT_FILE = "OpenSans-Regular.ttf"
FALLBACK_FONT = "DejaVu Sans"
FALLBACK_FONT_FILE = "DejaVuSans.ttf"


def font_warning(brief: Brief, workspace: Workspace) -> str | None:
    """A warning when the letter has characters the house font lacks, else None (the caller
    names the letter and municipality).

    Such characters are printed in the shipped fallback font, or, when it lacks them too, as
    an empty box: the renderer never lets a system font into the PDF (it would not be the
    house style, nor the same on another machine).
    """
    if brief.profile.profile.lettertype != HOUSE_FONT:
        return None
    fonts = SearchPath.of(workspace, brief.slug).fonts
    text = "\n".join([brief.text(), *brief.sender_lines, brief.gemeente, brief.documenttype])
    house = _codepoints(fonts / HOUSE_FONT_FILE)
    lacking = sorted({c for c in text if ord(c) not in house and not c.isspace()})
    if not lacking:
        return None
    fallback_file = fonts / FALLBACK_FONT_FILE
    fallback = _codepoints(fallback_file) if fallback_file.is_file() else frozenset()
    in_fallback = [c for c in lacking if ord(c) in fallback]
    in_none = [c for c in lacking if ord(c) not in fallback]
    parts = []
    if in_fallback:
        parts.append(f"{_chars(in_fallback)} printed in the fallback font {FALLBACK_FONT}")
    if in_none:
        parts.append(f"{_chars(in_none)} in no shipped font, printed as an empty box")
    return f"characters the house font {HOUSE_FONT} lacks: {'; '.join(parts)}."


def _chars(chars: list[str], limit: int = 5) -> str:
    shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


@cache
def _codepoints(font_file: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    if not font_file.is_file():
        raise AssetError(f"The font {display_path(font_file)} is missing.")
    with TTFont(font_file, lazy=True) as font:
        return frozenset(font.getBestCmap())


#: A fontconfig configuration that knows no font at all: WeasyPrint adds the @font-face fonts
#: of the house style to it, so those are the only fonts Pango can choose from.
_NO_SYSTEM_FONTS = b"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig></fontconfig>
"""


@contextmanager
def _without_system_fonts() -> Iterator[None]:
    """Let fontconfig load the empty configuration while the block runs.

    WeasyPrint loads fontconfig's configuration when a ``FontConfiguration`` is made, from the
    file named by ``FONTCONFIG_FILE``. The variable is set only for that moment and restored
    after, so the rest of the process and its subprocesses (LibreOffice, say) see the machine's
    fonts as before. (The environment is process-wide; renders are not meant to run in
    threads.)
    """
    import tempfile

    previous = os.environ.get("FONTCONFIG_FILE")
    with tempfile.TemporaryDirectory(prefix="dtz-fonts-") as folder:
        config = Path(folder) / "fonts.conf"
        config.write_bytes(_NO_SYSTEM_FONTS)
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = previous


# --------------------------------------------------------------------------- WeasyPrint


@cache
def _font_config(templates: Path) -> Any:
    """One font configuration per house style per process (it holds the @font-face fonts),
    without the machine's fonts."""
    with _without_system_fonts():
        return FontConfiguration()


def _stamp(search: SearchPath) -> tuple[tuple[str, int], ...]:
    """When the stylesheets last changed, so an edited style is read again in a long run."""
    stamps = []
    for css in (search.base / BASE_CSS, search.gemeente / GEMEENTE_CSS):
        if css.is_file():
            stamps.append((str(css), css.stat().st_mtime_ns))
    return tuple(stamps)


def _stylesheets(search: SearchPath, stamp: tuple[tuple[str, int], ...]) -> tuple[Any, ...]:
    """The parsed base stylesheet, then the municipality's own ``style.css`` if it has one.

    The base is parsed once per process for all municipalities (it may fetch only from base/
    and fonts/); parsing it per municipality also registered its fonts again each time.
    """
    base_stamp = tuple(s for s in stamp if s[0] == str(search.base / BASE_CSS))
    own = _own_stylesheet(search, stamp) if (search.gemeente / GEMEENTE_CSS).is_file() else ()
    return (
        _parse_stylesheets(
            (search.base / BASE_CSS,), (search.base, search.fonts), search.templates, base_stamp
        )
        + own
    )


def _own_stylesheet(search: SearchPath, stamp: tuple[tuple[str, int], ...]) -> tuple[Any, ...]:
    return _parse_stylesheets(
        (search.gemeente / GEMEENTE_CSS,), search.asset_roots, search.templates, stamp
    )


@lru_cache(maxsize=64)
def _parse_stylesheets(
    files: tuple[Path, ...],
    roots: tuple[Path, ...],
    templates: Path,
    stamp: tuple[tuple[str, int], ...],
) -> tuple[Any, ...]:
    del stamp  # only part of the cache key
    for css in files:
        if not css.is_file():
            raise AssetError(f"The stylesheet {display_path(css)} is missing.")
    fetcher = AssetFetcher(roots)
    sheets: list[Any] = []
    with _weasyprint_warnings() as warnings:
        for css in files:
            try:
                sheets.append(
                    CSS(
                        url=css.as_uri(),
                        url_fetcher=fetcher,
                        font_config=_font_config(templates),
                    )
                )
            except FatalURLFetchingError:
                break
    fetcher.raise_failures()
    _raise_warnings(warnings, strict=False, what="the house style")
    return tuple(sheets)


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's URL fetcher, limited to the house-style folders and ``data:`` URLs.

    Every refusal is recorded as well as raised, because WeasyPrint turns some fetch errors
    into log lines (an @font-face source, an image inside an SVG); the renderer raises the
    first recorded failure after WeasyPrint returns.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        # fail_on_errors stops WeasyPrint at the first refused URL where it can.
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self.roots = tuple(root.resolve() for root in roots)
        self.failures: list[AssetError] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        try:
            return self._fetch(url, headers)
        except AssetError as exc:
            self.failures.append(exc)
            raise

    def raise_failures(self) -> None:
        if self.failures:
            raise self.failures[0]

    def _fetch(self, url: str, headers: Any) -> Any:
        scheme = url.partition(":")[0].lower() if ":" in url else ""
        if scheme == "data":
            try:
                return super().fetch(url, headers)
            except Exception as exc:
                raise AssetError(f"The data: URL {_short(url)} cannot be read: {exc}.") from exc
        if scheme != "file":
            raise AssetError(
                f"The house style asks for {_short(url)}, but only files in the house-style "
                "folders and data: URLs may be used."
            )
        path = self._allowed_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise AssetError(
                f"The house style needs {display_path(path)}: {exc.strerror}."
            ) from exc
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _allowed_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise AssetError(f"The house style asks for {_short(url)}, a file on another host.")
        # Symlinks are followed first, so a link inside a folder cannot lead out of it.
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            allowed = ", ".join(display_path(r) for r in self.roots)
            raise AssetError(
                f"The house style asks for {path}, which lies outside the folders it may use "
                f"({allowed})."
            )
        if not path.is_file():
            raise AssetError(f"The house style needs {display_path(path)}, which does not exist.")
        return path


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "..."


@contextmanager
def _fixed_font_timestamps() -> Iterator[None]:
    """Keep the clock out of the PDF's embedded font subsets.

    Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps the subset's
    ``head.modified`` with the current time, so the same letter gave different bytes a second
    later. fontTools takes that time from SOURCE_DATE_EPOCH when set: we set it for the render
    unless the caller already did. (The environment is process-wide; renders are not meant to
    run in threads, WeasyPrint itself is not thread-safe.)
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = _FONT_EPOCH
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


@contextmanager
def _weasyprint_warnings() -> Iterator[list[logging.LogRecord]]:
    """Collect what WeasyPrint logs at WARNING and above while the block runs."""
    records: list[logging.LogRecord] = []
    handler = _ListHandler(records)
    logger = logging.getLogger("weasyprint")
    level = logger.level
    # The logger may inherit a higher level from the application; we must see warnings.
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _raise_warnings(records: list[logging.LogRecord], strict: bool, what: str) -> None:
    messages = [r.getMessage() for r in records if not _ENVIRONMENT.match(r.getMessage())]
    failed = [m for m in messages if _FAILED_LOAD.match(m)]
    if failed:
        raise RenderError(f"WeasyPrint could not load a resource for {what}: {failed[0]}")
    if strict and messages:
        raise RenderError(f"WeasyPrint warned while rendering {what}: {messages[0]}")
