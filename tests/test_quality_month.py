"""The data-quality list speaks to the reporting month (issue 15 item 7): the rows that affect it
first, and how many rows from other months are listed below.

The demo List 4 extract has nine quality rows (tests/test_cli.py); by authorisation date, four are in
September 2024 (rows 1682, 1810, 1943, 2133), one has an unreadable authorisation date (1135,
"31/04/2024"), so it may be September's, and four are from other months (696 and 823 earlier in the
year, 1496 in May, 2170 in November).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import openpyxl
from test_workbook import demo_workbook

from xladdin.demo import demo_paths
from xladdin.workbook.book import read_area
from xladdin.workbook.refresh import refresh

SEPTEMBER_ROWS = [1135, 1682, 1810, 1943, 2133]
OTHER_ROWS = [696, 823, 1496, 2170]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xladdin.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_quality_month_lists_the_months_rows_first_and_counts_the_others() -> None:
    done = run("quality", str(demo_paths()["assessments"]), "--month", "2024-09")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "5 rows affect September 2024 (listed first, 1 of them with no date to place them in a month); "
        "4 rows from other months are listed below them."
    )
    split = lines.index("--- 4 row(s) from other months ---")
    rows = [int(line.split()[1]) for line in lines[2:split]]
    others = [int(line.split()[1]) for line in lines[split + 2 : -1]]
    assert (rows, others) == (SEPTEMBER_ROWS, OTHER_ROWS)
    assert lines[-1] == "9 problem(s) in list4_assessments.csv."


def test_quality_month_in_csv_says_which_rows_affect_the_month() -> None:
    done = run("quality", str(demo_paths()["assessments"]), "--month", "2024-05", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["file", "row", "column", "value", "reason", "rule", "affects_month"]
    assert [(int(r["row"]), r["affects_month"]) for r in rows[:2]] == [(1135, "undated"), (1496, "yes")]
    assert {r["affects_month"] for r in rows[2:]} == {"no"} and len(rows) == 9


def test_without_month_the_list_is_unchanged() -> None:
    done = run("quality", str(demo_paths()["assessments"]), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert "affects_month" not in rows[0] and [int(r["row"]) for r in rows] == sorted(
        SEPTEMBER_ROWS + OTHER_ROWS
    )


def test_timeliness_says_how_many_rows_were_kept_out_of_that_month() -> None:
    done = run("timeliness", str(demo_paths()["assessments"]), "--month", "2024-09")
    assert (
        "5 row(s) of list4_assessments.csv were kept out of September 2024's figures (4 more from other "
        f"months): run `xladdin quality {demo_paths()['assessments']} --month 2024-09` to see why."
    ) in done.stderr.splitlines()


def test_the_data_quality_sheet_shows_the_months_rows_first(tmp_path) -> None:
    path = demo_workbook(tmp_path)
    refresh(path)
    wb = openpyxl.load_workbook(path)
    note = wb["Data quality"]["A3"].value
    assert note.startswith("5 rows affect September 2024 (listed first, 1 of them with no date")
    quality = read_area(wb, "xl_quality")[1:]
    first = [(f, r) for f, r, *_ in quality[:5]]
    assert first == [("list4_assessments.csv", r) for r in SEPTEMBER_ROWS]
    others = int(note.split("; ")[1].split()[0])
    assert len(quality) == 5 + others  # every row is still listed
    assert {f for f, *_ in quality[5:]} >= {"list4_assessments.csv", "list3_referrals.csv"}


def test_a_list_read_from_a_named_sheet_is_placed_in_its_months_too(tmp_path) -> None:
    """The quality list names a sheet of a workbook ("list4.xlsx (sheet 'List 4')"); its rows are
    still matched to their dates (they were all taken for undated when matched by file name)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 4"
    for row in csv.reader(io.StringIO(demo_paths()["assessments"].read_text(encoding="utf-8"))):
        ws.append(row)
    wb.create_sheet("Notes")["A1"] = "Exported for the monthly return"
    wb.save(tmp_path / "list4.xlsx")
    done = run("quality", str(tmp_path / "list4.xlsx"), "--month", "2024-09")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("5 rows affect September 2024 (listed first, 1 of them")
    assert "list4.xlsx (sheet 'List 4')" in done.stdout
