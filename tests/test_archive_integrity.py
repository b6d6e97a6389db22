"""The archive probed as an attacker and an auditor would (issue 13): a forged journal, colliding
identities, deletions, one bad letter in a batch, final letters without archive settings, and
the MDTO values an archivist reads."""

from __future__ import annotations

import errno
import hashlib
import json
import re
import shutil
import sqlite3
import string
from pathlib import Path

import pygfried
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from dtz_letters import verify as verify_archive
from dtz_letters._archive.mdto import NS
from dtz_letters._archive.names import (
    KIND_BRIEF,
    KIND_PDF,
    KIND_PROFIEL,
    Names,
    identificatie_for,
    sidecar_name,
)
from dtz_letters._archive.register import REGISTER
from tests.test_archive import (
    ARCHIEF,
    FOLDER,
    IDENT,
    LETTER,
    archive_copy,
    archived,
    make_workspace,
    run_cli,
    snapshot,
    ws,
)

__all__ = ["archive_copy", "archived", "ws"]  # fixtures shared with test_archive

M = {"m": NS}
SIGNED = """\
ondertekenaars:
  - functie: de secretaris
    naam: T. Est (fictief)
  - functie: de burgemeester
    naam: P. Roef (fictief)
"""


def fill_archief(ws_root: Path, slug: str) -> None:
    """Give a test copy of a profile fictitious archive settings."""
    profile = ws_root / "templates" / slug / "profile.yaml"
    text = re.sub(
        r"^archief:\n(?:[ #].*\n)*", ARCHIEF.lstrip("\n"), profile.read_text("utf-8"), flags=re.M
    )
    profile.write_text(text, encoding="utf-8")


def letter(ws_root: Path, name: str, text: str) -> Path:
    path = ws_root / "letters" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sidecar_text(path: Path, xpath: str) -> list[str]:
    return [str(t) for t in etree.parse(str(path)).xpath(xpath + "/text()", namespaces=M)]


# --------------------------------------------------------------------------- 2. the journal


def _victim(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("not the archive's to remove\n", encoding="utf-8")
    stray = outside / ".victim.txt.abcd1234.tmp"  # a temporary name, as our writes leave them
    stray.write_text("also not ours\n", encoding="utf-8")
    return victim, stray


@pytest.mark.parametrize("how", ["absolute", "symlinked-folder"])
def test_a_forged_journal_deletes_nothing_outside(
    archive_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    victim, stray = _victim(tmp_path)
    if how == "absolute":
        rel = str(victim)
    else:
        (archive_copy / "coevorden" / "2025" / "gm0109-2025-01-01-link").symlink_to(victim.parent)
        rel = "coevorden/2025/gm0109-2025-01-01-link/victim.txt"
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    journal = archive_copy / ".pending.json"
    journal.write_text(json.dumps({"files": [{"path": rel, "sha256": digest}]}), "utf-8")
    before = snapshot(archive_copy) if how == "absolute" else None

    code, out, err = run_cli(
        capsys, "archive", archive_copy.parents[1] / "letters" / "rib-archief.yaml"
    )
    assert (code, out) == (1, "")
    assert f"names {rel!r}, which is not a file of this archive" in err
    assert "Nothing was changed" in err
    assert victim.read_text("utf-8") == "not the archive's to remove\n"
    assert stray.exists() and journal.exists()
    if before is not None:
        assert snapshot(archive_copy) == before
    problems = verify_archive(archive_copy).problems
    assert any(
        p.startswith(".pending.json: the journal of an interrupted archive run names")
        for p in problems
    ), problems


# --------------------------------------------------------------------------- 3. identities


def test_colliding_kenmerken_and_file_names_get_their_own_informatieobjecten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_workspace(tmp_path / "ws")
    base = LETTER.replace("kenmerk: Z/2025/0123\n", "")
    paths = [
        letter(root, "z-slash.yaml", base.replace("status:", "kenmerk: Z/25/1\nstatus:")),
        letter(root, "z-dash.yaml", base.replace("status:", "kenmerk: Z-25-1\nstatus:")),
        letter(root, "x/brief.yaml", base.replace("Deze brief", "Brief x")),
        letter(root, "y/brief.yaml", base.replace("Deze brief", "Brief y")),
    ]
    code, out, err = run_cli(capsys, "archive", *paths)
    assert (code, err) == (0, "")
    idents = re.findall(r": archived: (\S+) version 1", out)
    assert len(idents) == len(set(idents)) == 4, out
    assert "gm0109-2025-03-20-Z-25-1" in idents  # a plain kenmerk stays as it is
    archive = root / "output" / "archief"
    sidecars = sorted(p.name for p in archive.rglob("*.mdto.xml") if ".bestand." not in p.name)
    assert len(sidecars) == 8  # four letters, each with its sources
    assert verify_archive(archive).problems == []


def test_a_new_version_only_extends_the_same_letter(
    archive_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_root = archive_copy.parents[1]
    other = letter(ws_root, "ander.yaml", LETTER.replace("te testen", "anders te testen"))
    before = snapshot(archive_copy)
    code, out, err = run_cli(capsys, "archive", other, "--new-version")
    assert (code, out) == (1, "")
    assert (
        f"{IDENT} is already archived from letters/rib-archief.yaml; letters/ander.yaml is "
        "another letter with the same municipality, date and kenmerk" in err
    )
    assert snapshot(archive_copy) == before


def test_version_two_is_never_another_kenmerk() -> None:
    import datetime as dt

    day = dt.date(2025, 3, 20)
    z1 = identificatie_for("gm0109", day, "Z-1", "letters/a.yaml")
    z1v2 = identificatie_for("gm0109", day, "Z-1-v2", "letters/b.yaml")
    assert Names(z1, 2).base != Names(z1v2, 1).base
    assert not set(_all_names(Names(z1, 2))) & set(_all_names(Names(z1v2, 1)))


def _all_names(names: Names) -> list[str]:
    content = [names.content(k) for k in (KIND_PDF, KIND_BRIEF, KIND_PROFIEL)]
    content += [names.bijlage(1, "a.pdf"), names.bijlage(2, "b")]
    return [
        names.base,
        names.bron,
        names.informatieobject,
        names.bron_informatieobject,
        *content,
        *map(sidecar_name, content),
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=string.ascii_letters[:6] + string.digits[:3] + "-_/ .", min_size=1),
    st.text(alphabet=string.ascii_letters[:6] + string.digits[:3] + "-_/ .", min_size=1),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_different_letters_never_share_a_name(a: str, b: str, va: int, vb: int) -> None:
    import datetime as dt

    day = dt.date(2025, 3, 20)
    ia, ib = (
        identificatie_for("gm0109", day, k.strip() or None, f"letters/{k}.yaml") for k in (a, b)
    )
    if (a.strip() or a) == (b.strip() or b):
        return
    assert ia != ib, (a, b)
    assert not set(_all_names(Names(ia, va))) & set(_all_names(Names(ib, vb))), (a, b)


# --------------------------------------------------------------------------- 4. verify


def _second_version(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = archive.parents[1] / "letters" / "rib-archief.yaml"
    path.write_text(LETTER.replace("te testen", "opnieuw te testen"), encoding="utf-8")
    code, out, _ = run_cli(capsys, "archive", path, "--new-version")
    assert code == 0 and "version 2" in out


def test_deleting_version_one_fails_verify(
    archive_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _second_version(archive_copy, capsys)
    assert verify_archive(archive_copy).problems == []
    with sqlite3.connect(archive_copy / REGISTER) as conn:
        paths = [p for (p,) in conn.execute("SELECT path FROM files WHERE version = 1")]
        conn.execute("DELETE FROM files WHERE version = 1")
    for rel in paths:
        (archive_copy / rel).unlink()
    problems = verify_archive(archive_copy).problems
    assert problems == [
        f"{FOLDER}/{IDENT}_v2.mdto.xml: version 2 replaces version 1 ({IDENT}), which is not "
        "in the archive (files and register rows removed?)."
    ]


def test_altering_version_one_consistently_fails_verify(
    archive_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Version 1's source rewritten with its register row and sidecar: every file agrees
    with its row and sidecar, but version 2 recorded what version 1 was."""
    _second_version(archive_copy, capsys)
    rel = f"{FOLDER}/{IDENT}_brief.yaml"
    data = (archive_copy / rel).read_bytes() + b"# later\n"
    (archive_copy / rel).write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    sidecar = archive_copy / f"{rel}.bestand.mdto.xml"
    xml = sidecar.read_text("utf-8")
    xml = re.sub(r"<checksumWaarde>\w+<", f"<checksumWaarde>{sha}<", xml)
    xml = re.sub(r"<omvang>\d+<", f"<omvang>{len(data)}<", xml)
    sidecar.write_text(xml, encoding="utf-8")
    side_sha = hashlib.sha256(sidecar.read_bytes()).hexdigest()
    with sqlite3.connect(archive_copy / REGISTER) as conn:
        conn.execute("UPDATE files SET sha256 = ?, size = ? WHERE path = ?", (sha, len(data), rel))
        conn.execute(
            "UPDATE files SET sha256 = ?, size = ? WHERE path = ?",
            (side_sha, sidecar.stat().st_size, f"{rel}.bestand.mdto.xml"),
        )
    (problem,) = verify_archive(archive_copy).problems
    assert problem.startswith(f"{FOLDER}/{IDENT}_v2.mdto.xml: version 2 recorded the digest ")
    assert problem.endswith("(an earlier version was altered).")


def test_an_edited_archiving_time_fails_verify(archive_copy: Path) -> None:
    with sqlite3.connect(archive_copy / REGISTER) as conn:
        conn.execute("UPDATE files SET archived_at = '2020-01-01T00:00:00+00:00'")
    problems = verify_archive(archive_copy).problems
    assert any(
        p.startswith(
            f"{FOLDER}/{IDENT}.pdf: the register gives the archiving time "
            "2020-01-01T00:00:00+00:00, the sidecar's checksum date is "
        )
        for p in problems
    ), problems


def test_the_digest_kept_elsewhere_shows_a_deleted_letter(
    archive_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "verify", archive_copy)
    (digest,) = re.findall(r"register and all sidecars\): ([0-9a-f]{64})$", out, re.M)
    code, out, err = run_cli(capsys, "verify", archive_copy, "--expect", digest)
    assert (code, err) == (0, "")
    # A whole letter gone, files and rows: consistent, so only the kept digest shows it.
    shutil.rmtree(archive_copy / FOLDER)
    with sqlite3.connect(archive_copy / REGISTER) as conn:
        conn.execute("DELETE FROM files")
    assert verify_archive(archive_copy).problems == []
    code, out, err = run_cli(capsys, "verify", archive_copy, "--expect", digest)
    assert code == 1
    assert err.startswith(f"{REGISTER}: the archive digest is ")
    assert f"not {digest} as kept: the register or a sidecar changed since" in err


# --------------------------------------------------------------------------- 5. batch isolation


@pytest.fixture
def two_municipalities(tmp_path: Path) -> tuple[Path, Path, Path]:
    root = make_workspace(tmp_path / "ws")
    fill_archief(root, "emmen")
    text = LETTER.replace("gemeenten: [coevorden]", "gemeenten: [coevorden, emmen]")
    good = letter(root, "rib-goed.yaml", text + SIGNED)
    broken = text.replace("Testbrief", "Kapotte brief").replace("Z/2025/0123", "Z/2025/0999")
    bad = letter(root, "rib-kapot.yaml", broken + SIGNED)
    return root, good, bad


def test_one_failing_letter_never_stops_the_others(
    two_municipalities: tuple[Path, Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dtz_letters._archive import run

    root, good, bad = two_municipalities
    real = run.compose

    def compose(copy: run.Copy) -> object:
        if copy.letter.path == bad and copy.slug == "coevorden":
            return 1 // 0
        return real(copy)

    monkeypatch.setattr(run, "compose", compose)
    code, out, err = run_cli(capsys, "archive", bad, good)
    # A bug: exit 3 and where its traceback went, as for render (README, exit codes).
    assert code == 3
    message, where = err.splitlines()
    assert message == (
        f"{bad} [coevorden]: not archived: internal error ZeroDivisionError: integer division "
        "or modulo by zero (please report this)"
    )
    log = re.fullmatch(r"  \(traceback in (.+\.log)\)", where)
    assert log is not None
    assert "ZeroDivisionError" in Path(log.group(1)).read_text(encoding="utf-8")
    assert out.count(": archived: ") == 3  # the bad letter for emmen, the good one for both
    assert verify_archive(root / "output" / "archief").problems == []


def test_a_full_disk_for_one_municipality_never_stops_the_next(
    two_municipalities: tuple[Path, Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dtz_letters._archive import store

    root, good, _bad = two_municipalities
    real = store.write_atomic

    def write_atomic(path: Path, data: bytes) -> None:
        if "/coevorden/" in path.as_posix() and path.name.endswith(".pdf"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(store, "write_atomic", write_atomic)
    code, out, err = run_cli(capsys, "archive", good)
    assert code == 1
    (line,) = err.splitlines()
    assert line.startswith(f"{good} [coevorden]: not archived: No space left on device (")
    assert f"{good} [emmen]: archived: " in out
    archive = root / "output" / "archief"
    assert verify_archive(archive).problems == []
    assert not (archive / "coevorden").exists()  # nothing half there


# --------------------------------------------------------------------------- 7. make render


def test_final_letters_without_archive_settings_are_skipped_with_a_warning(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real profiles do not know their archive settings: make render's archive step skips
    a final letter with one warning line per copy, and succeeds."""
    text = LETTER.replace("gemeenten: [coevorden]", "gemeenten: [coevorden, emmen]") + SIGNED
    path = letter(workspace, "rib-definitief.yaml", text)
    code, out, err = run_cli(capsys, "archive", "--final-only", path)
    assert code == 0
    assert out.splitlines() == [
        f"{path} [{slug}]: skipped, archive settings not known yet"
        for slug in ("coevorden", "emmen")
    ]
    warnings = err.splitlines()
    assert len(warnings) == 2
    for slug, line in zip(("coevorden", "emmen"), warnings, strict=True):
        assert line.startswith(
            f"warning: {path} [{slug}]: final, but not archived: its archive settings are not "
            f"known yet: {workspace}/templates/{slug}/profile.yaml:"
        )
        assert "archief.waardering: the waardering is not known" in line
        assert line.endswith("(and 3 more)")
    archive = workspace / "output" / "archief"
    assert sorted(p.name for p in archive.iterdir() if not p.name.startswith(".")) == [REGISTER]
    code, *_ = run_cli(capsys, "verify", archive)
    assert code == 0
    # Without --final-only the same letter is refused, with every reason, located.
    code, _out, err = run_cli(capsys, "archive", path, "-g", "coevorden")
    assert code == 1
    assert f"{workspace}/templates/coevorden/profile.yaml:" in err
    assert "archief.identificatiebron" in err


# --------------------------------------------------------------------------- 6, 8. MDTO values


def test_a_letter_sets_its_own_archive_settings_and_attachments_are_archived(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_workspace(tmp_path / "ws")  # the profile says V, 10 years
    (root / "letters" / "jaarverslag.txt").write_text("Jaarverslag 2024\n", encoding="utf-8")
    own = LETTER.replace("kenmerk: Z/2025/0123", "kenmerk: Z-2025-0200") + (
        "bijlagen:\n"
        "  - titel: Jaarverslag 2024\n"
        "    bestand: jaarverslag.txt\n"
        "  - titel: Alleen een titel\n"
        "archief:\n"
        "  waardering: B\n"
        "  informatiecategorie:\n"
        '    code: "1.2"\n'
        "    label: Testcategorie blijvend (fictief)\n"
        "  beperking: Geheim\n"
    )
    wrong = LETTER.replace("Z/2025/0123", "Z-2025-0201") + "archief:\n  bewaartermijn: 5\n"
    unknown = (
        LETTER.replace("Z/2025/0123", "Z-2025-0202") + "archief:\n  beperking: Vertrouwelijk\n"
    )
    paths = [
        letter(root, f"{n}.yaml", t)
        for n, t in (("own", own), ("wrong", wrong), ("unknown", unknown))
    ]
    code, out, err = run_cli(capsys, "archive", *paths)
    assert code == 1
    assert out.splitlines() == [
        f"{paths[0]} [coevorden]: archived: gm0109-2025-03-20-Z-2025-0200 version 1 in "
        f"{root / 'output' / 'archief' / 'coevorden' / '2025' / 'gm0109-2025-03-20-Z-2025-0200'}"
    ]
    assert err.splitlines() == [
        f"{paths[1]}:11:3: archief.bewaartermijn: a letter that sets its own waardering, "
        "bewaartermijn or informatiecategorie gives its waardering too (the waardering follows "
        "from the category).",
        f"{paths[2]}:11:3: archief.beperking: unknown beperking 'Vertrouwelijk'; the profile "
        "of coevorden allows: Openbaar, Geheim",
    ]
    ident = "gm0109-2025-03-20-Z-2025-0200"
    folder = root / "output" / "archief" / "coevorden" / "2025" / ident
    io_ = folder / f"{ident}.mdto.xml"
    base = "/m:MDTO/m:informatieobject/"
    assert sidecar_text(io_, base + "m:waardering/m:begripCode") == ["B"]
    assert sidecar_text(io_, base + "m:bewaartermijn/m:termijnLooptijd") == []  # B: permanent
    assert sidecar_text(io_, base + "m:informatiecategorie/m:begripCode") == ["1.2"]
    assert sidecar_text(io_, base + "m:beperkingGebruik/m:beperkingGebruikType/m:begripLabel") == [
        "Geheim"
    ]
    attachment = f"{ident}_bijlage-1.txt"
    assert sidecar_text(io_, base + "m:heeftRepresentatie/m:verwijzingNaam") == [
        f"{ident}.pdf",
        attachment,
    ]
    assert (folder / attachment).read_bytes() == b"Jaarverslag 2024\n"
    puid = pygfried.identify(str(folder / attachment))
    side = folder / sidecar_name(attachment)
    assert sidecar_text(side, "/m:MDTO/m:bestand/m:bestandsformaat/m:begripCode") == [puid]
    assert sidecar_text(
        side,
        "/m:MDTO/m:bestand/m:isRepresentatieVan/m:verwijzingIdentificatie/m:identificatieKenmerk",
    ) == [ident]
    assert verify_archive(root / "output" / "archief").problems == []


# --------------------------------------------------------------------------- 1. PDF/A in verify


def test_verify_checks_the_pdfa_rules_it_can(archive_copy: Path) -> None:
    """What PDFBox found before the fix, verify finds on its own: /Interpolate true, and XMP
    namespaces declared on rdf:RDF."""
    import pikepdf

    pdf = archive_copy / FOLDER / f"{IDENT}.pdf"
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                obj.Interpolate = True
        xmp = doc.Root.Metadata.read_bytes()
        shared = b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" ' + (
            b'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        )
        xmp = re.sub(rb"<rdf:RDF [^>]*>", shared, xmp, count=1)
        xmp = xmp.replace(
            b' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" rdf:about', b" rdf:about"
        )
        doc.Root.Metadata.write(xmp)
        doc.save(pdf)
    problems = verify_archive(archive_copy).problems
    prefix = f"{FOLDER}/{IDENT}.pdf: not a proper PDF/A-2a: "
    assert (
        prefix + "2 image(s) ask for /Interpolate true, which PDF/A-2 forbids (ISO 19005-2 6.2.8)."
        in problems
    ), problems
    assert (
        prefix + "its XMP metadata declares the namespaces pdfaid on rdf:RDF instead of on each "
        "rdf:Description (PDFBox-based tools then miss those schemas)." in problems
    ), problems


#: A writer of the register killed in the middle of its transaction, after SQLite wrote pages
#: of it into the register file: what a SIGKILL during an archive run's commit leaves (a "hot"
#: rollback journal beside the register).
KILLED_WRITER = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size=1")  # spill the transaction into the file before it commits
conn.execute("BEGIN IMMEDIATE")
row = conn.execute("SELECT * FROM files LIMIT 1").fetchone()
for i in range(3000):
    conn.execute(
        "INSERT INTO files VALUES (" + ", ".join("?" * len(row)) + ")",
        (None, *row[1:9], f"x/{i}.pdf", *row[10:]),
    )
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_verify_reads_a_register_left_in_the_middle_of_a_commit(archive_copy: Path) -> None:
    import subprocess
    import sys

    before = verify_archive(archive_copy)
    register = archive_copy / REGISTER
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(register)], check=False)
    assert killed.returncode == -9
    assert (archive_copy / f"{REGISTER}-journal").is_file()  # SQLite's hot journal
    report = verify_archive(archive_copy)
    assert report.problems == []
    assert report.digest == before.digest  # the interrupted rows were never part of it
    assert any("rolled back" in note for note in report.notes)


def test_the_archive_settings_of_a_letter_are_taken_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in review: check read archief texts as letter text (accepting {{ gemeente.naam }}
    and Markdown's &amp;) while the archive took them as written. They are metadata, taken
    as written, in check and archive alike (README)."""
    root = make_workspace(tmp_path / "ws")
    label = "Categorie {{ gemeente.naam }} &amp; {{ 7*7 }} (fictief)"
    text = LETTER.replace("kenmerk: Z/2025/0123", "kenmerk: Z-2025-0300") + (
        "archief:\n"
        "  waardering: B\n"
        "  informatiecategorie:\n"
        '    code: "1.3"\n'
        f"    label: '{label}'\n"
    )
    path = letter(root, "als-geschreven.yaml", text)
    code, _out, err = run_cli(capsys, "check", path)
    assert code == 0
    assert str(path) not in err  # the letter is fine (the profile's publication notes aside)
    code, _out, err = run_cli(capsys, "archive", path)
    assert code == 0, err
    ident = "gm0109-2025-03-20-Z-2025-0300"
    io_ = root / "output" / "archief" / "coevorden" / "2025" / ident / f"{ident}.mdto.xml"
    base = "/m:MDTO/m:informatieobject/"
    assert sidecar_text(io_, base + "m:informatiecategorie/m:begripLabel") == [label]


def test_what_another_run_left_between_two_letters_is_reported(
    two_municipalities: tuple[Path, Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found in review: each letter rolls back what an interrupted run left (another process
    may have been killed meanwhile), but those lines were dropped; now they are warnings."""
    from dtz_letters._archive import run
    from dtz_letters._archive.journal import write_pending

    root, good, bad = two_municipalities
    archive = root / "output" / "archief"
    real = run.compose
    ident = "gm0109-2025-09-09-Z-2025-0999"
    left = archive / "coevorden" / "2025" / ident / f"{ident}.pdf"

    def compose(copy: run.Copy) -> object:
        if copy.letter.path == good and copy.slug == "coevorden":  # after the first letter
            left.parent.mkdir(parents=True, exist_ok=True)
            left.write_bytes(b"half")
            write_pending(archive, [(left.relative_to(archive).as_posix(), b"half")])
        return real(copy)

    monkeypatch.setattr(run, "compose", compose)
    code, _out, err = run_cli(capsys, "archive", bad, good)
    assert code == 0, err
    assert not left.exists()
    assert [line for line in err.splitlines() if f"{ident}.pdf" in line]
    assert verify_archive(archive).problems == []
