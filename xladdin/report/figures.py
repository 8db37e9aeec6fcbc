"""Small-number suppression (DfE convention) for every figure the spotlight prints.

The convention that causes leaks: suppression is not only the tables'
business. A count of 1 to 5 shows as ``c``, and so does every rate built on
it, wherever it would be printed: a table cell, a bar, a point of the trend,
the summary sentence, the cover's "at a glance", a note under a table. So
each of those asks :class:`Figures` how to print a figure, giving the counts
it is built on; with suppression off, :class:`Figures` hands every figure
back unchanged. Zero is not suppressed (DfE). The officer's own commentary
is theirs and is never rewritten: the export warns when it quotes a small
count (:func:`small_count_mentions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from xladdin.core.month import Month
from xladdin.workbook import areas
from xladdin.workbook.settings import Settings, statistical_neighbours

SUPPRESSED = "c"
#: The note beside every suppressed table and chart.
NOTE = "c = fewer than 6, not shown"

#: The tables the spotlight prints, and their columns (offsets): count columns, then
#: {rate column: the count columns it is built on}. A small count hides itself and its rates.
SUPPRESSIBLE: dict[str, dict[str, Any]] = {
    "spot_team_table": {"counts": (1, 2, 5), "rates": {3: (1, 2), 4: (1, 2), 6: (1, 5), 7: (1, 2)}},
    "spot_trend": {"counts": (1, 2), "rates": {3: (1, 2)}},
    "spot_audit": {"counts": (1, 2), "rates": {3: (1, 2)}},
}


def small(value: Any) -> bool:
    """True for a count that DfE's convention suppresses: 1 to 5 (not 0, not text)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 5


@dataclass(frozen=True)
class Figures:
    """How figures print: as they are, or with small numbers shown as ``c``."""

    suppress: bool = False

    def hides(self, *counts: Any) -> bool:
        """True when a figure built on ``counts`` must not be printed."""
        return self.suppress and any(small(c) for c in counts)

    def count(self, n: Any) -> Any:
        return SUPPRESSED if self.hides(n) else n

    def rate(self, value: Any, *counts: Any) -> Any:
        """``value`` (a rate built on ``counts``), or ``c``."""
        return SUPPRESSED if self.hides(*counts) else value

    def pct(self, value: Any, *counts: Any) -> str:
        """A rate as text ("76.0%"), ``c``, or "" when there is none."""
        if self.hides(*counts):
            return SUPPRESSED
        return "" if value is None or isinstance(value, str) else f"{value:.1%}"

    def table(self, name: str, rows: list[list[Any]]) -> tuple[list[list[Any]], list[int], int]:
        """The rows of a spotlight table with small counts and their rates as ``c``.

        Returns the new rows, the indices of the rows whose first rate (the one a chart
        draws) is hidden, and how many cells became ``c``.
        """
        if not self.suppress:
            return rows, [], 0
        roles = SUPPRESSIBLE[name]
        first_rate = min(roles["rates"])
        out, hidden, changed = [], [], 0
        for i, row in enumerate(rows):
            row = list(row)
            small_cols = {j for j in roles["counts"] if j < len(row) and small(row[j])}
            rates = {rate for rate, bases in roles["rates"].items() if small_cols & set(bases)}
            for j in sorted(small_cols | rates):
                if j < len(row) and row[j] is not None:
                    row[j] = SUPPRESSED
                    changed += 1
            if first_rate in rates:
                hidden.append(i)
            out.append(row)
        return out, hidden, changed


def summary_sentence(
    month: Month, total: list[Any] | None, s: Settings, figs: Figures, suggestion: str
) -> str:
    """xladdin's summary sentence: the refresh's suggestion, or a suppressed one.

    ``total`` is the team table's Total row (team, completed, in time, %, RAG, other
    in time, other %, change).
    """
    if total is None or not figs.suppress or not isinstance(total[1], (int, float)) or total[1] == 0:
        return suggestion
    neighbours = statistical_neighbours(s, "timeliness")  # a published figure: never suppressed
    if figs.hides(total[1]):
        return (
            f"In {month.name}, fewer than 6 assessments were completed, so their figures show as c."
            + areas.neighbour_sentence(neighbours)
        )
    if figs.hides(total[2]):
        return (
            f"In {month.name}, {total[1]} assessments were completed, fewer than 6 of them within "
            f"{s.days} working days, so the rate shows as c." + areas.neighbour_sentence(neighbours)
        )
    other = None if figs.hides(total[5]) or total[6] is None else float(total[6]) * 100
    return areas.summary_sentence(
        month,
        {
            "completed": total[1],
            "in_time": total[2],
            "percent": float(total[3]) * 100,
            "other_percent": other,
        },
        counting=s.counting,
        target=s.target,
        days=s.days,
        neighbours=neighbours,
    )


def team_note(
    s: Settings, month: str, total: list[Any] | None, differs: bool, other_name: str, figs: Figures
) -> str:
    """The note under the team table: the target, RAG, what is counted, the totals both ways."""
    note = (
        f"Target {s.target:g}%. RAG: green at or above the target, amber up to {s.amber_margin:g} points "
        f"below it, red further below. Denominator: assessments authorised in {month}; numerator: those "
        f"completed within {s.days} working days ({s.counting} counting)."
    )
    if differs and total:
        n, main, other = figs.count(total[1]), figs.count(total[2]), figs.count(total[5])
        main_pct, other_pct = figs.pct(total[3], total[1], total[2]), figs.pct(total[6], total[1], total[5])
        note += (
            f" Total by {s.counting} counting: {main} of {n} ({main_pct}); by "
            f"{other_name.lower()} counting, which counts the start day as day 1 and so calls "
            f"completion on the final day late: {other} of {n} ({other_pct})."
            if s.counting == "corrected"
            else f" Total by legacy counting: {main} of {n} ({main_pct}); by corrected counting "
            f"(start day is day 0): {other} of {n} ({other_pct})."
        )
    return note


def rereferral_sentence(month: str, total: list[Any], figs: Figures) -> str:
    """The re-referral rate in words: the denominator is referrals, not children."""
    referrals, rereferrals = total[1], total[2]
    return (
        f"In {month}, {figs.count(rereferrals)} of {figs.count(referrals)} referrals "
        f"({figs.pct(total[3], referrals, rereferrals)}) were re-referrals within 12 months of a previous "
        "referral. The denominator is referrals, not children."
    )


_SMALL_COUNT = re.compile(r"\b(?:[1-5] of \d+|\d+ of [1-5])\b")


def small_count_mentions(text: str) -> list[str]:
    """Phrases such as "3 of 4" in the officer's text (a count of 1 to 5 that suppression would hide)."""
    return _SMALL_COUNT.findall(text or "")
