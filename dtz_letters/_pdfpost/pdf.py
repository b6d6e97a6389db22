"""pikepdf helpers the post-processing steps share: open or report, save deterministically,
walk the structure tree, find fonts that are not embedded."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf


def problems_of_file(
    pdf: bytes | Path,
    check: Callable[[pikepdf.Pdf], list[str]],
    *,
    encrypted: str,
    unreadable: str,
) -> list[str]:
    """``check(doc)`` on the opened ``pdf``; a file that cannot be opened is one problem:
    ``encrypted``, or ``unreadable`` with ``{}`` standing for pikepdf's reason."""
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    try:
        doc = pikepdf.open(source)
    except pikepdf.PasswordError:
        return [encrypted]
    except pikepdf.PdfError as exc:
        return [unreadable.format(exc)]
    with doc:
        return check(doc)


def save_deterministic(doc: pikepdf.Pdf, *, fix_metadata_version: bool = True) -> bytes:
    """``doc`` as bytes that depend on its content only: no clock, no random file ID.

    Object streams are kept as WeasyPrint wrote them. ``fix_metadata_version=False`` keeps an
    XMP packet exactly as written (pikepdf would otherwise rewrite it).
    """
    out = io.BytesIO()
    doc.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.preserve,
        fix_metadata_version=fix_metadata_version,
    )
    return out.getvalue()


def kids_of(element: pikepdf.Dictionary) -> list[object]:
    """The /K entries of a structure element, as a list (MCIDs as ints)."""
    k = element.get("/K")
    items = list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k])
    return [int(i) if isinstance(i, int) else i for i in items]


def walk_structure(
    root: pikepdf.Dictionary,
) -> Iterator[tuple[pikepdf.Dictionary, pikepdf.Dictionary | None]]:
    """Every structure element under ``root`` in reading order, with its page (/Pg)."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, pikepdf.Dictionary | None]] = [
        (kid, None) for kid in reversed(kids_of(root))
    ]
    while stack:
        node, page = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        pg = node.get("/Pg")
        page = pg if isinstance(pg, pikepdf.Dictionary) else page
        yield node, page
        stack.extend((kid, page) for kid in reversed(kids_of(node)))


def elements(root: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """The structure elements under ``root`` in reading order."""
    return [element for element, _page in walk_structure(root)]


def unembedded_fonts(doc: pikepdf.Pdf) -> list[str]:
    """The names of the fonts ``doc`` uses without embedding them, sorted."""
    missing: set[str] = set()
    for obj in doc.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        # Type 3 glyphs are drawn by the file itself; a Type 0 font is embedded in its
        # descendant, which this loop visits on its own.
        if obj.get("/Subtype") in ("/Type3", "/Type0"):
            continue
        descriptor = obj.get("/FontDescriptor")
        if not isinstance(descriptor, pikepdf.Dictionary) or not any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            missing.add(str(obj.get("/BaseFont", "(unnamed)")).lstrip("/"))
    return sorted(missing)
