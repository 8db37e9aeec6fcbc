"""CSV extracts -> a raw table: encoding and separator sniffed, the header row found, every line
after it accounted for (:mod:`xladdin.extracts.readers.csv_lines`).

UTF-8 (with or without a BOM), Windows-1252, or UTF-16 (Excel's "Unicode Text",
tab-separated), separated by commas, semicolons, tabs or pipes. Row numbers are
the file's line numbers (1-based). Values are kept as written: ``NA`` or ``#N/A``
in a date column is a value that is not a date (listed), not a blank.

Speed: a clean file (every line one row of the header's width) is read by
pandas' C parser after one vectorised pass over the bytes; the lines of the wrong
width are skipped by number and listed. Only a file whose quotes do not balance
on every line is read line by line in Python (a few seconds a million lines).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xladdin.errors import ExtractError
from xladdin.extracts.readers import csv_lines
from xladdin.extracts.spec import (
    HEADER_SCAN_ROWS,
    Progress,
    RawTable,
    Spec,
    find_header,
    match_columns,
    not_a_table,
)

PEEK_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")


def decode_peek(raw: bytes, complete: bool) -> tuple[str, str]:
    """Decode the first bytes of a CSV: UTF-8 (BOM or not), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(raw, final=complete)
        return text, "utf-8-sig"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def split_lines(text: str, complete: bool) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off mid-way
    return lines


def utf16(raw: bytes) -> str | None:
    """ "utf-16" when the bytes are UTF-16 text (a BOM, or every other byte zero), else None."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = raw[:4096]
    if len(sample) >= 8:
        zeros_odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
        zeros_even = sample[0::2].count(0) / max(1, len(sample[0::2]))
        if zeros_odd > 0.9 and zeros_even < 0.1:
            return "utf-16-le"
        if zeros_even > 0.9 and zeros_odd < 0.1:
            return "utf-16-be"
    return None


def header_rows(lines: list[str], delim: str) -> list[list[str]]:
    with csv_lines.big_fields():
        out = []
        for ln in lines:
            try:
                out.append(next(csv.reader([ln], delimiter=delim), []))
            except csv.Error:
                out.append([])
        return out


def read_csv_table(path: Path, spec: Spec, progress: Progress | None) -> RawTable:
    decoded, encoding, idx, delim, rows, raw = _sniff(path, spec)
    header = rows[idx]
    positions = match_columns(header, spec, path.name, "", path=str(path))
    if progress:
        size = len(decoded) if decoded is not None else path.stat().st_size
        progress(f"Reading {path.name} ({size / 1e6:,.1f} MB)")
    start = _data_start(raw if decoded is None else decoded, idx)
    if decoded is None and len(raw) == PEEK_BYTES and start >= len(raw) - 1:
        start = _data_start(path.read_bytes(), idx)  # the header's line break at the peek's end
    table = RawTable(pd.DataFrame(), np.zeros(0, np.int64), [str(c) for c in header], positions, rows[:idx])
    table.header_row = idx + 1
    # The line check (numpy) and pandas' C parser both let go of the GIL for most of their work:
    # on a clean file (the usual case) pandas reads while another thread checks the lines, and
    # the read is kept if every line is one row of the header's width (blank lines aside). The
    # thread holds the file's bytes, so they are not in memory beside pandas' work for long.
    check = (decoded if decoded is not None else path, start, delim, len(header), idx + 1, encoding)
    with ThreadPoolExecutor(1) as pool:
        checking = pool.submit(_check_lines, *check)
        guess = (
            None
            if decoded is not None
            else _speculate(path, idx, len(header), positions, spec, delim, encoding)
        )
        scan, broken, quoted = checking.result()
    if scan.quotes_balance:
        table.broken = broken
        kept = _if_clean(guess, scan, quoted, len(header))
        if kept is not None:
            table.body, table.source_row = _named(kept[0], positions), kept[1] + idx + 2
            return table
    data = decoded if decoded is not None else path.read_bytes()
    if scan.quotes_balance:
        patched = _without_stray_quotes(data, start, scan)
        # pandas reads the file itself (in blocks): the bytes need not stay in memory.
        source: Any = io.BytesIO(patched or data) if (decoded is not None or patched) else path
        fast = _fast(source, idx, scan, positions, spec, delim, encoding)
        if fast is not None:
            table.body, table.source_row = fast
            return table
        # The C parser saw the lines differently (a bare carriage return inside a value...).
    table.body, table.source_row, table.broken = _precise(
        data, start, idx, header, positions, spec, delim, encoding
    )
    return table


def _sniff(path: Path, spec: Spec) -> tuple[bytes | None, str, int, str, list[list[str]], bytes]:
    """The encoding, the header row and the separator, from the first bytes.

    Returns ``(decoded, encoding, header index, separator, the rows up to the header and a few
    after, the first bytes)``; ``decoded`` is the whole file as UTF-8 when it was UTF-16 text
    (small: a person saved it), else None.
    """
    name = path.name
    size = path.stat().st_size
    with path.open("rb") as f:
        raw = f.read(PEEK_BYTES)
    decoded: bytes | None = None
    wide = utf16(raw)
    if wide:
        # Excel's "Unicode Text": read it as UTF-8 from here on.
        try:
            decoded = path.read_bytes().decode(wide).lstrip("\ufeff").encode("utf-8")
        except UnicodeDecodeError:
            raise ExtractError(
                f"{name}: looks like UTF-16 text but cannot be decoded. Save it from Excel as "
                "'CSV UTF-8 (Comma delimited)' and try again."
            ) from None
        raw, size = decoded[:PEEK_BYTES], len(decoded)
    complete = size <= PEEK_BYTES
    if b"\x00" in raw[:8192] or raw.startswith(b"%PDF"):
        what = "a PDF" if raw.startswith(b"%PDF") else "a binary file, not text"
        raise not_a_table(name, spec, f"it is {what}")
    text, encoding = decode_peek(raw, complete)
    if not text.strip():
        raise ExtractError(f"{name}: the file is empty (no rows). Re-run the extract.")
    if not complete and "\n" not in text and "\r" not in text:
        raise ExtractError(
            f"{name}: the first {PEEK_BYTES // 1024} KB hold no line break (the file is "
            f"{size / 1e6:,.1f} MB): not a CSV extract, one row per line. Check that you chose the "
            "extract, and export it again as CSV."
        )
    lines = split_lines(text, complete)[:HEADER_SCAN_ROWS]
    wanted = spec.wanted()
    best: tuple[int, int, str, list[list[str]]] = (-1, 0, ",", [])
    for delim in DELIMITERS:
        rows = header_rows(lines, delim)
        idx, score = find_header(rows, wanted)
        if score > best[1]:
            best = (idx, score, delim, rows)
    idx, score, delim, rows = best
    if score == 0:
        raise not_a_table(name, spec, "no header row found")
    return decoded, encoding, idx, delim, rows, raw


def _check_lines(
    source: Path | bytes, start: int, delim: str, width: int, header_lines: int, encoding: str
) -> tuple[csv_lines.LineScan, pd.DataFrame, bool]:
    """The line scan of the bytes after the header, the listed lines, and whether one holds a quote.

    A file is read a chunk at a time (:class:`csv_lines.FileBytes`), not held whole.
    """
    with contextlib.ExitStack() as stack:
        data = stack.enter_context(csv_lines.FileBytes(source)) if isinstance(source, Path) else source
        scan = csv_lines.scan_lines(data, start, delim, width)
        if not scan.quotes_balance:
            return scan, pd.DataFrame(columns=["source_row", "value", "reason"]), True
        quoted = any(data.find(b'"', *scan.span(i)) >= 0 for i in scan.bad)
        return scan, _broken(data, scan, header_lines, encoding), quoted


def _speculate(
    path: Path, idx: int, width: int, positions: dict[str, int], spec: Spec, delim: str, encoding: str
) -> pd.DataFrame | None:
    """The rows after the header as :func:`_fast` reads them when the scan lists no line, or None."""
    names = list(range(max(width, max(positions.values(), default=0) + 1)))
    return _read_rows(path, set(range(idx + 1)), names, _dtypes(positions, spec), delim, encoding)


def _if_clean(
    guess: pd.DataFrame | None, scan: csv_lines.LineScan, quoted: bool, width: int
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """``(body, line indices)`` from the speculative read when every record is one line, else None.

    Blank lines, and lines of the wrong width without a quote, were read as rows: they are dropped
    here by position (what they added to a column's categories with them), giving exactly the
    frame :func:`_fast` makes by skipping them.
    """
    if guess is None or quoted or len(guess) != scan.lines or scan.width != width or len(scan.continued):
        return None
    keep = np.ones(scan.lines, dtype=bool)
    keep[scan.blank] = False
    keep[np.fromiter(scan.bad, dtype=np.int64, count=len(scan.bad))] = False
    lines = np.flatnonzero(keep)
    if len(lines) == 0:
        return None  # no row at all: the empty frame is made as the checked read makes it
    body = guess
    if len(lines) < len(guess):
        body = guess.iloc[lines].reset_index(drop=True)
        for column in body.columns:
            if isinstance(body[column].dtype, pd.CategoricalDtype):
                body[column] = body[column].cat.remove_unused_categories()
    return body, lines


def _without_stray_quotes(data: bytes, start: int, scan: csv_lines.LineScan) -> bytes | None:
    """A copy of the bytes with the quotes of the listed lines blanked, or None if none has one.

    pandas skips a listed line by number, but still follows a quote inside it, so a stray
    quote in a skipped line would swallow the lines after it all the same.
    """
    if not scan.bad or data.find(b'"', start) < 0:
        return None
    quoted = [scan.span(i) for i in scan.bad if data.find(b'"', *scan.span(i)) >= 0]
    if not quoted:
        return None
    out = bytearray(data)
    for a, b in quoted:
        out[a:b] = out[a:b].replace(b'"', b" ")
    return bytes(out)


def _data_start(data: bytes, header_index: int) -> int:
    """Byte offset of the line after the header (line ``header_index``, 0-based)."""
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    for _ in range(header_index + 1):
        m = re.compile(rb"\r\n|\r|\n").search(data, pos)
        if m is None:
            return len(data)
        pos = m.end()
    return pos


def _dtypes(positions: dict[str, int], spec: Spec) -> dict[int, Any]:
    # Dates as categories too: each distinct date text is then parsed once (and the C parser
    # builds no million Python strings for them). Child IDs as object: the frame makes them str
    # (rows.tidy_ids), and the parser's own str conversion costs a tenth more on a million.
    by_pos = {p: c for c, p in positions.items()}
    return {
        p: (
            "category"
            if by_pos[p] in spec.categorical or by_pos[p] in spec.dates
            else object
            if by_pos[p] == "child_id"
            else str
        )
        for p in sorted(positions.values())
    }


def _fast(
    source: Any,
    idx: int,
    scan: csv_lines.LineScan,
    positions: dict[str, int],
    spec: Spec,
    delim: str,
    encoding: str,
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """pandas' C parser over the lines the scan passed (the others skipped by number), or None
    when it does not find exactly those lines."""
    skip_idx = np.sort(
        np.concatenate([scan.blank, np.fromiter(scan.bad, dtype=np.int64, count=len(scan.bad))])
    )
    # A row is a line that is neither skipped nor the continuation of a quoted value.
    row = np.ones(scan.lines, dtype=bool)
    row[skip_idx] = False
    row[scan.continued] = False
    keep = np.flatnonzero(row)
    dtype = _dtypes(positions, spec)
    header_lines = idx + 1
    if len(keep) == 0:
        body = pd.DataFrame({p: pd.Series(dtype=dtype[p]) for p in sorted(dtype)})
    else:
        # Skip the title and header lines, and every blank or listed line, by number. pandas
        # numbers records, not lines: a value that runs over lines in quotes is one record.
        skiprows = set(range(header_lines)) | set(
            (skip_idx + header_lines - np.searchsorted(scan.continued, skip_idx)).tolist()
        )
        names = list(range(max(scan.width, max(dtype, default=0) + 1)))
        read = _read_rows(source, skiprows, names, dtype, delim, encoding)
        if read is None or len(read) != len(keep):
            return None
        body = read
    return _named(body, positions), keep + header_lines + 1


def _named(body: pd.DataFrame, positions: dict[str, int]) -> pd.DataFrame:
    """Columns by canonical name (pandas names them by position), index 0..n-1."""
    by_pos = {p: c for c, p in positions.items()}
    body.columns = [by_pos[p] for p in body.columns]
    return body.reset_index(drop=True)


def _read_rows(
    source: Any, skiprows: set[int], names: list[int], dtype: dict[int, Any], delim: str, encoding: str
) -> pd.DataFrame | None:
    """pandas' C parser: the columns in ``dtype`` (named canonically by the caller's positions), or None."""
    kwargs: dict[str, Any] = {
        "sep": delim,
        "header": None,
        "skiprows": skiprows,
        "names": names,
        "usecols": sorted(dtype),
        "index_col": False,
        "dtype": dtype,
        "skip_blank_lines": False,
        # Values as written: "NA" or "#N/A" in a date column is listed, not taken for a blank.
        "keep_default_na": False,
        "na_values": [""],
        "engine": "c",
    }
    try:
        try:
            body = pd.read_csv(source, encoding=encoding, **kwargs)
        except UnicodeDecodeError:
            # Not UTF-8 after all (a Windows-1252 character beyond the first bytes).
            if hasattr(source, "seek"):
                source.seek(0)
            body = pd.read_csv(source, encoding="cp1252", encoding_errors="replace", **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, IndexError, ValueError):
        return None
    return body


def _broken(
    data: bytes | csv_lines.FileBytes, scan: csv_lines.LineScan, header_lines: int, encoding: str
) -> pd.DataFrame:
    """The listed lines: their line numbers, the start of their text, and why."""
    rows = sorted(scan.bad)
    values: list[str] = []
    for i in rows:
        a, b = scan.span(i)
        piece = data[a : min(b, a + 400)] if len(values) < 10_000 else b""
        values.append(shorten(piece.decode(encoding, errors="replace").rstrip("\r\n")))
    return pd.DataFrame(
        {
            "source_row": np.asarray(rows, dtype=np.int64) + header_lines + 1,
            "value": values,
            "reason": [scan.bad[i] for i in rows],
        }
    )


def shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _precise(
    data: bytes,
    start: int,
    idx: int,
    header: list[str],
    positions: dict[str, int],
    spec: Spec,
    delim: str,
    encoding: str,
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Line by line (:func:`csv_lines.read_records`): for files whose quotes do not balance."""
    try:
        text = data[start:].decode("utf-8" if encoding == "utf-8-sig" else encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = data[start:].decode(encoding, errors="replace")
    term = "\n" if "\n" in text else "\r"
    parts = text.split(term)
    lines = [p + term for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    header_line = data[:start].rstrip(b"\r\n").decode(encoding, errors="replace")
    rows, bad, _blank, _width = csv_lines.read_records(lines, delim, len(header), header_line.endswith(delim))
    dtype = _dtypes(positions, spec)
    cols = {}
    for canon, p in positions.items():
        values = [v[p] if p < len(v) and v[p] != "" else None for _, v in rows]
        cols[canon] = pd.Series(values, dtype=object).astype(dtype[p])
    body = pd.DataFrame(cols, index=pd.RangeIndex(len(rows)))
    header_lines = idx + 1
    source_row = np.asarray([i for i, _ in rows], dtype=np.int64) + header_lines + 1
    broken = pd.DataFrame(
        {
            "source_row": np.asarray(sorted(bad), dtype=np.int64) + header_lines + 1,
            "value": [shorten(lines[i].rstrip("\r\n")) for i in sorted(bad)],
            "reason": [bad[i] for i in sorted(bad)],
        }
    )
    return body, source_row, broken
