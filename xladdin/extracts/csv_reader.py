"""CSV extracts -> a raw table: encoding and separator sniffed, the header row found.

UTF-8 (with or without a BOM) or Windows-1252, separated by commas, semicolons,
tabs or pipes. Row numbers are the lines a spreadsheet shows (1-based).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xladdin.errors import ExtractError
from xladdin.extracts.spec import (
    HEADER_SCAN_ROWS,
    Progress,
    RawTable,
    Spec,
    find_header,
    match_columns,
    normalise_header,
    not_a_table,
)

PEEK_BYTES = 256 * 1024


def decode_peek(raw: bytes, complete: bool) -> tuple[str, str]:
    """Decode the first bytes of a CSV: UTF-8 (BOM or not), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        import codecs

        text = codecs.getincrementaldecoder("utf-8")().decode(raw, final=complete)
        return text, "utf-8-sig"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def split_lines(text: str, complete: bool) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off mid-way
    return lines


def read_csv_table(path: Path, spec: Spec, progress: Progress | None) -> RawTable:
    name = path.name
    size = path.stat().st_size
    with path.open("rb") as f:
        raw = f.read(PEEK_BYTES)
    complete = size <= PEEK_BYTES
    if b"\x00" in raw[:8192] or raw.startswith(b"%PDF"):
        raise not_a_table(name, spec, "it is a binary file, not text")
    text, encoding = decode_peek(raw, complete)
    if not text.strip():
        raise ExtractError(f"{name}: the file is empty (no rows). Re-run the extract.")
    lines = split_lines(text, complete)[:HEADER_SCAN_ROWS]
    wanted = {normalise_header(h) for h in spec.headers.values()}
    best: tuple[int, int, str, list[list[str]]] = (-1, 0, ",", [])
    for delim in (",", ";", "\t", "|"):
        rows = [next(csv.reader([ln], delimiter=delim), []) for ln in lines]
        idx, score = find_header(rows, wanted)
        if score > best[1]:
            best = (idx, score, delim, rows)
    idx, score, delim, rows = best
    if score == 0:
        raise not_a_table(name, spec, "no header row found")
    header = rows[idx]
    positions = match_columns(header, spec, name, "")
    if complete and not any(ln.strip(" \t,;|\ufeff") for ln in split_lines(text, True)[idx + 1 :]):
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
        p: ("category" if by_pos[p] in spec.categorical or by_pos[p] in spec.dates else str) for p in usecols
    }
    # Positional columns (names=range) so repeated or odd headers cannot confuse pandas;
    # index_col=False copes with a trailing separator on every line.
    kwargs: dict[str, Any] = {
        "sep": delim,
        "header": None,
        "skiprows": idx + 1,
        "names": list(range(len(header))),
        "usecols": usecols,
        "index_col": False,
        "dtype": dtype,
        "skip_blank_lines": False,
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
        raise ExtractError(
            f"{name}: cannot be read as a table below its header ({exc}). "
            "Check the file opens in Excel, then save it again as CSV."
        ) from None
    body.columns = [by_pos[p] for p in body.columns]
    source_row = np.arange(len(body), dtype=np.int64) + idx + 2  # header is row idx+1
    return RawTable(body, source_row, [str(c) for c in header], positions, rows[:idx])
