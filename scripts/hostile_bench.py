#!/usr/bin/env python3
"""The worst letters we know of, timed: wall time and peak memory of ``check`` and ``render``.

    python scripts/hostile_bench.py [--timeout 60] [--memory-limit-mib 4096] [CASE...]

Each case is one letter under the 1 MiB file limit that once took minutes or gigabytes
(templating, pathological Markdown), plus the budgets' edge cases. Every command runs in a new
process with a wall-clock timeout and an address-space limit, so a case that still explodes
cannot take the machine down; its row then says "timeout" or "out of memory". Peak RSS is the
child's (``wait4``), which covers ``render -j 1`` whole, and so is its CPU time (user and
system), which other load on the machine disturbs less than the wall time. Prints one row per
case and command, and the first line of what the command printed on standard error (or how
long a traceback it printed). Nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HEAD = "onderwerp: Test\ndatum: 2025-03-20\nstatus: definitief\ngemeenten: [coevorden]\n"


def body(text: str) -> str:
    """A letter whose one section is ``text``, as a block scalar."""
    indented = "".join(f"      {line}\n" for line in text.split("\n"))
    return HEAD + "secties:\n  - tekst: |\n" + indented


def plain(text: str) -> str:
    """A letter whose one section is ``text`` in a single-quoted scalar."""
    return HEAD + "secties:\n  - tekst: '" + text.replace("'", "''") + "'\n"


def table(columns: int, rows: int = 2) -> str:
    head = "|" + "|".join("k" for _ in range(columns)) + "|"
    rule = "|" + "|".join("-" for _ in range(columns)) + "|"
    cells = ["|" + "|".join("c" for _ in range(columns)) + "|" for _ in range(rows)]
    return "\n".join([head, rule, *cells])


CASES: dict[str, str] = {
    "jinja: 'a' * 10**9": plain('{{ "a" * 10**9 }}'),
    "jinja: nested loops": plain(
        "{% for a in range(99999) %}{% for b in range(99999) %}x{% endfor %}{% endfor %}"
    ),
    "jinja: 7**(10**9)": plain("{{ 7**(10**9) }}"),
    "jinja: 10**100000": plain("{{ 10**100000 }}"),
    "jinja: 1/0": plain("{{ 1/0 }}"),
    "jinja: range(10**9)": plain("{{ range(10**9) | list }}"),
    "jinja: recursive macro": plain("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"),
    "jinja: control character": HEAD.replace("onderwerp: Test", 'onderwerp: "{{ \\"\\\\x01\\" }}"')
    + "secties:\n  - tekst: Een alinea.\n",
    "800 KB of unclosed {%": plain("{%" * 400_000),
    "600 KB of *a": body("*a" * 300_000),
    "400 KB of [": body("[" * 400_000),
    "400 KB of [a](": body("[a](" * 100_000),
    "300 KB of **_": body("**_" * 100_000),
    "table of 50,000 columns": body(table(50_000)),
    "table of 30,000 rows": body(table(3, 30_000)),
    "nested lists 100 deep": body("\n".join("  " * i + "- x" for i in range(100))),
    "nested quotes 10,000 deep": body(">" * 10_000 + " x"),
    "one 900 KB line": body("woord " * 150_000),
    "40,000 paragraphs": body("\n\n".join(["Een korte alinea."] * 40_000)),
    "20,000 reference links": body(
        "\n".join(f"[r{i}]: https://e.nl/{i}" for i in range(20_000))
        + "\n\n"
        + " ".join(f"[r{i}]" for i in range(20_000))
    ),
    # At the budgets (dtz_letters/_compose/budgets.py): accepted, and the slowest we allow.
    "at budget: 100,000 characters": body(
        "\n\n".join(["Deze zin vult de brief met woorden van een gewone lengte. " * 16] * 104)
    ),
    "at budget: words of 500": body("\n\n".join([("x" * 499 + " ") * 4] * 49)),
    "at budget: 500 paragraphs": body("\n\n".join(["Een korte alinea."] * 499)),
    "at budget: 500 table cells": body(table(10, 48)),
    "at budget: 1,500 runs": body("\n\n".join(["*schuin* recht " * 15] * 49)),
    "at budget: 20 runs a word": body("\n\n".join([" ".join(["*a*a" * 5] * 15)] * 4)),
    "at budget: lists 6 deep": body(
        "\n".join("  " * min(i % 12, 5) + "- punt" for i in range(200))
    ),
    "30,000 empty list items": body("-\n" * 30_000),
    "a 90,000-character word in code": body("```\n" + "x" * 90_000 + "\n```"),
    "words joined by no-break spaces": body("xxxx\u00a0" * 19_000),
    "2,000 signatories": body("x")
    + "ondertekenaars:\n"
    + "  - {functie: de wethouder, naam: A. Jansen}\n" * 2000,
    "500 sections with headings": HEAD + "secties:\n" + "  - {kop: Kop, tekst: Alinea.}\n" * 500,
    "at budget: blocks, runs, long words": body("\n\n".join(["*a* " + "x" * 190 + " **b**"] * 490)),
    "at budget: all of them": body(
        "\n".join(
            "  " * min(i % 12, 5) + "- *schuin* " + "woorden " * 57 + "x" * 8 + " **vet**"
            for i in range(200)
        )
    ),
}


def workspace(root: Path) -> Path:
    ws = root / "ws"
    shutil.copytree(REPO / "templates", ws / "templates")
    (ws / "letters").mkdir()
    return ws


def run(
    cmd: list[str], cwd: Path, timeout: float, limit_mib: int
) -> tuple[str, float, float, int, str]:
    """Outcome ("exit N", "timeout", "killed"), wall seconds, CPU seconds, peak RSS in MiB,
    first stderr line."""

    def limit() -> None:
        limit_bytes = limit_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
        os.setsid()

    with tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err_file, preexec_fn=limit
        )
        outcome = ""
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                outcome = "timeout"
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if not outcome:
            outcome = f"exit {proc.returncode}" if proc.returncode >= 0 else "killed"
        err_file.seek(0)
        lines = err_file.read().decode("utf-8", "replace").splitlines()
    first = next((line for line in lines if line.strip()), "")
    if any(line.startswith("Traceback") for line in lines):
        first = f"TRACEBACK ({len(lines)} lines): {lines[-1][:100]}"
    cpu = usage.ru_utime + usage.ru_stime
    return outcome, seconds, cpu, usage.ru_maxrss // 1024, first[:160]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--memory-limit-mib", type=int, default=4096)
    args = parser.parse_args()
    chosen = [c for c in CASES if not args.cases or c in args.cases]
    with tempfile.TemporaryDirectory() as tmp:
        ws = workspace(Path(tmp))
        print(
            f"{'case':30} {'command':7} {'KB':>5} {'outcome':8} {'wall s':>7} {'CPU s':>6} "
            f"{'MiB':>6}  message"
        )
        for n, name in enumerate(chosen):
            path = ws / "letters" / f"case{n}.yaml"
            path.write_text(CASES[name], encoding="utf-8")
            size = path.stat().st_size // 1000
            tool = [sys.executable, "-m", "dtz_letters"]
            for command in (
                [*tool, "check", str(path)],
                [*tool, "render", str(path), "-j", "1", "--out", str(ws / "out")],
            ):
                outcome, seconds, cpu, mib, first = run(
                    command, ws, args.timeout, args.memory_limit_mib
                )
                print(
                    f"{name:30} {command[3]:7} {size:5} {outcome:8} {seconds:7.2f} {cpu:6.2f} "
                    f"{mib:6}  "
                    f"{first.replace(str(ws) + '/', '')}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
