"""The output formats: a name, a file suffix, a media type, and the module that renders.

A renderer module defines ``render(brief, style) -> bytes`` and, optionally, ``warm_up()``
(import what the first render would, before worker processes are forked) and
``warnings(brief, style) -> list[str]`` (what came out not quite as written). Adding a format
is one such module and one :func:`register` call.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from .._compose.brief import Brief
    from .._input.workspace import HouseStyle


@dataclass(frozen=True)
class Renderer:
    """One output format."""

    name: str  # on the command line: --format pdf
    suffix: str  # the output file's extension, without the dot
    media_type: str
    module: str  # the module that renders, imported on first use
    default: bool = False  # rendered when no format is asked for
    #: Kept in the output cache (see dtz_letters._cache): only a renderer whose output
    #: depends on nothing but the brief, the house-style files and the code says so.
    cached: bool = False
    #: Names (glob patterns) of house-style files the renderer never reads: a change to them
    #: does not render its outputs again.
    skips: tuple[str, ...] = ()
    #: The output is the same wherever the workspace lies (no absolute path in it).
    portable: bool = False

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)

    def render(self, brief: Brief, style: HouseStyle) -> bytes:
        return cast(bytes, self.load().render(brief, style))

    def warnings(self, brief: Brief, style: HouseStyle) -> list[str]:
        check = getattr(self.load(), "warnings", None)
        return list(check(brief, style)) if check else []

    def warm_up(self) -> None:
        warm = getattr(self.load(), "warm_up", None)
        if warm:
            warm()


_RENDERERS: dict[str, Renderer] = {}


def register(renderer: Renderer) -> Renderer:
    """Make ``renderer`` available under its name (replacing one of the same name)."""
    _RENDERERS[renderer.name] = renderer
    return renderer


def unregister(name: str) -> None:
    """Forget the renderer called ``name`` (a plug-in that is unloaded, a test that is done)."""
    _RENDERERS.pop(name, None)


def renderer(name: str) -> Renderer:
    """The renderer called ``name``; ``ValueError`` naming the known ones otherwise."""
    try:
        return _RENDERERS[name]
    except KeyError:
        known = ", ".join(_RENDERERS)
        raise ValueError(f"unknown format {name!r} (known: {known})") from None


def renderers() -> list[Renderer]:
    """Every registered renderer, in the order registered."""
    return list(_RENDERERS.values())


def default_formats() -> tuple[str, ...]:
    return tuple(r.name for r in _RENDERERS.values() if r.default)


register(
    Renderer(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{__package__}.docx",
        default=True,
        cached=True,
        skips=("*.j2", "*.css"),
        portable=True,
    )
)
register(
    Renderer(
        "pdf",
        "pdf",
        "application/pdf",
        f"{__package__}.pdf",
        default=True,
        cached=True,
        skips=("*.docx",),
        portable=True,
    )
)
# The HTML links the house style's files by their absolute paths: not portable.
register(
    Renderer(
        "html", "html", "text/html", f"{__package__}.html", cached=True, skips=("*.docx", "*.css")
    )
)
