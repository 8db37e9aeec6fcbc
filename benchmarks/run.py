"""xladdin's benchmark: each step against the naive way, measured in the same run (issue 5).

    python benchmarks/run.py [--rows N] [--quick] [--json FILE] [--data DIR] [--runs K]
                             [--only engine,csv,xlsx,refresh,udf,national]

It writes deterministic synthetic extracts (``synth.py``; cached in DIR,
default ``$TMPDIR/xladdin-bench``), times every step and its baseline
alternately several times, and prints one table: the median of each, their
ratio, the target and pass/fail. ``--json`` also writes the results.

Read the ratios, not the seconds: the machine is shared and noisy, so each
figure is compared only with its baseline from the same run, never with a
number from another day. End-to-end rows time a whole process from start to
exit (what a user waits for) and read its peak memory (``ru_maxrss`` of that
child, from ``os.wait4``). A step whose code has not landed yet prints "not
available yet" instead of failing.

``--quick`` uses tiny sizes and one run each: it checks that the benchmark
works (the test suite runs it), and its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth

from xladdin.core.calendar import get_calendar
from xladdin.core.workdays import timeliness

NOT_YET = "not available yet"
STEPS = ("engine", "csv", "xlsx", "refresh", "udf", "national")
JOBS = min(2, os.cpu_count() or 1)  # the machine has 2 cores


@dataclass
class Row:
    """One line of the table.

    ``sense`` is ``"faster"`` (ratio = baseline / figure, must be >= target)
    or ``"at most"`` (ratio = figure / baseline, must be <= target).
    """

    step: str
    size: str
    baseline_name: str
    sense: str
    target: float
    unit: str = "s"
    figure: float | None = None
    baseline: float | None = None
    ratio: float | None = None
    passed: bool | None = None
    status: str = "ok"
    note: str = ""
    runs: int = 0
    figures: list[float] = field(default_factory=list)
    baselines: list[float] = field(default_factory=list)
    extra_limit: float | None = None  # an absolute ceiling on the figure too (seconds)

    def finish(self) -> Row:
        if self.figures and self.baselines:
            self.figure = statistics.median(self.figures)
            self.baseline = statistics.median(self.baselines)
            if self.sense == "faster":
                self.ratio = self.baseline / self.figure if self.figure > 0 else float("inf")
                self.passed = self.ratio >= self.target
            else:
                self.ratio = self.figure / self.baseline if self.baseline > 0 else float("inf")
                self.passed = self.ratio <= self.target
            if self.extra_limit is not None:
                self.passed = bool(self.passed and self.figure < self.extra_limit)
            self.runs = len(self.figures)
        return self

    def target_text(self) -> str:
        if self.sense == "faster":
            text = f">= {self.target:g}x faster"
        elif self.sense == "completes":
            text = "completes"
        else:
            text = f"<= {self.target:g}x"
        if self.extra_limit is not None:
            text += f", < {self.extra_limit:g} s"
        return text


# --- measuring ------------------------------------------------------------------------


def _timed(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


@dataclass
class Child:
    seconds: float
    peak_bytes: int
    returncode: int
    stdout: str
    stderr: str


def run_child(cmd: list[str], *, cwd: Path | None = None) -> Child:
    """Run ``cmd`` to exit; wall time from spawn to exit, and that child's own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=_child_env())
        # wait4 (not RUSAGE_CHILDREN, which is the maximum over all children so far)
        # gives this child's own ru_maxrss; on Linux it is in kilobytes.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            seconds, usage.ru_maxrss * 1024, proc.returncode,
            out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
        )  # fmt: skip


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Figure and baseline processes get the same environment; keep the package importable
    # even if it is not installed (running from a checkout).
    root = str(HERE.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _xladdin() -> list[str]:
    exe = shutil.which("xladdin")
    return [exe] if exe else [sys.executable, "-m", "xladdin.cli"]


class Unavailable(Exception):
    """The code this row measures has not landed yet."""


def _need(module: str, *names: str) -> object:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise Unavailable(f"{module} ({exc})") from None
    for name in names:
        if not hasattr(mod, name):
            raise Unavailable(f"{module}.{name}")
    return mod


def _check(child: Child, what: str) -> Child:
    if child.returncode != 0:
        tail = (child.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise RuntimeError(f"{what} exited {child.returncode}: {tail}")
    return child


def alternate(row: Row, figure: Callable[[], float], baseline: Callable[[], float], runs: int) -> Row:
    """Figure, baseline, figure, baseline... so that both see the same noise."""
    for _ in range(runs):
        row.figures.append(figure())
        row.baselines.append(baseline())
    return row.finish()


# --- the data ---------------------------------------------------------------------------


def ensure(path: Path, make: Callable[[Path], object]) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        make(path)
        print(f"  wrote {path.name} ({path.stat().st_size / 1e6:,.1f} MB) in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)  # fmt: skip
    return path


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


def cli_csv_rows(csv: Path, n: int, runs: int) -> list[Row]:
    size = f"{n:,}-row List 4 CSV ({csv.stat().st_size / 1e6:,.0f} MB)"
    speed = Row("`xladdin timeliness` end to end", size, "python -c 'import pandas; pandas.read_csv(F)'",
                "at most", 2)  # fmt: skip
    memory = Row("peak memory of `xladdin timeliness`", size, "the size of the CSV file", "at most", 4,
                 unit="MB")  # fmt: skip
    try:
        _need("xladdin.extracts.read", "read_assessments")
    except Unavailable as exc:
        for r in (speed, memory):
            r.status, r.note = NOT_YET, str(exc)
        return [speed, memory]
    cmd = [*_xladdin(), "timeliness", str(csv), "--month", synth.MONTH, "--format", "csv"]
    base = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(csv)!r})"]
    peaks: list[int] = []

    def ours() -> float:
        child = _check(run_child(cmd), "xladdin timeliness")
        peaks.append(child.peak_bytes)
        return child.seconds

    def theirs() -> float:
        return _check(run_child(base), "pandas.read_csv").seconds

    ours(), theirs()  # warm-up: page cache, .pyc files
    peaks.clear()
    alternate(speed, ours, theirs, runs)
    memory.figures = [p / 1e6 for p in peaks]
    memory.baselines = [csv.stat().st_size / 1e6] * len(peaks)
    memory.finish()
    memory.figure = max(memory.figures)  # the worst run, not the median, for memory
    memory.ratio = memory.figure / memory.baseline
    memory.passed = memory.ratio <= memory.target
    memory.note = "largest peak RSS of the timed runs (process start to exit)"
    return [speed, memory]


def cli_xlsx_row(xlsx: Path, n: int, runs: int) -> Row:
    row = Row("`xladdin timeliness` end to end", f"{n:,}-row List 4 xlsx",
              "pandas.read_excel(F), default engine (openpyxl)", "faster", 8)  # fmt: skip
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


# --- report ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import pandas

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024**2:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": f"{_os_name()} (Linux {platform.release()})"
        if platform.system() == "Linux"
        else f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "openpyxl": _version("openpyxl"),
        "python-calamine": _version("python-calamine"),
    }


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return "Linux"


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def _num(x: float | None, unit: str) -> str:
    if x is None:
        return "-"
    if unit == "MB":
        return f"{x:,.0f} MB"
    return f"{x:.4f} s" if x < 0.1 else f"{x:.2f} s"


def table(rows: list[Row]) -> str:
    head = [
        "step",
        "size",
        "figure (median)",
        "baseline (median)",
        "baseline",
        "ratio",
        "target",
        "result",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if r.status != "ok":
            result, ratio = r.status, "-"
        elif r.sense == "completes":
            result, ratio = "pass" if r.passed else "FAIL", "-"
        else:
            kind = "x faster" if r.sense == "faster" else "x"
            ratio = f"{r.ratio:,.1f}{kind}" if r.ratio is not None else "-"
            result = "pass" if r.passed else "FAIL"
        lines.append("| " + " | ".join([
            r.step, r.size, _num(r.figure, r.unit), _num(r.baseline, r.unit), r.baseline_name or "-",
            ratio, r.target_text(), result,
        ]) + " |")  # fmt: skip
    notes = [f"- {r.step} ({r.size}): {r.note}" for r in rows if r.note]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="xladdin benchmark (issue 5)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="the large size (default 1,000,000); "
                        "xlsx, refresh and WORKDAYS45 use a tenth of it")  # fmt: skip
    parser.add_argument("--national-rows", type=int, default=6_500_000)
    parser.add_argument("--authorities", type=int, default=153)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run: checks that it works")
    parser.add_argument("--runs", type=int, help="timed runs per row (default 5; 1 with --quick)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--data", type=Path, metavar="DIR", help="where synthetic extracts are cached")
    parser.add_argument("--only", metavar="STEPS", help=f"comma-separated subset of: {', '.join(STEPS)}")
    args = parser.parse_args(argv)
    only = set(STEPS) if not args.only else {x.strip() for x in args.only.split(",")}
    if only - set(STEPS):
        parser.error(f"--only takes {', '.join(STEPS)}, not {', '.join(sorted(only - set(STEPS)))}")

    if args.quick:
        big, national, authorities = 2_000, 6_000, 3
        runs, loop_sample, cell_sample = args.runs or 1, 200, 200
    else:
        big, national, authorities = args.rows, args.national_rows, args.authorities
        runs, loop_sample, cell_sample = args.runs or 5, 20_000, 5_000
    small = max(big // 10, 100)
    few = max(1, min(runs, 3))  # for rows whose baseline takes seconds per run
    data = args.data or Path(tempfile.gettempdir()) / "xladdin-bench"
    data.mkdir(parents=True, exist_ok=True)
    work = data / "work"
    work.mkdir(exist_ok=True)
    started = time.perf_counter()
    print(f"Synthetic extracts in {data} (seeded; reused if present)", file=sys.stderr)

    def csv(kind: str, n: int) -> Path:
        stem = "list4" if kind == "assessments" else "list3"
        return ensure(data / f"{stem}_{n}.csv", lambda p: synth.write_csv(p, kind, n))

    def national_data() -> Path:
        folder = data / f"national_{national}_{authorities}"
        synth.write_national(folder, national, authorities)  # reuses the files already there
        return folder

    plan: dict[str, tuple[Callable[[], list[Row] | Row], Row]] = {
        "engine": (
            lambda: engine_rows(big, min(loop_sample, big), max(runs, 5)),
            Row("elapsed + deadline + in-time flag", f"{big:,} pairs", "busday_count", "faster", 2),
        ),
        "csv": (
            lambda: cli_csv_rows(csv("assessments", big), big, runs),
            Row("`xladdin timeliness` end to end", f"{big:,}-row CSV", "read_csv", "at most", 2),
        ),
        "xlsx": (
            lambda: cli_xlsx_row(
                ensure(data / f"list4_{small}.xlsx", lambda p: synth.write_xlsx(p, "assessments", small)),
                small,
                few,
            ),
            Row("`xladdin timeliness` end to end", f"{small:,}-row xlsx", "read_excel", "faster", 8),
        ),
        "refresh": (
            lambda: refresh_row(csv("assessments", small), csv("referrals", small), small, work, few),
            Row("`xladdin refresh`", f"{small:,}-row List 4 + 3", "the reader", "at most", 3),
        ),
        "udf": (
            lambda: udf_row(small, min(cell_sample, small), runs),
            Row("`WORKDAYS45` over a range pair", f"{small:,} x 1", "per cell", "faster", 50),
        ),
        "national": (
            lambda: national_rows(national_data(), national, authorities, work),
            Row("national: timeliness by authority, team, month", f"{national:,} rows", "",
                "completes", 0),
        ),
    }  # fmt: skip
    rows: list[Row] = []
    for name in STEPS:
        if name in only:
            print(f"[{time.perf_counter() - started:6.1f} s] {name}", file=sys.stderr)
            measure, fallback = plan[name]
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
    print(f"Medians of {runs} alternating runs (figure, baseline, figure, ...); "
          f"total benchmark time {time.perf_counter() - started:.0f} s.\n")  # fmt: skip
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
