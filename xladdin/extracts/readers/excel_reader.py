"""xlsx/xls/ods extracts -> a raw table, read with calamine.

* Only **visible** sheets are read: a hidden sheet is an old copy, not data (it is
  named in a note, and named in the message if it is the only one with the list).
* The sheet whose header matches best is used (:func:`read_excel_table`), or the
  sheet asked for (``sheet=``; :mod:`xladdin.extracts.workbooks` reads a whole
  Annex A workbook list by list).
* calamine reads an error cell (``#N/A``) and a formula saved without its value
  as an empty cell. In an xlsx, the date columns are checked for both in the
  sheet's XML (:func:`refused_cells`), so neither passes for a blank
  authorisation (an open assessment) or a blank start.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core.dates import ERROR_VALUE, NO_SAVED_VALUE
from xladdin.errors import ExtractError
from xladdin.extracts.spec import (
    HEADER_SCAN_ROWS,
    Progress,
    RawTable,
    Spec,
    find_header,
    match_columns,
    not_a_table,
)

EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/ods (zip), xls (OLE2)


def calamine_errors() -> tuple[type[BaseException], ...]:
    """What calamine raises for a damaged, encrypted or non-Excel file."""
    import python_calamine as pc

    return (pc.CalamineError, pc.ZipError, pc.XmlError, pc.PasswordError, OSError, ValueError)


def open_book(path: Path, spec: Spec) -> Any:
    import python_calamine

    name = path.name
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise not_a_table(name, spec, "it is password-protected; save an unprotected copy") from None
    except calamine_errors() as exc:
        detail = " ".join(str(exc).split())[:200]
        raise not_a_table(
            name,
            spec,
            f"it cannot be opened as a spreadsheet: {detail}; if it is encrypted, save an unprotected copy",
        ) from None


def sheet_visibility(book: Any) -> tuple[list[str], list[str]]:
    """(visible worksheets, hidden worksheets) in workbook order."""
    import python_calamine as pc

    visible: list[str] = []
    hidden: list[str] = []
    for meta in book.sheets_metadata:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        (visible if meta.visible == pc.SheetVisibleEnum.Visible else hidden).append(meta.name)
    return visible, hidden


def load_rows(book: Any, sheet: str, nrows: int | None = None) -> list[list[Any]]:
    """A sheet's rows from row 1 (skip_empty_area=False keeps row numbers true); [] if unreadable."""
    try:
        s = book.get_sheet_by_name(sheet)
        return (
            s.to_python(skip_empty_area=False, nrows=nrows) if nrows else s.to_python(skip_empty_area=False)
        )
    except calamine_errors():  # a chart sheet or similar: nothing to read
        return []


def read_excel_table(
    path: Path, spec: Spec, progress: Progress | None, *, sheet: str | None = None
) -> RawTable:
    name = path.name
    book = open_book(path, spec)
    visible, hidden = sheet_visibility(book)
    wanted = spec.wanted()
    notes: list[str] = []
    loaded: dict[str, list[list[Any]]] = {}
    if sheet is None:
        best: tuple[int, int, str] = (-1, 0, "")
        for s in visible:
            # to_python parses the WHOLE sheet once; it is kept for the full read below.
            loaded[s] = load_rows(book, s)
            idx, score = find_header(loaded[s][:HEADER_SCAN_ROWS], wanted)
            if score > best[1]:
                best = (idx, score, s)
        idx, score, sheet = best
        hidden_hits = [s for s in hidden if find_header(load_rows(book, s, HEADER_SCAN_ROWS), wanted)[1] > 0]
        if score == 0:
            if hidden_hits:
                raise ExtractError(
                    f"{name}: the only sheet with a {spec.kind} header row is hidden "
                    f"({', '.join(repr(s) for s in hidden_hits)}). Hidden sheets are taken for old "
                    "copies and not read: unhide it in Excel (right-click a sheet tab > Unhide) if it "
                    "holds this extract, and save."
                )
            if all(
                not any(str(c).strip() for c in r)
                for s in visible
                for r in loaded.get(s, [])[:HEADER_SCAN_ROWS]
            ):
                raise ExtractError(f"{name}: the workbook is empty (no rows). Re-run the extract.")
            raise not_a_table(name, spec, "no header row found in any visible sheet")
        for s in hidden_hits:
            notes.append(f"{name}: sheet {s!r} is hidden and was not read (hidden sheets are old copies).")
    else:
        loaded[sheet] = load_rows(book, sheet)
        idx, score = find_header(loaded[sheet][:HEADER_SCAN_ROWS], wanted)
        if score == 0:
            raise not_a_table(f"{name} (sheet {sheet!r})", spec, "no header row found")
    if progress:
        progress(f"Reading {name}, sheet {sheet!r}")
    label = sheet if len(visible) + len(hidden) > 1 else ""
    table = table_from_rows(loaded[sheet], idx, spec, name, label, path=str(path))
    table.sheet, table.notes = label, notes
    if path.suffix.lower() in (".xlsx", ".xlsm") or zipfile.is_zipfile(path):
        table.refused = _refused_in_table(path, sheet, table, spec)
    return table


def table_from_rows(
    rows: list[list[Any]], idx: int, spec: Spec, name: str, sheet_label: str, *, path: str = ""
) -> RawTable:
    """A raw table from a sheet's rows (spreadsheet row 1 first) and the header's index."""
    header = list(rows[idx])
    positions = match_columns(header, spec, name, sheet_label, path=path)
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
            s = s.astype("category") if canon in spec.categorical else _text(s)
        cols[canon] = s
    body = pd.DataFrame(cols, index=pd.RangeIndex(len(data)))
    source_row = np.arange(len(body), dtype=np.int64) + idx + 2
    return RawTable(body, source_row, [str(c) for c in header], positions, rows[:idx], header_row=idx + 1)


def _text(s: pd.Series) -> pd.Series:
    """A text column with its empty cells still missing, as the CSV reader gives it: pandas 2 (the one
    Pyodide, and so xlwings Lite, carries) turns None into the text 'None' in ``astype("str")``."""
    missing = s.isna().to_numpy()
    out = s.astype("str")
    if missing.any() and out.dtype == object:
        out = out.where(~missing, np.nan)
    return out


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


def _refused_in_table(
    path: Path, sheet: str, table: RawTable, spec: Spec
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Error cells and formulas without a saved value in the date columns, as body positions."""
    by_col = {p: c for c, p in table.positions.items() if c in spec.dates}
    if not by_col:
        return {}
    found = refused_cells(path, sheet)
    out: dict[str, tuple[list[int], list[int]]] = {}
    first = table.header_row + 1
    for (col, row), code in found.items():
        canon = by_col.get(col)
        if canon is None or row < first or row - first >= len(table.body):
            continue
        out.setdefault(canon, ([], []))
        out[canon][0].append(row - first)
        out[canon][1].append(code)
    return {c: (np.asarray(p, dtype=np.int64), np.asarray(k, dtype=np.int8)) for c, (p, k) in out.items()}


_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def refused_cells(path: Path, sheet: str) -> dict[tuple[int, int], int]:
    """(column index 0-based, row 1-based) -> ERROR_VALUE or NO_SAVED_VALUE, from the sheet's XML.

    Only the few places that hold an error type or a formula are looked at (a byte
    search finds them), so a sheet with neither costs one decompression.
    """
    try:
        with zipfile.ZipFile(path) as z:
            part = _sheet_part(z, sheet)
            xml = z.read(part) if part else b""
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}
    if b't="e"' not in xml and b"<f" not in xml:
        return {}
    out: dict[tuple[int, int], int] = {}
    for m in re.finditer(rb't="e"|<f[ >/]', xml):
        start = xml.rfind(b"<c ", 0, m.start())
        end = xml.find(b"</c>", m.start())
        if start < 0:
            continue
        close = xml.find(b">", start)
        cell = xml[start : end if end >= 0 else close + 1]
        ref = _CELL_REF.search(xml, start, close + 1)
        if ref is None:
            continue
        key = (_column_index(ref.group(1)), int(ref.group(2)))
        head = xml[start : close + 1]
        if b't="e"' in head:
            out[key] = ERROR_VALUE
        elif not re.search(rb"<v>[^<]", cell) and b't="str"' not in head:
            out[key] = NO_SAVED_VALUE
    return out


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part of the sheet named ``sheet`` (workbook.xml -> its relationship -> the part)."""
    wb = z.read("xl/workbook.xml").decode("utf-8", errors="replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    rid = None
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", wb):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(0)))
        if _unescape(attrs.get("name", "")) == sheet:
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            break
    if rid is None:
        return None
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(0)))
        if attrs.get("Id") == rid:
            target = attrs.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return None


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
