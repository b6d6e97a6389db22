"""The accessibility check of a published PDF: the machine-checkable part of PDF/UA-1.

:func:`check_pdf_accessibility` reads a PDF and returns one sentence per problem (an empty list
when it finds none). It checks what a program can decide from the file's structure: that the
structure tree exists and covers every piece of content that is not an artifact, that every
figure has alternative text, that heading levels do not skip, that lists and tables have their
parts, and that language, title and window title are set. It does not judge what needs a
person: whether alternative text describes the image, whether the reading order makes sense
beyond following the structure tree, colour contrast. It is no substitute for veraPDF or PAC.

The renderer runs the same check (:func:`problems_of`) before it writes the PDF/UA
identification into the metadata: a file only claims PDF/UA-1 when it passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from .pdf import kids_of, problems_of_file, unembedded_fonts, walk_structure

#: Operators that put marks on the page (text, paths, images, shadings, forms).
PAINTING = frozenset(
    ["Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "EI"]
)
_HEADING = re.compile(r"/H([1-6])")
_XMP_TITLE = re.compile(
    rb"<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>([^<]*\S[^<]*)</rdf:li>", re.DOTALL
)


def check_pdf_accessibility(pdf: bytes | Path) -> list[str]:
    """The accessibility problems of ``pdf``, each as a sentence; empty when it passes."""
    return problems_of_file(
        pdf,
        problems_of,
        encrypted="The PDF is encrypted, so its structure cannot be checked.",
        unreadable="The file cannot be read as PDF ({}).",
    )


#: A page's content stream as parsed instructions (what pikepdf.parse_content_stream gives).
Instructions = list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage]


def problems_of(
    doc: pikepdf.Pdf, contents: dict[tuple[int, int], Instructions] | None = None
) -> list[str]:
    """The accessibility problems of an open PDF (see :func:`check_pdf_accessibility`).

    ``contents``: pages' content streams already parsed (by the page's object id), so that a
    caller who has just written them need not have them parsed again."""
    problems = _document_problems(doc)
    root = doc.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        problems.append("The PDF has no structure tree (it is not tagged).")
        problems.extend(_content_problems(doc, _Tree(), contents or {}))
        return problems
    tree = _read_tree(doc, root)
    problems.extend(_content_problems(doc, tree, contents or {}))
    problems.extend(_element_problems(tree))
    return problems


# --------------------------------------------------------------------------- document level


def _document_problems(doc: pikepdf.Pdf) -> list[str]:
    problems: list[str] = []
    catalog = doc.Root
    mark_info = catalog.get("/MarkInfo")
    if not (isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False))):
        problems.append("The catalog's /MarkInfo does not say /Marked true.")
    if not str(catalog.get("/Lang", "")).strip():
        problems.append("The document language (/Lang in the catalog) is not set.")
    preferences = catalog.get("/ViewerPreferences")
    if not (
        isinstance(preferences, pikepdf.Dictionary)
        and bool(preferences.get("/DisplayDocTitle", False))
    ):
        problems.append(
            "The viewer shows the file name, not the title: /DisplayDocTitle is not true."
        )
    metadata = catalog.get("/Metadata")
    xmp = metadata.read_bytes() if isinstance(metadata, pikepdf.Stream) else b""
    if not _XMP_TITLE.search(xmp):
        problems.append("The XMP metadata has no document title (dc:title).")
    for font in unembedded_fonts(doc):
        problems.append(f"The font {font} is not embedded.")
    for number, page in enumerate(doc.pages, start=1):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array) or len(annots) == 0:
            continue
        if page.obj.get("/Tabs") != "/S":
            problems.append(f"page {number}: the tab order does not follow the structure (/Tabs).")
        for annot in annots:
            if annot.get("/Subtype") == "/Link" and not str(annot.get("/Contents", "")).strip():
                problems.append(f"page {number}: a link has no description (/Contents).")
            if annot.get("/Subtype") not in ("/Popup",) and "/StructParent" not in annot:
                problems.append(f"page {number}: an annotation is not in the structure tree.")
    return problems


# --------------------------------------------------------------------------- structure tree


@dataclass
class _Tree:
    """What the structure tree reaches: its elements in reading order, and content per page."""

    elements: list[pikepdf.Dictionary] = field(default_factory=list)
    #: (page objgen, MCID) pairs that a reachable element claims.
    claimed: set[tuple[tuple[int, int], int]] = field(default_factory=set)
    reachable: set[tuple[int, int]] = field(default_factory=set)
    parent_tree: dict[int, pikepdf.Object] = field(default_factory=dict)


def _read_tree(doc: pikepdf.Pdf, root: pikepdf.Dictionary) -> _Tree:
    tree = _Tree()
    parent_tree = root.get("/ParentTree")
    if isinstance(parent_tree, pikepdf.Dictionary):
        tree.parent_tree = {int(k): v for k, v in pikepdf.NumberTree(parent_tree).items()}
    for element, page in walk_structure(root):
        tree.elements.append(element)
        if element.is_indirect:
            tree.reachable.add(element.objgen)
        for kid in kids_of(element):
            if isinstance(kid, int):
                if page is not None:
                    tree.claimed.add((page.objgen, kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                mcr_page = kid.get("/Pg", page)
                if isinstance(mcr_page, pikepdf.Dictionary) and "/MCID" in kid:
                    tree.claimed.add((mcr_page.objgen, int(kid.MCID)))
    return tree


def _element_problems(tree: _Tree) -> list[str]:
    problems: list[str] = []
    last_heading = 0
    for element in tree.elements:
        kind = str(element.S)
        if kind == "/Figure":
            alt = str(element.get("/Alt", "")).strip() or str(element.get("/ActualText", ""))
            if not alt.strip():
                problems.append("A figure (image) has no alternative text (/Alt).")
        if match := _HEADING.fullmatch(kind):
            level = int(match.group(1))
            if level > last_heading + 1:
                before = f"H{last_heading}" if last_heading else "the start of the document"
                problems.append(f"The heading levels skip: an H{level} follows {before}.")
            last_heading = level
        if kind == "/L":
            for kid in _structkids(element):
                if str(kid.S) not in ("/LI", "/Caption"):
                    problems.append(f"A list (L) holds a {str(kid.S)[1:]}, not a list item (LI).")
        if kind == "/LI":
            kids = [str(k.S) for k in _structkids(element)]
            if "/LBody" not in kids:
                problems.append("A list item (LI) has no body (LBody).")
            for other in sorted(set(kids) - {"/Lbl", "/LBody"}):
                problems.append(f"A list item (LI) holds a {other[1:]} outside its body (LBody).")
        if kind == "/Table" and not _has_headers(element):
            problems.append("A table has no header cells (TH) in its first row or column.")
    if not any(_HEADING.fullmatch(str(e.S)) for e in tree.elements):
        problems.append("The document has no headings (H1 for the subject).")
    return problems


def _structkids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    return [k for k in kids_of(element) if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _has_headers(table: pikepdf.Dictionary) -> bool:
    rows: list[pikepdf.Dictionary] = []
    for kid in _structkids(table):
        if kid.S == "/TR":
            rows.append(kid)
        elif str(kid.S) in ("/THead", "/TBody", "/TFoot"):
            rows.extend(r for r in _structkids(kid) if r.S == "/TR")
    if not rows:
        return False
    cells = [[str(c.S) for c in _structkids(row)] for row in rows]
    first_row = "/TH" in cells[0]
    first_column = all(row and row[0] == "/TH" for row in cells)
    return first_row or first_column


# --------------------------------------------------------------------------- page content


def _content_problems(
    doc: pikepdf.Pdf, tree: _Tree, contents: dict[tuple[int, int], Instructions]
) -> list[str]:
    problems: list[str] = []
    for number, page in enumerate(doc.pages, start=1):
        parsed = contents.get(page.obj.objgen)
        if parsed is None:
            parsed = list(pikepdf.parse_content_stream(page))
        scan = scan_instructions(parsed, page.obj.get("/Resources"))
        where = f"page {number}"
        if scan.untagged:
            problems.append(
                f"{where}: {_count(scan.untagged, 'drawing')} outside any marked content "
                "(not tagged, not an artifact)."
            )
        if scan.unmarked:
            problems.append(
                f"{where}: {_count(scan.unmarked, 'drawing')} inside marked content that is "
                "neither tagged (no MCID) nor an artifact."
            )
        if scan.tagged_in_artifact:
            problems.append(f"{where}: tagged content lies inside an artifact.")
        if scan.unbalanced:
            problems.append(f"{where}: the marked-content operators are not balanced.")
        key = page.obj.objgen
        untagged = sorted(m for m in scan.mcids if (key, m) not in tree.claimed)
        if untagged:
            problems.append(
                f"{where}: {_count(untagged, 'marked-content sequence')} (MCID "
                f"{', '.join(map(str, untagged[:8]))}{', ...' if len(untagged) > 8 else ''}) "
                "not in the structure tree (not read, yet not an artifact)."
            )
        problems.extend(_parent_tree_problems(page, scan.mcids, tree, where))
    return problems


def _parent_tree_problems(
    page: pikepdf.Page, mcids: list[int], tree: _Tree, where: str
) -> list[str]:
    if not mcids:
        return []
    index = page.obj.get("/StructParents")
    if index is None:
        return [f"{where}: the page has tagged content but no /StructParents entry."]
    entry = tree.parent_tree.get(int(index))
    if not isinstance(entry, pikepdf.Array):
        return [f"{where}: the structure tree's ParentTree has no entry for the page."]
    wrong = [
        m
        for m in mcids
        if m >= len(entry)
        or not isinstance(entry[m], pikepdf.Dictionary)
        or entry[m].objgen not in tree.reachable
    ]
    if wrong:
        sequences = _count(wrong, "marked-content sequence")
        target = "their structure elements" if len(wrong) > 1 else "its structure element"
        return [f"{where}: the ParentTree does not lead from {sequences} to {target}."]
    return []


def _count(items: list[int] | int, what: str) -> str:
    n = items if isinstance(items, int) else len(items)
    return f"1 {what}" if n == 1 else f"{n} {what}s"


@dataclass
class ContentScan:
    """What a page's content stream draws, and under which marks."""

    mcids: list[int] = field(default_factory=list)
    untagged: int = 0  # painting operators outside any marked content
    unmarked: int = 0  # painting inside marked content with neither MCID nor /Artifact
    tagged_in_artifact: bool = False
    unbalanced: bool = False


def mark_of(operands: list[object], resources: object) -> tuple[str, dict[str, object]]:
    """The tag and property list of a BDC or BMC instruction (properties may be named)."""
    tag = str(operands[0]) if operands else ""
    props: object = operands[1] if len(operands) > 1 else None
    if isinstance(props, pikepdf.Name) and isinstance(resources, pikepdf.Dictionary):
        named = resources.get("/Properties")
        props = named.get(props) if isinstance(named, pikepdf.Dictionary) else None
    found: dict[str, object] = {}
    if isinstance(props, pikepdf.Dictionary):
        for key, value in props.items():
            found[str(key)] = value
    return tag, found


def scan_instructions(instructions: Iterable[object], resources: object) -> ContentScan:
    """What parsed content-stream ``instructions`` draw, and under which marks."""
    scan = ContentScan()
    # Each open sequence: "tagged" (has an MCID), "artifact", or "other".
    stack: list[str] = []
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            op = "EI"
        else:
            assert isinstance(instruction, pikepdf.ContentStreamInstruction)
            op = str(instruction.operator)
        if op in ("BDC", "BMC"):
            tag, props = mark_of(list(instruction.operands), resources)
            if tag == "/Artifact":
                stack.append("artifact")
            elif "/MCID" in props:
                mcid = int(props["/MCID"])  # type: ignore[call-overload]
                scan.mcids.append(mcid)
                if "artifact" in stack:
                    scan.tagged_in_artifact = True
                stack.append("tagged")
            else:
                stack.append("other")
        elif op == "EMC":
            if not stack:
                scan.unbalanced = True
            else:
                stack.pop()
        elif op in PAINTING:
            if not stack:
                scan.untagged += 1
            elif "tagged" not in stack and "artifact" not in stack:
                scan.unmarked += 1
    if stack:
        scan.unbalanced = True
    return scan
