"""Team tables as the command line prints them: an aligned table, csv or json.

Every csv the command line writes is safe to open in a spreadsheet: a text that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with
a leading apostrophe (``'=HYPERLINK(...)``), so Excel shows it as text and never
runs it as a formula (:func:`safe_cell`, :func:`frame_csv`). Numbers are not touched.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

COUNT_COLUMNS = {
    "timeliness": ("completed", "in_time"),
    "rereferrals": ("referrals", "rereferrals"),
}


#: How a formula begins in a spreadsheet (OWASP "CSV injection"); tab and CR too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, with a leading apostrophe; else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def frame_csv(frame: pd.DataFrame) -> str:
    """A frame as csv (no index, ``\n`` line ends), its texts made safe with :func:`safe_cell`."""
    import csv

    out = frame.copy()
    bare_cr = False
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            text = out[c].astype(object)
            is_text = text.map(lambda v: isinstance(v, str))
            risky = (
                is_text & text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
            ).to_numpy(bool)
            if risky.any():
                text = text.where(~risky, "'" + text.astype(str))
                out[c] = text
            bare_cr = bare_cr or bool(text.map(lambda v: isinstance(v, str) and "\r" in v).any())
    # Python's csv writer leaves a carriage return unquoted when lines end in "\n": quote every text then.
    quoting = csv.QUOTE_NONNUMERIC if bare_cr else csv.QUOTE_MINIMAL
    return out.to_csv(index=False, lineterminator="\n", quoting=quoting)


def format_table(
    table: pd.DataFrame,
    fmt: str,
    kind: str,
    *,
    meta: dict[str, Any] | None = None,
    extra: list[dict[str, Any]] | None = None,
) -> str:
    """A team table as text: ``table`` (aligned), ``csv`` or ``json``.

    Percent has one decimal place and is blank when nothing was counted. ``json`` is
    an object: the fields of ``meta`` (the extract's accounting, notes...) and
    ``"table"``, the rows; ``extra`` adds fields to each row there (the csv header never changes).
    """
    count, hits = COUNT_COLUMNS[kind]
    rows: list[dict[str, Any]] = [
        {
            "team": str(r.team),
            count: int(getattr(r, count)),
            hits: int(getattr(r, hits)),
            "percent": None if pd.isna(r.percent) else round(float(r.percent), 1),
        }
        for r in table.itertuples(index=False)
    ]
    if fmt == "json":
        if extra:
            rows = [{**r, **e} for r, e in zip(rows, extra)]
        return json.dumps({**(meta or {}), "table": rows}, ensure_ascii=False, indent=2) + "\n"
    header = ["team", count, hits, "percent"]

    def pct(v: float | None) -> str:
        return "" if v is None else f"{v:.1f}"

    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        for r in rows:
            writer.writerow([safe_cell(r["team"]), r[count], r[hits], pct(r["percent"])])
        return buf.getvalue()
    titles = {
        "team": "Team/Locality",
        "completed": "Denominator",
        "in_time": "Numerator",
        "referrals": "Referrals",
        "rereferrals": "Re-referrals",
        "percent": "%",
    }
    cells = [[titles[h] for h in header]] + [
        [
            r["team"],
            str(r[count]),
            str(r[hits]),
            pct(r["percent"]) + ("%" if r["percent"] is not None else ""),
        ]
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    lines = []
    for n, c in enumerate(cells):
        if n == len(cells) - 1:
            lines.append("  ".join("-" * w for w in widths))
        lines.append("  ".join([c[0].ljust(widths[0])] + [x.rjust(w) for x, w in zip(c[1:], widths[1:])]))
    return "\n".join(lines) + "\n"


def format_detail(detail: pd.DataFrame, fmt: str) -> str:
    """Child-level rows as ``csv`` (dates dd/mm/yyyy, yes/no, blanks) or ``json`` (ISO dates, true/false)."""
    out = detail.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            text = s.dt.strftime("%Y-%m-%d" if fmt == "json" else "%d/%m/%Y")
            out[c] = text.astype(object).where(s.notna(), None)
        elif pd.api.types.is_bool_dtype(s) and fmt != "json":
            out[c] = np.where(s, "yes", "no")
        elif pd.api.types.is_float_dtype(s):  # whole counts with blanks (the column's value)
            out[c] = s.round().astype("Int64").astype(object).where(s.notna(), None)
    if fmt == "json":
        return json.dumps(out.to_dict("records"), ensure_ascii=False, indent=2, default=str) + "\n"
    return frame_csv(out)  # child IDs, teams and workers: escaped like every csv the CLI writes
