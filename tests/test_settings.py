"""Settings limits (issue 10 item 5): the edges are allowed, one step past them is not, and each
message names the cell, the label, the value and what is allowed."""

from __future__ import annotations

import datetime as dt

import pytest

from xladdin.core.month import Month
from xladdin.errors import WorkbookError
from xladdin.workbook.settings import Settings, check_month

CELLS = {
    "target": "Settings!B5",
    "amber_margin": "Settings!B6",
    "days": "Settings!B9",
    "due_within": "Settings!B10",
}


def settings(**values: object) -> Settings:
    return Settings().with_values(values, source="Settings sheet, setting", cells=CELLS)


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"target": 0}, {"target": 0.0}),
        ({"target": 100}, {"target": 100.0}),
        ({"target": "81%"}, {"target": 81.0}),
        ({"target": 0.81}, {"target": 81.0}),  # Excel's 81% is the number 0.81
        ({"amber_margin": 50}, {"amber_margin": 50.0}),
        ({"days": 1, "due_within": 0}, {"days": 1, "due_within": 0}),
        ({"days": 250, "due_within": 250}, {"days": 250, "due_within": 250}),
        ({"days": "45"}, {"days": 45}),
        ({"days": 45.0}, {"days": 45}),
    ],
)
def test_the_edges_are_allowed(values: dict, expected: dict) -> None:
    s = settings(**values)
    assert {k: getattr(s, k) for k in expected} == expected


@pytest.mark.parametrize(
    "values, message",
    [
        ({"target": 100.5}, r"^Settings!B5 'Target \(%\)' is 100\.5: type a number from 0 to 100, such as 81\.$"),
        ({"target": -1}, r"^Settings!B5 'Target \(%\)' is -1: type a number from 0 to 100"),
        ({"target": "NaN"}, r"^Settings!B5 'Target \(%\)' is 'NaN': type a number from 0 to 100"),
        ({"target": "inf"}, r"^Settings!B5 'Target \(%\)' is 'inf'"),
        ({"target": False}, r"^Settings!B5 'Target \(%\)' is False, not a number"),
        ({"target": dt.datetime(2024, 9, 1)}, r"^Settings!B5 'Target \(%\)' is datetime\.datetime\(2024, 9, 1, 0, 0\), not a number"),
        ({"amber_margin": 50.1}, r"^Settings!B6 'Amber margin \(percentage points\)' is 50\.1: type a number from 0 to 50"),
        ({"days": 0}, r"^Settings!B9 'Working days allowed' is 0: type a whole number from 1 to 250, such as 45\.$"),
        ({"days": 251}, r"^Settings!B9 'Working days allowed' is 251"),
        ({"days": "1e400"}, r"^Settings!B9 'Working days allowed' is '1e400'"),
        ({"due_within": -1}, r"^Settings!B10 'Due soon within \(working days\)' is -1: type a whole number from 0 to 250"),
        ({"days": 20, "due_within": 21}, r"^Settings!B10 'Due soon within \(working days\)' is 21, more than the 20"),
        ({"assessments": "a\nb.csv"}, r"^Settings sheet, setting 'Assessments extract \(List 4\)' is 'a\\nb\.csv'"),
    ],
)  # fmt: skip
def test_one_step_past_is_refused_by_cell(values: dict, message: str) -> None:
    with pytest.raises(WorkbookError, match=message):
        settings(**values)


def test_the_month_may_not_pass_the_year_after_the_extract() -> None:
    check_month(Month(2025, 12), dt.date(2024, 10, 31), "Settings!B4 'Reporting month (YYYY-MM)'")
    with pytest.raises(
        WorkbookError,
        match=r"^--month is 2026-01, long after the extract's date \(31/10/2024\): choose a month from "
        r"2000-01 to 2025-12, or leave the cell blank",
    ):
        check_month(Month(2026, 1), dt.date(2024, 10, 31), "--month")


def test_where_a_value_came_from_is_not_part_of_the_settings() -> None:
    assert settings(days=40) == Settings(days=40)  # cells differ, the settings are equal
    assert settings(days=40).where("days") == "Settings!B9 'Working days allowed'"
    assert Settings().where("days") == "setting 'Working days allowed'"
