"""``xladdin workdays START END``: elapsed working days, the deadline and the verdict for two dates.

Quick to start: the working-day engine needs numpy, not pandas, for two dates
typed as ``dd/mm/yyyy`` or ``yyyy-mm-dd`` (``core.dates.parse_date`` reads
those without pandas; other forms, and a closure-days file, import it).
"""

from __future__ import annotations

import argparse
import sys

from xladdin.cli import common
from xladdin.core.workdays import deadline, networkdays, working_days_between


def cmd_workdays(args: argparse.Namespace) -> int:
    cal = common.calendar(args)
    start, end = common.parse_date(args.start, "START"), common.parse_date(args.end, "END")
    elapsed = working_days_between(start, end, calendar=cal)
    due = deadline(start, args.days, calendar=cal)
    legacy = networkdays(start, end, calendar=cal)
    ok = elapsed <= args.days
    sys.stdout.write(
        f"Start:    {start:%a %d/%m/%Y}\n"
        f"End:      {end:%a %d/%m/%Y}\n"
        f"Elapsed working days: {elapsed} (the start day is day 0)\n"
        f"Deadline (working day {args.days} after the start): {due:%a %d/%m/%Y}\n"
        f"Result:   {'in time' if ok else 'late'}\n"
        f"Legacy count NETWORKDAYS(start, end): {legacy} "
        f"({'in time' if legacy <= args.days else 'late'} by legacy counting)\n"
    )
    return 0
