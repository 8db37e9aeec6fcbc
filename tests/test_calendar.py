"""The working-day calendar against hand-checked bank-holiday tables.

Source of every date below: GOV.UK "UK bank holidays" (https://www.gov.uk/bank-holidays),
the published lists for England and Wales, Scotland and Northern Ireland,
2022-2025, checked by hand against the weekday of each date. One-off days:
2022-06-02/03 (Platinum Jubilee: the spring bank holiday moved to Thursday
and an extra Friday), 2022-09-19 (State Funeral of Queen Elizabeth II),
2023-05-08 (Coronation of King Charles III).
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np
import pytest

from xladdin.core.calendar import WorkingCalendar, bank_holiday_table, get_calendar, parse_closure_lines
from xladdin.errors import DateError

D = dt.date

# England and Wales bank holidays that fall on weekdays, i.e. the days off work.
# Substitute days ("observed") are listed on the weekday they are taken.
ENGLAND_WEEKDAY_HOLIDAYS = {
    2022: [
        D(2022, 1, 3),  # New Year's Day substitute (1 Jan was a Saturday)
        D(2022, 4, 15),  # Good Friday
        D(2022, 4, 18),  # Easter Monday
        D(2022, 5, 2),  # Early May
        D(2022, 6, 2),  # Spring bank holiday, moved for the Platinum Jubilee
        D(2022, 6, 3),  # Platinum Jubilee
        D(2022, 8, 29),  # Summer bank holiday
        D(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        D(2022, 12, 26),  # Boxing Day
        D(2022, 12, 27),  # Christmas Day substitute (25 Dec was a Sunday)
    ],
    2023: [
        D(2023, 1, 2),  # New Year's Day substitute (1 Jan was a Sunday)
        D(2023, 4, 7),  # Good Friday
        D(2023, 4, 10),  # Easter Monday
        D(2023, 5, 1),  # Early May
        D(2023, 5, 8),  # Coronation of King Charles III
        D(2023, 5, 29),  # Spring
        D(2023, 8, 28),  # Summer
        D(2023, 12, 25),
        D(2023, 12, 26),
    ],
    2024: [
        D(2024, 1, 1),
        D(2024, 3, 29),  # Good Friday
        D(2024, 4, 1),  # Easter Monday
        D(2024, 5, 6),
        D(2024, 5, 27),
        D(2024, 8, 26),  # Summer bank holiday (docs/counting-rules.md worked example)
        D(2024, 12, 25),
        D(2024, 12, 26),
    ],
    2025: [
        D(2025, 1, 1),
        D(2025, 4, 18),  # Good Friday
        D(2025, 4, 21),  # Easter Monday
        D(2025, 5, 5),
        D(2025, 5, 26),
        D(2025, 8, 25),  # Summer
        D(2025, 12, 25),
        D(2025, 12, 26),
    ],
}

SCOTLAND_WEEKDAY_HOLIDAYS_2024 = [
    D(2024, 1, 1),
    D(2024, 1, 2),  # 2 January
    D(2024, 3, 29),  # Good Friday (no Easter Monday in Scotland)
    D(2024, 5, 6),
    D(2024, 5, 27),
    D(2024, 8, 5),  # Summer bank holiday: first Monday in August
    D(2024, 12, 2),  # St Andrew's Day substitute (30 Nov was a Saturday)
    D(2024, 12, 25),
    D(2024, 12, 26),
]

NORTHERN_IRELAND_WEEKDAY_HOLIDAYS_2025 = [
    D(2025, 1, 1),
    D(2025, 3, 17),  # St Patrick's Day
    D(2025, 4, 18),
    D(2025, 4, 21),
    D(2025, 5, 5),
    D(2025, 5, 26),
    D(2025, 7, 14),  # Battle of the Boyne substitute (12 July was a Saturday)
    D(2025, 8, 25),
    D(2025, 12, 25),
    D(2025, 12, 26),
]


def weekday_holidays(cal: WorkingCalendar, year: int) -> list[dt.date]:
    return [d.astype(object) for d in cal.non_working_dates() if d.astype(object).year == year]


@pytest.mark.parametrize("year", sorted(ENGLAND_WEEKDAY_HOLIDAYS))
def test_england_weekday_bank_holidays_match_gov_uk(year):
    assert weekday_holidays(get_calendar(), year) == ENGLAND_WEEKDAY_HOLIDAYS[year]


@pytest.mark.parametrize(
    "day",
    [
        D(2022, 6, 2),
        D(2022, 6, 3),
        D(2022, 9, 19),
        D(2023, 5, 8),
        D(2022, 12, 27),
        D(2023, 1, 2),
        D(2024, 4, 1),
        D(2024, 8, 26),
    ],
)
def test_one_off_substitute_easter_monday_and_august_days_are_not_working(day):
    assert day.weekday() < 5
    assert not get_calendar().is_working_day(day)
    assert not get_calendar("ENG").is_working_day(day)


def test_the_holidays_uk_no_subdivision_bug_is_real_and_avoided():
    # holidays.UK() with no subdivision drops Easter Monday and the
    # August bank holiday. If this ever stops being true the guard is still harmless.
    bare = holidays.UK(years=2024)
    assert D(2024, 4, 1) not in bare and D(2024, 8, 26) not in bare
    cal = get_calendar()
    assert not cal.is_working_day(D(2024, 4, 1))
    assert not cal.is_working_day(D(2024, 8, 26))


@pytest.mark.parametrize("region", ["ENG", "WLS", "SCT", "NIR"])
def test_the_shipped_bank_holiday_tables_match_the_holidays_package(region):
    # The tables are read from xladdin/data/bank_holidays (importing holidays costs 0.1 s at every
    # start). If this fails after updating holidays (a new one-off day), write them again:
    # python -c "from xladdin.core.calendar import write_bank_holiday_tables as w; w()"
    shipped = bank_holiday_table(region)
    made = holidays.country_holidays("GB", subdiv=region, years=range(1950, 2101))
    assert list(shipped.items()) == sorted(made.items())
    assert get_calendar(region).bank_holidays == shipped


def test_ordinary_days_and_weekends():
    cal = get_calendar()
    assert cal.is_working_day(D(2024, 7, 22))  # Monday
    assert cal.is_working_day(D(2024, 9, 24))  # Tuesday
    assert not cal.is_working_day(D(2024, 7, 20))  # Saturday
    assert not cal.is_working_day(D(2024, 7, 21))  # Sunday
    assert cal.is_working_day(D(2024, 12, 27))  # Friday after Boxing Day: working


def test_wales_has_the_english_list():
    eng, wls = get_calendar("ENG"), get_calendar("Wales")
    for year in ENGLAND_WEEKDAY_HOLIDAYS:
        assert weekday_holidays(wls, year) == weekday_holidays(eng, year)
    assert wls.region == "WLS"


def test_scotland_is_selectable():
    sct = get_calendar("Scotland")
    assert sct.region == "SCT"
    assert weekday_holidays(sct, 2024) == SCOTLAND_WEEKDAY_HOLIDAYS_2024
    assert not sct.is_working_day(D(2024, 1, 2))
    assert sct.is_working_day(D(2024, 4, 1))  # Easter Monday is not a Scottish bank holiday
    assert sct.is_working_day(D(2024, 8, 26))
    assert get_calendar().is_working_day(D(2024, 1, 2))  # ...but 2 Jan is in England


def test_northern_ireland_is_selectable():
    nir = get_calendar("nir")
    assert nir.region == "NIR"
    assert weekday_holidays(nir, 2025) == NORTHERN_IRELAND_WEEKDAY_HOLIDAYS_2025
    assert not get_calendar("Northern Ireland").is_working_day(D(2024, 7, 12))  # a Friday
    assert get_calendar().is_working_day(D(2024, 7, 12))


def test_unknown_region_is_refused_with_the_choices():
    with pytest.raises(
        DateError, match=r"Unknown region 'Mars': use ENG \(England and Wales\), WLS, SCT or NIR\."
    ):
        get_calendar("Mars")


def test_closure_days_are_added_to_bank_holidays():
    closures = [D(2024, 12, 24), D(2024, 12, 27), D(2024, 12, 28)]  # Tue, Fri, Sat
    cal = get_calendar(closures=closures)
    assert not cal.is_working_day(D(2024, 12, 24))
    assert not cal.is_working_day(D(2024, 12, 27))
    assert get_calendar().is_working_day(D(2024, 12, 24))  # the default is untouched
    got = cal.holidays_between(D(2024, 12, 20), D(2024, 12, 31))
    assert got == [
        (D(2024, 12, 24), "Local closure day"),
        (D(2024, 12, 25), "Christmas Day"),
        (D(2024, 12, 26), "Boxing Day"),
        (D(2024, 12, 27), "Local closure day"),
        (D(2024, 12, 28), "Local closure day"),
    ]
    # A weekday closure is a non-working date; a Saturday one changes nothing.
    extra = set(cal.non_working_dates().tolist()) - set(get_calendar().non_working_dates().tolist())
    assert extra == {D(2024, 12, 24), D(2024, 12, 27)}
    assert "2 closure days" not in repr(cal) and "3 closure days" in repr(cal)


def test_closures_given_as_text_and_cached():
    a = get_calendar(closures=["2024-12-24", "27/12/2024"])
    b = get_calendar(closures=[D(2024, 12, 27), D(2024, 12, 24)])
    assert a is b


def test_parse_closure_lines_reads_both_formats_comments_and_blanks():
    text = """# council closure days 2024
    24/12/2024
    2024-12-27   # between Christmas and New Year

    31/12/2024,
    """
    assert parse_closure_lines(text.splitlines()) == [
        D(2024, 12, 24),
        D(2024, 12, 27),
        D(2024, 12, 31),
    ]


def test_parse_closure_lines_names_the_bad_line():
    lines = ["24/12/2024", "", "31/02/2024"]
    with pytest.raises(
        DateError,
        match=r"^closures\.txt line 3: '31/02/2024' is not a date "
        r"\(write one date per line as dd/mm/yyyy or yyyy-mm-dd\)\.$",
    ):
        parse_closure_lines(lines, "closures.txt")
    with pytest.raises(DateError, match=r"closure days line 1: 'Christmas Eve' is not a date"):
        parse_closure_lines(["Christmas Eve"])


def test_dates_outside_the_calendar_are_refused():
    with pytest.raises(DateError, match=r"1949-12-31 is outside the calendar \(1950-01-01 to 2100-12-31\)\."):
        get_calendar().is_working_day(D(1949, 12, 31))


def test_tables_agree_with_a_direct_weekday_count():
    # before[] and positions[] are the engine's lookup tables; rebuild them the slow way
    # over 2024 and compare.
    cal = get_calendar()
    off = set(ENGLAND_WEEKDAY_HOLIDAYS[2024])
    day, count = D(2024, 1, 1), 0
    i0 = (day - cal.first).days
    while day.year == 2024:
        i = (day - cal.first).days
        assert cal.before[i] - cal.before[i0] == count
        if day.weekday() < 5 and day not in off:
            assert cal.positions[cal.before[i]] == i
            count += 1
        day += dt.timedelta(days=1)
    assert count == 262 - 8  # 262 weekdays in 2024, 8 of them bank holidays
    assert np.all(np.diff(cal.positions) > 0)
