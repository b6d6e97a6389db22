"""Batches: a broken letter or profile never stops the others; a sixth municipality is one
folder away."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dtz_letters.cli import main
from tests.textutil import docx_body_lines, normalise, pdf_body_lines

GOOD = """\
onderwerp: Voortgang {{ gemeente.naam }}
datum: 2025-03-20
status: definitief
secties:
  - tekst: De raad van {{ gemeente.naam }} ontvangt deze brief.
"""


def test_broken_letter_and_broken_profile_do_not_stop_the_batch(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letters = workspace / "letters"
    good = letters / "goed.yaml"
    good.write_text(GOOD, encoding="utf-8")
    broken = letters / "kapot.yaml"
    broken.write_text(GOOD + "onderwerpp: typo\n", encoding="utf-8")
    # Break Emmen's profile: a postcode that is no postcode.
    profile = workspace / "templates" / "emmen" / "profile.yaml"
    profile.write_text(
        profile.read_text("utf-8").replace("postcode: 7800 RA", "postcode: 78OO RA"), "utf-8"
    )
    out = workspace / "out"
    code = main(["render", str(good), str(broken), "--out", str(out), "-j", "2"])
    captured = capsys.readouterr()
    assert code == 1
    errors = captured.err.strip().splitlines()
    # In the order of the letters: the good one's copy for Emmen fails on the profile.
    assert errors == [
        f"{profile}:12:13: postadres.postcode: must be a Dutch postcode: four digits, "
        "a space, two capitals (7740 AA)",
        f"{broken}:6:1: onderwerpp: unknown key (allowed: onderwerp, datum, kenmerk, uw_kenmerk, "
        "status, gemeenten, aan, aanhef, secties, bijlagen, slot, contact, ondertekenaars, "
        "per_gemeente, archief)",
    ]
    rendered = sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.*"))
    assert rendered == [
        f"{slug}/goed.{ext}"
        for slug in ("borger-odoorn", "coevorden", "hardenberg", "hoogeveen")
        for ext in ("docx", "pdf")
    ]
    assert "kapot" not in captured.out


def test_a_sixth_municipality_is_one_folder(workspace: Path) -> None:
    """README's steps: copy a profile folder, fill in the facts, draw a wordmark, render."""
    folder = workspace / "templates" / "voorbeeld"
    folder.mkdir()
    (folder / "profile.yaml").write_text(
        """\
naam: Voorbeeld
officiele_naam: gemeente Voorbeeld
tooi: gm9999
provincie: Drenthe
website: https://www.voorbeeld.example
telefoon: "14 0000"
postadres: {regel: Postbus 1, postcode: 9999 ZZ, plaats: Voorbeeld}
ondertekening:
  college: het college van burgemeester en wethouders van Voorbeeld
  ondertekenaars:
    - {functie: de secretaris, naam: A. Secretaris}
    - {functie: de burgemeester, naam: B. Burgemeester}
logo: {bestand: logo.png, alt: Logo gemeente Voorbeeld, vervangen: true}
kleuren: {accent: "#225588"}
""",
        encoding="utf-8",
    )
    from dtz_letters._tools.wordmark import main as wordmark

    assert wordmark([str(folder)]) == 0
    letter = workspace / "letters" / "goed.yaml"
    letter.write_text(GOOD, encoding="utf-8")
    out = workspace / "out"
    assert main(["render", str(letter), "--out", str(out), "-g", "voorbeeld"]) == 0
    pdf, docx = out / "voorbeeld" / "goed.pdf", out / "voorbeeld" / "goed.docx"
    for text in (
        normalise(" ".join(pdf_body_lines(pdf))),
        normalise(" ".join(docx_body_lines(docx))),
    ):
        assert "Voortgang Voorbeeld" in text
        assert "het college van burgemeester en wethouders van Voorbeeld" in text
        assert "A. Secretaris" in text and "B. Burgemeester" in text
    # Without -g the letter goes to all six.
    shutil.rmtree(out)
    assert main(["render", str(letter), "--out", str(out)]) == 0
    assert len(list(out.glob("*/goed.pdf"))) == 6


def test_render_only_some_formats(workspace: Path) -> None:
    letter = workspace / "letters" / "goed.yaml"
    letter.write_text(GOOD, encoding="utf-8")
    out = workspace / "out"
    assert main(["render", str(letter), "--out", str(out), "-g", "emmen", "-f", "pdf"]) == 0
    assert sorted(p.name for p in (out / "emmen").iterdir()) == ["goed.pdf"]


def test_letter_not_for_the_asked_gemeente(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = workspace / "letters" / "goed.yaml"
    letter.write_text(GOOD + "gemeenten: [emmen]\n", encoding="utf-8")
    out = workspace / "out"
    assert main(["render", str(letter), "--out", str(out), "-g", "coevorden"]) == 1
    assert (
        f"{letter}: the letter is not for coevorden (gemeenten: emmen)" in capsys.readouterr().err
    )
    assert not out.exists()


def test_failed_render_leaves_no_partial_files(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A render that fails half-way (here: the logo vanished) writes neither file."""
    letter = workspace / "letters" / "goed.yaml"
    letter.write_text(GOOD, encoding="utf-8")
    (workspace / "templates" / "emmen" / "logo.png").unlink()
    out = workspace / "out"
    assert main(["render", str(letter), "--out", str(out)]) == 1
    assert not (out / "emmen").exists()
    assert (out / "coevorden" / "goed.pdf").is_file()
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".") and p.suffix == ".tmp"]
    assert leftovers == []
    assert "logo.png" in capsys.readouterr().err
    shutil.rmtree(out)


def test_characters_the_house_font_lacks_are_a_warning_not_a_failure(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = workspace / "letters" / "sneeuw.yaml"
    letter.write_text(GOOD.replace("ontvangt deze brief.", "ontvangt deze brief ☃."), "utf-8")
    out = workspace / "out"
    code = main(["render", str(letter), "--out", str(out), "-g", "emmen", "-g", "hoogeveen"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err.splitlines() == [
        f"warning: {letter} [{slug}]: characters the house font Open Sans lacks: '☃' (U+2603) "
        "printed in the fallback font DejaVu Sans."
        for slug in ("emmen", "hoogeveen")
    ]
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.pdf")) == [
        "emmen/sneeuw.pdf",
        "hoogeveen/sneeuw.pdf",
    ]


TOY_RENDERER = '''\
"""A toy output format: the letter's words as plain text."""


def render(brief, style):
    return (brief.onderwerp + "\\n" + brief.text()).encode("utf-8")
'''


def test_a_new_format_is_one_module_and_one_registry_line(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dtz_letters import Renderer, register_renderer, render_batch
    from dtz_letters._render.registry import unregister

    (tmp_path / "toy_txt.py").write_text(TOY_RENDERER, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    letter = workspace / "letters" / "goed.yaml"
    letter.write_text(GOOD, encoding="utf-8")
    out = workspace / "out"
    register_renderer(Renderer("txt", "txt", "text/plain", "toy_txt"))  # the one line
    try:
        report = render_batch(
            [letter], gemeenten=["emmen", "hoogeveen"], formats=["txt", "pdf"], out=out, jobs=2
        )
        assert report.failures == []
        for slug in ("emmen", "hoogeveen"):
            text = (out / slug / "goed.txt").read_text(encoding="utf-8")
            assert text.startswith(f"Voortgang {slug.capitalize()}\n")
        index = (out / "index.html").read_text(encoding="utf-8")
        assert '<a href="emmen/goed.txt">TXT</a>' in index
        assert '<a href="hoogeveen/goed.pdf">PDF</a>' in index
        # The command line offers it too.
        assert main(["render", str(letter), "-g", "emmen", "-f", "txt", "--out", str(out)]) == 0
    finally:
        unregister("txt")
    with pytest.raises(SystemExit):
        main(["render", str(letter), "-f", "txt", "--out", str(out)])


def test_the_html_renderer_gives_the_html_the_pdf_is_made_of(workspace: Path) -> None:
    from dtz_letters import Workspace, compose, render
    from dtz_letters._render.html import render_html

    letter = workspace / "letters" / "goed.yaml"
    letter.write_text(GOOD, encoding="utf-8")
    html = render(letter, "emmen", "html").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<h1>Voortgang Emmen</h1>" in html  # the heading is the subject alone
    style = Workspace(workspace).house_style("emmen")
    assert html == render_html(compose(letter, "emmen"), style)
