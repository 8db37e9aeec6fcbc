"""A stand-in for Excel, seen through xlwings: the few objects the ribbon macros use.

Excel does not run on these machines, so tests drive ``xladdin.excel.ribbon``
through this instead of ``xw.Book.caller()``. It holds a real performance
workbook loaded with openpyxl and offers ONLY members that xlwings 0.37.8
has, with the same names and parameters (``xlwings/main.py``):

=====================================  ===========================================
stand-in                               xlwings/main.py
=====================================  ===========================================
``Book.sheets[name]``, ``.names``      ``Book.sheets``, ``Book.names`` (properties)
``for sheet in Book.sheets``           ``Collection.__iter__``
``Book.app``, ``Book.fullname``        ``Book.app``, ``Book.fullname``
``Book.save(path=None, password=None)``  ``Book.save``
``Sheet.name``, ``Sheet.range(cell1, cell2=None)``  ``Sheet.name``, ``Sheet.range``
``Range.value`` (get/set)              ``Range.value``
``Range.options(convert=None, **options)``  ``Range.options`` (only ``ndim`` here)
``Range.resize(row_size=None, column_size=None)``  ``Range.resize``
``Range.clear_contents()``             ``Range.clear_contents``
``Range.number_format`` (get/set)      ``Range.number_format``
``Range.sheet``, ``.row``, ``.column``, ``.shape``, ``.address``  same names
``Names[name]``, ``name in Names``, ``Names.add(name, refers_to)``  ``Names``
``Name.name``, ``.refers_to``, ``.refers_to_range``, ``.delete()``  ``Name``
``App.status_bar`` (get/set)           ``App.status_bar``
``App.alert(prompt, title=None, buttons="ok", mode=None, callback=None)``  ``App.alert``
``App.books.open(fullname=None, ...)``  ``Books.open``
=====================================  ===========================================

``tests/test_ribbon.py::test_standin_has_only_real_xlwings_members`` checks
these names and parameters against the installed xlwings.

What Excel does and this models (the behaviour the macros rely on):

* A value written through COM is parsed as if typed: text starting with
  ``= + - @`` becomes a formula, text that looks like a number or a date
  (``"00123"``, ``"2024-09"``, ``"31/10/2024"``, ``"TRUE"``) becomes one; a leading
  apostrophe keeps the rest as text (Excel's "prefix character"), and reading
  back gives the text without it.
* Reading gives numbers as float and a formula as its calculated value; the
  stand-in cannot calculate, so a formula reads as None.
* ``number_format`` of cells with mixed formats reads as None (Excel: Null).
* An open workbook has a lock file ``~$NAME`` beside it; writing into a
  protected sheet fails with a COM error.

Extra, for the tests only (not xlwings): ``App.alerts``, ``App.status_history``,
``App.opened``, ``Book.saves``, ``Book.close()``, ``Book.wb`` (the openpyxl workbook).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from xladdin.workbook.package import reinject_ribbon


class ComError(Exception):
    """What pywin32 raises when Excel refuses a call (pywintypes.com_error)."""


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?")
_DATES = (re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?"), re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"))


def _as_typed(text: str) -> tuple[Any, bool]:
    """What Excel stores when ``text`` is written through COM: (value, is formula)."""
    if text[:1] == "'":
        return text[1:], False
    if text[:1] in ("=", "+", "-", "@") and not _NUMBER.fullmatch(text):
        return text if text[:1] == "=" else "=" + text, True
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE", False
    if _NUMBER.fullmatch(text):
        number = float(text.rstrip("%"))
        return (number / 100 if text.endswith("%") else number), False
    for pattern in _DATES:
        m = pattern.fullmatch(text)
        if m:
            a, b, c = m.groups()
            year, month, day = (int(a), int(b), int(c or 1)) if len(a) == 4 else (int(c), int(b), int(a))
            try:
                return dt.datetime(year, month, day), False
            except ValueError:  # 31/04/2024: no such day, so Excel keeps the text
                return text, False
    return text, False


class App:
    """``xlwings.App``: the status bar, message boxes and the books collection."""

    def __init__(self) -> None:
        self._status_bar: str | bool = False
        self.status_history: list[str | bool] = []
        self.alerts: list[dict[str, Any]] = []
        self.opened: list[Book] = []
        self.books = Books(self)

    @property
    def status_bar(self) -> str | bool:
        """False while Excel has control of the status bar (as xlwings returns it)."""
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self._status_bar = value
        self.status_history.append(value)

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str:
        """A message box; the officer presses OK."""
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class Books:
    """``xlwings.main.Books``: only ``open``."""

    def __init__(self, app: App) -> None:
        self._app = app

    def open(
        self,
        fullname: str | Path | None = None,
        update_links: bool | None = None,
        read_only: bool | None = None,
        **options: Any,
    ) -> Book:
        """Open a workbook file in this Excel (read with openpyxl, so it must be a real workbook)."""
        book = Book(fullname, app=self._app)
        self._app.opened.append(book)
        return book


class Book:
    """``xlwings.Book`` of a workbook file that "Excel" has open."""

    def __init__(self, fullname: str | Path, *, app: App | None = None) -> None:
        self._path = Path(fullname).resolve()
        self._app = app or App()
        self.wb = openpyxl.load_workbook(
            self._path, keep_vba=self._path.suffix.lower() == ".xlsm", rich_text=True
        )
        self.saves = 0
        self._lock = self._path.with_name("~$" + self._path.name)
        self._lock.write_bytes(b"standin")  # Excel's owner file: the workbook is open

    @property
    def app(self) -> App:
        return self._app

    @property
    def fullname(self) -> str:
        return str(self._path)

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    @property
    def names(self) -> Names:
        return Names(self)

    def save(self, path: str | Path | None = None, password: str | None = None) -> None:
        """Save in place (Excel keeps an .xlsm's macros and ribbon, so the ribbon is put back here)."""
        if path is not None or password is not None:
            raise NotImplementedError("the stand-in only saves in place")
        self.wb.save(self._path)
        if self._path.suffix.lower() == ".xlsm":
            reinject_ribbon(self._path)
        self.saves += 1

    def close(self) -> None:
        """Close without saving (removes the lock file)."""
        self._lock.unlink(missing_ok=True)


class Sheets:
    """``xlwings.main.Sheets``: ``sheets[name]`` and iteration."""

    def __init__(self, book: Book) -> None:
        self._book = book

    def __iter__(self) -> Iterator[Sheet]:
        return (Sheet(self._book, name) for name in self._book.wb.sheetnames)

    def __getitem__(self, key: str) -> Sheet:
        if key not in self._book.wb.sheetnames:
            raise ComError(f"Sheet {key!r} not found")
        return Sheet(self._book, key)


class Sheet:
    """``xlwings.Sheet``."""

    def __init__(self, book: Book, name: str) -> None:
        self.book, self.name = book, name
        self.ws = book.wb[name]

    def range(self, cell1: str, cell2: str | None = None) -> Range:
        """A range by A1 address (``"A4"``, ``"A4:H20"``, ``"$A$4:$H$20"``)."""
        address = cell1 if cell2 is None else f"{cell1}:{cell2}"
        min_col, min_row, max_col, max_row = range_boundaries(address.replace("$", ""))
        return Range(self, min_row, min_col, max_row, max_col)


class Range:
    """``xlwings.Range`` over a rectangle of one sheet."""

    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int, options: dict | None = None) -> None:
        self.sheet = sheet
        self.row, self.column = r1, c1
        self._r2, self._c2 = r2, c2
        self._options = dict(options or {})

    @property
    def shape(self) -> tuple[int, int]:
        return (self._r2 - self.row + 1, self._c2 - self.column + 1)

    @property
    def address(self) -> str:
        first = f"${get_column_letter(self.column)}${self.row}"
        last = f"${get_column_letter(self._c2)}${self._r2}"
        return first if first == last else f"{first}:{last}"

    def options(self, convert: Any = None, **options: Any) -> Range:
        """Only the base converter and ``ndim`` (what xladdin uses)."""
        if convert is not None or set(options) - {"ndim"}:
            raise NotImplementedError(f"stand-in options: ndim only, not {convert} {options}")
        return Range(self.sheet, self.row, self.column, self._r2, self._c2, {**self._options, **options})

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> Range:
        rows, cols = self.shape
        rows, cols = row_size or rows, column_size or cols
        assert rows > 0 and cols > 0  # as xlwings asserts
        return Range(
            self.sheet, self.row, self.column, self.row + rows - 1, self.column + cols - 1, self._options
        )

    def _cells(self) -> list[list[Any]]:
        return [
            [self.sheet.ws.cell(row=r, column=c) for c in range(self.column, self._c2 + 1)]
            for r in range(self.row, self._r2 + 1)
        ]

    @property
    def value(self) -> Any:
        rows = [[_read(cell) for cell in row] for row in self._cells()]
        if self._options.get("ndim") == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(r) == 1 for r in rows):
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        """A 2-D list is written from the top-left cell in its own shape; a scalar fills the range."""
        self._check_unprotected()
        if isinstance(data, (list, tuple)):
            rows = data if data and isinstance(data[0], (list, tuple)) else [data]
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    _write(self.sheet.ws.cell(row=self.row + i, column=self.column + j), value)
        else:
            for row in self._cells():
                for cell in row:
                    _write(cell, data)

    def clear_contents(self) -> None:
        """Values go, formats stay."""
        self._check_unprotected()
        for row in self._cells():
            for cell in row:
                cell.value = None

    @property
    def number_format(self) -> str | None:
        formats = {cell.number_format for row in self._cells() for cell in row}
        return formats.pop() if len(formats) == 1 else None

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._check_unprotected()
        for row in self._cells():
            for cell in row:
                cell.number_format = value

    def _check_unprotected(self) -> None:
        if self.sheet.ws.protection.sheet:
            raise ComError("The cell or chart you're trying to change is on a protected sheet. (0x800A03EC)")


def _read(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "f":
        return None  # Excel would give the calculated value; the stand-in cannot calculate
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # Excel holds numbers as doubles; xlwings reads them as float
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _write(cell: Any, value: Any) -> None:
    if isinstance(value, str) and value != "":
        stored, formula = _as_typed(value)
        cell.value = stored
        if isinstance(stored, str):
            cell.data_type = "f" if formula else "s"
            cell.quotePrefix = value[:1] == "'"
    else:
        cell.value = None if value == "" else value
        cell.quotePrefix = False


class Names:
    """``xlwings.main.Names`` (workbook-level names)."""

    def __init__(self, book: Book) -> None:
        self._book = book

    def __getitem__(self, item: str) -> Name:
        if item not in self._book.wb.defined_names:
            raise ComError(f"Name {item!r} not found")
        return Name(self._book, item)

    def __contains__(self, item: str) -> bool:
        return item in self._book.wb.defined_names

    def add(self, name: str, refers_to: str) -> Name:
        """Define or redefine ``name``; ``refers_to`` as Excel wants it: ``="'Sheet'!$A$1:$B$2"``."""
        if not refers_to.startswith("="):
            raise ComError(f"refers_to must start with '=': {refers_to!r}")
        names = self._book.wb.defined_names
        if name in names:
            del names[name]
        names[name] = DefinedName(name, attr_text=refers_to[1:])
        return Name(self._book, name)


class Name:
    """``xlwings.Name``."""

    def __init__(self, book: Book, name: str) -> None:
        self._book, self.name = book, name

    @property
    def refers_to(self) -> str:
        return "=" + self._book.wb.defined_names[self.name].attr_text

    @property
    def refers_to_range(self) -> Range:
        sheet, ref = next(iter(self._book.wb.defined_names[self.name].destinations))
        return Sheet(self._book, sheet).range(ref)

    def delete(self) -> None:
        del self._book.wb.defined_names[self.name]
