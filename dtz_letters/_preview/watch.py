"""Watching the letter and the house styles with watchfiles (inotify on Linux, FSEvents on
macOS, polling where neither exists), and rendering again after every save.

Changes are grouped while they keep coming (an editor's save can be several file events: a
temporary file, a rename), but only for ``_STEP_MS`` of quiet: the render starts some 20 ms
after the save. A change to the letter renders it again; a change under ``templates/`` also
reads the profiles again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .state import LetterPreview, Shown

if TYPE_CHECKING:
    from watchfiles import Change

#: Quiet time that ends a group of file events, and the longest a group may grow.
_STEP_MS = 20
_DEBOUNCE_MS = 300
#: How often the watcher wakes without a change (to notice a stop).
_TIMEOUT_MS = 200


class Watcher:
    def __init__(self, preview: LetterPreview) -> None:
        self.preview = preview
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._ignored: Callable[[Change, str], bool] | None = None

    def folders(self) -> list[Path]:
        """The letter's folder and the house-style folders, each watched without descending
        (watching the letter's folder recursively could mean a whole workspace)."""
        templates = self.preview.workspace.templates.resolve()
        found = [self.preview.letter.resolve().parent, templates]
        found += sorted(p for p in templates.iterdir() if p.is_dir())
        return list(dict.fromkeys(found))

    def run(self) -> None:
        from watchfiles import DefaultFilter, watch

        self._ignored = DefaultFilter()
        letter = self.preview.letter.resolve()
        templates = self.preview.workspace.templates.resolve()
        try:
            for changes in watch(
                *self.folders(),
                watch_filter=None,
                debounce=_DEBOUNCE_MS,
                step=_STEP_MS,
                rust_timeout=_TIMEOUT_MS,
                yield_on_timeout=True,
                stop_event=self._stop,
                recursive=False,
                raise_interrupt=False,
            ):
                self.ready.set()
                detected = time.time()
                paths = [Path(p) for change, p in changes if self._relevant(change, p)]
                if not paths:
                    continue
                house_style = any(p.is_relative_to(templates) for p in paths)
                if house_style or letter in paths:
                    self._refresh(house_style, detected)
        finally:
            self.ready.set()

    def stop(self) -> None:
        self._stop.set()

    def _relevant(self, change: Change, path: str) -> bool:
        """Not an editor's swap or backup file."""
        return self._ignored is None or self._ignored(change, path)

    def _refresh(self, house_style: bool, detected: float) -> None:
        try:
            self.preview.refresh(reload_workspace=house_style, detected=detected)
        except Exception as exc:  # a bug must not end the watching: show it, keep going
            self.preview.fail(Shown(f"the preview could not render the letter: {exc!r}"))
