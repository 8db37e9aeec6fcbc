"""A block of cell values taken from a sheet -> a raw table, by the same rules as the file readers.

xlwings Lite cannot open a file on the PC, so the officer loads an extract into a
sheet of the workbook (Data > From Text/CSV, or opens the CSV and pastes it) and
Refresh reads the sheet's values. This reader turns those values into the
:class:`~xladdin.extracts.spec.RawTable` the file readers give, so the header,
title, date, mapping and data-quality rules after it are the same ones, with the
same messages: where a CSV message names the file and its line, this one names the
workbook and the sheet (``performance-lite.xlsx (sheet 'Assessments extract')``) and
the row Excel shows.

The conventions that cause mistakes:

* The block is the sheet from **A1** (``Block.rows[0]`` is row 1), so the row numbers
  in messages and in the data-quality list are the rows the officer sees, title rows
  and blank rows included. A CSV pasted at A1 keeps its line numbers.
* Values come as Excel holds them: text, numbers as float (an ID Excel turned into a
  number reads ``123``, as the xlsx reader gives it), dates as ``datetime`` (Excel
  converted ``02/09/2024`` when it opened the CSV, or kept the text: both read the same),
  TRUE/FALSE, ``None`` for an empty cell, and an error value as its text (``#N/A``:
  read the range with ``err_to_str=True``), which the date columns refuse by name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from xladdin.errors import ExtractError
from xladdin.extracts.readers.excel_reader import table_from_rows
from xladdin.extracts.spec import HEADER_SCAN_ROWS, Progress, RawTable, Spec, find_header, not_a_table


@dataclass(frozen=True)
class Block:
    """The values of one sheet from A1, and where they came from (for messages and the About sheet).

    Attributes:
        rows: row 1 first; each row a list of cell values (``None`` for an empty cell).
        sheet: the sheet's name.
        book: the workbook's name (``performance-lite.xlsx``).
    """

    rows: list[list[Any]]
    sheet: str
    book: str

    @property
    def label(self) -> str:
        """``performance-lite.xlsx (sheet 'Assessments extract')``, as an Extract's label reads."""
        return f"{self.book} (sheet {self.sheet!r})"


def read_block_table(block: Block, spec: Spec, progress: Progress | None = None) -> RawTable:
    """The block's table: header found in the first 30 rows, the rows above it the title.

    Raises:
        ExtractError: the sheet is empty, or holds no header row of this list.
        MappingError: a mapped header is not in the header row.
    """
    # calamine (the xlsx reader) gives "" for an empty cell; the rules after it expect that.
    rows = [["" if v is None else v for v in row] for row in block.rows]
    if not any(str(c).strip() for row in rows for c in row):
        raise ExtractError(
            f"{block.label}: the sheet is empty. Load the {spec.kind} extract into it "
            "(Data > From Text/CSV, or open the CSV, copy everything and paste it at A1), then run Refresh."
        )
    idx, score = find_header(rows[:HEADER_SCAN_ROWS], spec.wanted())
    if score == 0:
        raise not_a_table(block.label, spec, "no header row found in the sheet")
    if progress:
        progress(f"Reading {block.label}")
    table = table_from_rows(rows, idx, spec, block.book, block.sheet)
    table.sheet = block.sheet
    return table


def block_sha256(block: Block) -> str:
    """SHA-256 of the block's values as tab-separated text (one line per row; dates as dd/mm/yyyy).

    A sheet has no file bytes to hash; this fingerprint changes whenever a value does,
    so the About sheet can still tell two loads of an extract apart.
    """
    h = hashlib.sha256()
    for row in block.rows:
        h.update(("\t".join(_text(v) for v in row) + "\n").encode("utf-8"))
    return h.hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S") if value.time() != dt.time() else f"{value:%d/%m/%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
