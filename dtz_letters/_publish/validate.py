"""Judging DiWoo documents and Woo-index sitemaps: ours before they are written, anyone's after.

- A ``diwoo:Document`` is valid when the DiWoo 0.9.8 schema accepts it (compiled offline, see
  :mod:`.schema`), it holds a ``diwoo:DiWoo`` (the schema also lets an empty one pass), and
  every ``resource`` that must come from a value list does, with the list's name beside it.
- A Woo-index sitemap follows the sitemap protocol (sitemaps.org, 0.9): UTF-8, a ``urlset``
  of at most 50,000 ``url`` elements and 50 MiB, each with one absolute, escaped ``loc`` under
  the sitemap's own folder, shorter than 2,048 characters and not repeated, an optional
  ``lastmod`` in W3C date-time form, ``changefreq`` and ``priority`` as the protocol lists
  them; and each ``url`` carries one valid ``diwoo:Document``.

The same functions judge what ``publish`` writes and the ministry's example sitemap that
ships with the tests, so the judge is the real one, not one fitted to our output.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise
from urllib.parse import urlsplit

from lxml import etree

from .._xml import safe_parser
from .schema import DIWOO, diwoo_schema, value_list_problems

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
MAX_LOC = 2048  # a loc is shorter than this

_CHANGEFREQ = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}
#: W3C date-time (www.w3.org/TR/NOTE-datetime), the forms the sitemap protocol accepts.
_W3C_DATETIME = re.compile(
    r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?"
)
#: The characters of a URI (RFC 3986); a % must start an escape.
_URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")


def document_problems(document: bytes | etree._Element) -> list[str]:
    """Why ``document`` (a ``diwoo:Document``, as XML bytes or an element) is not valid DiWoo
    0.9.8; empty when it is."""
    if isinstance(document, bytes):
        try:
            document = etree.fromstring(document, safe_parser())
        except etree.XMLSyntaxError as exc:
            return [f"it is not well-formed XML ({exc})"]
    if document.tag != f"{{{DIWOO}}}Document":
        return [f"line {document.sourceline}: the element is {document.tag}, not diwoo:Document"]
    schema = diwoo_schema()
    if not schema.validate(document):
        return [f"line {e.line}: {e.message}" for e in schema.error_log]
    if document.find(f"{{{DIWOO}}}DiWoo") is None:
        return [
            f"line {document.sourceline}: the diwoo:Document holds no diwoo:DiWoo metadata "
            "(the schema allows it, a publication does not)"
        ]
    return value_list_problems(document)


def sitemap_problems(xml: bytes, *, location: str | None = None) -> list[str]:
    """Why ``xml`` is not a valid Woo-index sitemap (see the module); empty when it is.

    With ``location`` (where the sitemap is served), every ``loc`` must lie in its folder."""
    if len(xml) > MAX_BYTES:
        return [f"it has {len(xml):,} bytes; a sitemap has at most {MAX_BYTES:,}"]
    try:
        xml.decode("utf-8")
        root = etree.fromstring(xml, safe_parser())
    except UnicodeDecodeError:
        return ["it is not UTF-8"]
    except etree.XMLSyntaxError as exc:
        return [f"it is not well-formed XML ({exc})"]
    declared = root.getroottree().docinfo.encoding
    if declared.upper() != "UTF-8":
        return [f"it declares the encoding {declared}; a sitemap is UTF-8"]
    if root.tag != f"{{{SITEMAP}}}urlset":
        return [f"the root element is {root.tag}, not urlset in {SITEMAP}"]
    urls = [child for child in root if isinstance(child.tag, str)]
    problems = [
        f"line {u.sourceline}: urlset holds {u.tag}, not url"
        for u in urls
        if u.tag != f"{{{SITEMAP}}}url"
    ]
    urls = [u for u in urls if u.tag == f"{{{SITEMAP}}}url"]
    if not urls:
        problems.append("the urlset holds no url")
    if len(urls) > MAX_URLS:
        problems.append(f"it lists {len(urls):,} URLs; a sitemap lists at most {MAX_URLS:,}")
    seen: dict[str, int] = {}
    for url in urls:
        problems += _url_problems(url, location, seen)
    return problems


def _url_problems(url: etree._Element, location: str | None, seen: dict[str, int]) -> list[str]:
    where = f"line {url.sourceline}"
    children = [c for c in url if isinstance(c.tag, str)]
    own = [etree.QName(c).localname for c in children if etree.QName(c).namespace == SITEMAP]
    order = ["loc", "lastmod", "changefreq", "priority"]
    problems = []
    if not own or own[0] != "loc":
        problems.append(f"{where}: a url starts with its loc")
    if any(name not in order for name in own) or own != sorted(own, key=order.index):
        problems.append(f"{where}: a url holds loc, lastmod, changefreq, priority in that order")
    elif len(set(own)) != len(own):
        problems.append(f"{where}: a url holds each of loc, lastmod, changefreq, priority once")
    in_sitemap = [etree.QName(c).namespace == SITEMAP for c in children]
    if any(not a and b for a, b in pairwise(in_sitemap)):
        problems.append(f"{where}: extensions follow the sitemap's own elements")
    for child in children:
        name, text = etree.QName(child).localname, (child.text or "").strip()
        if etree.QName(child).namespace != SITEMAP:
            continue
        if name == "loc":
            problems += _loc_problems(child, text, location, seen)
        elif name == "lastmod" and not _is_w3c_datetime(text):
            problems.append(f"line {child.sourceline}: lastmod {text!r} is no W3C date-time")
        elif name == "changefreq" and text not in _CHANGEFREQ:
            problems.append(f"line {child.sourceline}: changefreq {text!r} is not one of the list")
        elif name == "priority" and not re.fullmatch(r"0(\.\d+)?|1(\.0+)?", text):
            problems.append(f"line {child.sourceline}: priority {text!r} is not from 0.0 to 1.0")
    documents = url.findall(f"{{{DIWOO}}}Document")
    if len(documents) != 1:
        problems.append(f"{where}: a Woo-index url holds one diwoo:Document, not {len(documents)}")
    for document in documents:
        problems += document_problems(document)
    return problems


def _loc_problems(
    element: etree._Element, loc: str, location: str | None, seen: dict[str, int]
) -> list[str]:
    where = f"line {element.sourceline}: loc {loc[:80]!r}"
    parts = urlsplit(loc)
    problems = []
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(f"{where} is not an absolute http(s) URL")
    if len(loc) >= MAX_LOC:
        problems.append(f"{where} has {len(loc)} characters; a loc is shorter than {MAX_LOC}")
    if not _URI_CHARS.fullmatch(loc):
        problems.append(f"{where} is not escaped as a URL (spaces, non-ASCII or a bare %)")
    if location is not None:
        folder = location.rsplit("/", 1)[0] + "/"
        if not loc.startswith(folder):
            problems.append(f"{where} lies outside {folder}, the sitemap's folder")
    if loc in seen:
        problems.append(f"{where} is listed twice (first on line {seen[loc]})")
    seen.setdefault(loc, element.sourceline or 0)
    return problems


def _is_w3c_datetime(text: str) -> bool:
    if not _W3C_DATETIME.fullmatch(text):
        return False
    try:
        if len(text) >= 10:
            dt.date.fromisoformat(text[:10])
        if "T" in text:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
