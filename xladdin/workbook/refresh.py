"""The performance workbook: create it, and refresh its generated areas from the extracts.

The convention that causes mistakes: refresh owns only the generated areas
(the defined names ``xl_*`` listed in ``areas.AREAS``). Every other cell
(Settings values, Commentary, closure days, any sheet or cell the officer
adds) is read, never written, so it survives a refresh unchanged. The file is
replaced only when a complete new file has been written (``safe_save.py``): a
bad extract, a locked file or any other exception leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from xladdin.core.calendar import get_calendar, parse_closure_lines
from xladdin.errors import DateError, WorkbookError
from xladdin.workbook import areas, styles
from xladdin.workbook.areas import AREAS, CLOSURES_NAME, COMMENTARY, Table
from xladdin.workbook.package import keep_ribbon
from xladdin.workbook.safe_save import check_not_open, save_atomically
from xladdin.workbook.settings import SETTING_ROWS, Settings, read_settings

SHEETS = (
    "Settings",
    "Team table",
    "Trend",
    "Open assessments",
    "Data quality",
    "Re-referrals",
    "Commentary",
    "Holidays",
    "About",
)

TITLES = {
    "Team table": "Assessment timeliness by team",
    "Trend": "Assessment timeliness: the last 13 months against the target",
    "Open assessments": "Open assessments: overdue, and due soon. INTERNAL: child-level, never share",
    "Data quality": "Data quality: every flagged row and why it is kept out of the figures",
    "Re-referrals": "Re-referrals within 12 months, by team",
    "Commentary": "Commentary: your text for each section of the spotlight",
    "Holidays": "Holidays: the bank holidays in use, and your local closure days",
    "About": "About this workbook",
}

WIDTHS = {
    "Settings": [34, 44, 90],
    "Team table": [32, 14, 12, 10, 9, 18, 12, 22],
    "Trend": [12, 12, 10, 10, 10],
    "Open assessments": [16, 28, 22, 12, 12, 12, 12, 11],
    "Data quality": [28, 8, 36, 24, 60, 10],
    "Re-referrals": [32, 22, 13, 14, 3, 3, 40, 10, 10, 10],
    "Commentary": [30, 100, 60],
    "Holidays": [14, 40, 3, 14, 40],
    "About": [20, 40, 8, 12, 66, 60],
}


@dataclass
class RefreshResult:
    """What a refresh did: the file, its backup, the month and the rows written per area."""

    path: Path
    backup: Path | None
    month: str
    rows: dict[str, int] = field(default_factory=dict)
    extracts: dict[str, Path] = field(default_factory=dict)
    summary: str = ""


# --------------------------------------------------------------------------- areas


def _anchor(area: areas.Area) -> tuple[int, int]:
    col, row = coordinate_from_string(area.anchor)
    return row, column_index_from_string(col)


def _define(wb: Any, name: str, sheet: str, ref: str) -> None:
    quoted = "'" + sheet.replace("'", "''") + "'"
    if name in wb.defined_names:
        del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quoted}!{ref}")


def write_area(wb: Any, name: str, table: Table) -> int:
    """Clear the area's previous block, write ``table`` at its anchor, point the name at it.

    Returns the number of data rows written.
    """
    area = AREAS[name]
    ws = wb[area.sheet]
    dn = wb.defined_names.get(name)
    if dn is not None:
        for sheet, ref in dn.destinations:
            if sheet == area.sheet:
                min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
                for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
                    for cell in row:
                        cell.value = None
    r0, c0 = _anchor(area)
    values = table.values()
    put = styles.put
    formats = area.formats
    for i, row in enumerate(values):
        r = r0 + i
        for j, value in enumerate(row):
            cell = ws.cell(row=r, column=c0 + j)
            put(cell, value)
            if i and j in formats and cell.number_format != formats[j]:
                cell.number_format = formats[j]
    _define(wb, name, area.sheet, areas.area_ref(name, len(values)))
    return len(table.rows)


def read_area(wb: Any, name: str) -> list[list[Any]]:
    """The values of a generated area (header first), through its defined name; [] if absent."""
    dn = wb.defined_names.get(name)
    if dn is None:
        return []
    for sheet, ref in dn.destinations:
        if sheet in wb.sheetnames:
            ws = wb[sheet]
            min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
            return [
                list(r)
                for r in ws.iter_rows(
                    min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col, values_only=True
                )
            ]
    return []


# --------------------------------------------------------------------------- create


def _title(ws: Any, text: str) -> None:
    ws["A1"].value = text
    ws["A1"].font = styles.TITLE_FONT
    ws.sheet_view.showGridLines = ws.title in ("Data quality", "Open assessments")


def _header_style(ws: Any, row: int, first: int, width: int) -> None:
    for c in range(first, first + width):
        cell = ws.cell(row=row, column=c)
        cell.font = styles.HEADER_FONT
        cell.fill = styles.HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(ws: Any) -> None:
    for i, w in enumerate(WIDTHS.get(ws.title, []), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def create_workbook(path: Path | str, settings: Settings | dict[str, Any] | None = None) -> Path:
    """Write a new, empty performance workbook (no data until the first refresh).

    Args:
        path: where to write it (``.xlsx``); an existing file is kept as ``NAME.bak.xlsx``.
        settings: starting values for the Settings sheet (a Settings or a dict of
            its fields, e.g. ``{"month": "2024-09", "assessments": "list4.csv"}``).

    Returns:
        The path written.
    """
    path = Path(path)
    if isinstance(settings, dict) or settings is None:
        settings = Settings().with_values(settings or {}, source="create_workbook settings")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEETS[0]
    for name in SHEETS[1:]:
        wb.create_sheet(name)
    _settings_sheet(wb, wb["Settings"], settings)
    for name in SHEETS[1:]:
        _title(wb[name], TITLES[name])
        _widths(wb[name])
    _team_sheet(wb)
    _trend_sheet(wb)
    _commentary_sheet(wb)
    _holidays_sheet(wb)
    ws = wb["Re-referrals"]
    ws["A3"].value = (
        "The denominator is referrals in the month, not children: a child referred twice "
        "counts twice. A re-referral is a referral within 12 months of the child's previous one."
    )
    ws["A3"].font = styles.NOTE_FONT
    ws["G4"].value = "Re-referrals audit summary"
    ws["G4"].font = styles.BOLD_FONT
    wb["Open assessments"][
        "A2"
    ].value = "Child-level list for managers. It is never included in the leadership export."
    wb["Open assessments"]["A2"].font = styles.WARN_FONT
    wb["Data quality"][
        "A2"
    ].value = "Rows listed here are not counted in any figure until fixed in the source system."
    wb["Data quality"]["A2"].font = styles.NOTE_FONT
    wb["About"]["A13"].value = "Extract files used"
    wb["About"]["A13"].font = styles.BOLD_FONT
    for name in AREAS:
        area = AREAS[name]
        if name not in ("xl_team_title", "xl_summary_suggestion"):
            r0, c0 = _anchor(area)
            _header_style(wb[area.sheet], r0, c0, area.width)
        header = areas.HEADERS.get(name)
        if name == "xl_team_table":
            header = areas.team_header(settings.counting)
        write_area(wb, name, Table(header or [""], []))
    for ws in wb.worksheets:
        _print_setup(ws, settings)
    wb["Team table"].freeze_panes = "B5"
    wb["Open assessments"].freeze_panes = "A5"
    wb["Data quality"].freeze_panes = "A5"
    save_atomically(wb, path)
    return path


def _print_setup(ws: Any, settings: Settings) -> None:
    """A4 landscape, fitted to the page width, with the marking in the header: internal sheets print too."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.left.text = settings.marking.replace("&", "&&")
    ws.oddHeader.left.font = "Calibri,Bold"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Page &P of &N"
    if ws.title in ("Open assessments", "Data quality"):
        ws.oddHeader.right.text = "INTERNAL: child-level data"
        ws.print_title_rows = "4:4"


def _settings_sheet(wb: Any, ws: Any, settings: Settings) -> None:
    _title(ws, "Settings")
    ws["A2"].value = "Yellow cells are yours: refresh reads them and never changes them."
    ws["A2"].font = styles.NOTE_FONT
    for col, text in enumerate(("Setting", "Value", "Notes"), start=1):
        ws.cell(row=3, column=col).value = text
    _header_style(ws, 3, 1, 3)
    _widths(ws)
    for i, row in enumerate(SETTING_ROWS, start=4):
        ws.cell(row=i, column=1, value=row.label).font = styles.BOLD_FONT
        value = getattr(settings, row.key)
        cell = ws.cell(row=i, column=2)
        styles.put(cell, value if value != "" else None)
        cell.fill = styles.INPUT_FILL
        cell.font = styles.BODY_FONT
        cell.border = styles.BOX
        if row.key == "month":
            cell.number_format = "@"  # keep "2024-09" as text: Excel would make it a date
        ws.cell(row=i, column=3, value=row.help).font = styles.NOTE_FONT
        _define(wb, "set_" + row.key, ws.title, f"$B${i}")
        if row.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(row.choices) + '"', allow_blank=True)
            dv.error = f"Choose one of {', '.join(row.choices)}."
            ws.add_data_validation(dv)
            dv.add(cell)


def _team_sheet(wb: Any) -> None:
    ws = wb["Team table"]
    ws["A2"].font = styles.SUBTITLE_FONT
    area = AREAS["xl_team_table"]
    r0, _ = _anchor(area)
    first, last = r0 + 1, r0 + 400
    # RAG fills live in the workbook (conditional formats), so any writer of values gets them.
    for colour, fill in styles.RAG_FILLS.items():
        fill_ = PatternFill(start_color=fill, end_color=fill, fill_type="solid")
        font_ = styles.font(color=styles.RAG_TEXT[colour])
        ws.conditional_formatting.add(
            f"D{first}:E{last}", FormulaRule(formula=[f'$E{first}="{colour}"'], fill=fill_, font=font_)
        )
    ws.conditional_formatting.add(
        f"A{first}:H{last}", FormulaRule(formula=[f'$A{first}="Total"'], font=styles.font(bold=True))
    )
    ws["A3"].value = (
        "RAG: green at or above the target; amber within the amber margin below it; red below. "
        "Change since last month is in percentage points."
    )
    ws["A3"].font = styles.NOTE_FONT


def _trend_sheet(wb: Any) -> None:
    ws = wb["Trend"]
    r0, _ = _anchor(AREAS["xl_trend"])
    n = areas.TREND_MONTHS
    chart = LineChart()
    chart.title = "Assessments completed within 45 working days"
    chart.y_axis.title = "% in time"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.number_format = "mmm yy"
    chart.height, chart.width = 8, 18
    data = Reference(ws, min_col=4, max_col=5, min_row=r0, max_row=r0 + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=r0 + 1, max_row=r0 + n))
    chart.series[0].graphicalProperties.line.solidFill = "1F4E79"
    chart.series[0].graphicalProperties.line.width = 28575
    chart.series[1].graphicalProperties.line.solidFill = "C00000"
    chart.series[1].graphicalProperties.line.dashStyle = "dash"
    for series in chart.series:
        series.smooth = False  # openpyxl's default is a smoothed line, which invents values between months
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    ws.add_chart(chart, "G4")


def _commentary_sheet(wb: Any) -> None:
    ws = wb["Commentary"]
    ws["A2"].value = (
        "Write in the yellow cells (Alt+Enter starts a new paragraph). Refresh never changes them; "
        "the spotlight prints them."
    )
    ws["A2"].font = styles.NOTE_FONT
    for col, text in enumerate(("Section", "Your text", "Suggested by xladdin at refresh"), start=1):
        ws.cell(row=3, column=col).value = text
    _header_style(ws, 3, 1, 3)
    for i, (name, label) in enumerate(COMMENTARY.items(), start=4):
        ws.cell(row=i, column=1, value=label).font = styles.BOLD_FONT
        ws.cell(row=i, column=1).alignment = styles.WRAP
        cell = ws.cell(row=i, column=2)
        cell.fill = styles.INPUT_FILL
        cell.alignment = styles.WRAP
        cell.font = styles.BODY_FONT
        cell.border = styles.BOX
        ws.row_dimensions[i].height = 90
        _define(wb, name, ws.title, f"$B${i}")
    ws["C4"].alignment = styles.WRAP
    ws["C4"].font = styles.NOTE_FONT


def _holidays_sheet(wb: Any) -> None:
    ws = wb["Holidays"]
    ws["A3"].value = "Bank holidays in use (refresh writes these)"
    ws["A3"].font = styles.BOLD_FONT
    ws["D3"].value = "Local closure days: add your own (dd/mm/yyyy)"
    ws["D3"].font = styles.BOLD_FONT
    ws["D4"].value, ws["E4"].value = "Date", "Description"
    _header_style(ws, 4, 4, 2)
    sheet, anchor = areas.CLOSURES_ANCHOR
    r0 = int(anchor[1:])
    for r in range(r0, r0 + areas.CLOSURES_ROWS):
        ws.cell(row=r, column=4).number_format = areas.DATE
        ws.cell(row=r, column=4).fill = styles.INPUT_FILL
        ws.cell(row=r, column=5).fill = styles.INPUT_FILL
    _define(wb, CLOSURES_NAME, sheet, f"$D${r0}:$E${r0 + areas.CLOSURES_ROWS - 1}")


# --------------------------------------------------------------------------- refresh


def read_closures(wb: Any) -> list[dt.date]:
    """The local closure days the officer typed on the Holidays sheet (first column of ``closures``).

    Raises:
        WorkbookError: naming the cell whose value is not a date.
    """
    dn = wb.defined_names.get(CLOSURES_NAME)
    if dn is None:
        return []
    out: list[dt.date] = []
    for sheet, ref in dn.destinations:
        if sheet not in wb.sheetnames:
            continue
        min_col, min_row, _, max_row = range_boundaries(ref.replace("$", ""))
        for (cell,) in wb[sheet].iter_rows(
            min_row=min_row, max_row=max_row, min_col=min_col, max_col=min_col
        ):
            out.extend(closure_day(cell.value, f"{sheet} sheet, cell {cell.coordinate}"))
    return out


def closure_day(value: Any, where: str) -> list[dt.date]:
    """One closure-day cell as ``[date]``, or ``[]`` if blank (shared with the live-Excel reader).

    Raises:
        WorkbookError: naming ``where`` (e.g. "Holidays sheet, cell D7") when it is not a date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, dt.datetime):
        return [value.date()]
    if isinstance(value, dt.date):
        return [value]
    try:
        return parse_closure_lines([str(value)], "closure day")
    except DateError:
        raise WorkbookError(
            f"{where}: {value!r} is not a date. "
            "Type local closure days as dd/mm/yyyy, one per row, or clear the cell."
        ) from None


def _resolve(value: str | Path | None, base: Path) -> Path | None:
    if value is None or str(value).strip() == "":
        return None
    p = Path(str(value).strip()).expanduser()
    return p if p.is_absolute() else (base / p)


def load(path: Path) -> Any:
    """Open a performance workbook with openpyxl (VBA kept for .xlsm), naming the file on failure."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"{path} does not exist: create it with `xladdin demo` or create_workbook().")
    try:
        return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", rich_text=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors...
        raise WorkbookError(
            f"{path.name} is not a readable Excel workbook ({exc}): "
            "use the .bak.xlsx backup beside it, or create a new one."
        ) from exc


def refresh(
    path: Path | str,
    *,
    assessments: Path | str | None = None,
    referrals: Path | str | None = None,
    audit: Path | str | None = None,
    month: str | None = None,
    progress: Callable[[str], None] | None = None,
    after_save: Callable[[Path], None] | None = None,
    refreshed_at: dt.datetime | None = None,
) -> RefreshResult:
    """Read the extracts and rewrite the workbook's generated areas, keeping the officer's work.

    The extracts come from Settings unless given here (for this run only;
    Settings is not changed). Relative paths in Settings are relative to the
    workbook's folder. The month is ``month``, else Settings, else the month
    before the assessments extract date.

    Raises:
        WorkbookError, ExtractError, XladdinError: nothing was written.
    """
    path = Path(path)
    say = progress or (lambda _msg: None)
    check_not_open(path)
    wb = load(path)
    tables, the_month, chosen = prepare_tables(
        read_settings(wb),
        read_closures(wb),
        path.parent,
        assessments=assessments,
        referrals=referrals,
        audit=audit,
        month=month,
        progress=progress,
        refreshed_at=refreshed_at,
        name=path.name,
    )
    say("Writing the workbook")
    rows = {name: write_area(wb, name, table) for name, table in tables.items()}
    backup = save_atomically(wb, path, after_save=after_save or keep_ribbon(path))
    say("Done")
    return RefreshResult(
        path=path,
        backup=backup,
        month=the_month,
        rows=rows,
        extracts=chosen,
        summary=tables["xl_summary_suggestion"].header[0],
    )


def prepare_tables(
    settings: Settings,
    closures: list[dt.date],
    base_dir: Path,
    *,
    assessments: Path | str | None = None,
    referrals: Path | str | None = None,
    audit: Path | str | None = None,
    month: str | None = None,
    progress: Callable[[str], None] | None = None,
    refreshed_at: dt.datetime | None = None,
    name: str = "The workbook",
) -> tuple[dict[str, Table], str, dict[str, Path]]:
    """Choose the extracts and the month, read the extracts and build every generated table.

    Shared by the headless refresh (openpyxl, the file) and the live-Excel one
    (``xladdin.excel.live``, the open workbook); neither writes anything here.
    Extracts given as arguments win over Settings (relative to the current
    folder); Settings paths are relative to ``base_dir`` (the workbook's folder).

    Returns:
        ``(tables, month, extracts)``: tables by defined name, ``"YYYY-MM"``, and the paths read.

    Raises:
        WorkbookError, ExtractError, XladdinError: ``name`` is used in the messages.
    """
    from xladdin import extracts as xio  # imported here: the extract readers are heavy-ish

    say = progress or (lambda _msg: None)
    chosen = {
        "assessments": _resolve(assessments, Path.cwd()) or _resolve(settings.assessments, base_dir),
        "referrals": _resolve(referrals, Path.cwd()) or _resolve(settings.referrals, base_dir),
        "audit": _resolve(audit, Path.cwd()) or _resolve(settings.audit, base_dir),
    }
    if chosen["assessments"] is None:
        raise WorkbookError(
            f"{name}: no assessments extract. Type its path in Settings ('Assessments extract') "
            "or give --assessments PATH."
        )
    calendar = get_calendar(settings.region, closures)
    say(f"Reading {chosen['assessments'].name}")
    a = xio.read_assessments(chosen["assessments"])
    r = au = None
    if chosen["referrals"] is not None:
        say(f"Reading {chosen['referrals'].name}")
        r = xio.read_referrals(chosen["referrals"])
    if chosen["audit"] is not None:
        say(f"Reading {chosen['audit'].name}")
        au = xio.read_audit(chosen["audit"])
    if month:
        the_month = Settings().with_values({"month": month}, source="--month").month
    elif settings.month:
        the_month = settings.month
    else:
        the_month = str(pd.Period(a.extract_date, freq="M") - 1)
    say("Calculating")
    tables = areas.build_tables(
        assessments=a,
        referrals=r,
        audit=au,
        settings=settings,
        month=the_month,
        calendar=calendar,
        refreshed_at=refreshed_at,
    )
    return tables, the_month, {k: v for k, v in chosen.items() if v is not None}
