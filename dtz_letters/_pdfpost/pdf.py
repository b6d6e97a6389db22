"""pikepdf helpers the post-processing steps share: open or report, save deterministically,
walk the structure tree, find fonts that are not embedded."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf

#: WeasyPrint's names for images: "i", the MD5 of the image's URL, and a short suffix.
_IMAGE_NAME = re.compile(r"/i[0-9a-f]{32}[0-9A-Za-z]*")


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


def save_deterministic(
    doc: pikepdf.Pdf, *, fix_metadata_version: bool = True, object_streams: bool = False
) -> bytes:
    """``doc`` as bytes that depend on its content only: no clock, no random file ID.

    Streams without a filter are compressed. Object streams are kept as WeasyPrint wrote
    them, or, with ``object_streams``, made by qpdf (for a PDF WeasyPrint wrote
    uncompressed). ``fix_metadata_version=False`` keeps an XMP packet exactly as written
    (pikepdf would otherwise rewrite it).
    """
    out = io.BytesIO()
    doc.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=(
            pikepdf.ObjectStreamMode.generate
            if object_streams
            else pikepdf.ObjectStreamMode.preserve
        ),
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


def stable_image_names(doc: pikepdf.Pdf) -> None:
    """Rename WeasyPrint's image XObjects after their data instead of their file path.

    WeasyPrint names an image after the MD5 of its URL, an absolute file path: the same
    letter rendered in two workspace folders would differ in those names. Named by their
    data, they do not (and renaming twice changes nothing)."""
    renames: dict[str, str] = {}
    holders: list[pikepdf.Object] = []  # content streams that draw with these names
    for page in doc.pages:
        holders.append(page.obj)
        for xobjects in xobject_dicts(page.obj.get("/Resources")):
            for name in list(xobjects.keys()):
                obj = xobjects[name]
                if not _IMAGE_NAME.fullmatch(name):
                    if obj.get("/Subtype") == "/Form":
                        holders.append(obj)
                    continue
                if obj.get("/Subtype") != "/Image":
                    continue
                digest = hashlib.sha256(obj.read_raw_bytes()).hexdigest()[:32]
                new = f"/i{digest}{name[34:]}"
                renames[name] = new
                del xobjects[name]
                xobjects[new] = obj
    if not renames:
        return
    for holder in holders:
        streams = [holder] if isinstance(holder, pikepdf.Stream) else _contents(holder)
        for stream in streams:
            data = stream.read_bytes()
            # Whole name tokens only: one name may be the start of another.
            changed = re.sub(
                _IMAGE_NAME.pattern.encode(),
                lambda m: renames.get(m.group().decode(), m.group().decode()).encode(),
                data,
            )
            if changed != data:
                stream.write(changed)


def xobject_dicts(resources: object) -> list[pikepdf.Dictionary]:
    """The /XObject dictionaries of ``resources`` and of the forms they hold."""
    found: list[pikepdf.Dictionary] = []
    todo = [resources]
    seen: set[tuple[int, int]] = set()
    while todo:
        res = todo.pop()
        if not isinstance(res, pikepdf.Dictionary):
            continue
        xobjects = res.get("/XObject")
        if not isinstance(xobjects, pikepdf.Dictionary):
            continue
        found.append(xobjects)
        for name in list(xobjects.keys()):
            obj = xobjects[name]
            if obj.get("/Subtype") == "/Form" and obj.objgen not in seen:
                seen.add(obj.objgen)
                todo.append(obj.get("/Resources"))
    return found


def _contents(page: pikepdf.Object) -> list[pikepdf.Stream]:
    contents = page.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        return [contents]
    if isinstance(contents, pikepdf.Array):
        return [c for c in contents if isinstance(c, pikepdf.Stream)]
    return []
