"""XML that is data: one safe parser, one way to write a document, the shipped schema files.

Sidecars, metadata, catalogs and XMP packets are read with :func:`safe_parser` (no DTD, no
entity expansion, no network); MDTO and DiWoo documents are written by :func:`serialize`.
"""

from __future__ import annotations

from importlib import resources

from lxml import etree


def safe_parser(*, remove_blank_text: bool = False) -> etree.XMLParser:
    """A parser for XML that is data: no DTD, no entities, no network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_blank_text=remove_blank_text,
    )


def serialize(root: etree._Element) -> bytes:
    """``root`` as a UTF-8 document with its XML declaration, indented."""
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def read_schema_file(name: str) -> bytes:
    """The bytes of a file shipped in ``dtz_letters/schemas/``."""
    return resources.files("dtz_letters").joinpath("schemas", name).read_bytes()
