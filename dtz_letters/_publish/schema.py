"""The DiWoo 0.9.8 schema, compiled offline, and its value lists.

The schema (``schemas/diwoo-metadata.xsd``) includes its value lists
(``diwoo-metadata-lijsten.xsd``) and imports the MDTO schema by an absolute URL. The catalog
shipped beside them (``schemas/diwoo-catalog.xml``, an OASIS XML catalog) maps that URL to the
MDTO schema in the same folder. An lxml resolver serves what the catalog names and the
schema's own include from the package, and refuses every other URL; the parsers have no
network. Nothing is ever fetched: a schema that asks for anything else does not compile.

The value lists are the TOOI lists the schema enumerates (organisations, Woo information
categories, document kinds, handlings, languages, formats, relations). The schema checks a
``resource`` attribute against its list only when it is there, and not whether the text
beside it is the list's name for it; :func:`value_list_problems` checks both.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lxml import etree

from .._xml import read_schema_file, safe_parser
from ..errors import PublishError

DIWOO = "https://standaarden.overheid.nl/diwoo/metadata/"
XS = "http://www.w3.org/2001/XMLSchema"
_CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
_DITA_P = "{http://dita.oasis-open.org/architecture/2005/}p"

SCHEMA_FILE = "diwoo-metadata.xsd"
LISTS_FILE = "diwoo-metadata-lijsten.xsd"
CATALOG_FILE = "diwoo-catalog.xml"
#: The files the resolver may serve: the schema, its lists, and what the catalog maps to.
_PACKAGED = (SCHEMA_FILE, LISTS_FILE, "MDTO-XML1.0.1.xsd")
#: The base URL the packaged schemas are parsed under: relative references resolve below it.
BASE_URL = "dtz-letters:///schemas/"


@cache
def catalog() -> dict[str, str]:
    """The catalog's mappings: an absolute URL to the name of a file in the schemas folder."""
    root = etree.fromstring(read_schema_file(CATALOG_FILE), safe_parser())
    mapped: dict[str, str] = {}
    for entry in root:
        if not isinstance(entry.tag, str):
            continue  # a comment
        kind = etree.QName(entry).localname
        url = entry.get("name") if kind == "uri" else entry.get("systemId")
        target = entry.get("uri")
        if etree.QName(entry).namespace != _CATALOG_NS or not url or not target:
            continue
        if target not in _PACKAGED:
            raise PublishError(f"The DiWoo catalog maps {url} to {target}, which is not shipped.")
        mapped[url] = target
    return mapped


class OfflineResolver(etree.Resolver):  # type: ignore[misc]
    """Serves the packaged schemas by the catalog and by name below :data:`BASE_URL`; refuses
    anything else (and remembers what it was asked, for the refusal and for the tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.refused: list[str] = []

    def resolve(self, url: str, pubid: str | None, context: object) -> object:
        self.asked.append(url)
        name = catalog().get(url)
        if name is None and url.startswith(BASE_URL) and url[len(BASE_URL) :] in _PACKAGED:
            name = url[len(BASE_URL) :]
        if name is None:
            self.refused.append(url)
            # lxml reports the resource as unreadable; compile() then names it.
            raise OSError(f"dtz-letters fetches nothing: {url}")
        return self.resolve_string(read_schema_file(name), context, base_url=BASE_URL + name)


def compile_schema(data: bytes, name: str = SCHEMA_FILE) -> tuple[etree.XMLSchema, list[str]]:
    """Compile a schema offline: the schema, and every URL its imports and includes asked for.

    :class:`PublishError` when it asks for anything the package does not ship."""
    parser = safe_parser()
    resolver = OfflineResolver()
    parser.resolvers.add(resolver)
    try:
        doc = etree.fromstring(data, parser, base_url=BASE_URL + name)
        return etree.XMLSchema(doc), resolver.asked
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        if resolver.refused:
            raise PublishError(
                f"The schema {name} asks for {resolver.refused[0]}, which dtz-letters does not "
                "ship; nothing is fetched from the network, so it is not used."
            ) from None
        raise PublishError(f"The schema {name} does not compile: {exc}") from None


@cache
def diwoo_schema() -> etree.XMLSchema:
    """The DiWoo 0.9.8 schema, with its value lists and the MDTO schema, compiled offline."""
    return compile_schema(read_schema_file(SCHEMA_FILE))[0]


# --------------------------------------------------------------------------- value lists


@dataclass(frozen=True)
class ValueList:
    """One TOOI value list the schema enumerates: its type name, its TOOI name, its terms."""

    name: str  # the schema's simpleType: "gemeentelijst"
    tooi: str  # the list's TOOI name (the type's id): "rwc_gemeenten_compleet"
    labels: dict[str, str]  # URI -> the list's name for it


@cache
def value_lists() -> dict[str, ValueList]:
    """Every value list of the schema, by its type name."""
    root = etree.fromstring(read_schema_file(LISTS_FILE), safe_parser())
    lists = {}
    for simple in root.iterfind(f"{{{XS}}}simpleType"):
        labels = {}
        for term in simple.iterfind(f"{{{XS}}}restriction/{{{XS}}}enumeration"):
            names = [p.text.strip() for p in term.iter(_DITA_P) if p.text and p.text.strip()]
            labels[term.get("value")] = names[0] if names else ""
        if labels:
            name = simple.get("name")
            lists[name] = ValueList(name, simple.get("id") or name, labels)
    return lists


def label_of(uri: str, list_name: str) -> str:
    """The name a value list gives ``uri``; :class:`PublishError` when it is not in it."""
    found = value_lists()[list_name].labels.get(uri)
    if found is None:
        raise PublishError(f"{uri} is not in the DiWoo value list {list_name}.")
    return found


@cache
def resource_lists() -> dict[str, tuple[ValueList, ...]]:
    """For every DiWoo element whose ``resource`` comes from value lists: those lists.

    Read from the schema itself: an element's type whose ``resource`` attribute restricts a
    list type, or a union of list types (an organisation may come from eight lists).
    """
    root = etree.fromstring(read_schema_file(SCHEMA_FILE), safe_parser())
    lists = value_lists()
    unions: dict[str, tuple[str, ...]] = {}
    for simple in root.iterfind(f"{{{XS}}}simpleType"):
        members = [
            _local(r.get("base", ""))
            for r in simple.iterfind(f"{{{XS}}}union/{{{XS}}}simpleType/{{{XS}}}restriction")
        ]
        if members:
            unions[simple.get("name", "")] = tuple(members)
    by_type: dict[str, tuple[ValueList, ...]] = {}
    for complex_type in root.iterfind(f"{{{XS}}}complexType"):
        restriction = complex_type.find(
            f".//{{{XS}}}attribute[@name='resource']/{{{XS}}}simpleType/{{{XS}}}restriction"
        )
        if restriction is None:
            continue
        base = _local(restriction.get("base", ""))
        names = unions.get(base, (base,))
        found = tuple(lists[n] for n in names if n in lists)
        if found:
            by_type[complex_type.get("name", "")] = found
    elements: dict[str, tuple[ValueList, ...]] = {}
    for element in root.iter(f"{{{XS}}}element"):
        kind = _local(element.get("type", ""))
        name = element.get("name")
        if name and kind in by_type:
            if elements.get(name, by_type[kind]) != by_type[kind]:
                raise PublishError(f"The DiWoo schema gives the element {name} two value lists.")
            elements[name] = by_type[kind]
    return elements


def value_list_problems(document: etree._Element) -> list[str]:
    """What the schema lets pass in a ``diwoo:Document``: an element whose resource must come
    from a value list without one, a URI that is in none of its lists, or a name that is not
    the list's name for its URI. One sentence each, with its line."""
    problems = []
    rules = resource_lists()
    for element in document.iter(f"{{{DIWOO}}}*"):
        name = etree.QName(element).localname
        lists = rules.get(name)
        if not lists:
            continue
        where = f"line {element.sourceline}: diwoo:{name}"
        names = ", ".join(v.tooi for v in lists) if len(lists) <= 2 else "the TOOI lists"
        uri = element.get("resource")
        text = (element.text or "").strip()
        if uri is None:
            problems.append(f"{where} ({text!r}) has no resource: its URI from {names} is needed.")
            continue
        known = next(((v, v.labels[uri]) for v in lists if uri in v.labels), None)
        if known is None:
            problems.append(f"{where}: {uri} is not in {names}.")
        elif text != known[1]:
            problems.append(
                f"{where}: {known[0].tooi} names {uri} {known[1]!r}, but the document says "
                f"{text!r}."
            )
    return problems


def _local(qname: str) -> str:
    return qname.rpartition(":")[2]
