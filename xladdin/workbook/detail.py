"""The re-referral tables, the month-end projection and the child-level lists, as plain rows for the workbook.

The convention that causes mistakes: the three lists here (the month's completed
assessments, the month's referrals, the open assessments) hold child IDs and
worker names. Their areas are ``child_level`` in :data:`xladdin.workbook.areas.AREAS`:
internal sheets only, never part of a leadership export. Each team's figure in the team
table (and the re-referrals table) is a count over these rows, so an officer
can check any figure by hand with a filter or ``COUNTIFS``; the projection's
"overdue" and "due" are counts of the open list's rows marked so.

This module returns ``(header, rows)`` pairs; :mod:`xladdin.workbook.areas`
turns them into its tables (so this module does not import it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core import measures, projection
from xladdin.core.month import Month
from xladdin.core.quality import QUALITY_COLUMNS
from xladdin.core.quality.crosscheck import clock_fallback_rows
from xladdin.core.rereferrals import COLUMN
from xladdin.workbook.settings import Settings

Rows = list[list[Any]]

COMPLETED_HEADER = [
    "Child ID",
    "Team",
    "Worker",
    "Assessment start",
    "Clock starts",
    "Authorised",
    "Deadline",
    "Working days elapsed",
    "In time",
    "Legacy count NETWORKDAYS(start, end)",
    "In time by legacy counting",
]
REFERRAL_HEADER = [
    "Child ID",
    "Team",
    "Referral date",
    "Re-referral",
    "Decided by",
    "Earlier referral (within 12 months)",
    f"{COLUMN} (child's latest row)",
    "Of those, in this extract",
    "Of those, before the extract began",
    "Row in the extract",
]
#: Number formats by column (the same strings as ``areas.DATE`` and ``areas.INT``).
COMPLETED_FORMATS = {3: "dd/mm/yyyy", 4: "dd/mm/yyyy", 5: "dd/mm/yyyy", 6: "dd/mm/yyyy", 7: "0", 9: "0"}
REFERRAL_FORMATS = {2: "dd/mm/yyyy", 5: "dd/mm/yyyy", 6: "0", 7: "0", 8: "0", 9: "0"}
REREFERRAL_HEADER = ["Team/Locality", "Referrals (denominator)", "Re-referrals", "% of referrals"]
OPEN_HEADER = [
    "Child ID",
    "Team",
    "Worker",
    "Start",
    "Deadline",
    "Working days elapsed",
    "Working days left",
    "Status",
]
OPEN_FORMATS = {3: "dd/mm/yyyy", 4: "dd/mm/yyyy", 5: "0", 6: "0"}
#: The small projection table beside the team table: what so far, what is left, where it lands.
PROJECTION_HEADER = ["Month-end projection (corrected counting)", "Assessments", "% in time"]
PROJECTION_TEAM_HEADER = [
    "Team/Locality",
    "Completed so far",
    "In time so far",
    "Overdue",
    "Due by month end",
    "% so far",
    "If due ones on time",
    "If overdue ones too",
]
PROJECTION_FORMATS = {1: "0", 2: "0.0%"}
PROJECTION_TEAM_FORMATS = {1: "0", 2: "0", 3: "0", 4: "0", 5: "0.0%", 6: "0.0%", 7: "0.0%"}


def _cell(value: Any) -> Any:
    """A plain Python value for a cell: numpy scalars unwrapped, NaN/NaT blank, booleans Yes/No."""
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, np.floating) and float(value).is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


def _rows(frame: pd.DataFrame) -> Rows:
    return [[_cell(v) for v in row] for row in frame.itertuples(index=False)]


def completed_rows(assessments: Any, referrals: Any, settings: Settings, month: Month, calendar: Any) -> Rows:
    """The month's completed assessments, both countings side by side (the rows behind the team table)."""
    detail = measures.completed_assessments(
        assessments.frame,
        month,
        clock=settings.clock,
        referrals=None if referrals is None else referrals.frame,
        days=settings.days,
        calendar=calendar,
    )
    return _rows(detail)


def rereferral_tables(referrals: Any, month: Month) -> dict[str, tuple[list[str], Rows]]:
    """The re-referrals table, its evidence note, and the month's referrals behind it."""
    if referrals is None:
        return {
            "xl_rereferrals": (REREFERRAL_HEADER, []),
            "xl_rereferral_note": (
                ["No referrals extract (List 3) in Settings: no re-referral figures."],
                [],
            ),
            "xl_referral_detail": (REFERRAL_HEADER, []),
        }
    # The period stated in the extract's title, when the reader knows it (else its earliest referral).
    coverage = getattr(referrals, "coverage", None)
    detail = measures.rereferral_detail(referrals.frame, month, coverage=coverage)
    table = measures.rereferral_table(detail)
    rates = [
        [str(t), int(n), int(r), None if pd.isna(p) else float(p) / 100.0]
        for t, n, r, p in table[["team", "referrals", "rereferrals", "percent"]].itertuples(index=False)
    ]
    return {
        "xl_rereferrals": (REREFERRAL_HEADER, rates),
        "xl_rereferral_note": ([table.attrs["evidence"].sentence()], []),
        "xl_referral_detail": (REFERRAL_HEADER, _rows(detail)),
    }


def clock_quality_rows(assessments: Any, referrals: Any, settings: Settings) -> Rows:
    """Data-quality warnings for the referral-date clock (none with the start-date clock)."""
    if settings.clock != "referral" or referrals is None:
        return []
    found = clock_fallback_rows(
        assessments.frame,
        referrals.frame,
        assessments_file=assessments.path.name,
        referrals_file=referrals.path.name,
        assessment_headers=assessments.headers,
    )
    rows = _rows(found[list(QUALITY_COLUMNS)])
    for row in rows:
        row[3] = None if row[3] is None else str(row[3])  # the value as the file showed it
    return rows


def open_rows(assessments: Any, referrals: Any, settings: Settings, calendar: Any) -> Rows:
    """Every open assessment at the extract date, by team then deadline: overdue, due this month, later."""
    opened = projection.open_assessments(
        assessments.frame,
        assessments.extract_date,
        clock=settings.clock,
        referrals=None if referrals is None else referrals.frame,
        days=settings.days,
        calendar=calendar,
    )
    return _rows(opened)


def open_header(settings: Settings) -> list[str]:
    """The open list's header: its start column is the clock start (the referral date, if so set)."""
    return [
        *OPEN_HEADER[:3],
        "Clock starts (referral)" if settings.clock == "referral" else "Start",
        *OPEN_HEADER[4:],
    ]


def projection_tables(
    assessments: Any, referrals: Any, settings: Settings, month: Month, calendar: Any
) -> dict[str, tuple[list[str], Rows]]:
    """The month-end projection beside the team table: its title, the month's total, and by team.

    Only while the extract date is inside the month: for a month already over (or not yet
    begun) the tables are empty and the title says why.
    """
    when = assessments.extract_date
    when = when.date() if isinstance(when, dt.datetime) else when
    if not projection.projection_applies(month, when):
        state = (
            f"after {month.name} ended, so its figure is final"
            if when > month.last_day
            else (f"before {month.name} began")
        )
        title = f"No month-end projection: the extract is dated {when:%d/%m/%Y}, {state}."
        return {
            "xl_projection_title": ([title], []),
            "xl_projection": (PROJECTION_HEADER, []),
            "xl_projection_teams": (PROJECTION_TEAM_HEADER, []),
        }
    table = projection.month_end_projection(
        assessments.frame,
        month,
        when,
        clock=settings.clock,
        referrals=None if referrals is None else referrals.frame,
        days=settings.days,
        calendar=calendar,
    )
    title = (
        f"Where {month.name} will land: the month-end projection at the extract date, {when:%a %d/%m/%Y}. "
        "Overdue and due ones are listed on the Open assessments sheet."
    )
    rows = _rows(table)
    for row in rows:  # percentages as fractions, as Excel shows them
        row[5:] = [None if v is None else v / 100.0 for v in row[5:]]
    return {
        "xl_projection_title": ([title], []),
        "xl_projection": (PROJECTION_HEADER, _projection_total(rows[-1], when, month)),
        "xl_projection_teams": (PROJECTION_TEAM_HEADER, rows),
    }


def _projection_total(total: list[Any], when: dt.date, month: Month) -> Rows:
    _team, n, k, overdue, due, pct, if_due, if_overdue = total
    return [
        [f"Completed so far (to {when:%d/%m/%Y})", n, pct],
        ["of them in time", k, None],
        ["Overdue: late whenever completed", overdue, None],
        [f"Due by {month.last_day:%d/%m/%Y}, still in time", due, None],
        ["If every due one is completed by its deadline", n + due, if_due],
        ["... and every overdue one this month too", n + due + overdue, if_overdue],
    ]
