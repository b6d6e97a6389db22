"""The ``dtz-letters`` command line: parse options, make one library call, report.

Heavy libraries (WeasyPrint, docxtpl) are imported inside the commands, so ``--help`` and
``check`` stay instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import DtzLettersError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtz-letters",
        description="Raadsinformatiebrieven from YAML to DOCX and PDF in house style.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate letters and list every problem")
    check.add_argument("letters", nargs="+", type=Path, metavar="LETTER")

    render = sub.add_parser("render", help="render letters to DOCX and PDF")
    render.add_argument("letters", nargs="+", type=Path, metavar="LETTER")
    render.add_argument(
        "--gemeente", "-g", action="append", default=[], metavar="SLUG",
        help="render only for this municipality (repeatable; default: all the letter names)",
    )
    render.add_argument(
        "--format", "-f", action="append", choices=("docx", "pdf"), default=[],
        dest="formats", help="output format (repeatable; default: docx and pdf)",
    )
    render.add_argument("--out", "-o", type=Path, default=None, metavar="DIR",
                        help="output folder (default: output/ in the workspace)")
    render.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="worker processes (default: the number of CPUs)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args.letters)
        if args.command == "render":
            return _render(args)
    except DtzLettersError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 2  # pragma: no cover - argparse requires a command


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


def _check(paths: list[Path]) -> int:
    from ._check import check_letters

    report = check_letters(paths)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in report.errors:
        print(line, file=sys.stderr)
    for line in report.missing:
        print(f"{line} (letter will render as CONCEPT)", file=sys.stderr)
    for letter in report.valid:
        print(f"{letter}: ok")
    return 1 if report.errors else 0


def _render(args: argparse.Namespace) -> int:
    from ._render import render_batch
    from ._workspace import Workspace

    ws = Workspace.find(args.letters[0].parent)
    formats = tuple(dict.fromkeys(args.formats)) or ("docx", "pdf")
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        report = render_batch(
            args.letters,
            workspace=ws,
            gemeenten=args.gemeente,
            formats=formats,
            out=args.out,
            jobs=args.jobs,
            on_progress=progress.advance if progress else None,
        )
    finally:
        if progress:
            progress.stop()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    _summary(report)
    for outcome in report.failures:
        print(outcome.error, file=sys.stderr)
    return 1 if report.failures else 0


class _Progress:
    """A progress bar on a terminal; created only when stderr is one."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("rendering"), BarColumn(), MofNCompleteColumn(),
            console=Console(stderr=True), transient=True,
        )
        self.task = self.progress.add_task("render", total=None)
        self.progress.start()

    def advance(self, _outcome: object, done: int, total: int) -> None:
        self.progress.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        self.progress.stop()


def _summary(report: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from ._render import BatchReport

    assert isinstance(report, BatchReport)
    if not report.rendered:
        return
    table = Table(title="dtz-letters render", show_lines=False)
    for column in ("letter", "gemeente", "status", "files"):
        table.add_column(column)
    for o in report.rendered:
        table.add_row(o.letter, o.slug or "", o.status or "", ", ".join(str(f) for f in o.files))
    Console(soft_wrap=True).print(table)
