"""MDTO 1.0.1 sidecars: an informatieobject per archived letter (and one for its sources), a
bestand per stored file.

Elements are written in the order the XSD fixes (the schema ships in ``schemas/``, so
``verify`` works anywhere). Vocabulary follows the Nationaal Archief's begrippenlijsten where
MDTO names one (aggregatieniveau, waardering, event types Creatie, checksum algorithm); where
it does not (use restrictions, the relations between versions and sources, the version
event) the list is named after dtz-letters and documented in the README, so nobody mistakes
it for an official list. Codes and labels stay apart: ``begripCode`` holds a code (B, V,
a selectielijst number, a PRONOM PUID), ``begripLabel`` its name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from lxml import etree

from .._xml import read_schema_file, safe_parser, serialize

if TYPE_CHECKING:
    from collections.abc import Iterable

NS = "https://www.nationaalarchief.nl/mdto"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd"
SCHEMA_FILE = "MDTO-XML1.0.1.xsd"

#: The label e-depots accept for the checksum algorithm (exactly this spelling).
CHECKSUM_LABEL = "SHA-256"

LIST_AGGREGATIE = "Begrippenlijst Aggregatieniveaus MDTO"
LIST_WAARDERING = "Begrippenlijst Waarderingen MDTO"
LIST_EVENT = "Begrippenlijst EventTypeLijst MDTO"
LIST_CHECKSUM = "Begrippenlijst ChecksumAlgoritme MDTO"
LIST_PRONOM = "PRONOM-register"
#: dtz-letters' own lists (documented in the README), where MDTO names none.
LIST_EVENT_DTZ = "Begrippenlijst Events dtz-letters"
LIST_RELATIE = "Begrippenlijst Relaties dtz-letters"
LIST_BEPERKING = "Begrippenlijst BeperkingGebruik dtz-letters"

WAARDERING_LABELS = {"B": "Blijvend te bewaren", "V": "Tijdelijk te bewaren"}

#: How a later version names the one before it (in its version event's eventResultaat).
_PREVIOUS = re.compile(r"SHA-256 over de bestanden van die versie: ([0-9a-f]{64})")


def previous_version_text(version: int, base: str, digest: str) -> str:
    """The eventResultaat of a version event: which version it replaces, and its digest."""
    return f"Vervangt versie {version} ({base}). SHA-256 over de bestanden van die versie: {digest}"


@dataclass(frozen=True)
class Verwijzing:
    """A reference to something by name, and by an identification when it has one."""

    naam: str
    kenmerk: str | None = None
    bron: str | None = None


@dataclass(frozen=True)
class Begrip:
    """A term from a begrippenlijst: its label, its code when it has one, the list's name."""

    label: str
    code: str | None
    lijst: str


@dataclass(frozen=True)
class Termijn:
    """A period (bewaartermijn): what starts it, when it started, how long, when it ends."""

    trigger: Begrip | None = None
    start: dt.date | None = None
    jaren: int | None = None
    einde: dt.date | None = None


@dataclass(frozen=True)
class Event:
    type: Begrip
    tijd: str | None = None  # an xsd:date or xsd:dateTime
    actor: Verwijzing | None = None
    resultaat: str | None = None


@dataclass(frozen=True)
class Gerelateerd:
    """A related informatieobject, and how it relates."""

    verwijzing: Verwijzing
    relatie: Begrip


@dataclass(frozen=True)
class BeperkingGebruik:
    type: Begrip
    omschrijving: str | None = None


@dataclass(frozen=True)
class Informatieobject:
    """What an informatieobject sidecar records (the letter, or the sources of a letter)."""

    identificatie: tuple[tuple[str, str], ...]  # (kenmerk, bron); the first is the archive's
    naam: str
    waardering: Begrip
    archiefvormer: Verwijzing
    beperking: BeperkingGebruik
    omschrijving: str | None = None
    events: tuple[Event, ...] = ()
    bewaartermijn: Termijn | None = None
    informatiecategorie: Begrip | None = None
    representaties: tuple[Verwijzing, ...] = ()
    gerelateerd: tuple[Gerelateerd, ...] = ()


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
    checksum_datum: str
    informatieobject: str  # identificatieKenmerk of isRepresentatieVan


@dataclass(frozen=True)
class InformatieobjectRecord:
    """The fields ``verify`` compares, read back from an informatieobject sidecar."""

    kenmerk: str
    naam: str
    datum: str | None  # of the Creatie event
    representaties: tuple[str, ...]  # the file names
    gerelateerd: tuple[tuple[str, str], ...]  # (identificatieKenmerk, relation label)
    previous_digest: str | None  # from a version event
    termijn: tuple[str | None, str | None, str | None]  # start, looptijd, einde


def informatieobject_xml(obj: Informatieobject) -> bytes:
    """The informatieobject sidecar; deterministic (no clock time in it)."""
    root, io = _root("informatieobject")
    for kenmerk, bron in obj.identificatie:
        _identificatie(io, "identificatie", kenmerk, bron)
    _text(io, "naam", obj.naam)
    _begrip(io, "aggregatieniveau", Begrip("Archiefstuk", None, LIST_AGGREGATIE))
    if obj.omschrijving:
        _text(io, "omschrijving", obj.omschrijving)
    _text(io, "taal", "nl")
    for event in obj.events:
        el = _sub(io, "event")
        _begrip(el, "eventType", event.type)
        if event.tijd is not None:
            _text(el, "eventTijd", event.tijd)
        if event.actor is not None:
            _verwijzing(el, "eventVerantwoordelijkeActor", event.actor)
        if event.resultaat is not None:
            _text(el, "eventResultaat", event.resultaat)
    _begrip(io, "waardering", obj.waardering)
    if obj.bewaartermijn is not None:
        _termijn(io, "bewaartermijn", obj.bewaartermijn)
    if obj.informatiecategorie is not None:
        _begrip(io, "informatiecategorie", obj.informatiecategorie)
    for rep in obj.representaties:
        _verwijzing(io, "heeftRepresentatie", rep)
    for related in obj.gerelateerd:
        el = _sub(io, "gerelateerdInformatieobject")
        _verwijzing(el, "gerelateerdInformatieobjectVerwijzing", related.verwijzing)
        _begrip(el, "gerelateerdInformatieobjectTypeRelatie", related.relatie)
    _verwijzing(io, "archiefvormer", obj.archiefvormer)
    beperking = _sub(io, "beperkingGebruik")
    _begrip(beperking, "beperkingGebruikType", obj.beperking.type)
    if obj.beperking.omschrijving:
        _text(beperking, "beperkingGebruikNadereBeschrijving", obj.beperking.omschrijving)
    return serialize(root)


def bestand_xml(obj: Bestand) -> bytes:
    """The bestand sidecar of one stored file."""
    root, el = _root("bestand")
    _identificatie(el, "identificatie", obj.kenmerk, obj.bron)
    _text(el, "naam", obj.naam)
    _text(el, "omvang", str(obj.omvang))
    _begrip(el, "bestandsformaat", Begrip(obj.formaat or obj.puid, obj.puid, LIST_PRONOM))
    checksum = _sub(el, "checksum")
    _begrip(checksum, "checksumAlgoritme", Begrip(CHECKSUM_LABEL, None, LIST_CHECKSUM))
    _text(checksum, "checksumWaarde", obj.sha256)
    _text(checksum, "checksumDatum", checksum_datum(obj.checksum_datum))
    _verwijzing(el, "isRepresentatieVan", obj.informatieobject)
    return serialize(root)


def checksum_datum(moment: dt.datetime) -> str:
    """How a checksum time is written, in the sidecar and in the register."""
    return moment.replace(microsecond=0).isoformat()


def schema_errors(xml: bytes) -> list[str]:
    """Why ``xml`` is not valid MDTO 1.0.1 (empty when it is), one message per problem."""
    try:
        doc = etree.fromstring(xml, safe_parser())
    except etree.XMLSyntaxError as exc:
        return [f"it is not well-formed XML ({exc})"]
    schema = _schema()
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def read_bestand(xml: bytes) -> BestandRecord:
    """The fields of a valid bestand sidecar that ``verify`` compares with the file."""
    el = _child(etree.fromstring(xml, safe_parser()), "bestand")
    checksum = _child(el, "checksum")
    return BestandRecord(
        naam=_value(el, "naam"),
        omvang=int(_value(el, "omvang")),
        puid=_value(el, "bestandsformaat/m:begripCode"),
        checksum_label=_value(checksum, "checksumAlgoritme/m:begripLabel"),
        checksum=_value(checksum, "checksumWaarde"),
        checksum_datum=_value(checksum, "checksumDatum"),
        informatieobject=_value(
            el, "isRepresentatieVan/m:verwijzingIdentificatie/m:identificatieKenmerk"
        ),
    )


def read_informatieobject(xml: bytes) -> InformatieobjectRecord:
    """The fields of a valid informatieobject sidecar that ``verify`` compares."""
    el = _child(etree.fromstring(xml, safe_parser()), "informatieobject")
    created = _values(el, "event[m:eventType/m:begripLabel='Creatie']/m:eventTijd")
    results = _values(el, "event/m:eventResultaat")
    digests = [m.group(1) for r in results if (m := _PREVIOUS.search(r))]
    related = tuple(
        (
            _value(
                g,
                "gerelateerdInformatieobjectVerwijzing/m:verwijzingIdentificatie/"
                "m:identificatieKenmerk",
            ),
            _value(g, "gerelateerdInformatieobjectTypeRelatie/m:begripLabel"),
        )
        for g in el.findall(_q("gerelateerdInformatieobject"))
    )

    def first(path: str) -> str | None:
        found = _values(el, path)
        return found[0] if found else None

    return InformatieobjectRecord(
        kenmerk=_value(el, "identificatie/m:identificatieKenmerk"),
        naam=_value(el, "naam"),
        datum=created[0] if created else None,
        representaties=tuple(_values(el, "heeftRepresentatie/m:verwijzingNaam")),
        gerelateerd=related,
        previous_digest=digests[0] if digests else None,
        termijn=(
            first("bewaartermijn/m:termijnStartdatumLooptijd"),
            first("bewaartermijn/m:termijnLooptijd"),
            first("bewaartermijn/m:termijnEinddatum"),
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


def _begrip(parent: etree._Element, tag: str, begrip: Begrip) -> None:
    el = _sub(parent, tag)
    _text(el, "begripLabel", begrip.label)
    if begrip.code is not None:
        _text(el, "begripCode", begrip.code)
    _verwijzing(el, "begripBegrippenlijst", Verwijzing(begrip.lijst))


def _termijn(parent: etree._Element, tag: str, termijn: Termijn) -> None:
    el = _sub(parent, tag)
    if termijn.trigger is not None:
        _begrip(el, "termijnTriggerStartLooptijd", termijn.trigger)
    if termijn.start is not None:
        _text(el, "termijnStartdatumLooptijd", termijn.start.isoformat())
    if termijn.jaren is not None:
        _text(el, "termijnLooptijd", f"P{termijn.jaren}Y")
    if termijn.einde is not None:
        _text(el, "termijnEinddatum", termijn.einde.isoformat())


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(read_schema_file(SCHEMA_FILE), safe_parser()))


def _child(el: etree._Element, tag: str) -> etree._Element:
    found = el.find(_q(tag))
    if found is None:
        raise ValueError(f"the sidecar has no {tag} element")
    return found


def _values(el: etree._Element, path: str) -> list[str]:
    found: Iterable[object] = el.xpath(f"m:{path}/text()", namespaces={"m": NS})
    return [str(v).strip() for v in found]


def _value(el: etree._Element, path: str) -> str:
    values = _values(el, path)
    if not values:
        raise ValueError(f"the sidecar has no {path.replace('m:', '')} value")
    return values[0]
