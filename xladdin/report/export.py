"""The leadership export: a new file holding only the Spotlight sheet, safe to send outside the team.

What leaves the building: team-level figures only. The export builds its own
Spotlight sheet from the workbook, exactly as ``write_spotlight`` does (the
same data, commentary, Settings and template), but for a reader outside the
team:

* small numbers suppressed (``figures``) wherever a figure is printed, when
  suppression is on (Settings, or ``suppress=``);
* no placeholder printed: a section the officer has not written is left out,
  and the export says so in its warnings;
* everything that could carry more is removed: every other sheet (Open
  assessments and Data quality hold child IDs and worker names; openpyxl
  rebuilds the shared strings from the cells that remain, so no text from a
  removed sheet survives), macros, external links, defined names,
  conditional formats, data validations and document properties.

Then the finished package is checked before anything is written
(``scan.check_package``, and ``scan.check_pdf`` on the PDF's text): a value
from a child-level area, or a table cell longer than a team name can be,
refuses the export with a message naming the cell, and nothing is written
(no xlsx, no PDF, no temporary file left behind).

The officer's free text (commentary, their own summary sentence) is theirs
and is not rewritten: the export warns when a section is empty or still holds
placeholder text, and, with suppression on, when it quotes a count of 1 to 5.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.packaging.core import DocumentProperties
from openpyxl.packaging.custom import CustomPropertyList
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.datavalidation import DataValidationList

from xladdin.errors import ExportError, WorkbookError
from xladdin.report.figures import SUPPRESSED, small, small_count_mentions
from xladdin.report.layout import written
from xladdin.report.pdf import to_pdf
from xladdin.report.scan import NOTHING_WRITTEN, ChildLevel, check_package, check_pdf
from xladdin.report.spotlight import SHEET, TITLE, SpotlightData, read_spotlight_data, render
from xladdin.report.template import load_look, template_path
from xladdin.workbook import areas
from xladdin.workbook.safe_save import check_not_open

__all__ = ["SUPPRESSED", "ExportResult", "export_for_leadership", "small"]


@dataclass
class ExportResult:
    """The files written, how many cells were suppressed, and what the officer should check."""

    xlsx: Path
    pdf: Path | None = None
    suppressed: int = 0
    sheets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def export_for_leadership(
    workbook_path: Path | str,
    out_xlsx: Path | str,
    *,
    pdf: Path | str | None = None,
    suppress: bool | None = None,
    template: Path | str | None = None,
) -> ExportResult:
    """Write the leadership file: the Spotlight sheet only, values only, no child-level data.

    Args:
        workbook_path: a refreshed performance workbook.
        out_xlsx: the new file (never the workbook itself).
        pdf: also write this PDF (LibreOffice headless).
        suppress: small-number suppression; default the workbook's Settings.
        template: the look; default Settings' 'Spotlight template', else the one shipped.

    Returns:
        The files written, the cells suppressed and the warnings (empty or placeholder
        commentary, small counts in the officer's text) to show the officer.

    Raises:
        ExportError: not refreshed, a child-level value or an overlong table cell in the
            package (naming the cell), a leftover part, LibreOffice failing. Nothing is written.
    """
    src, out = Path(workbook_path), Path(out_xlsx)
    pdf_out = Path(pdf) if pdf is not None else None
    _check_names(src, out, pdf_out)
    try:
        wb = openpyxl.load_workbook(src)  # keep_vba=False: macros are not read, so cannot be written
    except Exception as exc:
        raise ExportError(f"{src.name} is not a readable Excel workbook ({exc}).") from exc
    try:
        data = read_spotlight_data(wb)
        chosen = template_path(template, data.settings, src.resolve().parent)
        look = load_look(chosen)
    except WorkbookError as exc:
        raise ExportError(f"{src.name}: {exc}") from exc
    suppress = data.settings.suppress if suppress is None else suppress
    child = ChildLevel.from_workbook(wb)  # before the child-level sheets are removed
    rendered = render(wb, data, look, export=True, suppress=suppress)
    warnings = commentary_warnings(data, suppress=suppress, left_out=rendered.left_out)
    if data.settings.council and chosen is None and look.images:
        warnings.append(
            f"The council name is {data.settings.council!r} but the logo is the built-in template's "
            "placeholder: put your logo on a copy of the template (README, 'Your council's look') and "
            "name it on the Settings sheet, 'Spotlight template'."
        )
    tables = _table_cells(wb)
    _leave_only_the_spotlight(wb, rendered.ws, title=look.text("title") or TITLE)
    buffer = io.BytesIO()
    wb.save(buffer)
    payload = buffer.getvalue()
    check_package(payload, out.name, child, tables)
    with tempfile.TemporaryDirectory(prefix="xladdin-export-") as tmp:
        made = None
        if pdf_out is not None:
            staged = Path(tmp, out.name)
            staged.write_bytes(payload)
            made = to_pdf(staged, Path(tmp, "staged.pdf"))
            check_pdf(made, pdf_out.name, child)
        files = {out: payload}
        if made is not None and pdf_out is not None:
            files[pdf_out] = made.read_bytes()
        _write_all(files)
    return ExportResult(
        xlsx=out,
        pdf=pdf_out if made else None,
        suppressed=rendered.suppressed,
        sheets=[SHEET],
        warnings=warnings,
    )


def _check_names(src: Path, out: Path, pdf: Path | None) -> None:
    if out.resolve() == src.resolve() or (
        pdf is not None and pdf.resolve() in (src.resolve(), out.resolve())
    ):
        raise ExportError(
            f"The export must be a new file, not the workbook itself ({src.name}): choose another "
            "name, e.g. spotlight-leadership.xlsx."
        )
    if out.suffix.lower() != ".xlsx":
        raise ExportError(f"{out.name}: the leadership export is a .xlsx file (no macros); use a .xlsx name.")
    if pdf is not None and pdf.suffix.lower() != ".pdf":
        raise ExportError(f"{pdf.name}: the PDF's name must end in .pdf.")
    if not src.exists():
        raise ExportError(f"{src} does not exist.")
    for target in (out, pdf):
        if target is not None:
            try:
                check_not_open(target)
            except WorkbookError as exc:
                raise ExportError(str(exc)) from exc


def commentary_warnings(data: SpotlightData, *, suppress: bool, left_out: list[str]) -> list[str]:
    """What the officer should know before a director reads the export."""
    warnings = []
    for name, long_label in areas.COMMENTARY.items():
        label = long_label.split(" (")[0]  # "Summary sentence (blank: ...)" -> "Summary sentence"
        raw = data.commentary.get(name, "")
        kept = written(raw)
        if name == "com_summary":
            if raw and not kept:
                warnings.append(
                    f"Commentary sheet, '{label}': only placeholder text, so xladdin's sentence is used."
                )
        elif not raw:
            warnings.append(f"Commentary sheet, '{label}': empty. {_what_happens(label, left_out)}")
        elif kept != raw.strip():
            warnings.append(
                f"Commentary sheet, '{label}': still holds placeholder text in [brackets], which is not "
                f"printed. {_what_happens(label, left_out) if not kept else 'Check the rest reads well.'}"
            )
        mentions = small_count_mentions(kept) if suppress else []
        if mentions:
            warnings.append(
                f"Commentary sheet, '{label}': says {', '.join(repr(m) for m in mentions)} while small numbers "
                "are suppressed (counts of 1 to 5 show as c): check it does not give away a suppressed figure."
            )
    return warnings


def _what_happens(label: str, left_out: list[str]) -> str:
    if any(title.lower() == label.lower() for title in left_out):
        return f"The section '{label}' is left out of the export: write it there and export again."
    return "The section is printed without it: write it there and export again if it needs words."


def _table_cells(wb: Any) -> set[str]:
    """The coordinates of the spotlight's table cells (its ``spot_*`` names), before names are removed."""
    cells: set[str] = set()
    for name in list(wb.defined_names):
        if not name.startswith("spot_"):
            continue
        for _sheet, ref in wb.defined_names[name].destinations:
            c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
            cells.update(
                f"{openpyxl.utils.get_column_letter(c)}{r}"
                for r in range(r1, r2 + 1)
                for c in range(c1, c2 + 1)
            )
    return cells


def _leave_only_the_spotlight(wb: Any, ws: Any, *, title: str) -> None:
    for name in list(wb.sheetnames):
        if name != SHEET:
            del wb[name]
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    for name in list(ws.defined_names):
        del ws.defined_names[name]
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
        creator="xladdin", title=title, created=now, modified=now, lastModifiedBy="xladdin"
    )
    wb.custom_doc_props = CustomPropertyList()


def _mode(path: Path) -> int:
    """The mode a new file gets (the umask's), or the mode of the file it replaces.

    ``mkstemp`` makes its file readable by its owner only; a file to send is not secret from
    the folder's other users any more than a file saved by Excel.
    """
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_all(files: dict[Path, bytes]) -> None:
    """Write each file through a temporary file in its own folder, then rename them all into place.

    A failure before the renames removes every temporary file, so nothing is written.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, payload in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
            os.chmod(tmp, _mode(path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except OSError as exc:
        for tmp, _path in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        where = exc.filename or next(iter(files))
        raise ExportError(f"{where} could not be written ({exc.strerror or exc}). {NOTHING_WRITTEN}") from exc
