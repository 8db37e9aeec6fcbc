"""Team tables as the command line prints them: an aligned table, csv or json."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

COUNT_COLUMNS = {
    "timeliness": ("completed", "in_time"),
    "rereferrals": ("referrals", "rereferrals"),
}


def format_table(
    table: pd.DataFrame, fmt: str, kind: str, *, extra: list[dict[str, Any]] | None = None
) -> str:
    """A team table as text: ``table`` (aligned), ``csv`` or ``json``.

    Percent has one decimal place and is blank when nothing was counted.
    ``extra`` adds fields to each row in ``json`` only (the csv header never changes).
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
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
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
            writer.writerow([r["team"], r[count], r[hits], pct(r["percent"])])
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
    return out.to_csv(index=False, lineterminator="\n")
