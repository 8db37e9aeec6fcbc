"""Reading real-shaped Annex A extracts (tests/data, made by tests/data/make_extract_data.py).

Expected values were checked by hand against the rows written in
make_extract_data.py (row numbers are spreadsheet rows: the title is row 1).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from xladdin.errors import ExtractError
from xladdin.extracts import (
    Extract,
    cross_check,
    read_assessments,
    read_audit,
    read_extract,
    read_referrals,
)
from xladdin.extracts.read import normalise_header, parse_dates

DATA = Path(__file__).parent / "data"
MESSY = DATA / "list4_messy_cp1252.csv"


def test_messy_windows_1252_csv_reads_every_data_row_with_true_row_numbers():
    ex = read_assessments(MESSY)
    assert isinstance(ex, Extract) and ex.kind == "assessments"
    # Rows 6 (blank line) and 14 (empty cells) are not data; all others are kept, none dropped.
    assert ex.frame["source_row"].tolist() == [4, 5, 7, 8, 9, 10, 11, 12, 13, 15, 16]
    assert ex.rows == 11
    assert ex.extract_date == dt.date(2024, 10, 31)  # from the title row
    # Windows-1252 "é" decoded; "Team North " trimmed to "Team North".
    assert set(ex.frame["team"].dropna()) == {"Team S\u00e9verin", "Team North"}
    assert ex.frame.loc[1, "authorised"] == pd.Timestamp("2024-09-25")  # "25/09/2024 16:35"
    assert str(ex.frame["start"].dtype) == "datetime64[ns]"
    assert len(ex.sha256) == 64


def test_every_row_is_accounted_for():
    ex = read_assessments(MESSY)
    # 11 data rows: 6 count (rows 4, 5, 12, 13, 15, 16), 5 are kept out and listed.
    assert (ex.rows, ex.counted, ex.kept_out) == (11, 6, 5)
    assert ex.accounting() == (
        "list4_messy_cp1252.csv: 11 rows = 6 counted + 5 kept out (xladdin quality list4_messy_cp1252.csv lists them)"
    )
    listed = set(ex.quality.loc[ex.quality["rule"] != "8896", "row"])
    assert listed == set(ex.frame.loc[ex.frame["problem"] != "", "source_row"])


def test_problem_column_marks_exactly_the_excluded_rows():
    ex = read_assessments(MESSY)
    problem = dict(zip(ex.frame["source_row"], ex.frame["problem"]))
    assert problem[7] == "authorised before start"
    assert problem[8].startswith("unreadable")
    assert problem[9].startswith("future")
    assert problem[10] == "blank team"
    assert problem[11] == "duplicate of row 4"
    # 8896 (two open assessments) only warns: rows 12 and 13 still count.
    assert [r for r, p in problem.items() if p == ""] == [4, 5, 12, 13, 15, 16]


def test_utf8_bom_with_published_headers_and_given_extract_date():
    ex = read_assessments(DATA / "list4_utf8_bom.csv", extract_date=dt.date(2024, 10, 1))
    assert ex.extract_date == dt.date(2024, 10, 1)
    assert ex.frame["child_id"].tolist() == ["C101", "C102"]
    assert ex.frame["team"].tolist() == ["\u00c9quipe Sud"] * 2
    assert ex.frame["source_row"].tolist() == [2, 3]
    assert ex.quality.empty


def test_no_title_date_means_the_latest_date_in_the_extract_never_silently_today():
    ex = read_assessments(DATA / "list4_utf8_bom.csv")
    # The two rows' dates: starts 22/07/2024, authorised 24/09 and 25/09/2024.
    assert ex.extract_date == dt.date(2024, 9, 25)
    assert ex.extract_date_source == "data"
    assert any(
        n.startswith("Extract date 25/09/2024: the latest date in list4_utf8_bom.csv") for n in ex.notes
    )


def test_xlsx_real_dates_text_dates_and_numeric_ids():
    ex = read_assessments(DATA / "list4_excel_dates.xlsx")
    f = ex.frame
    assert f["source_row"].tolist() == [4, 5, 7, 8]
    assert ex.extract_date == dt.date(2024, 10, 31)
    assert f["child_id"].tolist() == ["12345", "C202", "C203", "C204"]
    assert f["start"].tolist()[:3] == [pd.Timestamp("2024-07-22")] * 2 + [pd.Timestamp("2024-09-02")]
    assert f["authorised"].tolist()[:2] == [pd.Timestamp("2024-09-24"), pd.Timestamp("2024-09-25")]
    assert pd.isna(f.loc[2, "authorised"])  # open assessment, not a problem
    q = ex.quality
    assert q[["row", "column", "value", "rule"]].values.tolist() == [
        [8, "Continuous Assessment Start Date", "not known", "date"]
    ]


def test_xlsx_title_rows_on_a_second_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active["A1"] = "Read me"
    ws = wb.create_sheet("Data")
    ws.append(["Annex A List 3 - extracted 30/09/2024"])
    ws.append(["child unique id", "date of referral", "referral source", "Allocated Team"])
    ws.append(["C1", dt.datetime(2024, 9, 2), "q) 6: Police", "Team A"])
    path = tmp_path / "l3.xlsx"
    wb.save(path)
    ex = read_referrals(path)
    assert ex.extract_date == dt.date(2024, 9, 30)
    assert ex.frame["referral_date"].tolist() == [pd.Timestamp("2024-09-02")]
    assert ex.frame["source_row"].tolist() == [3]
    assert ex.frame["nfa"].isna().all()  # optional column absent: present, blank


def test_semicolon_separated_and_trailing_question_mark_optional(tmp_path):
    path = tmp_path / "l3.csv"
    path.write_text(
        "CHILD UNIQUE ID;Date Of Referral;Referral Source;Referral NFA;Allocated Team\n"
        "C1;02/09/2024;q) 6: Police;a) Yes;Team A\n",
        encoding="utf-8",
    )
    ex = read_referrals(path, extract_date=dt.date(2024, 10, 31))
    assert ex.frame["nfa"].tolist() == ["a) Yes"]


def test_referrals_read_with_duplicates_counted_once():
    ex = read_referrals(DATA / "list3_referrals.csv")
    f = ex.frame
    assert f["source_row"].tolist() == list(range(3, 11))
    counted = f[f["problem"] == ""]
    # rows 5 (duplicate of 4), 9 (future) and 10 (blank date) are out.
    assert counted["source_row"].tolist() == [3, 4, 6, 7, 8]


def test_cross_check_start_before_referral_and_nfa_with_assessment():
    out = cross_check(read_assessments(MESSY), read_referrals(DATA / "list3_referrals.csv"))
    assert list(out.columns) == ["file", "row", "column", "value", "reason", "rule"]
    assert out[["file", "row", "value", "rule"]].values.tolist() == [
        ["list3_referrals.csv", 7, "a) Yes", "8831"],
        ["list4_messy_cp1252.csv", 15, "02/09/2024", "1103"],
    ]
    assert "05/09/2024" in out.loc[1, "reason"]


def test_read_extract_guesses_the_list():
    assert read_extract(MESSY).kind == "assessments"
    assert read_extract(DATA / "list3_referrals.csv").kind == "referrals"


def test_audit_tracker(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(
        "Re-referrals audit tracker\nAudit ID,Team,Completed,New or Similar Concern,Concern Type\n"
        "A1,Team A,a) Yes,Similar,Domestic abuse\nA1,Team A,a) Yes,Similar,Domestic abuse\n"
        "A2,Team B,b) No,,\n",
        encoding="utf-8",
    )
    ex = read_audit(path)
    assert ex.frame["problem"].tolist() == ["", "duplicate of row 3", ""]


def test_progress_messages():
    seen: list[str] = []
    read_assessments(MESSY, progress=seen.append)
    assert seen[0] == "Reading list4_messy_cp1252.csv (0.0 MB)"
    assert seen[-1] == "7 data-quality rows; 5 rows kept out of the figures"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Referral NFA?", "referralnfa"),
        ("  referral   NFA  ", "referralnfa"),
        ("referral_nfa", "referralnfa"),
        ("ReferralNFA", "referralnfa"),
        ("\ufeffChild Unique ID", "childuniqueid"),
        ("Child\u00a0Unique  ID", "childuniqueid"),
        ("ChildUniqueID", "childuniqueid"),
        ("Age of Child (Years)", "ageofchildyears"),
        ("LA children\u2019s social care support?", "lachildrenssocialcaresupport"),
    ],
)
def test_normalise_header(text, expected):
    assert normalise_header(text) == expected


def test_parse_dates_text_time_part_real_dates_and_serials():
    values = pd.Series(
        [
            "25/09/2024",
            "25/09/2024 16:35",
            " 01/10/2024 ",
            "31/02/2024",
            None,
            "",
            dt.datetime(2024, 9, 2, 13, 5),
            45536.0,
        ],
        dtype=object,
    )
    parsed, bad = parse_dates(values)
    # Excel serial 45536 is 2024-09-01 (day 0 = 1899-12-30).
    assert parsed.tolist()[:4] == [pd.Timestamp("2024-09-25")] * 2 + [pd.Timestamp("2024-10-01"), pd.NaT]
    assert parsed.tolist()[6:] == [pd.Timestamp("2024-09-02"), pd.Timestamp("2024-09-01")]
    assert bad.tolist() == [False, False, False, True, False, False, False, False]


def test_parse_dates_fast_path_on_str_column():
    values = pd.Series(["02/09/2024", None, "2/9/2024", "x"], dtype="str")
    parsed, bad = parse_dates(values)
    assert parsed.tolist()[:3] == [pd.Timestamp("2024-09-02"), pd.NaT, pd.Timestamp("2024-09-02")]
    assert bad.tolist() == [False, False, False, True]


# ---------------------------------------------------------------- unusable files


def test_missing_file():
    with pytest.raises(ExtractError, match=r"nope\.csv: file does not exist\. Check the path"):
        read_assessments(DATA / "nope.csv")


def test_empty_file():
    with pytest.raises(ExtractError, match=r"^empty\.csv: the file is empty \(0 bytes\)"):
        read_assessments(DATA / "empty.csv")


def test_blank_lines_only(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(ExtractError, match=r"^blank\.csv: the file is empty \(no rows\)"):
        read_assessments(path)


def test_header_but_no_data_rows():
    with pytest.raises(ExtractError, match=r"headers_only\.csv: has a header row \(row 2\) but no data rows"):
        read_assessments(DATA / "headers_only.csv")


def test_pdf_renamed_to_csv_is_not_a_table():
    with pytest.raises(
        ExtractError,
        match=r"report_renamed\.csv: not a table xladdin can read \(it is a PDF\)\. "
        r"Looked in the first 30 rows for a header row with 'Child Unique ID', "
        r"'Continuous Assessment Start Date'",
    ):
        read_assessments(DATA / "report_renamed.csv")


def test_text_without_a_header_row_is_not_a_table():
    with pytest.raises(ExtractError, match=r"not_an_extract\.csv: not a table .*\(no header row found\)"):
        read_assessments(DATA / "not_an_extract.csv")


def test_damaged_xlsx_is_not_a_table(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ExtractError, match=r"broken\.xlsx: not a table .*cannot be opened as a spreadsheet"):
        read_assessments(path)


def test_missing_required_column_names_it_and_lists_the_found_ones(tmp_path):
    path = tmp_path / "l4.csv"
    path.write_text(
        "Child Unique ID,Continuous Assessment Start Date,Allocated Team\nC1,01/09/2024,Team A\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ExtractError,
        match=r"^l4\.csv: required column 'Continuous Assessment Date of Authorisation' is missing\. "
        r"Columns found: 'Child Unique ID', 'Continuous Assessment Start Date', 'Allocated Team'\.",
    ):
        read_assessments(path)


def test_wrong_list_says_which_list_it_looks_like():
    with pytest.raises(ExtractError, match=r"This looks like an Annex A List 3 \(referrals\) file"):
        read_assessments(DATA / "list3_referrals.csv")


def test_nothing_is_written_when_a_file_is_unusable(tmp_path):
    shutil.copy(DATA / "headers_only.csv", tmp_path / "x.csv")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ExtractError):
        read_assessments(tmp_path / "x.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_windows_1252_character_beyond_the_first_bytes_falls_back(tmp_path):
    # The first 256 KB are plain ASCII (so they decode as UTF-8); the "é" in
    # Windows-1252 comes later and must still be read, not garbled or fatal.
    head = "Child Unique ID,Continuous Assessment Start Date,Continuous Assessment Date of Authorisation,Allocated Team\n"
    body = "C1,02/09/2024,20/09/2024,Team A\n" * 9000
    path = tmp_path / "big.csv"
    path.write_bytes((head + body + "C2,02/09/2024,20/09/2024,Team S\u00e9verin\n").encode("cp1252"))
    ex = read_assessments(path, extract_date=dt.date(2024, 10, 31))
    assert ex.rows == 9001
    assert ex.frame["team"].iloc[-1] == "Team S\u00e9verin"
    assert ex.frame["source_row"].iloc[-1] == 9002
    # 8,999 copies of row 2, each listed once and pointing at row 2.
    assert (ex.quality["rule"] == "duplicate").sum() == 8999


def test_header_row_is_the_row_matching_most_headers(tmp_path):
    path = tmp_path / "l4.csv"
    path.write_text(
        "Allocated Team report\nprinted by,Allocated Worker\n\n"
        "Child Unique ID,Continuous Assessment Start Date,Continuous Assessment Date of Authorisation,"
        "Allocated Team\nC1,02/09/2024,20/09/2024,Team A\n",
        encoding="utf-8",
    )
    ex = read_assessments(path, extract_date=dt.date(2024, 10, 31))
    assert ex.frame["source_row"].tolist() == [5]
