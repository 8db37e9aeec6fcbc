"""What table goes where: the generated areas of the performance workbook, as plain values.

The convention that causes mistakes: a generated area is a *block of values*
whose top-left cell is fixed and whose extent is the workbook-level defined
name of the same name (``xl_team_table`` ...). Its header row is part of the
block. Everything else in the workbook (RAG conditional formats, charts,
column widths, the officer's commentary, any sheet they add) belongs to the
workbook and is never rewritten. So two writers can fill the same areas:

* the headless path (``workbook.py``, openpyxl, the file on disk);
* the live-Excel path (``xladdin/excel``, xlwings, the open workbook): clear
  the old named range, write ``table.values()`` at ``AREAS[name].anchor``,
  apply ``AREAS[name].formats`` by column, and point the name at the new block.
  (In Excel, prefix text that starts with ``=``, ``+``, ``-`` or ``@`` with an
  apostrophe, see :func:`text_needs_quote`.)

Percentages are written as fractions (0.76) with a ``0.0%`` number format, as
Excel does; the measures in ``core`` give 0-100.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

import xladdin
from xladdin.core import measures
from xladdin.core.audit import audit_summary
from xladdin.core.calendar import WorkingCalendar
from xladdin.core.month import Month
from xladdin.core.schema import TOTAL
from xladdin.core.workdays import Counting
from xladdin.workbook import detail
from xladdin.workbook.settings import Settings, statistical_neighbours

PCT = "0.0%"
DATE = "dd/mm/yyyy"
MONTH = "mmm yyyy"
POINTS = '+0.0" pts";-0.0" pts";0.0" pts"'
INT = "0"
TREND_MONTHS = 13  # the month itself and the twelve before it


@dataclass(frozen=True)
class Area:
    """Where a generated table goes.

    Attributes:
        sheet: sheet name.
        anchor: top-left cell of the header row, e.g. ``"A4"``.
        formats: number format by column offset (0 = first column).
        width: number of columns.
        child_level: True for areas holding child IDs or worker names (never exported).
    """

    sheet: str
    anchor: str
    width: int
    formats: dict[int, str] = field(default_factory=dict)
    child_level: bool = False


@dataclass
class Table:
    """A generated block: a header row and data rows of plain Python values."""

    header: list[str]
    rows: list[list[Any]]

    def values(self) -> list[list[Any]]:
        """Header then rows, as written into the sheet (and into xlwings' ``range.value``)."""
        return [list(self.header), *self.rows]


AREAS: dict[str, Area] = {
    "xl_team_title": Area("Team table", "A2", 1),
    "xl_team_table": Area("Team table", "A4", 8, {1: INT, 2: INT, 3: PCT, 5: INT, 6: PCT, 7: POINTS}),
    "xl_trend": Area("Trend", "A4", 5, {0: MONTH, 1: INT, 2: INT, 3: PCT, 4: PCT}),
    "xl_open": Area("Open assessments", "A4", 8, detail.OPEN_FORMATS, child_level=True),
    "xl_quality": Area("Data quality", "A4", 6, {1: INT}, child_level=True),
    "xl_quality_note": Area("Data quality", "A3", 1),  # how many rows are the month's (refresh.py)
    "xl_rereferrals": Area("Re-referrals", "A5", 4, {1: INT, 2: INT, 3: PCT}),
    "xl_audit": Area("Re-referrals", "G5", 4, {1: INT, 2: INT, 3: PCT}),
    "xl_summary_suggestion": Area("Commentary", "C4", 1),
    "xl_bank_holidays": Area("Holidays", "A4", 2, {0: DATE}),
    "xl_about": Area("About", "A4", 2),
    "xl_extracts": Area("About", "A14", 6, {2: INT, 3: DATE}),
    "xl_rereferral_note": Area("Re-referrals", "A2", 1),
    "xl_completed": Area("Completed assessments", "A4", 11, detail.COMPLETED_FORMATS, child_level=True),
    "xl_referral_detail": Area("Referrals in month", "A4", 10, detail.REFERRAL_FORMATS, child_level=True),
    "xl_projection_title": Area("Team table", "J2", 1),
    "xl_projection": Area("Team table", "J4", 3, detail.PROJECTION_FORMATS),
    "xl_projection_teams": Area("Team table", "J13", 8, detail.PROJECTION_TEAM_FORMATS),
}

#: Header of each area (fixed ones; the team table's depends on the counting).
HEADERS: dict[str, list[str]] = {
    "xl_trend": ["Month", "Completed", "In time", "%", "Target"],
    "xl_open": detail.OPEN_HEADER,
    "xl_projection": detail.PROJECTION_HEADER,
    "xl_projection_teams": detail.PROJECTION_TEAM_HEADER,
    "xl_quality": ["File", "Row", "Column", "Value", "Reason", "Rule"],
    "xl_rereferrals": detail.REREFERRAL_HEADER,
    "xl_audit": ["Measure", "Count", "Base", "%"],
    "xl_bank_holidays": ["Date", "Bank holiday"],
    "xl_about": ["Item", "Value"],
    "xl_extracts": ["Extract", "File", "Rows", "Extract date", "SHA-256", "Path"],
    "xl_completed": detail.COMPLETED_HEADER,
    "xl_referral_detail": detail.REFERRAL_HEADER,
}

#: The officer's commentary cells (defined names on the Commentary sheet), in report order.
COMMENTARY: dict[str, str] = {
    "com_summary": "Summary sentence (blank: the spotlight uses xladdin's suggestion)",
    "com_audit": "Re-referrals audit summary",
    "com_action_plan": "Re-referrals action plan",
    "com_assessment": "Assessment commentary and remedial action",
}

#: The local closure days the officer adds (Holidays sheet, dates in the first column).
CLOSURES_NAME = "closures"
CLOSURES_ANCHOR = ("Holidays", "D5")
CLOSURES_ROWS = 500


def team_header(counting: str) -> list[str]:
    """The team table's header; the other counting's figures stand beside the main ones."""
    other = "Legacy" if counting == "corrected" else "Corrected"
    return [
        "Team/Locality",
        "Denominator",
        "Numerator",
        "%",
        "RAG",
        f"{other} numerator",
        f"{other} %",
        "Change since last month",
    ]


def column_letter(index: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def split_anchor(anchor: str) -> tuple[int, int]:
    """``"G5"`` -> (row 5, column 7)."""
    letters = anchor.rstrip("0123456789")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(anchor[len(letters) :]), col


def area_ref(name: str, rows: int) -> str:
    """The absolute reference (``$A$4:$H$28``) of area ``name`` holding ``rows`` rows, header included."""
    area = AREAS[name]
    r0, c0 = split_anchor(area.anchor)
    return f"${column_letter(c0)}${r0}:${column_letter(c0 + area.width - 1)}${r0 + max(rows, 1) - 1}"


@dataclass
class Placement:
    """One generated block, ready for any writer (openpyxl on disk, or xlwings in live Excel)."""

    name: str  # defined name to point at ``sheet!ref`` after writing
    sheet: str
    anchor: str
    ref: str
    values: list[list[Any]]
    formats: dict[int, str]  # number format by column offset, for the data rows


def placements(tables: dict[str, Table], *, quote_text: bool = False) -> list[Placement]:
    """Where each table goes. With ``quote_text=True`` (for xlwings, where Excel parses what it is
    given, as if typed), text starting with ``= + - @`` gets a leading apostrophe so it stays text."""
    out = []
    for name, table in tables.items():
        area = AREAS[name]
        values = table.values()
        if quote_text:
            values = [["'" + v if text_needs_quote(v) else v for v in row] for row in values]
        out.append(
            Placement(name, area.sheet, area.anchor, area_ref(name, len(values)), values, dict(area.formats))
        )
    return out


def text_needs_quote(value: Any) -> bool:
    """True for text that a spreadsheet would take as a formula if typed (``= + - @``)."""
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@")


def _fraction(percent: Any) -> float | None:
    if percent is None or (isinstance(percent, float) and math.isnan(percent)) or pd.isna(percent):
        return None
    return float(percent) / 100.0


def _cell(value: Any) -> Any:
    """A plain Python value for a cell: numpy scalars unwrapped, NaN/NaT as blank, dates as datetime."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _target_text(target: float) -> str:
    return f"{target:g}%"


def summary_sentence(
    month: Month, total: dict[str, Any], *, counting: str, target: float, days: int, neighbours: Any = None
) -> str:
    """The plain-English sentence at the top of the spotlight.

    ``total`` is the team table's Total row as a dict with ``completed``,
    ``in_time``, ``percent`` (0-100) and ``other_percent`` (the other counting).
    Example: "In September 2024, 76.0% of assessments (114 of 150) were
    completed within 45 working days, below the 81% target; the legacy count
    gave 66.7%." With ``neighbours`` (the statistical-neighbour comparator, when
    Settings give it) a second sentence: "The statistical-neighbour average was
    81.0% in 2023-24."
    """
    name = month.name
    completed = int(total["completed"] or 0)
    if completed == 0:
        text = f"In {name}, no assessments were completed, so there is no timeliness figure."
        return text + neighbour_sentence(neighbours)
    pct = float(total["percent"])
    where = "at or above" if pct >= target else "below"  # the same test as the RAG (core.measures.rag)
    text = (
        f"In {name}, {pct:.1f}% of assessments ({int(total['in_time'])} of {completed}) were "
        f"completed within {days} working days, {where} the {_target_text(target)} target"
    )
    other = total.get("other_percent")
    if other is not None and not pd.isna(other) and round(float(other), 1) != round(pct, 1):
        other_name = "legacy" if counting == "corrected" else "corrected"
        text += f"; the {other_name} count gave {float(other):.1f}%"
    return text + "." + neighbour_sentence(neighbours)


def neighbour_sentence(neighbours: Any) -> str:
    """The sentence after the summary when the statistical-neighbour average is set, else "".

    Example (with its leading space): " The statistical-neighbour average was 81.0% in 2023-24."
    """
    if neighbours is None:
        return ""
    year = f" in {neighbours.year}" if neighbours.year else ""
    return f" The statistical-neighbour average was {neighbours.value:.1f}%{year}."


def team_rows(
    main: pd.DataFrame, other: pd.DataFrame, previous: pd.DataFrame, *, target: float, amber_margin: float
) -> list[list[Any]]:
    """Rows of the team table from three ``assessment_timeliness`` frames (this month, other counting,
    last month). Teams keep the order of ``main`` (sorted by name, Total last)."""
    other_by_team = other.set_index("team")
    prev_pct = previous.set_index("team")["percent"]
    rows = []
    for rec in main.itertuples(index=False):
        team, completed, in_time, percent = rec.team, int(rec.completed), int(rec.in_time), rec.percent
        o = other_by_team.loc[team] if team in other_by_team.index else None
        before = prev_pct.get(team)
        change = None
        if before is not None and not pd.isna(before) and not pd.isna(percent):
            change = round(float(percent) - float(before), 1)
        rows.append(
            [
                str(team),
                completed,
                in_time,
                _fraction(percent),
                measures.rag(percent, target, amber_margin),
                None if o is None else int(o["in_time"]),
                None if o is None else _fraction(o["percent"]),
                change,
            ]
        )
    return rows


def build_tables(
    *,
    assessments: Any,
    referrals: Any = None,
    audit: Any = None,
    settings: Settings,
    month: Month,
    calendar: WorkingCalendar,
    refreshed_at: dt.datetime | None = None,
) -> dict[str, Table]:
    """Every generated table of the workbook, keyed by its defined name.

    Args:
        assessments, referrals, audit: ``xladdin.extracts.read.Extract`` objects
            (referrals and audit may be None: their tables are then empty).
        settings: the officer's settings (target, counting, clock ...).
        month: the reporting month.
        calendar: the working-day calendar, closure days included.
        refreshed_at: the time stamp written in About (default now).
    """
    extracts = [e for e in (assessments, referrals, audit) if e is not None]
    refs = referrals.frame if referrals is not None else None
    tables = _timeliness_tables(assessments.frame, refs, settings, month, calendar)
    tables["xl_open"] = Table(
        detail.open_header(settings), detail.open_rows(assessments, referrals, settings, calendar)
    )
    for name, (header, rows) in detail.projection_tables(
        assessments, referrals, settings, month, calendar
    ).items():
        tables[name] = Table(header, rows)
    tables["xl_quality"] = _quality_table(extracts)
    tables["xl_quality"].rows += detail.clock_quality_rows(assessments, referrals, settings)
    tables.update({n: Table(h, r) for n, (h, r) in detail.rereferral_tables(referrals, month).items()})
    tables["xl_audit"] = _audit_table(audit)
    tables["xl_bank_holidays"] = _holiday_table(calendar, month, assessments.extract_date)
    tables["xl_about"] = _about_table(settings, month, calendar, refreshed_at)
    tables["xl_extracts"] = _extracts_table(extracts)
    # The child-level lists behind the figures last: the largest blocks, written after the rest.
    tables["xl_completed"] = Table(
        HEADERS["xl_completed"], detail.completed_rows(assessments, referrals, settings, month, calendar)
    )
    tables["xl_referral_detail"] = tables.pop("xl_referral_detail")
    return tables


def _timeliness_tables(
    frame: pd.DataFrame,
    refs: pd.DataFrame | None,
    settings: Settings,
    month: Month,
    calendar: WorkingCalendar,
) -> dict[str, Table]:
    """The team table (this month, the other counting, last month), its title, the trend and the sentence."""
    counting = settings.counting
    other_counting: Counting = "legacy" if counting == "corrected" else "corrected"
    common: dict[str, Any] = {
        "clock": settings.clock,
        "referrals": refs,
        "days": settings.days,
        "calendar": calendar,
    }
    main = measures.assessment_timeliness(frame, month, counting=counting, **common)
    other = measures.assessment_timeliness(frame, month, counting=other_counting, **common)
    previous = measures.assessment_timeliness(frame, month - 1, counting=counting, **common)
    tables: dict[str, Table] = {}
    rows = team_rows(main, other, previous, target=settings.target, amber_margin=settings.amber_margin)
    tables["xl_team_table"] = Table(team_header(counting), rows)
    tables["xl_team_title"] = Table(
        [
            (
                f"{month.name}: completed assessments by team, {counting} counting, "
                f"{settings.days} working days, target {_target_text(settings.target)}"
            )
        ],
        [],
    )
    first = measures.trend_start(frame, month, months=TREND_MONTHS)  # not before the extract's data
    trend = measures.timeliness_trend(frame, first, month, counting=counting, **common)
    tables["xl_trend"] = Table(
        HEADERS["xl_trend"],
        [
            [dt.datetime(int(m[:4]), int(m[5:]), 1), int(c), int(i), _fraction(p), settings.target / 100]
            for m, c, i, p in trend[["month", "completed", "in_time", "percent"]].itertuples(index=False)
        ],
    )
    total = main[main["team"] == TOTAL].iloc[0]
    other_total = other[other["team"] == TOTAL].iloc[0]
    sentence = summary_sentence(
        month,
        {
            "completed": total["completed"],
            "in_time": total["in_time"],
            "percent": total["percent"],
            "other_percent": other_total["percent"],
        },
        counting=counting,
        target=settings.target,
        days=settings.days,
        neighbours=statistical_neighbours(settings, "timeliness"),
    )
    tables["xl_summary_suggestion"] = Table([sentence], [])
    return tables


def _quality_table(extracts: list[Any]) -> Table:
    quality = [e.quality for e in extracts if len(e.quality)]
    q = (
        pd.concat(quality, ignore_index=True)
        if quality
        else pd.DataFrame(columns=["file", "row", "column", "value", "reason", "rule"])
    )
    table = Table(
        HEADERS["xl_quality"],
        [
            [_cell(v) for v in row]
            for row in q[["file", "row", "column", "value", "reason", "rule"]].itertuples(index=False)
        ],
    )
    for row in table.rows:
        row[3] = None if row[3] is None else str(row[3])  # the value as the file showed it
    return table


def _audit_table(audit: Any) -> Table:
    if audit is None:
        return Table(HEADERS["xl_audit"], [])
    au = audit_summary(audit.frame)
    return Table(
        HEADERS["xl_audit"],
        [
            [str(m), _cell(c), _cell(b), _fraction(p)]
            for m, c, b, p in au[["measure", "count", "base", "percent"]].itertuples(index=False)
        ],
    )


def _holiday_table(calendar: WorkingCalendar, month: Month, extract_date: dt.date) -> Table:
    """Bank holidays on weekdays from the trend's first month to a year after the extract."""
    first = (month - TREND_MONTHS).first_day
    last = (pd.Timestamp(extract_date) + pd.DateOffset(years=1)).date()
    closures = set(calendar.closures)
    return Table(
        HEADERS["xl_bank_holidays"],
        [
            [dt.datetime(d.year, d.month, d.day), name]
            for d, name in calendar.holidays_between(first, last)
            if d not in closures and d.weekday() < 5
        ],
    )


def _about_table(
    settings: Settings, month: Month, calendar: WorkingCalendar, refreshed_at: dt.datetime | None
) -> Table:
    stamp = refreshed_at or dt.datetime.now().replace(microsecond=0)
    return Table(
        HEADERS["xl_about"],
        [
            ["Refreshed at", stamp.strftime("%Y-%m-%d %H:%M:%S")],
            ["xladdin version", xladdin.__version__],
            ["Reporting month", str(month)],
            ["Counting", settings.counting],
            ["Clock starts at", settings.clock],
            ["Target", _target_text(settings.target)],
            [
                "Working days",
                (
                    f"{settings.days}; bank holidays {calendar.region_name}, "
                    f"{len(calendar.closures)} local closure days"
                ),
            ],
        ],
    )


def _extracts_table(extracts: list[Any]) -> Table:
    """Which files were read: kind, name, rows, extract date, SHA-256 and path (provenance)."""
    return Table(
        HEADERS["xl_extracts"],
        [
            [
                e.kind,
                e.path.name,
                int(e.rows),
                _cell(e.extract_date) if e.kind != "audit" else None,
                e.sha256,
                str(e.path),
            ]
            for e in extracts
        ],
    )
