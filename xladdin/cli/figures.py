"""The counting commands: timeliness, re-referrals, the data-quality list, working days between two dates.

Every counting command accounts for every row of its extract: on stderr for
``--format table|csv`` (``list4.csv: 1,234 rows = 1,200 counted + 34 kept out``,
after one-line notes such as which extract date was used), and as fields of
``--format json`` (``rows``, ``counted``, ``kept_out``, ``notes``...). An extract
whose every row is kept out, or a month outside the extract, is exit 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from xladdin.cli import common
from xladdin.cli.output import format_table, frame_csv
from xladdin.core.measures import assessment_timeliness, rereferral_rate
from xladdin.core.schema import TOTAL
from xladdin.core.workdays import deadline, networkdays, working_days_between
from xladdin.errors import XladdinError


def cmd_timeliness(args: argparse.Namespace) -> int:
    cal = common.calendar(args)
    assessments = common.read("assessments", args, args.extract)
    notes = _usable(assessments, args)
    referrals = common.read("referrals", args, args.referrals) if args.referrals else None
    table = assessment_timeliness(
        assessments.frame,
        args.month,
        counting=args.counting,
        clock=args.clock,
        referrals=referrals.frame if referrals is not None else None,
        days=args.days,
        calendar=cal,
    )
    _print_table(table, args, "timeliness", assessments, notes, also=referrals)
    return 0


def cmd_rereferrals(args: argparse.Namespace) -> int:
    referrals = common.read("referrals", args, args.extract)
    notes = _usable(referrals, args)
    table = rereferral_rate(referrals.frame, args.month)
    _print_table(table, args, "rereferrals", referrals, notes)
    if args.format == "table":
        sys.stdout.write("Denominator: referrals in the month (not children).\n")
    return 0


def _usable(extract: Any, args: argparse.Namespace) -> list[str]:
    """Exit 2 unless something counts and the month lies inside the extract; the notes to print."""
    from xladdin.extracts import require_counted
    from xladdin.extracts.dates import check_month

    require_counted(extract)
    notes = list(extract.notes)
    notes.append(check_month(extract, args.month))
    if not extract.has_team:
        notes.append("No team column: one authority-wide Total.")
    return [n for n in notes if n]


def _print_table(
    table: pd.DataFrame,
    args: argparse.Namespace,
    kind: str,
    extract: Any,
    notes: list[str],
    *,
    also: Any = None,
) -> None:
    if not extract.has_team:
        table = table[table["team"] == TOTAL]  # no team column: the figure is authority-wide
    meta = {"month": str(args.month), **common.accounting(extract), "notes": notes}
    if also is not None:  # the referrals extract behind --clock referral
        meta["referrals"] = common.accounting(also)
        notes = [*notes, *also.notes]
    sys.stdout.write(format_table(table, args.format, kind, meta=meta))
    if args.format != "json":
        common.say_notes([*notes, extract.accounting(), *([also.accounting()] if also is not None else [])])


def cmd_quality(args: argparse.Namespace) -> int:
    from xladdin.extracts import cross_check, require_counted

    if args.kind:
        found = [common.read(args.kind, args, args.extract)]
        notes = list(found[0].notes)
    else:
        lists = common.read("annex", args, args.extract)
        found, notes = lists.extracts, [n for e in lists.extracts for n in e.notes] + lists.notes
    parts = [e.quality for e in found]
    kinds = {e.kind: e for e in found}
    if args.referrals:
        if "assessments" not in kinds:
            raise XladdinError(
                f"{found[0].label} is not an assessments extract (List 4): "
                "--referrals cross-checks a List 4 extract against a List 3 extract."
            )
        referrals = common.read("referrals", args, args.referrals)
        parts += [referrals.quality, cross_check(kinds["assessments"], referrals)]
        found.append(referrals)
    elif {"assessments", "referrals"} <= set(kinds):
        parts.append(cross_check(kinds["assessments"], kinds["referrals"]))  # one Annex A workbook
    quality = pd.concat(parts, ignore_index=True) if parts else found[0].quality
    _print_quality(quality, found, notes, args.format)
    for e in found:
        require_counted(e)  # after the list is printed: it shows why
    return 0


def _print_quality(quality: pd.DataFrame, found: list[Any], notes: list[str], fmt: str) -> None:
    where = " and ".join(e.label for e in found)
    if fmt == "csv":
        sys.stdout.write(frame_csv(quality))
    elif fmt == "json":
        import json

        totals = {k: sum(getattr(e, k) for e in found) for k in ("rows", "counted", "kept_out")}
        body = {
            **totals,
            "extracts": [common.accounting(e) for e in found],
            "notes": notes,
            "quality": json.loads(quality.to_json(orient="records", force_ascii=False)),
        }
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    elif quality.empty:
        sys.stdout.write(f"{where}: no data-quality problems.\n")
    else:
        sys.stdout.write(quality.to_string(index=False) + "\n")
        sys.stdout.write(f"{len(quality)} problem(s) in {where}.\n")
    if fmt != "json":
        common.say_notes([*notes, *(e.accounting() for e in found)])


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


def cmd_mapping_template(args: argparse.Namespace) -> int:
    from xladdin.extracts.lists import mapping_template

    sys.stdout.write(mapping_template(args.extract, kind=args.kind))
    return 0
