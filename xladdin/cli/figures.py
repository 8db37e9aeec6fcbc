"""The counting commands: timeliness, re-referrals, the data-quality list, working days between two dates."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from xladdin.cli import common
from xladdin.cli.output import format_table
from xladdin.core.measures import assessment_timeliness, rereferral_rate
from xladdin.core.workdays import deadline, networkdays, working_days_between
from xladdin.errors import XladdinError


def cmd_timeliness(args: argparse.Namespace) -> int:
    cal = common.calendar(args)
    assessments = common.read("assessments", args, args.extract)
    referrals = common.read("referrals", args, args.referrals).frame if args.referrals else None
    table = assessment_timeliness(
        assessments.frame,
        args.month,
        counting=args.counting,
        clock=args.clock,
        referrals=referrals,
        days=args.days,
        calendar=cal,
    )
    sys.stdout.write(format_table(table, args.format, "timeliness"))
    _note_excluded(assessments, args.month)
    return 0


def cmd_rereferrals(args: argparse.Namespace) -> int:
    referrals = common.read("referrals", args, args.extract)
    table = rereferral_rate(referrals.frame, args.month)
    sys.stdout.write(format_table(table, args.format, "rereferrals"))
    if args.format == "table":
        sys.stdout.write("Denominator: referrals in the month (not children).\n")
    _note_excluded(referrals, args.month)
    return 0


def _note_excluded(extract, month) -> None:
    """Say how many rows were kept out of this month's figures (and, apart, of other months')."""
    from xladdin.extracts.by_month import quality_by_month

    in_month, other = quality_by_month([extract], month).excluded()
    if in_month or other:
        sys.stderr.write(
            f"{in_month} row(s) of {extract.path.name} were kept out of {month.name}'s figures "
            f"({other} more from other months): run `xladdin quality {extract.path} --month {month}` "
            "to see why.\n"
        )


def cmd_quality(args: argparse.Namespace) -> int:
    extract = common.read(args.kind, args, args.extract)
    quality = extract.quality
    extracts = [extract]
    if args.referrals:
        from xladdin.extracts.read import cross_check

        if extract.kind != "assessments":
            raise XladdinError(
                f"{extract.path.name} is not an assessments extract (List 4): "
                "--referrals cross-checks a List 4 extract against a List 3 extract."
            )
        referrals = common.read("referrals", args, args.referrals)
        extracts.append(referrals)
        quality = pd.concat([quality, referrals.quality, cross_check(extract, referrals)], ignore_index=True)
        where = f"{extract.path.name} and {referrals.path.name}"
    else:
        where = f"{extract.rows} rows of {extract.path.name}"
    if args.month is not None:
        return _quality_for_month(args, extracts, quality, where)
    if args.format == "csv":
        sys.stdout.write(quality.to_csv(index=False, lineterminator="\n"))
    elif args.format == "json":
        sys.stdout.write(quality.to_json(orient="records", force_ascii=False, indent=2) + "\n")
    elif quality.empty:
        sys.stdout.write(f"{extract.path.name}: {extract.rows} rows, no data-quality problems.\n")
    else:
        sys.stdout.write(quality.to_string(index=False) + "\n")
        sys.stdout.write(f"{len(quality)} problem(s) in {where}.\n")
    return 0


def cmd_workdays(args: argparse.Namespace) -> int:
    cal = common.calendar(args)
    start, end = common.parse_date(args.start), common.parse_date(args.end)
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


def _quality_for_month(args: argparse.Namespace, extracts: list, quality: pd.DataFrame, where: str) -> int:
    """``xladdin quality --month``: the rows that affect the month first, then the others, counted."""
    from xladdin.extracts.by_month import quality_by_month

    ordered = quality_by_month(extracts, args.month, quality)
    rows = ordered.rows
    if args.format == "csv":
        sys.stdout.write(rows.to_csv(index=False, lineterminator="\n"))
    elif args.format == "json":
        sys.stdout.write(rows.to_json(orient="records", force_ascii=False, indent=2) + "\n")
    elif rows.empty:
        sys.stdout.write(f"{where}: no data-quality problems.\n")
    else:
        sys.stdout.write(ordered.note + "\n")
        shown = rows.drop(columns=["affects_month"])
        if ordered.in_month:
            sys.stdout.write(shown.iloc[: ordered.in_month].to_string(index=False) + "\n")
        if ordered.other:
            sys.stdout.write(f"--- {ordered.other} row(s) from other months ---\n")
            sys.stdout.write(shown.iloc[ordered.in_month :].to_string(index=False) + "\n")
        sys.stdout.write(f"{len(rows)} problem(s) in {where}.\n")
    return 0
