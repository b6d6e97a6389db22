from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "letters" / "dtz-samenwerkingsverband.yaml"
REFERENCE = REPO.parent / "shared" / "reference" / "raadsinformatiebrief-dtz-coevorden.txt"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the repository's workspace (templates and letters) in a temporary folder."""
    root = tmp_path / "ws"
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "letters", root / "letters")
    return root
