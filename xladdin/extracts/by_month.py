"""The data-quality list for one reporting month: the rows that affect the month first.

The convention that causes mistakes: an extract holds every month, so its
quality list does too, and "8 rows kept out of September" read as September's
when most were April's. A quality row affects a month when the date that
places its row in a month falls in it: the authorisation date for List 4 (the
month an assessment is counted in), the referral date for List 3. A row whose
date is missing or unreadable cannot be placed, so it may be the month's: it
is listed with the month's rows, and counted apart ("undated"). Audit tracker
rows have no such date and are listed with the month's rows too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core.month import Month
from xladdin.core.quality import EXCLUDING_RULES

#: The column whose month places a row, by kind of extract.
MONTH_COLUMN = {"assessments": "authorised", "referrals": "referral_date"}
#: The extra column ``xladdin quality --month`` adds in csv and json: does the row affect the month.
AFFECTS = "affects_month"


@dataclass
class MonthQuality:
    """A quality list ordered for ``month``: ``rows`` (its first ``in_month`` rows are the month's)."""

    month: Month
    rows: pd.DataFrame
    in_month: int
    undated: int
    other: int

    @property
    def note(self) -> str:
        """One line for the officer, e.g. "3 rows affect September 2024 (listed first); 6 rows ...")."""
        undated = f", {self.undated} of them with no date to place them in a month" if self.undated else ""
        return (
            f"{_rows(self.in_month)} affect {self.month.name} (listed first{undated}); "
            f"{_rows(self.other)} from other months {'is' if self.other == 1 else 'are'} listed below them."
        )

    def excluded(self) -> tuple[int, int]:
        """(rows kept out of the month's figures, rows kept out of other months'), one per source row."""
        excluded = self.rows[self.rows["rule"].isin(EXCLUDING_RULES)]
        month = excluded[excluded[AFFECTS] != "no"]
        return month[["file", "row"]].drop_duplicates().shape[0], (
            excluded[excluded[AFFECTS] == "no"][["file", "row"]].drop_duplicates().shape[0]
        )


def _in(dates: pd.Series, month: Month) -> np.ndarray:
    """The dates that fall in ``month`` (their calendar month, as ``to_period("M")`` places them)."""
    return (dates.dt.to_period("M") == month.period()).to_numpy()


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"


def quality_by_month(extracts: list[Any], month: Month, quality: pd.DataFrame | None = None) -> MonthQuality:
    """The quality rows of ``extracts`` (or ``quality``, e.g. with cross-checks), the month's first.

    Args:
        extracts: :class:`xladdin.extracts.read.Extract` objects; their frames place each row.
        month: the reporting month.
        quality: the list to order (default: the extracts' own lists, concatenated).

    Returns:
        The rows with a column ``affects_month`` ("yes", "undated" or "no"), the month's first
        (each part in its original order), and the counts.
    """
    if quality is None:
        parts = [e.quality for e in extracts if len(e.quality)]
        quality = pd.concat(parts, ignore_index=True) if parts else extracts[0].quality.iloc[0:0]
    affects = np.full(len(quality), "undated", dtype=object)
    files = quality["file"].to_numpy(dtype=object)
    numbers = quality["row"].to_numpy(dtype=np.int64) if len(quality) else np.zeros(0, np.int64)
    for e in extracts:
        column = MONTH_COLUMN.get(e.kind)
        if column is None or column not in e.frame or not len(quality):
            continue
        # Only the quality rows' own rows are looked up (not a dictionary of every row: a million
        # rows took 0.6 s); a later extract's row of the same file and number wins, as before.
        mine = np.flatnonzero(files == e.label)
        source = pd.Index(e.frame["source_row"].to_numpy(dtype=np.int64))
        last = ~source.duplicated(keep="last")
        at = source[last].get_indexer(numbers[mine])
        found = at >= 0
        dates = e.frame[column][last]
        states = np.where(dates.isna().to_numpy(), "undated", np.where(_in(dates, month), "yes", "no"))
        affects[mine[found]] = states[at[found]].astype(object)
    rows = quality.assign(**{AFFECTS: affects.tolist()})
    order = rows[AFFECTS].map({"yes": 0, "undated": 0, "no": 1})
    rows = rows.iloc[order.argsort(kind="stable")].reset_index(drop=True)
    counts = rows[AFFECTS].value_counts()
    return MonthQuality(
        month=month,
        rows=rows,
        in_month=int(counts.get("yes", 0) + counts.get("undated", 0)),
        undated=int(counts.get("undated", 0)),
        other=int(counts.get("no", 0)),
    )
