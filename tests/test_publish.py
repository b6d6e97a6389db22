"""Publishing under the Woo: DiWoo 0.9.8 metadata and a Woo-index sitemap for every final letter.

The example letter, with the facts it lacks filled in (in the test's own copy of the workspace,
with fictitious values: the real ones are unknown), is published for all five municipalities;
every document and sitemap is judged by the shipped DiWoo schema (compiled offline) and the
value lists, and the ministry's example sitemap is judged by the same code.
"""

from __future__ import annotations

import copy
import hashlib
import http.server
import io
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

import dtz_letters as dtz
from dtz_letters import PublishError, PublishReport
from dtz_letters._publish.schema import (
    BASE_URL,
    DIWOO,
    catalog,
    compile_schema,
    diwoo_schema,
    resource_lists,
    value_list_problems,
)
from dtz_letters._publish.validate import SITEMAP, document_problems, sitemap_problems
from dtz_letters._xml import read_schema_file
from dtz_letters.cli import main
from tests.conftest import REPO

D = {"d": DIWOO}
S = {"s": SITEMAP}
SHARED = next(
    (p / "diwoo" for p in (REPO.parent / "shared", REPO.parents[1] / "shared") if p.is_dir()),
    None,
)
SCHEMAS = REPO / "dtz_letters" / "schemas"
EXAMPLE_SITEMAP = REPO / "tests" / "data" / "diwoo" / "woo-index-sitemap-example.xml"
XERCES = REPO / "tests" / "java" / "ValidateXsd.java"
MDTO_URL = "https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd"

#: The shipped copies must be exactly these files (../shared/diwoo/README.md gives the hashes),
#: wherever the tests run.
OFFICIAL = {
    "diwoo-metadata.xsd": "0a332f65c98f5bb2b4fb64c52c2f72867966a6e5bf1a5a5ea3870716fc6ea212",
    "diwoo-metadata-lijsten.xsd": (
        "c17fd0daa9eb37c44c774ac73271679a8fc2189805823dcfba6a86c2fd42b308"
    ),
}
EXAMPLE_SHA256 = "aeef7d4044f7d09cf9be90ee7bb6e1d2a4c116354bc4851eefd8770e21c81196"

#: slug: (TOOI code, official name), as ../shared/reference/gemeenten.md gives them.
GEMEENTEN = {
    "coevorden": ("gm0109", "gemeente Coevorden"),
    "emmen": ("gm0114", "gemeente Emmen"),
    "hoogeveen": ("gm0118", "gemeente Hoogeveen"),
    "hardenberg": ("gm0160", "gemeente Hardenberg"),
    "borger-odoorn": ("gm1681", "gemeente Borger-Odoorn"),
}
KERN = "https://identifier.overheid.nl/tooi/def/thes/kern/"
VERGADERSTUKKEN = KERN + "c_db4862c3"
EXAMPLE = "dtz-samenwerkingsverband.yaml"
SUBJECT = "Samenwerkingsverband Dutch Techzone"
DATE = "2025-03-20"


def base_url(slug: str) -> str:
    """A fictitious web address: no source gives a municipality's real one."""
    return f"https://woo.example.nl/{slug}"


def fill_in(root: Path, slugs: tuple[str, ...] = tuple(GEMEENTEN)) -> None:
    """Fill in what the example letter and the profiles of ``slugs`` lack, with fictitious
    values, in the test's own copy of the workspace."""
    fill_in_profiles(root, slugs)
    letter = root / "letters" / EXAMPLE
    text, n = re.subn(
        r"^datum:\n  onbekend: .*\n",
        f"datum: {DATE}\n",
        letter.read_text(encoding="utf-8"),
        flags=re.M,
    )
    assert n == 1
    letter.write_text(text, encoding="utf-8")


def fill_in_profiles(root: Path, slugs: tuple[str, ...]) -> None:
    """Fill in the publication facts and signatories the profiles of ``slugs`` lack."""
    for slug in slugs:
        profile = root / "templates" / slug / "profile.yaml"
        text, n = re.subn(
            r"^  basis_url:\n    onbekend: .*\n",
            f"  basis_url: {base_url(slug)}\n",
            profile.read_text(encoding="utf-8"),
            flags=re.M,
        )
        assert n == 1
        text = re.sub(r"naam:\n\s+onbekend: .*\n", "naam: A. Test (fictief)\n", text)
        profile.write_text(text, encoding="utf-8")


def new_workspace(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "letters", root / "letters")
    return root


def identity(slug: str) -> str:
    """The identity of the example letter (no kenmerk: named after its file, with a hash)."""
    tail = hashlib.sha256(b"bron:letters/dtz-samenwerkingsverband.yaml").hexdigest()[:10]
    return f"{GEMEENTEN[slug][0]}-{DATE}-dtz-samenwerkingsverband_{tail}"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_workspace(tmp_path_factory.mktemp("publish") / "ws")
    fill_in(root)
    return root


@pytest.fixture(scope="module")
def published(ws: Path) -> PublishReport:
    """The example letter published for all five municipalities."""
    report = dtz.publish([ws / "letters" / EXAMPLE], workspace=ws)
    assert report.failures == []
    return report


# --------------------------------------------------------------------------- the schema


def test_the_shipped_schemas_are_the_official_ones() -> None:
    for name, digest in OFFICIAL.items():
        data = (SCHEMAS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
        if SHARED is not None:  # beside the repository on the development machine and in CI
            assert data == (SHARED / name).read_bytes(), name
    assert hashlib.sha256(EXAMPLE_SITEMAP.read_bytes()).hexdigest() == EXAMPLE_SHA256
    if SHARED is not None:
        shared_example = SHARED / "examples" / "woo-index-sitemap-example.xml"
        assert EXAMPLE_SITEMAP.read_bytes() == shared_example.read_bytes()


def test_the_catalog_maps_what_the_shared_catalog_maps_to_the_same_file() -> None:
    assert catalog() == {MDTO_URL: "MDTO-XML1.0.1.xsd"}
    if SHARED is None:
        return
    shared = etree.parse(str(SHARED / "catalog.xml")).getroot()
    for entry in shared:
        if not isinstance(entry.tag, str):
            continue
        url = entry.get("name") or entry.get("systemId")
        target = (SHARED / entry.get("uri")).resolve()
        assert (SCHEMAS / catalog()[url]).read_bytes() == target.read_bytes()


def test_the_schema_compiles_offline_from_the_package_only() -> None:
    schema, asked = compile_schema(read_schema_file("diwoo-metadata.xsd"))
    # The MDTO import through the catalog, the value lists by the schema's own include.
    assert asked == [MDTO_URL, BASE_URL + "diwoo-metadata-lijsten.xsd"]
    assert isinstance(schema, etree.XMLSchema)


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.1 that records every request: a fetch cannot go unnoticed."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = read_schema_file("diwoo-metadata-lijsten.xsd")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_schema_that_asks_for_anything_else_is_refused_and_nothing_is_fetched(
    server: tuple[str, list[str]],
) -> None:
    url, requests = server
    schema = read_schema_file("diwoo-metadata.xsd").replace(
        b'schemaLocation="diwoo-metadata-lijsten.xsd"',
        f'schemaLocation="{url}/diwoo-metadata-lijsten.xsd"'.encode(),
    )
    with pytest.raises(PublishError) as info:
        compile_schema(schema)
    assert str(info.value) == (
        f"The schema diwoo-metadata.xsd asks for {url}/diwoo-metadata-lijsten.xsd, which "
        "dtz-letters does not ship; nothing is fetched from the network, so it is not used."
    )
    assert requests == []


def test_the_value_lists_are_read_from_the_schema() -> None:
    rules = {name: [v.tooi for v in lists] for name, lists in resource_lists().items()}
    assert rules["informatiecategorie"] == ["scw_woo_informatiecategorieen"]
    assert rules["documentsoort"] == ["ccw_plooi_documentsoorten"]
    assert rules["soortHandeling"] == ["ccw_plooi_documenthandelingen"]
    assert "rwc_gemeenten_compleet" in rules["publisher"]
    assert len(rules["publisher"]) == 8  # the eight organisation lists of organisatielijst


# --------------------------------------------------------------------------- the example sitemap


def test_the_ministrys_example_sitemap_validates_with_the_same_code() -> None:
    data = EXAMPLE_SITEMAP.read_bytes()
    assert sitemap_problems(data) == []
    assert sitemap_problems(data, location="http://localhost:8000/dossier/sitemap.xml") == []
    documents = etree.fromstring(data).findall("s:url/d:Document", {**S, **D})
    assert len(documents) == 2
    for document in documents:
        assert document_problems(document) == []


def test_the_example_sitemap_fails_where_it_breaks_the_rules() -> None:
    data = EXAMPLE_SITEMAP.read_bytes()
    text = data.decode("utf-8")
    assert sitemap_problems(data, location="http://localhost:8000/andere/sitemap.xml")[0] == (
        "line 4: loc 'http://localhost:8000/dossier/PREF/my-woo-decision-1/file/download/"
        "document/1eef' lies outside http://localhost:8000/andere/, the sitemap's folder"
    )
    broken = {
        "a relative loc": text.replace("<loc>http://localhost:8000/dossier", "<loc>/dossier", 1),
        "a space in a loc": text.replace("my-woo-decision-1", "my woo decision", 1),
        "a lastmod that is no date": text.replace("2024-04-07", "7 april 2024"),
        "a loc twice": text.replace("1eef5ad2-c831", "1eef4e40-2195"),
        "a bare date as atTime": text.replace("2023-01-07T00:00:00+00:00", "2023-01-07"),
        "a category that is no Woo category": text.replace("c_3baef532", "c_7652d853", 1),
        "a publisher named wrongly": text.replace(
            "ministerie van Volksgezondheid, Welzijn en Sport", "gemeente Coevorden", 1
        ),
        "a url without its document": re.sub(
            r"<diwoo:Document>.*?</diwoo:Document>", "", text, count=1, flags=re.S
        ),
        "not well-formed": text.replace("</urlset>", ""),
    }
    for why, variant in broken.items():
        assert sitemap_problems(variant.encode("utf-8")) != [], why


def test_what_the_schema_lets_pass_the_value_lists_catch() -> None:
    """A wrong URI the schema accepts: another municipality under this one's name, a resource
    left out, a Document without metadata."""
    schema = diwoo_schema()
    root = etree.fromstring(EXAMPLE_SITEMAP.read_bytes())
    document = root.find("s:url/d:Document", {**S, **D})
    publisher = document.find("d:DiWoo/d:publisher", D)
    publisher.set("resource", "https://identifier.overheid.nl/tooi/id/gemeente/gm0114")
    assert schema.validate(document)
    assert value_list_problems(document) == [
        "line 9: diwoo:publisher: rwc_gemeenten_compleet names "
        "https://identifier.overheid.nl/tooi/id/gemeente/gm0114 'gemeente Emmen', but the "
        "document says 'ministerie van Volksgezondheid, Welzijn en Sport'."
    ]
    del publisher.attrib["resource"]
    assert schema.validate(document)
    assert value_list_problems(document) == [
        "line 9: diwoo:publisher ('ministerie van Volksgezondheid, Welzijn en Sport') has no "
        "resource: its URI from the TOOI lists is needed."
    ]
    empty = etree.fromstring(f'<diwoo:Document xmlns:diwoo="{DIWOO}"/>')
    assert schema.validate(empty)
    assert document_problems(empty) == [
        "line 1: the diwoo:Document holds no diwoo:DiWoo metadata (the schema allows it, a "
        "publication does not)"
    ]


# --------------------------------------------------------------------------- the five letters


@pytest.mark.parametrize("slug", list(GEMEENTEN))
def test_every_published_document_and_sitemap_is_valid(
    ws: Path, published: PublishReport, slug: str
) -> None:
    root = ws / "output" / "woo"
    ident = identity(slug)
    folder = root / slug / ident
    assert sorted(p.name for p in folder.iterdir()) == [f"{ident}.diwoo.xml", f"{ident}.pdf"]
    metadata = (folder / f"{ident}.diwoo.xml").read_bytes()
    # The outside judge first: lxml's XSD validator on the shipped 0.9.8 schema.
    assert diwoo_schema().validate(etree.fromstring(metadata)), diwoo_schema().error_log
    assert document_problems(metadata) == []
    sitemap = (root / slug / "sitemap.xml").read_bytes()
    assert sitemap_problems(sitemap, location=f"{base_url(slug)}/sitemap.xml") == []
    urls = etree.fromstring(sitemap).findall("s:url", S)
    assert [u.findtext("s:loc", namespaces=S) for u in urls] == [
        f"{base_url(slug)}/{ident}/{ident}.pdf"
    ]
    assert urls[0].findtext("s:lastmod", namespaces=S) == DATE
    # The sitemap carries the folder's document, as in the ministry's example.
    flat = etree.XMLParser(remove_blank_text=True)
    in_sitemap = etree.fromstring(sitemap, flat).find("s:url/d:Document", {**S, **D})
    own = etree.fromstring(metadata, flat)
    assert etree.tostring(in_sitemap, method="c14n", exclusive=True) == etree.tostring(
        own, method="c14n", exclusive=True
    )
    assert (root / slug / "sitemap.xml", 1) in published.sitemaps


def test_the_jdks_validator_agrees(ws: Path, published: PublishReport, tmp_path: Path) -> None:
    """A second judge that shares no code with lxml (Xerces-J, in the JDK) on the same
    shipped schema and catalog: every published document valid, and the ministry's two; a
    document with a bare date where a dateTime belongs, invalid."""
    ours = sorted((ws / "output" / "woo").glob("*/*/*.diwoo.xml"))
    assert len(ours) == 5
    theirs = []
    example = etree.fromstring(EXAMPLE_SITEMAP.read_bytes())
    for n, document in enumerate(example.findall("s:url/d:Document", {**S, **D}), 1):
        path = tmp_path / f"ministerie-{n}.xml"
        path.write_bytes(etree.tostring(document))
        theirs.append(path)
    bad = tmp_path / "kale-datum.xml"
    bad.write_bytes(theirs[0].read_bytes().replace(b"2023-01-07T00:00:00+00:00", b"2023-01-07"))
    judged = subprocess.run(
        [
            "java",
            str(XERCES),
            str(SCHEMAS / "diwoo-catalog.xml"),
            str(SCHEMAS / "diwoo-metadata.xsd"),
            *map(str, [*ours, *theirs, bad]),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert judged.stdout.splitlines() == [f"valid: {p}" for p in [*ours, *theirs]] + [
        f"INVALID: {bad}: cvc-datatype-valid.1.2.1: '2023-01-07' is not a valid value for "
        "'dateTime'."
    ], judged.stderr
    assert judged.returncode == 1


@pytest.mark.parametrize("slug", list(GEMEENTEN))
def test_the_values_of_the_document(ws: Path, published: PublishReport, slug: str) -> None:
    tooi, name = GEMEENTEN[slug]
    ident = identity(slug)
    doc = etree.parse(str(ws / "output" / "woo" / slug / ident / f"{ident}.diwoo.xml"))
    meta = doc.getroot().find("d:DiWoo", D)

    def one(path: str) -> tuple[str | None, str]:
        found = meta.findall(path, D)
        assert len(found) == 1, path
        return found[0].get("resource"), found[0].text or ""

    organisation = (f"https://identifier.overheid.nl/tooi/id/gemeente/{tooi}", name)
    for role in ("d:publisher", "d:verantwoordelijke", "d:opsteller"):
        assert one(role) == organisation
    assert one("d:titelcollectie/d:officieleTitel") == (None, f"Raadsinformatiebrief: {SUBJECT}")
    assert one("d:classificatiecollectie/d:informatiecategorieen/d:informatiecategorie") == (
        VERGADERSTUKKEN,
        "vergaderstukken decentrale overheden",
    )
    assert one("d:classificatiecollectie/d:documentsoorten/d:documentsoort") == (
        KERN + "c_7652d853",
        "brief",
    )
    handeling = "d:documenthandelingen/d:documenthandeling"
    assert one(f"{handeling}/d:soortHandeling") == (KERN + "c_e1ec050e", "ondertekening")
    assert one(f"{handeling}/d:atTime") == (None, f"{DATE}T00:00:00+00:00")
    assert one("d:creatiedatum") == (None, DATE)
    assert one("d:language")[1] == "Nederlands"
    assert one("d:format")[1] == "PDF"
    assert [e.text for e in meta.findall("d:identifiers/d:identifier", D)] == [ident]
    relations = meta.findall("d:documentrelaties/d:documentrelatie", D)
    assert [r.findtext("d:relation", namespaces=D) for r in relations] == [
        "Jaarverslag 2024 Dutch TechZone",
        "Jaarplan 2025 Dutch TechZone",
        "Netwerk- en verbindingsplan DTZ",
    ]
    assert {r.find("d:role", D).get("resource") for r in relations} == {KERN + "c_05f4a5f3"}
    # The example's attachments name no file: no address to point to.
    assert all(r.find("d:relation", D).get("resource") is None for r in relations)


@pytest.mark.parametrize("slug", ["coevorden", "borger-odoorn"])
def test_the_published_pdf_is_the_pdf_ua_one(ws: Path, published: PublishReport, slug: str) -> None:
    ident = identity(slug)
    pdf = (ws / "output" / "woo" / slug / ident / f"{ident}.pdf").read_bytes()
    assert pdf == dtz.render(ws / "letters" / EXAMPLE, slug, "pdf", workspace=ws)
    assert dtz.check_pdf_accessibility(pdf) == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        xmp = bytes(doc.Root.Metadata.read_bytes()).decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp
    assert "pdfaid:part" not in xmp  # not the archive's PDF/A


def test_the_overview_shows_which_letters_are_published(ws: Path, published: PublishReport) -> None:
    assert published.index == ws / "output" / "index.html"
    page = published.index.read_text(encoding="utf-8")
    for slug in GEMEENTEN:
        ident = identity(slug)
        assert f'<a href="woo/{slug}/{ident}/{ident}.diwoo.xml">DiWoo-metadata</a>' in page
    assert page.count("Gepubliceerd (Woo)") == 5


def test_publishing_again_changes_no_byte(
    ws: Path, published: PublishReport, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(ws / "output" / "woo")
    code, out, _err = run(capsys, "publish", ws / "letters" / EXAMPLE, "-g", "emmen")
    assert code == 0
    assert f"[emmen]: unchanged: {identity('emmen')} in " in out
    assert snapshot(ws / "output" / "woo") == before


def test_another_folder_gets_the_same_bytes(
    ws: Path, published: PublishReport, tmp_path: Path
) -> None:
    """No clock, no run-dependent value in any file: the same letter published into another
    folder gives the same bytes (the PDF's bytes depend on where the workspace lies: the
    renderer names the logo's image after its path)."""
    report = dtz.publish(
        [ws / "letters" / EXAMPLE], workspace=ws, gemeenten=["hoogeveen"], out=tmp_path / "o"
    )
    assert report.failures == []
    ours, theirs = ws / "output" / "woo" / "hoogeveen", tmp_path / "o" / "hoogeveen"
    files = sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file())
    assert len(files) == 3
    for rel in files:
        assert (theirs / rel).read_bytes() == (ours / rel).read_bytes(), rel


# --------------------------------------------------------------------------- every value is checked


def test_every_resource_is_checked_where_the_schema_is_silent(
    ws: Path, published: PublishReport
) -> None:
    """For each element of our document that carries a URI from a value list: without the
    URI, or beside a name that is not the list's, the schema still accepts the document and
    the value lists do not."""
    ident = identity("emmen")
    original = etree.parse(str(ws / "output" / "woo" / "emmen" / ident / f"{ident}.diwoo.xml"))
    with_resource = [e for e in original.iter() if e.get("resource") is not None]
    listed = [e for e in with_resource if etree.QName(e).localname in resource_lists()]
    assert {etree.QName(e).localname for e in listed} == {
        "publisher",
        "verantwoordelijke",
        "opsteller",
        "informatiecategorie",
        "documentsoort",
        "language",
        "format",
        "soortHandeling",
        "role",
    }
    for n, element in enumerate(with_resource):
        if element not in listed:
            continue
        for change in ("drop the URI", "rename"):
            doc = copy.deepcopy(original.getroot())
            target = [e for e in doc.iter() if e.get("resource") is not None][n]
            if change == "drop the URI":
                del target.attrib["resource"]
            else:
                target.text = "iets anders"
            assert diwoo_schema().validate(doc), (change, element.tag)
            assert len(document_problems(doc)) == 1, (change, element.tag)


def test_a_wrong_publication_value_in_a_profile_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = new_workspace(tmp_path / "ws")
    monkeypatch.chdir(root)
    fill_in(root, ("coevorden",))
    profile = root / "templates" / "coevorden" / "profile.yaml"
    text = profile.read_text(encoding="utf-8")
    line = text[: text.index(VERGADERSTUKKEN)].count("\n") + 1
    profile.write_text(text.replace(VERGADERSTUKKEN, KERN + "c_00000000"), encoding="utf-8")
    letter = Path("letters") / EXAMPLE
    expected = (
        f"templates/coevorden/profile.yaml:{line}:5: publicatie.informatiecategorie.uri: "
        f"{KERN}c_00000000 is not a Woo information category (TOOI list "
        "scw_woo_informatiecategorieen)."
    )
    code, _out, err = run(capsys, "publish", letter, "-g", "coevorden", "--out", tmp_path / "o")
    assert code == 1
    assert err.splitlines() == [f"{letter} [coevorden]: {expected}"]
    assert not (tmp_path / "o" / "coevorden").exists()
    code, _out, err = run(capsys, "check", letter)
    assert code == 1
    assert expected in err.splitlines()


def test_the_official_name_must_be_the_tooi_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = new_workspace(tmp_path / "ws")
    monkeypatch.chdir(root)
    fill_in(root, ("emmen",))
    profile = root / "templates" / "emmen" / "profile.yaml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace(
            "officiele_naam: gemeente Emmen", "officiele_naam: Gemeente Emmen"
        ),
        encoding="utf-8",
    )
    report = dtz.publish([root / "letters" / EXAMPLE], workspace=root, gemeenten=["emmen"])
    assert [o.error for o in report.failures] == [
        f"letters/{EXAMPLE} [emmen]: templates/emmen/profile.yaml:5:1: officiele_naam: the "
        "TOOI list rwc_gemeenten_compleet names gm0114 'gemeente Emmen'; the DiWoo metadata "
        "names the publisher as the list does, so officiele_naam must be 'gemeente Emmen'."
    ]


# --------------------------------------------------------------------------- what is not published


def test_concepts_are_never_published(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = new_workspace(tmp_path / "ws")
    fill_in(root)
    concept = root / "letters" / "concept.yaml"
    concept.write_text(
        "onderwerp: Nog niet af\ndatum: 2025-03-21\nstatus: concept\n"
        "secties:\n  - tekst: Een concept.\n",
        encoding="utf-8",
    )
    (root / "letters" / EXAMPLE).write_text(
        (REPO / "letters" / EXAMPLE).read_text(encoding="utf-8"), encoding="utf-8"
    )  # the example as shipped: its date is unknown, so it is a concept
    code, out, err = run(capsys, "publish", concept, root / "letters" / EXAMPLE, "-g", "emmen")
    assert code == 0
    assert out.splitlines() == [
        f"{concept} [emmen]: skipped, a concept (status: concept)",
        f"{root / 'letters' / EXAMPLE} [emmen]: skipped, a concept (1 fact(s) still unknown; "
        "see dtz-letters check)",
    ]
    assert err == ""
    assert not (root / "output" / "woo" / "emmen").exists()


def test_unknown_publication_facts_skip_a_letter_with_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real profiles do not know their web address: a final letter is not published, and
    each municipality says why in one line that names the profile's line."""
    root = new_workspace(tmp_path / "ws")
    letter = root / "letters" / "rib.yaml"
    letter.write_text(
        "onderwerp: Een definitieve brief\ndatum: 2025-03-20\nstatus: definitief\n"
        "gemeenten: [coevorden, emmen]\nondertekenaars:\n"
        "  - {functie: de burgemeester, naam: A. Test (fictief)}\n"
        "secties:\n  - tekst: Een alinea.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "publish", "letters/rib.yaml")
    assert code == 0
    lines = {}
    for slug in ("coevorden", "emmen"):
        text = (root / "templates" / slug / "profile.yaml").read_text(encoding="utf-8")
        lines[slug] = text[: text.index("  basis_url:")].count("\n") + 1
    assert err.splitlines() == [
        f"warning: letters/rib.yaml [{slug}]: final, but not published: its publication "
        f"facts are not known yet: templates/{slug}/profile.yaml:{lines[slug]}:3: "
        f"publicatie.basis_url: the web address the Woo publications of {slug.title()} are "
        "served from is not known (het webadres waaronder de gemeente haar Woo-publicaties "
        "plaatst is niet uit een bron bekend); its final letters are not published until it "
        "is filled in."
        for slug in ("coevorden", "emmen")
    ]
    assert out.splitlines() == [
        f"letters/rib.yaml [{slug}]: skipped, publication facts not known yet"
        for slug in ("coevorden", "emmen")
    ]
    assert not (root / "output" / "woo").exists()
    # check lists the facts: the unknown address, and the category still to be confirmed.
    code, _out, err = run(capsys, "check", "letters/rib.yaml")
    assert code == 0
    publication = [line for line in err.splitlines() if "publicatie." in line]
    assert [line.split(": ")[1] for line in publication] == [
        "publicatie.basis_url",
        "publicatie.informatiecategorie.te_bevestigen",
    ] * 2
    assert "is a proposal that Emmen has not confirmed" in publication[3]


def test_check_says_nothing_about_publication_for_a_concept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = new_workspace(tmp_path / "ws")
    (root / "letters" / "c.yaml").write_text(
        "onderwerp: Concept\ndatum: 2025-03-20\ngemeenten: [emmen]\n"
        "secties:\n  - tekst: Een alinea.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    code, _out, err = run(capsys, "check", "letters/c.yaml")
    assert code == 0
    assert "publicatie" not in err


# --------------------------------------------------------------------------- safety


HOSTILE = """\
onderwerp: 'Kosten <script>alert(1)</script> & "baten" ]]> van R&D'
datum: 2025-04-01
kenmerk: Z/2025/<7>
status: definitief
gemeenten: [coevorden]
ondertekenaars:
  - {functie: de burgemeester, naam: A. Test (fictief)}
secties:
  - tekst: Een alinea.
bijlagen:
  - titel: Begroting & <b>planning</b>
    bestand: bijlagen/begroting.pdf
  - titel: Zonder bestand
"""


def test_hostile_text_is_escaped_and_attachments_are_published(tmp_path: Path) -> None:
    root = new_workspace(tmp_path / "ws")
    fill_in(root, ("coevorden",))
    (root / "letters" / "bijlagen").mkdir()
    attachment = b"%PDF-1.7 een bijlage"
    (root / "letters" / "bijlagen" / "begroting.pdf").write_bytes(attachment)
    letter = root / "letters" / "hostile.yaml"
    letter.write_text(HOSTILE, encoding="utf-8")
    report = dtz.publish([letter], workspace=root)
    assert report.failures == []
    (outcome,) = report.published
    ident = outcome.identificatie
    assert ident is not None and ident.startswith("gm0109-2025-04-01-Z-2025-7_")
    folder = root / "output" / "woo" / "coevorden" / ident
    assert (folder / f"{ident}_bijlage-1.pdf").read_bytes() == attachment
    metadata = (folder / f"{ident}.diwoo.xml").read_bytes()
    assert b"<script>" not in metadata and b"]]>" not in metadata
    assert document_problems(metadata) == []
    meta = etree.fromstring(metadata).find("d:DiWoo", D)
    assert meta.findtext("d:titelcollectie/d:officieleTitel", namespaces=D) == (
        'Raadsinformatiebrief: Kosten <script>alert(1)</script> & "baten" ]]> van R&D'
    )
    assert [e.text for e in meta.findall("d:identifiers/d:identifier", D)] == [
        "Z/2025/<7>",
        ident,
    ]
    relations = [
        (r.get("resource"), r.text) for r in meta.findall(".//d:documentrelatie/d:relation", D)
    ]
    assert relations == [
        (f"{base_url('coevorden')}/{ident}/{ident}_bijlage-1.pdf", "Begroting & <b>planning</b>"),
        (None, "Zonder bestand"),
    ]
    sitemap = (root / "output" / "woo" / "coevorden" / "sitemap.xml").read_bytes()
    assert sitemap_problems(sitemap, location=f"{base_url('coevorden')}/sitemap.xml") == []
    # Without its attachment, the letter's folder holds no stale copy of it.
    letter.write_text(HOSTILE.replace("    bestand: bijlagen/begroting.pdf\n", ""), "utf-8")
    report = dtz.publish([letter], workspace=root)
    assert report.failures == [] and report.published[0].status == "published"
    assert sorted(p.name for p in folder.iterdir()) == [f"{ident}.diwoo.xml", f"{ident}.pdf"]


def test_the_sitemap_lists_every_letter_in_the_folder(tmp_path: Path) -> None:
    root = new_workspace(tmp_path / "ws")
    fill_in(root, ("coevorden",))
    letters = []
    for n, day in enumerate(("2025-01-10", "2025-02-14"), 1):
        path = root / "letters" / f"rib-{n}.yaml"
        path.write_text(
            f"onderwerp: Brief {n}\ndatum: {day}\nkenmerk: Z-{n}\nstatus: definitief\n"
            "gemeenten: [coevorden]\nsecties:\n  - tekst: Een alinea.\n",
            encoding="utf-8",
        )
        letters.append(path)
    sitemap = root / "output" / "woo" / "coevorden" / "sitemap.xml"

    def locs() -> list[str]:
        tree = etree.fromstring(sitemap.read_bytes())
        return [u.findtext("s:loc", namespaces=S) or "" for u in tree.findall("s:url", S)]

    for path in letters:  # one at a time: the second run keeps the first letter listed
        assert dtz.publish([path], workspace=root).failures == []
    assert [loc.rsplit("/", 1)[1] for loc in locs()] == [
        "gm0109-2025-01-10-Z-1.pdf",
        "gm0109-2025-02-14-Z-2.pdf",
    ]
    shutil.rmtree(sitemap.parent / "gm0109-2025-01-10-Z-1")  # withdrawn by hand
    assert dtz.publish([letters[1]], workspace=root).failures == []
    assert [loc.rsplit("/", 1)[1] for loc in locs()] == ["gm0109-2025-02-14-Z-2.pdf"]


def test_another_letter_with_the_same_identity_is_refused(tmp_path: Path) -> None:
    root = new_workspace(tmp_path / "ws")
    fill_in(root, ("coevorden",))
    text = (
        "onderwerp: {0}\ndatum: 2025-01-10\nkenmerk: Z-1\nstatus: definitief\n"
        "gemeenten: [coevorden]\nsecties:\n  - tekst: Een alinea.\n"
    )
    first, second = root / "letters" / "a.yaml", root / "letters" / "b.yaml"
    first.write_text(text.format("Eerste"), encoding="utf-8")
    second.write_text(text.format("Tweede"), encoding="utf-8")
    assert dtz.publish([first], workspace=root).failures == []
    folder = root / "output" / "woo" / "coevorden" / "gm0109-2025-01-10-Z-1"
    before = snapshot(folder)
    report = dtz.publish([second], workspace=root)
    assert [o.error for o in report.failures] == [
        f"{second} [coevorden]: gm0109-2025-01-10-Z-1 is already published from letters/a.yaml; "
        "letters/b.yaml is another letter with the same municipality, date and kenmerk, so it "
        f"is not published. Give it its own kenmerk, or remove {folder} to publish this one "
        "in its place."
    ]
    assert snapshot(folder) == before


def test_a_folder_that_cannot_be_written_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = new_workspace(tmp_path / "ws")
    fill_in(root, ("coevorden", "emmen"))
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the publication folder should be", encoding="utf-8")
    letter = root / "letters" / EXAMPLE
    code, _out, err = run(
        capsys, "publish", letter, "-g", "coevorden", "-g", "emmen", "-o", blocked
    )
    assert code == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 2
    for line, slug in zip(lines, ("coevorden", "emmen"), strict=True):
        assert line.startswith(f"{letter} [{slug}]: not published: ")


def test_a_broken_publication_folder_keeps_the_sitemap_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = new_workspace(tmp_path / "ws")
    fill_in(root, ("coevorden",))
    monkeypatch.chdir(root)
    letter = f"letters/{EXAMPLE}"
    assert run(capsys, "publish", letter, "-g", "coevorden")[0] == 0
    sitemap = root / "output" / "woo" / "coevorden" / "sitemap.xml"
    before = sitemap.read_bytes()
    stranger = sitemap.parent / "vreemd"
    stranger.mkdir()
    (stranger / "vreemd.diwoo.xml").write_text("<geen-diwoo/>", encoding="utf-8")
    (stranger / "vreemd.pdf").write_bytes(b"%PDF-1.7")
    code, out, err = run(capsys, "publish", letter, "-g", "coevorden")
    assert code == 1
    assert f"{letter} [coevorden]: unchanged: " in out
    assert [line for line in err.splitlines() if not line.startswith("warning: ")] == [
        "output/woo/coevorden/sitemap.xml: not brought up to date, because:",
        "  output/woo/coevorden/vreemd/vreemd.diwoo.xml: line 1: the element is geen-diwoo, "
        "not diwoo:Document",
    ]
    assert sitemap.read_bytes() == before


def test_an_attachment_has_the_same_number_in_the_archive_and_the_publication(
    tmp_path: Path,
) -> None:
    """Found in review: the archive numbered the attachments that have a file among
    themselves, the publication by their place in the letter, so the second attachment of a
    letter whose first has no file was "bijlage-1" in one and "bijlage-2" in the other. Both
    now use its place in the letter, as the letter's own list of attachments numbers it."""
    from tests.test_archive import make_workspace

    root = make_workspace(tmp_path / "ws")
    fill_in_profiles(root, ("coevorden",))
    (root / "letters" / "b.txt").write_bytes(b"de tweede bijlage")
    letter = root / "letters" / "twee.yaml"
    letter.write_text(
        "onderwerp: Twee bijlagen\ndatum: 2025-04-01\nkenmerk: Z-2\nstatus: definitief\n"
        "gemeenten: [coevorden]\nsecties:\n  - tekst: Een alinea.\n"
        "bijlagen:\n  - titel: Zonder bestand\n  - titel: Met bestand\n    bestand: b.txt\n",
        encoding="utf-8",
    )
    archived = dtz.archive([letter], workspace=root)
    assert archived.failures == []
    published = dtz.publish([letter], workspace=root)
    assert published.failures == []
    in_archive = [p.name for p in (root / "output" / "archief").rglob("*_bijlage-*.txt")]
    in_woo = [p.name for p in (root / "output" / "woo").rglob("*_bijlage-*.txt")]
    assert [name.rsplit("_", 1)[1] for name in in_archive + in_woo] == ["bijlage-2.txt"] * 2


def test_a_bug_while_publishing_is_a_bug_with_its_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: publish (and archive) kept only the one line of an internal error,
    so --debug showed nothing and the exit code said "bad input"."""
    from dtz_letters._publish import run as publish_run

    root = new_workspace(tmp_path / "ws")
    fill_in(root, ("coevorden",))
    monkeypatch.chdir(root)

    def compose(copy: object) -> object:
        return 1 // 0

    monkeypatch.setattr(publish_run, "compose", compose)
    code, _out, err = run(capsys, "publish", "--debug", f"letters/{EXAMPLE}", "-g", "coevorden")
    assert code == 3
    assert "not published: internal error ZeroDivisionError" in err
    assert "Traceback (most recent call last)" in err and "(traceback above)" in err
