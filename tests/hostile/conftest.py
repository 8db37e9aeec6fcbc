"""The hostile-input corpus: odd and broken inputs, each run through the CLI as a user would.

Every case in ``tests/hostile/`` builds its own input in ``tmp_path`` with code
(never a committed binary that code can make), runs ``xladdin`` as a separate
process, and checks what issue 10 asks of every input:

* the exit code (0 for a usable input, 2 for one a person must fix, never 1);
* no ``Traceback`` and no ``Exception ignored`` anywhere in the output;
* a message that names the problem (the file, and the sheet, row, column or
  value where they apply);
* for ``--format json``, every row accounted for: ``rows == counted + kept_out``;
* files that must not change are byte-identical afterwards.

Fixtures for any case file here (the workbook and report cases use them too):

``xladdin``
    ``xladdin(*args, cwd=None, timeout=120)`` runs the CLI, returns a :class:`Run`.
``expect``
    ``expect(run, code, *words)``: the exit code, no traceback noise, and each word
    in the output (stderr then stdout), case-insensitively.
``accounted``
    ``accounted(run)``: the json on stdout, after checking the accounting identity
    (top level and per extract); returns the parsed dict.
``unchanged``
    ``with unchanged(path, ...):`` asserts the files' bytes and modes are the same after.

Slow cases (a few seconds or more) are marked ``@pytest.mark.slow``; they still run in CI.
Input builders for Annex A shapes live in ``annex_shapes.py`` beside this file.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

#: What must never reach a person's screen.
NOISE = ("Traceback (most recent call last)", "Exception ignored")


@dataclass
class Run:
    """One CLI run: the arguments, exit code and both streams."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stderr + self.stdout


def run_cli(
    *args: Any, cwd: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None
) -> Run:
    """Run ``python -m xladdin.cli ARGS`` in a fresh process (what a user or another tool does)."""
    argv = tuple(str(a) for a in args)
    proc = subprocess.run(
        [sys.executable, "-m", "xladdin.cli", *argv],
        capture_output=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )
    # Decoded by hand: text mode would turn a carriage return inside a csv value into a line break.
    out, err = (b.decode("utf-8", errors="replace") for b in (proc.stdout, proc.stderr))
    return Run(argv, proc.returncode, out, err)


def expect_run(run: Run, code: int, *words: str) -> Run:
    """Assert the exit code, no traceback noise, and that each word appears in the output."""
    shown = f"xladdin {' '.join(run.args)}\n--- exit {run.returncode}\n--- stderr\n{run.stderr}\n--- stdout\n{run.stdout[:3000]}"
    for noise in NOISE:
        assert noise not in run.output, shown
    assert run.returncode == code, shown
    low = run.output.casefold()
    for w in words:
        assert w.casefold() in low, f"{w!r} not in the output:\n{shown}"
    return run


def accounted_json(run: Run) -> dict[str, Any]:
    """The json a ``--format json`` run printed, with every row accounted for."""
    data = json.loads(run.stdout)
    assert data["rows"] == data["counted"] + data["kept_out"], data
    for part in data.get("extracts", []):
        assert part["rows"] == part["counted"] + part["kept_out"], part
    if "extracts" in data:
        assert data["rows"] == sum(p["rows"] for p in data["extracts"]), data
    if "quality" in data:
        # Every row kept out is in the list (a row may be listed more than once, for each reason).
        listed_rows = {
            (q["file"], q["row"]) for q in data["quality"] if q["rule"] not in ("8896", "1103", "8831")
        }
        assert len(listed_rows) >= data["kept_out"], data
    return data


@contextlib.contextmanager
def files_unchanged(*paths: Path) -> Iterator[None]:
    """Assert the files' bytes and permission bits are the same after the block."""
    before = {p: (Path(p).read_bytes(), Path(p).stat().st_mode) for p in paths}
    yield
    for p, (data, mode) in before.items():
        assert Path(p).read_bytes() == data, f"{p} changed"
        assert Path(p).stat().st_mode == mode, f"{p} changed mode"


@pytest.fixture
def xladdin() -> Callable[..., Run]:
    return run_cli


@pytest.fixture
def expect() -> Callable[..., Run]:
    return expect_run


@pytest.fixture
def accounted() -> Callable[[Run], dict[str, Any]]:
    return accounted_json


@pytest.fixture
def unchanged() -> Callable[..., Any]:
    return files_unchanged
