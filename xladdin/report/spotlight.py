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

import re
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from xladdin.core.month import Month
from xladdin.errors import WorkbookError
from xladdin.report.charts import bar_chart, trend_chart
from xladdin.report.layout import (
    COLS,
    Page,
    banner,
    define,
    heading,
    page_setup,
    paragraphs,
    put,
    reserve,
    table,
)
from xladdin.report.template import Look, copy_images, load_look
from xladdin.workbook import areas
from xladdin.workbook.book import load, read_area, read_workbook
from xladdin.workbook.keep import keep_officers_work
from xladdin.workbook.package import keep_ribbon
from xladdin.workbook.safe_save import save_atomically
from xladdin.workbook.settings import Settings, named_cell, read_settings

SHEET = "Spotlight"
TITLE = "Performance Spotlight Report"
#: Names (on the Spotlight sheet) of the tables the export may suppress, and their columns:
#: count columns, then (rate column, count columns it is built on).
SUPPRESSIBLE: dict[str, dict[str, Any]] = {
    "spot_team_table": {"counts": (1, 2, 5), "rates": {3: (1, 2), 4: (1, 2), 6: (1, 5), 7: (1, 2)}},
    "spot_trend": {"counts": (1, 2), "rates": {3: (1, 2)}},
    "spot_audit": {"counts": (1, 2), "rates": {3: (1, 2)}},
}


@dataclass
class SpotlightData:
    """Everything the spotlight shows, read from a refreshed workbook."""

    month: Month
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


def read_spotlight_data(wb: Any, month: Month | None = None) -> SpotlightData:
    """The spotlight's inputs from an openpyxl workbook.

    Raises:
        WorkbookError: the workbook was never refreshed, or for another month.
    """
    about = {r[0]: r[1] for r in read_area(wb, "xl_about")[1:] if r and r[0]}
    if not about.get("Reporting month"):
        raise WorkbookError("The workbook has not been refreshed yet: run `xladdin refresh WORKBOOK` first.")
    refreshed = Month.parse(about["Reporting month"], where="About sheet, 'Reporting month'")
    if month is not None and month != refreshed:
        raise WorkbookError(
            f"The workbook was refreshed for {refreshed.name}, not "
            f"{month.name}: run `xladdin refresh WORKBOOK --month {month}` first."
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


def _pct_text(value: Any) -> str:
    return "" if value is None or isinstance(value, str) else f"{value:.1%}"


@dataclass
class _Sheet:
    """What every section writes with: the workbook, the sheet, the page accounting and the data."""

    wb: Any
    ws: Any
    page: Page
    data: SpotlightData
    look: Look
    month: str  # "September 2024"

    @property
    def s(self) -> Settings:
        return self.data.settings

    @property
    def team_rows(self) -> list[list[Any]]:
        return self.data.team[1:]


def render(wb: Any, data: SpotlightData, look: Look) -> Any:
    """Replace the workbook's Spotlight sheet with a new one built from ``data``; return it.

    The cover comes first; each section in :data:`SECTIONS` then starts on a new
    page, and the contents give the page it starts on.
    """
    ws = _new_sheet(wb, look)
    sheet = _Sheet(wb, ws, Page(ws, look), data, look, data.month.name)
    contents_rows = _cover(sheet)
    starts: dict[str, int] = {}
    for key, write in SECTIONS:
        sheet.page.new_page()
        starts[key] = sheet.page.page
        heading(sheet.page, _section_title(key, sheet.month))
        write(sheet)
    for key, r in contents_rows.items():
        ws.cell(row=r, column=COLS).value = starts[key]
    copy_images(look, ws)
    page_setup(
        ws,
        look,
        sheet.page.row - 1,
        marking=data.settings.marking,
        council=look.text("council"),
        month=sheet.month,
        title=TITLE,
    )
    return ws


def _new_sheet(wb: Any, look: Look) -> Any:
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
    return ws


def _section_title(key: str, month: str) -> str:
    return SECTION_TITLES[key].format(month=month)


def _cover(sheet: _Sheet) -> dict[str, int]:
    """Page 1: banner, title, month, summary, at a glance, contents; returns each contents row."""
    page, look, data, s = sheet.page, sheet.look, sheet.data, sheet.s
    banner(page, look)
    page.gap(40)
    page.text(TITLE, "title", pad=12)
    page.text(look.text("subtitle") or "Re-referrals & Assessment Timeliness", "subtitle", pad=6)
    page.text(sheet.month, "month", pad=6)
    page.gap(24)
    page.text(data.summary, "summary", pad=22)
    page.gap(16)
    _at_a_glance(page, data, sheet.team_rows)
    page.gap(20)
    page.text("Contents", "heading", pad=10)
    contents_rows = {}
    for key, _write in SECTIONS:
        r = page.row
        page.text(_section_title(key, sheet.month), "contents", last=COLS - 1, pad=8)
        contents_rows[key] = r
        look.apply(sheet.ws.cell(row=r, column=COLS), "contents")
        sheet.ws.cell(row=r, column=COLS).alignment = Alignment(horizontal="right", vertical="top")
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
    return contents_rows


def _audit_section(sheet: _Sheet) -> None:
    page, data = sheet.page, sheet.data
    rr_total = data.rereferrals[-1] if len(data.rereferrals) > 1 else None
    if rr_total:
        page.text(
            f"In {sheet.month}, {rr_total[2]} of {rr_total[1]} referrals ({_pct_text(rr_total[3])}) were "
            "re-referrals within 12 months of a previous referral. The denominator is referrals, "
            "not children.",
            "body",
        )
        page.gap(6)
    if len(data.audit) > 1:
        first, last = table(
            page,
            ["Audit finding", "Count", "Base", "%"],
            data.audit[1:],
            {1: "0", 2: "0", 3: "0%"},
            total_last=False,
        )
        define(sheet.wb, "spot_audit", sheet.ws, first, last, 4)
        page.gap(10)
    paragraphs(
        page, data.commentary.get("com_audit", ""), "[Write the audit summary on the Commentary sheet.]"
    )


def _action_plan_section(sheet: _Sheet) -> None:
    paragraphs(
        sheet.page,
        sheet.data.commentary.get("com_action_plan", ""),
        "[Write the action plan on the Commentary sheet.]",
    )


def _assessment_section(sheet: _Sheet) -> None:
    """The team table for the month (RAG, the other counting beside it when it differs) and its note."""
    page, data, s = sheet.page, sheet.data, sheet.s
    page.text(
        f"Statutory assessments of families open to children's services are expected to be completed "
        f"within {s.days} working days. This measure is reported monthly and is comparable nationally "
        f"and with statistical neighbours. Our target is {s.target:g}%.",
        "body",
    )
    page.gap(6)
    page.text(data.summary, "summary", pad=14)
    page.gap(10)
    team_rows = sheet.team_rows
    total = team_rows[-1] if team_rows else None
    differs = total is not None and total[2] != total[5]
    other_name = "Legacy" if s.counting == "corrected" else "Corrected"
    header, rows, fmts = _team_table(team_rows, differs, other_name)
    first, last = table(page, header, rows, fmts, rag_col=4, pct_col=3)
    define(sheet.wb, "spot_team_table", sheet.ws, first, last, COLS)
    page.gap(6)
    page.text(_team_note(s, sheet.month, total, differs, other_name), "note")


def _team_table(
    team_rows: list[list[Any]], differs: bool, other_name: str
) -> tuple[list[str], list[list[Any]], dict[int, str]]:
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
    return header, rows, fmts


def _team_note(s: Settings, month: str, total: list[Any] | None, differs: bool, other_name: str) -> str:
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
    return note


def _bar_section(sheet: _Sheet) -> None:
    """% in time by team: a bar chart over the team table's cells (written in the previous section)."""
    page, s, team_rows = sheet.page, sheet.s, sheet.team_rows
    n_teams = max(len(team_rows) - 1, 0)
    bar_cm = max(7.0, min(19.0, 2.0 + 0.62 * n_teams))
    anchor_row = page.row
    reserve(page, bar_cm)
    if n_teams:
        team_first = _first_row(sheet.wb, "spot_team_table")
        sheet.ws.add_chart(
            bar_chart(
                sheet.ws,
                sheet.look,
                team_first,
                team_first + n_teams - 1,
                team_rows[:-1],
                s,
                sheet.month,
                bar_cm,
            ),
            f"A{anchor_row}",
        )
    page.text(
        f"Bars show each team's % completed within {s.days} working days ({s.counting} counting), "
        "coloured by RAG against the target. Small teams swing widely: see the counts in the table.",
        "note",
    )


def _first_row(wb: Any, name: str) -> int:
    """The first row of a spotlight table's defined name (``'Spotlight'!$A$12:$H$35`` -> 12)."""
    ref = wb.defined_names[name].attr_text.split("!")[1]
    found = re.match(r"\$?[A-Z]+\$?(\d+)", ref)
    if found is None:  # pragma: no cover - the name was written a few lines above
        raise WorkbookError(f"The spotlight's name {name} points at {ref!r}, not a cell range.")
    return int(found.group(1))


def _trend_section(sheet: _Sheet) -> None:
    page, ws = sheet.page, sheet.ws
    trend_rows = sheet.data.trend[1:]
    trend_anchor = page.row
    reserve(page, 9.0)
    page.gap(8)
    first, last = table(
        page,
        ["Month", "Completed", "In time", "% in time", "Target"],
        trend_rows,
        {0: "mmm yyyy", 1: "0", 2: "0", 3: "0.0%", 4: "0%"},
        total_last=False,
    )
    for r in range(first, last + 1):
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="left", vertical="center")
    define(sheet.wb, "spot_trend", ws, first, last, 5)
    ws.add_chart(trend_chart(ws, sheet.look, first, last, sheet.s), f"A{trend_anchor}")


def _commentary_section(sheet: _Sheet) -> None:
    paragraphs(
        sheet.page,
        sheet.data.commentary.get("com_assessment", ""),
        "[Write the assessment commentary and remedial action on the Commentary sheet.]",
    )


#: Section titles as the contents and headings show them ({month}: "September 2024").
SECTION_TITLES = {
    "audit": "Re-referrals audit summary",
    "action_plan": "Re-referrals action plan",
    "assessments": "Assessment data for {month}",
    "by_team": "Assessment timeliness by team",
    "trend": "Assessment timeliness over the last 13 months",
    "commentary": "Assessment commentary and remedial action",
}

#: The sections after the cover, in order, each on a new page.
SECTIONS: tuple[tuple[str, Callable[[_Sheet], None]], ...] = (
    ("audit", _audit_section),
    ("action_plan", _action_plan_section),
    ("assessments", _assessment_section),
    ("by_team", _bar_section),
    ("trend", _trend_section),
    ("commentary", _commentary_section),
)


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
        put(ws.cell(row=r, column=j), text or None)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    ws.cell(row=r, column=1).alignment = Alignment(horizontal="left", vertical="center", indent=1)
    page.set_height(22)
    for label, now, before, target, rag in rows:
        r = page.row
        values = [label, None, None, None, now, before, target, rag.capitalize() or None]
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=j)
            look.apply(cell, "table_body")
            put(cell, value)
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


def write_spotlight(
    workbook_path: Path | str, *, month: Month | str | None = None, template: Path | str | None = None
) -> Path:
    """Write (or rewrite) the formatted Spotlight sheet into a refreshed performance workbook.

    Args:
        workbook_path: the performance workbook (.xlsx; .xlsm keeps its VBA).
        month: must be the refreshed month (default: it is).
        template: the look (default ``templates/spotlight.xlsx``).

    Returns:
        The workbook path. The previous version is kept as ``NAME.bak.xlsx``.

    Raises:
        WorkbookError: not refreshed, refreshed for another month, template unusable, file open.
    """
    path = Path(workbook_path)
    original = read_workbook(path)
    wb = load(path, original)
    data = read_spotlight_data(wb, None if month is None else Month.parse(month, where="month"))
    look = load_look(template)
    render(wb, data, look)
    keep = keep_officers_work(original, path.name, then=keep_ribbon(path), rebuilt=(SHEET,))
    save_atomically(wb, path, after_save=keep)
    return path
