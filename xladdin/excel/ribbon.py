"""The Performance ribbon's buttons: Refresh, Build spotlight, Export for leadership, Check set-up.

Each button's VBA callback (``vba/Performance.bas``) runs, through xlwings'
RunPython, ``import xladdin.excel.ribbon as r; r.refresh()`` (or
``r.build_spotlight()``, ``r.export_for_leadership()``) on the calling
workbook, ``xw.Book.caller()``.

The convention that causes mistakes: an exception that escapes RunPython
shows the officer a Python traceback. So each entry point runs inside
:func:`_run`, which shows progress in Excel's status bar, turns an
XladdinError into ONE message box with its message, turns anything else
into one short message that says where the details were logged, and always
gives the status bar back to Excel (``status_bar = False``).

* Refresh writes into the open workbook (``live.refresh``): Excel holds the
  file, so the file on disk is not touched; the officer saves.
* Build spotlight and Export save the workbook first (so unsaved commentary
  is included), write a new file beside it (``xladdin.report.beside``) and open
  it in Excel for review.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlwings as xw

from xladdin.errors import XladdinError, error_log, log_unexpected
from xladdin.excel import doctor

if TYPE_CHECKING:
    from xladdin.report.export import ExportResult

# Each button imports what it uses, when pressed: Refresh the live writer (pandas, the extract
# readers), Build spotlight and Export the report writers (openpyxl), Check set-up the Settings
# reader only. xlwings is needed by every button (Book.caller), and RunPython has imported it.

TITLE = "xladdin"
#: What an unexpected failure leaves behind, per action (said in its message box).
LEFT_AS_IT_WAS = {
    "Refresh": "The workbook's tables are as they were before Refresh.",
    "Build spotlight": "No spotlight file was written.",
    "Export for leadership": "No export file was written.",
    "Check set-up": "Nothing was changed.",
}
#: Where unexpected failures are written, traceback included (the message box names it).
LOG_FILE = error_log()


def refresh(book: Any = None) -> Any:
    """Refresh button: rewrite the tables of the open workbook from the extracts named in Settings."""
    from xladdin.excel import live

    book = book or xw.Book.caller()
    return _run(book, "Refresh", lambda say: live.refresh(book, progress=say))


def build_spotlight(book: Any = None) -> Any:
    """Build spotlight button: save, write ``<workbook> - Spotlight YYYY-MM.xlsx``, open it."""
    from xladdin.report import beside as reports

    book = book or xw.Book.caller()
    return _run(
        book,
        "Build spotlight",
        lambda say: _open(book, reports.spotlight_beside(_saved(book, say), progress=say)),
    )


def export_for_leadership(book: Any = None) -> Any:
    """Export button: save, write ``<workbook> - Leadership YYYY-MM.xlsx`` (no child-level data), open it.

    What the officer should check before sending it (empty or placeholder commentary, small
    counts quoted in their text) comes in one message box once the file is open.
    """
    from xladdin.report import beside as reports

    book = book or xw.Book.caller()

    def work(say: Callable[[str], None]) -> Path:
        result: ExportResult = reports.leadership_beside(_saved(book, say), progress=say)
        _open(book, result.xlsx)
        if result.warnings:
            book.app.alert(
                export_warnings(result.xlsx, result.warnings),
                title=TITLE + ": Export for leadership",
                mode="info",
            )
        return result.xlsx

    return _run(book, "Export for leadership", work)


def export_warnings(path: Path, warnings: list[str]) -> str:
    """The one message after an export that needs a look: the file, then each warning on its own line."""
    lines = "\n".join(f"- {w}" for w in warnings)
    return f"{path.name} is written and open. Before you send it, check:\n\n{lines}"


def check_setup(book: Any = None, *, date1904: bool = False) -> list[doctor.Check]:
    """Check set-up button: ONE message box with a line per check (the checks of ``xladdin doctor``).

    VBA calls this only once it has reached the xlwings add-in and found Python, and
    passes the workbook's date system (``ThisWorkbook.Date1904``), which Python could
    only read through pywin32's COM cache.
    """
    from xladdin.excel import live

    book = book or xw.Book.caller()

    def work(say: Callable[[str], None]) -> list[doctor.Check]:
        say("checking")
        checks = doctor.run_checks(
            Path(book.fullname), settings=lambda: live.read_settings(book), addin=True, date1904=date1904
        )
        mode = "critical" if doctor.needs_fixing(checks) else "info"
        book.app.alert(doctor.report(checks), title=TITLE + ": Check set-up", mode=mode)
        return checks

    return _run(book, "Check set-up", work)


def _saved(book: Any, say: Callable[[str], None]) -> Path:
    say("Saving the workbook")
    book.save()
    return Path(book.fullname)


def _open(book: Any, path: Path) -> Path:
    book.app.books.open(str(path))
    return path


def _run(book: Any, action: str, work: Callable[[Callable[[str], None]], Any]) -> Any:
    """Run ``work(say)`` with progress in the status bar and failures as one message box."""
    app = book.app

    def say(message: str) -> None:
        app.status_bar = f"xladdin {action}: {message}"

    try:
        say("starting")
        return work(say)
    except XladdinError as exc:
        app.alert(str(exc), title=TITLE, mode="critical")
    except Exception as exc:
        app.alert(_unexpected(action, exc), title=TITLE, mode="critical")
    finally:
        app.status_bar = False
    return None


def _unexpected(action: str, exc: BaseException) -> str:
    """Log the traceback; the short message for the officer."""
    logged = log_unexpected(action, exc, LOG_FILE)
    where = f"The details are in {logged}." if logged else "The details could not be logged."
    return (
        f"{action} stopped: {type(exc).__name__}: {str(exc)[:200]}\n\n"
        f"{LEFT_AS_IT_WAS[action]} {where} Send that file to whoever supports xladdin."
    )
