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
from xladdin.report.export import export_for_leadership
from xladdin.report.figures import small
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
    result = export_for_leadership(built, out, pdf=pdf, suppress=True)
    assert result.xlsx == out and result.suppressed > 0 and result.warnings == []
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
    # The export lays its own sheet out (a suppression note adds rows): find its table by its first team.
    src_first, src_last = area(before, "spot_team_table")
    first = next(r for r in range(1, 200) if ws.cell(row=r, column=1).value == "Children in Care 1")
    last = first + src_last - src_first
    assert ws.cell(row=last, column=1).value == "Total"
    by_team = {}
    for r in range(first, last + 1):
        by_team[ws.cell(row=r, column=1).value] = [ws.cell(row=r, column=c).value for c in range(1, 9)]
    rag = {
        src.cell(row=r, column=1).value: src.cell(row=r, column=5).value
        for r in range(src_first, src_last + 1)
    }
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
    rows = [ws.cell(row=r, column=1).value for r in range(first, last + 1)]
    west2 = rows.index("Family Help West 2 - CA")
    assert by_team["Family Help West 2 - CA"][1:4] == [13, 6, pytest.approx(6 / 13)]
    assert by_team["Family Help West 2 - CA"][5] == "c"
    assert west2 in kept
    assert kept == {
        r - first
        for r in range(first, last + 1)
        if ws.cell(row=r, column=4).value != "c" and rag[ws.cell(row=r, column=1).value]
    } - {len(rows) - 1}
    assert [small(v) for v in (0, 1, 5, 5.0, 6, "c", None, True)] == [
        False,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_a_suppressed_bar_is_drawn_as_c_never_left_out(exported: tuple[Path, Path | None]) -> None:
    # The bars plot from hidden helper columns J (the rate, blank when suppressed) and K (1: the
    # hatched "c" bar): a suppressed team never reads as 0%, and Excel never plots the text "c" as 0.
    out, _ = exported
    wb = openpyxl.load_workbook(out)
    ws = wb["Spotlight"]
    first = next(r for r in range(1, 200) if ws.cell(row=r, column=1).value == "Children in Care 1")
    last = next(r for r in range(first, 200) if ws.cell(row=r, column=1).value == "Total") - 1
    bar, line = ws._charts
    values, marker = bar.series
    assert values.val.numRef.f == f"'Spotlight'!$J${first}:$J${last}"
    assert marker.val.numRef.f == f"'Spotlight'!$K${first}:$K${last}"
    assert marker.tx.v == "c" and marker.dLbls.showSerName and not marker.dLbls.showVal
    assert marker.graphicalProperties.pattFill.prst == "wdUpDiag"
    assert bar.overlap == 100 and bar.visible_cells_only is False
    assert ws.column_dimensions["J"].hidden and ws.column_dimensions["K"].hidden
    for r in range(first, last + 1):
        shown = ws.cell(row=r, column=4).value
        if shown == "c":
            assert (ws.cell(row=r, column=10).value, ws.cell(row=r, column=11).value) == (None, 1), r
        else:
            assert ws.cell(row=r, column=10).value == pytest.approx(shown), r
            assert ws.cell(row=r, column=11).value is None
    # Children in Care 1 (3 of 3) is a "c" bar; Family Help Central 1 - CA (15 of 18) a real one.
    assert ws.cell(row=first, column=11).value == 1
    title = " ".join(r.t for p in bar.title.tx.rich.p for r in p.r)
    assert "c = fewer than 6, not shown" in title
    # The print area stays A:H: the helper columns are not printed.
    assert ws.print_area.endswith(f"$H${ws.max_row}") or "$H$" in ws.print_area
    # No month of the demo's trend is small: the trend chart plots the table itself.
    assert len(line.series) == 2


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
    # Suppressed: the table and the chart each say what c means.
    assert "c = fewer than 6, not shown" in pages[3] and "c = fewer than 6, not shown" in pages[4]
    assert "[Write" not in text
    for page in pages:
        assert "OFFICIAL-SENSITIVE" in page and re.search(r"Page \d of 7", page)
    pngs = to_pngs(pdf, tmp_path, dpi=20)
    assert [p.name for p in pngs] == [f"leadership-{i}.png" for i in range(1, 8)]


def test_export_refusals(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ExportError, match=r"must be a new file, not the workbook itself"):
        export_for_leadership(built, built)
    with pytest.raises(ExportError, match=r"plain.xlsx: The workbook has not been refreshed yet"):
        export_for_leadership(create_workbook(tmp_path / "plain.xlsx"), tmp_path / "out.xlsx")
    with pytest.raises(ExportError, match=r"is a .xlsx file \(no macros\)"):
        export_for_leadership(built, tmp_path / "out.xlsm")
    with pytest.raises(ExportError, match=r"out.txt: the PDF's name must end in .pdf"):
        export_for_leadership(built, tmp_path / "out.xlsx", pdf=tmp_path / "out.txt")
    with pytest.raises(
        ExportError, match=r"Spotlight template .*nope.xlsx does not exist: .*--template FILE"
    ):
        export_for_leadership(built, tmp_path / "out.xlsx", template=tmp_path / "nope.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.xlsx"]
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("XLADDIN_SOFFICE", raising=False)
    with pytest.raises(ExportError, match=r"LibreOffice is needed.*apt-get install libreoffice-calc-nogui"):
        export_for_leadership(built, tmp_path / "out.xlsx", pdf=tmp_path / "out.pdf")
    # The PDF was asked for and could not be made: the xlsx is not written either.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.xlsx"]


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
    # The demo's comparators are example figures, and say so where the officer types them and where
    # a reader sees them (the cover's note of sources).
    from xladdin.workbook.settings import comparators, read_settings

    settings = read_settings(openpyxl.load_workbook(made["workbook"]))
    found = comparators(settings, "timeliness") + comparators(settings, "rereferral")
    assert len(found) == 6 and {c.source for c in found} == {"Example figure, not real data"}
    assert [c.value for c in found] == [82.1, 80.6, 79.4, 22.4, 20.8, 21.5]
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(made["pdf"]), "-"], capture_output=True, text=True
    )
    assert "Comparators: Example figure, not real data (England 2023-24," in cover.stdout


def test_what_the_scan_looks_for(built: Path) -> None:
    """Child IDs, worker names and Data quality values are looked for; team names, xladdin's own
    words and headers are not; matches are whole words, any case, any run of spaces."""
    from xladdin.report.scan import ChildLevel

    child = ChildLevel.from_workbook(openpyxl.load_workbook(built))
    wb = openpyxl.load_workbook(built)
    open_rows = [[c.value for c in r] for r in wb["Open assessments"].iter_rows(min_row=5)]
    child_id, team, worker = open_rows[0][:3]
    assert child_id.startswith("DEMO") and team and worker
    assert str(child.find(f"see {child_id}.")) == (
        "the child-level sheet 'Open assessments' (cell A5, column 'Child ID')"
    )
    assert child.find(worker.upper().replace(" ", "\u00a0 ")) is not None
    for benign in (team, "overdue", "due soon", "Child ID", "Allocated Team", f"x{child_id}", "8608", "2024"):
        assert child.find(benign) is None, benign
    assert child.find("the date 31/04/2024 was typed") is not None  # a Data quality value


@needs_libreoffice
def test_the_pdf_text_is_read_back_naming_the_page(tmp_path: Path) -> None:
    from xladdin.report.pdf import to_pdf
    from xladdin.report.scan import ChildLevel, Source, check_pdf

    wb = openpyxl.Workbook()
    wb.active["A1"] = "Nothing to see"
    wb.active["A60"] = "Second page: CHILD12345"
    wb.active.row_breaks.append(openpyxl.worksheet.pagebreak.Break(id=30))
    wb.save(tmp_path / "two.xlsx")
    pdf = to_pdf(tmp_path / "two.xlsx", tmp_path / "two.pdf")
    child = ChildLevel({"child12345": Source("Detail", "A5", "Child ID")})
    with pytest.raises(
        ExportError, match=r"two.pdf, page 2, holds a value from the child-level sheet 'Detail'"
    ):
        check_pdf(pdf, "two.pdf", child)
    check_pdf(pdf, "two.pdf", ChildLevel({"child99999": Source("Detail", "A5", "Child ID")}))


def test_the_suppression_default_follows_the_marking() -> None:
    from xladdin.workbook.settings import Settings

    assert Settings().suppression == "auto" and Settings().marking == "OFFICIAL-SENSITIVE"
    assert not Settings().suppress
    assert Settings(marking="OFFICIAL").suppress and Settings(marking="").suppress
    assert Settings(marking="PUBLIC - for publication").suppress
    assert (
        Settings(suppression="on").suppress and not Settings(marking="OFFICIAL", suppression="off").suppress
    )


def test_an_export_gets_the_folders_usual_mode_not_owner_only(built: Path, tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        out = export_for_leadership(built, tmp_path / "new.xlsx").xlsx
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o664)
        export_for_leadership(built, out)  # replacing a file keeps its mode
        assert out.stat().st_mode & 0o777 == 0o664
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["new.xlsx"]  # no temporary file left


@pytest.mark.parametrize(
    ("plant", "part"),
    [
        ("title", r"the document properties \(docProps/core.xml\)"),
        ("sheet", r"a sheet or defined name \(xl/workbook.xml\)"),
        ("chart", r"a chart \(xl/charts/chart1.xml\)"),
        ("footer", r"the page header or footer \(xl/worksheets/sheet1.xml\)"),
    ],
)
def test_the_scan_reads_every_part_not_only_cells(plant: str, part: str) -> None:
    import io

    from openpyxl.chart import BarChart, Reference

    from xladdin.report.scan import ChildLevel, Source, check_package

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Spotlight"
    ws["A1"], ws["B1"] = "Jigsaw 1", 3
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=1))
    chart.title = "CHILD12345" if plant == "chart" else "By team"
    ws.add_chart(chart, "D2")
    if plant == "title":
        wb.properties.title = "Report on CHILD12345"
    if plant == "sheet":
        ws.title = "CHILD12345"
    if plant == "footer":
        ws.oddFooter.left.text = "CHILD12345"
    buffer = io.BytesIO()
    wb.save(buffer)
    child = ChildLevel({"child12345": Source("Open assessments", "A5", "Child ID")})
    with pytest.raises(ExportError, match=rf"x.xlsx: {part} holds a value from the child-level sheet"):
        check_package(buffer.getvalue(), "x.xlsx", child, set())
