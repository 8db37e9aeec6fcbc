"""Build templates/spotlight.xlsx, the look of the spotlight report.

Run ``python templates/build_template.py`` to rebuild it; the output is committed, with a
copy in ``xladdin/data/templates/`` for installs without the source tree.

A user restyles the spotlight by editing ``spotlight.xlsx`` in Excel, not code:

* sheet **Styles**: column A names a style, column B is a sample cell. The
  spotlight copies the sample's font, fill, border, alignment and number
  format. For ``council`` and ``strapline`` the sample's *text* is used too.
  For ``chart_*`` the sample's fill colour is the chart colour.
* sheet **Page**: its page setup (margins, orientation) and its header and
  footer are copied to the spotlight, and so is any picture on it (the logo),
  at the same cell, on the cover. In the header/footer, ``{marking}``,
  ``{council}``, ``{month}`` and ``{title}`` are replaced; ``&[Page]`` and
  ``&[Pages]`` are Excel's page number and count. Column widths A:H are the
  spotlight's column widths.

Every font names its typeface: openpyxl writes no name otherwise, and
LibreOffice then falls back to a serif font.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

OUT = Path(__file__).with_name("spotlight.xlsx")
#: The copy shipped inside the package, for installs without the source tree.
PACKAGED = Path(__file__).resolve().parents[1] / "xladdin" / "data" / "templates" / "spotlight.xlsx"
FONT = "Calibri"
NAVY, TEAL, GREY = "1F4E79", "2E75B6", "595959"

THIN = Side(style="thin", color="BFBFBF")
RULE = Side(style="medium", color=NAVY)


def solid(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour, end_color=colour)


STYLES: list[tuple[str, str, dict]] = [
    ("council", "Anytown Borough Council  |  Children & Learning",
     {"font": Font(name=FONT, size=10, bold=True, color="FFFFFF"), "fill": solid(NAVY),
      "alignment": Alignment(vertical="center", indent=1)}),
    ("strapline", "Making a difference",
     {"font": Font(name=FONT, size=10, italic=True, color="FFFFFF"), "fill": solid(NAVY),
      "alignment": Alignment(horizontal="right", vertical="center", indent=1)}),
    ("title", "Performance Spotlight Report",
     {"font": Font(name=FONT, size=24, bold=True, color=NAVY), "alignment": Alignment(vertical="bottom")}),
    ("subtitle", "Re-referrals & Assessment Timeliness",
     {"font": Font(name=FONT, size=16, color=TEAL)}),
    ("month", "September 2024", {"font": Font(name=FONT, size=14, bold=True, color=GREY)}),
    ("heading", "Section heading",
     {"font": Font(name=FONT, size=16, bold=True, color=NAVY), "border": Border(bottom=RULE),
      "alignment": Alignment(vertical="bottom")}),
    ("subheading", "Sub-heading", {"font": Font(name=FONT, size=12, bold=True, color=TEAL)}),
    ("body", "Body text wraps across the page.",
     {"font": Font(name=FONT, size=11), "alignment": Alignment(wrap_text=True, vertical="top")}),
    ("bullet", "A bullet point", {"font": Font(name=FONT, size=11),
                                  "alignment": Alignment(wrap_text=True, vertical="top", indent=2)}),
    ("summary", "The summary sentence.",
     {"font": Font(name=FONT, size=13, bold=True, color=NAVY), "fill": solid("DEEAF6"),
      "alignment": Alignment(wrap_text=True, vertical="center", indent=1),
      "border": Border(left=Side(style="thick", color=TEAL))}),
    ("note", "A note in smaller type.",
     {"font": Font(name=FONT, size=9, italic=True, color=GREY),
      "alignment": Alignment(wrap_text=True, vertical="top")}),
    ("contents", "Contents entry", {"font": Font(name=FONT, size=12, color="000000")}),
    ("table_header", "Team/Locality",
     {"font": Font(name=FONT, size=10, bold=True, color="FFFFFF"), "fill": solid(NAVY),
      "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
      "border": Border(left=THIN, right=THIN, top=THIN, bottom=THIN)}),
    ("table_body", "Jigsaw 1",
     {"font": Font(name=FONT, size=10), "border": Border(left=THIN, right=THIN, top=THIN, bottom=THIN),
      "alignment": Alignment(vertical="center")}),
    ("table_total", "Total",
     {"font": Font(name=FONT, size=10, bold=True), "fill": solid("D9E1F2"),
      "border": Border(left=THIN, right=THIN, top=Side(style="medium", color=NAVY), bottom=THIN),
      "alignment": Alignment(vertical="center")}),
    ("rag_green", "Green", {"font": Font(name=FONT, size=10, color="006100"), "fill": solid("C6EFCE")}),
    ("rag_amber", "Amber", {"font": Font(name=FONT, size=10, color="9C5700"), "fill": solid("FFEB9C")}),
    ("rag_red", "Red", {"font": Font(name=FONT, size=10, color="9C0006"), "fill": solid("FFC7CE")}),
    ("chart_bar", "Bars (fill colour)", {"font": Font(name=FONT, size=10), "fill": solid(TEAL)}),
    ("chart_line", "Trend line (fill colour)", {"font": Font(name=FONT, size=10), "fill": solid(NAVY)}),
    ("chart_target", "Target line (fill colour)", {"font": Font(name=FONT, size=10), "fill": solid("C00000")}),
]

WIDTHS = [30, 12, 11, 9, 9, 11, 9, 12]


def logo_png() -> bytes:
    """A placeholder council logo (replace it in Excel: delete the picture on Page, insert yours)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (360, 120), "#" + NAVY)
    draw = ImageDraw.Draw(img)
    big, small = ImageFont.load_default(size=44), ImageFont.load_default(size=22)
    draw.text((22, 18), "ANYTOWN", font=big, fill="white")
    draw.text((24, 74), "Borough Council", font=small, fill="#BDD7EE")
    draw.rectangle((300, 18, 338, 102), fill="#" + TEAL)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def build(out: Path = OUT) -> Path:
    wb = Workbook()
    page = wb.active
    page.title = "Page"
    page["A1"].value = "Page setup, header, footer and column widths of the spotlight (see Styles for the look)."
    page["A1"].font = Font(name=FONT, size=11, italic=True)
    for i, w in enumerate(WIDTHS):
        page.column_dimensions["ABCDEFGH"[i]].width = w
    page.page_setup.paperSize = page.PAPERSIZE_A4
    page.page_setup.orientation = "portrait"
    page.page_margins.left = page.page_margins.right = 0.5
    page.page_margins.top = page.page_margins.bottom = 0.75
    page.page_margins.header = page.page_margins.footer = 0.3
    for part, text in ((page.oddHeader.left, "{marking}"), (page.oddHeader.right, "{council}"),
                       (page.oddFooter.left, "{title}: {month}"),
                       (page.oddFooter.center, "{marking}"),
                       (page.oddFooter.right, "Page &[Page] of &[Pages]")):
        part.text = text
        part.font = f"{FONT},Bold" if text == "{marking}" else f"{FONT},Regular"
        part.size = 9
        part.color = "9C0006" if text == "{marking}" else GREY
    try:
        from openpyxl.drawing.image import Image as XLImage

        logo = XLImage(io.BytesIO(logo_png()))
        from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
        from openpyxl.drawing.xdr import XDRPositiveSize2D
        from openpyxl.utils.units import pixels_to_EMU

        logo.width, logo.height = 150, 50
        # G2, 12 px down and 20 px in, so it sits clear of the banner row.
        logo.anchor = OneCellAnchor(
            _from=AnchorMarker(col=6, row=1, colOff=pixels_to_EMU(20), rowOff=pixels_to_EMU(12)),
            ext=XDRPositiveSize2D(pixels_to_EMU(150), pixels_to_EMU(50)))
        page.add_image(logo)
    except ImportError:  # Pillow missing: a template without a logo still works
        print("Pillow is not installed: the template has no logo.", file=sys.stderr)
    styles = wb.create_sheet("Styles")
    styles["A1"].value, styles["B1"].value = "Style", "Sample (edit its look; for council/strapline, its text)"
    styles["A1"].font = styles["B1"].font = Font(name=FONT, size=11, bold=True)
    styles.column_dimensions["A"].width = 16
    styles.column_dimensions["B"].width = 60
    for r, (key, sample, look) in enumerate(STYLES, start=2):
        styles.cell(row=r, column=1, value=key).font = Font(name=FONT, size=11)
        cell = styles.cell(row=r, column=2, value=sample)
        for attr, value in look.items():
            setattr(cell, attr, value)
        styles.row_dimensions[r].height = max(18, (look["font"].size or 11) * 1.6)
    wb.properties.creator = "xladdin"
    wb.properties.lastModifiedBy = None
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 11, 1)
    wb.save(out)
    if out == OUT:
        PACKAGED.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, PACKAGED)
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
