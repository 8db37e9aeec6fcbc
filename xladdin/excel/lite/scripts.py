"""Refresh, Build spotlight and Check set-up as xlwings Lite runs them (the workbook's main.py calls these).

The convention that causes mistakes: Lite applies a script's changes to the workbook
only when the script returns, and drops them all when it raises (``sheets.py``). So
each script here runs in two steps (:func:`_run`):

1. **plan**: read the workbook and compute everything. A problem the officer can fix
   (an ``XladdinError``: a bad setting, a broken extract sheet) becomes ONE message box
   and the script returns: the message is the only change. Anything unexpected becomes
   a short message box too, with its details printed in Lite's Output pane.
2. **apply**: queue the writes. If anything fails here, the exception is raised on, so
   Lite drops every queued change and shows the error in its Output pane: the workbook
   is left exactly as it was.

Progress goes to Lite's Output pane (``print``): Lite has no status bar to write to.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import sys
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from xladdin.errors import XladdinError
from xladdin.excel import live
from xladdin.excel.doctor import FIX, OK, SKIP, Check, needs_fixing, package_check, report
from xladdin.excel.lite import parts, sheets, spotlight
from xladdin.workbook.refresh import prepare_tables

TITLE = "xladdin"
#: What an unexpected failure leaves behind, per script.
NOTHING_CHANGED = "Nothing in the workbook was changed."


def refresh(book: Any, *, refreshed_at: dt.datetime | None = None) -> dict[str, int] | None:
    """Refresh: the extracts from their sheets (Settings), every generated area written, all or nothing.

    Returns:
        The data rows written per area, or None when a message box said why nothing was.
    """

    def plan() -> Any:
        settings = live.read_settings(book)
        live.check_sheets(book, book.name)
        blocks = sheets.extract_blocks(book, settings)
        tables, month, _ = prepare_tables(
            replace(settings, assessments="", referrals="", audit=""),  # paths: Lite cannot open files
            live.read_closures(book),
            Path("."),
            progress=_say,
            refreshed_at=refreshed_at,
            name=book.name,
            blocks=blocks,
        )
        return tables, month

    def apply(planned: Any) -> dict[str, int]:
        tables, month = planned
        _say("Writing the tables")
        rows = sheets.write_tables(book, tables)
        _say(f"Refreshed for {month.name}. {tables['xl_summary_suggestion'].header[0]}")
        return rows

    return _run(book, "Refresh", plan, apply)


def build_spotlight(book: Any) -> spotlight.Copied | None:
    """Build spotlight: the Spotlight sheet from the refreshed areas and the commentary, then ONE message
    saying what it holds and what only the desktop route can add."""
    from xladdin.report.spotlight import read_spotlight_data, render
    from xladdin.report.template import load_look

    def plan() -> Any:
        wb = spotlight.mirror(book)
        data = read_spotlight_data(wb)
        _say(f"Laying out the spotlight for {data.month.name}")
        rendered = render(wb, data, load_look(None))
        return rendered.ws, data

    def apply(planned: Any) -> spotlight.Copied:
        ws, data = planned
        copied = spotlight.copy_sheet(ws, spotlight.target_sheet(book))
        book.app.alert(spotlight_message(copied, data), title=f"{TITLE}: Build spotlight", mode="info")
        return copied

    return _run(book, "Build spotlight", plan, apply)


def spotlight_message(copied: spotlight.Copied, data: Any) -> str:
    """What the Spotlight sheet holds, and what it leaves to the desktop route."""
    lines = [
        f"The Spotlight sheet is written for {data.month.name} ({copied.cells:,} cells, with their fills "
        "and number formats)."
    ]
    if copied.missing:
        lines.append(
            f"This version of xlwings Lite cannot set {', '.join(copied.missing)}: the sheet is plainer than "
            "the desktop route's."
        )
    left = [f"{copied.charts} chart(s)" if copied.charts else "", "the logo" if copied.images else ""]
    left += ["the page header and footer", "the PDF"]
    lines.append(
        f"Left to the desktop route (Build spotlight on the Performance tab, or xladdin spotlight and xladdin "
        f"export): {', '.join(x for x in left if x)}."
    )
    if data.settings.template:
        lines.append(
            f"{data.settings.where('template')} names a template file, which xlwings Lite cannot read: the "
            "built-in look was used."
        )
    return "\n\n".join(lines)


def check_setup(book: Any) -> list[Check]:
    """Check set-up: ONE message box with a line per check; changes nothing else."""

    def plan() -> list[Check]:
        return run_checks(book)

    def apply(checks: list[Check]) -> list[Check]:
        mode = "critical" if needs_fixing(checks) else "info"
        book.app.alert(
            report(checks, "xladdin set-up check (xlwings Lite)"), title=f"{TITLE}: Check set-up", mode=mode
        )
        return checks

    return _run(book, "Check set-up", plan, apply)


def run_checks(book: Any) -> list[Check]:
    """Python and the packages Lite installed, then the workbook: Settings and each extract's sheet."""
    checks = [
        Check("Python", OK, f"{sys.version.split()[0]} in {_pyodide()}"),
        package_check("xladdin"),
        _xlwings_check(),
    ]
    try:
        settings = live.read_settings(book)
    except XladdinError as exc:
        return [*checks, Check("Settings", FIX, f"cannot be read: {exc}")]
    checks.append(Check("Settings", OK, f"read from {book.name}"))
    for kind, what in sheets.SHEET_SETTINGS.items():
        checks.append(_sheet_check(book, settings, kind, what))
    for key in sheets.FILE_SETTINGS:
        if getattr(settings, key):
            checks.append(
                Check(settings.where(key), FIX, "names a file, which xlwings Lite cannot read: clear it")
            )
    return checks


def _pyodide() -> str:
    try:
        return f"Pyodide {importlib.metadata.version('pyodide-py')}"
    except importlib.metadata.PackageNotFoundError:
        return "Pyodide" if sys.platform == "emscripten" else f"{sys.platform} (not Pyodide)"


def _xlwings_check() -> Check:
    """The xlwings Lite runs, beside the one requirements.txt pins."""
    found = package_check("xlwings")
    if found.status == OK and found.detail != parts.XLWINGS_VERSION:
        return Check(
            "xlwings",
            OK,
            f"{found.detail} (this workbook was made with {parts.XLWINGS_VERSION}; Lite keeps its "
            "'# required' line in requirements.txt up to date)",
        )
    return found


def _sheet_check(book: Any, settings: Any, kind: str, what: str) -> Check:
    from xladdin.extracts import read_block

    name = getattr(settings, f"{kind}_sheet")
    label = f"{what[0].upper()}{what[1:]} sheet"
    if not name:
        if kind == "assessments":
            return Check(label, FIX, f"{settings.where(kind + '_sheet')} is blank: type the sheet's name")
        return Check(label, SKIP, "none named (optional)")
    try:
        block = sheets.read_block(book, name, settings.where(kind + "_sheet"))
        extract = read_block(block, kind)
    except XladdinError as exc:
        return Check(label, FIX, sheets.lite_message(str(exc)))
    return Check(label, OK, f"{name!r}: {extract.rows:,} rows ({extract.kept_out:,} kept out)")


def _say(message: str) -> None:
    print(f"xladdin: {message}")


def _run(book: Any, action: str, plan: Callable[[], Any], apply: Callable[[Any], Any]) -> Any:
    """``apply(plan())`` with failures in the plan as ONE message box; a failure while applying is raised
    on, so that Lite drops every change the script queued."""
    try:
        planned = plan()
    except XladdinError as exc:
        book.app.alert(sheets.lite_message(str(exc)), title=TITLE, mode="critical")
        return None
    except Exception as exc:
        traceback.print_exc()
        book.app.alert(
            f"{action} stopped: {type(exc).__name__}: {str(exc)[:200]}\n\n{NOTHING_CHANGED} The details are in "
            "the xlwings Lite Output pane: send them to whoever supports xladdin.",
            title=TITLE,
            mode="critical",
        )
        return None
    return apply(planned)
