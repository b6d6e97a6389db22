"""From a validated letter and a municipality profile to one resolved ``Brief``.

A ``Brief`` is everything a renderer needs, already decided: the values for this municipality,
the sections it gets, the text with profile values filled in (:mod:`.text`), Markdown parsed
into blocks within the budgets (:mod:`.budgets`), Dutch dates, and the facts that are still
unknown. Both renderers read only this, so the DOCX and the PDF cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from .._input.models import Adres, Contact, Kleuren, Logo, Onbekend, Ondertekenaar, Passage
from .._input.safe_yaml import Loc, format_loc
from ..errors import LetterError, Problem
from .document import Block, Outline, block_text
from .markdown import unescape
from .text import Body, expand_letter

if TYPE_CHECKING:
    from .._input.load import LetterFile, ProfileFile
    from .._input.models import Profile


@dataclass(frozen=True)
class Signatory:
    functie: str
    naam: str
    known: bool


@dataclass(frozen=True)
class Brief:
    """One letter for one municipality, ready to render: every value decided, the profile's
    included, so a renderer never looks behind it."""

    slug: str
    name: str  # the letter's file stem, used for output file names
    gemeente: str  # the short name, "Coevorden"
    officiele_naam: str  # "gemeente Coevorden": the author
    tooi: str  # the TOOI code, "gm0109"
    sender_lines: tuple[str, ...]  # the letterhead's sender block
    logo: Logo  # its file in the municipality's folder, and its alternative text
    kleuren: Kleuren
    lettertype: str
    documenttype: str
    onderwerp: str
    datum: dt.date | None
    datum_tekst: str
    kenmerk: str | None
    uw_kenmerk: str | None
    aan: str
    aanhef: str
    body: tuple[Block, ...]
    slot: str
    plaats_datum: str | None  # "Exloo, 21 december 2021", where the profile signs with a place
    college: str
    ondertekenaars: tuple[Signatory, ...]
    bijlagen: tuple[str, ...]
    contact: Contact | None
    status: str  # as the letter declares it: "concept" or "definitief"
    missing: tuple[Problem, ...]  # facts still unknown, located in profile or letter
    #: The facts still unknown in a word each, in the order of ``missing``: "datum",
    #: "naam secretaris", or the field that still holds a written placeholder ("onderwerp").
    gaps: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """What the letter calls itself: "Raadsinformatiebrief: <subject>" (the PDF's title,
        the DiWoo officiele titel)."""
        return f"{self.documenttype}: {self.onderwerp}"

    @property
    def sender(self) -> str:
        """The college that sends it, as a name: its signing line without the trailing
        comma some municipalities sign with."""
        return self.college.strip().rstrip(",")

    def description(self, *, addressed: bool = False) -> str:
        """ "Raadsinformatiebrief van het college van ... (aan de leden van de
        gemeenteraad)": the archive's and the publication's omschrijving."""
        words = [self.documenttype, "van", _lower_first(self.sender)]
        if addressed:
            words.append(_lower_first(self.aan.strip()))
        return " ".join(words)

    @property
    def concept(self) -> bool:
        """Shown as CONCEPT: declared so, or a fact the letter needs is not known."""
        return self.status == "concept" or bool(self.missing)

    def text(self) -> str:
        """The letter's words in reading order, page furniture aside (for checks and tests)."""
        parts = [self.documenttype, self.aan, *self.reference_rows_text()]
        parts += [f"Onderwerp {self.onderwerp}", self.aanhef]
        parts += [block_text(b) for b in self.body]
        parts += [self.slot, *([self.plaats_datum] if self.plaats_datum else []), self.college]
        for s in self.ondertekenaars:
            parts += [s.functie, s.naam]
        if self.bijlagen:
            parts.append("Bijlagen")
            parts += list(self.bijlagen)
        return "\n".join(parts)

    def reference_rows(self) -> tuple[tuple[str, str], ...]:
        """The reference block under the address, label and value, in order."""
        rows = [("Datum", self.datum_tekst)]
        if self.kenmerk:
            rows.append(("Ons kenmerk", self.kenmerk))
        if self.uw_kenmerk:
            rows.append(("Uw kenmerk", self.uw_kenmerk))
        if self.bijlagen:
            rows.append(("Bijlagen", str(len(self.bijlagen))))
        if self.contact:
            rows.append(("Behandeld door", contact_line(self.contact)))
        return tuple(rows)

    def running_header_facts(self) -> tuple[str, ...]:
        """What the running header of later pages names besides the subject: the date and,
        when there is one, the kenmerk (Dutch letters carry both on every page)."""
        return (self.datum_tekst, *([self.kenmerk] if self.kenmerk else []))

    def reference_rows_text(self) -> list[str]:
        return [f"{label} {value}" for label, value in self.reference_rows()]


def contact_line(contact: Contact) -> str:
    parts = [contact.naam]
    if contact.functie:
        parts[0] += f" ({contact.functie})"
    parts += [p for p in (contact.telefoon, contact.email) if p]
    return ", ".join(parts)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def placeholder(what: str) -> str:
    """The visible mark where an unknown fact belongs."""
    return f"[ONBEKEND: {what}]"


#: A mark of :func:`placeholder` in a text (made here, or written into the letter as
#: ``dtz-letters new`` writes them): what every renderer highlights.
PLACEHOLDER = re.compile(r"\[ONBEKEND:[^\]]*\]")


def long_date(day: dt.date) -> str:
    """ "20 maart 2025": the Dutch long date, from Babel's CLDR data."""
    from babel.dates import format_date

    return format_date(day, format="d MMMM y", locale="nl")


def sender_lines(p: Profile) -> tuple[str, ...]:
    """The sender block of the letterhead: name, postal address, phone, website."""
    lines = [p.officiele_naam]
    if isinstance(p.postadres, Adres):
        lines.extend(p.postadres.postal_lines())
    lines.append(f"Telefoon {p.telefoon}")
    lines.append(p.website.removeprefix("https://"))
    return tuple(lines)


def compose_brief(letter: LetterFile, profile: ProfileFile) -> Brief:
    """Resolve ``letter`` for the municipality of ``profile``."""
    lt = expand_letter(letter, profile)  # profile values in the text, within the budgets
    p = profile.profile
    slug = profile.slug
    variant = lt.per_gemeente.get(slug)
    missing: list[Problem] = []
    gaps: list[str] = []  # a word for each of ``missing``
    parse_body = Body(letter)

    def written(text: str, loc: Loc) -> str:
        """``text``, with every "[ONBEKEND: ...]" written into it (as ``dtz-letters new``
        writes them) counted as a fact still missing: the letter stays a CONCEPT, and
        ``check`` names the field to fill in."""
        for found in PLACEHOLDER.finditer(text):
            gaps.append(format_loc(loc))
            missing.append(
                letter.source.problem(
                    loc, f"the text still holds the placeholder {found.group()}; write it"
                )
            )
        return text

    def field(text: str, loc: Loc) -> str:
        """A plain text field of the letter (profile values already in): Markdown's
        character rules (``&amp;``, ``\\*``), as in the body text."""
        return unescape(written(text, loc))

    def pick(name: str) -> tuple[Any, Loc]:
        """The value of ``name`` for this copy (its municipality's own, else the letter's),
        and where it stands."""
        value = getattr(variant, name, None) if variant else None
        if value is not None:
            return value, ("per_gemeente", slug, name)
        return getattr(lt, name), (name,)

    def letter_value(name: str) -> str | None:
        value, loc = pick(name)
        return None if value is None else field(value, loc)

    def contact() -> Contact | None:
        value, loc = pick("contact")
        if value is None:
            return None
        fields = ("naam", "functie", "telefoon", "email")
        return cast(
            Contact,
            value.model_copy(
                update={
                    f: field(v, (*loc, f))
                    for f in fields
                    if isinstance(v := getattr(value, f), str)
                }
            ),
        )

    datum, loc = pick("datum")
    if isinstance(datum, Onbekend):
        missing.append(letter.source.problem(loc, f"the date is not known ({datum.onbekend})"))
        gaps.append("datum")
        datum_tekst, day = placeholder("datum"), None
    else:
        datum_tekst, day = long_date(datum), datum

    signers_loc: Loc
    if variant and variant.ondertekenaars is not None:
        signers, signers_loc, source = (
            variant.ondertekenaars,
            ("per_gemeente", slug, "ondertekenaars"),
            letter.source,
        )
    elif lt.ondertekenaars is not None:
        signers, signers_loc, source = lt.ondertekenaars, ("ondertekenaars",), letter.source
    else:
        signers = p.ondertekening.ondertekenaars
        signers_loc, source = ("ondertekening", "ondertekenaars"), profile.source
    from_letter = source is letter.source
    signatories = []
    for i, s in enumerate(signers):
        if from_letter:
            s = _written_signatory(s, (*signers_loc, i), field)
        signatory = _signatory(s, (*signers_loc, i, "naam"), source, missing)
        if not signatory.known:
            gaps.append(signatory.naam.removeprefix("[ONBEKEND: ").removesuffix("]"))
        signatories.append(signatory)

    body: list[Block] = []
    for i, sectie in enumerate(lt.secties):
        if not _applies(sectie.alleen, sectie.behalve, slug):
            continue
        # Headings by structure: a section's Markdown headings sit one level below its
        # heading (or below the subject), whatever their hash count; its passages share it.
        outline = Outline(2 if sectie.kop else 1)
        if sectie.kop:
            loc_kop: Loc = ("secties", i, "kop")
            body.append(parse_body.heading(field(sectie.kop, loc_kop), loc_kop))
        passages: list[tuple[str, Loc]]
        if isinstance(sectie.tekst, str):
            passages = [(sectie.tekst, ("secties", i, "tekst"))]
        else:
            passages = []
            for j, item in enumerate(sectie.tekst):
                if isinstance(item, Passage):
                    if _applies(item.alleen, item.behalve, slug):
                        passages.append((item.tekst, ("secties", i, "tekst", j, "tekst")))
                else:
                    passages.append((item, ("secties", i, "tekst", j)))
        for text, loc in passages:
            body.extend(parse_body(written(text, loc), loc, outline))
    if parse_body.refused:
        raise LetterError(parse_body.refused)

    parse_body.items(len(lt.bijlagen), ("bijlagen",))
    return Brief(
        slug=slug,
        name=letter.name,
        gemeente=p.naam,
        officiele_naam=p.officiele_naam,
        tooi=p.tooi,
        sender_lines=sender_lines(p),
        logo=p.logo,
        kleuren=p.kleuren,
        lettertype=p.lettertype,
        documenttype=p.documenttype,
        onderwerp=field(lt.onderwerp, ("onderwerp",)),
        datum=day,
        datum_tekst=datum_tekst,
        kenmerk=letter_value("kenmerk"),
        uw_kenmerk=letter_value("uw_kenmerk"),
        aan=field(lt.aan, ("aan",)),
        aanhef=letter_value("aanhef") or p.aanhef,
        body=tuple(body),
        slot=field(lt.slot, ("slot",)) if lt.slot else p.slot,
        plaats_datum=(
            f"{p.ondertekening.plaats}, {datum_tekst}" if p.ondertekening.plaats else None
        ),
        college=p.ondertekening.college,
        ondertekenaars=tuple(signatories),
        bijlagen=tuple(field(b.titel, ("bijlagen", i, "titel")) for i, b in enumerate(lt.bijlagen)),
        contact=contact(),
        status=lt.status,
        missing=tuple(missing),
        gaps=tuple(gaps),
    )


def _written_signatory(
    s: Ondertekenaar, loc: Loc, field: Callable[[str, Loc], str]
) -> Ondertekenaar:
    """A signatory the letter names, its texts read as every plain field is."""
    naam = s.naam if isinstance(s.naam, Onbekend) else field(s.naam, (*loc, "naam"))
    return s.model_copy(update={"functie": field(s.functie, (*loc, "functie")), "naam": naam})


def _signatory(s: Ondertekenaar, loc: Loc, source: Any, missing: list[Problem]) -> Signatory:
    if isinstance(s.naam, Onbekend):
        role = s.functie.removeprefix("de ").rstrip(",")
        missing.append(
            source.problem(
                loc, f"the name of the {role} is not known ({s.naam.onbekend}); fill it in"
            )
        )
        return Signatory(s.functie, placeholder(f"naam {role}"), False)
    return Signatory(s.functie, s.naam, True)


def _applies(alleen: list[str] | None, behalve: list[str] | None, slug: str) -> bool:
    if alleen is not None and slug not in alleen:
        return False
    return not (behalve is not None and slug in behalve)
