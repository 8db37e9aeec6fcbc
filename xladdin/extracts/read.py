"""Read Annex A List 4 / List 3 extracts and audit trackers (CSV or xlsx) into validated frames.

Conventions that cause mistakes, first:

* Row numbers (``frame.source_row``, the quality list's ``row``) are the rows
  a spreadsheet shows: 1-based, counting title rows, blank lines and the
  header. The header row is found automatically in the first 30 rows.
* Dates in text are day-first, ``dd/mm/yyyy`` (an Annex A convention), never
  inferred; a time part after a space is ignored. Real Excel dates are used
  as they are. An unreadable date becomes NaT and is listed (rule "date").
* Rows with a problem stay in ``frame``; ``frame.problem`` says why they are
  kept out of the rate (``""`` when the row counts). See
  :mod:`xladdin.core.quality` for which rules exclude and which only warn.
* Only the columns the measures need are read (for speed on million-row
  files): List 4 ``child_id, start, authorised, team, worker``; List 3
  ``child_id, referral_date, source, nfa, referrals_12m, team, worker``; the
  whole audit tracker. ``team`` and ``worker`` are pandas categoricals;
  other text columns are ``str``; dates are ``datetime64[ns]``.

Headers match case-insensitively, with spaces trimmed, a trailing "?"
optional and curly apostrophes read as straight ones. CSV may be UTF-8 (with
or without a BOM) or Windows-1252, separated by commas, semicolons, tabs or
pipes. xlsx/xls/ods are read with calamine; the sheet whose header matches
best is used.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core import crosscheck
from xladdin.core import quality as q
from xladdin.errors import ExtractError
from xladdin.extracts.csv_reader import (
    PEEK_BYTES,
    decode_peek,
    read_csv_table,
    split_lines,
)
from xladdin.extracts.dates import (
    date_text,
    parse_dates,
)
from xladdin.extracts.excel_reader import (
    EXCEL_MAGIC,
    calamine_errors,
    read_excel_table,
)
from xladdin.extracts.mapping import ColumnMapping
from xladdin.extracts.spec import (
    HEADER_SCAN_ROWS,
    Progress,
    RawTable,
    Spec,
    header_score,
    make_spec,
    normalise_header,
    source_row_of_header,
    title_date,
)


@dataclass
class Extract:
    """One extract, read and validated.

    Attributes:
        kind: "assessments" | "referrals" | "audit".
        path: the file read.
        frame: canonical columns, ``source_row`` and ``problem`` ("" = counts).
        quality: one row per problem: file, row, column, value, reason, rule.
        rows: data rows read (blank lines not counted).
        sha256: of the file's bytes, for provenance.
        extract_date: given, else a date in a title row, else today.
        headers: canonical name -> header as written in the file (for messages).
    """

    kind: str
    path: Path
    frame: pd.DataFrame
    quality: pd.DataFrame
    rows: int
    sha256: str
    extract_date: dt.date
    headers: dict[str, str] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read(
    path: str | Path,
    kind: str,
    *,
    mapping: Any,
    extract_date: dt.date | None,
    progress: Progress | None,
) -> Extract:
    path = Path(path)
    spec = make_spec(kind, mapping)
    name = path.name
    table = _raw_table(path, spec, progress)
    body, source_row = _data_rows(table, name)
    if progress:
        progress(f"Read {len(body):,} rows; checking data quality")
    headers = {c: table.header_cells[p].strip() for c, p in table.positions.items()}
    label = {**spec.headers, **headers}
    if extract_date is None:
        extract_date = title_date(table.title_rows) or dt.date.today()
    frame, date_rows = _frame(body, source_row, spec, name, label)
    # Unreadable dates first, so the checks do not report them again as blank or open.
    frame["problem"] = ""
    q.apply_problems(frame, date_rows)
    if kind == "assessments":
        found = q.check_assessments(frame, extract_date=extract_date, file=name, headers=label)
    elif kind == "referrals":
        found = q.check_referrals(frame, extract_date=extract_date, file=name, headers=label)
    else:
        found = q.check_audit(frame, file=name, headers=label)
    allrows = q.combine([date_rows, found])
    frame["problem"] = ""
    quality = q.apply_problems(frame, allrows)
    if progress:
        n_excl = int((frame["problem"] != "").sum())
        progress(f"{len(quality):,} data-quality rows; {n_excl:,} rows kept out of the rate")
    return Extract(
        kind=kind,
        path=path,
        frame=frame,
        quality=quality,
        rows=len(frame),
        sha256=_sha256(path),
        extract_date=extract_date or dt.date.today(),
        headers=label,
    )


def _raw_table(path: Path, spec: Spec, progress: Progress | None) -> RawTable:
    """The file's table as read (CSV or a spreadsheet, by its first bytes), or an ExtractError."""
    if not path.exists():
        raise ExtractError(f"{path}: file does not exist. Check the path and the file name.")
    if path.is_dir():
        raise ExtractError(f"{path}: is a folder, not an extract file. Choose the CSV or xlsx file.")
    if path.stat().st_size == 0:
        raise ExtractError(f"{path.name}: the file is empty (0 bytes). Re-run the extract.")
    with path.open("rb") as f:
        magic = f.read(4)
    if magic in EXCEL_MAGIC:
        return read_excel_table(path, spec, progress)
    return read_csv_table(path, spec, progress)


def _data_rows(table: RawTable, name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The body without blank lines (rows of empty cells are not data), and the true row numbers."""
    body = table.body
    filled = body.notna().any(axis=1).to_numpy()
    if not filled.all():
        body = body.loc[filled].reset_index(drop=True)
    if len(body) == 0:
        raise ExtractError(
            f"{name}: has a header row (row {source_row_of_header(table)}) but no data rows. "
            "Re-run the extract for the right period."
        )
    return body, table.source_row[filled]


def _frame(
    body: pd.DataFrame, source_row: np.ndarray, spec: Spec, name: str, label: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The canonical frame (dates parsed, team names trimmed) and the quality rows of unreadable dates."""
    frame = pd.DataFrame(index=pd.RangeIndex(len(body)))
    parts = []
    for canon in spec.needed:
        if canon not in body:
            frame[canon] = (
                pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
                if canon in spec.dates
                else pd.Series(None, index=frame.index, dtype="str")
            )
        elif canon in spec.dates:
            frame[canon], bad = parse_dates(body[canon], date_format=spec.date_format)
            if bad.any():
                parts.append(_unreadable_dates(body[canon], bad, source_row, spec, name, label[canon]))
        else:
            frame[canon] = body[canon]
    if "team" in frame and isinstance(frame["team"].dtype, pd.CategoricalDtype):
        frame["team"] = _strip_categories(frame["team"])
    frame["source_row"] = source_row
    return frame, q.combine(parts)


def _unreadable_dates(
    values: pd.Series, bad: np.ndarray, source_row: np.ndarray, spec: Spec, name: str, column: str
) -> pd.DataFrame:
    full = np.empty(len(values), dtype=object)
    full[bad] = values[bad].astype(object).map(date_text).to_numpy(dtype=object)
    return q.flag_rows(
        pd.DataFrame({"source_row": source_row}),
        bad,
        file=name,
        column=column,
        value=full,
        rule="date",
        problem=f"unreadable {column}",
        reason=f"{column} is not a date (expected a date such as "
        f"{dt.date(2024, 9, 25).strftime(spec.date_format)}). Kept out of the rate: "
        "correct it on the source system.",
    )


def _strip_categories(s: pd.Series) -> pd.Series:
    """Trim spaces in team names ("Team A " is "Team A"); blank becomes missing. Cheap: per category."""
    cats = s.cat.categories.astype(str)
    new = cats.str.strip()
    if new.equals(cats) and not (new == "").any():
        return s
    inv, uniq = pd.factorize(pd.Series(new).where(new != "", None))
    codes = s.cat.codes.to_numpy()
    new_codes = np.where(codes >= 0, inv[np.maximum(codes, 0)], -1)
    return pd.Series(pd.Categorical.from_codes(new_codes, categories=uniq), index=s.index)


def read_assessments(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    extract_date: dt.date | None = None,
    progress: Progress | None = None,
) -> Extract:
    """Read and validate an Annex A List 4 (assessments) extract, CSV or xlsx.

    Args:
        path: the extract.
        mapping: a column-mapping file (YAML/TOML), a parsed mapping, or None for Annex A headers.
        extract_date: the day the extract was taken; default a date in a title row, else today.
        progress: called with short messages ("Reading list4.csv (93.0 MB)") for a terminal.

    Raises:
        ExtractError: the file is missing, empty, not a table, or lacks a required column.
        MappingError: the mapping file is wrong or names a column the file does not have.
    """
    return _read(path, "assessments", mapping=mapping, extract_date=extract_date, progress=progress)


def read_referrals(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    extract_date: dt.date | None = None,
    progress: Progress | None = None,
) -> Extract:
    """Read and validate an Annex A List 3 (referrals) extract (see :func:`read_assessments`)."""
    return _read(path, "referrals", mapping=mapping, extract_date=extract_date, progress=progress)


def read_audit(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    progress: Progress | None = None,
) -> Extract:
    """Read an audit tracker (one row per audit). ``extract_date`` is a title-row date or today."""
    ex = _read(path, "audit", mapping=mapping, extract_date=None, progress=progress)
    return ex


def cross_check(assessments: Extract, referrals: Extract) -> pd.DataFrame:
    """Warnings across List 4 and List 3: rules 1103 and 8831 (rows still count).

    Returns a quality list (file, row, column, value, reason, rule).
    """
    return crosscheck.cross_check_frames(
        assessments.frame,
        referrals.frame,
        assessments_file=assessments.path.name,
        referrals_file=referrals.path.name,
        assessment_headers=assessments.headers,
        referral_headers=referrals.headers,
    )


def read_extract(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    extract_date: dt.date | None = None,
    progress: Progress | None = None,
) -> Extract:
    """Read an extract of either list, deciding which from its header row (for ``xladdin quality``).

    The list whose headers match best wins; ties go to List 4 (assessments).
    """
    p = Path(path)
    kind = guess_kind(p, mapping=mapping)
    if kind == "audit":
        return read_audit(p, mapping=mapping, progress=progress)
    return _read(p, kind, mapping=mapping, extract_date=extract_date, progress=progress)


def guess_kind(path: str | Path, *, mapping: Any = None) -> str:
    """ "assessments", "referrals" or "audit", from which list's required headers the file has most of."""
    p = Path(path)
    scores = {}
    for kind in ("assessments", "referrals", "audit"):
        spec = make_spec(kind, mapping)
        wanted = {normalise_header(spec.headers[c]) for c in spec.required}
        try:
            rows = _peek_rows(p)
        except ExtractError:
            return "assessments"  # let the real read report the problem
        scores[kind] = max((header_score(r, wanted) / len(wanted) for r in rows), default=0.0)
    return max(scores, key=lambda k: scores[k])


def _peek_rows(path: Path) -> list[list[Any]]:
    if not path.is_file() or path.stat().st_size == 0:
        raise ExtractError(str(path))
    with path.open("rb") as f:
        raw = f.read(PEEK_BYTES)
    if raw[:4] in EXCEL_MAGIC:
        import python_calamine

        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            out: list[list[Any]] = []
            for s in book.sheet_names:
                out += book.get_sheet_by_name(s).to_python(nrows=HEADER_SCAN_ROWS)
            return out
        except calamine_errors():
            raise ExtractError(str(path)) from None
    text, _ = decode_peek(raw, len(raw) < PEEK_BYTES)
    lines = split_lines(text, len(raw) < PEEK_BYTES)[:HEADER_SCAN_ROWS]
    out = []
    for delim in (",", ";", "\t", "|"):
        out += [next(csv.reader([ln], delimiter=delim), []) for ln in lines]
    return out
