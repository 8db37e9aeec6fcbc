"""xlwings Lite's Refresh, Build spotlight and Check set-up, driven through a stand-in for Lite's Book.

``lite_standin.LiteBook`` holds a real ``performance-lite.xlsx`` (``xladdin new-workbook --lite``)
with the demo extracts loaded into its extract sheets, and plays Lite's rules: the script's
changes are queued and applied when it returns, dropped when it raises (``run_script``).
Expected figures: the seed report's September 2024, corrected 114 of 150, legacy 100 of 150.
The desktop route's headless refresh and spotlight of the same extracts are the reference.
"""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings
from test_workbook import demo_workbook

import lite_standin as lite
from xladdin.demo import demo_paths
from xladdin.excel.lite import parts, scripts, sheets, spotlight
from xladdin.report.spotlight import write_spotlight
from xladdin.workbook.areas import AREAS
from xladdin.workbook.book import read_area
from xladdin.workbook.refresh import refresh as headless_refresh

REFRESHED_AT = dt.datetime(2024, 11, 4, 9, 30)
SHEETS = {"assessments": "Assessments extract", "referrals": "Referrals extract", "audit": "Audit tracker"}
#: Areas that name where the extracts came from (a file, or the workbook's sheet), compared apart.
PROVENANCE = {"xl_about", "xl_extracts", "xl_quality"}


def load_extracts(path: Path, *, as_typed: bool = True, **replace: str) -> None:
    """Put the demo CSVs into the extract sheets, as pasted (Excel parses each cell as typed) or as
    loaded as text (Data > From Text/CSV without type detection). ``replace`` swaps text in them."""
    wb = openpyxl.load_workbook(path)
    for kind, sheet in SHEETS.items():
        text = Path(demo_paths()[kind]).read_text(encoding="utf-8")
        for old, new in replace.items():
            text = text.replace(old, new)
        ws = wb[sheet]
        for r, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            for c, value in enumerate(row, start=1):
                if value:
                    cell = ws.cell(row=r, column=c)
                    if as_typed:
                        lite.standin._write(cell, value)
                    else:
                        cell.value = value
                        cell.data_type = "s"  # text, even "=HYPERLINK(x)"
    wb.save(path)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = parts.build_lite_workbook(
        tmp_path_factory.mktemp("lite") / "performance-lite.xlsx", {"month": "2024-09"}
    )
    load_extracts(path)
    return path


@pytest.fixture
def book(made: Path, tmp_path: Path) -> Any:
    shutil.copy(made, tmp_path / made.name)
    opened = lite.LiteBook(tmp_path / made.name)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The desktop route's headless refresh (and spotlight) of the same extracts: the reference."""
    path = demo_workbook(tmp_path_factory.mktemp("desktop"))
    headless_refresh(path, refreshed_at=REFRESHED_AT)
    write_spotlight(path)
    return path


def rounded(rows: list[list[Any]]) -> list[list[Any]]:
    """Floats to 12 significant digits: a saved file keeps 15 or so (openpyxl writes them short)."""
    return [[float(f"{v:.12g}") if isinstance(v, float) else v for v in row] for row in rows]


def refreshed(book: Any) -> dict[str, int] | None:
    return lite.run_script(book, lambda b: scripts.refresh(b, refreshed_at=REFRESHED_AT))


def snapshot(book: Any) -> dict:
    wb = book.wb
    cells = {
        (ws.title, c.coordinate): (c.value, c.number_format, c.data_type)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None or c.number_format != "General"
    }
    return {
        "cells": cells,
        "names": {n: d.attr_text for n, d in wb.defined_names.items()},
        "sheets": wb.sheetnames,
    }


# --------------------------------------------------------------------------- the stand-in


STANDIN_TO_XLWINGS = {
    lite.LiteApp: xlwings.App,
    lite.LiteBook: xlwings.Book,
    lite.LiteSheets: xlwings.main.Sheets,
    lite.LiteSheet: xlwings.Sheet,
    lite.LiteRange: xlwings.Range,
    lite.LiteNames: xlwings.main.Names,
    lite.LiteName: xlwings.Name,
    lite.LiteFont: xlwings.main.Font,
    lite.LitePageSetup: xlwings.main.PageSetup,
}
TEST_ONLY = {"alerts", "wb", "close", "pending", "version", "modern", "lacks", "book", "sheet"}


def test_the_lite_standin_has_only_real_xlwings_members() -> None:
    for fake, real in STANDIN_TO_XLWINGS.items():
        members = {
            n for n in vars(fake) if not n.startswith("_") or n in ("__getitem__", "__contains__", "__iter__")
        }
        for member in sorted(members - TEST_ONLY - {"__init__"}):
            assert hasattr(real, member), f"{real.__name__} has no {member}"
            ours, theirs = vars(fake)[member], inspect.getattr_static(real, member)
            assert isinstance(ours, property) == isinstance(theirs, property), (real.__name__, member)
            if callable(ours) and not isinstance(ours, property):
                mine = [p for p in inspect.signature(ours).parameters.values() if p.kind != p.VAR_KEYWORD]
                assert [p.name for p in mine] == list(inspect.signature(theirs).parameters)[: len(mine)], (
                    member
                )


def test_the_standin_drops_a_failed_scripts_changes(book: Any) -> None:
    before = snapshot(book)

    def fails(b: Any) -> None:
        b.sheets["Commentary"].range("A1").value = "written, then dropped"
        b.app.alert("never shown")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        lite.run_script(book, fails)
    assert snapshot(book) == before and book.app.alerts == []
    with pytest.raises(NotImplementedError):
        book.sheets["Settings"].range("B4").number_format  # noqa: B018 - Lite cannot read it


# --------------------------------------------------------------------------- Refresh


def test_refresh_writes_the_seed_figures_and_the_desktop_routes_areas(book: Any, desktop: Path) -> None:
    rows = refreshed(book)
    assert rows is not None and book.app.alerts == []
    total = read_area(book.wb, "xl_team_table")[-1]
    assert total[:4] == ["Total", 150, 114, pytest.approx(0.76)]
    assert total[5] == 100  # legacy
    reference = openpyxl.load_workbook(desktop)
    for name in AREAS:
        ours, theirs = rounded(read_area(book.wb, name)), rounded(read_area(reference, name))
        if name in PROVENANCE:
            assert len(ours) == len(theirs), name
            continue
        assert ours == theirs, name
    # Where the extracts came from: the sheets, not files.
    quality = read_area(book.wb, "xl_quality")
    assert {r[0] for r in quality[1:]} <= {f"performance-lite.xlsx (sheet {s!r})" for s in SHEETS.values()}
    assert [r[1:] for r in quality] == [r[1:] for r in read_area(reference, "xl_quality")]


def test_refresh_sets_the_number_formats_the_desktop_refresh_sets(book: Any, desktop: Path) -> None:
    refreshed(book)
    reference = openpyxl.load_workbook(desktop)
    for name in ("xl_team_table", "xl_trend", "xl_rereferrals"):
        sheet, ref = next(iter(book.wb.defined_names[name].destinations))
        ours = [[c.number_format for c in row] for row in book.wb[sheet][ref.replace("$", "")]]
        sheet, ref = next(iter(reference.defined_names[name].destinations))
        theirs = [[c.number_format for c in row] for row in reference[sheet][ref.replace("$", "")]]
        assert ours[1:] == theirs[1:], name


def test_refresh_twice_redefines_every_name(book: Any) -> None:
    refreshed(book)
    first = snapshot(book)
    refreshed(book)  # Office.js refuses to add a name that exists: each is deleted first
    assert snapshot(book) == first


def test_a_broken_extract_sheet_gives_one_message_and_changes_nothing(book: Any) -> None:
    sheet = book.wb["Assessments extract"]
    assert sheet["G3"].value == "Continuous Assessment Start Date"
    sheet["G3"].value = "Started"
    before = snapshot(book)
    assert refreshed(book) is None
    (alert,) = book.app.alerts
    assert alert["mode"] == "critical"
    assert alert["prompt"].startswith(
        "performance-lite.xlsx (sheet 'Assessments extract'): required column 'Continuous Assessment Start "
        "Date' is missing."
    )
    assert "change that header in the sheet to the Annex A one" in alert["prompt"]
    assert "--mapping" not in alert["prompt"] and "mapping-template" not in alert["prompt"]
    assert snapshot(book) == before


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (
            "set_assessments_sheet",
            None,
            r"'Assessments sheet \(xlwings Lite\)' is blank: type the name of the sheet",
        ),
        ("set_referrals_sheet", "List 3", r"is 'List 3', but the workbook has no sheet of that name"),
        (
            "set_assessments_mapping",
            "map.yaml",
            r"names a file \(map\.yaml\), but xlwings Lite cannot read files",
        ),
        ("set_target", "high", r"Settings!B5 'Target \(%\)' is 'high', not a number"),
    ],
)
def test_a_setting_lite_cannot_use_gives_one_message_naming_its_cell(
    book: Any, setting: str, value: Any, message: str
) -> None:
    sheet, ref = next(iter(book.wb.defined_names[setting].destinations))
    book.wb[sheet][ref.replace("$", "")].value = value
    before = snapshot(book)
    assert refreshed(book) is None
    (alert,) = book.app.alerts
    assert re.search(message, alert["prompt"]), alert["prompt"]
    assert snapshot(book) == before


def test_a_failure_while_writing_leaves_the_workbook_as_it_was(
    book: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(book)
    real = sheets.write_tables

    def half_then_fail(b: Any, tables: dict) -> dict:
        real(b, {n: t for n, t in tables.items() if n == "xl_team_table"})
        raise OSError("the connection to Excel was lost")

    monkeypatch.setattr(sheets, "write_tables", half_then_fail)
    with pytest.raises(OSError, match="connection to Excel was lost"):
        refreshed(book)
    assert snapshot(book) == before and book.app.alerts == []


def test_formula_looking_text_from_an_extract_stays_text(tmp_path: Path) -> None:
    path = parts.build_lite_workbook(tmp_path / "performance-lite.xlsx", {"month": "2024-09"})
    odd = {",CRS,": ",=HYPERLINK(x),", ",Jigsaw 3,": ",-North,", ",Jigsaw 2,": ",2024-09,"}
    load_extracts(path, as_typed=False, **odd)  # loaded as text, as Data > From Text/CSV may
    book = lite.LiteBook(path)
    try:
        assert refreshed(book) is not None and book.app.alerts == []
        teams = {row[0] for row in read_area(book.wb, "xl_team_table")[1:]}
        assert {"=HYPERLINK(x)", "-North", "2024-09"} <= teams
        sheet, ref = next(iter(book.wb.defined_names["xl_team_table"].destinations))
        for row in book.wb[sheet][ref.replace("$", "")]:
            if row[0].value in ("=HYPERLINK(x)", "-North", "2024-09"):
                assert row[0].data_type == "s" and row[0].quotePrefix, row[0].value
    finally:
        book.close()


# --------------------------------------------------------------------------- Build spotlight


def _spotlight(path: Path) -> Any:
    return openpyxl.load_workbook(path)["Spotlight"]


@pytest.mark.parametrize("version", [lite.OLD, lite.NEW])
def test_build_spotlight_writes_the_desktop_spotlights_values_and_formats(
    made: Path, tmp_path: Path, desktop: Path, version: str
) -> None:
    shutil.copy(made, tmp_path / made.name)
    book = lite.LiteBook(tmp_path / made.name, version=version)
    try:
        refreshed(book)
        copied = lite.run_script(book, scripts.build_spotlight)
        (alert,) = book.app.alerts
        ours, theirs = book.wb["Spotlight"], _spotlight(desktop)
        assert book.wb.sheetnames[0] == "Spotlight"
        for row in theirs.iter_rows():
            for want in row:
                if type(want).__name__ == "MergedCell":
                    continue
                got = ours[want.coordinate]
                assert rounded([[got.value]]) == rounded([[want.value]]), want.coordinate
                if want.value is not None:
                    assert got.number_format == want.number_format, want.coordinate
                if want.fill.fill_type == "solid":
                    assert got.fill.fgColor.rgb[-6:] == want.fill.fgColor.rgb[-6:], want.coordinate
                if version == lite.NEW and want.value is not None:
                    assert (got.font.b, got.font.size, got.font.name) == (
                        want.font.b,
                        want.font.size,
                        want.font.name,
                    ), want.coordinate
        assert "2 chart(s), the logo, the page header and footer, the PDF" in alert["prompt"]
        if version == lite.OLD:  # values, fills and number formats only
            assert set(copied.missing) == set(spotlight.FEATURES)
            assert not ours.merged_cells.ranges and not ours.print_area
            assert f"cannot set {', '.join(copied.missing)}:" in alert["prompt"]
        else:
            assert copied.missing == []
            assert {str(m) for m in ours.merged_cells.ranges} == {str(m) for m in theirs.merged_cells.ranges}
            assert ours.print_area == theirs.print_area
            for r, dim in theirs.row_dimensions.items():
                if dim.height:
                    assert ours.row_dimensions[r].height == dim.height, r
            for letter, dim in theirs.column_dimensions.items():
                if dim.width:
                    assert ours.column_dimensions[letter].width == pytest.approx(dim.width, abs=0.15), letter
            assert "cannot set" not in alert["prompt"]
    finally:
        book.close()


def test_build_spotlight_before_a_refresh_says_so_and_adds_nothing(book: Any) -> None:
    before = snapshot(book)
    assert lite.run_script(book, scripts.build_spotlight) is None
    (alert,) = book.app.alerts
    assert alert["prompt"] == (
        "The workbook has not been refreshed yet: run refresh first (the xlwings Lite task pane)."
    )
    assert snapshot(book) == before


def test_build_spotlight_again_replaces_the_sheet(book: Any) -> None:
    refreshed(book)
    lite.run_script(book, scripts.build_spotlight)
    first = {
        c.coordinate: c.value for row in book.wb["Spotlight"].iter_rows() for c in row if c.value is not None
    }
    lite.run_script(book, scripts.build_spotlight)
    assert book.wb.sheetnames.count("Spotlight") == 1
    again = {
        c.coordinate: c.value for row in book.wb["Spotlight"].iter_rows() for c in row if c.value is not None
    }
    assert again == first


# --------------------------------------------------------------------------- Check set-up


def test_check_setup_is_one_message_with_a_line_per_check(book: Any) -> None:
    before = snapshot(book)
    checks = lite.run_script(book, scripts.check_setup)
    (alert,) = book.app.alerts
    assert alert["mode"] == "info" and alert["title"] == "xladdin: Check set-up"
    lines = alert["prompt"].splitlines()
    assert lines[0] == "xladdin set-up check (xlwings Lite)"
    assert "ok   List 4 (assessments) sheet: 'Assessments extract': 2,223 rows (9 kept out)" in lines
    assert "ok   List 3 (referrals) sheet: 'Referrals extract': 3,921 rows (4 kept out)" in lines
    assert lines[-1] == "Everything needed is in place."
    assert [c.status for c in checks] == ["ok"] * len(checks)
    assert snapshot(book) == before


def test_check_setup_names_what_to_fix(book: Any) -> None:
    book.wb["Referrals extract"].delete_rows(1, 10)  # the header went with the title rows
    sheet, ref = next(iter(book.wb.defined_names["set_audit_mapping"].destinations))
    book.wb[sheet][ref.replace("$", "")].value = "audit.yaml"
    lite.run_script(book, scripts.check_setup)
    (alert,) = book.app.alerts
    assert alert["mode"] == "critical"
    assert (
        "FIX  List 3 (referrals) sheet: performance-lite.xlsx (sheet 'Referrals extract'): not a table"
        in alert["prompt"]
    )
    assert "'Audit column mapping': names a file, which xlwings Lite cannot read: clear it" in alert["prompt"]
    assert "loaded into the sheet from A1 with its header row" in alert["prompt"]
    assert "--mapping" not in alert["prompt"]  # the command line's way, which Lite has not
    assert alert["prompt"].endswith("2 to fix (lines marked FIX).")


def test_the_newer_profile_has_what_the_installed_xlwings_remote_engine_has() -> None:
    """The stand-in's ``version=NEW`` offers fonts, widths, heights, merges, wrapping, alignment, the used
    range and the print area: xlwings 0.37's remote engine (Lite's) implements each. Its source is read,
    not imported (``xlwings.pro`` wants a licence key to import)."""
    import ast

    source = Path(xlwings.__file__).with_name("pro") / "_xlremote.py"
    classes = {
        node.name: {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
        for node in ast.parse(source.read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef)
    }
    assert {"font", "column_width", "row_height", "merge", "wrap_text", "horizontal_alignment"} <= classes[
        "Range"
    ]
    assert {"used_range", "page_setup"} <= classes["Sheet"]
    assert {"print_area"} <= classes["PageSetup"]
    assert {"bold", "italic", "size", "name", "color"} <= classes["Font"]


def test_check_setup_on_a_new_lite_workbook_asks_for_the_three_extracts(tmp_path: Path) -> None:
    """docs/excel-acceptance.md, step L4: before the extracts are loaded."""
    book = lite.LiteBook(parts.build_lite_workbook(tmp_path / "performance-lite.xlsx"))
    try:
        lite.run_script(book, scripts.check_setup)
        (alert,) = book.app.alerts
        fixes = [line for line in alert["prompt"].splitlines() if line.startswith("FIX")]
        assert len(fixes) == 3 and all("the sheet is empty. Load the" in line for line in fixes)
        assert alert["prompt"].endswith("3 to fix (lines marked FIX).")
    finally:
        book.close()


def test_refresh_reads_the_sheets_and_never_a_path_typed_on_settings(book: Any) -> None:
    sheet, ref = next(iter(book.wb.defined_names["set_referrals_sheet"].destinations))
    book.wb[sheet][ref.replace("$", "")].value = None  # no referrals sheet named...
    sheet, ref = next(iter(book.wb.defined_names["set_referrals"].destinations))
    book.wb[sheet][ref.replace("$", "")].value = "C:\\extracts\\list3.csv"  # ...but a path typed
    assert refreshed(book) is not None and book.app.alerts == []
    assert read_area(book.wb, "xl_rereferrals")[1:] == []  # no referrals read
