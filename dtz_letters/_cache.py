"""The output cache: an output whose inputs have not changed is never rendered again.

Every output of a copy (one letter, one municipality, one format) has a **key**: the SHA-256
of everything that decides its bytes:

* the copy as composed, the :class:`~dtz_letters._compose.brief.Brief`: every value of the
  letter and of the profile that a renderer draws (the places of still-unknown facts in their
  files aside: they are never drawn);
* the house-style files the renderer may read, by content: templates, stylesheets, fonts,
  the logo and the rest of the municipality's folder (the profile too), less the files the
  renderer declares it never reads (``Renderer.skips``: the PDF reads no Word template);
* the renderer itself (its name and module);
* the code that renders: dtz-letters' version and its own files (an edited checkout keeps
  its version number), the installed Python packages with their versions, and the system
  libraries WeasyPrint draws with (Pango, HarfBuzz, fontconfig, FreeType: their files);
* ``SOURCE_DATE_EPOCH`` when it is set (it dates a letter without a date).

The workspace's location is part of the key only for a renderer whose output names it
(``Renderer.portable`` false: the ``html`` format links the house style by absolute path);
the PDF and the DOCX come out the same wherever the workspace lies, so a cache entry and a
fresh render agree anywhere.

Entries live in ``.dtz-cache/`` in the workspace (or in the folder ``DTZ_LETTERS_CACHE``
names), one file per output: a line of JSON (the SHA-256 of the bytes, their size, the
renderer's warnings) and the bytes. They are written without waiting for the disk (the
cache only ever saves time): a damaged entry fails its SHA-256 when read and is treated as
missing. Only renderers that declare themselves ``cached`` are cached (a plug-in renderer
may read what the key does not know). The cache keeps at most :data:`LIMIT_BYTES`; the
entries used longest ago go first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fnmatch
import hashlib
import json
import os
import site
import sys
import sysconfig
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import _version
from ._compose.brief import Brief
from ._input.workspace import HouseStyle, Workspace
from ._render.libs import library_files
from ._render.registry import Renderer
from .errors import Problem

#: At most this much is kept; the entries used longest ago are removed first.
LIMIT_BYTES = 1 << 30
#: Changes when the form of keys or entries changes: every older entry is then unused.
_KEY_FORM = "dtz-letters cache 2"
#: The system libraries WeasyPrint renders with: their files are part of every key.
_LIBRARIES = ("pango-1.0", "pangoft2-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig",
              "freetype", "gobject-2.0")  # fmt: skip
#: The longest header line an entry may have.
_HEADER_LIMIT = 1 << 16


@dataclass(frozen=True)
class Entry:
    """One cached output: where its bytes are, and what they are."""

    key: str
    path: Path
    sha256: str
    size: int
    warnings: tuple[str, ...]
    offset: int  # where the bytes start in the entry's file


class OutputCache:
    """The cache of one workspace (or of the folder ``DTZ_LETTERS_CACHE`` names)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._usable = True
        # What the keys of one batch (or one preview request) share, worked out once: the
        # code's identity, each brief's and each house style's digest. A new instance looks
        # again (a long-lived process makes one per run, so an edited file is seen).
        self._code: str | None = None
        self._briefs: dict[int, tuple[Brief, str]] = {}
        self._styles: dict[tuple[HouseStyle, tuple[str, ...]], str] = {}

    @classmethod
    def of(cls, workspace: Workspace) -> OutputCache:
        """The cache of ``workspace``: ``.dtz-cache/`` in it, unless ``DTZ_LETTERS_CACHE``
        names another folder."""
        return cls(workspace.cache)

    # ------------------------------------------------------------------ keys

    def key(self, brief: Brief, style: HouseStyle, fmt: Renderer) -> str | None:
        """The key of ``fmt``'s output of ``brief``; None when ``fmt`` is not cached."""
        if not fmt.cached:
            return None
        parts: dict[str, Any] = {
            "form": _KEY_FORM,
            "code": self._code_digest(),
            "renderer": [fmt.name, fmt.suffix, fmt.module],
            "brief": self._brief_digest(brief),
            "house style": self._style_digest(style, fmt.skips),
        }
        if not fmt.portable:
            parts["location"] = str(style.templates)
        return _digest(parts)

    def derived_key(self, *parts: str | None) -> str:
        """The key of something made from other outputs (the overview's thumbnail of a PDF,
        named by its SHA-256), with the code that makes it."""
        return _digest({"form": _KEY_FORM, "code": self._code_digest(), "derived": list(parts)})

    def _code_digest(self) -> str:
        if self._code is None:
            self._code = _digest(code_identity())
        return self._code

    def _brief_digest(self, brief: Brief) -> str:
        known = self._briefs.get(id(brief))
        if known is None or known[0] is not brief:
            known = self._briefs[id(brief)] = (brief, _digest(canonical(brief)))
        return known[1]

    def _style_digest(self, style: HouseStyle, skips: tuple[str, ...]) -> str:
        digest = self._styles.get((style, skips))
        if digest is None:
            digest = self._styles[(style, skips)] = _digest(house_files(style, skips))
        return digest

    def render(
        self, fmt: Renderer, brief: Brief, style: HouseStyle, *, key: str | None = None
    ) -> tuple[bytes, tuple[str, ...]]:
        """``fmt``'s output of ``brief`` and the renderer's warnings: from the cache when it
        holds them, else rendered now (and kept). ``key``: the key, when already known."""
        try:
            key = key or self.key(brief, style, fmt)
        except OSError:  # a house-style file that cannot be read: the render will say which
            key = None
        entry = self.get(key) if key else None
        data = self.read(entry) if entry else None
        if entry is not None and data is not None:
            return data, entry.warnings
        return self.render_fresh(fmt, brief, style, key)

    def render_fresh(
        self, fmt: Renderer, brief: Brief, style: HouseStyle, key: str | None
    ) -> tuple[bytes, tuple[str, ...]]:
        """``fmt``'s output of ``brief`` rendered now, and its warnings; kept under ``key``."""
        data = fmt.render(brief, style)
        warnings = tuple(fmt.warnings(brief, style))
        if key:
            self.put(key, data, warnings)
        return data, warnings

    # ------------------------------------------------------------------ entries

    def get(self, key: str) -> Entry | None:
        """The entry of ``key``, or None (its bytes are checked when they are read)."""
        path = self._path(key)
        try:
            with path.open("rb") as fh:
                line = fh.readline(_HEADER_LIMIT)
            header = json.loads(line)
            entry = Entry(
                key,
                path,
                str(header["sha256"]),
                int(header["size"]),
                tuple(str(w) for w in header["warnings"]),
                len(line),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: pruned last
        return entry

    def read(self, entry: Entry) -> bytes | None:
        """The bytes of ``entry``; None (and the entry removed) when they are damaged."""
        try:
            with entry.path.open("rb") as fh:
                fh.seek(entry.offset)
                data = fh.read()
        except OSError:
            return None
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            with contextlib.suppress(OSError):
                entry.path.unlink()
            return None
        return data

    def put(self, key: str, data: bytes, warnings: Iterable[str] = ()) -> Entry | None:
        """Keep ``data`` under ``key``; None when the cache cannot be written (the render
        goes on without it)."""
        if not self._usable:
            return None
        path = self._path(key)
        sha256, warnings = hashlib.sha256(data).hexdigest(), tuple(warnings)
        header = json.dumps(
            {"sha256": sha256, "size": len(data), "warnings": list(warnings)}
        ).encode()
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(header + b"\n")
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            self._usable = False  # a read-only workspace, a full disk: render without
            return None
        return Entry(key, path, sha256, len(data), warnings, len(header) + 1)

    def prune(self, limit: int = LIMIT_BYTES) -> int:
        """Remove the entries used longest ago until at most ``limit`` bytes are kept;
        the number removed."""
        entries = []
        for path in self._entries():
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= limit:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed

    def size(self) -> int:
        """The bytes the cache holds."""
        total = 0
        for path in self._entries():
            with contextlib.suppress(OSError):
                total += path.stat().st_size
        return total

    def _entries(self) -> Iterator[Path]:  # the outputs, not the compiled templates
        objects = self.folder / "objects"
        if objects.is_dir():
            for path in objects.glob("*/*"):
                if not path.name.startswith("."):
                    yield path

    def _path(self, key: str) -> Path:
        return self.folder / "objects" / key[:2] / key

    def _prepare(self) -> None:
        """The cache folder, with the tag that tells backup programs to skip it."""
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            tag.write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# The output cache of dtz-letters: safe to delete (see its README).\n",
                encoding="ascii",
            )


def output_unchanged(path: Path, entry: Entry) -> bool:
    """Whether the file at ``path`` holds exactly the bytes of ``entry``."""
    try:
        if path.stat().st_size != entry.size:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha256
    except OSError:
        return False


# ---------------------------------------------------------------------- what a key holds


def canonical(value: object) -> object:
    """``value`` (a Brief and what it holds) as plain JSON data, the same for equal values.

    Each record carries its type's name, so two kinds of block with the same fields differ.
    Of a still-unknown fact only what it says counts, not where it stands in its file: no
    renderer draws the place, and the key must not depend on where the workspace lies.
    """
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    if isinstance(value, Problem):
        return {"Problem": [value.field, value.message]}
    names = _field_names(type(value))
    if names is not None:
        return {type(value).__name__: {name: canonical(getattr(value, name)) for name in names}}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    dump = getattr(value, "model_dump", None)  # a pydantic model of the profile or letter
    if dump is not None:
        return {type(value).__name__: canonical(dump(mode="json"))}
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type (None for any other type), looked up once per type."""
    if kind not in _FIELDS:
        is_record = dataclasses.is_dataclass(kind)
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)) if is_record else None
    return _FIELDS[kind]


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def house_files(style: HouseStyle, skips: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The files of ``style`` a renderer may read (all in its folders but those matching
    ``skips``), as (folder/name, SHA-256) pairs; folders are named by their part, not by
    where the workspace lies."""
    found = []
    for label, folder in (
        ("base", style.base),
        ("fonts", style.fonts),
        ("gemeente", style.gemeente),
    ):
        for path in _files_under(folder):
            if any(fnmatch.fnmatch(path.name, pattern) for pattern in skips):
                continue
            found.append((f"{label}/{path.relative_to(folder).as_posix()}", file_digest(path)))
    return sorted(found)


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def file_digest(path: Path) -> str:
    """The SHA-256 of the file at ``path`` (each version read once per process)."""
    stat = path.stat()
    return _file_digest(path, stat.st_mtime_ns, stat.st_size, stat.st_ino)


@cache
def _file_digest(path: Path, mtime_ns: int, size: int, inode: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_identity() -> dict[str, Any]:
    """What renders: dtz-letters (version and files), Python, the installed packages, the
    system libraries of WeasyPrint, and ``SOURCE_DATE_EPOCH``."""
    return {
        "version": _version.__version__,
        **_code_identity(),
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
    }


@cache
def _code_identity() -> dict[str, Any]:
    package = Path(__file__).parent
    own = hashlib.sha256()
    for path in _files_under(package):
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        # By name, size and date (as Python decides whether its compiled copy is current):
        # reading every file of the package would cost each run a few milliseconds more.
        stat = path.stat()
        own.update(
            f"{path.relative_to(package).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode()
        )
    libraries = []
    for found in library_files(_LIBRARIES):
        with contextlib.suppress(OSError):
            real = found.resolve()
            stat = real.stat()
            libraries.append([str(found), real.name, stat.st_size, stat.st_mtime_ns])
    return {
        "files": own.hexdigest(),
        "python": sys.version,
        "packages": installed_packages(),
        "libraries": libraries,
        "LD_LIBRARY_PATH": os.environ.get("LD_LIBRARY_PATH"),
    }


def installed_packages() -> list[str]:
    """The distributions installed for this interpreter (in its site-packages folders), as
    ``name-version`` (their metadata folders' names), sorted: a package installed, removed
    or upgraded changes the list. (The folders only: a project folder that happens to be on
    the import path, with a build's leftovers in it, changes nothing.)"""
    folders = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    if site.ENABLE_USER_SITE:
        folders.add(site.getusersitepackages())
    found: set[str] = set()
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return sorted(found)


def _digest(parts: object) -> str:
    data = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
