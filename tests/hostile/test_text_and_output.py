"""Text as case systems write it (no-break spaces, SQL-view headers, NULL), mappings a person can
write, no team column, csv output safe to open in a spreadsheet, and failures that stay quiet
(issue 9 items 4, 7 and 9; issue 10 items 4 and 7)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from annex_shapes import H4, SEPT, TEAM, base_lines, base_rows, csv_lines, list4_csv


def figures(data: dict) -> dict[str, tuple[int, int]]:
    return {r["team"]: (r["completed"], r["in_time"]) for r in data["table"]}


def sept(xladdin, expect, accounted, path, *extra):
    return accounted(expect(xladdin("timeliness", path, "--month", "2024-09", "--format", "json", *extra), 0))


def test_no_break_and_doubled_spaces_make_one_team(tmp_path, xladdin, expect, accounted):
    """Before: "Team\u00a0A" and "Team A" were two rows that look the same."""
    rows = base_rows()
    rows[0][TEAM], rows[1][TEAM], rows[5][TEAM] = "Team\u00a0A", "  Team   A ", "Team\tA"
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", csv_lines(rows)))
    assert figures(data) == SEPT


def test_ids_with_spaces_are_the_same_child(tmp_path, xladdin, expect, accounted):
    lines = base_lines() + [base_lines()[0].replace("C1,", " C1\u00a0,")]  # C1 again: a duplicate
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", lines))
    assert figures(data) == SEPT and (data["rows"], data["kept_out"]) == (7, 1)


SQL_VIEW = [
    "ChildUniqueID", "Gender", "Ethnicity", "DateOfBirth", "Age", "HasDisability", "ContinuousAssessmentStart",
    "ContinuousAssessmentChildSeen", "ContinuousAssessmentAuthDate", "CSCSupportRequired", "AllocatedTeam",
    "AllocatedWorker",
]  # fmt: skip


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(SQL_VIEW, id="sql-view"),
        pytest.param(
            [
                h.replace("ContinuousAssessmentAuthDate", "ContinuousAssessmentDateOfAuthorisation")
                for h in SQL_VIEW
            ],
            id="sql-dateofauthorisation",
        ),
        pytest.param(
            [h.lower().replace(" ", "_").replace("?", "").replace("'", "") for h in H4], id="snake-case"
        ),
        pytest.param([h.upper() for h in H4], id="upper-case"),
    ],
)
def test_headers_match_ignoring_case_spaces_and_punctuation(tmp_path, xladdin, expect, accounted, header):
    data = sept(
        xladdin,
        expect,
        accounted,
        list4_csv(tmp_path / "list4.csv", header=header, title=None),
        "--extract-date",
        "31/10/2024",
    )
    assert figures(data) == SEPT


def test_a_missing_column_names_the_mapping_key_and_the_command(tmp_path, xladdin, expect):
    header = [h.replace("Continuous Assessment Date of Authorisation", "Date Completed") for h in H4]
    path = list4_csv(tmp_path / "lcs.csv", header=header)
    expect(
        xladdin("timeliness", path, "--month", "2024-09"),
        2,
        "required column 'Continuous Assessment Date of Authorisation' is missing",
        "'Date Completed'",
        f"xladdin mapping-template {path}",
        "'assessments.authorised'",
        "--mapping FILE",
    )


def test_mapping_template_is_a_mapping_that_reads_the_file(tmp_path, xladdin, expect, accounted):
    header = [
        "Person ID",
        "Gender",
        "Ethnicity",
        "DOB",
        "Age",
        "Disability",
        "Assessment Start",
        "Seen",
        "Date Completed",
        "Support",
        "Team Name",
        "Social Worker",
    ]
    path = list4_csv(tmp_path / "lcs.csv", header=header)
    run = expect(xladdin("mapping-template", path), 0)
    text = run.stdout
    assert 'child_id: "Person ID"  # GUESS' in text
    assert 'authorised: "Date Completed"  # GUESS' in text
    assert 'start: "Assessment Start"  # matches' in text
    assert 'team: "Team Name"  # GUESS' in text
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text)
    assert figures(sept(xladdin, expect, accounted, path, "--mapping", mapping)) == SEPT


def test_mapping_template_marks_what_it_cannot_find(tmp_path, xladdin, expect):
    path = list4_csv(tmp_path / "odd.csv", header=["Ref", "Opened", "Zzz", *[f"x{i}" for i in range(9)]])
    text = expect(xladdin("mapping-template", path, "--kind", "assessments"), 0).stdout
    assert '# authorised: ""  # NOT FOUND, REQUIRED' in text
    assert '# worker: ""  # NOT FOUND, optional' in text


def test_no_team_column_gives_one_authority_wide_total(tmp_path, xladdin, expect, accounted):
    header = [h for h in H4 if h != "Allocated Team"]
    rows = [r[:TEAM] + r[TEAM + 1 :] for r in base_rows()]
    path = list4_csv(tmp_path / "list4.csv", csv_lines(rows), header=header)
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == {"Total": (5, 3)} and data["teams"] is False
    assert any("authority-wide" in n for n in data["notes"])
    run = expect(xladdin("timeliness", path, "--month", "2024-09", "--format", "csv"), 0, "no team column")
    assert run.stdout == "team,completed,in_time,percent\nTotal,5,3,60.0\n"


@pytest.mark.parametrize("blank", ["", "   ", "\u00a0", "NULL"])
def test_a_blank_team_in_a_file_with_a_team_column_is_kept_out(tmp_path, xladdin, expect, accounted, blank):
    rows = base_rows()
    rows[0][TEAM] = blank  # C1, in time
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", csv_lines(rows)))
    assert figures(data) == {"Team A": (1, 0), "Team B": (3, 2), "Total": (4, 2)} and data["kept_out"] == 1


@pytest.mark.parametrize("team", ['=HYPERLINK("http://x","click")', "+Team", "-Team", "@SUM(A1)"])
def test_csv_output_escapes_formula_looking_text(tmp_path, xladdin, expect, team):
    rows = base_rows()
    for r in rows[:2] + rows[5:]:
        r[TEAM] = team
    path = list4_csv(tmp_path / "list4.csv", csv_lines(rows))
    out = expect(xladdin("timeliness", path, "--month", "2024-09", "--format", "csv"), 0).stdout
    import csv as _csv
    import io

    teams = [r[0] for r in _csv.reader(io.StringIO(out))]
    assert "'" + team in teams and team not in teams
    data = json.loads(xladdin("timeliness", path, "--month", "2024-09", "--format", "json").stdout)
    assert team in {r["team"] for r in data["table"]}  # json carries the text as it is


@pytest.mark.parametrize("value", ["=1+1", "\t=1+1", "\r=1+1", "-1"])
def test_quality_csv_escapes_values(tmp_path, xladdin, expect, value):
    """Team names lose a leading tab (whitespace is tidied); a refused date keeps its text as written."""
    rows = base_rows()
    rows[0][8] = value  # not a date: listed with its value
    out = expect(
        xladdin("quality", list4_csv(tmp_path / "list4.csv", csv_lines(rows)), "--format", "csv"), 0
    ).stdout
    import csv as _csv
    import io

    [row] = list(_csv.DictReader(io.StringIO(out)))
    assert row["value"] == "'" + value


def test_an_unexpected_error_is_one_line_and_a_log(tmp_path, monkeypatch, capsys):
    from xladdin import cli, errors
    from xladdin.cli import workdays as cli_workdays

    monkeypatch.setattr(errors, "error_log", lambda: tmp_path / "xladdin-errors.log")

    def boom(args):
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(cli_workdays, "cmd_workdays", boom)
    assert cli.main(["workdays", "22/07/2024", "24/09/2024"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "workdays stopped unexpectedly (RuntimeError: something nobody expected)" in err
    assert str(tmp_path / "xladdin-errors.log") in err
    log = (tmp_path / "xladdin-errors.log").read_text()
    assert "Traceback (most recent call last)" in log and "something nobody expected" in log


def test_a_reader_that_stops_early_leaves_no_noise(tmp_path):
    """``xladdin quality big.csv | head -1``: no "Exception ignored" when the pipe closes."""
    lines = [base_lines()[0].replace("C1,", f"C{i},").replace("24/09/2024", "xx") for i in range(20_000)]
    path = list4_csv(tmp_path / "list4.csv", lines)
    proc = subprocess.run(
        f'"{sys.executable}" -m xladdin.cli quality "{path}" --format csv | head -c 100',
        shell=True,
        capture_output=True,
        text=True,
    )
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout.startswith("file,row,column,value,reason,rule")
