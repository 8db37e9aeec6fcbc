"""The month-end projection, with every figure worked out by hand.

Deadlines (the 45th working day after the start, England & Wales; the
26/08/2024 bank holiday excluded), counted on a calendar:

* start Mon 03/06/2024 -> Mon 05/08/2024
* start Mon 01/07/2024 -> Tue 03/09/2024 (July 2-31: 22, Aug 1-23: 39, Aug 27-30: 43, Sep 2: 44, Sep 3: 45)
* start Thu 11/07/2024 -> Fri 13/09/2024 (Jul 12-31: 14, Aug: 35, Sep 2-6: 40, Sep 9-13: 41-45)
* start Mon 22/07/2024 -> Tue 24/09/2024 (the worked example of the counting rules)
* start Fri 26/07/2024 -> Mon 30/09/2024 (the last day of September)
* start Mon 05/08/2024 -> Tue 08/10/2024 (after the month: in neither rate)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from xladdin.core.month import Month
from xladdin.core.projection import PROJECTION_COLUMNS, month_end_projection, projection_applies
from xladdin.core.workdays import deadline
from xladdin.errors import XladdinError

SEPTEMBER = Month(2024, 9)
FRIDAY_13 = dt.date(2024, 9, 13)


def frame(rows: list[tuple[str, str, str | None]], problems: list[str] | None = None) -> pd.DataFrame:
    """(team, start dd/mm/yyyy, authorised dd/mm/yyyy or None) -> a validated-looking List 4 frame."""
    out = pd.DataFrame(
        {
            "child_id": [f"C{i}" for i in range(len(rows))],
            "team": [t for t, _, _ in rows],
            "start": pd.to_datetime([s for _, s, _ in rows], format="%d/%m/%Y"),
            "authorised": pd.to_datetime([a for _, _, a in rows], format="%d/%m/%Y"),
        }
    )
    out["problem"] = problems or [""] * len(rows)
    return out


MID_MONTH = [
    ("North", "22/07/2024", "10/09/2024"),  # completed in September, in time (deadline 24/09)
    ("North", "03/06/2024", "02/09/2024"),  # completed in September, late (deadline 05/08)
    ("North", "01/07/2024", None),  # open, deadline 03/09 passed: overdue
    ("North", "22/07/2024", "16/09/2024"),  # authorised after the extract date: not "so far"
    ("South", "22/07/2024", None),  # open, deadline 24/09: due
    ("South", "26/07/2024", None),  # open, deadline 30/09 (the month's last day): due
    ("South", "05/08/2024", None),  # open, deadline 08/10: after the month, in neither rate
    ("West", "03/06/2024", None),  # open, overdue: a team with only overdue cases
]


def test_the_deadlines_the_cases_rest_on():
    # The engine's own figures (checked against LibreOffice elsewhere) agree with the hand counts.
    for start, due in [
        ("03/06/2024", "05/08/2024"),
        ("01/07/2024", "03/09/2024"),
        ("11/07/2024", "13/09/2024"),
        ("22/07/2024", "24/09/2024"),
        ("26/07/2024", "30/09/2024"),
        ("05/08/2024", "08/10/2024"),
    ]:
        assert deadline(start) == dt.datetime.strptime(due, "%d/%m/%Y").date()


def test_mid_month_by_team_and_total():
    table = month_end_projection(frame(MID_MONTH), SEPTEMBER, FRIDAY_13)
    assert list(table.columns) == PROJECTION_COLUMNS
    rows = {r.team: r for r in table.itertuples(index=False)}
    assert list(rows) == ["North", "South", "West", "Total"]
    # North: 2 completed so far, 1 in time, 1 overdue, none due.
    n = rows["North"]
    assert (n.completed, n.in_time, n.overdue, n.due) == (2, 1, 1, 0)
    assert (n.percent, n.if_due_on_time) == (50.0, 50.0)
    assert n.if_overdue_too == pytest.approx(100 / 3)  # (1 + 0) / (2 + 0 + 1)
    # South: nothing completed yet, 2 due by the month end.
    s = rows["South"]
    assert (s.completed, s.in_time, s.overdue, s.due) == (0, 0, 0, 2)
    assert np.isnan(s.percent) and (s.if_due_on_time, s.if_overdue_too) == (100.0, 100.0)
    # West: only an overdue case: nothing to project if due ones finish, 0% if the overdue one does.
    w = rows["West"]
    assert (w.completed, w.overdue, w.due) == (0, 1, 0)
    assert np.isnan(w.percent) and np.isnan(w.if_due_on_time) and w.if_overdue_too == 0.0
    # Total: n=2, k=1, overdue=2, due=2: (1+2)/(2+2) = 75%, (1+2)/(2+2+2) = 50%.
    t = rows["Total"]
    assert (t.completed, t.in_time, t.overdue, t.due) == (2, 1, 2, 2)
    assert (t.percent, t.if_due_on_time, t.if_overdue_too) == (50.0, 75.0, 50.0)


@pytest.mark.parametrize(
    "extract_date, expected",
    [
        (dt.date(2024, 9, 12), "due"),  # the day before the deadline
        (dt.date(2024, 9, 13), "due"),  # the deadline itself: it can still be completed in time today
        (dt.date(2024, 9, 14), "due"),  # Saturday after a Friday deadline: still 45 working days
        (dt.date(2024, 9, 16), "overdue"),  # Monday: 46
    ],
)
def test_the_edges_follow_the_in_time_rule(extract_date, expected):
    table = month_end_projection(frame([("A", "11/07/2024", None)]), SEPTEMBER, extract_date)
    total = table.iloc[-1]
    assert (int(total["due"]), int(total["overdue"])) == ((1, 0) if expected == "due" else (0, 1))


def test_rows_kept_out_of_the_figures_stay_out():
    rows = [("A", "22/07/2024", "10/09/2024"), ("A", "01/07/2024", None)]
    table = month_end_projection(frame(rows, ["", "duplicate"]), SEPTEMBER, FRIDAY_13)
    total = table.iloc[-1]
    assert (total["completed"], total["overdue"]) == (1, 0)


@pytest.mark.parametrize(
    "extract_date, state",
    [(dt.date(2024, 10, 31), "over: its figure is final"), (dt.date(2024, 8, 30), "not yet begun")],
)
def test_no_projection_outside_the_month(extract_date, state):
    assert not projection_applies(SEPTEMBER, extract_date)
    with pytest.raises(XladdinError, match=f"September 2024 is {state}.*choose --month"):
        month_end_projection(frame(MID_MONTH), SEPTEMBER, extract_date)


def test_the_first_and_last_days_are_inside_the_month():
    assert projection_applies("2024-09", dt.date(2024, 9, 1))
    assert projection_applies(SEPTEMBER, dt.date(2024, 9, 30))


def test_an_empty_month_gives_only_a_total():
    table = month_end_projection(frame([("A", "05/08/2024", None)]), SEPTEMBER, FRIDAY_13)
    assert table["team"].tolist() == ["A", "Total"]
    total = table.iloc[-1]
    assert (total["completed"], total["due"], total["overdue"]) == (0, 0, 0)
    assert np.isnan(total["if_due_on_time"]) and np.isnan(total["if_overdue_too"])


# --- the list managers act on ----------------------------------------------------------------

WED_25 = dt.date(2024, 9, 25)
OPEN = [
    ("North", "22/07/2024", None),  # O0: deadline Tue 24/09: 46 elapsed at Wed 25/09, overdue, 1 past
    ("North", "23/07/2024", None),  # O1: deadline Wed 25/09 = the extract date: due this month, 0 left
    ("east", "05/08/2024", None),  # O2: deadline Tue 08/10: 36 elapsed, 9 left: later
    ("east", "12/08/2024", None),  # O3: deadline Tue 15/10: 14 left: later
    ("North", "01/07/2024", "01/08/2024"),  # O4: completed: not open
    ("east", "26/07/2024", None),  # O5: deadline Mon 30/09 (Sep 26, 27, 30): 42 elapsed, 3 left
    ("east", "26/09/2024", None),  # O6: started after the extract date: not open at it
]


def test_every_open_assessment_by_team_then_deadline():
    from xladdin.core.projection import OPEN_COLUMNS, open_assessments

    df = frame(OPEN)
    df["worker"] = "W"
    out = open_assessments(df, WED_25)
    assert list(out.columns) == OPEN_COLUMNS
    # "east" before "North" (case ignored); each team by deadline.
    assert out["child_id"].tolist() == ["C5", "C2", "C3", "C0", "C1"]
    assert out["status"].tolist() == ["due this month", "later", "later", "overdue", "due this month"]
    assert out["elapsed"].tolist() == [42, 36, 31, 46, 45]
    assert out["days_left"].tolist() == [3, 9, 14, -1, 0]
    assert [d.strftime("%d/%m") for d in out["deadline"]] == ["30/09", "08/10", "15/10", "24/09", "25/09"]


def test_the_list_and_the_projection_agree_inside_the_month():
    from xladdin.core.projection import open_assessments

    listed = open_assessments(frame(MID_MONTH), FRIDAY_13)
    total = month_end_projection(frame(MID_MONTH), SEPTEMBER, FRIDAY_13).iloc[-1]
    counts = listed["status"].value_counts().to_dict()
    assert counts == {"overdue": 2, "due this month": 2, "later": 1}
    assert (counts["overdue"], counts["due this month"]) == (total["overdue"], total["due"])
    # West has only an overdue case; it is listed like any other team.
    assert listed.loc[listed["team"] == "West", "status"].tolist() == ["overdue"]


def test_a_saturday_after_a_friday_deadline_is_still_due_with_none_left():
    from xladdin.core.projection import open_assessments

    out = open_assessments(frame([("A", "11/07/2024", None)]), dt.date(2024, 9, 14))
    assert (out["status"].iloc[0], out["days_left"].iloc[0]) == ("due this month", 0)
    out = open_assessments(frame([("A", "11/07/2024", None)]), dt.date(2024, 9, 16))
    assert (out["status"].iloc[0], out["days_left"].iloc[0]) == ("overdue", -1)


def test_the_open_list_follows_the_clock():
    from xladdin.core.projection import open_assessments

    df = frame([("A", "22/07/2024", None)])
    refs = pd.DataFrame(
        {
            "child_id": ["C0"],
            "referral_date": pd.to_datetime(["15/07/2024"], format="%d/%m/%Y"),
            "problem": [""],
        }
    )
    # From the referral (Mon 15/07) the 45th working day is Tue 17/09: overdue at Wed 18/09.
    out = open_assessments(df, dt.date(2024, 9, 18), clock="referral", referrals=refs)
    assert (out["status"].iloc[0], out["start"].iloc[0].strftime("%d/%m/%Y")) == ("overdue", "15/07/2024")
    assert open_assessments(df, dt.date(2024, 9, 18))["status"].iloc[0] == "due this month"
