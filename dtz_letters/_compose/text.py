"""Profile values in letter text: ``{{ gemeente.naam }}`` and the few documented names.

Letter text is data. It may name profile values, evaluated in an immutable sandbox (no
attribute of Python internals, no mutation, an unknown name is an error); an error points at
the file and line of the text it is in.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .._input.safe_yaml import Loc, format_loc
from .._templating import sandbox
from ..errors import Problem, TemplateError

if TYPE_CHECKING:
    import jinja2

    from .._input.load import LetterFile, ProfileFile


@cache
def _sandbox() -> jinja2.Environment:
    return sandbox()


class Expander:
    """Fills profile values into letter text, pointing at the file and line on error."""

    def __init__(self, letter: LetterFile, profile: ProfileFile) -> None:
        self.letter = letter
        p = profile.profile
        self.context = {
            "gemeente": {
                "naam": p.naam,
                "officiele_naam": p.officiele_naam,
                "provincie": p.provincie,
                "website": p.website,
                "telefoon": p.telefoon,
                "tooi": p.tooi,
                "slug": profile.slug,
            }
        }

    def __call__(self, text: str, loc: Loc) -> str:
        if "{{" not in text and "{%" not in text and "{#" not in text:
            return text
        from jinja2 import TemplateError as JinjaError
        from jinja2 import TemplateSyntaxError

        smap = self.letter.source
        try:
            return _sandbox().from_string(text).render(self.context)
        except TemplateSyntaxError as exc:
            line = smap.text_line(loc) + (exc.lineno or 1) - 1
            raise TemplateError(
                str(Problem(smap.file, line, 1, format_loc(loc), f"template error: {exc.message}"))
            ) from None
        except JinjaError as exc:
            line = smap.text_line(loc) + _template_line(exc) - 1
            raise TemplateError(
                str(Problem(smap.file, line, 1, format_loc(loc), f"template error: {exc}"))
            ) from None


def _template_line(exc: BaseException) -> int:
    """The line inside the template text where the error was raised (1 if unknown)."""
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
