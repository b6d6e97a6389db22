"""Validated models of a letter and of a municipality profile.

Every model forbids unknown keys. Keys are Dutch where they are the domain of a
raadsinformatiebrief (onderwerp, kenmerk, bijlagen), as griffie staff write them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache
from typing import Annotated, Any, Literal

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


def _visible_text_schema(schema: dict[str, Any]) -> None:
    """In the JSON Schema: at least one visible character, as ``_not_blank`` demands."""
    schema["pattern"] = visible_pattern()
    schema["patternErrorMessage"] = "mag niet leeg zijn (ook niet alleen spaties)"


@cache
def visible_pattern() -> str:
    """A regular expression (ECMAScript and Python alike) that finds a visible character: any
    character of the Basic Multilingual Plane but the invisible ones of ``_not_blank``.

    Limited to the BMP, written as ``\\uXXXX`` escapes, so that every editor's regex engine
    reads it the same way and the generated schema does not change with Python's Unicode
    version; text of only invisible characters beyond the BMP passes the schema, not ``check``.
    """
    invisible = [
        c
        for c in range(0x10000)
        if not 0xD800 <= c <= 0xDFFF
        and (chr(c).isspace() or unicodedata.category(chr(c)) in _INVISIBLE)
    ]
    ranges: list[list[int]] = []
    for c in invisible:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    parts = [f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges]
    return "[^" + "".join(parts) + "]"


Text = Annotated[str, AfterValidator(_not_blank), Field(json_schema_extra=_visible_text_schema)]

#: More sections (or attachments) than this is no letter; refused rather than rendered for ever.
MAX_SECTIONS = 500
Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9-]*$",
        json_schema_extra={
            "patternErrorMessage": "een gemeente: kleine letters, cijfers en streepjes "
            "(borger-odoorn)",
            "examples": ["coevorden", "emmen", "hardenberg", "hoogeveen", "borger-odoorn"],
        },
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def _extra(pattern_message: str, **more: Any) -> dict[str, Any]:
    """What the JSON Schema says of a patterned value, for the editor's red line."""
    return {"patternErrorMessage": pattern_message, **more}


#: Why an {onbekend: ...} is allowed: shown by the editor under every fact that may be unknown.
_UNKNOWN = ' Niet bekend? Schrijf {onbekend: "waarom, en wie het weet"}: verzin het niet.'

Datum = Annotated[
    dt.date,
    Field(
        json_schema_extra=_extra(
            "een datum als JJJJ-MM-DD (2025-03-20)", pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        )
    ),
]


class Onbekend(_Model):
    """A fact that is not known, on purpose: ``{onbekend: "why, and who can tell"}``."""

    onbekend: Text = Field(
        description="Waarom dit feit (nog) niet bekend is, en wie het kan vertellen. De brief "
        "wordt dan een CONCEPT met een zichtbare plek [ONBEKEND: ...], en `dtz-letters check` "
        "noemt het bestand en het veld dat nog ingevuld moet worden.",
        examples=["de datum van verzending is nog niet bekend"],
    )


#: A fact: known text, or explicitly unknown. Never an empty string.
Fact = Annotated[Text | Onbekend, Field(union_mode="left_to_right")]


def is_known(value: object) -> bool:
    return value is not None and not isinstance(value, Onbekend)


# --------------------------------------------------------------------------- profile


class Adres(_Model):
    regel: Text = Field(  # "Postbus 2" or "Kasteel 1"
        description="De eerste regel: postbus, of straat en huisnummer.",
        examples=["Postbus 2"],
    )
    postcode: Annotated[
        str,
        Field(
            pattern=r"^[1-9][0-9]{3} [A-Z]{2}$",
            json_schema_extra=_extra("een postcode: vier cijfers, een spatie, twee hoofdletters"),
        ),
    ] = Field(
        description="Postcode: vier cijfers, een spatie, twee hoofdletters.",
        examples=["7740 AA"],
    )
    plaats: Text = Field(
        description="De plaats, gewoon geschreven; de brief zet hem in hoofdletters.",
        examples=["Coevorden"],
    )

    def postal_lines(self) -> tuple[str, str]:
        """The PostNL form: the place in capitals, two spaces after the postcode."""
        return self.regel, f"{self.postcode}  {self.plaats.upper()}"


class Ondertekenaar(_Model):
    functie: Text = Field(  # "de burgemeester"
        description="De functie zoals hij boven de naam staat.",
        examples=["de burgemeester", "de secretaris"],
    )
    naam: Fact = Field(  # "R. Bergsma", or {onbekend: ...}
        description="De naam van de ondertekenaar, met voorletters." + _UNKNOWN,
        examples=["J. Jansen", {"onbekend": "de naam van de burgemeester is nog niet bekend"}],
    )


class Ondertekening(_Model):
    """The signature block: the college line and the signatories, in the order they sign."""

    college: Text = Field(
        description="De regel boven de handtekeningen.",
        examples=["het college van burgemeester en wethouders van Coevorden"],
    )
    ondertekenaars: Annotated[list[Ondertekenaar], Field(min_length=1)] = Field(
        description="Wie ondertekent, in volgorde van ondertekening (van links naar rechts).",
        examples=[[{"functie": "de secretaris", "naam": "J. Jansen"}]],
    )
    #: The place of signing ("Exloo"): when set, "Exloo, 21 december 2021" stands above the
    #: college line, as some municipalities sign.
    plaats: Text | None = Field(
        None,
        description='Optioneel: de plaats van ondertekening; dan staat "<plaats>, <datum>" '
        "boven de collegeregel.",
        examples=["Exloo"],
    )


class Logo(_Model):
    bestand: Text = Field(
        description="Het logo (PNG) in de map van de gemeente.",
        examples=["logo.png"],
    )
    alt: Text = Field(
        description="De alternatieve tekst van het logo, voor schermlezers.",
        examples=["Logo gemeente Coevorden"],
    )
    #: True while the file is our neutral wordmark, to be replaced by the official logo.
    vervangen: bool = Field(
        False,
        description="true zolang het bestand het neutrale woordmerk van dtz-letters is, dat nog "
        "door het officiële logo vervangen moet worden.",
        examples=[True],
    )


def _colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError("must be a colour as #rrggbb")
    return value.lower()


Colour = Annotated[
    str,
    AfterValidator(_colour),
    Field(json_schema_extra=_extra("een kleur als #rrggbb", pattern="^#[0-9a-fA-F]{6}$")),
]


class Kleuren(_Model):
    accent: Colour = Field(
        description="De accentkleur van de huisstijl (koppen, lijnen) als #rrggbb, tussen "
        "aanhalingstekens.",
        examples=["#4d4d4d"],
    )
    tekst: Colour = Field(
        "#1a1a1a",
        description="De kleur van de tekst als #rrggbb.",
        examples=["#1a1a1a"],
    )
    #: True when these are neutral defaults, not the municipality's huisstijl colours.
    vervangen: bool = Field(
        False,
        description="true zolang dit de neutrale standaardkleuren zijn, niet die van de "
        "huisstijl van de gemeente.",
        examples=[True],
    )


Bewaartermijn = Annotated[int, Field(ge=1, le=200)]  # years


class Informatiecategorie(_Model):
    """A category of the selectielijst (MDTO informatiecategorie): code and label apart."""

    code: Fact = Field(  # "1.1.2", as the selectielijst numbers it
        description="Het nummer van de categorie in de selectielijst." + _UNKNOWN,
        examples=["<nummer>"],
    )
    label: Fact = Field(  # the category's name in the selectielijst
        description="De omschrijving van de categorie in de selectielijst." + _UNKNOWN,
        examples=["<omschrijving van de categorie>"],
    )


class Beperking(_Model):
    """A restriction on the use of archived letters (MDTO beperkingGebruik)."""

    label: Text = Field(  # "Openbaar"
        description="De naam van de beperking.",
        examples=["Openbaar"],
    )
    omschrijving: Text | None = Field(  # what it means, and on what ground
        None,
        description="Wat de beperking inhoudt, en op welke grond.",
        examples=["Geen beperking op het gebruik."],
    )


class Archief(_Model):
    """How the municipality's selectielijst values a raadsinformatiebrief (the defaults a
    letter's own ``archief:`` overrides)."""

    waardering: Literal["B", "V"] | Onbekend = Field(  # B = bewaren, V = vernietigen
        description="De waardering volgens de selectielijst: B (bewaren) of V (vernietigen)."
        + _UNKNOWN,
        examples=["V", {"onbekend": "de selectielijst van de gemeente is nog niet bekend"}],
    )
    bewaartermijn: Bewaartermijn | None = Field(  # years, with V
        None,
        description="Bij waardering V: hoeveel jaar de brief bewaard wordt.",
        examples=[10],
    )
    selectielijst: Fact = Field(
        description="De naam van de selectielijst waar de categorie uit komt." + _UNKNOWN,
        examples=["<naam van de selectielijst>"],
    )
    #: The category the waardering follows from.
    informatiecategorie: Informatiecategorie | Onbekend | None = Field(
        None,
        description="De categorie van de selectielijst waaruit de waardering volgt: code en "
        "omschrijving." + _UNKNOWN,
        examples=[{"code": "<nummer>", "label": "<omschrijving van de categorie>"}],
    )
    #: The registration the letters' kenmerk (zaaknummer) comes from: MDTO identificatieBron.
    identificatiebron: Fact | None = Field(
        None,
        description="Het systeem waar het kenmerk (zaaknummer) van de brieven uit komt: de "
        "identificatieBron in de MDTO-metadata." + _UNKNOWN,
        examples=["<naam van het zaaksysteem van de gemeente>"],
    )
    #: The documented list of use restrictions (default: dtz-letters' list, see README).
    beperkingen: Annotated[list[Beperking], Field(min_length=1)] | None = Field(
        None,
        description="De lijst van beperkingen op het gebruik die de gemeente hanteert "
        "(standaard die van dtz-letters: Openbaar, Geheim).",
        examples=[[{"label": "Openbaar", "omschrijving": "Geen beperking op het gebruik."}]],
    )
    beperking: Text | None = Field(
        None,
        description="De gebruikelijke beperking, met haar label uit de lijst (standaard de "
        "eerste).",
        examples=["Openbaar"],
    )


class BriefArchief(_Model):
    """A letter's own archive settings (``archief:``), over the profile's: the waardering
    follows from the zaak a letter belongs to, not from the municipality alone."""

    waardering: Literal["B", "V"] | None = Field(
        None,
        description="De waardering van deze brief: B (bewaren) of V (vernietigen), boven die "
        "van het profiel.",
        examples=["B"],
    )
    bewaartermijn: Bewaartermijn | None = Field(  # years, with V
        None,
        description="Bij waardering V: hoeveel jaar deze brief bewaard wordt.",
        examples=[10],
    )
    informatiecategorie: Informatiecategorie | None = Field(
        None,
        description="De categorie van de selectielijst voor deze brief (code en omschrijving).",
        examples=[{"code": "<nummer>", "label": "<omschrijving van de categorie>"}],
    )
    selectielijst: Text | None = Field(
        None,
        description="De selectielijst van die categorie, als die afwijkt van het profiel.",
        examples=["<naam van de selectielijst>"],
    )
    beperking: Text | None = Field(
        None,
        description="De beperking op het gebruik van deze brief, een label uit de lijst van "
        "het profiel.",
        examples=["Openbaar"],
    )


#: A web address the municipality publishes under: https, host, optional port and path; no
#: query, fragment or unescaped character, so that every address made from it is a valid loc.
BASIS_URL_PATTERN = (
    r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?"
    r"(/([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)*$"
)


class WooCategorie(_Model):
    """The Woo information category (art. 3.3 Woo) of the municipality's letters."""

    uri: Annotated[
        str,
        Field(
            pattern=r"^https://identifier\.overheid\.nl/tooi/def/thes/kern/c_[0-9a-f]{8}$",
            json_schema_extra=_extra(
                "een URI uit de TOOI-lijst van Woo-informatiecategorieën "
                "(https://identifier.overheid.nl/tooi/def/thes/kern/c_...)"
            ),
        ),
    ] = Field(
        description="De URI van de Woo-informatiecategorie (artikel 3.3 Woo) uit de "
        "TOOI-waardelijst scw_woo_informatiecategorieen, bijvoorbeeld c_db4862c3 "
        '"vergaderstukken decentrale overheden" of c_8c840238 "bij vertegenwoordigende '
        'organen ingekomen stukken".',
        examples=["https://identifier.overheid.nl/tooi/def/thes/kern/c_db4862c3"],
    )
    #: True while the category is dtz-letters' proposal, not the municipality's own choice.
    te_bevestigen: bool = Field(
        False,
        description="true zolang de gemeente deze categorie nog niet heeft bevestigd: "
        "`dtz-letters check` en `dtz-letters publish` melden het dan.",
        examples=[True],
    )


class Publicatie(_Model):
    """How the municipality publishes its letters under the Woo (``dtz-letters publish``)."""

    basis_url: (
        Annotated[
            str,
            Field(
                pattern=BASIS_URL_PATTERN,
                max_length=1500,
                json_schema_extra=_extra(
                    "een webadres met https://, zonder ? of #, met %-codes voor bijzondere tekens"
                ),
            ),
        ]
        | Onbekend
    ) = Field(
        description="Het webadres waaronder de gemeente de map output/woo/<gemeente>/ "
        "publiceert: de sitemap staat dan op <basis_url>/sitemap.xml en elke brief op "
        "<basis_url>/<identificatie>/<identificatie>.pdf." + _UNKNOWN,
        examples=[
            "https://www.example.nl/woo",
            {"onbekend": "het webadres van de Woo-publicaties is nog niet bekend"},
        ],
    )
    informatiecategorie: WooCategorie | Onbekend = Field(
        description="De Woo-informatiecategorie van de raadsinformatiebrieven van de gemeente "
        "(de DiWoo-metadata): de URI, en of de gemeente haar nog moet bevestigen." + _UNKNOWN,
        examples=[
            {
                "uri": "https://identifier.overheid.nl/tooi/def/thes/kern/c_db4862c3",
                "te_bevestigen": True,
            }
        ],
    )


class Profile(_Model):
    """A municipality's house-style profile (``templates/<slug>/profile.yaml``)."""

    naam: Text = Field(  # "Coevorden"
        description="De korte naam van de gemeente, in de kopregel en in tekst als "
        "{{ gemeente.naam }}.",
        examples=["Coevorden"],
    )
    officiele_naam: Text = Field(  # "gemeente Coevorden"
        description="De officiële naam: de afzender van de brief (ook in de metadata).",
        examples=["gemeente Coevorden"],
    )
    tooi: Annotated[
        str,
        Field(pattern=r"^gm[0-9]{4}$", json_schema_extra=_extra("gm en vier cijfers (gm0109)")),
    ] = Field(
        description="De TOOI-code van de gemeente: gm en de vier cijfers van de CBS-code. De "
        "archiefvormer in de MDTO-metadata.",
        examples=["gm0109"],
    )
    #: The TOOI identifier (URI) of the municipality, for the archive's archiefvormer.
    tooi_uri: (
        Annotated[
            str, Field(pattern=r"^https://identifier\.overheid\.nl/tooi/id/gemeente/gm[0-9]{4}$")
        ]
        | None
    ) = Field(
        None,
        description="De TOOI-identifier (URI) van de gemeente: de archiefvormer in de "
        "MDTO-metadata.",
        examples=["https://identifier.overheid.nl/tooi/id/gemeente/gm0109"],
    )
    provincie: Text = Field(
        description="De provincie van de gemeente.",
        examples=["Drenthe"],
    )
    website: Annotated[
        str,
        Field(pattern=r"^https://[^\s]+$", json_schema_extra=_extra("een adres met https://")),
    ] = Field(
        description="De website van de gemeente, met https://.",
        examples=["https://www.coevorden.nl"],
    )
    telefoon: Text = Field(
        description="Het telefoonnummer in de afzender, tussen aanhalingstekens.",
        examples=["14 0524"],
    )
    postadres: Adres | Onbekend = Field(
        description="Het postadres in de afzender: regel, postcode en plaats." + _UNKNOWN,
        examples=[{"regel": "Postbus 2", "postcode": "7740 AA", "plaats": "Coevorden"}],
    )
    bezoekadres: Adres | Onbekend | None = Field(
        None,
        description="Optioneel: het bezoekadres (regel, postcode, plaats)." + _UNKNOWN,
        examples=[{"onbekend": "het bezoekadres is niet uit een bron bekend"}],
    )
    ondertekening: Ondertekening = Field(
        description="Het ondertekeningsblok: de collegeregel en de ondertekenaars.",
        examples=[
            {
                "college": "het college van burgemeester en wethouders van Coevorden",
                "ondertekenaars": [{"functie": "de burgemeester", "naam": "J. Jansen"}],
            }
        ],
    )
    logo: Logo = Field(
        description="Het logo in de briefkop: bestand, alternatieve tekst en of het nog "
        "vervangen moet worden.",
        examples=[{"bestand": "logo.png", "alt": "Logo gemeente Coevorden"}],
    )
    kleuren: Kleuren = Field(
        description="De kleuren van de huisstijl.",
        examples=[{"accent": "#4d4d4d"}],
    )
    lettertype: Text = Field(
        "Open Sans",
        description="Het lettertype van de brief (meegeleverd in templates/fonts).",
        examples=["Open Sans"],
    )
    documenttype: Text = Field(
        "Raadsinformatiebrief",
        description="Het soort document, in de kopregel en de metadata.",
        examples=["Raadsinformatiebrief"],
    )
    aanhef: Text = Field(
        "Geachte leden van de raad,",
        description="De standaardaanhef van de brieven van deze gemeente.",
        examples=["Geachte leden van de raad,"],
    )
    slot: Text = Field(
        "Hoogachtend,",
        description="De standaardafsluiting van de brieven van deze gemeente.",
        examples=["Hoogachtend,", "Met vriendelijke groet,"],
    )
    publicatie: Publicatie | None = Field(
        None,
        description="Hoe de gemeente haar definitieve brieven publiceert onder de Woo (nodig "
        "voor `dtz-letters publish`): het webadres en de Woo-informatiecategorie.",
        examples=[
            {
                "basis_url": "https://www.example.nl/woo",
                "informatiecategorie": {
                    "uri": "https://identifier.overheid.nl/tooi/def/thes/kern/c_db4862c3",
                    "te_bevestigen": True,
                },
            }
        ],
    )
    archief: Archief | None = Field(
        None,
        description="Hoe de selectielijst van de gemeente een raadsinformatiebrief waardeert "
        "(nodig voor `dtz-letters archive`).",
        examples=[{"waardering": "V", "bewaartermijn": 10, "selectielijst": "..."}],
    )
    bronnen: list[Text] = Field(
        [],
        description="Waar elk feit in dit profiel vandaan komt.",
        examples=[["TOOI-register (naam, code)"]],
    )


# --------------------------------------------------------------------------- letter

#: The municipalities' slugs, for the editor's examples of alleen/behalve/gemeenten.
_SLUGS_EXAMPLE = [["coevorden"], ["emmen", "hoogeveen"]]


class Passage(_Model):
    """A paragraph (or several) of Markdown, optionally for some municipalities only."""

    tekst: Text = Field(
        description="Tekst in Markdown: alinea's, **vet**, *cursief*, [links](https://...), "
        "lijsten en tabellen.",
        examples=["Deze alinea staat alleen in de brief van {{ gemeente.naam }}."],
    )
    alleen: list[Slug] | None = Field(
        None,
        description="Alleen in de brieven van deze gemeenten.",
        examples=_SLUGS_EXAMPLE,
    )
    behalve: list[Slug] | None = Field(
        None,
        description="In alle brieven behalve die van deze gemeenten.",
        examples=_SLUGS_EXAMPLE,
    )


class Sectie(_Model):
    kop: Text | None = Field(
        None,
        description="Optioneel: de kop van de sectie. Een sectie zonder kop bevat de "
        "openingsalinea's.",
        examples=["Jaarverslag 2024"],
    )
    tekst: Text | Annotated[list[Text | Passage], Field(min_length=1)] = Field(
        description="De tekst in Markdown; of een lijst van teksten en passages (tekst met "
        "alleen/behalve) die maar voor sommige gemeenten gelden.",
        examples=["Een alinea met **vet** en een [link](https://www.example.nl)."],
    )
    alleen: list[Slug] | None = Field(
        None,
        description="De hele sectie alleen in de brieven van deze gemeenten.",
        examples=_SLUGS_EXAMPLE,
    )
    behalve: list[Slug] | None = Field(
        None,
        description="De hele sectie in alle brieven behalve die van deze gemeenten.",
        examples=_SLUGS_EXAMPLE,
    )


class Bijlage(_Model):
    titel: Text = Field(
        description="De titel van de bijlage, zoals hij in de lijst van bijlagen staat.",
        examples=["Jaarverslag 2024 Dutch TechZone"],
    )
    bestand: Text | None = Field(
        None,
        description="Optioneel: het bestand, relatief aan de map van de brief en binnen de "
        "werkmap.",
        examples=["bijlagen/jaarverslag-2024.pdf"],
    )


class Contact(_Model):
    """Behandeld door."""

    naam: Text = Field(
        description='Wie de brief behandelt ("behandeld door").',
        examples=["J. Jansen"],
    )
    functie: Text | None = Field(
        None,
        description="Optioneel: de functie van de behandelaar.",
        examples=["beleidsadviseur"],
    )
    telefoon: Text | None = Field(
        None,
        description="Optioneel: het telefoonnummer, tussen aanhalingstekens.",
        examples=["14 0524"],
    )
    email: (
        Annotated[
            str,
            Field(
                pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", json_schema_extra=_extra("een e-mailadres")
            ),
        ]
        | None
    ) = Field(
        None,
        description="Optioneel: het e-mailadres.",
        examples=["j.jansen@example.nl"],
    )


class Variant(_Model):
    """Values that differ per municipality (``per_gemeente: {emmen: {...}}``)."""

    datum: Datum | Onbekend | None = Field(
        None,
        description="De datum van de brief van deze gemeente (JJJJ-MM-DD)." + _UNKNOWN,
        examples=["2025-03-21"],
    )
    kenmerk: Text | None = Field(
        None,
        description="Het kenmerk (zaaknummer) van deze gemeente.",
        examples=["EM-2025-001"],
    )
    uw_kenmerk: Text | None = Field(
        None,
        description="Uw kenmerk, voor deze gemeente.",
        examples=["RV-2025-12"],
    )
    contact: Contact | None = Field(
        None,
        description="De behandelaar bij deze gemeente.",
        examples=[{"naam": "J. Jansen", "functie": "beleidsadviseur"}],
    )
    aanhef: Text | None = Field(
        None,
        description="De aanhef in de brief van deze gemeente.",
        examples=["Geachte leden van de raad,"],
    )
    ondertekenaars: Annotated[list[Ondertekenaar], Field(min_length=1)] | None = Field(
        None,
        description="De ondertekenaars van de brief van deze gemeente.",
        examples=[[{"functie": "de burgemeester", "naam": "J. Jansen"}]],
    )
    archief: BriefArchief | None = Field(  # over the letter's archief, for this municipality
        None,
        description="De archiefinstellingen van de brief van deze gemeente (boven die van de "
        "brief).",
        examples=[{"waardering": "B"}],
    )


class Letter(_Model):
    """A raadsinformatiebrief as written in ``letters/*.yaml``."""

    onderwerp: Text = Field(
        description="Het onderwerp van de brief (verplicht).",
        examples=["Samenwerkingsverband Dutch Techzone"],
    )
    datum: Datum | Onbekend = Field(
        description='De datum van de brief als JJJJ-MM-DD (verplicht), gedrukt als "20 maart '
        '2025".' + _UNKNOWN + " De brief is dan een CONCEPT.",
        examples=["2025-03-20", {"onbekend": "de datum van verzending is nog niet bekend"}],
    )
    kenmerk: Text | None = Field(
        None,
        description="Optioneel: ons kenmerk (zaaknummer).",
        examples=["Z/25/123456"],
    )
    uw_kenmerk: Text | None = Field(
        None,
        description="Optioneel: uw kenmerk.",
        examples=["RV-2025-12"],
    )
    status: Literal["concept", "definitief"] = Field(
        "concept",
        description="concept (standaard) of definitief. Een brief met een onbekend feit blijft "
        "een CONCEPT.",
        examples=["definitief"],
    )
    gemeenten: Annotated[list[Slug], Field(min_length=1)] | None = Field(
        None,
        description="Optioneel: de gemeenten die de brief versturen (standaard: alle gemeenten "
        "met een profiel in templates/).",
        examples=[["coevorden", "emmen", "hardenberg", "hoogeveen", "borger-odoorn"]],
    )
    aan: Text = Field(
        "Aan de leden van de gemeenteraad",
        description="De geadresseerde.",
        examples=["Aan de leden van de gemeenteraad"],
    )
    aanhef: Text | None = Field(
        None,
        description="Optioneel: de aanhef (standaard die van het profiel van de gemeente).",
        examples=["Geachte leden van de raad,"],
    )
    secties: Annotated[list[Sectie], Field(min_length=1, max_length=MAX_SECTIONS)] = Field(
        description="De tekst van de brief in secties (verplicht, minstens één): elk met een "
        "optionele kop en tekst in Markdown.",
        examples=[[{"tekst": "Graag informeren wij u over ..."}]],
    )
    bijlagen: Annotated[list[Bijlage], Field(max_length=MAX_SECTIONS)] = Field(
        [],
        description="Optioneel: de bijlagen, elk met een titel (en eventueel een bestand).",
        examples=[[{"titel": "Jaarverslag 2024 Dutch TechZone"}]],
    )
    slot: Text | None = Field(
        None,
        description="Optioneel: de afsluiting (standaard die van het profiel van de gemeente).",
        examples=["Hoogachtend,", "Met vriendelijke groet,"],
    )
    contact: Contact | None = Field(
        None,
        description="Optioneel: behandeld door (naam, functie, telefoon, e-mail).",
        examples=[{"naam": "J. Jansen", "functie": "beleidsadviseur"}],
    )
    ondertekenaars: Annotated[list[Ondertekenaar], Field(min_length=1)] | None = Field(
        None,
        description="Optioneel: wie ondertekent (standaard het ondertekeningsblok van het "
        "profiel van de gemeente).",
        examples=[[{"functie": "de secretaris", "naam": "J. Jansen"}]],
    )
    per_gemeente: dict[Slug, Variant] = Field(
        {},
        description="Optioneel: waarden die per gemeente verschillen (datum, kenmerk, "
        "uw_kenmerk, contact, aanhef, ondertekenaars), onder de naam van de gemeente.",
        examples=[{"emmen": {"kenmerk": "EM-2025-001"}}],
    )
    archief: BriefArchief | None = Field(  # over the profile's archief settings
        None,
        description="Optioneel: de archiefinstellingen van deze brief (waardering, "
        "bewaartermijn, categorie, beperking), boven die van het profiel: de waardering volgt "
        "uit de zaak waar de brief bij hoort.",
        examples=[{"waardering": "V", "bewaartermijn": 10}],
    )

    @field_validator("datum", mode="before")
    @classmethod
    def _no_datetime(cls, value: object) -> object:
        if isinstance(value, dt.datetime):
            raise ValueError("must be a date (YYYY-MM-DD) without a time")
        return value
