"""The leadership export: a new file holding only the Spotlight sheet, safe to send outside the team.

What leaves the building (docs/counting-rules.md): team-level figures only. The export is
a *copy* of the Spotlight sheet (so the officer's review is what is sent),
then everything that could carry more is removed:

* every other sheet (Open assessments and Data quality hold child IDs and
  worker names); openpyxl rebuilds the shared strings from the cells that
  remain, so no text from a removed sheet survives in the package;
* formulas (a reader without the add-in would see ``#NAME?``): replaced by
  the value Excel saved, or refused; macros, external links, defined names,
  comments, hyperlinks, conditional formats and data validations;
* chart caches (they may hold figures that suppression blanks);
* document properties (author, last modified by, paths): replaced.

Small-number suppression (DfE convention): a count from 1 to 5 shows as
``c``, and so does every rate built on it (and its RAG). Zero is not
suppressed. Free text (commentary, sentences) is the officer's and is not
changed: check it mentions no small numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.drawing.text import Paragraph
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.packaging.core import DocumentProperties
from openpyxl.packaging.custom import CustomPropertyList
from openpyxl.styles import PatternFill
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.datavalidation import DataValidationList

from xladdin.errors import ExportError, WorkbookError
from xladdin.report.pdf import to_pdf
from xladdin.report.spotlight import SHEET, SUPPRESSIBLE, TITLE
from xladdin.workbook.safe_save import save_atomically
from xladdin.workbook.settings import read_settings

SUPPRESSED = "c"


@dataclass
class ExportResult:
    """The files written, and how many cells were suppressed."""

    xlsx: Path
    pdf: Path | None = None
    suppressed: int = 0
    sheets: list[str] = field(default_factory=list)


def _small(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 5


def suppress_small_numbers(wb: Any, ws: Any) -> tuple[int, dict[str, set[tuple[int, int]]]]:
    """Replace counts 1-5, and rates built on them, by "c" in the spotlight's tables.

    Returns the number of cells changed, and per table the (row, column) cells
    suppressed, as sheet coordinates.
    """
    changed = 0
    touched: dict[str, set[tuple[int, int]]] = {}
    for name, roles in SUPPRESSIBLE.items():
        dn = wb.defined_names.get(name)
        if dn is None:
            continue
        for _sheet, ref in dn.destinations:
            c1, r1, _c2, r2 = range_boundaries(ref.replace("$", ""))
            for r in range(r1, r2 + 1):
                values = {j: ws.cell(row=r, column=c1 + j).value for j in range(8)}
                small = {j for j in roles["counts"] if _small(values[j])}
                if not small:
                    continue
                targets = set(small) | {rate for rate, bases in roles["rates"].items() if small & set(bases)}
                for j in targets:
                    cell = ws.cell(row=r, column=c1 + j)
                    if cell.value is None:
                        continue
                    touched.setdefault(name, set()).add((r, c1 + j))
                    cell.value = SUPPRESSED
                    cell.fill = PatternFill(fill_type=None)  # a RAG fill or colour would tell the rate
                    font = copy(cell.font)
                    font.color = None
                    cell.font = font
                    changed += 1
    return changed, touched


def _values_only(ws: Any, cached: Any) -> None:
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell, MergedCell):  # the covered part of a merge holds nothing
                continue
            if cell.data_type == "f":
                value = cached[cell.coordinate].value if cached is not None else None
                if value is None:
                    raise ExportError(
                        f"{ws.title}!{cell.coordinate} holds the formula {cell.value!r} with no saved value: "
                        "type the value instead (leadership files carry values only), then export again."
                    )
                cell.value = value
            cell.comment = None
            cell.hyperlink = None


def _strip_chart_caches(ws: Any, suppressed: set[tuple[int, int]]) -> None:
    for chart in ws._charts:
        _drop_empty_runs(chart)
        for series in chart.series:
            plotted = _plotted_cells(series)
            _drop_empty_runs(series)
            for ref in (
                getattr(series.val, "numRef", None) if series.val else None,
                getattr(series.cat, "numRef", None) if series.cat else None,
            ):
                if ref is not None:
                    ref.numCache = None
            if series.cat is not None and series.cat.strRef is not None:
                series.cat.strRef.strCache = None
            if series.tx is not None and series.tx.strRef is not None:
                series.tx.strRef.strCache = None
            # A bar's RAG colour would tell a suppressed rate: drop it for those bars only.
            series.dPt = [
                p for p in series.dPt if plotted[p.idx : p.idx + 1] and plotted[p.idx] not in suppressed
            ]


def _drop_empty_runs(node: Any, seen: set[int] | None = None) -> None:
    """Remove empty text runs from a chart's text properties.

    openpyxl's ``Paragraph`` adds an empty run when it reads a paragraph that
    has none; saved and read again, that run's text becomes the string "None".
    """
    seen = set() if seen is None else seen
    if node is None or id(node) in seen or isinstance(node, (str, int, float, bool)):
        return
    seen.add(id(node))
    if isinstance(node, Paragraph):
        node.r = [run for run in (node.r or []) if run.t not in (None, "", "None")]
        return
    if isinstance(node, (list, tuple)):
        for item in node:
            _drop_empty_runs(item, seen)
        return
    for name in getattr(node, "__elements__", ()) + tuple(getattr(node, "__nested__", ())):
        _drop_empty_runs(getattr(node, name, None), seen)
    for name in ("series", "x_axis", "y_axis", "title", "dataLabels", "dLbls", "txPr", "tx", "rich", "p"):
        _drop_empty_runs(getattr(node, name, None), seen)


def _plotted_cells(series: Any) -> list[tuple[int, int]]:
    """The (row, column) cells a chart series plots, in point order."""
    ref = getattr(series.val, "numRef", None) if series.val is not None else None
    if ref is None or not ref.f:
        return []
    c1, r1, c2, r2 = range_boundaries(ref.f.split("!")[-1].replace("$", ""))
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def export_for_leadership(
    workbook_path: Path | str,
    out_xlsx: Path | str,
    *,
    pdf: Path | str | None = None,
    suppress: bool | None = None,
) -> ExportResult:
    """Write the leadership file: the Spotlight sheet only, values only, no child-level data.

    Args:
        workbook_path: a performance workbook with a Spotlight sheet (``write_spotlight``).
        out_xlsx: the new file (never the workbook itself).
        pdf: also write this PDF (LibreOffice headless).
        suppress: small-number suppression; default the workbook's Settings.

    Raises:
        ExportError: no spotlight, a formula without a value, a leftover part, LibreOffice failing.
    """
    src, out = Path(workbook_path), Path(out_xlsx)
    if out.resolve() == src.resolve():
        raise ExportError(
            f"The export must be a new file, not the workbook itself ({src.name}): choose another "
            "name, e.g. spotlight-leadership.xlsx."
        )
    if out.suffix.lower() != ".xlsx":
        raise ExportError(f"{out.name}: the leadership export is a .xlsx file (no macros); use a .xlsx name.")
    if not src.exists():
        raise ExportError(f"{src} does not exist.")
    try:
        wb = openpyxl.load_workbook(src)  # keep_vba=False: macros are not read, so cannot be written
    except Exception as exc:
        raise ExportError(f"{src.name} is not a readable Excel workbook ({exc}).") from exc
    if SHEET not in wb.sheetnames:
        raise ExportError(
            f"{src.name} has no {SHEET} sheet: build it first with `xladdin spotlight {src.name}`."
        )
    try:
        settings = read_settings(wb)
    except WorkbookError as exc:
        raise ExportError(str(exc)) from exc
    if suppress is None:
        suppress = settings.suppress
    ws = wb[SHEET]
    has_formulas = any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    cached = openpyxl.load_workbook(src, data_only=True)[SHEET] if has_formulas else None

    count, touched = suppress_small_numbers(wb, ws) if suppress else (0, {})
    for name in list(wb.sheetnames):
        if name != SHEET:
            del wb[name]
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    for name in list(ws.defined_names):
        del ws.defined_names[name]
    _values_only(ws, cached)
    _strip_chart_caches(ws, set().union(*touched.values()) if touched else set())
    ws.conditional_formatting = ConditionalFormattingList()
    ws.data_validations = DataValidationList()
    ws.sheet_state = "visible"
    ws.protection.sheet = False
    wb.active = 0
    ws.sheet_view.tabSelected = True
    wb._external_links = []
    wb.vba_archive = None
    wb.is_template = False
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    wb.properties = DocumentProperties(
        creator="xladdin", title=f"{TITLE}", created=now, modified=now, lastModifiedBy="xladdin"
    )
    wb.custom_doc_props = CustomPropertyList()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        save_atomically(wb, out, backup=False)
    except WorkbookError as exc:
        raise ExportError(str(exc)) from exc
    check_package(out)
    result = ExportResult(xlsx=out, suppressed=count, sheets=[SHEET])
    if pdf is not None:
        result.pdf = to_pdf(out, Path(pdf))
    return result


def check_package(path: Path) -> None:
    """Refuse a package that carries macros, external links, formulas or more than the spotlight.

    Raises:
        ExportError: naming the part at fault.
    """
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        bad = [n for n in names if re.search(r"vbaProject|externalLink|customUI|activeX|embeddings", n)]
        sheets = [n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        if bad or len(sheets) != 1:
            raise ExportError(f"{path.name} is not safe to send: it contains {bad or sheets}.")
        for n in sheets:
            if re.search(rb"<(\w+:)?f[ >]", z.read(n)):
                raise ExportError(f"{path.name}: {n} still holds a formula.")
        if b"<definedName" in z.read("xl/workbook.xml") and re.search(
            rb"<definedName[^>]*name=\"(?!_xlnm)", z.read("xl/workbook.xml")
        ):
            raise ExportError(f"{path.name}: a defined name is left in the workbook.")
