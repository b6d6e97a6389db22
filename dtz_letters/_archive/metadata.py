"""The MDTO metadata of one archived letter version, assembled from the letter, its settings
and its names: the letter's informatieobject, and the informatieobject of its sources.

- The letter (``<base>.mdto.xml``) is represented by its PDF/A and its attachments.
- Its sources (``<base>_bron.mdto.xml``: the letter's YAML and the profile it was rendered
  with) are context, not a representation of the letter: a separate informatieobject, related
  to the letter both ways ("Heeft bron" / "Is bron van").
- Version 2 and later relate to the version before ("Vorige versie") and record, in a version
  event, the SHA-256 over that version's files: a missing or altered earlier version fails
  ``verify``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .._compose.brief import Brief
from .mdto import (
    LIST_EVENT,
    LIST_EVENT_DTZ,
    LIST_RELATIE,
    LIST_WAARDERING,
    WAARDERING_LABELS,
    Begrip,
    BeperkingGebruik,
    Event,
    Gerelateerd,
    Informatieobject,
    Termijn,
    Verwijzing,
    previous_version_text,
)
from .names import SOURCE_KINDS, Names
from .policy import Settings

#: Where the archiefvormer's TOOI identifier comes from (as gemeenten.md names the register).
TOOI_BRON = "TOOI register gemeenten compleet"
RELATIE_BRON, RELATIE_IS_BRON, RELATIE_VORIGE = "Heeft bron", "Is bron van", "Vorige versie"
EVENT_VERSIE = "Nieuwe versie"


def archive_bron(officiele_naam: str) -> str:
    """The identificatieBron of every identity the archive gives (letters, files): the
    municipality's archive of raadsinformatiebrieven, not the software that keeps it."""
    return f"{officiele_naam}, archief raadsinformatiebrieven"


@dataclass(frozen=True)
class Previous:
    """The version a new version replaces: its identity, subject and digest."""

    version: int
    base: str
    naam: str
    digest: str


def add_years(start: dt.date, years: int) -> dt.date:
    """``start`` plus whole years (29 February becomes 28 February in a common year)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def letter_informatieobject(
    names: Names,
    brief: Brief,
    settings: Settings,
    representaties: list[str],
    previous: Previous | None,
) -> Informatieobject:
    """The informatieobject of the letter (one version)."""
    assert brief.datum is not None
    bron = archive_bron(brief.officiele_naam)
    ids = [(names.base, bron)]
    if brief.kenmerk and settings.identificatiebron:
        ids.append((brief.kenmerk, settings.identificatiebron))
    events = [
        Event(
            Begrip("Creatie", None, LIST_EVENT), brief.datum.isoformat(), Verwijzing(brief.sender)
        )
    ]
    related = [
        Gerelateerd(
            Verwijzing(bron_naam(brief), names.bron, bron),
            Begrip(RELATIE_BRON, None, LIST_RELATIE),
        )
    ]
    if previous is not None:
        events.append(
            Event(
                Begrip(EVENT_VERSIE, None, LIST_EVENT_DTZ),
                resultaat=previous_version_text(previous.version, previous.base, previous.digest),
            )
        )
        related.append(
            Gerelateerd(
                Verwijzing(previous.naam, previous.base, bron),
                Begrip(RELATIE_VORIGE, None, LIST_RELATIE),
            )
        )
    return replace(
        _shared(brief, settings),
        identificatie=tuple(ids),
        naam=brief.onderwerp,
        omschrijving=brief.description(),
        events=tuple(events),
        representaties=tuple(Verwijzing(name, name, bron) for name in representaties),
        gerelateerd=tuple(related),
    )


def bron_naam(brief: Brief) -> str:
    return f"Bronbestanden van: {brief.onderwerp}"


def bron_informatieobject(names: Names, brief: Brief, settings: Settings) -> Informatieobject:
    """The informatieobject of the sources a letter version was rendered from."""
    bron = archive_bron(brief.officiele_naam)
    return replace(
        _shared(brief, settings),
        identificatie=((names.bron, bron),),
        naam=bron_naam(brief),
        omschrijving=(
            "De tekst van de brief (YAML) en het huisstijlprofiel van de gemeente waaruit "
            "dtz-letters de PDF heeft opgemaakt: de brief is er opnieuw mee op te maken en te "
            "vergelijken."
        ),
        representaties=tuple(
            Verwijzing(name, name, bron) for name in (names.content(kind) for kind in SOURCE_KINDS)
        ),
        gerelateerd=(
            Gerelateerd(
                Verwijzing(brief.onderwerp, names.base, bron),
                Begrip(RELATIE_IS_BRON, None, LIST_RELATIE),
            ),
        ),
    )


def _shared(brief: Brief, settings: Settings) -> Informatieobject:
    """What letter and sources share: waardering, term, category, creator, use."""
    assert brief.datum is not None
    termijn = None
    if settings.bewaartermijn is not None:
        # The term runs from the letter's date: the Creatie event the sidecar records.
        termijn = Termijn(
            trigger=Begrip("Creatie", None, LIST_EVENT),
            start=brief.datum,
            jaren=settings.bewaartermijn,
            einde=add_years(brief.datum, settings.bewaartermijn),
        )
    return Informatieobject(
        identificatie=(),
        naam="",
        waardering=Begrip(
            WAARDERING_LABELS[settings.waardering], settings.waardering, LIST_WAARDERING
        ),
        bewaartermijn=termijn,
        informatiecategorie=Begrip(
            settings.categorie_label, settings.categorie_code, settings.selectielijst
        ),
        archiefvormer=Verwijzing(brief.officiele_naam, settings.tooi_uri, TOOI_BRON),
        beperking=BeperkingGebruik(
            Begrip(settings.beperking.label, None, settings.beperking_lijst),
            settings.beperking.omschrijving,
        ),
    )
