"""Re-referrals within 12 months: the rule, and what the dates and the Ofsted column each show.

The rule (``docs/counting-rules.md``, "Re-referrals within 12 months"): a
referral of child C dated d is a **re-referral** when C had another referral
dated strictly earlier than d and on or after ``d - 12 calendar months``. Two
referrals of one child on the same day (two sources) are two referrals, and
neither is earlier than the other.

The convention that causes mistakes: Annex A List 3's column "Number of
Referrals in Last 12 Months" is, in Ofsted's guidance, the number of
referrals in the 12 months **before the child's latest referral**: 0 is the
lowest value, and every row of a child carries the same value (the one for
the latest referral). It does not count the referral itself. Two kinds of
evidence are used, both always:

1. **dates**: the child's earlier rows in the extract. When the 12-month
   look-back lies wholly inside the extract, the dates decide.
2. **the column**, for referrals made before the extract began. With L the
   child's latest referral and N the column on L's row, ``N - (the child's
   referrals in the extract dated in [L - 12 months, L))`` referrals happened
   before the extract began, less than 12 months before L and so less than 12
   months before every referral of that child in the extract. One or more
   make each of the child's referrals whose look-back reaches before the
   extract's first day a re-referral.

A count that is blank, not a number, negative or fractional gives no evidence
for its row (the referral is a re-referral only if the dates show one) and is
listed in the data-quality list (:func:`count_problems`), as are counts that
differ across one child's rows or disagree with the extract's own dates.

Everything here is vectorised (numpy sorts and gathers): a million referrals
take well under a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

COLUMN = "Number of Referrals in Last 12 Months"
#: ``frame.problem`` labels that do not stop a row being evidence of a referral: a referral with
#: no team is kept out of the rate, but it still happened.
EVIDENCE_PROBLEMS = ("", "blank team")
_NAT = np.datetime64("NaT", "ns")


def twelve_months_before(days: Any) -> np.ndarray:
    """``d - 12 calendar months`` for each date (29 February gives 28 February), ``datetime64[ns]``."""
    index = pd.DatetimeIndex(np.asarray(days, dtype="datetime64[ns]"))
    return np.asarray((index - pd.DateOffset(months=12)).to_numpy(), dtype="datetime64[ns]")


def _per_value(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values): a million counts hold a few dozen distinct texts, each parsed once."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    return codes, np.array([*uniques, None], dtype=object)  # code -1 (blank) -> the None at the end


def _parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    num = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(num) & (num >= 0) & (num == np.floor(num))
    return num, ok


def parse_counts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The column as numbers, and which are usable: a whole number, 0 or more (``"2"``, ``"2.0"``)."""
    codes, uniques = _per_value(values)
    num, ok = _parse(uniques)
    return num[codes], ok[codes]


def count_fault(values: pd.Series) -> np.ndarray:
    """Why each count is unusable ("blank", "not a number", "negative", "fractional"), or ""."""
    codes, uniques = _per_value(values)
    num, ok = _parse(uniques)
    text = np.array(["" if u is None else str(u).strip() for u in uniques], dtype=object)
    fault = np.select(
        [ok, text == "", np.isnan(num) | ~np.isfinite(num), num < 0],
        ["", "blank", "not a number", "negative"],
        default="fractional",
    ).astype(object)
    return fault[codes]


@dataclass
class _Children:
    """The evidence rows sorted by child then date, with what each child's rows show."""

    pos: np.ndarray  # row positions in the frame, in sorted order
    day: np.ndarray  # referral dates, datetime64[ns]
    child: np.ndarray  # 0, 1, 2 ... per child, in sorted order
    earlier: np.ndarray  # the child's latest referral strictly before this one (NaT: none)
    latest: np.ndarray  # per child: L, the latest referral
    in_extract: np.ndarray  # per child: referrals in the extract dated in [L - 12 months, L)
    count: np.ndarray  # per child: N, the column on L's row (NaN: absent or unusable)
    count_row: np.ndarray  # per child: position in the frame of the row N was read from (-1: none)
    own_ok: np.ndarray  # this row's own count is usable
    has_column: bool


def _children(frame: pd.DataFrame, counts: tuple[np.ndarray, np.ndarray] | None = None) -> _Children:
    problem = frame["problem"] if "problem" in frame else pd.Series("", index=frame.index)
    ev = (
        problem.fillna("").isin(EVIDENCE_PROBLEMS).to_numpy()
        & frame["child_id"].notna().to_numpy()
        & frame["referral_date"].notna().to_numpy()
    )
    idx = np.flatnonzero(ev)
    codes, _ = pd.factorize(frame["child_id"].to_numpy()[idx])
    days = frame["referral_date"].to_numpy(dtype="datetime64[ns]")[idx]
    has_column = "referrals_12m" in frame
    num, ok = (counts or parse_counts(frame["referrals_12m"])) if has_column else (None, None)
    order = np.lexsort((days, codes))  # stable: rows of one child on one day stay in file order
    pos, c, d = idx[order], codes[order], days[order]
    m = len(pos)
    new_child = np.ones(m, dtype=bool)
    new_child[1:] = c[1:] != c[:-1]
    new_day = new_child.copy()
    new_day[1:] |= d[1:] != d[:-1]
    before = np.full(m, _NAT)
    before[1:] = d[:-1]
    before[new_child] = _NAT
    # The row before the first row of this row's (child, day) block: the latest strictly earlier date.
    earlier = before[np.maximum.accumulate(np.where(new_day, np.arange(m), 0))] if m else before
    child = np.cumsum(new_child) - 1
    n_children = int(child[-1]) + 1 if m else 0
    latest = d[np.flatnonzero(np.r_[new_child[1:], True])] if m else d
    from_l = twelve_months_before(latest)
    window = (d >= from_l[child]) & (d < latest[child])
    in_extract = np.bincount(child, weights=window, minlength=n_children).astype(np.int64)
    count = np.full(n_children, np.nan)
    count_row = np.full(n_children, -1, dtype=np.int64)
    own_ok = np.zeros(m, dtype=bool)
    if has_column and m:
        assert num is not None and ok is not None
        own_ok = ok[pos]
        on_latest = np.flatnonzero((d == latest[child]) & own_ok)
        first = (
            on_latest[np.r_[True, child[on_latest][1:] != child[on_latest][:-1]]]
            if len(on_latest)
            else on_latest
        )
        count[child[first]] = num[pos[first]]
        count_row[child[first]] = pos[first]
    return _Children(pos, d, child, earlier, latest, in_extract, count, count_row, own_ok, has_column)


def extract_start(frame: pd.DataFrame, coverage: Sequence[Any] | None = None) -> tuple[dt.date | None, str]:
    """The extract's first day, and where it came from: the stated period, else the earliest referral."""
    if coverage is not None and coverage[0] is not None:
        return pd.Timestamp(coverage[0]).date(), "the first day of the period its title states"
    days = frame["referral_date"].dropna()
    if days.empty:
        return None, "its earliest referral"
    return days.min().date(), "its earliest referral"


def lookback(frame: pd.DataFrame, *, coverage: Sequence[Any] | None = None) -> pd.DataFrame:
    """What the dates and the column show about each referral's 12-month look-back.

    Args:
        frame: a List 3 frame (``child_id``, ``referral_date``, ``problem``, and
            ``referrals_12m`` when the extract has the column).
        coverage: ``(first_day, last_day)`` of the period the extract states;
            None: the extract begins on its earliest referral date.

    Returns:
        A frame aligned with ``frame`` (same row order) with ``rereferral``
        (bool), ``evidence`` ("dates", "column", or "none" when the look-back
        reaches before the extract and the column gives nothing usable; ""
        for rows that are no evidence, such as duplicates), ``earlier`` (the
        earlier referral within 12 months, NaT if none), ``count`` (N, the
        column on the child's latest row), ``in_extract`` and ``before_extract``
        (of those N, how many are in the extract and how many before it),
        and ``reaches`` (the look-back starts before the extract's first day).
        ``attrs`` holds ``start``, ``start_from`` and ``has_column``.
    """
    ch = _children(frame)
    start, start_from = extract_start(frame, coverage)
    first = np.datetime64(start, "ns") if start is not None else _NAT
    back = twelve_months_before(ch.day)
    by_dates = ~np.isnat(ch.earlier) & (ch.earlier >= back)
    reaches = back < first
    count = ch.count[ch.child]
    latest_back = twelve_months_before(ch.latest)
    unseen = np.where(~np.isnan(ch.count) & (latest_back < first), np.maximum(ch.count - ch.in_extract, 0), 0)
    known = ch.own_ok & ~np.isnan(count)
    rere = by_dates | (reaches & known & (unseen[ch.child] >= 1))
    evidence = np.where(by_dates | ~reaches, "dates", np.where(known, "column", "none"))
    n, p = len(frame), ch.pos
    columns: dict[str, np.ndarray] = {
        "rereferral": np.zeros(n, dtype=bool),
        "evidence": np.full(n, "", dtype=object),
        "earlier": np.full(n, _NAT),
        "count": np.full(n, np.nan),
        "in_extract": np.zeros(n, dtype=np.int64),
        "before_extract": np.zeros(n, dtype=np.int64),
        "reaches": np.zeros(n, dtype=bool),
    }
    columns["rereferral"][p] = rere
    columns["evidence"][p] = evidence
    columns["earlier"][p] = np.where(by_dates, ch.earlier, _NAT)
    columns["count"][p] = count
    columns["in_extract"][p] = ch.in_extract[ch.child]
    columns["before_extract"][p] = unseen[ch.child]
    columns["reaches"][p] = reaches
    out = pd.DataFrame(columns, index=frame.index)
    out.attrs.update(start=start, start_from=start_from, has_column=ch.has_column)
    return out


def evidence_used(referrals: int, on_column: int, undecided: int) -> str:
    """Which evidence decided a group of referrals: "dates", "column", "dates and column" or "none"."""
    dates, column = referrals - on_column - undecided > 0, on_column > 0
    used = {(True, True): "dates and column", (True, False): "dates", (False, True): "column"}
    return used.get((dates, column), "none")


@dataclass(frozen=True)
class Evidence:
    """Which evidence decided a month's re-referrals, and how many referrals depended on the column.

    Attributes:
        month: the month's name ("September 2024").
        referrals, rereferrals: the month's figures (the Total row).
        by_dates: re-referrals shown by an earlier referral in the extract.
        by_column: re-referrals shown only by the column (referrals before the extract).
        on_column: referrals whose answer came from the column (re-referral or not).
        undecided: referrals whose look-back reaches before the extract with no usable count:
            counted as not re-referrals, so the rate may be too low.
        start: the extract's first day; start_from: where that came from.
        has_column: the extract has the column at all.
    """

    month: str
    referrals: int
    rereferrals: int
    by_dates: int
    by_column: int
    on_column: int
    undecided: int
    start: dt.date | None
    start_from: str
    has_column: bool

    @property
    def used(self) -> str:
        """ "dates", "column", "dates and column", or "none" (nothing to decide)."""
        column = self.on_column > 0
        dates = self.referrals - self.on_column - self.undecided > 0
        return {(True, True): "dates and column", (True, False): "dates", (False, True): "column"}.get(
            (dates, column), "none"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "evidence": self.used,
            "extract_start": None if self.start is None else self.start.isoformat(),
            "extract_start_from": self.start_from,
            "rereferrals_by_dates": self.by_dates,
            "rereferrals_by_column": self.by_column,
            "depended_on_column": self.on_column,
            "undecided": self.undecided,
            "column_present": self.has_column,
        }

    def sentence(self) -> str:
        """The note printed on stderr and on the Re-referrals sheet."""
        if self.referrals == 0:
            return f"Re-referrals, {self.month}: no referrals in the month."
        began = f"{self.start:%d/%m/%Y}, {self.start_from}" if self.start else "its first day"
        decided = {"column": "the column", "dates and column": "the dates and the column"}
        text = (
            f"Re-referrals, {self.month}: decided by {decided.get(self.used, 'the dates')}. "
            f"{self.rereferrals} of {self.referrals} referrals are re-referrals: {self.by_dates} shown by an "
            f'earlier referral in the extract, {self.by_column} by the column "{COLUMN}" '
            f"(referrals before the extract began on {began}). "
            f"{self.on_column} referral(s) depended on the column."
        )
        if self.undecided:
            why = "have no usable count" if self.has_column else "the extract has no such column"
            text += (
                f" {self.undecided} referral(s) look back before the extract began and {why}: they count "
                "as not re-referrals, so the rate may be too low."
            )
        return text


def count_problems(
    frame: pd.DataFrame, header: str = COLUMN
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Data-quality warnings on the column: ``(mask, values, reasons)``, values and reasons per flagged row.

    * a count that is blank, not a number, negative or fractional;
    * a count that differs from the one on the child's latest row (Ofsted: one value per child);
    * a count on the latest row that disagrees with the extract's dates: fewer than the child's
      referrals in the extract in the 12 months before L, or more when those 12 months lie wholly
      inside the extract (from its earliest referral).

    All are warnings: the referral still counts; where the column is unusable the dates decide.
    """
    if "referrals_12m" not in frame:
        return []
    n = len(frame)
    codes, uniques = _per_value(frame["referrals_12m"])
    num_u, ok_u = _parse(uniques)
    num = num_u[codes]
    shown = np.array(["" if u is None else str(u) for u in uniques], dtype=object)[codes]
    rows = frame["source_row"].to_numpy() if "source_row" in frame else np.arange(n) + 2
    ch = _children(frame, (num, ok_u[codes]))
    out = []
    fault = count_fault(pd.Series(uniques, dtype=object))[codes]
    bad = np.zeros(n, dtype=bool)
    bad[ch.pos] = fault[ch.pos] != ""
    if bad.any():
        reason = (
            f"{header} is " + fault[bad] + ". It should be a whole number, 0 or more: the child's referrals "
            "in the 12 months before their latest one. Still counted; this referral is a re-referral only "
            "if the extract's dates show one. Correct it on the source system."
        )
        out.append((bad, shown[bad], reason.astype(object)))
    count = ch.count[ch.child]
    differs = np.zeros(n, dtype=bool)
    differs[ch.pos] = ch.own_ok & ~np.isnan(count) & (num[ch.pos] != count)
    if differs.any():
        where = np.zeros(n, dtype=np.int64)
        where[ch.pos] = ch.count_row[ch.child]
        latest_row = rows[where[differs]].astype(str).astype(object)
        there = np.empty(n, dtype=object)
        there[ch.pos] = np.where(
            ch.count_row[ch.child] >= 0, shown[np.maximum(ch.count_row[ch.child], 0)], ""
        )
        reason = (
            f"{header} is " + shown[differs] + " here but " + there[differs] + " on this child's latest "
            "referral (row " + latest_row + "). Every row of a child should carry the same value (Ofsted's "
            "Annex A guidance); the latest row's value is used."
        )
        out.append((differs, shown[differs], reason.astype(object)))
    out += _disagreements(frame, ch, shown, header)
    return out


def _disagreements(
    frame: pd.DataFrame, ch: _Children, shown: np.ndarray, header: str
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Warnings on each child's latest row whose count disagrees with the extract's own dates."""
    n = len(frame)
    has = ch.count_row >= 0
    if not has.any():
        return []
    start = ch.day.min()
    latest_back = twelve_months_before(ch.latest)
    fewer = has & (ch.count < ch.in_extract)
    more = has & (ch.count > ch.in_extract) & (latest_back >= start)
    out = []
    for mask_children, before, after in (
        (fewer, "but this extract holds ", " referral(s) of this child in the 12 months before "),
        (more, "but this extract, which covers the 12 months before ", ", holds "),
    ):
        if not mask_children.any():
            continue
        at = ch.count_row[mask_children]
        order = np.argsort(at)  # flag_rows takes the flagged rows in frame order
        held = ch.in_extract[mask_children][order].astype(str).astype(object)
        when = pd.DatetimeIndex(ch.latest[mask_children][order]).strftime("%d/%m/%Y").to_numpy(dtype=object)
        mask = np.zeros(n, dtype=bool)
        mask[at] = True
        middle = before + held + after + when if mask_children is fewer else before + when + after + held
        reason = (
            f"{header} is " + shown[mask] + ", " + middle + ". The dates are used; check the count on the "
            "source system."
        )
        out.append((mask, shown[mask], reason.astype(object)))
    return out
