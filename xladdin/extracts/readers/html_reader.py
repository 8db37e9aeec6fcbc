"""Web pages saved as ".xls": many case systems "export to Excel" by writing an HTML table
with an .xls name. Excel opens it (after a warning); so does xladdin, by reading the table.

Rows are the table rows in the order Excel shows them (row 1 first), so a row number
in a message is the row the officer sees when opening the file in Excel. Two other
look-alikes are named, not read: an Excel 2003 XML spreadsheet and a single-file web
page (MHTML).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from xladdin.errors import ExtractError
from xladdin.extracts.spec import HEADER_SCAN_ROWS, Progress, RawTable, Spec, find_header, not_a_table

SAVE_AS = (
    "open it in Excel and use File > Save As > 'Excel Workbook (*.xlsx)' or 'CSV UTF-8', "
    "then give xladdin that file"
)


def sniff_markup(head: bytes) -> str | None:
    """ "html", "spreadsheetml", "mhtml" or None, from the first bytes of a file."""
    text = head[:8192].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"mime-version:") or b"content-type: multipart/related" in text[:2048]:
        return "mhtml"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text and b"<workbook" in text:
        return "spreadsheetml"
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) and (
        b"<table" in text or b"<html" in text
    ):
        return "html"
    return None


class _Tables(HTMLParser):
    """Collect the text of every table row (cells of nested tables are flattened into their row)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._close_row()
            self._row = []
        elif tag in ("td", "th"):
            if self._row is None:
                self._row = []
            self._close_cell()
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() and 0 < int(span) < 1000 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._close_cell()
        elif tag in ("tr", "table"):
            self._close_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._row.extend([""] * (self._span - 1))
        self._cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self._row is not None:
            self.rows.append(self._row)
        self._row = None

    def close(self) -> None:
        super().close()
        self._close_row()


def html_rows(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    parser = _Tables()
    parser.feed(text)
    parser.close()
    return [list(r) for r in parser.rows]


def read_html_table(path: Path, spec: Spec, progress: Progress | None, kind: str) -> RawTable:
    """The table of a web page saved as .xls (or .htm), as a raw table; other look-alikes refused."""
    from xladdin.extracts.readers.excel_reader import table_from_rows

    name = path.name
    if kind == "spreadsheetml":
        raise ExtractError(
            f"{name}: is an Excel 2003 XML spreadsheet, not an xlsx or CSV. To read it, {SAVE_AS}."
        )
    if kind == "mhtml":
        raise ExtractError(
            f"{name}: is a single-file web page (MHTML), not a spreadsheet. To read it, {SAVE_AS}."
        )
    if progress:
        progress(f"Reading {name} (a web page saved as a spreadsheet)")
    rows = html_rows(path)
    idx, score = find_header(rows[:HEADER_SCAN_ROWS], spec.wanted())
    if score == 0:
        raise not_a_table(name, spec, f"it is a web page (HTML) with no header row in its table; {SAVE_AS}")
    width = max((len(r) for r in rows), default=0)
    table = table_from_rows([r + [""] * (width - len(r)) for r in rows], idx, spec, name, "", path=str(path))
    table.notes.append(
        f"{name}: is a web page (HTML) saved with a spreadsheet name; its table was read as Excel shows it."
    )
    return table
