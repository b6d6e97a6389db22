"""Finding the C libraries WeasyPrint loads, without a compiler run per name.

WeasyPrint's ``ffi`` module tries several names for each library (GLib, Pango, HarfBuzz,
fontconfig); cffi resolves a bare name through ``ctypes.util.find_library``, which on Linux
runs ``ldconfig -p`` and then ``gcc`` (and ``ld``) once per name tried. Names that do not
exist there are common (``libharfbuzz-vector`` is optional), and each costs subprocesses:
about 0.2 s of every cold start. While WeasyPrint is imported, the lookup here reads the
``ldconfig`` cache once and answers from it; a name it does not know is left unresolved, and
WeasyPrint goes on to its next candidate (its lists end in full file names, which the dynamic
loader finds by itself, ``LD_LIBRARY_PATH`` included).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path


@cache
def _ldconfig_cache() -> str:
    """The output of ``ldconfig -p`` (empty when it cannot be had)."""
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            return subprocess.run(
                [ldconfig, "-p"],
                capture_output=True,
                text=True,
                env={**os.environ, "LC_ALL": "C", "LANG": "C"},
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
    return ""


def _abi() -> str:
    """The ABI tag ldconfig shows for this interpreter's libraries, as ctypes.util has it."""
    machine = os.uname().machine + "-" + ("64" if sys.maxsize > 2**32 else "32")
    tags = {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
        "aarch64-64": "libc6,AArch64",
    }
    return tags.get(machine, "libc6")


def library_path(name: str) -> Path | None:
    """Where the dynamic loader finds library ``name`` (``pango-1.0``), from the ldconfig
    cache; None when it is not there (or not on Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    pattern = rf"\s+lib{re.escape(name)}\.so[^\s]*\s+\({re.escape(_abi())}[^)]*\)\s+=>\s+(\S+)"
    match = re.search(pattern, _ldconfig_cache())
    return Path(match.group(1)) if match else None


def find_in_cache(name: str) -> str | None:
    """The soname of library ``name`` from the ldconfig cache, the way ctypes.util finds it."""
    pattern = rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(_abi())}"
    match = re.search(pattern, _ldconfig_cache())
    return match.group(1) if match else None


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    """While the block runs, ``ctypes.util.find_library`` answers from the ldconfig cache.

    Only on Linux with a readable ldconfig cache; anywhere else nothing changes.
    """
    import ctypes.util

    if not sys.platform.startswith("linux") or not _ldconfig_cache():
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = find_in_cache
    try:
        yield
    finally:
        ctypes.util.find_library = original
