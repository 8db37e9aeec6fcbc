"""The spotlight and the leadership export as NEW files beside the workbook (the ribbon's buttons).

The convention that causes mistakes: these never write the workbook itself.
The workbook may be open in Excel, which holds the file, and the spotlight
is a report built from it. So the saved workbook is copied to a temporary
file in the same folder, the spotlight is written into the copy (an
``.xlsx``: no macros, no ribbon), and the result is moved into place as
``<workbook> - Spotlight YYYY-MM.xlsx``. The leadership export is made from
such a copy too, as ``<workbook> - Leadership YYYY-MM.xlsx`` (the export builds
its own spotlight); it therefore reflects the workbook (its Commentary sheet),
not edits made in an earlier spotlight file. A spotlight or export file that is open in Excel is refused
with a message (``safe_save.check_not_open``), never overwritten.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from xladdin.core.month import Month
from xladdin.errors import WorkbookError
from xladdin.report.export import ExportResult, export_for_leadership
from xladdin.report.spotlight import write_spotlight
from xladdin.report.template import template_path
from xladdin.workbook.book import read_area
from xladdin.workbook.safe_save import check_not_open
from xladdin.workbook.settings import Settings, read_settings


def refreshed_month(workbook_path: Path | str) -> Month:
    """The month of the workbook's last refresh (About sheet).

    Raises:
        WorkbookError: the workbook is unreadable or was never refreshed.
    """
    path = Path(workbook_path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # BadZipFile, KeyError, lxml errors...
        raise WorkbookError(f"{path.name} is not a readable Excel workbook ({exc}).") from exc
    try:
        about = {row[0]: row[1] for row in read_area(wb, "xl_about")[1:] if row and row[0]}
    finally:
        wb.close()
    month = about.get("Reporting month")
    if not month:
        raise WorkbookError(
            f"{path.name} has not been refreshed yet: click Refresh (or run "
            "`xladdin refresh WORKBOOK`) first."
        )
    return Month.parse(month, where=f"{path.name}, About sheet, 'Reporting month'")


def beside(workbook_path: Path | str, kind: str, month: Month) -> Path:
    """``performance.xlsm``, "Spotlight", "2024-09" -> ``performance - Spotlight 2024-09.xlsx``."""
    path = Path(workbook_path)
    return path.with_name(f"{path.stem} - {kind} {month}.xlsx")


def _spotlight_copy(src: Path, folder: Path, template: Path | str | None) -> Path:
    copy = folder / f"{src.stem}.xlsx"
    shutil.copyfile(src, copy)
    if template is None:  # Settings' template path is relative to the workbook's folder, not the copy's
        template = template_path(None, _settings(copy), src.resolve().parent)
    return write_spotlight(copy, template=template)


def _settings(path: Path) -> Settings:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return read_settings(wb)
    finally:
        wb.close()


def spotlight_beside(
    workbook_path: Path | str,
    *,
    template: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write ``<workbook> - Spotlight YYYY-MM.xlsx`` from the saved workbook; return its path.

    Raises:
        WorkbookError: the workbook was never refreshed, or the spotlight file is open.
    """
    src = Path(workbook_path)
    out = beside(src, "Spotlight", refreshed_month(src))
    check_not_open(out)
    (progress or (lambda _m: None))(f"Writing {out.name}")
    with tempfile.TemporaryDirectory(prefix=".xladdin-", dir=src.parent) as tmp:
        os.replace(_spotlight_copy(src, Path(tmp), template), out)
    return out


def leadership_beside(
    workbook_path: Path | str,
    *,
    pdf: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ExportResult:
    """Write ``<workbook> - Leadership YYYY-MM.xlsx`` (and ``.pdf`` if asked) from the saved workbook.

    Returns:
        The export's result; its ``warnings`` (empty or placeholder commentary, small counts
        quoted in the officer's text) are for one message box after the file opens.

    Raises:
        WorkbookError, ExportError: never refreshed, the export file is open, LibreOffice missing (pdf).
    """
    src = Path(workbook_path)
    out = beside(src, "Leadership", refreshed_month(src))
    (progress or (lambda _m: None))(f"Writing {out.name}")
    with tempfile.TemporaryDirectory(prefix=".xladdin-", dir=src.parent) as tmp:
        copy = Path(tmp, f"{src.stem}.xlsx")
        shutil.copyfile(src, copy)
        # Settings' template path is relative to the workbook's folder, not the copy's.
        template = template_path(None, _settings(copy), src.resolve().parent)
        return export_for_leadership(
            copy, out, pdf=out.with_suffix(".pdf") if pdf else None, template=template
        )
