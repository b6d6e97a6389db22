"""Outputs are unambiguous and whole; failures reach the user as one line, never a traceback.

Issue 11: two letters of one batch wrote one file (which survived changed from run to run);
with the disk filling mid-render a new DOCX landed beside the old PDF; the overview's links
were not percent-encoded and it did not show failed letters; a full disk gave a traceback from
the thumbnail writer; a corrupt register gave sqlite3 tracebacks; ``--gemeente emen`` exited 1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from markupsafe import escape

from dtz_letters.cli import main
from tests.test_archive import make_workspace

LETTER = """\
onderwerp: Voortgang {{ gemeente.naam }}
datum: 2025-03-20
status: definitief
gemeenten: [coevorden]
secties:
  - tekst: De raad van {{ gemeente.naam }} ontvangt deze brief.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def render(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, list[str]]:
    code = main(["render", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err.splitlines()


def files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.*"))


# --------------------------------------------------------------------------- one name, one file


def test_two_letters_with_one_output_name_are_refused_naming_both(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    x = write(
        workspace / "letters" / "x" / "brief.yaml",
        LETTER.replace("[coevorden]", "[coevorden, emmen]"),
    )
    y = write(workspace / "letters" / "y" / "brief.yaml", LETTER.replace("Voortgang", "Anders"))
    out = workspace / "out"
    code, _, err = render(capsys, x, y, "--out", out, "-j", "2")
    assert code == 1
    pair = f"({out}/coevorden/brief.docx and {out}/coevorden/brief.pdf)"
    tail = "output files are named after the letter file, so give one of them another name"
    assert err == [
        f"{x} [coevorden]: not rendered: {y} would write the same files {pair}; {tail}",
        f"{y} [coevorden]: not rendered: {x} would write the same files {pair}; {tail}",
    ]
    # The copy that collides with nothing is rendered.
    assert files(out) == ["emmen/brief.docx", "emmen/brief.pdf"]
    # The overview lists both refusals with their reason.
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Niet gerenderd in de laatste run (2)" in index
    for letter, line in ((x, err[0]), (y, err[1])):
        assert f"<td>{letter}</td><td>coevorden</td><td>{escape(line)}</td>" in index


def test_names_that_differ_only_in_case_collide(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # On Windows and macOS file systems Brief.pdf and brief.pdf are one file.
    a = write(workspace / "letters" / "Brief.yaml", LETTER)
    b = write(workspace / "letters" / "brief.yaml", LETTER)
    code, _, err = render(capsys, a, b, "--out", workspace / "out")
    assert code == 1
    assert [line.split(": not rendered: ")[0] for line in err] == [
        f"{a} [coevorden]",
        f"{b} [coevorden]",
    ]


def test_one_file_named_twice_is_rendered_once(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = write(workspace / "letters" / "brief.yaml", LETTER)
    out = workspace / "out"
    code, stdout, err = render(
        capsys, letter, workspace / "letters" / ".." / "letters" / "brief.yaml", "--out", out
    )
    assert (code, err) == (0, [])
    assert files(out) == ["coevorden/brief.docx", "coevorden/brief.pdf"]
    assert stdout.count("definitief") == 1


# --------------------------------------------------------------------------- replaced together

FILL_DISK = """\
import resource, signal, sys
from dtz_letters import render
from dtz_letters.cli import main

# Warm the renderers first: the fonts they hand to fontconfig as temporary files stay.
for fmt in ("docx", "pdf"):
    render(sys.argv[3], "coevorden", fmt)
# A file larger than the limit cannot be written (EFBIG), as on a disk that fills up.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(main(sys.argv[2:]))
"""


def test_docx_and_pdf_are_replaced_together_or_not_at_all(workspace: Path, tmp_path: Path) -> None:
    letter = write(workspace / "letters" / "brief.yaml", LETTER)
    out = workspace / "out"
    assert main(["render", str(letter), "--out", str(out), "-j", "1"]) == 0
    before = {name: (out / name).read_bytes() for name in files(out)}
    # The new version: how large its files are, rendered elsewhere.
    write(letter, LETTER.replace("ontvangt deze brief.", "ontvangt deze nieuwe brief. " * 40))
    elsewhere = tmp_path / "elders"
    assert main(["render", str(letter), "--out", str(elsewhere), "-j", "1"]) == 0
    docx_size = (elsewhere / "coevorden" / "brief.docx").stat().st_size
    pdf_size = (elsewhere / "coevorden" / "brief.pdf").stat().st_size
    # The PDF is written first (the order of --format) and fits; the DOCX, with its embedded
    # fonts the larger file, does not.
    assert pdf_size < docx_size
    limit = (docx_size + pdf_size) // 2
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            FILL_DISK,
            str(limit),
            "render",
            str(letter),
            "--out",
            str(out),
            "-j",
            "1",
            "-f",
            "pdf",
            "-f",
            "docx",
        ],
        capture_output=True,
        text=True,
        cwd=workspace,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "letters/brief.yaml [coevorden]: could not write out/coevorden/brief.docx: File too large; "
        "the files of the previous render are left as they were"
    ]
    assert {name: (out / name).read_bytes() for name in files(out)} == before
    assert [p.name for p in out.rglob(".*.tmp")] == []


# --------------------------------------------------------------------------- the overview


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_overview_links_are_percent_encoded(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["brief#1.yaml", "100% zeker?.yaml", "a&b <c>.yaml"]
    letters = [write(workspace / "letters" / name, LETTER) for name in names]
    out = workspace / "out"
    code, _, err = render(capsys, *letters, "--out", out)
    assert (code, err) == (0, [])
    parser = Links()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    assert len(parser.links) == 3 * 4  # per card: the thumbnail's link, the picture, PDF, DOCX
    for link in parser.links:
        assert not set(link) & set("#?% <>&") - {"%"}, link
        assert (out / unquote(link)).is_file(), link
    assert "coevorden/brief%231.pdf" in parser.links
    assert "thumbs/coevorden/100%25%20zeker%3F.png" in parser.links


def test_overview_survives_a_thumbnail_it_cannot_write_and_reports_an_index_it_cannot(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = write(workspace / "letters" / "brief.yaml", LETTER)
    out = workspace / "out"
    out.mkdir()
    (out / "thumbs").write_text("not a folder")  # no thumbnail can be written
    code, _, err = render(capsys, letter, "--out", out)
    assert (code, err) == (0, [])
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="coevorden/brief.pdf"' in index and "<img" not in index
    (out / "index.html").unlink()
    (out / "index.html").mkdir()  # nor the overview itself
    code, _, err = render(capsys, letter, "--out", out)
    assert (code, err) == (
        1,
        [f"error: {out}/index.html: the overview was not updated: Is a directory"],
    )
    assert files(out) == ["coevorden/brief.docx", "coevorden/brief.pdf"]


def test_a_failed_letter_is_marked_on_its_card(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = write(workspace / "letters" / "brief.yaml", LETTER)
    out = workspace / "out"
    assert render(capsys, letter, "--out", out)[0] == 0
    write(letter, LETTER + "foo: 1\n")
    code, _, _ = render(capsys, letter, "--out", out)
    assert code == 1
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Niet gerenderd in de laatste run (1)" in index
    assert f"<td>{letter}</td><td>alle</td><td>{letter}:7:1: foo: unknown key (allowed:" in index
    assert "De laatste render is mislukt; dit zijn de bestanden\n     van een eerdere:" in index


# --------------------------------------------------------------------------- the summary


def test_summary_says_why_a_copy_is_a_concept(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Emmen's profile does not know its secretaris; this letter does not know its date.
    text = LETTER.replace("2025-03-20", "{onbekend: nog niet verzonden}")
    letter = write(workspace / "letters" / "brief.yaml", text.replace("[coevorden]", "[emmen]"))
    concept = write(workspace / "letters" / "concept.yaml", LETTER.replace("definitief", "concept"))
    code, stdout, _ = render(capsys, letter, concept, "--out", workspace / "out")
    assert code == 0
    assert "concept: 2 facts unknown: datum, naam secretaris" in stdout
    assert "concept: the letter says status: concept" in stdout


# --------------------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "{letter}", "--gemeente", "emen"],
        ["archive", "{letter}", "--gemeente", "emen"],
        ["render", "{letter}", "--jobs", "0"],
        ["render", "{letter}", "--format", "odt"],
        ["render"],
        ["check", "{letter}", "--verbose"],
    ],
)
def test_usage_errors_exit_2(
    workspace: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    letter = write(workspace / "letters" / "brief.yaml", LETTER)
    words = [a.replace("{letter}", str(letter)) for a in argv]
    try:
        code = main(words)
    except SystemExit as exc:  # argparse's own
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("dtz-letters")


BOOM = '''\
"""A renderer with a bug."""


def render(brief, style):
    return brief.onderwerp.encode() + bytes(1 // 0)
'''


def test_a_bug_is_one_line_and_its_traceback_goes_to_a_log(
    workspace: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dtz_letters import Renderer, register_renderer
    from dtz_letters._render.registry import unregister

    (tmp_path / "boom_renderer.py").write_text(BOOM, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    letter = write(workspace / "letters" / "brief.yaml", LETTER)
    out = workspace / "out"
    register_renderer(Renderer("boom", "boom", "text/plain", "boom_renderer"))
    try:
        import tempfile

        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        code = main(["render", str(letter), "-f", "boom", "--out", str(out), "-j", "1"])
        err = capsys.readouterr().err.splitlines()
        assert code == 3
        (log,) = tmp_path.glob("dtz-letters-*.log")
        assert err == [
            f"{letter} [coevorden]: internal error, a bug in dtz-letters: ZeroDivisionError: "
            "integer division or modulo by zero",
            f"  (traceback in {log})",
        ]
        assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
        assert 'boom_renderer.py", line 5, in render' in log.read_text(encoding="utf-8")
        code = main(["--debug", "render", str(letter), "-f", "boom", "--out", str(out), "-j", "1"])
        err = capsys.readouterr().err.splitlines()
        assert code == 3
        assert err[1] == "Traceback (most recent call last):"
        assert err[-1] == "  (traceback above)"
    finally:
        unregister("boom")


def test_a_bug_outside_a_letter_is_one_line_too(
    workspace: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tempfile

    from dtz_letters import cli

    def broken(*args: object, **kwargs: object) -> object:
        raise KeyError("oeps")

    monkeypatch.setattr(cli, "check", broken)  # a bug, on purpose
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    letter = write(workspace / "letters" / "brief.yaml", LETTER)
    assert main(["check", str(letter)]) == 3
    (log,) = tmp_path.glob("dtz-letters-*.log")
    assert capsys.readouterr().err.splitlines() == [
        "dtz-letters: internal error, a bug in dtz-letters (please report it): KeyError: 'oeps' "
        f"(traceback in {log}; --debug prints it)"
    ]
    assert main(["check", "--debug", str(letter)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1].endswith("(traceback above; --debug prints it)")


# --------------------------------------------------------------------------- the register


@pytest.fixture
def archive_ws(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


def test_a_corrupt_register_is_one_line(
    archive_ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = archive_ws / "letters" / "rib-archief.yaml"
    assert main(["archive", str(letter)]) == 0
    register = archive_ws / "output" / "archief" / "register.sqlite"
    register.write_bytes(b"dit is geen database" * 100)
    capsys.readouterr()
    monkeypatch.chdir(archive_ws)
    message = (
        "error: output/archief/register.sqlite: the archive register is damaged (file is not a "
        "database); restore it from a backup"
    )
    for argv in (["archive", "list"], ["archive", str(letter)]):
        assert main(argv) == 1, argv
        out, err = capsys.readouterr()
        assert (out, err.splitlines()) == ("", [message]), argv


def test_a_register_that_is_a_folder_is_one_line(
    archive_ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive_ws)
    (archive_ws / "output" / "archief" / "register.sqlite").mkdir(parents=True)
    assert main(["archive", "letters/rib-archief.yaml"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: output/archief/register.sqlite: the archive register cannot be used (unable to "
        "open database file)"
    ]


def test_an_archive_that_cannot_be_made_is_one_line(
    archive_ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive_ws)
    (archive_ws / "output").mkdir()
    (archive_ws / "output" / "archief").write_text("een bestand, geen map")
    assert main(["archive", "letters/rib-archief.yaml"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: output/archief: the archive must be a folder; this is a file"
    ]


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """``paths`` made read-only while the block runs: by their mode, or, for root (whom modes
    do not stop), by the immutable attribute (chattr +i)."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in paths}
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("root, and no chattr to make a file read-only")
    done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"root, and chattr +i is not allowed here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_a_read_only_register_is_one_line(
    archive_ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(archive_ws)
    letter = "letters/rib-archief.yaml"
    assert main(["archive", letter]) == 0
    register = archive_ws / "output" / "archief" / "register.sqlite"
    write(
        archive_ws / "letters" / "rib-archief.yaml",
        (archive_ws / letter).read_text() + "slot: Anders,\n",
    )
    capsys.readouterr()
    with read_only(register, archive_ws / "output" / "archief"):
        assert main(["archive", letter, "--new-version"]) == 1
        # One line naming what could not be written (the register, or, where the folder is
        # what is read-only, the run's journal in it): never a traceback.
        (line,) = capsys.readouterr().err.splitlines()
        assert "output/archief" in line and "Traceback" not in line
        assert main(["archive", "list"]) == 0  # reading still works
    with sqlite3.connect(register) as conn:
        assert conn.execute("select count(*) from files").fetchone()[0] > 0


@pytest.mark.parametrize(
    "command",
    [
        ["check", "x.yaml"],
        ["render", "x.yaml"],
        ["archive", "x.yaml"],
        ["archive", "list"],
        ["publish", "x.yaml"],
        ["new", "x"],
        ["preview", "x.yaml"],
        ["verify"],
    ],
)
def test_debug_goes_before_or_after_every_command(command: list[str]) -> None:
    """README: --debug before or after the command (review found publish, new and preview
    refusing it after)."""
    from dtz_letters.cli import _parser

    for argv in (["--debug", *command], [*command[:1], "--debug", *command[1:]]):
        if argv[:2] == ["archive", "--debug"] and command[1:] == ["list"]:
            argv = ["archive-list", "--debug"]  # main() turns "archive list" into this
        args = _parser().parse_args(argv)
        assert args.debug, argv


def test_the_summary_names_every_kind_of_gap(workspace: Path) -> None:
    """Found in review: the words were worked back from the date and the signatories only,
    so a letter from `dtz-letters new` said "5 facts unknown: datum"."""
    from dtz_letters import new_letter, render_batch

    path = new_letter("nieuw", gemeenten=["emmen"], workspace=workspace)
    (outcome,) = render_batch([path], workspace=workspace, out=workspace / "out", jobs=1).outcomes
    assert outcome.reason == (
        "6 facts unknown: datum, naam secretaris, secties[1].tekst, secties[2].kop, "
        "secties[2].tekst, onderwerp"
    )
