"""Read Annex A List 4 / List 3 extracts and audit trackers (CSV, xlsx, HTML-as-xls) into validated frames.

Conventions that cause mistakes, first:

* **Every row is accounted for**: ``extract.rows == extract.counted + extract.kept_out``.
  A row that cannot be counted (an unreadable date, a blank team, a CSV line of
  the wrong width, a stray quote...) stays in ``frame`` with ``frame.problem``
  saying why, and is listed in ``extract.quality``; nothing is dropped.
* Row numbers (``frame.source_row``, the quality list's ``row``) are the rows
  a spreadsheet shows: 1-based, counting title rows, blank lines and the
  header. The header row is found automatically in the first 30 rows.
* Dates are read by the shared parser (:mod:`xladdin.core.dates`): day-first,
  never month-first; ISO; ``2 Sep 2024``; a time part ignored; real Excel dates.
* **The extract date is never silently today**: the date a title row states
  ("extracted 31/10/2024"), else the one given (``--extract-date``, Settings),
  else the latest date in the extract's own date columns; ``extract.notes``
  says which. A period in the title ("for 01/04/2024 to 30/09/2024") is kept as
  ``extract.coverage``.
* Only the columns the measures need are read (for speed on million-row
  files): List 4 ``child_id, start, authorised, team, worker``; List 3
  ``child_id, referral_date, source, nfa, referrals_12m, team, worker``; the
  whole audit tracker. ``team`` and ``worker`` are pandas categoricals with
  whitespace normalised; other text columns are ``str``; dates ``datetime64[ns]``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core import quality as q
from xladdin.core.quality import crosscheck
from xladdin.errors import ExtractError
from xladdin.extracts import dates, rows
from xladdin.extracts.dates import parse_dates
from xladdin.extracts.mapping import ColumnMapping, normalise_header
from xladdin.extracts.readers.block_reader import Block, block_sha256, read_block_table
from xladdin.extracts.readers.csv_reader import (
    read_csv_table,
    utf16,
)
from xladdin.extracts.readers.excel_reader import EXCEL_MAGIC, read_excel_table
from xladdin.extracts.readers.html_reader import read_html_table, sniff_markup
from xladdin.extracts.rows import require_counted
from xladdin.extracts.spec import (
    Progress,
    RawTable,
    Spec,
    make_spec,
    read_title,
    source_row_of_header,
)

__all__ = [
    "Block",
    "Extract",
    "cross_check",
    "normalise_header",
    "parse_dates",
    "read_assessments",
    "read_audit",
    "read_block",
    "read_referrals",
    "require_counted",
]


@dataclass
class Extract:
    """One extract (or one list of an Annex A workbook), read and validated.

    Attributes:
        kind: "assessments" | "referrals" | "audit".
        path: the file read.
        frame: canonical columns, ``source_row`` and ``problem`` ("" = counted).
        quality: one row per problem: file, row, column, value, reason, rule.
        rows: data rows in the extract (blank lines are not rows; a broken line is).
        sha256: of the file's bytes, for provenance.
        extract_date: see the module docstring; ``extract_date_source`` says where it came
            from: "title", "given", "data" (the latest date in it) or "today" (no date at all).
        headers: canonical name -> header as written in the file (for messages).
        sheet: the sheet read ("" for a CSV).
        coverage: ``(first_day, last_day)`` a title row states, or None.
        has_team: False when the file has no team column (figures are authority-wide).
        notes: one-line notes for the officer (which extract date, hidden sheets...).
    """

    kind: str
    path: Path
    frame: pd.DataFrame
    quality: pd.DataFrame
    rows: int
    sha256: str
    extract_date: dt.date
    headers: dict[str, str] = field(default_factory=dict)
    sheet: str = ""
    coverage: tuple[dt.date, dt.date] | None = None
    extract_date_source: str = "given"
    has_team: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def kept_out(self) -> int:
        """Rows kept out of every figure (each is in the data-quality list with its reason)."""
        return int((self.frame["problem"].to_numpy() != "").sum())

    @property
    def counted(self) -> int:
        """Rows that count (``rows - kept_out``)."""
        return self.rows - self.kept_out

    @property
    def label(self) -> str:
        """The file name, with the sheet when it matters: ``annexa.xlsx (sheet 'List 4')``."""
        return f"{self.path.name} (sheet {self.sheet!r})" if self.sheet else self.path.name

    def accounting(self) -> str:
        """``list4.csv: 1,234 rows = 1,200 counted + 34 kept out (...)`` for stderr."""
        line = f"{self.label}: {self.rows:,} rows = {self.counted:,} counted + {self.kept_out:,} kept out"
        return line + (f" (xladdin quality {self.path.name} lists them)" if self.kept_out else "")


#: One worker thread for the files' SHA-256 (started when first used).
_HASHING = ThreadPoolExecutor(1, thread_name_prefix="xladdin-sha256")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_list(
    path: str | Path,
    kind: str,
    *,
    mapping: Any,
    extract_date: dt.date | None,
    progress: Progress | None,
    sheet: str | None = None,
    block: Block | None = None,
) -> Extract:
    path = Path(path)
    spec = make_spec(kind, mapping)
    table = (
        _raw_table(path, spec, progress, sheet) if block is None else read_block_table(block, spec, progress)
    )
    # hashlib lets go of the GIL: a file is hashed while its rows are checked (a sheet's values,
    # as xlwings Lite passes them, are hashed here: Pyodide has no threads)
    if block is None:
        hashing = _HASHING.submit(_sha256, path)
    else:
        hashing = Future()
        hashing.set_result(block_sha256(block))
    label = f"{path.name} (sheet {table.sheet!r})" if table.sheet else path.name
    body, source_row = _data_rows(table, label)
    if progress:
        progress(f"Read {len(body):,} rows; checking data quality")
    headers = {c: str(table.header_cells[p]).strip() for c, p in table.positions.items()}
    headers_all = {**spec.headers, **headers}
    frame, date_rows = _frame(body, source_row, table, spec, label, headers_all)
    chosen, source, note = dates.choose_extract_date(table, frame, spec, extract_date, label)
    has_team = "team" in table.positions or kind == "audit"
    checked = frame if has_team else frame.drop(columns=["team"])
    # Broken lines hold no values: the other checks would only call them blank again.
    sub = checked.loc[frame["problem"].to_numpy() != "broken row"]
    if kind == "assessments":
        found = q.check_assessments(sub, extract_date=chosen, file=label, headers=headers_all)
    elif kind == "referrals":
        found = q.check_referrals(sub, extract_date=chosen, file=label, headers=headers_all)
    else:
        found = q.check_audit(sub, file=label, headers=headers_all)
    allrows = q.combine(
        [rows.broken_rows(table, frame, label), date_rows, rows.too_long(frame, label, headers_all), found]
    )
    frame["problem"] = ""
    quality = q.apply_problems(frame, allrows)
    rows.blank_long_values(frame)
    notes = [*table.notes, note]
    if not has_team:
        notes.append(
            f"{label}: no team column ('{spec.headers['team']}'): the figures are for the whole "
            "authority (one Total). If the file has a team column under another header, map it "
            f"('{kind}.team' in a mapping file)."
        )
    extract = Extract(
        kind=kind,
        path=path,
        frame=frame,
        quality=quality,
        rows=len(frame),
        sha256=hashing.result(),
        extract_date=chosen,
        headers=headers_all,
        sheet=table.sheet,
        coverage=read_title(table.title_rows).coverage,
        extract_date_source=source,
        has_team=has_team,
        notes=notes,
    )
    if progress:
        progress(f"{len(quality):,} data-quality rows; {extract.kept_out:,} rows kept out of the figures")
    return extract


def _raw_table(path: Path, spec: Spec, progress: Progress | None, sheet: str | None = None) -> RawTable:
    """The file's table as read (by its first bytes: a spreadsheet, a web page, or CSV), or an ExtractError."""
    if not path.exists():
        raise ExtractError(f"{path}: file does not exist. Check the path and the file name.")
    if path.is_dir():
        raise ExtractError(f"{path}: is a folder, not an extract file. Choose the CSV or xlsx file.")
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8192)
    except OSError as exc:
        raise ExtractError(
            f"{path}: cannot be opened ({exc.strerror or exc}). Check that you may read it (it may "
            "be open in another program, or your account lacks permission), or copy it to your own folder."
        ) from None
    if size == 0:
        raise ExtractError(f"{path.name}: the file is empty (0 bytes). Re-run the extract.")
    if head[:4] in EXCEL_MAGIC:
        return read_excel_table(path, spec, progress, sheet=sheet)
    markup = sniff_markup(head) if not utf16(head) else None
    if markup:
        return read_html_table(path, spec, progress, markup)
    return read_csv_table(path, spec, progress)


def _data_rows(table: RawTable, name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The data rows with their true row numbers: blank rows dropped, broken lines kept (empty)."""
    body = table.body
    filled = body.notna().any(axis=1).to_numpy() if len(body.columns) else np.zeros(len(body), bool)
    if not filled.all():
        body = body.loc[filled].reset_index(drop=True)
        table.refused = {c: _renumber(p, k, filled) for c, (p, k) in table.refused.items()}
    source_row = table.source_row[filled]
    broken = table.broken
    if len(broken):
        # A broken line is a row of the extract: it stays, with no values, and is listed.
        n = len(body)
        body = body.reindex(pd.RangeIndex(n + len(broken)))
        source_row = np.concatenate([source_row, broken["source_row"].to_numpy(dtype=np.int64)])
        order = np.argsort(source_row, kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        table.refused = {c: (position[p], k) for c, (p, k) in table.refused.items()}
        body = body.iloc[order].reset_index(drop=True)
        source_row = source_row[order]
    if len(body) == 0:
        raise ExtractError(
            f"{name}: has a header row (row {source_row_of_header(table)}) but no data rows. "
            "Re-run the extract for the right period."
        )
    return body, source_row


def _renumber(pos: np.ndarray, codes: np.ndarray, filled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    new = np.cumsum(filled) - 1
    keep = filled[pos]
    return new[pos[keep]], codes[keep]


def _frame(
    body: pd.DataFrame, source_row: np.ndarray, table: RawTable, spec: Spec, name: str, label: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The canonical frame (dates parsed, text tidied) and the quality rows of refused dates."""
    frame = pd.DataFrame(index=pd.RangeIndex(len(body)))
    broken = np.isin(source_row, table.broken["source_row"].to_numpy(dtype=np.int64))
    parts = []
    for canon in spec.needed:
        if canon not in body:
            frame[canon] = (
                pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
                if canon in spec.dates
                else pd.Series(
                    None, index=frame.index, dtype="category" if canon in spec.categorical else "str"
                )
            )
        elif canon in spec.dates:
            frame[canon], why = dates.column_dates(body[canon], table.refused.get(canon), spec)
            if why.any():
                parts.append(dates.refused_dates(body[canon], why, source_row, name, label[canon]))
        elif canon in spec.categorical:
            frame[canon] = rows.tidy_categories(body[canon])
        elif canon == "child_id":
            frame[canon] = rows.tidy_ids(body[canon])
        else:
            frame[canon] = body[canon]
    frame["source_row"] = source_row
    frame["problem"] = np.where(broken, "broken row", "")
    quality = q.combine(parts)
    q.apply_problems(frame, quality)
    return frame, quality


def read_assessments(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    extract_date: dt.date | None = None,
    progress: Progress | None = None,
    sheet: str | None = None,
) -> Extract:
    """Read and validate an Annex A List 4 (assessments) extract, CSV or xlsx.

    Args:
        path: the extract.
        mapping: a column-mapping file (YAML/TOML), a parsed mapping, or None for Annex A headers.
        extract_date: the day the extract was taken, used when no title row states one.
        progress: called with short messages ("Reading list4.csv (93.0 MB)") for a terminal.
        sheet: the sheet to read (default: the visible sheet whose header matches best).

    Raises:
        ExtractError: the file is missing, empty, not a table, or lacks a required column.
            (Every row may be kept out: :func:`require_counted` says so, as the commands do.)
        MappingError: the mapping file is wrong or names a column the file does not have.
    """
    return read_list(
        path,
        "assessments",
        mapping=mapping,
        extract_date=extract_date,
        progress=progress,
        sheet=sheet,
    )


def read_referrals(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    extract_date: dt.date | None = None,
    progress: Progress | None = None,
    sheet: str | None = None,
) -> Extract:
    """Read and validate an Annex A List 3 (referrals) extract (see :func:`read_assessments`)."""
    return read_list(
        path,
        "referrals",
        mapping=mapping,
        extract_date=extract_date,
        progress=progress,
        sheet=sheet,
    )


def read_audit(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    progress: Progress | None = None,
) -> Extract:
    """Read an audit tracker (one row per audit)."""
    return read_list(path, "audit", mapping=mapping, extract_date=None, progress=progress)


def read_block(
    block: Block,
    kind: str,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    extract_date: dt.date | None = None,
    progress: Progress | None = None,
) -> Extract:
    """Read and validate an extract held in a sheet: ``kind`` is "assessments", "referrals" or "audit".

    The same rules and messages as a file (``readers.block_reader``); ``extract.path`` is
    the workbook's name and ``extract.sheet`` the sheet's, so messages and the data-quality
    list name ``performance-lite.xlsx (sheet 'Assessments extract')`` and the sheet's rows.
    """
    given = None if kind == "audit" else extract_date
    return read_list(block.book, kind, mapping=mapping, extract_date=given, progress=progress, block=block)


def cross_check(assessments: Extract, referrals: Extract) -> pd.DataFrame:
    """Warnings across List 4 and List 3: rules 1103 and 8831 (rows still count).

    Returns a quality list (file, row, column, value, reason, rule).
    """
    return crosscheck.cross_check_frames(
        assessments.frame,
        referrals.frame,
        assessments_file=assessments.label,
        referrals_file=referrals.label,
        assessment_headers=assessments.headers,
        referral_headers=referrals.headers,
    )
