"""The one factory of Jinja environments.

dtz-letters uses Jinja for three things, and each gets its environment here, so the settings
that keep letter text data are decided in one place: undefined names are always an error
(``StrictUndefined``), and autoescape is on wherever letter text is interpolated into markup.

* the PDF house style (HTML templates from the house-style folders),
* the Word template (docxtpl renders its XML parts; values are escaped by ``finalize``),
* the overview page.

Letter text is never a Jinja template: the profile values it may name are put in by the small
scanner of ``_compose/text.py``, which evaluates nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2


def environment(
    *,
    loader: jinja2.BaseLoader | None = None,
    autoescape: bool = True,
    finalize: Callable[[Any], Any] | None = None,
    cls: type[jinja2.Environment] = jinja2.Environment,
    **options: Any,
) -> jinja2.Environment:
    """A Jinja environment with strict undefined names and (by default) autoescape on."""
    return cls(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        finalize=finalize,
        **options,
    )
