"""The month-end projection on the spotlight's cover, and the trend's titles saying what is shown.

The extract (tests/test_projection_workbook.py, every figure worked out there) is dated Fri
13/09/2024, inside September 2024: so far 2 completed, 1 in time (50.0%); 2 due, 2 overdue;
75.0% if every due one is completed by its deadline, 50.0% if the overdue ones are too. Its
only completions are in September, so the trend is that one month.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from test_comparators import glance
from test_projection_workbook import LIST4, mid_month_workbook

from xladdin.report.export import export_for_leadership
from xladdin.report.pdf import to_pngs
from xladdin.report.spotlight import write_spotlight

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
NOTE = (
    "Projected at the extract date, Fri 13/09/2024: 2 assessments completed so far (1 in time); 2 due by the "
    "month end and still in time; 2 overdue, late whenever completed."
)


@pytest.fixture(scope="module")
def mid_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = mid_month_workbook(tmp_path_factory.mktemp("spot"))
    write_spotlight(path)
    return path


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_the_cover_shows_where_the_month_will_land(mid_month: Path) -> None:
    ws = openpyxl.load_workbook(mid_month)["Spotlight"]
    assert glance(ws) == [
        ["At a glance", None, None, None, "This month", "Last month", "Target", "RAG"],
        ["Assessments completed within 45 working days (so far)", None, None, None, 0.5, None, 0.81, "Red"],
        ["Projected: every due one completed by its deadline", None, None, None, 0.75, None, 0.81, None],
        ["Projected: overdue ones completed this month too", None, None, None, 0.5, None, 0.81, None],
    ]
    assert NOTE in texts(ws)


def test_the_trend_of_one_month_is_called_so(mid_month: Path) -> None:
    ws = openpyxl.load_workbook(mid_month)["Spotlight"]
    found = texts(ws)
    assert found.count("Assessment timeliness in September 2024") == 2  # the contents and the heading
    assert not any("13 months" in t for t in found)
    wb = openpyxl.load_workbook(mid_month)
    titles = [
        "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))
        for chart in wb["Spotlight"]._charts
    ]
    assert "% completed within 45 working days, Sep 2024 (target 81%)" in titles


def test_a_trend_from_its_first_month_with_data_is_called_so(tmp_path: Path) -> None:
    # One more assessment, authorised in July: the trend runs July to September (3 months).
    path = mid_month_workbook(tmp_path)
    (tmp_path / "list4.csv").write_text(LIST4 + "C8,01/01/2015,02/05/2024,01/07/2024,North,Worker Ann\n")
    from xladdin.workbook.refresh import refresh

    refresh(path)
    write_spotlight(path)
    wb = openpyxl.load_workbook(path)
    found = texts(wb["Spotlight"])
    assert found.count("Assessment timeliness from July 2024 to September 2024") == 2
    titles = [
        "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))
        for chart in wb["Spotlight"]._charts
    ]
    assert "% completed within 45 working days, Jul 2024 to Sep 2024 (target 81%)" in titles


def test_the_projection_is_suppressed_like_every_figure_of_ours(mid_month: Path, tmp_path: Path) -> None:
    result = export_for_leadership(mid_month, tmp_path / "leadership.xlsx", suppress=True)
    ws = openpyxl.load_workbook(result.xlsx)["Spotlight"]
    rows = glance(ws)
    # 2 completed, 1 in time, 2 due, 2 overdue: every count is 1 to 5, so every rate built on them is c.
    assert [r[4] for r in rows[1:]] == ["c", "c", "c"]
    assert [r[7] for r in rows[1:]] == [None, None, None]  # no RAG for a figure not shown
    assert (
        "Projected at the extract date, Fri 13/09/2024: c assessments completed so far (c in time); c due by the "
        "month end and still in time; c overdue, late whenever completed." in texts(ws)
    )
    assert not any(re.search(r"75\.0%|\b2 of\b", t) for t in texts(ws))


@needs_libreoffice
def test_the_pdf_shows_the_projection_on_the_cover(mid_month: Path, tmp_path: Path) -> None:
    result = export_for_leadership(mid_month, tmp_path / "leadership.xlsx", pdf=tmp_path / "leadership.pdf")
    assert result.pdf is not None
    pages = subprocess.run(
        ["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    cover = pages[0]
    assert re.search(r"Assessments completed within 45 working days \(so far\) +50\.0% +81% +Red", cover)
    assert re.search(r"Projected: every due one completed by its deadline +75\.0% +81%", cover)
    assert re.search(r"Projected: overdue ones completed this month too +50\.0% +81%", cover)
    assert NOTE in " ".join(cover.split())
    assert "Assessment timeliness in September 2024" in cover  # the contents
    pngs = to_pngs(result.pdf, tmp_path / "pages", dpi=60, prefix="mid")
    assert len(pngs) == len([p for p in pages if p.strip()]) and pngs[0].stat().st_size > 10_000


def test_a_suppressed_summary_still_gives_the_statistical_neighbours(tmp_path: Path) -> None:
    path = mid_month_workbook(
        tmp_path,
        timeliness_neighbours=80.6,
        timeliness_neighbours_year="2023-24",
        timeliness_neighbours_source="X",
    )
    result = export_for_leadership(path, tmp_path / "leadership.xlsx", suppress=True)
    found = texts(openpyxl.load_workbook(result.xlsx)["Spotlight"])
    sentence = (
        "In September 2024, fewer than 6 assessments were completed, so their figures show as c. "
        "The statistical-neighbour average was 80.6% in 2023-24."
    )
    assert found.count(sentence) == 2  # the cover and the assessment data: a published figure is not hidden
