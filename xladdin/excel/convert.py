"""Turn what xlwings passes from cells into numpy dates, in one vectorised step.

The convention that causes mistakes: Excel's 1900 date system believes
29/02/1900 existed. Serial 60 is that fictitious day, so serials 1-59
(01/01/1900-28/02/1900) are one day off from a plain "days since 30/12/1899"
count, and only serials from 61 (01/03/1900) onwards agree with it
(Microsoft, "Excel incorrectly assumes that the year 1900 is a leap year",
KB 214326). In the 1904 date system, serial 0 is 01/01/1904 and there is no quirk.

What xlwings hands a UDF (measured with xlwings 0.37): a date-formatted cell as
``datetime`` (Excel has already applied the workbook's date system), a number
as ``float``, text as ``str``, an empty cell as ``None``; a range as a list
of lists when the argument is declared with ``ndim=2``.

xlwings Lite runs in Pyodide, which (from version 0.28) passes JavaScript's ``null``
as ``pyodide.ffi.JsNull`` rather than ``None``; xlwings turns it back into ``None``
only from its 0.3x releases on, so an empty cell may still arrive as ``JsNull``. It
is blank here (:func:`is_js_null`), as ``None`` is.

Nothing here imports xlwings, so it runs (and is tested) anywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

#: Status codes returned with the dates.
OK, BLANK, BAD = 0, 1, 2

_NAT = np.datetime64("NaT", "D")
# Day 0 of the 1900 system for serials >= 61 (Excel's phantom 29/02/1900 absorbs one day).
_EPOCH_1900 = np.datetime64("1899-12-30", "D")
_EPOCH_1904 = np.datetime64("1904-01-01", "D")
# Excel's last date, 31/12/9999, in either system.
_MAX_SERIAL_1900 = 2958465
_MAX_SERIAL_1904 = _MAX_SERIAL_1900 - 1462
_DATE_TYPES = (dt.datetime, dt.date, pd.Timestamp)


def as_2d(values: Any) -> np.ndarray:
    """``values`` as a 2-D object array: a scalar becomes 1x1, a flat list one column.

    A flat list is what xlwings passes for a one-column range without
    ``ndim=2``; treating it as a column keeps the result the same shape.
    """
    if isinstance(values, (list, tuple, np.ndarray)):
        # One C pass for the rectangular list of lists xlwings sends (ndim=2).
        arr = np.array(values, dtype=object)
        if arr.ndim == 1 and any(isinstance(row, (list, tuple, np.ndarray)) for row in arr):
            # Ragged rows (not from xlwings): pad with blanks.
            rows = [list(r) if isinstance(r, (list, tuple, np.ndarray)) else [r] for r in values]
            width = max(len(row) for row in rows)
            arr = np.empty((len(rows), width), dtype=object)
            arr[:] = [row + [None] * (width - len(row)) for row in rows]
        if arr.ndim == 2:
            return arr
        if arr.ndim == 1:
            return arr.reshape(-1, 1)
    out = np.empty((1, 1), dtype=object)
    out[0, 0] = values
    return out


def serials_to_dates(serials: Any, *, date1904: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Excel serial numbers to ``datetime64[D]`` and a status array (OK or BAD).

    A fraction (a time of day) is dropped. Serial 60 in the 1900 system is the
    fictitious 29/02/1900 and is BAD; so are serials below 1 (below 0 in
    1904) and above 31/12/9999.
    """
    x = np.asarray(serials, dtype=np.float64)
    whole = np.floor(np.where(np.isfinite(x), x, -1)).astype(np.int64)
    if date1904:
        ok = (whole >= 0) & (whole <= _MAX_SERIAL_1904)
        days = _EPOCH_1904 + whole.astype("timedelta64[D]")
    else:
        ok = (whole >= 1) & (whole <= _MAX_SERIAL_1900) & (whole != 60)
        # Serials 1-59 predate the phantom leap day: add one to count from 30/12/1899.
        shifted = np.where(whole < 60, whole + 1, whole)
        days = _EPOCH_1900 + shifted.astype("timedelta64[D]")
    return np.where(ok, days, _NAT), np.where(ok, OK, BAD).astype(np.int8)


def to_dates(values: Any, *, date1904: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Cells (a scalar, a list, or a list of lists) to 2-D ``datetime64[D]`` and status arrays.

    Accepted per cell: ``datetime``/``date``/pandas ``Timestamp``/numpy
    ``datetime64``; an Excel serial number (``date1904`` picks the system);
    text ``dd/mm/yyyy`` (also ``d/m/yyyy``), surrounding spaces ignored.
    Blank: ``None``, ``""`` or spaces, NaN, NaT. Anything else (``TRUE``,
    ``"31/02/2024"``, ``"2024-07-22"``, serial 60) is BAD.

    Work per cell stays in C: one ``type()`` map, then each kind is converted
    as a block by numpy or pandas.

    Returns:
        ``(dates, status)``, both shaped like the 2-D input; ``dates`` is NaT
        wherever ``status`` is not OK.
    """
    cells = as_2d(values)
    flat = cells.ravel()
    dates = np.full(flat.shape, _NAT)
    status = np.full(flat.shape, BAD, dtype=np.int8)
    kinds = np.frompyfunc(type, 1, 1)(flat) if flat.size else flat

    is_none = kinds == type(None)
    status[is_none] = BLANK

    is_dt = (kinds == dt.datetime) | (kinds == pd.Timestamp)
    if is_dt.any():
        # pandas converts a block of datetimes ~15x faster than numpy's astype.
        block = pd.DatetimeIndex(list(flat[is_dt])).tz_localize(None)
        dates[is_dt] = block.to_numpy().astype("datetime64[D]")
        status[is_dt] = OK

    # numpy scalar types cannot be compared this way; they take the slow path below.
    is_num = (kinds == float) | (kinds == int)
    if is_num.any():
        nums = flat[is_num].astype(np.float64)
        d, s = serials_to_dates(nums, date1904=date1904)
        s[np.isnan(nums)] = BLANK  # pandas/numpy NaN is an empty cell, not a bad one
        dates[is_num], status[is_num] = d, s

    is_str = kinds == str
    if is_str.any():
        text = pd.Series(flat[is_str], dtype=object).str.strip()
        blank = (text == "").to_numpy()
        parsed = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce").to_numpy()
        d = parsed.astype("datetime64[D]")
        dates[is_str] = d
        status[is_str] = np.where(blank, BLANK, np.where(np.isnat(d), BAD, OK))

    # Rare kinds (date, datetime64, numpy scalars, bool, errors): one at a time.
    rest = np.flatnonzero(~(is_none | is_dt | is_num | is_str))
    for i in rest:
        dates[i], status[i] = _one(flat[i], date1904)
    return dates.reshape(cells.shape), status.reshape(cells.shape)


def is_js_null(value: Any) -> bool:
    """True for Pyodide's ``JsNull`` (JavaScript's null: an empty cell or a left-out argument in
    xlwings Lite). Matched by its type's name, as ``pyodide`` exists only inside Pyodide."""
    return type(value).__name__ == "JsNull"


def _one(value: Any, date1904: bool) -> tuple[np.datetime64, int]:
    if is_js_null(value):
        return _NAT, BLANK
    if isinstance(value, (bool, np.bool_)):
        return _NAT, BAD
    if isinstance(value, np.datetime64):
        return (value.astype("datetime64[D]"), OK) if not np.isnat(value) else (_NAT, BLANK)
    if value is pd.NaT:
        return _NAT, BLANK
    if isinstance(value, _DATE_TYPES):
        return np.datetime64(pd.Timestamp(value).date(), "D"), OK
    if isinstance(value, (np.integer, np.floating)):
        if np.isnan(value):
            return _NAT, BLANK
        d, s = serials_to_dates([float(value)], date1904=date1904)
        return d[0], int(s[0])
    return _NAT, BAD
