"""The month-end projection and the open list on the workbook, read back from the written file.

The extract is dated Fri 13/09/2024 (its title row), inside September 2024. Deadlines (the
45th working day after the start; 26/08/2024 a bank holiday), counted on a calendar:

* C1 started 22/07, authorised 10/09: deadline 24/09, in time (so far)
* C2 started 03/06, authorised 02/09: deadline 05/08, late (so far)
* C3 started 01/07, open: deadline 03/09; 8 working days past it on 13/09 (4-6, 9-13 Sep): overdue
* C4 started 22/07, open: deadline Tue 24/09; 7 left (16-20, 23, 24 Sep): due
* C5 started 26/07, open: deadline Mon 30/09, the month's last day; 11 left: due
* C6 started 05/08, open: deadline Tue 08/10; 17 left: later, in neither rate
* C7 started 03/06, open: deadline 05/08; 28 past it (18 in August after the 5th, the 26th
  excluded, and 10 in September): overdue. West has only this case.

So far n = 2, k = 1 (50.0%); overdue 2, due 2: (1 + 2) / (2 + 2) = 75.0% if every due one is
completed by its deadline, (1 + 2) / (2 + 2 + 2) = 50.0% if the overdue ones are completed too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from xladdin.workbook.book import read_area
from xladdin.workbook.create import create_workbook
from xladdin.workbook.refresh import refresh

LIST4 = """Annex A List 4: Assessments - extracted 13/09/2024

Child Unique ID,Date of Birth,Continuous Assessment Start Date,Continuous Assessment Date of Authorisation,Allocated Team,Allocated Worker
C1,01/01/2015,22/07/2024,10/09/2024,North,Worker Ann
C2,01/01/2015,03/06/2024,02/09/2024,North,Worker Ann
C3,01/01/2015,01/07/2024,,North,Worker Bob
C4,01/01/2015,22/07/2024,,South,Worker Cat
C5,01/01/2015,26/07/2024,,South,Worker Cat
C6,01/01/2015,05/08/2024,,South,Worker Dan
C7,01/01/2015,03/06/2024,,West,Worker Eve
"""


def mid_month_workbook(folder: Path, month: str = "2024-09", extra: str = "", **settings: object) -> Path:
    (folder / "list4.csv").write_text(LIST4 + extra, encoding="utf-8")
    path = create_workbook(
        folder / "performance.xlsx", {"month": month, "assessments": "list4.csv", **settings}
    )
    refresh(path, refreshed_at=dt.datetime(2024, 9, 13, 17, 0))
    return path


@pytest.fixture(scope="module")
def mid_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mid_month_workbook(tmp_path_factory.mktemp("projection"))


def test_the_small_table_beside_the_team_table(mid_month: Path) -> None:
    wb = openpyxl.load_workbook(mid_month)
    ws = wb["Team table"]
    assert ws["J2"].value == (
        "Where September 2024 will land: the month-end projection at the extract date, Fri 13/09/2024. "
        "Overdue and due ones are listed on the Open assessments sheet."
    )
    assert read_area(wb, "xl_projection") == [
        ["Month-end projection (corrected counting)", "Assessments", "% in time"],
        ["Completed so far (to 13/09/2024)", 2, 0.5],
        ["of them in time", 1, None],
        ["Overdue: late whenever completed", 2, None],
        ["Due by 30/09/2024, still in time", 2, None],
        ["If every due one is completed by its deadline", 4, 0.75],
        ["... and every overdue one this month too", 6, 0.5],
    ]
    assert wb.defined_names["xl_projection"].attr_text == "'Team table'!$J$4:$L$10"
    assert (ws["K5"].number_format, ws["L5"].number_format) == ("0", "0.0%")


def test_the_projection_by_team(mid_month: Path) -> None:
    wb = openpyxl.load_workbook(mid_month)
    rows = read_area(wb, "xl_projection_teams")
    assert rows[0] == [
        "Team/Locality",
        "Completed so far",
        "In time so far",
        "Overdue",
        "Due by month end",
        "% so far",
        "If due ones on time",
        "If overdue ones too",
    ]
    by_team = {r[0]: r[1:] for r in rows[1:]}
    assert list(by_team) == ["North", "South", "West", "Total"]
    north = by_team["North"]
    assert north[:6] == [2, 1, 1, 0, 0.5, 0.5] and north[6] == pytest.approx(1 / 3)  # 1 / (2 + 1)
    assert by_team["South"] == [0, 0, 0, 2, None, 1.0, 1.0]  # nothing so far: no rate yet
    assert by_team["West"] == [0, 0, 1, 0, None, None, 0.0]  # only an overdue case
    assert by_team["Total"] == [2, 1, 2, 2, 0.5, 0.75, 0.5]
    ws = wb["Team table"]
    assert ws["J12"].value == "Month-end projection by team"
    assert [ws.cell(row=14, column=c).number_format for c in range(11, 18)] == ["0"] * 4 + ["0.0%"] * 3


def test_the_open_list_by_team_then_deadline(mid_month: Path) -> None:
    wb = openpyxl.load_workbook(mid_month)
    rows = read_area(wb, "xl_open")
    assert rows[0] == [
        "Child ID",
        "Team",
        "Worker",
        "Start",
        "Deadline",
        "Working days elapsed",
        "Working days left",
        "Status",
    ]
    got = [(r[0], r[1], r[4].strftime("%d/%m/%Y"), r[6], r[7]) for r in rows[1:]]
    assert got == [
        ("C3", "North", "03/09/2024", -8, "overdue"),
        ("C4", "South", "24/09/2024", 7, "due this month"),
        ("C5", "South", "30/09/2024", 11, "due this month"),
        ("C6", "South", "08/10/2024", 17, "later"),
        ("C7", "West", "05/08/2024", -28, "overdue"),
    ]
    ws = wb["Open assessments"]
    rules = {r.formula[0] for cf in ws.conditional_formatting for r in cf.rules}
    assert {'$H5="overdue"', '$H5="due this month"', "AND(ISNUMBER($G5),$G5>=0,$G5<=set_due_within)"} <= rules


def test_a_month_already_over_shows_no_projection(tmp_path: Path) -> None:
    # One assessment authorised in August, so that the extract reaches back into the month.
    path = mid_month_workbook(
        tmp_path, month="2024-08", extra="C8,01/01/2015,01/07/2024,20/08/2024,North,Ann\n"
    )
    wb = openpyxl.load_workbook(path)
    assert wb["Team table"]["J2"].value == (
        "No month-end projection: the extract is dated 13/09/2024, after August 2024 ended, so its figure is final."
    )
    assert read_area(wb, "xl_projection") == [
        ["Month-end projection (corrected counting)", "Assessments", "% in time"]
    ]
    assert len(read_area(wb, "xl_projection_teams")) == 1  # the header only
    # The list managers act on does not depend on the reporting month.
    assert [r[7] for r in read_area(wb, "xl_open")[1:]].count("due this month") == 2


def test_with_the_referral_clock_the_list_says_so(tmp_path: Path) -> None:
    (tmp_path / "list3.csv").write_text(
        "Child Unique ID,Date of referral,Allocated Team\nC4,15/07/2024,South\n", encoding="utf-8"
    )
    path = mid_month_workbook(tmp_path, clock="referral", referrals="list3.csv")
    wb = openpyxl.load_workbook(path)
    rows = read_area(wb, "xl_open")
    assert rows[0][3] == "Clock starts (referral)"
    c4 = next(r for r in rows[1:] if r[0] == "C4")
    # From the referral, Mon 15/07/2024, the 45th working day is Tue 17/09/2024: still due, 2 left.
    assert (c4[3], c4[4], c4[6], c4[7]) == (
        dt.datetime(2024, 7, 15),
        dt.datetime(2024, 9, 17),
        2,
        "due this month",
    )
