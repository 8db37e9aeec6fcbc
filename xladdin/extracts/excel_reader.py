"""xlsx/xls/ods extracts -> a raw table, read with calamine; the sheet whose header matches best is used."""

from __future__ import annotations

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

EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/ods (zip), xls (OLE2)


def calamine_errors() -> tuple[type[BaseException], ...]:
    """What calamine raises for a damaged, encrypted or non-Excel file."""
    import python_calamine as pc

    return (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, OSError, ValueError)


def read_excel_table(path: Path, spec: Spec, progress: Progress | None) -> RawTable:
    import python_calamine

    name = path.name
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise not_a_table(name, spec, "it is password-protected; save an unprotected copy") from None
    except calamine_errors() as exc:
        raise not_a_table(name, spec, f"it cannot be opened as a spreadsheet: {exc}") from None
    wanted = {normalise_header(h) for h in spec.headers.values()}
    best: tuple[int, int, str] = (-1, 0, "")
    # get_sheet_by_name parses the WHOLE sheet (about 0.55 s per 100,000 rows x 12
    # columns), so each sheet is loaded once and kept for the full read below.
    loaded: dict[str, Any] = {}
    for sheet_name in book.sheet_names:
        try:
            loaded[sheet_name] = book.get_sheet_by_name(sheet_name)
            peek = loaded[sheet_name].to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
        except calamine_errors():  # a chart sheet or similar: nothing to read
            peek = []
        idx, score = find_header(peek, wanted)
        if score > best[1]:
            best = (idx, score, sheet_name)
    idx, score, sheet = best
    if score == 0:
        if all(
            not any(str(c).strip() for c in r)
            for s in book.sheet_names
            for r in book.get_sheet_by_name(s).to_python(nrows=HEADER_SCAN_ROWS)
        ):
            raise ExtractError(f"{name}: the workbook is empty (no rows). Re-run the extract.")
        raise not_a_table(name, spec, "no header row found in any sheet")
    if progress:
        progress(f"Reading {name}, sheet {sheet!r}")
    # skip_empty_area=False keeps row 0 as spreadsheet row 1, so row numbers stay true.
    rows = loaded[sheet].to_python(skip_empty_area=False)
    header = list(rows[idx])
    sheet_label = sheet if len(book.sheet_names) > 1 else ""
    positions = match_columns(header, spec, name, sheet_label)
    data = rows[idx + 1 :]
    cols = {}
    for canon, p in positions.items():
        cells = [r[p] if p < len(r) else "" for r in data]
        text = canon not in spec.dates
        if any(type(v) is bool for v in cells):
            # factorize would hold True, 1 and 1.0 as one value: convert cell by cell.
            s = pd.Series([excel_cell(v, text=text) for v in cells], dtype=object)
        else:
            # Each distinct value is converted once (100,000 cells hold a few thousand
            # distinct dates and a few dozen teams), not once per cell.
            codes, uniques = pd.factorize(pd.Series(cells, dtype=object), use_na_sentinel=True)
            converted = [excel_cell(v, text=text) for v in uniques]
            s = pd.Series(np.array([*converted, None], dtype=object)[codes], dtype=object)
        if canon not in spec.dates:
            s = s.astype("category") if canon in spec.categorical else s.astype("str")
        cols[canon] = s
    body = pd.DataFrame(cols, index=pd.RangeIndex(len(data)))
    source_row = np.arange(len(body), dtype=np.int64) + idx + 2
    return RawTable(body, source_row, [str(c) for c in header], positions, rows[:idx], sheet)


def excel_cell(v: Any, *, text: bool) -> Any:
    """One distinct cell value as the reader keeps it: blank text is missing (None);
    in text columns, whole numbers show as Excel does (12.0 -> "12") and all else is str."""
    if isinstance(v, str) and not v.strip():
        return None
    if not text:
        return v
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
