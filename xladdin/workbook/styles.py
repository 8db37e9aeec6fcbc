"""Fonts, fills and the one safe way to put a value in a cell.

Two conventions that cause mistakes:

* openpyxl's ``Font(bold=True)`` with no ``name=`` writes no font name and
  LibreOffice then renders it in a serif font, so every Font
  here names Calibri (Carlito, with Calibri's metrics, stands in when
  rendering on Linux).
* openpyxl turns any ``str`` starting with ``=`` into a formula and the text
  ``#N/A`` into an error (``openpyxl/cell/cell.py``, ``Cell._bind_value``).
  Text from an extract must stay text (formula injection), so
  :func:`put` forces the string type and sets Excel's quote prefix, which
  also keeps the cell as text if the officer edits it in Excel.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FONT = "Calibri"

#: RAG fills (GOV.UK-like, readable with black text) and their text colours.
RAG_FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
RAG_TEXT = {"green": "006100", "amber": "9C5700", "red": "9C0006"}

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name=FONT, size=11, bold=True, color="FFFFFF")
TITLE_FONT = Font(name=FONT, size=16, bold=True, color="1F4E79")
SUBTITLE_FONT = Font(name=FONT, size=11, italic=True, color="404040")
BODY_FONT = Font(name=FONT, size=11)
BOLD_FONT = Font(name=FONT, size=11, bold=True)
NOTE_FONT = Font(name=FONT, size=10, italic=True, color="595959")
WARN_FONT = Font(name=FONT, size=11, bold=True, color="9C0006")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # cells the officer fills in


def font(**kwargs: Any) -> Font:
    """A Font that always names its typeface (Calibri unless given)."""
    kwargs.setdefault("name", FONT)
    return Font(**kwargs)


def put(cell: Any, value: Any) -> Any:
    """Write ``value`` into an openpyxl cell; text always stays text, never a formula or error."""
    if isinstance(value, str):
        if value == "":
            cell.value = None
            return cell
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters make an unreadable file
        cell.value = value
        if cell.data_type != "s":  # "=..." became "f", "#N/A" became "e"
            cell.data_type = "s"
        if value[:1] in ("=", "+", "-", "@") and not cell.quotePrefix:
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell
