"""MDTO 1.0.1 sidecars: an informatieobject per archived letter, a bestand per stored file.

Elements are written in the order the XSD fixes (the schema ships in ``schemas/``, so
``verify`` works anywhere). Vocabulary follows the Nationaal Archief's begrippenlijsten where
MDTO names one; where it does not (the use restriction, the version relation) the list is
named after dtz-letters, so nobody mistakes it for an official list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from collections.abc import Iterable

NS = "https://www.nationaalarchief.nl/mdto"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd"
SCHEMA_FILE = "MDTO-XML1.0.1.xsd"

#: The label e-depots accept for the checksum algorithm (exactly this spelling).
CHECKSUM_LABEL = "SHA-256"

_WAARDERING_LABELS = {"B": "Blijvend te bewaren", "V": "Tijdelijk te bewaren"}
_LIST_AGGREGATIE = "Begrippenlijst Aggregatieniveaus MDTO"
_LIST_WAARDERING = "Begrippenlijst Waarderingen MDTO"
_LIST_EVENT = "Begrippenlijst EventTypeLijst MDTO"
_LIST_CHECKSUM = "Begrippenlijst ChecksumAlgoritme MDTO"
_LIST_PRONOM = "PRONOM-register"
_LIST_BEPERKING = "Begrippenlijst BeperkingGebruik dtz-letters"
_LIST_RELATIE = "Begrippenlijst Relaties dtz-letters"


@dataclass(frozen=True)
class Verwijzing:
    """A reference to something by name, and by an identification when it has one."""

    naam: str
    kenmerk: str | None = None
    bron: str | None = None


@dataclass(frozen=True)
class Informatieobject:
    """What the informatieobject sidecar records about one archived letter (one version)."""

    identificatie: tuple[tuple[str, str], ...]  # (kenmerk, bron), the first is ours
    naam: str  # the subject
    datum: dt.date  # the date of the letter: its creation
    waardering: str  # "B" or "V"
    bewaartermijn: int | None  # years, with V
    selectielijst: str | None
    archiefvormer: Verwijzing
    representaties: tuple[Verwijzing, ...]
    vorige_versie: Verwijzing | None = None


@dataclass(frozen=True)
class Bestand:
    """What a bestand sidecar records about one stored file."""

    kenmerk: str
    bron: str
    naam: str  # the file name
    omvang: int
    puid: str
    formaat: str  # PRONOM's name of the format, as the identifying tool reports it
    sha256: str
    checksum_datum: dt.datetime
    informatieobject: Verwijzing


@dataclass(frozen=True)
class BestandRecord:
    """The fields ``verify`` compares, read back from a bestand sidecar."""

    naam: str
    omvang: int
    puid: str
    checksum_label: str
    checksum: str
    informatieobject: str  # identificatieKenmerk of isRepresentatieVan


@dataclass(frozen=True)
class InformatieobjectRecord:
    """The fields ``verify`` compares, read back from an informatieobject sidecar."""

    kenmerk: str
    naam: str
    datum: str
    representaties: tuple[str, ...]  # the file names


def informatieobject_xml(obj: Informatieobject) -> bytes:
    """The informatieobject sidecar; deterministic (no clock time in it)."""
    root, io = _root("informatieobject")
    for kenmerk, bron in obj.identificatie:
        _identificatie(io, "identificatie", kenmerk, bron)
    _text(io, "naam", obj.naam)
    _begrip(io, "aggregatieniveau", "Archiefstuk", None, _LIST_AGGREGATIE)
    _text(io, "taal", "nl")
    event = _sub(io, "event")
    _begrip(event, "eventType", "Creatie", None, _LIST_EVENT)
    _text(event, "eventTijd", obj.datum.isoformat())
    _begrip(io, "waardering", _WAARDERING_LABELS[obj.waardering], obj.waardering, _LIST_WAARDERING)
    if obj.bewaartermijn is not None:
        termijn = _sub(io, "bewaartermijn")
        _text(termijn, "termijnLooptijd", f"P{obj.bewaartermijn}Y")
    if obj.selectielijst:
        # The selectielijst is the list the waardering was taken from.
        _begrip(io, "informatiecategorie", obj.selectielijst, None, obj.selectielijst)
    for rep in obj.representaties:
        _verwijzing(io, "heeftRepresentatie", rep)
    if obj.vorige_versie is not None:
        related = _sub(io, "gerelateerdInformatieobject")
        _verwijzing(related, "gerelateerdInformatieobjectVerwijzing", obj.vorige_versie)
        _begrip(
            related, "gerelateerdInformatieobjectTypeRelatie", "Vorige versie", None, _LIST_RELATIE
        )
    _verwijzing(io, "archiefvormer", obj.archiefvormer)
    beperking = _sub(io, "beperkingGebruik")
    _begrip(beperking, "beperkingGebruikType", "Openbaar", None, _LIST_BEPERKING)
    _text(
        beperking,
        "beperkingGebruikNadereBeschrijving",
        "Raadsinformatiebrief aan de gemeenteraad; openbaar.",
    )
    return _serialize(root)


def bestand_xml(obj: Bestand) -> bytes:
    """The bestand sidecar of one stored file."""
    root, el = _root("bestand")
    _identificatie(el, "identificatie", obj.kenmerk, obj.bron)
    _text(el, "naam", obj.naam)
    _text(el, "omvang", str(obj.omvang))
    _begrip(el, "bestandsformaat", obj.formaat or obj.puid, obj.puid, _LIST_PRONOM)
    checksum = _sub(el, "checksum")
    _begrip(checksum, "checksumAlgoritme", CHECKSUM_LABEL, None, _LIST_CHECKSUM)
    _text(checksum, "checksumWaarde", obj.sha256)
    _text(checksum, "checksumDatum", obj.checksum_datum.replace(microsecond=0).isoformat())
    _verwijzing(el, "isRepresentatieVan", obj.informatieobject)
    return _serialize(root)


def schema_errors(xml: bytes) -> list[str]:
    """Why ``xml`` is not valid MDTO 1.0.1 (empty when it is), one message per problem."""
    try:
        doc = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        return [f"it is not well-formed XML ({exc})"]
    schema = _schema()
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def read_bestand(xml: bytes) -> BestandRecord:
    """The fields of a valid bestand sidecar that ``verify`` compares with the file."""
    el = _child(etree.fromstring(xml, _parser()), "bestand")
    checksum = _child(el, "checksum")
    return BestandRecord(
        naam=_value(el, "naam"),
        omvang=int(_value(el, "omvang")),
        puid=_value(el, "bestandsformaat/m:begripCode"),
        checksum_label=_value(checksum, "checksumAlgoritme/m:begripLabel"),
        checksum=_value(checksum, "checksumWaarde"),
        informatieobject=_value(
            el, "isRepresentatieVan/m:verwijzingIdentificatie/m:identificatieKenmerk"
        ),
    )


def read_informatieobject(xml: bytes) -> InformatieobjectRecord:
    """The fields of a valid informatieobject sidecar that ``verify`` compares."""
    el = _child(etree.fromstring(xml, _parser()), "informatieobject")
    return InformatieobjectRecord(
        kenmerk=_value(el, "identificatie/m:identificatieKenmerk"),
        naam=_value(el, "naam"),
        datum=_value(el, "event/m:eventTijd"),
        representaties=tuple(
            str(t)
            for t in el.xpath("m:heeftRepresentatie/m:verwijzingNaam/text()", namespaces={"m": NS})
        ),
    )


# --------------------------------------------------------------------------- helpers


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _root(kind: str) -> tuple[etree._Element, etree._Element]:
    root = etree.Element(_q("MDTO"), nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    return root, etree.SubElement(root, _q(kind))


def _sub(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, _q(tag))


def _text(parent: etree._Element, tag: str, value: str) -> etree._Element:
    el = _sub(parent, tag)
    el.text = value
    return el


def _identificatie(parent: etree._Element, tag: str, kenmerk: str, bron: str) -> None:
    el = _sub(parent, tag)
    _text(el, "identificatieKenmerk", kenmerk)
    _text(el, "identificatieBron", bron)


def _verwijzing(parent: etree._Element, tag: str, ref: Verwijzing) -> None:
    el = _sub(parent, tag)
    _text(el, "verwijzingNaam", ref.naam)
    if ref.kenmerk is not None and ref.bron is not None:
        _identificatie(el, "verwijzingIdentificatie", ref.kenmerk, ref.bron)


def _begrip(parent: etree._Element, tag: str, label: str, code: str | None, lijst: str) -> None:
    el = _sub(parent, tag)
    _text(el, "begripLabel", label)
    if code is not None:
        _text(el, "begripCode", code)
    _verwijzing(el, "begripBegrippenlijst", Verwijzing(lijst))


def _serialize(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def _parser() -> etree.XMLParser:
    # Sidecars are data from disk: no DTDs, no entities, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def _schema() -> etree.XMLSchema:
    data = resources.files("dtz_letters").joinpath("schemas", SCHEMA_FILE).read_bytes()
    return etree.XMLSchema(etree.fromstring(data, _parser()))


def _child(el: etree._Element, tag: str) -> etree._Element:
    found = el.find(_q(tag))
    if found is None:
        raise ValueError(f"the sidecar has no {tag} element")
    return found


def _value(el: etree._Element, path: str) -> str:
    found: Iterable[object] = el.xpath(f"m:{path}/text()", namespaces={"m": NS})
    values = [str(v) for v in found]
    if not values:
        raise ValueError(f"the sidecar has no {path.replace('m:', '')} value")
    return values[0].strip()
