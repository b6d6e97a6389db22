"""The workspace: the folder that holds ``templates/``, ``letters/`` and ``output/``.

It is the one place where a municipality's slug becomes a folder: its profile, and its
:class:`HouseStyle` (the folders a renderer may read, in the order it looks).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DtzLettersError, ProfileError, UnknownGemeenteError
from .load import ProfileFile, read_profile

#: The folder of the output cache in a workspace, and the variable that moves it elsewhere
#: (a folder shared by several checkouts, a CI cache).
CACHE_FOLDER = ".dtz-cache"
CACHE_VARIABLE = "DTZ_LETTERS_CACHE"

#: The shared house style and the shipped fonts: folders of ``templates/`` that are not
#: municipalities.
BASE_FOLDER = "base"
FONTS_FOLDER = "fonts"
_SHARED = {BASE_FOLDER, FONTS_FOLDER}


@dataclass(frozen=True)
class HouseStyle:
    """Where the house style of one municipality is looked up: its folder, then ``base/``.

    Renderers read files only through this, and it is the key of every per-process cache of
    parsed templates and stylesheets: two workspaces, or two municipalities with their own
    overrides, never share one.
    """

    templates: Path  # resolved
    slug: str

    @property
    def gemeente(self) -> Path:
        """The municipality's own folder: profile, logo and overrides."""
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
        """The only folders a renderer may read files from."""
        return (self.base, self.fonts, self.gemeente)

    @property
    def base_url(self) -> str:
        return self.templates.as_uri() + "/"

    def find(self, name: str) -> Path:
        """``name`` in the municipality's folder if it overrides it, else in ``base/`` (which
        may not exist either: the caller says what is missing)."""
        own = self.gemeente / name
        return own if own.is_file() else self.base / name

    def overrides(self, pattern: str) -> bool:
        """Whether the municipality's folder holds a file matching ``pattern``."""
        return self.gemeente.is_dir() and any(self.gemeente.glob(pattern))


def cache_folder(root: Path) -> Path:
    """The cache folder of the workspace at ``root``: ``.dtz-cache/`` in it, unless the
    environment variable ``DTZ_LETTERS_CACHE`` names another folder."""
    named = os.environ.get(CACHE_VARIABLE)
    return Path(named) if named else root / CACHE_FOLDER


@dataclass
class Workspace:
    root: Path
    _profiles: dict[str, ProfileFile] = field(default_factory=dict, repr=False)

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace:
        """The nearest folder with ``templates/base/`` at or above ``start``, else above the
        working directory (so a letter kept elsewhere still finds the house styles)."""
        tried = []
        for here in dict.fromkeys(p.resolve() for p in (start or Path.cwd(), Path.cwd())):
            tried.append(str(here))
            for folder in (here, *here.parents):
                if (folder / "templates" / BASE_FOLDER).is_dir():
                    return cls(folder)
        raise DtzLettersError(
            f"no workspace found: no folder at or above {' or '.join(tried)} has templates/base/"
        )

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def base(self) -> Path:
        return self.templates / BASE_FOLDER

    @property
    def fonts(self) -> Path:
        return self.templates / FONTS_FOLDER

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def cache(self) -> Path:
        """Where this workspace keeps its cache (see dtz_letters._cache)."""
        return cache_folder(self.root)

    def slugs(self) -> list[str]:
        """Every municipality with a profile, in alphabetical order."""
        return sorted(
            p.parent.name
            for p in self.templates.glob("*/profile.yaml")
            if p.parent.name not in _SHARED
        )

    def house_style(self, slug: str) -> HouseStyle:
        """The house style of ``slug``; :class:`UnknownGemeenteError` when it has no profile."""
        style = HouseStyle(self.templates.resolve(), slug)
        if slug in _SHARED or not (style.gemeente / "profile.yaml").is_file():
            known = ", ".join(self.slugs()) or "none"
            raise UnknownGemeenteError(
                f"unknown gemeente {slug!r}: there is no "
                f"{self.templates / slug / 'profile.yaml'} (known: {known})"
            )
        return style

    def profile(self, slug: str) -> ProfileFile:
        """The validated profile of ``slug`` (loaded once per workspace)."""
        if slug not in self._profiles:
            loaded = read_profile(self.house_style(slug).gemeente)
            self._check_logo(loaded)
            self._profiles[slug] = loaded
        return self._profiles[slug]

    def _check_logo(self, loaded: ProfileFile) -> None:
        """The logo must be a file in the municipality's own folder (no ../, no symlink out)."""
        name = loaded.profile.logo.bestand
        target = (loaded.folder / name).resolve()
        why = None
        if Path(name).is_absolute():
            why = f"{name!r} is an absolute path; put the logo in {loaded.folder.name}/"
        elif not target.is_relative_to(loaded.folder.resolve()):
            why = f"{name!r} points outside the folder {loaded.folder.name}/"
        elif not target.is_file():
            why = f"{name!r} does not exist in {loaded.folder.name}/"
        if why:
            raise ProfileError(loaded.source.problem(("logo", "bestand"), why))
