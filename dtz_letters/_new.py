"""``new``: start a letter from a skeleton that names every field.

The skeleton holds every key of the letter format, present or commented with a short Dutch
explanation; the date is ``{onbekend: ...}`` and the subject and text are written
placeholders ``[ONBEKEND: ...]``, so the new letter validates, renders as a CONCEPT, and
``dtz-letters check`` lists exactly what is still to be written. Its first line points
editors at the letter schema.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ._input.schema import modeline
from ._input.workspace import Workspace
from .errors import DtzLettersError, display_path

#: A letter's name becomes its file name, its output files' names and part of its archive
#: identity: a plain word.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

_SKELETON = """\
{modeline}
# Raadsinformatiebrief '{name}', begonnen met dtz-letters new.
#
# Vul in wat nog [ONBEKEND: ...] of {{onbekend: ...}} is; zolang er iets ontbreekt, is de
# brief een CONCEPT. Wat nog ontbreekt:   dtz-letters check {shown}
# De brief voor elke gemeente, bij elke opslag bijgewerkt:   dtz-letters preview {shown}
# Een regel met # ervoor is uitleg of een optioneel veld: haal het # weg om het te gebruiken.

onderwerp: "[ONBEKEND: het onderwerp van de brief]"
datum:                       # JJJJ-MM-DD, in de brief als "20 maart 2025"
  onbekend: de datum van verzending is nog niet bekend
# kenmerk: Z/25/123456       # ons kenmerk (zaaknummer)
# uw_kenmerk: RV-2025-12     # uw kenmerk
status: concept              # concept of definitief
{gemeenten}
# aan: Aan de leden van de gemeenteraad   # de geadresseerde (dit is de standaard)
# aanhef: Geachte leden van de raad,      # standaard: de aanhef van de gemeente
# slot: Hoogachtend,                      # standaard: de afsluiting van de gemeente
# contact:                   # behandeld door
#   naam: J. Jansen
#   functie: beleidsadviseur
#   telefoon: "14 0524"
#   email: j.jansen@example.nl
# ondertekenaars:            # standaard: het ondertekeningsblok van de gemeente
#   - functie: de burgemeester
#     naam: J. Jansen

# De tekst is Markdown: een lege regel begint een nieuwe alinea; **vet**, *cursief*,
# [een link](https://www.example.nl), lijsten met - of 1. aan het begin van de regel.
secties:
  - tekst: |                 # een sectie zonder kop: de openingsalinea's
      [ONBEKEND: de eerste alinea van de brief]
  - kop: "[ONBEKEND: de kop van deze sectie]"
    tekst: |
      [ONBEKEND: de tekst van deze sectie]
#   alleen: [coevorden]      # de sectie alleen in de brieven van deze gemeenten
#   behalve: [emmen]         # of: in alle brieven behalve die van deze gemeenten
# Tekst voor één gemeente: {{{{ gemeente.naam }}}}, {{{{ gemeente.officiele_naam }}}},
# {{{{ gemeente.website }}}} en {{{{ gemeente.telefoon }}}} worden per gemeente ingevuld.

# bijlagen:
#   - titel: Jaarverslag 2024
#     bestand: bijlagen/jaarverslag-2024.pdf   # optioneel: het bestand, naast deze brief

# per_gemeente:              # waarden die per gemeente verschillen
#   emmen:
#     kenmerk: EM-2025-001   # ook: datum, uw_kenmerk, contact, aanhef, ondertekenaars, archief
# archief:                   # voor het archief, boven de instellingen van de gemeente:
#   waardering: V            # B (bewaren) of V (vernietigen), volgens de selectielijst
#   bewaartermijn: 10        # jaren, bij V
#   informatiecategorie: {{code: "<nummer>", label: "<omschrijving>"}}
#   beperking: Openbaar      # een label uit de lijst van de gemeente
"""


def new_letter(
    name: str, workspace: Workspace | None = None, gemeenten: Sequence[str] = ()
) -> Path:
    """Write ``letters/<name>.yaml`` in the workspace from the skeleton; refuse to overwrite.

    ``gemeenten`` (slugs, each with a profile) become the letter's ``gemeenten`` list;
    without them the letter goes to every municipality and the list is left commented.
    """
    stem = name.removesuffix(".yaml")
    if not _NAME.fullmatch(stem):
        raise DtzLettersError(
            f"{name!r} is not a letter name: use letters, digits, - and _ (jaarverslag-2024); "
            "the letter is written to letters/ in the workspace"
        )
    ws = workspace or Workspace.find()
    slugs = list(dict.fromkeys(gemeenten))
    for slug in slugs:
        ws.house_style(slug)  # UnknownGemeenteError names the known ones
    if slugs:
        line = f"gemeenten: [{', '.join(slugs)}]"
    else:
        line = (
            f"# gemeenten: [{', '.join(ws.slugs())}]   # standaard: alle gemeenten met een profiel"
        )
    folder = ws.root / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.yaml"
    text = _SKELETON.format(
        modeline=modeline(path), name=stem, shown=f"letters/{stem}.yaml", gemeenten=line
    )
    # Written whole under a temporary name, then linked into place: a link never replaces an
    # existing file, so two runs at once cannot overwrite each other's letter either.
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="\n", dir=folder, prefix=f".{stem}.", delete=False
    ) as out:
        out.write(text)
    try:
        os.link(out.name, path)
    except FileExistsError:
        raise DtzLettersError(
            f"{display_path(path)} already exists; dtz-letters new does not overwrite a letter "
            "(choose another name, or edit that one)"
        ) from None
    finally:
        os.unlink(out.name)
    return path
