"""``xladdin projection``: where the month will land, from an assessments extract taken during it.

Exit status 0 with the table; 1, with a plain message on stderr and nothing on
stdout, when the extract date is not inside the month (a month already over
has a final figure: ``xladdin timeliness`` gives it); 2 for unusable input.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import Any

import pandas as pd

from xladdin.cli import common
from xladdin.cli.figures import _note_excluded, _usable
from xladdin.cli.output import safe_cell
from xladdin.core.month import Month
from xladdin.core.projection import PROJECTION_COLUMNS, month_end_projection, projection_applies

#: What each column is called in the aligned table (csv and json keep the column names).
TITLES = {
    "team": "Team/Locality",
    "completed": "So far",
    "in_time": "In time",
    "overdue": "Overdue",
    "due": "Due",
    "percent": "% so far",
    "if_due_on_time": "If due on time",
    "if_overdue_too": "If overdue too",
}
RATES = ("percent", "if_due_on_time", "if_overdue_too")


def cmd_projection(args: argparse.Namespace) -> int:
    assessments = common.read("assessments", args, args.extract)
    refs = common.read("referrals", args, args.referrals) if args.referrals else None
    month: Month = args.month
    when = assessments.extract_date
    if not projection_applies(month, when):
        sys.stderr.write(f"xladdin: {not_inside(month, when, assessments.path)}\n")
        return 1
    notes = _usable(assessments, args)  # exit 2 when nothing counts; the reading notes
    table = month_end_projection(
        assessments.frame,
        month,
        when,
        clock=args.clock,
        referrals=None if refs is None else refs.frame,
        days=args.days,
        calendar=common.calendar(args),
    )
    rows = [_row(r) for r in table.itertuples(index=False)]
    if args.format == "json":
        meta = {
            "month": str(month),
            "extract_date": f"{when:%Y-%m-%d}",
            "month_end": f"{month.last_day:%Y-%m-%d}",
            **common.accounting(assessments),
            "notes": notes,
        }
        sys.stdout.write(json.dumps({**meta, "table": rows}, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(PROJECTION_COLUMNS)
        writer.writerows([[safe_cell(_text(r[c])) for c in PROJECTION_COLUMNS] for r in rows])
        sys.stdout.write(buf.getvalue())
    else:
        sys.stdout.write(_aligned(rows, month, when, args.days))
    if args.format != "json":
        common.say_notes([*notes, assessments.accounting()])
    _note_excluded(assessments, month)
    return 0


def not_inside(month: Month, when: Any, path: Any) -> str:
    """The plain message for an extract taken outside the month: what to run instead."""
    if when > month.last_day:
        return (
            f"no projection for {month.name}: {path.name} is dated {when:%d/%m/%Y}, after the month ended, so its "
            f"figure is final: `xladdin timeliness {path} --month {month}` gives it. A projection needs an "
            f"extract taken during the month (this one can project {Month.of(when).name}: --month {Month.of(when)})."
        )
    return (
        f"no projection for {month.name}: {path.name} is dated {when:%d/%m/%Y}, before the month began. A "
        f"projection needs an extract taken during the month (this one can project {Month.of(when).name}: "
        f"--month {Month.of(when)})."
    )


def _row(r: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"team": str(r.team)}
    for c in PROJECTION_COLUMNS[1:]:
        value = getattr(r, c)
        out[c] = (None if pd.isna(value) else round(float(value), 1)) if c in RATES else int(value)
    return out


def _text(value: Any) -> str:
    return "" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


def _aligned(rows: list[dict[str, Any]], month: Month, when: Any, days: int) -> str:
    cells = [[TITLES[c] for c in PROJECTION_COLUMNS]] + [
        [_text(r[c]) + ("%" if c in RATES and r[c] is not None else "") for c in PROJECTION_COLUMNS]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(PROJECTION_COLUMNS))]
    lines = [
        f"Month-end projection for {month.name} at the extract date, {when:%a %d/%m/%Y} (corrected counting):"
    ]
    for n, row in enumerate(cells):
        if n == len(cells) - 1:
            lines.append("  ".join("-" * w for w in widths))
        lines.append("  ".join([row[0].ljust(widths[0])] + [x.rjust(w) for x, w in zip(row[1:], widths[1:])]))
    total = rows[-1]
    lines += [
        f"So far: assessments completed in {month.name} up to the extract date, and those within {days} "
        "working days.",
        f"Overdue: open and already late whenever completed. Due: open, still in time, with a deadline by "
        f"{month.last_day:%d/%m/%Y}.",
        f"If every due one is completed by its deadline: {_pct(total['if_due_on_time'])}; if every overdue one "
        f"is completed this month too: {_pct(total['if_overdue_too'])}.",
    ]
    return "\n".join(lines) + "\n"


def _pct(value: float | None) -> str:
    return "no figure (nothing completed or due)" if value is None else f"{value:.1f}%"
