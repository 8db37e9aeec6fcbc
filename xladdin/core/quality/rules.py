"""Data-quality rules on canonical extract frames: one row per problem, never a silent drop.

Which problems keep a row OUT of the rate, and which only warn (the convention
that causes mistakes, so it is stated first):

========  =========================================  ===========================
rule      problem                                    effect on the row
========  =========================================  ===========================
date      a key date cannot be read                  excluded (``frame.problem``)
malformed a CSV line of the wrong width or with a    excluded (the line is a row
          stray quote; a text too long for a team    with no values)
          name or ID
blank     child ID or a key date is blank            excluded
team      allocated team is blank                    excluded
8608      authorised before the start (CIN 8608)     excluded
future    a key date is after the extract date       excluded
duplicate same child + start (List 4), or same         later copies excluded; the
          child + referral date + source (List 3)    first is kept and counted once
8896      two or more open assessments for a child   warning only, still counted
1103      assessment starts before the referral      warning only (cross-check)
8831      referral NFA but the child was assessed    warning only (cross-check)
12m       "Number of Referrals in Last 12 Months"    warning only: the dates
          unusable, differing within a child, or     decide that referral
          disagreeing with the extract's dates
clock     no referral on or before the start: the    warning only (referral-date
          referral-date clock fell back to it        clock, cross-check)
========  =========================================  ===========================

"Key dates" are the assessment start and authorisation (List 4) and the
referral date (List 3). A blank authorisation is not a problem: it is an open
assessment. Rule numbers are the DfE Children in Need census validation rules.

Every quality row has the columns in :data:`QUALITY_COLUMNS`: ``file`` (the
file name), ``row`` (the row number as a spreadsheet shows it), ``column``
(the header as written in the file), ``value`` (as in the file, dates as
dd/mm/yyyy), ``reason`` (plain English, with what to do) and ``rule``.

The functions here are pure pandas and fully vectorised: a million rows take a
fraction of a second. ``xladdin.extracts.read`` calls them after reading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core.rereferrals import count_problems
from xladdin.core.schema import ASSESSMENT_HEADERS, AUDIT_HEADERS, REFERRAL_HEADERS

QUALITY_COLUMNS = ("file", "row", "column", "value", "reason", "rule")

#: Rules that keep a row out of the measures (they set ``frame.problem``).
EXCLUDING_RULES = frozenset({"date", "blank", "team", "8608", "future", "duplicate", "malformed"})
#: Rules that only warn: the row still counts.
WARNING_RULES = frozenset({"8896", "1103", "8831", "12m", "clock"})

# Internal: quality rows carry a short ``problem`` label while being built; the
# label goes into ``frame.problem`` for excluding rules and is then dropped.
_COLUMNS = (*QUALITY_COLUMNS, "problem")


def empty_quality() -> pd.DataFrame:
    """An empty data-quality list with the standard columns."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "str") for c in QUALITY_COLUMNS})


def flag_rows(
    frame: pd.DataFrame,
    mask: pd.Series | np.ndarray,
    *,
    file: str,
    column: str,
    value: Any = "",
    reason: Any = "",
    rule: str,
    problem: Any = "",
) -> pd.DataFrame:
    """Quality rows for the rows of ``frame`` where ``mask`` is true (vectorised).

    ``value``, ``reason`` and ``problem`` are each a constant text, an array
    aligned with ``frame``, or a function of the selected sub-frame (so that
    text is only built for the few rows at fault, not a million).
    """
    mask = np.asarray(mask, dtype=bool)
    n = int(mask.sum())
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in _COLUMNS})
    sub = frame.loc[mask]

    def pick(x: Any) -> np.ndarray:
        if isinstance(x, str):
            return np.full(n, x, dtype=object)
        if callable(x):
            return np.asarray(x(sub), dtype=object)
        arr = np.asarray(x, dtype=object)
        return arr if len(arr) == n and n != len(mask) else arr[mask]

    return pd.DataFrame(
        {
            "file": np.full(n, file, dtype=object),
            "row": sub["source_row"].to_numpy(),
            "column": np.full(n, column, dtype=object),
            "value": pick(value),
            "reason": pick(reason),
            "rule": np.full(n, rule, dtype=object),
            "problem": pick(problem),
        }
    )


def text_date(s: pd.Series) -> pd.Series:
    """Dates as dd/mm/yyyy text (how an officer sees them in the extract)."""
    return s.dt.strftime("%d/%m/%Y").fillna("")


def as_text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str)


def _blank(s: pd.Series) -> np.ndarray:
    """Missing, empty or only spaces (cheap on a million rows: see the comments)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        # Check each category once, not each row.
        cats = np.asarray(s.cat.categories.astype(str).str.strip() == "", dtype=bool)
        codes = s.cat.codes.to_numpy()
        return (codes < 0) | (cats[np.maximum(codes, 0)] if len(cats) else False)
    out = s.isna().to_numpy()
    if pd.api.types.is_string_dtype(s) or s.dtype == object:
        text = s.astype("str")
        # Only a text that sorts before "!" can start with a space; strip just those.
        cand = (text < "!").to_numpy() & ~out
        if cand.any():
            out[cand] = (text[cand].str.strip() == "").to_numpy()
    return out


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        out = pd.DataFrame({c: pd.Series(dtype="str") for c in _COLUMNS})
        out["row"] = out["row"].astype("int64")
        return out
    out = pd.concat(parts, ignore_index=True)
    out["row"] = out["row"].astype("int64")
    return out.sort_values(["file", "row"], kind="stable").reset_index(drop=True)


def _duplicates(frame: pd.DataFrame, keys: list[str], *, file: str, column: str, what: str) -> pd.DataFrame:
    """Later copies of the same key, each pointing at the first copy's row (first one kept).

    A blank child or date is never a duplicate (it is listed as blank); a blank
    referral source is compared like any other value.
    """
    usable = np.ones(len(frame), dtype=bool)
    for k in keys:
        if k != "source":
            usable &= frame[k].notna().to_numpy()
    dup = _duplicated(frame, keys) & usable
    if not dup.any():
        return flag_rows(frame, dup, file=file, column=column, rule="duplicate")
    # Find each copy's first row among the few children that have copies.
    later = frame.loc[dup, keys]
    cand = frame.loc[usable & frame[keys[0]].isin(later[keys[0]].unique()).to_numpy(), [*keys, "source_row"]]
    first = cand.drop_duplicates(keys, keep="first").rename(columns={"source_row": "first_row"})
    of_dup = later.merge(first, on=keys, how="left")["first_row"].astype("int64").astype(str)
    of_dup = of_dup.to_numpy(dtype=object)
    return flag_rows(
        frame,
        dup,
        file=file,
        column=column,
        rule="duplicate",
        value=lambda sub: as_text(sub["child_id"]),
        reason="Duplicate of row " + of_dup + f" (same {what}). Counted once; this copy is "
        "kept out of the rate. Remove the copy on the source system.",
        problem="duplicate of row " + of_dup,
    )


def _duplicated(frame: pd.DataFrame, keys: list[str], *, narrow_from: int = 10_000) -> np.ndarray:
    """``frame.duplicated(keys, keep="first")``, on a million rows in a fraction of the time.

    Hashing a million child IDs into pandas' table is most of the cost, so the rows are first
    narrowed by a fingerprint of their keys (Python's own hash of each value, cached on the
    string, folded together): rows with the same keys have the same fingerprint, so only rows
    whose fingerprint repeats can be copies, and pandas decides among those few exactly.
    """
    if len(frame) < narrow_from:
        return frame.duplicated(keys, keep="first").to_numpy()
    finger = np.zeros(len(frame), dtype=np.uint64)
    for k in keys:
        finger = finger * np.uint64(1_000_003) ^ _fingerprint(frame[k])
    maybe = pd.Series(finger).duplicated(keep=False).to_numpy()
    out = np.zeros(len(frame), dtype=bool)
    if maybe.any():
        out[maybe] = frame.loc[maybe, keys].duplicated(keep="first").to_numpy()
    return out


def _fingerprint(s: pd.Series) -> np.ndarray:
    """A uint64 per value, equal for equal values (missing ones included, as ``duplicated`` has them)."""
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        values = s.to_numpy(dtype=object)
        missing = s.isna().to_numpy()
        if missing.any():
            values = np.where(missing, "", values)
        out = np.fromiter(map(hash, values), dtype=np.int64, count=len(values)).view(np.uint64)
        out[missing] = 0
        return out
    return pd.util.hash_pandas_object(s, index=False).to_numpy()


def _as_timestamp(extract_date: dt.date) -> pd.Timestamp:
    return pd.Timestamp(extract_date).normalize()


def _date_checks(
    frame: pd.DataFrame,
    columns: tuple[str, ...],
    *,
    extract_date: dt.date,
    file: str,
    headers: Mapping[str, str],
    required: tuple[str, ...],
) -> list[pd.DataFrame]:
    parts = []
    limit = _as_timestamp(extract_date)
    already = frame["problem"].to_numpy() != "" if "problem" in frame else np.zeros(len(frame), bool)
    for col in columns:
        s = frame[col]
        if col in required:
            # A blank that was really an unreadable date is already listed (rule "date").
            parts.append(
                flag_rows(
                    frame,
                    s.isna().to_numpy() & ~already,
                    file=file,
                    column=headers[col],
                    value="",
                    reason=f"{headers[col]} is blank, so this row cannot be measured. "
                    "Fill it in on the source system and re-run the extract.",
                    rule="blank",
                    problem=f"blank {headers[col]}",
                )
            )
        fut = (s > limit).to_numpy()
        parts.append(
            flag_rows(
                frame,
                fut,
                file=file,
                column=headers[col],
                value=lambda sub, c=col: text_date(sub[c]),
                reason=f"{headers[col]} is after the extract date "
                f"({limit:%d/%m/%Y}). Kept out of the rate: check the date on the source system.",
                rule="future",
                problem=f"future {headers[col]}",
            )
        )
    return parts


def _blank_checks(
    frame: pd.DataFrame, *, file: str, headers: Mapping[str, str], team: bool = True
) -> list[pd.DataFrame]:
    parts = [
        flag_rows(
            frame,
            _blank(frame["child_id"]),
            file=file,
            column=headers["child_id"],
            value="",
            rule="blank",
            problem="blank child ID",
            reason=f"{headers['child_id']} is blank, so this row cannot be matched or de-duplicated. "
            "Kept out of the rate: fill it in on the source system.",
        )
    ]
    if team and "team" in frame:
        parts.append(
            flag_rows(
                frame,
                _blank(frame["team"]),
                file=file,
                column=headers["team"],
                value="",
                rule="team",
                problem="blank team",
                reason="No allocated team, so this row cannot go in a team's figures. "
                "Kept out of the rate: record the team on the source system.",
            )
        )
    return parts


def check_assessments(
    frame: pd.DataFrame,
    *,
    extract_date: dt.date,
    file: str = "",
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Data-quality rows for a canonical List 4 (assessments) frame.

    Rows whose ``problem`` is already set (an unreadable date, set by the
    reader) are not reported again as blank or open.

    Args:
        frame: canonical columns ``child_id, start, authorised, team`` plus
            ``source_row`` (and optionally ``problem``).
        extract_date: dates after this day are "future".
        file: the file name to show in each row.
        headers: canonical name -> header as written in the file.

    Returns:
        The quality rows (columns :data:`QUALITY_COLUMNS` plus an internal
        ``problem`` label; pass them to :func:`apply_problems`).
    """
    h = {**ASSESSMENT_HEADERS, **(headers or {})}
    parts = _blank_checks(frame, file=file, headers=h)
    parts += _date_checks(
        frame,
        ("start", "authorised"),
        extract_date=extract_date,
        file=file,
        headers=h,
        required=("start",),
    )
    # CIN census rule 8608: the authorisation date cannot be before the start date.
    neg = (frame["authorised"] < frame["start"]).to_numpy()
    parts.append(
        flag_rows(
            frame,
            neg,
            file=file,
            column=h["authorised"],
            value=lambda sub: text_date(sub["authorised"]),
            rule="8608",
            problem="authorised before start",
            reason=lambda sub: (
                "Authorised before the assessment start date ("
                + text_date(sub["start"])
                + "). Kept out of the rate: correct one of the two dates on the source system "
                "(CIN rule 8608)."
            ),
        )
    )
    dup = _duplicates(
        frame,
        ["child_id", "start"],
        file=file,
        column=h["child_id"],
        what="child and assessment start date",
    )
    parts.append(dup)
    parts.append(_open_twice(frame, dup, file=file, headers=h))
    return combine(parts)


def _open_twice(
    frame: pd.DataFrame, dup: pd.DataFrame, *, file: str, headers: Mapping[str, str]
) -> pd.DataFrame:
    """CIN rule 8896: a child should not have two or more open assessments at once."""
    ok = frame["problem"].to_numpy() == "" if "problem" in frame else np.ones(len(frame), bool)
    is_open = frame["authorised"].isna().to_numpy() & frame["start"].notna().to_numpy() & ok
    is_open &= ~np.isin(frame["source_row"].to_numpy(), dup["row"].to_numpy().astype(np.int64))
    sub = frame.loc[is_open, ["child_id", "source_row"]]
    counts = sub.groupby("child_id", sort=False, observed=True)["source_row"].transform("size")
    many = sub.loc[counts.to_numpy() > 1]
    mask = np.zeros(len(frame), dtype=bool)
    if len(many) == 0:
        return flag_rows(frame, mask, file=file, column="", value="", reason="", rule="8896")
    rows_of = many.groupby("child_id", sort=False, observed=True)["source_row"].agg(
        lambda r: ", ".join(str(x) for x in sorted(r))
    )
    mask[np.flatnonzero(is_open)[counts.to_numpy() > 1]] = True
    listed = frame.loc[mask, "child_id"].map(rows_of).to_numpy(dtype=object)
    reason = (
        "This child has more than one open assessment (rows " + listed + "). Still counted; "
        "close or merge the extra assessment on the source system (CIN rule 8896)."
    )
    return flag_rows(
        frame,
        mask,
        file=file,
        column=headers["child_id"],
        value=lambda sub: as_text(sub["child_id"]),
        reason=reason,
        rule="8896",
    )


def check_referrals(
    frame: pd.DataFrame,
    *,
    extract_date: dt.date,
    file: str = "",
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Data-quality rows for a canonical List 3 (referrals) frame (see :func:`check_assessments`)."""
    h = {**REFERRAL_HEADERS, **(headers or {})}
    parts = _blank_checks(frame, file=file, headers=h)
    parts += _date_checks(
        frame,
        ("referral_date",),
        extract_date=extract_date,
        file=file,
        headers=h,
        required=("referral_date",),
    )
    parts.append(
        _duplicates(
            frame,
            ["child_id", "referral_date", "source"],
            file=file,
            column=h["child_id"],
            what="child, referral date and referral source",
        )
    )
    # Ofsted's "Number of Referrals in Last 12 Months": warnings only (see core/rereferrals.py),
    # checked on the rows that are evidence of a referral (not duplicates, blanks or future dates).
    found = combine(parts)
    out = found["rule"].isin(EXCLUDING_RULES - {"team"}) & found["problem"].ne("")
    kept_out = np.isin(frame["source_row"].to_numpy(), found.loc[out, "row"].to_numpy())
    evidence = frame.assign(problem=np.where(kept_out, "kept out", frame.get("problem", "")))
    column = h["referrals_12m"]
    for mask, value, reason in count_problems(evidence, column):
        parts.append(flag_rows(frame, mask, file=file, column=column, value=value, reason=reason, rule="12m"))
    return combine(parts)


def check_audit(
    frame: pd.DataFrame, *, file: str = "", headers: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Data-quality rows for an audit tracker: blank audit ID and repeated audit IDs."""
    h = {**AUDIT_HEADERS, **(headers or {})}
    blank = _blank(frame["audit_id"])
    parts = [
        flag_rows(
            frame,
            blank,
            file=file,
            column=h["audit_id"],
            value="",
            rule="blank",
            problem="blank audit ID",
            reason="Audit ID is blank. Kept out of the summary: give the audit its ID in the tracker.",
        )
    ]
    sub = frame.assign(child_id=frame["audit_id"])
    parts.append(_duplicates(sub, ["child_id"], file=file, column=h["audit_id"], what="audit ID"))
    return combine(parts)


def apply_problems(frame: pd.DataFrame, quality: pd.DataFrame) -> pd.DataFrame:
    """Set ``frame.problem`` from the excluding quality rows; return the public quality list.

    ``frame`` is changed in place: its ``problem`` column is created, or
    extended with "; "-joined labels. Only the rows at fault are touched.
    The returned list has exactly :data:`QUALITY_COLUMNS`.
    """
    if "problem" not in frame:
        frame["problem"] = ""
    if len(quality) and "problem" in quality:
        excl = quality[quality["rule"].isin(EXCLUDING_RULES) & (quality["problem"] != "")]
        if len(excl):
            joined: dict[int, str] = {}
            for r, label in zip(excl["row"].tolist(), excl["problem"].tolist()):
                joined[r] = label if r not in joined else f"{joined[r]}; {label}"
            rows = frame["source_row"].to_numpy()
            order = np.argsort(rows, kind="stable")
            keys = np.fromiter(joined, dtype=np.int64, count=len(joined))
            pos = order[np.searchsorted(rows, keys, sorter=order)]
            labels = np.array(list(joined.values()), dtype=object)
            problem = frame["problem"].to_numpy(dtype=object).copy()
            old = problem[pos]
            problem[pos] = np.where(old == "", labels, old + "; " + labels)
            frame["problem"] = pd.Series(problem, index=frame.index, dtype="str")
    out = quality.loc[:, list(QUALITY_COLUMNS)] if len(quality) else empty_quality()
    return out.reset_index(drop=True)
