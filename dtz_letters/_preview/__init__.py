"""``preview``: a local web page that shows a letter for every municipality it goes to, and
renders it again within a fraction of a second after every save.

:mod:`.state` renders (the pipeline's prepare and compose, the registered html renderer),
:mod:`.watch` watches the files, :mod:`.server` serves the page on 127.0.0.1 only.
"""

from __future__ import annotations

from pathlib import Path

from .._input.workspace import Workspace
from ..errors import DtzLettersError, display_path
from .server import PreviewServer, serve
from .state import LetterPreview


def start_preview(letter: Path, workspace: Workspace | None = None, port: int = 0) -> PreviewServer:
    """Render ``letter``, then serve and watch it; the running server (``close()`` stops it)."""
    if not letter.is_file():
        raise DtzLettersError(
            f"{display_path(letter)} does not exist; start a letter with dtz-letters new NAME"
        )
    ws = workspace or Workspace.find(letter.parent)
    return serve(LetterPreview(letter, ws), port)


__all__ = ["PreviewServer", "start_preview"]
