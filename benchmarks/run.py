"""xladdin's benchmark: each step against the naive way, measured in the same run (issues 5, 13).

    python benchmarks/run.py [--rows N] [--quick] [--json FILE] [--data DIR] [--runs K]
                             [--only engine,csv,xlsx,refresh,udf,national,council,start,short]

It writes deterministic synthetic extracts (``synth.py``; cached in DIR,
default ``$TMPDIR/xladdin-bench``), times every step and its baseline
alternately several times, and prints one table: the median of each, their
ratio, the target and pass/fail. ``--json`` also writes the results.

Read the ratios, not the seconds: the machine is shared and noisy, so each
figure is compared only with its baseline from the same run, never with a
number from another day. End-to-end rows time a whole process from start to
exit (what a user waits for) and read its peak memory (``ru_maxrss`` of that
child, from ``os.wait4``). A step whose code has not landed yet prints "not
available yet" instead of failing. Children keep their bytecode in DIR/pycache
(as an installed package has it), figure and baseline alike.

The rows of issue 13 (``council.py``): a council's month (5,000 rows) against
starting Python with pandas, the commands that need no pandas against starting
Python at all, what each ribbon button imports against importing xlwings, and
a million rows of short values against ``pandas.read_csv``.

``--quick`` uses tiny sizes and one run each: it checks that the benchmark
works (the test suite runs it), and its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import council
import harness
import synth
from harness import (
    NOT_YET,
    Row,
    Unavailable,
    _check,
    _need,
    _timed,
    _xladdin,
    alternate,
    cli_csv_rows,
    ensure,
    machine,
    run_child,
    table,
)

from xladdin.core.calendar import get_calendar
from xladdin.core.workdays import timeliness

STEPS = ("engine", "csv", "xlsx", "refresh", "udf", "national", "council", "start", "short")
JOBS = min(2, os.cpu_count() or 1)  # the machine has 2 cores


# --- the data ---------------------------------------------------------------------------


def pairs(n: int, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) as datetime64[D], shaped like List 4: ten years of starts, gaps of 0-400 days."""
    rng = np.random.default_rng(seed)
    start = np.datetime64(synth.FIRST_DAY, "D") + rng.integers(0, 3650, n).astype("timedelta64[D]")
    end = start + np.clip(rng.gamma(6.0, 7.5, n).round(), 0, 400).astype("timedelta64[D]")
    return start, end


# --- the rows ---------------------------------------------------------------------------


def engine_rows(n: int, loop_sample: int, runs: int) -> list[Row]:
    cal = get_calendar()
    holidays = cal.non_working_dates()
    start, end = pairs(n)
    one = np.timedelta64(1, "D")

    def ours() -> float:
        def go() -> None:
            t = timeliness(start, end, calendar=cal)
            # All three outputs, as the target says (each is computed when first read).
            _ = (t.elapsed, t.deadline, t.in_time)

        return _timed(go)

    def busday() -> float:
        # Elapsed working days only: the numpy equivalent (docs/counting-rules.md).
        return _timed(lambda: np.busday_count(start + one, end + one, holidays=holidays))

    size = f"{n:,} pairs"
    rows = []
    row = Row("elapsed + deadline + in-time flag", size, "numpy.busday_count alone", "faster", 2)
    ours(), busday()  # warm-up: first-use tables, page faults
    rows.append(alternate(row, ours, busday, runs))

    # The per-row loop is timed on a sample and scaled (a full million takes minutes).
    hol = set(cal.non_working_dates().astype(object).tolist())
    s_list, e_list = (
        start[:loop_sample].astype(object).tolist(),
        end[:loop_sample].astype(object).tolist(),
    )

    def loop() -> float:
        return _timed(lambda: python_loop(s_list, e_list, hol)) * (n / loop_sample)

    row = Row("the same", size, "a per-row Python loop (datetime arithmetic)", "faster", 500)
    row.note = f"loop timed on {loop_sample:,} pairs, scaled to {n:,}"
    rows.append(alternate(row, ours, loop, max(1, min(runs, 3))))
    return rows


def python_loop(starts: list, ends: list, holidays: set) -> list:
    """The naive way: walk the calendar one day at a time for every row."""
    day = dt.timedelta(days=1)
    out = []
    for s, e in zip(starts, ends):
        elapsed, d = 0, s
        while d < e:
            d += day
            if d.weekday() < 5 and d not in holidays:
                elapsed += 1
        counted, d = 0, s
        while counted < 45:
            d += day
            if d.weekday() < 5 and d not in holidays:
                counted += 1
        out.append((elapsed, d, elapsed <= 45))
    return out


def cli_xlsx_row(xlsx: Path, n: int, runs: int) -> Row:
    row = Row("`xladdin timeliness` end to end", f"{n:,}-row List 4 xlsx",
              "pandas.read_excel(F), default engine (openpyxl)", "faster", 4)  # fmt: skip
    try:
        _need("xladdin.extracts.read", "read_assessments")
    except Unavailable as exc:
        row.status, row.note = NOT_YET, str(exc)
        return row
    cmd = [*_xladdin(), "timeliness", str(xlsx), "--month", synth.MONTH, "--format", "csv"]
    base = [
        sys.executable,
        "-W",
        "ignore",
        "-c",
        f"import pandas; pandas.read_excel({str(xlsx)!r})",
    ]
    _check(run_child(cmd), "xladdin timeliness")  # warm-up (the baseline is too slow to repeat)
    return alternate(
        row,
        lambda: _check(run_child(cmd), "xladdin timeliness").seconds,
        lambda: _check(run_child(base), "pandas.read_excel").seconds,
        runs,
    )


def refresh_row(list4: Path, list3: Path, n: int, work: Path, runs: int) -> Row:
    row = Row("`xladdin refresh` of the performance workbook", f"{n:,}-row List 4 + List 3 CSV",
              "reading the same extracts with the reader alone", "at most", 3)  # fmt: skip
    try:
        workbook = _need("xladdin.workbook.create", "create_workbook")
        _need("xladdin.extracts.read", "read_assessments", "read_referrals")
    except Unavailable as exc:
        row.status, row.note = NOT_YET, str(exc)
        return row
    book = work / "performance.xlsx"
    for old in work.glob("performance*"):
        old.unlink()
    workbook.create_workbook(book)  # type: ignore[attr-defined]
    cmd = [*_xladdin(), "refresh", str(book), "--assessments", str(list4), "--referrals", str(list3),
           "--month", synth.MONTH]  # fmt: skip
    code = (
        "from xladdin.extracts.read import read_assessments, read_referrals; "
        f"read_assessments({str(list4)!r}); read_referrals({str(list3)!r})"
    )
    base = [sys.executable, "-c", code]
    _check(run_child(cmd), "xladdin refresh")  # warm-up; the workbook now holds a refresh
    return alternate(
        row,
        lambda: _check(run_child(cmd), "xladdin refresh").seconds,
        lambda: _check(run_child(base), "read_assessments + read_referrals").seconds,
        runs,
    )


def udf_row(n: int, sample: int, runs: int) -> Row:
    row = Row("`WORKDAYS45` over a range pair", f"{n:,} x 1 (lists of datetimes)",
              "calling it once per cell", "faster", 50, extra_limit=0.3)  # fmt: skip
    try:
        udfs = _need("xladdin.excel.udfs", "WORKDAYS45")
    except Unavailable as exc:
        row.status, row.note = NOT_YET, str(exc)
        return row
    fn = udfs.WORKDAYS45  # type: ignore[attr-defined]
    start, end = pairs(n, seed=9)

    # As xlwings passes a date-formatted range with ndim=2: a list of rows of datetimes.
    def as_cells(days: np.ndarray) -> list[list[dt.datetime]]:
        return [[dt.datetime.combine(d, dt.time())] for d in days.astype(object).tolist()]

    s_cells, e_cells = as_cells(start), as_cells(end)
    fn(s_cells[:10], e_cells[:10])

    def per_cell() -> float:
        def go() -> None:
            for s, e in zip(s_cells[:sample], e_cells[:sample]):
                fn([s], [e])

        return _timed(go) * (n / sample)

    row.note = f"per-cell calls timed on {sample:,} cells, scaled to {n:,}"
    return alternate(row, lambda: _timed(lambda: fn(s_cells, e_cells)), per_cell, runs)


def national_rows(folder: Path, total: int, authorities: int, work: Path) -> list[Row]:
    rows = []
    try:
        _need("xladdin.extracts.read", "read_assessments")
    except Unavailable as exc:
        r = Row("national: timeliness by authority, team, month", f"{total:,} rows", "", "completes", 0)
        r.status, r.note = NOT_YET, str(exc)
        return [r]
    size_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
    ways = {
        "one authority at a time": [],
        f"{JOBS} worker processes, one authority each": ["--jobs", str(JOBS)],
        "all authorities in one frame": ["--together"],
    }
    for how, flags in ways.items():
        r = Row(f"national: timeliness by authority, team, month ({how})",
                f"{total:,} rows, {authorities} authorities, 10 years ({size_mb:,.0f} MB CSV)",
                "", "completes", 0)  # fmt: skip
        cmd = [
            sys.executable,
            str(HERE / "national.py"),
            str(folder),
            "--out",
            str(work / "national.csv"),
        ]
        child = _check(run_child(cmd + flags), "national.py")
        r.figure, r.runs = child.seconds, 1
        r.passed = True
        r.note = f"peak memory {child.peak_bytes / 1e6:,.0f} MB; " + "; ".join(
            child.stdout.split("\n")
        ).strip("; ")
        r.extra = {"peak_mb": child.peak_bytes / 1e6, "csv_mb": size_mb}  # type: ignore[attr-defined]
        rows.append(r)
    return rows


def _guarded(rows: list[Row], fn: Callable[[], list[Row] | Row], fallback: Row) -> None:
    """Run one row's measurement; an error is printed in the row, not a crash of the whole run."""
    try:
        got = fn()
    except Unavailable as exc:
        fallback.status, fallback.note = NOT_YET, str(exc)
        got = fallback
    except Exception as exc:
        fallback.status, fallback.note = "error", f"{type(exc).__name__}: {exc}"
        got = fallback
    rows.extend(got if isinstance(got, list) else [got])


# --- the run ------------------------------------------------------------------------------


@dataclass
class Sizes:
    big: int
    national: int
    authorities: int
    runs: int
    loop_sample: int
    cell_sample: int
    council: int
    quick_rows: int  # runs for the rows that take well under a second each

    @property
    def small(self) -> int:
        return max(self.big // 10, 100)

    @property
    def few(self) -> int:  # for rows whose baseline takes seconds per run
        return max(1, min(self.runs, 3))


def sizes(args: argparse.Namespace) -> Sizes:
    if args.quick:
        return Sizes(2_000, 6_000, 3, args.runs or 1, 200, 200, 300, args.runs or 1)
    runs = args.runs or 5
    return Sizes(args.rows, args.national_rows, args.authorities, runs, 20_000, 5_000, council.COUNCIL_ROWS,
                 max(runs, 9))  # fmt: skip


def plan(s: Sizes, data: Path, work: Path) -> dict[str, tuple[Callable[[], list[Row] | Row], Row]]:
    """Each step: how to measure it, and the row shown if it cannot be measured."""

    def csv(kind: str, n: int) -> Path:
        stem = "list4" if kind == "assessments" else "list3"
        return ensure(data / f"{stem}_{n}.csv", lambda p: synth.write_csv(p, kind, n))

    def national_data() -> Path:
        folder = data / f"national_{s.national}_{s.authorities}"
        synth.write_national(folder, s.national, s.authorities)  # reuses the files already there
        return folder

    def xlsx() -> Path:
        return ensure(data / f"list4_{s.small}.xlsx", lambda p: synth.write_xlsx(p, "assessments", s.small))

    big, small = s.big, s.small
    return {
        "engine": (
            lambda: engine_rows(big, min(s.loop_sample, big), max(s.runs, 5)),
            Row("elapsed + deadline + in-time flag", f"{big:,} pairs", "busday_count", "faster", 2),
        ),
        "csv": (
            lambda: cli_csv_rows(csv("assessments", big), big, s.runs),
            Row("`xladdin timeliness` end to end", f"{big:,}-row CSV", "read_csv", "at most", 1),
        ),
        "xlsx": (
            lambda: cli_xlsx_row(xlsx(), small, s.few),
            Row("`xladdin timeliness` end to end", f"{small:,}-row xlsx", "read_excel", "faster", 4),
        ),
        "refresh": (
            lambda: refresh_row(csv("assessments", small), csv("referrals", small), small, work, s.few),
            Row("`xladdin refresh`", f"{small:,}-row List 4 + 3", "the reader", "at most", 3),
        ),
        "udf": (
            lambda: udf_row(small, min(s.cell_sample, small), s.runs),
            Row("`WORKDAYS45` over a range pair", f"{small:,} x 1", "per cell", "faster", 50),
        ),
        "national": (
            lambda: national_rows(national_data(), s.national, s.authorities, work),
            Row("national: timeliness by authority, team, month", f"{s.national:,} rows", "",
                "completes", 0),
        ),
        "council": (
            lambda: council.council_rows(data, work, s.council, s.quick_rows),
            Row("`xladdin timeliness` end to end", f"{s.council:,}-row List 4", "import pandas", "at most", 1.5),
        ),
        "start": (
            lambda: council.start_rows(s.quick_rows),
            Row("`xladdin workdays START END`", "two dates", "python -c pass", "at most", 10),
        ),
        "short": (
            lambda: council.short_rows(data, big, s.runs),
            Row("`xladdin timeliness` end to end", f"{big:,}-row CSV of short values", "read_csv",
                "at most", 1.2),
        ),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="xladdin benchmark (issues 5, 13)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="the large size (default 1,000,000); "
                        "xlsx, refresh and WORKDAYS45 use a tenth of it")  # fmt: skip
    parser.add_argument("--national-rows", type=int, default=6_500_000)
    parser.add_argument("--authorities", type=int, default=153)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run: checks that it works")
    parser.add_argument("--runs", type=int, help="timed runs per row (default 5, 9 for rows of under a "
                        "second; 1 with --quick)")  # fmt: skip
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--data", type=Path, metavar="DIR", help="where synthetic extracts are cached")
    parser.add_argument("--only", metavar="STEPS", help=f"comma-separated subset of: {', '.join(STEPS)}")
    args = parser.parse_args(argv)
    only = set(STEPS) if not args.only else {x.strip() for x in args.only.split(",")}
    if only - set(STEPS):
        parser.error(f"--only takes {', '.join(STEPS)}, not {', '.join(sorted(only - set(STEPS)))}")

    s = sizes(args)
    data = args.data or Path(tempfile.gettempdir()) / "xladdin-bench"
    data.mkdir(parents=True, exist_ok=True)
    work = data / "work"
    work.mkdir(exist_ok=True)
    harness.PYCACHE[:] = [data / "pycache"]
    started = time.perf_counter()
    print(f"Synthetic extracts in {data} (seeded; reused if present)", file=sys.stderr)
    steps = plan(s, data, work)
    rows: list[Row] = []
    for name in STEPS:
        if name in only:
            print(f"[{time.perf_counter() - started:6.1f} s] {name}", file=sys.stderr)
            measure, fallback = steps[name]
            _guarded(rows, measure, fallback)
    print(f"[{time.perf_counter() - started:6.1f} s] done", file=sys.stderr)

    about = machine()
    print(
        f"\nxladdin benchmark, {about['date']}: {about['cpu']}, {about['cores']} cores, "
        f"{about['memory']}, {about['os']}, Python {about['python']}, numpy {about['numpy']}, "
        f"pandas {about['pandas']}, openpyxl {about['openpyxl']}, "
        f"python-calamine {about['python-calamine']}"
        + (" (--quick: sizes too small to mean anything)" if args.quick else "")
    )
    print(f"Medians of {s.runs} alternating runs (figure, baseline, figure, ...; {s.quick_rows} for the rows "
          f"of under a second); total benchmark time {time.perf_counter() - started:.0f} s.\n")  # fmt: skip
    print(table(rows))
    if args.json:
        payload = {
            "machine": about,
            "quick": args.quick,
            "seconds": round(time.perf_counter() - started, 1),
            "rows": [
                {**asdict(r), "target": r.target_text(), "extra": getattr(r, "extra", None)} for r in rows
            ],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
