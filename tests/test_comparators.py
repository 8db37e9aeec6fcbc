"""Comparators on the Settings sheet, and where a reader sees them: the cover, the trend, the export.

The figures typed in here are invented for the tests (as the demo's are, and say so). Blank
comparators must leave no empty column and no line; filled ones are read back from the written
workbook, the spotlight, the leadership export and its PDF.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_spotlight import spotlight_workbook

from xladdin.errors import WorkbookError
from xladdin.report.export import export_for_leadership
from xladdin.workbook.create import create_workbook
from xladdin.workbook.refresh import refresh
from xladdin.workbook.settings import comparators, read_settings

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")

SOURCE = "DfE CIN 2024, table C3 (test figure)"
FILLED: dict[str, Any] = {
    "timeliness_england": 82.1, "timeliness_england_year": "2023-24", "timeliness_england_source": SOURCE,
    "timeliness_neighbours": 80.6, "timeliness_neighbours_year": "2023-24", "timeliness_neighbours_source": SOURCE,
    "rereferral_england": 22.4, "rereferral_england_year": "2023-24", "rereferral_england_source": SOURCE,
}  # fmt: skip


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spotlight_workbook(tmp_path_factory.mktemp("filled"), **FILLED)


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spotlight_workbook(tmp_path_factory.mktemp("blank"))


def named(wb: Any, name: str) -> Any:
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "")]


def glance(ws: Any) -> list[list[Any]]:
    """The cover's "at a glance" table: its header and rows, columns A to H."""
    top = next(r for r in range(1, 80) if ws.cell(row=r, column=1).value == "At a glance")
    rows = []
    for r in range(top, top + 12):
        row = [ws.cell(row=r, column=c).value for c in range(1, 9)]
        if row[0] is None or not any(row[1:]):  # the notes under the table fill column A only
            break
        rows.append(row)
    return rows


def trend_header(ws: Any) -> list[Any]:
    top = next(r for r in range(1, 400) if ws.cell(row=r, column=1).value == "Month")
    return [ws.cell(row=top, column=c).value for c in range(1, 9)]


def trend_series(path: Path) -> list[str]:
    """The names of the spotlight trend chart's series, as the legend shows them (a cell's, or typed in)."""
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    [chart] = [c for c in charts if "working days, last 13 months" in c]
    names = []
    for tx in re.findall(r"<(?:c:)?ser>.*?<(?:c:)?tx>(.*?)</(?:c:)?tx>", chart, flags=re.S):
        typed = re.search(r"<(?:c:)?v>([^<]*)</(?:c:)?v>", tx)
        names.append(
            typed.group(1) if typed else "cell " + re.search(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", tx).group(1)
        )
    return names


# --- Settings ---------------------------------------------------------------------------------


def test_filled_comparators_are_read_back_from_the_written_settings(filled: Path) -> None:
    wb = openpyxl.load_workbook(filled)
    ws = wb["Settings"]
    cell = named(wb, "set_timeliness_neighbours")
    # A block of its own under the settings: label, value, source, year on one row.
    row = [ws.cell(row=cell.row, column=c).value for c in range(1, 5)]
    assert row == ["Statistical neighbours", 80.6, SOURCE, "2023-24"]
    assert ws.cell(row=cell.row - 2, column=1).value == "Assessments completed within 45 working days (%)"
    assert (cell.number_format, named(wb, "set_timeliness_neighbours_year").number_format) == ("0.0", "@")
    s = read_settings(wb)
    assert [(c.who, c.value, c.label, c.source) for c in comparators(s, "timeliness")] == [
        ("england", 82.1, "England 2023-24", SOURCE),
        ("neighbours", 80.6, "Statistical neighbours 2023-24", SOURCE),
    ]
    assert [c.label for c in comparators(s, "rereferral")] == ["England 2023-24"]


def test_blank_comparators_are_none(blank: Path) -> None:
    s = read_settings(openpyxl.load_workbook(blank))
    assert comparators(s, "timeliness") == [] == comparators(s, "rereferral")
    assert (s.timeliness_region, s.timeliness_region_year, s.timeliness_region_source) == (None, "", "")


@pytest.mark.parametrize(
    "name, typed, message",
    [
        ("set_timeliness_region", 181, r"B\d+ 'Assessment timeliness: Region \(%\)' is 181: a rate is from 0 to 100"),
        ("set_rereferral_england", "lots", r"B\d+ 'Re-referral rate: England \(%\)' is 'lots', not a number"),
        ("set_timeliness_england_year", "2023-25", r"D\d+ 'Assessment timeliness: England, year' is '2023-25', not a year"),
        ("set_timeliness_england_year", None, r"D\d+ 'Assessment timeliness: England, year' is blank, but 'Assessment timeliness: England \(%\)' is set"),
    ],
)  # fmt: skip
def test_a_bad_comparator_is_refused_naming_its_cell(
    filled: Path, tmp_path: Path, name, typed, message
) -> None:
    path = tmp_path / filled.name
    for f in filled.parent.iterdir():
        if f.suffix in (".csv", ".xlsx"):
            shutil.copy(f, tmp_path / f.name)
    wb = openpyxl.load_workbook(path)
    cell = named(wb, name)
    cell.value = typed
    wb.save(path)
    with pytest.raises(WorkbookError, match="^Settings!" + message):
        refresh(path)
    assert f"Settings!{cell.coordinate} " in str(pytest.raises(WorkbookError, refresh, path).value)


def test_a_rate_typed_as_a_percentage_in_excel_is_read_as_one(tmp_path: Path) -> None:
    path = create_workbook(tmp_path / "new.xlsx")
    wb = openpyxl.load_workbook(path)
    named(wb, "set_rereferral_region").value = 0.215  # Excel stores a typed 21.5% as 0.215
    named(wb, "set_rereferral_region_year").value = 2024  # and a typed 2024 as a number
    wb.save(path)
    [c] = comparators(read_settings(openpyxl.load_workbook(path)), "rereferral")
    assert (c.value, c.year, c.label) == (21.5, "2024", "Region 2024")


# --- where a reader looks -----------------------------------------------------------------------


def test_the_cover_gains_a_column_per_comparator_set(filled: Path) -> None:
    ws = openpyxl.load_workbook(filled)["Spotlight"]
    header, timeliness, rerefs, audits = glance(ws)
    # Two comparator columns (no region given for either measure): the label spans A:B.
    assert header == [
        "At a glance", None, "This month", "Last month", "Target", "England\n2023-24",
        "Statistical neighbours\n2023-24", "RAG",
    ]  # fmt: skip
    assert timeliness == [
        "Assessments completed within 45 working days", None, 0.76, pytest.approx(0.789, abs=5e-4), 0.81,
        0.821, 0.806, "Amber",
    ]  # fmt: skip
    assert rerefs[0] == "Re-referrals within 12 months (% of referrals)"
    assert (rerefs[5], rerefs[6]) == (0.224, None)  # England only, for re-referrals
    assert audits[0] == "Re-referral audits completed" and audits[5:] == [None, None, None]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert (
        f"Comparators: {SOURCE} (England 2023-24, statistical neighbours 2023-24). Statistical neighbours: "
        "the average of the DfE's ten nearest authorities." in texts
    )


def test_the_summary_sentence_mentions_the_statistical_neighbours(filled: Path, blank: Path) -> None:
    sentence = (
        "In September 2024, 76.0% of assessments (114 of 150) were completed within 45 working days, below the "
        "81% target; the legacy count gave 66.7%."
    )
    with_neighbours = sentence + " The statistical-neighbour average was 80.6% in 2023-24."
    texts = [c.value for row in openpyxl.load_workbook(filled)["Spotlight"].iter_rows() for c in row]
    assert texts.count(with_neighbours) == 2  # the cover and the assessment data
    texts = [c.value for row in openpyxl.load_workbook(blank)["Spotlight"].iter_rows() for c in row]
    assert texts.count(sentence) == 2 and not any("statistical-neighbour" in str(t) for t in texts)


def test_the_trend_gains_the_comparators_as_lines_named_with_their_year(filled: Path) -> None:
    ws = openpyxl.load_workbook(filled)["Spotlight"]
    assert trend_header(ws) == [
        "Month", "Completed", "In time", "% in time", "Target", "England\n2023-24", "Statistical neighbours\n2023-24",
        None,
    ]  # fmt: skip
    top = next(r for r in range(1, 400) if ws.cell(row=r, column=1).value == "Month")
    assert [ws.cell(row=top + 1, column=c).value for c in (5, 6, 7)] == [0.81, 0.821, 0.806]
    names = trend_series(filled)
    assert names[2:] == ["England 2023-24", "Statistical neighbours 2023-24"]
    assert [n.split("!")[1] for n in names[:2]] == [f"D{top}", f"E{top}"]  # "% in time", "Target"


def test_blank_comparators_leave_no_column_and_no_line(blank: Path) -> None:
    ws = openpyxl.load_workbook(blank)["Spotlight"]
    header = glance(ws)[0]
    assert header == ["At a glance", None, None, None, "This month", "Last month", "Target", "RAG"]
    assert trend_header(ws) == ["Month", "Completed", "In time", "% in time", "Target", None, None, None]
    assert len(trend_series(blank)) == 2  # % in time and the target
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(t.startswith("Comparators:") for t in texts)


def test_the_export_carries_them_unsuppressed_and_passes_its_scan(filled: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "leadership.pdf" if shutil.which("soffice") else None
    result = export_for_leadership(filled, tmp_path / "leadership.xlsx", pdf=pdf, suppress=True)
    ws = openpyxl.load_workbook(result.xlsx)["Spotlight"]
    header, timeliness, rerefs, _ = glance(ws)
    assert header[6:] == ["Statistical neighbours\n2023-24", "RAG"]
    assert timeliness[2:7] == [
        0.76,
        pytest.approx(0.789, abs=5e-4),
        0.81,
        0.821,
        0.806,
    ]  # 150 completed: shown
    assert rerefs[5] == 0.224  # a published figure: never "c"
    assert trend_series(result.xlsx)[2:] == ["England 2023-24", "Statistical neighbours 2023-24"]
    if pdf is not None:
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        cover = text.split("\f")[0]
        assert re.search(r"England +Statistical\n.*Target +2023-24 +neighbours +RAG\n +2023-24\n", cover)
        assert re.search(
            r"Assessments completed within 45 working days +76\.0% +78\.9% +81% +82\.1% +80\.6% +Amber", cover
        )
        assert re.search(r"Re-referrals within 12 months \(% of referrals\) +25\.0% +22\.4%\n", cover)
        assert "The statistical-neighbour average was 80.6% in 2023-24." in " ".join(cover.split())


def test_a_month_already_over_shows_no_projection(blank: Path) -> None:
    # The demo's extract is dated 31/10/2024: September is over, its figure final.
    ws = openpyxl.load_workbook(blank)["Spotlight"]
    assert [r[0] for r in glance(ws)[1:]] == [
        "Assessments completed within 45 working days",
        "Re-referrals within 12 months (% of referrals)",
        "Re-referral audits completed",
    ]
    assert not any(str(c.value).startswith("Projected") for row in ws.iter_rows() for c in row)
    wb = openpyxl.load_workbook(blank)
    assert wb["Team table"]["J2"].value == (
        "No month-end projection: the extract is dated 31/10/2024, after September 2024 ended, so its figure "
        "is final."
    )
