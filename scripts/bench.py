#!/usr/bin/env python3
"""Benchmark: dtz-letters against LibreOffice's DOCX-to-PDF conversion, in one run.

    python scripts/bench.py [-n 100] [-j JOBS] [--memory] [--skip-libreoffice]

It renders N letter copies (letters x municipalities, DOCX + PDF each) with ``dtz-letters render``
in a new process, then converts the same DOCX files to PDF with one headless LibreOffice call,
and prints letters per second for both, their ratio, our peak RSS and PDF bytes per letter.
It also compares a cold ``dtz-letters render`` of the five-municipality example with one cold
LibreOffice call converting those five DOCX files. ``--memory`` adds runs at N=50 and N=500
to show whether peak memory stays flat. Public tools only; nothing is written to the repo.
"""

from __future__ import annotations

import argparse
import os
import re
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


def run_measured(cmd: list[str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess[bytes]]:
    """Wall time and peak RSS (KiB, the largest process of the tree) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    # ru_maxrss of the waited-for tree: the child and the workers it waited for.
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode:
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss, result


def peak_rss_of(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Like run_measured, but in a fresh interpreter so the RSS is this command's alone."""
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "t = time.perf_counter() - t\n"
        "sys.stderr.buffer.write(r.stderr) if r.returncode else None\n"
        "print(json.dumps([r.returncode, t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n"
    )
    import json

    out = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, capture_output=True)
    code, elapsed, rss = json.loads(out.stdout)
    if code:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{out.stderr.decode(errors='replace')}")
    return elapsed, rss


def dtz_command(letters: list[Path], out: Path, jobs: int | None) -> list[str]:
    cmd = [str(Path(sys.executable).with_name("dtz-letters")), "render", *map(str, letters),
           "--out", str(out)]
    if jobs:
        cmd += ["-j", str(jobs)]
    return cmd


def soffice_command(files: list[Path], out: Path, profile: Path) -> list[str]:
    return ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--convert-to", "pdf", "--outdir", str(out), *map(str, files)]


def bench_ours(root: Path, n: int, jobs: int | None) -> dict[str, float]:
    letters = make_workspace(root, n)
    out = root / "out"
    elapsed, rss = peak_rss_of(dtz_command(letters, out, jobs), root)
    pdfs = sorted(out.glob("*/*.pdf"))
    docx = sorted(out.glob("*/*.docx"))
    assert len(pdfs) == n and len(docx) == n, (len(pdfs), len(docx), n)
    return {
        "seconds": elapsed,
        "per_second": n / elapsed,
        "rss_mib": rss / 1024,
        "pdf_bytes": sum(p.stat().st_size for p in pdfs) / n,
        "pages": _pages(pdfs[0]),
    }


def _pages(pdf: Path) -> int:
    data = pdf.read_bytes()
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def bench_libreoffice(docx: list[Path], root: Path) -> dict[str, float]:
    profile = root / "lo-profile"
    warm = root / "lo-warm"
    # First start of a new profile builds it (many seconds); that is not conversion work.
    subprocess.run(soffice_command(docx[:1], warm, profile), capture_output=True, check=True)
    out = root / "lo-out"
    start = time.perf_counter()
    subprocess.run(soffice_command(docx, out, profile), capture_output=True, check=True)
    elapsed = time.perf_counter() - start
    converted = list(out.glob("*.pdf"))
    assert len(converted) == len(docx), (len(converted), len(docx))
    return {"seconds": elapsed, "per_second": len(docx) / elapsed}


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
        print(f"\nN = {args.n} letter copies (DOCX + PDF each), {ours['pages']} pages per PDF")
        print(f"  dtz-letters : {ours['seconds']:7.2f} s  {ours['per_second']:7.1f} letters/s"
              f"  peak RSS {ours['rss_mib']:.0f} MiB  {ours['pdf_bytes'] / 1024:.1f} KB per PDF")
        if have_lo:
            docx = sorted((root / "ours" / "out").glob("*/*.docx"))
            # Same names in one outdir would collide: give each DOCX a unique name.
            flat = root / "docx"
            flat.mkdir()
            unique = []
            for f in docx:
                target = flat / f"{f.parent.name}-{f.name}"
                shutil.copyfile(f, target)
                unique.append(target)
            lo = bench_libreoffice(unique, root)
            print(f"  LibreOffice : {lo['seconds']:7.2f} s  {lo['per_second']:7.1f} letters/s"
                  "  (DOCX to PDF only, one call, warm profile)")
            print(f"  ratio       : {ours['per_second'] / lo['per_second']:.2f}x "
                  "(ours / LibreOffice, letters per second)")

        # Cold: a new process renders the five-municipality example (imports included).
        cold_root = root / "cold"
        cold_root.mkdir()
        shutil.copytree(REPO / "templates", cold_root / "templates")
        (cold_root / "letters").mkdir()
        shutil.copyfile(EXAMPLE, cold_root / "letters" / EXAMPLE.name)
        t_ours, _ = peak_rss_of(
            dtz_command([cold_root / "letters" / EXAMPLE.name], cold_root / "out", args.jobs),
            cold_root,
        )
        print(f"\ncold render of the example for {len(SLUGS)} municipalities (DOCX + PDF):")
        print(f"  dtz-letters : {t_ours:7.2f} s (new process, imports included)")
        if have_lo:
            five = sorted((cold_root / "out").glob("*/*.docx"))
            flat = cold_root / "docx"
            flat.mkdir()
            unique = []
            for f in five:
                target = flat / f"{f.parent.name}.docx"
                shutil.copyfile(f, target)
                unique.append(target)
            profile = root / "lo-profile"  # made and warmed above
            start = time.perf_counter()
            subprocess.run(soffice_command(unique, cold_root / "lo", profile),
                           capture_output=True, check=True)
            t_lo = time.perf_counter() - start
            print(f"  LibreOffice : {t_lo:7.2f} s (one new process, DOCX to PDF only)")
            print(f"  ratio       : {t_lo / t_ours:.2f}x faster")

        if args.memory:
            print("\nmemory (peak RSS of the largest process):")
            results = {}
            for n in (50, 500):
                r = bench_ours(root / f"mem-{n}", n, args.jobs)
                results[n] = r
                print(f"  N = {n:4d}: {r['rss_mib']:6.0f} MiB  {r['per_second']:6.1f} letters/s")
            print(f"  ratio N=500 / N=50: {results[500]['rss_mib'] / results[50]['rss_mib']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
