"""xladdin in xlwings Lite: the worksheet functions and the Performance buttons, with no Python on the PC.

This is the workbook's main.py. xlwings Lite runs it in Excel (Python in Pyodide) and installs
xladdin from requirements.txt; everything below calls xladdin, so the counting is the same code
as the desktop route's. Edit it only to change what the task pane offers.

Worksheet functions (type them in a cell; a range answers a range):
    =WORKDAYS45(B2, C2)       TRUE within 45 working days, FALSE late, empty while still open
    =WORKDAYSBETWEEN(B2, C2)  working days from start to end, the start day being day 0
    =WORKDAYSDUE(B2)          the deadline: the 45th working day after the start
Scripts (the task pane's list and Run button, or F5):
    refresh          Refresh: read the extracts from the sheets named on Settings, write every table
    build_spotlight  Build spotlight: the Spotlight sheet, as far as xlwings Lite can format it
    check_setup      Check set-up: one message with a line per check
"""

import xlwings as xw
from xlwings import arg, func, script

from xladdin.excel import udfs
from xladdin.excel.lite import scripts

START = "Start date(s): dates, a range, or dd/mm/yyyy text."
CLOSURES = "Optional: extra closure days, e.g. the name closures (Holidays sheet)."
SYSTEM = "Optional: TRUE if this workbook uses the 1904 date system."


@func
@arg("start_date", ndim=2, err_to_str=True, doc=START)
@arg("end_date", ndim=2, err_to_str=True, doc="Completion date(s). Blank means still open.")
@arg("closures", ndim=2, err_to_str=True, doc=CLOSURES)
@arg("date1904", doc=SYSTEM)
def WORKDAYS45(start_date, end_date, closures=None, date1904=False):
    """TRUE if completed within 45 working days, FALSE if late, empty if end_date is blank.

    The start day is day 0, so completion ON the 45th working day is in time.
    Weekends and England & Wales bank holidays never count.
    """
    return udfs.workdays45(start_date, end_date, closures, date1904)


@func
@arg("start_date", ndim=2, err_to_str=True, doc=START)
@arg("end_date", ndim=2, err_to_str=True, doc="End date(s). Blank means still open (empty result).")
@arg("closures", ndim=2, err_to_str=True, doc=CLOSURES)
@arg("date1904", doc=SYSTEM)
def WORKDAYSBETWEEN(start_date, end_date, closures=None, date1904=False):
    """Working days from start_date to end_date, the start day being day 0 (same day = 0).

    Equals NETWORKDAYS(start+1, end, holidays). Weekends and England & Wales
    bank holidays never count.
    """
    return udfs.workdays_between(start_date, end_date, closures, date1904)


@func
@arg("start_date", ndim=2, err_to_str=True, doc=START)
@arg("days", doc="Optional: working days allowed (45 if left out).")
@arg("closures", ndim=2, err_to_str=True, doc=CLOSURES)
@arg("date1904", doc=SYSTEM)
def WORKDAYSDUE(start_date, days=45, closures=None, date1904=False):
    """Deadline: the 45th working day after start_date; same as WORKDAY.

    Completion on this day is in time. Weekends and England & Wales bank
    holidays never count.
    """
    return udfs.workdays_due(start_date, days, closures, date1904)


@script
def refresh(book: xw.Book):
    """Refresh: read the extracts from their sheets (Settings) and rewrite every table, all or nothing."""
    scripts.refresh(book)


@script
def build_spotlight(book: xw.Book):
    """Build spotlight: write the Spotlight sheet from the refreshed tables and the commentary."""
    scripts.build_spotlight(book)


@script
def check_setup(book: xw.Book):
    """Check set-up: one message with a line per check; changes nothing."""
    scripts.check_setup(book)
