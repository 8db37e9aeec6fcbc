"""An open performance workbook (openpyxl): load it, and read or write its named areas and closure days.

A generated area is a defined name ``xl_*`` whose top-left cell is its anchor:
:func:`write_area` clears the old block and writes the new one from there,
and redefines the name over exactly the rows written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Collection
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.defined_name import DefinedName

from xladdin.core.calendar import closure_day
from xladdin.errors import WorkbookError
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


def read_workbook(path: Path) -> bytes:
    """The bytes of a workbook file, or a WorkbookError naming it and what to do."""
    path = Path(path)
    if path.is_dir():
        raise WorkbookError(f"{path} is a folder, not a workbook: give the path of the .xlsx or .xlsm file.")
    if not path.exists():
        raise WorkbookError(f"{path} does not exist: create it with `xladdin new-workbook {path}`.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise WorkbookError(
            f"{path.name} cannot be read ({exc.strerror or exc}): check you may open it, "
            "or use the .bak.xlsx backup beside it."
        ) from None


def load(path: Path, data: bytes | None = None) -> Any:
    """Open a performance workbook with openpyxl (VBA kept for .xlsm), naming the file on failure.

    Args:
        path: the workbook.
        data: its bytes, when already read (so the workbook loaded is the one read).
    """
    path = Path(path)
    if data is None:
        data = read_workbook(path)
    try:
        with warnings.catch_warnings():
            # "Sparkline Group extension is not supported and will be removed": keep.py puts them back,
            # or refuses to save; the warning would only alarm the officer.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            return openpyxl.load_workbook(
                io.BytesIO(data), keep_vba=path.suffix.lower() == ".xlsm", rich_text=True
            )
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors...
        raise WorkbookError(
            f"{path.name} is not a readable Excel workbook ({type(exc).__name__}: {str(exc)[:200]}): "
            "use the .bak.xlsx backup beside it, or create a new one."
        ) from None


def check_workbook(wb: Any, name: str, *, added: Collection[str] = ()) -> None:
    """Raise WorkbookError unless ``wb`` is a performance workbook that refresh can write into.

    Refresh writes only into the sheets of :data:`areas.AREAS` and reads the
    ``set_*`` names, so a plain workbook, a deleted or renamed sheet and a
    generated area's name that points nowhere are refused before anything is read.
    Sheets in ``added`` may be missing: refresh adds them (a workbook made before they existed).
    """
    ours = [n for n in wb.defined_names if n.startswith(("set_", "xl_", "com_"))]
    sheets = sorted({area.sheet for area in AREAS.values()})
    if not ours and "Settings" not in wb.sheetnames:
        raise WorkbookError(
            f"{name} is not a performance workbook (it has no Settings sheet and none of the names "
            "xladdin writes into): make one with `xladdin new-workbook PATH` and copy your own sheets "
            "into it, or give the path of your performance workbook. Nothing was changed."
        )
    for sheet in sheets:
        if sheet not in wb.sheetnames and sheet not in added:
            raise WorkbookError(
                f"{name} has no sheet called {sheet!r}, where refresh writes its tables: if you renamed "
                f"it, rename it back to {sheet}; if you deleted it, make a new workbook with "
                "`xladdin new-workbook PATH` and copy your own sheets into it. Nothing was changed."
            )
    for area_name, area in AREAS.items():
        dn = wb.defined_names.get(area_name)
        if dn is None:
            continue
        places = [(s, r) for s, r in dn.destinations if s in wb.sheetnames and r and "#" not in r]
        if not places:
            raise WorkbookError(
                f"{name}: the name {area_name} (the table refresh writes at {area.sheet}!{area.anchor}) "
                f"points nowhere ({dn.attr_text}): rows, columns or a sheet it covered were deleted. "
                f"In Excel, Formulas > Name Manager: point it at '{area.sheet}'!"
                + re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", area.anchor)
                + ", then refresh again. Nothing was changed."
            )
