"""The formatted "Spotlight" sheet: the seed report's structure, from the refreshed workbook.

Conventions that cause mistakes:

* The spotlight is built from the *workbook* (its generated areas, Settings
  and Commentary), never from the extracts, so it shows exactly what the
  officer refreshed and reviewed, whether the areas were written headless or
  by the live-Excel path. Its month is the month of the last refresh.
* It is values only (no formulas). The leadership export builds its own copy
  the same way, with ``export=True``: small numbers suppressed everywhere a
  figure is printed (``figures``), and no placeholder printed where the
  officer has not written a section yet (a commentary-only section is left
  out, contents included).
* Each section starts on a new page; the contents page numbers come from the
  same row heights that are written, with A4 fitted to the page width.
* The officer's own summary sentence (Commentary) wins over the generated one.
* Council name, department, title and subtitle on Settings win over the
  template's text; the template gives everything else (look, logo, page).

Sections, as in the seed: title and month, contents, re-referrals audit
summary, re-referrals action plan, assessment data for the month (team table
with RAG fills, target, legacy and corrected totals), charts (by team, and
the trend against the target), assessment commentary and remedial action.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from xladdin.core.month import Month
from xladdin.errors import WorkbookError
from xladdin.report import figures
from xladdin.report.charts import HELPER, bar_chart, helper_columns, trend_axis_min, trend_chart, trend_span
from xladdin.report.figures import Figures
from xladdin.report.glance import glance_table, write_glance
from xladdin.report.layout import (
    COLS,
    Page,
    banner,
    define,
    heading,
    page_setup,
    paragraphs,
    reader_date,
    reserve,
    table,
    team_table_columns,
    written,
)
from xladdin.report.template import Look, copy_images, load_look, template_path
from xladdin.workbook import areas
from xladdin.workbook.book import load, read_area, read_workbook
from xladdin.workbook.keep import keep_officers_work
from xladdin.workbook.package import keep_ribbon
from xladdin.workbook.safe_save import save_atomically
from xladdin.workbook.settings import Settings, comparators, named_cell, read_settings

SHEET = "Spotlight"
TITLE = "Performance Spotlight Report"
SUBTITLE = "Re-referrals & Assessment Timeliness"
#: The commentary sections the spotlight prints, with what it shows while one is blank.
PLACEHOLDERS = {
    "com_audit": "[Write the audit summary on the Commentary sheet.]",
    "com_action_plan": "[Write the action plan on the Commentary sheet.]",
    "com_assessment": "[Write the assessment commentary and remedial action on the Commentary sheet.]",
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
    projection: list[Any] | None = None  # the month-end projection's Total row, when the refresh made one
    extract_date: Any = None  # of the assessments extract (About sheet, extract files)

    @property
    def summary(self) -> str:
        """The officer's summary sentence if written, else xladdin's suggestion."""
        return written(self.commentary.get("com_summary", "")) or self.suggestion


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
    projected = read_area(wb, "xl_projection_teams")[1:]  # an older workbook has none
    dates = [r[3] for r in read_area(wb, "xl_extracts")[1:] if r and r[0] == "assessments"]
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
        projection=projected[-1] if projected else None,
        extract_date=dates[0] if dates else None,
    )


@dataclass
class _Sheet:
    """What every section writes with: the workbook, the sheet, the page accounting and the data."""

    wb: Any
    ws: Any
    page: Page
    data: SpotlightData
    look: Look
    month: str  # "September 2024"
    figs: Figures
    export: bool
    suppressed: int = 0  # cells shown as "c"

    @property
    def s(self) -> Settings:
        return self.data.settings

    @property
    def team_rows(self) -> list[list[Any]]:
        return self.data.team[1:]

    @property
    def team_total(self) -> list[Any] | None:
        return self.team_rows[-1] if self.team_rows else None

    @property
    def summary(self) -> str:
        """The officer's sentence, else xladdin's (suppressed when it must be)."""
        own = written(self.data.commentary.get("com_summary", ""))
        if own:
            return own
        return figures.summary_sentence(
            self.data.month, self.team_total, self.s, self.figs, self.data.suggestion
        )

    def commentary(self, name: str) -> str:
        """A commentary section as printed: the officer's text (placeholders left out in an export)."""
        text = self.data.commentary.get(name, "")
        return written(text) if self.export else text

    def placeholder(self, name: str) -> str | None:
        """What a blank section shows: the placeholder internally, nothing in an export."""
        return None if self.export else PLACEHOLDERS[name]


@dataclass
class Rendered:
    """The Spotlight sheet written by :func:`render`, and what it left out or suppressed."""

    ws: Any
    suppressed: int  # cells shown as "c"
    left_out: list[str]  # section titles not printed (an export with no text for them)


def render(
    wb: Any, data: SpotlightData, look: Look, *, export: bool = False, suppress: bool = False
) -> Rendered:
    """Replace the workbook's Spotlight sheet with a new one built from ``data``.

    The cover comes first; each section in :data:`SECTIONS` then starts on a new
    page, and the contents give the page it starts on.

    Args:
        export: the leadership copy: a section with nothing but commentary the officer
            has not written is left out (no placeholder is ever printed).
        suppress: small numbers, and every figure built on them, print as "c".
    """
    look = look.with_settings(data.settings)
    ws = _new_sheet(wb, look)
    sheet = _Sheet(wb, ws, Page(ws, look), data, look, data.month.name, Figures(suppress), export)
    sections = [(k, w) for k, w in SECTIONS if not export or _has_content(sheet, k)]
    contents_rows = _cover(sheet, [k for k, _ in sections])
    starts: dict[str, int] = {}
    for key, write in sections:
        sheet.page.new_page()
        starts[key] = sheet.page.page
        heading(sheet.page, _section_title(key, data))
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
        title=look.text("title") or TITLE,
    )
    printed = {k for k, _ in sections}
    left_out = [_section_title(k, data) for k, _ in SECTIONS if k not in printed]
    return Rendered(ws, sheet.suppressed, left_out)


def _has_content(sheet: _Sheet, key: str) -> bool:
    """Whether a section has anything to print besides a placeholder."""
    if key == "audit":
        return (
            len(sheet.data.audit) > 1
            or len(sheet.data.rereferrals) > 1
            or bool(sheet.commentary("com_audit"))
        )
    if key in ("action_plan", "commentary"):
        return bool(sheet.commentary("com_action_plan" if key == "action_plan" else "com_assessment"))
    return True


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


def _section_title(key: str, data: SpotlightData) -> str:
    trend = trend_span([r[0] for r in data.trend[1:]])[0]
    return SECTION_TITLES[key].format(month=data.month.name, trend=trend)


def _cover(sheet: _Sheet, keys: list[str]) -> dict[str, int]:
    """Page 1: banner, title, month, summary, at a glance, contents; returns each contents row."""
    page, look, data, s = sheet.page, sheet.look, sheet.data, sheet.s
    banner(page, look)
    page.gap(40)
    page.text(look.text("title") or TITLE, "title", pad=12)
    page.text(look.text("subtitle") or SUBTITLE, "subtitle", pad=6)
    page.text(sheet.month, "month", pad=6)
    page.gap(24)
    page.text(sheet.summary, "summary", pad=22)
    page.gap(16)
    write_glance(page, glance_table(s, data, sheet.team_total, sheet.figs))
    page.gap(20)
    page.text("Contents", "heading", pad=10)
    contents_rows = {}
    for key in keys:
        r = page.row
        page.text(_section_title(key, data), "contents", last=COLS - 1, pad=8)
        contents_rows[key] = r
        look.apply(sheet.ws.cell(row=r, column=COLS), "contents")
        sheet.ws.cell(row=r, column=COLS).alignment = Alignment(horizontal="right", vertical="top")
    page.gap(30)
    about = data.about
    page.text(
        f"Figures from the case-management extracts refreshed on {reader_date(about.get('Refreshed at'))} "
        f"(xladdin {about.get('xladdin version', '')}). Assessments count in the month they were authorised; "
        f"{s.counting} counting (the start day is day 0), {s.days} working days, England and Wales bank "
        "holidays and local closure days excluded. The re-referral rate's denominator is referrals, "
        "not children.",
        "note",
    )
    return contents_rows


def _audit_section(sheet: _Sheet) -> None:
    page, data, figs = sheet.page, sheet.data, sheet.figs
    if len(data.rereferrals) > 1:
        page.text(figures.rereferral_sentence(sheet.month, data.rereferrals[-1], figs), "body")
        page.gap(6)
    if len(data.audit) > 1:
        rows, _hidden, changed = figs.table("spot_audit", data.audit[1:])
        sheet.suppressed += changed
        first, last = table(
            page, ["Audit finding", "Count", "Base", "%"], rows, {1: "0", 2: "0", 3: "0%"}, total_last=False
        )
        define(sheet.wb, "spot_audit", sheet.ws, first, last, 4)
        _suppression_note(sheet, changed)
        page.gap(10)
    paragraphs(page, sheet.commentary("com_audit"), sheet.placeholder("com_audit"))


def _suppression_note(sheet: _Sheet, changed: int) -> None:
    if changed:
        sheet.page.gap(4)
        sheet.page.text(figures.NOTE, "note", pad=2)


def _action_plan_section(sheet: _Sheet) -> None:
    paragraphs(sheet.page, sheet.commentary("com_action_plan"), sheet.placeholder("com_action_plan"))


def _assessment_section(sheet: _Sheet) -> None:
    """The team table for the month (RAG, the other counting beside it when it differs) and its note."""
    page, s = sheet.page, sheet.s
    page.text(
        f"Statutory assessments of families open to children's services are expected to be completed "
        f"within {s.days} working days. This measure is reported monthly and is comparable nationally "
        f"and with statistical neighbours. Our target is {s.target:g}%.",
        "body",
    )
    page.gap(6)
    page.text(sheet.summary, "summary", pad=14)
    page.gap(10)
    total = sheet.team_total
    differs = total is not None and total[2] != total[5]
    other_name = "Legacy" if s.counting == "corrected" else "Corrected"
    header, rows, fmts = team_table_columns(sheet.team_rows, differs, other_name)
    rows, _hidden, changed = sheet.figs.table("spot_team_table", rows)
    sheet.suppressed += changed
    first, last = table(page, header, rows, fmts, rag_col=4, pct_col=3)
    define(sheet.wb, "spot_team_table", sheet.ws, first, last, COLS)
    page.gap(6)
    note = figures.team_note(s, sheet.month, total, differs, other_name, sheet.figs)
    page.text(note + (f" {figures.NOTE}." if changed else ""), "note")


def _bar_section(sheet: _Sheet) -> None:
    """% in time by team: a bar chart over the team table's cells (written in the previous section)."""
    page, s, team_rows = sheet.page, sheet.s, sheet.team_rows
    n_teams = max(len(team_rows) - 1, 0)
    bar_cm = max(7.0, min(19.0, 2.0 + 0.62 * n_teams))
    anchor_row = page.row
    reserve(page, bar_cm)
    hidden = [i for i, r in enumerate(team_rows[:-1]) if sheet.figs.hides(r[1], r[2])]
    if n_teams:
        team_first = _first_row(sheet.wb, "spot_team_table")
        if hidden:
            helper_columns(sheet.ws, team_first, [r[3] for r in team_rows[:-1]], hidden, 1)
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
                hidden=tuple(hidden),
                helper=HELPER,
            ),
            f"A{anchor_row}",
        )
    page.text(
        f"Bars show each team's % completed within {s.days} working days ({s.counting} counting), "
        "coloured by RAG against the target. Small teams swing widely: see the counts in the table."
        + (" A hatched bar marked c: fewer than 6, not shown." if hidden else ""),
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
    """The trend table (with a column per comparator set) and its chart: the target and comparators as lines."""
    page, ws = sheet.page, sheet.ws
    found = comparators(sheet.s, "timeliness")
    source = [[*r[:5], *(c.fraction for c in found)] for r in sheet.data.trend[1:]]
    trend_rows, hidden, changed = sheet.figs.table("spot_trend", source)
    sheet.suppressed += changed
    trend_anchor = page.row
    reserve(page, 9.0)
    page.gap(8)
    first, last = table(
        page,
        ["Month", "Completed", "In time", "% in time", "Target", *(f"{c.name}\n{c.year}" for c in found)],
        trend_rows,
        {0: "mmm yyyy", 1: "0", 2: "0", 3: "0.0%", 4: "0%", **{5 + i: "0.0%" for i in range(len(found))}},
        total_last=False,
    )
    for r in range(first, last + 1):
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="left", vertical="center")
    define(sheet.wb, "spot_trend", ws, first, last, 5 + len(found))
    _suppression_note(sheet, changed)
    axis_min = trend_axis_min([r[3] for r in source] + [c.fraction for c in found])
    if hidden:
        helper_columns(ws, first, [r[3] for r in source], hidden, axis_min)
    chart = trend_chart(
        ws, sheet.look, first, last, sheet.s, span=trend_span([r[0] for r in source])[1],
        comparators=found, axis_min=axis_min, hidden=tuple(hidden), helper=HELPER,
    )  # fmt: skip
    ws.add_chart(chart, f"A{trend_anchor}")


def _commentary_section(sheet: _Sheet) -> None:
    paragraphs(sheet.page, sheet.commentary("com_assessment"), sheet.placeholder("com_assessment"))


#: Section titles as the contents and headings show them ({month}: "September 2024"; {trend}: what the
#: trend shows, "over the last 13 months", or from its first month with data).
SECTION_TITLES = {
    "audit": "Re-referrals audit summary",
    "action_plan": "Re-referrals action plan",
    "assessments": "Assessment data for {month}",
    "by_team": "Assessment timeliness by team",
    "trend": "Assessment timeliness {trend}",
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


def write_spotlight(
    workbook_path: Path | str, *, month: Month | str | None = None, template: Path | str | None = None
) -> Path:
    """Write (or rewrite) the formatted Spotlight sheet into a refreshed performance workbook.

    Args:
        workbook_path: the performance workbook (.xlsx; .xlsm keeps its VBA).
        month: must be the refreshed month (default: it is).
        template: the look (default: Settings' 'Spotlight template', else the one shipped with xladdin).

    Returns:
        The workbook path. The previous version is kept as ``NAME.bak.xlsx``.

    Raises:
        WorkbookError: not refreshed, refreshed for another month, template unusable, file open.
    """
    path = Path(workbook_path)
    original = read_workbook(path)
    wb = load(path, original)
    data = read_spotlight_data(wb, None if month is None else Month.parse(month, where="month"))
    look = load_look(template_path(template, data.settings, path.resolve().parent))
    render(wb, data, look)
    keep = keep_officers_work(original, path.name, then=keep_ribbon(path), rebuilt=(SHEET,))
    save_atomically(wb, path, after_save=keep)
    return path
