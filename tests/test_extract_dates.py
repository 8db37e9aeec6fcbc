"""Dates: one parser for a value and a column; the extract date and the period a title states; the
reporting month an extract covers; the Settings 'Extract date' row and refresh (issues 9, 15)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xladdin.core.dates import (
    ERROR_VALUE,
    NOT_A_DATE,
    OK,
    OUT_OF_RANGE,
    REASONS,
    TWO_DIGIT_YEAR,
    parse_date,
    parse_date_column,
)
from xladdin.core.month import Month
from xladdin.demo import demo_paths
from xladdin.errors import DateError, ExtractError, WorkbookError
from xladdin.extracts import read_assessments
from xladdin.extracts.dates import check_month, latest_complete_month
from xladdin.extracts.spec import read_title
from xladdin.workbook.create import create_workbook
from xladdin.workbook.refresh import refresh
from xladdin.workbook.settings import Settings

D = dt.date

# Each form UK case systems write, read the same way (the module docstring of core/dates.py).
FORMS = [
    ("02/09/2024", D(2024, 9, 2)),
    ("2/9/2024", D(2024, 9, 2)),
    ("02-09-2024", D(2024, 9, 2)),
    ("02.09.2024", D(2024, 9, 2)),
    ("2024-09-02", D(2024, 9, 2)),
    ("2024/09/02", D(2024, 9, 2)),
    ("2-Sep-2024", D(2024, 9, 2)),
    ("2 Sep 2024", D(2024, 9, 2)),
    ("2 September 2024", D(2024, 9, 2)),
    ("02-SEPT-2024", D(2024, 9, 2)),
    ("27/09/2024 10:11", D(2024, 9, 27)),
    ("27/09/2024 10:11:59", D(2024, 9, 27)),
    ("2024-09-27T10:11:00", D(2024, 9, 27)),
    ("2024-09-27 10:11:00.000", D(2024, 9, 27)),
    ("2024-09-27T23:59:00+01:00", D(2024, 9, 27)),
    (" 02/09/2024\u00a0", D(2024, 9, 2)),
    (dt.datetime(2024, 9, 2, 13, 5), D(2024, 9, 2)),
    (D(2024, 9, 2), D(2024, 9, 2)),
    (pd.Timestamp("2024-09-02 08:00"), D(2024, 9, 2)),
]
REFUSED = [
    ("02/09/24", TWO_DIGIT_YEAR),
    ("2-Sep-24", TWO_DIGIT_YEAR),
    ("09/27/2024", NOT_A_DATE),  # month-first is never guessed
    ("31/02/2024", NOT_A_DATE),
    ("2024-13-01", NOT_A_DATE),
    ("31/12/1949", OUT_OF_RANGE),
    ("01/01/2100", OUT_OF_RANGE),
    ("0024-09-02", OUT_OF_RANGE),
    ("#N/A", ERROR_VALUE),
    ("#DIV/0!", ERROR_VALUE),
    ("Sep 2024", NOT_A_DATE),
    ("2024-09", NOT_A_DATE),
    ("20240902", NOT_A_DATE),
    ("45536", NOT_A_DATE),  # a serial number typed as text is not taken for a date
]


@pytest.mark.parametrize(("value", "date"), FORMS)
def test_one_value_and_a_column_read_every_form_alike(value, date):
    assert parse_date(value) == date
    dates, why = parse_date_column(pd.Series([value, None], dtype=object))
    assert dates.iloc[0].date() == date and why.tolist() == [OK, OK]


@pytest.mark.parametrize(("value", "code"), REFUSED)
def test_refused_values_carry_their_reason(value, code):
    dates, why = parse_date_column([value])
    assert pd.isna(dates.iloc[0]) and why[0] == code
    with pytest.raises(DateError):
        parse_date(value)


def test_messages_name_the_value_and_say_how_to_write_it():
    with pytest.raises(
        DateError, match=r"^--extract-date: '02/09/24' has a two-digit year; xladdin does not guess"
    ):
        parse_date("02/09/24", what="--extract-date")
    with pytest.raises(
        DateError, match=r"^START: '09/27/2024' is not a date \(write it as dd/mm/yyyy or yyyy-mm-dd\)\.$"
    ):
        parse_date("09/27/2024", what="START")
    with pytest.raises(DateError, match=r"outside the years 1950 to 2099"):
        parse_date("1900-01-01")
    with pytest.raises(DateError, match=r"no date given"):
        parse_date("NULL")


def test_excel_serials_only_in_spreadsheet_cells():
    assert parse_date_column([45536.0], serials=True)[0].iloc[0] == pd.Timestamp("2024-09-01")
    assert parse_date_column([45536.0])[1][0] == NOT_A_DATE


def test_a_million_rows_of_a_few_thousand_dates_parse_once_each():
    days = pd.date_range("2015-01-01", "2024-12-31").strftime("%d/%m/%Y")
    s = pd.Series(days[pd.RangeIndex(1_000_000) % len(days)]).astype("category")
    dates, why = parse_date_column(s)
    assert (why == OK).all() and dates.iloc[-1] == pd.Timestamp(dt.datetime.strptime(s.iloc[-1], "%d/%m/%Y"))


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(
    ["%d/%m/%Y", "%Y-%m-%d", "%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"]
))  # fmt: skip
def test_every_date_in_every_form_round_trips(day, form):
    text = dt.datetime.combine(day, dt.time(10, 11)).strftime(form)
    assert parse_date(text) == day
    assert parse_date_column([text, text])[0].dt.date.tolist() == [day, day]


def _column_reading(text: str) -> D | str:
    """What the column parser makes of one value: the date, or the message parse_date gives."""
    dates, why = parse_date_column([text])
    if why[0] != OK:
        return f"{text!r} {REASONS[int(why[0])]}."
    return dates.iloc[0].date() if not pd.isna(dates.iloc[0]) else "blank"


def _value_reading(text: str) -> D | str:
    try:
        return parse_date(text)
    except DateError as exc:
        return "blank" if "no date given" in str(exc) else str(exc)


# Near-plain dates: dd/mm/yyyy and yyyy-mm-dd with numbers around every edge, and near misses (other
# widths, other scripts' digits, other separators, a stray space, time part or newline).
_DAY = st.integers(0, 32).flatmap(lambda n: st.sampled_from([str(n), f"{n:02d}"]))
_MONTH = st.integers(0, 13).flatmap(lambda n: st.sampled_from([str(n), f"{n:02d}"]))
_YEAR = st.one_of(st.sampled_from(["1949", "1950", "2099", "2100"]), st.integers(1940, 2110).map(str))
_WEIRD = st.sampled_from(
    ["24", "202", "0024", "0000", "20245", "012", "\u0662", "\uff12", "\uff12\uff10\uff12\uff14"]
)
_ODD = st.sampled_from(["/", "-", ".", " ", "", "\n", " 10:11", "T10:11:00", "x"])


@st.composite
def near_plain_dates(draw: st.DrawFn) -> str:
    def part(usual: st.SearchStrategy[str]) -> str:
        return draw(_WEIRD) if draw(st.integers(0, 9)) == 0 else draw(usual)

    if draw(st.booleans()):
        parts, sep = [part(_DAY), part(_MONTH), part(_YEAR)], "/"
    else:
        parts, sep = [part(_YEAR), part(_MONTH), part(_DAY)], "-"
    s1, s2, end = sep, sep, ""
    if draw(st.integers(0, 4)) == 0:  # a near miss
        s1, s2, end = draw(_ODD), draw(_ODD), draw(_ODD)
    return parts[0] + s1 + parts[1] + s2 + parts[2] + end


@given(near_plain_dates())
def test_a_typed_date_reads_the_same_without_pandas_as_in_a_column(text):
    # parse_date reads plain dd/mm/yyyy and yyyy-mm-dd without pandas (xladdin workdays starts fast);
    # whatever it reads, the column parser (the rule for every extract) must read the same way.
    assert _value_reading(text) == _column_reading(text)


@pytest.mark.parametrize("text", ["31/02/2024", "29/02/2023", "29/02/2024", "0/1/2024", "1/13/2024",
                                  "31/12/1949", "01/01/1950", "31/12/2099", "1/1/2100", "2024-2-29",
                                  "2023-02-29", "2024-13-01", "1949-12-31", "02/09/24", "2024-09-02\n"])  # fmt: skip
def test_the_plain_forms_at_their_edges_read_as_in_a_column(text):
    assert _value_reading(text) == _column_reading(text)


# ---------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "extract_date", "coverage"),
    [
        ("Annex A List 4 - extracted 31/10/2024", D(2024, 10, 31), None),
        (
            "Annex A List 4: Assessments for 01/04/2024 to 30/09/2024 - extracted 31/10/2024",
            D(2024, 10, 31),
            (D(2024, 4, 1), D(2024, 9, 30)),
        ),
        (
            "List 4 01/04/2024 - 30/09/2024 (extract date: 2024-10-31)",
            D(2024, 10, 31),
            (D(2024, 4, 1), D(2024, 9, 30)),
        ),
        (
            "Assessments 1 Apr 2024 to 30 Sep 2024, as at 31 Oct 2024",
            D(2024, 10, 31),
            (D(2024, 4, 1), D(2024, 9, 30)),
        ),
        ("Annex A List 4 for 01/04/2024 to 30/09/2024", None, (D(2024, 4, 1), D(2024, 9, 30))),
        ("Annex A List 4 - 31/10/2024", D(2024, 10, 31), None),
        ("Annex A List 4", None, None),
        (
            "Period 30/09/2024 to 01/04/2024 extracted 31/10/2024",
            D(2024, 10, 31),
            None,
        ),  # backwards: no period
    ],
)
def test_titles_give_the_extract_date_and_the_period(title, extract_date, coverage):
    t = read_title([[title]])
    assert (t.extract_date, t.coverage) == (extract_date, coverage)


def test_a_title_in_date_cells():
    t = read_title(
        [
            ["Period", dt.datetime(2024, 4, 1), "to", dt.datetime(2024, 9, 30)],
            ["Extracted", dt.datetime(2024, 10, 31)],
        ]
    )
    assert (t.extract_date, t.coverage) == (D(2024, 10, 31), (D(2024, 4, 1), D(2024, 9, 30)))


# ---------------------------------------------------------------- the extract date and the month


def write(path: Path, title: str | None, rows: list[str]) -> Path:
    header = ",".join(
        [
            "Child Unique ID",
            "Continuous Assessment Start Date",
            "Continuous Assessment Date of Authorisation",
            "Allocated Team",
        ]
    )
    path.write_text("\n".join([*([title, ""] if title else []), header, *rows]) + "\n")
    return path


ROWS = ["C1,22/07/2024,24/09/2024,Team A", "C2,01/08/2024,15/10/2024,Team A", "C3,05/08/2024,,Team B"]


def test_extract_date_order_title_then_given_then_the_data(tmp_path):
    titled = write(tmp_path / "a.csv", "List 4 for 01/04/2024 to 30/10/2024 - extracted 31/10/2024", ROWS)
    ex = read_assessments(titled, extract_date=D(2024, 11, 5))
    assert (ex.extract_date, ex.extract_date_source, ex.coverage) == (
        D(2024, 10, 31),
        "title",
        (D(2024, 4, 1), D(2024, 10, 30)),
    )
    plain = write(tmp_path / "b.csv", None, ROWS)
    assert read_assessments(plain, extract_date=D(2024, 11, 5)).extract_date_source == "given"
    ex = read_assessments(plain)
    assert (ex.extract_date, ex.extract_date_source) == (D(2024, 10, 15), "data")  # the latest date in it


def test_a_date_after_today_is_not_taken_for_the_extract_date(tmp_path):
    ex = read_assessments(write(tmp_path / "a.csv", None, [*ROWS, "C4,01/09/2024,01/01/2099,Team B"]))
    assert ex.extract_date == D(2024, 10, 15)
    assert ex.frame.set_index("source_row").loc[5, "problem"].startswith("future")


def test_latest_complete_month_and_months_outside(tmp_path):
    ex = read_assessments(write(tmp_path / "a.csv", "Annex A List 4 - extracted 31/10/2024", ROWS))
    assert latest_complete_month(ex) == Month(2024, 9)  # 31 October is not over when it is extracted
    assert check_month(ex, Month(2024, 9)) == ""
    assert "not complete" in check_month(ex, Month(2024, 10))
    with pytest.raises(
        ExtractError, match=r"^--month 2024-11 \(November 2024\) is outside the extract: a\.csv runs from"
    ):
        check_month(ex, Month(2024, 11))
    with pytest.raises(ExtractError, match=r"2024-08 \(August 2024\) is outside the extract"):
        check_month(ex, Month(2024, 8))  # the earliest authorisation is 24/09/2024
    period = read_assessments(
        write(tmp_path / "b.csv", "List 4 for 01/04/2024 to 30/09/2024 - extracted 31/10/2024", ROWS[:1])
    )
    assert latest_complete_month(period) == Month(2024, 9)
    assert check_month(period, Month(2024, 9)) == ""  # the stated period includes 30/09
    with pytest.raises(
        ExtractError, match=r"covers 01/04/2024 to 30/09/2024 \(the period its title states\)"
    ):
        check_month(period, Month(2024, 10))


# ---------------------------------------------------------------- Settings and refresh


def workbook(folder: Path, **values: object) -> Path:
    for src in demo_paths().values():
        shutil.copy(src, folder / src.name)
    settings = {"assessments": "list4_assessments.csv", "referrals": "list3_referrals.csv", **values}
    return create_workbook(folder / "performance.xlsx", settings)


def set_cell(path: Path, name: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    wb[sheet][ref.replace("$", "")].value = value
    wb.save(path)


def test_settings_extract_date_reads_a_date_cell_or_text():
    assert Settings().with_values({"extract_date": dt.datetime(2024, 10, 31)}).extract_date == D(2024, 10, 31)
    assert Settings().with_values({"extract_date": "31/10/2024"}).extract_date == D(2024, 10, 31)
    assert Settings().with_values({"extract_date": ""}).extract_date is None
    with pytest.raises(WorkbookError, match=r"'Extract date'.*'31/10/24' has a two-digit year"):
        Settings().with_values({"extract_date": "31/10/24"}, source="Settings sheet, setting")


def test_refresh_with_a_blank_month_takes_the_latest_complete_month_and_says_which_date(tmp_path):
    path = workbook(tmp_path)
    result = refresh(path)
    assert result.month == Month(2024, 9)  # the demo is extracted 31/10/2024: September is complete
    about = dict(
        r[:2]
        for r in openpyxl.load_workbook(path)["About"].iter_rows(min_row=5, max_row=14, values_only=True)
        if r[0]
    )
    assert about["Extract date"] == "Extract date 31/10/2024: from the title row of list4_assessments.csv."


def test_refresh_refuses_a_month_outside_the_extract_and_changes_nothing(tmp_path):
    path = workbook(tmp_path, month="2025-03")
    before = path.read_bytes()
    with pytest.raises(
        ExtractError, match=r"the reporting month 2025-03 \(March 2025\) is outside the extract"
    ):
        refresh(path)
    assert path.read_bytes() == before


def test_refresh_uses_the_settings_extract_date_when_no_title_states_one(tmp_path):
    path = workbook(tmp_path)
    csv = tmp_path / "list4_assessments.csv"
    csv.write_text("\n".join(csv.read_text().splitlines()[2:]) + "\n")  # drop the title row
    set_cell(path, "set_extract_date", dt.datetime(2024, 11, 1))
    assert refresh(path).month == Month(2024, 10)  # October is complete on 1 November
