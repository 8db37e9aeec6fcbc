"""Laying out the spotlight sheet: rows written top to bottom, with page accounting.

The convention that causes mistakes: the contents page gives each section's
page number, and Excel does not say where its page breaks fall. So every row
is written with an explicit height and :class:`Page` adds the heights up
against the printable height of A4 (fitted to the page width), turning the
page itself when a row does not fit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from copy import copy
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.pagebreak import Break

from xladdin.report.template import Look
from xladdin.workbook.areas import POINTS
from xladdin.workbook.styles import put

COLS = 8  # A:H
PT_PER_CM = 28.35


class Page:
    """Writes rows top to bottom and keeps count of pages, so the contents can say where sections start."""

    def __init__(self, ws: Any, look: Look) -> None:
        self.ws, self.look = ws, look
        self.row = 1
        px = sum(math.trunc(w * 7 + 5) for w in look.widths)  # Excel: width units -> pixels (Calibri 11)
        self.width_pt = px * 0.75
        m = look.page.page_margins
        printable_w = (8.27 - (m.left or 0.5) - (m.right or 0.5)) * 72
        printable_h = (11.69 - (m.top or 0.75) - (m.bottom or 0.75)) * 72
        self.scale = min(1.0, printable_w / self.width_pt)
        self.capacity = printable_h / self.scale - 30  # less the repeated banner row, with a margin
        self.page = 1
        self.used = 0.0
        self.width_units = sum(look.widths)

    def height(self, points: float) -> None:
        """Account for a row of ``points`` on the current page, turning the page when full."""
        if self.used + points > self.capacity:
            self.page += 1
            self.used = 0.0
        self.used += points

    def new_page(self) -> None:
        self.ws.row_breaks.append(Break(id=self.row - 1))
        self.page += 1
        self.used = 0.0

    def ensure(self, points: float) -> None:
        """Start a new page unless ``points`` fit in what is left (keeps a table together)."""
        if self.used + points > self.capacity and self.used > 0:
            self.new_page()

    def set_height(self, points: float) -> int:
        r = self.row
        self.ws.row_dimensions[r].height = round(points, 1)
        self.height(points)
        self.row += 1
        return r

    def text(self, text: str, key: str, *, first: int = 1, last: int = COLS, pad: float = 6) -> int:
        """A merged, wrapped text row sized to its content."""
        ws = self.ws
        size = self.look.size(key)
        cols = range(first, last + 1)
        units = sum(self.look.widths[c - 1] for c in cols)
        indent = getattr(self.look.styles[key]["alignment"], "indent", 0) or 0
        per_line = max(10, (units - 2 * indent) * 1.15 * 11 / size)
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        cell = ws.cell(row=self.row, column=first)
        put(cell, text)
        self.look.apply(cell, key)
        al = copy(cell.alignment)
        cell.alignment = Alignment(
            horizontal=al.horizontal, vertical=al.vertical or "top", wrap_text=True, indent=al.indent
        )
        for c in cols:
            if c != first:
                self.look.apply(ws.cell(row=self.row, column=c), key)
        if last > first:
            ws.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)
        return self.set_height(lines * size * 1.32 + pad)

    def gap(self, points: float = 8) -> int:
        return self.set_height(points)


#: A paragraph that is only a bracketed instruction, "[Write the action plan on the Commentary sheet.]".
PLACEHOLDER = re.compile(r"^\[[^\]]*\]$")


def written(text: str) -> str:
    """The officer's text without placeholder paragraphs ("" when nothing else is left)."""
    kept = [line for line in (text or "").split("\n") if not PLACEHOLDER.match(line.strip())]
    return "\n".join(kept).strip()


def paragraphs(page: Page, text: str, placeholder: str | None) -> None:
    """The officer's text, paragraph by paragraph; ``placeholder`` (or nothing, if None) when blank."""
    if not text.strip():
        if placeholder is not None:
            page.text(placeholder, "note")
        return
    lines = [p.strip() for p in text.split("\n")]
    for i, stripped in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not stripped:
            page.gap(6)
        elif stripped[:1] in ("-", "•", "*") and stripped[1:2] == " ":
            page.text("•  " + stripped[2:].strip(), "bullet", pad=3)
        elif stripped.startswith("#") or (
            len(stripped) <= 60 and stripped[-1] not in ".:;,!?" and following[:2] in ("- ", "• ", "* ")
        ):
            # A short line over a list reads as its heading ("Domestic abuse"), as in the seed's action plan.
            page.gap(4)
            page.text(stripped.lstrip("#").strip(), "subheading", pad=4)
        else:
            page.text(stripped, "body")


def reader_date(value: Any) -> str:
    """ "2024-11-04 09:30:00" -> "4 November 2024 at 09:30" (a reader's date, not a record's)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return f"{value.day} {value:%B %Y} at {value:%H:%M}"
    return str(value or "")


def banner(page: Page, look: Look) -> None:
    ws = page.ws
    r = page.row
    left = ws.cell(row=r, column=1)
    put(left, look.text("council"))
    look.apply(left, "council")
    for c in range(2, 6):
        look.apply(ws.cell(row=r, column=c), "council")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    right = ws.cell(row=r, column=6)
    put(right, look.text("strapline"))
    look.apply(right, "strapline")
    for c in range(7, COLS + 1):
        look.apply(ws.cell(row=r, column=c), "strapline")
    ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=COLS)
    page.set_height(22)


def heading(page: Page, text: str) -> int:
    page.gap(6)
    r = page.text(text, "heading", pad=10)
    page.gap(8)
    return r


def table(
    page: Page,
    header: list[str],
    rows: list[list[Any]],
    formats: dict[int, str],
    *,
    total_last: bool = True,
    rag_col: int | None = None,
    pct_col: int | None = None,
) -> tuple[int, int]:
    """Write a table at column A; return (first data row, last data row)."""
    ws, look = page.ws, page.look
    page.ensure(34 + 17 * len(rows))  # keep the table on one page when it fits on one
    r = page.row
    for j, text in enumerate(header, start=1):
        cell = ws.cell(row=r, column=j)
        put(cell, text)
        look.apply(cell, "table_header")
    # Two lines fit in 32 points; a longer header ("Statistical neighbours" over its year) gets more.
    size = look.size("table_header")
    lines = max((header_lines(t, look.widths[j], size) for j, t in enumerate(header) if t), default=1)
    page.set_height(32 if lines <= 2 else lines * size * 1.25 + 8)
    first = page.row
    for i, row in enumerate(rows):
        r = page.row
        key = "table_total" if total_last and i == len(rows) - 1 else "table_body"
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=j)
            put(cell, value)
            look.apply(cell, key)
            if (j - 1) in formats:
                cell.number_format = formats[j - 1]
            if j > 1:
                cell.alignment = Alignment(horizontal="right", vertical="center")
        if rag_col is not None:
            ws.cell(row=r, column=rag_col + 1).alignment = Alignment(horizontal="center", vertical="center")
            rag = str(row[rag_col] or "").lower()
            if rag in ("green", "amber", "red"):
                for col in (c for c in (rag_col, pct_col) if c is not None):
                    cell = ws.cell(row=r, column=col + 1)
                    style = look.styles["rag_" + rag]
                    cell.fill = copy(style["fill"])
                    f = copy(cell.font)
                    f.color = copy(style["font"].color)
                    cell.font = f
                ws.cell(row=r, column=rag_col + 1).value = rag.capitalize()
                ws.cell(row=r, column=rag_col + 1).alignment = Alignment(
                    horizontal="center", vertical="center"
                )
        page.set_height(17)
    return first, page.row - 1


def team_table_columns(
    team_rows: list[list[Any]], differs: bool, other_name: str
) -> tuple[list[str], list[list[Any]], dict[int, str]]:
    """The spotlight's team table: header, rows and formats (the other counting beside, when it differs)."""
    header = ["Team/Locality", "Denominator", "Numerator", "%", "RAG"]
    rows = [list(r[:5]) for r in team_rows]
    fmts = {1: "0", 2: "0", 3: "0.0%"}
    if differs:
        header += [f"{other_name} numerator", f"{other_name} %"]
        for row, src in zip(rows, team_rows):
            row += [src[5], src[6]]
        fmts.update({5: "0", 6: "0.0%"})
    else:
        header += ["", ""]
        for row in rows:
            row += [None, None]
    header.append("Change since last month")
    for row, src in zip(rows, team_rows):
        row.append(src[7])
    fmts[7] = POINTS
    return header, rows, fmts


def header_lines(text: str, units: float, size: float) -> int:
    """How many lines a wrapped header cell of ``units`` width takes (words kept whole)."""
    per_line = max(4, int(units * 1.15 * 11 / size))
    lines = 0
    for part in str(text).split("\n"):
        used = 0
        lines += 1
        for word in part.split():
            if used and used + 1 + len(word) > per_line:
                lines += 1
                used = len(word)
            else:
                used += (1 if used else 0) + len(word)
    return max(1, lines)


def define(wb: Any, name: str, ws: Any, first_row: int, last_row: int, width: int) -> None:
    if name in wb.defined_names:
        del wb.defined_names[name]
    ref = f"'{ws.title}'!$A${first_row}:${get_column_letter(width)}${last_row}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def reserve(page: Page, cm: float) -> None:
    """Blank rows under a floating chart, so what follows starts below it."""
    need = cm * PT_PER_CM + 4
    page.ensure(need)
    while need > 0:
        h = min(need, 30)
        page.set_height(h)
        need -= h


def page_setup(
    ws: Any, look: Look, last_row: int, *, marking: str, council: str, month: str, title: str
) -> None:
    """A4 fitted to the width, the banner row repeated, header and footer from the template with
    ``{marking}``, ``{council}``, ``{month}`` and ``{title}`` filled in."""
    src = look.page
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = src.page_setup.orientation or "portrait"
    ws.page_margins = copy(src.page_margins)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as needed, the width fitted
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = "1:1"
    ws.print_area = f"A1:{get_column_letter(COLS)}{last_row}"
    # In a header or footer "&" starts a code (&P page, &N pages), so a literal "&" is written "&&".
    tokens = {
        k: v.replace("&", "&&")
        for k, v in {
            "{marking}": marking,
            "{council}": council,
            "{month}": month,
            "{title}": title,
        }.items()
    }
    for name in ("oddHeader", "oddFooter"):
        for part in ("left", "center", "right"):
            s_part = getattr(getattr(src, name), part)
            d_part = getattr(getattr(ws, name), part)
            text = s_part.text
            if text:
                for k, v in tokens.items():
                    text = text.replace(k, v)
            d_part.text = text
            d_part.font, d_part.size, d_part.color = s_part.font, s_part.size, s_part.color
