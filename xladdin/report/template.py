"""The spotlight's look, read from ``templates/spotlight.xlsx`` (see ``templates/build_template.py``).

The convention: the template holds *samples*, not a layout. Sheet "Styles"
names each style in column A and shows a sample cell in column B; sheet
"Page" carries the page setup, header, footer and column widths. So an
officer restyles the report in Excel (fonts, colours, council name, header
text) without touching code, and the layout stays the code's job.
"""

from __future__ import annotations

from copy import copy, deepcopy
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl

from xladdin.errors import WorkbookError
from xladdin.workbook.settings import Settings

REQUIRED = (
    "council",
    "strapline",
    "title",
    "subtitle",
    "month",
    "heading",
    "subheading",
    "body",
    "bullet",
    "summary",
    "note",
    "contents",
    "table_header",
    "table_body",
    "table_total",
    "rag_green",
    "rag_amber",
    "rag_red",
    "chart_bar",
    "chart_line",
    "chart_target",
)


def default_template() -> Path:
    """``templates/spotlight.xlsx`` in the source tree, else the copy shipped in the package."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[2] / "templates" / "spotlight.xlsx",
        here.parents[1] / "data" / "templates" / "spotlight.xlsx",
    ):
        if candidate.exists():
            return candidate
    raise WorkbookError(
        "The spotlight template shipped with xladdin (xladdin/data/templates/spotlight.xlsx) is missing: "
        "reinstall xladdin, or give a copy of the template with --template FILE (or on the Settings "
        "sheet, 'Spotlight template')."
    )


def template_path(template: Path | str | None, settings: Settings, folder: Path) -> Path | None:
    """The template to use: ``template`` (``--template``), else Settings' (relative to the
    workbook's folder), else None (the one shipped with xladdin)."""
    if template is not None:
        return Path(template)
    if settings.template:
        path = Path(settings.template)
        return path if path.is_absolute() else folder / path
    return None


@dataclass
class Look:
    """Styles (font, fill, border, alignment, number format, text) by name, and the page sheet."""

    styles: dict[str, dict[str, Any]]
    page: Any
    widths: list[float] = field(default_factory=list)
    path: Path | None = None
    images: list[Any] = field(default_factory=list)  # pictures on Page (openpyxl reads them with Pillow)

    def text(self, key: str) -> str:
        return str(self.styles[key]["text"] or "")

    def with_settings(self, s: Settings) -> Look:
        """This look with the council, department, title and subtitle from Settings, where given.

        The template's ``council`` sample reads "Council  |  Department": each part is
        replaced on its own.
        """
        texts: dict[str, str] = {}
        council, _, department = self.text("council").partition("|")
        if s.council or s.department:
            parts = (s.council or council.strip(), s.department or department.strip())
            texts["council"] = "  |  ".join(p for p in parts if p)
        if s.title:
            texts["title"] = s.title
        if s.subtitle:
            texts["subtitle"] = s.subtitle
        styles = {k: ({**v, "text": texts[k]} if k in texts else v) for k, v in self.styles.items()}
        return replace(self, styles=styles)

    def colour(self, key: str) -> str:
        """The sample's fill colour as RRGGBB (for charts)."""
        fill = self.styles[key]["fill"]
        rgb = getattr(fill.fgColor, "rgb", None) if fill is not None else None
        if not isinstance(rgb, str) or len(rgb) < 6:
            return "1F4E79"
        return rgb[-6:]

    def font_colour(self, key: str) -> str:
        rgb = getattr(self.styles[key]["font"].color, "rgb", None)
        return rgb[-6:] if isinstance(rgb, str) and len(rgb) >= 6 else "000000"

    def size(self, key: str) -> float:
        return float(self.styles[key]["font"].size or 11)

    def apply(self, cell: Any, key: str) -> Any:
        """Give ``cell`` the sample's look (not its text)."""
        s = self.styles[key]
        cell.font = copy(s["font"])
        cell.fill = copy(s["fill"])
        cell.border = copy(s["border"])
        cell.alignment = copy(s["alignment"])
        return cell


def load_look(template: Path | str | None = None) -> Look:
    """Read the template's styles and page sheet.

    Raises:
        WorkbookError: the file or a style is missing (naming it and what to do).
    """
    path = Path(template) if template is not None else default_template()
    if not path.exists():
        raise WorkbookError(
            f"Spotlight template {path} does not exist: give the path of a copy of the spotlight template "
            "with --template FILE, or on the Settings sheet ('Spotlight template'); leave both blank for "
            "the one shipped with xladdin."
        )
    try:
        wb = openpyxl.load_workbook(path)
    except Exception as exc:
        raise WorkbookError(f"Spotlight template {path.name} is not a readable workbook ({exc}).") from exc
    for sheet in ("Styles", "Page"):
        if sheet not in wb.sheetnames:
            raise WorkbookError(
                f"Spotlight template {path.name} has no {sheet!r} sheet: start from "
                "templates/spotlight.xlsx and change only the samples."
            )
    styles: dict[str, dict[str, Any]] = {}
    for key_cell, sample in wb["Styles"].iter_rows(min_row=2, min_col=1, max_col=2):
        key = str(key_cell.value or "").strip()
        if key:
            styles[key] = {
                "font": copy(sample.font),
                "fill": copy(sample.fill),
                "border": copy(sample.border),
                "alignment": copy(sample.alignment),
                "text": sample.value,
            }
    missing = [k for k in REQUIRED if k not in styles]
    if missing:
        raise WorkbookError(
            f"Spotlight template {path.name}, sheet 'Styles': no row for "
            f"{', '.join(missing)}. Put each name in column A and a sample cell in column B."
        )
    for s in styles.values():
        if not s["font"].name:  # an unnamed font renders serif in LibreOffice
            s["font"] = copy(s["font"])
            s["font"].name = "Calibri"
    page = wb["Page"]
    widths = [page.column_dimensions[c].width or 10 for c in "ABCDEFGH"]
    return Look(styles=styles, page=page, widths=widths, path=path, images=list(page._images))


def copy_images(look: Look, ws: Any) -> int:
    """Put the template's pictures (the logo) on ``ws`` at the same cells; returns how many.

    openpyxl reads pictures only when Pillow is installed; without it there are none to copy.
    """
    from openpyxl.drawing.image import Image

    for picture in look.images:
        clone = Image(BytesIO(picture._data()))
        clone.width, clone.height = picture.width, picture.height
        clone.anchor = deepcopy(picture.anchor)
        ws.add_image(clone)
    return len(look.images)
