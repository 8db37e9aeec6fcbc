"""xlwings Lite's workbook: the extracts read from sheets, the generated areas written, all or nothing.

The conventions that cause mistakes:

* **Reads see the workbook as the script found it; writes are queued.** Lite loads the
  cell values when a script starts and sends every change to Excel when it returns;
  "if a script raises an exception, its pending actions are discarded" (xlwings'
  ``Book.flush``). So Refresh computes every table first, then queues the writes and
  never flushes: a failure at any point leaves the workbook as it was. Nothing here
  reads back what it wrote.
* **Lite's object model is smaller than the desktop's**, and grows with each xlwings
  release: a number format cannot be read (only set), and with the xlwings that Lite
  pins today (0.33) a sheet has no ``used_range``. What it lacks raises
  ``NotImplementedError``; the callers fall back or leave the feature out.
* **Text is written with a leading apostrophe**, as on the desktop route
  (``xladdin.excel.live.excel_value``): Excel reads a written value as if typed, so
  ``=Hub`` would become a formula and ``2024-09`` a date.
* A name that exists is deleted before it is added again: Office.js, which Lite drives,
  refuses to add a name that exists (COM redefines it).
"""

from __future__ import annotations

import re
from typing import Any

from xladdin.errors import WorkbookError
from xladdin.excel.live import data_columns, excel_value
from xladdin.extracts import Block
from xladdin.workbook.areas import AREAS, Table, column_letter, placements
from xladdin.workbook.settings import Settings

#: The Settings row naming each extract's sheet, and what it holds.
SHEET_SETTINGS = {
    "assessments": "List 4 (assessments)",
    "referrals": "List 3 (referrals)",
    "audit": "audit tracker",
}
#: Settings rows that name files: Lite cannot read files on the PC.
FILE_SETTINGS = ("assessments_mapping", "referrals_mapping", "audit_mapping")
#: The readers' hints that only the command line can follow (extracts/spec.py, extracts/rows.py), and
#: what to do in xlwings Lite instead.
LITE_HINTS = (
    (
        re.compile(
            r"If your file has it under another header, map it: run `xladdin mapping-template .*?--mapping FILE`?\."
        ),
        "If the sheet has it under another header, change that header in the sheet to the Annex A one "
        "(xlwings Lite cannot read a mapping file), then run Refresh again.",
    ),
    (
        re.compile(
            r", or map your headers in a column-mapping file \(`xladdin mapping-template .*?--mapping FILE`?\)"
        ),
        ", loaded into the sheet from A1 with its header row",
    ),
    (
        re.compile(r"run `xladdin refresh WORKBOOK[^`]*` first"),
        "run refresh first (the xlwings Lite task pane)",
    ),
    (
        re.compile(r"`xladdin quality [^`]*` lists every row\."),
        "Correct those rows on the case system, export the extract again and load it into the sheet.",
    ),
)


def extent(sheet: Any) -> tuple[int, int]:
    """(rows, columns) of the sheet's values from A1 to its last used cell; (0, 0) when empty."""
    try:
        used = sheet.used_range
        rows, columns = used.row + used.shape[0] - 1, used.column + used.shape[1] - 1
    except NotImplementedError:
        # xlwings before 0.35 in Lite: no used_range, but the values Lite loaded for the
        # script are the used range anchored at A1 (xlwings' remote engine).
        values = sheet.api["values"]
        rows, columns = len(values), max((len(r) for r in values), default=0)
    if rows == 0 or columns == 0 or (rows == 1 and columns == 1 and sheet.range("A1").value in (None, "")):
        return 0, 0  # an empty sheet: Excel reports A1 as its used range, the remote engine [[]]
    return rows, columns


def read_block(book: Any, sheet_name: str, where: str) -> Block:
    """The values of the sheet ``sheet_name`` from A1, as the extract readers take them.

    Raises:
        WorkbookError: no sheet of that name (naming the Settings cell ``where``).
    """
    present = [s.name for s in book.sheets]
    if sheet_name not in present:
        raise WorkbookError(
            f"{where} is {sheet_name!r}, but the workbook has no sheet of that name (it has "
            f"{', '.join(repr(s) for s in present)}): load the extract into a sheet called {sheet_name!r}, "
            "or type the name of the sheet that holds it."
        )
    sheet = book.sheets[sheet_name]
    rows, columns = extent(sheet)
    if rows == 0:
        return Block([], sheet_name, book.name)
    values = sheet.range("A1", f"{column_letter(columns)}{rows}").options(ndim=2, err_to_str=True).value
    return Block([list(r) for r in values], sheet_name, book.name)


def extract_blocks(book: Any, settings: Settings) -> dict[str, Block]:
    """The extracts named on Settings, each read from its sheet (the assessments one is required).

    Raises:
        WorkbookError: the assessments sheet is not named, a sheet is missing, or a
            mapping file is named (Lite cannot read it).
    """
    for key in FILE_SETTINGS:
        if getattr(settings, key):
            raise WorkbookError(
                f"{settings.where(key)} names a file ({getattr(settings, key)}), but xlwings Lite cannot read "
                "files on your PC. Clear the cell and give the extract's columns their Annex A headers in "
                "the sheet (the desktop route's `xladdin mapping-template` lists them), or refresh this "
                "workbook on the desktop route."
            )
    if not settings.assessments_sheet:
        raise WorkbookError(
            f"{settings.where('assessments_sheet')} is blank: type the name of the sheet that holds the "
            "List 4 (assessments) extract, and load the extract into it (Data > From Text/CSV, or paste it at A1)."
        )
    blocks = {}
    for kind in SHEET_SETTINGS:
        name = getattr(settings, f"{kind}_sheet")
        if name:
            blocks[kind] = read_block(book, name, settings.where(f"{kind}_sheet"))
    return blocks


def lite_message(message: str) -> str:
    """A reader's message with the command-line hints in it replaced by what to do in xlwings Lite."""
    for pattern, instead in LITE_HINTS:
        message = pattern.sub(instead, message)
    return message


def write_tables(book: Any, tables: dict[str, Table]) -> dict[str, int]:
    """Queue every table into its named area: old block cleared, values, number formats, the name.

    Returns:
        The number of data rows written per area.
    """
    present = {sheet.name for sheet in book.sheets}
    for p in placements({n: t for n, t in tables.items() if _sheet_of(n) in present}):
        old = book.names[p.name] if p.name in book.names else None
        if old is not None:
            old.refers_to_range.clear_contents()
        book.sheets[p.sheet].range(p.anchor).value = [[excel_value(v) for v in row] for row in p.values]
        for rng, number_format in data_columns(book, p):
            rng.number_format = number_format
        if old is not None:
            old.delete()
        book.names.add(p.name, f"='{p.sheet.replace(chr(39), chr(39) * 2)}'!{p.ref}")
    return {name: len(table.rows) for name, table in tables.items() if _sheet_of(name) in present}


def _sheet_of(name: str) -> str:
    return AREAS[name].sheet
