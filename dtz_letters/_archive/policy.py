"""What may be archived, and how long it is kept: the archive's rules for one letter."""

from __future__ import annotations

from dataclasses import dataclass

from .._compose.brief import Brief
from .._input.load import ProfileFile
from .._input.models import Onbekend
from ..errors import ArchiveError, display_path


@dataclass(frozen=True)
class Settings:
    """The waardering of a letter, from the municipality's selectielijst."""

    waardering: str
    bewaartermijn: int | None
    selectielijst: str | None


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


def archief_settings(loaded: ProfileFile) -> Settings:
    """The waardering and bewaartermijn from the municipality's profile, or a refusal."""
    archief = loaded.profile.archief
    shown = display_path(loaded.file)
    if archief is None:
        raise ArchiveError(
            f"{shown}: archief: the profile of {loaded.slug} has no archief settings; add "
            "archief with waardering (B or V), bewaartermijn (years, with V) and selectielijst "
            "from the municipality's selectielijst before archiving."
        )
    if isinstance(archief.waardering, Onbekend):
        where = loaded.source.problem(("archief", "waardering"), "", key=True)
        raise ArchiveError(
            f"{where.file}:{where.line}:{where.column}: archief.waardering: the waardering is "
            f"not known ({archief.waardering.onbekend}); a letter is not archived without it."
        )
    if archief.waardering == "V" and archief.bewaartermijn is None:
        where = loaded.source.problem(("archief", "waardering"), "", key=True)
        raise ArchiveError(
            f"{where.file}:{where.line}:{where.column}: archief.bewaartermijn: waardering V "
            "(vernietigen) needs a bewaartermijn in years from the selectielijst."
        )
    if archief.waardering == "B" and archief.bewaartermijn is not None:
        where = loaded.source.problem(("archief", "bewaartermijn"), "", key=True)
        raise ArchiveError(
            f"{where.file}:{where.line}:{where.column}: archief.bewaartermijn: waardering B "
            "(bewaren) is permanent and has no bewaartermijn; remove it or correct the "
            "waardering."
        )
    selectielijst = None if isinstance(archief.selectielijst, Onbekend) else archief.selectielijst
    return Settings(archief.waardering, archief.bewaartermijn, selectielijst)
