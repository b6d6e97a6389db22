"""The Woo-index sitemap of one municipality: every letter in its publication folder.

The sitemap is made from what the folder holds, not from one run: each publication folder
``<identificatie>/`` with its ``<identificatie>.diwoo.xml`` and ``<identificatie>.pdf`` is one
``url``: ``loc`` is the PDF's address under the profile's base URL, ``lastmod`` the letter's
date (its ``creatiedatum``: no clock time, so the bytes stay the same), and the
``diwoo:Document`` is the folder's metadata, as in the ministry's example. A folder removed by
hand is gone from the next sitemap.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .._xml import safe_parser, serialize
from ..errors import display_path
from .schema import DIWOO
from .validate import SITEMAP, document_problems

SITEMAP_FILE = "sitemap.xml"
METADATA_SUFFIX = ".diwoo.xml"


@dataclass(frozen=True)
class Entry:
    """One url of the sitemap."""

    loc: str
    lastmod: str | None
    document: etree._Element  # the diwoo:Document


def collect(folder: Path, basis_url: str) -> tuple[list[Entry], list[str]]:
    """The entries of every publication folder in ``folder`` (in name order), and why any of
    them cannot be listed."""
    entries: list[Entry] = []
    problems: list[str] = []
    if not folder.is_dir():
        return entries, problems
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()):
        metadata = sub / f"{sub.name}{METADATA_SUFFIX}"
        if not metadata.is_file():
            continue  # not a publication folder
        pdf = sub / f"{sub.name}.pdf"
        data = metadata.read_bytes()
        wrong = document_problems(data)
        if wrong:
            problems += [f"{display_path(metadata)}: {w}" for w in wrong]
            continue
        if not pdf.is_file():
            problems.append(f"{display_path(metadata)}: its PDF {pdf.name} is missing")
            continue
        # Without the file's indentation, so that the sitemap is indented as a whole.
        document = etree.fromstring(data, safe_parser(remove_blank_text=True))
        lastmod = document.findtext(f"{{{DIWOO}}}DiWoo/{{{DIWOO}}}creatiedatum")
        entries.append(Entry(f"{basis_url}/{sub.name}/{pdf.name}", lastmod, document))
    return entries, problems


def sitemap_xml(entries: list[Entry]) -> bytes:
    """The sitemap of ``entries``, in their order."""
    root = etree.Element(f"{{{SITEMAP}}}urlset", nsmap={None: SITEMAP, "diwoo": DIWOO})
    for entry in entries:
        url = etree.SubElement(root, f"{{{SITEMAP}}}url")
        etree.SubElement(url, f"{{{SITEMAP}}}loc").text = entry.loc
        if entry.lastmod:
            etree.SubElement(url, f"{{{SITEMAP}}}lastmod").text = entry.lastmod
        url.append(copy.deepcopy(entry.document))
    etree.cleanup_namespaces(root)
    return serialize(root)
