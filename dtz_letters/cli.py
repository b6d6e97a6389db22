"""The ``dtz-letters`` command line: parse options, make one call of the public API, report.

Heavy libraries (WeasyPrint, docxtpl) are imported only by the renderers that need them, so
``--help`` and ``check`` stay quick.

Exit codes: 0 success; 1 a problem with the input, the archive or the file system (one line
each on standard error); 2 wrong usage (an unknown option, format or ``--gemeente``); 3 an
internal error, a bug in dtz-letters: one line says so and where its traceback was written
(``--debug`` prints it instead). No traceback reaches the user otherwise.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import (
    ArchiveOutcome,
    BatchReport,
    Outcome,
    PublishOutcome,
    __version__,
    archive,
    check,
    list_archive,
    new_letter,
    preview,
    publish,
    render_batch,
    renderers,
    verify,
)
from .errors import DtzLettersError, UnknownGemeenteError, display_path

EXIT_USAGE = 2
EXIT_BUG = 3


def _jobs(text: str) -> int:
    """``--jobs``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtz-letters",
        description="Raadsinformatiebrieven from YAML to DOCX and PDF in house style.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # --debug goes before or after the command; after it, it must not reset the one before.
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print the traceback of an internal error instead of writing it to a log file",
    )
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate letters and list every problem", parents=[debug])
    check.add_argument("letters", nargs="+", type=Path, metavar="LETTER")

    render = sub.add_parser("render", help="render letters to DOCX and PDF", parents=[debug])
    render.add_argument("letters", nargs="+", type=Path, metavar="LETTER")
    _gemeenten_option(
        render, "render only for this municipality (repeatable; default: all the letter names)"
    )
    render.add_argument(
        "--format",
        "-f",
        action="append",
        choices=[r.name for r in renderers()],
        default=[],
        dest="formats",
        help="output format (repeatable; default: "
        + " and ".join(r.name for r in renderers() if r.default)
        + ")",
    )
    _out_option(render, "output folder (default: output/ in the workspace)")
    render.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="worker processes (default: the number of CPUs)",
    )
    render.add_argument(
        "--force",
        action="store_true",
        help="render every output, also those the output cache holds unchanged",
    )

    # "archive list" and "archive LETTER..." share a name: main() turns a first argument
    # "list" into the hidden command "archive-list" (a letter called list: write ./list).
    archive = sub.add_parser(
        "archive",
        parents=[debug],
        help="archive final letters as PDF/A-2a with MDTO metadata (archive list: list them)",
        description="Archive final letters as PDF/A-2a with MDTO sidecars, their source and "
        "profile, and a register row per file. 'dtz-letters archive list' lists the archive.",
    )
    archive.add_argument("letters", nargs="+", type=Path, metavar="LETTER")
    _gemeenten_option(
        archive, "archive only for this municipality (repeatable; default: all the letter names)"
    )
    archive.add_argument(
        "--new-version",
        action="store_true",
        help="store changed content as a new version beside the archived one",
    )
    archive.add_argument(
        "--final-only",
        action="store_true",
        help="skip concept letters instead of refusing them (for batches)",
    )
    _archive_option(archive)

    woo = sub.add_parser(
        "publish",
        parents=[debug],
        help="publish final letters under the Woo: PDF, DiWoo metadata, Woo-index sitemap",
        description="For each final letter and municipality, write a publication folder "
        "DIR/<gemeente>/<identificatie>/ with the PDF (PDF/UA), the attachments that name a "
        "file and <identificatie>.diwoo.xml (DiWoo 0.9.8 metadata), and bring "
        "DIR/<gemeente>/sitemap.xml (the Woo-index sitemap) up to date. Concepts are never "
        "published; a letter whose municipality's publication facts are not known yet is "
        "skipped with a warning ('dtz-letters check' lists them).",
    )
    woo.add_argument("letters", nargs="+", type=Path, metavar="LETTER")
    _gemeenten_option(
        woo, "publish only for this municipality (repeatable; default: all the letter names)"
    )
    _out_option(woo, "publication folder (default: output/woo/ in the workspace)")

    # Without help= the hidden command stays out of the command list.
    listing = sub.add_parser(
        "archive-list",
        parents=[debug],
        prog="dtz-letters archive list",
        description="List the archived letter versions.",
    )
    listing.add_argument("--gemeente", "-g", default=None, metavar="SLUG")
    listing.add_argument("--year", type=int, default=None, metavar="YYYY")
    listing.add_argument(
        "--search",
        default=None,
        metavar="TEXT",
        help="text in the subject, kenmerk or identificatie",
    )
    _archive_option(listing)

    new = sub.add_parser(
        "new",
        parents=[debug],
        help="start a letter: letters/NAME.yaml with every field, to fill in",
        description="Write letters/NAME.yaml in the workspace from a skeleton that names every "
        "field (commented where optional), with the subject, text and date still to fill in: "
        "'dtz-letters check' lists them. Never overwrites a letter.",
    )
    new.add_argument("name", metavar="NAME", help="the letter's name: letters, digits, - and _")
    _gemeenten_option(
        new, "a municipality the letter goes to (repeatable; default: all with a profile)"
    )

    show = sub.add_parser(
        "preview",
        parents=[debug],
        help="show a letter for every municipality in the browser, live after every save",
        description="Serve a live preview of LETTER on http://127.0.0.1:PORT/: every "
        "municipality's copy side by side (or one per tab), rendered again within a fraction "
        "of a second after each save of the letter or the house styles, with any problems "
        "located in the page. Ctrl-C stops it.",
    )
    show.add_argument("letter", type=Path, metavar="LETTER")
    show.add_argument(
        "--port",
        "-p",
        type=int,
        default=0,
        metavar="PORT",
        help="the port on 127.0.0.1 (default: a free one)",
    )
    show.add_argument(
        "--open", action="store_true", help="open the page in the default web browser"
    )

    verify = sub.add_parser(
        "verify", help="check an archive's files, sidecars and register", parents=[debug]
    )
    verify.add_argument(
        "archive",
        nargs="?",
        type=Path,
        default=None,
        metavar="ARCHIVE",
        help="archive folder (default: output/archief/ in the workspace)",
    )
    verify.add_argument(
        "--expect",
        default=None,
        metavar="DIGEST",
        help="fail unless the archive digest is this one (printed by an earlier verify and "
        "kept outside the archive)",
    )
    return parser


def _gemeenten_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--gemeente", "-g", action="append", default=[], metavar="SLUG", help=help)


def _out_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--out", "-o", type=Path, default=None, metavar="DIR", help=help)


def _archive_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--archive",
        type=Path,
        default=None,
        metavar="DIR",
        help="archive folder (default: output/archief/ in the workspace)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:2] == ["archive", "list"]:
        words[:2] = ["archive-list"]
    elif words[:1] == ["--debug"] and words[1:3] == ["archive", "list"]:
        words[1:3] = ["archive-list"]
    args = _parser().parse_args(words)
    _Log.debug, _Log.path = args.debug, None
    try:
        if args.command == "check":
            return _check(args.letters)
        if args.command == "render":
            return _render(args)
        if args.command == "archive":
            return _archive(args)
        if args.command == "publish":
            return _publish(args)
        if args.command == "archive-list":
            return _archive_list(args)
        if args.command == "verify":
            return _verify(args.archive, args.expect)
        if args.command == "new":
            return _new(args)
        if args.command == "preview":
            return _preview(args)
    except UnknownGemeenteError as exc:  # only --gemeente names one at this level
        print(f"dtz-letters: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DtzLettersError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (| head): nothing more to say, to anyone; the
        # flush at exit must not complain either.
        real = sys.__stdout__
        if real is not None and sys.stdout is real:
            os.dup2(os.open(os.devnull, os.O_WRONLY), real.fileno())
        return 1
    except OSError as exc:  # a full disk, a folder we may not write: the machine, not a bug
        where = f"{display_path(Path(exc.filename))}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        print(_Log.bug(exc), file=sys.stderr)
        return EXIT_BUG
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


class _Log:
    """Where the tracebacks of internal errors go: a log file, or stderr with --debug."""

    debug = False
    path: Path | None = None

    @classmethod
    def write(cls, trace: str) -> str:
        """Record ``trace``; the words that say where it went."""
        if cls.debug:
            print(trace, file=sys.stderr, end="")
            return "traceback above"
        if cls.path is None:
            fd, name = tempfile.mkstemp(prefix="dtz-letters-", suffix=".log")
            cls.path = Path(name)
            with open(fd, "w", encoding="utf-8") as fh:
                fh.write(f"dtz-letters {__version__}: {' '.join(sys.argv)}\n")
        with cls.path.open("a", encoding="utf-8") as fh:
            fh.write(trace)
        return f"traceback in {cls.path}"

    @classmethod
    def bug(cls, exc: BaseException) -> str:
        where = cls.write("".join(traceback.format_exception(exc)))
        what = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        return (
            f"dtz-letters: internal error, a bug in dtz-letters (please report it): {what} "
            f"({where}; --debug prints it)"
        )


def run() -> None:
    """Console-script entry point."""
    code = main()
    # Python's own teardown frees every object of every module one by one: some 50 ms after
    # a render, more than the rest of a run that had nothing to render. What has to happen at
    # the end happens here: the exit handlers (temporary folders, log files), the output
    # flushed; then the process ends.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone, a stream closed
            stream.flush()
    os._exit(code)


def _check(paths: list[Path]) -> int:
    report = check(paths)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for line in report.errors:
        print(line, file=sys.stderr)
    for line in report.missing:
        print(f"{line} (letter will render as CONCEPT)", file=sys.stderr)
    for line in report.publication:
        print(line, file=sys.stderr)
    for letter in report.valid:
        print(f"{letter}: ok")
    return 1 if report.errors else 0


def _render(args: argparse.Namespace) -> int:
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        report = render_batch(
            args.letters,
            gemeenten=args.gemeente,
            formats=args.formats or None,
            out=args.out,
            jobs=args.jobs,
            on_progress=progress.advance if progress else None,
            force=args.force,
            while_rendering=_import_table,
        )
    finally:
        if progress:
            progress.stop()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    _summary(report)
    bug = _print_failures(report.failures)
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    if bug:
        return EXIT_BUG
    return 1 if report.failures or report.problems else 0


def _print_failures(failures: Sequence[Outcome | ArchiveOutcome | PublishOutcome]) -> bool:
    """Print each failure's line (a broken profile fails every letter it serves with the
    same located lines: once), and where the traceback of a bug went; whether one was."""
    for error in dict.fromkeys(o.error for o in failures):
        print(error, file=sys.stderr)
    for o in failures:
        if o.trace:
            print(f"  ({_Log.write(o.trace)})", file=sys.stderr)
    return any(o.trace for o in failures)


class _Progress:
    """A progress bar on a terminal; created only when stderr is one."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("rendering"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("render", total=None)
        self.progress.start()

    def advance(self, _outcome: Outcome, done: int, total: int) -> None:
        self.progress.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        self.progress.stop()


def _import_table() -> None:
    """The summary's table printer, imported while the workers render."""
    import rich.console
    import rich.table  # noqa: F401


def _summary(report: BatchReport) -> None:
    """The copies rendered or written from the cache, in a table; then how many of each,
    the unchanged ones counted only (a second run of a large batch prints one line)."""
    if not report.rendered:
        return
    shown = [o for o in report.rendered if o.state != "unchanged"]
    counts = report.counts()
    tally = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    overview = f"; overview: {display_path(report.index)}" if report.index is not None else ""
    if shown:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="dtz-letters render", show_lines=False)
        for column in ("letter", "gemeente", "status", "files written"):
            table.add_column(column, overflow="fold")
        for o in shown:
            files = "\n".join(display_path(f) for f in o.written) or "(none changed)"
            status = f"{o.status}: {o.reason}" if o.reason else o.status or ""
            if o.state == "from the cache":
                status += " (from the cache)"
            table.add_row(o.letter, o.slug or "", status, files)
        # Not on a terminal (a log, CI), nothing is cut to 80 columns.
        console = Console() if sys.stdout.isatty() else Console(width=200)
        console.print(table)
    print(f"{tally}{overview}")


def _archive(args: argparse.Namespace) -> int:
    report = archive(
        args.letters,
        gemeenten=args.gemeente,
        archive_dir=args.archive,
        new_version=args.new_version,
        final_only=args.final_only,
    )
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for o in report.outcomes:
        if o.ok and o.identificatie is None:
            print(f"{o.letter} [{o.slug}]: {o.status}")
        elif o.ok:
            print(
                f"{o.letter} [{o.slug}]: {o.status}: {o.identificatie} version {o.version} "
                f"in {o.folder}"
            )
    if _print_failures(report.failures):
        return EXIT_BUG
    return 1 if report.failures else 0


def _publish(args: argparse.Namespace) -> int:
    report = publish(args.letters, gemeenten=args.gemeente, out=args.out)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for o in report.outcomes:
        if o.ok and o.folder is not None:
            print(
                f"{o.letter} [{o.slug}]: {o.status}: {o.identificatie} in {display_path(o.folder)}"
            )
        elif o.ok:
            print(f"{o.letter} [{o.slug}]: {o.status}")
    for path, count in report.sitemaps:
        print(f"{display_path(path)}: Woo-index sitemap of {count} letter(s)")
    if _print_failures(report.failures):
        return EXIT_BUG
    return 1 if report.failures else 0


def _archive_list(args: argparse.Namespace) -> int:
    rows = list_archive(args.archive, gemeente=args.gemeente, year=args.year, search=args.search)
    table = [("identificatie", "version", "gemeente", "date", "kenmerk", "archived at", "subject")]
    table += [
        (r.identificatie, str(r.version), r.gemeente, r.date, r.reference, r.archived_at, r.subject)
        for r in rows
    ]
    # Plain columns, not a terminal widget: the list is read by people and by scripts.
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"{len(rows)} archived letter version(s)")
    return 0


def _verify(archive: Path | None, expect: str | None) -> int:
    report = verify(archive, expect=expect)
    for line in report.notes:
        print(f"note: {line}", file=sys.stderr)
    for line in report.problems:
        print(line, file=sys.stderr)
    # Keep this line outside the archive: verify --expect compares with it later.
    print(f"archive digest (SHA-256 over the register and all sidecars): {report.digest}")
    verdict = f"{len(report.problems)} problem(s)" if report.problems else "ok"
    print(f"{report.root}: {report.files} files, {report.rows} register rows: {verdict}")
    return 1 if report.problems else 0


def _new(args: argparse.Namespace) -> int:
    path = new_letter(args.name, gemeenten=args.gemeente)
    shown = display_path(path)
    print(f"{shown}: new letter; fill in what 'dtz-letters check {shown}' lists")
    print(f"  see it for every municipality: dtz-letters preview {shown}")
    return 0


def _preview(args: argparse.Namespace) -> int:
    server = preview(args.letter, port=args.port)
    try:
        print(f"Preview of {display_path(args.letter)}: {server.url}  (Ctrl-C stops)", flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(server.url)
        server.wait()
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a preview ends
    finally:
        server.close()
    print("preview stopped", file=sys.stderr)
    return 0
