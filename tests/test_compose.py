"""One letter, several municipalities: variants, passages per municipality, profile values in
text, and facts that are not known."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtz_letters import LetterError, check, compose
from tests.conftest import EXAMPLE

SLUGS = ["borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"]


def write(ws: Path, text: str) -> Path:
    path = ws / "letters" / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_is_for_all_five() -> None:
    report = check([EXAMPLE])
    assert report.errors == []
    for slug in SLUGS:
        assert compose(EXAMPLE, slug).slug == slug


@pytest.mark.parametrize("slug", SLUGS)
def test_coevorden_passages_only_in_coevorden(slug: str) -> None:
    text = compose(EXAMPLE, slug).text()
    own = ["Twee ondernemers uit onze gemeente", "Een hub die in onze gemeente in ontwikkeling is"]
    for sentence in own:
        assert (sentence in text) == (slug == "coevorden")
    # Facts the reference letter itself gives about other municipalities stay in every copy.
    for shared in ["IT-hub in Hoogeveen", "Greenwise-campus in Emmen", "IQonIQ in Hardenberg"]:
        assert shared in text
    if slug != "coevorden":
        assert "Een hub die in de gemeente Coevorden in ontwikkeling is" in text


@pytest.mark.parametrize("slug", SLUGS)
def test_signed_by_own_college(slug: str) -> None:
    brief = compose(EXAMPLE, slug)
    naam = brief.gemeente
    assert brief.college.lower().rstrip(",") == (
        f"het college van burgemeester en wethouders van {naam}".lower()
    )


def test_unknown_signatory_is_a_visible_placeholder_and_makes_a_concept() -> None:
    brief = compose(EXAMPLE, "hardenberg")
    assert [s.naam for s in brief.ondertekenaars] == [
        "[ONBEKEND: naam algemeen directeur]",
        "[ONBEKEND: naam burgemeester]",
    ]
    assert brief.concept
    fields = {(p.file, p.field) for p in brief.missing}
    assert ("templates/hardenberg/profile.yaml", "ondertekening.ondertekenaars[1].naam") in fields
    assert ("templates/hardenberg/profile.yaml", "ondertekening.ondertekenaars[2].naam") in fields


def test_known_facts_make_a_definitief_letter(workspace: Path) -> None:
    path = write(
        workspace,
        "onderwerp: Test\ndatum: 2025-03-20\nstatus: definitief\nsecties:\n  - tekst: Hallo.\n",
    )
    brief = compose(path, "coevorden")
    assert not brief.concept
    assert brief.datum_tekst == "20 maart 2025"
    assert [(s.functie, s.naam) for s in brief.ondertekenaars] == [
        ("de secretaris", "K. Brinks"),
        ("de burgemeester", "R. Bergsma"),
    ]


def test_values_per_gemeente(workspace: Path) -> None:
    path = write(
        workspace,
        """\
onderwerp: Test
datum: 2025-03-20
kenmerk: ALG-1
secties:
  - tekst: Hallo.
per_gemeente:
  emmen:
    kenmerk: EM-7
    datum: 2025-04-01
    contact: {naam: A. de Vries, telefoon: "14 0591"}
""",
    )
    emmen, coevorden = compose(path, "emmen"), compose(path, "coevorden")
    assert (emmen.kenmerk, emmen.datum_tekst) == ("EM-7", "1 april 2025")
    assert emmen.contact is not None and emmen.contact.naam == "A. de Vries"
    assert (coevorden.kenmerk, coevorden.datum_tekst, coevorden.contact) == (
        "ALG-1",
        "20 maart 2025",
        None,
    )


def test_sections_and_passages_per_gemeente(workspace: Path) -> None:
    path = write(
        workspace,
        """\
onderwerp: Test
datum: 2025-03-20
secties:
  - kop: Voor iedereen
    tekst:
      - Gedeeld.
      - {tekst: Alleen Emmen., alleen: [emmen]}
      - {tekst: Niet Emmen., behalve: [emmen]}
  - kop: Alleen Coevorden
    alleen: [coevorden]
    tekst: Coevorden.
""",
    )
    emmen, coevorden = compose(path, "emmen").text(), compose(path, "coevorden").text()
    assert "Alleen Emmen." in emmen and "Niet Emmen." not in emmen
    assert "Alleen Coevorden" not in emmen
    assert "Alleen Emmen." not in coevorden and "Niet Emmen." in coevorden
    assert "Alleen Coevorden\nCoevorden." in coevorden


def test_profile_values_in_text(workspace: Path) -> None:
    path = write(
        workspace,
        "onderwerp: Brief van {{ gemeente.officiele_naam }}\ndatum: 2025-03-20\n"
        "secties:\n  - tekst: |\n"
        "      De raad van {{ gemeente.naam }} ({{ gemeente.provincie }}).\n",
    )
    brief = compose(path, "hardenberg")
    assert brief.onderwerp == "Brief van gemeente Hardenberg"
    assert "De raad van Hardenberg (Overijssel)." in brief.text()


VALUES = (
    "gemeente.naam, gemeente.officiele_naam, gemeente.provincie, gemeente.website, "
    "gemeente.telefoon, gemeente.tooi, gemeente.slug"
)
NOT_A_VALUE = f"is not a profile value; the values are {VALUES}"
ONLY_VALUES = (
    ": only a profile value may stand between {{ and }}, as {{ gemeente.naam }}; to print {{ "
    "itself, write \\{{"
)


def test_unknown_value_name_is_an_error_with_line_and_column(workspace: Path) -> None:
    # Was a TemplateError from the Jinja sandbox, at column 1 of the text's line; it is now
    # a problem of the letter like any other, found before anything is rendered, at its column.
    path = write(
        workspace,
        "onderwerp: Test\ndatum: 2025-03-20\nsecties:\n  - tekst: |\n      Regel een.\n"
        "      Hier {{ gemeente.burgemeester }}.\n",
    )
    with pytest.raises(LetterError) as info:
        compose(path, "emmen")
    assert str(info.value) == (
        f'{path}:6:12: secties[1].tekst: "{{{{ gemeente.burgemeester }}}}" is not a profile '
        f"value; the values are {VALUES}"
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ gemeente.__class__ }}", f'"{{{{ gemeente.__class__ }}}}" {NOT_A_VALUE}'),
        (
            "{{ gemeente.__class__.__mro__[1].__subclasses__() }}",
            '"{{ gemeente.__class__.__mro__[1].__subcl..."' + ONLY_VALUES,
        ),
        ("{{ ''.__class__.__base__ }}", "\"{{ ''.__class__.__base__ }}\"" + ONLY_VALUES),
        (
            "{{ cycler.__init__.__globals__ }}",
            f'"{{{{ cycler.__init__.__globals__ }}}}" {NOT_A_VALUE}',
        ),
        (
            "{{ gemeente.update({'naam': 'x'}) }}",
            "\"{{ gemeente.update({'naam': 'x'}) }}\"" + ONLY_VALUES,
        ),
        ("{{ lipsum.__globals__ }}", f'"{{{{ lipsum.__globals__ }}}}" {NOT_A_VALUE}'),
    ],
)
def test_python_internals_are_not_values(workspace: Path, expression: str, message: str) -> None:
    # The sandbox refused these while evaluating them; the letter language has no way to
    # write them: each is a located problem naming what is allowed.
    path = write(
        workspace,
        f'onderwerp: Test\ndatum: 2025-03-20\nsecties:\n  - tekst: "x {expression}"\n',
    )
    with pytest.raises(LetterError) as info:
        compose(path, "emmen")
    assert [str(p) for p in info.value.problems] == [f"{path}:4:15: secties[1].tekst: {message}"]


def test_literal_braces_without_template_syntax_stay_text(workspace: Path) -> None:
    path = write(
        workspace,
        "onderwerp: Prijs { 5 } & <b>\ndatum: 2025-03-20\nsecties:\n  - tekst: a } b { c\n",
    )
    brief = compose(path, "emmen")
    assert brief.onderwerp == "Prijs { 5 } & <b>"


def test_check_lists_every_missing_fact() -> None:
    report = check([EXAMPLE])
    fields = [line.split(": ")[1] for line in report.missing]
    files = [line.split(":")[0] for line in report.missing]
    assert "templates/hardenberg/profile.yaml" in files
    assert "templates/emmen/profile.yaml" in files
    assert "ondertekening.ondertekenaars[2].naam" in fields
    assert "datum" in fields


def test_signature_wording_and_place_per_gemeente(workspace: Path) -> None:
    """Borger-Odoorn signs as it publishes: place and date, college line and functions with
    commas; Coevorden as in the reference letter."""
    path = write(workspace, "onderwerp: Test\ndatum: 2025-03-20\nsecties:\n  - tekst: Hallo.\n")
    borger = compose(path, "borger-odoorn")
    assert borger.plaats_datum == "Exloo, 20 maart 2025"
    assert borger.college == "Het college van burgemeester en wethouders van Borger-Odoorn,"
    assert [s.functie for s in borger.ondertekenaars] == ["de secretaris,", "de burgemeester,"]
    assert "Hoogachtend,\nExloo, 20 maart 2025\nHet college" in borger.text()
    coevorden = compose(path, "coevorden")
    assert coevorden.plaats_datum is None
    assert "Hoogachtend,\nhet college van burgemeester en wethouders van Coevorden" in (
        coevorden.text()
    )
