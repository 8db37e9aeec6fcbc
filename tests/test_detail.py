"""Figures an officer can check by hand: the child-level rows behind each team's figure, in the
workbook and on the command line; the referral-date clock's fall-backs; where the trend starts.

The hand-built extracts below have their answers worked out in the comments. Working days:
start Mon 22/07/2024 -> deadline Tue 24/09/2024 (the 26/08/2024 bank holiday excluded);
start Sat 20/07/2024 -> deadline Mon 23/09/2024; from Mon 15/07/2024 the 45th working day
is Tue 17/09/2024.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_cli import run
from test_workbook import demo_workbook

import xlwings_standin as standin
from xladdin.core.measures import assessment_timeliness, completed_assessments, trend_start
from xladdin.core.month import Month
from xladdin.excel import live
from xladdin.excel.xlsm import build_workbook
from xladdin.extracts import read_assessments
from xladdin.workbook import areas
from xladdin.workbook.book import read_area
from xladdin.workbook.create import DETAIL_SHEETS, create_workbook
from xladdin.workbook.refresh import refresh

LIST4 = """Annex A List 4: Assessments - extracted 31/10/2024
Child Unique ID,Continuous Assessment Start Date,Continuous Assessment Date of Authorisation,Allocated Team,Allocated Worker
A1,22/07/2024,24/09/2024,Team A,Ann Ash
A2,22/07/2024,25/09/2024,Team A,Ann Ash
A3,20/07/2024,23/09/2024,Team B,Bob Bell
A4,02/09/2024,02/09/2024,Team B,Bob Bell
A5,01/08/2024,01/10/2024,Team B,Bob Bell
A6,22/07/2024,,Team A,Ann Ash
"""
# A1: 45 working days (in time), legacy 46 (late); A2: 46, late both ways; A3 (Saturday start):
# 45, legacy 45, in time both; A4: same day, 0 (legacy 1); A5 is October's; A6 is open.

LIST3 = """Annex A List 3: Referrals - extracted 31/10/2024
Child Unique ID,Date of referral,Referral Source,Number of Referrals in Last 12 Months,Allocated Team
S1,10/04/2024,q) 6: Police,1,Team R
A1,15/07/2024,q) 6: Police,0,Team R
A2,23/07/2024,q) 6: Police,0,Team R
A4,30/08/2024,e) 2A: Schools,0,Team S
S1,12/09/2024,q) 6: Police,1,Team R
S2,13/09/2024,q) 6: Police,2,Team S
S3,16/09/2024,e) 2A: Schools,0,Team S
"""
# September's referrals: S1 (re-referral: 10/04/2024), S2 (the column: 2 referrals before the
# extract began on 10/04/2024), S3 (not). With the referral-date clock: A1 starts 15/07/2024 (late
# by 24/09), A4 starts 30/08/2024 (1 day), A2's only referral is after its start and A3, A5, A6
# have none: those four fall back to their own start dates.


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "list4.csv").write_text(LIST4, encoding="utf-8")
    (tmp_path / "list3.csv").write_text(LIST3, encoding="utf-8")
    return tmp_path / "list4.csv", tmp_path / "list3.csv"


def D(day: str) -> dt.datetime:
    return dt.datetime.strptime(day, "%d/%m/%Y")


def test_completed_assessments_are_the_rows_behind_the_team_table(files):
    frame = read_assessments(files[0]).frame
    rows = completed_assessments(frame, "2024-09")
    assert rows["child_id"].tolist() == ["A1", "A2", "A4", "A3"]  # by team, then authorisation date
    assert rows["elapsed"].tolist() == [45, 46, 0, 45]
    assert rows["legacy_days"].tolist() == [46, 47, 1, 45]
    assert rows["in_time"].tolist() == [True, False, True, True]
    assert rows["legacy_in_time"].tolist() == [False, False, True, True]
    assert [d.date() for d in rows["deadline"]] == [
        dt.date(2024, 9, 24),
        dt.date(2024, 9, 24),
        dt.date(2024, 11, 4),
        dt.date(2024, 9, 23),
    ]
    for counting, column in (("corrected", "in_time"), ("legacy", "legacy_in_time")):
        table = assessment_timeliness(frame, "2024-09", counting=counting).set_index("team")
        by_team = rows.groupby("team").agg(completed=("child_id", "size"), in_time=(column, "sum"))
        assert table.loc[["Team A", "Team B"], ["completed", "in_time"]].equals(by_team)
    assert assessment_timeliness(frame, "2024-09").iloc[-1][["completed", "in_time"]].tolist() == [4, 3]


def test_trend_starts_at_the_first_month_with_data():
    frame = pd.DataFrame(
        {
            "authorised": pd.to_datetime(["2024-05-20", "2024-09-02", "2024-11-01", None]),
            "problem": ["", "", "", ""],
        }
    )
    assert trend_start(frame, "2024-09") == Month(2024, 5)  # not September 2023: no data before May
    assert trend_start(frame, "2025-09") == Month(2024, 9)  # 13 months, all with data or after it
    assert trend_start(frame, "2024-04") == Month(2024, 4)  # nothing completed yet: the month alone
    frame.loc[0, "problem"] = "duplicate of row 3"  # a row kept out of the figures is no data either
    assert trend_start(frame, "2024-09") == Month(2024, 9)


def test_clock_fallbacks_are_counted_on_stderr_and_listed_as_warnings(files):
    list4, list3 = map(str, files)
    proc = run("timeliness", list4, "--month", "2024-09", "--clock", "referral", "--referrals", list3)
    # A1 is now late (from 15/07/2024), A2 late, A3 and A4 in time: Team A 0 of 2, Team B 2 of 2.
    assert proc.stdout.splitlines()[-1].split() == ["Total", "4", "2", "50.0%"]
    assert (
        "Referral-date clock: 2 of the 4 assessment(s) completed in September 2024 had no referral of the "
        "child on or before their start in list3.csv, so their clock started at the assessment start date "
        "(4 in the whole extract; still counted)."
    ) in proc.stderr
    out = run("quality", list4, "--referrals", list3, "--clock", "referral", "--format", "csv").stdout
    clock = [r for r in csv.DictReader(io.StringIO(out)) if r["rule"] == "clock"]
    assert [(r["row"], r["value"]) for r in clock] == [
        ("4", "22/07/2024"),
        ("5", "20/07/2024"),
        ("7", "01/08/2024"),
        ("8", "22/07/2024"),
    ]
    assert clock[0]["reason"] == (
        "Referral-date clock: the child's referrals in list3.csv are all after the start, so this "
        "assessment's clock starts at its own start date. Still counted; check that the referral is in "
        "List 3 with the right child ID and date."
    )
    assert clock[1]["reason"].startswith("Referral-date clock: list3.csv has no referral of this child,")
    plain = run("quality", list4, "--referrals", list3, "--format", "csv").stdout
    assert "clock" not in {r["rule"] for r in csv.DictReader(io.StringIO(plain))}  # the start clock


def test_detail_on_the_command_line(files):
    list4, list3 = map(str, files)
    out = run("timeliness", list4, "--month", "2024-09", "--detail").stdout.splitlines()
    assert out[0] == (
        "child_id,team,worker,start,clock_start,authorised,deadline,elapsed,in_time,legacy_days,legacy_in_time"
    )
    assert out[1] == "A1,Team A,Ann Ash,22/07/2024,22/07/2024,24/09/2024,24/09/2024,45,yes,46,no"
    assert len(out) == 1 + 4
    proc = run("rereferrals", list3, "--month", "2024-09", "--detail")
    assert proc.stdout.splitlines() == [
        "child_id,team,referral_date,rereferral,evidence,earlier_referral,count_12m,count_in_extract,"
        "count_before_extract,source_row",
        "S1,Team R,12/09/2024,yes,dates,10/04/2024,1,1,0,7",
        "S2,Team S,13/09/2024,yes,column,,2,0,2,8",
        "S3,Team S,16/09/2024,no,column,,0,0,0,9",
    ]
    assert "decided by the dates and the column. 2 of 3 referrals are re-referrals" in proc.stderr


def test_rereferrals_csv_header_stays_and_the_evidence_goes_to_stderr_and_json(files):
    list3 = str(files[1])
    proc = run("rereferrals", list3, "--month", "2024-09", "--format", "csv")
    assert proc.stdout.splitlines() == [
        "team,referrals,rereferrals,percent",
        "Team R,1,1,100.0",
        "Team S,2,1,50.0",
        "Total,3,2,66.7",
    ]
    assert (
        "Re-referrals, September 2024: decided by the dates and the column. 2 of 3 referrals are "
        're-referrals: 1 shown by an earlier referral in the extract, 1 by the column "Number of '
        'Referrals in Last 12 Months" (referrals before the extract began on 10/04/2024, its earliest '
        "referral). 2 referral(s) depended on the column."
    ) in proc.stderr.splitlines()
    table = run("rereferrals", list3, "--month", "2024-09")
    assert "decided by the dates and the column" in table.stderr
    data = json.loads(run("rereferrals", list3, "--month", "2024-09", "--format", "json").stdout)
    # Each team row says which evidence decided it; the month's evidence is one field of the object.
    assert data["table"][-1] == {
        "team": "Total",
        "referrals": 3,
        "rereferrals": 2,
        "percent": 66.7,
        "evidence": "dates and column",
        "rereferrals_by_dates": 1,
        "rereferrals_by_column": 1,
        "depended_on_column": 2,
        "undecided": 0,
    }
    assert data["evidence"] == {
        "evidence": "dates and column",
        "extract_start": "2024-04-10",
        "extract_start_from": "its earliest referral",
        "rereferrals_by_dates": 1,
        "rereferrals_by_column": 1,
        "depended_on_column": 2,
        "undecided": 0,
        "column_present": True,
    }
    assert data["table"][0]["team"] == "Team R" and data["table"][0]["evidence"] == "dates"


@pytest.fixture
def hand_workbook(files, tmp_path: Path) -> Path:
    path = create_workbook(
        tmp_path / "performance.xlsx",
        {"month": "2024-09", "assessments": "list4.csv", "referrals": "list3.csv", "clock": "referral"},
    )
    refresh(path)
    return path


def test_the_workbook_lists_the_rows_behind_each_figure(hand_workbook: Path):
    wb = openpyxl.load_workbook(hand_workbook)
    completed = read_area(wb, "xl_completed")
    assert completed[0] == areas.HEADERS["xl_completed"]
    assert completed[1:] == [
        # Clock from the referral: A1 from 15/07/2024 (deadline 17/09/2024): 50 working days, late.
        ["A1", "Team A", "Ann Ash", D("22/07/2024"), D("15/07/2024"), D("24/09/2024"), D("17/09/2024"),
         50, "No", 51, "No"],
        ["A2", "Team A", "Ann Ash", D("22/07/2024"), D("22/07/2024"), D("25/09/2024"), D("24/09/2024"),
         46, "No", 47, "No"],
        ["A4", "Team B", "Bob Bell", D("02/09/2024"), D("30/08/2024"), D("02/09/2024"), D("01/11/2024"),
         1, "Yes", 2, "Yes"],
        ["A3", "Team B", "Bob Bell", D("20/07/2024"), D("20/07/2024"), D("23/09/2024"), D("23/09/2024"),
         45, "Yes", 45, "Yes"],
    ]  # fmt: skip
    team = read_area(wb, "xl_team_table")
    assert [r[:3] for r in team[1:]] == [["Team A", 2, 0], ["Team B", 2, 2], ["Total", 4, 2]]
    referrals = read_area(wb, "xl_referral_detail")
    assert referrals[1:] == [
        ["S1", "Team R", D("12/09/2024"), "Yes", "dates", D("10/04/2024"), 1, 1, 0, 7],
        ["S2", "Team S", D("13/09/2024"), "Yes", "column", None, 2, 0, 2, 8],
        ["S3", "Team S", D("16/09/2024"), "No", "column", None, 0, 0, 0, 9],
    ]
    assert read_area(wb, "xl_rereferrals")[1:] == [
        ["Team R", 1, 1, 1.0],
        ["Team S", 2, 1, 0.5],
        ["Total", 3, 2, pytest.approx(2 / 3)],
    ]
    note = wb["Re-referrals"]["A2"].value
    assert note.startswith("Re-referrals, September 2024: decided by the dates and the column. 2 of 3")
    assert "2 referral(s) depended on the column" in note
    quality = read_area(wb, "xl_quality")
    clock = [r for r in quality[1:] if r[5] == "clock"]
    assert [(r[0], r[1], r[3]) for r in clock] == [
        ("list4.csv", 4, "22/07/2024"),
        ("list4.csv", 5, "20/07/2024"),
        ("list4.csv", 7, "01/08/2024"),
        ("list4.csv", 8, "22/07/2024"),
    ]
    assert wb["Completed assessments"]["D5"].number_format == "dd/mm/yyyy"
    # The extract's first completion is in September 2024: the trend is that month alone.
    assert [r[:3] for r in read_area(wb, "xl_trend")[1:]] == [[dt.datetime(2024, 9, 1), 4, 2]]


def test_child_level_sheets_are_marked_internal_and_kept_out_of_print(hand_workbook: Path):
    assert areas.AREAS["xl_completed"].child_level and areas.AREAS["xl_referral_detail"].child_level
    assert {areas.AREAS[n].sheet for n in ("xl_completed", "xl_referral_detail")} == set(DETAIL_SHEETS)
    wb = openpyxl.load_workbook(hand_workbook)
    for name in DETAIL_SHEETS:
        ws = wb[name]
        assert "INTERNAL: child-level, never share" in ws["A1"].value
        assert ws.print_area == f"'{name}'!$A$1:$K$3"  # the title and notes only, not the rows
        assert ws.oddHeader.right.text == "INTERNAL: child-level data"
        assert ws.freeze_panes == "A5"


def test_an_older_workbook_gains_the_sheets_on_refresh(files, tmp_path: Path):
    path = create_workbook(
        tmp_path / "old.xlsx", {"month": "2024-09", "assessments": "list4.csv", "referrals": "list3.csv"}
    )
    wb = openpyxl.load_workbook(path)
    for name in DETAIL_SHEETS:
        del wb[name]
    for name in ("xl_completed", "xl_referral_detail"):
        del wb.defined_names[name]
    wb.save(path)
    refresh(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-2:] == list(DETAIL_SHEETS)
    assert len(read_area(wb, "xl_completed")) == 1 + 4
    assert read_area(wb, "xl_referral_detail")[0] == areas.HEADERS["xl_referral_detail"]


@pytest.fixture(scope="module")
def demo_refreshed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo_workbook(tmp_path_factory.mktemp("detail"))
    refresh(path)
    return path


def test_every_demo_team_figure_is_a_count_over_the_rows(demo_refreshed: Path):
    wb = openpyxl.load_workbook(demo_refreshed)
    completed = read_area(wb, "xl_completed")[1:]
    assert len(completed) == 150  # the seed's September
    done = Counter(r[1] for r in completed)
    in_time = Counter(r[1] for r in completed if r[8] == "Yes")
    legacy = Counter(r[1] for r in completed if r[10] == "Yes")
    team = read_area(wb, "xl_team_table")[1:]
    for name, denominator, numerator, _, _, legacy_numerator, *_ in team[:-1]:
        assert (denominator, numerator, legacy_numerator) == (done[name], in_time[name], legacy[name]), name
    assert team[-1][:3] == ["Total", 150, 114] and team[-1][5] == 100  # 76.0% corrected, 66.7% legacy
    referrals = read_area(wb, "xl_referral_detail")[1:]
    rates = read_area(wb, "xl_rereferrals")[1:]
    counted = Counter(r[1] for r in referrals)
    re = Counter(r[1] for r in referrals if r[3] == "Yes")
    for name, n, k, _ in rates[:-1]:
        assert (n, k) == (counted[name], re[name]), name
    assert rates[-1][1:3] == [len(referrals), sum(re.values())]
    # A re-referral shown by the dates names the earlier referral, less than 12 months before.
    for r in referrals:
        if r[4] == "dates" and r[3] == "Yes":
            assert r[2] - pd.DateOffset(months=12) <= r[5] < r[2]


def test_live_excel_refresh_of_an_older_workbook_skips_the_missing_sheets(files, tmp_path: Path):
    base = create_workbook(
        tmp_path / "base.xlsx", {"month": "2024-09", "assessments": "list4.csv", "referrals": "list3.csv"}
    )
    wb = openpyxl.load_workbook(base)
    for name in DETAIL_SHEETS:
        del wb[name]
    for name in ("xl_completed", "xl_referral_detail"):
        del wb.defined_names[name]
    wb.save(base)
    book = standin.Book(build_workbook(tmp_path / "performance.xlsm", base_xlsx=base))
    try:
        result = live.refresh(book)
        assert "xl_completed" not in result.rows and result.rows["xl_rereferrals"] == 3
        assert [r[:3] for r in live_area(book, "xl_team_table")[1:]] == [
            ["Team A", 2, 1],
            ["Team B", 2, 2],
            ["Total", 4, 3],
        ]
    finally:
        book.close()


def live_area(book, name: str) -> list[list]:
    return book.names[name].refers_to_range.options(ndim=2).value
