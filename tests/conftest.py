from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
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


@pytest.fixture(autouse=True, scope="session")
def _output_cache_outside_the_repository(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Renders whose workspace is the repository itself keep their output cache in a
    temporary folder: a test never writes into the repository."""
    previous = os.environ.get("DTZ_LETTERS_CACHE")
    os.environ["DTZ_LETTERS_CACHE"] = str(tmp_path_factory.mktemp("dtz-cache"))
    yield
    if previous is None:
        os.environ.pop("DTZ_LETTERS_CACHE", None)
    else:
        os.environ["DTZ_LETTERS_CACHE"] = previous


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's workspace (templates and letters) in a temporary folder,
    with its own output cache (``.dtz-cache/`` in it, as for users)."""
    root = tmp_path / "ws"
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "letters", root / "letters")
    monkeypatch.delenv("DTZ_LETTERS_CACHE", raising=False)
    return root
