"""What every benchmark row shares: a row of the table, timing a process to its exit, alternating
figure and baseline, and the table itself (``run.py`` runs the rows; ``council.py`` holds the
council-size, start-up and short-value rows).
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import synth

HERE = Path(__file__).resolve().parent
NOT_YET = "not available yet"
#: Where the children keep their bytecode (set by run.py before the first child runs).
PYCACHE: list[Path] = []


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
    if PYCACHE:
        # Bytecode kept (outside the checkout), as an installed package has it: pip compiles on
        # install, and a checkout run with PYTHONDONTWRITEBYTECODE would compile xladdin on
        # every start (about 40 ms) while pandas' own bytecode is installed.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE[0])
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


# --- the data and the report -------------------------------------------------------------


def ensure(path: Path, make: Callable[[Path], object]) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        make(path)
        print(f"  wrote {path.name} ({path.stat().st_size / 1e6:,.1f} MB) in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)  # fmt: skip
    return path


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


# --- a CLI run on a CSV against pandas reading it ------------------------------------------


def cli_csv_rows(csv: Path, n: int, runs: int, *, what: str = "List 4 CSV", target: float = 1.0) -> list[Row]:
    """``xladdin timeliness`` on a CSV against a process that only reads it with pandas, and its peak memory."""
    size = f"{n:,}-row {what} ({csv.stat().st_size / 1e6:,.0f} MB)"
    speed = Row("`xladdin timeliness` end to end", size, "python -c 'import pandas; pandas.read_csv(F)'",
                "at most", target)  # fmt: skip
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
