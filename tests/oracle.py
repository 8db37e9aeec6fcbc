"""LibreOffice Calc as an independent oracle for Excel's NETWORKDAYS and WORKDAY.

The convention that causes mistakes: Excel's ``NETWORKDAYS(start, end)`` counts
the start day, so the project's *elapsed* working days are
``NETWORKDAYS(start+1, end, H)`` -- but only for ``end > start``. For a
same-day pair that formula runs backwards (start+1 > end) and Excel and Calc
return a negative count, not 0. This module reports what Calc computes,
unchanged; callers decide what a same-day pair should be compared with
(use ``networkdays``, which is ``NETWORKDAYS(start, end, H)``).

How it works (LibreOffice 7.4 headless): openpyxl writes the
formulas with no saved values, so LibreOffice must recalculate them on load;
``soffice --headless --convert-to csv`` then writes the computed values. The
workbook is built by this module and the answers come from LibreOffice's own
date functions, so the engine under test never checks itself.

Each call is one LibreOffice start (about 3 s), with a private user profile
(``-env:UserInstallation``) so that parallel test runs do not clash.

Example::

    from oracle import libreoffice_workdays, soffice_path  # tests/ is on sys.path under pytest
    rows = libreoffice_workdays(
        [(date(2024, 7, 22), date(2024, 9, 24))], [date(2024, 8, 26)]
    )
    rows.loc[0, "elapsed"]    # 45, from NETWORKDAYS(start+1, end, H)
    rows.loc[0, "workday45"]  # datetime.date(2024, 9, 24), from WORKDAY(start, 45, H)
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
import pandas as pd

# Excel's (and Calc's default) serial day 0 for the 1900 date system, allowing for
# Excel's phantom 29 Feb 1900: serial 45496 is 2024-07-22.
_EPOCH = dt.date(1899, 12, 30)

#: Output columns, in order, with the formula each is computed by (row r).
COLUMNS = {
    "elapsed": "NETWORKDAYS(A{r}+1,B{r},H)",
    "networkdays": "NETWORKDAYS(A{r},B{r},H)",
    "workday45": "WORKDAY(A{r},45,H)",
    "workday46": "WORKDAY(A{r},46,H)",
}


def soffice_path() -> str | None:
    """The LibreOffice executable on PATH (``soffice`` or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def build_workbook(
    path: Path,
    pairs: Sequence[tuple[dt.date, dt.date | None]],
    holidays: Iterable[dt.date],
) -> Path:
    """Write the oracle workbook: formulas only, no saved values.

    Sheet ``Pairs`` (first, so CSV export picks it): A start, B end, then one
    formula column per entry of :data:`COLUMNS`. Sheet ``Holidays``: one date a
    row, named ``H`` (a workbook-level defined name) for the formulas. Formula
    cells use number format ``0`` so the CSV shows serial numbers, not
    locale-formatted dates. An end of None leaves the end blank and the two
    NETWORKDAYS cells empty (an open case: only the deadlines are asked).
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pairs"
    ws.append(["start", "end", *COLUMNS])
    for r, (start, end) in enumerate(pairs, start=2):
        ws.cell(r, 1, _as_date(start)).number_format = "yyyy-mm-dd"
        if end is not None:
            ws.cell(r, 2, _as_date(end)).number_format = "yyyy-mm-dd"
        for c, (name, formula) in enumerate(COLUMNS.items(), start=3):
            if end is None and name in ("elapsed", "networkdays"):
                continue
            ws.cell(r, c, "=" + formula.format(r=r)).number_format = "0"
    hs = wb.create_sheet("Holidays")
    days = sorted({_as_date(d) for d in holidays})
    if not days:
        # An empty range would make H a #REF!; a Sunday changes no count.
        days = [dt.date(1900, 1, 7)]
    for r, day in enumerate(days, start=1):
        hs.cell(r, 1, day).number_format = "yyyy-mm-dd"
    wb.defined_names["H"] = openpyxl.workbook.defined_name.DefinedName(
        "H", attr_text=f"Holidays!$A$1:$A${len(days)}"
    )
    wb.save(path)
    return path


def recalculate_to_csv(xlsx: Path, *, timeout: float = 180) -> list[list[str]]:
    """Have LibreOffice headless load ``xlsx`` (recalculating it) and return the first sheet.

    Raises:
        RuntimeError: if soffice is missing, fails or writes no CSV (stderr is quoted).
    """
    soffice = soffice_path()
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not on PATH.")
    xlsx = Path(xlsx)
    with tempfile.TemporaryDirectory(prefix="xladdin-lo-") as tmp:
        profile = Path(tmp) / "profile"
        out = Path(tmp) / "out"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            # 44 = comma, 34 = double quote, 76 = UTF-8; row 1 as the first line.
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(out),
            str(xlsx),
        ]
        env = dict(os.environ, HOME=tmp)
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout, env=env)
        result = out / (xlsx.stem + ".csv")
        if done.returncode != 0 or not result.exists():
            raise RuntimeError(
                f"soffice failed (exit {done.returncode}) converting {xlsx}:\n{done.stdout}\n{done.stderr}"
            )
        with result.open(newline="", encoding="utf-8") as f:
            return list(csv.reader(f))


def libreoffice_workdays(
    pairs: Sequence[tuple[dt.date, dt.date | None]],
    holidays: Iterable[dt.date],
    *,
    workdir: Path | None = None,
) -> pd.DataFrame:
    """LibreOffice's NETWORKDAYS/WORKDAY over ``pairs`` with ``holidays`` (one soffice run).

    Args:
        pairs: (start, end) dates; end may be None for an open case.
        holidays: non-working dates passed to every formula as its holiday
            range (weekend dates in it are harmless).
        workdir: where to keep ``oracle.xlsx`` (e.g. pytest's ``tmp_path``);
            a temporary directory if None.

    Returns:
        One row per pair, in order, with columns ``start``, ``end`` (dates),
        ``elapsed`` = ``NETWORKDAYS(start+1, end, H)`` and ``networkdays`` =
        ``NETWORKDAYS(start, end, H)`` (Int64, <NA> for an open case; note
        ``elapsed`` is negative, not 0, for a same-day pair), ``workday45`` =
        ``WORKDAY(start, 45, H)`` and ``workday46`` = ``WORKDAY(start, 46, H)``
        (dates).

    Raises:
        RuntimeError: if LibreOffice is missing or fails, or a cell does not
            hold a number (e.g. ``Err:502``), naming the row.
    """
    pairs = list(pairs)
    with tempfile.TemporaryDirectory(prefix="xladdin-oracle-") as tmp:
        base = Path(workdir) if workdir is not None else Path(tmp)
        xlsx = build_workbook(base / "oracle.xlsx", pairs, holidays)
        rows = recalculate_to_csv(xlsx)
    header, body = rows[0], rows[1:]
    if header[2:] != list(COLUMNS) or len(body) != len(pairs):
        raise RuntimeError(
            f"Unexpected oracle CSV: header {header}, {len(body)} rows for {len(pairs)} pairs."
        )
    records = []
    for number, (row, (start, end)) in enumerate(zip(body, pairs, strict=True), start=2):
        values = dict(zip(COLUMNS, row[2:], strict=False))
        rec: dict[str, object] = {
            "start": _as_date(start),
            "end": None if end is None else _as_date(end),
        }
        for name, text in values.items():
            if text == "" and end is None and name in ("elapsed", "networkdays"):
                rec[name] = pd.NA
                continue
            try:
                number_value = int(float(text))
            except ValueError:
                raise RuntimeError(f"Oracle row {number}, {name}: LibreOffice gave {text!r}.") from None
            rec[name] = (
                _EPOCH + dt.timedelta(days=number_value) if name.startswith("workday") else number_value
            )
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=["start", "end", *COLUMNS])
    for name in ("elapsed", "networkdays"):
        frame[name] = frame[name].astype("Int64")
    return frame


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()
