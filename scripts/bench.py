#!/usr/bin/env python3
"""Benchmark: dtz-letters against LibreOffice's DOCX-to-PDF conversion, and against itself.

    python scripts/bench.py [--reps 3] [--sizes 40,200] [-j JOBS]
                            [--baseline NAME=CHECKOUT]... [--skip-libreoffice]

One run, paired repetitions: every figure that compares two programs comes from runs made
one after the other, alternating, so that a change in the machine's load hits both. For
each it prints the median and the best (min) of each side and the ratio of every pair.

* **Throughput at N=40 and N=200**: a new workspace with letters adding up to N copies
  (letters x municipalities), rendered by ``dtz-letters render`` in a new process with an
  empty output cache (DOCX + PDF + overview thumbnail each), then the same DOCX files
  converted to PDF by one headless LibreOffice process (a profile made beforehand).
* **A re-run of the unchanged set** (N=200, 40 letters): the same command again; nothing
  needs rendering. And **a re-run after editing one letter**: only its five copies render.
* **Cold latency**: one letter for one municipality in a new process and a new workspace
  (empty cache), ours and every baseline, alternating; ours also from the cache, and after
  editing the letter with the cache folder kept (a griffie's next render).
* **CPU ms per letter** (user + system of all processes), **peak RSS** (all processes of a
  run summed, and the largest one), **bytes per letter** (PDF, DOCX, thumbnail).

A baseline is another checkout of dtz-letters with its own virtual environment
(``CHECKOUT/.venv/bin/dtz-letters``): ``--baseline old=/path/to/checkout``, or the
environment variable ``DTZ_BENCH_BASELINES="old=/path/a before=/path/b"`` (what ``make
bench`` passes on). Its workspace is made from its own templates and example letter. A
fresh clone has none: the comparisons with earlier versions are then left out. Public tools
only; nothing is written to the repository.

Wall-clock figures need an otherwise idle machine; the CPU time per letter is less
disturbed by other load. The figures of several minutes' work: ``--quick`` makes fewer.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = Path("letters") / "dtz-samenwerkingsverband.yaml"
SUBJECT = "onderwerp: Samenwerkingsverband Dutch Techzone"


@dataclass(frozen=True)
class Tool:
    """A dtz-letters to measure: this checkout, or a baseline checkout."""

    name: str
    exe: Path  # its dtz-letters console script
    checkout: Path  # its templates/ and example letter

    def slugs(self) -> list[str]:
        return sorted(
            p.parent.name
            for p in (self.checkout / "templates").glob("*/profile.yaml")
            if p.parent.name not in ("base", "fonts")
        )


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float  # user + system, all processes
    rss_sum: int  # KiB, peak of all processes summed
    rss_one: int  # KiB, peak of the largest single process
    stdout: str = ""


# --------------------------------------------------------------------------- running


def _rss_kib(pid: int) -> int:
    """Resident set size of one process in KiB (0 when it has gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """The process and all its descendants (Linux /proc)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return pids


def _children_cpu() -> float:
    """CPU seconds (user + system) of all finished child processes so far, their own
    waited-for children (our workers, LibreOffice's soffice.bin) included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: Sequence[str], cwd: Path, sample: bool = True) -> Run:
    """Run ``cmd``; its wall time, CPU time and (sampled every 10 ms) peak memory."""
    env = {k: v for k, v in os.environ.items() if k != "DTZ_LETTERS_CACHE"}
    # Output to files, not pipes: a pipe nobody reads while the command runs fills up and
    # stops it (the summary of 200 copies is larger than a pipe holds).
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        cpu = _children_cpu()
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=err, env=env)
        peak_sum = peak_one = 0
        if sample and sys.platform.startswith("linux"):
            while proc.poll() is None:
                sizes = [_rss_kib(p) for p in _tree(proc.pid)]
                peak_sum = max(peak_sum, sum(sizes))
                peak_one = max(peak_one, *sizes)
                time.sleep(0.01)
        proc.wait()
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        sys.stderr.write(stderr.decode(errors="replace"))
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return Run(elapsed, _children_cpu() - cpu, peak_sum, peak_one, stdout.decode(errors="replace"))


def make_workspace(root: Path, tool: Tool, n: int) -> list[Path]:
    """A workspace with letters adding up to exactly ``n`` (letter, municipality) copies,
    made from ``tool``'s own templates and example letter."""
    shutil.copytree(tool.checkout / "templates", root / "templates")
    (root / "letters").mkdir()
    source = (tool.checkout / EXAMPLE).read_text(encoding="utf-8")
    slugs = tool.slugs()
    letters = []
    remaining, i = n, 0
    while remaining > 0:
        i += 1
        take = slugs[: min(len(slugs), remaining)]
        text = source.replace(SUBJECT, f"{SUBJECT} (kopie {i})")
        text += f"gemeenten: [{', '.join(take)}]\n"
        path = root / "letters" / f"brief-{i:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        letters.append(path)
        remaining -= len(take)
    return letters


def render_command(tool: Tool, letters: Sequence[Path], out: Path, jobs: int | None) -> list[str]:
    cmd = [str(tool.exe), "render", *map(str, letters), "--out", str(out)]
    return cmd + (["-j", str(jobs)] if jobs else [])


def soffice_command(files: Sequence[Path], out: Path, profile: Path) -> list[str]:
    return [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, files),
    ]


def flat_copies(files: Sequence[Path], folder: Path) -> list[Path]:
    """The same DOCX files under unique names in one folder (LibreOffice's --outdir is flat)."""
    folder.mkdir()
    unique = []
    for f in files:
        target = folder / f"{f.parent.name}-{f.name}"
        shutil.copyfile(f, target)
        unique.append(target)
    return unique


def _counts(stdout: str) -> str:
    """The summary line of a render: "5 rendered, 195 unchanged" (older versions: none)."""
    found = re.search(r"^(\d+ (?:rendered|unchanged|from the cache).*?)(?:;|$)", stdout, re.M)
    return found.group(1) if found else "(no summary line)"


# --------------------------------------------------------------------------- printing


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms" if seconds < 10 else f"{seconds:7.2f} s "


def stats(values: Sequence[float]) -> tuple[float, float]:
    return statistics.median(values), min(values)


def line(label: str, values: Sequence[float], unit: Callable[[float], str] = ms) -> str:
    med, best = stats(values)
    return f"  {label:<22} median {unit(med)}  min {unit(best)}"


def ratios(label: str, pairs: Sequence[float]) -> str:
    shown = ", ".join(f"{r:.2f}" for r in pairs)
    return f"  {label:<22} median {statistics.median(pairs):.2f}x  (per pair: {shown})"


# --------------------------------------------------------------------------- sections


@dataclass
class Bench:
    root: Path
    ours: Tool
    baselines: list[Tool]
    jobs: int | None
    reps: int
    libreoffice: bool
    profile: Path

    def fresh(self, name: str) -> Path:
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))
        return folder

    def throughput(self, n: int) -> dict[str, list[Run]]:
        """Paired first runs at ``n`` copies: ours, LibreOffice, each baseline, in turn."""
        runs: dict[str, list[Run]] = {}
        sizes: list[tuple[float, float, float]] = []
        for _rep in range(self.reps):
            for tool in [self.ours, *self.baselines]:
                ws = self.fresh(f"{tool.name}-{n}")
                letters = make_workspace(ws, tool, n)
                result = run(render_command(tool, letters, ws / "out", self.jobs), ws)
                runs.setdefault(tool.name, []).append(result)
                pdfs = sorted((ws / "out").glob("*/*.pdf"))
                docxs = sorted((ws / "out").glob("*/*.docx"))
                assert len(pdfs) == n and len(docxs) == n, (tool.name, len(pdfs), n)
                if tool is self.ours:
                    thumbs = sorted((ws / "out" / "thumbs").glob("*/*.png"))
                    sizes.append(
                        (
                            sum(p.stat().st_size for p in pdfs) / n,
                            sum(p.stat().st_size for p in docxs) / n,
                            sum(p.stat().st_size for p in thumbs) / max(1, len(thumbs)),
                        )
                    )
                    if self.libreoffice:
                        docx = flat_copies(docxs, ws / "flat")
                        lo = run(soffice_command(docx, ws / "lo", self.profile), ws)
                        converted = list((ws / "lo").glob("*.pdf"))
                        assert len(converted) == n, (len(converted), n)
                        runs.setdefault("LibreOffice", []).append(lo)
                shutil.rmtree(ws)
        print(f"\nthroughput, N = {n} letter copies (first run: empty output cache)")
        for name, results in runs.items():
            what = "DOCX to PDF, one process" if name == "LibreOffice" else "DOCX, PDF, thumbnail"
            print(line(f"{name}", [r.seconds for r in results]) + f"  ({what})")
            rate = statistics.median([n / r.seconds for r in results])
            cpu = statistics.median([r.cpu for r in results]) / n
            print(f"  {'':<22} {rate:6.1f} letters/s, CPU {cpu * 1000:.0f} ms per letter (medians)")
        if "LibreOffice" in runs:
            pairs = [
                lo.seconds / ours.seconds
                for ours, lo in zip(runs[self.ours.name], runs["LibreOffice"], strict=True)
            ]
            print(ratios("throughput ours/LO", pairs))
        for base in self.baselines:
            pairs = [
                b.seconds / o.seconds
                for o, b in zip(runs[self.ours.name], runs[base.name], strict=True)
            ]
            print(ratios(f"throughput ours/{base.name}", pairs))
            cpu = [
                o.cpu / b.cpu for o, b in zip(runs[self.ours.name], runs[base.name], strict=True)
            ]
            print(ratios(f"CPU ours/{base.name}", cpu))
        ours = runs[self.ours.name]
        rss_sum = statistics.median([r.rss_sum for r in ours]) / 1024
        rss_one = statistics.median([r.rss_one for r in ours]) / 1024
        print(
            f"  {'peak RSS (ours)':<22} {rss_sum:.0f} MiB all processes, {rss_one:.0f} MiB the "
            "largest one"
        )
        pdf, docx, thumb = (statistics.median(s[i] for s in sizes) for i in range(3))
        print(
            f"  bytes per letter       PDF {pdf / 1024:.1f} KB, DOCX {docx / 1024:.1f} KB, "
            f"thumbnail {thumb / 1024:.1f} KB"
        )
        return runs

    def reruns(self, n: int) -> None:
        """The same set again (nothing changed), and again after editing one letter."""
        first: list[Run] = []
        again: list[Run] = []
        edited: list[Run] = []
        counts: list[str] = []

        def speedup(slow: list[Run], fast: list[Run]) -> list[float]:
            return [s.seconds / f.seconds for s, f in zip(slow, fast, strict=True)]

        for _rep in range(self.reps):
            ws = self.fresh(f"rerun-{n}")
            letters = make_workspace(ws, self.ours, n)
            cmd = render_command(self.ours, letters, ws / "out", self.jobs)
            first.append(run(cmd, ws))
            again.append(run(cmd, ws))
            text = letters[0].read_text(encoding="utf-8")
            letters[0].write_text(text.replace("(kopie 1)", "(kopie 1, herzien)"), "utf-8")
            edited.append(run(cmd, ws))
            counts.append(_counts(edited[-1].stdout))
            shutil.rmtree(ws)
        print(f"\nre-runs, N = {n} letter copies ({-(-n // len(self.ours.slugs()))} letters)")
        print(line("first run", [r.seconds for r in first]))
        print(line("unchanged set again", [r.seconds for r in again]))
        print(ratios("first / unchanged", speedup(first, again)))
        print(line("one letter edited", [r.seconds for r in edited]) + f"  ({counts[0]})")
        print(ratios("first / one edited", speedup(first, edited)))
        cpu = statistics.median([r.cpu for r in again])
        print(f"  {'CPU, unchanged set':<22} {cpu * 1000:.0f} ms")

    def cold(self, reps: int) -> None:
        """One letter for one municipality, new process, new workspace: alternating."""
        results: dict[str, list[Run]] = {}
        for _rep in range(reps):
            for tool in [self.ours, *self.baselines]:
                ws = self.fresh(f"cold-{tool.name}")
                shutil.copytree(tool.checkout / "templates", ws / "templates")
                (ws / "letters").mkdir()
                letter = ws / "letters" / EXAMPLE.name
                shutil.copyfile(tool.checkout / EXAMPLE, letter)
                cmd = [str(tool.exe), "render", str(letter), "-g", tool.slugs()[1]]
                results.setdefault(tool.name, []).append(
                    run([*cmd, "--out", str(ws / "out")], ws, sample=False)
                )
                if tool is self.ours:  # the same again: from the cache
                    again = run([*cmd, "--out", str(ws / "out")], ws, sample=False)
                    results.setdefault(f"{tool.name}, cached", []).append(again)
                    # A griffie's next render: the letter edited, the cache folder kept (its
                    # compiled templates and font records), the output rendered anew.
                    text = letter.read_text(encoding="utf-8")
                    letter.write_text(text.replace(SUBJECT, f"{SUBJECT} (herzien)"), "utf-8")
                    edited = run([*cmd, "--out", str(ws / "out")], ws, sample=False)
                    results.setdefault(f"{tool.name}, edited", []).append(edited)
                shutil.rmtree(ws)
        print(
            "\ncold: one letter for one municipality (DOCX + PDF), new process, empty cache "
            "(cached: the same again; edited: the letter edited, its cache folder kept)"
        )
        for name, runs in results.items():
            print(line(name, [r.seconds for r in runs]))
        for base in self.baselines:
            pairs = [
                b.seconds / o.seconds
                for o, b in zip(results[self.ours.name], results[base.name], strict=True)
            ]
            faster = [1 - 1 / p for p in pairs]
            print(
                ratios(f"{base.name}/ours", pairs)
                + f"; ours faster by {statistics.median(faster):.0%} (median)"
            )


def _baselines(given: Sequence[str]) -> list[Tool]:
    named = list(given) or os.environ.get("DTZ_BENCH_BASELINES", "").split()
    tools = []
    for item in named:
        name, _, path = item.partition("=")
        checkout = Path(path).expanduser().resolve()
        exe = checkout / ".venv" / "bin" / "dtz-letters"
        if not exe.is_file():
            raise SystemExit(f"baseline {name}: {exe} does not exist (make a .venv there)")
        tools.append(Tool(name, exe, checkout))
    return tools


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # seen as it goes
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="paired repetitions (default 3)")
    parser.add_argument("--sizes", default="40,200", help="letter copies (default 40,200)")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="our worker processes")
    parser.add_argument(
        "--baseline", action="append", default=[], metavar="NAME=CHECKOUT",
        help="another checkout to compare with (its .venv/bin/dtz-letters)",
    )  # fmt: skip
    parser.add_argument("--skip-libreoffice", action="store_true")
    parser.add_argument("--quick", action="store_true", help="two repetitions, N=40 only")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    reps = args.reps
    if args.quick:
        sizes, reps = [40], 2
    libreoffice = shutil.which("soffice") is not None and not args.skip_libreoffice
    ours = Tool("dtz-letters", Path(sys.executable).with_name("dtz-letters"), REPO)
    baselines = _baselines(args.baseline)
    print(
        f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; python "
        f"{sys.version.split()[0]}; {reps} paired repetitions; baselines: "
        + (", ".join(f"{b.name} ({b.checkout})" for b in baselines) or "none")
    )
    with tempfile.TemporaryDirectory(prefix="dtz-bench-") as tmp:
        root = Path(tmp)
        profile = root / "lo-profile"
        bench = Bench(root, ours, baselines, args.jobs, reps, libreoffice, profile)
        if libreoffice:
            # The first start of a new profile builds it (many seconds): not conversion work.
            warm = bench.fresh("lo-warm")
            letters = make_workspace(warm, ours, 1)
            run(render_command(ours, letters, warm / "out", 1), warm)
            docx = sorted((warm / "out").glob("*/*.docx"))
            run(soffice_command(docx, warm / "lo", profile), warm, sample=False)
        for n in sizes:
            bench.throughput(n)
        bench.reruns(max(sizes))
        bench.cold(max(5, 2 * reps + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
