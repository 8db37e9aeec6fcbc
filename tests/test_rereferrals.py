"""Re-referrals within 12 months: both kinds of evidence, on extracts built by hand.

The rule (docs/counting-rules.md): a referral of child C dated d is a re-referral when C had
another referral dated strictly earlier than d and on or after d - 12 calendar months. The
Annex A column "Number of Referrals in Last 12 Months" is, as Ofsted defines it, the number of
referrals in the 12 months BEFORE the child's latest referral (lowest value 0, the same value on
every row of the child). Every expected figure below is worked out in the comments.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xladdin.core.measures import rereferral_detail, rereferral_rate
from xladdin.core.rereferrals import count_fault, parse_counts, twelve_months_before
from xladdin.extracts import read_referrals

HEADER = (
    "Child Unique ID,Date of referral,Referral Source,Number of Referrals in Last 12 Months,Allocated Team"
)


def write(tmp_path: Path, rows: list[str], name: str = "list3.csv") -> Path:
    path = tmp_path / name
    path.write_text(
        "Annex A List 3: Referrals - extracted 01/10/2024\n" + HEADER + "\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return path


def old_reading(frame: pd.DataFrame, month: str) -> int:
    """What xladdin did before: the column alone, read as "including this referral" (>= 2)."""
    in_month = frame["referral_date"].dt.to_period("M") == pd.Period(month)
    return int(pd.to_numeric(frame.loc[in_month, "referrals_12m"]).ge(2).sum())


# A six-month extract (its earliest referral 15/04/2024). Ofsted's column on every row of a child
# is the count for the child's latest referral.
SAMPLE_1 = [
    "P1,15/04/2024,q) 6: Police,1,Team A",  # P1's latest (10/09) has one referral before it: 15/04
    "P1,10/09/2024,e) 2A: Schools,1,Team A",  # re-referral by the dates (15/04/2024)
    "P2,12/09/2024,q) 6: Police,2,Team A",  # 2 referrals before the extract began: re, by the column
    "P3,20/09/2024,q) 6: Police,3,Team B",  # 3 before the extract: re, by the column
    "P4,05/09/2024,e) 2A: Schools,0,Team B",  # none: not a re-referral (the column says so)
    "P5,06/09/2024,q) 6: Police,0,Team B",
    "P6,25/09/2024,q) 6: Police,0,Team A",
]


def test_sample_1_is_3_of_6_where_the_old_reading_gave_2(tmp_path: Path):
    extract = read_referrals(write(tmp_path, SAMPLE_1))
    assert old_reading(extract.frame, "2024-09") == 2  # P2, P3: P1's twice-referred child was missed
    table = rereferral_rate(extract.frame, "2024-09")
    assert table.to_dict("list") == {
        "team": ["Team A", "Team B", "Total"],
        "referrals": [3, 3, 6],
        "rereferrals": [2, 1, 3],  # A: P1 (dates), P2 (column); B: P3 (column)
        "percent": [pytest.approx(200 / 3), pytest.approx(100 / 3), 50.0],
        "by_dates": [1, 0, 1],
        "by_column": [1, 1, 2],
        # Every September look-back (to September 2023) reaches before 15/04/2024; P1's is settled by
        # the dates, the other five by the column (re-referral or not).
        "on_column": [2, 3, 5],
        "undecided": [0, 0, 0],
    }
    evidence = table.attrs["evidence"]
    assert evidence.start == dt.date(2024, 4, 15) and evidence.used == "dates and column"
    assert evidence.sentence() == (
        "Re-referrals, September 2024: decided by the dates and the column. 3 of 6 referrals are "
        're-referrals: 1 shown by an earlier referral in the extract, 2 by the column "Number of '
        'Referrals in Last 12 Months" (referrals before the extract began on 15/04/2024, its earliest '
        "referral). 5 referral(s) depended on the column."
    )
    assert extract.quality.empty  # the column is consistent: no warnings


SAMPLE_2 = [
    "Q5,01/04/2024,q) 6: Police,0,Team B",  # the extract begins 01/04/2024
    "Q1,02/05/2024,q) 6: Police,1,Team A",
    "Q1,03/09/2024,q) 6: Police,1,Team A",  # re by the dates (02/05/2024)
    "Q2,10/09/2024,e) 2A: Schools,2,Team A",  # 2 before the extract: re by the column
    "Q3,01/06/2024,q) 6: Police,1,Team B",
    "Q3,11/09/2024,q) 6: Police,1,Team B",  # two referrals the same day from two sources: both are
    "Q3,11/09/2024,e) 2A: Schools,1,Team B",  # re-referrals (01/06/2024), neither is earlier
    "Q4,18/09/2024,q) 6: Police,0,Team B",  # not a re-referral
]


def test_sample_2_is_4_of_5_where_the_old_reading_gave_1(tmp_path: Path):
    extract = read_referrals(write(tmp_path, SAMPLE_2))
    assert old_reading(extract.frame, "2024-09") == 1  # only Q2 (2 >= 2)
    total = rereferral_rate(extract.frame, "2024-09").iloc[-1]
    assert total[["referrals", "rereferrals", "by_dates", "by_column", "on_column"]].tolist() == [
        5,
        4,
        3,
        1,
        2,
    ]
    detail = rereferral_detail(extract.frame, "2024-09")
    assert detail[["child_id", "rereferral", "evidence"]].values.tolist() == [
        ["Q1", True, "dates"],
        ["Q2", True, "column"],
        ["Q3", True, "dates"],
        ["Q3", True, "dates"],
        ["Q4", False, "column"],
    ]
    assert [d.date() for d in detail["earlier_referral"].dropna()] == [
        dt.date(2024, 5, 2),
        dt.date(2024, 6, 1),
        dt.date(2024, 6, 1),
    ]
    # Q2: the column says 2, the extract shows none of them: both were before it began.
    q2 = detail.set_index("child_id").loc["Q2"]
    assert (q2["count_12m"], q2["count_in_extract"], q2["count_before_extract"]) == (2, 0, 2)
    assert detail["source_row"].tolist() == [5, 6, 8, 9, 10]  # the rows as a spreadsheet shows them


def frame(rows, columns=("child_id", "team", "referral_date", "referrals_12m")):
    df = pd.DataFrame(rows, columns=list(columns))
    df["referral_date"] = pd.to_datetime(df["referral_date"])
    df["problem"] = ""
    df["source_row"] = np.arange(len(df)) + 2
    return df


def test_same_day_referrals_are_two_and_neither_is_earlier():
    refs = frame(
        [
            ("X", "T", "2024-09-10", "0"),  # two the same day, nothing before: neither is a re-referral
            ("X", "T", "2024-09-10", "0"),
            ("Y", "T", "2023-10-01", "2"),
            ("Y", "T", "2024-09-11", "2"),  # the day before 11/09 Y was referred on 01/10/2023: both
            ("Y", "T", "2024-09-11", "2"),  # same-day rows look past each other to it
        ]
    )
    detail = rereferral_detail(refs, "2024-09")
    assert detail["rereferral"].tolist() == [False, False, True, True]
    assert detail["earlier_referral"].dropna().tolist() == [pd.Timestamp("2023-10-01")] * 2
    assert rereferral_rate(refs, "2024-09").iloc[-1][["referrals", "rereferrals"]].tolist() == [4, 2]


def test_twelve_calendar_months_and_29_february():
    assert [str(d)[:10] for d in twelve_months_before(pd.to_datetime(["2024-02-29", "2024-09-15"]))] == [
        "2023-02-28",
        "2023-09-15",
    ]
    refs = frame(
        [
            ("A", "T", "2023-02-28", "1"),
            ("A", "T", "2024-02-29", "1"),  # 28/02/2023 is 12 calendar months before: re-referral
            ("B", "T", "2023-02-27", "0"),
            ("B", "T", "2024-02-29", "0"),  # a day more: not one
        ]
    )
    assert rereferral_detail(refs, "2024-02")["rereferral"].tolist() == [True, False]


def test_the_stated_period_decides_whether_the_look_back_is_inside_the_extract():
    # D's only referral in the extract is 20/09/2024 and the column says 1. The extract's own
    # earliest referral is 01/05/2024, so D's look-back (from 20/09/2023) reaches before it and the
    # column shows a referral before the extract: a re-referral. If the extract's title says it
    # covers 01/09/2023 to 30/09/2024, that look-back is inside it and the dates decide: not one
    # (and the column disagrees with the extract, which the data-quality list says).
    refs = frame([("E", "T", "2024-05-01", "0"), ("D", "T", "2024-09-20", "1")])
    assert rereferral_rate(refs, "2024-09").iloc[-1]["rereferrals"] == 1
    stated = rereferral_rate(refs, "2024-09", coverage=(dt.date(2023, 9, 1), dt.date(2024, 9, 30)))
    assert stated.iloc[-1][["rereferrals", "on_column"]].tolist() == [0, 0]
    evidence = stated.attrs["evidence"]
    assert evidence.used == "dates" and evidence.start == dt.date(2023, 9, 1)
    assert "01/09/2023, the first day of the period its title states" in evidence.sentence()


def test_unseen_referrals_count_for_every_referral_of_the_child_in_the_extract():
    # F: 05/06/2024 and 25/09/2024, column 3 (on both rows). In the 12 months before 25/09/2024 the
    # extract shows one (05/06); 3 - 1 = 2 happened before the extract began (01/05/2024), so less
    # than 12 months before 05/06/2024 too: the June referral is a re-referral, by the column.
    refs = frame(
        [("E", "T", "2024-05-01", "0"), ("F", "T", "2024-06-05", "3"), ("F", "T", "2024-09-25", "3")]
    )
    june = rereferral_detail(refs, "2024-06")
    assert june[["child_id", "rereferral", "evidence", "count_before_extract"]].values.tolist() == [
        ["F", True, "column", 2]
    ]
    september = rereferral_detail(refs, "2024-09")
    assert september[["rereferral", "evidence"]].values.tolist() == [[True, "dates"]]


def test_without_the_column_the_output_says_the_rate_may_be_too_low():
    refs = frame(
        [("E", "T", "2024-05-01"), ("G", "T", "2024-09-02")], columns=("child_id", "team", "referral_date")
    )
    table = rereferral_rate(refs, "2024-09")
    evidence = table.attrs["evidence"]
    assert (evidence.rereferrals, evidence.undecided, evidence.has_column) == (0, 1, False)
    assert evidence.sentence().endswith(
        "1 referral(s) look back before the extract began and the extract has no such column: they count "
        "as not re-referrals, so the rate may be too low."
    )


@pytest.mark.parametrize(
    "text, fault",
    [("0", ""), ("2", ""), ("2.0", ""), (" 3 ", ""), ("", "blank"), ("two", "not a number"),
     ("-1", "negative"), ("1.5", "fractional"), ("inf", "not a number")],
)  # fmt: skip
def test_what_counts_as_a_usable_count(text, fault):
    values = pd.Series([text], dtype="str")
    assert count_fault(values).tolist() == [fault]
    assert parse_counts(values)[1].tolist() == [fault == ""]


def test_unusable_counts_are_warnings_and_the_dates_decide(tmp_path: Path):
    extract = read_referrals(
        write(
            tmp_path,
            [
                "K0,02/04/2024,q) 6: Police,0,T",  # the extract begins 02/04/2024
                "K1,10/05/2024,q) 6: Police,,T",
                "K1,10/09/2024,q) 6: Police,,T",  # blank: still a re-referral, by the dates
                "K2,11/09/2024,q) 6: Police,two,T",  # not a number: look-back before the extract, undecided
                "K3,12/09/2024,q) 6: Police,-1,T",  # negative: undecided
                "K4,13/09/2024,q) 6: Police,1.5,T",  # fractional: undecided
            ],
        )
    )
    table = rereferral_rate(extract.frame, "2024-09")
    total = table.iloc[-1]
    # Every referral stays in the denominator: 4 referrals, 1 re-referral (K1), 3 undecided.
    assert total[["referrals", "rereferrals", "by_dates", "undecided"]].tolist() == [4, 1, 1, 3]
    q = extract.quality
    assert q["rule"].tolist() == ["12m"] * 5 and q["row"].tolist() == [4, 5, 6, 7, 8]
    assert q["value"].tolist() == ["", "", "two", "-1", "1.5"]
    assert q.loc[q["row"] == 6, "reason"].item() == (
        "Number of Referrals in Last 12 Months is not a number. It should be a whole number, 0 or more: "
        "the child's referrals in the 12 months before their latest one. Still counted; this referral is "
        "a re-referral only if the extract's dates show one. Correct it on the source system."
    )
    assert (extract.frame["problem"] == "").all()  # warnings only: every row still counts


def test_counts_that_differ_within_a_child_or_disagree_with_the_dates_are_warnings(tmp_path: Path):
    extract = read_referrals(
        write(
            tmp_path,
            [
                "L0,01/09/2023,q) 6: Police,0,T",  # the extract begins 01/09/2023
                "L1,10/01/2024,q) 6: Police,1,T",
                "L1,10/09/2024,q) 6: Police,2,T",  # latest row says 2, the earlier one 1: differs
                "L2,03/03/2024,q) 6: Police,0,T",
                "L2,04/09/2024,q) 6: Police,0,T",  # 0, but the extract shows 03/03/2024: fewer
            ],
        )
    )
    q = extract.quality.set_index("row")["reason"]
    assert q[4] == (
        "Number of Referrals in Last 12 Months is 1 here but 2 on this child's latest referral (row 5). "
        "Every row of a child should carry the same value (Ofsted's Annex A guidance); the latest row's "
        "value is used."
    )
    # L1: the 12 months before 10/09/2024 lie inside the extract (from 01/09/2023), which holds 1.
    assert q[5] == (
        "Number of Referrals in Last 12 Months is 2, but this extract, which covers the 12 months before "
        "10/09/2024, holds 1. The dates are used; check the count on the source system."
    )
    assert q[7] == (
        "Number of Referrals in Last 12 Months is 0, but this extract holds 1 referral(s) of this child in "
        "the 12 months before 04/09/2024. The dates are used; check the count on the source system."
    )
    assert sorted(q.index) == [4, 5, 7]
    detail = rereferral_detail(extract.frame, "2024-09")
    assert detail["rereferral"].tolist() == [True, True]  # both by the dates


def test_duplicates_and_future_rows_are_no_evidence(tmp_path: Path):
    extract = read_referrals(
        write(
            tmp_path,
            [
                "M1,02/09/2024,q) 6: Police,0,T",
                "M1,02/09/2024,q) 6: Police,0,T",  # an exact duplicate: kept out, and not "another" referral
                "M2,03/09/2024,q) 6: Police,0,T",
                "M2,03/12/2024,q) 6: Police,0,T",  # after the extract date: kept out
            ],
        )
    )
    assert rereferral_rate(extract.frame, "2024-09").iloc[-1][["referrals", "rereferrals"]].tolist() == [2, 0]
    assert set(extract.quality["rule"]) == {"duplicate", "future"}  # no count warnings about them


def test_a_million_referrals_take_well_under_a_few_seconds():
    import time

    rng = np.random.default_rng(1)
    n = 1_000_000
    refs = pd.DataFrame(
        {
            "child_id": rng.integers(0, 400_000, n).astype(str),
            "team": pd.Categorical(rng.choice(["A", "B", "C"], n)),
            "referral_date": pd.Timestamp("2023-10-01") + pd.to_timedelta(rng.integers(0, 365, n), "D"),
            "referrals_12m": rng.integers(0, 4, n).astype(str),
            "problem": "",
            "source_row": np.arange(n) + 2,
        }
    )
    began = time.perf_counter()
    total = rereferral_rate(refs, "2024-09").iloc[-1]
    assert time.perf_counter() - began < 20  # vectorised: about a second on the project's machine
    assert total["referrals"] == int((refs["referral_date"].dt.to_period("M") == "2024-09").sum())


def test_a_referral_with_no_team_is_kept_out_of_the_rate_but_is_an_earlier_referral(tmp_path: Path):
    extract = read_referrals(
        write(
            tmp_path,
            [
                "N1,03/06/2024,q) 6: Police,1,",  # no team: kept out of the rate, but it happened
                "N1,09/09/2024,q) 6: Police,1,Team A",  # so this is a re-referral, by the dates
            ],
        )
    )
    assert extract.quality["rule"].tolist() == ["team"]
    detail = rereferral_detail(extract.frame, "2024-09")
    assert detail[["child_id", "rereferral", "evidence"]].values.tolist() == [["N1", True, "dates"]]
    assert detail["earlier_referral"].tolist() == [pd.Timestamp("2024-06-03")]
    assert rereferral_rate(extract.frame, "2024-06").iloc[-1]["referrals"] == 0
