"""WORKDAYS45, WORKDAYSBETWEEN, WORKDAYSDUE called as plain Python (xlwings' decorators are no-ops here).

Hand-checked dates come from the worked examples of docs/counting-rules.md (start Mon 22/07/2024,
bank holiday Mon 26/08/2024, deadline Tue 24/09/2024; Sat
06/01/2024 + 45 working days is Fri 08/03/2024). Serial numbers: Excel shows
45495 as 22/07/2024 (1900 system; 45292 is 01/01/2024, +203 days) and 44033 in the
1904 system (1462 days less).
"""

from __future__ import annotations

import datetime as dt
import inspect
import random

import numpy as np
import pytest

from oracle import libreoffice_workdays, soffice_path
from xladdin.core import workdays
from xladdin.excel import udfs
from xladdin.excel.convert import BAD, BLANK, OK, serials_to_dates, to_dates
from xladdin.excel.udfs import WORKDAYS45, WORKDAYSBETWEEN, WORKDAYSDUE

D = dt.datetime


# --- conversion of what xlwings passes ----------------------------------------------


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1.0, "1900-01-01"),
        (59.0, "1900-02-28"),
        (61.0, "1900-03-01"),  # after the phantom 29/02/1900 serials agree with 30/12/1899 + n
        (45495.0, "2024-07-22"),
        (45495.75, "2024-07-22"),  # a time of day is dropped
        (2958465.0, "9999-12-31"),
    ],
)
def test_serials_1900_system_with_the_leap_year_quirk(serial, expected):
    dates, status = serials_to_dates([serial])
    assert status.tolist() == [OK]
    assert str(dates[0]) == expected


@pytest.mark.parametrize("serial", [60.0, 0.0, -1.0, 2958466.0, float("inf")])
def test_serials_that_are_not_dates_in_1900_system(serial):
    # 60 is Excel's fictitious 29/02/1900 (KB 214326): no real day to map it to.
    dates, status = serials_to_dates([serial])
    assert status.tolist() == [BAD]
    assert np.isnat(dates[0])


@pytest.mark.parametrize(
    ("serial", "expected"),
    [(0.0, "1904-01-01"), (59.0, "1904-02-29"), (60.0, "1904-03-01"), (44033.0, "2024-07-22")],
)
def test_serials_1904_system_have_no_quirk(serial, expected):
    dates, status = serials_to_dates([serial], date1904=True)
    assert status.tolist() == [OK]
    assert str(dates[0]) == expected


def test_to_dates_kinds_and_statuses():
    cells = [
        [D(2024, 7, 22), dt.date(2024, 7, 22), 45495.0, 45495],
        [" 22/07/2024 ", "2/7/2024", np.datetime64("2024-07-22"), np.float64(45495.0)],
        [None, "", "   ", float("nan")],
        ["31/02/2024", "2024-07-22", True, "x"],
    ]
    dates, status = to_dates(cells)
    assert status.tolist() == [[OK] * 4, [OK] * 4, [BLANK] * 4, [BAD] * 4]
    assert dates[0].astype(str).tolist() == ["2024-07-22"] * 4
    assert dates[1].astype(str).tolist() == ["2024-07-22", "2024-07-02", "2024-07-22", "2024-07-22"]


def test_to_dates_shapes():
    assert to_dates(D(2024, 1, 1))[0].shape == (1, 1)
    assert to_dates([D(2024, 1, 1), None, 3.0])[0].shape == (3, 1)  # flat list = one column
    assert to_dates([[1.0, 2.0, 3.0]])[0].shape == (1, 3)
    assert to_dates([])[0].shape == (0, 1)


# --- the three functions --------------------------------------------------------------


def test_worked_example_from_domain():
    start = D(2024, 7, 22)
    assert WORKDAYSDUE(start) == dt.date(2024, 9, 24)
    assert WORKDAYSBETWEEN(start, D(2024, 9, 24)) == 45
    assert WORKDAYS45(start, D(2024, 9, 24)) is True  # the 45th working day is in time
    assert WORKDAYS45(start, D(2024, 9, 25)) is False
    assert WORKDAYSDUE(D(2024, 7, 20)) == dt.date(2024, 9, 23)  # Saturday start
    assert WORKDAYSDUE(D(2024, 1, 6)) == dt.date(2024, 3, 8)  # Saturday start: not Mon 11/03
    assert WORKDAYSBETWEEN(start, start) == 0


def test_serial_numbers_and_text_give_the_same_answers_as_dates():
    assert WORKDAYS45(45495.0, 45559.0) is True  # 22/07/2024 -> 24/09/2024, day 45
    assert WORKDAYSBETWEEN("22/07/2024", 45560.0) == 46  # 25/09/2024
    assert WORKDAYSDUE("20/07/2024") == dt.date(2024, 9, 23)
    assert WORKDAYSDUE(45495.0, 10) == dt.date(2024, 8, 5)


def test_the_1904_system_is_read_from_the_calling_workbook():
    class Api:  # the COM Workbook's Date1904 property, reached as caller.sheet.book.api
        Date1904 = True

    class Caller:
        class sheet:
            class book:
                api = Api

    assert WORKDAYSDUE(44033.0, caller=Caller) == dt.date(2024, 9, 24)
    # The same number in the 1900 system is Tue 21/07/2020; +45 with the 31/08/2020 bank holiday.
    assert WORKDAYSDUE(44033.0) == dt.date(2020, 9, 23)


def test_2d_ranges_keep_their_shape_and_a_single_end_broadcasts():
    start = [[D(2024, 7, 22), D(2024, 7, 20)], ["22/07/2024", 45495.0]]
    end = [[D(2024, 9, 24)]]
    assert WORKDAYS45(start, end) == [[True, False], [True, True]]  # Saturday start: day 46
    assert WORKDAYSBETWEEN(start, end) == [[45, 46], [45, 45]]
    assert WORKDAYSDUE(start) == [
        [dt.date(2024, 9, 24), dt.date(2024, 9, 23)],
        [dt.date(2024, 9, 24), dt.date(2024, 9, 24)],
    ]
    # A flat list (a column without ndim=2) comes back as a column.
    assert WORKDAYS45([D(2024, 7, 22), D(2024, 7, 22)], [D(2024, 9, 24), D(2024, 9, 25)]) == [
        [True],
        [False],
    ]


def test_blanks():
    s = D(2024, 7, 22)
    # Still open, or an empty row below the data: empty cells, as xlwings writes None.
    assert WORKDAYS45(s, None) == ""
    assert WORKDAYS45(s, "") == ""
    assert WORKDAYSBETWEEN(None, None) == ""
    assert WORKDAYSDUE(None) == ""
    # An end date without a start is a data problem.
    assert WORKDAYS45(None, D(2024, 9, 24)) == "#DATE? start"


def test_bad_cells_give_short_text_for_that_cell_only():
    start = [
        [D(2024, 7, 22)],
        ["31/02/2024"],
        [True],
        [60.0],
        [D(1900, 3, 1)],
        [D(2024, 9, 25)],
        [D(2024, 7, 22)],
    ]
    end = [[D(2024, 9, 24)], [D(2024, 9, 24)], [D(2024, 9, 24)], [D(2024, 9, 24)], [D(2024, 9, 24)],
           [D(2024, 9, 24)], ["soon"]]  # fmt: skip
    assert WORKDAYS45(start, end) == [
        [True],
        ["#DATE? start"],
        ["#DATE? start"],
        ["#DATE? start"],
        ["#RANGE? start"],
        ["#END<START"],
        ["#DATE? end"],
    ]
    # xlwings passes error cells as their text (err_to_str=True): not a blank, not open.
    assert WORKDAYS45(D(2024, 7, 22), "#N/A") == "#DATE? end"
    assert WORKDAYSDUE([["x"], [D(2024, 7, 22)]], 46) == [["#DATE? start"], [dt.date(2024, 9, 25)]]


@pytest.mark.parametrize("days", [-1, 2.5, "ten", True, 5000])
def test_bad_number_of_days(days):
    assert WORKDAYSDUE([[D(2024, 7, 22)], [D(2024, 7, 23)]], days) == [["#DAYS?"], ["#DAYS?"]]


def test_mismatched_shapes():
    assert WORKDAYS45([[D(2024, 7, 22)], [D(2024, 7, 22)]], [[D(2024, 9, 24)]] * 3) == [["#SIZE?"]]


def test_closure_days_from_a_holidays_column_with_blanks():
    start = D(2024, 7, 22)
    holidays_sheet = [[D(2024, 9, 2)], [None], ["03/09/2024"], [""]]  # two local closure days
    assert WORKDAYSDUE(start, 45, holidays_sheet) == dt.date(2024, 9, 26)
    assert WORKDAYSBETWEEN(start, D(2024, 9, 24), holidays_sheet) == 43
    assert WORKDAYS45(start, D(2024, 9, 26), holidays_sheet) is True
    # The workbook's "closures" name has a description column: only the first column counts.
    named = [[D(2024, 9, 2), "INSET day"], [None, None], ["03/09/2024", "Office move"]]
    assert WORKDAYSDUE(start, 45, named) == dt.date(2024, 9, 26)
    assert WORKDAYS45([[start], [start]], [[D(2024, 9, 24)], [None]], [["not a date"]]) == [
        ["#DATE? closures"],
        ["#DATE? closures"],
    ]


def test_a_whole_range_is_one_call_of_the_engine(monkeypatch):
    calls = []
    real = workdays.timeliness

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(udfs, "timeliness", counting)
    start = [[D(2024, 1, 1) + dt.timedelta(days=i)] for i in range(1000)]
    end = [[D(2024, 4, 1) + dt.timedelta(days=i)] for i in range(1000)]
    assert len(WORKDAYS45(start, end)) == 1000
    assert len(WORKDAYSDUE(start)) == 1000
    assert len(calls) == 2


def test_udfs_have_no_annotations_and_wizard_sized_docstrings():
    # xlwings turns annotations into converters and cuts docstrings at 255 characters.
    for f in (WORKDAYS45, WORKDAYSBETWEEN, WORKDAYSDUE):
        assert inspect.get_annotations(f) == {}
        assert 40 < len(f.__doc__) <= 255


# --- LibreOffice's NETWORKDAYS/WORKDAY as an independent oracle --------------------------

# England & Wales bank holidays 2024-2025, typed from gov.uk/bank-holidays, plus one
# local closure day (Fri 27/12/2024) passed to our functions as the closures range.
BANK_HOLIDAYS = [
    dt.date(2024, 1, 1), dt.date(2024, 3, 29), dt.date(2024, 4, 1), dt.date(2024, 5, 6),
    dt.date(2024, 5, 27), dt.date(2024, 8, 26), dt.date(2024, 12, 25), dt.date(2024, 12, 26),
    dt.date(2025, 1, 1), dt.date(2025, 4, 18), dt.date(2025, 4, 21), dt.date(2025, 5, 5),
]  # fmt: skip
CLOSURE = dt.date(2024, 12, 27)


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) not installed")
def test_against_libreoffice_networkdays_and_workday(tmp_path):
    rng = random.Random(20241122)
    starts = [dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 366)) for _ in range(150)]
    # Hand-picked edges: weekend and bank-holiday starts, a start on the closure day.
    starts += [
        dt.date(2024, 7, 20),
        dt.date(2024, 8, 26),
        dt.date(2024, 3, 29),
        CLOSURE,
        dt.date(2024, 12, 24),
    ]
    pairs = [(s, s + dt.timedelta(days=rng.randrange(1, 90))) for s in starts]
    lo = libreoffice_workdays(pairs, BANK_HOLIDAYS + [CLOSURE], workdir=tmp_path)

    start = [[D(s.year, s.month, s.day)] for s, _ in pairs]
    end = [[e.strftime("%d/%m/%Y")] for _, e in pairs]  # text, as a CSV paste gives
    closures = [[CLOSURE], [None]]
    between = [row[0] for row in WORKDAYSBETWEEN(start, end, closures)]
    due = [row[0] for row in WORKDAYSDUE(start, 45, closures)]
    ok = [row[0] for row in WORKDAYS45(start, end, closures)]

    assert between == lo["elapsed"].tolist()  # NETWORKDAYS(start+1, end, H); all ends > starts
    assert due == lo["workday45"].tolist()  # WORKDAY(start, 45, H)
    # docs/counting-rules.md: in time <=> end < WORKDAY(start, 46, H).
    assert ok == [e < d46 for (_, e), d46 in zip(pairs, lo["workday46"], strict=True)]
    assert sum(ok) not in (0, len(ok))  # the sample has both answers
