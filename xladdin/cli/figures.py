"""The counting commands: timeliness, re-referrals, the data-quality list, working days between two dates."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from xladdin.cli import common
from xladdin.cli.output import format_detail, format_table
from xladdin.core.measures import (
    assessment_timeliness,
    clock_fallbacks,
    completed_assessments,
    rereferral_detail,
    rereferral_table,
)
from xladdin.core.month import Month
from xladdin.core.rereferrals import evidence_used
from xladdin.core.workdays import deadline, networkdays, working_days_between
from xladdin.errors import XladdinError


def cmd_timeliness(args: argparse.Namespace) -> int:
    cal = common.calendar(args)
    assessments = common.read("assessments", args, args.extract)
    refs = common.read("referrals", args, args.referrals) if args.referrals else None
    referrals = refs.frame if refs is not None else None
    options: dict[str, Any] = {
        "clock": args.clock,
        "referrals": referrals,
        "days": args.days,
        "calendar": cal,
    }
    if args.detail:
        detail = completed_assessments(assessments.frame, args.month, **options)
        sys.stdout.write(format_detail(detail, args.format))
    else:
        table = assessment_timeliness(assessments.frame, args.month, counting=args.counting, **options)
        sys.stdout.write(format_table(table, args.format, "timeliness"))
    if args.clock == "referral" and refs is not None:
        _note_clock_fallbacks(assessments, refs, args.month)
    _note_excluded(assessments, args.month)
    return 0


def _note_clock_fallbacks(assessments: Any, refs: Any, month: Month) -> None:
    """With the referral-date clock, say how many assessments fell back to their own start date."""
    frame = assessments.frame
    counted = (frame["problem"] == "").to_numpy()
    fell = clock_fallbacks(frame, refs.frame) & counted
    done = counted & (frame["authorised"].dt.to_period("M") == month.period()).to_numpy()
    n_month, n_done, n_all = int((fell & done).sum()), int(done.sum()), int(fell.sum())
    sys.stderr.write(
        f"Referral-date clock: {n_month} of the {n_done} assessment(s) completed in {month.name} had no "
        f"referral of the child on or before their start in {refs.path.name}, so their clock started at "
        f"the assessment start date ({n_all} in the whole extract; still counted). List them with "
        f"`xladdin quality {assessments.path} --referrals {refs.path} --clock referral`.\n"
    )


def cmd_rereferrals(args: argparse.Namespace) -> int:
    referrals = common.read("referrals", args, args.extract)
    # The period stated in the extract's title, when the reader knows it (else its earliest referral).
    coverage = getattr(referrals, "coverage", None)
    detail = rereferral_detail(referrals.frame, args.month, coverage=coverage)
    table = rereferral_table(detail)
    evidence = table.attrs["evidence"]
    if args.detail:
        sys.stdout.write(format_detail(detail, args.format))
    else:
        extra = [{**_team_evidence(r), **_month_evidence(evidence)} for r in table.itertuples(index=False)]
        sys.stdout.write(format_table(table, args.format, "rereferrals", extra=extra))
        if args.format == "table":
            sys.stdout.write("Denominator: referrals in the month (not children).\n")
    if args.format != "json" or args.detail:
        sys.stderr.write(evidence.sentence() + "\n")
    _note_excluded(referrals, args.month)
    return 0


def _team_evidence(row: Any) -> dict[str, Any]:
    on_column, undecided = int(row.on_column), int(row.undecided)
    return {
        "evidence": evidence_used(int(row.referrals), on_column, undecided),
        "rereferrals_by_dates": int(row.by_dates),
        "rereferrals_by_column": int(row.by_column),
        "depended_on_column": on_column,
        "undecided": undecided,
    }


def _month_evidence(evidence: Any) -> dict[str, Any]:
    keep = ("extract_start", "extract_start_from", "column_present")
    return {k: v for k, v in evidence.as_dict().items() if k in keep}


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
        from xladdin.core.crosscheck import clock_fallback_rows
        from xladdin.extracts.read import cross_check

        if extract.kind != "assessments":
            raise XladdinError(
                f"{extract.path.name} is not an assessments extract (List 4): "
                "--referrals cross-checks a List 4 extract against a List 3 extract."
            )
        referrals = common.read("referrals", args, args.referrals)
        parts = [quality, referrals.quality, cross_check(extract, referrals)]
        if args.clock == "referral":
            parts.append(
                clock_fallback_rows(
                    extract.frame,
                    referrals.frame,
                    assessments_file=extract.path.name,
                    referrals_file=referrals.path.name,
                    assessment_headers=extract.headers,
                )
            )
        extracts.append(referrals)
        quality = pd.concat(parts, ignore_index=True)
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
