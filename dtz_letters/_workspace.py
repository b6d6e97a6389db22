"""The workspace: the folder that holds ``templates/``, ``letters/`` and ``output/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ._load import LoadedProfile, read_profile
from .errors import DtzLettersError, UnknownGemeenteError

#: Folders of ``templates/`` that are not municipalities.
_SHARED = {"base", "fonts"}


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
                if (folder / "templates" / "base").is_dir():
                    return cls(folder)
        raise DtzLettersError(
            f"no workspace found: no folder at or above {' or '.join(tried)} "
            "has templates/base/"
        )

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def base(self) -> Path:
        return self.templates / "base"

    @property
    def fonts(self) -> Path:
        return self.templates / "fonts"

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
                f"unknown gemeente {slug!r}: there is no {folder / 'profile.yaml'} "
                f"(known: {known})"
            )
        return folder

    def profile(self, slug: str) -> LoadedProfile:
        """The validated profile of ``slug`` (loaded once per workspace)."""
        if slug not in self._profiles:
            self._profiles[slug] = read_profile(self.folder(slug))
        return self._profiles[slug]
