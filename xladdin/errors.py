"""Errors a person can act on.

Every error carries a message that names the file, sheet, row or column, the
value at fault and what to do. The CLI prints the message (no traceback) and
exits with status 2; the Excel layer shows it in a message box.
"""


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
