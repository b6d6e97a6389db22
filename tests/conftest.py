from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# The fuzz test (test_fuzz.py): a few examples in every test run, hundreds with
# HYPOTHESIS_PROFILE=long (make fuzz), which also keeps failing examples in .hypothesis/.
settings.register_profile("quick", max_examples=15, deadline=None, database=None)
settings.register_profile("long", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

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
