"""``xladdin projection`` as a real process: the mid-month extract of tests/test_projection_workbook.py.

Extract dated Fri 13/09/2024, September 2024 (every figure worked out in that module's docstring):
North 2 so far (1 in time), 1 overdue; South 2 due; West only an overdue case. Total: so far 50.0%,
75.0% if every due one is completed by its deadline, 50.0% if the overdue ones are too.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_cli import run
from test_projection_workbook import LIST4


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "list4.csv"
    path.write_text(LIST4, encoding="utf-8")
    return path


def test_the_table_says_when_and_what(extract: Path) -> None:
    out = run("projection", str(extract), "--month", "2024-09").stdout.splitlines()
    assert (
        out[0]
        == "Month-end projection for September 2024 at the extract date, Fri 13/09/2024 (corrected counting):"
    )
    assert out[1].split() == ["Team/Locality", "So", "far", "In", "time", "Overdue", "Due", "%", "so", "far",
                              "If", "due", "on", "time", "If", "overdue", "too"]  # fmt: skip
    assert out[2].split() == ["North", "2", "1", "1", "0", "50.0%", "50.0%", "33.3%"]
    assert out[3].split() == ["South", "0", "0", "0", "2", "100.0%", "100.0%"]
    assert out[4].split() == ["West", "0", "0", "1", "0", "0.0%"]
    assert out[6].split() == ["Total", "2", "1", "2", "2", "50.0%", "75.0%", "50.0%"]
    assert out[-1] == (
        "If every due one is completed by its deadline: 75.0%; if every overdue one is completed this month "
        "too: 50.0%."
    )


def test_csv_has_a_fixed_header_and_blank_rates_where_there_are_none(extract: Path) -> None:
    proc = run("projection", str(extract), "--month", "2024-09", "--format", "csv")
    assert (
        proc.stdout.splitlines()[0]
        == "team,completed,in_time,overdue,due,percent,if_due_on_time,if_overdue_too"
    )
    rows = {r["team"]: r for r in csv.DictReader(io.StringIO(proc.stdout))}
    assert rows["South"] == {
        "team": "South", "completed": "0", "in_time": "0", "overdue": "0", "due": "2",
        "percent": "", "if_due_on_time": "100.0", "if_overdue_too": "100.0",
    }  # fmt: skip
    assert (rows["North"]["if_overdue_too"], rows["Total"]["if_due_on_time"]) == ("33.3", "75.0")
    assert proc.stderr.splitlines()[-1] == "note: list4.csv: 7 rows = 7 counted + 0 kept out"


def test_json_carries_the_dates_and_the_accounting(extract: Path) -> None:
    data = json.loads(run("projection", str(extract), "--month", "2024-09", "--format", "json").stdout)
    assert (data["month"], data["extract_date"], data["month_end"]) == ("2024-09", "2024-09-13", "2024-09-30")
    assert data["rows"] == data["counted"] + data["kept_out"]
    rows = data["table"]
    assert rows[-1] == {
        "team": "Total", "completed": 2, "in_time": 1, "overdue": 2, "due": 2, "percent": 50.0,
        "if_due_on_time": 75.0, "if_overdue_too": 50.0,
    }  # fmt: skip
    assert rows[2]["team"] == "West" and rows[2]["if_due_on_time"] is None


def test_a_month_already_over_is_said_plainly_with_status_1(extract: Path) -> None:
    proc = run("projection", str(extract), "--month", "2024-08", "--format", "csv", check=False)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        f"xladdin: no projection for August 2024: list4.csv is dated 13/09/2024, after the month ended, so its "
        f"figure is final: `xladdin timeliness {extract} --month 2024-08` gives it. A projection needs an extract "
        "taken during the month (this one can project September 2024: --month 2024-09).\n"
    )
    assert "Traceback" not in proc.stderr


def test_a_month_not_yet_begun_too(extract: Path) -> None:
    proc = run("projection", str(extract), "--month", "2024-10", check=False)
    assert proc.returncode == 1 and "before the month began" in proc.stderr and proc.stdout == ""


def test_the_extract_date_can_be_given(extract: Path) -> None:
    # The same extract without its title row (a title's date wins over --extract-date), taken as
    # of Mon 16/09/2024: C4 and C5 are still due; nothing else changes.
    untitled = extract.with_name("untitled.csv")
    untitled.write_text(LIST4.split("\n", 2)[2], encoding="utf-8")
    rows = json.loads(
        run(
            "projection",
            str(untitled),
            "--month",
            "2024-09",
            "--extract-date",
            "16/09/2024",
            "--format",
            "json",
        ).stdout
    )
    assert (rows["extract_date"], rows["table"][-1]["due"], rows["table"][-1]["overdue"]) == (
        "2024-09-16",
        2,
        2,
    )


def test_the_referral_clock_needs_the_referrals(extract: Path) -> None:
    proc = run("projection", str(extract), "--month", "2024-09", "--clock", "referral", check=False)
    assert proc.returncode == 2 and "needs the referrals extract" in proc.stderr
