"""Importing WeasyPrint quickly: its C libraries found without a compiler run per name, and
the parts of fontTools it imports for fonts the house style does not have loaded only if used.

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

import importlib
import importlib.util
import os
import re
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The dynamic loader's cache of the system's libraries (Linux).
LD_SO_CACHE = Path("/etc/ld.so.cache")


def library_files(names: tuple[str, ...]) -> list[Path]:
    """The files of the libraries ``names`` (``pango-1.0``) as the dynamic loader's cache
    lists them (every version it knows), read from the cache file itself, without running
    ldconfig; empty where there is no such cache (not Linux)."""
    try:
        data = LD_SO_CACHE.read_bytes()
    except OSError:
        return []
    found: list[Path] = []
    for name in names:
        pattern = rb"/[^\x00]*/lib" + re.escape(name.encode()) + rb"\.so[^\x00]*"
        found += [Path(os.fsdecode(m)) for m in sorted(set(re.findall(pattern, data)))]
    return found


def find_in_cache(name: str) -> str | None:
    """The soname of library ``name`` from the loader's cache, as ctypes.util finds it (a
    soname only: the loader picks the file of this process's architecture)."""
    names = [f.name for f in library_files((name,))]
    # ldconfig lists a versioned soname before the bare development link, as ctypes takes.
    versioned = [n for n in names if n != f"lib{name}.so"]
    found = versioned or names
    return found[0] if found else None


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    """While the block runs, ``ctypes.util.find_library`` answers from the ldconfig cache.

    Only on Linux with a readable ldconfig cache; anywhere else nothing changes.
    """
    import ctypes.util

    if not sys.platform.startswith("linux") or not LD_SO_CACHE.is_file():
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = find_in_cache
    try:
        yield
    finally:
        ctypes.util.find_library = original


#: What WeasyPrint imports from fontTools at module level for fonts it has to subset without
#: HarfBuzz and for variable fonts, with the functions it takes from them. With HarfBuzz and
#: static fonts (the house fonts) neither is used: about 50 ms of every cold start.
_UNUSED_WITH_HARFBUZZ: dict[str, tuple[str, ...]] = {
    "fontTools.subset": (),
    "fontTools.varLib.instancer": ("instantiateVariableFont",),
}


@contextmanager
def deferred_font_tools() -> Iterator[None]:
    """While the block runs (WeasyPrint's import), the modules of
    :data:`_UNUSED_WITH_HARFBUZZ` not yet imported are registered as stand-ins that import
    them at first use (any attribute of the module, or a call of a function taken from it),
    so nothing changes when they are used."""
    for name, functions in _UNUSED_WITH_HARFBUZZ.items():
        if name not in sys.modules:
            sys.modules[name] = _deferred(name, functions)
    yield


def _deferred(name: str, functions: tuple[str, ...]) -> types.ModuleType:
    stand_in = types.ModuleType(name, f"{name}, imported at first use")

    def real() -> types.ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name)

    def function(attribute: str) -> object:
        def call(*args: object, **kwargs: object) -> object:
            return getattr(real(), attribute)(*args, **kwargs)

        call.__name__ = attribute
        return call

    def other(attribute: str) -> object:
        # The import system asks a module for __path__ and the like: no reason to load it.
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    for attribute in functions:
        setattr(stand_in, attribute, function(attribute))
    stand_in.__dict__["__getattr__"] = other  # PEP 562: any other attribute imports it
    return stand_in
