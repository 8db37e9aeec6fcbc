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
from xladdin.cli.output import format_detail, format_table, frame_csv
from xladdin.core.measures import (
    assessment_timeliness,
    clock_fallbacks,
    completed_assessments,
    rereferral_detail,
    rereferral_table,
)
from xladdin.core.month import Month
from xladdin.core.rereferrals import evidence_used
from xladdin.core.schema import TOTAL
from xladdin.errors import XladdinError


def cmd_timeliness(args: argparse.Namespace) -> int:
    cal = common.calendar(args)
    assessments = common.read("assessments", args, args.extract)
    notes = _usable(assessments, args)
    refs = common.read("referrals", args, args.referrals) if args.referrals else None
    options: dict[str, Any] = {
        "clock": args.clock,
        "referrals": refs.frame if refs is not None else None,
        "days": args.days,
        "calendar": cal,
    }
    if args.detail:
        detail = completed_assessments(assessments.frame, args.month, **options)
        _print_detail(detail, args, assessments, notes)
    else:
        table = assessment_timeliness(assessments.frame, args.month, counting=args.counting, **options)
        _print_table(table, args, "timeliness", assessments, notes, also=refs)
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
    notes = _usable(referrals, args)
    # The period stated in the extract's title, when it states one (else its earliest referral).
    detail = rereferral_detail(referrals.frame, args.month, coverage=referrals.coverage)
    table = rereferral_table(detail)
    evidence = table.attrs["evidence"]
    if args.detail:
        _print_detail(detail, args, referrals, notes)
    else:
        extra = [_team_evidence(r) for r in table.itertuples(index=False)]
        meta = {"evidence": _month_evidence(evidence)}
        _print_table(table, args, "rereferrals", referrals, notes, extra=extra, meta=meta)
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
    return dict(evidence.as_dict())


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
    extra: list[dict[str, Any]] | None = None,
    meta: dict[str, Any] | None = None,
) -> None:
    if not extract.has_team:
        keep = (table["team"] == TOTAL).to_numpy()  # no team column: the figure is authority-wide
        table = table[keep]
        extra = [e for e, k in zip(extra, keep) if k] if extra is not None else None
    meta = {"month": str(args.month), **common.accounting(extract), "notes": notes, **(meta or {})}
    if also is not None:  # the referrals extract behind --clock referral
        meta["referrals"] = common.accounting(also)
        notes = [*notes, *also.notes]
    sys.stdout.write(format_table(table, args.format, kind, meta=meta, extra=extra))
    if args.format != "json":
        common.say_notes([*notes, extract.accounting(), *([also.accounting()] if also is not None else [])])


def _print_detail(detail: pd.DataFrame, args: argparse.Namespace, extract: Any, notes: list[str]) -> None:
    """The child-level rows behind a table (``--detail``), and the same notes and accounting."""
    sys.stdout.write(format_detail(detail, args.format))
    if args.format != "json":
        common.say_notes([*notes, extract.accounting()])


def _note_excluded(extract: Any, month: Month) -> None:
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
        if args.clock == "referral":
            parts.append(_clock_fallback_rows(kinds["assessments"], referrals))
        found.append(referrals)
    elif {"assessments", "referrals"} <= set(kinds):
        parts.append(cross_check(kinds["assessments"], kinds["referrals"]))  # one Annex A workbook
    quality = pd.concat(parts, ignore_index=True) if parts else found[0].quality
    if args.month is not None:
        _quality_for_month(args, found, quality, notes)
    else:
        _print_quality(quality, found, notes, args.format)
    for e in found:
        require_counted(e)  # after the list is printed: it shows why
    return 0


def _clock_fallback_rows(assessments: Any, referrals: Any) -> pd.DataFrame:
    from xladdin.core.quality.crosscheck import clock_fallback_rows

    return clock_fallback_rows(
        assessments.frame,
        referrals.frame,
        assessments_file=assessments.path.name,
        referrals_file=referrals.path.name,
        assessment_headers=assessments.headers,
    )


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


def _quality_for_month(
    args: argparse.Namespace, found: list[Any], quality: pd.DataFrame, notes: list[str]
) -> None:
    """``xladdin quality --month``: the rows that affect the month first, then the others, counted."""
    from xladdin.extracts.by_month import quality_by_month

    ordered = quality_by_month(found, args.month, quality)
    rows = ordered.rows
    if args.format in ("csv", "json") or rows.empty:
        _print_quality(rows, found, [*notes, ordered.note] if len(rows) else notes, args.format)
        return
    where = " and ".join(e.label for e in found)
    sys.stdout.write(ordered.note + "\n")
    shown = rows.drop(columns=["affects_month"])
    if ordered.in_month:
        sys.stdout.write(shown.iloc[: ordered.in_month].to_string(index=False) + "\n")
    if ordered.other:
        sys.stdout.write(f"--- {ordered.other} row(s) from other months ---\n")
        sys.stdout.write(shown.iloc[ordered.in_month :].to_string(index=False) + "\n")
    sys.stdout.write(f"{len(rows)} problem(s) in {where}.\n")
    common.say_notes([*notes, *(e.accounting() for e in found)])


def cmd_mapping_template(args: argparse.Namespace) -> int:
    from xladdin.extracts.lists import mapping_template

    sys.stdout.write(mapping_template(args.extract, kind=args.kind))
    return 0
