"""Spreadsheets as officers receive them: error cells and formulas without values in date columns,
hidden old sheets, whole Annex A workbooks (List 1 to List 11 with Guidance tabs), and title rows
that state a period and the extract date (issue 9 items 5 and 6, issue 10, issue 15 item 2)."""

from __future__ import annotations

import json

import openpyxl
from annex_shapes import (
    AUTH,
    H4,
    SEPT,
    START,
    TITLE4,
    annex_a_workbook,
    base_rows,
    excel_date,
    list3_rows,
    list4_csv,
    list4_sheet,
    row4,
    write_xlsx,
)


def figures(data: dict) -> dict[str, tuple[int, int]]:
    return {r["team"]: (r["completed"], r["in_time"]) for r in data["table"]}


def sept(xladdin, expect, accounted, path, *extra):
    return accounted(expect(xladdin("timeliness", path, "--month", "2024-09", "--format", "json", *extra), 0))


def real_dates() -> list[list]:
    return base_rows(lambda d: excel_date(d) if d else None)


def test_real_excel_dates(tmp_path, xladdin, expect, accounted):
    data = sept(xladdin, expect, accounted, write_xlsx(tmp_path / "list4.xlsx", {"List 4": list4_sheet()}))
    assert figures(data) == SEPT and data["sheet"] is None


def test_error_cells_in_date_columns_are_listed_not_blank(tmp_path, xladdin, expect, accounted):
    """Before: calamine read #N/A as an empty cell: a blank authorisation passed for an open case."""
    rows = real_dates()
    rows[0][AUTH] = "#N/A"  # openpyxl writes this as an error cell (t="e")
    rows[2][START] = "#VALUE!"
    path = write_xlsx(tmp_path / "list4.xlsx", {"List 4": list4_sheet(rows)})
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == {"Team A": (1, 0), "Team B": (2, 1), "Total": (3, 1)}
    q = json.loads(xladdin("quality", path, "--format", "json").stdout)["quality"]
    assert [(r["row"], r["rule"]) for r in q] == [(4, "date"), (6, "date")]
    assert all("Excel error value" in r["reason"] for r in q)


def test_formulas_saved_without_their_value_are_listed(tmp_path, xladdin, expect, accounted):
    rows = real_dates()
    rows[1][AUTH] = "=DATE(2024,9,25)"  # openpyxl saves formulas with no value
    rows[5][START] = "=TODAY()"
    path = write_xlsx(tmp_path / "list4.xlsx", {"List 4": list4_sheet(rows)})
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == {"Team A": (1, 1), "Team B": (3, 2), "Total": (4, 3)}
    q = json.loads(xladdin("quality", path, "--format", "json").stdout)["quality"]
    assert [(r["row"], r["rule"]) for r in q] == [(5, "date"), (9, "date")]
    assert all("formula saved without its value" in r["reason"] for r in q)


def test_formulas_with_saved_values_are_read(tmp_path, xladdin, expect, accounted):
    path = write_xlsx(tmp_path / "list4.xlsx", {"List 4": list4_sheet()})
    # Give one date cell a formula and a saved value, as Excel saves it.
    import zipfile

    raw = tmp_path / "list4.xlsx"
    with zipfile.ZipFile(raw) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b'<c r="I4"')
    end = sheet.index(b"</c>", start) + 4
    value = sheet[start:end].split(b"<v>")[1].split(b"</v>")[0]
    parts["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + b'<c r="I4" s="1"><f>DATE(2024,9,24)</f><v>' + value + b"</v></c>" + sheet[end:]
    )
    with zipfile.ZipFile(raw, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    assert figures(sept(xladdin, expect, accounted, path)) == SEPT


def test_hidden_old_sheet_is_named_and_not_read(tmp_path, xladdin, expect, accounted):
    """Before: a hidden sheet with last year's list was read instead of this month's visible one."""
    old = list4_sheet(
        [row4(f"OLD{i}", excel_date("01/08/2024"), excel_date("02/09/2024"), "Old Team") for i in range(50)]
    )
    path = write_xlsx(tmp_path / "list4.xlsx", {"Old": old, "List 4": list4_sheet()}, hidden=["Old"])
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == SEPT
    assert any("sheet 'Old' is hidden and was not read" in n for n in data["notes"])


def test_the_only_list_on_a_hidden_sheet_is_exit_2(tmp_path, xladdin, expect):
    path = write_xlsx(
        tmp_path / "list4.xlsx", {"Cover": [["Nothing here"]], "Data": list4_sheet()}, hidden=["Data"]
    )
    expect(xladdin("timeliness", path, "--month", "2024-09"), 2, "list4.xlsx", "hidden", "'Data'", "Unhide")


def test_quality_on_a_whole_annex_a_workbook_with_list_4_empty(tmp_path, xladdin, expect, accounted):
    """Before: "no data rows", naming no sheet, because List 4 was empty though List 3 had data."""
    path = annex_a_workbook(tmp_path / "annex_a.xlsx", list3=list3_rows())
    run = expect(
        xladdin("quality", path), 0, "'List_4'", "no data rows", "'List_3'", "3 rows = 3 counted + 0 kept out"
    )
    assert "Guidance" in run.stderr  # named as not checked
    data = accounted(expect(xladdin("quality", path, "--format", "json"), 0))
    assert [(e["sheet"], e["rows"]) for e in data["extracts"]] == [("List_3", 3)]


def test_quality_on_a_whole_annex_a_workbook_names_each_sheet(tmp_path, xladdin, expect, accounted):
    rows4 = real_dates()
    rows4[0][AUTH] = "31/02/2024"  # text, not a date
    rows3 = list3_rows()
    rows3[2][5] = "yesterday"
    path = annex_a_workbook(
        tmp_path / "annex_a.xlsx", list3=rows3, list4=rows4, underscores=False, hidden_old=True
    )
    data = accounted(expect(xladdin("quality", path, "--format", "json"), 0))
    assert sorted((e["sheet"], e["rows"], e["kept_out"]) for e in data["extracts"]) == [
        ("List 3", 3, 1),
        ("List 4", 6, 1),
    ]
    files = {(q["file"], q["row"]) for q in data["quality"] if q["rule"] == "date"}
    assert files == {("annex_a.xlsx (sheet 'List 3')", 6), ("annex_a.xlsx (sheet 'List 4')", 4)}
    assert any("hidden sheet(s) not read" in n and "List 4 (old)" in n for n in data["notes"])


def test_timeliness_on_a_whole_annex_a_workbook_reads_list_4(tmp_path, xladdin, expect, accounted):
    path = annex_a_workbook(tmp_path / "annex_a.xlsx", list3=list3_rows(), list4=real_dates())
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == SEPT and data["sheet"] == "List_4"


def test_an_annex_a_workbook_with_every_list_empty_is_exit_2(tmp_path, xladdin, expect):
    path = annex_a_workbook(tmp_path / "annex_a.xlsx")
    expect(xladdin("quality", path), 2, "annex_a.xlsx", "no list xladdin reads", "'List_3'", "'List_4'")


def test_title_with_a_period_and_an_extract_date(tmp_path, xladdin, expect, accounted):
    """Before: the first date (01/04/2024) was taken for the extract date; September was 'future'."""
    title = "Annex A List 4 for 01/04/2024 to 30/09/2024 - extracted 31/10/2024"
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", title=title))
    assert figures(data) == SEPT
    assert (data["extract_date"], data["coverage"]) == ("2024-10-31", ["2024-04-01", "2024-09-30"])


def test_a_month_outside_the_titles_period_is_exit_2(tmp_path, xladdin, expect):
    title = "Annex A List 4 for 01/04/2024 to 30/09/2024 - extracted 31/10/2024"
    path = list4_csv(tmp_path / "list4.csv", title=title)
    expect(
        xladdin("timeliness", path, "--month", "2024-10"),
        2,
        "--month 2024-10 (October 2024) is outside the extract",
        "covers 01/04/2024 to 30/09/2024",
        "the latest complete one is 2024-09",
    )


def test_a_title_in_cells_of_an_xlsx(tmp_path, xladdin, expect, accounted):
    sheet = [
        ["Annex A List 4", "Period", excel_date("01/04/2024"), "to", excel_date("30/09/2024")],
        ["Extracted", excel_date("31/10/2024")],
        H4,
        *real_dates(),
    ]
    data = sept(xladdin, expect, accounted, write_xlsx(tmp_path / "list4.xlsx", {"List 4": sheet}))
    assert (data["extract_date"], data["coverage"]) == ("2024-10-31", ["2024-04-01", "2024-09-30"])


def test_the_title_wins_over_a_given_extract_date_and_says_so(tmp_path, xladdin, expect, accounted):
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv"), "--extract-date", "01/11/2024")
    assert data["extract_date"] == "2024-10-31" and data["extract_date_source"] == "title"
    assert any("01/11/2024, is not used: the title row wins" in n for n in data["notes"])


def test_no_title_and_a_given_extract_date(tmp_path, xladdin, expect, accounted):
    data = sept(
        xladdin,
        expect,
        accounted,
        list4_csv(tmp_path / "list4.csv", title=None),
        "--extract-date",
        "2024-10-31",
    )
    assert (data["extract_date"], data["extract_date_source"]) == ("2024-10-31", "given")


def test_no_title_no_date_given_uses_the_latest_date_and_says_so(tmp_path, xladdin, expect):
    run = expect(
        xladdin("timeliness", list4_csv(tmp_path / "list4.csv", title=None), "--month", "2024-09"),
        0,
        "Extract date 30/09/2024: the latest date in list4.csv",
        "--extract-date",
    )
    assert run.stdout.splitlines()[-1].split() == ["Total", "5", "3", "60.0%"]


def test_a_later_month_than_the_extract_is_exit_2_not_zeros(tmp_path, xladdin, expect):
    """Before: with no title the extract date was today, and a later month printed Total 0 0."""
    path = list4_csv(tmp_path / "list4.csv", title=None)
    expect(xladdin("timeliness", path, "--month", "2026-10"), 2, "outside the extract", "30/09/2024")


def test_an_extract_saved_by_excel_roundtrip(tmp_path, xladdin, expect, accounted):
    """openpyxl loads and saves the base workbook (shared strings, styles): still the same figures."""
    path = write_xlsx(tmp_path / "list4.xlsx", {"List 4": list4_sheet()})
    wb = openpyxl.load_workbook(path)
    wb.active.title = "List_4 Assessments"
    wb.save(path)
    assert figures(sept(xladdin, expect, accounted, path)) == SEPT
    assert TITLE4
