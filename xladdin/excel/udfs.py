"""Worksheet functions: WORKDAYS45, WORKDAYSBETWEEN, WORKDAYSDUE.

The convention that causes mistakes: the start day is day 0. A completion on
the 45th working day after the start is 45 elapsed and IN TIME; Excel's
``NETWORKDAYS(start, end)`` counts the start day too and calls it late
(the seed report's bug; ``docs/counting-rules.md``, "Legacy counting").

Each function takes a cell or a whole range and answers a same-shaped range
in ONE call of the vectorised engine (``xladdin.core.workdays.timeliness``),
so a formula spilled over 100,000 rows is one Python call, not 100,000.
A bad cell gives a short text for that cell only:

====================  =====================================================
``#DATE? start``      start is not a date (or blank while the end is given)
``#DATE? end``        end is not a date
``#END<START``        the end date is before the start date
``#RANGE? start``     a date outside 1950-2100 (the calendar's range)
``#DATE? closures``   a closure-day cell is not a date (whole result)
``#DAYS?``            the number of working days is not a whole number >= 0
``#SIZE?``            start and end ranges have different shapes
====================  =====================================================

Parameter names reach VBA unchanged (xlwings writes one VBA wrapper per
function, :mod:`xladdin.excel.udf_vba`), so none may be a VBA reserved word:
``start_date``/``end_date``, never ``start``/``end`` (``End`` is reserved).

The 1900 or 1904 date system (it matters only for serial numbers; a date cell
arrives as a date) is the ``date1904`` argument: the VBA wrapper passes the
workbook's own setting, ``ThisWorkbook.Date1904``; called from Python it is
False (1900) unless given. No ``caller`` argument: it needs pywin32's generated
COM cache, which may be missing on a locked-down PC.

On Windows, the wrappers are embedded in ``performance.xlsm`` when it is built
and the xlwings add-in runs these functions (``UDF Modules`` in the
``xlwings.conf`` sheet). On other systems the decorators do nothing and these
are plain Python functions.

xlwings Lite declares the same three functions in the workbook's ``main.py``
(``xladdin/excel/lite/main.py``) with its own decorators; they call
:func:`workdays45`, :func:`workdays_between` and :func:`workdays_due`, the one
implementation behind both routes (same answers, same error texts).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xlwings as xw

from xladdin.core.calendar import WorkingCalendar, get_calendar
from xladdin.core.workdays import timeliness
from xladdin.excel.convert import BAD, BLANK, OK, as_2d, is_js_null, to_dates

_CATEGORY = "xladdin working days"
_MAX_DAYS = 1000
_CLOSURES_DOC = "Optional: extra closure days, e.g. the name closures (Holidays sheet)."
#: VBA passes the workbook's date system in this argument; it is not one the officer types.
_DATE_SYSTEM = "ThisWorkbook.Date1904"


# err_to_str: xlwings otherwise passes an error cell (#N/A) as None, i.e. blank, which
# would make WORKDAYS45 call a case "still open"; as text it is "#DATE? end".
# No type hints on the UDFs: xlwings 0.37 turns a parameter's annotation into its
# converter (xlwings/udfs.py, xlfunc), and ``Any`` is not one.
# Docstrings and argument docs are what Excel's Function Wizard shows; xlwings cuts
# them at 255 characters (Application.MacroOptions), so they stay short.


@xw.func(category=_CATEGORY)
@xw.arg("start_date", ndim=2, err_to_str=True, doc="Start date(s): dates, a range, or dd/mm/yyyy text.")
@xw.arg("end_date", ndim=2, err_to_str=True, doc="Completion date(s). Blank means still open.")
@xw.arg("closures", ndim=2, err_to_str=True, doc=_CLOSURES_DOC)
@xw.arg("date1904", vba=_DATE_SYSTEM)
def WORKDAYS45(start_date, end_date, closures=None, date1904=False):
    """TRUE if completed within 45 working days, FALSE if late, empty if end_date is blank.

    The start day is day 0, so completion ON the 45th working day is in time.
    Weekends and England & Wales bank holidays never count.
    """
    return workdays45(start_date, end_date, closures, date1904)


@xw.func(category=_CATEGORY)
@xw.arg("start_date", ndim=2, err_to_str=True, doc="Start date(s): dates, a range, or dd/mm/yyyy text.")
@xw.arg("end_date", ndim=2, err_to_str=True, doc="End date(s). Blank means still open (empty result).")
@xw.arg("closures", ndim=2, err_to_str=True, doc=_CLOSURES_DOC)
@xw.arg("date1904", vba=_DATE_SYSTEM)
def WORKDAYSBETWEEN(start_date, end_date, closures=None, date1904=False):
    """Working days from start_date to end_date, the start day being day 0 (same day = 0).

    Equals NETWORKDAYS(start+1, end, holidays). Weekends and England & Wales
    bank holidays never count.
    """
    return workdays_between(start_date, end_date, closures, date1904)


@xw.func(category=_CATEGORY)
@xw.arg("start_date", ndim=2, err_to_str=True, doc="Start date(s): dates, a range, or dd/mm/yyyy text.")
@xw.arg("days", doc="Optional: working days allowed (45 if left out).")
@xw.arg("closures", ndim=2, err_to_str=True, doc=_CLOSURES_DOC)
@xw.arg("date1904", vba=_DATE_SYSTEM)
def WORKDAYSDUE(start_date, days=45, closures=None, date1904=False):
    """Deadline: the 45th working day after start_date (format as a date); same as WORKDAY.

    Completion on this day is in time. Weekends and England & Wales bank
    holidays never count.
    """
    return workdays_due(start_date, days, closures, date1904)


# --- the one implementation, shared with xlwings Lite's main.py --------------------------


def workdays45(start_date: Any, end_date: Any, closures: Any = None, date1904: Any = False) -> Any:
    """WORKDAYS45's answer for cells as xlwings passes them (a value, or a list of lists)."""
    return _pairs(start_date, end_date, _given(closures), _flag(date1904), result="in_time")


def workdays_between(start_date: Any, end_date: Any, closures: Any = None, date1904: Any = False) -> Any:
    """WORKDAYSBETWEEN's answer (see :func:`workdays45`)."""
    return _pairs(start_date, end_date, _given(closures), _flag(date1904), result="elapsed")


def workdays_due(start_date: Any, days: Any = 45, closures: Any = None, date1904: Any = False) -> Any:
    """WORKDAYSDUE's answer: ``datetime.date`` deadlines (see :func:`workdays45`)."""
    date1904 = _flag(date1904)
    s, s_status = to_dates(start_date, date1904=date1904)
    n = _whole_days(_given(days))
    cal = _calendar(_given(closures), date1904)
    if n is None or cal is None:
        return _shaped(s.shape, "#DAYS?" if n is None else "#DATE? closures", start_date)
    t = timeliness(s, np.datetime64("NaT", "D"), n, calendar=cal)
    out = t.deadline_dates().astype(object)  # datetime.date objects, made in C
    out = np.select(
        [s_status == BLANK, s_status == BAD, ~t.start_ok],
        ["", "#DATE? start", "#RANGE? start"],
        out,
    )
    return _result(out, start_date)


def _given(value: Any) -> Any:
    """An optional argument left out: None (xlwings Lite under Pyodide 0.28+ may pass JavaScript's null)."""
    return None if is_js_null(value) else value


def _flag(value: Any) -> bool:
    return bool(_given(value))


# --- helpers (one vectorised pass each; no per-cell engine calls) ---------------------


def _pairs(start: Any, end: Any, closures: Any, date1904: bool, *, result: str) -> Any:
    s, s_status = to_dates(start, date1904=date1904)
    e, e_status = to_dates(end, date1904=date1904)
    try:
        shape = np.broadcast_shapes(s.shape, e.shape)
    except ValueError:
        return _shaped((1, 1), "#SIZE?", start, end)
    s, s_status, e, e_status = (np.broadcast_to(a, shape) for a in (s, s_status, e, e_status))
    cal = _calendar(closures, date1904)
    if cal is None:
        return _shaped(shape, "#DATE? closures", start, end)
    t = timeliness(s, e, calendar=cal)
    values = (t.in_time if result == "in_time" else t.elapsed).astype(object)
    out = np.select(
        [
            s_status == BAD,
            e_status == BAD,
            e_status == BLANK,  # still open: empty, as the issue asks
            s_status == BLANK,
            ~_in_calendar(s, cal),
            ~_in_calendar(e, cal),
            e < s,
        ],
        [
            "#DATE? start",
            "#DATE? end",
            "",
            "#DATE? start",
            "#RANGE? start",
            "#RANGE? end",
            "#END<START",
        ],
        values,
    )
    return _result(out, start, end)


def _in_calendar(days: np.ndarray, cal: WorkingCalendar) -> np.ndarray:
    idx = days.astype("datetime64[D]").view(np.int64) - cal.base_day
    return (idx >= 0) & (idx < cal.size)


def _calendar(closures: Any, date1904: bool) -> WorkingCalendar | None:
    """England & Wales calendar plus the dates in the first column of ``closures``; None if one is bad.

    Blank cells are skipped, so a whole Holidays column (or the workbook's
    ``closures`` name, date and description columns) can be passed.
    """
    if closures is None:
        return get_calendar()
    # Only the first column: the workbook's "closures" name spans date and description.
    days, status = to_dates(as_2d(closures)[:, :1], date1904=date1904)
    if (status == BAD).any():
        return None
    return get_calendar(closures=days[status == OK].astype(object).tolist())


def _whole_days(days: Any) -> int | None:
    if days is None or days == "":
        return 45
    if isinstance(days, bool) or not isinstance(days, (int, float, np.integer, np.floating)):
        return None
    if not np.isfinite(days) or days != int(days) or not 0 <= days <= _MAX_DAYS:
        return None
    return int(days)


def _shaped(shape: tuple[int, ...], text: str, *inputs: Any) -> Any:
    return _result(np.full(shape, text, dtype=object), *inputs)


def _result(out: np.ndarray, *inputs: Any) -> Any:
    """A list of lists for Excel; a single value when every input was a single value."""
    if out.shape == (1, 1) and all(not isinstance(v, (list, tuple, np.ndarray)) for v in inputs):
        return out[0, 0]
    return out.tolist()
