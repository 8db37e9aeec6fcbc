"""WORKDAYS45, WORKDAYSBETWEEN and WORKDAYSDUE as xlwings Lite calls them: the desktop UDFs' answers.

Lite's custom functions are Office.js functions: a date cell arrives as its serial number
(Office.js has no date type), an error cell as its text (``err_to_str``), an empty cell or a
left-out argument as None, or as Pyodide's ``JsNull`` when Lite's xlwings predates the fix.
``main.py`` here is the workbook's module itself; xlwings' decorators do nothing off Lite, so
its functions are called as plain Python, beside the desktop ones given the same cells as
the desktop route passes them (dates as ``datetime``).

Dates: Mon 22/07/2024 is serial 45495 and its deadline Tue 24/09/2024 is 45559 (the
README's worked example; the bank holiday Mon 26/08/2024 excluded).
"""

from __future__ import annotations

import datetime as dt

import pytest

import xladdin.excel.lite.main as lite_main
from xladdin.excel import udfs

D = dt.datetime


class JsNull:
    """Pyodide's ``pyodide.ffi.JsNull`` (JavaScript's null), matched by its type's name."""


NULL = JsNull()


def test_one_pair_as_lite_and_as_the_desktop_pass_it():
    assert lite_main.WORKDAYS45([[45495.0]], [[45559.0]]) == [[True]]
    assert lite_main.WORKDAYS45([[45495.0]], [[45560.0]]) == [[False]]
    assert lite_main.WORKDAYSBETWEEN([[45495.0]], [[45559.0]]) == [[45]]
    assert lite_main.WORKDAYSDUE([[45495.0]]) == [[dt.date(2024, 9, 24)]]
    assert udfs.WORKDAYS45([[D(2024, 7, 22)]], [[D(2024, 9, 24)]]) == lite_main.WORKDAYS45(
        [[45495.0]], [[45559.0]]
    )


@pytest.mark.parametrize("blank", [None, NULL], ids=["None", "JsNull"])
def test_a_range_with_every_kind_of_cell_answers_as_the_desktop(blank):
    starts = [[45495.0], ["22/07/2024"], ["#N/A"], [45495.0], [45495.0], [blank], ["x"], [45600.0]]
    ends = [[45559.0], [45559.0], [45559.0], ["#VALUE!"], [blank], [45559.0], [45559.0], [45559.0]]
    desktop_starts = [[D(2024, 7, 22)], ["22/07/2024"], ["#N/A"], [D(2024, 7, 22)], [D(2024, 7, 22)], [None]]
    desktop_starts += [["x"], [D(2024, 11, 4)]]
    desktop_ends = [[D(2024, 9, 24)]] * 3 + [["#VALUE!"], [None]] + [[D(2024, 9, 24)]] * 3
    for lite_fn, desktop_fn in (
        (lite_main.WORKDAYS45, udfs.WORKDAYS45),
        (lite_main.WORKDAYSBETWEEN, udfs.WORKDAYSBETWEEN),
    ):
        ours = lite_fn(starts, ends)
        assert ours == desktop_fn(desktop_starts, desktop_ends)
    assert lite_main.WORKDAYS45(starts, ends) == [
        [True],
        [True],
        ["#DATE? start"],
        ["#DATE? end"],
        [""],  # still open
        ["#DATE? start"],
        ["#DATE? start"],
        ["#END<START"],
    ]


@pytest.mark.parametrize("left_out", [None, NULL], ids=["None", "JsNull"])
def test_left_out_arguments_take_their_defaults(left_out):
    assert lite_main.WORKDAYSDUE([[45495.0]], left_out, left_out, left_out) == [[dt.date(2024, 9, 24)]]
    assert lite_main.WORKDAYS45([[45495.0]], [[45559.0]], left_out, left_out) == [[True]]
    # The 1904 date system (serials 1,462 days lower) when the officer says so.
    assert lite_main.WORKDAYSDUE([[44033.0]], 45, None, True) == [[dt.date(2024, 9, 24)]]


def test_closure_days_and_bad_arguments_give_the_desktops_error_texts():
    closures = [[45531.0, "Staff day"], [NULL, None]]  # Tue 27/08/2024 closed
    assert lite_main.WORKDAYSDUE([[45495.0]], 45, closures) == [[dt.date(2024, 9, 25)]]
    assert lite_main.WORKDAYS45([[45495.0]], [[45559.0]], [["next week"]]) == [["#DATE? closures"]]
    assert lite_main.WORKDAYSDUE([[45495.0]], -1) == [["#DAYS?"]]
    assert lite_main.WORKDAYS45([[45495.0], [45495.0]], [[45559.0], [45559.0], [45559.0]]) == [["#SIZE?"]]
    for name in ("WORKDAYS45", "WORKDAYSBETWEEN", "WORKDAYSDUE"):
        # What the Function Wizard shows: the same first line on both routes.
        ours, theirs = getattr(lite_main, name).__doc__, getattr(udfs, name).__doc__
        assert ours.splitlines()[0].split(";")[0] == theirs.splitlines()[0].split(" (format")[0].split(";")[0]
