"""Elapsed working days, deadlines and the 45-day test against hand-checked dates.

Sources:
* docs/counting-rules.md "Worked examples" (start Mon 2024-07-22 and Sat 2024-07-20) and its
  conventions (start day is day 0; in time is elapsed <= 45; legacy counting is
  NETWORKDAYS(start, end) <= 45).
* Sat 2024-01-06 + 45 working days is Fri 2024-03-08 (not Mon 2024-03-11).
* Every other row was counted by hand on a 2024 calendar with the GOV.UK England
  and Wales bank holidays (1 Jan, 29 Mar, 1 Apr, 6 May, 27 May, 26 Aug, 25-26 Dec);
  the count is written beside each row.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from xladdin.core import get_calendar
from xladdin.core.workdays import (
    deadline,
    in_time,
    networkdays,
    timeliness,
    working_days_between,
)
from xladdin.errors import DateError

D = dt.date

# start, end, elapsed, NETWORKDAYS(start, end), why
PAIRS = [
    # Worked example (docs/counting-rules.md): 7 in July (23-31) + 21 in August (less 26 Aug) + 17 in September.
    (D(2024, 7, 22), D(2024, 9, 24), 45, 46, "deadline day: in time; legacy calls it late"),
    (D(2024, 7, 22), D(2024, 9, 25), 46, 47, "the day after the deadline: late"),
    (D(2024, 7, 22), D(2024, 9, 23), 44, 45, "the day before"),
    # Weekend start: Mon 22 Jul is day 1.
    (D(2024, 7, 20), D(2024, 7, 22), 1, 1, "Saturday start, Monday end"),
    (D(2024, 7, 20), D(2024, 9, 23), 45, 45, "Saturday start, deadline day"),
    (D(2024, 7, 20), D(2024, 9, 24), 46, 46, "Saturday start, a day late"),
    # Sat 2024-01-06 + 45 = Fri 2024-03-08 (18 in Jan, 21 in Feb, 1 Mar, 4-8 Mar).
    (D(2024, 1, 6), D(2024, 3, 8), 45, 45, "deadline Friday"),
    (D(2024, 1, 6), D(2024, 3, 9), 45, 45, "Saturday after a Friday deadline: still 45, in time"),
    (D(2024, 1, 6), D(2024, 3, 10), 45, 45, "Sunday after a Friday deadline: still 45"),
    (D(2024, 1, 6), D(2024, 3, 11), 46, 46, "Monday after: late"),
    # Same-day completions are 0.
    (D(2024, 7, 22), D(2024, 7, 22), 0, 1, "same day, a Monday"),
    (D(2024, 7, 20), D(2024, 7, 20), 0, 0, "same day, a Saturday"),
    (D(2024, 8, 26), D(2024, 8, 26), 0, 0, "same day, a bank holiday"),
    # Weekend and bank-holiday ends.
    (D(2024, 7, 22), D(2024, 7, 28), 4, 5, "Sunday end: 23-26 Jul"),
    (D(2024, 7, 22), D(2024, 8, 26), 24, 25, "bank-holiday end: 7 in July + 17 in August"),
    (D(2024, 7, 22), D(2024, 8, 27), 25, 26, "the day after the bank holiday"),
    # Bank-holiday start: Tue 27 Aug is day 1.
    (D(2024, 8, 26), D(2024, 8, 27), 1, 1, "bank-holiday start"),
    (D(2024, 8, 26), D(2024, 10, 28), 45, 45, "4 in Aug + 21 in Sep + 20 in Oct"),
    # Christmas: 25 and 26 Dec are off; 24 and 27 are working days.
    (D(2024, 12, 20), D(2024, 12, 27), 3, 4, "23, 24, 27 Dec"),
    (D(2024, 12, 24), D(2024, 12, 27), 1, 2, "only 27 Dec"),
    (D(2024, 12, 25), D(2024, 12, 26), 0, 0, "Christmas to Boxing Day"),
    (D(2024, 12, 31), D(2025, 1, 2), 1, 2, "New Year's Day is off"),
    # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr.
    (D(2024, 3, 28), D(2024, 4, 2), 1, 2, "Thursday to Tuesday over Easter"),
]

# start, n, deadline (the n-th working day after start), why
DEADLINES = [
    (D(2024, 7, 22), 45, D(2024, 9, 24), "worked example"),
    (D(2024, 7, 22), 46, D(2024, 9, 25), "the first late day"),
    (D(2024, 7, 20), 45, D(2024, 9, 23), "worked example: Saturday start"),
    (D(2024, 7, 21), 45, D(2024, 9, 23), "Sunday start: same as Saturday"),
    (D(2024, 1, 6), 45, D(2024, 3, 8), "Saturday start: not Mon 2024-03-11"),
    (D(2024, 1, 6), 46, D(2024, 3, 11), "46th day after a Friday deadline is the Monday"),
    (D(2024, 8, 26), 45, D(2024, 10, 28), "bank-holiday start"),
    (D(2024, 8, 23), 1, D(2024, 8, 27), "Friday + 1 skips the weekend and the bank holiday"),
    (D(2024, 12, 24), 1, D(2024, 12, 27), "Christmas Eve + 1"),
    (D(2024, 7, 22), 0, D(2024, 7, 22), "0 days: the start itself, as WORKDAY(start, 0)"),
    (D(2024, 7, 20), 0, D(2024, 7, 20), "0 days from a Saturday: still the start, as Excel"),
]


@pytest.mark.parametrize(("start", "end", "elapsed", "nwd", "why"), PAIRS)
def test_hand_checked_pairs(start, end, elapsed, nwd, why):
    assert working_days_between(start, end) == elapsed, why
    assert networkdays(start, end) == nwd, why
    assert in_time(start, end) is (elapsed <= 45)
    assert in_time(start, end, counting="legacy") is (nwd <= 45)


@pytest.mark.parametrize(("start", "n", "expected", "why"), DEADLINES)
def test_hand_checked_deadlines(start, n, expected, why):
    got = deadline(start, n)
    assert got == expected, why
    assert type(got) is dt.date


def test_domain_worked_example_corrected_and_legacy():
    start = D(2024, 7, 22)
    assert deadline(start) == D(2024, 9, 24)
    assert in_time(start, D(2024, 9, 24)) is True
    assert in_time(start, D(2024, 9, 25)) is False
    # The seed report's bug: NETWORKDAYS counts the start day, so 46 > 45 is "late".
    assert networkdays(start, D(2024, 9, 24)) == 46
    assert in_time(start, D(2024, 9, 24), counting="legacy") is False


def test_scalar_inputs_of_every_kind_agree():
    ends = [
        D(2024, 9, 24),
        dt.datetime(2024, 9, 24, 16, 35),  # a time part is ignored
        pd.Timestamp("2024-09-24 23:59"),
        np.datetime64("2024-09-24"),
        np.datetime64("2024-09-24T08:00:00", "ns"),
        "2024-09-24",
        "24/09/2024",
        "24/09/2024 16:35",
    ]
    for end in ends:
        assert working_days_between(D(2024, 7, 22), end) == 45, repr(end)
        assert working_days_between("22/07/2024", end) == 45, repr(end)


def test_text_dates_are_day_first_never_month_first():
    # 01/02/2024 is 1 February in the UK. pandas' own parser reads it as 2 January.
    assert working_days_between("01/02/2024", "05/02/2024") == 2  # Fri 2 and Mon 5 Feb
    assert deadline("06/01/2024") == D(2024, 3, 8)
    got = working_days_between(np.array(["01/02/2024", "2024-02-01", ""]), "2024-02-05")
    np.testing.assert_array_equal(got, [2.0, 2.0, np.nan])


def test_text_that_is_not_a_date_is_refused_by_name():
    with pytest.raises(DateError, match=r"^'31/02/2024' is not a date \(write dd/mm/yyyy or yyyy-mm-dd\)\.$"):
        working_days_between("31/02/2024", "2024-03-01")
    with pytest.raises(DateError, match=r"^'soon' is not a date"):
        in_time(["2024-07-22", "soon"], "2024-09-24")


# --- errors for scalars ------------------------------------------------------


def test_end_before_start_is_an_error_for_scalars():
    msg = r"^The end date 2024-09-24 is before the start date 2024-09-25: check the two dates\.$"
    with pytest.raises(DateError, match=msg):
        working_days_between(D(2024, 9, 25), D(2024, 9, 24))
    with pytest.raises(DateError, match=msg):
        networkdays(D(2024, 9, 25), D(2024, 9, 24))
    with pytest.raises(DateError, match=msg):
        in_time(D(2024, 9, 25), D(2024, 9, 24))
    with pytest.raises(DateError, match=msg):
        in_time(D(2024, 9, 25), D(2024, 9, 24), counting="legacy")


def test_blank_dates_are_errors_for_scalars():
    with pytest.raises(DateError, match=r"^The start date is blank\.$"):
        working_days_between(None, D(2024, 9, 24))
    with pytest.raises(DateError, match=r"^The end date is blank\.$"):
        working_days_between(D(2024, 9, 24), pd.NaT)
    with pytest.raises(DateError, match=r"^The end date is blank\.$"):
        in_time(D(2024, 9, 24), float("nan"))
    with pytest.raises(DateError, match=r"^The start date is blank: a deadline needs a start date\.$"):
        deadline(None)
    with pytest.raises(DateError, match=r"^The start date is blank: a deadline needs a start date\.$"):
        deadline(np.datetime64("NaT"))


def test_dates_outside_the_calendar_are_errors_for_scalars():
    with pytest.raises(
        DateError,
        match=r"^1949-12-01 to 2024-01-01 is outside the calendar \(1950-01-01 to 2100-12-31\)\.$",
    ):
        working_days_between(D(1949, 12, 1), D(2024, 1, 1))
    with pytest.raises(
        DateError,
        match=r"^Start 2100-12-01 is outside the calendar \(1950-01-01 to 2100-12-31\) or its deadline is\.$",
    ):
        deadline(D(2100, 12, 1))


def test_bad_counting_and_days_are_refused():
    with pytest.raises(DateError, match=r"^counting must be 'corrected' or 'legacy', not 'excel'\.$"):
        in_time(D(2024, 7, 22), D(2024, 9, 24), counting="excel")
    with pytest.raises(DateError, match=r"^The number of working days must be 0 or more, not -1\.$"):
        deadline(D(2024, 7, 22), -1)


# --- arrays ------------------------------------------------------------------


def test_arrays_give_nan_and_na_for_missing_and_reversed_pairs():
    start = np.array(["2024-07-22", "2024-09-25", "NaT", "2024-07-22"], dtype="datetime64[D]")
    end = np.array(["2024-09-24", "2024-09-24", "2024-09-24", "NaT"], dtype="datetime64[D]")
    elapsed = working_days_between(start, end)
    assert elapsed.dtype == np.float64
    np.testing.assert_array_equal(elapsed, [45.0, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(networkdays(start, end), [46.0, np.nan, np.nan, np.nan])
    flags = in_time(start, end)
    assert str(flags.dtype) == "boolean"
    assert flags[0]
    assert [pd.isna(x) for x in flags] == [False, True, True, True]
    # The deadline needs only the start, so the open case (end NaT) still has one.
    np.testing.assert_array_equal(
        deadline(start),
        np.array(["2024-09-24", "2024-11-27", "NaT", "2024-09-24"], dtype="datetime64[D]"),
    )


def test_series_keep_their_index_and_nat():
    idx = pd.Index([101, 205, 309, 412], name="source_row")
    start = pd.Series(pd.to_datetime(["2024-07-22", "2024-07-20", None, "2024-12-20"]), index=idx)
    end = pd.Series(pd.to_datetime(["2024-09-25", "2024-09-23", "2024-09-01", "2024-12-19"]), index=idx)
    elapsed = working_days_between(start, end)
    assert elapsed.index.equals(idx)
    assert elapsed.tolist()[:2] == [46.0, 45.0] and elapsed.iloc[2:].isna().all()
    flags = in_time(start, end)
    assert flags.index.equals(idx)
    assert flags.dtype == "boolean"
    assert not flags.iloc[0] and flags.iloc[1]
    assert flags.iloc[2:].isna().all()
    legacy = in_time(start, end, counting="legacy")
    assert legacy.iloc[1]  # Saturday start: NETWORKDAYS is also 45
    due = deadline(start)
    assert due.index.equals(idx)
    assert due.tolist()[:2] == [pd.Timestamp("2024-09-24"), pd.Timestamp("2024-09-23")]
    assert pd.isna(due.iloc[2])
    assert due.iloc[3] == pd.Timestamp("2025-02-26")
    assert networkdays(start, end).index.equals(idx)


def test_scalar_start_with_array_of_ends_broadcasts():
    got = working_days_between(D(2024, 7, 22), [D(2024, 9, 24), D(2024, 9, 25), D(2024, 7, 1)])
    np.testing.assert_array_equal(got, [45.0, 46.0, np.nan])


def test_timeliness_reports_validity_and_deadline_dates():
    t = timeliness(
        np.array(["2024-07-22", "2024-07-20", "NaT"], dtype="datetime64[D]"),
        np.array(["2024-09-24", "NaT", "2024-09-24"], dtype="datetime64[D]"),
    )
    assert t.valid.tolist() == [True, False, False]
    assert t.start_ok.tolist() == [True, True, False]
    assert t.in_time.tolist() == [True, False, False]  # not valid is never counted in time
    assert t.deadline_dates().tolist() == [D(2024, 9, 24), D(2024, 9, 23), None]


def test_closure_days_count_as_non_working():
    cal = get_calendar(closures=[D(2024, 8, 1)])
    start = D(2024, 7, 22)
    assert working_days_between(start, D(2024, 9, 24), calendar=cal) == 44
    assert deadline(start, calendar=cal) == D(2024, 9, 25)
    assert in_time(start, D(2024, 9, 25), calendar=cal) is True
    assert in_time(start, D(2024, 9, 25)) is False  # the default calendar is unchanged


def test_scotland_changes_the_worked_example():
    # 26 Aug is a working day in Scotland, 5 Aug is not: the count over July-September
    # is the same, but a start after 5 Aug gains a day.
    sct = get_calendar("SCT")
    assert working_days_between(D(2024, 7, 22), D(2024, 9, 24), calendar=sct) == 45
    assert working_days_between(D(2024, 8, 22), D(2024, 8, 30), calendar=sct) == 6
    assert working_days_between(D(2024, 8, 22), D(2024, 8, 30)) == 5


def test_nanosecond_dates_with_times_are_floored_to_the_day_even_before_1970():
    # datetime64[ns] before the 1970 epoch is negative: truncating toward zero instead of
    # flooring would move 1969-12-31 12:00 to 1970-01-01. Hand count: Tue 30 and Wed 31 Dec
    # 1969; then Thu 1 and Fri 2 Jan 1970 (New Year's Day became an English bank holiday
    # only in 1974).
    start = pd.Series(pd.to_datetime(["1969-12-29 12:00", "1969-12-31 23:59"]), dtype="datetime64[ns]")
    end = pd.Series(pd.to_datetime(["1969-12-31 12:00", "1970-01-02 01:00"]), dtype="datetime64[ns]")
    assert working_days_between(start, end).tolist() == [2.0, 2.0]
    assert working_days_between(start[0], end[0]) == 2
