"""The HTML renderer: a ``Brief`` through the Jinja house style to the HTML the PDF is made of.

The PDF renderer lays out exactly this HTML; the preview shows it. The template is found in
the municipality's folder first, then in ``base/``; everything from the letter is data,
autoescaped and passed through the ``text`` filter (which highlights unknown facts).
"""

from __future__ import annotations

import contextlib
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from markupsafe import Markup, escape

from .._compose.brief import PLACEHOLDER, Brief
from .._compose.document import (
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Table,
    nest_headings,
)
from .._input.workspace import HouseStyle, cache_folder
from .._templating import environment
from ..errors import TemplateError, display_path
from .furniture import running_header

#: The template every municipality renders; found first in its own folder, then in base/.
LETTER_TEMPLATE = "letter.html.j2"


def render(brief: Brief, style: HouseStyle) -> bytes:
    """The registry's entry: the HTML as UTF-8 bytes."""
    return render_html(brief, style).encode("utf-8")


def render_html(brief: Brief, style: HouseStyle) -> str:
    """The letter as the HTML WeasyPrint lays out (useful to inspect the house style)."""
    env = html_environment(
        _template_folders(style), style.base, cache_folder(style.templates.parent) / "jinja"
    )
    try:
        template = env.get_template(LETTER_TEMPLATE)
        return template.render(_context(brief, style))
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"The house-style template {exc.name} is missing: looked in "
            + ", ".join(display_path(f) for f in style.folders)
            + "."
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{exc.filename or exc.name}:{exc.lineno}: the house-style template has a syntax "
            f"error: {exc.message}."
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"The house-style template of {brief.slug} failed to render: {exc}."
        ) from None


def _template_folders(style: HouseStyle) -> tuple[Path, ...]:
    """Where templates are looked up: the municipality's folder only when it overrides one,
    so that municipalities without overrides share one environment and its compiled
    templates (measured: compiling per municipality was ~40 ms of a cold five-letter run)."""
    return style.folders if style.overrides("*.j2") else (style.base,)


@cache
def html_environment(
    folders: tuple[Path, ...], base: Path, compiled: Path | None = None
) -> jinja2.Environment:
    """The one Jinja environment of the PDF house style for ``folders`` (one per process).

    Names resolve in the municipality's folder first, then in base/; "base/<name>" always
    means the base file, so a municipality's letter.html.j2 can extend the one it replaces.
    Templates compiled once are kept in ``compiled`` (by their source: an edited template is
    compiled again), so a new process need not compile them (some 20 ms of a cold start).
    """
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(f) for f in folders]),
            jinja2.PrefixLoader({"base": jinja2.FileSystemLoader(str(base))}),
        ]
    )
    # Letter text is data: & < > " ' come out literally, HTML in a letter is shown as text.
    env = environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_CompiledTemplates(compiled) if compiled is not None else None,
    )
    env.filters["text"] = mark_placeholders
    env.tests["heading_block"] = lambda b: isinstance(b, Heading)
    env.tests["paragraph_block"] = lambda b: isinstance(b, Paragraph)
    env.tests["list_block"] = lambda b: isinstance(b, ListBlock)
    env.tests["table_block"] = lambda b: isinstance(b, Table)
    env.tests["quote_block"] = lambda b: isinstance(b, Quote)
    env.tests["rule_block"] = lambda b: isinstance(b, Rule)
    env.globals["unknown_block"] = _unknown_block
    return env


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates in a folder, which a render never waits for or
    fails on: a folder that cannot be made or written is left alone (the template is then
    compiled in memory, as without the cache)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)


def mark_placeholders(value: object) -> Markup:
    """Escape ``value`` and wrap each "[ONBEKEND: ...]" in a highlighted span."""
    text = str(value)
    out: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup('<span class="onbekend">{}</span>').format(match.group()))
        last = match.end()
    out.append(escape(text[last:]))
    # A line break in a plain field (a vertical tab from Word, or "\n" in a quoted value)
    # is a line break in the PDF too, as in the DOCX.
    return Markup("<br>").join(Markup("").join(out).split("\n"))


def _unknown_block(block: object) -> NoReturn:
    raise TemplateError(
        f"The PDF house style cannot draw a {type(block).__name__} block; add it to "
        "_blocks.html.j2."
    )


def logo_path(brief: Brief, style: HouseStyle) -> Path:
    """The file of the letter's logo (in the municipality's folder, as the profile names it)."""
    return style.gemeente / brief.logo.bestand


def logo_url(brief: Brief, style: HouseStyle) -> str:
    """The logo's URL, as the HTML names it."""
    return logo_path(brief, style).as_uri()


def _context(brief: Brief, style: HouseStyle) -> dict[str, Any]:
    return {
        "brief": brief,
        # The body with heading levels that never skip one below the subject (h1).
        "body": nest_headings(brief.body),
        "title": brief.title,
        # The one-line running header of later pages, the same as the Word file's.
        "kop": running_header(brief, style),
        "logo": {"url": logo_url(brief, style), "alt": brief.logo.alt},
        "colours": {"accent": brief.kleuren.accent, "tekst": brief.kleuren.tekst},
    }
