"""The measures in the spotlight: assessment timeliness, open assessments, re-referrals, RAG.

Conventions (DOMAIN.md, decided):

* A completed assessment counts in the month of its **authorisation date**
  (DfE CIN census, table C2 counts completed assessments).
* **In time** is ``elapsed <= 45`` working days, start day = day 0 (corrected
  counting); ``counting="legacy"`` is the seed report's
  ``NETWORKDAYS(start, end) <= 45``, kept so that restated figures can be explained.
* The clock starts at the assessment start date (Annex A List 4 has nothing
  else); ``clock="referral"`` starts it at the child's latest referral on or
  before the assessment start, taken from a List 3 frame.
* Rows whose ``problem`` is not empty (see ``quality.py``) are kept out of
  every rate; they are listed in the data-quality sheet, never dropped silently.
* Re-referral rate: referrals in the month whose child had an earlier referral
  on or after ``referral date - 12 months`` (calendar months), divided by
  **all referrals** in the month. The denominator is referrals, not children.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from xladdin.core.calendar import WorkingCalendar, get_calendar
from xladdin.core.month import Month
from xladdin.core.schema import TOTAL
from xladdin.core.workdays import COUNTINGS, Counting, timeliness
from xladdin.errors import XladdinError

Clock = Literal["start", "referral"]
CLOCKS = ("start", "referral")
NO_TEAM = "(no team)"

TIMELINESS_COLUMNS = ["team", "completed", "in_time", "percent"]
REREFERRAL_COLUMNS = ["team", "referrals", "rereferrals", "percent"]


def _period(month: Month | str) -> pd.Period:
    """The monthly ``pandas.Period`` of a :class:`Month` (text is accepted for the Python API)."""
    return Month.parse(month).period()


def usable(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows that count in the measures (``problem`` is empty)."""
    if "problem" not in frame.columns:
        return frame
    return frame[frame["problem"].fillna("").eq("")]


def clock_starts(
    assessments: pd.DataFrame, *, clock: Clock = "start", referrals: pd.DataFrame | None = None
) -> pd.Series:
    """The date each assessment's clock starts.

    ``clock="referral"`` takes the child's latest referral on or before the
    assessment start. An assessment with no such referral in the List 3
    frame falls back to its own start date (the Annex A default); the number
    of fall-backs is in ``result.attrs["fallbacks"]``.
    """
    if clock not in CLOCKS:
        raise XladdinError(f"clock must be 'start' or 'referral', not {clock!r}.")
    starts = assessments["start"]
    if clock == "start":
        return starts
    if referrals is None:
        raise XladdinError(
            "The referral-date clock needs the referrals extract (Annex A List 3): "
            "give --referrals, or use --clock start."
        )
    refs = usable(referrals)[["child_id", "referral_date"]].dropna()
    left = pd.DataFrame(
        {"child_id": assessments["child_id"].astype(str), "start": starts, "_pos": np.arange(len(starts))}
    )
    has_start = left["start"].notna()
    merged = pd.merge_asof(
        left[has_start].sort_values("start"),
        refs.assign(child_id=refs["child_id"].astype(str)).sort_values("referral_date"),
        left_on="start",
        right_on="referral_date",
        by="child_id",
        direction="backward",
    ).set_index("_pos")
    ref = pd.Series(pd.NaT, index=np.arange(len(starts)), dtype=starts.dtype)
    ref.loc[merged.index] = merged["referral_date"].to_numpy()
    result = pd.Series(ref.to_numpy(), index=starts.index).fillna(starts)
    result.attrs["fallbacks"] = int((ref.isna().to_numpy() & has_start.to_numpy()).sum())
    return result


def team_names(teams: pd.Series) -> np.ndarray:
    """Team names as text; a blank team is shown as "(no team)" rather than lost.

    (The validators keep blank-team rows out of the rates; this is the
    belt-and-braces for frames that were not validated.)
    """
    names = teams.astype(object).where(teams.notna(), "").astype(str).str.strip()
    return names.where(names != "", NO_TEAM).to_numpy()


def _completed_in(frame: pd.DataFrame, first: pd.Period, last: pd.Period) -> pd.DataFrame:
    months = frame["authorised"].dt.to_period("M")
    return frame[(months >= first) & (months <= last)]


def _scored(
    assessments: pd.DataFrame,
    *,
    counting: Counting,
    clock: Clock,
    referrals: pd.DataFrame | None,
    days: int,
    calendar: WorkingCalendar | None,
) -> pd.DataFrame:
    if counting not in COUNTINGS:
        raise XladdinError(f"counting must be 'corrected' or 'legacy', not {counting!r}.")
    starts = clock_starts(assessments, clock=clock, referrals=referrals)
    t = timeliness(starts, assessments["authorised"], days, counting=counting, calendar=calendar)
    return pd.DataFrame(
        {
            "team": team_names(assessments["team"]),
            "month": assessments["authorised"].dt.to_period("M").to_numpy(),
            "valid": t.valid,
            "in_time": t.in_time,
        }
    )


def _with_total(table: pd.DataFrame, count: str, hits: str) -> pd.DataFrame:
    table = table.sort_values("team", key=lambda s: s.str.casefold(), kind="stable")
    total = pd.DataFrame({"team": [TOTAL], count: [table[count].sum()], hits: [table[hits].sum()]})
    out = pd.concat([table, total], ignore_index=True)
    out[count] = out[count].astype(np.int64)
    out[hits] = out[hits].astype(np.int64)
    out["percent"] = _percent(out[hits], out[count])
    return out


def _percent(hits: pd.Series, count: pd.Series) -> np.ndarray:
    """100 * hits / count, NaN where nothing was counted."""
    return np.where(count > 0, 100.0 * hits / count.clip(lower=1), np.nan)


def assessment_timeliness(
    frame: pd.DataFrame,
    month: Month | str,
    *,
    counting: Counting = "corrected",
    clock: Clock = "start",
    referrals: pd.DataFrame | None = None,
    days: int = 45,
    calendar: WorkingCalendar | None = None,
) -> pd.DataFrame:
    """Completed assessments in ``month`` by team: completed, in time, percent, then a Total row.

    Counted in the month of authorisation. ``counting="legacy"`` gives the
    seed report's first (wrong) figures; see the module docstring.

    Returns:
        Columns ``team, completed, in_time, percent`` (percent 0-100, NaN when
        nothing completed), one row per team sorted by name, then ``Total``.
    """
    period = _period(month)
    rows = _completed_in(usable(frame), period, period)
    scored = _scored(rows, counting=counting, clock=clock, referrals=referrals, days=days, calendar=calendar)
    scored = scored[scored["valid"]]
    table = (
        scored.groupby("team", sort=False)
        .agg(completed=("valid", "size"), in_time=("in_time", "sum"))
        .reset_index()
    )
    return _with_total(table, "completed", "in_time")[TIMELINESS_COLUMNS]


def timeliness_trend(
    frame: pd.DataFrame,
    first_month: Month | str,
    last_month: Month | str,
    *,
    counting: Counting = "corrected",
    clock: Clock = "start",
    referrals: pd.DataFrame | None = None,
    days: int = 45,
    calendar: WorkingCalendar | None = None,
) -> pd.DataFrame:
    """Monthly completed, in time and percent from ``first_month`` to ``last_month`` inclusive.

    Every month in the range has a row, with 0 completed (and NaN percent)
    where nothing was authorised.
    """
    first, last = _period(first_month), _period(last_month)
    if last < first:
        raise XladdinError(f"The trend runs from {first} to {last}: the last month is before the first.")
    rows = _completed_in(usable(frame), first, last)
    scored = _scored(rows, counting=counting, clock=clock, referrals=referrals, days=days, calendar=calendar)
    scored = scored[scored["valid"]]
    grouped = scored.groupby("month").agg(completed=("valid", "size"), in_time=("in_time", "sum"))
    months = pd.period_range(first, last, freq="M")
    grouped = grouped.reindex(months, fill_value=0)
    out = pd.DataFrame(
        {
            "month": [str(m) for m in months],
            "completed": grouped["completed"].astype(np.int64).to_numpy(),
            "in_time": grouped["in_time"].astype(np.int64).to_numpy(),
        }
    )
    out["percent"] = _percent(out["in_time"], out["completed"])
    return out


def open_assessments(
    frame: pd.DataFrame,
    extract_date: Any,
    *,
    due_within: int = 10,
    days: int = 45,
    calendar: WorkingCalendar | None = None,
) -> pd.DataFrame:
    """Open assessments (no authorisation date) that are overdue or due soon at ``extract_date``.

    * overdue: more than ``days`` working days have elapsed since the start;
    * due soon: not overdue, and the deadline is within the next ``due_within``
      working days (a deadline on the extract date itself is due soon, 0 left).

    Child-level: for internal sheets only, never for a leadership export.

    Returns:
        Columns ``child_id, team, worker, start, deadline, elapsed, days_left,
        status``, sorted by deadline.
    """
    cal = calendar or get_calendar()
    when = pd.Timestamp(extract_date).normalize()
    rows = usable(frame)
    rows = rows[rows["authorised"].isna() & rows["start"].notna() & (rows["start"] <= when)]
    t = timeliness(rows["start"], np.full(len(rows), when.to_datetime64()), days, calendar=cal)
    deadlines = t.deadline_dates()
    # Working days from the extract date to the deadline (0 if the deadline is today).
    left = timeliness(np.full(len(rows), when.to_datetime64()), deadlines, calendar=cal)
    days_left = np.where(left.valid, left.elapsed, -1)
    overdue = t.valid & (t.elapsed > days)
    soon = t.valid & ~overdue & (days_left >= 0) & (days_left <= due_within)
    out = pd.DataFrame(
        {
            "child_id": rows["child_id"].to_numpy(),
            "team": rows["team"].to_numpy(),
            "worker": rows["worker"].to_numpy() if "worker" in rows else "",
            "start": rows["start"].to_numpy(),
            "deadline": deadlines.astype("datetime64[ns]"),
            "elapsed": t.elapsed,
            "days_left": np.where(overdue, 0, days_left),
            "status": np.where(overdue, "overdue", "due soon"),
        }
    )
    out = out[overdue | soon]
    return out.sort_values(["deadline", "team"], kind="stable").reset_index(drop=True)


def rereferral_rate(
    referrals: pd.DataFrame, month: Month | str, *, lookback: Literal["auto", "dates", "column"] = "auto"
) -> pd.DataFrame:
    """Referrals in ``month`` by team, how many were re-referrals, and the rate.

    A referral is a re-referral when the same child had an earlier referral
    dated on or after ``referral date - 12 months`` (DfE; calendar months).
    The denominator is referrals, not children.

    Annex A covers six months, so the look-back may not be in the extract.
    ``lookback="auto"`` uses the dates when the extract reaches back 12 months
    before the month, and otherwise the column "Number of Referrals in Last 12
    Months" (re-referral when it is 2 or more, assuming the count includes the
    referral itself: DOMAIN.md does not say, so check it with your system).

    Returns:
        Columns ``team, referrals, rereferrals, percent``, sorted by team, then ``Total``.
    """
    period = _period(month)
    rows = usable(referrals)
    rows = rows[rows["referral_date"].notna()]
    month_start = period.start_time
    covers = (not rows.empty) and rows["referral_date"].min() <= month_start - pd.DateOffset(months=12)
    if lookback == "auto":
        lookback = "dates" if covers or "referrals_12m" not in rows.columns else "column"
    if lookback == "dates":
        ordered = rows.sort_values(["child_id", "referral_date"], kind="stable")
        previous = ordered.groupby("child_id", sort=False)["referral_date"].shift(1)
        # Strictly earlier: a second referral on the same day is not a re-referral.
        earlier = previous.notna() & (previous < ordered["referral_date"])
        within = previous >= ordered["referral_date"] - pd.DateOffset(months=12)
        flag = (earlier & within).reindex(rows.index)
    elif lookback == "column":
        counts = pd.to_numeric(rows["referrals_12m"], errors="coerce")
        flag = counts.ge(2)
    else:
        raise XladdinError(f"lookback must be 'auto', 'dates' or 'column', not {lookback!r}.")
    in_month = rows["referral_date"].dt.to_period("M") == period
    scored = pd.DataFrame({"team": team_names(rows["team"]), "re": flag.astype(bool)}, index=rows.index)[
        in_month
    ]
    table = (
        scored.groupby("team", sort=False)
        .agg(referrals=("re", "size"), rereferrals=("re", "sum"))
        .reset_index()
    )
    out = _with_total(table, "referrals", "rereferrals")[REREFERRAL_COLUMNS]
    out.attrs["lookback"] = lookback
    return out


def rag(percent: Any, target: float = 81.0, amber_margin: float = 5.0) -> Any:
    """Red/amber/green against a target: green at or above it, amber within the margin below, red below.

    Works on a number (returns a string) or an array/Series (returns the same
    shape). A missing percent gives ``""``.
    """
    if np.ndim(percent) == 0:
        if percent is None or pd.isna(percent):
            return ""
        p = float(percent)
        return "green" if p >= target else "amber" if p >= target - amber_margin else "red"
    values = pd.to_numeric(pd.Series(percent), errors="coerce").to_numpy(dtype=float)
    out = np.select(
        [np.isnan(values), values >= target, values >= target - amber_margin],
        ["", "green", "amber"],
        default="red",
    )
    if isinstance(percent, pd.Series):
        return pd.Series(out, index=percent.index)
    return out
