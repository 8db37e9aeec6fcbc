"""Dates as UK exports write them, everywhere a date comes in (issue 9 item 2, issue 10, issue 15 item 7).

One parser reads CSV text, xlsx text, closure files, ``--extract-date`` and ``xladdin workdays``;
a date it refuses is a listed row with its reason, never a silent blank.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from annex_shapes import AUTH, H4, LINE, SEPT, START, base_lines, base_rows, csv_lines, list4_csv, write_xlsx


def figures(data: dict) -> dict[str, tuple[int, int]]:
    return {r["team"]: (r["completed"], r["in_time"]) for r in data["table"]}


def sept(xladdin, expect, accounted, path, *extra):
    run = expect(xladdin("timeliness", path, "--month", "2024-09", "--format", "json", *extra), 0)
    return accounted(run)


def rewrite(convert):
    """The base rows with every date rewritten by ``convert(dd/mm/yyyy text)``."""
    return csv_lines(base_rows(lambda d: convert(d) if d else ""))


def iso(d: str) -> str:
    return dt.datetime.strptime(d, "%d/%m/%Y").strftime("%Y-%m-%d")


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(iso, id="iso"),
        pytest.param(lambda d: iso(d) + "T10:11:00", id="iso-T-time"),
        pytest.param(lambda d: iso(d) + " 10:11:00.000", id="iso-sql-time"),
        pytest.param(lambda d: d + " 10:11", id="dmy-time"),
        pytest.param(lambda d: dt.datetime.strptime(d, "%d/%m/%Y").strftime("%-d-%b-%Y"), id="d-mmm-yyyy"),
        pytest.param(
            lambda d: dt.datetime.strptime(d, "%d/%m/%Y").strftime("%-d %b %Y"), id="d-mmm-yyyy-spaces"
        ),
        pytest.param(lambda d: dt.datetime.strptime(d, "%d/%m/%Y").strftime("%-d/%-m/%Y"), id="d/m/yyyy"),
    ],
)
def test_every_uk_form_gives_the_same_figures(tmp_path, xladdin, expect, accounted, convert):
    """Before: ISO dates put every row in the quality list and printed Total,0,0 with exit 0."""
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", rewrite(convert)))
    assert figures(data) == SEPT and data["kept_out"] == 0


def test_mixed_forms_in_one_column(tmp_path, xladdin, expect, accounted):
    forms = [iso, lambda d: d, lambda d: d + " 09:00", iso, lambda d: d, iso]
    rows = base_rows()
    for r, f in zip(rows, forms):
        r[START] = f(r[START])
        r[AUTH] = f(r[AUTH]) if r[AUTH] else ""
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", csv_lines(rows)))
    assert figures(data) == SEPT


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("24/09/24", "two-digit year"),
        ("09/24/2024", "is not a date"),  # month-first: never guessed
        ("31/02/2024", "is not a date"),
        ("01/01/1949", "outside the years 1950 to 2099"),
        ("01/01/2100", "outside the years 1950 to 2099"),
        ("#N/A", "Excel error value"),
        ("#VALUE!", "Excel error value"),
        ("pending", "is not a date"),
        ("NA", "is not a date"),
    ],
)
def test_a_refused_authorisation_is_a_listed_row(tmp_path, xladdin, expect, accounted, value, reason):
    rows = base_rows()
    rows[0][AUTH] = value  # C1, in time, Team A, line 4
    path = list4_csv(tmp_path / "list4.csv", csv_lines(rows))
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == {"Team A": (1, 0), "Team B": (3, 2), "Total": (4, 2)}
    assert data["kept_out"] == 1
    q = json.loads(xladdin("quality", path, "--format", "json").stdout)["quality"]
    assert [(r["row"], r["value"], r["rule"]) for r in q] == [(LINE["C1"], value, "date")]
    assert reason in q[0]["reason"]


def test_null_as_sql_writes_a_missing_date_is_an_open_assessment(tmp_path, xladdin, expect, accounted):
    rows = base_rows()
    rows[5][AUTH] = "NULL"
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", csv_lines(rows)))
    assert figures(data) == SEPT and data["kept_out"] == 0


def test_every_date_junk_is_exit_2_naming_the_reason_and_an_example(tmp_path, xladdin, expect):
    rows = base_rows()
    for r in rows:
        r[START] = "TBC"
    path = list4_csv(tmp_path / "list4.csv", csv_lines(rows))
    expect(
        xladdin("timeliness", path, "--month", "2024-09", "--format", "csv"),
        2,
        "every one of its 6 rows is kept out",
        "Continuous Assessment Start Date is not a date",
        "e.g. row 4",
    )


def test_xlsx_text_dates_and_serial_numbers(tmp_path, xladdin, expect, accounted):
    def serial(d: str) -> float:
        return float((dt.datetime.strptime(d, "%d/%m/%Y") - dt.datetime(1899, 12, 30)).days)

    rows = base_rows(lambda d: d)
    rows[0][START], rows[0][AUTH] = iso(rows[0][START]), iso(rows[0][AUTH])  # ISO text cells
    rows[1][START], rows[1][AUTH] = serial(rows[1][START]), serial(rows[1][AUTH])  # numbers
    path = write_xlsx(tmp_path / "list4.xlsx", {"List 4": [["extracted 31/10/2024"], [], H4, *rows]})
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == SEPT


def test_workdays_reads_every_form_the_reader_reads(xladdin, expect):
    for start, end in [
        ("22/07/2024", "24/09/2024"),
        ("2024-07-22", "2024-09-24T10:11:00"),
        ("22 Jul 2024", "24/09/2024 10:11"),
    ]:
        run = expect(xladdin("workdays", start, end), 0, "Elapsed working days: 45", "in time")
        assert "Deadline (working day 45 after the start): Tue 24/09/2024" in run.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["workdays", "22/07/24", "24/09/2024"], ["START: '22/07/24' has a two-digit year"]),
        (["workdays", "22/07/2024", "09/24/2024"], ["END: '09/24/2024' is not a date"]),
        (["workdays", "22/07/1900", "24/09/2024"], ["outside the years 1950 to 2099"]),
    ],
)
def test_workdays_refuses_with_the_reason(xladdin, expect, args, words):
    expect(xladdin(*args), 2, *words)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("yesterday", ["--extract-date: 'yesterday' is not a date"]),
        ("31/10/24", ["--extract-date: '31/10/24' has a two-digit year"]),
        ("", ["--extract-date"]),
    ],
)
def test_extract_date_junk_is_exit_2(tmp_path, xladdin, expect, value, words):
    path = list4_csv(tmp_path / "list4.csv", title=None)
    if value == "":
        run = xladdin("timeliness", path, "--month", "2024-09", "--extract-date", "   ")
        expect(run, 2, "no date given")
    else:
        expect(xladdin("timeliness", path, "--month", "2024-09", "--extract-date", value), 2, *words)


def test_closures_file_in_windows_1252_with_notes(tmp_path, xladdin, expect):
    closures = tmp_path / "closures.txt"
    closures.write_bytes("# Fermeture de No\xebl\n2024-09-23,staff day\n\n".encode("cp1252"))
    run = expect(xladdin("workdays", "22/07/2024", "24/09/2024", "--closures", closures), 0)
    assert "Elapsed working days: 44" in run.stdout  # Monday 23/09 closed


def test_closures_file_in_utf16(tmp_path, xladdin, expect):
    closures = tmp_path / "closures.txt"
    closures.write_text("23/09/2024\r\n", encoding="utf-16")
    run = expect(xladdin("workdays", "22/07/2024", "24/09/2024", "--closures", closures), 0)
    assert "Elapsed working days: 44" in run.stdout


def test_an_xlsx_given_as_closures_is_refused_with_what_to_do(tmp_path, xladdin, expect):
    path = write_xlsx(tmp_path / "closures.xlsx", {"Sheet": [["23/09/2024"]]})
    expect(
        xladdin("workdays", "22/07/2024", "24/09/2024", "--closures", path),
        2,
        "closures.xlsx",
        "is a spreadsheet",
        "Holidays sheet",
    )


def test_a_folder_given_as_closures(tmp_path, xladdin, expect):
    expect(xladdin("workdays", "22/07/2024", "24/09/2024", "--closures", tmp_path), 2, "is a folder")


def test_a_bad_closure_line_is_named(tmp_path, xladdin, expect):
    closures = tmp_path / "closures.txt"
    closures.write_text("23/09/2024\n23/09/24\n")
    expect(
        xladdin("workdays", "22/07/2024", "24/09/2024", "--closures", closures),
        2,
        "closures.txt line 2: '23/09/24' has a two-digit year",
    )


def test_dates_are_never_read_month_first_even_when_they_could_be(tmp_path, xladdin, expect, accounted):
    """03/09/2024 is 3 September: with month-first reading C3 would fall in March."""
    lines = base_lines()
    lines[2] = lines[2].replace("02/09/2024", "03/09/2024")
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", lines))
    assert figures(data) == SEPT
