"""The workspace: the folder that holds ``templates/``, ``letters/`` and ``output/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ._load import LoadedProfile, read_profile
from .errors import DtzLettersError, ProfileError, UnknownGemeenteError

#: The shared house style and the shipped fonts: folders of ``templates/`` that are not
#: municipalities. The PDF renderer's search path names them through these too.
BASE_FOLDER = "base"
FONTS_FOLDER = "fonts"
_SHARED = {BASE_FOLDER, FONTS_FOLDER}


@dataclass
class Workspace:
    root: Path
    _profiles: dict[str, LoadedProfile] = field(default_factory=dict, repr=False)

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

    def slugs(self) -> list[str]:
        """Every municipality with a profile, in alphabetical order."""
        return sorted(
            p.parent.name
            for p in self.templates.glob("*/profile.yaml")
            if p.parent.name not in _SHARED
        )

    def folder(self, slug: str) -> Path:
        folder = self.templates / slug
        if slug in _SHARED or not (folder / "profile.yaml").is_file():
            known = ", ".join(self.slugs()) or "none"
            raise UnknownGemeenteError(
                f"unknown gemeente {slug!r}: there is no {folder / 'profile.yaml'} (known: {known})"
            )
        return folder

    def profile(self, slug: str) -> LoadedProfile:
        """The validated profile of ``slug`` (loaded once per workspace)."""
        if slug not in self._profiles:
            loaded = read_profile(self.folder(slug))
            self._check_logo(loaded)
            self._profiles[slug] = loaded
        return self._profiles[slug]

    def _check_logo(self, loaded: LoadedProfile) -> None:
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
