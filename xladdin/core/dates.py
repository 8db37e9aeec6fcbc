"""Dates as UK exports write them: one parser for a column of an extract and for a single value.

The convention that causes mistakes: a date is **day-first, never month-first**.
``03/04/2024`` is 3 April 2024, and ``09/27/2024`` is not a date (there is no
month 27). Everything that reads a date (the extract readers, closure-day files
and cells, ``--extract-date``, ``xladdin workdays``, the Settings sheet) calls
:func:`parse_date_column` or :func:`parse_date`, so they all read the same forms:

==============================  ============================================
written                         read as
==============================  ============================================
``02/09/2024``, ``2/9/2024``    2 September 2024 (also with ``-`` or ``.``)
``2024-09-02``, ``2024/09/02``  2 September 2024 (ISO, year first)
``2 Sep 2024``, ``2-Sep-2024``  2 September 2024 (``Sept``, ``September`` too)
any of these with a time part   the date; the time is ignored
(``27/09/2024 10:11``,
``2024-09-27T10:11:00``)
a real date (xlsx cell)         that date
an Excel serial number          the date Excel shows (day 0 is 1899-12-30)
blank, spaces, ``NULL``         blank (SQL exports write ``NULL``)
==============================  ============================================

Refused, each with its own reason (see :data:`REASONS`): a **two-digit year**
(``02/09/24``: xladdin does not guess the century; write the year in full), a
date before 1950 or after 2099 (outside the working-day calendar), an Excel
error value (``#N/A``, ``#VALUE!``...), and anything else.

Each distinct value is parsed once, with vectorised pandas steps, so a million
rows of a few thousand distinct dates take milliseconds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from xladdin.errors import DateError

#: The years a date may fall in: the working-day calendar's (``core.calendar``) less its last year,
#: so that a deadline 45 working days on still lies inside it.
FIRST_YEAR = 1950
LAST_YEAR = 2099
DEFAULT_FORMAT = "%d/%m/%Y"

# Reason codes, per row, returned by parse_date_column (0: a date, or blank).
OK = 0
NOT_A_DATE = 1
TWO_DIGIT_YEAR = 2
OUT_OF_RANGE = 3
ERROR_VALUE = 4
NO_SAVED_VALUE = 5  # set by the xlsx reader: a formula cell saved without its value

#: What each reason code means, as the end of a sentence that starts with the value.
REASONS = {
    NOT_A_DATE: "is not a date (write it as dd/mm/yyyy or yyyy-mm-dd)",
    TWO_DIGIT_YEAR: "has a two-digit year; xladdin does not guess the century "
    "(write the year in full, e.g. 02/09/2024)",
    OUT_OF_RANGE: f"is outside the years {FIRST_YEAR} to {LAST_YEAR} that the working-day calendar covers",
    ERROR_VALUE: "is an Excel error value, not a date",
    NO_SAVED_VALUE: "is a formula saved without its value (open the file in Excel, let it "
    "calculate and save it again, or paste the dates as values)",
}

#: Excel's error values, as a cell or a CSV shows them.
ERROR_VALUES = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)
BLANK_WORDS = frozenset({"", "null"})

_MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_TIME = r"(?:(?:\s+|T)\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
#: The shapes, tried in this order; each captures day, month (number or name) and year.
_SHAPES = (
    ("dmy", rf"^(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}}|\d{{2}}){_TIME}$"),
    ("ymd", rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$"),
    ("dmony", rf"^(?P<d>\d{{1,2}})[\s-]+(?P<m>[A-Za-z]{{3,9}})\.?[\s,-]+(?P<y>\d{{4}}|\d{{2}}){_TIME}$"),
)


def parse_date_column(
    values: Any, *, date_format: str = DEFAULT_FORMAT, serials: bool = False
) -> tuple[Any, np.ndarray]:
    """Parse a column of dates as extracts write them; return ``(dates, reasons)``.

    Args:
        values: a pandas Series (text, categorical, real dates, numbers) or any sequence.
        date_format: the extract's own text format, tried first (a column mapping may set
            it); the other forms in the module docstring are tried after it. Day-first
            ``dd/mm/yyyy`` forms are tried only when ``date_format`` is itself day-first.
        serials: read numbers as Excel serial dates (spreadsheet cells); otherwise a
            number is not a date.

    Returns:
        ``dates``: a ``datetime64[ns]`` Series aligned with ``values`` (NaT when blank
        or refused); ``reasons``: an ``int8`` array, 0 for a date or a blank, else a key
        of :data:`REASONS`.
    """
    import pandas as pd

    if not isinstance(values, pd.Series):
        values = pd.Series(list(values), dtype=object)
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = pd.Series(values.cat.categories.astype(object), dtype=object)
        cat_dates, cat_why = parse_date_column(cats, date_format=date_format, serials=serials)
        return _spread(values.cat.codes.to_numpy(), cat_dates.to_numpy(), cat_why, values.index)
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    u_dates, u_why = _parse_uniques(pd.Series(uniques, dtype=object), date_format, serials)
    return _spread(codes, u_dates, u_why, values.index)


def _spread(codes: np.ndarray, u_dates: np.ndarray, u_why: np.ndarray, index: Any) -> tuple[Any, np.ndarray]:
    """Per-row results from per-distinct-value results (code -1: missing, a blank)."""
    import pandas as pd

    has = codes >= 0
    dates = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    why = np.zeros(len(codes), dtype=np.int8)
    if len(u_dates):
        dates[has] = np.asarray(u_dates, dtype="datetime64[ns]")[codes[has]]
        why[has] = np.asarray(u_why, dtype=np.int8)[codes[has]]
    return pd.Series(dates, index=index), why


def _parse_uniques(u: Any, date_format: str, serials: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct value once: real dates, numbers, then text (vectorised over the texts)."""
    import pandas as pd

    dates = np.full(len(u), np.datetime64("NaT"), dtype="datetime64[ns]")
    why = np.zeros(len(u), dtype=np.int8)
    if pd.api.types.infer_dtype(u, skipna=False) == "string":
        kinds = np.full(len(u), "text", dtype=object)  # the usual case: no per-value look
    else:
        kinds = u.map(_kind).to_numpy(dtype=object)
    values = u.to_numpy(dtype=object)
    for i in np.flatnonzero(kinds == "date"):
        v = values[i]
        if (type(v) is dt.date or (type(v) is dt.datetime and v.tzinfo is None)) and 1700 < v.year < 2200:
            # A spreadsheet's date cell (a few thousand distinct a sheet): its day, as the
            # Timestamp below gives it, without building one (years nanoseconds hold).
            dates[i] = _EPOCH_NS + np.timedelta64(v.toordinal() - _EPOCH_ORDINAL, "D")
        else:
            dates[i] = np.datetime64(pd.Timestamp(v).normalize().to_datetime64(), "ns")
    for i in np.flatnonzero(kinds == "number"):
        v = float(u.iat[i])
        if v != v:  # NaN: an empty cell
            continue
        if serials and 60 < v < 2958466:
            # Excel's day 0 is 1899-12-30 (its 1900 leap-year bug absorbed); serials > 60 only.
            dates[i] = np.datetime64("1899-12-30", "ns") + np.timedelta64(int(v), "D")
        else:
            why[i] = NOT_A_DATE
    why[kinds == "other"] = NOT_A_DATE
    text = np.flatnonzero(kinds == "text")
    if len(text):
        t_dates, t_why = _parse_text(u.iloc[text].astype(str), date_format)
        dates[text], why[text] = t_dates, t_why
    # The calendar's years only: 0024-09-02 or 2204-09-02 is a slip, not a date to count.
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    outside = ~np.isnat(dates) & ((years < FIRST_YEAR) | (years > LAST_YEAR))
    dates[outside] = np.datetime64("NaT")
    why[outside] = OUT_OF_RANGE
    return dates, why


_EPOCH_NS = np.datetime64("1970-01-01", "ns")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _kind(v: Any) -> str:
    if isinstance(v, str):
        return "text"
    if isinstance(v, (dt.date, np.datetime64)) or type(v).__name__ == "Timestamp":
        return "date" if not _is_nat(v) else "blank"
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        return "number"
    return "blank" if v is None else "other"


def _is_nat(v: Any) -> bool:
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return False


def _parse_text(text: Any, date_format: str) -> tuple[np.ndarray, np.ndarray]:
    """Texts (a pandas Series of str) -> dates and reasons, vectorised."""
    import pandas as pd

    dates = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    why = np.full(len(text), NOT_A_DATE, dtype=np.int8)
    todo = np.ones(len(text), dtype=bool)
    # Exact formats first, on the text as it is (most values); only what is left is tidied.
    for fmt in _fast_formats(text, todo, date_format):
        # pandas' own strptime in C: fast when the format fits, slow per value that fails,
        # so the formats a sample shows are tried first and the odd ones go to the regexes.
        idx = np.flatnonzero(todo)
        got = pd.to_datetime(text.iloc[idx], format=fmt, errors="coerce").to_numpy(dtype="datetime64[D]")
        ok = ~np.isnat(got)
        dates[idx[ok]], why[idx[ok]] = got[ok].astype("datetime64[ns]"), OK
        todo[idx[ok]] = False
        if not todo.any():
            return dates, why
    left = np.flatnonzero(todo)
    t = pd.Series(text.iloc[left].to_numpy(dtype=object), dtype=object)
    t = t.str.replace("\xa0", " ", regex=False).str.strip()
    blank = t.str.casefold().isin(BLANK_WORDS).to_numpy()
    why[left[blank]] = OK
    error = t.str.upper().isin(ERROR_VALUES).to_numpy()
    why[left[error]] = ERROR_VALUE
    sub_dates, sub_why = _parse_shapes(t, ~blank & ~error, date_format)
    keep = ~blank & ~error
    dates[left[keep]], why[left[keep]] = sub_dates[keep], sub_why[keep]
    return dates, why


def _parse_shapes(t: Any, todo: np.ndarray, date_format: str) -> tuple[np.ndarray, np.ndarray]:
    """The forms of the module docstring, by regex, on tidied texts."""
    import pandas as pd

    todo = todo.copy()
    dates = np.full(len(t), np.datetime64("NaT"), dtype="datetime64[ns]")
    why = np.full(len(t), NOT_A_DATE, dtype=np.int8)
    day_first = date_format.find("%d") < date_format.find("%m")
    for name, pattern in _SHAPES:
        if not todo.any():
            break
        if name == "dmy" and not day_first:
            continue
        idx = np.flatnonzero(todo)
        parts = t.iloc[idx].str.extract(pattern)
        matched = parts["y"].notna().to_numpy()
        if not matched.any():
            continue
        parts, idx = parts[matched], idx[matched]
        todo[idx] = False
        two = (parts["y"].str.len() == 2).to_numpy()
        why[idx[two]] = TWO_DIGIT_YEAR
        parts, idx = parts[~two], idx[~two]
        year = pd.to_numeric(parts["y"], errors="coerce")
        outside = ((year < FIRST_YEAR) | (year > LAST_YEAR)).to_numpy()
        why[idx[outside]] = OUT_OF_RANGE
        parts, idx, year = parts[~outside], idx[~outside], year[~outside]
        month = parts["m"] if name != "dmony" else parts["m"].str.casefold().map(_MONTHS)
        built = pd.to_datetime(
            pd.DataFrame(
                {
                    "year": year,
                    "month": pd.to_numeric(month, errors="coerce"),
                    "day": pd.to_numeric(parts["d"], errors="coerce"),
                }
            ),
            errors="coerce",
        ).to_numpy(dtype="datetime64[ns]")
        ok = ~np.isnat(built)
        dates[idx[ok]], why[idx[ok]] = built[ok], OK
    return dates, why


def _fast_formats(t: Any, todo: np.ndarray, date_format: str) -> list[str]:
    """The exact formats worth a vectorised try, the commonest in a sample first.

    Few values (the distinct dates of a column are usually a few thousand): only the
    extract's own format; the regexes read the rest quickly. Many (date-times, each
    distinct): every exact format that a sample of 500 values shows.
    """
    import pandas as pd

    if int(todo.sum()) <= 20_000:
        return [date_format]
    candidates = [date_format, *(f"{date_format}{time}" for time in _FAST_TIMES[:2]), *_FAST_ISO]
    idx = np.flatnonzero(todo)
    sample = t.iloc[idx[:: max(1, len(idx) // 500)]]
    hits = {fmt: int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum()) for fmt in candidates}
    return [fmt for fmt in sorted(candidates, key=lambda f: -hits[f]) if hits[fmt]]


#: What :func:`parse_date` reads without pandas: ASCII digits only (``\d`` matches other scripts' too).
_PLAIN = re.compile(
    r"(?:(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"
    r"|(?P<y2>[0-9]{4})-(?P<m2>[0-9]{1,2})-(?P<d2>[0-9]{1,2}))\Z"
)
_FAST_TIMES = (" %H:%M", " %H:%M:%S")
_FAST_ISO = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
)


def parse_date(value: Any, *, what: str = "") -> dt.date:
    """One date, read exactly as :func:`parse_date_column` reads a cell of an extract.

    Args:
        value: text in any form of the module docstring, or a real date.
        what: how the value is named in the message (e.g. ``"--extract-date"``).

    Raises:
        DateError: the value is blank or not a date; the message says why and how to write it.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    label = f"{what}: " if what else ""
    plain = _PLAIN.match(value) if isinstance(value, str) else None
    if plain:
        # A plain dd/mm/yyyy or yyyy-mm-dd (what people type: ``xladdin workdays 02/09/2024 ...``),
        # read without pandas, by the rule of _parse_shapes: the year's range first, then the day.
        # tests/test_dates.py checks that it agrees with parse_date_column.
        d, m, y = plain.group("d", "m", "y") if plain["d"] else plain.group("d2", "m2", "y2")
        code = OUT_OF_RANGE if not FIRST_YEAR <= int(y) <= LAST_YEAR else OK
        if code == OK:
            try:
                return dt.date(int(y), int(m), int(d))
            except ValueError:
                code = NOT_A_DATE
        raise DateError(f"{label}{_shown(value)} {REASONS[code]}.")
    dates, why = parse_date_column([value])
    if why[0] != OK:
        raise DateError(f"{label}{_shown(value)} {REASONS[int(why[0])]}.")
    if dates.isna().iloc[0]:
        raise DateError(f"{label}no date given: write it as dd/mm/yyyy or yyyy-mm-dd.")
    return dates.iloc[0].date()


def parse_dates(values: Iterable[Any], *, what: str = "") -> list[dt.date | None]:
    """Several single values at once (blank -> None); raises on the first one that is not a date.

    Raises:
        DateError: naming the position (1-based) and the value.
    """
    items = list(values)
    dates, why = parse_date_column(items)
    for n, code in enumerate(why, start=1):
        if code != OK:
            label = f"{what} {n}: " if what else ""
            raise DateError(f"{label}{_shown(items[n - 1])} {REASONS[int(code)]}.")
    return [None if d is None or d != d else d.date() for d in dates.tolist()]


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else repr(str(value))
    return text if len(text) <= 60 else text[:57] + "...'"
