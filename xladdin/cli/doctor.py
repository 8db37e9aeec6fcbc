"""``xladdin doctor [WORKBOOK]``: the ribbon's Check set-up, on the command line.

Exit status 0 when nothing needs fixing, 1 when a line says FIX. Quick to
start: nothing heavier than the standard library is imported unless a
workbook is given (its Settings need openpyxl).
"""

from __future__ import annotations

import argparse
import sys

from xladdin.excel.doctor import needs_fixing, report, run_checks


def cmd_doctor(args: argparse.Namespace) -> int:
    checks = run_checks(args.workbook)
    sys.stdout.write(report(checks) + "\n")
    return 1 if needs_fixing(checks) else 0
