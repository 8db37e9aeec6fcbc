"""The xladdin command line: the same jobs as the Excel ribbon, without Excel.

This is a contract that other tools call; keep it stable. Exit status 0 on
success, 2 for unusable input (message on stderr, no traceback), 1 for anything
unexpected (one line on stderr; the traceback in ``xladdin-errors.log`` in the
temporary folder, :func:`xladdin.errors.error_log`); ``projection`` also exits 1
when the month is already over (or not yet begun) at the extract date.

Each command lives in a module that is imported only when that command runs
(``figures`` for the counting commands, ``workdays``, ``projection``, ``books`` for the workbook
ones), so that ``xladdin workdays`` and ``xladdin doctor`` pay for neither pandas nor openpyxl.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from xladdin import __version__
from xladdin.errors import XladdinError, log_unexpected
from xladdin.workbook.settings import LIMITS

#: Bank-holiday regions (the three-letter codes of ``xladdin.core.calendar.REGIONS``).
REGIONS = ("ENG", "NIR", "SCT", "WLS")


def _add_calendar_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--region",
        default="ENG",
        type=str.upper,
        choices=REGIONS,
        help="bank holidays: ENG (England and Wales, default), WLS, SCT or NIR",
    )
    p.add_argument("--closures", metavar="FILE", help="local closure days, one date per line")


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mapping", metavar="FILE", help="column-mapping file (YAML or TOML) for local headers")
    p.add_argument(
        "--extract-date",
        metavar="DATE",
        help="date of the extract when no title row states one (default: the latest date in the extract)",
    )


def working_days(text: str) -> int:
    """``--days``: a whole number of working days from 1 to 250 (about a year), as in Settings."""
    low, high = int(LIMITS["days"][0]), int(LIMITS["days"][1])
    try:
        days = int(text)
    except ValueError:
        days = None
    if days is None or not low <= days <= high:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number of working days from {low} to {high}"
        )
    return days


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xladdin",
        description="Working-day timeliness, re-referrals and spotlight reports for children's social care.",
    )
    parser.add_argument("--version", action="version", version=f"xladdin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _counting_commands(sub)
    _projection_command(sub)
    _workbook_commands(sub)
    return parser


def _projection_command(sub: Any) -> None:
    """projection: where the month will land, from an assessments extract taken during it."""
    p = sub.add_parser("projection", help="month-end projection of assessment timeliness, by team")
    p.add_argument("extract", metavar="EXTRACT", help="Annex A List 4 (assessments), taken during the month")
    p.add_argument(
        "--month", required=True, metavar="YYYY-MM", help="the month to project (the extract date's)"
    )
    p.add_argument("--clock", choices=["start", "referral"], default="start")
    p.add_argument("--referrals", metavar="EXTRACT", help="Annex A List 3, needed for --clock referral")
    p.add_argument("--days", type=int, default=45, help=argparse.SUPPRESS)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _add_calendar_options(p)
    _add_extract_options(p)
    p.set_defaults(func="projection:cmd_projection")


def _counting_commands(sub: Any) -> None:
    """timeliness, rereferrals, quality, workdays: figures from extracts, no workbook."""
    p = sub.add_parser("timeliness", help="assessments completed within 45 working days, by team")
    p.add_argument("extract", metavar="EXTRACT", help="Annex A List 4 (assessments), CSV or xlsx")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="month of authorisation")
    p.add_argument("--counting", choices=["corrected", "legacy"], default="corrected")
    p.add_argument("--clock", choices=["start", "referral"], default="start")
    p.add_argument("--referrals", metavar="EXTRACT", help="Annex A List 3, needed for --clock referral")
    p.add_argument("--days", type=working_days, default=45, help=argparse.SUPPRESS)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument(
        "--detail", action="store_true", help="the completed assessments behind the table, one row each (csv)"
    )
    _add_calendar_options(p)
    _add_extract_options(p)
    p.set_defaults(func="figures:cmd_timeliness")

    p = sub.add_parser("rereferrals", help="re-referrals within 12 months, by team")
    p.add_argument("extract", metavar="EXTRACT", help="Annex A List 3 (referrals), CSV or xlsx")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument(
        "--detail", action="store_true", help="the month's referrals behind the table, one row each (csv)"
    )
    _add_extract_options(p)
    p.set_defaults(func="figures:cmd_rereferrals")

    p = sub.add_parser("quality", help="the data-quality list of an extract")
    p.add_argument("extract", metavar="EXTRACT")
    p.add_argument("--kind", choices=["assessments", "referrals"], help="default: from the headers")
    p.add_argument(
        "--referrals", metavar="EXTRACT", help="also check List 4 against this List 3 (rules 1103, 8831)"
    )
    p.add_argument(
        "--clock",
        choices=["start", "referral"],
        default="start",
        help="with --referrals: 'referral' also lists assessments whose referral-date clock fell back",
    )
    p.add_argument(
        "--month",
        metavar="YYYY-MM",
        help="list the rows that affect this reporting month first, and say how many are from other months",
    )
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _add_extract_options(p)
    p.set_defaults(func="figures:cmd_quality")

    p = sub.add_parser("workdays", help="elapsed working days, deadline and in time/late for two dates")
    p.add_argument(
        "start", metavar="START", help="dd/mm/yyyy, yyyy-mm-dd or 2 Sep 2024 (a time part is ignored)"
    )
    p.add_argument("end", metavar="END", help="the same forms as START")
    p.add_argument(
        "--days", type=working_days, default=45, help="working days allowed, 1 to 250 (default 45)"
    )
    _add_calendar_options(p)
    p.set_defaults(func="workdays:cmd_workdays")

    p = sub.add_parser(
        "mapping-template", help="print a column-mapping file (YAML) for an extract's own headers"
    )
    p.add_argument("extract", metavar="EXTRACT", help="the local extract (CSV or xlsx)")
    p.add_argument("--kind", choices=["assessments", "referrals", "audit"], help="default: from the headers")
    p.set_defaults(func="figures:cmd_mapping_template")


def _workbook_commands(sub: Any) -> None:
    """new-workbook, refresh, spotlight, export, build-workbook, doctor, demo."""
    p = sub.add_parser(
        "new-workbook", help="create an empty performance workbook (.xlsx, or .xlsm with the ribbon)"
    )
    p.add_argument("path", metavar="PATH")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument(
        "--lite",
        action="store_true",
        help="for xlwings Lite (no Python on the PC): an .xlsx that carries its code, and a sheet per extract",
    )
    p.add_argument(
        "--wheel-url",
        metavar="URL",
        default="",
        help="with --lite: the https address of the xladdin wheel Lite installs (default: xladdin from PyPI)",
    )
    p.set_defaults(func="books:cmd_new_workbook")

    p = sub.add_parser("refresh", help="refresh a performance workbook from its extracts")
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("--assessments", metavar="PATH", help="List 4 extract (default: from Settings)")
    p.add_argument("--referrals", metavar="PATH", help="List 3 extract (default: from Settings)")
    p.add_argument("--audit", metavar="PATH", help="audit tracker (default: from Settings)")
    p.add_argument("--month", metavar="YYYY-MM", help="reporting month (default: from Settings)")
    p.add_argument(
        "--mapping",
        metavar="FILE",
        help="column-mapping file (YAML or TOML, with assessments:/referrals:/audit: sections) for every "
        "extract of this run (default: the mapping rows of Settings)",
    )
    p.set_defaults(func="books:cmd_refresh")

    p = sub.add_parser("spotlight", help="write the formatted Spotlight sheets into a workbook")
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("--month", metavar="YYYY-MM")
    p.add_argument(
        "--template",
        metavar="FILE",
        help="the look (default: Settings' 'Spotlight template', else the built-in)",
    )
    p.set_defaults(func="books:cmd_spotlight")

    p = sub.add_parser("export", help="the leadership export: the spotlight only, values only, checked")
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--pdf", metavar="FILE.pdf", help="also a PDF (needs LibreOffice)")
    p.add_argument(
        "--suppress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show counts 1-5 and their rates as 'c' (default: the workbook's Settings)",
    )
    p.add_argument(
        "--template",
        metavar="FILE",
        help="the look (default: Settings' 'Spotlight template', else the built-in)",
    )
    p.set_defaults(func="books:cmd_export")

    p = sub.add_parser("build-workbook", help="build workbooks/performance.xlsm from the text sources")
    p.add_argument("--out", default="workbooks/performance.xlsm", metavar="FILE.xlsm")
    p.add_argument("--base", metavar="FILE.xlsx", help="start from this workbook (default: a new one)")
    p.add_argument(
        "--no-vba",
        dest="vba",
        action="store_false",
        help="no VBA project inside: write the modules as .bas files beside it, to import in Excel",
    )
    p.set_defaults(func="books:cmd_build_workbook")

    p = sub.add_parser("doctor", help="check the set-up: Python, xlwings, a workbook's Settings and extracts")
    p.add_argument(
        "workbook", nargs="?", metavar="WORKBOOK", help="performance workbook whose Settings to check"
    )
    p.set_defaults(func="doctor:cmd_doctor")

    p = sub.add_parser("demo", help="build everything from the built-in demo data")
    p.add_argument("--out", default="demo-output", metavar="DIR", help="default: ./demo-output")
    p.set_defaults(func="books:cmd_demo")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status. With no ``argv`` (the ``xladdin`` program itself, or
    ``python -m xladdin.cli``) the process ends when the command does: see :func:`_collect_less`."""
    program = argv is None
    parser = build_parser()
    args = parser.parse_args(argv)
    with contextlib.suppress(ValueError):  # not the main thread (e.g. called from a test runner's thread)
        signal.signal(signal.SIGTERM, _stop)
    module, name = args.func.split(":")
    try:
        if getattr(args, "month", None) is not None:
            # The edge: the month is parsed here, once, and passed on as a Month. Imported here:
            # xladdin.core imports pandas, which `xladdin doctor` must not wait for.
            from xladdin.core.month import Month

            args.month = Month.parse(args.month)
        command = getattr(importlib.import_module(f"xladdin.cli.{module}"), name)
        if program:
            _collect_less()
        code = int(command(args) or 0)
        sys.stdout.flush()
        if program:
            gc.freeze()  # the interpreter's last collection, at exit, then has nothing to look at
        return code
    except XladdinError as exc:
        sys.stderr.write(f"xladdin: {exc}\n")
        return 2
    except BrokenPipeError:
        _quiet_stdout()  # the reader went away (| head): no "Exception ignored" at exit
        return 0
    except KeyboardInterrupt:  # Ctrl+C, or a kill (SIGTERM, below): files are as they were
        sys.stderr.write("xladdin: stopped before it finished; no file was changed.\n")
        return 130
    except OSError as exc:
        if exc.errno == errno.ENOSPC or getattr(exc, "filename", None) is None:
            _quiet_stdout()
        return _unexpected(args.command, exc)
    except Exception as exc:  # anything else: one line, the details in the log
        return _unexpected(args.command, exc)


def _collect_less() -> None:
    """Python's cycle collector, tuned for a process that ends with its command.

    The libraries' own objects (pandas, openpyxl: hundreds of thousands) never become garbage,
    so they are frozen out of every collection; and collections run after 100,000 new objects
    rather than 700 (an openpyxl workbook or a frame of a million rows makes that many in a
    moment). Measured: a council-size refresh 0.2 s quicker, a million-row CSV 0.3 s. Memory is
    still collected, less often. Not done when ``main`` is called with arguments (a test, or
    another program calling the CLI in its own long-lived process).
    """
    gc.freeze()
    gc.set_threshold(100_000, 20, 100)


def _stop(_signum: int, _frame: object) -> None:
    """SIGTERM ends the run like Ctrl+C, so that temporary files are removed on the way out."""
    raise KeyboardInterrupt


def _unexpected(command: str, exc: BaseException) -> int:
    logged = log_unexpected(f"xladdin {command}", exc)
    where = f"the details are in {logged}" if logged else "the details could not be logged"
    detail = " ".join(str(exc).split())[:200]
    try:
        sys.stderr.write(
            f"xladdin: {command} stopped unexpectedly ({type(exc).__name__}: {detail}); {where}. "
            "Send that file to whoever supports xladdin.\n"
        )
        sys.stderr.flush()
    except OSError:
        pass
    return 1


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that Python's flush at exit cannot fail noisily."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
