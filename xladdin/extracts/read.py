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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core import quality as q
from xladdin.core.schema import (
    ASSESSMENT_DATES,
    ASSESSMENT_REQUIRED,
    AUDIT_REQUIRED,
    REFERRAL_DATES,
    REFERRAL_REQUIRED,
)
from xladdin.errors import ExtractError, MappingError
from xladdin.extracts.mapping import KINDS, ColumnMapping, as_mapping

Progress = Callable[[str], Any]

HEADER_SCAN_ROWS = 30
_PEEK_BYTES = 256 * 1024
_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/ods (zip), xls (OLE2)
_DATE_IN_TITLE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_LIST_NAMES = {"assessments": "List 4 (assessments)", "referrals": "List 3 (referrals)",
               "audit": "audit tracker"}


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


@dataclass(frozen=True)
class _Spec:
    kind: str
    headers: dict[str, str]
    required: tuple[str, ...]
    dates: tuple[str, ...]
    needed: tuple[str, ...]
    categorical: tuple[str, ...]
    date_format: str
    mapping: ColumnMapping


_NEEDED = {
    "assessments": ("child_id", "start", "authorised", "team", "worker"),
    "referrals": ("child_id", "referral_date", "source", "nfa", "referrals_12m", "team", "worker"),
    "audit": tuple(KINDS["audit"]),
}
_REQUIRED = {"assessments": ASSESSMENT_REQUIRED, "referrals": REFERRAL_REQUIRED, "audit": AUDIT_REQUIRED}
_DATES = {"assessments": ASSESSMENT_DATES, "referrals": REFERRAL_DATES, "audit": ()}


def _spec(kind: str, mapping: Any) -> _Spec:
    m = as_mapping(mapping)
    needed = _NEEDED[kind]
    return _Spec(
        kind=kind,
        headers=m.headers(kind),
        required=_REQUIRED[kind],
        dates=tuple(c for c in _DATES[kind] if c in needed),
        needed=needed,
        categorical=tuple(c for c in ("team", "worker") if c in needed),
        date_format=m.date_format(kind),
        mapping=m,
    )


def normalise_header(text: Any) -> str:
    """The form headers are compared in: case-folded, spaces collapsed, trailing "?" dropped."""
    s = str(text).replace("\ufeff", "").replace("\u2019", "'").replace("\u2018", "'")
    s = " ".join(s.replace("\xa0", " ").split()).casefold()
    return s.rstrip("?").rstrip()


# ---------------------------------------------------------------- sniffing


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _decode_peek(raw: bytes, complete: bool) -> tuple[str, str]:
    """Decode the first bytes of a CSV: UTF-8 (BOM or not), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        import codecs

        text = codecs.getincrementaldecoder("utf-8")().decode(raw, final=complete)
        return text, "utf-8-sig"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def _split_lines(text: str, complete: bool) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off mid-way
    return lines


def _score(row: list[Any], wanted: set[str]) -> int:
    return len({normalise_header(c) for c in row if c is not None and str(c).strip()} & wanted)


def _find_header(rows: list[list[Any]], wanted: set[str]) -> tuple[int, int]:
    """(index, score) of the row matching most wanted headers; earliest on a tie."""
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        s = _score(row, wanted)
        if s > best_score:
            best, best_score = i, s
    return best, best_score


def _title_date(rows: list[list[Any]]) -> dt.date | None:
    """A date written in a title row above the header ("Annex A List 4 - extracted 31/10/2024")."""
    for row in rows:
        for cell in row:
            if isinstance(cell, dt.datetime):
                return cell.date()
            if isinstance(cell, dt.date):
                return cell
            if cell is None:
                continue
            m = _DATE_IN_TITLE.search(str(cell))
            if m:
                try:
                    if m.group(1):
                        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                    return dt.date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
                except ValueError:
                    continue
    return None


@dataclass
class _Table:
    body: pd.DataFrame  # columns: canonical names present; raw values (str or objects)
    source_row: np.ndarray
    header_cells: list[str]
    positions: dict[str, int]
    title_rows: list[list[Any]]
    sheet: str = ""


def _match_columns(header: list[Any], spec: _Spec, name: str, sheet: str) -> dict[str, int]:
    """Canonical name -> column position, or an ExtractError/MappingError naming what is missing."""
    norm = [normalise_header(c) if c is not None else "" for c in header]
    positions: dict[str, int] = {}
    for canon in spec.needed:
        want = normalise_header(spec.headers[canon])
        if want in norm:
            positions[canon] = norm.index(want)  # first of any repeated header
    found = ", ".join(f"'{str(c).strip()}'" for c in header if c is not None and str(c).strip())
    where = f"{name}{f' (sheet {sheet!r})' if sheet else ''}"
    mapped = spec.mapping.columns.get(spec.kind, {})
    for canon in spec.needed:
        if canon in positions:
            continue
        if canon in mapped:
            raise MappingError(
                f"{spec.mapping.source}: {spec.kind}.{canon} is '{mapped[canon]}', but {where} has "
                f"no such column. Columns found: {found}. Correct the header in the mapping file."
            )
        if canon in spec.required:
            hint = _other_list_hint(norm, spec.kind)
            raise ExtractError(
                f"{where}: required column '{spec.headers[canon]}' is missing. "
                f"Columns found: {found}.{hint} Re-run the extract with this column, or map your "
                "header to it in a column-mapping file (--mapping)."
            )
    return positions


def _other_list_hint(norm: list[str], kind: str) -> str:
    for other, headers in KINDS.items():
        if other == kind:
            continue
        needed = {normalise_header(headers[c]) for c in _REQUIRED[other]}
        if needed <= set(norm):
            return f" This looks like an Annex A {_LIST_NAMES[other]} file; check which file you chose."
    return ""


def _not_a_table(name: str, spec: _Spec, detail: str) -> ExtractError:
    looked = ", ".join(f"'{spec.headers[c]}'" for c in spec.required)
    return ExtractError(
        f"{name}: not a table xladdin can read ({detail}). Looked in the first {HEADER_SCAN_ROWS} "
        f"rows for a header row with {looked}. Choose the {_LIST_NAMES[spec.kind]} extract "
        "(CSV or xlsx), or map your headers in a column-mapping file (--mapping)."
    )


def _read_csv(path: Path, spec: _Spec, progress: Progress | None) -> _Table:
    name = path.name
    size = path.stat().st_size
    with path.open("rb") as f:
        raw = f.read(_PEEK_BYTES)
    complete = size <= _PEEK_BYTES
    if b"\x00" in raw[:8192] or raw.startswith(b"%PDF"):
        raise _not_a_table(name, spec, "it is a binary file, not text")
    text, encoding = _decode_peek(raw, complete)
    if not text.strip():
        raise ExtractError(f"{name}: the file is empty (no rows). Re-run the extract.")
    lines = _split_lines(text, complete)[:HEADER_SCAN_ROWS]
    wanted = {normalise_header(h) for h in spec.headers.values()}
    best: tuple[int, int, str, list[list[str]]] = (-1, 0, ",", [])
    for delim in (",", ";", "\t", "|"):
        rows = [next(csv.reader([ln], delimiter=delim), []) for ln in lines]
        idx, score = _find_header(rows, wanted)
        if score > best[1]:
            best = (idx, score, delim, rows)
    idx, score, delim, rows = best
    if score == 0:
        raise _not_a_table(name, spec, "no header row found")
    header = rows[idx]
    positions = _match_columns(header, spec, name, "")
    if complete and not any(ln.strip(" \t,;|\ufeff") for ln in _split_lines(text, True)[idx + 1:]):
        raise ExtractError(
            f"{name}: has a header row (row {idx + 1}) but no data rows. "
            "Re-run the extract for the right period."
        )
    if progress:
        progress(f"Reading {name} ({size / 1e6:,.1f} MB)")
    usecols = sorted(positions.values())
    by_pos = {p: c for c, p in positions.items()}
    # Dates as categories too: each distinct date text is then parsed once (and the C parser
    # builds no million Python strings for them).
    dtype = {
        p: ("category" if by_pos[p] in spec.categorical or by_pos[p] in spec.dates else str)
        for p in usecols
    }
    # Positional columns (names=range) so repeated or odd headers cannot confuse pandas;
    # index_col=False copes with a trailing separator on every line.
    kwargs: dict[str, Any] = {
        "sep": delim, "header": None, "skiprows": idx + 1, "names": list(range(len(header))),
        "usecols": usecols, "index_col": False, "dtype": dtype, "skip_blank_lines": False,
        "engine": "c",
    }
    try:
        try:
            body = pd.read_csv(path, encoding=encoding, **kwargs)
        except UnicodeDecodeError:
            # Not UTF-8 after all (a Windows-1252 character beyond the peek).
            encoding = "cp1252"
            body = pd.read_csv(path, encoding=encoding, encoding_errors="replace", **kwargs)
    except pd.errors.EmptyDataError:
        body = pd.DataFrame({p: pd.Series(dtype=dtype[p]) for p in usecols})
    except pd.errors.ParserError as exc:
        raise ExtractError(f"{name}: cannot be read as a table below its header ({exc}). "
                           "Check the file opens in Excel, then save it again as CSV.") from None
    body.columns = [by_pos[p] for p in body.columns]
    source_row = np.arange(len(body), dtype=np.int64) + idx + 2  # header is row idx+1
    return _Table(body, source_row, [str(c) for c in header], positions, rows[:idx])


def _calamine_errors() -> tuple[type[BaseException], ...]:
    """What calamine raises for a damaged, encrypted or non-Excel file."""
    import python_calamine as pc

    return (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, OSError, ValueError)


def _read_excel(path: Path, spec: _Spec, progress: Progress | None) -> _Table:
    import python_calamine

    name = path.name
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise _not_a_table(name, spec, "it is password-protected; save an unprotected copy") from None
    except _calamine_errors() as exc:
        raise _not_a_table(name, spec, f"it cannot be opened as a spreadsheet: {exc}") from None
    wanted = {normalise_header(h) for h in spec.headers.values()}
    best: tuple[int, int, str] = (-1, 0, "")
    # get_sheet_by_name parses the WHOLE sheet (about 0.55 s per 100,000 rows x 12
    # columns), so each sheet is loaded once and kept for the full read below.
    loaded: dict[str, Any] = {}
    for sheet_name in book.sheet_names:
        try:
            loaded[sheet_name] = book.get_sheet_by_name(sheet_name)
            peek = loaded[sheet_name].to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
        except _calamine_errors():  # a chart sheet or similar: nothing to read
            peek = []
        idx, score = _find_header(peek, wanted)
        if score > best[1]:
            best = (idx, score, sheet_name)
    idx, score, sheet = best
    if score == 0:
        if all(not any(str(c).strip() for c in r) for s in book.sheet_names
               for r in book.get_sheet_by_name(s).to_python(nrows=HEADER_SCAN_ROWS)):
            raise ExtractError(f"{name}: the workbook is empty (no rows). Re-run the extract.")
        raise _not_a_table(name, spec, "no header row found in any sheet")
    if progress:
        progress(f"Reading {name}, sheet {sheet!r}")
    # skip_empty_area=False keeps row 0 as spreadsheet row 1, so row numbers stay true.
    rows = loaded[sheet].to_python(skip_empty_area=False)
    header = list(rows[idx])
    sheet_label = sheet if len(book.sheet_names) > 1 else ""
    positions = _match_columns(header, spec, name, sheet_label)
    data = rows[idx + 1:]
    cols = {}
    for canon, p in positions.items():
        cells = [r[p] if p < len(r) else "" for r in data]
        text = canon not in spec.dates
        if any(type(v) is bool for v in cells):
            # factorize would hold True, 1 and 1.0 as one value: convert cell by cell.
            s = pd.Series([_excel_cell(v, text=text) for v in cells], dtype=object)
        else:
            # Each distinct value is converted once (100,000 cells hold a few thousand
            # distinct dates and a few dozen teams), not once per cell.
            codes, uniques = pd.factorize(pd.Series(cells, dtype=object), use_na_sentinel=True)
            converted = [_excel_cell(v, text=text) for v in uniques]
            s = pd.Series(np.array([*converted, None], dtype=object)[codes], dtype=object)
        if canon not in spec.dates:
            s = s.astype("category") if canon in spec.categorical else s.astype("str")
        cols[canon] = s
    body = pd.DataFrame(cols, index=pd.RangeIndex(len(data)))
    source_row = np.arange(len(body), dtype=np.int64) + idx + 2
    return _Table(body, source_row, [str(c) for c in header], positions, rows[:idx], sheet)


# ---------------------------------------------------------------- dates


def _excel_cell(v: Any, *, text: bool) -> Any:
    """One distinct cell value as the reader keeps it: blank text is missing (None);
    in text columns, whole numbers show as Excel does (12.0 -> "12") and all else is str."""
    if isinstance(v, str) and not v.strip():
        return None
    if not text:
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _excel_serial(v: float) -> pd.Timestamp:
    # Excel's day 0 is 1899-12-30 (its 1900 leap-year bug absorbed); serials > 60 only.
    return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(v))


def parse_dates(values: pd.Series, *, date_format: str = "%d/%m/%Y") -> tuple[pd.Series, np.ndarray]:
    """Parse day-first text dates (time part ignored) and real dates; return (dates, unreadable mask).

    Each distinct value is parsed once, so a million rows of a few thousand
    distinct dates take milliseconds. Blank is NaT and not unreadable.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = pd.Series(values.cat.categories.astype(object), dtype=object)
        cats_parsed, cats_bad = parse_dates(cats.astype("str"), date_format=date_format)
        codes = values.cat.codes.to_numpy()
        has = codes >= 0
        parsed = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
        parsed[has] = cats_parsed.to_numpy()[codes[has]]
        bad = np.zeros(len(codes), dtype=bool)
        bad[has] = cats_bad[codes[has]]
        return pd.Series(parsed, index=values.index), bad
    # Fast path (CSV): one vectorised strptime over the whole column (pandas caches repeats).
    if isinstance(values.dtype, pd.StringDtype):
        try:
            fast = pd.to_datetime(values, format=date_format, errors="coerce")
        except (TypeError, ValueError):
            fast = None
        if fast is not None:
            fast = fast.astype("datetime64[ns]")
            left = (fast.isna() & values.notna()).to_numpy()
            if not left.any():
                return fast, left
            slow, bad = _parse_dates_slow(values[left].astype(object), date_format)
            fast[left] = slow.to_numpy()
            bad_all = np.zeros(len(values), dtype=bool)
            bad_all[left] = bad
            return fast, bad_all
    return _parse_dates_slow(values, date_format)


def _parse_dates_slow(values: pd.Series, date_format: str) -> tuple[pd.Series, np.ndarray]:
    """Each distinct value once: text with a time part, real dates, Excel serial numbers."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    u = pd.Series(uniques, dtype=object)
    out = pd.Series(pd.NaT, index=u.index, dtype="datetime64[ns]")
    is_text = u.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if is_text.any():
        text = u[is_text].astype(str).str.strip()
        got = pd.to_datetime(text, format=date_format, errors="coerce")
        left = got.isna() & (text != "")
        if left.any():
            # "25/09/2024 16:35": the date is the part before the first space.
            head = text[left].str.split(n=1).str[0]
            got[left] = pd.to_datetime(head, format=date_format, errors="coerce")
        out[is_text] = got.astype("datetime64[ns]").to_numpy()
    other = ~is_text
    if other.any():
        conv = []
        for v in u[other]:
            if isinstance(v, (dt.datetime, dt.date)):
                conv.append(pd.Timestamp(v).normalize())
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and 60 < v < 2958466:
                conv.append(_excel_serial(v))
            else:
                conv.append(pd.NaT)
        out[other] = pd.to_datetime(pd.Series(conv, dtype=object)).astype("datetime64[ns]").to_numpy()
    blank_u = is_text & (u.astype(str).str.strip() == "").to_numpy()
    bad_u = out.isna().to_numpy() & ~blank_u
    parsed = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    has = codes >= 0
    parsed[has] = out.to_numpy()[codes[has]]
    bad = np.zeros(len(codes), dtype=bool)
    bad[has] = bad_u[codes[has]]
    return pd.Series(parsed, index=values.index), bad


def _as_text(v: Any) -> str:
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y %H:%M") if (v.hour or v.minute) else v.strftime("%d/%m/%Y")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return "" if v is None else str(v)


# ---------------------------------------------------------------- reading


def _read(
    path: str | Path,
    kind: str,
    *,
    mapping: Any,
    extract_date: dt.date | None,
    progress: Progress | None,
) -> Extract:
    path = Path(path)
    spec = _spec(kind, mapping)
    name = path.name
    if not path.exists():
        raise ExtractError(f"{path}: file does not exist. Check the path and the file name.")
    if path.is_dir():
        raise ExtractError(f"{path}: is a folder, not an extract file. Choose the CSV or xlsx file.")
    if path.stat().st_size == 0:
        raise ExtractError(f"{name}: the file is empty (0 bytes). Re-run the extract.")
    with path.open("rb") as f:
        magic = f.read(4)
    table = (
        _read_excel(path, spec, progress) if magic in _EXCEL_MAGIC else _read_csv(path, spec, progress)
    )
    body = table.body
    # Blank lines (and rows of empty cells) are not data: drop them, keeping true row numbers.
    filled = body.notna().any(axis=1).to_numpy()
    if not filled.all():
        body = body.loc[filled].reset_index(drop=True)
    source_row = table.source_row[filled]
    if len(body) == 0:
        raise ExtractError(
            f"{name}: has a header row (row {source_row_of_header(table)}) but no data rows. "
            "Re-run the extract for the right period."
        )
    if progress:
        progress(f"Read {len(body):,} rows; checking data quality")
    headers = {c: table.header_cells[p].strip() for c, p in table.positions.items()}
    label = {**spec.headers, **headers}
    if extract_date is None:
        extract_date = _title_date(table.title_rows) or dt.date.today()
    frame = pd.DataFrame(index=pd.RangeIndex(len(body)))
    parts = []
    for canon in spec.needed:
        if canon not in body:
            frame[canon] = (
                pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
                if canon in spec.dates else pd.Series(None, index=frame.index, dtype="str")
            )
            continue
        if canon in spec.dates:
            parsed, bad = parse_dates(body[canon], date_format=spec.date_format)
            frame[canon] = parsed
            if bad.any():
                raw = body[canon][bad].astype(object).map(_as_text).to_numpy(dtype=object)
                tmp = pd.DataFrame({"source_row": source_row})
                full = np.empty(len(body), dtype=object)
                full[bad] = raw
                parts.append(q._rows(
                    tmp, bad, file=name, column=label[canon], value=full, rule="date",
                    problem=f"unreadable {label[canon]}",
                    reason=f"{label[canon]} is not a date (expected a date such as "
                    f"{dt.date(2024, 9, 25).strftime(spec.date_format)}). Kept out of the rate: "
                    "correct it on the source system.",
                ))
        else:
            frame[canon] = body[canon]
    if "team" in frame and isinstance(frame["team"].dtype, pd.CategoricalDtype):
        frame["team"] = _strip_categories(frame["team"])
    frame["source_row"] = source_row
    # Unreadable dates first, so the checks do not report them again as blank or open.
    frame["problem"] = ""
    date_rows = q._finish(parts)
    q.apply_problems(frame, date_rows)
    if kind == "assessments":
        found = q.check_assessments(frame, extract_date=extract_date, file=name, headers=label)
    elif kind == "referrals":
        found = q.check_referrals(frame, extract_date=extract_date, file=name, headers=label)
    else:
        found = q.check_audit(frame, file=name, headers=label)
    allrows = q._finish([date_rows, found])
    frame["problem"] = ""
    quality = q.apply_problems(frame, allrows)
    if progress:
        n_excl = int((frame["problem"] != "").sum())
        progress(f"{len(quality):,} data-quality rows; {n_excl:,} rows kept out of the rate")
    return Extract(
        kind=kind, path=path, frame=frame, quality=quality, rows=len(frame),
        sha256=_sha256(path), extract_date=extract_date or dt.date.today(), headers=label,
    )


def source_row_of_header(table: _Table) -> int:
    return len(table.title_rows) + 1


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
    return q.cross_check_frames(
        assessments.frame, referrals.frame,
        assessments_file=assessments.path.name, referrals_file=referrals.path.name,
        assessment_headers=assessments.headers, referral_headers=referrals.headers,
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
    """"assessments", "referrals" or "audit", from which list's required headers the file has most of."""
    p = Path(path)
    scores = {}
    for kind in ("assessments", "referrals", "audit"):
        spec = _spec(kind, mapping)
        wanted = {normalise_header(spec.headers[c]) for c in spec.required}
        try:
            rows = _peek_rows(p)
        except ExtractError:
            return "assessments"  # let the real read report the problem
        scores[kind] = max((_score(r, wanted) / len(wanted) for r in rows), default=0.0)
    return max(scores, key=lambda k: scores[k])


def _peek_rows(path: Path) -> list[list[Any]]:
    if not path.is_file() or path.stat().st_size == 0:
        raise ExtractError(str(path))
    with path.open("rb") as f:
        raw = f.read(_PEEK_BYTES)
    if raw[:4] in _EXCEL_MAGIC:
        import python_calamine

        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            out: list[list[Any]] = []
            for s in book.sheet_names:
                out += book.get_sheet_by_name(s).to_python(nrows=HEADER_SCAN_ROWS)
            return out
        except _calamine_errors():
            raise ExtractError(str(path)) from None
    text, _ = _decode_peek(raw, len(raw) < _PEEK_BYTES)
    lines = _split_lines(text, len(raw) < _PEEK_BYTES)[:HEADER_SCAN_ROWS]
    out = []
    for delim in (",", ";", "\t", "|"):
        out += [next(csv.reader([ln], delimiter=delim), []) for ln in lines]
    return out
