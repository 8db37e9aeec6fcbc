"""The xladdin command line: the same jobs as the Excel ribbon, without Excel.

This is a contract that other tools call; keep it stable (issue 2, section 5).
Exit status 0 on success, 2 for unusable input (message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from xladdin import __version__
from xladdin.core.calendar import REGIONS, get_calendar, parse_closure_lines
from xladdin.core.measures import assessment_timeliness, rereferral_rate
from xladdin.core.workdays import deadline, networkdays, working_days_between
from xladdin.errors import DateError, ExtractError, XladdinError

COUNT_COLUMNS = {
    "timeliness": ("completed", "in_time"),
    "rereferrals": ("referrals", "rereferrals"),
}


# --- helpers -------------------------------------------------------------------


def _progress(stream: TextIO) -> Callable[[str], None] | None:
    """A progress callback that writes to a terminal, or None when output is not a terminal."""
    if not stream.isatty():
        return None

    def show(message: str) -> None:
        stream.write(f"\r\033[K{message}")
        stream.flush()

    return show


def _end_progress(stream: TextIO) -> None:
    if stream.isatty():
        stream.write("\r\033[K")
        stream.flush()


def _date(text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise DateError(f"{text!r} is not a date: write it as dd/mm/yyyy or yyyy-mm-dd.")


def _calendar(args: argparse.Namespace):
    closures: list[dt.date] = []
    if getattr(args, "closures", None):
        path = Path(args.closures)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ExtractError(f"{path}: cannot read the closure-days file ({exc.strerror}).") from None
        closures = parse_closure_lines(text.splitlines(), path.name)
    return get_calendar(getattr(args, "region", "ENG"), closures)


def _read(kind: str | None, args: argparse.Namespace, path: str):
    from xladdin import extracts

    reader = {
        None: extracts.read_extract,
        "assessments": extracts.read_assessments,
        "referrals": extracts.read_referrals,
    }[kind]
    kwargs: dict[str, Any] = {"progress": _progress(sys.stderr)}
    if getattr(args, "mapping", None):
        kwargs["mapping"] = args.mapping
    if getattr(args, "extract_date", None):
        kwargs["extract_date"] = _date(args.extract_date)
    try:
        return reader(path, **kwargs)
    finally:
        _end_progress(sys.stderr)


def format_table(table: pd.DataFrame, fmt: str, kind: str) -> str:
    """A team table as text: ``table`` (aligned), ``csv`` or ``json``.

    Percent has one decimal place and is blank when nothing was counted.
    """
    count, hits = COUNT_COLUMNS[kind]
    rows = [
        {
            "team": str(r.team),
            count: int(getattr(r, count)),
            hits: int(getattr(r, hits)),
            "percent": None if pd.isna(r.percent) else round(float(r.percent), 1),
        }
        for r in table.itertuples(index=False)
    ]
    if fmt == "json":
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


# --- commands ------------------------------------------------------------------


def cmd_timeliness(args: argparse.Namespace) -> int:
    cal = _calendar(args)
    assessments = _read("assessments", args, args.extract)
    referrals = _read("referrals", args, args.referrals).frame if args.referrals else None
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
    _note_excluded(assessments)
    return 0


def cmd_rereferrals(args: argparse.Namespace) -> int:
    referrals = _read("referrals", args, args.extract)
    table = rereferral_rate(referrals.frame, args.month)
    sys.stdout.write(format_table(table, args.format, "rereferrals"))
    if args.format == "table":
        sys.stdout.write("Denominator: referrals in the month (not children).\n")
    _note_excluded(referrals)
    return 0


def _note_excluded(extract) -> None:
    excluded = int((extract.frame["problem"] != "").sum())
    if excluded:
        sys.stderr.write(
            f"{excluded} row(s) of {extract.path.name} were kept out of the figures: "
            f"run `xladdin quality {extract.path}` to see why.\n"
        )


def cmd_quality(args: argparse.Namespace) -> int:
    extract = _read(args.kind, args, args.extract)
    quality = extract.quality
    if args.referrals:
        from xladdin.extracts.read import cross_check

        if extract.kind != "assessments":
            raise XladdinError(
                f"{extract.path.name} is not an assessments extract (List 4): "
                "--referrals cross-checks a List 4 extract against a List 3 extract."
            )
        referrals = _read("referrals", args, args.referrals)
        quality = pd.concat([quality, referrals.quality, cross_check(extract, referrals)], ignore_index=True)
        where = f"{extract.path.name} and {referrals.path.name}"
    else:
        where = f"{extract.rows} rows of {extract.path.name}"
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
    cal = _calendar(args)
    start, end = _date(args.start), _date(args.end)
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


def cmd_demo(args: argparse.Namespace) -> int:
    from xladdin import demo

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = demo.write_demo_extracts(out / "extracts")
    assessments = _read("assessments", args, str(paths["assessments"]))
    written: dict[str, Path] = dict(paths)
    for counting in ("corrected", "legacy"):
        table = assessment_timeliness(assessments.frame, demo.DEMO_MONTH, counting=counting)
        target = out / f"timeliness-{demo.DEMO_MONTH}-{counting}.csv"
        target.write_text(format_table(table, "csv", "timeliness"), encoding="utf-8")
        written[f"timeliness ({counting})"] = target
        total = table.iloc[-1]
        sys.stdout.write(
            f"{demo.DEMO_MONTH} {counting:>9} counting: {total.in_time} of {total.completed} "
            f"assessments within 45 working days ({total.percent:.1f}%)\n"
        )
    try:
        from xladdin.demo import outputs as demo_outputs
    except ImportError:
        demo_outputs = None  # type: ignore[assignment]
    if demo_outputs is not None:
        written.update(demo_outputs.build_demo_outputs(out, paths))
        from xladdin.excel.xlsm import build_workbook

        # The macro-enabled workbook an officer opens in Excel, refreshed from the demo data.
        written["workbook with ribbon"] = build_workbook(
            out / "performance.xlsm", base_xlsx=written["workbook"]
        )
    sys.stdout.write(f"Demo outputs in {out.resolve()}:\n")
    for name, path in written.items():
        sys.stdout.write(f"  {name}: {path}\n")
    if demo_outputs is not None and "pdf" not in written:
        from xladdin.report.pdf import INSTALL_LIBREOFFICE

        sys.stdout.write(f"No PDF or page images: {INSTALL_LIBREOFFICE}\n")
    return 0


def cmd_new_workbook(args: argparse.Namespace) -> int:
    from xladdin.workbook.create import create_workbook

    out = Path(args.path)
    if out.exists() and not args.force:
        raise XladdinError(f"{out} already exists: choose another name, or add --force to replace it.")
    if out.suffix.lower() == ".xlsm":
        from xladdin.excel.xlsm import build_workbook

        build_workbook(out)
    else:
        create_workbook(out)
    sys.stdout.write(f"New performance workbook: {out}\n")
    return 0


def cmd_build_workbook(args: argparse.Namespace) -> int:
    from xladdin.excel.xlsm import build_workbook

    out = build_workbook(Path(args.out), args.base)
    sys.stdout.write(f"Macro-enabled workbook with the Performance ribbon: {out}\n")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from xladdin.workbook.refresh import refresh

    path = Path(args.workbook)
    try:
        result = refresh(
            path,
            assessments=args.assessments,
            referrals=args.referrals,
            audit=args.audit,
            month=args.month,
            progress=_progress(sys.stderr),
        )
    finally:
        _end_progress(sys.stderr)
    sys.stdout.write(f"Refreshed {result.path} for {result.month}.\n")
    if result.summary:
        sys.stdout.write(f"{result.summary}\n")
    if result.backup:
        sys.stdout.write(f"The previous version is kept as {result.backup}.\n")
    return 0


def cmd_spotlight(args: argparse.Namespace) -> int:
    from xladdin.report.spotlight import write_spotlight

    result = write_spotlight(Path(args.workbook), month=args.month, template=args.template)
    sys.stdout.write(f"Spotlight written into {result}.\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from xladdin.report.export import export_for_leadership

    result = export_for_leadership(
        Path(args.workbook), Path(args.out), pdf=Path(args.pdf) if args.pdf else None, suppress=args.suppress
    )
    sys.stdout.write(f"Leadership export: {result.xlsx}\n")
    if result.pdf:
        sys.stdout.write(f"PDF: {result.pdf}\n")
    sys.stdout.write(
        f"Small-number suppression: {result.suppressed} cell(s) shown as 'c'.\n"
        if result.suppressed
        else "Small-number suppression: nothing suppressed.\n"
    )
    return 0


# --- parser --------------------------------------------------------------------


def _add_calendar_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--region",
        default="ENG",
        type=str.upper,
        choices=sorted({k for k in REGIONS if len(k) == 3}),
        help="bank holidays: ENG (England and Wales, default), WLS, SCT or NIR",
    )
    p.add_argument("--closures", metavar="FILE", help="local closure days, one date per line")


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mapping", metavar="FILE", help="column-mapping file (YAML or TOML) for local headers")
    p.add_argument(
        "--extract-date", metavar="DATE", help="date of the extract (default: from its title row, else today)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xladdin",
        description="Working-day timeliness, re-referrals and spotlight reports for children's social care.",
    )
    parser.add_argument("--version", action="version", version=f"xladdin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("timeliness", help="assessments completed within 45 working days, by team")
    p.add_argument("extract", metavar="EXTRACT", help="Annex A List 4 (assessments), CSV or xlsx")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="month of authorisation")
    p.add_argument("--counting", choices=["corrected", "legacy"], default="corrected")
    p.add_argument("--clock", choices=["start", "referral"], default="start")
    p.add_argument("--referrals", metavar="EXTRACT", help="Annex A List 3, needed for --clock referral")
    p.add_argument("--days", type=int, default=45, help=argparse.SUPPRESS)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _add_calendar_options(p)
    _add_extract_options(p)
    p.set_defaults(func=cmd_timeliness)

    p = sub.add_parser("rereferrals", help="re-referrals within 12 months, by team")
    p.add_argument("extract", metavar="EXTRACT", help="Annex A List 3 (referrals), CSV or xlsx")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _add_extract_options(p)
    p.set_defaults(func=cmd_rereferrals)

    p = sub.add_parser("quality", help="the data-quality list of an extract")
    p.add_argument("extract", metavar="EXTRACT")
    p.add_argument("--kind", choices=["assessments", "referrals"], help="default: from the headers")
    p.add_argument(
        "--referrals", metavar="EXTRACT", help="also check List 4 against this List 3 (rules 1103, 8831)"
    )
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _add_extract_options(p)
    p.set_defaults(func=cmd_quality)

    p = sub.add_parser("workdays", help="elapsed working days, deadline and in time/late for two dates")
    p.add_argument("start", metavar="START", help="dd/mm/yyyy or yyyy-mm-dd")
    p.add_argument("end", metavar="END", help="dd/mm/yyyy or yyyy-mm-dd")
    p.add_argument("--days", type=int, default=45, help="working days allowed (default 45)")
    _add_calendar_options(p)
    p.set_defaults(func=cmd_workdays)

    p = sub.add_parser(
        "new-workbook", help="create an empty performance workbook (.xlsx, or .xlsm with the ribbon)"
    )
    p.add_argument("path", metavar="PATH")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_new_workbook)

    p = sub.add_parser("refresh", help="refresh a performance workbook from its extracts")
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("--assessments", metavar="PATH", help="List 4 extract (default: from Settings)")
    p.add_argument("--referrals", metavar="PATH", help="List 3 extract (default: from Settings)")
    p.add_argument("--audit", metavar="PATH", help="audit tracker (default: from Settings)")
    p.add_argument("--month", metavar="YYYY-MM", help="reporting month (default: from Settings)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("spotlight", help="write the formatted Spotlight sheets into a workbook")
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("--month", metavar="YYYY-MM")
    p.add_argument("--template", metavar="FILE", help="default: templates/spotlight.xlsx")
    p.set_defaults(func=cmd_spotlight)

    p = sub.add_parser("export", help="the leadership export: spotlight sheets only, values only")
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--pdf", metavar="FILE.pdf", help="also a PDF (needs LibreOffice)")
    p.add_argument(
        "--suppress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show counts 1-5 and their rates as 'c' (default: the workbook's Settings)",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("build-workbook", help="build workbooks/performance.xlsm from the text sources")
    p.add_argument("--out", default="workbooks/performance.xlsm", metavar="FILE.xlsm")
    p.add_argument("--base", metavar="FILE.xlsx", help="start from this workbook (default: a new one)")
    p.set_defaults(func=cmd_build_workbook)

    p = sub.add_parser("demo", help="build everything from the built-in demo data")
    p.add_argument("--out", default="demo-output", metavar="DIR", help="default: ./demo-output")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except XladdinError as exc:
        sys.stderr.write(f"xladdin: {exc}\n")
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
