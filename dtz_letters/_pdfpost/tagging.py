"""Post-processing of WeasyPrint's tagged PDF into a PDF/UA-1 file (for any PDF variant).

WeasyPrint 70 tags the letter well, but leaves gaps that a screen reader hears:

- The page-margin boxes (running header, CONCEPT mark, "Pagina 1 van 2") get marked-content
  sequences with an MCID and structure elements that hang from no parent: not read, yet not
  artifacts either. Their sequences become ``/Artifact <</Type /Pagination>>`` here, and their
  ParentTree entries are cleared.
- Anything drawn outside marked content is wrapped in ``/Artifact BMC ... EMC`` (WeasyPrint
  marks its own backgrounds and borders; this is the safety net for the rest).
- A list item whose content is a paragraph has no LBody, and a nested list hangs from the
  outer list instead of from its item: both are rebuilt the PDF way (LI = Lbl + LBody).
- Footnotes (CSS ``float: footnote``) are tagged by WeasyPrint as a ``NonStruct`` holding one
  ``Span`` per note: each note becomes a ``Note`` with a unique /ID, and its number an ``Lbl``.
- Header cells get a /Scope; the IDs that data cells refer to get their IDTree; a PDF 1.7 file
  loses WeasyPrint's PDF 2.0 namespace.
- The XMP metadata gets the document title (and, for a plain PDF, is written at all), and the
  PDF/UA-1 identification only when :func:`dtz_letters._pdfpost.a11y.problems_of` finds nothing.

The result is saved deterministically: the same input gives the same bytes, wherever the
workspace lies (images are named by their data, not by their file's path).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from copy import deepcopy

import pikepdf
from lxml import etree

from .._xml import safe_parser
from .a11y import Instructions, mark_of, problems_of
from .pdf import elements, kids_of, save_deterministic, stable_image_names

_PATH_CONSTRUCTION = frozenset(["m", "re", "l", "c", "v", "y", "h"])
_PATH_PAINTING = frozenset(["S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"])
#: Drawn by one operator: text showing (inside its text object), images, forms, shadings.
_SINGLE = frozenset(["Tj", "TJ", "'", '"', "Do", "sh"])

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {
    "x": "adobe:ns:meta/",
    "rdf": RDF,
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
_XPACKET_BEGIN = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_XPACKET_END = b'\n<?xpacket end="r"?>'
#: XMP is data from a file: no DTDs, no entities, no network.
#: PDF/A-2 only knows the schemas of XMP itself; pdfuaid has to be described in the file.
_PDFUA_SCHEMA = f"""\
<rdf:Description xmlns:rdf="{RDF}" rdf:about=""
    xmlns:pdfaExtension="{NS["pdfaExtension"]}"
    xmlns:pdfaSchema="{NS["pdfaSchema"]}"
    xmlns:pdfaProperty="{NS["pdfaProperty"]}">
  <pdfaExtension:schemas>
    <rdf:Bag>
      <rdf:li rdf:parseType="Resource">
        <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
        <pdfaSchema:namespaceURI>{NS["pdfuaid"]}</pdfaSchema:namespaceURI>
        <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
        <pdfaSchema:property>
          <rdf:Seq>
            <rdf:li rdf:parseType="Resource">
              <pdfaProperty:name>part</pdfaProperty:name>
              <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
              <pdfaProperty:category>internal</pdfaProperty:category>
              <pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>
            </rdf:li>
          </rdf:Seq>
        </pdfaSchema:property>
      </rdf:li>
    </rdf:Bag>
  </pdfaExtension:schemas>
</rdf:Description>"""


def make_accessible(
    pdf: bytes,
    *,
    stable_names: bool = True,
    prepare: Callable[[pikepdf.Pdf], None] | None = None,
    compress: bool = False,
) -> tuple[bytes, list[str]]:
    """Mend WeasyPrint's tagging of ``pdf``; return the new bytes and the problems left.

    The file claims PDF/UA-1 in its XMP metadata exactly when the problem list is empty.
    With ``stable_names``, images are named by their data (the PDF/A finishing step of the
    archive does that itself, and its files keep the bytes they had). ``prepare`` is the
    caller's own step on the opened PDF, before anything else (the renderer puts its
    logo back, see :mod:`.images`): the file is opened and saved once. With ``compress``
    (for a PDF WeasyPrint wrote uncompressed), the streams are compressed and the object
    streams made here, once.
    """
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if prepare is not None:
            prepare(doc)
        root = doc.Root.get("/StructTreeRoot")
        contents: dict[tuple[int, int], Instructions] = {}
        if isinstance(root, pikepdf.Dictionary):
            # One walk of the tree for every mending step: they change where elements hang,
            # not which elements there are (the LBody elements added are not needed here).
            found = elements(root)
            _drop_pdf2_namespace(doc, root, found)
            orphans = _orphaned_mcids(doc, root, found)
            for page in doc.pages:
                contents[page.obj.objgen] = _mend_content(
                    doc, page, orphans.get(page.obj.objgen, set())
                )
            _mend_structure(doc, root, found, stable_ids=stable_names)
        else:
            for page in doc.pages:
                contents[page.obj.objgen] = _mend_content(doc, page, set())
        _mend_catalog(doc)
        _write_xmp(doc, claim_ua=False)
        # The check reads the content streams as just written, without parsing them again.
        problems = problems_of(doc, contents)
        if not problems:
            _write_xmp(doc, claim_ua=True)
        # The same letter gives the same bytes wherever its workspace lies: images named by
        # their data (the file identifier's second half is computed from the content).
        if stable_names:
            stable_image_names(doc)
        # Keep the XMP packet as written here: pikepdf would reformat it.
        saved = save_deterministic(doc, fix_metadata_version=False, object_streams=compress)
        return saved, problems


# --------------------------------------------------------------------------- content streams


def _orphaned_mcids(
    doc: pikepdf.Pdf, root: pikepdf.Dictionary, found: list[pikepdf.Dictionary]
) -> dict[tuple[int, int], set[int]]:
    """Per page, the MCIDs whose structure element hangs from no parent in the tree
    (``found``: the elements the tree reaches).

    WeasyPrint builds elements for the page-margin boxes and never links them in: that
    content is page furniture. The ParentTree entries are cleared here as well.
    """
    reachable = {element.objgen for element in found if element.is_indirect}
    parent_tree = root.get("/ParentTree")
    if not isinstance(parent_tree, pikepdf.Dictionary):
        return {}
    numbers = pikepdf.NumberTree(parent_tree)
    orphans: dict[tuple[int, int], set[int]] = {}
    for page in doc.pages:
        index = page.obj.get("/StructParents")
        if index is None or int(index) not in numbers:
            continue
        entry = numbers[int(index)]
        if not isinstance(entry, pikepdf.Array):
            continue
        mcids = set()
        for mcid, element in enumerate(entry):
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable:
                mcids.add(mcid)
                entry[mcid] = pikepdf.Object.parse(b"null")
        if mcids:
            orphans[page.obj.objgen] = mcids
    return orphans


def _mend_content(doc: pikepdf.Pdf, page: pikepdf.Page, furniture: set[int]) -> Instructions:
    """Turn furniture sequences into artifacts, and wrap unmarked drawing as artifacts; the
    page's instructions as they now are.

    The artifact marks go where the PDF rules allow marked-content operators: around a
    whole path (from its first construction operator to the painting one, never inside),
    around one text-showing operator inside its text object, around an image or form.
    """
    resources = page.obj.get("/Resources")
    instructions: Instructions = list(pikepdf.parse_content_stream(page))
    before: dict[int, int] = {}  # index -> number of "/Artifact BMC" to insert before it
    after: set[int] = set()  # indexes that get an "EMC" after them
    replaced: dict[int, pikepdf.ContentStreamInstruction] = {}
    depth = 0
    path_start: int | None = None

    def wrap(start: int, end: int) -> None:
        before[start] = before.get(start, 0) + 1
        after.add(end)

    for i, instruction in enumerate(instructions):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            if depth == 0:
                wrap(i, i)
            continue
        op = str(instruction.operator)
        if op in ("BDC", "BMC"):
            depth += 1
            tag, props = mark_of(list(instruction.operands), resources)
            mcid = props.get("/MCID")
            if tag != "/Artifact" and isinstance(mcid, int) and mcid in furniture:
                replaced[i] = pikepdf.ContentStreamInstruction(
                    [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)],
                    pikepdf.Operator("BDC"),
                )
        elif op == "EMC":
            depth = max(depth - 1, 0)
        elif op in _PATH_CONSTRUCTION:
            if path_start is None:
                path_start = i
        elif op in _PATH_PAINTING:
            start = i if path_start is None else path_start
            path_start = None
            if depth == 0 and op != "n":
                wrap(start, i)
        elif op in _SINGLE and depth == 0:
            wrap(i, i)
    if not (before or replaced):
        return instructions
    out: Instructions = []
    artifact = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC"))
    emc = pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))
    for i, instruction in enumerate(instructions):
        out.extend([artifact] * before.get(i, 0))
        out.append(replaced.get(i, instruction))
        if i in after:
            out.append(emc)
    page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(out))
    return out


# --------------------------------------------------------------------------- structure tree


def _mend_structure(
    doc: pikepdf.Pdf,
    root: pikepdf.Dictionary,
    found: list[pikepdf.Dictionary],
    stable_ids: bool = True,
) -> None:
    """Mend the structure tree; ``found`` are its elements (nesting a list moves it in the
    tree, and the other steps do not care in which order they come). With ``stable_ids``,
    header cells are named by their table's place in the letter (see :func:`_stable_ids`)."""
    _tag_footnotes(root)
    if stable_ids:
        _stable_ids(found)
    kinds = [str(element.S) for element in found]
    for element, kind in zip(found, kinds, strict=True):
        if kind == "/L":
            _nest_lists(doc, element)
    for element, kind in zip(found, kinds, strict=True):
        if kind == "/LI":
            _wrap_list_body(doc, element)
        elif kind == "/TH":
            _set_scope(element)
    _index_ids(doc, root, found)


def _tag_footnotes(root: pikepdf.Dictionary) -> None:
    """Tag the footnotes of every page as ``Note`` elements with an /ID, numbers as ``Lbl``.

    WeasyPrint 70 puts a page's footnote area straight under the document element, after the
    page's body, as a ``NonStruct`` whose children are the notes: a ``Span`` each, starting
    with the number (``::footnote-marker``, another ``NonStruct``). Nothing else in a letter
    has that shape (the letterhead holds a Figure and a paragraph).
    """
    documents = [k for k in kids_of(root) if isinstance(k, pikepdf.Dictionary)]
    count = 0
    for document in documents:
        for area in kids_of(document):
            notes = _footnote_area(area)
            for note in notes:
                count += 1
                note.S = pikepdf.Name.Note
                note.ID = pikepdf.String(f"note-{count}")
                marker = next(k for k in kids_of(note) if isinstance(k, pikepdf.Dictionary))
                marker.S = pikepdf.Name.Lbl


def _footnote_area(element: object) -> list[pikepdf.Dictionary]:
    """The notes of ``element`` when it is a footnote area (see :func:`_tag_footnotes`)."""
    if not (isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/NonStruct"):
        return []
    notes = kids_of(element)
    if not notes:
        return []
    for note in notes:
        if not (isinstance(note, pikepdf.Dictionary) and note.get("/S") == "/Span"):
            return []
        first = next((k for k in kids_of(note) if isinstance(k, pikepdf.Dictionary)), None)
        if first is None or first.get("/S") != "/NonStruct":
            return []
    return [n for n in notes if isinstance(n, pikepdf.Dictionary)]


def _nest_lists(doc: pikepdf.Pdf, lst: pikepdf.Dictionary) -> None:
    """Move a list that hangs from a list into the body of the item before it.

    WeasyPrint links a nested ``<ul>`` to the outer L; in PDF a list's children are items.
    """
    kids = kids_of(lst)
    kept: list[object] = []
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/L" and kept:
            item = kept[-1]
            if isinstance(item, pikepdf.Dictionary) and item.get("/S") == "/LI":
                item.K = pikepdf.Array([*kids_of(item), kid])
                kid.P = item
                continue
        kept.append(kid)
    if len(kept) != len(kids):
        lst.K = pikepdf.Array(kept)


def _wrap_list_body(doc: pikepdf.Pdf, item: pikepdf.Dictionary) -> None:
    """Give a list item whose content is not in an LBody one LBody holding it."""
    kids = kids_of(item)
    body = [k for k in kids if not (isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Lbl")]
    if not body or (
        len(body) == 1 and isinstance(body[0], pikepdf.Dictionary) and body[0].get("/S") == "/LBody"
    ):
        return
    lbody = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item)
    if "/Pg" in item:
        lbody.Pg = item.Pg
    lbody = doc.make_indirect(lbody)
    moved: list[object] = []
    for kid in body:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/LBody":
            moved.extend(kids_of(kid))  # an LBody among other content: merge its content in
            for inner in kids_of(kid):
                if isinstance(inner, pikepdf.Dictionary) and "/S" in inner:
                    inner.P = lbody
        else:
            moved.append(kid)
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                kid.P = lbody
    lbody.K = pikepdf.Array(moved)
    labels = [k for k in kids if k not in body]
    item.K = pikepdf.Array([*labels, lbody])


def _set_scope(cell: pikepdf.Dictionary) -> None:
    """A header cell heads its column when it is in THead or the first row, else its row."""
    attributes = cell.get("/A")
    if not isinstance(attributes, pikepdf.Dictionary) or "/Scope" in attributes:
        return
    row = cell.get("/P")
    group = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
    column = isinstance(group, pikepdf.Dictionary) and group.get("/S") == "/THead"
    if not column and isinstance(row, pikepdf.Dictionary):
        cells = [k for k in kids_of(row) if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        column = not (cells and cells[0].objgen == cell.objgen)
    attributes.Scope = pikepdf.Name.Column if column else pikepdf.Name.Row


#: WeasyPrint's name for a header cell: its table's object number, its row and column.
_HEADER_ID = re.compile(r"(\d+)-(\d+)-(\d+)")


def _stable_ids(found: list[pikepdf.Dictionary]) -> None:
    """Name header cells after their table's place among the letter's tables ("t2-0-1")
    instead of its PDF object number, and the cells' /Headers with them.

    An object number counts the objects written before the table, so it changes with
    anything else in the file (a logo with a transparency mask is one object more than
    one without), while the table is the same.
    """
    tables: dict[str, str] = {}

    def renamed(value: object) -> object:
        if isinstance(value, pikepdf.String):
            match = _HEADER_ID.fullmatch(str(value))
            if match:
                table = tables.setdefault(match.group(1), f"t{len(tables) + 1}")
                return pikepdf.String(f"{table}-{match.group(2)}-{match.group(3)}")
        return value

    for element in found:
        if "/ID" in element:
            element.ID = renamed(element.ID)
        attributes = element.get("/A")
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                headers = attribute.Headers
                if isinstance(headers, pikepdf.Array):
                    attribute.Headers = pikepdf.Array([renamed(h) for h in headers])


def _index_ids(doc: pikepdf.Pdf, root: pikepdf.Dictionary, found: list[pikepdf.Dictionary]) -> None:
    """The IDTree: IDs (which data cells name in /Headers) must lead to their elements."""
    ids = {str(e.ID): e for e in found if "/ID" in e}
    if not ids:
        return
    names = pikepdf.Array()
    for key in sorted(ids):
        names.append(pikepdf.String(key))
        names.append(ids[key])
    root.IDTree = doc.make_indirect(pikepdf.Dictionary(Names=names))


def _drop_pdf2_namespace(
    doc: pikepdf.Pdf, root: pikepdf.Dictionary, found: list[pikepdf.Dictionary]
) -> None:
    """WeasyPrint 70 adds the PDF 2.0 structure namespace to PDF 1.7 files too: remove it."""
    if doc.pdf_version >= "2.0":
        return
    if "/Namespaces" in root:
        del root["/Namespaces"]
    for element in found:
        if "/NS" in element:
            del element["/NS"]


# --------------------------------------------------------------------------- catalog, XMP


def _mend_catalog(doc: pikepdf.Pdf) -> None:
    catalog = doc.Root
    catalog.MarkInfo = pikepdf.Dictionary(Marked=True)
    preferences = catalog.get("/ViewerPreferences")
    if not isinstance(preferences, pikepdf.Dictionary):
        preferences = pikepdf.Dictionary()
        catalog.ViewerPreferences = preferences
    preferences.DisplayDocTitle = True
    for page in doc.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array) and len(annots):
            page.obj.Tabs = pikepdf.Name.S
            for annot in annots:
                if annot.get("/Subtype") == "/Link" and "/Contents" not in annot:
                    action = annot.get("/A")
                    uri = action.get("/URI") if isinstance(action, pikepdf.Dictionary) else None
                    annot.Contents = pikepdf.String(f"Link naar {uri}" if uri else "Link")


def _write_xmp(doc: pikepdf.Pdf, *, claim_ua: bool) -> None:
    """Write the XMP metadata: what WeasyPrint wrote (if anything), the title, PDF/UA-1."""
    metadata = doc.Root.get("/Metadata")
    if isinstance(metadata, pikepdf.Stream):
        tree = etree.fromstring(metadata.read_bytes(), safe_parser())
    else:
        tree = etree.fromstring(f'<x:xmpmeta xmlns:x="{NS["x"]}"/>'.encode())
    rdf = tree.find(f"{{{RDF}}}RDF")
    if rdf is None:
        rdf = etree.SubElement(tree, f"{{{RDF}}}RDF", nsmap={"rdf": RDF})
    _ensure_docinfo_properties(doc, rdf)
    _remove_pdfua(rdf)
    if claim_ua:
        ua = etree.SubElement(rdf, f"{{{RDF}}}Description", nsmap={"pdfuaid": NS["pdfuaid"]})
        ua.set(f"{{{RDF}}}about", "")
        ua.set(f"{{{NS['pdfuaid']}}}part", "1")
        if rdf.find(f".//{{{NS['pdfaid']}}}part") is not None or any(
            f"{{{NS['pdfaid']}}}part" in d.attrib for d in rdf
        ):
            rdf.append(etree.fromstring(_PDFUA_SCHEMA.encode()))
    tree = _namespaces_per_description(tree)
    body = etree.tostring(tree, encoding="utf-8")
    stream = doc.make_stream(_XPACKET_BEGIN + body + _XPACKET_END)
    stream.Type = pikepdf.Name.Metadata
    stream.Subtype = pikepdf.Name.XML
    doc.Root.Metadata = stream


def xmp_packet_for_pdfbox(xmp: bytes) -> bytes:
    """An XMP packet (as found in a PDF) with its namespaces declared per rdf:Description."""
    tree = etree.fromstring(xmp, safe_parser())
    body: bytes = etree.tostring(_namespaces_per_description(tree), encoding="utf-8")
    return _XPACKET_BEGIN + body + _XPACKET_END


def _namespaces_per_description(tree: etree._Element) -> etree._Element:
    """The same XMP, with each ``rdf:Description`` declaring the namespaces it uses.

    WeasyPrint declares every namespace once, on ``rdf:RDF``: valid XML, but Apache PDFBox's
    XMP parser (which PDFBox preflight and PDFBox-based e-depot tools use) only registers the
    schemas whose namespaces a Description declares itself, and then misses the PDF/A
    identification. Declaring them per Description is what every XMP writer of Adobe does.
    """
    rdf = tree.find(f"{{{RDF}}}RDF")
    if rdf is None:
        return tree
    prefixes = {uri: prefix for prefix, uri in NS.items()}
    fresh_rdf = etree.Element(f"{{{RDF}}}RDF", nsmap={"rdf": RDF})
    for description in rdf:
        if not isinstance(description.tag, str):
            continue  # a comment or processing instruction
        used: dict[str | None, str] = {"rdf": RDF}
        for el in description.iter():
            if not isinstance(el.tag, str):
                continue
            names = [el.tag, *el.attrib]
            for name in names:
                uri = etree.QName(name).namespace
                if uri and uri != "http://www.w3.org/XML/1998/namespace":
                    prefix = prefixes.get(uri) or _prefix_in_scope(el, uri)
                    used[prefix] = uri
        fresh = etree.SubElement(fresh_rdf, description.tag, nsmap=used)
        for key, value in description.attrib.items():
            fresh.set(key, value)
        fresh.text = description.text
        for child in description:
            fresh.append(deepcopy(child))
        fresh.tail = description.tail
    fresh_rdf.tail = rdf.tail
    root = etree.Element(tree.tag, nsmap={"x": NS["x"]})
    root.text = tree.text
    for child in tree:
        root.append(fresh_rdf if child is rdf else deepcopy(child))
    etree.cleanup_namespaces(root)
    return root


def _prefix_in_scope(el: etree._Element, uri: str) -> str | None:
    """The prefix the packet as written gives ``uri`` (a namespace WeasyPrint added)."""
    return next((prefix for prefix, known in el.nsmap.items() if known == uri), None)


def _ensure_docinfo_properties(doc: pikepdf.Pdf, rdf: etree._Element) -> None:
    """The title (and, when WeasyPrint wrote no XMP, the rest of /Info) as XMP properties."""
    info = doc.docinfo
    title = str(info.get("/Title", "")).strip()
    wanted: list[tuple[str, str, str]] = []  # (namespace prefix, property, value)
    if title:
        wanted.append(("dc", "title", title))
    if "/Author" in info:
        wanted.append(("dc", "creator", str(info.Author)))
    if "/Subject" in info:
        wanted.append(("dc", "description", str(info.Subject)))
    if "/Producer" in info:
        wanted.append(("pdf", "Producer", str(info.Producer)))
    if "/Creator" in info:
        wanted.append(("xmp", "CreatorTool", str(info.Creator)))
    lang = str(doc.Root.get("/Lang", "")).strip()
    if lang:
        wanted.append(("dc", "language", lang))
    for prefix, name, value in wanted:
        qname = f"{{{NS[prefix]}}}{name}"
        if rdf.find(f".//{qname}") is not None or any(qname in d.attrib for d in rdf):
            continue
        description = etree.SubElement(rdf, f"{{{RDF}}}Description", nsmap={prefix: NS[prefix]})
        description.set(f"{{{RDF}}}about", "")
        prop = etree.SubElement(description, qname)
        if (prefix, name) in (("dc", "title"), ("dc", "description")):
            alt = etree.SubElement(etree.SubElement(prop, f"{{{RDF}}}Alt"), f"{{{RDF}}}li")
            alt.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
            alt.text = value
        elif (prefix, name) == ("dc", "creator"):
            etree.SubElement(etree.SubElement(prop, f"{{{RDF}}}Seq"), f"{{{RDF}}}li").text = value
        elif (prefix, name) == ("dc", "language"):
            etree.SubElement(etree.SubElement(prop, f"{{{RDF}}}Bag"), f"{{{RDF}}}li").text = value
        else:
            prop.text = value


def _remove_pdfua(rdf: etree._Element) -> None:
    """Drop any PDF/UA identification and its schema description, to write them afresh."""
    part = f"{{{NS['pdfuaid']}}}part"
    for description in list(rdf):
        if part in description.attrib:
            del description.attrib[part]
        for element in description.findall(part):
            description.remove(element)
        prefixes = description.findall(f".//{{{NS['pdfaSchema']}}}namespaceURI")
        if any(p.text == NS["pdfuaid"] for p in prefixes):
            rdf.remove(description)
            continue
        if len(description) == 0 and set(description.attrib) <= {f"{{{RDF}}}about"}:
            rdf.remove(description)
