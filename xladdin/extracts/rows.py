"""What the reader does to the rows themselves: tidy the text as case systems write it, list the
rows that cannot be counted, and refuse an extract with nothing left to count.

Text as case systems write it: no-break spaces (U+00A0), doubled spaces, tabs and
leading or trailing spaces that a person cannot see, so "Team\u00a0North",
"Team  North" and " Team North" are one team:

* :func:`tidy_categories`: team and worker names with whitespace collapsed to one
  ordinary space and trimmed; blank and ``NULL`` (as SQL exports write a missing
  value) become missing. Done once per distinct name, not per row.
* :func:`tidy_ids`: child IDs trimmed (leading and trailing spaces of any kind);
  blank and ``NULL`` become missing.

Rows that cannot be counted stay in the frame and are listed (rule ``malformed``):
:func:`broken_rows` (CSV lines of the wrong width or with a stray quote) and
:func:`too_long` (a "team" longer than any team name: a broken quote or a shifted
column; the value itself is then blanked, so it never reaches a table).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core import quality as q
from xladdin.errors import ExtractError
from xladdin.extracts.spec import RawTable

_SPACES = re.compile(r"[\s\u200b\u2060\ufeff]+")
BLANK_WORDS = ("", "null")


def tidy_text(value: str) -> str:
    """One text value with its whitespace made ordinary: collapsed to single spaces and trimmed."""
    return _SPACES.sub(" ", value).strip()


def tidy_categories(s: pd.Series) -> pd.Series:
    """Team or worker names tidied (see the module docstring); cheap: once per category."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    cats = pd.Series(s.cat.categories.astype(str), dtype=object)
    new = cats.map(tidy_text)
    blank = new.str.casefold().isin(BLANK_WORDS)
    if new.equals(cats) and not blank.any():
        return s
    inv, uniq = pd.factorize(new.where(~blank, None))
    codes = s.cat.codes.to_numpy()
    new_codes = np.where(codes >= 0, inv[np.maximum(codes, 0)], -1)
    return pd.Series(pd.Categorical.from_codes(new_codes, categories=uniq), index=s.index)


def tidy_ids(s: pd.Series) -> pd.Series:
    """Child IDs trimmed; blank and ``NULL`` missing (a vectorised pass, about 0.1 s a million)."""
    out = s.astype("str").str.strip()
    blank = out.str.casefold().isin(BLANK_WORDS) if len(out) < 50_000 else out.isin(["", "NULL", "null"])
    return out.where(~blank.to_numpy(), None)


#: Longer than any team name, child ID or worker name: a broken quote or a shifted column.
MAX_TEXT = 255


def broken_rows(table: RawTable, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Quality rows for the CSV lines that are not rows of the right width (rule "malformed")."""
    b = table.broken
    mask = np.isin(frame["source_row"].to_numpy(), b["source_row"].to_numpy(dtype=np.int64))
    if not mask.any():
        return q.combine([])
    by_row = dict(zip(b["source_row"].tolist(), zip(b["value"].tolist(), b["reason"].tolist())))
    rows = frame.loc[mask, "source_row"].tolist()
    return q.flag_rows(
        frame,
        mask,
        file=name,
        column="(whole line)",
        value=np.array([by_row[r][0] for r in rows], dtype=object),
        reason=np.array(
            [
                f"Line {r} {by_row[r][1]}. Kept out of the figures: correct it on the source system and re-run the extract."
                for r in rows
            ],
            dtype=object,
        ),
        rule="malformed",
        problem="broken row",
    )


def too_long(frame: pd.DataFrame, name: str, headers: dict[str, str]) -> pd.DataFrame:
    """Texts longer than any team name, ID or worker: a broken quote or a shifted column."""
    parts = []
    for col in ("child_id", "team", "worker"):
        if col not in frame:
            continue
        s = frame[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            long_cat = np.asarray(s.cat.categories.astype(str).str.len() > MAX_TEXT, dtype=bool)
            codes = s.cat.codes.to_numpy()
            mask = (codes >= 0) & (long_cat[np.maximum(codes, 0)] if len(long_cat) else False)
        else:
            mask = (s.str.len() > MAX_TEXT).fillna(False).to_numpy(dtype=bool)
        if mask.any():
            parts.append(
                q.flag_rows(
                    frame,
                    mask,
                    file=name,
                    column=headers[col],
                    value=lambda sub, c=col: sub[c].astype(str).str.slice(0, 60) + "...",
                    reason=lambda sub, c=col: (
                        f"{headers[c]} is "
                        + sub[c].astype(str).str.len().map("{:,}".format)
                        + f" characters long, far longer than any {headers[c]}: a broken quote or a "
                        "value in the wrong column. Kept out of the figures: check the row on the source system."
                    ),
                    rule="malformed",
                    problem=f"{headers[col]} too long",
                )
            )
    return q.combine(parts)


def blank_long_values(frame: pd.DataFrame) -> None:
    """An over-long value is listed, and kept out of the frame too (it never reaches a table)."""
    for col in ("team", "worker"):
        if col in frame and isinstance(frame[col].dtype, pd.CategoricalDtype):
            cats = frame[col].cat.categories.astype(str)
            long = [c for c, n in zip(frame[col].cat.categories, cats.str.len()) if n > MAX_TEXT]
            if long:
                frame[col] = frame[col].cat.remove_categories(long)


def require_counted(extract: Any) -> None:
    """Raise when every row is kept out: the commonest reason, one example row, what to do.

    Raises:
        ExtractError: naming the file (and sheet), the reason and an example row.
    """
    if extract.rows == 0 or extract.counted > 0:
        return
    excl = extract.quality[extract.quality["rule"].isin(q.EXCLUDING_RULES)]
    if excl.empty:
        return
    key = (
        excl["reason"]
        .str.replace(r"^Line \d+ ", "Line N ", regex=True)
        .str.replace(r"'[^']*'", "'...'", regex=True)
    )
    common = key.value_counts().index[0]
    example = excl[key == common].iloc[0]
    count = int((key == common).sum())
    raise ExtractError(
        f"{extract.label}: every one of its {extract.rows:,} rows is kept out of the figures, so there is "
        f"nothing to count. Commonest reason ({count:,} rows), e.g. row {example['row']}, "
        f"{example['column']} {str(example['value'])[:60]!r}: {example['reason']} "
        f"`xladdin quality {extract.path}` lists every row."
    )
