"""The archive: PDF/A-2a identified as such, valid MDTO sidecars, a register, and safety.

The letter is rendered and archived once per module; tests that change the archive work on a
copy of it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pikepdf
import pygfried
import pytest
from lxml import etree

from dtz_letters import list_archive
from dtz_letters import verify as verify_archive
from dtz_letters._archive.mdto import NS, schema_errors
from dtz_letters._archive.names import check_name, identificatie_for
from dtz_letters._archive.register import REGISTER
from dtz_letters._archive.store import render_archival_pdf
from dtz_letters._pdfpost.pdfa import PUID_PDFA_2A, finalize_pdfa, pdfa_problems
from dtz_letters.cli import main
from tests.helpers import brief_of

REPO = Path(__file__).resolve().parents[1]
OFFICIAL_XSD = REPO.parent / "shared" / "mdto" / "MDTO-XML1.0.1.xsd"
PACKAGED_XSD = REPO / "dtz_letters" / "schemas" / "MDTO-XML1.0.1.xsd"
M = {"m": NS}

#: The kenmerk Z/2025/0123 is not plain (it has slashes): shown with hyphens, and told apart
#: from Z-2025-0123 by the first 10 hex digits of SHA-256("kenmerk:Z/2025/0123").
IDENT = "gm0109-2025-03-20-Z-2025-0123_" + hashlib.sha256(b"kenmerk:Z/2025/0123").hexdigest()[:10]
FOLDER = f"coevorden/2025/{IDENT}"
V1_FILES = sorted(
    f"{FOLDER}/{name}"
    for name in (
        f"{IDENT}.mdto.xml",
        f"{IDENT}.pdf",
        f"{IDENT}.pdf.bestand.mdto.xml",
        f"{IDENT}_bron.mdto.xml",
        f"{IDENT}_brief.yaml",
        f"{IDENT}_brief.yaml.bestand.mdto.xml",
        f"{IDENT}_profiel.yaml",
        f"{IDENT}_profiel.yaml.bestand.mdto.xml",
    )
)

#: Fictitious test values: the real profiles mark these unknown (no source gives them).
ARCHIEF = """
archief:
  waardering: V
  bewaartermijn: 10
  selectielijst: Testselectielijst dtz-letters (fictief)
  informatiecategorie:
    code: "9.9.9"
    label: Testcategorie raadsinformatiebrieven (fictief)
  identificatiebron: Testzaaksysteem (fictief)
"""

LETTER = """\
onderwerp: Testbrief voor het archief
datum: 2025-03-20
kenmerk: Z/2025/0123
status: definitief
gemeenten: [coevorden]
secties:
  - kop: Aanleiding
    tekst: |
      Deze brief bestaat om het archief te testen.
"""

OTHER_LETTER = """\
onderwerp: Tweede testbrief
datum: 2024-11-05
status: definitief
gemeenten: [coevorden]
secties:
  - tekst: Een tweede brief, zonder kenmerk.
"""


def make_workspace(root: Path) -> Path:
    """A workspace with the repository's house styles; Coevorden has archief settings."""
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "letters").mkdir()
    profile = root / "templates" / "coevorden" / "profile.yaml"
    # The real profile marks its archief settings unknown; this test workspace fills them in.
    text = re.sub(
        r"^archief:\n(?:[ #].*\n)*", ARCHIEF.lstrip("\n"), profile.read_text("utf-8"), flags=re.M
    )
    assert "waardering: V" in text
    profile.write_text(text, encoding="utf-8")
    (root / "letters" / "rib-archief.yaml").write_text(LETTER, encoding="utf-8")
    (root / "letters" / "rib-tweede.yaml").write_text(OTHER_LETTER, encoding="utf-8")
    return root


def files_of(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name not in (REGISTER, ".lock")
    )


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every archived file's bytes and modification time, and the register's bytes."""
    snap = {
        rel: ((root / rel).read_bytes(), (root / rel).stat().st_mtime_ns) for rel in files_of(root)
    }
    snap[REGISTER] = ((root / REGISTER).read_bytes(), 0)
    return snap


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("archive") / "ws")


@pytest.fixture(scope="module")
def archived(ws: Path) -> Path:
    """The archive with the test letter archived once (through the CLI)."""
    root = ws / "output" / "archief"
    assert main(["archive", str(ws / "letters" / "rib-archief.yaml")]) == 0
    return root


@pytest.fixture
def archive_copy(archived: Path, tmp_path: Path) -> Path:
    """A copy of the archive a test may change, with the workspace it belongs to."""
    ws = make_workspace(tmp_path / "ws")
    root = ws / "output" / "archief"
    shutil.copytree(archived, root)
    return root


# --------------------------------------------------------------------------- layout, metadata


def test_layout_follows_the_sip_rules(archived: Path) -> None:
    assert files_of(archived) == V1_FILES
    for rel in files_of(archived):
        for part in rel.split("/"):
            assert check_name(part) == part


def test_register_has_one_row_per_file(archived: Path) -> None:
    with sqlite3.connect(archived / REGISTER) as conn:
        rows = conn.execute(
            "SELECT path, identificatie, gemeente, date, subject, reference, sha256, version "
            "FROM files ORDER BY path"
        ).fetchall()
    assert [r[0] for r in rows] == V1_FILES
    for path, ident, gemeente, date, subject, reference, sha, version in rows:
        assert (ident, gemeente, date, subject, reference, version) == (
            IDENT,
            "coevorden",
            "2025-03-20",
            "Testbrief voor het archief",
            "Z/2025/0123",
            1,
        )
        assert sha == hashlib.sha256((archived / path).read_bytes()).hexdigest()


#: SHA-256 of the Nationaal Archief's MDTO-XML1.0.1.xsd (as in ../shared/mdto/): the shipped
#: copy must be exactly that file, wherever the tests run.
OFFICIAL_XSD_SHA256 = "048d745a17f479995f14c938d342b2f13382072d0fdf1f1b28113126df715648"


def test_packaged_schema_is_the_official_one() -> None:
    assert hashlib.sha256(PACKAGED_XSD.read_bytes()).hexdigest() == OFFICIAL_XSD_SHA256
    if OFFICIAL_XSD.is_file():  # beside the repository on the development machine
        assert PACKAGED_XSD.read_bytes() == OFFICIAL_XSD.read_bytes()


def test_every_sidecar_is_valid_against_the_xsd(archived: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(PACKAGED_XSD)))
    sidecars = [rel for rel in files_of(archived) if rel.endswith(".mdto.xml")]
    assert len(sidecars) == 5
    for rel in sidecars:
        doc = etree.parse(str(archived / rel))
        assert schema.validate(doc), (rel, schema.error_log)
        assert schema_errors((archived / rel).read_bytes()) == []


def test_informatieobject_records_the_letter(archived: Path) -> None:
    doc = etree.parse(str(archived / FOLDER / f"{IDENT}.mdto.xml"))
    io_ = doc.find("m:informatieobject", M)
    assert io_ is not None

    def text(path: str) -> list[str]:
        return [str(t) for t in io_.xpath(path + "/text()", namespaces=M)]

    bron = "gemeente Coevorden, archief raadsinformatiebrieven"
    assert text("m:identificatie/m:identificatieKenmerk") == [IDENT, "Z/2025/0123"]
    # The kenmerk's source is the municipality's registration (from the profile), not us.
    assert text("m:identificatie/m:identificatieBron") == [bron, "Testzaaksysteem (fictief)"]
    assert text("m:naam") == ["Testbrief voor het archief"]
    assert text("m:aggregatieniveau/m:begripLabel") == ["Archiefstuk"]
    assert text("m:taal") == ["nl"]
    assert text("m:event/m:eventType/m:begripLabel") == ["Creatie"]
    assert text("m:event/m:eventTijd") == ["2025-03-20"]
    assert text("m:event/m:eventVerantwoordelijkeActor/m:verwijzingNaam") == [
        "het college van burgemeester en wethouders van Coevorden"
    ]
    assert text("m:waardering/m:begripCode") == ["V"]
    assert text("m:waardering/m:begripLabel") == ["Tijdelijk te bewaren"]
    # V: trigger, start, length and end, so the destruction date is in the sidecar.
    assert text("m:bewaartermijn/m:termijnTriggerStartLooptijd/m:begripLabel") == ["Creatie"]
    assert text("m:bewaartermijn/m:termijnStartdatumLooptijd") == ["2025-03-20"]
    assert text("m:bewaartermijn/m:termijnLooptijd") == ["P10Y"]
    assert text("m:bewaartermijn/m:termijnEinddatum") == ["2035-03-20"]
    # Code and label apart; the list is the selectielijst.
    assert text("m:informatiecategorie/m:begripCode") == ["9.9.9"]
    assert text("m:informatiecategorie/m:begripLabel") == [
        "Testcategorie raadsinformatiebrieven (fictief)"
    ]
    assert text("m:informatiecategorie/m:begripBegrippenlijst/m:verwijzingNaam") == [
        "Testselectielijst dtz-letters (fictief)"
    ]
    assert text("m:archiefvormer/m:verwijzingNaam") == ["gemeente Coevorden"]
    assert text("m:archiefvormer/m:verwijzingIdentificatie/m:identificatieKenmerk") == [
        "https://identifier.overheid.nl/tooi/id/gemeente/gm0109"
    ]
    assert text("m:archiefvormer/m:verwijzingIdentificatie/m:identificatieBron") == [
        "TOOI register gemeenten compleet"
    ]
    assert text("m:beperkingGebruik/m:beperkingGebruikType/m:begripLabel") == ["Openbaar"]
    # The PDF represents the letter; the sources are a related informatieobject.
    assert text("m:heeftRepresentatie/m:verwijzingNaam") == [f"{IDENT}.pdf"]
    assert text(
        "m:gerelateerdInformatieobject/m:gerelateerdInformatieobjectVerwijzing/"
        "m:verwijzingIdentificatie/m:identificatieKenmerk"
    ) == [f"{IDENT}_bron"]
    assert text(
        "m:gerelateerdInformatieobject/m:gerelateerdInformatieobjectTypeRelatie/m:begripLabel"
    ) == ["Heeft bron"]


def test_sources_are_their_own_informatieobject(archived: Path) -> None:
    doc = etree.parse(str(archived / FOLDER / f"{IDENT}_bron.mdto.xml"))
    io_ = doc.find("m:informatieobject", M)
    assert io_ is not None

    def text(path: str) -> list[str]:
        return [str(t) for t in io_.xpath(path + "/text()", namespaces=M)]

    assert text("m:identificatie/m:identificatieKenmerk") == [f"{IDENT}_bron"]
    assert text("m:heeftRepresentatie/m:verwijzingNaam") == [
        f"{IDENT}_brief.yaml",
        f"{IDENT}_profiel.yaml",
    ]
    assert text(
        "m:gerelateerdInformatieobject/m:gerelateerdInformatieobjectVerwijzing/"
        "m:verwijzingIdentificatie/m:identificatieKenmerk"
    ) == [IDENT]
    assert text("m:waardering/m:begripCode") == ["V"]


@pytest.mark.parametrize(
    ("name", "puid", "owner"),
    [
        (f"{IDENT}.pdf", "fmt/476", IDENT),
        (f"{IDENT}_brief.yaml", "fmt/818", f"{IDENT}_bron"),
        (f"{IDENT}_profiel.yaml", "fmt/818", f"{IDENT}_bron"),
    ],
)
def test_bestand_sidecar_describes_its_file(
    archived: Path, name: str, puid: str, owner: str
) -> None:
    data = (archived / FOLDER / name).read_bytes()
    doc = etree.parse(str(archived / FOLDER / f"{name}.bestand.mdto.xml"))
    b = doc.find("m:bestand", M)
    assert b is not None

    def text(path: str) -> str:
        (value,) = b.xpath(path + "/text()", namespaces=M)
        return str(value)

    assert text("m:naam") == name
    assert text("m:omvang") == str(len(data))
    assert text("m:bestandsformaat/m:begripCode") == puid
    assert text("m:checksum/m:checksumAlgoritme/m:begripLabel") == "SHA-256"
    assert text("m:checksum/m:checksumWaarde") == hashlib.sha256(data).hexdigest()
    assert text("m:isRepresentatieVan/m:verwijzingIdentificatie/m:identificatieKenmerk") == owner
    # The recorded format is the identified format.
    assert pygfried.identify(str(archived / FOLDER / name)) == puid


def test_source_and_profile_are_stored_as_rendered(archived: Path, ws: Path) -> None:
    assert (archived / FOLDER / f"{IDENT}_brief.yaml").read_bytes() == (
        ws / "letters" / "rib-archief.yaml"
    ).read_bytes()
    assert (archived / FOLDER / f"{IDENT}_profiel.yaml").read_bytes() == (
        ws / "templates" / "coevorden" / "profile.yaml"
    ).read_bytes()


# --------------------------------------------------------------------------- PDF/A


def test_archived_pdf_is_identified_as_pdfa_2a(archived: Path) -> None:
    pdf = archived / FOLDER / f"{IDENT}.pdf"
    assert pygfried.identify(str(pdf)) == PUID_PDFA_2A
    with pikepdf.open(pdf) as doc:
        assert "/Filter" not in doc.Root.Metadata
        assert "/StructTreeRoot" in doc.Root
        assert str(doc.Root.Lang) == "nl"
    data = pdf.read_bytes()
    assert b'pdfaid:part="2"' in data or b"<pdfaid:part>2</pdfaid:part>" in data
    assert pdfa_problems(pdf) == []


def test_finalize_fixes_what_weasyprint_writes(tmp_path: Path) -> None:
    from weasyprint import HTML  # type: ignore[import-untyped]

    raw = HTML(string='<html lang="nl"><title>T</title><p>Brief</p></html>').write_pdf(
        pdf_variant="pdf/a-2a"
    )
    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    before.write_bytes(raw)
    after.write_bytes(finalize_pdfa(raw))
    # WeasyPrint 70 compresses the XMP stream: siegfried then sees plain PDF 1.7.
    assert pygfried.identify(str(before)) == "fmt/276"
    assert pygfried.identify(str(after)) == "fmt/476"
    assert finalize_pdfa(raw) == after.read_bytes()


def test_finalize_refuses_a_pdf_that_is_not_pdfa() -> None:
    from weasyprint import HTML

    from dtz_letters import ArchiveError

    with pytest.raises(ArchiveError, match="no XMP metadata"):
        finalize_pdfa(HTML(string="<p>x</p>").write_pdf())


def test_archival_pdf_is_byte_identical_on_every_render(archived: Path, ws: Path) -> None:
    brief, style = brief_of(ws / "letters" / "rib-archief.yaml", "coevorden", ws)
    first = render_archival_pdf(brief, style)
    assert render_archival_pdf(brief, style) == first
    assert (archived / FOLDER / f"{IDENT}.pdf").read_bytes() == first


# --------------------------------------------------------------------------- idempotence, versions


def test_archiving_again_unchanged_changes_nothing(
    archive_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(archive_copy)
    letter = archive_copy.parents[1] / "letters" / "rib-archief.yaml"
    code, out, err = run_cli(capsys, "archive", letter)
    assert (code, err) == (0, "")
    assert f"[coevorden]: unchanged: {IDENT} version 1" in out
    assert snapshot(archive_copy) == before


def test_changed_content_is_refused(archive_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(archive_copy)
    letter = archive_copy.parents[1] / "letters" / "rib-archief.yaml"
    letter.write_text(LETTER.replace("te testen", "opnieuw te testen"), encoding="utf-8")
    code, out, err = run_cli(capsys, "archive", letter)
    assert code == 1
    assert out == ""
    assert err.strip().endswith(
        f"{IDENT} is already archived (version 1) with different content; nothing was "
        "changed. Archive it with --new-version to store the new version beside the old one."
    )
    assert snapshot(archive_copy) == before


def test_new_version_is_stored_beside_the_old(
    archive_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(archive_copy)
    letter = archive_copy.parents[1] / "letters" / "rib-archief.yaml"
    letter.write_text(LETTER.replace("te testen", "opnieuw te testen"), encoding="utf-8")
    code, out, _err = run_cli(capsys, "archive", letter, "--new-version")
    assert code == 0
    assert f"new version: {IDENT} version 2" in out
    after = snapshot(archive_copy)
    # Version 1 untouched, byte for byte and in time; version 2 added beside it.
    assert {k: v for k, v in after.items() if k in before and k != REGISTER} == {
        k: v for k, v in before.items() if k != REGISTER
    }
    added = sorted(set(after) - set(before))
    assert added == sorted(
        f"{FOLDER}/{rel.rsplit('/', 1)[1].replace(IDENT, f'{IDENT}_v2')}" for rel in V1_FILES
    )
    v2 = etree.parse(str(archive_copy / FOLDER / f"{IDENT}_v2.mdto.xml"))
    assert v2.xpath(
        "//m:gerelateerdInformatieobject[m:gerelateerdInformatieobjectTypeRelatie/"
        "m:begripLabel='Vorige versie']/m:gerelateerdInformatieobjectVerwijzing/"
        "m:verwijzingIdentificatie/m:identificatieKenmerk/text()",
        namespaces=M,
    ) == [IDENT]
    # ... with the digest of version 1's files, which verify recomputes.
    (result,) = v2.xpath("//m:event/m:eventResultaat/text()", namespaces=M)
    with sqlite3.connect(archive_copy / REGISTER) as conn:
        v1 = conn.execute("SELECT path, sha256 FROM files WHERE version = 1").fetchall()
    lines = sorted(f"{path.rsplit('/', 1)[1]} {sha}\n" for path, sha in v1)
    assert hashlib.sha256("".join(lines).encode()).hexdigest() in str(result)
    assert [r.version for r in list_archive(archive_copy)] == [1, 2]
    assert verify_archive(archive_copy).problems == []
    # Archiving version 2 again is unchanged.
    code, out, _err = run_cli(capsys, "archive", letter)
    assert (code, f"unchanged: {IDENT} version 2" in out) == (0, True)


def test_concurrent_runs_keep_the_register_whole(archived: Path, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    a, b = ws / "letters" / "rib-archief.yaml", ws / "letters" / "rib-tweede.yaml"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
    }
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "dtz_letters", "archive", str(x), str(y)],
            cwd=ws,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for x, y in ((a, b), (b, a))
    ]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    out = "".join(o for o, _ in results)
    assert out.count(": archived: ") == 2 and out.count(": unchanged: ") == 2
    root = ws / "output" / "archief"
    report = verify_archive(root)
    assert report.problems == []
    assert report.files == report.rows == 16
    with sqlite3.connect(root / REGISTER) as conn:
        paths = [p for (p,) in conn.execute("SELECT path FROM files")]
    assert len(paths) == len(set(paths)) == 16
    # Another process, the same bytes.
    assert (root / FOLDER / f"{IDENT}.pdf").read_bytes() == (
        archived / FOLDER / f"{IDENT}.pdf"
    ).read_bytes()


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("status: definitief", "status: concept"),
            "the letter is a concept (status: concept); only a definitief letter is archived.",
        ),
        (
            ("datum: 2025-03-20", "datum: {onbekend: nog niet verzonden}"),
            "the letter still has unknown facts, so it is a concept and is not archived.",
        ),
    ],
)
def test_concept_letters_are_refused(
    workspace: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], message: str
) -> None:
    make_workspace_in(workspace)
    letter = workspace / "letters" / "rib-archief.yaml"
    letter.write_text(LETTER.replace(*change), encoding="utf-8")
    code, out, err = run_cli(capsys, "archive", letter)
    assert (code, out) == (1, "")
    assert message in err
    assert not (workspace / "output" / "archief" / "coevorden").exists()


def test_profile_without_archief_is_refused(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = workspace / "templates" / "coevorden" / "profile.yaml"
    text = re.sub(r"^archief:\n(?:[ #].*\n)*", "", profile.read_text("utf-8"), flags=re.M)
    assert "archief" not in text
    profile.write_text(text, encoding="utf-8")
    (workspace / "letters" / "rib-archief.yaml").write_text(LETTER, encoding="utf-8")
    code, _out, err = run_cli(capsys, "archive", workspace / "letters" / "rib-archief.yaml")
    assert code == 1
    assert (
        "templates/coevorden/profile.yaml: archief: the profile of coevorden has no "
        "archief settings;" in err
    )


def test_unknown_waardering_is_refused(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The real profiles mark the waardering unknown, on purpose.
    profile = workspace / "templates" / "coevorden" / "profile.yaml"
    lines = profile.read_text(encoding="utf-8").splitlines()
    line = lines.index("  waardering:") + 1
    reason = lines[line].split("onbekend: ", 1)[1]
    (workspace / "letters" / "rib-archief.yaml").write_text(LETTER, encoding="utf-8")
    code, _out, err = run_cli(capsys, "archive", workspace / "letters" / "rib-archief.yaml")
    assert code == 1
    assert (
        f"templates/coevorden/profile.yaml:{line}:3: archief.waardering: the waardering is not "
        f"known ({reason}); a letter is not archived without it."
    ) in err


def make_workspace_in(root: Path) -> None:
    profile = root / "templates" / "coevorden" / "profile.yaml"
    # The real profile marks its archief settings unknown; this test workspace fills them in.
    text = re.sub(
        r"^archief:\n(?:[ #].*\n)*", ARCHIEF.lstrip("\n"), profile.read_text("utf-8"), flags=re.M
    )
    assert "waardering: V" in text
    profile.write_text(text, encoding="utf-8")


def test_identificatie_is_safe_and_stable() -> None:
    import datetime as dt

    def h(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    day = dt.date(2025, 1, 2)
    kenmerk = 'Z 2025/01#2&3 "x"'
    ident = identificatie_for("gm0114", day, kenmerk, "letters/brief.yaml")
    assert ident == f"gm0114-2025-01-02-Z-2025-01-2-3-x_{h('kenmerk:' + kenmerk)}"
    # A plain kenmerk is kept as it is.
    assert identificatie_for("gm0114", day, "Z-2025-0123", "letters/brief.yaml") == (
        "gm0114-2025-01-02-Z-2025-0123"
    )
    # Without a kenmerk: the letter file, always with the hash of its path.
    assert identificatie_for("gm0114", day, None, "letters/rib dtz.yaml") == (
        f"gm0114-2025-01-02-rib-dtz_{h('bron:letters/rib dtz.yaml')}"
    )
    from dtz_letters import ArchiveError

    with pytest.raises(ArchiveError, match="breaks the MDTO naming rules"):
        check_name("a" * 256)
    with pytest.raises(ArchiveError, match="breaks the MDTO naming rules"):
        check_name("met spatie.pdf")


# --------------------------------------------------------------------------- list and verify


def test_archive_list_filters(archived: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "archive", "list", "--archive", archived)
    assert code == 0
    assert IDENT in out and "Testbrief voor het archief" in out
    assert out.splitlines()[-1] == "1 archived letter version(s)"
    for option in (("--gemeente", "emmen"), ("--year", "2024"), ("--search", "geen treffer")):
        code, out, _ = run_cli(capsys, "archive", "list", "--archive", archived, *option)
        assert (code, out.splitlines()[-1]) == (0, "0 archived letter version(s)")
    code, out, _ = run_cli(
        capsys,
        "archive",
        "list",
        "--archive",
        archived,
        "--search",
        "testbrief",
        "--year",
        "2025",
        "--gemeente",
        "coevorden",
    )
    assert out.splitlines()[-1] == "1 archived letter version(s)"


def test_verify_passes_a_sound_archive(archived: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "verify", archived)
    assert (code, err) == (0, "")
    assert out.strip().endswith("8 files, 8 register rows: ok")
    import dtz_letters

    assert dtz_letters.verify(archived).ok


def _flip_byte(root: Path) -> None:
    pdf = root / FOLDER / f"{IDENT}.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))


def _delete_sidecar(root: Path) -> None:
    (root / FOLDER / f"{IDENT}.pdf.bestand.mdto.xml").unlink()


def _edit_row(root: Path) -> None:
    with sqlite3.connect(root / REGISTER) as conn:
        conn.execute("UPDATE files SET subject = 'Andere brief' WHERE kind = 'pdf'")


def _stray_file(root: Path) -> None:
    (root / FOLDER / "extra.txt").write_text("niet gearchiveerd\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (
            _flip_byte,
            [
                f"{FOLDER}/{IDENT}.pdf: the SHA-256 checksum is ",
                f"{FOLDER}/{IDENT}.pdf.bestand.mdto.xml: the sidecar's checksum ",
            ],
        ),
        (
            _delete_sidecar,
            [
                f"{FOLDER}/{IDENT}.pdf.bestand.mdto.xml: the file is in the register but missing "
                "from the archive.",
                f"{FOLDER}/{IDENT}.pdf: the file has no bestand sidecar.",
            ],
        ),
        (
            _edit_row,
            [
                f"{FOLDER}/{IDENT}.pdf: the register gives the subject 'Andere brief', the "
                "informatieobject 'Testbrief voor het archief'.",
            ],
        ),
        (
            _stray_file,
            [
                f"{FOLDER}/extra.txt: the file is not in the register (a stray file, or a write "
                "that never finished).",
            ],
        ),
    ],
    ids=["flipped-byte", "deleted-sidecar", "edited-row", "stray-file"],
)
def test_verify_catches_tampering(
    archive_copy: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: object,
    expected: list[str],
) -> None:
    assert verify_archive(archive_copy).problems == []
    tamper(archive_copy)  # type: ignore[operator]
    code, _out, err = run_cli(capsys, "verify", archive_copy)
    assert code == 1
    lines = err.splitlines()
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)


def test_verify_reports_a_missing_register(archive_copy: Path) -> None:
    (archive_copy / REGISTER).unlink()
    problems = verify_archive(archive_copy).problems
    assert problems[-1] == f"{REGISTER}: the archive register is missing."
    assert len(problems) == 1 + len(V1_FILES)  # and every file is now a stray


def test_verify_catches_an_invalid_sidecar(archive_copy: Path) -> None:
    sidecar = archive_copy / FOLDER / f"{IDENT}.mdto.xml"
    xml = sidecar.read_bytes().replace(b"<taal>nl</taal>", b"")
    xml = xml.replace(b"<naam>Testbrief", b"<taal>nl</taal><naam>Testbrief", 1)
    sidecar.write_bytes(xml)
    problems = verify_archive(archive_copy).problems
    assert any("the sidecar is not valid MDTO 1.0.1" in p for p in problems), problems


def test_verify_sees_a_pdf_that_siegfried_does_not_identify_as_recorded(
    archive_copy: Path, ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WeasyPrint's own PDF/A-2a, without our post-processing (which stores the XMP stream
    # uncompressed): it claims PDF/A-2a in a compressed XMP stream, and siegfried sees PDF 1.7.
    from dtz_letters._render import pdf

    monkeypatch.setattr(pdf, "make_accessible", lambda data, **_: (data, []))
    brief, style = brief_of(ws / "letters" / "rib-archief.yaml", "coevorden", ws)
    (archive_copy / FOLDER / f"{IDENT}.pdf").write_bytes(
        pdf.render_pdf(brief, style, variant="pdf/a-2a")
    )
    problems = verify_archive(archive_copy).problems
    assert (
        f"{FOLDER}/{IDENT}.pdf: siegfried identifies fmt/276, the sidecar records fmt/476."
        in problems
    )
    assert (
        f"{FOLDER}/{IDENT}.pdf: not a proper PDF/A-2a: its XMP metadata stream is "
        "compressed (format tools cannot read it)." in problems
    )


def test_verify_runs_the_accessibility_check(archive_copy: Path) -> None:
    """An archived PDF whose logo lost its alternative text is reported by verify."""
    import io

    import pikepdf

    target = archive_copy / FOLDER / f"{IDENT}.pdf"
    with pikepdf.open(io.BytesIO(target.read_bytes())) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary) and node.get("/S") == "/Figure":
                del node["/Alt"]
            kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
        out = io.BytesIO()
        pdf.save(out)
    target.write_bytes(out.getvalue())
    problems = verify_archive(archive_copy).problems
    assert any(
        p.startswith(f"{FOLDER}/{IDENT}.pdf: not accessible:") and "Alt" in p for p in problems
    ), problems


def test_final_only_skips_concepts_and_leaves_a_verifiable_archive(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What make render does with the example letter: its date is unknown, so every copy is
    a concept and is skipped, not refused; the (empty) archive verifies."""
    letter = workspace / "letters" / "dtz-samenwerkingsverband.yaml"
    root = workspace / "output" / "archief"
    code, out, err = run_cli(capsys, "archive", "--final-only", letter)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 5
    assert all(": skipped, a concept (" in line for line in lines)
    assert [p.name for p in root.iterdir() if not p.name.startswith(".")] == ["register.sqlite"]
    code, out, _ = run_cli(capsys, "verify", root)
    assert code == 0 and out.strip().endswith("0 files, 0 register rows: ok")
    # Without --final-only the same letter is refused, with the reason.
    code, _, err = run_cli(capsys, "archive", letter, "-g", "coevorden")
    assert code == 1 and "still has unknown facts" in err
