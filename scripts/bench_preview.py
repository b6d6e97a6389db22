#!/usr/bin/env python3
"""How long from saving a letter to the updated preview page, in a real browser.

Starts ``dtz-letters preview`` in its own process (as a user does) on a copy of the
workspace, opens it in headless Chromium (Debian's, through Selenium), then saves the letter
N times with a new subject and measures, per save:

  save -> detected   the watcher saw the file change (the server's clock)
  render             the server's validate + compose + html render of every copy
  save -> page       the new copy was loaded and swapped in, in the browser (the page's
                     clock: Date.now() when the frame was shown); for five copies, the last

once for a letter to one municipality and once for a letter to all five. The clocks are the
same machine's wall clock. Run: ``make bench-preview`` (``N=20`` by default).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser import chromium, subjects, wait_until  # noqa: E402

LETTER = """\
onderwerp: {subject}
datum: 2025-03-20
status: definitief
{gemeenten}secties:
  - kop: Inleiding
    tekst: |
      Een alinea voor {{{{ gemeente.naam }}}} met **vet** en een [link](https://example.nl).

      - een punt
      - nog een punt
  - kop: Tweede sectie
    tekst: Nog een alinea, voor iedereen.
bijlagen:
  - titel: Jaarverslag 2024
"""


def save(path: Path, text: str) -> float:
    """Save as an editor does (a new file renamed over the old one); the time of the rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return time.time()


def showing(driver: Any, subject: str) -> bool:
    """Every copy on the page shows ``subject``."""
    return all(s == subject for s in subjects(driver).values())


def measure(root: Path, name: str, gemeenten: list[str], runs: int) -> dict[str, list[float]]:
    line = f"gemeenten: [{', '.join(gemeenten)}]\n" if gemeenten else ""
    letter = root / "letters" / f"{name}.yaml"
    letter.write_text(LETTER.format(subject="Meting 0", gemeenten=line), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "dtz_letters", "preview", f"letters/{name}.yaml"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C must reach it, also where this script runs with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    url = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline())
    assert url, process.stderr.read() if process.stderr else "no URL"
    results: dict[str, list[float]] = {"detected": [], "render": [], "page": []}
    try:
        with chromium() as driver:
            driver.get(url.group())
            expected = len(gemeenten) or 5
            wait_until(driver, lambda d: len([s for s in subjects(d).values() if s]) == expected)
            time.sleep(1.0)  # the server warms its PDF renderer once: let it finish
            for run in range(1, runs + 1):
                subject = f"Meting {run}"
                saved = save(letter, LETTER.format(subject=subject, gemeenten=line))
                wait_until(driver, lambda d, want=subject: showing(d, want), timeout=30)
                shown = driver.execute_script("return window.dtzShownAt")
                page = max(entry["at"] for entry in shown.values()) / 1000
                with urllib.request.urlopen(url.group() + "state") as response:
                    timings = json.load(response)["timings"]
                results["detected"].append((timings["detected"] - saved) * 1000)
                results["render"].append(timings["render_ms"])
                results["page"].append((page - saved) * 1000)
                time.sleep(0.3)  # saves apart, as a person makes them
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
    return results


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered):6.0f} ms   p90 {p90:6.0f} ms   "
        f"max {ordered[-1]:6.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="saves per letter (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dtz-bench-preview-") as folder:
        root = Path(folder)
        shutil.copytree(REPO / "templates", root / "templates")
        (root / "letters").mkdir()
        for label, name, gemeenten in (
            ("one municipality", "een", ["coevorden"]),
            ("all five", "vijf", []),
        ):
            results = measure(root, name, gemeenten, args.n)
            print(f"{label} ({args.n} saves):")
            print(f"  save -> detected   {summary(results['detected'])}")
            print(f"  render (server)    {summary(results['render'])}")
            print(f"  save -> page       {summary(results['page'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
