"""Budgets: no letter under the file-size limit may ask minutes or gigabytes of the machine.

The Markdown of issue 11 (600 KB of ``*a``, 400 KB of ``[``, a table of 50,000 columns) took
minutes to render; each budget of ``dtz_letters/_compose/budgets.py`` is tested here just past
its limit (refused, located, with its message, by ``check`` and ``render`` alike) and at it
(accepted). How long the worst letters take is measured by ``scripts/hostile_bench.py``, not
here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dtz_letters import LetterError, compose
from dtz_letters.cli import main

HEAD = "onderwerp: Test\ndatum: 2025-03-20\nstatus: definitief\ngemeenten: [coevorden]\n"
BODY_LINE = 7  # the first line of the text of body(): after the head, "secties:", "- tekst: |"
AT = BODY_LINE - 1  # where the text of body() starts: its "|"


def body(*texts: str) -> str:
    """A letter with one section per text, each a literal block scalar."""
    out = HEAD + "secties:\n"
    for text in texts:
        out += "  - tekst: |\n" + "".join(f"      {line}\n" for line in text.split("\n"))
    return out


def table(columns: int, rows: int = 1) -> str:
    head = "|" + "|".join("k" for _ in range(columns)) + "|"
    rule = "|" + "|".join("-" for _ in range(columns)) + "|"
    return "\n".join([head, rule, *[head] * rows])


def write(ws: Path, text: str) -> Path:
    path = ws / "letters" / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BLOCKS = (
    "the letter passes 500 blocks (paragraphs, headings, lists and their items, tables and "
    "their cells) here; that is the limit"
)
TOTAL = "the letter's text passes 100,000 characters here (about 30 pages); that is the limit"

#: name -> (letter, the one problem reported, without the file name)
OVER = {
    # the cases of issue 11
    "600 KB of *a": (body("*a" * 300_000), f"{AT}:12: secties[1].tekst: {TOTAL}"),
    "400 KB of [": (body("[" * 400_000), f"{AT}:12: secties[1].tekst: {TOTAL}"),
    "a table of 50,000 columns": (body(table(50_000, 2)), f"{AT}:12: secties[1].tekst: {TOTAL}"),
    # each budget just past its limit
    "past 100,000 characters": (
        body("a " * 25_000, "b " * 25_000),
        f"{AT + 2}:12: secties[2].tekst: {TOTAL}",
    ),
    "a subject of 1,001 characters": (
        HEAD.replace("onderwerp: Test", "onderwerp: " + "ab " * 333 + "ab")
        + "secties:\n  - tekst: x\n",
        "1:12: onderwerp: 1,001 characters; the limit for onderwerp is 1,000",
    ),
    "a word of 501 characters in the body": (
        body("Eerst.\n\nDan een woord: " + "x" * 501 + " en verder."),
        f"{BODY_LINE + 2}:7: secties[1].tekst: a word of 501 characters without a space; the "
        "limit is 500",
    ),
    "a word of 501 characters in bold and plain": (
        body("Een **" + "x" * 300 + "**" + "y" * 201 + " woord."),
        f"{BODY_LINE}:7: secties[1].tekst: a word of 501 characters without a space; the "
        "limit is 500",
    ),
    "a word of 501 characters joined by no-break spaces": (
        body("Een " + "\u00a0".join(["woord"] * 83) + "\u202fxyz en meer."),
        f"{BODY_LINE}:7: secties[1].tekst: a word of 501 characters without a space; the "
        "limit is 500",
    ),
    "a word of 501 characters in a code block": (
        body("Code:\n\n```\nregel een\n" + "x" * 501 + "\n```"),
        f"{BODY_LINE + 4}:7: secties[1].tekst: a word of 501 characters without a space; the "
        "limit is 500",
    ),
    "a word of 501 characters in an indented code block": (
        body("Code:\n\n    regel een\n    " + "x" * 501),
        f"{BODY_LINE + 3}:7: secties[1].tekst: a word of 501 characters without a space; the "
        "limit is 500",
    ),
    "a word of 501 characters in the addressee": (
        HEAD + "aan: Aan " + "x" * 501 + "\nsecties:\n  - tekst: x\n",
        "5:6: aan: a word of 501 characters without a space; the limit is 500",
    ),
    "21 formatting changes in a word": (
        body("Regel een\nregel twee met " + "*a*a" * 10 + "**b**"),
        f"{BODY_LINE + 1}:7: secties[1].tekst: a word with more than 20 changes of formatting "
        "(bold, italic, link); that is the limit",
    ),
    "lists nested 7 deep": (
        body("\n".join("  " * i + "- punt" for i in range(7))),
        f"{BODY_LINE + 6}:7: secties[1].tekst: lists and quotes nest more than 6 levels deep "
        "here; that is the limit",
    ),
    "quotes nested 10,000 deep": (
        body(">" * 10_000 + " x"),
        f"{BODY_LINE}:7: secties[1].tekst: lists and quotes nest more than 6 levels deep here; "
        "that is the limit",
    ),
    "a table of 11 columns": (
        body("Een tabel:\n\n" + table(11)),
        f"{BODY_LINE + 2}:7: secties[1].tekst: a table of 11 columns; the limit is 10 (more do "
        "not fit the page)",
    ),
    "501 paragraphs": (
        body("\n\n".join(["Alinea."] * 300), "\n\n".join(["Alinea."] * 201)),
        f"{AT + 600}:12: secties[2].tekst: {BLOCKS}",
    ),
    "501 table cells": (
        body(table(3, 166)),
        f"{AT}:12: secties[1].tekst: {BLOCKS}",
    ),
    "30,000 empty list items": (body("-\n" * 30_000), f"{AT}:12: secties[1].tekst: {BLOCKS}"),
    "501 blocks with section headings": (
        HEAD + "secties:\n" + "  - {kop: Kop, tekst: Alinea.}\n" * 250 + "  - kop: Nog een\n"
        "    tekst: Alinea.\n",
        f"{AT + 250}:10: secties[251].kop: {BLOCKS}",
    ),
    "501 blocks with attachments": (
        body("\n\n".join(["Alinea."] * 499)) + "bijlagen:\n  - titel: A\n  - titel: B\n",
        f"{AT + 999}:3: bijlagen: {BLOCKS}",
    ),
    "11 signatories": (
        body("Alinea.")
        + "ondertekenaars:\n"
        + "  - {functie: de wethouder, naam: A. Jansen}\n" * 11,
        f"{AT + 3}:3: ondertekenaars: 11 signatories; the limit is 10",
    ),
    "11 signatories for one municipality": (
        body("Alinea.")
        + "per_gemeente:\n  coevorden:\n    ondertekenaars:\n"
        + "      - {functie: de wethouder, naam: A. Jansen}\n" * 11,
        f"{AT + 5}:7: per_gemeente.coevorden.ondertekenaars: 11 signatories; the limit is 10",
    ),
    "501 blocks in footnotes": (
        # Found in review: the paragraphs of footnotes were not counted (480 calls of notes
        # of three paragraphs passed check, and their PDF took minutes).
        body("Tekst[^1].\n\n" + "[^1]: " + "\n\n    ".join(["Alinea van een voetnoot."] * 510)),
        f"{AT}:12: secties[1].tekst: {BLOCKS}",
    ),
    "1,501 runs of formatting": (
        body("\n\n".join(["*a* b " * 10] * 75) + "\n\n*a*"),
        f"{AT}:12: secties[1].tekst: the letter passes 1,500 runs of formatting (bold, "
        "italic, links) here; that is the limit",
    ),
}


@pytest.mark.parametrize("case", OVER, ids=list(OVER))
def test_over_a_budget_is_refused_with_its_limit(
    workspace: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    text, expected = OVER[case]
    path = write(workspace, text)
    with pytest.raises(LetterError) as info:
        compose(path, "coevorden")
    assert [str(p) for p in info.value.problems] == [f"{path}:{expected}"]
    out = workspace / "output"
    for argv in (["check", path], ["render", path, "--out", out, "--jobs", "1"]):
        code = main([str(a) for a in argv])
        stdout, err = capsys.readouterr()
        assert (code, err.splitlines()) == (1, [f"{path}:{expected}"]), argv
        assert "Traceback" not in stdout
    assert not out.exists()


#: Letters at each budget: accepted (composed; rendering them is what the bench measures).
AT = {
    "nearly 100,000 characters": body("a " * 25_000, "b " * 24_975),
    "a word of 500 characters": body("Een woord: " + "x" * 500),
    "20 formatting changes in a word": body("Een woord: " + "*a*a" * 10),
    "lists nested 6 deep": body("\n".join("  " * i + "- punt" for i in range(6))),
    "a table of 10 columns": body(table(10)),
    "500 blocks in a table": body(table(5, 98)),
    "1,500 runs of formatting": body("\n\n".join(["*a* b " * 10] * 75)),
    "500 blocks with headings and attachments": HEAD
    + "secties:\n"
    + "  - {kop: Kop, tekst: Alinea.}\n" * 249
    + "bijlagen:\n  - titel: A\n  - titel: B\n",
    "10 signatories": body("Alinea.")
    + "ondertekenaars:\n"
    + "  - {functie: de wethouder, naam: A. Jansen}\n" * 10,
}


@pytest.mark.parametrize("case", AT, ids=list(AT))
def test_at_a_budget_is_accepted(workspace: Path, case: str) -> None:
    path = write(workspace, AT[case])
    assert compose(path, "coevorden").body


def test_the_budgets_count_the_copy_after_its_passages_are_chosen(workspace: Path) -> None:
    # 300 paragraphs for Coevorden and 300 for the others: each copy has 300.
    text = HEAD.replace("[coevorden]", "[coevorden, emmen]") + (
        "secties:\n  - tekst:\n"
        "      - tekst: |\n" + "".join("          Alinea.\n\n" for _ in range(300)) + "        "
        "alleen: [coevorden]\n"
        "      - tekst: |\n" + "".join("          Alinea.\n\n" for _ in range(300)) + "        "
        "behalve: [coevorden]\n"
    )
    path = write(workspace, text)
    assert len(compose(path, "coevorden").body) == len(compose(path, "emmen").body) == 300


def test_a_letter_over_a_budget_for_every_municipality_is_one_line(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = OVER["a word of 501 characters in the body"]
    path = write(workspace, text.replace("gemeenten: [coevorden]\n", ""))
    expected = expected.replace(f"{BODY_LINE + 2}:", f"{BODY_LINE + 1}:", 1)  # one line less
    out = workspace / "output"
    for argv in (["check", path], ["render", path, "--out", out]):
        assert main([str(a) for a in argv]) == 1
        assert capsys.readouterr().err.splitlines() == [f"{path}:{expected}"]
