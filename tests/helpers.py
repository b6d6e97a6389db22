"""What several test modules need: a letter written into a workspace, resolved for one
municipality, with the house style its renderers read."""

from __future__ import annotations

import subprocess
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


#: A letter with only the required fields, for one municipality: what error cases start from.
MINIMAL_LETTER = """\
onderwerp: Test
datum: 2025-03-20
gemeenten: [coevorden]
secties:
  - tekst: Een alinea.
"""


def libreoffice_pdf(docx: Path, out_dir: Path) -> Path:
    """``docx`` converted to PDF by headless LibreOffice (a profile of its own in
    ``out_dir``, so runs do not share state): the outside judge of our Word files."""
    (pdf,) = libreoffice_pdfs([docx], out_dir)
    return pdf


def libreoffice_pdfs(
    docxs: list[Path], out_dir: Path, env: dict[str, str] | None = None
) -> list[Path]:
    """Each of ``docxs`` converted to PDF in ``out_dir`` by one headless LibreOffice run
    (its start-up is most of the time a conversion takes), with ``env`` added to its
    environment (say, a fontconfig file); the files must have distinct names."""
    import os

    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(out_dir / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, docxs),
        ],
        check=True,
        capture_output=True,
        timeout=60 + 30 * len(docxs),
        env={**os.environ, **(env or {})},
    )
    return [out_dir / d.with_suffix(".pdf").name for d in docxs]


def pdftotext(pdf: Path) -> str:
    """The text of ``pdf`` as poppler's pdftotext reads it."""
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
