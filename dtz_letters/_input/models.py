"""Validated models of a letter and of a municipality profile.

Every model forbids unknown keys. Keys are Dutch where they are the domain of a
raadsinformatiebrief (onderwerp, kenmerk, bijlagen), as griffie staff write them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

#: Characters that show nothing: format characters (zero-width space, joiners, soft hyphen,
#: direction marks) and separators. Text made of only these is as empty as "".
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _not_blank(value: str) -> str:
    if not value.strip() or all(
        c.isspace() or unicodedata.category(c) in _INVISIBLE for c in value
    ):
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]

#: More sections (or attachments) than this is no letter; refused rather than rendered for ever.
MAX_SECTIONS = 500
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Onbekend(_Model):
    """A fact that is not known, on purpose: ``{onbekend: "why, and who can tell"}``."""

    onbekend: Text


#: A fact: known text, or explicitly unknown. Never an empty string.
Fact = Annotated[Text | Onbekend, Field(union_mode="left_to_right")]


def is_known(value: object) -> bool:
    return value is not None and not isinstance(value, Onbekend)


# --------------------------------------------------------------------------- profile


class Adres(_Model):
    regel: Text  # "Postbus 2" or "Kasteel 1"
    postcode: Annotated[str, Field(pattern=r"^[1-9][0-9]{3} [A-Z]{2}$")]
    plaats: Text

    def postal_lines(self) -> tuple[str, str]:
        """The PostNL form: the place in capitals, two spaces after the postcode."""
        return self.regel, f"{self.postcode}  {self.plaats.upper()}"


class Ondertekenaar(_Model):
    functie: Text  # "de burgemeester"
    naam: Fact  # "R. Bergsma", or {onbekend: ...}


class Ondertekening(_Model):
    """The signature block: the college line and the signatories, in the order they sign."""

    college: Text
    ondertekenaars: Annotated[list[Ondertekenaar], Field(min_length=1)]
    #: The place of signing ("Exloo"): when set, "Exloo, 21 december 2021" stands above the
    #: college line, as some municipalities sign.
    plaats: Text | None = None


class Logo(_Model):
    bestand: Text
    alt: Text
    #: True while the file is our neutral wordmark, to be replaced by the official logo.
    vervangen: bool = False


def _colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError("must be a colour as #rrggbb")
    return value.lower()


Colour = Annotated[str, AfterValidator(_colour)]


class Kleuren(_Model):
    accent: Colour
    tekst: Colour = "#1a1a1a"
    #: True when these are neutral defaults, not the municipality's huisstijl colours.
    vervangen: bool = False


Bewaartermijn = Annotated[int, Field(ge=1, le=200)]  # years


class Informatiecategorie(_Model):
    """A category of the selectielijst (MDTO informatiecategorie): code and label apart."""

    code: Fact  # "1.1.2", as the selectielijst numbers it
    label: Fact  # the category's name in the selectielijst


class Beperking(_Model):
    """A restriction on the use of archived letters (MDTO beperkingGebruik)."""

    label: Text  # "Openbaar"
    omschrijving: Text | None = None  # what it means, and on what ground


class Archief(_Model):
    """How the municipality's selectielijst values a raadsinformatiebrief (the defaults a
    letter's own ``archief:`` overrides)."""

    waardering: Literal["B", "V"] | Onbekend  # B = bewaren, V = vernietigen
    bewaartermijn: Bewaartermijn | None = None  # years, with V
    selectielijst: Fact  # the name of the selectielijst the category comes from
    #: The category the waardering follows from.
    informatiecategorie: Informatiecategorie | Onbekend | None = None
    #: The registration the letters' kenmerk (zaaknummer) comes from: MDTO identificatieBron.
    identificatiebron: Fact | None = None
    #: The documented list of use restrictions (default: dtz-letters' list, see README).
    beperkingen: Annotated[list[Beperking], Field(min_length=1)] | None = None
    beperking: Text | None = None  # the usual one, by label (default: the first of the list)


class BriefArchief(_Model):
    """A letter's own archive settings (``archief:``), over the profile's: the waardering
    follows from the zaak a letter belongs to, not from the municipality alone."""

    waardering: Literal["B", "V"] | None = None
    bewaartermijn: Bewaartermijn | None = None  # years, with V
    informatiecategorie: Informatiecategorie | None = None
    selectielijst: Text | None = None
    beperking: Text | None = None  # a label from the profile's list of beperkingen


class Profile(_Model):
    """A municipality's house-style profile (``templates/<slug>/profile.yaml``)."""

    naam: Text  # "Coevorden"
    officiele_naam: Text  # "gemeente Coevorden"
    tooi: Annotated[str, Field(pattern=r"^gm[0-9]{4}$")]
    #: The TOOI identifier (URI) of the municipality, for the archive's archiefvormer.
    tooi_uri: (
        Annotated[
            str, Field(pattern=r"^https://identifier\.overheid\.nl/tooi/id/gemeente/gm[0-9]{4}$")
        ]
        | None
    ) = None
    provincie: Text
    website: Annotated[str, Field(pattern=r"^https://[^\s]+$")]
    telefoon: Text
    postadres: Adres | Onbekend
    bezoekadres: Adres | Onbekend | None = None
    ondertekening: Ondertekening
    logo: Logo
    kleuren: Kleuren
    lettertype: Text = "Open Sans"
    documenttype: Text = "Raadsinformatiebrief"
    aanhef: Text = "Geachte leden van de raad,"
    slot: Text = "Hoogachtend,"
    archief: Archief | None = None
    bronnen: list[Text] = []


# --------------------------------------------------------------------------- letter


class Passage(_Model):
    """A paragraph (or several) of Markdown, optionally for some municipalities only."""

    tekst: Text
    alleen: list[Slug] | None = None
    behalve: list[Slug] | None = None


class Sectie(_Model):
    kop: Text | None = None
    tekst: Text | Annotated[list[Text | Passage], Field(min_length=1)]
    alleen: list[Slug] | None = None
    behalve: list[Slug] | None = None


class Bijlage(_Model):
    titel: Text
    bestand: Text | None = None


class Contact(_Model):
    """Behandeld door."""

    naam: Text
    functie: Text | None = None
    telefoon: Text | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class Variant(_Model):
    """Values that differ per municipality (``per_gemeente: {emmen: {...}}``)."""

    datum: dt.date | Onbekend | None = None
    kenmerk: Text | None = None
    uw_kenmerk: Text | None = None
    contact: Contact | None = None
    aanhef: Text | None = None
    ondertekenaars: Annotated[list[Ondertekenaar], Field(min_length=1)] | None = None
    archief: BriefArchief | None = None  # over the letter's archief, for this municipality


class Letter(_Model):
    """A raadsinformatiebrief as written in ``letters/*.yaml``."""

    onderwerp: Text
    datum: dt.date | Onbekend
    kenmerk: Text | None = None
    uw_kenmerk: Text | None = None
    status: Literal["concept", "definitief"] = "concept"
    gemeenten: Annotated[list[Slug], Field(min_length=1)] | None = None
    aan: Text = "Aan de leden van de gemeenteraad"
    aanhef: Text | None = None
    secties: Annotated[list[Sectie], Field(min_length=1, max_length=MAX_SECTIONS)]
    bijlagen: Annotated[list[Bijlage], Field(max_length=MAX_SECTIONS)] = []
    slot: Text | None = None
    contact: Contact | None = None
    ondertekenaars: Annotated[list[Ondertekenaar], Field(min_length=1)] | None = None
    per_gemeente: dict[Slug, Variant] = {}
    archief: BriefArchief | None = None  # over the profile's archief settings

    @field_validator("datum", mode="before")
    @classmethod
    def _no_datetime(cls, value: object) -> object:
        if isinstance(value, dt.datetime):
            raise ValueError("must be a date (YYYY-MM-DD) without a time")
        return value
