"""One reader for files and sheets: an extract pasted into a sheet reads exactly as the file does.

xlwings Lite cannot open files, so Refresh reads the extract from a sheet of the
workbook (``xladdin.extracts.readers.block_reader``). The same extracts are fed both
ways here and must give identical frames and data-quality lists; only the place
named changes (the workbook and sheet instead of the file).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from xladdin.demo import demo_paths
from xladdin.errors import ExtractError
from xladdin.extracts import Block, read_assessments, read_audit, read_block, read_referrals
from xladdin.extracts.readers.block_reader import block_sha256

READERS = {"assessments": read_assessments, "referrals": read_referrals, "audit": read_audit}
BOOK = "performance-lite.xlsx"


def pasted(path: Path) -> list[list[Any]]:
    """The CSV as a sheet holds it when loaded as text (Data > From Text/CSV, no type detection)."""
    rows = list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    return [[cell if cell != "" else None for cell in row] for row in rows]


def typed(rows: list[list[Any]]) -> list[list[Any]]:
    """The same cells as Excel holds them after opening the CSV in a UK locale: dates and numbers converted."""

    def convert(cell: Any) -> Any:
        if not isinstance(cell, str):
            return cell
        try:
            return dt.datetime.strptime(cell, "%d/%m/%Y")
        except ValueError:
            pass
        try:
            return float(cell)
        except ValueError:
            return cell

    return [[convert(c) for c in row] for row in rows]


@pytest.mark.parametrize("kind", ["assessments", "referrals", "audit"])
@pytest.mark.parametrize("how", [pasted, lambda p: typed(pasted(p))], ids=["as text", "typed by Excel"])
def test_a_sheet_reads_exactly_as_the_file(kind: str, how: Any):
    path = demo_paths()[kind]
    from_file = READERS[kind](path)
    from_sheet = read_block(Block(how(path), "Extract", BOOK), kind)
    pd.testing.assert_frame_equal(from_file.frame, from_sheet.frame)
    assert (from_sheet.rows, from_sheet.counted, from_sheet.kept_out) == (
        from_file.rows,
        from_file.counted,
        from_file.kept_out,
    )
    if kind != "audit":  # an audit tracker has no extract date; both fall back to today
        assert (from_sheet.extract_date, from_sheet.extract_date_source) == (dt.date(2024, 10, 31), "title")
    assert from_sheet.extract_date == from_file.extract_date
    # The quality lists are identical, row numbers included; only the place named differs.
    pd.testing.assert_frame_equal(
        from_file.quality.drop(columns="file"), from_sheet.quality.drop(columns="file")
    )
    assert set(from_sheet.quality["file"]) <= {f"{BOOK} (sheet 'Extract')"}
    assert from_sheet.label == f"{BOOK} (sheet 'Extract')"
    assert [n.replace(path.name, from_sheet.label) for n in from_file.notes] == from_sheet.notes


def test_the_seed_figures_come_from_the_sheet_too():
    from xladdin.core.measures import assessment_timeliness

    extract = read_block(Block(pasted(demo_paths()["assessments"]), "List 4", BOOK), "assessments")
    corrected = assessment_timeliness(extract.frame, "2024-09").iloc[-1]
    legacy = assessment_timeliness(extract.frame, "2024-09", counting="legacy").iloc[-1]
    assert (corrected.completed, corrected.in_time, legacy.in_time) == (150, 114, 100)


def _small(**changes: Any) -> list[list[Any]]:
    """A title row, a blank row, the List 4 header and three rows; ``changes`` set cells by (row, column)."""
    rows: list[list[Any]] = [
        ["Annex A List 4 - extracted 31/10/2024"],
        [],
        ["Child Unique ID", "Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation"]
        + ["Allocated Team"],
        ["C1", "22/07/2024", "24/09/2024", "North"],
        ["C2", "22/07/2024", "25/09/2024", "North"],
        ["C3", "01/08/2024", None, "South"],
    ]
    for key, value in changes.items():
        r, c = (int(x) for x in key[1:].split("_"))
        rows[r - 1][c - 1] = value
    return rows


def test_row_numbers_are_the_sheets_rows_and_refusals_read_as_for_a_file(tmp_path: Path):
    rows = _small(r4_3="#N/A", r5_3="31/02/2024")
    sheet = read_block(Block(rows, "List 4", BOOK), "assessments")
    text = "\n".join(",".join("" if c is None else c for c in row) for row in rows)
    (tmp_path / "list4.csv").write_text(text + "\n", encoding="utf-8")
    file = read_assessments(tmp_path / "list4.csv")
    quality = sheet.quality.set_index("row")
    assert "is an Excel error value, not a date" in quality.loc[4, "reason"]
    assert quality.loc[4, "column"] == "Continuous Assessment Date of Authorisation"
    assert "31/02/2024" in quality.loc[5, "value"]
    pd.testing.assert_frame_equal(file.quality.drop(columns="file"), sheet.quality.drop(columns="file"))
    assert list(sheet.frame["source_row"]) == [4, 5, 6]


def test_a_missing_column_is_named_with_the_sheet_as_for_a_file(tmp_path: Path):
    rows = [r[:1] + r[2:] if i >= 2 else r for i, r in enumerate(_small())]  # no start date column
    with pytest.raises(ExtractError) as from_sheet:
        read_block(Block(rows, "List 4", BOOK), "assessments")
    (tmp_path / "list4.csv").write_text(
        "\n".join(",".join("" if c is None else c for c in row) for row in rows) + "\n", encoding="utf-8"
    )
    with pytest.raises(ExtractError) as from_file:
        read_assessments(tmp_path / "list4.csv")
    assert str(from_sheet.value).startswith(
        f"{BOOK} (sheet 'List 4'): required column 'Continuous Assessment Start Date' is missing."
    )
    # The same message, naming the sheet where the file's names the file.
    assert str(from_sheet.value).replace(f"{BOOK} (sheet 'List 4')", "X").replace(BOOK, "X") == str(
        from_file.value
    ).replace("list4.csv", "X").replace(str(tmp_path / "X"), "X")


def test_an_empty_sheet_and_a_sheet_without_a_header_say_so():
    with pytest.raises(ExtractError, match=r"performance-lite\.xlsx \(sheet 'List 4'\): the sheet is empty"):
        read_block(Block([[None, None], [], [""]], "List 4", BOOK), "assessments")
    with pytest.raises(
        ExtractError,
        match=r"performance-lite\.xlsx \(sheet 'List 4'\): not a table xladdin can read \(no header row",
    ):
        read_block(Block([["Notes"], ["nothing here"]], "List 4", BOOK), "assessments")


def test_the_fingerprint_follows_the_values():
    a = Block(_small(), "List 4", BOOK)
    assert block_sha256(a) == block_sha256(Block(_small(), "Other", "other.xlsx"))  # values only
    assert block_sha256(a) != block_sha256(Block(_small(r4_4="South"), "List 4", BOOK))
    # Loaded as text or converted by Excel, the same extract has the same fingerprint.
    assert block_sha256(Block(typed(_small()), "List 4", BOOK)) == block_sha256(a)
    assert len(block_sha256(a)) == 64
