"""A new performance workbook: its sheets, Settings with their defaults, and the generated areas' names.

The convention that causes mistakes: every generated area is a defined name
(``xl_*``, see :mod:`xladdin.workbook.areas`) and every setting a ``set_*``
 name, so refresh and the spotlight find them wherever an officer moves them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xladdin.core.month import Month
from xladdin.workbook import areas, styles
from xladdin.workbook.areas import AREAS, CLOSURES_NAME, COMMENTARY, Table
from xladdin.workbook.book import anchor, define_name, write_area
from xladdin.workbook.safe_save import save_atomically
from xladdin.workbook.settings import COMPARATOR_KEYS, COMPARATOR_WHO, SETTING_ROWS, Settings

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
    "Completed assessments",
    "Referrals in month",
)
#: Child-level lists behind the figures: internal, never exported, kept out of print.
DETAIL_SHEETS = ("Completed assessments", "Referrals in month")


TITLES = {
    "Team table": "Assessment timeliness by team",
    "Trend": "Assessment timeliness by month (13 months, or from the first month with data) against the target",
    "Open assessments": "Open assessments at the extract date, by team and deadline: overdue, due this month, "
    "later. INTERNAL: child-level, never share",
    "Data quality": "Data quality: every flagged row and why it is kept out of the figures",
    "Re-referrals": "Re-referrals within 12 months, by team",
    "Commentary": "Commentary: your text for each section of the spotlight",
    "Holidays": "Holidays: the bank holidays in use, and your local closure days",
    "About": "About this workbook",
    "Completed assessments": "The month's completed assessments: the rows behind the team table. "
    "INTERNAL: child-level, never share",
    "Referrals in month": "The month's referrals: the rows behind the re-referral rate. "
    "INTERNAL: child-level, never share",
}


WIDTHS = {
    "Settings": [34, 44, 90, 14],
    "Team table": [32, 14, 12, 10, 9, 18, 12, 22, 3, 44, 13, 11, 10, 13, 10, 12, 12],
    "Trend": [12, 12, 10, 10, 10],
    "Open assessments": [16, 28, 22, 12, 12, 12, 12, 15],
    "Data quality": [28, 8, 36, 24, 60, 10],
    "Re-referrals": [32, 22, 13, 14, 3, 3, 40, 10, 10, 10],
    "Commentary": [30, 100, 60],
    "Holidays": [14, 40, 3, 14, 40],
    "About": [20, 40, 8, 12, 66, 60],
    "Completed assessments": [16, 28, 22, 12, 12, 12, 12, 12, 9, 14, 12],
    "Referrals in month": [16, 28, 12, 11, 11, 14, 18, 12, 12, 10],
}


def _title(ws: Any, text: str) -> None:
    ws["A1"].value = text
    ws["A1"].font = styles.TITLE_FONT
    ws.sheet_view.showGridLines = ws.title in ("Data quality", "Open assessments", *DETAIL_SHEETS)


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
    _projection_beside(wb)
    _open_sheet(wb)
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
    for name in DETAIL_SHEETS:
        detail_sheet(wb[name])
    for name in AREAS:
        area = AREAS[name]
        if name not in (
            "xl_team_title",
            "xl_summary_suggestion",
            "xl_rereferral_note",
            "xl_quality_note",
            "xl_projection_title",
        ):
            r0, c0 = anchor(area)
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
    if ws.title in DETAIL_SHEETS:  # thousands of child-level rows: printed only on purpose
        ws.oddHeader.right.text = "INTERNAL: child-level data"
        ws.print_area = "A1:K3"


def detail_sheet(ws: Any) -> None:
    """Notes and frozen header of a child-level list sheet (its area is written by refresh)."""
    ws["A2"].value = (
        "Each team's figure is a count of these rows (filter the Team column, or use COUNTIFS). "
        "Never included in the leadership export."
    )
    ws["A2"].font = styles.WARN_FONT
    ws["A3"].value = "Not printed with the workbook: to print some rows, select them and use Print Selection."
    ws["A3"].font = styles.NOTE_FONT
    ws.freeze_panes = "A5"


def add_detail_sheets(wb: Any, settings: Settings) -> list[str]:
    """Add the child-level list sheets to a workbook made before they existed; returns their names."""
    added = [name for name in DETAIL_SHEETS if name not in wb.sheetnames]
    for name in added:
        ws = wb.create_sheet(name)
        _title(ws, TITLES[name])
        _widths(ws)
        detail_sheet(ws)
        _print_setup(ws, settings)
        for area_name, area in AREAS.items():
            if area.sheet == name:
                r0, c0 = anchor(area)
                _header_style(ws, r0, c0, area.width)
                write_area(wb, area_name, Table(areas.HEADERS[area_name], []))
    return added


def _settings_sheet(wb: Any, ws: Any, settings: Settings) -> None:
    _title(ws, "Settings")
    ws["A2"].value = "Yellow cells are yours: refresh reads them and never changes them."
    ws["A2"].font = styles.NOTE_FONT
    for col, text in enumerate(("Setting", "Value", "Notes"), start=1):
        ws.cell(row=3, column=col).value = text
    _header_style(ws, 3, 1, 3)
    _widths(ws)
    plain = [row for row in SETTING_ROWS if row.key not in COMPARATOR_KEYS]  # comparators: a block below
    for i, row in enumerate(plain, start=4):
        ws.cell(row=i, column=1, value=row.label).font = styles.BOLD_FONT
        value = getattr(settings, row.key)
        cell = ws.cell(row=i, column=2)
        styles.put(cell, None if value in ("", None) else str(value) if isinstance(value, Month) else value)
        cell.fill = styles.INPUT_FILL
        cell.font = styles.BODY_FONT
        cell.border = styles.BOX
        if row.key == "month":
            cell.number_format = "@"  # keep "2024-09" as text: Excel would make it a date
        ws.cell(row=i, column=3, value=row.help).font = styles.NOTE_FONT
        define_name(wb, "set_" + row.key, ws.title, f"$B${i}")
        dv = _validation(row)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(cell)
    _comparator_block(wb, ws, settings, 4 + len(plain) + 1)


def _comparator_block(wb: Any, ws: Any, settings: Settings, first: int) -> None:
    """The comparators, a small block under the settings: a row per figure with its rate, source and year.

    Each cell is a setting of its own (``set_timeliness_england``, ``..._year``, ``..._source``).
    """
    ws.cell(
        row=first, column=1, value="Comparators: published figures to compare with"
    ).font = styles.BOLD_FONT
    note = ws.cell(row=first + 1, column=1, value=COMPARATOR_NOTE)
    note.font, note.alignment = styles.NOTE_FONT, styles.WRAP
    ws.merge_cells(start_row=first + 1, start_column=1, end_row=first + 1, end_column=4)
    ws.row_dimensions[first + 1].height = 30
    for col, text in enumerate(("Comparator", "Value (%)", "Source", "Year"), start=1):
        ws.cell(row=first + 2, column=col).value = text
    _header_style(ws, first + 2, 1, 4)
    r = first + 3
    for measure, heading in COMPARATOR_HEADINGS.items():
        ws.cell(row=r, column=1, value=heading).font = styles.BOLD_FONT
        r += 1
        for who, name in COMPARATOR_WHO.items():
            key = f"{measure}_{who}"
            ws.cell(row=r, column=1, value=name).font = styles.BODY_FONT
            ws.cell(row=r, column=1).alignment = Alignment(indent=1)
            for col, part in ((2, ""), (3, "_source"), (4, "_year")):
                cell = ws.cell(row=r, column=col)
                styles.put(cell, getattr(settings, key + part))
                cell.fill, cell.font, cell.border = styles.INPUT_FILL, styles.BODY_FONT, styles.BOX
                cell.number_format = "0.0" if col == 2 else "@"  # "@": Excel keeps 2023-24 as text
                define_name(wb, f"set_{key}{part}", ws.title, f"${get_column_letter(col)}${r}")
                short = name.replace("Statistical", "stat.")  # Excel's titles hold 32 characters
                title = f"{'Timeliness' if measure == 'timeliness' else 'Re-referrals'}: {short}"
                dv = _comparator_validation(col, title)
                ws.add_data_validation(dv)
                dv.add(cell)
            r += 1


#: The comparators' headings on the Settings sheet, and what the officer reads above them.
COMPARATOR_HEADINGS = {
    "timeliness": "Assessments completed within 45 working days (%)",
    "rereferral": "Re-referrals within 12 months (% of referrals)",
}
COMPARATOR_NOTE = (
    "Type them from DfE's 'Characteristics of children in need' (by local authority), published once a "
    "year; statistical neighbours: the average of DfE's ten nearest authorities to yours. Nothing is "
    "fetched. The spotlight shows those you fill in, labelled with their year; blank ones are left out."
)


def _comparator_validation(col: int, title: str) -> DataValidation:
    """A rate from 0 to 100 (refused otherwise); for the source and year, a prompt only."""
    if col == 2:
        allowed = "Type the published rate, from 0 to 100 (or leave it blank: not shown)."
        dv = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        )
        dv.showErrorMessage, dv.errorStyle, dv.errorTitle, dv.error = True, "stop", title[:32], allowed
    else:
        allowed = (
            "Where it was published, e.g. DfE Characteristics of children in need 2024."
            if col == 3
            else "The year the figure is for, e.g. 2024 or 2023-24 (the chart labels the line with it)."
        )
        dv = DataValidation(allow_blank=True)
    dv.showInputMessage, dv.promptTitle, dv.prompt = True, title[:32], allowed
    return dv


#: Number settings that Excel checks as they are typed: (kind, least, most), as settings._check
#: and WORKDAYSDUE accept them (a target typed as 81% is stored as 0.81, inside 0-100).
NUMBER_LIMITS = {
    "target": ("decimal", 0, 100),
    "amber_margin": ("decimal", 0, 100),
    "days": ("whole", 0, 1000),
    "due_within": ("whole", 0, 1000),
}


def _validation(row: Any) -> DataValidation | None:
    """Excel's check of a typed setting, with the message that says what is allowed.

    openpyxl leaves ``showErrorMessage`` off, and then Excel accepts any value
    silently; here it is on, with the stop style (the value is refused).
    """
    if row.choices:
        allowed = f"Choose one of {', '.join(row.choices)} (or leave it blank for the default)."
        dv = DataValidation(type="list", formula1='"' + ",".join(row.choices) + '"', allow_blank=True)
    elif row.key in NUMBER_LIMITS:
        kind, least, most = NUMBER_LIMITS[row.key]
        number = "a whole number" if kind == "whole" else "a number"
        allowed = f"Type {number} from {least} to {most} (or leave it blank for the default)."
        dv = DataValidation(
            type=kind, operator="between", formula1=str(least), formula2=str(most), allow_blank=True
        )
    else:
        return None
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = row.label[:32]  # Excel's limit for the title
    dv.error = allowed
    dv.showInputMessage = True
    dv.promptTitle = row.label[:32]
    dv.prompt = allowed
    return dv


def _team_sheet(wb: Any) -> None:
    ws = wb["Team table"]
    ws["A2"].font = styles.SUBTITLE_FONT
    area = AREAS["xl_team_table"]
    r0, _ = anchor(area)
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
    r0, _ = anchor(AREAS["xl_trend"])
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
        define_name(wb, name, ws.title, f"$B${i}")
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
    define_name(wb, CLOSURES_NAME, sheet, f"$D${r0}:$E${r0 + areas.CLOSURES_ROWS - 1}")


def _projection_beside(wb: Any) -> None:
    """The month-end projection beside the team table: a bold Total row, and a label over its teams."""
    ws = wb["Team table"]
    r0, _ = anchor(AREAS["xl_projection_teams"])
    ws.cell(row=r0 - 1, column=10, value="Month-end projection by team").font = styles.BOLD_FONT
    ws.conditional_formatting.add(
        f"J{r0 + 1}:Q{r0 + 400}", FormulaRule(formula=[f'$J{r0 + 1}="Total"'], font=styles.font(bold=True))
    )
    ws["J2"].font = styles.SUBTITLE_FONT
    ws.row_dimensions[r0].height = 30  # its header wraps ("If overdue ones too")


def _open_sheet(wb: Any) -> None:
    """Overdue in red and due this month in amber (status and days left); days left in bold when due
    within Settings' "Due soon within" working days."""
    ws = wb["Open assessments"]
    r0, _ = anchor(AREAS["xl_open"])
    ws.row_dimensions[r0].height = 30  # its header wraps ("Working days elapsed")
    first, last = r0 + 1, r0 + 5000
    for status, colour in (("overdue", "red"), ("due this month", "amber")):
        fill = PatternFill(
            start_color=styles.RAG_FILLS[colour], end_color=styles.RAG_FILLS[colour], fill_type="solid"
        )
        ws.conditional_formatting.add(
            f"G{first}:H{last}",
            FormulaRule(
                formula=[f'$H{first}="{status}"'], fill=fill, font=styles.font(color=styles.RAG_TEXT[colour])
            ),
        )
    ws.conditional_formatting.add(
        f"G{first}:G{last}",
        FormulaRule(
            formula=[f"AND(ISNUMBER($G{first}),$G{first}>=0,$G{first}<=set_due_within)"],
            font=styles.font(bold=True),
        ),
    )
