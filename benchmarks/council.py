"""The rows of issue 13: what an officer waits for, each against the cost of starting Python.

* ``council``: a council's extract (5,000 rows of List 4, as xlsx and as CSV) through
  ``xladdin timeliness``, against ``python -c "import pandas"`` (the floor for any pandas
  tool); a refresh of the performance workbook from 5,000-row List 4 and List 3 CSVs, against
  ``python -c "import pandas, openpyxl"``.
* ``start``: ``xladdin workdays`` and ``xladdin doctor`` (no workbook), against
  ``python -c pass``: neither needs pandas or openpyxl. Then what each ribbon button imports
  before it works (its modules, as the button imports them), against ``import xlwings`` (every
  button needs xlwings, and RunPython has imported it already; xlwings imports pandas itself).
* ``short``: a million rows of a plain 12-column List 4 CSV of short values (the shape on which
  ``pandas.read_csv`` is quickest) end to end against ``pandas.read_csv`` of it, and the peak memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import synth
from harness import Row, _check, _need, _xladdin, alternate, cli_csv_rows, ensure, run_child

#: A council's month: a few thousand rows (the seed authority has about 2,200 assessments a year).
COUNCIL_ROWS = 5_000
#: What each ribbon entry point imports before it works (xladdin/excel/ribbon.py: each button
#: imports its modules when pressed; Refresh then reads the extracts).
RIBBON = {
    "ribbon module (what every button imports)": "import xladdin.excel.ribbon",
    "Refresh": "import xladdin.excel.ribbon, xladdin.excel.live, xladdin.workbook.refresh, xladdin.extracts",
    "Build spotlight, Export for leadership": "import xladdin.excel.ribbon, xladdin.report.beside",
    "Check set-up": "import xladdin.excel.ribbon, xladdin.excel.live",
    "`=WORKDAYS45` and the other worksheet functions": "import xladdin.excel.udfs",
}


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _pair(row: Row, figure: list[str], baseline: list[str], runs: int, what: str) -> Row:
    """Time ``figure`` against ``baseline`` (whole processes), after one warm-up of each."""
    _check(run_child(figure), what), _check(run_child(baseline), "the baseline")
    return alternate(
        row,
        lambda: _check(run_child(figure), what).seconds,
        lambda: _check(run_child(baseline), "the baseline").seconds,
        runs,
    )


def council_rows(data: Path, work: Path, n: int, runs: int) -> list[Row]:
    """timeliness on a council's xlsx and CSV, and a refresh of its workbook."""
    _need("xladdin.extracts.read", "read_assessments")
    xlsx = ensure(data / f"list4_{n}.xlsx", lambda p: synth.write_xlsx(p, "assessments", n))
    list4 = ensure(data / f"list4_{n}.csv", lambda p: synth.write_csv(p, "assessments", n))
    list3 = ensure(data / f"list3_{n}.csv", lambda p: synth.write_csv(p, "referrals", n))
    pandas_only = _python("import pandas")
    rows = []
    for path, kind in ((xlsx, "xlsx"), (list4, "CSV")):
        row = Row("`xladdin timeliness` end to end", f"{n:,}-row List 4 {kind} (a council's month)",
                  "python -c 'import pandas'", "at most", 1.5)  # fmt: skip
        cmd = [*_xladdin(), "timeliness", str(path), "--month", synth.MONTH, "--format", "csv"]
        rows.append(_pair(row, cmd, pandas_only, runs, "xladdin timeliness"))
    workbook = _need("xladdin.workbook.create", "create_workbook")
    book = work / "council.xlsx"
    for old in work.glob("council*"):
        old.unlink()
    workbook.create_workbook(book)  # type: ignore[attr-defined]
    row = Row("`xladdin refresh` of the performance workbook", f"{n:,}-row List 4 + List 3 CSV",
              "python -c 'import pandas, openpyxl'", "at most", 3)  # fmt: skip
    cmd = [*_xladdin(), "refresh", str(book), "--assessments", str(list4), "--referrals", str(list3),
           "--month", synth.MONTH]  # fmt: skip
    _check(run_child(cmd), "xladdin refresh")  # the first refresh fills the workbook
    rows.append(_pair(row, cmd, _python("import pandas, openpyxl"), runs, "xladdin refresh"))
    return rows


def start_rows(runs: int) -> list[Row]:
    """The commands that need no pandas, and the ribbon's entry points."""
    _need("xladdin.cli", "main")
    bare = _python("pass")
    rows = []
    for cmd, what in (
        (["workdays", "22/07/2024", "24/09/2024"], "`xladdin workdays START END`"),
        (["doctor"], "`xladdin doctor` (no workbook)"),
    ):
        row = Row(what, "two dates" if cmd[0] == "workdays" else "the set-up checks", "python -c pass",
                  "at most", 10)  # fmt: skip
        rows.append(_pair(row, [*_xladdin(), *cmd], bare, runs, f"xladdin {cmd[0]}"))
    _need("xladdin.excel.ribbon", "refresh")
    xlwings = _python("import xlwings")
    for button, code in RIBBON.items():
        row = Row(f"importing for the ribbon: {button}", "imports only", "python -c 'import xlwings'",
                  "at most", 1.5)  # fmt: skip
        row.note = code
        rows.append(_pair(row, _python(code), xlwings, runs, button))
    return rows


def short_rows(data: Path, n: int, runs: int) -> list[Row]:
    """A million rows of short values, end to end against pandas.read_csv, and the peak memory."""
    _need("xladdin.extracts.read", "read_assessments")
    csv = ensure(data / f"list4_short_{n}.csv", lambda p: synth.write_short_csv(p, n))
    return cli_csv_rows(csv, n, runs, what="12-column List 4 CSV of short values", target=1.2)
