"""Hostile cases for the performance workbook (issue 10, items 4-6 and 8): nothing of the officer's is
lost, a failure changes nothing, and every failure is exit 2 with one message, never a traceback.

Classes: bad Settings, a file that is not a performance workbook, read-only and full disks, kills in the
middle of a refresh, symbolic links and permissions, and the officer's own objects (text boxes, shapes,
sparklines, Excel 2010 validation and data bars, threaded comments, form controls) that openpyxl cannot
model.

Self-contained on purpose (its helpers are here, not in a conftest): every file is made by the test.
The officer's objects are written as XML parts in the form Excel writes them (ECMA-376 Part 1 for
drawings, MS-XLSX 2.2.4.12 and 2.4.8 for the worksheet extensions; the text box, sparkline and data-bar
markup follows the Excel-saved reference files of XlsxWriter's test suite), then read back after the
refresh, and checked by LibreOffice where it can be (it reads sparklines and text boxes).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from xladdin.demo import demo_paths
from xladdin.workbook.create import create_workbook

REPO = Path(__file__).resolve().parents[2]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


# --- helpers: a workbook, the CLI, the state of a folder ------------------------------------------


def demo_workbook(folder: Path, **settings: object) -> Path:
    """A performance workbook in ``folder`` whose Settings name copies of the demo extracts."""
    for src in demo_paths().values():
        shutil.copy(src, folder / src.name)
    values: dict[str, object] = {
        "month": "2024-09",
        "assessments": "list4_assessments.csv",
        "referrals": "list3_referrals.csv",
        "audit": "audit_tracker.csv",
    }
    values.update(settings)
    return create_workbook(folder / "performance.xlsx", values)


def xladdin(*args: str | Path, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The CLI as a separate process, as an officer runs it."""
    return subprocess.run(
        [sys.executable, "-m", "xladdin.cli", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def refused(done: subprocess.CompletedProcess, *patterns: str) -> str:
    """Assert exit 2, one line on stderr naming the problem (each pattern), no traceback; return it."""
    err = done.stderr
    assert done.returncode == 2, (done.returncode, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for pattern in patterns:
        assert re.search(pattern, err), (pattern, err)
    return err


def folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` (hidden ones too) with its bytes and permission bits."""
    return {
        p.name: (b"" if p.is_dir() else p.read_bytes(), p.lstat().st_mode)
        for p in folder.iterdir()
        if not p.is_symlink()
    }


def edit(path: Path, **cells: object) -> None:
    """Set cells of the Settings sheet (``B5=80``) and save, as the officer would in Excel."""
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb["Settings"][ref].value = value
    wb.save(path)


# --- helpers: the officer's objects, written as Excel writes them -------------------------------


def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The zip name of worksheet ``sheet``."""
    book = ET.fromstring(parts["xl/workbook.xml"])
    rid = next(s.get(f"{{{R}}}id") for s in book.iter(f"{{{MAIN}}}sheet") if s.get("name") == sheet)
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


def add_rel(parts: dict[str, bytes], part: str, rel_type: str, target: str) -> str:
    name = rels_name(part)
    xml = parts.get(name, f'<?xml version="1.0"?><Relationships xmlns="{PKG}"></Relationships>'.encode())
    rid = f"rIdOfficer{xml.count(b'<Relationship ') + 1}"
    rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'.encode()
    parts[name] = xml.replace(b"</Relationships>", rel + b"</Relationships>")
    return rid


def add_override(parts: dict[str, bytes], part: str, content_type: str) -> None:
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", override + b"</Types>")


def insert_in_sheet(xml: bytes, element: bytes, *, before: tuple[bytes, ...]) -> bytes:
    """``element`` before the first of ``before`` found (CT_Worksheet order), else at the end."""
    for tag in before:
        m = re.search(rb"<" + tag + rb"[\s/>]", xml)  # the main namespace is the default one here
        if m:
            return xml[: m.start()] + element + xml[m.start() :]
    return xml.replace(b"</worksheet>", element + b"</worksheet>")


def text_box(shape_id: int, text: str, row: int) -> str:
    """A text box anchored over C{row}:F{row+3}, as Excel writes one (Insert > Text Box)."""
    return (
        f'<xdr:twoCellAnchor xmlns:xdr="{XDR}" xmlns:a="{A}">'
        f"<xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:from>"
        f"<xdr:to><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row + 3}</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:to>"
        f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{shape_id}" name="TextBox {shape_id}"/>'
        '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>'
        '<xdr:spPr><a:xfrm><a:off x="1219200" y="571500"/><a:ext cx="1828800" cy="571500"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:schemeClr val="lt1"/></a:solidFill>'
        '<a:ln w="9525" cmpd="sng"><a:solidFill><a:schemeClr val="lt1"><a:shade val="50000"/></a:schemeClr>'
        "</a:solidFill></a:ln></xdr:spPr>"
        '<xdr:txBody><a:bodyPr vertOverflow="clip" wrap="square" rtlCol="0" anchor="t"/><a:lstStyle/>'
        f'<a:p><a:r><a:rPr lang="en-GB" sz="1100"/><a:t>{text}</a:t></a:r></a:p></xdr:txBody></xdr:sp>'
        "<xdr:clientData/></xdr:twoCellAnchor>"
    )


def arrow(shape_id: int) -> str:
    """A block arrow (a shape without text), as Excel writes Insert > Shapes > Right Arrow."""
    return (
        f'<xdr:twoCellAnchor xmlns:xdr="{XDR}" xmlns:a="{A}">'
        "<xdr:from><xdr:col>7</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff>"
        "</xdr:from><xdr:to><xdr:col>8</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:to>"
        f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{shape_id}" name="Right Arrow {shape_id}"/>'
        "<xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr>"
        '<a:xfrm><a:off x="4267200" y="190500"/><a:ext cx="609600" cy="190500"/></a:xfrm>'
        '<a:prstGeom prst="rightArrow"><a:avLst/></a:prstGeom></xdr:spPr>'
        '<xdr:style><a:lnRef idx="2"><a:schemeClr val="accent1"><a:shade val="50000"/></a:schemeClr></a:lnRef>'
        '<a:fillRef idx="1"><a:schemeClr val="accent1"/></a:fillRef><a:effectRef idx="0">'
        '<a:schemeClr val="accent1"/></a:effectRef><a:fontRef idx="minor"><a:schemeClr val="lt1"/>'
        "</a:fontRef></xdr:style></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>"
    )


def add_drawing_objects(parts: dict[str, bytes], sheet: str, anchors: list[str]) -> None:
    """Add ``anchors`` to the sheet's drawing, making the drawing (as Excel would) if it has none."""
    part = sheet_part(parts, sheet)
    rels = ET.fromstring(parts.get(rels_name(part), f'<Relationships xmlns="{PKG}"/>'.encode()))
    drawing = next((r.get("Target") for r in rels if r.get("Type", "").endswith("/drawing")), None)
    body = "".join(anchors).encode()
    if drawing is not None:
        name = drawing.lstrip("/") if drawing.startswith("/") else "xl/drawings/" + drawing.rpartition("/")[2]
        xml = parts[name]
        end = xml.rindex(b"</")
        parts[name] = xml[:end] + body + xml[end:]
        return
    n = 1 + sum(1 for p in parts if re.fullmatch(r"xl/drawings/drawing\d+\.xml", p))
    name = f"xl/drawings/drawing{n + 10}.xml"
    parts[name] = (
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}">'
        ).encode()
        + body
        + b"</xdr:wsDr>"
    )
    add_override(parts, name, "application/vnd.openxmlformats-officedocument.drawing+xml")
    rid = add_rel(parts, part, f"{R}/drawing", f"../drawings/drawing{n + 10}.xml")
    tag = f'<drawing xmlns:r="{R}" r:id="{rid}"/>'.encode()
    parts[part] = insert_in_sheet(parts[part], tag, before=(b"legacyDrawing", b"tableParts", b"extLst"))


def sparklines(sheet: str, source: str, cell: str) -> str:
    """One sparkline group (MS-XLSX 2.4.8), as Excel 2010 writes Insert > Sparklines > Line."""
    return (
        f'<ext xmlns:x14="{X14}" uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}">'
        f'<x14:sparklineGroups xmlns:xm="{XM}"><x14:sparklineGroup displayEmptyCellsAs="gap" markers="1">'
        '<x14:colorSeries theme="4" tint="-0.499984740745262"/><x14:colorNegative theme="5"/>'
        '<x14:colorAxis rgb="FF000000"/><x14:colorMarkers theme="4" tint="-0.499984740745262"/>'
        '<x14:colorFirst theme="4" tint="0.39997558519241921"/><x14:colorLast theme="4" '
        'tint="0.39997558519241921"/><x14:colorHigh theme="4"/><x14:colorLow theme="4"/>'
        f"<x14:sparklines><x14:sparkline><xm:f>'{sheet}'!{source}</xm:f><xm:sqref>{cell}</xm:sqref>"
        "</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext>"
    )


def list_from_other_sheet(cell: str) -> str:
    """A drop-down whose list is on another sheet: Excel 2010 writes it as an x14 data validation."""
    return (
        f'<ext xmlns:x14="{X14}" uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}">'
        f'<x14:dataValidations xmlns:xm="{XM}" count="1"><x14:dataValidation type="list" allowBlank="1" '
        'showInputMessage="1" showErrorMessage="1"><x14:formula1><xm:f>Settings!$B$7:$B$8</xm:f>'
        f"</x14:formula1><xm:sqref>{cell}</xm:sqref></x14:dataValidation></x14:dataValidations></ext>"
    )


DATA_BAR_ID = "{A1B2C3D4-0000-4000-8000-0000000000AB}"


def data_bar(sqref: str) -> tuple[str, str]:
    """A data bar as Excel 2010+ writes it: a 2007 rule linked by id to its 2010 half in extLst."""
    rule = (
        f'<conditionalFormatting sqref="{sqref}"><cfRule type="dataBar" priority="2"><dataBar>'
        '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar>'
        f'<extLst><ext xmlns:x14="{X14}" uri="{{B025F937-C7B1-47D3-B67F-A62EFF666E3E}}">'
        f"<x14:id>{DATA_BAR_ID}</x14:id></ext></extLst></cfRule></conditionalFormatting>"
    )
    ext = (
        f'<ext xmlns:x14="{X14}" uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}">'
        f'<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{XM}">'
        f'<x14:cfRule type="dataBar" id="{DATA_BAR_ID}"><x14:dataBar minLength="0" maxLength="100" '
        'gradient="0" negativeBarBorderColorSameAsPositive="0" axisPosition="middle">'
        '<x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/><x14:borderColor rgb="FF638EC6"/>'
        '<x14:negativeFillColor rgb="FFFF0000"/><x14:negativeBorderColor rgb="FFFF0000"/>'
        '<x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule>'
        f"<xm:sqref>{sqref}</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext>"
    )
    return rule, ext


def add_extensions(parts: dict[str, bytes], sheet: str, exts: list[str]) -> None:
    part = sheet_part(parts, sheet)
    xml = parts[part]
    body = "".join(exts).encode()
    if xml.rstrip().endswith(b"</extLst></worksheet>"):  # the sheet's own extList is its last child
        at = xml.rindex(b"</extLst>")
        parts[part] = xml[:at] + body + xml[at:]
    else:
        parts[part] = xml.replace(b"</worksheet>", b"<extLst>" + body + b"</extLst></worksheet>")


def add_data_bar(parts: dict[str, bytes], sheet: str, sqref: str) -> None:
    rule, ext = data_bar(sqref)
    part = sheet_part(parts, sheet)
    parts[part] = insert_in_sheet(
        parts[part],
        rule.encode(),
        before=(b"dataValidations", b"hyperlinks", b"printOptions", b"pageMargins", b"pageSetup"),
    )
    add_extensions(parts, sheet, [ext])


def decorate(path: Path) -> None:
    """The officer's additions: a notes sheet with a picture, a note, a drop-down and a rule (openpyxl
    keeps these), then, as Excel writes them, text boxes and an arrow, sparklines, a drop-down from
    another sheet and a 2010 data bar (openpyxl drops these)."""
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from PIL import Image as Picture

    wb = openpyxl.load_workbook(path)
    mine = wb.create_sheet("My notes")
    mine["A1"].value = "Things to chase"
    for row in range(2, 8):
        mine.cell(row=row, column=2, value=row * 3)
    mine["B2"].comment = Comment("Check this against the LCS report", "Officer")
    choice = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    mine.add_data_validation(choice)
    choice.add("E2:E9")
    red = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
    mine.conditional_formatting.add("B2:B7", CellIsRule(operator="greaterThan", formula=["15"], fill=red))
    logo = io.BytesIO()
    Picture.new("RGB", (40, 20), (31, 78, 121)).save(logo, format="PNG")
    mine.add_image(Image(logo), "H12")
    wb.save(path)
    parts = read_parts(path)
    add_drawing_objects(parts, "My notes", [text_box(2, "Ask Jigsaw 2 about the late ones", 9), arrow(3)])
    add_drawing_objects(parts, "Commentary", [text_box(2, "Draft: check with the head of service", 12)])
    add_drawing_objects(parts, "Trend", [text_box(5, "Dip in August: two staff on leave", 22)])
    add_extensions(parts, "Trend", [sparklines("Trend", "D5:D17", "F20")])
    add_extensions(parts, "My notes", [list_from_other_sheet("D2:D9")])
    add_data_bar(parts, "My notes", "B2:B7")
    write_parts(path, parts)


def officer_objects(path: Path) -> dict[str, object]:
    """What of the officer's objects a workbook file holds, read from its parts (and by openpyxl, for
    the kinds it keeps)."""
    with pytest.warns(UserWarning, match="extension is not supported"):
        mine = openpyxl.load_workbook(path)["My notes"]
    kept = {
        "note": mine["B2"].comment.text if mine["B2"].comment else None,
        "drop-downs": [(dv.formula1, str(dv.sqref)) for dv in mine.data_validations.dataValidation],
        "rules": sorted(r.type for cf in mine.conditional_formatting for r in cf.rules),
        "pictures": [(im.width, im.height) for im in mine._images],
    }
    parts = read_parts(path)
    text = b"".join(v for k, v in parts.items() if k.startswith("xl/drawings/drawing"))
    sheets = {name: parts[sheet_part(parts, name)] for name in ("Trend", "My notes")}
    return {
        "text boxes": sorted(re.findall(rb"<a:t>([^<]*)</a:t>", text)),
        "arrows": text.count(b'prst="rightArrow"'),
        "sparklines": re.findall(rb"<xm:f>([^<]*)</xm:f><xm:sqref>([^<]*)</xm:sqref>", sheets["Trend"]),
        "list from another sheet": b"Settings!$B$7:$B$8" in sheets["My notes"],
        "data bar link": sheets["My notes"].count(DATA_BAR_ID.encode()),
        "linked rule": re.findall(
            rb'<cfRule type="(\w+)"[^>]*>(?:(?!</cfRule>).)*' + DATA_BAR_ID.encode(), sheets["My notes"], re.S
        ),
        **kept,
    }


# --- helpers: a read-only folder, a small disk ---------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """``folder`` made read-only: a read-only bind mount as root (root ignores permissions), else chmod."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        try:
            yield "chmod 555"
        finally:
            os.chmod(folder, 0o755)
        return
    if subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True).returncode:
        pytest.skip(
            "running as root, and mount --bind is not allowed here: no way to make a folder read-only"
        )
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
        yield "read-only bind mount"
    finally:
        subprocess.run(["umount", str(folder)], check=True, capture_output=True)


@contextlib.contextmanager
def small_disk(folder: Path, size_kb: int) -> Iterator[Path]:
    """A ``size_kb`` tmpfs mounted at ``folder`` (root); the test is skipped where mounting is refused."""
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()}): the full-disk case needs one")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True, capture_output=True)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until ``leave`` bytes (rounded to pages) are free."""
    free = shutil.disk_usage(disk).free
    (disk / "filler.bin").write_bytes(b"\0" * max(0, free - leave))
    assert shutil.disk_usage(disk).free <= leave + 4096


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- bad Settings: exit 2 naming the cell, the workbook unchanged --------------------------------

BAD_SETTINGS = [
    ("B5", "nan", r"Settings!B5 'Target \(%\)' is 'nan': type a number from 0 to 100, such as 81\."),
    ("B5", 150, r"Settings!B5 'Target \(%\)' is 150: type a number from 0 to 100"),
    ("B5", "-inf", r"Settings!B5 'Target \(%\)' is '-inf': type a number from 0 to 100"),
    ("B6", 80, r"Settings!B6 'Amber margin \(percentage points\)' is 80: type a number from 0 to 50"),
    ("B9", 1_000_000_000, r"Settings!B9 'Working days allowed' is 1000000000: type a whole number from 1 to 250"),
    ("B9", 10.0**20, r"Settings!B9 'Working days allowed' is 1e\+20: type a whole number from 1 to 250"),
    ("B9", 45.5, r"Settings!B9 'Working days allowed' is 45\.5: type a whole number from 1 to 250"),
    ("B9", True, r"Settings!B9 'Working days allowed' is True, not a number: type a whole number from 1 to 250"),
    ("B10", 60, r"Settings!B10 'Due soon within \(working days\)' is 60, more than the 45 working days allowed "
     r"\(Settings!B9 'Working days allowed'\): use a whole number from 0 to 45\."),
    ("B4", "2031-09", r"Settings!B4 'Reporting month \(YYYY-MM\)' is 2031-09, long after the extract's date "
     r"\(31/10/2024\): choose a month from 2000-01 to 2025-12"),
    ("B4", "1999-12", r"Settings!B4 'Reporting month \(YYYY-MM\)' '1999-12': 1999-12 is outside the years 2000 to 2099"),
    ("B11", "FRA", r"Settings!B11 'Bank holidays' is 'FRA': choose one of ENG, WLS, SCT, NIR"),
    ("B15", "x" * 2000, r"Settings!B15 'Protective marking' is 'x+'\.\.\. \(2000 characters\): type a short line"),
]  # fmt: skip


@pytest.mark.parametrize(
    "cell, value, message", BAD_SETTINGS, ids=[f"{c}={str(v)[:12]}" for c, v, _ in BAD_SETTINGS]
)
def test_a_bad_setting_is_exit_2_naming_the_cell_and_changes_nothing(
    tmp_path: Path, cell: str, value: object, message: str
) -> None:
    path = demo_workbook(tmp_path)
    edit(path, **{cell: value})
    before = folder_state(tmp_path)
    refused(xladdin("refresh", path), "^xladdin: " + message)
    assert folder_state(tmp_path) == before


def test_a_month_flag_long_after_the_extract_is_refused(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    before = folder_state(tmp_path)
    refused(
        xladdin("refresh", path, "--month", "2030-01"), r"--month is 2030-01, long after the extract's date"
    )
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize(
    "command", [["workdays", "01/09/2024", "02/10/2024"], ["timeliness", "x.csv", "--month", "2024-09"]]
)
@pytest.mark.parametrize("days", ["100000000000000000000", "0", "1000000000", "45.5", "-3"])
def test_days_on_the_command_line_is_bounded(command: list[str], days: str) -> None:
    done = xladdin(*command, "--days", days)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"argument --days: '{days}' is not a whole number of working days from 1 to 250" in done.stderr


def test_a_settings_name_pointing_at_ref_is_refused_not_replaced_by_the_default(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B5"].value = 80
    wb.defined_names["set_target"].attr_text = "#REF!"  # what Excel leaves when the row is deleted
    wb.save(path)
    before = folder_state(tmp_path)
    refused(
        xladdin("refresh", path),
        r"name set_target \(the setting 'Target \(%\)'\) points nowhere \(#REF!\).*Name Manager",
    )
    assert folder_state(tmp_path) == before


# --- not a performance workbook, or not one any more ------------------------------------------


def broken_workbook(tmp_path: Path, how: str) -> Path:
    if how == "plain xlsx":
        path = tmp_path / "plain.xlsx"
        wb = openpyxl.Workbook()
        wb.active["A1"].value = "my own list"
        wb.save(path)
        return path
    path = demo_workbook(tmp_path)
    if how == "Team table deleted":
        wb = openpyxl.load_workbook(path)
        del wb["Team table"]
        wb.save(path)
    elif how == "area name broken":
        wb = openpyxl.load_workbook(path)
        wb.defined_names["xl_team_table"].attr_text = "'Team table'!#REF!"
        wb.save(path)
    elif how == "corrupt":
        path.write_bytes(path.read_bytes()[:5000])  # cut short, as a failed copy leaves it
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "folder":
        path.unlink()
        path.mkdir()
    elif how == "missing":
        path.unlink()
    return path


BROKEN = {
    "plain xlsx": r"plain\.xlsx is not a performance workbook \(it has no Settings sheet.*new-workbook PATH",
    "Team table deleted": r"performance\.xlsx has no sheet called 'Team table', where refresh writes its tables",
    "area name broken": r"the name xl_team_table .* points nowhere \('Team table'!#REF!\).*'Team table'!\$A\$4",
    "corrupt": r"performance\.xlsx is not a readable Excel workbook \(BadZipFile: .*\.bak\.xlsx backup",
    "empty": r"performance\.xlsx is not a readable Excel workbook",
    "folder": r"performance\.xlsx is a folder, not a workbook: give the path of the \.xlsx or \.xlsm file",
    "missing": r"performance\.xlsx does not exist: create it with `xladdin new-workbook",
}


@pytest.mark.parametrize("how", list(BROKEN))
def test_what_is_not_a_performance_workbook_is_refused_by_name(tmp_path: Path, how: str) -> None:
    path = broken_workbook(tmp_path, how)
    before = folder_state(tmp_path)
    refused(xladdin("refresh", path, "--assessments", tmp_path / "list4_assessments.csv"), BROKEN[how])
    assert folder_state(tmp_path) == before


# --- read-only folder, full disk ---------------------------------------------------------------


def test_a_workbook_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    path = demo_workbook(folder)
    before = folder_state(folder)
    with read_only(folder):
        done = xladdin("refresh", path)
    refused(
        done,
        # The file itself on a read-only mount; the folder alone under chmod (not root).
        r"(performance\.xlsx cannot be written \(Read-only file system: .*copy it to a folder you may write to"
        r"|Cannot write in the folder of performance\.xlsx \(.*Permission denied\)).*Nothing was changed",
    )
    assert folder_state(folder) == before


@pytest.mark.slow
def test_disk_full_while_writing_leaves_the_workbook_and_no_temporary_file(tmp_path: Path) -> None:
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    path = demo_workbook(extracts)
    with small_disk(tmp_path / "disk", 192) as disk:
        shutil.copy(path, disk / path.name)
        edit(disk / path.name, B12=str(extracts / "list4_assessments.csv"), B13=None, B14=None)
        fill(disk, leave=8192)  # room for the lock test's empty file, not for a new workbook
        before = folder_state(disk)
        done = xladdin("refresh", disk / path.name)
        refused(done, r"Could not write performance\.xlsx in .*No space left on device.*unchanged")
        assert folder_state(disk) == before and not temp_files(disk)


@pytest.mark.slow
def test_disk_full_while_keeping_the_backup_leaves_the_workbook_and_no_temporary_file(tmp_path: Path) -> None:
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    path = demo_workbook(extracts)
    edit(path, B12=str(extracts / "list4_assessments.csv"), B13=None, B14=None)
    probe = tmp_path / "probe"
    probe.mkdir()
    shutil.copy(path, probe / path.name)
    assert xladdin("refresh", probe / path.name).returncode == 0
    new_size = (probe / path.name).stat().st_size
    with small_disk(tmp_path / "disk", 256) as disk:
        shutil.copy(path, disk / path.name)
        # Room for the new file (rounded up to pages, plus one), not for the backup beside it as well.
        fill(disk, leave=(new_size // 4096 + 2) * 4096)
        before = folder_state(disk)
        done = xladdin("refresh", disk / path.name)
        refused(
            done,
            r"Could not keep the previous version of performance\.xlsx as performance\.bak\.xlsx "
            r"\(No space left on device\).*The workbook is unchanged",
        )
        assert folder_state(disk) == before and not temp_files(disk)


def test_a_backup_that_cannot_be_replaced_stops_the_refresh(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    (tmp_path / "performance.bak.xlsx").mkdir()  # something in the way of the backup
    before = folder_state(tmp_path)
    refused(
        xladdin("refresh", path),
        r"Could not keep the previous version of performance\.xlsx as performance\.bak\.xlsx",
    )
    assert folder_state(tmp_path) == before


# --- permissions, owner, symbolic links --------------------------------------------------------


def test_permissions_and_owner_are_kept(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    os.chmod(path, 0o664)
    if os.geteuid() == 0:
        os.chown(path, 1234, 1234)
    assert xladdin("refresh", path).returncode == 0
    for kept in (path, tmp_path / "performance.bak.xlsx"):
        st = kept.stat()
        assert oct(st.st_mode & 0o777) == "0o664", kept
        if os.geteuid() == 0:
            assert (st.st_uid, st.st_gid) == (1234, 1234), kept


def test_a_symbolic_link_is_followed_and_kept(tmp_path: Path) -> None:
    real = demo_workbook(tmp_path)
    desk = tmp_path / "desktop"
    desk.mkdir()
    link = desk / "My performance.xlsx"
    link.symlink_to(real)
    old = real.read_bytes()
    done = xladdin("refresh", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() != old and (tmp_path / "performance.bak.xlsx").read_bytes() == old
    assert sorted(p.name for p in desk.iterdir()) == ["My performance.xlsx"]
    from xladdin.workbook.book import read_area

    assert read_area(openpyxl.load_workbook(link), "xl_team_table")[-1][1:3] == [150, 114]


# --- kills in the middle of a refresh, and what they leave ------------------------------------

#: The CLI, with the write of the new workbook's temporary file slowed down: the temporary file is
#: there (complete) while the process sleeps, so a signal can be sent at exactly that moment.
SLOW_SAVE = """
import sys, time
from xladdin.workbook import safe_save
write = safe_save._write
def slow(tmp, data):
    write(tmp, data)
    if ".performance.xlsx.xladdin-" in tmp.name:
        time.sleep(120)
safe_save._write = slow
from xladdin.cli import main
sys.exit(main(sys.argv[1:]))
"""


def stopped_while_saving(path: Path, sig: signal.Signals) -> subprocess.CompletedProcess:
    """Run a refresh and send ``sig`` while its new workbook waits in the temporary file."""
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_SAVE, "refresh", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not [p for p in path.parent.glob(".performance.xlsx.xladdin-*.tmp") if p.stat().st_size]:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.slow
def test_a_kill_while_saving_leaves_the_workbook_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    old = path.read_bytes()
    done = stopped_while_saving(path, signal.SIGKILL)
    assert done.returncode == -signal.SIGKILL
    assert path.read_bytes() == old  # the workbook as it was: the kill came before the rename
    left = temp_files(tmp_path)
    assert len(left) == 1 and left[0].startswith(".performance.xlsx.xladdin-")
    done = xladdin("refresh", path)
    assert done.returncode == 0, done.stderr
    assert temp_files(tmp_path) == []  # the dead run's file is gone, and this run left none
    assert openpyxl.load_workbook(path)["Team table"]["B28"].value == 150


@pytest.mark.slow
def test_sigterm_or_ctrl_c_while_saving_removes_the_temporary_file_at_once(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    before = folder_state(tmp_path)
    done = stopped_while_saving(path, signal.SIGTERM)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "xladdin: stopped before it finished; no file was changed."
    assert folder_state(tmp_path) == before


@pytest.mark.slow
def test_random_kills_never_leave_a_broken_workbook(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    start = time.monotonic()
    assert xladdin("refresh", path).returncode == 0
    took = time.monotonic() - start
    for delay in (0.2, 0.5, 0.8, 0.9, 1.0):  # fractions of a refresh
        proc = subprocess.Popen(
            [sys.executable, "-m", "xladdin.cli", "refresh", str(path)], stderr=subprocess.PIPE
        )
        time.sleep(took * delay)
        proc.kill()
        proc.communicate()
        wb = openpyxl.load_workbook(path)  # always a whole workbook: the old one or the new one
        assert wb["Team table"]["B28"].value == 150
    assert xladdin("refresh", path).returncode == 0
    assert temp_files(tmp_path) == []


def test_stale_temporary_files_of_ours_are_removed_and_nothing_else(tmp_path: Path) -> None:
    from xladdin.workbook.safe_save import _host

    path = demo_workbook(tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    hour_ago = time.time() - 7200
    names = {
        f".performance.xlsx.xladdin-{_host()}-{dead.pid}-abcd1234.tmp": "removed",  # its run is dead
        f".performance.bak.xlsx.xladdin-{_host()}-{dead.pid}-abcd1234.tmp": "removed",
        f".performance.xlsx.xladdin-{_host()}-{os.getpid()}-abcd1234.tmp": "kept",  # still running
        ".performance.xlsx.xladdin-otherpc-123-abcd1234.tmp": "kept",  # another computer, recent
        ".performance.xlsx.xladdin-otherpc-124-abcd1234.tmp": "old",  # another computer, an hour old
        ".performance.k3j4h5g6.xlsx.tmp": "old",  # an older xladdin's name
        "performance.bak.xlsx.tmp": "old",
        ".other.xlsx.xladdin-otherpc-125-abcd1234.tmp": "old but not this workbook's",
        "notes.tmp": "old but not ours",
    }
    for name, what in names.items():
        (tmp_path / name).write_bytes(b"partial")
        if what.startswith("old"):
            os.utime(tmp_path / name, (hour_ago, hour_ago))
    assert xladdin("refresh", path).returncode == 0
    left = set(temp_files(tmp_path))
    assert left == {n for n, what in names.items() if what == "kept" or "but" in what}


# --- the officer's own objects -----------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
def test_text_boxes_shapes_sparklines_and_excel_2010_rules_survive_refresh(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    decorate(path)
    objects = officer_objects(path)
    assert len(objects["text boxes"]) == 3 and objects["sparklines"] and objects["data bar link"] == 2
    assert objects["linked rule"] == [b"dataBar"]  # the 2007 rule that names its 2010 half
    assert objects["note"] == "Check this against the LCS report" and objects["pictures"] == [(40, 20)]
    assert objects["drop-downs"] == [('"Yes,No"', "E2:E9")] and objects["rules"] == ["cellIs", "dataBar"]
    for _ in range(2):  # twice: nothing is lost, nothing doubles
        done = xladdin("refresh", path)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        assert officer_objects(path) == objects
    wb = openpyxl.load_workbook(path)
    assert wb["Team table"]["B28"].value == 150 and wb["My notes"]["A1"].value == "Things to chase"
    ids = re.findall(rb'cNvPr id="(\d+)"', read_parts(path)["xl/drawings/drawing1.xml"])
    assert len(ids) == len(set(ids)) == 2  # the chart and the text box on Trend: distinct ids


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_reads_the_carried_objects(tmp_path: Path) -> None:
    path = demo_workbook(tmp_path)
    decorate(path)
    assert xladdin("refresh", path).returncode == 0
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "ods", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    content = zipfile.ZipFile(out / "performance.ods").read("content.xml").decode()
    shapes = re.findall(r"<draw:custom-shape.*?</draw:custom-shape>", content, re.S)
    texts = {t for s in shapes for t in re.findall(r">([^<>]+)</text:span>", s)}
    assert texts == {
        "Ask Jigsaw 2 about the late ones",
        "Dip in August: two staff on leave",
        "Draft: check with the head of service",
    }
    assert sum("right-arrow" in s or "rightArrow" in s for s in shapes) == 1
    assert content.count("<calcext:sparkline-group ") == 1
    # The data bar kept its Excel 2010 half: red negative bars, the axis in the middle.
    assert re.search(
        r'<calcext:data-bar[^>]*calcext:negative-color="#ff0000"[^>]*axis-position="middle"', content
    )


def add_threaded_comment(parts: dict[str, bytes]) -> None:
    """A threaded comment (Excel 365's "New Comment") on My notes!B2 (MS-XLSX 2.3.50 threadedComments)."""
    part = sheet_part(parts, "My notes")
    name = "xl/threadedComments/threadedComment1.xml"
    parts[name] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        b'<threadedComment ref="B2" dT="2024-10-03T09:12:44.51" personId="{6E3F2F8B-0C7B-4E5A-9C3D-1A2B3C4D5E6F}" '
        b'id="{0B9D8E5C-1111-4A2B-8C3D-00000000000A}"><text>Is this the right figure?</text></threadedComment>'
        b"</ThreadedComments>"
    )
    add_override(parts, name, "application/vnd.ms-excel.threadedcomments+xml")
    add_rel(parts, part, "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
            "../threadedComments/threadedComment1.xml")  # fmt: skip


def add_form_button(parts: dict[str, bytes]) -> None:
    """A form-control button (Developer > Insert > Button), kept by Excel in a VML drawing."""
    part = sheet_part(parts, "My notes")
    name = "xl/drawings/vmlDrawing9.vml"
    parts[name] = (
        b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        b'xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" type="#_x0000_t201" '
        b'style="position:absolute;width:72pt;height:24pt"><v:textbox><div>Run my macro</div></v:textbox>'
        b'<x:ClientData ObjectType="Button"><x:Anchor>3, 0, 1, 0, 4, 0, 2, 0</x:Anchor>'
        b"<x:FmlaMacro>[0]!MyMacro</x:FmlaMacro></x:ClientData></v:shape></xml>"
    )
    if b'Extension="vml"' not in parts["[Content_Types].xml"]:
        add_override(parts, name, "application/vnd.openxmlformats-officedocument.vmlDrawing")
    rid = add_rel(parts, part, f"{R}/vmlDrawing", "../drawings/vmlDrawing9.vml")
    tag = f'<legacyDrawing xmlns:r="{R}" r:id="{rid}"/>'.encode()
    parts[part] = insert_in_sheet(parts[part], tag, before=(b"tableParts", b"extLst"))


def picture_filled_shape(shape_id: int) -> str:
    """A rectangle filled with a picture: it names the picture part, so it cannot be copied alone."""
    return text_box(shape_id, "logo", 20).replace(
        '<a:solidFill><a:schemeClr val="lt1"/></a:solidFill>',
        f'<a:blipFill><a:blip xmlns:r="{R}" r:embed="rId7"/><a:stretch><a:fillRect/></a:stretch></a:blipFill>',
        1,
    )


def add_connection(parts: dict[str, bytes]) -> None:
    """A Power Query connection: a part of the whole workbook (xl/connections.xml)."""
    parts["xl/connections.xml"] = (
        f'<connections xmlns="{MAIN}"><connection id="1" name="Query - LCS export" type="5" refreshedVersion="6" '
        'background="1"><dbPr connection="Provider=Microsoft.Mashup.OleDb.1;Data Source=$Workbook$;" '
        'command="SELECT * FROM [LCS export]"/></connection></connections>'
    ).encode()
    add_override(
        parts,
        "xl/connections.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml",
    )
    add_rel(parts, "xl/workbook.xml", f"{R}/connections", "connections.xml")


NOT_CARRIED = {
    "threaded comment": (add_threaded_comment, r"sheet 'My notes': 1 threaded comment"),
    "form button": (add_form_button, r"sheet 'My notes': 1 form control"),
    "picture-filled shape": (
        lambda parts: add_drawing_objects(parts, "My notes", [picture_filled_shape(4)]),
        r"sheet 'My notes': 1 text box",
    ),
    "Power Query connection": (add_connection, r"the workbook: 1 set of data connections \(Power Query"),
}


@pytest.mark.parametrize("what", list(NOT_CARRIED))
def test_what_cannot_be_carried_over_stops_the_refresh_before_writing(tmp_path: Path, what: str) -> None:
    path = demo_workbook(tmp_path)
    decorate(path)  # ...and the objects that are carried do not hide the one that is not
    add, message = NOT_CARRIED[what]
    parts = read_parts(path)
    add(parts)
    write_parts(path, parts)
    before = folder_state(tmp_path)
    err = refused(
        xladdin("refresh", path),
        r"performance\.xlsx was not changed: saving it from here would lose what xladdin cannot carry over \(",
        message,
        r"Refresh it from the Performance tab in Excel instead",
    )
    assert "text boxes" not in err and "sparkline" not in err  # those were carried
    assert folder_state(tmp_path) == before


def test_a_workbook_excel_saved_passes_the_check_unchanged() -> None:
    """No false alarm from what Excel itself writes (mc:Ignorable, x14ac, xr:uid, the workbook's
    extLst...): a workbook saved by Excel (xlwings' quickstart, Excel 16) round-trips clean."""
    import io

    import xlwings

    from xladdin.workbook.keep import carry_over, check_nothing_lost, inventory
    from xladdin.workbook.package import read_parts as parts_of

    excel_made = Path(xlwings.__file__).parent / "quickstart.xlsm"
    original = parts_of(excel_made.read_bytes())
    assert b"mc:Ignorable" in original["xl/worksheets/sheet1.xml"]  # it is what Excel writes
    buffer = io.BytesIO()
    openpyxl.load_workbook(excel_made, keep_vba=True).save(buffer)
    result = carry_over(original, parts_of(buffer.getvalue()))
    check_nothing_lost(original, result, excel_made.name)
    assert inventory(result) == inventory(original)


def test_a_write_refused_part_way_leaves_the_workbook_and_no_temporary_file(tmp_path: Path) -> None:
    """Where no small disk can be mounted: a file-size limit (RLIMIT_FSIZE) makes the write of the new
    workbook fail part way with EFBIG, as a full disk fails it with ENOSPC."""
    resource = pytest.importorskip("resource")
    path = demo_workbook(tmp_path)
    before = folder_state(tmp_path)
    limit = path.stat().st_size // 2  # the old workbook is read whole; the new one cannot be written

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "xladdin.cli", "refresh", str(path)],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=300,
    )
    # openpyxl writes each sheet to the temporary folder first: that write, or ours, is refused.
    refused(done, r"Could not write performance\.xlsx .*\(File too large.*The workbook is unchanged")
    assert folder_state(tmp_path) == before


# --- a new workbook where it cannot be made ------------------------------------------------------


def test_new_workbook_over_a_folder_or_in_a_read_only_folder(tmp_path: Path) -> None:
    (tmp_path / "perf.xlsx").mkdir()
    refused(
        xladdin("new-workbook", tmp_path / "perf.xlsx", "--force"), r"perf\.xlsx is a folder, not a workbook"
    )
    refused(xladdin("new-workbook", tmp_path / "perf"), r"perf: a workbook's name ends in \.xlsx")
    share = tmp_path / "share"
    share.mkdir()
    with read_only(share):
        done = xladdin("new-workbook", share / "new.xlsx")
    refused(done, r"Cannot write in the folder of new\.xlsx \(.*(Read-only file system|Permission denied)\)")
    assert list(share.iterdir()) == []


def test_an_unreadable_workbook_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the officer (not root: root reads any file), chmod 000; as root, the read is made to fail."""
    from xladdin.errors import WorkbookError
    from xladdin.workbook.refresh import refresh

    path = demo_workbook(tmp_path)
    before = folder_state(tmp_path)
    if os.geteuid() != 0:
        os.chmod(path, 0)
        refused(
            xladdin("refresh", path),
            r"performance\.xlsx cannot be read \(Permission denied\): check you may open it",
        )
        os.chmod(path, 0o644)
    else:
        real = Path.read_bytes

        def denied(self: Path) -> bytes:
            if self.name == "performance.xlsx":
                raise PermissionError(13, "Permission denied")
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", denied)
        with pytest.raises(WorkbookError, match=r"^performance\.xlsx cannot be read \(Permission denied\)"):
            refresh(path)
        monkeypatch.undo()
    assert folder_state(tmp_path) == before


def test_what_is_already_there_is_not_added_twice(tmp_path: Path) -> None:
    """Should openpyxl one day keep shapes or sparklines itself, carrying them over adds nothing."""
    from xladdin.workbook.keep import carry_over

    path = demo_workbook(tmp_path)
    decorate(path)
    parts = read_parts(path)
    assert carry_over(parts, parts) == parts


def test_the_spotlight_keeps_them_too(tmp_path: Path) -> None:
    """Build spotlight saves the same workbook: the officer's objects are carried over there as well,
    while the Spotlight sheet itself is xladdin's (rebuilt each time, its logo not counted as lost)."""
    path = demo_workbook(tmp_path)
    decorate(path)
    objects = officer_objects(path)
    assert xladdin("refresh", path).returncode == 0
    for _ in range(2):
        done = xladdin("spotlight", path)
        assert done.returncode == 0, done.stderr
        assert officer_objects(path) == objects
