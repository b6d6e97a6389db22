"""What may be archived, how long it is kept and who may use it: the archive's rules for one
letter, from the letter's own ``archief:`` settings over its municipality's profile.

The waardering of a letter follows from the zaak it belongs to, so a letter may set its own
waardering, bewaartermijn and informatiecategorie (together: the category decides the other
two), its selectielijst and its beperking; what it does not set comes from the profile. A
setting still unknown (``{onbekend: ...}``, or absent) is an :class:`UnknownSettingsError`:
``archive --final-only`` skips such a letter with a warning, plain ``archive`` refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .._compose.brief import Brief
from .._input.load import LetterFile, ProfileFile
from .._input.models import Beperking, BriefArchief, Informatiecategorie, Onbekend
from .._input.safe_yaml import Loc, SourceMap, format_loc
from ..errors import ArchiveError, FactsNotKnownYet, display_path
from .mdto import LIST_BEPERKING

#: The use restrictions a profile may choose from when it names none of its own (README).
DEFAULT_BEPERKINGEN = (
    Beperking(label="Openbaar", omschrijving="Geen beperking op het gebruik."),
    Beperking(
        label="Geheim",
        omschrijving=(
            "Geheimhouding opgelegd op grond van de Gemeentewet (artikel 25 of 55); niet "
            "openbaar zolang de geheimhouding geldt."
        ),
    ),
)
TOOI_URI = "https://identifier.overheid.nl/tooi/id/gemeente/{code}"


class UnknownSettingsError(ArchiveError, FactsNotKnownYet):
    """The letter's archive settings are not (all) known yet: not an error in the letter."""


@dataclass(frozen=True)
class Settings:
    """Everything the sidecars record about the value and use of one letter."""

    waardering: str  # "B" or "V"
    bewaartermijn: int | None  # years, with V
    selectielijst: str  # the list the category comes from
    categorie_code: str
    categorie_label: str
    beperking: Beperking
    beperking_lijst: str  # the documented list it comes from
    identificatiebron: str | None  # where the kenmerk comes from (None: the letter has none)
    tooi_uri: str


def refuse_concept(brief: Brief, shown: str) -> None:
    """Raise when ``brief`` is a concept: only final letters are archived."""
    if brief.status == "concept":
        raise ArchiveError(
            f"{shown} [{brief.slug}]: the letter is a concept (status: concept); only a "
            "definitief letter is archived. Set status: definitief when it is final."
        )
    if brief.missing:
        facts = "\n".join(f"  {p}" for p in brief.missing)
        raise ArchiveError(
            f"{shown} [{brief.slug}]: the letter still has unknown facts, so it is a concept "
            f"and is not archived. Fill them in first:\n{facts}"
        )


def archive_settings(letter: LetterFile, profile: ProfileFile, *, kenmerk: bool) -> Settings:
    """The letter's archive settings; :class:`UnknownSettingsError` when some are unknown,
    :class:`ArchiveError` when they contradict each other."""
    return _Resolver(letter, profile).settings(kenmerk=kenmerk)


class _Resolver:
    def __init__(self, letter: LetterFile, profile: ProfileFile) -> None:
        self.letter, self.profile = letter, profile
        variant = letter.letter.per_gemeente.get(profile.slug)
        # Later wins: the letter's archief, then its per_gemeente archief for this one.
        self.sides: list[tuple[Loc, BriefArchief]] = [
            (loc, archief)
            for loc, archief in (
                (("archief",), letter.letter.archief),
                (("per_gemeente", profile.slug, "archief"), variant.archief if variant else None),
            )
            if archief is not None
        ]
        self.unknown: list[str] = []

    def settings(self, *, kenmerk: bool) -> Settings:
        archief = self.profile.profile.archief
        shown = display_path(self.profile.file)
        if archief is None and not self._from_letter():
            raise UnknownSettingsError(
                [
                    f"{shown}: archief: the profile of {self.profile.slug} has no archief "
                    "settings; add archief with waardering (B or V), bewaartermijn (years, "
                    "with V), selectielijst and informatiecategorie (code and label) from the "
                    "municipality's selectielijst, and identificatiebron, before archiving."
                ]
            )
        waardering, bewaartermijn, categorie = self._valuation()
        selectielijst = self._selectielijst()
        beperking, beperking_lijst = self._beperking()
        bron = self._identificatiebron() if kenmerk else None
        if self.unknown:
            raise UnknownSettingsError(self.unknown)
        assert waardering is not None and categorie is not None and selectielijst is not None
        assert isinstance(categorie.code, str) and isinstance(categorie.label, str)
        return Settings(
            waardering=waardering,
            bewaartermijn=bewaartermijn,
            selectielijst=selectielijst,
            categorie_code=categorie.code,
            categorie_label=categorie.label,
            beperking=beperking,
            beperking_lijst=beperking_lijst,
            identificatiebron=bron,
            tooi_uri=self._tooi_uri(),
        )

    # ----------------------------------------------------------------------- pieces

    def _from_letter(
        self,
        names: Sequence[str] = (
            "waardering",
            "bewaartermijn",
            "informatiecategorie",
            "selectielijst",
        ),
    ) -> bool:
        return any(getattr(a, n) is not None for _loc, a in self.sides for n in names)

    def _letter_value(self, name: str) -> tuple[object, Loc] | None:
        found = None
        for loc, archief in self.sides:
            value = getattr(archief, name)
            if value is not None:
                found = (value, (*loc, name))
        return found

    def _valuation(self) -> tuple[str | None, int | None, Informatiecategorie | None]:
        """Waardering, bewaartermijn and category: all three from the letter, or all from
        the profile (the category decides the other two)."""
        group = ("waardering", "bewaartermijn", "informatiecategorie")
        if self._from_letter(group):
            source = self.letter.source
            w, t, c = (self._letter_value(n) for n in group)
            anchor = next(x for x in (w, t, c) if x is not None)[1]
            if w is None or c is None:
                missing = "waardering" if w is None else "informatiecategorie"
                raise ArchiveError(
                    _at(
                        source,
                        anchor,
                        f"a letter that sets its own waardering, bewaartermijn or "
                        f"informatiecategorie gives its {missing} too (the waardering follows "
                        "from the category).",
                    )
                )
            own = str(w[0])
            termijn = t[0] if t is not None else None
            assert termijn is None or isinstance(termijn, int)
            assert isinstance(c[0], Informatiecategorie)
            self._check_termijn(source, w[1], own, termijn, t[1] if t else None)
            self._check_categorie(source, c[1], c[0])
            return own, termijn, c[0]
        archief = self.profile.profile.archief
        assert archief is not None
        source = self.profile.source
        waardering: str | None = None
        if isinstance(archief.waardering, Onbekend):
            self.unknown.append(
                _at(
                    source,
                    ("archief", "waardering"),
                    f"the waardering is not known ({archief.waardering.onbekend}); a letter is "
                    "not archived without it.",
                )
            )
        else:
            waardering = archief.waardering
            self._check_termijn(
                source,
                ("archief", "waardering"),
                waardering,
                archief.bewaartermijn,
                ("archief", "bewaartermijn"),
            )
        categorie = archief.informatiecategorie
        if categorie is None or isinstance(categorie, Onbekend):
            why = f" ({categorie.onbekend})" if isinstance(categorie, Onbekend) else ""
            loc: Loc = ("archief", "informatiecategorie") if categorie else ("archief",)
            self.unknown.append(
                _at(
                    source,
                    loc,
                    f"the informatiecategorie (code and label in the selectielijst) is not "
                    f"known{why}; the waardering follows from it.",
                )
            )
            return waardering, archief.bewaartermijn, None
        self._check_categorie(source, ("archief", "informatiecategorie"), categorie)
        return waardering, archief.bewaartermijn, categorie

    def _check_termijn(
        self, source: SourceMap, wloc: Loc, waardering: str, termijn: int | None, tloc: Loc | None
    ) -> None:
        if waardering == "V" and termijn is None:
            raise ArchiveError(
                _at(
                    source,
                    wloc,
                    "waardering V (vernietigen) needs a bewaartermijn in years from the "
                    "selectielijst.",
                    field=(*wloc[:-1], "bewaartermijn"),
                )
            )
        if waardering == "B" and termijn is not None:
            raise ArchiveError(
                _at(
                    source,
                    tloc or wloc,
                    "waardering B (bewaren) is permanent and has no bewaartermijn; remove it "
                    "or correct the waardering.",
                )
            )

    def _check_categorie(self, source: SourceMap, loc: Loc, categorie: Informatiecategorie) -> None:
        for part in ("code", "label"):
            value = getattr(categorie, part)
            if isinstance(value, Onbekend):
                self.unknown.append(
                    _at(
                        source,
                        (*loc, part),
                        f"the {part} of the informatiecategorie is not known ({value.onbekend}).",
                    )
                )

    def _selectielijst(self) -> str | None:
        given = self._letter_value("selectielijst")
        if given is not None:
            return str(given[0])
        archief = self.profile.profile.archief
        if archief is None or isinstance(archief.selectielijst, Onbekend):
            unknown = archief.selectielijst if archief else None
            why = f" ({unknown.onbekend})" if isinstance(unknown, Onbekend) else ""
            self.unknown.append(
                _at(
                    self.profile.source,
                    ("archief", "selectielijst") if archief else ("archief",),
                    f"the selectielijst is not known{why}.",
                )
            )
            return None
        return archief.selectielijst

    def _beperking(self) -> tuple[Beperking, str]:
        """The letter's use restriction, from the profile's documented list (or ours)."""
        archief = self.profile.profile.archief
        if archief is not None and archief.beperkingen:
            choices = tuple(archief.beperkingen)
            lijst = f"Begrippenlijst BeperkingGebruik {self.profile.profile.officiele_naam}"
        else:
            choices, lijst = DEFAULT_BEPERKINGEN, LIST_BEPERKING
        given = self._letter_value("beperking")
        if given is not None:
            label, loc, source = str(given[0]), given[1], self.letter.source
        elif archief is not None and archief.beperking is not None:
            label, loc, source = archief.beperking, ("archief", "beperking"), self.profile.source
        else:
            return choices[0], lijst
        for choice in choices:
            if choice.label == label:
                return choice, lijst
        raise ArchiveError(
            _at(
                source,
                loc,
                f"unknown beperking {label!r}; the profile of {self.profile.slug} allows: "
                + ", ".join(c.label for c in choices),
            )
        )

    def _identificatiebron(self) -> str | None:
        archief = self.profile.profile.archief
        bron = archief.identificatiebron if archief else None
        if isinstance(bron, str):
            return bron
        why = f" ({bron.onbekend})" if isinstance(bron, Onbekend) else ""
        self.unknown.append(
            _at(
                self.profile.source,
                ("archief", "identificatiebron") if bron is not None else ("archief",),
                f"the identificatiebron (the registration the letters' kenmerk comes from) is "
                f"not known{why}; a letter with a kenmerk records where it comes from.",
            )
        )
        return None

    def _tooi_uri(self) -> str:
        profile = self.profile.profile
        derived = TOOI_URI.format(code=profile.tooi)
        if profile.tooi_uri is not None and profile.tooi_uri != derived:
            raise ArchiveError(
                _at(
                    self.profile.source,
                    ("tooi_uri",),
                    f"the TOOI identifier {profile.tooi_uri} is not the one of the TOOI code "
                    f"{profile.tooi} ({derived}).",
                )
            )
        return derived


def _at(source: SourceMap, loc: Loc, message: str, *, field: Loc | None = None) -> str:
    """``message`` located at ``loc`` (its key), about ``field`` (default: ``loc``)."""
    problem = source.problem(loc, message, key=True)
    return str(problem if field is None else replace(problem, field=format_loc(field)))
