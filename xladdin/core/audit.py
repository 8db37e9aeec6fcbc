"""The re-referrals audit summary: allocated, completed, new vs similar, and concern types.

The seed report's audit paragraph (the November 2024 Performance Spotlight,
"Re-referrals audit summary") gives percentages with different bases, and the
bases are where mistakes happen. This module fixes them:

* completed: over all allocated audits (33 of 39 = 85%);
* new vs similar concerns: over **completed audits where the finding is
  recorded** (11 and 17 of 28 = 39% and 61%); a completed audit with the
  "New or Similar Concern" cell blank is not yet written up and stays out of
  both shares (it is counted on its own line, so nothing is hidden);
* concern types: over **similar** concerns only (10, 6 and 1 of 17 = 59%,
  35% and 6%); the concern type of a *new* concern is not part of this split.
"""

from __future__ import annotations

import pandas as pd

from xladdin.errors import XladdinError

AUDIT_SUMMARY_COLUMNS = ["measure", "count", "base", "percent"]
_TRUE = {"yes", "y", "true", "1", "completed", "complete", "done"}
_FALSE = {"no", "n", "false", "0", "", "nan", "none", "not completed", "in progress"}


def audit_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """The seed's audit summary from an audit tracker, one line per measure.

    Bases differ by line (see the module docstring): completed over allocated;
    new/similar over completed audits whose finding is recorded; each concern
    type over similar concerns. Rows with a ``problem`` (if the frame has that
    column) are kept out, as in every other measure.

    Args:
        frame: canonical audit frame (``xladdin.core.schema.AUDIT_HEADERS`` keys):
            one row per allocated audit, with ``completed`` (Yes/No, a coded
            ``a) Yes``, or a bool), ``concern`` ("New"/"Similar", blank when
            not recorded) and ``concern_type``.

    Returns:
        Columns ``measure, count, base, percent``; percent is 0-100 to one
        decimal (NaN when the base is 0). Lines, in order: "Audits allocated",
        "Audits completed", "Completed, finding not recorded", "New concerns",
        "Similar concerns", then "Similar concerns: <type>" for each type,
        largest first (ties by name), with "Similar concerns: not recorded"
        last if some similar concerns have no type.

    Raises:
        XladdinError: naming the row and value when ``completed`` or
            ``concern`` holds something that is not one of the values above.
    """
    rows = frame
    if "problem" in rows.columns:
        rows = rows[rows["problem"].fillna("").astype(str).eq("")]
    done = _completed(rows)
    concern = rows["concern"].map(_concern_kind)
    bad = concern.isna()
    if bad.any():
        at = _where(rows, bad)
        raise XladdinError(
            f"Audit tracker {at}: 'New or Similar Concern' is "
            f"{str(rows.loc[bad, 'concern'].iloc[0])!r}; write New or Similar, "
            "or leave it blank if the finding is not recorded."
        )
    concern = concern.where(done, "")
    recorded = done & concern.ne("")
    similar = concern.eq("similar")
    kinds = rows.loc[similar, "concern_type"].fillna("").astype(str).str.strip()
    allocated, completed = len(rows), int(done.sum())
    lines = [
        ("Audits allocated", allocated, allocated),
        ("Audits completed", completed, allocated),
        ("Completed, finding not recorded", int((done & ~recorded).sum()), completed),
        ("New concerns", int(concern.eq("new").sum()), int(recorded.sum())),
        ("Similar concerns", int(similar.sum()), int(recorded.sum())),
    ]
    # "Domestic abuse" and "domestic Abuse" are one type; spaces are normalised too.
    table = kinds[kinds.ne("")].str.lower().str.split().str.join(" ").value_counts()
    for kind in sorted(table.index, key=lambda k: (-table[k], k)):
        lines.append((f"Similar concerns: {kind}", int(table[kind]), int(similar.sum())))
    if kinds.eq("").any():
        lines.append(("Similar concerns: not recorded", int(kinds.eq("").sum()), int(similar.sum())))
    out = pd.DataFrame(lines, columns=["measure", "count", "base"])
    out["percent"] = (100 * out["count"] / out["base"].where(out["base"] > 0)).round(1)
    return out[AUDIT_SUMMARY_COLUMNS]


def _completed(rows: pd.DataFrame) -> pd.Series:
    values = rows["completed"]
    if values.dtype == bool:
        return values
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip().str.lower()
    text = text.str.replace(r"^[a-z]\)\s*", "", regex=True)  # Annex A style "a) Yes"
    good = text.isin(_TRUE | _FALSE)
    if not good.all():
        at = _where(rows, ~good)
        raise XladdinError(
            f"Audit tracker {at}: 'Completed' is {str(values[~good].iloc[0])!r}; write Yes or No."
        )
    return text.isin(_TRUE)


def _concern_kind(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip().lower()
    if text in ("", "nan", "not recorded"):
        return ""
    if text.startswith("new"):
        return "new"
    if text.startswith(("similar", "same")):
        return "similar"
    return None


def _where(rows: pd.DataFrame, mask: pd.Series) -> str:
    if "source_row" in rows.columns:
        return f"row {int(rows.loc[mask, 'source_row'].iloc[0])}"
    return f"row {mask.to_numpy().nonzero()[0][0] + 1} of the table"
