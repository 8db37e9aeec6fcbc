"""The workbook commands: demo, new-workbook, build-workbook, refresh, spotlight, export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xladdin.cli import common
from xladdin.cli.output import format_table
from xladdin.core.measures import assessment_timeliness
from xladdin.errors import XladdinError


def cmd_demo(args: argparse.Namespace) -> int:
    from xladdin import demo

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = demo.write_demo_extracts(out / "extracts")
    assessments = common.read("assessments", args, str(paths["assessments"]))
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
        # The same workbook for xlwings Lite (no Python on the PC): load the extracts into its sheets.
        written["workbook for xlwings Lite"] = demo_outputs.build_lite_demo(out)
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
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise XladdinError(f"{out.name}: a workbook's name ends in .xlsx (or .xlsm, with the ribbon).")
    if out.exists() and not args.force:
        raise XladdinError(f"{out} already exists: choose another name, or add --force to replace it.")
    if args.wheel_url and not args.lite:
        raise XladdinError("--wheel-url is for an xlwings Lite workbook: add --lite.")
    if args.lite:
        from xladdin.excel.lite.parts import build_lite_workbook, requirements

        build_lite_workbook(out, wheel_url=args.wheel_url)
        sys.stdout.write(
            f"New performance workbook for xlwings Lite: {out}\nIts requirements.txt:\n"
            + "".join(f"  {line}\n" for line in requirements(args.wheel_url).splitlines())
        )
        return 0
    if out.suffix.lower() == ".xlsm":
        from xladdin.excel.xlsm import build_workbook

        build_workbook(out)
    else:
        create_workbook(out)
    sys.stdout.write(f"New performance workbook: {out}\n")
    return 0


def cmd_build_workbook(args: argparse.Namespace) -> int:
    from xladdin.excel.xlsm import build_workbook, write_bas_files

    target = Path(args.out)
    if target.suffix.lower() == ".xlsm" and not target.parent.exists():
        try:  # the default, workbooks/, outside a copy of the repository
            target.parent.mkdir(parents=True)
        except OSError as exc:
            raise XladdinError(
                f"Cannot make the folder {target.parent} ({exc.strerror}): give --out FILE.xlsm in a "
                "folder you may write to."
            ) from None
    out = build_workbook(target, args.base, vba=args.vba)
    sys.stdout.write(f"Macro-enabled workbook with the Performance ribbon: {out}\n")
    if not args.vba:
        modules = write_bas_files(out.parent)
        sys.stdout.write(
            f"It holds no macros yet. Import these modules in Excel (docs/excel-acceptance.md, "
            f"'If the workbook will not enable'): {', '.join(str(m) for m in modules)}\n"
        )
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
            mapping=args.mapping,
            progress=common.progress(sys.stderr),
        )
    finally:
        common.end_progress(sys.stderr)
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
        Path(args.workbook),
        Path(args.out),
        pdf=Path(args.pdf) if args.pdf else None,
        suppress=args.suppress,
        template=args.template,
    )
    for warning in result.warnings:
        sys.stderr.write(f"xladdin: warning: {warning}\n")
    sys.stdout.write(f"Leadership export: {result.xlsx}\n")
    if result.pdf:
        sys.stdout.write(f"PDF: {result.pdf}\n")
    sys.stdout.write(
        f"Small-number suppression: {result.suppressed} cell(s) shown as 'c'.\n"
        if result.suppressed
        else "Small-number suppression: nothing suppressed.\n"
    )
    return 0
