"""The formatted "Spotlight" sheet: the seed report's structure, from the refreshed workbook.

Conventions that cause mistakes:

* The spotlight is built from the *workbook* (its generated areas, Settings
  and Commentary), never from the extracts, so it shows exactly what the
  officer refreshed and reviewed, whether the areas were written headless or
  by the live-Excel path. Its month is the month of the last refresh.
* It is values only (no formulas), so the leadership export is a copy of it.
* Each section starts on a new page; the contents page numbers come from the
  same row heights that are written, with A4 fitted to the page width.
* The officer's own summary sentence (Commentary) wins over the generated one.

Sections, as in the seed: title and month, contents, re-referrals audit
summary, re-referrals action plan, assessment data for the month (team table
with RAG fills, target, legacy and corrected totals), charts (by team, and
the trend against the target), assessment commentary and remedial action.
"""

from __future__ import annotations

import math
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.pagebreak import Break

from xladdin.errors import WorkbookError
from xladdin.report.template import Look, copy_images, load_look
from xladdin.workbook import areas
from xladdin.workbook.package import keep_ribbon
from xladdin.workbook.refresh import load, read_area
from xladdin.workbook.safe_save import save_atomically
from xladdin.workbook.settings import Settings, named_cell, read_settings

SHEET = "Spotlight"
TITLE = "Performance Spotlight Report"
COLS = 8  # A:H
PT_PER_CM = 28.35
#: Names (on the Spotlight sheet) of the tables the export may suppress, and their columns:
#: count columns, then (rate column, count columns it is built on).
SUPPRESSIBLE = {
    "spot_team_table": {"counts": (1, 2, 5), "rates": {3: (1, 2), 4: (1, 2), 6: (1, 5), 7: (1, 2)}},
    "spot_trend": {"counts": (1, 2), "rates": {3: (1, 2)}},
    "spot_audit": {"counts": (1, 2), "rates": {3: (1, 2)}},
}


@dataclass
class SpotlightData:
    """Everything the spotlight shows, read from a refreshed workbook."""

    month: str
    settings: Settings
    team: list[list[Any]]  # header + rows (xl_team_table)
    trend: list[list[Any]]
    rereferrals: list[list[Any]]
    audit: list[list[Any]]
    commentary: dict[str, str]
    suggestion: str
    about: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """The officer's summary sentence if written, else xladdin's suggestion."""
        return self.commentary.get("com_summary") or self.suggestion


def read_spotlight_data(wb: Any, month: str | None = None) -> SpotlightData:
    """The spotlight's inputs from an openpyxl workbook.

    Raises:
        WorkbookError: the workbook was never refreshed, or for another month.
    """
    about = {r[0]: r[1] for r in read_area(wb, "xl_about")[1:] if r and r[0]}
    refreshed = about.get("Reporting month")
    if not refreshed:
        raise WorkbookError("The workbook has not been refreshed yet: run `xladdin refresh WORKBOOK` first.")
    if month is not None:
        wanted = Settings().with_values({"month": month}, source="--month").month
        if wanted != refreshed:
            raise WorkbookError(
                f"The workbook was refreshed for {areas.month_name(refreshed)}, not "
                f"{areas.month_name(wanted)}: run `xladdin refresh WORKBOOK --month {wanted}` first."
            )
    commentary = {}
    for name in areas.COMMENTARY:
        cell = named_cell(wb, name)
        value = cell.value if cell is not None else None
        commentary[name] = str(value).strip() if value is not None else ""
    suggestion = read_area(wb, "xl_summary_suggestion")
    return SpotlightData(
        month=refreshed,
        settings=read_settings(wb),
        team=read_area(wb, "xl_team_table"),
        trend=read_area(wb, "xl_trend"),
        rereferrals=read_area(wb, "xl_rereferrals"),
        audit=read_area(wb, "xl_audit"),
        commentary=commentary,
        suggestion=str(suggestion[0][0]) if suggestion and suggestion[0][0] else "",
        about=about,
    )


# --------------------------------------------------------------------------- page accounting


class Page:
    """Writes rows top to bottom and keeps count of pages, so the contents can say where sections start."""

    def __init__(self, ws: Any, look: Look) -> None:
        self.ws, self.look = ws, look
        self.row = 1
        px = sum(math.trunc(w * 7 + 5) for w in look.widths)  # Excel: width units -> pixels (Calibri 11)
        self.width_pt = px * 0.75
        m = look.page.page_margins
        printable_w = (8.27 - (m.left or 0.5) - (m.right or 0.5)) * 72
        printable_h = (11.69 - (m.top or 0.75) - (m.bottom or 0.75)) * 72
        self.scale = min(1.0, printable_w / self.width_pt)
        self.capacity = printable_h / self.scale - 30  # less the repeated banner row, with a margin
        self.page = 1
        self.used = 0.0
        self.width_units = sum(look.widths)

    def height(self, points: float) -> None:
        """Account for a row of ``points`` on the current page, turning the page when full."""
        if self.used + points > self.capacity:
            self.page += 1
            self.used = 0.0
        self.used += points

    def new_page(self) -> None:
        self.ws.row_breaks.append(Break(id=self.row - 1))
        self.page += 1
        self.used = 0.0

    def ensure(self, points: float) -> None:
        """Start a new page unless ``points`` fit in what is left (keeps a table together)."""
        if self.used + points > self.capacity and self.used > 0:
            self.new_page()

    def set_height(self, points: float) -> int:
        r = self.row
        self.ws.row_dimensions[r].height = round(points, 1)
        self.height(points)
        self.row += 1
        return r

    def text(self, text: str, key: str, *, first: int = 1, last: int = COLS, pad: float = 6) -> int:
        """A merged, wrapped text row sized to its content."""
        ws = self.ws
        size = self.look.size(key)
        cols = range(first, last + 1)
        units = sum(self.look.widths[c - 1] for c in cols)
        indent = getattr(self.look.styles[key]["alignment"], "indent", 0) or 0
        per_line = max(10, (units - 2 * indent) * 1.15 * 11 / size)
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        cell = ws.cell(row=self.row, column=first)
        sheets_put(cell, text)
        self.look.apply(cell, key)
        al = copy(cell.alignment)
        cell.alignment = Alignment(
            horizontal=al.horizontal, vertical=al.vertical or "top", wrap_text=True, indent=al.indent
        )
        for c in cols:
            if c != first:
                self.look.apply(ws.cell(row=self.row, column=c), key)
        if last > first:
            ws.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)
        return self.set_height(lines * size * 1.32 + pad)

    def gap(self, points: float = 8) -> int:
        return self.set_height(points)


def sheets_put(cell: Any, value: Any) -> None:
    from xladdin.workbook.styles import put

    put(cell, value)


# --------------------------------------------------------------------------- sections


def _paragraphs(page: Page, text: str, placeholder: str) -> None:
    if not text.strip():
        page.text(placeholder, "note")
        return
    lines = [p.strip() for p in text.split("\n")]
    for i, stripped in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not stripped:
            page.gap(6)
        elif stripped[:1] in ("-", "•", "*") and stripped[1:2] == " ":
            page.text("•  " + stripped[2:].strip(), "bullet", pad=3)
        elif stripped.startswith("#") or (
            len(stripped) <= 60 and stripped[-1] not in ".:;,!?" and following[:2] in ("- ", "• ", "* ")
        ):
            # A short line over a list reads as its heading ("Domestic abuse"), as in the seed's action plan.
            page.gap(4)
            page.text(stripped.lstrip("#").strip(), "subheading", pad=4)
        else:
            page.text(stripped, "body")


def _banner(page: Page, look: Look) -> None:
    ws = page.ws
    r = page.row
    left = ws.cell(row=r, column=1)
    sheets_put(left, look.text("council"))
    look.apply(left, "council")
    for c in range(2, 6):
        look.apply(ws.cell(row=r, column=c), "council")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    right = ws.cell(row=r, column=6)
    sheets_put(right, look.text("strapline"))
    look.apply(right, "strapline")
    for c in range(7, COLS + 1):
        look.apply(ws.cell(row=r, column=c), "strapline")
    ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=COLS)
    page.set_height(22)


def _heading(page: Page, text: str) -> int:
    page.gap(6)
    r = page.text(text, "heading", pad=10)
    page.gap(8)
    return r


def _table(
    page: Page,
    header: list[str],
    rows: list[list[Any]],
    formats: dict[int, str],
    *,
    total_last: bool = True,
    rag_col: int | None = None,
    pct_col: int | None = None,
) -> tuple[int, int]:
    """Write a table at column A; return (first data row, last data row)."""
    ws, look = page.ws, page.look
    page.ensure(34 + 17 * len(rows))  # keep the table on one page when it fits on one
    r = page.row
    for j, text in enumerate(header, start=1):
        cell = ws.cell(row=r, column=j)
        sheets_put(cell, text)
        look.apply(cell, "table_header")
    page.set_height(32)
    first = page.row
    for i, row in enumerate(rows):
        r = page.row
        key = "table_total" if total_last and i == len(rows) - 1 else "table_body"
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=j)
            sheets_put(cell, value)
            look.apply(cell, key)
            if (j - 1) in formats:
                cell.number_format = formats[j - 1]
            if j > 1:
                cell.alignment = Alignment(horizontal="right", vertical="center")
        if rag_col is not None:
            rag = str(row[rag_col] or "").lower()
            if rag in ("green", "amber", "red"):
                for col in {rag_col, pct_col} - {None}:
                    cell = ws.cell(row=r, column=col + 1)
                    style = look.styles["rag_" + rag]
                    cell.fill = copy(style["fill"])
                    f = copy(cell.font)
                    f.color = copy(style["font"].color)
                    cell.font = f
                ws.cell(row=r, column=rag_col + 1).value = rag.capitalize()
                ws.cell(row=r, column=rag_col + 1).alignment = Alignment(
                    horizontal="center", vertical="center"
                )
        page.set_height(17)
    return first, page.row - 1


def _define(wb: Any, name: str, ws: Any, first_row: int, last_row: int, width: int) -> None:
    if name in wb.defined_names:
        del wb.defined_names[name]
    ref = f"'{ws.title}'!$A${first_row}:${get_column_letter(width)}${last_row}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _pct_text(value: Any) -> str:
    return "" if value is None or isinstance(value, str) else f"{value:.1%}"


def render(wb: Any, data: SpotlightData, look: Look) -> Any:
    """Replace the workbook's Spotlight sheet with a new one built from ``data``; return it."""
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    for name in list(wb.defined_names):
        if name.startswith("spot_"):
            del wb.defined_names[name]
    ws = wb.create_sheet(SHEET, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    for i, w in enumerate(look.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.sheet_view.showGridLines = False
    s = data.settings
    month = areas.month_name(data.month)
    page = Page(ws, look)
    team_rows = data.team[1:]
    total = team_rows[-1] if team_rows else None
    differs = bool(total) and total[2] != total[5]
    other_name = "Legacy" if s.counting == "corrected" else "Corrected"

    # -- page 1: title, summary, contents
    _banner(page, look)
    page.gap(40)
    page.text(TITLE, "title", pad=12)
    page.text(look.text("subtitle") or "Re-referrals & Assessment Timeliness", "subtitle", pad=6)
    page.text(month, "month", pad=6)
    page.gap(24)
    page.text(data.summary, "summary", pad=22)
    page.gap(16)
    _at_a_glance(page, data, team_rows)
    page.gap(20)
    page.text("Contents", "heading", pad=10)
    contents_rows = {}
    sections = [
        "Re-referrals audit summary",
        "Re-referrals action plan",
        f"Assessment data for {month}",
        "Assessment timeliness by team",
        "Assessment timeliness over the last 13 months",
        "Assessment commentary and remedial action",
    ]
    for title in sections:
        r = page.row
        page.text(title, "contents", last=COLS - 1, pad=8)
        contents_rows[title] = r
        look.apply(ws.cell(row=r, column=COLS), "contents")
        ws.cell(row=r, column=COLS).alignment = Alignment(horizontal="right", vertical="top")
    page.gap(30)
    about = data.about
    page.text(
        f"Figures from the case-management extracts refreshed on {about.get('Refreshed at', '')} "
        f"(xladdin {about.get('xladdin version', '')}). Assessments count in the month they were authorised; "
        f"{s.counting} counting (the start day is day 0), {s.days} working days, England and Wales bank "
        "holidays and local closure days excluded. The re-referral rate's denominator is referrals, "
        "not children.",
        "note",
    )
    starts: dict[str, int] = {}

    # -- re-referrals audit summary
    page.new_page()
    starts[sections[0]] = page.page
    _heading(page, sections[0])
    rr_total = data.rereferrals[-1] if len(data.rereferrals) > 1 else None
    if rr_total:
        page.text(
            f"In {month}, {rr_total[2]} of {rr_total[1]} referrals ({_pct_text(rr_total[3])}) were "
            "re-referrals within 12 months of a previous referral. The denominator is referrals, "
            "not children.",
            "body",
        )
        page.gap(6)
    if len(data.audit) > 1:
        first, last = _table(
            page,
            ["Audit finding", "Count", "Base", "%"],
            data.audit[1:],
            {1: "0", 2: "0", 3: "0%"},
            total_last=False,
        )
        _define(wb, "spot_audit", ws, first, last, 4)
        page.gap(10)
    _paragraphs(
        page, data.commentary.get("com_audit", ""), "[Write the audit summary on the Commentary sheet.]"
    )

    # -- action plan
    page.new_page()
    starts[sections[1]] = page.page
    _heading(page, sections[1])
    _paragraphs(
        page, data.commentary.get("com_action_plan", ""), "[Write the action plan on the Commentary sheet.]"
    )

    # -- assessment data
    page.new_page()
    starts[sections[2]] = page.page
    _heading(page, sections[2])
    page.text(
        f"Statutory assessments of families open to children's services are expected to be completed "
        f"within {s.days} working days. This measure is reported monthly and is comparable nationally "
        f"and with statistical neighbours. Our target is {s.target:g}%.",
        "body",
    )
    page.gap(6)
    page.text(data.summary, "summary", pad=14)
    page.gap(10)
    header = ["Team/Locality", "Denominator", "Numerator", "%", "RAG"]
    rows = [list(r[:5]) for r in team_rows]
    fmts = {1: "0", 2: "0", 3: "0.0%"}
    if differs:
        header += [f"{other_name} numerator", f"{other_name} %"]
        for row, src in zip(rows, team_rows):
            row += [src[5], src[6]]
        fmts.update({5: "0", 6: "0.0%"})
    else:
        header += ["", ""]
        for row in rows:
            row += [None, None]
    header.append("Change since last month")
    for row, src in zip(rows, team_rows):
        row.append(src[7])
    fmts[7] = areas.POINTS
    first, last = _table(page, header, rows, fmts, rag_col=4, pct_col=3)
    _define(wb, "spot_team_table", ws, first, last, COLS)
    team_first = first
    page.gap(6)
    note = (
        f"Target {s.target:g}%. RAG: green at or above the target, amber up to {s.amber_margin:g} points "
        f"below it, red further below. Denominator: assessments authorised in {month}; numerator: those "
        f"completed within {s.days} working days ({s.counting} counting)."
    )
    if differs and total:
        main_pct, other_pct = _pct_text(total[3]), _pct_text(total[6])
        note += (
            f" Total by {s.counting} counting: {total[2]} of {total[1]} ({main_pct}); by "
            f"{other_name.lower()} counting, which counts the start day as day 1 and so calls "
            f"completion on the final day late: {total[5]} of {total[1]} ({other_pct})."
            if s.counting == "corrected"
            else f" Total by legacy counting: {total[2]} of {total[1]} ({main_pct}); by corrected counting "
            f"(start day is day 0): {total[5]} of {total[1]} ({other_pct})."
        )
    page.text(note, "note")

    # -- charts
    page.new_page()
    starts[sections[3]] = page.page
    _heading(page, sections[3])
    n_teams = max(len(team_rows) - 1, 0)
    bar_cm = max(7.0, min(19.0, 2.0 + 0.62 * n_teams))
    anchor_row = page.row
    _reserve(page, bar_cm)
    if n_teams:
        ws.add_chart(
            _bar_chart(ws, look, team_first, team_first + n_teams - 1, team_rows[:-1], s, month, bar_cm),
            f"A{anchor_row}",
        )
    page.text(
        f"Bars show each team's % completed within {s.days} working days ({s.counting} counting), "
        "coloured by RAG against the target. Small teams swing widely: see the counts in the table.",
        "note",
    )

    # -- trend
    page.new_page()
    starts[sections[4]] = page.page
    _heading(page, sections[4])
    trend_rows = data.trend[1:]
    trend_anchor = page.row
    _reserve(page, 9.0)
    page.gap(8)
    first, last = _table(
        page,
        ["Month", "Completed", "In time", "% in time", "Target"],
        trend_rows,
        {0: "mmm yyyy", 1: "0", 2: "0", 3: "0.0%", 4: "0%"},
        total_last=False,
    )
    for r in range(first, last + 1):
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="left", vertical="center")
    _define(wb, "spot_trend", ws, first, last, 5)
    ws.add_chart(_trend_chart(ws, look, first, last, s), f"A{trend_anchor}")

    # -- commentary
    page.new_page()
    starts[sections[5]] = page.page
    _heading(page, sections[5])
    _paragraphs(
        page,
        data.commentary.get("com_assessment", ""),
        "[Write the assessment commentary and remedial action on the Commentary sheet.]",
    )

    for title, r in contents_rows.items():
        ws.cell(row=r, column=COLS).value = starts[title]
    copy_images(look, ws)
    _page_setup(ws, look, data, page.row - 1)
    return ws


def _at_a_glance(page: Page, data: SpotlightData, team_rows: list[list[Any]]) -> None:
    """Headline figures on the cover: this month, last month and the target."""
    s = data.settings
    ws, look = page.ws, page.look
    trend = data.trend[1:]
    last_month = trend[-2] if len(trend) >= 2 else None
    rows: list[tuple[str, Any, Any, Any, str]] = []
    if team_rows:
        total = team_rows[-1]
        rows.append(
            (
                f"Assessments completed within {s.days} working days",
                total[3],
                last_month[3] if last_month else None,
                s.target / 100,
                str(total[4] or ""),
            )
        )
    if len(data.rereferrals) > 1:
        rows.append(
            ("Re-referrals within 12 months (% of referrals)", data.rereferrals[-1][3], None, None, "")
        )
    audits = {str(r[0]).lower(): r for r in data.audit[1:]}
    done = audits.get("audits completed")
    if done:
        rows.append(("Re-referral audits completed", done[3], None, None, ""))
    if not rows:
        return
    header = ["At a glance", "", "", "", "This month", "Last month", "Target", "RAG"]
    r = page.row
    for j, text in enumerate(header, start=1):
        look.apply(ws.cell(row=r, column=j), "table_header")
        sheets_put(ws.cell(row=r, column=j), text or None)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    ws.cell(row=r, column=1).alignment = Alignment(horizontal="left", vertical="center", indent=1)
    page.set_height(22)
    for label, now, before, target, rag in rows:
        r = page.row
        values = [label, None, None, None, now, before, target, rag.capitalize() or None]
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=j)
            look.apply(cell, "table_body")
            sheets_put(cell, value)
            if j >= 5:
                cell.alignment = Alignment(horizontal="center", vertical="center")
            if j in (5, 6):
                cell.number_format = "0.0%"
            if j == 7:
                cell.number_format = "0%"
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        ws.cell(row=r, column=1).alignment = Alignment(vertical="center", indent=1)
        if rag.lower() in ("green", "amber", "red"):
            style = look.styles["rag_" + rag.lower()]
            for j in (5, 8):
                cell = ws.cell(row=r, column=j)
                cell.fill = copy(style["fill"])
                f = copy(cell.font)
                f.color = copy(style["font"].color)
                cell.font = f
        page.set_height(20)


def _reserve(page: Page, cm: float) -> None:
    """Blank rows under a floating chart, so what follows starts below it."""
    need = cm * PT_PER_CM + 4
    page.ensure(need)
    while need > 0:
        h = min(need, 30)
        page.set_height(h)
        need -= h


def _chars(size: float, *, bold: bool = False) -> CharacterProperties:
    # Charts need their font named too, or LibreOffice falls back to a serif face.
    return CharacterProperties(
        sz=int(size * 100), b=bold, latin=DrawingFont(typeface="Calibri"), solidFill="404040"
    )


def _text_props(size: float) -> RichText:
    cp = _chars(size)
    # r=[]: openpyxl otherwise writes an empty run, which a load-and-save turns into the text "None".
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=cp), endParaRPr=cp, r=[])])


def _title(text: str, size: float = 12) -> Title:
    cp = _chars(size, bold=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=cp), r=[RegularTextRun(rPr=cp, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _axis_fonts(chart: Any) -> None:
    chart.x_axis.txPr = _text_props(9)
    chart.y_axis.txPr = _text_props(9)


def _bar_chart(
    ws: Any, look: Look, first: int, last: int, rows: list[list[Any]], s: Settings, month: str, cm: float
) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = _title(f"% completed within {s.days} working days by team, {month} (target {s.target:g}%)")
    _axis_fonts(chart)
    chart.add_data(Reference(ws, min_col=4, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    series = chart.series[0]
    series.graphicalProperties.solidFill = look.colour("chart_bar")
    series.graphicalProperties.line.noFill = True
    for i, row in enumerate(rows):
        rag = str(row[4] or "").lower()
        if rag in ("green", "amber", "red"):
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = look.font_colour("rag_" + rag)
            point.graphicalProperties.line.noFill = True
            series.dPt.append(point)
    chart.dataLabels = DataLabelList(
        showVal=True,
        showSerName=False,
        showCatName=False,
        showLegendKey=False,
        showPercent=False,
        showLeaderLines=False,
    )
    chart.dataLabels.numFmt = "0%"
    chart.dataLabels.txPr = _text_props(8)
    chart.gapWidth = 40
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"  # first team at the top, as in the table
    chart.y_axis.crosses = "max"  # ... which would put the % axis on top; keep it at the bottom
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    chart.width = 19.0
    chart.height = cm
    return chart


def _trend_chart(ws: Any, look: Look, first: int, last: int, s: Settings) -> LineChart:
    chart = LineChart()
    chart.title = _title(f"% completed within {s.days} working days, last 13 months (target {s.target:g}%)")
    _axis_fonts(chart)
    chart.add_data(
        Reference(ws, min_col=4, max_col=5, min_row=first - 1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    line, target = chart.series
    line.graphicalProperties.line.solidFill = look.colour("chart_line")
    line.graphicalProperties.line.width = 31750
    line.marker.symbol = "circle"
    line.marker.size = 6
    line.marker.graphicalProperties.solidFill = look.colour("chart_line")
    line.marker.graphicalProperties.line.solidFill = look.colour("chart_line")
    line.smooth = False
    target.graphicalProperties.line.solidFill = look.colour("chart_target")
    target.graphicalProperties.line.dashStyle = "dash"
    target.graphicalProperties.line.width = 22225
    target.marker.symbol = "none"
    target.smooth = False
    chart.y_axis.scaling.min = 0.5
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    chart.x_axis.number_format = "mmm yy"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = 19.0
    chart.height = 9.0
    return chart


def _page_setup(ws: Any, look: Look, data: SpotlightData, last_row: int) -> None:
    src = look.page
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = src.page_setup.orientation or "portrait"
    ws.page_margins = copy(src.page_margins)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed, the width fitted
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:{get_column_letter(COLS)}{last_row}"
    # In a header or footer "&" starts a code (&P page, &N pages), so a literal "&" is written "&&".
    tokens = {
        k: v.replace("&", "&&")
        for k, v in {
            "{marking}": data.settings.marking,
            "{council}": look.text("council"),
            "{month}": areas.month_name(data.month),
            "{title}": TITLE,
        }.items()
    }
    for name in ("oddHeader", "oddFooter"):
        for part in ("left", "center", "right"):
            s_part = getattr(getattr(src, name), part)
            d_part = getattr(getattr(ws, name), part)
            text = s_part.text
            if text:
                for k, v in tokens.items():
                    text = text.replace(k, v)
            d_part.text = text
            d_part.font, d_part.size, d_part.color = s_part.font, s_part.size, s_part.color


def write_spotlight(
    workbook_path: Path | str, *, month: str | None = None, template: Path | str | None = None
) -> Path:
    """Write (or rewrite) the formatted Spotlight sheet into a refreshed performance workbook.

    Args:
        workbook_path: the performance workbook (.xlsx; .xlsm keeps its VBA).
        month: ``"YYYY-MM"``; must be the refreshed month (default: it is).
        template: the look (default ``templates/spotlight.xlsx``).

    Returns:
        The workbook path. The previous version is kept as ``NAME.bak.xlsx``.

    Raises:
        WorkbookError: not refreshed, refreshed for another month, template unusable, file open.
    """
    path = Path(workbook_path)
    wb = load(path)
    data = read_spotlight_data(wb, month)
    look = load_look(template)
    render(wb, data, look)
    save_atomically(wb, path, after_save=keep_ribbon(path))
    return path
