"""What several test modules need: a letter written into a workspace, resolved for one
municipality, with the house style its renderers read."""

from __future__ import annotations

import textwrap
from pathlib import Path

from dtz_letters import Brief, HouseStyle, Workspace, compose
from tests.conftest import REPO


def write_letter(ws_root: Path, yaml_text: str, name: str = "brief.yaml") -> Path:
    """``yaml_text`` (dedented) as ``letters/<name>`` in the workspace ``ws_root``."""
    path = ws_root / "letters" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    return path


def brief_of(
    letter: Path, slug: str = "coevorden", ws_root: Path | None = None
) -> tuple[Brief, HouseStyle]:
    """The brief of ``letter`` for ``slug`` and that municipality's house style."""
    ws = Workspace(ws_root) if ws_root is not None else Workspace.find(letter.parent)
    return compose(letter, slug, workspace=ws.root), ws.house_style(slug)


def brief_for(ws_root: Path, yaml_text: str, slug: str = "coevorden") -> tuple[Brief, HouseStyle]:
    """A new letter from ``yaml_text``, resolved for ``slug``, and its house style."""
    return brief_of(write_letter(ws_root, yaml_text), slug, ws_root)


def repo_style(slug: str = "coevorden") -> HouseStyle:
    """The house style of ``slug`` in the repository's own workspace."""
    return Workspace(REPO).house_style(slug)
