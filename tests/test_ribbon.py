"""The ribbon's Refresh, Build spotlight and Export, driven through a stand-in for Excel.

``xlwings_standin.Book`` holds a real ``performance.xlsm`` (built by
``build_workbook`` from a demo workbook whose Settings name the demo
extracts) and offers only what xlwings' Book/Range/Name offer; the first test
checks that against the installed xlwings. Expected figures: the seed report
(the November 2024 Performance Spotlight) for September 2024, corrected
114 of 150 (76.0%), legacy 100 of 150, as in tests/test_workbook.py.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from test_refresh import INJECTIONS, write_list4
from test_workbook import demo_workbook

import xlwings_standin as standin
from xladdin import extracts
from xladdin.errors import ExtractError, WorkbookError
from xladdin.excel import live, ribbon
from xladdin.excel.xlsm import build_workbook
from xladdin.workbook.areas import AREAS
from xladdin.workbook.book import read_area
from xladdin.workbook.refresh import refresh

REFRESHED_AT = dt.datetime(2024, 11, 4, 9, 30)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the demo extracts and performance.xlsm whose Settings name them (relative paths)."""
    folder = tmp_path_factory.mktemp("built")
    base = demo_workbook(folder)
    build_workbook(folder / "performance.xlsm", base_xlsx=base)
    base.unlink()
    return folder


@pytest.fixture
def book(built: Path, tmp_path: Path) -> standin.Book:
    """The workbook as Excel has it open (a lock file beside it), in a folder of its own."""
    for f in built.iterdir():
        shutil.copy(f, tmp_path / f.name)
    opened = standin.Book(tmp_path / "performance.xlsm")
    yield opened
    opened.close()


def snapshot(book: standin.Book) -> dict:
    """Every value, number format and defined name of the open workbook."""
    wb = book.wb
    cells = {
        (ws.title, c.coordinate): (c.value, c.number_format, c.data_type)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None or c.number_format != "General"
    }
    return {"cells": cells, "names": {n: d.attr_text for n, d in wb.defined_names.items()}}


def area(book: standin.Book, name: str) -> list[list]:
    return book.names[name].refers_to_range.options(ndim=2).value


def type_in(book: standin.Book, name: str, value: object) -> None:
    """The officer types into a named cell (Excel parses it as typed)."""
    book.names[name].refers_to_range.value = value


# --------------------------------------------------------------------------- the stand-in


STANDIN_TO_XLWINGS = {
    standin.App: xlwings.App,
    standin.Books: xlwings.main.Books,
    standin.Book: xlwings.Book,
    standin.Sheets: xlwings.main.Sheets,
    standin.Sheet: xlwings.Sheet,
    standin.Range: xlwings.Range,
    standin.Names: xlwings.main.Names,
    standin.Name: xlwings.Name,
}
TEST_ONLY = {"alerts", "status_history", "opened", "saves", "close", "wb", "ws", "book"}


def test_standin_has_only_real_xlwings_members() -> None:
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
                real_params = list(inspect.signature(theirs).parameters)
                assert [p.name for p in mine] == real_params[: len(mine)], (real.__name__, member)
    # plain attributes of the stand-in that xlwings has as properties
    for fake, member in (
        (standin.App, "books"),
        (standin.Sheet, "name"),
        (standin.Range, "sheet"),
        (standin.Range, "row"),
        (standin.Range, "column"),
        (standin.Name, "name"),
    ):
        assert isinstance(inspect.getattr_static(STANDIN_TO_XLWINGS[fake], member), property), member


def test_standin_parses_written_text_as_excel_does(book: standin.Book) -> None:
    cell = book.sheets["About"].range("H1")
    for typed, stored in [
        ("=A1", None),
        ("-Team", None),
        ("00123", 123.0),
        ("2024-09", dt.datetime(2024, 9, 1)),
        ("81%", 0.81),
        ("TRUE", True),
        ("'=A1", "=A1"),
        ("'2024-09", "2024-09"),
        ("Hub", "Hub"),
    ]:
        cell.value = typed
        assert cell.value == stored, typed


# --------------------------------------------------------------------------- Refresh


def test_refresh_fills_the_named_areas_with_the_seed_figures_and_keeps_commentary(book: standin.Book) -> None:
    on_disk = Path(book.fullname).read_bytes()
    type_in(book, "com_assessment", "Corrected, September is 76%.\nOctober improved to 84%.")
    book.sheets["Team table"].range("K20").value = "ask Jigsaw 2 about the late ones"
    result = ribbon.refresh(book)
    assert book.app.alerts == []
    assert str(result.month) == "2024-09"
    team = area(book, "xl_team_table")
    assert team[0][:5] == ["Team/Locality", "Denominator", "Numerator", "%", "RAG"]
    assert team[-1][:6] == ["Total", 150, 114, 0.76, "amber", 100]  # legacy numerator 100 beside it
    assert len(team) == 1 + 23 + 1
    assert area(book, "xl_trend")[-1][:3] == [dt.datetime(2024, 9, 1), 150, 114]
    assert book.names["com_assessment"].refers_to_range.value.startswith("Corrected, September is 76%.")
    assert book.sheets["Team table"].range("K20").value == "ask Jigsaw 2 about the late ones"
    about = dict(area(book, "xl_about")[1:])
    assert about["Reporting month"] == "2024-09"  # text, not the date Excel would make of it
    assert about["Target"] == "81%"
    assert book.sheets["Team table"].range("D6:D28").number_format == "0.0%"
    assert Path(book.fullname).read_bytes() == on_disk  # Excel holds the file: never written
    statuses = book.app.status_history
    assert statuses[0] == "xladdin Refresh: starting" and "xladdin Refresh: Writing the tables" in statuses
    assert statuses[-1] is False and book.app.status_bar is False


def test_live_and_headless_refresh_write_the_same_cells(book: standin.Book, tmp_path: Path) -> None:
    type_in(book, "set_target", 80)
    book.names["closures"].refers_to_range.resize(1, 1).value = "02/09/2024"  # typed: Excel makes a date
    live.refresh(book, refreshed_at=REFRESHED_AT)
    book.save()
    book.close()
    live_wb = openpyxl.load_workbook(book.fullname)
    headless = tmp_path / "headless.xlsm"
    shutil.copyfile(book.fullname, headless)
    refresh(headless, refreshed_at=REFRESHED_AT)
    head_wb = openpyxl.load_workbook(headless)
    assert "1 local closure days" in dict(read_area(head_wb, "xl_about")[1:])["Working days"]
    for name, a in AREAS.items():
        assert live_wb.defined_names[name].attr_text == head_wb.defined_names[name].attr_text, name
        got, want = read_area(live_wb, name), read_area(head_wb, name)
        assert got == want, name
        ref = live_wb.defined_names[name].attr_text.split("!")[1].replace("$", "")
        pairs = zip(live_wb[a.sheet][ref], head_wb[a.sheet][ref], strict=True)
        for c1, c2 in (cells for rows in pairs for cells in zip(*rows, strict=True)):
            assert (c1.number_format, c1.data_type) == (c2.number_format, c2.data_type), (name, c1.coordinate)


def test_a_bad_extract_path_shows_one_message_and_changes_nothing(book: standin.Book) -> None:
    ribbon.refresh(book)
    type_in(book, "set_assessments", "missing/list4.csv")
    before = snapshot(book)
    with pytest.raises(ExtractError, match=r"list4\.csv") as expected:
        extracts.read_assessments(Path(book.fullname).parent / "missing" / "list4.csv")
    assert ribbon.refresh(book) is None
    assert book.app.alerts == [
        {"prompt": str(expected.value), "title": "xladdin", "buttons": "ok", "mode": "critical"}
    ]
    assert "Traceback" not in book.app.alerts[0]["prompt"]
    assert snapshot(book) == before
    assert book.app.status_bar is False


def test_a_failure_while_writing_puts_every_area_back(
    book: standin.Book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ribbon, "LOG_FILE", tmp_path / "xladdin-errors.log")
    ribbon.refresh(book)
    type_in(book, "set_month", "'2024-10")  # a different month: every table changes size or content
    book.sheets["Re-referrals"].ws.protection.sheet = True  # Excel refuses writes there (after 4 areas)
    before = snapshot(book)
    ribbon.refresh(book)
    assert snapshot(book) == before
    [alert] = book.app.alerts
    assert alert["prompt"].startswith(
        "Refresh stopped: ComError: The cell or chart you're trying to change is on a protected sheet."
    )
    assert "The workbook's tables are as they were before Refresh." in alert["prompt"]
    assert str(tmp_path / "xladdin-errors.log") in alert["prompt"] and "Traceback" not in alert["prompt"]
    log = (tmp_path / "xladdin-errors.log").read_text()
    assert "Traceback (most recent call last)" in log and "write_tables" in log
    assert book.app.status_bar is False


def test_a_renamed_sheet_is_named_in_the_message(book: standin.Book) -> None:
    book.wb["Trend"].title = "Trend (old)"
    before = snapshot(book)
    with pytest.raises(
        WorkbookError,
        match=r"performance\.xlsm has no sheet called 'Trend', where refresh "
        r"writes its tables: rename the sheet back to Trend",
    ):
        live.refresh(book)
    ribbon.refresh(book)
    assert [a["prompt"][:40] for a in book.app.alerts] == ["performance.xlsm has no sheet called 'Tr"]
    assert snapshot(book) == before


def test_a_closure_day_that_is_not_a_date_is_named(book: standin.Book) -> None:
    book.sheets["Holidays"].range("D7").value = "Xmas"
    with pytest.raises(
        WorkbookError, match=r"Holidays sheet, cell D7: 'Xmas' is not a date\. Type local closure"
    ):
        live.refresh(book)


def test_formula_looking_text_stays_text(built: Path, tmp_path: Path) -> None:
    shutil.copy(built / "performance.xlsm", tmp_path / "performance.xlsm")
    rows = [[f"=1+{i}", team, "=Worker()", "02/09/2024", "20/09/2024"] for i, team in enumerate(INJECTIONS)]
    rows += [["00123", "2024-09", "-Team", "01/08/2024", ""]]  # an open case: child-level list
    write_list4(tmp_path / "list4.csv", rows)
    book = standin.Book(tmp_path / "performance.xlsm")
    for name, value in (("set_assessments", "list4.csv"), ("set_referrals", None), ("set_audit", None)):
        type_in(book, name, value)
    ribbon.refresh(book)
    assert book.app.alerts == []
    teams = [r[0] for r in area(book, "xl_team_table")[1:]]
    assert set(teams) == set(INJECTIONS) | {"Total"}
    assert area(book, "xl_open")[1][:3] == ["00123", "2024-09", "-Team"]
    book.save()
    book.close()
    with zipfile.ZipFile(book.fullname) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(part)), part
    ws = openpyxl.load_workbook(book.fullname)["Team table"]
    for (cell,) in ws.iter_rows(min_row=5, max_row=4 + len(teams), max_col=1):
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate


# --------------------------------------------------------------------------- Build spotlight, Export


def test_build_spotlight_saves_first_and_opens_the_new_file(book: standin.Book) -> None:
    ribbon.refresh(book)
    type_in(book, "com_audit", "Managers audited 39 re-referrals in August and September.")  # not saved yet
    path = ribbon.build_spotlight(book)
    assert book.app.alerts == [] and book.saves == 1
    assert path == Path(book.fullname).with_name("performance - Spotlight 2024-09.xlsx")
    assert [b.fullname for b in book.app.opened] == [str(path)]
    spotlight = book.app.opened[0].wb["Spotlight"]
    texts = [c.value for row in spotlight.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Managers audited 39 re-referrals" in t for t in texts)
    assert (
        "Spotlight" not in openpyxl.load_workbook(book.fullname).sheetnames
    )  # the workbook is not the report
    assert sorted(p.name for p in path.parent.glob(".xladdin-*")) == []  # no temporary files left
    assert book.app.status_bar is False


def test_build_spotlight_refuses_to_overwrite_the_one_open_in_excel(book: standin.Book) -> None:
    ribbon.refresh(book)
    path = ribbon.build_spotlight(book)
    reviewed = path.read_bytes()
    assert ribbon.build_spotlight(book) is None
    [alert] = book.app.alerts
    assert alert["prompt"].startswith("performance - Spotlight 2024-09.xlsx is open in Excel or LibreOffice")
    assert path.read_bytes() == reviewed


def test_build_spotlight_before_any_refresh_says_refresh_first(book: standin.Book) -> None:
    ribbon.build_spotlight(book)
    assert [a["prompt"] for a in book.app.alerts] == [
        "performance.xlsm has not been refreshed yet: click Refresh (or run `xladdin refresh WORKBOOK`) first."
    ]
    assert book.app.opened == []


def test_export_saves_first_and_opens_the_leadership_file(book: standin.Book) -> None:
    ribbon.refresh(book)
    type_in(book, "com_audit", "Managers audited the re-referrals.")
    type_in(book, "com_action_plan", "Training for every team.")
    type_in(book, "com_assessment", "October improved to 84%.")
    path = ribbon.export_for_leadership(book)
    assert book.app.alerts == [] and book.saves == 1  # nothing to check: no message
    assert path == Path(book.fullname).with_name("performance - Leadership 2024-09.xlsx")
    [opened] = book.app.opened
    assert opened.fullname == str(path) and opened.wb.sheetnames == ["Spotlight"]
    texts = {c.value for row in opened.wb["Spotlight"].iter_rows() for c in row if isinstance(c.value, str)}
    assert any("October improved to 84%." in t for t in texts)
    children = {r[0] for r in read_area(openpyxl.load_workbook(book.fullname), "xl_open")[1:]}
    assert children and not children & texts  # no child IDs leave the building
    assert book.app.status_bar is False


def test_export_shows_what_to_check_in_one_message_after_the_file_opens(book: standin.Book) -> None:
    ribbon.refresh(book)
    type_in(book, "com_audit", "[Write the audit summary on the Commentary sheet.]")
    type_in(book, "com_assessment", "Only 3 of 4 late assessments were in one team.")
    type_in(book, "set_suppression", "on")
    path = ribbon.export_for_leadership(book)
    assert path == Path(book.fullname).with_name("performance - Leadership 2024-09.xlsx") and path.exists()
    [opened] = book.app.opened  # the file is open first, the message on top of it
    assert opened.fullname == str(path)
    [alert] = book.app.alerts
    assert (alert["title"], alert["mode"]) == ("xladdin: Export for leadership", "info")
    assert alert["prompt"] == (
        "performance - Leadership 2024-09.xlsx is written and open. Before you send it, check:\n\n"
        "- Commentary sheet, 'Re-referrals audit summary': still holds placeholder text in [brackets], which "
        "is not printed. The section is printed without it: write it there and export again if it needs words.\n"
        "- Commentary sheet, 'Re-referrals action plan': empty. The section 'Re-referrals action plan' is left "
        "out of the export: write it there and export again.\n"
        "- Commentary sheet, 'Assessment commentary and remedial action': says '3 of 4' while small numbers are "
        "suppressed (counts of 1 to 5 show as c): check it does not give away a suppressed figure."
    )
    assert book.app.status_bar is False


def test_a_bad_comparator_is_named_by_its_cell_in_one_message(book: standin.Book) -> None:
    type_in(book, "set_timeliness_region", 181)
    cell = book.names["set_timeliness_region"].refers_to_range.address.replace("$", "")
    before = snapshot(book)
    ribbon.refresh(book)
    assert [a["prompt"] for a in book.app.alerts] == [
        f"Settings!{cell} 'Assessment timeliness: Region (%)' is 181: a rate is from 0 "
        "to 100 (a percentage such as 82.1)."
    ]
    assert snapshot(book) == before
