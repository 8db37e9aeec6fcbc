"""The engine's fast paths (issue 5) against numpy, the independent implementation.

``timeliness()`` answers from per-start tables (``deadline_table``,
``in_time_table``) and computes each result only when it is read. These tests
pin that every path gives numpy's answer (elapsed is
``busday_count(s + 1, e + 1, holidays=H)``, the deadline is
``busday_offset(s, n, roll="backward", holidays=H)``), for pandas'
nanosecond dates and numpy's day dates, dates before 1970, missing dates, and
starts near the end of the calendar whose deadline falls outside it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from xladdin.core import get_calendar
from xladdin.core.workdays import timeliness

ONE = np.timedelta64(1, "D")


def _pairs(seed: int, n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = np.datetime64("1955-01-01") + rng.integers(0, 50_000, n).astype("timedelta64[D]")
    end = start + rng.integers(0, 120, n).astype("timedelta64[D]")
    return start, end


@pytest.mark.parametrize("region, closures", [("ENG", ()), ("SCT", (dt.date(2024, 12, 27),))])
@pytest.mark.parametrize("days", [0, 1, 45, 46])
@pytest.mark.parametrize("unit", ["D", "ns"])
def test_every_result_agrees_with_numpy(region, closures, days, unit):
    cal = get_calendar(region, closures)
    holidays = cal.non_working_dates()
    start, end = _pairs(days)
    elapsed = np.busday_count(start + ONE, end + ONE, holidays=holidays)
    networkdays = np.busday_count(start, end + ONE, holidays=holidays)
    # For 0 days the engine's deadline is the start itself (a backward roll would
    # move a weekend start to the Friday before).
    due = start if days == 0 else np.busday_offset(start, days, roll="backward", holidays=holidays)
    s, e = start.astype(f"datetime64[{unit}]"), end.astype(f"datetime64[{unit}]")
    # Read in_time first (its own table), then again after elapsed (the other path).
    for counting, count in (("corrected", elapsed), ("legacy", networkdays)):
        first = timeliness(s, e, days, counting=counting, calendar=cal)
        assert np.array_equal(first.in_time, count <= days)
        second = timeliness(s, e, days, counting=counting, calendar=cal)
        assert np.array_equal(second.elapsed, elapsed)
        assert np.array_equal(second.networkdays, networkdays)
        assert np.array_equal(second.in_time, count <= days)
        assert np.array_equal(second.deadline_dates(), due.astype("datetime64[D]"))
        assert second.elapsed.dtype == second.deadline.dtype == np.int64


def test_missing_reversed_and_out_of_calendar_pairs_are_not_valid():
    cal = get_calendar()
    start = pd.Series(
        pd.to_datetime(["2024-07-22", None, "2024-07-22", "2100-12-01", "1949-12-31", "1969-12-24"])
    )
    end = pd.Series(
        pd.to_datetime(["2024-09-24", "2024-09-24", None, "2100-12-20", "1950-01-05", "1969-12-29"])
    )
    t = timeliness(start, end, calendar=cal)
    # 2100-12-01 + 45 working days is past 2100-12-31, the calendar's last day.
    assert t.valid.tolist() == [True, False, False, False, False, True]
    assert t.start_ok.tolist() == [True, False, True, False, False, True]
    assert t.in_time.tolist() == [True, False, False, False, False, True]
    # Before 1970 (negative nanoseconds): Wed 1969-12-24 to Mon 1969-12-29, with
    # Christmas Day and Boxing Day (Thu, Fri) off, is 1 elapsed.
    assert int(t.elapsed[5]) == 1


def test_tables_are_built_once_per_number_of_days():
    cal = get_calendar()
    assert cal.deadline_table(45)[0] is cal.deadline_table(45)[0]
    assert cal.in_time_table(45) is not cal.in_time_table(45, legacy=True)
    # Worked example (docs/counting-rules.md): start Mon 2024-07-22, deadline Tue 2024-09-24;
    # in time up to the day before the 46th working day, Wed 2024-09-25.
    i = (dt.date(2024, 7, 22) - cal.first).days
    assert cal.first + dt.timedelta(days=int(cal.deadline_table(45)[0][i])) == dt.date(2024, 9, 24)
    assert cal.first + dt.timedelta(days=int(cal.in_time_table(45)[i])) == dt.date(2024, 9, 25)
    # Legacy counting counts the working start day, so its cut-off is a day earlier.
    assert cal.first + dt.timedelta(days=int(cal.in_time_table(45, legacy=True)[i])) == dt.date(2024, 9, 24)


def test_the_callers_arrays_are_never_written_to():
    # The engine gathers with a view of datetime64[D] input (no copy): it must not write to it.
    start = np.array(["2024-07-22", "NaT", "1900-01-01", "1969-12-24"], dtype="datetime64[D]")
    end = np.array(["2024-09-25", "2024-09-24", "2024-09-24", "1969-12-29"], dtype="datetime64[D]")
    before = (start.copy(), end.copy())
    start.flags.writeable = end.flags.writeable = False  # a write would raise
    t = timeliness(start, end)
    assert t.in_time.tolist() == [False, False, False, True]  # 46 elapsed: late
    assert t.elapsed[0] == 46 and t.deadline_dates()[0] == np.datetime64("2024-09-24")
    assert np.array_equal(start, before[0], equal_nan=True)
    assert np.array_equal(end, before[1])
