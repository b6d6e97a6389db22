"""Apache PDFBox preflight, a judge we did not write, on every archived PDF.

A final letter is archived for all five municipalities, in a copy of the house styles whose
profiles carry fictitious archive settings (the real ones mark them unknown), and PDFBox
preflight checks each archived PDF/A. The Debian package libpdfbox2-java ships preflight 2.0,
which validates against PDF/A-1b only: the codes it reports for what PDF/A-2 allows and PDF/A-1
forbids are listed below with the reason, and anything else fails the test.

Debian's preflight needs two APIs that Java 11 removed from the JDK and that libpdfbox2-java
does not depend on: javax.activation (libactivation-java) and javax.xml.bind
(libjaxb-api-java); scripts/system-packages.sh installs both with PDFBox.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from dtz_letters import list_archive
from dtz_letters import verify as verify_archive
from dtz_letters.cli import main
from tests.test_archive import ARCHIEF

REPO = Path(__file__).resolve().parents[1]
JAVA = Path("/usr/share/java")
JARS = [
    "preflight.jar",
    "pdfbox2.jar",
    "fontbox2.jar",
    "xmpbox.jar",
    "commons-logging.jar",
    "javax.activation.jar",  # libactivation-java
    "jaxb-api.jar",  # libjaxb-api-java
]
GEMEENTEN = ["borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"]

#: PDFBox preflight 2 codes for what PDF/A-1 forbids and PDF/A-2 (ISO 19005-2) allows.
PDFA1_ONLY = {
    "1.4": "cross-reference streams: PDF/A-1 is based on PDF 1.4 and forbids them (19005-1 "
    "6.1.4); PDF/A-2 is based on PDF 1.7 and allows them",
    "2.2.2": "a soft mask (transparency, the logo's alpha channel): PDF/A-1 forbids "
    "transparency (19005-1 6.4); PDF/A-2 allows it (19005-2 6.4)",
    "3.1.11": "no CIDSet in a subset CID font: required by PDF/A-1 (19005-1 6.3.5), optional "
    "in PDF/A-2 (19005-2 6.2.11.4.2)",
    "7.11.2": "the XMP says pdfaid:part 2: preflight 2 only knows part 1",
}

LETTER = """\
onderwerp: Testbrief voor PDFBox
datum: 2025-05-06
kenmerk: T-2025-1
status: definitief
ondertekenaars:
  - functie: de secretaris
    naam: T. Est (fictief)
  - functie: de burgemeester
    naam: P. Roef (fictief)
secties:
  - kop: Aanleiding
    tekst: |
      Deze brief laat Apache PDFBox het archief keuren: **vet**, *cursief* en een lijst.

      - een
      - twee
bijlagen:
  - titel: Geen bestand, alleen een titel
"""

_LINE = re.compile(r"^(\d+(?:\.\d+)*) : (.*)$")


def _classpath() -> str:
    missing = [jar for jar in JARS if not (JAVA / jar).is_file()]
    assert not missing, (
        "install libpdfbox2-java libactivation-java libjaxb-api-java "
        f"(scripts/system-packages.sh test): {missing}"
    )
    return ":".join(str(JAVA / jar) for jar in JARS)


def preflight(classpath: str, pdf: Path) -> tuple[list[tuple[str, str]], str]:
    """PDFBox's findings on ``pdf`` as (code, message), and its whole output."""
    run = subprocess.run(
        ["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(pdf)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert "Exception" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    # Either verdict names the file: PDFBox read it (an exception above would mean it did not).
    assert lines and pdf.name in lines[0] and "PDF/A-1b" in lines[0], output
    found = [(m.group(1), m.group(2)) for line in lines[1:] if (m := _LINE.match(line))]
    assert len(found) == len(lines) - 1, output
    return found, output


@pytest.fixture(scope="module")
def classpath() -> str:
    return _classpath()


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The letter archived for all five municipalities; the archived PDFs."""
    ws = tmp_path_factory.mktemp("pdfbox") / "ws"
    shutil.copytree(REPO / "templates", ws / "templates")
    for slug in GEMEENTEN:
        profile = ws / "templates" / slug / "profile.yaml"
        text = re.sub(
            r"^archief:\n(?:[ #].*\n)*",
            ARCHIEF.lstrip("\n"),
            profile.read_text("utf-8"),
            flags=re.M,
        )
        assert "Testzaaksysteem (fictief)" in text
        profile.write_text(text, encoding="utf-8")
    (ws / "letters").mkdir()
    letter = ws / "letters" / "rib-pdfbox.yaml"
    letter.write_text(LETTER, encoding="utf-8")
    assert main(["archive", str(letter)]) == 0
    root = ws / "output" / "archief"
    assert verify_archive(root).problems == []
    pdfs = [root / row.path for row in list_archive(root)]
    assert sorted(p.parts[-4] for p in pdfs) == GEMEENTEN
    return pdfs


@pytest.mark.parametrize("gemeente", GEMEENTEN)
def test_pdfbox_finds_nothing_pdfa2_forbids(
    classpath: str, archived: list[Path], gemeente: str
) -> None:
    (pdf,) = [p for p in archived if p.parts[-4] == gemeente]
    found, output = preflight(classpath, pdf)
    beyond = [f"{code} : {message}" for code, message in found if code not in PDFA1_ONLY]
    assert beyond == [], output


def test_pdfbox_sees_what_was_fixed(classpath: str, archived: list[Path], tmp_path: Path) -> None:
    """The judge is awake: /Interpolate true, and XMP namespaces declared outside the
    rdf:Description elements (what WeasyPrint writes; the archive removes both), are reported."""
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(archived[0]) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                obj.Interpolate = True
        packet = doc.Root.Metadata.read_bytes()
        tree = etree.fromstring(packet)
        uris = {p: u for el in tree.iter() if isinstance(el.tag, str) for p, u in el.nsmap.items()}
        etree.cleanup_namespaces(tree, top_nsmap=uris)  # every declaration on x:xmpmeta
        assert b"<rdf:Description rdf:about" in etree.tostring(tree)
        head, tail = packet.split(b"?>", 1)[0] + b"?>\n", b'\n<?xpacket end="r"?>'
        doc.Root.Metadata = doc.make_stream(head + etree.tostring(tree) + tail)
        doc.Root.Metadata.Type, doc.Root.Metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        doc.save(broken)
    codes = {code for code, _message in preflight(classpath, broken)[0]}
    assert "2.3.2" in codes  # Unexpected 'true' value for 'Interpolate'
    assert "7.3" in codes, codes  # the PDF/A identification schema is not seen
