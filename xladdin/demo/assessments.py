"""The demo's assessments: completed ones built to the seed's figures, open ones, and a few bad rows.

Dates are chosen through the working-day engine's own tables, so that each
assessment lands exactly on the elapsed working days the plan gives it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from xladdin.core.calendar import get_calendar
from xladdin.core.workdays import deadline, in_time, working_days_between
from xladdin.demo.plan import (
    DEMO_MONTH,
    EXTRACT_DATE,
    MONTH_PLAN,
    OPEN_PLAN,
    SEPTEMBER_BOUNDARY,
    SEPTEMBER_LEGACY,
    TEAMS,
)

_CAL = get_calendar()


def wd_index(day: dt.date) -> int:
    """Index (into the list of working days) of the last working day on or before ``day``."""
    return int(_CAL.before[(day - _CAL.first).days + 1]) - 1


def wd(k: int) -> dt.date:
    """The k-th working day of the calendar."""
    return _CAL.first + dt.timedelta(days=int(_CAL.positions[k]))


def start_for(end: dt.date, elapsed: int) -> dt.date:
    """The working-day start from which ``end`` is ``elapsed`` working days later."""
    return wd(wd_index(end) - elapsed)


def working_days_in(month: str) -> list[dt.date]:
    first = dt.date(int(month[:4]), int(month[5:]), 1)
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    last = min(nxt - dt.timedelta(days=1), EXTRACT_DATE)
    return [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if _CAL.is_working_day(first + dt.timedelta(days=i))
    ]


def date_text(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def pick(rng: np.random.Generator, table: Sequence[tuple[str, float]]) -> str:
    p = np.array([w for _, w in table], dtype=float)
    return table[int(rng.choice(len(table), p=p / p.sum()))][0]


def _elapsed(rng: np.random.Generator, kind: str) -> int:
    if kind == "boundary":
        return 45
    if kind == "late":
        return 46 + min(int(rng.geometric(1 / 9)) - 1, 40)
    # In time under both countings: elapsed <= 44, so NETWORKDAYS <= 45.
    if rng.random() < 0.7:
        return int(rng.integers(25, 45))
    return int(rng.integers(3, 25))


def plan_completed(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Completed assessments, month by month, with the kind of each (in/boundary/late)."""
    quality = dict(zip(TEAMS, rng.uniform(0.65, 0.97, len(TEAMS)), strict=True))
    volume = np.array([den for _, den, _ in SEPTEMBER_LEGACY], dtype=float) + 3.0
    rows: list[dict[str, Any]] = []
    for month, (completed, on_time) in MONTH_PLAN.items():
        if month == DEMO_MONTH:
            kinds: list[tuple[str, str]] = []
            for team, den, num in SEPTEMBER_LEGACY:
                b = SEPTEMBER_BOUNDARY.get(team, 0)
                kinds += [(team, "in")] * num + [(team, "boundary")] * b
                kinds += [(team, "late")] * (den - num - b)
        else:
            counts = rng.multinomial(completed, volume / volume.sum())
            teams = [t for t, c in zip(TEAMS, counts, strict=True) for _ in range(c)]
            odds = np.array([quality[t] / (1 - quality[t]) for t in teams])
            chosen = set(rng.choice(completed, size=on_time, replace=False, p=odds / odds.sum()))
            kinds = []
            for i, team in enumerate(teams):
                if i not in chosen:
                    kinds.append((team, "late"))
                else:  # ~9% of in-time completions land on the 45th day (England 2025: 18.9% in the 41-45 band)
                    kinds.append((team, "boundary" if rng.random() < 0.09 else "in"))
        days = working_days_in(month)
        for team, kind in kinds:
            end = days[int(rng.integers(len(days)))]
            elapsed = _elapsed(rng, kind)
            saturday = end + dt.timedelta(days=(5 - end.weekday()) % 7)
            if (
                month != DEMO_MONTH
                and kind == "in"
                and rng.random() < 0.02
                and saturday.month == end.month
                and saturday <= EXTRACT_DATE
            ):
                end = saturday  # a Saturday sign-off counts as the Friday before
            start = start_for(end, elapsed)
            clock = ""
            if rng.random() < 0.04:
                clock = f" {int(rng.integers(8, 19)):02d}:{int(rng.integers(0, 60)):02d}"
            rows.append(
                {
                    "team": team,
                    "start": start,
                    "end": end,
                    "elapsed": elapsed,
                    "kind": kind,
                    "month": month,
                    "clock": clock,
                }
            )
    check_completed(rows)
    return rows


def check_completed(rows: list[dict[str, Any]]) -> None:
    """Prove with the engine that every planted date means what it was planted to mean."""
    starts = np.array([r["start"] for r in rows], dtype="datetime64[D]")
    ends = np.array([r["end"] for r in rows], dtype="datetime64[D]")
    elapsed = working_days_between(starts, ends)
    corrected = np.asarray(in_time(starts, ends, counting="corrected"), dtype=bool)
    legacy = np.asarray(in_time(starts, ends, counting="legacy"), dtype=bool)
    due = deadline(starts, 45)
    for i, r in enumerate(rows):
        ok = elapsed[i] == r["elapsed"] and _CAL.is_working_day(r["start"])
        ok &= corrected[i] == (r["kind"] != "late")
        ok &= legacy[i] == (r["kind"] == "in")
        if r["kind"] == "boundary":  # authorised on the deadline day itself
            ok &= due[i] == np.datetime64(r["end"], "D")
        if not ok:  # pragma: no cover - a bug in this module, not in the data
            raise AssertionError(f"demo row planted wrongly: {r}")


def plan_open(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Open assessments at the extract date: overdue, due within 10 working days, not yet due."""
    volume = np.array([den for _, den, _ in SEPTEMBER_LEGACY], dtype=float) + 3.0
    rows: list[dict[str, Any]] = []
    for status, count, (low, high) in OPEN_PLAN:
        for _ in range(count):
            team = TEAMS[int(rng.choice(len(TEAMS), p=volume / volume.sum()))]
            start = start_for(EXTRACT_DATE, int(rng.integers(low, high + 1)))
            rows.append(
                {
                    "team": team,
                    "start": start,
                    "end": None,
                    "kind": "open",
                    "status": status,
                    "month": "",
                    "clock": "",
                }
            )
    # The engine agrees with the plan (arrays: one call for all rows).
    dues = deadline(np.array([r["start"] for r in rows], dtype="datetime64[D]"), 45)
    soon = deadline(np.array([EXTRACT_DATE], dtype="datetime64[D]"), 10)[0]
    today = np.datetime64(EXTRACT_DATE, "D")
    for r, due in zip(rows, dues, strict=True):
        status = "overdue" if due < today else "due soon" if due <= soon else "not yet due"
        if status != r["status"] or r["start"] < dt.date(2024, 8, 1):  # pragma: no cover
            raise AssertionError(f"open demo row planted wrongly: {r}")
    return rows


def problem_rows(completed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows the validation must flag and keep out of every rate (text dates kept as text)."""

    def row(team: str, start: str, end: str, why: str) -> dict[str, Any]:
        return {
            "team": team,
            "start_text": start,
            "end_text": end,
            "kind": "problem",
            "why": why,
            "month": "",
            "clock": "",
        }

    march = next(r for r in completed if r["month"] == "2024-03")
    september = next(r for r in completed if r["month"] == DEMO_MONTH and r["kind"] == "in")
    return [
        dict(march, duplicate_of=id(march), kind="duplicate", why="exact duplicate"),
        row("", "08/01/2024", "20/02/2024", "blank team"),
        row("Jigsaw 1", "15/05/2024", "10/05/2024", "authorised before start"),
        row("Family Help West 1", "04/03/2024", "31/04/2024", "unreadable date"),
        row("Family Safeguarding East 2", "07/10/2024", "12/11/2024", "future date"),
        dict(september, duplicate_of=id(september), kind="duplicate", why="exact duplicate"),
        row("", "12/08/2024", "18/09/2024", "blank team"),
        row("Family Help West 1 - CA", "23/09/2024", "16/09/2024", "authorised before start"),
        row("Family Safeguarding West 1", "31/06/2024", "10/09/2024", "unreadable date"),
    ]
