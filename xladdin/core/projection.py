"""Where the month will land: assessment timeliness projected to the month's end, at the extract date.

Managers act on this in the month itself: which open assessments must be
completed, and by when, for the month to reach its target. At extract date E
inside reporting month M (corrected counting, the clock as configured):

* **so far**: ``n`` assessments completed (authorised) in M up to E, ``k`` of them in time;
* **overdue**: open at E and already late whenever completed (completing on E
  itself would be more than 45 working days after the start);
* **due**: open at E, still in time at E, with a deadline (the 45th working
  day after the start) on or before the last day of M;
* "if every due assessment is completed by its deadline": ``(k + due) / (n + due)``;
* "... and every overdue one is also completed this month":
  ``(k + due) / (n + due + overdue)``.

Open assessments with a deadline after the month are not in either rate: they
may complete this month, but nothing obliges them to.

Two edges, decided by the same test as the in-time rule (``end < deadline(start, 46)``):
an open assessment whose deadline IS the extract date is *due* (it can still
be completed in time that day), and so is one whose Friday deadline has just
passed on a Saturday extract date (completion on that Saturday is still 45
working days). A month that has ended by E (or not yet begun) has nothing to
project: :func:`month_end_projection` refuses it and :func:`projection_applies` says so.

The list managers act on, :func:`open_assessments`, is every open assessment at
E by team and deadline, marked with the same rule: *overdue*, *due this month*
(the calendar month of E, so when E is inside M its count is the projection's
"due") or *later*, with the working days left. Rules with worked examples:
``docs/counting-rules.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core.calendar import WorkingCalendar, get_calendar
from xladdin.core.measures import Clock, clock_starts, team_names, usable
from xladdin.core.month import Month
from xladdin.core.schema import TOTAL
from xladdin.core.workdays import timeliness
from xladdin.errors import XladdinError

#: The open-assessment statuses, in the order a manager acts on them.
OPEN_STATUSES = ("overdue", "due this month", "later")
OPEN_COLUMNS = ["child_id", "team", "worker", "start", "deadline", "elapsed", "days_left", "status"]

PROJECTION_COLUMNS = [
    "team",
    "completed",
    "in_time",
    "overdue",
    "due",
    "percent",
    "if_due_on_time",
    "if_overdue_too",
]


def projection_applies(month: Month | str, extract_date: dt.date) -> bool:
    """True when the extract date falls inside the reporting month (there is a month end to project to)."""
    m = Month.parse(month)
    return m.first_day <= _day(extract_date) <= m.last_day


def month_end_projection(
    frame: pd.DataFrame,
    month: Month | str,
    extract_date: Any,
    *,
    clock: Clock = "start",
    referrals: pd.DataFrame | None = None,
    days: int = 45,
    calendar: WorkingCalendar | None = None,
) -> pd.DataFrame:
    """So far, overdue, due by month end and the two projected rates, by team, then a ``Total`` row.

    Args:
        frame: a validated List 4 frame (rows with a ``problem`` are left out, as everywhere).
        month: the reporting month; ``extract_date`` must fall inside it.
        extract_date: the day the extract was taken (E).
        clock, referrals, days, calendar: as for :func:`xladdin.core.measures.assessment_timeliness`.

    Returns:
        Columns :data:`PROJECTION_COLUMNS`; rates are percentages (0-100), NaN when
        their denominator is 0. Teams sorted by name, then ``Total``.

    Raises:
        XladdinError: the extract date is not inside the month.
    """
    m = Month.parse(month)
    when = _day(extract_date)
    if not projection_applies(m, when):
        state = "over: its figure is final" if when > m.last_day else "not yet begun"
        raise XladdinError(
            f"The extract is dated {when:%d/%m/%Y}, so {m.name} is {state}. A month-end projection "
            f"needs an extract taken during the month: choose --month {Month.of(when)}."
        )
    cal = calendar or get_calendar()
    rows = usable(frame)
    starts = clock_starts(rows, clock=clock, referrals=referrals)
    e = pd.Timestamp(when)
    authorised = rows["authorised"]
    done = (authorised.dt.to_period("M") == m.period()) & (authorised <= e)
    done_t = timeliness(starts[done], authorised[done], days, calendar=cal)
    is_open = authorised.isna() & starts.notna() & (starts <= e)
    open_starts = starts[is_open]
    at_e = timeliness(open_starts, np.full(len(open_starts), e.to_datetime64()), days, calendar=cal)
    still_in_time = at_e.in_time
    deadline = at_e.deadline_dates()
    due = at_e.valid & still_in_time & (deadline <= np.datetime64(m.last_day, "D"))
    overdue = at_e.valid & ~still_in_time
    parts = pd.concat(
        [
            pd.DataFrame(
                {
                    "team": team_names(rows.loc[done, "team"]),
                    "completed": done_t.valid.astype(np.int64),
                    "in_time": done_t.in_time.astype(np.int64),
                    "overdue": 0,
                    "due": 0,
                }
            ),
            pd.DataFrame(
                {
                    "team": team_names(rows.loc[is_open, "team"]),
                    "completed": 0,
                    "in_time": 0,
                    "overdue": overdue.astype(np.int64),
                    "due": due.astype(np.int64),
                }
            ),
        ],
        ignore_index=True,
    )
    return _with_rates(parts.groupby("team", sort=False).sum().reset_index())


def open_assessments(
    frame: pd.DataFrame,
    extract_date: Any,
    *,
    clock: Clock = "start",
    referrals: pd.DataFrame | None = None,
    days: int = 45,
    calendar: WorkingCalendar | None = None,
) -> pd.DataFrame:
    """Every open assessment at the extract date E, by team then deadline, marked for the manager.

    Child-level: for internal sheets only, never for a leadership export.

    * **overdue**: late whenever it is completed (more than ``days`` working days
      after the clock start have passed by E);
    * **due this month**: still in time at E, with a deadline on or before the last
      day of E's month (when E is inside the reporting month, these are the
      month-end projection's "due");
    * **later**: a deadline after that.

    ``days_left`` is ``days`` less the working days elapsed at E: the working days
    from E to the deadline, 0 when the deadline is E itself (or E is a weekend day
    just after a Friday deadline: completion that day is still in time), negative
    for an overdue one (how far past its deadline it is).

    Returns:
        Columns :data:`OPEN_COLUMNS` (``start`` is the clock start); teams sorted by
        name (ignoring case), each team's rows by deadline, then child ID.
    """
    cal = calendar or get_calendar()
    e = pd.Timestamp(_day(extract_date))
    rows = usable(frame)
    starts = clock_starts(rows, clock=clock, referrals=referrals)
    is_open = (rows["authorised"].isna() & starts.notna() & (starts <= e)).to_numpy()
    rows, starts = rows[is_open], starts[is_open]
    at_e = timeliness(starts, np.full(len(rows), e.to_datetime64()), days, calendar=cal)
    valid = at_e.valid
    deadline = at_e.deadline_dates()
    month_end = np.datetime64(Month.of(e.date()).last_day, "D")
    status = np.where(~at_e.in_time, OPEN_STATUSES[0], np.where(deadline <= month_end, *OPEN_STATUSES[1:]))
    out = pd.DataFrame(
        {
            "child_id": rows["child_id"].astype(str).to_numpy()[valid],
            "team": team_names(rows["team"])[valid],
            "worker": (rows["worker"].to_numpy() if "worker" in rows else np.full(len(rows), ""))[valid],
            "start": starts.to_numpy()[valid],
            "deadline": deadline[valid].astype("datetime64[ns]"),
            "elapsed": at_e.elapsed[valid],
            "days_left": days - at_e.elapsed[valid],
            "status": status[valid],
        }
    )
    out["_team"] = out["team"].str.casefold()
    out = out.sort_values(["_team", "deadline", "child_id"], kind="stable")
    return out.drop(columns="_team").reset_index(drop=True)[OPEN_COLUMNS]


def _with_rates(table: pd.DataFrame) -> pd.DataFrame:
    table = table.sort_values("team", key=lambda s: s.str.casefold(), kind="stable")
    counts = ["completed", "in_time", "overdue", "due"]
    total = pd.DataFrame({"team": [TOTAL], **{c: [int(table[c].sum())] for c in counts}})
    out = pd.concat([table, total], ignore_index=True)
    for c in counts:
        out[c] = out[c].astype(np.int64)
    n, k, due, overdue = out["completed"], out["in_time"], out["due"], out["overdue"]
    out["percent"] = _rate(k, n)
    out["if_due_on_time"] = _rate(k + due, n + due)
    out["if_overdue_too"] = _rate(k + due, n + due + overdue)
    return out[PROJECTION_COLUMNS]


def _rate(hits: pd.Series, count: pd.Series) -> np.ndarray:
    return np.where(count > 0, 100.0 * hits / count.clip(lower=1), np.nan)


def _day(value: Any) -> dt.date:
    return pd.Timestamp(value).date()
