"""What the front doors report: plain records, no behaviour beyond a few views.

Every command (``render``, ``check``, ``archive``, ``verify``, ``archive list``, ``publish``)
returns one of these; the command line prints them and the overview page reads them. They
depend on nothing but :mod:`dtz_letters.errors`, so any stage may produce them and any front
door may show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem


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
    #: Why a concept is one: "2 facts unknown: datum, naam secretaris", or the letter says so.
    reason: str | None = None
    #: The traceback of an error that is a bug in dtz-letters (not in the input), for a log.
    trace: str | None = None
    #: The formats rendered in this run; the others were taken from the output cache.
    fresh: tuple[str, ...] = ()
    #: The files this run wrote (a file that already held the right bytes is left alone).
    written: tuple[Path, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def state(self) -> str:
        """What the run did for a copy it rendered: "rendered" (at least one format was
        rendered), "from the cache" (nothing rendered, a file written from the cache) or
        "unchanged" (nothing rendered, nothing written)."""
        if self.fresh:
            return "rendered"
        return "from the cache" if self.written else "unchanged"


@dataclass
class BatchReport:
    """The result of ``render``: one outcome per letter and municipality."""

    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None  # the overview page, when one was written
    #: Failures of the batch outside any letter (the overview could not be written).
    problems: list[str] = field(default_factory=list)
    # Fixed on the way in (located problems), or noticed while rendering: never fatal.
    warnings: list[Problem | str] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def rendered(self) -> list[Outcome]:
        """The copies that came out (rendered now or taken from the cache)."""
        return [o for o in self.outcomes if o.ok]

    def counts(self) -> dict[str, int]:
        """How many copies were rendered, taken from the cache, and left unchanged."""
        counts = dict.fromkeys(("rendered", "from the cache", "unchanged"), 0)
        for outcome in self.rendered:
            counts[outcome.state] += 1
        return counts


@dataclass
class CheckReport:
    """The result of ``check``: errors, facts still unknown, and the letters that passed."""

    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    valid: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: For final letters: publication facts still unknown or to be confirmed (not errors).
    publication: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ArchiveOutcome:
    """What happened to one letter for one municipality in ``archive``."""

    letter: str
    slug: str | None
    status: str | None = None  # "archived", "unchanged", "new version" or "skipped, ..."
    identificatie: str | None = None
    version: int | None = None
    folder: Path | None = None
    error: str | None = None
    trace: str | None = None  # the traceback of a bug in dtz-letters, for a log

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ArchiveReport:
    root: Path
    outcomes: list[ArchiveOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # located, from loading the letters

    @property
    def failures(self) -> list[ArchiveOutcome]:
        return [o for o in self.outcomes if not o.ok]


@dataclass(frozen=True)
class RegisterRow:
    """One archived file version, as the register records it."""

    identificatie: str
    gemeente: str
    date: str
    subject: str
    reference: str
    kind: str
    sha256: str
    size: int
    path: str  # relative to the archive root, with forward slashes
    archived_at: str
    version: int
    source: str = ""  # the letter file it was archived from (its path in the workspace)


@dataclass
class VerifyReport:
    root: Path
    problems: list[str] = field(default_factory=list)
    #: Left by an interrupted archive run, not part of the archive; the next run removes it.
    notes: list[str] = field(default_factory=list)
    files: int = 0  # files on disk that were checked
    rows: int = 0  # register rows that were checked
    #: SHA-256 over the register and every sidecar: keep it elsewhere, compare with --expect.
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PublishOutcome:
    """What happened to one letter for one municipality in ``publish``."""

    letter: str  # the letter file as shown to users
    slug: str | None
    status: str | None = None  # "published", "unchanged" or "skipped, ..."
    identificatie: str | None = None
    folder: Path | None = None  # the publication folder
    files: tuple[Path, ...] = ()  # the PDF, the attachments, the DiWoo metadata (last)
    name: str | None = None  # the letter's name (its file stem), as the overview knows it
    gemeente: str | None = None  # the municipality's official name
    error: str | None = None
    trace: str | None = None  # the traceback of a bug in dtz-letters, for a log

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def published(self) -> bool:
        return self.ok and self.folder is not None


@dataclass
class PublishReport:
    """The result of ``publish``: one outcome per copy, and the sitemaps written."""

    root: Path
    outcomes: list[PublishOutcome] = field(default_factory=list)
    #: Each municipality's Woo-index sitemap brought up to date, with its number of letters.
    sitemaps: list[tuple[Path, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    index: Path | None = None  # the overview page, when it was updated

    @property
    def failures(self) -> list[PublishOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def published(self) -> list[PublishOutcome]:
        return [o for o in self.outcomes if o.published]
