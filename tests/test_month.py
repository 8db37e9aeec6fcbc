"""The reporting month: parsed once at the edge (CLI, Settings cell, About area), then passed as a Month."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xladdin.core.month import Month, MonthError
from xladdin.errors import XladdinError


@pytest.mark.parametrize(
    "value",
    ["2024-09", " 2024-09 ", dt.date(2024, 9, 1), dt.datetime(2024, 9, 30, 17, 5), pd.Period("2024-09", "M")],
)
def test_the_forms_a_month_arrives_in(value):
    # Excel turns a typed 2024-09 into the date 01/09/2024; a refresh wrote "2024-09" as text.
    assert Month.parse(value) == Month(2024, 9)


def test_a_month_passes_through_unchanged():
    m = Month(2024, 9)
    assert Month.parse(m) is m


@pytest.mark.parametrize("bad", ["2024-13", "2024-00", "Sept 2024", "2024-9", "", None, "09/2024"])
def test_not_a_month(bad):
    with pytest.raises(XladdinError, match="write it as YYYY-MM"):
        Month.parse(bad)


@pytest.mark.parametrize("bad", ["0000-01", "9999-12", "1677-09", "1999-12", "2100-01"])
def test_months_outside_the_years_xladdin_works_with(bad):
    # Hostile-input findings: 0000-01 was a traceback; 9999-12 and 1677-09 were accepted.
    with pytest.raises(MonthError, match="outside the years 2000 to 2099"):
        Month.parse(bad, where="--month")


def test_the_message_names_where_the_month_came_from():
    with pytest.raises(MonthError, match=r"^Settings 'Reporting month' '2024-13': "):
        Month.parse("2024-13", where="Settings 'Reporting month'")


def test_text_names_and_days():
    m = Month(2024, 2)
    assert (str(m), m.name) == ("2024-02", "February 2024")
    assert (m.first_day, m.last_day) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))  # a leap year
    assert Month(2023, 2).last_day == dt.date(2023, 2, 28)


def test_arithmetic_crosses_years():
    assert Month(2024, 1) - 1 == Month(2023, 12)
    assert Month(2023, 12) + 1 == Month(2024, 1)
    assert Month(2024, 9) - 12 == Month(2023, 9)
    assert Month(2024, 9).months_since(Month(2023, 10)) == 11
    assert Month(2023, 12) < Month(2024, 1)


def test_of_a_date_and_the_pandas_period():
    assert Month.of(dt.date(2024, 10, 31)) == Month(2024, 10)
    assert Month(2024, 9).period() == pd.Period("2024-09", freq="M")
