"""Build spotlight in xlwings Lite: the same Spotlight sheet, written as far as Lite's object model reaches.

The spotlight is laid out by the desktop route's own code (``xladdin.report.spotlight.render``,
into an openpyxl workbook in memory) from the same inputs: the refreshed areas, Settings and
Commentary, read from the open workbook through their names (:func:`mirror`). That sheet is
then copied into the workbook's Spotlight sheet through Lite's API (:func:`copy_sheet`):

* always: the values, fills and number formats (every xlwings Lite has them);
* where Lite's xlwings has them (0.37 has all; the 0.33 that Lite pins today has none), fonts,
  column widths, row heights, merged cells, wrapped text, alignment and the print area;
  each is tried once and left out for the rest of the run if it raises
  ``NotImplementedError``, and the closing message names what was left out;
* never: the charts, the logo, the header, footer and page breaks, and the PDF. Those need
  the desktop route (Build spotlight or ``xladdin spotlight``, then export), and the closing
  message says so. The spotlight's template is the built-in one: Lite cannot read a
  template file named on Settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from xladdin.excel.live import excel_value
from xladdin.workbook import areas
from xladdin.workbook.book import define_name
from xladdin.workbook.settings import SETTING_ROWS

SHEET = "Spotlight"
#: Excel: a column of width w (characters of Calibri 11) is trunc(7w + 5) pixels; a pixel is 0.75 pt.
PX_PER_CHAR, PT_PER_PX = 7, 0.75
#: The font of a new sheet's cells (openpyxl's and Excel's Normal style).
DEFAULT_FONT = ("Calibri", 11.0)
#: What Lite's API may lack, by the name the closing message uses.
FEATURES = (
    "fonts",
    "column widths",
    "row heights",
    "merged cells",
    "wrapped text",
    "alignment",
    "print area",
)


def mirror(book: Any) -> Workbook:
    """An openpyxl workbook holding what the spotlight reads, at the same cells under the same names:
    the generated areas, every setting and the commentary.

    Whole numbers come as ints, as openpyxl reads them from a file Excel saved (xlwings gives floats).
    """
    wb = Workbook()
    wb.remove(wb.active)
    names = [*areas.AREAS, *(f"set_{row.key}" for row in SETTING_ROWS), *areas.COMMENTARY]
    for name in names:
        if name not in book.names:
            continue
        rng = book.names[name].refers_to_range
        sheet = rng.sheet.name
        ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
        for i, row in enumerate(rng.options(ndim=2).value):
            for j, value in enumerate(row):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                cell = ws.cell(row=rng.row + i, column=rng.column + j, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even "=HYPERLINK(...)" from an extract: never a formula
        rows, cols = rng.shape
        last = f"${get_column_letter(rng.column + cols - 1)}${rng.row + rows - 1}"
        define_name(wb, name, sheet, f"${get_column_letter(rng.column)}${rng.row}:{last}")
    return wb


@dataclass
class Copied:
    """What :func:`copy_sheet` wrote, and what Lite's API could not."""

    cells: int = 0
    missing: list[str] = field(default_factory=list)  # FEATURES this xlwings lacks
    charts: int = 0
    images: int = 0


class _Tried:
    """Runs a feature's call until the first NotImplementedError, then leaves that feature out."""

    def __init__(self, copied: Copied) -> None:
        self.copied = copied

    def __call__(self, feature: str, call: Callable[..., Any], *args: Any) -> None:
        if feature in self.copied.missing:
            return
        try:
            call(*args)
        except NotImplementedError:
            self.copied.missing.append(feature)


def target_sheet(book: Any) -> Any:
    """The workbook's Spotlight sheet, cleared (values and formats), or a new one in front."""
    if SHEET in [s.name for s in book.sheets]:
        sheet = book.sheets[SHEET]
        sheet.clear()
        return sheet
    first = next(iter(book.sheets))
    return book.sheets.add(SHEET, before=first)


def copy_sheet(ws: Any, sheet: Any) -> Copied:
    """Write the openpyxl sheet ``ws`` into the (empty) Lite sheet ``sheet``: values, then the formats."""
    copied = Copied(charts=len(getattr(ws, "_charts", [])), images=len(getattr(ws, "_images", [])))
    tried = _Tried(copied)
    rows, cols = ws.max_row, ws.max_column
    values = [[_value(ws.cell(row=r, column=c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
    sheet.range("A1").value = values
    copied.cells = sum(v is not None for row in values for v in row)
    for (first, last), style in _runs(ws).items():
        rng = sheet.range(first, last)
        fill, number_format, font, wrap, horizontal = style
        if fill:
            rng.color = fill
        if number_format != "General":
            rng.number_format = number_format
        tried("fonts", _font, rng, font)
        if wrap:
            tried("wrapped text", _set, rng, "wrap_text", True)
        if horizontal:
            tried("alignment", _set, rng, "horizontal_alignment", horizontal)
    for merged in ws.merged_cells.ranges:
        tried("merged cells", _merge, sheet.range(str(merged)))
    for letter, dim in sorted(ws.column_dimensions.items()):
        if dim.width:
            points = int(dim.width * PX_PER_CHAR + 5) * PT_PER_PX
            tried("column widths", _set, sheet.range(f"{letter}1"), "column_width", points)
    for r, dim in sorted(ws.row_dimensions.items()):
        if dim.height:
            tried("row heights", _set, sheet.range(f"A{r}"), "row_height", dim.height)
    if ws.print_area:
        tried("print area", _print_area, sheet, ws.print_area.split("!")[-1].replace("$", ""))
    return copied


def _set(target: Any, attribute: str, value: Any) -> None:
    """``setattr``, refused when the xlwings in use has no such property: setting it would only add
    an attribute to the Python object (xlwings 0.33 has no ``horizontal_alignment``)."""
    if not isinstance(getattr(type(target), attribute, None), property):
        raise NotImplementedError(f"{type(target).__name__}.{attribute}")
    setattr(target, attribute, value)


def _merge(rng: Any) -> None:
    rng.merge()


def _print_area(sheet: Any, area: str) -> None:
    _set(sheet.page_setup, "print_area", area)


def _value(cell: Any) -> Any:
    if isinstance(cell, MergedCell):
        return None
    return excel_value(cell.value)


Style = tuple[str, str, Any, bool, str]


def _style(cell: Any) -> Style:
    """(fill as #RRGGBB or "", number format, font as a tuple, wrap, horizontal alignment) of a cell."""
    fill = ""
    if cell.fill is not None and cell.fill.fill_type == "solid":
        rgb = getattr(cell.fill.fgColor, "rgb", None)
        if isinstance(rgb, str) and len(rgb) >= 6:
            fill = "#" + rgb[-6:]
    f = cell.font
    rgb = getattr(f.color, "rgb", None) if f.color is not None else None
    colour = "#" + rgb[-6:] if isinstance(rgb, str) and len(rgb) >= 6 else ""
    font = (f.name, float(f.size) if f.size else None, bool(f.b), bool(f.i), colour)
    alignment = cell.alignment
    return fill, cell.number_format or "General", font, bool(alignment.wrap_text), alignment.horizontal or ""


def _shows(cell: Any) -> bool:
    return cell.value is not None or (cell.fill is not None and cell.fill.fill_type == "solid")


def _runs(ws: Any) -> dict[tuple[str, str], Style]:
    """The looks to apply, as (first cell, last cell) -> look: each merged range whole, with its
    top-left cell's look; other cells in runs of the same look next to each other in a row.

    Only cells that show something (a value or a fill) are styled, one API call per run.
    """
    out: dict[tuple[str, str], Style] = {}
    covered: set[str] = set()
    for merged in ws.merged_cells.ranges:
        first, _, last = str(merged).partition(":")
        covered.update(c.coordinate for row in ws[str(merged)] for c in row)
        top_left = ws[first]
        if _shows(top_left):
            out[(first, last or first)] = _style(top_left)
    for row in ws.iter_rows():
        start = end = ""
        look: Style | None = None
        for cell in row:
            here = None
            if cell.coordinate not in covered and not isinstance(cell, MergedCell) and _shows(cell):
                here = _style(cell)
            if here is not None and here == look:
                end = cell.coordinate
                continue
            if look is not None:
                out[(start, end)] = look
            look, start, end = here, cell.coordinate, cell.coordinate
        if look is not None:
            out[(start, end)] = look
    return out


def _font(rng: Any, font: tuple[Any, ...]) -> None:
    """Set what differs from a new sheet's font (Calibri 11, black, upright): each change is a call."""
    name, size, bold, italic, colour = font
    changes = {
        "name": name if name and name != DEFAULT_FONT[0] else None,
        "size": size if size and size != DEFAULT_FONT[1] else None,
        "bold": True if bold else None,
        "italic": True if italic else None,
        "color": colour if colour and colour != "#000000" else None,
    }
    if not any(v is not None for v in changes.values()):
        return
    target = rng.font
    for attribute, value in changes.items():
        if value is not None:
            setattr(target, attribute, value)
