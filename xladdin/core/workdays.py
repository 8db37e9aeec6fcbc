"""Elapsed working days, deadlines and the 45-working-day test.

The conventions (``docs/counting-rules.md``):

* **elapsed**: working days ``d`` with ``start < d <= end``. The start day is
  day 0, so a same-day completion is 0. Excel: ``NETWORKDAYS(start+1, end, H)``.
* **deadline**: the n-th working day after ``start``. Excel: ``WORKDAY(start, n, H)``.
* **in time** (corrected counting): ``elapsed <= n``. Completion *on* the 45th
  working day is in time; a Saturday completion after a Friday deadline is
  still 45 elapsed, so also in time.
* **legacy counting** reproduces the seed report's bug: ``NETWORKDAYS(start,
  end) <= n``, which counts the start day and so marks final-day completions
  late. It exists so that restated figures can be explained.

Every function takes scalars (date, datetime, pandas Timestamp,
numpy datetime64) or arrays (lists, numpy arrays, pandas Series/Index).

* Scalars give scalars, and a missing date or an end before the start raises
  :class:`~xladdin.errors.DateError`.
* Arrays give arrays of the same shape (a Series keeps its index). A missing
  date, an end before its start or a date outside the calendar gives NaN
  (elapsed), NaT (deadline) or <NA> (in time); the validators in
  ``quality.py`` list those rows with a reason.

All arithmetic is two or three gathers from the calendar's precomputed tables
(``calendar.py``), so a million pairs take milliseconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from typing import Any, Literal

import numpy as np

from xladdin.core.calendar import WorkingCalendar, get_calendar
from xladdin.errors import DateError

Counting = Literal["corrected", "legacy"]
COUNTINGS = ("corrected", "legacy")
_NS_PER_DAY = 86_400_000_000_000


class Timeliness:
    """Everything about a set of (start, end) pairs, computed from the dates' day numbers.

    Each result is computed the first time it is read, and kept: the measures
    read only ``valid`` and ``in_time`` and so never pay for ``elapsed`` or
    ``networkdays``. Every result is one gather from the calendar's precomputed
    tables (``calendar.py``) plus at most one subtraction or comparison.

    Attributes:
        elapsed: working days after start up to end (int64; meaningless where not valid).
        networkdays: Excel ``NETWORKDAYS(start, end)``, the legacy count (int64).
        deadline: day index (from ``calendar.base``) of the n-th working day after start (int64).
        in_time: elapsed <= n (corrected) or networkdays <= n (legacy); False where not valid.
        valid: both dates present, inside the calendar, the deadline inside it too, and end >= start.
        start_ok: start present and inside the calendar, and its deadline too.
        calendar: the calendar used.
    """

    def __init__(
        self,
        s: np.ndarray,
        e: np.ndarray,
        s_ok: np.ndarray,
        e_ok: np.ndarray,
        all_ok: bool,
        days: int,
        counting: Counting,
        calendar: WorkingCalendar,
    ) -> None:
        # s and e are day numbers (days since 1970-01-01), each inside the calendar:
        # a missing or out-of-range date was replaced by 1970-01-01 and is False in
        # s_ok or e_ok. Gathers use the calendar's by-day tables (calendar.by_day).
        self._s, self._e = s, e
        self.start_ok = s_ok
        self._e_ok = e_ok
        self._all_ok = all_ok
        self.days = days
        self.counting = counting
        self.calendar = calendar

    @functools.cached_property
    def valid(self) -> np.ndarray:
        if self._all_ok:  # the usual case: every date present and in range
            return np.asarray(self._e >= self._s)
        return self.start_ok & self._e_ok & (self._e >= self._s)

    @functools.cached_property
    def elapsed(self) -> np.ndarray:
        upto = self.calendar.by_day(self.calendar.upto)
        out = _take(upto, self._e)
        # In place: one 8-byte array per million pairs is allocated, not two.
        return np.subtract(out, _take(upto, self._s), out=out)

    @functools.cached_property
    def networkdays(self) -> np.ndarray:
        # NETWORKDAYS(s, e) counts the start day too when it is a working day.
        return self.elapsed + _take(self.calendar.by_day(self.calendar.working), self._s)

    @functools.cached_property
    def deadline(self) -> np.ndarray:
        table, _ = self.calendar.deadline_table(self.days)
        return _take(self.calendar.by_day(table), self._s)

    @functools.cached_property
    def in_time(self) -> np.ndarray:
        days = self.days
        if self.counting == "corrected" and "elapsed" in self.__dict__:
            hit = np.asarray(self.elapsed <= days)
        elif self.counting == "legacy" and "networkdays" in self.__dict__:
            hit = np.asarray(self.networkdays <= days)
        else:
            # elapsed <= n  <=>  end is before the (n + 1)-th working day after start:
            # one gather and one comparison, no elapsed needed.
            cal = self.calendar
            table = cal.in_time_table(days, legacy=self.counting == "legacy", by_day=True)
            hit = np.asarray(self._e < _take(table, self._s))
        return np.logical_and(hit, self.valid, out=hit)

    def deadline_dates(self) -> np.ndarray:
        """Deadlines as ``datetime64[D]``, NaT where the start is missing."""
        out = self.calendar.base + self.deadline.astype("timedelta64[D]")
        return np.where(self.start_ok, out, np.datetime64("NaT", "D"))


def _take(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    # take() of a 0-d index gives a numpy scalar; keep 0-d arrays so that out= works.
    # mode="raise" (the default) lets negative day numbers (before 1970) wrap to the
    # end of a by-day table, which is where calendar.by_day puts them.
    return np.asarray(table.take(idx))


def _loaded_pandas() -> Any:
    """pandas if something has imported it, else None.

    A value cannot be a pandas object before pandas is imported, so the scalar
    path (``xladdin workdays``, which must start fast) never imports it; the
    array results that are pandas objects import it where they are made.
    """
    return sys.modules.get("pandas")


def _day_numbers(values: Any) -> np.ndarray:
    """Days since 1970-01-01 as int64 (NaT is int64's minimum). May be a view of ``values``."""
    pd = _loaded_pandas()
    if pd is not None and isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        try:
            arr = arr.astype("datetime64[D]")
        except (TypeError, ValueError):
            arr = _parse_text_dates(arr.ravel()).reshape(arr.shape)
    if arr.dtype == np.dtype("datetime64[ns]"):
        # pandas' unit. floor_divide is ~4x faster than astype("datetime64[D]") and
        # floors the same way (days before 1970 included); NaT stays far out of range.
        return np.asarray(np.floor_divide(arr.view(np.int64), _NS_PER_DAY))
    if arr.dtype != np.dtype("datetime64[D]"):
        arr = arr.astype("datetime64[D]")
    return arr.view(np.int64)  # no copy: the engine never writes to it


def _in_range(days: np.ndarray, first: int, stop: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Day numbers in ``[first, stop)``; out-of-range ones (and NaT) replaced by 0 (1970-01-01)."""
    ok = np.asarray(days >= first)
    ok &= days < stop
    if ok.all():
        return days, ok, True
    return np.where(ok, days, 0), ok, False


def timeliness(
    start: Any,
    end: Any,
    days: int = 45,
    *,
    counting: Counting = "corrected",
    calendar: WorkingCalendar | None = None,
) -> Timeliness:
    """Elapsed days, legacy count, deadline and in-time flag for arrays of pairs.

    This is the vectorised engine behind every other function here. ``end``
    may be all NaT (open assessments): the deadline is still computed.
    Results are computed when first read (see :class:`Timeliness`).
    """
    cal = calendar or get_calendar()
    if counting not in COUNTINGS:
        raise DateError(f"counting must be 'corrected' or 'legacy', not {counting!r}.")
    if days < 0:
        raise DateError(f"The number of working days must be 0 or more, not {days}.")
    _, limit = cal.deadline_table(days)
    # A start counts only if its deadline is inside the calendar too.
    s, s_ok, s_all = _in_range(_day_numbers(start), cal.base_day, cal.base_day + limit)
    e, e_ok, e_all = _in_range(_day_numbers(end), cal.base_day, cal.base_day + cal.size)
    s, e, s_ok, e_ok = np.broadcast_arrays(s, e, s_ok, e_ok)
    return Timeliness(s, e, s_ok, e_ok, s_all and e_all, days, counting, cal)


def working_days_between(start: Any, end: Any, *, calendar: WorkingCalendar | None = None) -> Any:
    """Working days after ``start`` up to and including ``end``.

    The start day is day 0, so a same-day completion is 0 and a completion on
    the 45th working day after the start is 45 (in time). Matches Excel's
    ``NETWORKDAYS(start+1, end, holidays)`` for ``end > start``.

    Returns an ``int`` for scalars; for arrays, float64 with NaN where a date
    is missing or the end is before the start.
    """
    if _is_scalar(start) and _is_scalar(end):
        t = _scalar_pair(start, end, calendar)
        return int(t.elapsed[()])
    t = timeliness(start, end, calendar=calendar)
    return _wrap(np.where(t.valid, t.elapsed, np.nan), start, end)


def networkdays(start: Any, end: Any, *, calendar: WorkingCalendar | None = None) -> Any:
    """Excel's ``NETWORKDAYS(start, end, holidays)``: working days from start to end inclusive.

    This counts the start day, which is the seed report's bug when compared
    with 45 (see :func:`in_time` with ``counting="legacy"``).
    """
    if _is_scalar(start) and _is_scalar(end):
        t = _scalar_pair(start, end, calendar)
        return int(t.networkdays[()])
    t = timeliness(start, end, calendar=calendar)
    return _wrap(np.where(t.valid, t.networkdays, np.nan), start, end)


def deadline(start: Any, days: int = 45, *, calendar: WorkingCalendar | None = None) -> Any:
    """The ``days``-th working day after ``start`` (Excel's ``WORKDAY(start, days, holidays)``).

    A weekend or bank-holiday start counts from the next working day, which is
    day 1: start Sat 2024-07-20, day 1 is Mon 2024-07-22, deadline Mon 2024-09-23.
    (numpy's ``busday_offset`` needs ``roll="backward"`` to agree.)

    Returns a ``datetime.date`` for a scalar; ``datetime64[D]`` with NaT for arrays.
    """
    if _is_scalar(start):
        if _missing(start):
            raise DateError("The start date is blank: a deadline needs a start date.")
        t = timeliness(start, np.datetime64("NaT"), days, calendar=calendar)
        if not t.start_ok[()]:
            cal = t.calendar
            raise DateError(
                f"Start {_show(start)} is outside the calendar ({cal.first} to {cal.last}) "
                f"or its deadline is."
            )
        return t.deadline_dates()[()].item()
    t = timeliness(start, np.datetime64("NaT"), days, calendar=calendar)
    return _wrap(t.deadline_dates(), start)


def in_time(
    start: Any,
    end: Any,
    days: int = 45,
    *,
    counting: Counting = "corrected",
    calendar: WorkingCalendar | None = None,
) -> Any:
    """True if ``end`` is within ``days`` working days of ``start``.

    Corrected counting (the default) is ``elapsed <= days``: completion on the
    45th working day is in time. ``counting="legacy"`` is the seed report's
    ``NETWORKDAYS(start, end) <= days``, which calls final-day completions late.

    Returns a ``bool`` for scalars; a pandas nullable boolean array (or Series)
    with <NA> where a date is missing or the end is before the start.
    """
    if _is_scalar(start) and _is_scalar(end):
        t = _scalar_pair(start, end, calendar, days=days, counting=counting)
        return bool(t.in_time[()])
    import pandas as pd

    t = timeliness(start, end, days, counting=counting, calendar=calendar)
    flat = pd.array(t.in_time.ravel(), dtype="boolean")
    flat[~t.valid.ravel()] = pd.NA
    if isinstance(start, pd.Series) or isinstance(end, pd.Series):
        index = start.index if isinstance(start, pd.Series) else end.index
        return pd.Series(flat, index=index, name="in_time")
    return flat if t.in_time.ndim <= 1 else np.asarray(flat, dtype=object).reshape(t.in_time.shape)


# --- helpers -----------------------------------------------------------------


def _parse_text_dates(values: np.ndarray) -> np.ndarray:
    """Dates written as text: ``dd/mm/yyyy`` (UK, never month-first) or ISO ``yyyy-mm-dd``.

    pandas' own inference reads ``01/02/2024`` as 2 January, and with
    ``dayfirst=True`` reads ``2024-02-01`` as 2 January too, so each text is
    tried against the two formats explicitly. A time part is ignored; blanks
    are missing (NaT). Non-text values (dates, Timestamps, None) pass through.

    Raises:
        DateError: naming the text that is not a date.
    """
    out = np.full(values.shape, np.datetime64("NaT", "D"))
    for i, value in enumerate(values):
        if isinstance(value, str):
            text = value.strip()
            if not text:
                continue
            try:
                day = dt.datetime.strptime(text.split()[0], "%d/%m/%Y").date()
            except ValueError:
                try:
                    day = dt.datetime.fromisoformat(text).date()
                except ValueError:
                    raise DateError(
                        f"{str(value)!r} is not a date (write dd/mm/yyyy or yyyy-mm-dd)."
                    ) from None
            out[i] = np.datetime64(day, "D")
        elif not _missing(value):
            import pandas as pd

            out[i] = np.datetime64(pd.Timestamp(value).date(), "D")
    return out


def _is_nat(value: Any) -> bool:
    """pandas' NaT (only there if pandas is)."""
    pd = _loaded_pandas()
    return pd is not None and value is pd.NaT


def _is_scalar(value: Any) -> bool:
    # A pandas Timestamp is a datetime, so a dt.date.
    return (
        value is None
        or isinstance(value, (dt.date, str, np.datetime64))
        or (isinstance(value, float) and np.isnan(value))
        or _is_nat(value)
    )


def _missing(value: Any) -> bool:
    return (
        value is None
        or _is_nat(value)
        or (isinstance(value, float) and np.isnan(value))
        or (isinstance(value, np.datetime64) and np.isnat(value))
        or (isinstance(value, str) and not value.strip())
    )


def _show(value: Any) -> str:
    import pandas as pd  # for messages only

    try:
        return str(pd.Timestamp(value).date())
    except (TypeError, ValueError):
        return repr(value)


def _scalar_pair(
    start: Any,
    end: Any,
    calendar: WorkingCalendar | None,
    *,
    days: int = 45,
    counting: Counting = "corrected",
) -> Timeliness:
    if _missing(start):
        raise DateError("The start date is blank.")
    if _missing(end):
        raise DateError("The end date is blank.")
    t = timeliness(start, end, days, counting=counting, calendar=calendar)
    if not t.valid[()]:
        import pandas as pd  # for the message only

        cal = t.calendar
        s, e = _show(start), _show(end)
        if pd.Timestamp(end) < pd.Timestamp(start):
            raise DateError(f"The end date {e} is before the start date {s}: check the two dates.")
        raise DateError(f"{s} to {e} is outside the calendar ({cal.first} to {cal.last}).")
    return t


def _wrap(values: np.ndarray, *like: Any) -> Any:
    pd = _loaded_pandas()
    for obj in like:
        if pd is not None and isinstance(obj, pd.Series):
            return pd.Series(values, index=obj.index)
    return values
