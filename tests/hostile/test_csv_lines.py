"""Broken CSV lines: each is listed by its line number and kept out; none merges into a neighbour
or becomes a phantom team; the lines after it still count (issue 9 item 3, issue 10)."""

from __future__ import annotations

import json

import pytest
from annex_shapes import LINE, SEPT, base_lines, csv_lines, list4_csv, row4


def figures(data: dict) -> dict[str, tuple[int, int]]:
    return {r["team"]: (r["completed"], r["in_time"]) for r in data["table"]}


def timeliness(xladdin, accounted, expect, path, code=0, *words):
    run = expect(xladdin("timeliness", path, "--month", "2024-09", "--format", "json"), code, *words)
    return accounted(run) if code == 0 else run


def quality_rows(xladdin, path) -> list[dict]:
    run = xladdin("quality", path, "--format", "json")
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout)["quality"]


def test_unclosed_quote_to_the_end_of_the_file_is_one_listed_line(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[1] = lines[1].replace("Team A", '"Team A')  # C2, line 5: the quote never closes
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    # C2 (late, Team A) is kept out; every other row still counts, no phantom team.
    assert figures(data) == {"Team A": (1, 1), "Team B": (3, 2), "Total": (4, 3)}
    assert (data["rows"], data["counted"], data["kept_out"]) == (6, 5, 1)
    [q] = quality_rows(xladdin, path)
    assert (q["row"], q["rule"]) == (LINE["C2"], "malformed") and 'quote (")' in q["reason"]


def test_unclosed_quote_closed_by_a_later_quote_swallows_nothing(tmp_path, xladdin, expect, accounted):
    """The reported defect: the C parser ran on to the next quote and made a "team" of three rows."""
    rows = [row4(c, s, a, t, "Smith, J" if c == "C4" else "W") for c, s, a, t in
            [("C1", "22/07/2024", "24/09/2024", "Team A"), ("C2", "22/07/2024", "25/09/2024", "Team A"),
             ("C3", "01/08/2024", "02/09/2024", "Team B"), ("C4", "05/08/2024", "30/09/2024", "Team B"),
             ("C5", "01/07/2024", "27/09/2024", "Team B")]]  # fmt: skip
    lines = csv_lines(rows)
    lines[1] = lines[1].replace("Team A,W", '"Team A,W')
    path = list4_csv(tmp_path / "list4.csv", lines)
    run = expect(xladdin("timeliness", path, "--month", "2024-09", "--format", "csv"), 0, "1 kept out")
    assert run.stdout.splitlines() == [
        "team,completed,in_time,percent",
        "Team A,1,1,100.0",
        "Team B,3,2,66.7",
        "Total,4,3,75.0",
    ]
    assert "C3" not in run.stdout and "Smith" not in run.stdout


def test_extra_unquoted_comma_in_a_team_name_is_listed_not_shifted(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[2] = lines[2].replace("Team B", "Team, B")  # C3, line 6: 13 values
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == {"Team A": (2, 1), "Team B": (2, 1), "Total": (4, 2)}
    [q] = quality_rows(xladdin, path)
    assert q["row"] == LINE["C3"] and "13 values where the header has 12" in q["reason"]


def test_extra_comma_with_a_blank_last_value_is_still_listed(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[2] = lines[2].replace("Team B,Worker 2", "Team, B,")  # 13 values, the last one empty
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert data["kept_out"] == 1 and figures(data)["Total"] == (4, 2)
    assert "Team" not in {r["team"] for r in data["table"]}


def test_a_missing_value_is_listed(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[3] = lines[3].rsplit(",", 1)[0]  # C4 without its worker: 11 values
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data)["Total"] == (4, 2) and data["kept_out"] == 1
    [q] = quality_rows(xladdin, path)
    assert q["row"] == LINE["C4"] and "11 values where the header has 12" in q["reason"]


def test_a_trailing_separator_on_every_row_is_the_files_shape(tmp_path, xladdin, expect, accounted):
    path = list4_csv(tmp_path / "list4.csv", [ln + "," for ln in base_lines()])
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == SEPT and data["kept_out"] == 0


def test_a_trailing_separator_on_the_header_only(tmp_path, xladdin, expect, accounted):
    from annex_shapes import H4

    path = list4_csv(tmp_path / "list4.csv", header=[*H4, ""])
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == SEPT and data["kept_out"] == 0


def test_a_value_over_two_lines_in_quotes_counts_and_later_line_numbers_stay_true(
    tmp_path, xladdin, expect, accounted
):
    lines = base_lines()
    lines[0] = lines[0].replace("Worker 0", '"Worker 0\nsecond line of a note"')  # C1 spans lines 4-5
    lines[4] = lines[4].replace("Team B", "Team, B")  # C5 is now on line 9 (8 + 1)
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == {"Team A": (2, 1), "Team B": (2, 2), "Total": (4, 3)}
    [q] = quality_rows(xladdin, path)
    assert q["row"] == LINE["C5"] + 1


def test_blank_and_whitespace_lines_are_not_rows(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[2:2] = ["", "   ", ",,,,,,,,,,,", "\t"]
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == SEPT and (data["rows"], data["kept_out"]) == (6, 0)


def test_a_quote_inside_an_unquoted_value_is_text(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[5] = lines[5].replace("Worker 5", 'Worker "Jo" 5')  # the open assessment
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == SEPT and data["kept_out"] == 0


def test_crlf_line_ends_and_a_broken_line(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[4] = lines[4] + ",extra"  # C5, line 8
    path = list4_csv(tmp_path / "list4.csv", lines, newline="\r\n")
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == {"Team A": (2, 1), "Team B": (2, 2), "Total": (4, 3)}
    assert [q["row"] for q in quality_rows(xladdin, path)] == [LINE["C5"]]


def test_old_mac_line_ends(tmp_path, xladdin, expect, accounted):
    path = list4_csv(tmp_path / "list4.csv", newline="\r")
    assert figures(timeliness(xladdin, accounted, expect, path)) == SEPT


def test_a_carriage_return_inside_a_value_is_accounted_for(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[5] = lines[5].replace("Worker 5", "Worker\r5")
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data)["Total"] == (5, 3)


def test_semicolons_with_a_broken_line(tmp_path, xladdin, expect, accounted):
    lines = base_lines(";")
    lines[1] = lines[1] + ";x"  # C2, late, Team A
    path = list4_csv(tmp_path / "list4.csv", lines, delimiter=";")
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == {"Team A": (1, 1), "Team B": (3, 2), "Total": (4, 3)}


def test_every_line_broken_is_exit_2_with_the_commonest_reason(tmp_path, xladdin, expect):
    path = list4_csv(tmp_path / "list4.csv", [ln.replace("Team", "Team,") for ln in base_lines()])
    run = expect(
        xladdin("timeliness", path, "--month", "2024-09"),
        2,
        "every one of its 6 rows is kept out",
        "13 values where the header has 12",
        "e.g. row 4",
        "xladdin quality",
    )
    assert run.stdout == ""


def test_many_stray_quotes_stay_linear(tmp_path, xladdin, expect, accounted):
    """A stray quote on every other line of 2,000: each listed, the rest counted, quickly."""
    good = base_lines()[0]
    lines = [
        good.replace("C1", f"C{i}") if i % 2 else good.replace("C1", f"C{i}").replace("Team A", '"Team A')
        for i in range(2000)
    ]
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert (data["rows"], data["counted"], data["kept_out"]) == (2000, 1000, 1000)
    assert figures(data)["Total"] == (1000, 1000)


@pytest.mark.parametrize("cut", [1, 5, 11])
def test_a_line_cut_short_at_the_end_of_the_file(tmp_path, xladdin, expect, accounted, cut):
    lines = base_lines()
    lines[-1] = ",".join(lines[-1].split(",")[:cut])
    path = list4_csv(tmp_path / "list4.csv", lines)
    data = timeliness(xladdin, accounted, expect, path)
    assert figures(data) == SEPT and data["kept_out"] == 1  # the open C6 was not in September anyway
