"""A stand-in for xlwings Lite's ``Book``: the desktop stand-in's workbook, under Lite's rules.

Lite does not run here (no Excel, and Pyodide's own pandas cannot be installed), so the
scripts of ``xladdin.excel.lite`` are driven through this. It holds a real workbook
(``xlwings_standin.Book``, openpyxl behind it) and offers only members that xlwings'
``Book``/``Sheet``/``Range``/``Name``/``Font``/``PageSetup`` have, with their names and
parameters (``tests/test_lite_scripts.py`` checks them against the installed xlwings).

What Lite does and this models (xlwings' remote engine, ``xlwings/pro/_xlremote.py``, and
its docs):

* A script reads the values loaded when it started; every change is queued and sent to
  Excel when the script returns. **If the script raises, the queue is dropped** ("if a
  script raises an exception, its pending actions are discarded", ``Book.flush``).
  :func:`run_script` plays that part; ``App.alert`` is queued like any change.
* ``Book.fullname`` is the workbook's name: there is no path.
* Reading a number format raises ``NotImplementedError`` (only setting works); an error
  cell reads as None unless read with ``err_to_str=True``; a colour is set as ``#RRGGBB``.
* ``version="0.33.11"`` (the xlwings Lite pins today) lacks, raising ``NotImplementedError``:
  ``Range.font``, ``column_width``, ``row_height``, ``merge``, ``wrap_text``,
  ``horizontal_alignment``, ``Sheet.used_range`` and ``Sheet.page_setup``; the sheet's
  loaded values are ``Sheet.api["values"]``, the used range from A1. ``version="0.37"``
  has them all (the network test checks both profiles against xlwings' own source).
* Office.js, which Lite drives, refuses to add a name that exists: applying such a
  change raises here.

Extra, for the tests only: ``Book.wb`` (the openpyxl workbook), ``Book.pending``,
``App.alerts``, ``Book.close()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries

import xlwings_standin as standin

OLD, NEW = "0.33.11", "0.37"


def run_script(book: LiteBook, script: Callable[[LiteBook], Any]) -> Any:
    """Run ``script(book)`` as Lite does: its queued changes applied if it returns, dropped if it raises."""
    try:
        result = script(book)
    except BaseException:
        book.pending.clear()
        raise
    changes, book.pending = book.pending, []
    for change in changes:
        change()
    return result


class LiteApp:
    """``xlwings.App`` in Lite: only ``alert`` (queued)."""

    def __init__(self, book: LiteBook) -> None:
        self._book = book
        self.alerts: list[dict[str, Any]] = []

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> None:
        shown = {"prompt": prompt, "title": title, "buttons": buttons, "mode": mode}
        self._book.pending.append(lambda: self.alerts.append(shown))


class LiteBook:
    """``xlwings.Book`` as a Lite script receives it."""

    def __init__(self, path: str | Path, *, version: str = OLD) -> None:
        self._desk = standin.Book(path)
        self.version = version
        self.pending: list[Callable[[], None]] = []
        self._app = LiteApp(self)

    @property
    def wb(self) -> Any:
        return self._desk.wb

    @property
    def name(self) -> str:
        return Path(self._desk.fullname).name

    @property
    def fullname(self) -> str:
        return self.name  # Lite has no path

    @property
    def app(self) -> LiteApp:
        return self._app

    @property
    def sheets(self) -> LiteSheets:
        return LiteSheets(self)

    @property
    def names(self) -> LiteNames:
        return LiteNames(self)

    def close(self) -> None:
        self._desk.close()

    def modern(self) -> bool:
        return self.version != OLD

    def lacks(self, member: str) -> None:
        if not self.modern():
            raise NotImplementedError(f"{member} is not supported by xlwings {OLD} in Lite")


class LiteSheets:
    def __init__(self, book: LiteBook) -> None:
        self._book = book

    def __iter__(self) -> Iterator[LiteSheet]:
        return (LiteSheet(self._book, name) for name in self._book.wb.sheetnames)

    def __getitem__(self, key: str) -> LiteSheet:
        if key not in self._book.wb.sheetnames:
            raise KeyError(key)
        return LiteSheet(self._book, key)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> LiteSheet:
        assert name is not None, "the scripts name their sheets"
        wb = self._book.wb
        index = wb.sheetnames.index(before.name) if before is not None else len(wb.sheetnames)
        self._book.pending.append(lambda: wb.create_sheet(name, index))
        return LiteSheet(self._book, name)


class LiteSheet:
    def __init__(self, book: LiteBook, name: str) -> None:
        self.book, self._name = book, name

    @property
    def name(self) -> str:
        return self._name

    def _ws(self) -> Any:
        return self.book.wb[self._name]

    def range(self, cell1: str, cell2: str | None = None) -> LiteRange:
        address = (cell1 if cell2 is None else f"{cell1}:{cell2}").replace("$", "")
        return LiteRange(self, address)

    @property
    def used_range(self) -> LiteRange:
        self.book.lacks("Sheet.used_range")
        ws = self._ws()
        return self.range(f"A1:{get_column_letter(ws.max_column)}{ws.max_row}")

    @property
    def api(self) -> dict[str, Any]:
        """The loaded values (the used range from A1), as the remote engine keeps them."""
        ws = self._ws()
        if ws.max_row == 1 and ws.max_column == 1 and ws["A1"].value is None:
            return {"values": [[]]}
        return {
            "values": self.range(f"A1:{get_column_letter(ws.max_column)}{ws.max_row}").options(ndim=2).value
        }

    @property
    def page_setup(self) -> LitePageSetup:
        self.book.lacks("Sheet.page_setup")
        return LitePageSetup(self)

    def clear(self) -> None:
        def clear() -> None:
            ws = self._ws()
            for merged in list(ws.merged_cells.ranges):
                ws.unmerge_cells(str(merged))
            for row in ws.iter_rows():
                for cell in row:
                    cell.value = None
                    cell.style = "Normal"

        self.book.pending.append(clear)


class LitePageSetup:
    def __init__(self, sheet: LiteSheet) -> None:
        self._sheet = sheet

    @property
    def print_area(self) -> str:
        raise NotImplementedError("read with await")

    @print_area.setter
    def print_area(self, value: str) -> None:
        self._sheet.book.pending.append(lambda: setattr(self._sheet._ws(), "print_area", value))


class LiteRange:
    def __init__(self, sheet: LiteSheet, address: str, options: dict | None = None) -> None:
        self.sheet = sheet
        self.column, self.row, self._c2, self._r2 = range_boundaries(address)
        self._address = address
        self._options = dict(options or {})

    @property
    def shape(self) -> tuple[int, int]:
        return (self._r2 - self.row + 1, self._c2 - self.column + 1)

    @property
    def address(self) -> str:
        first = f"${get_column_letter(self.column)}${self.row}"
        last = f"${get_column_letter(self._c2)}${self._r2}"
        return first if first == last else f"{first}:{last}"

    def options(self, convert: Any = None, **options: Any) -> LiteRange:
        if convert is not None or set(options) - {"ndim", "err_to_str"}:
            raise NotImplementedError(f"Lite stand-in options: ndim and err_to_str only, not {options}")
        return LiteRange(self.sheet, self._address, {**self._options, **options})

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> LiteRange:
        rows, cols = row_size or self.shape[0], column_size or self.shape[1]
        last = f"{get_column_letter(self.column + cols - 1)}{self.row + rows - 1}"
        return LiteRange(self.sheet, f"{get_column_letter(self.column)}{self.row}:{last}", self._options)

    def _desk(self) -> standin.Range:
        return standin.Sheet(self.sheet.book._desk, self.sheet.name).range(self._address)

    @property
    def value(self) -> Any:
        desk = self._desk()
        rows = [
            [
                None if c.data_type == "e" and not self._options.get("err_to_str") else standin._read(c)
                for c in r
            ]
            for r in desk._cells()
        ]
        if self._options.get("ndim") == 2:
            return rows
        if len(rows) == 1:
            return rows[0][0] if len(rows[0]) == 1 else rows[0]
        return [r[0] for r in rows] if all(len(r) == 1 for r in rows) else rows

    @value.setter
    def value(self, data: Any) -> None:
        data = _as_written(data)
        self._queue(lambda: setattr(self._desk(), "value", data))

    def clear_contents(self) -> None:
        self._queue(lambda: self._desk().clear_contents())

    @property
    def number_format(self) -> str:
        raise NotImplementedError("Reading the number format synchronously isn't supported on this engine.")

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._queue(lambda: setattr(self._desk(), "number_format", value))

    @property
    def color(self) -> Any:
        raise NotImplementedError("read with await")

    @color.setter
    def color(self, value: str) -> None:
        if not isinstance(value, str):
            raise ValueError('Color must be supplied in hex format e.g., "#FFA500".')
        fill = PatternFill("solid", fgColor="FF" + value.lstrip("#").upper())
        self._each(lambda c: setattr(c, "fill", fill))

    @property
    def font(self) -> LiteFont:
        self.sheet.book.lacks("Range.font")
        return LiteFont(self)

    @property
    def column_width(self) -> float:
        raise NotImplementedError("read with await")

    @column_width.setter
    def column_width(self, value: float) -> None:
        self.sheet.book.lacks("Range.column_width")
        ws, letter = self.sheet._ws, get_column_letter(self.column)
        # Lite sets points; the workbook keeps characters (Calibri 11: 7 px each, plus 5; 0.75 pt a px).
        self._queue(
            lambda: setattr(ws().column_dimensions[letter], "width", round((value / 0.75 - 5) / 7, 2))
        )

    @property
    def row_height(self) -> float:
        raise NotImplementedError("read with await")

    @row_height.setter
    def row_height(self, value: float) -> None:
        self.sheet.book.lacks("Range.row_height")
        self._queue(lambda: setattr(self.sheet._ws().row_dimensions[self.row], "height", value))

    @property
    def wrap_text(self) -> bool:
        raise NotImplementedError("read with await")

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self.sheet.book.lacks("Range.wrap_text")
        self._each(lambda c: setattr(c, "alignment", _aligned(c, wrap_text=value)))

    @property
    def horizontal_alignment(self) -> str:
        raise NotImplementedError("read with await")

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        self.sheet.book.lacks("Range.horizontal_alignment")
        self._each(lambda c: setattr(c, "alignment", _aligned(c, horizontal=value)))

    def merge(self, across: bool = False) -> None:
        self.sheet.book.lacks("Range.merge")
        self._queue(lambda: self.sheet._ws().merge_cells(self._address))

    def _queue(self, change: Callable[[], None]) -> None:
        self.sheet.book.pending.append(change)

    def _each(self, change: Callable[[Any], None]) -> None:
        self._queue(lambda: [change(c) for row in self._desk()._cells() for c in row])


class LiteFont:
    """``xlwings.main.Font`` in Lite: setters only (queued)."""

    def __init__(self, rng: LiteRange) -> None:
        self._rng = rng

    def _set(self, **attrs: Any) -> None:
        self._rng._each(lambda c: setattr(c, "font", _font(c, **attrs)))

    bold = property(lambda self: None, lambda self, v: self._set(b=v))
    italic = property(lambda self: None, lambda self, v: self._set(i=v))
    size = property(lambda self: None, lambda self, v: self._set(size=v))
    name = property(lambda self: None, lambda self, v: self._set(name=v))
    color = property(lambda self: None, lambda self, v: self._set(color="FF" + v.lstrip("#").upper()))


class LiteNames:
    def __init__(self, book: LiteBook) -> None:
        self._book = book

    def __getitem__(self, item: str) -> LiteName:
        if item not in self._book.wb.defined_names:
            raise KeyError(item)
        return LiteName(self._book, item)

    def __contains__(self, item: str) -> bool:
        return item in self._book.wb.defined_names

    def add(self, name: str, refers_to: str) -> LiteName:
        def add() -> None:
            if name in self._book.wb.defined_names:
                raise RuntimeError(f"Office.js: a name {name!r} already exists")
            standin.Names(self._book._desk).add(name, refers_to)

        self._book.pending.append(add)
        return LiteName(self._book, name)


class LiteName:
    def __init__(self, book: LiteBook, name: str) -> None:
        self._book, self._name = book, name

    @property
    def name(self) -> str:
        return self._name

    @property
    def refers_to(self) -> str:
        return "=" + self._book.wb.defined_names[self._name].attr_text

    @property
    def refers_to_range(self) -> LiteRange:
        sheet, ref = next(iter(self._book.wb.defined_names[self._name].destinations))
        return LiteSheet(self._book, sheet).range(ref)

    def delete(self) -> None:
        self._book.pending.append(lambda: self._book.wb.defined_names.pop(self._name))


def _as_written(data: Any) -> Any:
    """What the remote engine sends for a value: dates as ISO text, which Excel parses as typed."""

    def one(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        return "" if v is None else v

    if isinstance(data, (list, tuple)):
        return [[one(v) for v in row] if isinstance(row, (list, tuple)) else one(row) for row in data]
    return one(data)


def _font(cell: Any, **attrs: Any) -> Font:
    f = cell.font
    values = {"name": f.name, "size": f.size, "b": f.b, "i": f.i, "color": f.color}
    values.update(attrs)
    return Font(**values)


def _aligned(cell: Any, **attrs: Any) -> Alignment:
    a = cell.alignment
    values = {
        "horizontal": a.horizontal,
        "vertical": a.vertical,
        "wrap_text": a.wrap_text,
        "indent": a.indent,
    }
    values.update(attrs)
    return Alignment(**values)
