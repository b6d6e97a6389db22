"""What a municipality's profile says about publishing under the Woo, checked against the
DiWoo value lists.

A profile's ``publicatie:`` names the web address its publications are served from and the
Woo information category of its letters. The publisher is the municipality itself, by its
TOOI URI and the name the TOOI list gives it. A fact still unknown is an
:class:`UnknownPublicationError` (the letter is skipped with one located line); a value the
lists contradict is a :class:`PublishError`. ``check`` shows both, and the category still
to be confirmed by the municipality, through :func:`publication_notes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .._archive.policy import TOOI_URI
from .._input.load import ProfileFile
from .._input.models import Onbekend
from .._input.safe_yaml import Loc
from ..errors import FactsNotKnownYet, PublishError, display_path
from .schema import value_lists

GEMEENTELIJST = "gemeentelijst"
CATEGORIELIJST = "informatiecategorielijst"


class UnknownPublicationError(PublishError, FactsNotKnownYet):
    """The profile's publication facts are not (all) known yet: not an error in the letter."""


@dataclass(frozen=True)
class Term:
    """A term of a value list: its URI and the list's name for it."""

    uri: str
    label: str


@dataclass(frozen=True)
class Settings:
    """Everything the DiWoo metadata and the sitemap take from the profile."""

    basis_url: str  # without a trailing slash
    organisatie: Term  # publisher, verantwoordelijke and opsteller
    informatiecategorie: Term
    #: Located, when the category is still a proposal the municipality has to confirm.
    te_bevestigen: str | None = None


@dataclass
class _Found:
    wrong: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    confirm: str | None = None


def publication_settings(profile: ProfileFile) -> Settings:
    """The publication settings of ``profile``; :class:`PublishError` when a value is wrong,
    :class:`UnknownPublicationError` when one is not known yet."""
    found, settings = _resolve(profile)
    if found.wrong:
        raise PublishError("\n".join(found.wrong))
    if found.unknown or settings is None:
        raise UnknownPublicationError(found.unknown)
    return settings


def publication_notes(profile: ProfileFile) -> tuple[list[str], list[str]]:
    """For ``check``: the profile's wrong publication values, and its facts still unknown or
    to be confirmed (one located line each)."""
    found, _settings = _resolve(profile)
    return found.wrong, found.unknown + ([found.confirm] if found.confirm else [])


def _resolve(profile: ProfileFile) -> tuple[_Found, Settings | None]:
    p = profile.profile
    found = _Found()

    def at(loc: Loc, message: str) -> str:
        return _at(profile, loc, message)

    organisatie = _organisatie(profile, found)
    publicatie = p.publicatie
    if publicatie is None:
        found.unknown.append(
            f"{display_path(profile.file)}: publicatie: the profile of {profile.slug} has no "
            "publication settings; add publicatie with basis_url (the web address its Woo "
            "publications are served from) and informatiecategorie (see the README) to publish "
            "its letters."
        )
        return found, None
    basis = publicatie.basis_url
    if isinstance(basis, Onbekend):
        found.unknown.append(
            at(
                ("publicatie", "basis_url"),
                f"the web address the Woo publications of {p.naam} are served from is not known "
                f"({basis.onbekend}); its final letters are not published until it is filled in.",
            )
        )
    categorie = publicatie.informatiecategorie
    term = None
    if isinstance(categorie, Onbekend):
        found.unknown.append(
            at(
                ("publicatie", "informatiecategorie"),
                f"the Woo information category is not known ({categorie.onbekend}); the "
                "DiWoo metadata cannot be written without it.",
            )
        )
    else:
        label = value_lists()[CATEGORIELIJST].labels.get(categorie.uri)
        if label is None:
            found.wrong.append(
                at(
                    ("publicatie", "informatiecategorie", "uri"),
                    f"{categorie.uri} is not a Woo information category (TOOI list "
                    f"{value_lists()[CATEGORIELIJST].tooi}).",
                )
            )
        else:
            term = Term(categorie.uri, label)
            if categorie.te_bevestigen:
                found.confirm = at(
                    ("publicatie", "informatiecategorie", "te_bevestigen"),
                    f"the Woo information category {label!r} is a proposal that {p.naam} has not "
                    "confirmed; letters are published under it. Confirm it (or choose another) "
                    "and set te_bevestigen: false.",
                )
    if found.wrong or found.unknown or organisatie is None or term is None:
        return found, None
    assert isinstance(basis, str)
    return found, Settings(
        basis_url=basis.rstrip("/"),
        organisatie=organisatie,
        informatiecategorie=term,
        te_bevestigen=found.confirm,
    )


def _at(profile: ProfileFile, loc: Loc, message: str) -> str:
    return str(profile.source.problem(loc, message, key=True))


def _organisatie(profile: ProfileFile, found: _Found) -> Term | None:
    """The municipality as the TOOI list knows it: its URI and the list's name for it."""
    p = profile.profile

    def at(loc: Loc, message: str) -> str:
        return _at(profile, loc, message)

    uri = TOOI_URI.format(code=p.tooi)
    if p.tooi_uri is not None and p.tooi_uri != uri:
        found.wrong.append(
            at(("tooi_uri",), f"{p.tooi_uri} is not the TOOI identifier of {p.tooi} ({uri}).")
        )
        return None
    gemeenten = value_lists()[GEMEENTELIJST]
    label = gemeenten.labels.get(uri)
    if label is None:
        found.wrong.append(at(("tooi",), f"{p.tooi} is not in the TOOI list {gemeenten.tooi}."))
        return None
    if p.officiele_naam != label:
        found.wrong.append(
            at(
                ("officiele_naam",),
                f"the TOOI list {gemeenten.tooi} names {p.tooi} {label!r}; the DiWoo metadata "
                f"names the publisher as the list does, so officiele_naam must be {label!r}.",
            )
        )
        return None
    return Term(uri, label)
