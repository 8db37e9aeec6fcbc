"""Measures on small hand-built frames whose answers were worked out by hand.

Dates: start Mon 2024-07-22 has its 45th working day on Tue 2024-09-24
(the 2024-08-26 bank holiday excluded; docs/counting-rules.md worked example).
"""

import numpy as np
import pandas as pd
import pytest

from xladdin.core.measures import (
    NO_TEAM,
    assessment_timeliness,
    clock_starts,
    rag,
    rereferral_rate,
    timeliness_trend,
)
from xladdin.errors import XladdinError


def frame(rows, columns=("child_id", "team", "start", "authorised")):
    df = pd.DataFrame(rows, columns=list(columns))
    for c in ("start", "authorised", "referral_date"):
        if c in df:
            df[c] = pd.to_datetime(df[c])
    df["problem"] = ""
    return df


ASSESSMENTS = frame(
    [
        ("C1", "Jigsaw 1", "2024-07-22", "2024-09-24"),  # 45 elapsed: in time; legacy 46: late
        ("C2", "Jigsaw 1", "2024-07-22", "2024-09-25"),  # 46: late under both
        ("C3", "Jigsaw 1", "2024-09-02", "2024-09-02"),  # same day: 0, in time
        ("C4", "CRS", "2024-07-20", "2024-09-23"),  # Sat start, 45: in time under both
        ("C5", "Children in Care 1", "2024-08-01", "2024-10-01"),  # October: not in September
        ("C6", "CRS", "2024-07-22", None),  # open: not completed
    ]
)


def test_timeliness_counts_in_month_of_authorisation_with_total():
    t = assessment_timeliness(ASSESSMENTS, "2024-09")
    assert t.to_dict("list") == {
        "team": ["CRS", "Jigsaw 1", "Total"],
        "completed": [1, 3, 4],
        "in_time": [1, 2, 3],
        "percent": [100.0, pytest.approx(200 / 3), 75.0],
    }


def test_legacy_counting_marks_final_day_late():
    t = assessment_timeliness(ASSESSMENTS, "2024-09", counting="legacy")
    assert t.set_index("team")["in_time"].to_dict() == {"CRS": 1, "Jigsaw 1": 1, "Total": 2}


def test_teams_sort_by_name_ignoring_case_like_the_seed():
    # The seed lists "Children in Care 1" before "CRS".
    t = assessment_timeliness(ASSESSMENTS, "2024-10")
    assert t["team"].tolist() == ["Children in Care 1", "Total"]
    both = pd.concat([ASSESSMENTS, frame([("C7", "CRS", "2024-09-02", "2024-10-02")])])
    assert assessment_timeliness(both, "2024-10")["team"].tolist() == ["Children in Care 1", "CRS", "Total"]


def test_rows_with_a_problem_are_kept_out_and_blank_team_is_not_lost():
    df = ASSESSMENTS.copy()
    df.loc[0, "problem"] = "duplicate of row 2"
    df.loc[1, "team"] = None
    t = assessment_timeliness(df, "2024-09").set_index("team")
    assert t.loc["Total", "completed"] == 3
    assert t.loc[NO_TEAM, "completed"] == 1


def test_empty_month_gives_a_zero_total_and_no_percent():
    t = assessment_timeliness(ASSESSMENTS, "2023-01")
    assert t["team"].tolist() == ["Total"]
    assert t.loc[0, "completed"] == 0 and np.isnan(t.loc[0, "percent"])


def test_trend_has_every_month_in_the_range():
    t = timeliness_trend(ASSESSMENTS, "2024-08", "2024-10")
    assert t["month"].tolist() == ["2024-08", "2024-09", "2024-10"]
    assert t["completed"].tolist() == [0, 4, 1]
    assert t["in_time"].tolist() == [0, 3, 1]
    with pytest.raises(XladdinError, match="the last month is before the first"):
        timeliness_trend(ASSESSMENTS, "2024-10", "2024-08")


def test_referral_clock_starts_at_latest_referral_on_or_before_start():
    refs = frame(
        [("C1", "x", "2024-07-01"), ("C1", "x", "2024-07-15"), ("C1", "x", "2024-08-01")],
        columns=("child_id", "team", "referral_date"),
    )
    starts = clock_starts(ASSESSMENTS, clock="referral", referrals=refs)
    assert starts.iloc[0] == pd.Timestamp("2024-07-15")
    assert starts.iloc[1] == pd.Timestamp("2024-07-22")  # C2 has no referral: its own start
    assert starts.iloc[3] == pd.Timestamp("2024-07-20")
    assert starts.attrs["fallbacks"] == 5
    # From 2024-07-15 the 45th working day is 2024-09-17, so C1 (24/09) is now late.
    t = assessment_timeliness(ASSESSMENTS, "2024-09", clock="referral", referrals=refs)
    assert t.set_index("team").loc["Jigsaw 1", "in_time"] == 1
    with pytest.raises(XladdinError, match="needs the referrals extract"):
        assessment_timeliness(ASSESSMENTS, "2024-09", clock="referral")


def test_rereferral_within_12_calendar_months_denominator_is_referrals():
    refs = frame(
        [
            ("A", "T1", "2023-09-15"),
            ("A", "T1", "2024-09-15"),  # earlier referral exactly 12 months before: re-referral
            ("B", "T1", "2023-09-14"),
            ("B", "T2", "2024-09-15"),  # 12 months and a day: not a re-referral
            ("C", "T2", "2024-09-01"),
            ("C", "T2", "2024-09-20"),  # same child twice in the month: both counted, second is re
        ],
        columns=("child_id", "team", "referral_date"),
    )
    t = rereferral_rate(refs, "2024-09")
    assert t[["team", "referrals", "rereferrals", "percent"]].to_dict("list") == {
        "team": ["T1", "T2", "Total"],
        "referrals": [1, 3, 4],
        "rereferrals": [1, 1, 2],
        "percent": [100.0, pytest.approx(100 / 3), 50.0],
    }
    # The extract begins 14/09/2023, so every September look-back is inside it: the dates decide.
    assert t.attrs["evidence"].used == "dates"
    assert t["on_column"].tolist() == [0, 0, 0]


def test_rereferral_uses_the_column_for_referrals_before_the_extract():
    # A six-month extract (from 15/04/2024). Ofsted's column: referrals in the 12 months before
    # the child's LATEST referral, not counting it. A: 1 (the earlier one is in the extract);
    # B: 1 (a referral before the extract began); C: 0.
    refs = frame(
        [
            ("A", "T1", "2024-04-15", "1"),
            ("A", "T1", "2024-09-15", "1"),
            ("B", "T1", "2024-09-16", "1"),
            ("C", "T1", "2024-09-17", "0"),
        ],
        columns=("child_id", "team", "referral_date", "referrals_12m"),
    )
    t = rereferral_rate(refs, "2024-09")
    total = t.iloc[-1]
    # A by the dates, B by the column (1 - 0 in the extract = 1 before it), C not: 2 of 3.
    counts = ["referrals", "rereferrals", "by_dates", "by_column", "on_column"]
    assert total[counts].tolist() == [3, 2, 1, 1, 2]
    assert t.attrs["evidence"].used == "dates and column"


@pytest.mark.parametrize(
    "percent, expected",
    [(81, "green"), (81.0001, "green"), (80.99, "amber"), (76, "amber"), (75.99, "red"), (None, "")],
)
def test_rag_boundaries(percent, expected):
    assert rag(percent, target=81, amber_margin=5) == expected


def test_rag_vectorised_keeps_index():
    s = pd.Series([90.0, 78.0, 10.0, np.nan], index=list("abcd"))
    assert rag(s).to_dict() == {"a": "green", "b": "amber", "c": "red", "d": ""}
