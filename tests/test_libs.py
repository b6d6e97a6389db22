"""The quick library lookup used while WeasyPrint loads: same answers as ctypes, no compiler."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from dtz_letters._render.libs import find_in_cache, quick_library_lookup

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

#: Names WeasyPrint tries, found and not found.
NAMES = [
    "gobject-2.0",
    "pango-1.0",
    "harfbuzz",
    "harfbuzz-subset",
    "fontconfig",
    "pangoft2-1.0",
    "libgobject-2.0-0",
    "harfbuzz-vector",
    "no-such-library-at-all",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_lookup_finds_what_ctypes_finds(name: str) -> None:
    assert find_in_cache(name) == ctypes.util.find_library(name)


def test_ctypes_is_itself_again_after_the_block() -> None:
    original = ctypes.util.find_library
    with quick_library_lookup():
        assert ctypes.util.find_library("pango-1.0") == original("pango-1.0")
    assert ctypes.util.find_library is original
