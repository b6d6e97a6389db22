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

import atexit
import hashlib
import logging
import mimetypes
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .libs import deferred_font_tools, quick_library_lookup

with quick_library_lookup(), deferred_font_tools():
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import (
        FatalURLFetchingError,
        URLFetcher,
        URLFetcherResponse,
    )

from .._compose.brief import Brief
from .._input.workspace import HouseStyle
from .._pdfpost.images import KeptImage, keep, put_back, stand_in
from .._pdfpost.tagging import make_accessible
from ..errors import AssetError, RenderError, display_path
from .fonts import font_warning, without_glyph
from .html import logo_path, logo_url, render_html

#: The base stylesheet, and the optional stylesheet of a municipality read after it.
BASE_CSS = "letter.css"
GEMEENTE_CSS = "style.css"

#: WeasyPrint's messages for a resource it tried and failed to use (logged, not raised).
_FAILED_LOAD = re.compile(r"^(Failed to load|Failed to render|Error fetching)", re.IGNORECASE)
#: The modification time written into embedded font subsets (1 January 2000, UTC): any fixed
#: value will do, it only has to not be the clock.
_FONT_EPOCH = "946684800"
#: Warnings about the machine, not the letter: the output is the same, only slower.
_ENVIRONMENT = re.compile(r"^Using fontTools instead of HarfBuzz-Subset")


# --------------------------------------------------------------------------- entries


def render(brief: Brief, style: HouseStyle) -> bytes:
    """The registry's entry: the published PDF (PDF 1.7, tagged, PDF/UA-1 when it passes)."""
    return render_pdf(brief, style)


def warnings(brief: Brief, style: HouseStyle) -> list[str]:
    """Characters the house font lacks, printed in the fallback font or as a box."""
    warning = font_warning(brief, style)
    return [warning] if warning else []


def render_pdf(
    brief: Brief, style: HouseStyle, *, variant: str | None = None, strict: bool = False
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
    html = render_html(brief, style)
    missing = without_glyph(brief, style)
    if missing:
        html = html.translate(missing)
    stylesheets = _stylesheets(style, _stamp(style))
    # The logo as WeasyPrint embedded it in an earlier letter, or None (the archive's PDF/A
    # is always made the plain way: its bytes stay as they were).
    logo = _Logo.of(brief, style) if variant is None else None
    fetcher = AssetFetcher(style.asset_roots, logo.stand_ins() if logo else {})
    document = HTML(string=html, base_url=style.base_url, url_fetcher=fetcher)
    # WeasyPrint's images of this render, starting with the data: URLs earlier renders
    # parsed (the concept watermark, an SVG: its URL is its content, so it never goes stale).
    images: dict[str, Any] = dict(_DATA_IMAGES)
    with _weasyprint_warnings() as warnings, _fixed_font_timestamps():
        try:
            pdf: bytes = document.write_pdf(
                stylesheets=list(stylesheets),
                font_config=_font_config(style.templates),
                pdf_tags=True,
                pdf_variant=variant,
                # The published PDF is compressed once, when it is saved after mending:
                # WeasyPrint compresses every stream at zlib's level 9, and the mending opens
                # them again (5 ms of a letter; the file 0.3% larger). The archive's PDF/A
                # keeps WeasyPrint's own form.
                uncompressed_pdf=variant is None,
                cache=images,
                # HTML attributes as styles (<img width>, <td align>) only for a municipality's
                # own templates: the shared ones style with CSS alone, and matching the
                # hints' stylesheet costs every letter several milliseconds.
                presentational_hints=style.overrides("*.j2"),
            )
        except FatalURLFetchingError as exc:
            # Raised through the fetcher, which recorded why.
            fetcher.raise_failures()
            raise RenderError(f"WeasyPrint stopped on {brief.name} ({brief.slug}): {exc}.") from exc
    fetcher.raise_failures()
    _raise_warnings(warnings, strict, f"{brief.name} ({brief.slug})")
    for url, image in images.items():
        if url.startswith("data:") and len(_DATA_IMAGES) < _DATA_IMAGES_KEPT:
            _DATA_IMAGES.setdefault(url, image)
    # Page furniture as artifacts, lists and tables mended, PDF/UA-1 claimed only if it holds.
    pdf, problems = make_accessible(
        pdf,
        stable_names=variant is None,
        prepare=logo.settle if logo else None,
        compress=variant is None,
    )
    if strict and problems:
        raise RenderError(
            f"The PDF of {brief.name} ({brief.slug}) is not accessible: {problems[0]}"
        )
    return pdf


def clear_caches() -> None:
    """Forget the parsed stylesheets, font configurations and kept logos of this process:
    the next render reads and fetches them again."""
    _parse_stylesheets.cache_clear()
    _font_config.cache_clear()
    _KEPT.clear()
    _DATA_IMAGES.clear()


# A font configuration removes its copies of the house fonts when it is freed; at the end of
# the process it is freed here, whether or not Python frees every object on its way out.
atexit.register(clear_caches)


# --------------------------------------------------------------------------- the logo


#: The images of data: URLs WeasyPrint has parsed (by URL, which is their content), and how
#: many are kept at most (the house styles have one: the concept watermark). Like the parsed
#: stylesheets and font configurations, they serve one render at a time (the preview renders
#: under a lock, the batch in processes).
_DATA_IMAGES: dict[str, Any] = {}
_DATA_IMAGES_KEPT = 16

#: Each logo as WeasyPrint embedded it (by file, its date and size), see :mod:`images`.
_KEPT: dict[tuple[Path, int, int, int], KeptImage] = {}


@dataclass(frozen=True)
class _Logo:
    """A letter's logo: WeasyPrint encodes it for the first letter of a process; later
    letters get a stand-in WeasyPrint embeds as it is, and the kept image put back."""

    url: str  # as the HTML names it (WeasyPrint names the image after it)
    key: tuple[Path, int, int, int]
    size: tuple[int, int]  # pixels

    @classmethod
    def of(cls, brief: Brief, style: HouseStyle) -> _Logo | None:
        """The logo of ``brief`` if it is a raster image WeasyPrint would encode again
        (not a JPEG, which it embeds as it is); None otherwise, or when it cannot be read
        (the render then says why)."""
        path = logo_path(brief, style)
        try:
            stat = path.stat()
            key = (path, stat.st_mtime_ns, stat.st_size, stat.st_ino)
            size = _raster_size(*key)
        except OSError:
            return None
        return cls(logo_url(brief, style), key, size) if size else None

    def stand_ins(self) -> dict[str, bytes]:
        """What the fetcher serves instead of the logo: a stand-in, once it is kept."""
        return {self.url: _stand_in(*self.size)} if self.key in _KEPT else {}

    def settle(self, doc: Any) -> None:
        """On the rendered PDF: put the kept logo back, or keep it for the next letters."""
        kept = _KEPT.get(self.key)
        if kept is not None:
            if not put_back(doc, _stand_in(*self.size), kept):
                raise RenderError("The stand-in of the logo is not in the PDF.")
            return
        digest = hashlib.md5(self.url.encode(), usedforsecurity=False).hexdigest()
        for interpolate in ("1", "0"):  # WeasyPrint's name for it: /i<MD5 of URL><flag>
            found = keep(doc, f"/i{digest}{interpolate}")
            if found is not None:
                _KEPT[self.key] = found
                return


@lru_cache(maxsize=32)
def _raster_size(path: Path, mtime_ns: int, size: int, inode: int) -> tuple[int, int] | None:
    """The pixel size of a raster image WeasyPrint re-encodes (not a JPEG); else None."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return None if image.format in ("JPEG", "MPO") else image.size
    except (UnidentifiedImageError, OSError):
        return None


@lru_cache(maxsize=32)
def _stand_in(width: int, height: int) -> bytes:
    return stand_in(width, height)


# --------------------------------------------------------------------------- fonts


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


def _stamp(style: HouseStyle) -> tuple[tuple[str, int], ...]:
    """When the stylesheets last changed, so an edited style is read again in a long run."""
    stamps = []
    for css in (style.base / BASE_CSS, style.gemeente / GEMEENTE_CSS):
        if css.is_file():
            stamps.append((str(css), css.stat().st_mtime_ns))
    return tuple(stamps)


def _stylesheets(style: HouseStyle, stamp: tuple[tuple[str, int], ...]) -> tuple[Any, ...]:
    """The parsed base stylesheet, then the municipality's own ``style.css`` if it has one.

    The base is parsed once per process for all municipalities (it may fetch only from base/
    and fonts/); parsing it per municipality also registered its fonts again each time.
    """
    base_stamp = tuple(s for s in stamp if s[0] == str(style.base / BASE_CSS))
    own = _own_stylesheet(style, stamp) if (style.gemeente / GEMEENTE_CSS).is_file() else ()
    return (
        _parse_stylesheets(
            (style.base / BASE_CSS,), (style.base, style.fonts), style.templates, base_stamp
        )
        + own
    )


def _own_stylesheet(style: HouseStyle, stamp: tuple[tuple[str, int], ...]) -> tuple[Any, ...]:
    return _parse_stylesheets(
        (style.gemeente / GEMEENTE_CSS,), style.asset_roots, style.templates, stamp
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

    def __init__(self, roots: tuple[Path, ...], stand_ins: dict[str, bytes] | None = None) -> None:
        # fail_on_errors stops WeasyPrint at the first refused URL where it can.
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self.roots = tuple(root.resolve() for root in roots)
        self.failures: list[AssetError] = []
        #: URLs answered with other data (a JPEG): the logo's stand-in, see _Logo.
        self.stand_ins = stand_ins or {}

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
        if url in self.stand_ins:
            body = self.stand_ins[url]
            return _StandIn(url, body=body, headers={"Content-Type": "image/jpeg"})
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


class _StandIn(URLFetcherResponse):  # type: ignore[misc]
    """The response with the logo's stand-in: no file path, or WeasyPrint would embed the
    file itself (it reads a local image's data from its file, not from the response)."""

    @property
    def path(self) -> None:
        return None


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
