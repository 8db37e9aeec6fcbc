"""Refresh the workbook that is OPEN in Excel, through xlwings, all or nothing.

Conventions that cause mistakes:

* While Excel has the workbook open it holds the file, so this never touches
  the file on disk: it reads Settings and closure days and writes the
  generated areas through the workbook's defined names, in the live book.
  It does not save (the officer does, or Build spotlight / Export do).
* Excel parses every value written through COM as if it were typed: text
  such as ``=Hub``, ``-North``, ``2024-09``, ``00123`` or ``81%`` would become
  a formula, a date or a number. So every text gets Excel's prefix character,
  a leading apostrophe: the cell holds exactly the text, and reading it back
  gives the text without the apostrophe (the headless writer's ``styles.put``
  does the same with openpyxl's ``quotePrefix``).
* Everything is computed first (``xladdin.workbook.refresh.prepare_tables``, shared with the
  headless refresh); only then is anything written. Before each area is
  changed, its old values, the number formats and the name's old reference
  are kept; if any write fails, every changed area is put back, newest first.
  (An area's cells hold values: a formula an officer typed inside a
  generated area would come back as its value.)

Only members that xlwings' ``Book``/``Range``/``Name`` have are used, so
``tests/xlwings_standin.py`` can stand in for Excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xladdin.errors import WorkbookError
from xladdin.workbook.areas import (
    AREAS,
    CLOSURES_NAME,
    Placement,
    Table,
    column_letter,
    placements,
    split_anchor,
)
from xladdin.workbook.settings import SETTING_ROWS, Settings

if TYPE_CHECKING:
    from xladdin.workbook.refresh import RefreshResult

# The modules of the headless writer (openpyxl behind them) are imported where they are used, so
# that Check set-up, which reads only the Settings, does not wait for them.


def read_settings(book: Any) -> Settings:
    """The officer's settings from the ``set_*`` names of the open book (missing names keep defaults)."""
    ranges = {
        row.key: book.names["set_" + row.key].refers_to_range
        for row in SETTING_ROWS
        if "set_" + row.key in book.names
    }
    values = {key: rng.value for key, rng in ranges.items()}
    cells = {key: f"{rng.sheet.name}!{column_letter(rng.column)}{rng.row}" for key, rng in ranges.items()}
    return Settings().with_values(values, source="Settings sheet, setting", cells=cells)


def read_closures(book: Any) -> list[dt.date]:
    """The local closure days in the first column of the name ``closures`` (Holidays sheet)."""
    from xladdin.core.calendar import closure_day  # numpy: not for Check set-up

    if CLOSURES_NAME not in book.names:
        return []
    rng = book.names[CLOSURES_NAME].refers_to_range.resize(column_size=1)
    where = f"{rng.sheet.name} sheet, cell {column_letter(rng.column)}"
    return [
        day
        for i, (value,) in enumerate(rng.options(ndim=2).value)
        for day in closure_day(value, f"{where}{rng.row + i}")
    ]


def excel_value(value: Any) -> Any:
    """A table value as written through COM: text with a leading apostrophe, "" as blank."""
    if isinstance(value, str):
        return "'" + value if value else None
    return value


@dataclass
class _Saved:
    """An area as it was before it was written: its name's reference and the cells it touched."""

    name: str
    refers_to: str | None
    blocks: list[tuple[Any, list[list[Any]]]] = field(default_factory=list)  # (range, values)
    formats: list[tuple[Any, str | None]] = field(default_factory=list)  # (column range, format)
    touched: bool = False  # set once a change went through (each Excel call is all or nothing)


def data_columns(book: Any, p: Placement) -> list[tuple[Any, str]]:
    """(range of the data rows of column j, format) for each formatted column of a placement."""
    if len(p.values) < 2:
        return []
    r0, c0 = split_anchor(p.anchor)
    sheet = book.sheets[p.sheet]
    return [
        (sheet.range(f"{column_letter(c0 + j)}{r0 + 1}:{column_letter(c0 + j)}{r0 + len(p.values) - 1}"), f)
        for j, f in sorted(p.formats.items())
    ]


def _new_block(book: Any, p: Placement) -> Any:
    return book.sheets[p.sheet].range(p.ref.replace("$", ""))


def _save(book: Any, p: Placement) -> _Saved:
    """Keep what writing ``p`` will change (call before changing anything)."""
    old = book.names[p.name] if p.name in book.names else None
    saved = _Saved(p.name, old.refers_to if old is not None else None)
    for rng in ([old.refers_to_range] if old is not None else []) + [_new_block(book, p)]:
        saved.blocks.append((rng, rng.options(ndim=2).value))
    saved.formats = [(rng, rng.number_format) for rng in _format_ranges(book, p, old)]
    return saved


def _format_ranges(book: Any, p: Placement, old: Any) -> list[Any]:
    """The data-row ranges whose number formats writing ``p`` changes, each cut where the old block
    ends: a grown area's new rows have another format than its old ones, and Excel reports no
    format for a range of mixed formats, so each part is kept (and put back) on its own."""
    ranges = [rng for rng, _ in data_columns(book, p)]
    if old is None:
        return ranges
    last = old.refers_to_range.row + old.refers_to_range.shape[0] - 1
    out = []
    for rng in ranges:
        top, bottom = rng.row, rng.row + rng.shape[0] - 1
        if top <= last < bottom:
            col = column_letter(rng.column)
            out += [
                rng.resize(row_size=last - top + 1),
                book.sheets[p.sheet].range(f"{col}{last + 1}:{col}{bottom}"),
            ]
        else:
            out.append(rng)
    return out


def _write(book: Any, p: Placement, saved: _Saved) -> None:
    """Clear the area's old block, write the new one at its anchor, format its columns, re-point its name."""
    if saved.refers_to is not None:
        book.names[p.name].refers_to_range.clear_contents()
        saved.touched = True
    book.sheets[p.sheet].range(p.anchor).value = [[excel_value(v) for v in row] for row in p.values]
    saved.touched = True
    for rng, number_format in data_columns(book, p):
        rng.number_format = number_format
    book.names.add(p.name, f"='{p.sheet.replace(chr(39), chr(39) * 2)}'!{p.ref}")


def _restore(book: Any, saved: _Saved) -> None:
    """Put an area back as :func:`_save` found it."""
    for rng, _ in reversed(saved.blocks):
        rng.clear_contents()
    for rng, values in reversed(saved.blocks):
        rng.value = [[excel_value(v) for v in row] for row in values]
    for rng, number_format in saved.formats:
        if number_format is not None:  # None: mixed formats, which Excel cannot report
            rng.number_format = number_format
    if saved.refers_to is not None:
        book.names.add(saved.name, saved.refers_to)
    elif saved.name in book.names:
        book.names[saved.name].delete()


def check_sheets(book: Any, where: str) -> None:
    """Raise WorkbookError naming a sheet that refresh writes to and that is missing (renamed?)."""
    from xladdin.workbook.create import DETAIL_SHEETS

    present = {sheet.name for sheet in book.sheets}
    # A workbook made before the child-level lists existed has no sheets for them: they are skipped.
    for sheet in sorted({area.sheet for area in AREAS.values()} - present - set(DETAIL_SHEETS)):
        raise WorkbookError(
            f"{where} has no sheet called {sheet!r}, where refresh writes its tables: "
            f"rename the sheet back to {sheet}, or rebuild the workbook with `xladdin build-workbook`."
        )


def write_tables(book: Any, tables: dict[str, Table]) -> dict[str, int]:
    """Write every table into its named area of the open book; on any failure put all back, then raise.

    Returns:
        The number of data rows written per area.
    """
    done: list[_Saved] = []
    try:
        for p in placements(tables):
            done.append(_save(book, p))
            _write(book, p, done[-1])
    except BaseException as exc:
        lost = []
        for saved in reversed([s for s in done if s.touched]):
            try:
                _restore(book, saved)
            except Exception:
                lost.append(saved.name)
        if lost:
            raise WorkbookError(
                f"Refresh failed ({type(exc).__name__}: {exc}) and could not put back {', '.join(lost)}: "
                "close the workbook WITHOUT saving to get the saved version back."
            ) from exc
        raise
    return {name: len(table.rows) for name, table in tables.items()}


def refresh(
    book: Any, *, progress: Callable[[str], None] | None = None, refreshed_at: dt.datetime | None = None
) -> RefreshResult:
    """Refresh the open workbook from the extracts named on its Settings sheet (not saved).

    Raises:
        WorkbookError, ExtractError, XladdinError: nothing was changed.
    """
    from xladdin.workbook.refresh import RefreshResult, prepare_tables

    say = progress or (lambda _msg: None)
    path = Path(book.fullname)
    check_sheets(book, path.name)
    tables, month, extracts = prepare_tables(
        read_settings(book),
        read_closures(book),
        path.parent,
        progress=say,
        refreshed_at=refreshed_at,
        name=path.name,
    )
    say("Writing the tables")
    present = {sheet.name for sheet in book.sheets}
    rows = write_tables(book, {n: t for n, t in tables.items() if AREAS[n].sheet in present})
    return RefreshResult(
        path=path,
        backup=None,
        month=month,
        rows=rows,
        extracts=extracts,
        summary=tables["xl_summary_suggestion"].header[0],
    )
