"""One ``diwoo:Document`` (DiWoo 0.9.8) for one published letter.

Every value comes from the letter or the profile; the terms of value lists carry the list's
own name (read from the shipped lists, so a list that changes fails here, not at the Woo
platform). Elements are written in the schema's order. No clock time goes in: the same letter
gives the same bytes.

The letter has a date, the schema's ``atTime`` wants an ``xs:dateTime``: the date is written
at 00:00 UTC (``2025-03-20T00:00:00+00:00``), as the ministry's Woo platform writes its dates
in the example sitemap. In Dutch time that is 01:00 or 02:00 on the same day, so the date
reads the same in either zone; it says nothing about the hour of signing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import etree

from .._xml import serialize
from .schema import DIWOO, label_of
from .settings import Term

_KERN = "https://identifier.overheid.nl/tooi/def/thes/kern/"
BRIEF = _KERN + "c_7652d853"  # documentsoort "brief"
ONDERTEKENING = _KERN + "c_e1ec050e"  # soortHandeling "ondertekening"
HEEFT_BIJLAGE = _KERN + "c_05f4a5f3"  # documentrelatie "heeft bijlage"
NEDERLANDS = "http://publications.europa.eu/resource/authority/language/NLD"
PDF = "http://publications.europa.eu/resource/authority/file-type/PDF"


@dataclass(frozen=True)
class Bijlage:
    """An attachment: its title, and the address of its file when it has one."""

    titel: str
    url: str | None = None


@dataclass(frozen=True)
class WooDocument:
    """What the DiWoo metadata of one letter says."""

    identifiers: tuple[str, ...]  # the kenmerk (when the letter has one), the identity
    organisatie: Term  # publisher, verantwoordelijke, opsteller: the municipality
    officiele_titel: str
    omschrijving: str
    informatiecategorie: Term
    datum: dt.date  # creatiedatum, and the date of signing
    bijlagen: tuple[Bijlage, ...] = ()


def at_time(day: dt.date) -> str:
    """A date as the ``xs:dateTime`` DiWoo requires (see the module)."""
    return f"{day.isoformat()}T00:00:00+00:00"


def document_element(doc: WooDocument) -> etree._Element:
    """The ``diwoo:Document`` element of ``doc``."""
    root = etree.Element(_q("Document"), nsmap={"diwoo": DIWOO})
    meta = _sub(root, "DiWoo")
    if doc.identifiers:
        identifiers = _sub(meta, "identifiers")
        for identifier in doc.identifiers:
            _sub(identifiers, "identifier", identifier)
    for role in ("publisher", "verantwoordelijke", "opsteller"):
        _sub(meta, role, doc.organisatie.label, doc.organisatie.uri)
    titels = _sub(meta, "titelcollectie")
    _sub(titels, "officieleTitel", doc.officiele_titel)
    omschrijvingen = _sub(meta, "omschrijvingen")
    _sub(omschrijvingen, "omschrijving", doc.omschrijving)
    classificatie = _sub(meta, "classificatiecollectie")
    categorieen = _sub(classificatie, "informatiecategorieen")
    _sub(
        categorieen,
        "informatiecategorie",
        doc.informatiecategorie.label,
        doc.informatiecategorie.uri,
    )
    soorten = _sub(classificatie, "documentsoorten")
    _sub(soorten, "documentsoort", label_of(BRIEF, "documentsoortlijst"), BRIEF)
    _sub(meta, "creatiedatum", doc.datum.isoformat())
    _sub(meta, "language", label_of(NEDERLANDS, "taallijst"), NEDERLANDS)
    _sub(meta, "format", label_of(PDF, "formatlijst"), PDF)
    handelingen = _sub(meta, "documenthandelingen")
    handeling = _sub(handelingen, "documenthandeling")
    soort = label_of(ONDERTEKENING, "soorthandelinglijst")
    _sub(handeling, "soortHandeling", soort, ONDERTEKENING)
    _sub(handeling, "atTime", at_time(doc.datum))
    if doc.bijlagen:
        relaties = _sub(meta, "documentrelaties")
        role = label_of(HEEFT_BIJLAGE, "documentrelatielijst")
        for bijlage in doc.bijlagen:
            relatie = _sub(relaties, "documentrelatie")
            _sub(relatie, "role", role, HEEFT_BIJLAGE)
            _sub(relatie, "relation", bijlage.titel, bijlage.url)
    return root


def document_xml(doc: WooDocument) -> bytes:
    """The ``<name>.diwoo.xml`` file of a published letter: one ``diwoo:Document``."""
    return serialize(document_element(doc))


def _q(tag: str) -> str:
    return f"{{{DIWOO}}}{tag}"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, resource: str | None = None
) -> etree._Element:
    element = etree.SubElement(parent, _q(tag))
    if resource is not None:
        element.set("resource", resource)
    if text is not None:
        element.text = text
    return element
