"""Refresh keeps the officer's work, fails without changing anything, and never writes a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from test_workbook import demo_workbook

from xladdin import extracts
from xladdin.core import measures
from xladdin.core.calendar import get_calendar
from xladdin.demo import demo_paths
from xladdin.errors import WorkbookError, XladdinError
from xladdin.workbook.book import read_area
from xladdin.workbook.create import create_workbook
from xladdin.workbook.refresh import refresh


def generated_cells(wb: openpyxl.Workbook) -> set[tuple[str, str]]:
    """(sheet, coordinate) of every cell inside a generated area (defined names xl_*)."""
    out = set()
    for name, dn in wb.defined_names.items():
        if not name.startswith("xl_"):
            continue
        for sheet, ref in dn.destinations:
            c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
            for row in wb[sheet].iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
                out.update((sheet, c.coordinate) for c in row)
    return out


def all_values(wb: openpyxl.Workbook) -> dict[tuple[str, str], object]:
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return demo_workbook(tmp_path)


def test_the_officers_work_survives_refresh(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    commentary = {
        "com_summary": "",
        "com_audit": "In August & September 2024, managers audited 39 re-referrals.\nA second paragraph – with “quotes”.",
        "com_action_plan": "Domestic Abuse\n- Staff training needs analysis\n=not a formula, just text",
        "com_assessment": "In October, the data shows an improvement to 84%.",
    }
    for name, text in commentary.items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        cell = wb[sheet][ref.replace("$", "")]
        cell.value = text or None
        if text.startswith("="):
            cell.data_type = "s"
    wb["Commentary"]["B6"].data_type = "s"
    wb["Settings"]["B5"].value = 80  # target
    wb["Settings"]["B15"].value = "OFFICIAL"  # marking
    wb["Holidays"]["D5"].value = dt.datetime(2024, 9, 2)
    wb["Holidays"]["E5"].value = "Council training day"
    wb["Holidays"]["D6"].value = "23/12/2024"  # typed as text: still read
    mine = wb.create_sheet("My notes")
    mine["A1"].value = "Numbers I keep"
    mine["B2"].value = 12.5
    mine["C3"].value = "=SUM(B2,1)"  # the officer's own formula stays a formula
    wb["Team table"]["K20"].value = "ask Jigsaw 2 about the late ones"
    wb["Trend"]["A30"].value = 42
    wb.save(workbook)
    before = openpyxl.load_workbook(workbook)
    before_values, before_generated = all_values(before), generated_cells(before)

    refresh(workbook)
    refresh(workbook)  # twice: nothing accumulates

    after = openpyxl.load_workbook(workbook)
    skip = before_generated | generated_cells(after)
    kept = {k: v for k, v in before_values.items() if k not in skip}
    assert {k: all_values(after).get(k) for k in kept} == kept
    assert after["Commentary"]["B6"].value.endswith("=not a formula, just text")
    assert after["Commentary"]["B6"].data_type == "s"
    assert after["My notes"]["C3"].value == "=SUM(B2,1)" and after["My notes"]["C3"].data_type == "f"
    # Settings were read, not written back: the 80% target drives the RAG.
    total = read_area(after, "xl_team_table")[-1]
    assert total[4] == "amber" and read_area(after, "xl_trend")[1][4] == 0.80
    about = {r[0]: r[1] for r in read_area(after, "xl_about")[1:]}
    assert about["Working days"].endswith("2 local closure days")


def test_closure_days_reach_the_working_day_engine(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    wb["Holidays"]["D5"].value = dt.datetime(2024, 9, 2)
    wb["Holidays"]["D6"].value = dt.datetime(2024, 9, 3)
    wb.save(workbook)
    refresh(workbook)
    frame = extracts.read_assessments(demo_paths()["assessments"]).frame
    cal = get_calendar("ENG", [dt.date(2024, 9, 2), dt.date(2024, 9, 3)])
    expected = measures.assessment_timeliness(frame, "2024-09", calendar=cal).iloc[-1]
    plain = measures.assessment_timeliness(frame, "2024-09").iloc[-1]
    assert expected["in_time"] > plain["in_time"] == 114  # the closures matter for this month
    total = read_area(openpyxl.load_workbook(workbook), "xl_team_table")[-1]
    assert total[1:3] == [expected["completed"], expected["in_time"]]


def test_month_flag_is_for_this_run_only_and_blank_month_means_the_month_before_the_extract(
    workbook: Path,
) -> None:
    result = refresh(workbook, month="2024-10")
    wb = openpyxl.load_workbook(workbook)
    assert str(result.month) == "2024-10" and wb["Settings"]["B4"].value == "2024-09"
    assert read_area(wb, "xl_team_table")[-1][1:3] == [182, 153]  # demo.py: October 153 of 182
    wb["Settings"]["B4"].value = None
    wb.save(workbook)
    assert str(refresh(workbook).month) == "2024-09"  # extract dated 31/10/2024


def test_areas_shrink_without_leaving_old_rows(workbook: Path) -> None:
    refresh(workbook)
    wb = openpyxl.load_workbook(workbook)
    rows_with_referrals = len(read_area(wb, "xl_quality"))
    wb["Settings"]["B13"].value = None  # no referrals extract this time
    wb.save(workbook)
    refresh(workbook)
    wb = openpyxl.load_workbook(workbook)
    quality = read_area(wb, "xl_quality")
    assert 1 < len(quality) < rows_with_referrals
    ws = wb["Data quality"]
    assert all(
        ws.cell(row=r, column=c).value is None
        for r in range(4 + len(quality), 4 + rows_with_referrals)
        for c in range(1, 7)
    )
    assert read_area(wb, "xl_rereferrals") == [
        ["Team/Locality", "Referrals (denominator)", "Re-referrals", "% of referrals"]
    ]


def test_backup_keeps_the_previous_version(workbook: Path) -> None:
    previous = workbook.read_bytes()
    result = refresh(workbook)
    assert result.backup == workbook.with_name("performance.bak.xlsx")
    assert result.backup.read_bytes() == previous


@pytest.mark.parametrize(
    "how, error, message",
    [
        ("missing extract", XladdinError, r"nope\.csv"),
        ("not a table", XladdinError, r"garbage\.csv"),
        (
            "lock file",
            WorkbookError,
            (
                r"performance\.xlsx is open in Excel or LibreOffice \(lock file "
                r"~\$performance\.xlsx exists\): save and close it"
            ),
        ),
        ("bad closure day", WorkbookError, r"Holidays sheet, cell D5: 'next Tuesday' is not a date"),
        ("bad setting", WorkbookError, r"'Target \(%\)' is 'eighty', not a number"),
        ("fails while saving", WorkbookError, r"Could not write performance\.xlsx.*No space left"),
    ],
)
def test_a_failed_refresh_changes_nothing(workbook: Path, how: str, error: type, message: str) -> None:
    folder = workbook.parent
    kwargs: dict = {}
    if how in ("bad closure day", "bad setting"):
        wb = openpyxl.load_workbook(workbook)
        if how == "bad closure day":
            wb["Holidays"]["D5"].value = "next Tuesday"
        else:
            wb["Settings"]["B5"].value = "eighty"
        wb.save(workbook)
    elif how == "missing extract":
        kwargs["assessments"] = folder / "nope.csv"
    elif how == "not a table":
        (folder / "garbage.csv").write_bytes(b"\x00\x01 this is not an extract\n")
        kwargs["assessments"] = folder / "garbage.csv"
    elif how == "lock file":
        (folder / "~$performance.xlsx").write_bytes(b"someone")
    elif how == "fails while saving":

        def disk_full(_tmp: Path) -> None:
            raise OSError(28, "No space left on device")

        kwargs["after_save"] = disk_full
    state = folder_state(folder)
    with pytest.raises(error, match=message):
        refresh(workbook, **kwargs)
    assert folder_state(folder) == state  # same files, same bytes: no temp file, no backup


def write_list4(path: Path, rows: list[list[str]]) -> None:
    header = [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Annex A List 4: Assessments - extracted 31/10/2024"])
        w.writerow([])
        w.writerow(header)
        for child, team, worker, start, end in rows:
            w.writerow(
                [
                    child,
                    "a) Male",
                    "WBRI",
                    "01/01/2015",
                    "9",
                    "b) No",
                    start,
                    "a) Yes",
                    end,
                    "a) Yes",
                    team,
                    worker,
                ]
            )


INJECTIONS = [
    '=HYPERLINK("http://example.invalid","click")',
    "+44 Team",
    "-Team",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
]


def test_text_from_extracts_never_becomes_a_formula(tmp_path: Path) -> None:
    extract = tmp_path / "list4.csv"
    rows = [[f"=1+{i}", team, "=Worker()", "02/09/2024", "20/09/2024"] for i, team in enumerate(INJECTIONS)]
    rows += [[team, team, team, "01/08/2024", ""] for team in INJECTIONS]  # open and overdue: child level
    write_list4(extract, rows)
    path = create_workbook(tmp_path / "inj.xlsx", {"month": "2024-09", "assessments": str(extract)})
    refresh(path)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(name)), name
    wb = openpyxl.load_workbook(path)
    teams = {r[0] for r in read_area(wb, "xl_team_table")[1:]}
    assert teams == set(INJECTIONS) | {"Total"}
    opened = read_area(wb, "xl_open")[1:]
    assert {r[0] for r in opened} == set(INJECTIONS) and {r[2] for r in opened} == set(INJECTIONS)
    ws = wb["Team table"]
    for row in ws.iter_rows(min_row=5, max_row=5 + len(INJECTIONS), max_col=1):
        assert row[0].data_type == "s"
        if row[0].value[:1] in "=+-@":
            assert row[0].quotePrefix  # stays text if the officer edits it in Excel
    # ...and through the spotlight and the leadership export.
    from xladdin.report.export import export_for_leadership
    from xladdin.report.spotlight import write_spotlight

    write_spotlight(path)
    out = export_for_leadership(path, tmp_path / "lead.xlsx", suppress=False).xlsx
    for book in (path, out):
        with zipfile.ZipFile(book) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    assert not re.search(rb"<(\w+:)?f[ >]", z.read(name)), (book, name)
    lead = openpyxl.load_workbook(out)["Spotlight"]
    assert set(INJECTIONS) <= {c.value for row in lead.iter_rows() for c in row}


def test_put_keeps_error_like_and_formula_like_text_as_text(tmp_path: Path) -> None:
    from xladdin.workbook.styles import put

    wb = openpyxl.Workbook()
    ws = wb.active
    for r, text in enumerate(["#N/A", "=1+1", "#DIV/0!", "ok\x07bell"], start=1):
        put(ws.cell(row=r, column=1), text)
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [back.cell(row=r, column=1).value for r in range(1, 5)] == ["#N/A", "=1+1", "#DIV/0!", "okbell"]
    assert {back.cell(row=r, column=1).data_type for r in range(1, 5)} == {"s"}


def test_an_xlsm_keeps_its_macros_and_ribbon_through_refresh_and_spotlight(tmp_path: Path) -> None:
    from xladdin.excel.xlsm import build_workbook
    from xladdin.report.spotlight import write_spotlight
    from xladdin.workbook.package import ribbon_target

    path = build_workbook(tmp_path / "performance.xlsm")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["Settings"]["B12"].value = str(demo_paths()["assessments"])
    wb.save(path)  # as an officer's save through openpyxl would: the ribbon is dropped here...
    assert ribbon_target(path) is None
    refresh(path, month="2024-09")  # ...and put back by refresh
    assert ribbon_target(path) == "customUI/customUI14.xml"
    write_spotlight(path)
    assert ribbon_target(path) == "customUI/customUI14.xml"
    with zipfile.ZipFile(path) as z:
        assert "xl/vbaProject.bin" in z.namelist()
    assert read_area(openpyxl.load_workbook(path), "xl_team_table")[-1][1:3] == [150, 114]


def test_a_picture_the_officer_added_survives_refresh(workbook: Path) -> None:
    pytest.importorskip("PIL", reason="openpyxl keeps pictures only with Pillow (a dependency for this)")
    from openpyxl.drawing.image import Image

    from xladdin.report.template import default_template

    data = openpyxl.load_workbook(default_template())["Page"]._images[0]._data()  # (reads it once)
    wb = openpyxl.load_workbook(workbook)
    picture = Image(io.BytesIO(data))
    wb["Commentary"].add_image(picture, "E10")
    wb.save(workbook)
    refresh(workbook)
    (kept,) = openpyxl.load_workbook(workbook)["Commentary"]._images
    assert kept._data() == data


# --- column mappings: Settings rows, --mapping, and messages that say where (issue 15 item 1) ------

LOCAL_HEADERS = {
    "list4_assessments.csv": {
        "Child Unique ID": "Person ID",
        "Continuous Assessment Start Date": "Assessment Start",
        "Continuous Assessment Date of Authorisation": "Date Completed",
        "Allocated Team": "Team",
    },
    "list3_referrals.csv": {"Date of referral": "Contact Date"},
}
LOCAL_MAPPING = """\
# Our LCS export
assessments:
  child_id: "Person ID"
  start: "Assessment Start"
  authorised: "Date Completed"
  team: "Team"
referrals:
  referral_date: "Contact Date"
"""


def mapping_cell(wb: openpyxl.Workbook, kind: str) -> openpyxl.cell.Cell:
    """The Settings cell of an extract's mapping row (found by its name: rows others add may come first)."""
    ((sheet, ref),) = wb.defined_names[f"set_{kind}_mapping"].destinations
    return wb[sheet][ref.replace("$", "")]


def local_extracts(folder: Path) -> Path:
    """The demo workbook's folder with the demo extracts' headers renamed as a local system names them."""
    path = demo_workbook(folder)
    for name, renames in LOCAL_HEADERS.items():
        text = (folder / name).read_text(encoding="utf-8")
        header = text.splitlines()[2]
        new = ",".join(renames.get(h, h) for h in header.split(","))
        (folder / name).write_text(text.replace(header, new, 1), encoding="utf-8")
    (folder / "lcs-mapping.yaml").write_text(LOCAL_MAPPING, encoding="utf-8")
    return path


def run_refresh(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xladdin.cli", "refresh", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_a_local_extract_without_a_mapping_says_exactly_where_to_give_one(tmp_path: Path) -> None:
    path = local_extracts(tmp_path)
    before = folder_state(tmp_path)
    done = run_refresh(path)
    cell = mapping_cell(openpyxl.load_workbook(path), "assessments").coordinate
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert re.search(
        r"list4_assessments\.csv: required column 'Child Unique ID' is missing\..*`xladdin mapping-template "
        r".*list4_assessments\.csv` to write a mapping file, set 'assessments\.child_id' in it to your header, "
        rf"and name the mapping file in Settings, Settings!{cell} 'Assessments column mapping', or give it "
        r"with `xladdin refresh WORKBOOK --mapping FILE`\.",
        done.stderr,
    ), done.stderr
    assert "give the file with --mapping FILE" not in done.stderr  # the counting commands' words
    assert folder_state(tmp_path) == before


def test_mapping_rows_in_settings_are_read_relative_to_the_workbook(tmp_path: Path) -> None:
    path = local_extracts(tmp_path)
    wb = openpyxl.load_workbook(path)
    labels = [
        wb["Settings"].cell(row=mapping_cell(wb, k).row, column=1).value
        for k in ("assessments", "referrals", "audit")
    ]
    assert labels == ["Assessments column mapping", "Referrals column mapping", "Audit column mapping"]
    mapping_cell(wb, "assessments").value = "lcs-mapping.yaml"
    mapping_cell(wb, "referrals").value = "lcs-mapping.yaml"
    wb.save(path)
    refresh(path)
    wb = openpyxl.load_workbook(path)
    assert read_area(wb, "xl_team_table")[-1][1:3] == [150, 114]
    assert read_area(wb, "xl_rereferrals")[-1][0] == "Total" and read_area(wb, "xl_rereferrals")[-1][1] > 0


def test_the_mapping_flag_wins_over_settings_for_this_run(tmp_path: Path) -> None:
    path = local_extracts(tmp_path)
    wb = openpyxl.load_workbook(path)
    mapping_cell(wb, "assessments").value = "no-such-mapping.yaml"  # not even looked at with --mapping
    wb.save(path)
    done = run_refresh(path, "--mapping", tmp_path / "lcs-mapping.yaml")
    assert done.returncode == 0, done.stderr
    assert read_area(openpyxl.load_workbook(path), "xl_team_table")[-1][1:3] == [150, 114]
    assert mapping_cell(openpyxl.load_workbook(path), "assessments").value == "no-such-mapping.yaml"


def test_a_mapping_row_naming_a_missing_file_names_the_cell(tmp_path: Path) -> None:
    path = local_extracts(tmp_path)
    wb = openpyxl.load_workbook(path)
    cell = mapping_cell(wb, "assessments")
    cell.value = "maps/lcs.yaml"
    wb.save(path)
    before = folder_state(tmp_path)
    with pytest.raises(
        XladdinError,
        match=rf"Settings!{cell.coordinate} 'Assessments column mapping' names .*maps/lcs\.yaml, which does not exist: "
        r"correct the path \(a relative path is relative to the workbook's folder\)",
    ):
        refresh(path)
    assert folder_state(tmp_path) == before


def test_the_ribbons_refresh_honours_the_mapping_rows(tmp_path: Path) -> None:
    import xlwings_standin as standin
    from xladdin.excel import live
    from xladdin.excel.xlsm import build_workbook

    base = local_extracts(tmp_path)
    wb = openpyxl.load_workbook(base)
    mapping_cell(wb, "assessments").value = "lcs-mapping.yaml"
    mapping_cell(wb, "referrals").value = "lcs-mapping.yaml"
    wb.save(base)
    book = standin.Book(build_workbook(tmp_path / "performance.xlsm", base_xlsx=base))
    try:
        result = live.refresh(book)
        total = book.names["xl_team_table"].refers_to_range.options(ndim=2).value[-1]
    finally:
        book.close()
    assert str(result.month) == "2024-09" and total[:3] == ["Total", 150, 114]


def test_the_ribbons_messages_name_the_settings_cell(tmp_path: Path) -> None:
    import xlwings_standin as standin
    from xladdin.excel import live
    from xladdin.excel.xlsm import build_workbook

    base = demo_workbook(tmp_path)
    wb = openpyxl.load_workbook(base)
    wb["Settings"]["B5"].value = "nan"
    wb.save(base)
    book = standin.Book(build_workbook(tmp_path / "performance.xlsm", base_xlsx=base))
    try:
        with pytest.raises(
            WorkbookError, match=r"^Settings!B5 'Target \(%\)' is 'nan': type a number from 0 to 100"
        ):
            live.refresh(book)
    finally:
        book.close()
