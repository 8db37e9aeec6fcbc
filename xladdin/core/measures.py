"""The measures in the spotlight: assessment timeliness, re-referrals, RAG.

Open assessments and the month-end projection are in :mod:`xladdin.core.projection`.

Every rule here is stated, with worked examples, in ``docs/counting-rules.md``.
The conventions that cause mistakes:

* A completed assessment counts in the month of its **authorisation date**
  (DfE CIN census, table C2 counts completed assessments).
* **In time** is ``elapsed <= 45`` working days, start day = day 0 (corrected
  counting); ``counting="legacy"`` is the seed report's
  ``NETWORKDAYS(start, end) <= 45``, kept so that restated figures can be explained.
* The clock starts at the assessment start date (Annex A List 4 has nothing
  else); ``clock="referral"`` starts it at the child's latest referral on or
  before the assessment start, taken from a List 3 frame (an assessment with
  none falls back to its own start: :func:`clock_fallbacks`).
* Rows whose ``problem`` is not empty (see ``quality.py``) are kept out of
  every rate; they are listed in the data-quality sheet, never dropped silently.
* Re-referral rate: referrals in the month that are re-referrals (the rule and
  its two kinds of evidence are in :mod:`xladdin.core.rereferrals`), divided by
  **all referrals** in the month. The denominator is referrals, not children.
* Each team's figure is a count over the child-level rows behind it
  (:func:`completed_assessments`, :func:`rereferral_detail`), so an officer can
  check it by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from xladdin.core import rereferrals
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
#: How each team's re-referrals were decided (see :func:`rereferral_rate`).
EVIDENCE_COLUMNS = ["by_dates", "by_column", "on_column", "undecided"]
COMPLETED_COLUMNS = [
    "child_id", "team", "worker", "start", "clock_start", "authorised",
    "deadline", "elapsed", "in_time", "legacy_days", "legacy_in_time",
]  # fmt: skip
REFERRAL_DETAIL_COLUMNS = [
    "child_id", "team", "referral_date", "rereferral", "evidence", "earlier_referral",
    "count_12m", "count_in_extract", "count_before_extract", "source_row",
]  # fmt: skip


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
    of fall-backs is in ``result.attrs["fallbacks"]`` and which ones in
    :func:`clock_fallbacks`.
    """
    if clock not in CLOCKS:
        raise XladdinError(f"clock must be 'start' or 'referral', not {clock!r}.")
    starts = assessments["start"]
    if clock == "start":
        return starts
    ref = _referral_before_start(assessments, referrals)
    result = pd.Series(ref.to_numpy(), index=starts.index).fillna(starts)
    result.attrs["fallbacks"] = int((ref.isna().to_numpy() & starts.notna().to_numpy()).sum())
    return result


def clock_fallbacks(assessments: pd.DataFrame, referrals: pd.DataFrame | None) -> np.ndarray:
    """True for each assessment whose referral-date clock fell back to its own start date.

    That is: it has a start date, and List 3 holds no usable referral of that
    child on or before it (no referral at all, or only later ones).
    """
    ref = _referral_before_start(assessments, referrals)
    return ref.isna().to_numpy() & assessments["start"].notna().to_numpy()


def _referral_before_start(assessments: pd.DataFrame, referrals: pd.DataFrame | None) -> pd.Series:
    """The child's latest usable referral on or before each assessment's start (NaT if none), by position."""
    if referrals is None:
        raise XladdinError(
            "The referral-date clock needs the referrals extract (Annex A List 3): "
            "give --referrals, or use --clock start."
        )
    starts = assessments["start"]
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
    return ref


def team_names(teams: pd.Series) -> np.ndarray:
    """Team names as text; a blank team is shown as "(no team)" rather than lost.

    (The validators keep blank-team rows out of the rates; this is the
    belt-and-braces for frames that were not validated.)
    """
    names = teams.astype(object).where(teams.notna(), "").astype(str).str.strip()
    return names.where(names != "", NO_TEAM).to_numpy()


def _completed_in(frame: pd.DataFrame, first: pd.Period, last: pd.Period) -> pd.DataFrame:
    """The usable rows authorised from ``first`` to ``last`` (months), in one selection.

    The same rows as selecting :func:`usable` rows and then those whose authorisation's month
    lies in the range, without copying every usable row of a million first.
    """
    authorised = frame["authorised"]
    keep = ((authorised >= first.start_time) & (authorised < (last + 1).start_time)).to_numpy()
    if "problem" in frame.columns:
        keep = keep & frame["problem"].fillna("").eq("").to_numpy()
    return frame[keep]


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


def _with_total(table: pd.DataFrame, count: str, hits: str, *, extra: Sequence[str] = ()) -> pd.DataFrame:
    table = table.sort_values("team", key=lambda s: s.str.casefold(), kind="stable")
    summed = [count, hits, *extra]
    total = pd.DataFrame({"team": [TOTAL], **{c: [table[c].sum()] for c in summed}})
    out = pd.concat([table, total], ignore_index=True)
    for c in summed:
        out[c] = out[c].astype(np.int64)
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
    rows = _completed_in(frame, period, period)
    scored = _scored(rows, counting=counting, clock=clock, referrals=referrals, days=days, calendar=calendar)
    scored = scored[scored["valid"]]
    table = (
        scored.groupby("team", sort=False)
        .agg(completed=("valid", "size"), in_time=("in_time", "sum"))
        .reset_index()
    )
    return _with_total(table, "completed", "in_time")[TIMELINESS_COLUMNS]


def completed_assessments(
    frame: pd.DataFrame,
    month: Month | str,
    *,
    clock: Clock = "start",
    referrals: pd.DataFrame | None = None,
    days: int = 45,
    calendar: WorkingCalendar | None = None,
) -> pd.DataFrame:
    """The child-level rows behind the team table: every assessment completed in ``month``.

    Corrected and legacy counting side by side, so that a restated figure can
    be explained row by row. Each team's ``completed`` in
    :func:`assessment_timeliness` is the number of its rows here, and its
    ``in_time`` the number with ``in_time`` (corrected) or ``legacy_in_time``
    (legacy) true. Child-level: for internal sheets only.

    Returns:
        Columns :data:`COMPLETED_COLUMNS`: ``clock_start`` is the assessment start
        (or the referral, with ``clock="referral"``), ``deadline`` the 45th
        working day after it, ``elapsed`` the working days after it up to the
        authorisation, ``legacy_days`` Excel's ``NETWORKDAYS(clock_start,
        authorised)``. Sorted by team, authorisation date and child.
    """
    period = _period(month)
    rows = _completed_in(frame, period, period)
    starts = clock_starts(rows, clock=clock, referrals=referrals)
    cal = calendar or get_calendar()
    t = timeliness(starts, rows["authorised"], days, calendar=cal)
    legacy = timeliness(starts, rows["authorised"], days, counting="legacy", calendar=cal)
    out = pd.DataFrame(
        {
            "child_id": rows["child_id"].astype(str).to_numpy(),
            "team": team_names(rows["team"]),
            "worker": rows["worker"].astype(object).fillna("").to_numpy() if "worker" in rows else "",
            "start": rows["start"].to_numpy(),
            "clock_start": starts.to_numpy(),
            "authorised": rows["authorised"].to_numpy(),
            "deadline": t.deadline_dates().astype("datetime64[ns]"),
            "elapsed": t.elapsed,
            "in_time": t.in_time,
            "legacy_days": t.networkdays,
            "legacy_in_time": legacy.in_time,
        }
    )[t.valid]
    order = np.lexsort((out["child_id"], out["authorised"], out["team"].str.casefold()))
    return out.iloc[order].reset_index(drop=True)[COMPLETED_COLUMNS]


def trend_start(frame: pd.DataFrame, month: Month | str, *, months: int = 13) -> Month:
    """The first month of the trend that ends in ``month``.

    ``months - 1`` months before ``month``, or the first month in which the
    extract has a completed assessment if that is later: a month before the
    extract's data begins has no figure, which is not the same as 0.
    """
    last = Month.parse(month)
    done = usable(frame)["authorised"].dropna()
    done = done[done.dt.to_period("M") <= last.period()]
    if done.empty:
        return last
    return max(last - (months - 1), Month.of(done.min().date()))


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
    rows = _completed_in(frame, first, last)
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


def rereferral_detail(
    referrals: pd.DataFrame, month: Month | str, *, coverage: Sequence[Any] | None = None
) -> pd.DataFrame:
    """The child-level rows behind the re-referral rate: every referral counted in ``month``.

    Args:
        referrals: a List 3 frame.
        month: the month of the referral date.
        coverage: ``(first_day, last_day)`` of the period the extract states
            (``Extract.coverage``); None: the extract begins on its earliest referral.

    Returns:
        Columns :data:`REFERRAL_DETAIL_COLUMNS`: ``rereferral`` (bool),
        ``evidence`` ("dates", "column", or "none": the look-back reaches before
        the extract and the column gives nothing usable), ``earlier_referral``
        (the earlier referral within 12 months that made it one, NaT if none),
        ``count_12m`` (the column on the child's latest row), ``count_in_extract``
        and ``count_before_extract`` (of that count, the referrals the extract
        shows and those before it began), ``source_row``. Sorted by team, date
        and child.
        ``attrs`` holds ``start``, ``start_from``, ``has_column`` and ``month``.
    """
    period = _period(month)
    look = rereferrals.lookback(referrals, coverage=coverage)
    counted = referrals["problem"].fillna("").eq("").to_numpy() if "problem" in referrals else True
    dates = referrals["referral_date"]
    pick = np.flatnonzero(counted & dates.notna().to_numpy() & (dates.dt.to_period("M") == period).to_numpy())
    rows, lk = referrals.iloc[pick], look.iloc[pick]
    out = pd.DataFrame(
        {
            "child_id": rows["child_id"].astype(str).to_numpy(),
            "team": team_names(rows["team"]),
            "referral_date": rows["referral_date"].to_numpy(),
            "rereferral": lk["rereferral"].to_numpy(),
            "evidence": lk["evidence"].to_numpy(),
            "earlier_referral": lk["earlier"].to_numpy(),
            "count_12m": lk["count"].to_numpy(),
            "count_in_extract": lk["in_extract"].to_numpy(),
            "count_before_extract": lk["before_extract"].to_numpy(),
            "source_row": rows["source_row"].to_numpy() if "source_row" in rows else pick + 2,
        }
    )
    # A counted row with no child ID (a frame that was not validated) is no evidence: dates, not one.
    out["evidence"] = out["evidence"].replace("", "dates")
    order = np.lexsort((out["child_id"], out["referral_date"], out["team"].str.casefold()))
    out = out.iloc[order].reset_index(drop=True)[REFERRAL_DETAIL_COLUMNS]
    out.attrs.update(look.attrs, month=Month.parse(month).name)
    return out


def rereferral_rate(
    referrals: pd.DataFrame, month: Month | str, *, coverage: Sequence[Any] | None = None
) -> pd.DataFrame:
    """Referrals in ``month`` by team, how many were re-referrals, and the rate.

    A referral is a re-referral when the same child had another referral
    dated strictly earlier and on or after ``referral date - 12 months``
    (calendar months). The evidence is the extract's own dates and, for
    referrals before the extract began, the column "Number of Referrals in
    Last 12 Months" read as Ofsted defines it (see :mod:`xladdin.core.rereferrals`).
    The denominator is referrals, not children. The figures are counts over
    :func:`rereferral_detail`.

    Returns:
        Columns ``team, referrals, rereferrals, percent`` then
        :data:`EVIDENCE_COLUMNS` (re-referrals shown by the dates, by the column;
        referrals decided by the column; referrals left undecided), sorted by
        team, then ``Total``. ``attrs["evidence"]`` is a
        :class:`~xladdin.core.rereferrals.Evidence` for the whole month.
    """
    return rereferral_table(rereferral_detail(referrals, month, coverage=coverage))


def rereferral_table(detail: pd.DataFrame) -> pd.DataFrame:
    """The re-referral rate by team counted over :func:`rereferral_detail`'s rows (see :func:`rereferral_rate`)."""
    re, ev = detail["rereferral"].astype(bool), detail["evidence"]
    scored = pd.DataFrame(
        {
            "team": detail["team"],
            "re": re,
            "by_dates": re & ev.eq("dates"),
            "by_column": re & ev.eq("column"),
            "on_column": ev.eq("column"),
            "undecided": ev.eq("none"),
        }
    )
    table = (
        scored.groupby("team", sort=False)
        .agg(
            referrals=("re", "size"),
            rereferrals=("re", "sum"),
            **{c: (c, "sum") for c in EVIDENCE_COLUMNS},
        )
        .reset_index()
    )
    out = _with_total(table, "referrals", "rereferrals", extra=EVIDENCE_COLUMNS)
    out = out[REREFERRAL_COLUMNS + EVIDENCE_COLUMNS]
    total = out.iloc[-1]
    out.attrs["evidence"] = rereferrals.Evidence(
        month=detail.attrs["month"],
        referrals=int(total["referrals"]),
        rereferrals=int(total["rereferrals"]),
        by_dates=int(total["by_dates"]),
        by_column=int(total["by_column"]),
        on_column=int(total["on_column"]),
        undecided=int(total["undecided"]),
        start=detail.attrs["start"],
        start_from=detail.attrs["start_from"],
        has_column=detail.attrs["has_column"],
    )
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
