"""The MDTO metadata of one archived letter version, assembled from the letter and its names."""

from __future__ import annotations

from .._compose.brief import Brief
from .mdto import Informatieobject, Verwijzing
from .names import CONTENT_KINDS, Names
from .policy import Settings

#: The bron of every identificatie dtz-letters makes up.
BRON = "dtz-letters"
TOOI_BRON = "TOOI register gemeenten compleet"


def informatieobject_for(names: Names, brief: Brief, settings: Settings) -> Informatieobject:
    assert brief.datum is not None
    ids = [(names.base, BRON)]
    if brief.kenmerk:
        ids.append((brief.kenmerk, f"zaaksysteem {brief.officiele_naam}"))
    previous = None
    if names.version > 1:
        before = Names(names.identificatie, names.version - 1)
        previous = Verwijzing(brief.onderwerp, before.base, BRON)
    return Informatieobject(
        identificatie=tuple(ids),
        naam=brief.onderwerp,
        datum=brief.datum,
        waardering=settings.waardering,
        bewaartermijn=settings.bewaartermijn,
        selectielijst=settings.selectielijst,
        archiefvormer=Verwijzing(brief.officiele_naam, brief.tooi, TOOI_BRON),
        representaties=tuple(
            Verwijzing(names.content(kind), names.content(kind), BRON) for kind in CONTENT_KINDS
        ),
        vorige_versie=previous,
    )
