"""The cover's "at a glance": this month, last month, the target, the comparators, RAG, and the projection.

Conventions that cause mistakes:

* Columns come and go: a comparator (England, the statistical-neighbour average,
  the region) has a column only when Settings give it for at least one measure,
  so blank comparators leave no empty column; the label takes the room left.
* Comparators are published figures and are never suppressed; our own figures
  are, as everywhere (:class:`xladdin.report.figures.Figures`), and so are the
  projected rates and the counts they are built on.
* The month-end projection is shown only when the refresh wrote one (the
  extract date fell inside the reporting month); its rows say "projected".
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from openpyxl.styles import Alignment

from xladdin.report.figures import NOTE, SUPPRESSED, Figures
from xladdin.report.layout import COLS, Page, header_lines
from xladdin.workbook.settings import COMPARATOR_WHO, Settings, comparators
from xladdin.workbook.styles import put

PCT = "0.0%"


@dataclass
class Column:
    key: str  # "now", "before", "target", "england", "neighbours", "region", "rag"
    header: str
    number_format: str | None = None


@dataclass
class Row:
    label: str
    values: dict[str, Any]
    rag: str = ""


@dataclass
class Glance:
    """The table's columns and rows, and the notes printed under it."""

    columns: list[Column]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)


def glance_table(s: Settings, data: Any, team_total: list[Any] | None, figs: Figures) -> Glance:
    """What the cover's "at a glance" shows, our rates suppressed as ``figs`` says.

    Args:
        data: the spotlight's data (``report.spotlight.SpotlightData``): its ``trend``,
            ``rereferrals`` and ``audit`` areas (header first), ``projection`` (the month-end
            projection's Total row: team, so far, in time, overdue, due, % so far, if due ones
            on time, if overdue ones too, rates as fractions; None when the extract date was
            not inside the month) and ``extract_date``.
        team_total: the team table's Total row.
    """
    trend, rereferrals, audit = data.trend[1:], data.rereferrals, data.audit
    projection, extract_date = data.projection, data.extract_date
    rows: list[Row] = []
    last_month = trend[-2] if len(trend) >= 2 else None
    target = s.target / 100
    timeliness, rerefs = comparators(s, "timeliness"), comparators(s, "rereferral")
    if team_total:
        now = figs.rate(team_total[3], team_total[1], team_total[2])
        before = figs.rate(last_month[3], last_month[1], last_month[2]) if last_month else None
        rag = "" if now == SUPPRESSED else str(team_total[4] or "")
        values = {"now": now, "before": before, "target": target, **_published(timeliness)}
        so_far = " (so far)" if projection is not None else ""  # the month is not over yet
        rows.append(Row(f"Assessments completed within {s.days} working days{so_far}", values, rag))
    notes = []
    if projection is not None:
        rows += _projected(projection, target, figs)
        notes.append(_projection_note(projection, extract_date, figs))
    if len(rereferrals) > 1:
        rr = rereferrals[-1]
        values = {"now": figs.rate(rr[3], rr[1], rr[2]), **_published(rerefs)}
        rows.append(Row("Re-referrals within 12 months (% of referrals)", values))
    done = {str(r[0]).lower(): r for r in audit[1:]}.get("audits completed")
    if done:
        rows.append(Row("Re-referral audits completed", {"now": figs.rate(done[3], done[1], done[2])}))
    shown = (timeliness if team_total else []) + (rerefs if len(rereferrals) > 1 else [])
    if shown:
        notes.append(_sources_note(shown))
    if any(SUPPRESSED in r.values.values() for r in rows):
        notes.append(NOTE)
    return Glance(_columns(shown), rows, notes)


def _published(found: list[Any]) -> dict[str, float]:
    return {c.who: c.fraction for c in found}


def _projected(projection: list[Any], target: float, figs: Figures) -> list[Row]:
    _team, n, k, overdue, due, _pct, if_due, if_overdue = projection[:8]
    return [
        Row(
            "Projected: every due one completed by its deadline",
            {"now": figs.rate(if_due, n, k, due), "target": target},
        ),
        Row(
            "Projected: overdue ones completed this month too",
            {"now": figs.rate(if_overdue, n, k, due, overdue), "target": target},
        ),
    ]


def _projection_note(projection: list[Any], extract_date: Any, figs: Figures) -> str:
    _team, n, k, overdue, due = projection[:5]
    when = (
        f"the extract date, {extract_date:%a %d/%m/%Y}"
        if isinstance(extract_date, dt.date)
        else "the extract date"
    )
    return (
        f"Projected at {when}: {figs.count(n)} assessments completed so far ({figs.count(k)} in time); "
        f"{figs.count(due)} due by the month end and still in time; {figs.count(overdue)} overdue, late "
        "whenever completed."
    )


def _sources_note(shown: list[Any]) -> str:
    """Where the comparators come from: each source once, with the figures taken from it."""
    by_source: dict[str, list[str]] = {}
    for c in shown:
        label = c.label if c.who == "england" else c.label[:1].lower() + c.label[1:]
        by_source.setdefault(c.source or "source not given", [])
        if label not in by_source[c.source or "source not given"]:
            by_source[c.source or "source not given"].append(label)
    sources = "; ".join(f"{source} ({', '.join(labels)})" for source, labels in by_source.items())
    neighbours = (
        " Statistical neighbours: the average of the DfE's ten nearest authorities."
        if any(c.who == "neighbours" for c in shown)
        else ""
    )
    return f"Comparators: {sources}.{neighbours}"


def _columns(shown: list[Any]) -> list[Column]:
    columns = [
        Column("now", "This month", PCT),
        Column("before", "Last month", PCT),
        Column("target", "Target", "0%"),
    ]
    for who, name in COMPARATOR_WHO.items():
        years = {c.year for c in shown if c.who == who}
        if years:
            columns.append(Column(who, f"{name}\n{years.pop()}" if len(years) == 1 else name, PCT))
    return [*columns, Column("rag", "RAG")]


def write_glance(page: Page, glance: Glance) -> None:
    """The table under the summary, the label spanning the columns the values leave, then its notes."""
    if not glance.rows:
        return
    ws, look = page.ws, page.look
    first_value = COLS - len(glance.columns) + 1  # the label spans columns 1 .. first_value - 1
    label_units = sum(look.widths[: first_value - 1])
    header = ["At a glance", *[c.header for c in glance.columns]]
    r = page.row
    for j, text in zip([1, *range(first_value, COLS + 1)], header):
        put(ws.cell(row=r, column=j), text)
    for j in range(1, COLS + 1):
        look.apply(ws.cell(row=r, column=j), "table_header")
        if j >= first_value:
            ws.cell(row=r, column=j).alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True
            )
    _merge(ws, r, first_value)
    ws.cell(row=r, column=1).alignment = Alignment(horizontal="left", vertical="center", indent=1)
    size = look.size("table_header")
    lines = max(
        header_lines(c.header, look.widths[first_value - 1 + i], size) for i, c in enumerate(glance.columns)
    )
    page.set_height(max(22, lines * size * 1.25 + 8))
    for row in glance.rows:
        _glance_row(page, glance.columns, row, first_value, label_units)
    for note in glance.notes:
        page.text(note, "note", pad=2)


def _glance_row(page: Page, columns: list[Column], row: Row, first_value: int, label_units: float) -> None:
    ws, look = page.ws, page.look
    r = page.row
    put(ws.cell(row=r, column=1), row.label)
    for j in range(1, COLS + 1):
        look.apply(ws.cell(row=r, column=j), "table_body")
    for j, column in enumerate(columns, start=first_value):
        cell = ws.cell(row=r, column=j)
        value = row.rag.capitalize() or None if column.key == "rag" else row.values.get(column.key)
        put(cell, value)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if column.number_format:
            cell.number_format = column.number_format
        if row.rag.lower() in ("green", "amber", "red") and column.key in ("now", "rag"):
            style = look.styles["rag_" + row.rag.lower()]
            cell.fill = copy(style["fill"])
            f = copy(cell.font)
            f.color = copy(style["font"].color)
            cell.font = f
    _merge(ws, r, first_value)
    ws.cell(row=r, column=1).alignment = Alignment(vertical="center", indent=1, wrap_text=True)
    size = look.size("table_body")
    page.set_height(max(20, header_lines(row.label, label_units - 2, size) * size * 1.3 + 6))


def _merge(ws: Any, r: int, first_value: int) -> None:
    if first_value > 2:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=first_value - 1)
