"""Data-quality rules on canonical frames (xladdin.core.quality), hand-built literal tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from xladdin.core import quality as q
from xladdin.core.quality import crosscheck
from xladdin.extracts import read_assessments

DATA = Path(__file__).parent / "data"
T = pd.Timestamp
NAT = pd.NaT


def _l4(rows):
    """child_id, start, authorised, team; source_row counts from 2 (header on row 1)."""
    f = pd.DataFrame(rows, columns=["child_id", "start", "authorised", "team"])
    f["start"] = pd.to_datetime(f["start"])
    f["authorised"] = pd.to_datetime(f["authorised"])
    f["team"] = f["team"].astype("category")
    f["source_row"] = range(2, 2 + len(f))
    f["problem"] = ""
    return f


def _run(frame, extract_date=dt.date(2024, 10, 31)):
    found = q.check_assessments(frame, extract_date=extract_date, file="l4.csv")
    return q.apply_problems(frame, found)


def test_clean_rows_give_no_quality_rows():
    f = _l4([["C1", "2024-07-22", "2024-09-24", "A"], ["C2", "2024-07-22", None, "A"]])
    out = _run(f)
    assert out.empty and list(out.columns) == list(q.QUALITY_COLUMNS)
    assert f["problem"].tolist() == ["", ""]


def test_each_rule_with_row_column_value_and_rule():
    f = _l4(
        [
            ["C1", "2024-09-10", "2024-09-05", "A"],  # row 2: 8608
            ["C2", "2024-09-01", "2024-11-01", "A"],  # row 3: future authorised
            ["C3", "2024-09-01", "2024-09-20", None],  # row 4: blank team
            ["C4", None, "2024-09-20", "A"],  # row 5: blank start
            [None, "2024-09-01", "2024-09-20", "A"],  # row 6: blank child
            ["C1", "2024-09-10", "2024-09-05", "A"],  # row 7: duplicate of 2 (and 8608 again)
        ]
    )
    out = _run(f)
    got = out[["row", "column", "value", "rule"]].values.tolist()
    assert got == [
        [2, "Continuous Assessment Date of Authorisation", "05/09/2024", "8608"],
        [3, "Continuous Assessment Date of Authorisation", "01/11/2024", "future"],
        [4, "Allocated Team", "", "team"],
        [5, "Continuous Assessment Start Date", "", "blank"],
        [6, "Child Unique ID", "", "blank"],
        [7, "Continuous Assessment Date of Authorisation", "05/09/2024", "8608"],
        [7, "Child Unique ID", "C1", "duplicate"],
    ]
    assert set(out["file"]) == {"l4.csv"}
    assert out.loc[0, "reason"].startswith("Authorised before the assessment start date (10/09/2024)")
    assert "Duplicate of row 2" in out.loc[6, "reason"]
    assert f["problem"].tolist() == [
        "authorised before start",
        "future Continuous Assessment Date of Authorisation",
        "blank team",
        "blank Continuous Assessment Start Date",
        "blank child ID",
        "authorised before start; duplicate of row 2",
    ]


def test_duplicates_counted_once_first_kept_and_each_copy_points_at_the_first():
    f = _l4([["C1", "2024-09-02", "2024-09-20", "A"]] * 3 + [["C1", "2024-09-03", "2024-09-20", "A"]])
    out = _run(f)
    assert out["reason"].str.slice(0, 18).tolist() == ["Duplicate of row 2"] * 2
    assert (f["problem"] == "").tolist() == [True, False, False, True]


def test_two_open_assessments_warn_but_still_count():
    f = _l4(
        [
            ["C1", "2024-10-01", None, "A"],
            ["C2", "2024-10-01", None, "A"],
            ["C1", "2024-10-15", None, "A"],
        ]
    )
    out = _run(f)
    assert out[["row", "rule"]].values.tolist() == [[2, "8896"], [4, "8896"]]
    assert "rows 2, 4" in out.loc[0, "reason"]
    assert f["problem"].tolist() == ["", "", ""]
    assert "8896" in q.WARNING_RULES and "8896" not in q.EXCLUDING_RULES


def test_future_is_relative_to_the_extract_date_and_the_day_itself_is_fine():
    f = _l4([["C1", "2024-10-01", "2024-10-31", "A"], ["C2", "2024-10-01", "2024-11-01", "A"]])
    out = _run(f, extract_date=dt.date(2024, 10, 31))
    assert out[["row", "rule"]].values.tolist() == [[3, "future"]]
    assert "after the extract date (31/10/2024)" in out.loc[0, "reason"]


def test_referral_duplicates_need_same_child_date_and_source_blank_source_compares():
    f = pd.DataFrame(
        {
            "child_id": ["C1", "C1", "C1", "C1", "C1"],
            "referral_date": pd.to_datetime(["2024-09-02"] * 4 + ["2024-09-03"]),
            "source": ["Police", "Police", "School", None, None],
            "team": pd.Categorical(["A"] * 5),
            "source_row": [2, 3, 4, 5, 6],
            "problem": "",
        }
    )
    out = q.apply_problems(f, q.check_referrals(f, extract_date=dt.date(2024, 10, 31), file="l3.csv"))
    assert out[["row", "rule"]].values.tolist() == [[3, "duplicate"]]


def test_spaces_only_team_is_blank():
    f = _l4([["C1", "2024-09-02", "2024-09-20", "   "], ["C2", "2024-09-02", "2024-09-20", "A"]])
    out = _run(f)
    assert out[["row", "rule"]].values.tolist() == [[2, "team"]]


@pytest.mark.parametrize(
    ("value", "yes"),
    [("a) Yes", True), ("Yes", True), ("Y", True), ("b) No", False), ("", False), (None, False)],
)
def test_is_yes(value, yes):
    assert crosscheck.is_yes(pd.Series([value], dtype=object)).tolist() == [yes]


def test_cross_check_frames_ignores_a_start_before_the_referral_period():
    a = pd.DataFrame(
        {
            "child_id": ["C1", "C2"],
            "start": pd.to_datetime(["2024-01-05", "2024-06-10"]),
            "source_row": [2, 3],
            "problem": "",
        }
    )
    r = pd.DataFrame(
        {
            "child_id": ["C1", "C2"],
            "referral_date": pd.to_datetime(["2024-06-01", "2024-06-20"]),
            "nfa": ["b) No", "b) No"],
            "source_row": [2, 3],
            "problem": "",
        }
    )
    out = crosscheck.cross_check_frames(a, r, assessments_file="l4.csv", referrals_file="l3.csv")
    # C1 started before List 3's period (from 01/06/2024): its referral may be older, so no flag.
    assert out[["file", "row", "rule"]].values.tolist() == [["l4.csv", 3, "1103"]]


def test_file_reading_and_rules_agree_on_the_messy_extract():
    ex = read_assessments(DATA / "list4_messy_cp1252.csv")
    assert ex.quality[["row", "rule"]].values.tolist() == [
        [7, "8608"],
        [8, "date"],
        [9, "future"],
        [10, "team"],
        [11, "duplicate"],
        [12, "8896"],
        [13, "8896"],
    ]
    assert ex.quality.loc[1, "value"] == "31/02/2024"
    assert ex.quality.loc[1, "column"] == "continuous assessment start date"  # as in the file


def test_core_quality_does_not_import_openpyxl_or_xlwings():
    import xladdin.core.quality as mod

    src = Path(mod.__file__).read_text(encoding="utf-8")
    assert "openpyxl" not in src and "xlwings" not in src
