#!/usr/bin/env python3
"""Benchmark: dtz-letters against LibreOffice's DOCX-to-PDF conversion, in one run.

    python scripts/bench.py [-n 100] [-j JOBS] [--memory] [--skip-libreoffice]

It renders N letter copies (letters x municipalities, DOCX + PDF each) with ``dtz-letters render``
in a new process, then converts the same DOCX files to PDF with one headless LibreOffice call,
and prints letters per second for both, their ratio, our peak RSS and PDF bytes per letter.
It also compares a cold ``dtz-letters render`` of the five-municipality example with one cold
LibreOffice call converting those five DOCX files. ``--memory`` adds runs at N=50 and N=500
to show whether peak memory stays flat. Public tools only; nothing is written to the repo.

Wall-clock figures need an otherwise idle machine: anything else running takes a core from
our two worker processes and less from LibreOffice, which converts on one. The CPU time per
letter (user + system, all processes) is printed too, as it is less disturbed by other load.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "letters" / "dtz-samenwerkingsverband.yaml"
SLUGS = sorted(p.parent.name for p in (REPO / "templates").glob("*/profile.yaml"))


def make_workspace(root: Path, n: int) -> list[Path]:
    """A workspace with letters adding up to exactly ``n`` (letter, municipality) copies."""
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "letters").mkdir()
    source = EXAMPLE.read_text(encoding="utf-8")
    letters = []
    remaining, i = n, 0
    while remaining > 0:
        i += 1
        take = SLUGS[: min(len(SLUGS), remaining)]
        text = source.replace(
            "onderwerp: Samenwerkingsverband Dutch Techzone",
            f"onderwerp: Samenwerkingsverband Dutch Techzone (kopie {i})",
        )
        text += f"gemeenten: [{', '.join(take)}]\n"
        path = root / "letters" / f"brief-{i:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        letters.append(path)
        remaining -= len(take)
    return letters


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


def run_sampled(cmd: list[str], cwd: Path) -> tuple[float, float, int, int]:
    """Wall time, CPU seconds, peak RSS of the whole process tree (main process plus workers,
    summed) and peak RSS of its largest single process, both in KiB, sampled every 10 ms."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_sum = peak_one = 0
    while proc.poll() is None:
        sizes = [_rss_kib(p) for p in _tree(proc.pid)]
        peak_sum = max(peak_sum, sum(sizes))
        peak_one = max(peak_one, *sizes)
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode:
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return elapsed, _children_cpu() - cpu, peak_sum, peak_one


def run_timed(cmd: list[str], cwd: Path) -> float:
    """Wall time of one command, output discarded (no sampling to disturb it)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return elapsed


def dtz_command(letters: list[Path], out: Path, jobs: int | None) -> list[str]:
    cmd = [
        str(Path(sys.executable).with_name("dtz-letters")),
        "render",
        *map(str, letters),
        "--out",
        str(out),
    ]
    if jobs:
        cmd += ["-j", str(jobs)]
    return cmd


def soffice_command(files: list[Path], out: Path, profile: Path) -> list[str]:
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


def bench_ours(root: Path, n: int, jobs: int | None) -> dict[str, float]:
    letters = make_workspace(root, n)
    out = root / "out"
    elapsed, cpu, rss_tree, rss_one = run_sampled(dtz_command(letters, out, jobs), root)
    pdfs = sorted(out.glob("*/*.pdf"))
    docx = sorted(out.glob("*/*.docx"))
    assert len(pdfs) == n and len(docx) == n, (len(pdfs), len(docx), n)
    pages = [_pages(p) for p in pdfs]
    return {
        "seconds": elapsed,
        "per_second": n / elapsed,
        "cpu_ms": 1000 * cpu / n,
        "rss_mib": rss_tree / 1024,
        "rss_one_mib": rss_one / 1024,
        "pdf_bytes": sum(p.stat().st_size for p in pdfs) / n,
        "pages": sum(pages) / n,
    }


def _pages(pdf: Path) -> int:
    """Pages of a PDF, read with pikepdf (page objects may sit in compressed object streams,
    where a byte search cannot see them)."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def bench_libreoffice(docx: list[Path], root: Path) -> dict[str, float]:
    profile = root / "lo-profile"
    warm = root / "lo-warm"
    # First start of a new profile builds it (many seconds); that is not conversion work.
    subprocess.run(soffice_command(docx[:1], warm, profile), capture_output=True, check=True)
    out = root / "lo-out"
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(soffice_command(docx, out, profile), capture_output=True, check=True)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    converted = list(out.glob("*.pdf"))
    assert len(converted) == len(docx), (len(converted), len(docx))
    return {
        "seconds": elapsed,
        "per_second": len(docx) / elapsed,
        "cpu_ms": 1000 * cpu / len(docx),
    }


def _flat_copies(files: list[Path], folder: Path) -> list[Path]:
    """The same DOCX files under unique names in one folder (LibreOffice's --outdir is flat)."""
    folder.mkdir()
    unique = []
    for f in files:
        target = folder / f"{f.parent.name}-{f.name}"
        shutil.copyfile(f, target)
        unique.append(target)
    return unique


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="letter copies (default 100)")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes")
    parser.add_argument("--memory", action="store_true", help="also N=50 and N=500 (memory)")
    parser.add_argument("--skip-libreoffice", action="store_true")
    args = parser.parse_args()
    have_lo = shutil.which("soffice") is not None and not args.skip_libreoffice
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}")

    with tempfile.TemporaryDirectory(prefix="dtz-bench-") as tmp:
        root = Path(tmp)
        ours = bench_ours(root / "ours", args.n, args.jobs)
        print(f"\nN = {args.n} letter copies (DOCX + PDF each), {ours['pages']:.1f} pages per PDF")
        print(
            f"  dtz-letters : {ours['seconds']:7.2f} s  {ours['per_second']:7.1f} letters/s"
            f"  (DOCX + PDF, overview included; {ours['cpu_ms']:.0f} ms CPU per letter)"
        )
        print(
            f"                peak RSS {ours['rss_mib']:.0f} MiB (all processes), "
            f"{ours['rss_one_mib']:.0f} MiB (largest one); "
            f"{ours['pdf_bytes'] / 1024:.1f} KB per PDF"
        )
        if have_lo:
            docx = sorted((root / "ours" / "out").glob("*/*.docx"))
            lo = bench_libreoffice(_flat_copies(docx, root / "docx"), root)
            print(
                f"  LibreOffice : {lo['seconds']:7.2f} s  {lo['per_second']:7.1f} letters/s"
                "  (DOCX to PDF only, one call, warm profile; "
                f"{lo['cpu_ms']:.0f} ms CPU per letter)"
            )
            print(
                f"  ratio       : {ours['per_second'] / lo['per_second']:.2f}x "
                "(ours / LibreOffice, letters per second; target >= 3)"
            )

        # Cold: a new process renders the five-municipality example (imports included).
        cold_root = root / "cold"
        cold_root.mkdir()
        shutil.copytree(REPO / "templates", cold_root / "templates")
        (cold_root / "letters").mkdir()
        shutil.copyfile(EXAMPLE, cold_root / "letters" / EXAMPLE.name)
        example = cold_root / "letters" / EXAMPLE.name
        # Best of three: one cold start is at the mercy of the page cache and the scheduler.
        t_ours = min(
            run_timed(dtz_command([example], cold_root / f"out{i}", args.jobs), cold_root)
            for i in range(3)
        )
        print(f"\ncold render of the example for {len(SLUGS)} municipalities (DOCX + PDF):")
        print(f"  dtz-letters : {t_ours:7.2f} s (new process, imports included; best of 3)")
        if have_lo:
            five = _flat_copies(sorted((cold_root / "out0").glob("*/*.docx")), cold_root / "docx")
            profile = root / "lo-profile"  # made and warmed above
            t_lo = min(
                run_timed(soffice_command(five, cold_root / f"lo{i}", profile), cold_root)
                for i in range(3)
            )
            print(f"  LibreOffice : {t_lo:7.2f} s (one new process, DOCX to PDF only; best of 3)")
            print(f"  ratio       : {t_lo / t_ours:.2f}x (LibreOffice time / ours; target > 1)")

        if args.memory:
            print("\nmemory (peak RSS, all processes of the run summed / the largest one):")
            results = {}
            for n in (50, 500):
                r = bench_ours(root / f"mem-{n}", n, args.jobs)
                results[n] = r
                print(
                    f"  N = {n:4d}: {r['rss_mib']:6.0f} MiB / {r['rss_one_mib']:4.0f} MiB"
                    f"  {r['per_second']:6.1f} letters/s  {r['pdf_bytes'] / 1024:.1f} KB per PDF"
                )
            ratio = results[500]["rss_mib"] / results[50]["rss_mib"]
            ratio_one = results[500]["rss_one_mib"] / results[50]["rss_one_mib"]
            print(
                f"  ratio N=500 / N=50: {ratio:.2f} (summed), {ratio_one:.2f} (largest); "
                "target <= 1.2"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
