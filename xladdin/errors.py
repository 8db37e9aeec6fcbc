"""Errors a person can act on.

Every error carries a message that names the file, sheet, row or column, the
value at fault and what to do. The CLI prints the message (no traceback) and
exits with status 2; the Excel layer shows it in a message box. Anything else is
unexpected: its traceback goes to :func:`error_log` and the person sees one line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path


class XladdinError(Exception):
    """Something the user can fix went wrong; the message says what."""


class DateError(XladdinError, ValueError):
    """A date is missing, unreadable, out of range or in the wrong order."""


class ExtractError(XladdinError):
    """An extract file cannot be used (missing, empty, not a table, missing a column)."""


class MappingError(XladdinError):
    """A column-mapping file is unreadable or names a column that does not exist."""


class WorkbookError(XladdinError):
    """A performance workbook or template cannot be read or written."""


class ExportError(XladdinError):
    """A leadership export or PDF cannot be produced."""


def error_log() -> Path:
    """Where unexpected failures are logged with their traceback: ``xladdin-errors.log`` in the
    temporary folder (``%TEMP%`` on Windows). The CLI and the ribbon both write there."""
    import tempfile  # here, not at the top: every command imports this module, few need the log

    return Path(tempfile.gettempdir()) / "xladdin-errors.log"


def log_unexpected(action: str, exc: BaseException, log_file: Path | None = None) -> Path | None:
    """Append ``exc``'s traceback to the log, headed by the time and ``action``; the log's path,
    or None when it could not be written (a full or read-only disk)."""
    import traceback

    path = log_file or error_log()
    text = "".join(traceback.format_exception(exc))
    try:
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {dt.datetime.now():%Y-%m-%d %H:%M:%S} {action}\n{text}\n")
    except OSError:
        return None
    return path
