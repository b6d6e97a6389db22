"""The output cache: nothing is rendered twice, and nothing stale is ever served.

Each kind of input (letter text, a passage for one municipality, a profile value, a
stylesheet, the HTML template, a Word template, a font, a logo, the package version) is
changed in a workspace rendered before; exactly the outputs it affects are rendered again,
and every output, rendered or taken from the cache, is byte for byte what a fresh render
(without the cache) gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import dtz_letters
from dtz_letters import BatchReport, render, render_batch
from dtz_letters.cli import main
from tests.conftest import REPO

SLUGS = ("coevorden", "emmen")
FORMATS = ("docx", "pdf")

LETTER = """\
onderwerp: Voortgang glasvezel
datum: 2025-03-20
status: definitief
kenmerk: Z/25/1
gemeenten: [coevorden, emmen]
secties:
  - tekst:
      - De aanleg van glasvezel in {{ gemeente.naam }} ligt op schema.
      - tekst: Alleen Emmen krijgt deze alinea.
        alleen: [emmen]
  - kop: Planning
    tekst: |
      De laatste wijken volgen in **2026**.
"""

OTHER = """\
onderwerp: Jaarverslag
datum: 2025-03-21
status: definitief
gemeenten: [coevorden, emmen]
secties:
  - tekst: Het jaarverslag ligt ter inzage.
"""


def _letters(ws: Path) -> list[Path]:
    return [ws / "letters" / "glasvezel.yaml", ws / "letters" / "jaarverslag.yaml"]


def _render(ws: Path, **options: object) -> BatchReport:
    report = render_batch(_letters(ws), workspace=ws, out=ws / "out", jobs=1, **options)  # type: ignore[arg-type]
    assert report.failures == [], [o.error for o in report.failures]
    return report


def _fresh(report: BatchReport) -> set[tuple[str, str, str]]:
    """(letter, slug, format) of every output the run rendered."""
    return {(Path(o.letter).stem, o.slug or "", fmt) for o in report.rendered for fmt in o.fresh}


def _all(*letters: str, slugs: tuple[str, ...] = SLUGS, formats: tuple[str, ...] = FORMATS):  # type: ignore[no-untyped-def]
    return {(letter, slug, fmt) for letter in letters for slug in slugs for fmt in formats}


@pytest.fixture(scope="module")
def rendered_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with two letters for two municipalities, rendered once (cache filled)."""
    ws = tmp_path_factory.mktemp("rendered") / "ws"
    shutil.copytree(REPO / "templates", ws / "templates")
    (ws / "letters").mkdir()
    (ws / "letters" / "glasvezel.yaml").write_text(LETTER, encoding="utf-8")
    (ws / "letters" / "jaarverslag.yaml").write_text(OTHER, encoding="utf-8")
    env = os.environ.pop("DTZ_LETTERS_CACHE", None)
    try:
        report = _render(ws)
    finally:
        if env is not None:
            os.environ["DTZ_LETTERS_CACHE"] = env
    assert _fresh(report) == _all("glasvezel", "jaarverslag")
    assert (ws / ".dtz-cache" / "CACHEDIR.TAG").is_file()
    return ws


@pytest.fixture
def ws(rendered_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the rendered workspace (outputs and cache included), with its own cache."""
    copy = tmp_path / "ws"
    shutil.copytree(rendered_once, copy)
    monkeypatch.delenv("DTZ_LETTERS_CACHE", raising=False)
    return copy


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _letter_text(ws: Path) -> None:
    _replace(ws / "letters" / "glasvezel.yaml", "ligt op schema", "loopt iets achter")


def _passage_for_one(ws: Path) -> None:
    _replace(ws / "letters" / "glasvezel.yaml", "Alleen Emmen krijgt", "Alleen Emmen leest")


def _profile_value(ws: Path) -> None:
    _replace(
        ws / "templates" / "emmen" / "profile.yaml", 'telefoon: "14 0591"', 'telefoon: "14 0592"'
    )


def _stylesheet(ws: Path) -> None:
    _replace(ws / "templates" / "base" / "letter.css", "font-size: 13pt;", "font-size: 14pt;")


def _own_stylesheet(ws: Path) -> None:
    (ws / "templates" / "emmen" / "style.css").write_text("h1 { letter-spacing: 0.02em; }\n")


def _html_template(ws: Path) -> None:
    _replace(
        ws / "templates" / "base" / "letter.html.j2",
        '<p class="subject-label">Onderwerp</p>',
        '<p class="subject-label">Betreft</p>',
    )


def _word_template(ws: Path) -> None:
    # Emmen gets a Word template of its own (a copy of the shared one).
    shutil.copyfile(
        ws / "templates" / "base" / "letter.docx", ws / "templates" / "emmen" / "letter.docx"
    )


def _font(ws: Path) -> None:
    # A changed font file (here: a byte more at its end, which font readers ignore).
    font = ws / "templates" / "fonts" / "OpenSans-Bold.ttf"
    font.write_bytes(font.read_bytes() + b"\0")


def _logo(ws: Path) -> None:
    shutil.copyfile(
        ws / "templates" / "coevorden" / "logo.png", ws / "templates" / "emmen" / "logo.png"
    )


def _package_version(ws: Path) -> None:
    pass  # the test changes the version itself (below)


CHANGES: dict[str, tuple[Callable[[Path], None], set[tuple[str, str, str]]]] = {
    "letter text": (_letter_text, _all("glasvezel")),
    "passage for one municipality": (_passage_for_one, _all("glasvezel", slugs=("emmen",))),
    "profile value": (_profile_value, _all("glasvezel", "jaarverslag", slugs=("emmen",))),
    "stylesheet": (_stylesheet, _all("glasvezel", "jaarverslag", formats=("pdf",))),
    "municipality's stylesheet": (
        _own_stylesheet,
        _all("glasvezel", "jaarverslag", slugs=("emmen",), formats=("pdf",)),
    ),
    "html template": (_html_template, _all("glasvezel", "jaarverslag", formats=("pdf",))),
    "word template": (
        _word_template,
        _all("glasvezel", "jaarverslag", slugs=("emmen",), formats=("docx",)),
    ),
    "font": (_font, _all("glasvezel", "jaarverslag")),
    "logo": (_logo, _all("glasvezel", "jaarverslag", slugs=("emmen",))),
    "package version": (_package_version, _all("glasvezel", "jaarverslag")),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_renders_exactly_what_it_affects_and_nothing_stale(
    ws: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit, affected = CHANGES[change]
    out = ws / "out"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(ws)
    if change == "package version":
        from dtz_letters import _version

        monkeypatch.setattr(_version, "__version__", "99.0.0")
    report = _render(ws)
    assert _fresh(report) == affected
    # Every output, rendered now or taken from the cache, is what a fresh render gives.
    for letter in _letters(ws):
        for slug in SLUGS:
            for fmt in FORMATS:
                path = out / slug / f"{letter.stem}.{fmt}"
                assert path.read_bytes() == render(letter, slug, fmt, workspace=ws), path
    # A file is written only when its bytes changed; the thumbnail follows its PDF.
    written = {p for o in report.rendered for p in o.written}
    for path, data in before.items():
        if path.suffix in (".docx", ".pdf"):
            assert (path in written) == (path.read_bytes() != data), path
    for o in report.rendered:
        thumb = out / "thumbs" / (o.slug or "") / f"{Path(o.letter).stem}.png"
        pdf = out / (o.slug or "") / f"{Path(o.letter).stem}.pdf"
        assert o.thumbnail == thumb
        if pdf.read_bytes() == before[pdf]:
            assert thumb.read_bytes() == before[thumb]
        else:
            assert thumb.read_bytes() != before[thumb]


def test_a_second_run_renders_nothing_and_loads_no_renderer(ws: Path) -> None:
    """A new process over an unchanged batch: every copy unchanged, and WeasyPrint, docxtpl,
    pikepdf, pypdfium2 and fontTools never imported; run again, it writes no file at all."""
    out = ws / "out"
    script = textwrap.dedent(
        f"""
        import sys
        from dtz_letters.cli import main
        code = main(["render", *{[str(p) for p in _letters(ws)]!r}, "--out", {str(out)!r}])
        heavy = [m for m in ("weasyprint", "docxtpl", "docx", "pikepdf", "pypdfium2", "fontTools")
                 if m in sys.modules]
        print("heavy:", heavy)
        sys.exit(code)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DTZ_LETTERS_CACHE"}

    def run() -> str:
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=ws, capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    printed = run()
    assert "heavy: []" in printed
    assert "4 unchanged; overview: out/index.html" in printed
    assert "dtz-letters render" not in printed  # no table: nothing to show
    # The overview names the letters as this run shows them (from here); once that is so,
    # a run over an unchanged batch writes nothing.
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert "heavy: []" in run()
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_force_renders_everything_and_writes_only_what_changed(ws: Path) -> None:
    report = _render(ws, force=True)
    assert _fresh(report) == _all("glasvezel", "jaarverslag")
    assert [o.written for o in report.rendered] == [(), (), (), ()]
    assert report.counts() == {"rendered": 4, "from the cache": 0, "unchanged": 0}


def test_a_lost_output_comes_back_from_the_cache(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = ws / "out" / "emmen" / "glasvezel.pdf"
    expected = pdf.read_bytes()
    pdf.unlink()
    docx = ws / "out" / "coevorden" / "jaarverslag.docx"
    docx.write_bytes(b"edited by hand")
    args = [str(p) for p in _letters(ws)]
    assert main(["render", *args, "--out", str(ws / "out"), "-j", "1"]) == 0
    printed = capsys.readouterr().out
    assert pdf.read_bytes() == expected
    assert docx.read_bytes() == render(_letters(ws)[1], "coevorden", "docx", workspace=ws)
    assert "2 from the cache, 2 unchanged" in printed
    assert "(from the cache)" in printed


def test_a_damaged_entry_is_never_served(ws: Path) -> None:
    """An entry whose bytes do not match their SHA-256 is rendered again."""
    pdf = ws / "out" / "emmen" / "glasvezel.pdf"
    expected = pdf.read_bytes()
    pdf.unlink()
    damaged = 0
    for entry in (ws / ".dtz-cache" / "objects").glob("*/*"):
        data = entry.read_bytes()
        header, _, body = data.partition(b"\n")
        if hashlib.sha256(body).hexdigest() == json.loads(header)["sha256"] and body == expected:
            entry.write_bytes(header + b"\n" + body[:-10] + b"0123456789")
            damaged += 1
    assert damaged == 1
    report = _render(ws)
    assert _fresh(report) == {("glasvezel", "emmen", "pdf")}
    assert pdf.read_bytes() == expected


def test_the_same_bytes_wherever_the_workspace_lies(ws: Path, tmp_path: Path) -> None:
    """Moved elsewhere, a workspace finds its cache entries still valid, and a fresh render
    there gives the bytes the cache holds."""
    moved = tmp_path / "elders" / "werkmap"
    moved.parent.mkdir()
    shutil.move(ws, moved)
    report = _render(moved)
    assert _fresh(report) == set()
    assert report.counts() == {"rendered": 0, "from the cache": 0, "unchanged": 4}
    for slug in SLUGS:
        for fmt in FORMATS:
            path = moved / "out" / slug / f"glasvezel.{fmt}"
            letter = moved / "letters" / "glasvezel.yaml"
            assert path.read_bytes() == render(letter, slug, fmt, workspace=moved)


def test_where_the_cache_lives(ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "gedeelde-cache"
    monkeypatch.setenv("DTZ_LETTERS_CACHE", str(elsewhere))
    report = _render(ws)  # a cache of its own: everything rendered, kept there
    assert _fresh(report) == _all("glasvezel", "jaarverslag")
    assert (
        (elsewhere / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert len(list((elsewhere / "objects").glob("*/*"))) == 4 * 2 + 4  # outputs, thumbnails
    assert _fresh(_render(ws)) == set()


def test_a_cache_that_cannot_be_written_does_not_stop_a_render(
    ws: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "geen-map"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("DTZ_LETTERS_CACHE", str(blocked))
    _letter_text(ws)
    report = _render(ws)  # no cache to look in: everything rendered, all of it right
    assert _fresh(report) == _all("glasvezel", "jaarverslag")
    for letter in _letters(ws):
        pdf = ws / "out" / "emmen" / f"{letter.stem}.pdf"
        assert pdf.read_bytes() == render(letter, "emmen", "pdf", workspace=ws)
    assert blocked.read_text() == "a file where the cache folder would be"


def test_clear_the_cache_by_removing_its_folder(ws: Path) -> None:
    shutil.rmtree(ws / ".dtz-cache")
    report = _render(ws)
    assert _fresh(report) == _all("glasvezel", "jaarverslag")
    assert report.counts()["rendered"] == 4


def test_the_cache_keeps_to_its_limit(ws: Path) -> None:
    from dtz_letters._cache import OutputCache

    cache = OutputCache(ws / ".dtz-cache")
    entries = sorted(
        (ws / ".dtz-cache" / "objects").glob("*/*"), key=lambda p: p.stat().st_mtime_ns
    )
    total = cache.size()
    keep = total - entries[0].stat().st_size
    assert cache.prune(limit=keep) == 1
    assert not entries[0].exists()
    assert cache.size() == keep


def test_the_version_is_the_package_version() -> None:
    assert dtz_letters.__version__ == "0.1.0"
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{dtz_letters.__version__}"' in pyproject


def test_publish_and_preview_take_the_pdf_render_made(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``render`` made is what ``publish`` publishes and the preview's links serve:
    with the cache filled, neither renders the PDF again (here it could not)."""
    from dtz_letters import Workspace, publish
    from dtz_letters._preview.state import LetterPreview
    from dtz_letters._render import pdf as pdf_renderer
    from tests.test_publish import EXAMPLE, fill_in

    fill_in(workspace, ("emmen",))
    letter = workspace / "letters" / EXAMPLE
    out = workspace / "output"
    report = render_batch([letter], workspace=workspace, gemeenten=["emmen"], jobs=1)
    assert report.counts()["rendered"] == 1
    rendered = (out / "emmen" / letter.with_suffix(".pdf").name).read_bytes()

    def no_render(*args: object) -> bytes:
        raise AssertionError("the PDF was rendered again")

    monkeypatch.setattr(pdf_renderer, "render", no_render)
    published = publish([letter], workspace=workspace, gemeenten=["emmen"])
    assert published.failures == []
    (pdf,) = [f for o in published.published for f in o.files if f.suffix == ".pdf"]
    assert pdf.read_bytes() == rendered
    preview = LetterPreview(letter, Workspace(workspace))
    preview.refresh()
    served = preview.output("emmen", "pdf")
    assert served is not None and served[0] == rendered


def test_workers_leave_no_temporary_files(workspace: Path, tmp_path: Path) -> None:
    """WeasyPrint copies the house fonts into a temporary folder it removes only when the
    process ends normally, which a worker never does: the batch removes what they leave."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    env.pop("DTZ_LETTERS_CACHE", None)
    letter = workspace / "letters" / "dtz-samenwerkingsverband.yaml"
    for extra in ([], ["-g", "emmen", "--force"]):  # a pool of copies; one copy split by format
        result = subprocess.run(
            [sys.executable, "-m", "dtz_letters", "render", str(letter), "-o", "out", *extra],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    assert list(scratch.iterdir()) == []


def test_the_font_record_in_the_cache_folder_is_what_the_fonts_say(ws: Path) -> None:
    """The DOCX renderer keeps the faces the font files name in the cache folder (a new
    process need not read them again); a damaged or missing record is read again from the
    fonts, and an edited font gets a record of its own: the DOCX is the same either way."""
    from dtz_letters._render import docx_fonts

    letter = _letters(ws)[0]
    docx_fonts._faces.cache_clear()
    shutil.rmtree(ws / ".dtz-cache" / "fonts", ignore_errors=True)
    made = render(letter, "emmen", "docx", workspace=ws)
    (record,) = (ws / ".dtz-cache" / "fonts").glob("*.json")
    faces = json.loads(record.read_text())
    assert ["Open Sans", "Bold", "OpenSans-Bold.ttf", 8] in faces
    assert {face for _, face, _, _ in faces} == {"Regular", "Bold", "Italic", "BoldItalic"}
    for damage in (
        b"",
        b"[[1, 2]]",
        b'[["Open Sans", "Bold", "x.ttf", "acht"]]',
        b"\xff",
        b'[["Open Sans", "Bold", "../../etc/passwd", 8]]',
    ):
        record.write_bytes(damage)
        docx_fonts._faces.cache_clear()
        assert render(letter, "emmen", "docx", workspace=ws) == made, damage
    docx_fonts._faces.cache_clear()
    _font(ws)
    render(letter, "emmen", "docx", workspace=ws)
    assert len(list((ws / ".dtz-cache" / "fonts").glob("*.json"))) == 2


def test_force_takes_the_thumbnails_from_the_cache(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The thumbnail of an unchanged PDF is not made again, --force or not (review found a
    forced run making every thumbnail again although the cache held it)."""
    from dtz_letters import _overview

    thumbs = {p: p.read_bytes() for p in (ws / "out" / "thumbs").rglob("*.png")}
    assert thumbs

    made: list[int] = []
    real = _overview.thumbnail

    def counted(pdf: bytes) -> bytes:
        made.append(len(pdf))
        return real(pdf)

    monkeypatch.setattr(_overview, "thumbnail", counted)
    report = _render(ws, force=True)
    assert made == []
    assert all(o.thumbnail is not None for o in report.rendered)
    assert {p: p.read_bytes() for p in thumbs} == thumbs
