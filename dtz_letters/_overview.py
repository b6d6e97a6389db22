"""``output/index.html``: every rendered letter at a glance, with a thumbnail of page 1.

The overview is rebuilt after each batch from a small manifest (``output/.index.json``) that
remembers earlier batches, so rendering one letter does not hide the others. Entries whose
files have gone are dropped. The letters the last batch could not render are listed on top,
each with the first line of its reason, and their cards (from earlier batches) say so. Links
are percent-encoded: a letter called ``brief#1.yaml`` links to ``brief%231.pdf``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ._files import holds, write_atomic
from ._reports import Outcome, PublishOutcome

_MANIFEST = ".index.json"
#: 256 px wide for A4 (595 pt), the width of a card's picture.
_THUMB_SCALE = 0.43
#: Colours of a thumbnail: a page of a letter needs few, and a palette PNG of 64 is a
#: quarter the size of a full-colour one, and quicker to write.
_THUMB_COLOURS = 64


#: The formats whose links come first on a card, in this order; others follow by name.
_FIRST_FORMATS = ("pdf", "docx")


def index_path(out: Path) -> Path:
    """The overview page of the output folder ``out``."""
    return out / "index.html"


def exists(out: Path) -> bool:
    """Whether ``out`` has an overview (which a batch then updates, even if nothing rendered)."""
    return index_path(out).is_file()


def update_overview(out: Path, outcomes: Iterable[Outcome]) -> Path:
    """Merge this batch's rendered letters into the manifest, list the ones that failed, and
    rewrite ``index.html``."""
    outcomes = list(outcomes)
    entries = _manifest(out)
    for outcome in outcomes:
        if not outcome.ok or outcome.slug is None:
            continue
        files = {f.suffix.lstrip("."): f for f in outcome.files}
        stem = next(iter(files.values())).stem
        key = f"{outcome.slug}/{stem}"
        entry = {
            "letter": outcome.letter,
            "gemeente": outcome.slug,
            "naam": outcome.gemeente or outcome.slug,
            "status": outcome.status or "",
            "reason": outcome.reason or "",
        }
        for fmt, path in files.items():
            entry[fmt] = _rel(path, out)
        if "pdf" in files:
            # The batch's workers make the thumbnails as they render; this is for the others.
            thumb = outcome.thumbnail
            if thumb is None:
                thumb = thumbnail_path(out, outcome.slug, stem)
                try:
                    write_thumbnail(thumb, thumbnail(files["pdf"].read_bytes()))
                except Exception:  # a card without a picture is still a card
                    thumb = None
            if thumb is not None:
                entry["thumb"] = _rel(thumb, out)
        entries[key] = {**entries.get(key, {}), **entry}
    entries = {
        key: entry
        for key, entry in entries.items()
        if any((out / entry[fmt]).is_file() for fmt in entry if fmt not in _NOT_FORMATS)
    }
    return _save(out, entries, [_failure(o) for o in outcomes if not o.ok])


def _failure(outcome: Outcome) -> dict[str, str]:
    """A letter the batch could not render, with the first line of the reason."""
    lines = (outcome.error or "").splitlines() or [""]
    reason = lines[0]
    if len(lines) > 1:
        reason += f" (and {len(lines) - 1} more)"
    return {"letter": outcome.letter, "gemeente": outcome.slug or "", "reason": reason}


def _href(path: str) -> str:
    """A link to ``path`` (relative, with forward slashes, or a file: URI) for an HTML page."""
    return path if path.startswith("file:") else quote(path, safe="/")


def mark_published(out: Path, outcomes: Iterable[PublishOutcome]) -> Path:
    """Show on the overview which letters are published under the Woo (``publish``): each
    published copy's card links its DiWoo metadata; a copy not rendered into ``out`` gets a
    card with the published PDF. Rewrites ``index.html``."""
    entries = _manifest(out)
    for outcome in outcomes:
        if not outcome.published or outcome.slug is None or not outcome.files:
            continue
        key = f"{outcome.slug}/{outcome.name}"
        entry = entries.setdefault(
            key,
            {
                "letter": outcome.letter,
                "gemeente": outcome.slug,
                "naam": outcome.gemeente or outcome.slug,
                "status": "definitief",
            },
        )
        pdf = outcome.files[0]
        if not any((out / entry[f]).is_file() for f in entry if f not in _NOT_FORMATS):
            entry["pdf"] = _rel(pdf, out)
            thumb = thumbnail_path(out, outcome.slug, str(outcome.name))
            try:
                write_thumbnail(thumb, thumbnail(pdf.read_bytes()))
                entry["thumb"] = _rel(thumb, out)
            except Exception:  # a card without a picture is still a card
                pass
        entry["woo"] = _rel(outcome.files[-1], out)
    return _save(out, entries, [])


def _manifest(out: Path) -> dict[str, dict[str, str]]:
    """The cards of the overview in ``out`` so far; none when it has no manifest or a
    damaged one (the overview is then rebuilt from this run)."""
    try:
        entries = json.loads((out / _MANIFEST).read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _save(out: Path, entries: dict[str, dict[str, str]], failures: list[dict[str, str]]) -> Path:
    """Write the manifest and ``index.html`` (each only if it changed); the page's path."""
    _forget_withdrawn(entries, out)
    _write_changed(out / _MANIFEST, json.dumps(entries, indent=1, sort_keys=True).encode())
    index = index_path(out)
    _write_changed(index, _html(entries, failures).encode("utf-8"))
    return index


def _write_changed(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` unless the file holds it already (a run that changed
    nothing leaves the overview's files, and their dates, alone)."""
    if holds(path, data):
        return
    write_atomic(path, data, durable=False)  # made again from the manifest and outcomes


def _forget_withdrawn(entries: dict[str, dict[str, str]], out: Path) -> None:
    """A publication whose metadata has gone (its folder removed) is no longer shown."""
    for entry in entries.values():
        woo = entry.get("woo")
        if woo and not (woo.startswith("file:") or (out / woo).is_file()):
            del entry["woo"]


def _rel(path: Path, out: Path) -> str:
    try:
        return path.resolve().relative_to(out.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def thumbnail_path(out: Path, slug: str, stem: str) -> Path:
    """Where the thumbnail of a letter's PDF goes in the output folder ``out``."""
    return out / "thumbs" / slug / f"{stem}.png"


def warm_up() -> None:
    """Import the thumbnail renderer now: before worker processes are forked."""
    import pypdfium2  # noqa: F401


#: What a thumbnail is made of and how: changes when :func:`thumbnail` changes its output.
THUMBNAIL_FORM = f"png, scale {_THUMB_SCALE}, {_THUMB_COLOURS} colours"


def write_thumbnail(target: Path, png: bytes) -> None:
    """Write the thumbnail ``png`` (see :func:`thumbnail`) to ``target``."""
    write_atomic(target, png, durable=False)  # made again from its PDF when found wrong


def thumbnail(pdf: bytes) -> bytes:
    """A PNG of the first page of ``pdf``, as the overview shows it."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=_THUMB_SCALE).to_pil()
    finally:
        doc.close()
    palette = image.quantize(_THUMB_COLOURS, method=Image.Quantize.FASTOCTREE)
    buf = io.BytesIO()
    # Pillow's default compression: optimize=True takes three times as long for a larger file.
    palette.save(buf, format="PNG")
    return buf.getvalue()


def _html(entries: dict[str, dict[str, str]], failures: list[dict[str, str]]) -> str:
    rows = sorted(entries.values(), key=lambda e: (e["letter"], e["gemeente"]))
    others = {key for row in rows for key in row} - set(_FIRST_FORMATS) - _NOT_FORMATS
    formats = [*_FIRST_FORMATS, *sorted(others)]
    failed = {(f["letter"], f["gemeente"]): f["reason"] for f in failures}
    cards = []
    for row in rows:
        card = dict(row)
        for key in ("thumb", "woo", *formats):
            if key in card:
                card[key] = _href(card[key])
        why = failed.get((row["letter"], row["gemeente"])) or failed.get((row["letter"], ""))
        card["failed"] = why or ""
        cards.append(card)
    return str(_page().render(rows=cards, formats=formats, failures=failures))


@cache
def _page() -> Any:
    """The page's template, compiled once per process (Jinja is imported only for it)."""
    from ._templating import environment

    return environment().from_string(_TEMPLATE)


def warm_up_page() -> None:
    """Compile the page's template now: while worker processes render, before it is needed."""
    _page()


#: The keys of a manifest entry that are not the files of a format.
_NOT_FORMATS = {"letter", "gemeente", "naam", "status", "reason", "thumb", "woo"}


_TEMPLATE = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>dtz-letters: overzicht van gerenderde brieven</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; }
h1 { font-size: 1.4rem; }
ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1.5rem; }
li { width: 280px; border: 1px solid #ccc; border-radius: 6px; padding: .75rem; }
img { width: 100%; border: 1px solid #ddd; }
.status { font-weight: bold; padding: 0 .4em; border-radius: 3px; }
.concept { background: #fde2e2; color: #8b0000; }
.definitief { background: #e2f4e2; color: #145214; }
.letter { color: #555; font-size: .85rem; word-break: break-all; }
.failed { color: #8b0000; font-size: .85rem; }
table.failures { border-collapse: collapse; margin-bottom: 2rem; }
table.failures th, table.failures td { border: 1px solid #ccc; padding: .3rem .5rem;
  text-align: left; vertical-align: top; }
table.failures td:last-child { font-family: monospace; font-size: .85rem; }
.woo { background: #e2ecf8; color: #0b3a6e; padding: .2em .4em; border-radius: 3px; }
</style>
</head>
<body>
{% if failures %}
<h1>Niet gerenderd in de laatste run ({{ failures | length }})</h1>
<table class="failures">
<thead><tr><th scope="col">Brief</th><th scope="col">Gemeente</th><th scope="col">Reden</th></tr>
</thead>
<tbody>
{% for f in failures %}
<tr><td>{{ f.letter }}</td><td>{{ f.gemeente or "alle" }}</td><td>{{ f.reason }}</td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}
<h1>Gerenderde brieven ({{ rows | length }})</h1>
<ul>
{% for row in rows %}
<li>
  <h2>{{ row.get("naam", row.gemeente) }}
    <span class="status {{ row.status }}">{{ row.status }}</span></h2>
  {% if row.get("reason") %}<p class="reason">{{ row.reason }}</p>{% endif %}
  {% if row.failed %}<p class="failed">De laatste render is mislukt; dit zijn de bestanden
     van een eerdere: {{ row.failed }}</p>{% endif %}
  {% if row.get("thumb") %}<a href="{{ row.pdf }}"><img src="{{ row.thumb }}"
     alt="Eerste pagina van de brief voor {{ row.get('naam', row.gemeente) }}"></a>{% endif %}
  <p class="letter">{{ row.letter }}</p>
  <p>{% for fmt in formats %}{% if row.get(fmt) -%}
     <a href="{{ row[fmt] }}">{{ fmt | upper }}</a>
     {%- endif %}{% if not loop.last %}
     {% endif %}{% endfor %}</p>
  {% if row.get("woo") %}<p class="woo">Gepubliceerd (Woo):
     <a href="{{ row.woo }}">DiWoo-metadata</a></p>{% endif %}
</li>
{% endfor %}
</ul>
</body>
</html>
"""
