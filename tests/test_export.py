"""The leadership export: spotlight only, values only, no child-level data, suppression, and a clean PDF."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from test_spotlight import SECTIONS, area, spotlight_workbook

from xladdin.demo import demo_paths
from xladdin.errors import ExportError
from xladdin.report.export import _small, export_for_leadership
from xladdin.report.pdf import to_pngs
from xladdin.workbook.create import create_workbook

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spotlight_workbook(tmp_path_factory.mktemp("exp"))


@pytest.fixture(scope="module")
def exported(built: Path) -> tuple[Path, Path | None]:
    out = built.parent / "leadership.xlsx"
    pdf = built.parent / "leadership.pdf" if shutil.which("soffice") else None
    result = export_for_leadership(built, out, pdf=pdf)
    assert result.xlsx == out and result.suppressed > 0
    return out, result.pdf


def child_level_strings() -> set[str]:
    """Every child ID, date of birth (as written, and ISO) and worker name in the demo extracts."""
    found: set[str] = set()
    for path in demo_paths().values():
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header_at = next(i for i, r in enumerate(rows) if r and r[0] in ("Child Unique ID", "Audit ID"))
        header = rows[header_at]
        for row in rows[header_at + 1 :]:
            record = dict(zip(header, row))
            for column in ("Child Unique ID", "Date of Birth", "Allocated Worker"):
                value = (record.get(column) or "").strip()
                if value:
                    found.add(value)
                    if column == "Date of Birth" and re.fullmatch(r"\d\d/\d\d/\d{4}", value):
                        d, m, y = value.split("/")
                        found.add(f"{y}-{m}-{d}")
    return found


def test_the_package_carries_no_child_level_data(exported: tuple[Path, Path | None]) -> None:
    out, pdf = exported
    secrets = child_level_strings()
    assert len(secrets) > 1000 and any(s.startswith("DEMO") for s in secrets)
    with zipfile.ZipFile(out) as z:
        parts = {n: z.read(n) for n in z.namelist()}  # every part, binary ones (the logo) included
    forms = {s: {s.encode(), escape(s, {"'": "&apos;", '"': "&quot;"}).encode()} for s in secrets}
    leaks = {(n, s) for n, data in parts.items() for s, fs in forms.items() if any(f in data for f in fs)}
    assert not leaks
    if pdf is not None:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert not {s for s in secrets if s in text}


def test_chart_text_has_no_stray_none(exported: tuple[Path, Path | None]) -> None:
    # openpyxl writes an empty text run in chart fonts unless told not to; reloaded, it reads "None".
    out, _ = exported
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/")]
        assert charts
        assert not [n for n in charts if b">None<" in z.read(n) or b"<a:t />" in z.read(n)]


def test_only_the_spotlight_values_and_no_leaky_parts(
    exported: tuple[Path, Path | None], built: Path
) -> None:
    out, _ = exported
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert [n for n in names if n.startswith("xl/worksheets/sheet")] == ["xl/worksheets/sheet1.xml"]
        assert not [n for n in names if re.search(r"vbaProject|externalLink|comments|customUI", n)]
        assert not re.search(rb"<(\w+:)?f[ >]", z.read("xl/worksheets/sheet1.xml"))
        workbook = z.read("xl/workbook.xml").decode()
        assert re.findall(r'<definedName name="([^"]+)"', workbook) == [
            "_xlnm.Print_Titles",
            "_xlnm.Print_Area",
        ]
        core = z.read("docProps/core.xml").decode()
        # openpyxl writes the namespace on the element when lxml is installed: allow attributes.
        assert re.search(r"<dc:creator\b[^>]*>xladdin</dc:creator>", core)
        assert re.search(r"<cp:lastModifiedBy\b[^>]*>xladdin</cp:lastModifiedBy>", core)
        for part in ("docProps/core.xml", "docProps/app.xml"):
            text = z.read(part).decode()
            assert str(built.parent) not in text and "/tmp" not in text and "root" not in text
        for chart in [n for n in names if n.startswith("xl/charts/chart")]:
            assert b"numCache" not in z.read(chart) and b"strCache" not in z.read(chart)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Spotlight"] and wb["Spotlight"].sheet_state == "visible"
    assert len(wb["Spotlight"]._charts) == 2  # charts kept
    assert wb["Spotlight"].print_title_rows == "$1:$1"


def test_small_numbers_show_as_c(exported: tuple[Path, Path | None], built: Path) -> None:
    out, _ = exported
    before = openpyxl.load_workbook(built)
    wb = openpyxl.load_workbook(out)
    ws, src = wb["Spotlight"], before["Spotlight"]
    first, last = area(before, "spot_team_table")
    by_team = {}
    for r in range(first, last + 1):
        by_team[src.cell(row=r, column=1).value] = [ws.cell(row=r, column=c).value for c in range(1, 9)]
    # Seed/demo rows: Children in Care 1 is 3 of 3 (all small); Family Help East 1 - CA is 4 of 11
    # (numerator small, denominator shown); Family Help Central 1 - CA is 15 of 18 (nothing small).
    assert by_team["Children in Care 1"][1:5] == ["c", "c", "c", "c"]
    assert by_team["Family Help East 1 - CA"][1:5] == [11, "c", "c", "c"]
    assert by_team["Family Help Central 1 - CA"][1:4] == [18, 15, pytest.approx(15 / 18)]
    assert by_team["Total"][1:3] == [150, 114]
    suppressed = [r for r in range(first, last + 1) if ws.cell(row=r, column=4).value == "c"]
    for r in suppressed:
        assert ws.cell(row=r, column=4).fill.fill_type is None  # no RAG colour gives it away
    bar = ws._charts[0]
    kept = {p.idx for p in bar.series[0].dPt}
    assert kept.isdisjoint({r - first for r in suppressed})
    # A bar whose rate is shown keeps its RAG colour, even when a legacy count beside it was
    # suppressed: Family Help West 2 - CA is 6 of 13 (red) with a legacy numerator of 4.
    rows = [src.cell(row=r, column=1).value for r in range(first, last + 1)]
    west2 = rows.index("Family Help West 2 - CA")
    assert by_team["Family Help West 2 - CA"][1:4] == [13, 6, pytest.approx(6 / 13)]
    assert by_team["Family Help West 2 - CA"][5] == "c"
    assert west2 in kept
    assert kept == {
        r - first
        for r in range(first, last + 1)
        if ws.cell(row=r, column=4).value != "c" and src.cell(row=r, column=5).value
    } - {len(rows) - 1}
    assert [_small(v) for v in (0, 1, 5, 5.0, 6, "c", None, True)] == [
        False,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_suppression_off_keeps_the_counts(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "internal.xlsx"
    result = export_for_leadership(built, out, suppress=False)
    assert result.suppressed == 0
    wb = openpyxl.load_workbook(out)
    values = [c.value for row in wb["Spotlight"].iter_rows() for c in row]
    assert "c" not in values


@needs_libreoffice
def test_pdf_has_the_pages_and_text_and_no_errors(exported: tuple[Path, Path | None], tmp_path: Path) -> None:
    _out, pdf = exported
    assert pdf is not None and pdf.read_bytes()[:5] == b"%PDF-"
    pages = []
    n = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout,
        ).group(1)
    )
    assert n == 7
    for p in range(1, n + 1):
        pages.append(
            subprocess.run(
                ["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    text = "\n".join(pages)
    for bad in ("#NAME?", "#VALUE!", "Err:", "#REF!", "#DIV/0!"):
        assert bad not in text
    assert "Performance Spotlight Report" in pages[0] and "September 2024" in pages[0]
    assert "76.0% of assessments (114 of 150)" in pages[0]
    # Each section is on the page its contents entry says (pages 2-7, in order).
    for number, section in enumerate(SECTIONS, start=2):
        assert section in pages[number - 1], (number, section)
    assert "Family Safeguarding West 1" in pages[3] and "Total" in pages[3]
    for page in pages:
        assert "OFFICIAL-SENSITIVE" in page and re.search(r"Page \d of 7", page)
    pngs = to_pngs(pdf, tmp_path, dpi=20)
    assert [p.name for p in pngs] == [f"leadership-{i}.png" for i in range(1, 8)]


def test_export_refusals(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ExportError, match=r"must be a new file, not the workbook itself"):
        export_for_leadership(built, built)
    with pytest.raises(ExportError, match=r"has no Spotlight sheet: build it first with `xladdin spotlight"):
        export_for_leadership(create_workbook(tmp_path / "plain.xlsx"), tmp_path / "out.xlsx")
    with pytest.raises(ExportError, match=r"is a .xlsx file \(no macros\)"):
        export_for_leadership(built, tmp_path / "out.xlsm")
    formula = tmp_path / "formula.xlsx"
    wb = openpyxl.load_workbook(built)
    wb["Spotlight"]["H300"].value = "=WORKDAYS45(A1,B1)"
    wb.save(formula)
    with pytest.raises(
        ExportError, match=r"Spotlight!H300 holds the formula '=WORKDAYS45\(A1,B1\)' with no saved"
    ):
        export_for_leadership(formula, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("XLADDIN_SOFFICE", raising=False)
    with pytest.raises(ExportError, match=r"LibreOffice is needed.*apt-get install libreoffice-calc-nogui"):
        export_for_leadership(built, tmp_path / "out.xlsx", pdf=tmp_path / "out.pdf")


@needs_libreoffice
def test_demo_outputs(tmp_path: Path) -> None:
    from xladdin.demo.outputs import build_demo_outputs

    made = build_demo_outputs(tmp_path / "demo", demo_paths())
    assert {"workbook", "spotlight", "export", "pdf", "page_1", "page_7"} <= set(made)
    assert "page_8" not in made
    assert all(p.exists() and p.stat().st_size > 0 for p in made.values())
    assert openpyxl.load_workbook(made["export"]).sheetnames == ["Spotlight"]
    assert "Spotlight" not in openpyxl.load_workbook(made["workbook"]).sheetnames
    assert not list((tmp_path / "demo").glob("*.bak.xlsx"))
