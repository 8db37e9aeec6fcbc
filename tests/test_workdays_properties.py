"""Properties of the working-day engine (Hypothesis), and agreement with numpy.

The conventions under test (docs/counting-rules.md): elapsed is the working days d with
start < d <= end; the deadline is the n-th working day after start; in time is
elapsed <= 45, which is ``end < deadline(start, 46)`` -- not
``end <= deadline(start, 45)``: the two differ for a Saturday completion after
a Friday deadline, which is 45 elapsed and in time.

numpy is the second, independent implementation: elapsed is
``busday_count(start + 1, end + 1, holidays=H)`` and the deadline is
``busday_offset(start, n, roll="backward", holidays=H)``; the default forward
roll is a day late for weekend and bank-holiday starts.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.core import get_calendar
from xladdin.core.workdays import deadline, in_time, networkdays, working_days_between

CAL = get_calendar()
H = CAL.non_working_dates()
ONE = np.timedelta64(1, "D")
# No timing thresholds in tests (common.md): the machine is noisy, so no per-example deadline.
NO_DEADLINE = settings(deadline=None)

FIRST, LAST = dt.date(2015, 1, 1), dt.date(2030, 12, 31)
# Bank holidays and the days either side, so that starts and ends land on them often.
NEAR_HOLIDAYS = sorted(
    {d + dt.timedelta(days=k) for d in CAL.bank_holidays if FIRST <= d <= LAST for k in (-1, 0, 1)}
)

dates = st.one_of(st.dates(FIRST, LAST), st.sampled_from(NEAR_HOLIDAYS))
spans = st.integers(min_value=0, max_value=120)
counts = st.integers(min_value=1, max_value=120)


def pair(start: dt.date, span: int) -> tuple[dt.date, dt.date]:
    return start, start + dt.timedelta(days=span)


@NO_DEADLINE
@given(dates, spans)
def test_in_time_is_before_the_46th_working_day(start, span):
    start, end = pair(start, span)
    assert in_time(start, end) == (end < deadline(start, 46))


@NO_DEADLINE
@given(dates, spans)
def test_in_time_is_on_or_before_the_45th_only_for_working_day_ends(start, span):
    # The tempting test end <= deadline(start, 45) is wrong only for ends on non-working days.
    start, end = pair(start, span)
    if CAL.is_working_day(end):
        assert in_time(start, end) == (end <= deadline(start, 45))
    else:
        assert in_time(start, end) or end > deadline(start, 45)


@NO_DEADLINE
@given(dates, spans, spans)
def test_counts_over_split_ranges_add_up(a, ab, bc):
    b = a + dt.timedelta(days=ab)
    c = b + dt.timedelta(days=bc)
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)


@NO_DEADLINE
@given(dates, counts)
def test_deadline_is_the_nth_working_day(start, n):
    due = deadline(start, n)
    assert CAL.is_working_day(due)
    assert working_days_between(start, due) == n
    # ...and the first such day: the day before has only n - 1.
    assert working_days_between(start, due - dt.timedelta(days=1)) == n - 1


@NO_DEADLINE
@given(dates, spans)
def test_legacy_count_is_elapsed_plus_a_working_start(start, span):
    start, end = pair(start, span)
    assert networkdays(start, end) == working_days_between(start, end) + int(CAL.is_working_day(start))
    assert in_time(start, end, counting="legacy") == (networkdays(start, end) <= 45)


@NO_DEADLINE
@given(st.lists(st.tuples(dates, st.integers(min_value=-5, max_value=120)), max_size=40))
def test_scalar_and_vectorised_results_agree(rows):
    starts = [s for s, _ in rows]
    ends = [s + dt.timedelta(days=k) for s, k in rows]
    series_s = pd.Series(pd.to_datetime(starts), dtype="datetime64[ns]")
    series_e = pd.Series(pd.to_datetime(ends), dtype="datetime64[ns]")
    elapsed = working_days_between(series_s, series_e)
    legacy = networkdays(series_s, series_e)
    flags = in_time(series_s, series_e)
    due = deadline(series_s)
    for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
        assert due.iloc[i].date() == deadline(s)
        if e < s:  # scalars raise; arrays give NaN and <NA>
            assert np.isnan(elapsed.iloc[i]) and np.isnan(legacy.iloc[i])
            assert pd.isna(flags.iloc[i])
        else:
            assert elapsed.iloc[i] == working_days_between(s, e)
            assert legacy.iloc[i] == networkdays(s, e)
            assert flags.iloc[i] == in_time(s, e)


@NO_DEADLINE
@given(dates, spans)
def test_elapsed_agrees_with_numpy_busday_count(start, span):
    start, end = pair(start, span)
    s, e = np.datetime64(start, "D"), np.datetime64(end, "D")
    assert working_days_between(start, end) == np.busday_count(s + ONE, e + ONE, holidays=H)
    assert networkdays(start, end) == np.busday_count(s, e + ONE, holidays=H)


@NO_DEADLINE
@given(dates, counts)
def test_deadline_agrees_with_numpy_busday_offset(start, n):
    # n >= 1: for n == 0 a backward roll moves a weekend start to the Friday before,
    # while Excel's WORKDAY(start, 0) -- and the engine -- return the start itself.
    s = np.datetime64(start, "D")
    expected = np.busday_offset(s, n, roll="backward", holidays=H)
    assert np.datetime64(deadline(start, n), "D") == expected


@settings(max_examples=25, deadline=None)
@given(dates, spans, st.lists(st.dates(FIRST, LAST), max_size=8))
def test_closure_days_agree_with_numpy(start, span, closures):
    cal = get_calendar(closures=closures)
    holidays = cal.non_working_dates()
    start, end = pair(start, span)
    s, e = np.datetime64(start, "D"), np.datetime64(end, "D")
    assert working_days_between(start, end, calendar=cal) == np.busday_count(
        s + ONE, e + ONE, holidays=holidays
    )
    assert np.datetime64(deadline(start, calendar=cal), "D") == np.busday_offset(
        s, 45, roll="backward", holidays=holidays
    )


def test_a_hundred_thousand_seeded_pairs_agree_with_numpy_in_one_call():
    # The vectorised path over a large array, against numpy element by element.
    rng = np.random.default_rng(20241122)
    start = np.datetime64("1995-01-01") + rng.integers(0, 365 * 40, 100_000).astype("timedelta64[D]")
    end = start + rng.integers(0, 200, start.size).astype("timedelta64[D]")
    np.testing.assert_array_equal(
        working_days_between(start, end),
        np.busday_count(start + ONE, end + ONE, holidays=H).astype(float),
    )
    np.testing.assert_array_equal(deadline(start), np.busday_offset(start, 45, roll="backward", holidays=H))
    elapsed = np.busday_count(start + ONE, end + ONE, holidays=H)
    assert np.array_equal(np.asarray(in_time(start, end), dtype=bool), elapsed <= 45)
