"""The performance workbook: its sheets, settings, named areas, and the tables a refresh writes.

Figures are checked against the seed report (the November 2024 Performance Spotlight):
September 2024, 150 completed; legacy counting 100 in time (66.7%) with the seed's
team table row for row; corrected counting 114 (76.0%).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from xladdin.core.month import Month
from xladdin.demo import demo_paths
from xladdin.errors import WorkbookError
from xladdin.workbook import areas
from xladdin.workbook.book import read_area
from xladdin.workbook.create import SHEETS, create_workbook
from xladdin.workbook.refresh import refresh
from xladdin.workbook.settings import Settings, read_settings

# The seed's September 2024 team table (legacy counting), copied from the seed text.
SEED_LEGACY = [
    ("Children in Care 1", 3, 2),
    ("Children in Care 2", 3, 2),
    ("CRS", 2, 1),
    ("Family Help Central 1", 1, 1),
    ("Family Help Central 1 - CA", 18, 14),
    ("Family Help Central 2 - CA", 1, 1),
    ("Family Help East 1", 4, 2),
    ("Family Help East 1 - CA", 11, 1),
    ("Family Help East 2 - CA", 6, 3),
    ("Family Help West 1", 4, 4),
    ("Family Help West 1 - CA", 17, 17),
    ("Family Help West 2", 1, 1),
    ("Family Help West 2 - CA", 13, 4),
    ("Family Safeguarding Central", 5, 5),
    ("Family Safeguarding East 1", 2, 1),
    ("Family Safeguarding East 2", 8, 8),
    ("Family Safeguarding West 1", 17, 4),
    ("Family Safeguarding West 2", 3, 3),
    ("Jigsaw 1", 8, 8),
    ("Jigsaw 2", 7, 5),
    ("Jigsaw 3", 6, 6),
    ("Young People Team 1", 7, 6),
    ("Young People Team 2", 3, 1),
    ("Total", 150, 100),
]
# Seed percentages as printed (one decimal).
SEED_PERCENT = {
    "Children in Care 1": "66.7%",
    "Family Help East 1 - CA": "9.1%",
    "Family Safeguarding West 1": "23.5%",
    "Young People Team 1": "85.7%",
    "Total": "66.7%",
}


def demo_workbook(folder: Path, **settings: str) -> Path:
    """A new workbook in ``folder`` whose Settings name copies of the demo extracts."""
    for src in demo_paths().values():
        shutil.copy(src, folder / src.name)
    values = {
        "month": "2024-09",
        "assessments": "list4_assessments.csv",
        "referrals": "list3_referrals.csv",
        "audit": "audit_tracker.csv",
    }
    values.update(settings)
    return create_workbook(folder / "performance.xlsx", values)


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo_workbook(tmp_path_factory.mktemp("wb"))
    refresh(path, refreshed_at=dt.datetime(2024, 11, 4, 9, 30))
    return path


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo_workbook(tmp_path_factory.mktemp("wb"), counting="legacy")
    refresh(path)
    return path


def test_new_workbook_has_the_sheets_settings_and_named_areas(tmp_path: Path) -> None:
    path = create_workbook(tmp_path / "new.xlsx", {"month": "2024-09", "target": 80})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(SHEETS)
    settings = read_settings(wb)
    assert str(settings.month) == "2024-09" and settings.target == 80.0
    assert settings.counting == "corrected" and settings.marking == "OFFICIAL-SENSITIVE"
    for name in areas.AREAS:
        assert name in wb.defined_names, name
    for name in areas.COMMENTARY:
        assert name in wb.defined_names, name
    # The month cell is text, so Excel does not turn 2024-09 into a date.
    month_cell = wb["Settings"]["B4"]
    assert month_cell.value == "2024-09" and month_cell.number_format == "@"
    # Choices are offered as drop-downs.
    formulas = {dv.formula1 for dv in wb["Settings"].data_validations.dataValidation}
    assert '"corrected,legacy"' in formulas and '"auto,on,off"' in formulas
    # Formatting lives in the workbook: RAG conditional formats and the trend chart.
    rules = [r for cf in wb["Team table"].conditional_formatting for r in cf.rules]
    assert {r.formula[0] for r in rules} >= {'$E5="red"', '$E5="amber"', '$E5="green"'}
    assert len(wb["Trend"]._charts) == 1
    # Every font is named (an unnamed bold font renders serif in LibreOffice).
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.has_style and cell.font is not None:
                    assert cell.font.name, f"{ws.title}!{cell.coordinate}"


def test_bad_setting_is_named() -> None:
    with pytest.raises(WorkbookError, match=r"'Target \(%\)' is 'high', not a number"):
        Settings().with_values({"target": "high"}, source="Settings sheet, setting")
    with pytest.raises(WorkbookError, match=r"'Counting' is 'new': choose one of corrected, legacy"):
        Settings().with_values({"counting": "new"}, source="Settings sheet, setting")
    with pytest.raises(
        WorkbookError, match=r"'Reporting month \(YYYY-MM\)' '2024/9' is not a month: write it as YYYY-MM"
    ):
        Settings().with_values({"month": "2024/9"})
    # Excel's own conversions are understood: a date for a month, 0.81 for 81%.
    s = Settings().with_values({"month": dt.datetime(2024, 9, 1), "target": 0.81})
    assert (str(s.month), s.target) == ("2024-09", 81.0)


def test_legacy_counting_gives_the_seed_team_table(legacy: Path) -> None:
    wb = openpyxl.load_workbook(legacy)
    ws = wb["Team table"]
    values = read_area(wb, "xl_team_table")
    assert values[0][:4] == ["Team/Locality", "Denominator", "Numerator", "%"]
    assert [(r[0], r[1], r[2]) for r in values[1:]] == SEED_LEGACY
    assert values[0][5:7] == ["Corrected numerator", "Corrected %"]
    assert values[-1][5] == 114
    for r, row in enumerate(values[1:], start=5):
        if row[0] in SEED_PERCENT:
            cell = ws.cell(row=r, column=4)
            assert cell.number_format == "0.0%"
            assert f"{cell.value:.1%}" == SEED_PERCENT[row[0]]


def test_corrected_counting_gives_76_percent_with_legacy_beside(refreshed: Path) -> None:
    wb = openpyxl.load_workbook(refreshed)
    total = read_area(wb, "xl_team_table")[-1]
    # Total: 150 completed, 114 in time (76.0%, amber: within 5 points below 81), legacy 100.
    assert total[:5] == ["Total", 150, 114, 0.76, "amber"]
    assert total[5] == 100 and f"{total[6]:.1%}" == "66.7%"
    assert read_area(wb, "xl_team_title")[0][0].startswith("September 2024: completed assessments by team")
    assert read_area(wb, "xl_summary_suggestion") == [
        [
            (
                "In September 2024, 76.0% of assessments (114 of 150) were completed within 45 working days, "
                "below the 81% target; the legacy count gave 66.7%."
            )
        ]
    ]


def test_trend_is_thirteen_months_ending_in_the_reporting_month(refreshed: Path) -> None:
    wb = openpyxl.load_workbook(refreshed)
    trend = read_area(wb, "xl_trend")
    assert trend[0] == ["Month", "Completed", "In time", "%", "Target"]
    assert len(trend) == 1 + 13
    assert trend[1][0] == dt.datetime(2023, 9, 1) and trend[-1][0] == dt.datetime(2024, 9, 1)
    assert trend[-1][1:4] == [150, 114, 0.76]
    assert all(row[4] == 0.81 for row in trend[1:])
    assert wb["Trend"]["A17"].number_format == "mmm yyyy"
    chart = wb["Trend"]._charts[0]
    refs = [s.val.numRef.f for s in chart.series]
    assert refs == ["'Trend'!$D$5:$D$17", "'Trend'!$E$5:$E$17"]


def test_rereferrals_say_the_denominator_is_referrals(refreshed: Path) -> None:
    wb = openpyxl.load_workbook(refreshed)
    rr = read_area(wb, "xl_rereferrals")
    assert rr[0] == ["Team/Locality", "Referrals (denominator)", "Re-referrals", "% of referrals"]
    assert rr[-1][0] == "Total"
    assert rr[-1][1] == sum(r[1] for r in rr[1:-1]) and rr[-1][2] == sum(r[2] for r in rr[1:-1])
    assert "denominator is referrals in the month, not children" in wb["Re-referrals"]["A3"].value
    audit = read_area(wb, "xl_audit")
    assert audit[0] == ["Measure", "Count", "Base", "%"]
    assert len(audit) > 1


def test_open_assessments_and_data_quality_are_listed(refreshed: Path) -> None:
    wb = openpyxl.load_workbook(refreshed)
    opened = read_area(wb, "xl_open")
    assert opened[0][:3] == ["Child ID", "Team", "Worker"]
    # Every open assessment at Thu 31/10/2024 (the demo's 9 overdue and 96 with a November deadline
    # or later; none is due on the 31st), by team and, within a team, by deadline.
    assert [r[7] for r in opened[1:]].count("overdue") == 9
    assert {r[7] for r in opened[1:]} == {"overdue", "later"} and len(opened) == 1 + 105
    keys = [(r[1].casefold(), r[4]) for r in opened[1:]]
    assert keys == sorted(keys)
    assert all(r[6] == 45 - r[5] for r in opened[1:])  # working days left; negative when overdue
    assert all(isinstance(r[3], dt.datetime) for r in opened[1:])
    quality = read_area(wb, "xl_quality")
    assert quality[0] == ["File", "Row", "Column", "Value", "Reason", "Rule"]
    rules = {r[5] for r in quality[1:]}
    assert {"duplicate", "team", "date", "8608", "future"} <= rules
    assert all(r[4] for r in quality[1:])  # every flagged row has its reason


def test_about_names_each_extract_with_rows_and_sha256(refreshed: Path) -> None:
    wb = openpyxl.load_workbook(refreshed)
    about = {r[0]: r[1] for r in read_area(wb, "xl_about")[1:]}
    assert about["Refreshed at"] == "2024-11-04 09:30:00"
    assert about["Reporting month"] == "2024-09"
    import xladdin

    assert about["xladdin version"] == xladdin.__version__
    rows = read_area(wb, "xl_extracts")[1:]
    assert [r[0] for r in rows] == ["assessments", "referrals", "audit"]
    for _kind, name, count, _date, sha, _path in rows:
        data = (refreshed.parent / name).read_bytes()
        assert sha == hashlib.sha256(data).hexdigest()
        assert count > 0


def test_bank_holidays_in_use_are_listed(refreshed: Path) -> None:
    wb = openpyxl.load_workbook(refreshed)
    days = {r[0]: r[1] for r in read_area(wb, "xl_bank_holidays")[1:]}
    # GOV.UK: 26 August 2024 Summer bank holiday; 25 and 26 December 2023.
    assert "Summer" in days[dt.datetime(2024, 8, 26)] or "August" in days[dt.datetime(2024, 8, 26)]
    assert dt.datetime(2023, 12, 25) in days and dt.datetime(2023, 12, 26) in days


def test_summary_sentence_forms() -> None:
    total = {"completed": 150, "in_time": 100, "percent": 200 / 3, "other_percent": 76.0}
    assert areas.summary_sentence(Month(2024, 9), total, counting="legacy", target=81, days=45) == (
        "In September 2024, 66.7% of assessments (100 of 150) were completed within 45 working days, "
        "below the 81% target; the corrected count gave 76.0%."
    )
    same = {"completed": 182, "in_time": 153, "percent": 84.07, "other_percent": 84.07}
    assert areas.summary_sentence(Month(2024, 10), same, counting="corrected", target=81, days=45) == (
        "In October 2024, 84.1% of assessments (153 of 182) were completed within 45 working days, "
        "at or above the 81% target."
    )
    none = {"completed": 0, "in_time": 0, "percent": float("nan"), "other_percent": float("nan")}
    assert "no assessments were completed" in areas.summary_sentence(
        Month(2024, 10), none, counting="corrected", target=81, days=45
    )


def test_refresh_needs_an_assessments_extract(tmp_path: Path) -> None:
    path = create_workbook(tmp_path / "empty.xlsx")
    with pytest.raises(WorkbookError, match=r"empty.xlsx: no assessments extract.*--assessments PATH"):
        refresh(path)


def test_placements_for_the_live_excel_writer_match_what_openpyxl_wrote(refreshed: Path) -> None:
    wb = openpyxl.load_workbook(refreshed)
    tables = {
        "xl_team_table": areas.Table(
            areas.team_header("corrected"), [["=Team", 1, 1, 1.0, "green", 1, 1.0, 0.0]]
        ),
        "xl_trend": areas.Table(areas.HEADERS["xl_trend"], []),
    }
    team, trend = areas.placements(tables, quote_text=True)
    assert (team.sheet, team.anchor, team.ref) == ("Team table", "A4", "$A$4:$H$5")
    assert team.values[1][0] == "'=Team"  # Excel would parse =Team as a formula
    assert team.formats[3] == "0.0%"
    assert trend.ref == "$A$4:$E$4"
    # The same references openpyxl's writer used for the refreshed workbook.
    rows = len(read_area(wb, "xl_team_table"))
    assert next(iter(wb.defined_names["xl_team_table"].destinations))[1] == areas.area_ref(
        "xl_team_table", rows
    )
    assert areas.split_anchor("AA12") == (12, 27) and areas.column_letter(28) == "AB"
