"""Headless Chromium for the preview's tests and benchmark: Debian's ``chromium`` driven by
Debian's ``chromium-driver`` through Selenium, with no browser or driver download (both paths
are given, so Selenium Manager is never asked) and no network of its own."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

#: This machine has no network: Chromium is told not to try (no QUIC, no background
#: requests, no component updates, no sync), and starts from a profile of its own.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@contextmanager
def chromium(width: int = 1600, height: int = 1000) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile, closed (and its profile removed) after."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        raise RuntimeError(
            f"{' and '.join(missing)} missing: run scripts/system-packages.sh test "
            "(Debian packages chromium and chromium-driver)"
        )
    profile = tempfile.mkdtemp(prefix="dtz-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


#: The subject each copy of the preview shows, by municipality (None while it loads).
SUBJECTS_JS = """
return Object.fromEntries(Array.from(document.querySelectorAll('.copy')).map((copy) => {
  const frame = copy.querySelector('iframe.current');
  const subject = frame && frame.contentDocument &&
    frame.contentDocument.querySelector('h1');  // the subject alone
  return [copy.dataset.slug, subject ? subject.textContent : null];
}));
"""


def subjects(driver: webdriver.Chrome) -> dict[str, str | None]:
    result: dict[str, str | None] = driver.execute_script(SUBJECTS_JS)
    return result


def wait_until(
    driver: webdriver.Chrome, condition: Callable[[webdriver.Chrome], Any], timeout: float = 10
) -> Any:
    """Poll ``condition`` until it returns something true; its value."""
    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(condition)
