"""dtz-letters: raadsinformatiebrieven from YAML to DOCX and PDF in municipal house style.

The public API is what this module exports (``__all__``), with the error classes of
:mod:`dtz_letters.errors`; everything in ``_``-packages and ``_``-modules is internal and may
change. The command line (:mod:`dtz_letters.cli`) uses nothing else.

Words, as the code uses them:

slug
    A municipality's folder name and its name on the command line: ``coevorden``.
naam, officiele_naam
    Its short name (``Coevorden``) and its official name (``gemeente Coevorden``).
profile
    The facts of a municipality in ``templates/<slug>/profile.yaml`` (:class:`ProfileFile`
    once validated); its **house style** is the folders a renderer reads (:class:`HouseStyle`).
letter file
    A letter as written in YAML (:class:`LetterFile` once validated), possibly for several
    municipalities.
copy
    One letter file for one municipality; composed, it is a :class:`Brief`: the letter
    resolved for that municipality, everything a renderer draws.
renderer
    One output format (``pdf``, ``docx``, ``html``), registered in a registry
    (:func:`register_renderer`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._compose.brief import Brief
from ._input.load import LetterFile, ProfileFile
from ._input.workspace import HouseStyle, Workspace
from ._render.registry import Renderer, register, renderers
from ._reports import (
    ArchiveOutcome,
    ArchiveReport,
    BatchReport,
    CheckReport,
    Outcome,
    PublishOutcome,
    PublishReport,
    RegisterRow,
    VerifyReport,
)
from ._version import __version__
from .errors import (
    ArchiveError,
    AssetError,
    DtzLettersError,
    InputError,
    LetterError,
    Problem,
    ProfileError,
    PublishError,
    RenderError,
    TemplateError,
    UnknownGemeenteError,
)

if TYPE_CHECKING:
    from ._preview.server import PreviewServer


#: Make a new output format available: ``register_renderer(Renderer("txt", "txt",
#: "text/plain", "my_package.txt_renderer"))``, where that module defines
#: ``render(brief, style) -> bytes``.
register_renderer = register

Paths = Sequence[str | Path]


def load_letter(path: str | Path) -> LetterFile:
    """Read and validate a letter file; raises :class:`LetterError` listing every problem."""
    from ._input.load import read_letter

    return read_letter(Path(path))


def compose(
    letter: str | Path | LetterFile, gemeente: str, *, workspace: str | Path | None = None
) -> Brief:
    """The letter resolved for one municipality (by slug): what every renderer draws.

    Raises what ``check`` reports: :class:`LetterError`, :class:`ProfileError`,
    :class:`UnknownGemeenteError`, :class:`TemplateError`.
    """
    from ._pipeline import compose as compose_copy
    from ._pipeline import copy_of

    return compose_copy(copy_of(letter, gemeente, _workspace(workspace)))


def render(
    letter: str | Path | LetterFile,
    gemeente: str,
    fmt: str = "pdf",
    *,
    workspace: str | Path | None = None,
) -> bytes:
    """Render one letter for one municipality to the bytes of a format (``pdf``, ``docx``,
    ``html`` or any registered one)."""
    from ._pipeline import compose as compose_copy
    from ._pipeline import copy_of
    from ._render.registry import renderer

    chosen = renderer(fmt)
    copy = copy_of(letter, gemeente, _workspace(workspace))
    return chosen.render(compose_copy(copy), copy.style)


def render_batch(
    letters: Paths,
    *,
    workspace: str | Path | None = None,
    gemeenten: Sequence[str] = (),
    formats: Sequence[str] | None = None,
    out: str | Path | None = None,
    jobs: int | None = None,
    on_progress: Callable[[Outcome, int, int], None] | None = None,
    overview: bool = True,
    force: bool = False,
    while_rendering: Callable[[], None] | None = None,
) -> BatchReport:
    """Render letters for every municipality they name (or only ``gemeenten``) in every
    format (default: the default formats, DOCX and PDF) and write the files into
    ``out/<slug>/<letter>.<suffix>`` (default ``output/`` in the workspace), in ``jobs``
    worker processes. With ``overview``, ``out/index.html`` is brought up to date.

    An output whose inputs have not changed since it was last rendered is taken from the
    workspace's output cache (``.dtz-cache/``) instead of being rendered again, and a file
    that already holds it is not written; ``force`` renders everything anyway. Each
    outcome's ``state`` says which ("rendered", "from the cache", "unchanged").

    ``while_rendering`` is called once in this process while worker processes render (if
    any do): this process waits then, and can prepare what it shows afterwards."""
    from ._batch import render_batch as run_batch

    return run_batch(
        [Path(p) for p in letters],
        workspace=_workspace(workspace),
        gemeenten=gemeenten,
        formats=formats,
        out=Path(out) if out is not None else None,
        jobs=jobs,
        on_progress=on_progress,
        overview=overview,
        force=force,
        meanwhile=while_rendering,
    )


def check(letters: Paths, *, workspace: str | Path | None = None) -> CheckReport:
    """Validate letters against their workspace; list errors and still-unknown facts."""
    from ._check import check_letters

    return check_letters([Path(p) for p in letters], _workspace(workspace))


def archive(
    letters: Paths,
    *,
    gemeenten: Sequence[str] = (),
    archive_dir: str | Path | None = None,
    new_version: bool = False,
    final_only: bool = False,
    workspace: str | Path | None = None,
) -> ArchiveReport:
    """Archive final letters as PDF/A-2a with MDTO sidecars (default: output/archief/).

    With ``final_only``, concepts are skipped instead of refused."""
    from ._archive.run import archive_letters

    return archive_letters(
        [Path(p) for p in letters],
        workspace=_workspace(workspace),
        gemeenten=gemeenten,
        root=Path(archive_dir) if archive_dir is not None else None,
        new_version=new_version,
        final_only=final_only,
    )


def publish(
    letters: Paths,
    *,
    gemeenten: Sequence[str] = (),
    out: str | Path | None = None,
    workspace: str | Path | None = None,
    overview: bool = True,
) -> PublishReport:
    """Publish final letters under the Woo: for each letter and municipality a folder with
    the PDF (PDF/UA), its attachments and its DiWoo metadata, and per municipality a Woo-index
    sitemap (default: output/woo/). Concepts are skipped, and so are letters whose
    municipality's publication facts are not known yet (with a warning). With ``overview``,
    the overview page marks the published letters."""
    from ._publish.run import publish_letters

    return publish_letters(
        [Path(p) for p in letters],
        workspace=_workspace(workspace),
        gemeenten=gemeenten,
        out=Path(out) if out is not None else None,
        overview=overview,
    )


def list_archive(
    archive_dir: str | Path | None = None,
    *,
    gemeente: str | None = None,
    year: int | None = None,
    search: str | None = None,
) -> list[RegisterRow]:
    """The archived letter versions (one row per version's PDF), filtered, in archive order.
    Without ``archive_dir``, the archive of the workspace around the working directory."""
    from ._archive.register import list_archive as list_rows

    return list_rows(_archive_dir(archive_dir), gemeente=gemeente, year=year, search=search)


def verify(archive_dir: str | Path | None = None, *, expect: str | None = None) -> VerifyReport:
    """Check an archive's files, sidecars and register; every problem in ``.problems``.
    Without ``archive_dir``, the archive of the workspace around the working directory.

    ``.digest`` is one SHA-256 over the register and every sidecar: kept elsewhere, it shows
    a later change that the archive alone cannot (a consistent rewrite). With ``expect``, a
    different digest is a problem."""
    from ._archive.verify import verify_archive

    return verify_archive(_archive_dir(archive_dir), expect=expect)


def check_pdf_accessibility(pdf: bytes | str | Path) -> list[str]:
    """The accessibility problems of a PDF (the machine-checkable part of PDF/UA-1), one
    sentence each; empty when it passes."""
    from ._pdfpost.a11y import check_pdf_accessibility as check_pdf

    return check_pdf(pdf if isinstance(pdf, bytes) else Path(pdf))


def new_letter(
    name: str, *, gemeenten: Sequence[str] = (), workspace: str | Path | None = None
) -> Path:
    """Start a letter: write ``letters/<name>.yaml`` from a skeleton that names every field
    (the subject, text and date still to write, so ``check`` lists them); never overwrites.
    ``gemeenten`` become its list of municipalities (default: all). Returns the new file."""
    from ._new import new_letter as write_skeleton

    return write_skeleton(name, _workspace(workspace), gemeenten)


def preview(
    letter: str | Path, *, port: int = 0, workspace: str | Path | None = None
) -> PreviewServer:
    """Serve a live preview of ``letter`` for every municipality it goes to on
    ``http://127.0.0.1:<port>/`` (``port`` 0: a free one), rendered again after every save
    of the letter or the house styles. Returns the running server: ``.url``, ``.wait()``,
    ``.close()`` (also a context manager)."""
    from ._preview import start_preview

    return start_preview(Path(letter), _workspace(workspace), port)


def __getattr__(name: str) -> Any:
    # The preview's server (and http.server with it) is imported when first named, so that
    # every other command starts without it.
    if name == "PreviewServer":
        from ._preview.server import PreviewServer

        return PreviewServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _workspace(given: str | Path | None) -> Workspace | None:
    return Workspace(Path(given)) if given is not None else None


def _archive_dir(given: str | Path | None) -> Path:
    if given is not None:
        return Path(given)
    from ._archive.run import default_root

    return default_root(Workspace.find())


__all__ = [
    "ArchiveError",
    "ArchiveOutcome",
    "ArchiveReport",
    "AssetError",
    "BatchReport",
    "Brief",
    "CheckReport",
    "DtzLettersError",
    "HouseStyle",
    "InputError",
    "LetterError",
    "LetterFile",
    "Outcome",
    "PreviewServer",
    "Problem",
    "ProfileError",
    "ProfileFile",
    "PublishError",
    "PublishOutcome",
    "PublishReport",
    "RegisterRow",
    "RenderError",
    "Renderer",
    "TemplateError",
    "UnknownGemeenteError",
    "VerifyReport",
    "Workspace",
    "__version__",
    "archive",
    "check",
    "check_pdf_accessibility",
    "compose",
    "list_archive",
    "load_letter",
    "new_letter",
    "preview",
    "publish",
    "register_renderer",
    "render",
    "render_batch",
    "renderers",
    "verify",
]
