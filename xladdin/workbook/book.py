"""An open performance workbook (openpyxl): load it, and read or write its named areas and closure days.

A generated area is a defined name ``xl_*`` whose top-left cell is its anchor:
:func:`write_area` clears the old block and writes the new one from there,
and redefines the name over exactly the rows written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.defined_name import DefinedName

from xladdin.core.calendar import parse_closure_lines
from xladdin.errors import DateError, WorkbookError
from xladdin.workbook import areas, styles
from xladdin.workbook.areas import AREAS, CLOSURES_NAME, Table


def anchor(area: areas.Area) -> tuple[int, int]:
    col, row = coordinate_from_string(area.anchor)
    return row, column_index_from_string(col)


def define_name(wb: Any, name: str, sheet: str, ref: str) -> None:
    quoted = "'" + sheet.replace("'", "''") + "'"
    if name in wb.defined_names:
        del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quoted}!{ref}")


def write_area(wb: Any, name: str, table: Table) -> int:
    """Clear the area's previous block, write ``table`` at its anchor, point the name at it.

    Returns the number of data rows written.
    """
    area = AREAS[name]
    ws = wb[area.sheet]
    dn = wb.defined_names.get(name)
    if dn is not None:
        for sheet, ref in dn.destinations:
            if sheet == area.sheet:
                min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
                for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
                    for cell in row:
                        cell.value = None
    r0, c0 = anchor(area)
    values = table.values()
    put = styles.put
    formats = area.formats
    for i, row in enumerate(values):
        r = r0 + i
        for j, value in enumerate(row):
            cell = ws.cell(row=r, column=c0 + j)
            put(cell, value)
            if i and j in formats and cell.number_format != formats[j]:
                cell.number_format = formats[j]
    define_name(wb, name, area.sheet, areas.area_ref(name, len(values)))
    return len(table.rows)


def read_area(wb: Any, name: str) -> list[list[Any]]:
    """The values of a generated area (header first), through its defined name; [] if absent."""
    dn = wb.defined_names.get(name)
    if dn is None:
        return []
    for sheet, ref in dn.destinations:
        if sheet in wb.sheetnames:
            ws = wb[sheet]
            min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
            return [
                list(r)
                for r in ws.iter_rows(
                    min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col, values_only=True
                )
            ]
    return []


def read_closures(wb: Any) -> list[dt.date]:
    """The local closure days the officer typed on the Holidays sheet (first column of ``closures``).

    Raises:
        WorkbookError: naming the cell whose value is not a date.
    """
    dn = wb.defined_names.get(CLOSURES_NAME)
    if dn is None:
        return []
    out: list[dt.date] = []
    for sheet, ref in dn.destinations:
        if sheet not in wb.sheetnames:
            continue
        min_col, min_row, _, max_row = range_boundaries(ref.replace("$", ""))
        for (cell,) in wb[sheet].iter_rows(
            min_row=min_row, max_row=max_row, min_col=min_col, max_col=min_col
        ):
            out.extend(closure_day(cell.value, f"{sheet} sheet, cell {cell.coordinate}"))
    return out


def closure_day(value: Any, where: str) -> list[dt.date]:
    """One closure-day cell as ``[date]``, or ``[]`` if blank (shared with the live-Excel reader).

    Raises:
        WorkbookError: naming ``where`` (e.g. "Holidays sheet, cell D7") when it is not a date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, dt.datetime):
        return [value.date()]
    if isinstance(value, dt.date):
        return [value]
    try:
        return parse_closure_lines([str(value)], "closure day")
    except DateError:
        raise WorkbookError(
            f"{where}: {value!r} is not a date. "
            "Type local closure days as dd/mm/yyyy, one per row, or clear the cell."
        ) from None


def load(path: Path) -> Any:
    """Open a performance workbook with openpyxl (VBA kept for .xlsm), naming the file on failure."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"{path} does not exist: create it with `xladdin demo` or create_workbook().")
    try:
        return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", rich_text=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors...
        raise WorkbookError(
            f"{path.name} is not a readable Excel workbook ({exc}): "
            "use the .bak.xlsx backup beside it, or create a new one."
        ) from exc
