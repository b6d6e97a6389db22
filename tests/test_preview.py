"""``dtz-letters preview``: a real headless Chromium follows the page while the letter is
edited; the server serves nothing outside the house-style assets and its own output.

The browser test runs the command line in its own process (as a user does) and stops it with
Ctrl-C (SIGINT); the other tests start the preview through the public API in this process.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError

import pytest
from selenium.webdriver.common.by import By

import dtz_letters
from dtz_letters._preview.server import request_parts
from tests.browser import chromium, subjects, wait_until
from tests.conftest import REPO
from tests.helpers import pdftotext, write_letter

SLUGS = ["borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"]

LETTER = """\
onderwerp: Eerste onderwerp
datum: 2025-03-20
status: definitief
secties:
  - kop: Inleiding
    tekst: Een alinea voor {{ gemeente.naam }}.
"""


def write(path: Path, text: str) -> None:
    """Save as an editor does: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """A request with the target exactly as given (no client normalises the path)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --------------------------------------------------------------------------- the browser


def default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class CommandLine:
    """``dtz-letters preview`` in its own process; its URL from the first line it prints."""

    def __init__(self, workspace: Path, letter: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dtz_letters", "preview", letter],
            cwd=workspace,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # As in a terminal: Ctrl-C reaches it even where the test runner was started with
            # SIGINT ignored (a background job of a script), which the child would inherit.
            preexec_fn=default_sigint,
        )
        timer = threading.Timer(60, self.process.kill)  # never a hanging test
        timer.start()
        try:
            assert self.process.stdout is not None
            first = self.process.stdout.readline()
        finally:
            timer.cancel()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, (first, self.process.stderr.read() if self.process.stderr else "")
        self.url, self.port = found.group(), int(found.group(1))

    def interrupt(self) -> tuple[int, str, str]:
        """Ctrl-C: exit code, the rest of standard output and standard error."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=20)
        return self.process.returncode, out, err


def test_preview_in_a_browser(workspace: Path) -> None:
    letter = write_letter(workspace, LETTER)
    cli = CommandLine(workspace, "letters/brief.yaml")
    try:
        with chromium() as driver:
            driver.get(cli.url)
            # Every municipality's copy shows the subject.
            first = dict.fromkeys(SLUGS, "Eerste onderwerp")
            wait_until(driver, lambda d: subjects(d) == first)
            tabs = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#tab-list button")]
            assert tabs == ["Borger-Odoorn", "Coevorden", "Emmen", "Hardenberg", "Hoogeveen"]
            assert driver.title == "letters/brief.yaml: dtz-letters preview"

            # A save updates every copy.
            write(letter, LETTER.replace("Eerste", "Tweede"))
            wait_until(driver, lambda d: subjects(d) == dict.fromkeys(SLUGS, "Tweede onderwerp"))

            # An invalid save: the located error, with the offending line; the last good
            # render stays.
            write(letter, LETTER.replace("Eerste", "Derde").replace("2025-03-20", "20 maart 2025"))
            panel = wait_until(
                driver,
                lambda d: (
                    d.find_element(By.ID, "problems").is_displayed()
                    and d.find_element(By.ID, "problems")
                ),
            )
            assert panel.find_element(By.CSS_SELECTOR, ".message").text == (
                "letters/brief.yaml:2:8: datum: must be a date (YYYY-MM-DD)"
            )
            source = panel.find_element(By.CSS_SELECTOR, "pre.source").text.splitlines()
            assert source == ["datum: 20 maart 2025", "       ^"]
            assert subjects(driver) == dict.fromkeys(SLUGS, "Tweede onderwerp")

            # Mended: the error goes, the copies follow.
            write(letter, LETTER.replace("Eerste", "Vierde"))
            wait_until(driver, lambda d: subjects(d) == dict.fromkeys(SLUGS, "Vierde onderwerp"))
            assert not driver.find_element(By.ID, "problems").is_displayed()

            # Each copy links its PDF and DOCX: the last good render, for that municipality.
            links = {
                a.text: a.get_attribute("href")
                for a in driver.find_elements(By.CSS_SELECTOR, '[data-slug="emmen"] .copy-head a')
            }
            assert set(links) == {"PDF", "DOCX"}
            status, pdf, kind = get(links["PDF"])
            assert (status, kind, pdf[:5]) == (200, "application/pdf", b"%PDF-")
            (workspace / "emmen.pdf").write_bytes(pdf)
            text = pdftotext(workspace / "emmen.pdf")
            assert "Vierde onderwerp" in text and "Een alinea voor Emmen." in text
            status, docx, _ = get(links["DOCX"])
            assert (status, docx[:2]) == (200, b"PK")

            # The browser cannot ask for a file outside: it gets 404.
            driver.get(cli.url + "../../etc/passwd")
            assert "404 not found" in driver.find_element(By.TAG_NAME, "body").text
            assert "root:" not in driver.page_source
        for target in ("/../../etc/passwd", "/etc/passwd", f"{REPO}/README.md"):
            status, body = raw_get(cli.port, target)
            assert (status, b"root:" in body) == (404, False), target
    finally:
        code, out, err = cli.interrupt()
    # Ctrl-C stops it cleanly: no traceback, and the port is free again.
    assert (code, out) == (0, ""), err
    assert err == "preview stopped\n", err
    with pytest.raises(OSError):
        raw_get(cli.port, "/")


# --------------------------------------------------------------------------- the server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """A preview started through the public API: the workspace and the port."""
    import shutil

    root = tmp_path_factory.mktemp("preview") / "ws"
    shutil.copytree(REPO / "templates", root / "templates")
    letter = write_letter(root, LETTER)
    (root / "templates" / "emmen" / "uit.png").symlink_to("/etc/passwd")
    with dtz_letters.preview(letter, workspace=root) as server:
        assert server.url == f"http://127.0.0.1:{server.port}/"
        yield root, server.port


OUTSIDE = [
    "/../../etc/passwd",
    "/etc/passwd",
    "//etc/passwd",
    "/templates/../../../../etc/passwd",
    "/templates/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/templates/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/templates/%2Fetc%2Fpasswd",
    "/templates//etc/passwd",
    "/templates/base/..%5c..%5c..%5cetc%5cpasswd",
    "/templates/emmen/uit.png",  # a symlink out of the house-style folder
    "/copy/..%2f..%2f..%2fetc%2fpasswd",
    "/copy/emmen/..%2f..%2fetc%2fpasswd.pdf",
    "/preview/..%2f..%2f__init__.py",
    "/templates/emmen/profile.yaml",  # in a house-style folder, but no asset of the page
    "/templates/base/letter.html.j2",
    "/templates/base/letter.docx",
    "/templates/fonts/LICENSE-OpenSans.txt",
    "/templates/%00",
    "/templates/%ff",
    "http://127.0.0.1/etc/passwd",
    "*",
]


@pytest.mark.parametrize("target", OUTSIDE)
def test_nothing_outside_the_house_style_and_its_output_is_served(
    served: tuple[Path, int], target: str
) -> None:
    _, port = served
    status, body = raw_get(port, target)
    assert status == 404
    assert b"root:" not in body and b"naam:" not in body


def test_absolute_paths_of_real_files_are_404(served: tuple[Path, int]) -> None:
    root, port = served
    for path in (root / "letters" / "brief.yaml", root / "templates" / "emmen" / "logo.png"):
        assert raw_get(port, str(path))[0] == 404
        assert raw_get(port, "/templates" + str(path))[0] == 404


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/preview/preview.js", "text/javascript; charset=utf-8"),
        ("/copy/emmen.html", "text/html; charset=utf-8"),
        ("/templates/base/letter.css", "text/css; charset=utf-8"),
        ("/templates/fonts/OpenSans-Regular.ttf", "font/ttf"),
        ("/templates/emmen/logo.png", "image/png"),
        ("/state", "application/json; charset=utf-8"),
    ],
)
def test_what_the_page_needs_is_served(served: tuple[Path, int], target: str, kind: str) -> None:
    _, port = served
    status, _, content_type = get(f"http://127.0.0.1:{port}{target}")
    assert (status, content_type) == (200, kind)


def test_a_copy_is_the_house_style_html_with_its_assets_as_local_urls(
    served: tuple[Path, int],
) -> None:
    root, port = served
    _, html, _ = get(f"http://127.0.0.1:{port}/copy/hoogeveen.html")
    text = html.decode()
    assert "Een alinea voor Hoogeveen." in text
    assert 'src="/templates/hoogeveen/logo.png"' in text
    assert '<link rel="stylesheet" href="/templates/base/letter.css">' in text
    assert "file:" not in text and str(root) not in text


def test_request_parts() -> None:
    assert request_parts("/") == []
    assert request_parts("/templates/base/letter.css?v=3") == ["templates", "base", "letter.css"]
    assert request_parts("/copy/a%20b.html") == ["copy", "a b.html"]
    for target in ("/a/../b", "/a/./b", "/a//b", "/a/", "/%2e%2e", "/a%2fb", "/a%5cb", "x", ""):
        assert request_parts(target) is None, target


def test_a_broken_profile_keeps_that_copy_and_locates_the_problem(workspace: Path) -> None:
    letter = write_letter(workspace, LETTER)
    profile = workspace / "templates" / "emmen" / "profile.yaml"
    text = profile.read_text(encoding="utf-8")
    with dtz_letters.preview(letter, workspace=workspace) as server:
        state = json.loads(get(server.url + "state")[1])
        versions = {c["slug"]: c["version"] for c in state["copies"]}
        write(profile, text.replace("postcode: 7800 RA", "postcode: 78OO RA"))
        state = wait_for_state(server.url, lambda s: bool(s["problems"]))
        (problem,) = state["problems"]
        line = text[: text.index("postcode: 7800 RA")].count("\n") + 1
        assert problem["text"] == (
            f"{profile}:{line}:13: postadres.postcode: must be a Dutch postcode: four digits, a "
            "space, two capitals (7740 AA)"
        )
        assert (problem["source"], problem["column"]) == ("  postcode: 78OO RA", 13)
        emmen = next(c for c in state["copies"] if c["slug"] == "emmen")
        assert emmen["version"] == versions["emmen"] and emmen["error"]  # the last good one
        # The other copies did not change, so the page need not load them again.
        assert {c["slug"]: c["version"] for c in state["copies"]} == versions
        write(profile, text)
        state = wait_for_state(server.url, lambda s: not s["problems"])
        assert all(c["error"] is None for c in state["copies"])


def test_a_new_letter_in_the_preview_lists_what_to_fill_in(workspace: Path) -> None:
    path = dtz_letters.new_letter("nieuw", gemeenten=["coevorden"], workspace=workspace)
    with dtz_letters.preview(path, workspace=workspace) as server:
        state = json.loads(get(server.url + "state")[1])
    assert [c["slug"] for c in state["copies"]] == ["coevorden"]
    assert state["problems"] == []
    fields = [re.search(r":\d+:\d+: ([^:]+):", m["text"]).group(1) for m in state["missing"]]  # type: ignore[union-attr]
    assert fields == [
        "datum",
        "secties[1].tekst",
        "secties[2].kop",
        "secties[2].tekst",
        "onderwerp",
    ]


def test_preview_of_a_letter_that_does_not_exist(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dtz_letters.cli import main

    assert main(["preview", str(workspace / "letters" / "geen.yaml")]) == 1
    assert "geen.yaml does not exist; start a letter with dtz-letters new NAME" in (
        capsys.readouterr().err
    )


def wait_for_state(url: str, condition: object, timeout: float = 10) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        state: dict[str, object] = json.loads(get(url + "state")[1])
        if callable(condition) and condition(state):
            return state
        assert time.monotonic() < deadline, state
        time.sleep(0.02)


def test_a_letter_that_starts_broken_shows_its_problems_then_its_copies(workspace: Path) -> None:
    letter = write_letter(workspace, LETTER.replace("status: definitief", "status: klaar"))
    with dtz_letters.preview(letter, workspace=workspace) as server:
        state = json.loads(get(server.url + "state")[1])
        assert state["copies"] == []
        (problem,) = state["problems"]
        assert problem["text"].endswith(":3:9: status: must be one of: concept, definitief")
        assert (problem["source"], problem["column"]) == ("status: klaar", 9)
        write(letter, LETTER)
        state = wait_for_state(server.url, lambda s: len(s["copies"]) == 5)
        assert state["problems"] == []
        assert all("/templates/" in m["text"] for m in state["missing"])  # profiles only
        assert {c["onderwerp"] for c in state["copies"]} == {"Eerste onderwerp"}


def test_a_stylesheet_edit_is_a_new_copy_and_a_new_pdf(workspace: Path) -> None:
    """Found in review: after an edit of letter.css the HTML of a copy is the same, so the
    page kept showing the old copy and the PDF link served the old PDF."""
    from dtz_letters import Workspace, render
    from dtz_letters._preview.state import LetterPreview

    letter = write_letter(workspace, LETTER)
    preview = LetterPreview(letter, Workspace(workspace))
    preview.refresh()
    before = {slug: view.version for slug, view in preview.copies.items()}
    served = preview.output("emmen", "pdf")
    assert served is not None
    preview.refresh(reload_workspace=True)  # nothing changed: the same copies
    assert {slug: view.version for slug, view in preview.copies.items()} == before
    css = workspace / "templates" / "base" / "letter.css"
    css.write_text(css.read_text(encoding="utf-8").replace("font-size: 13pt;", "font-size: 15pt;"))
    preview.refresh(reload_workspace=True)
    after = {slug: view.version for slug, view in preview.copies.items()}
    assert all(after[slug] > before[slug] for slug in before)
    again = preview.output("emmen", "pdf")
    assert again is not None and again[0] != served[0]
    assert again[0] == render(letter, "emmen", "pdf", workspace=workspace)
