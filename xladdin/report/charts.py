"""The spotlight's charts: % in time by team (bars coloured by RAG) and the trend (up to 13 months).

The trend draws the target and each comparator set in Settings (England, the
statistical-neighbour average, the region) as reference lines, named with
their year in the legend; a blank comparator has no line.

Every chart font is named (Calibri): without a name LibreOffice draws chart
text in a serif face. Text properties carry no empty run: a load-and-save
turns an empty run into the text "None".

A suppressed figure is never left out of a chart, where a missing bar reads as
0% (and Excel plots the text "c" as 0). With suppression, the charts plot from
helper columns beside the print area (hidden, ``plotVisOnly`` off): the rates
with the suppressed ones blank, and a second series, named "c", that draws a
pale hatched full-width bar (or, on the trend, a marker on the axis) labelled
"c" where a figure is not shown; the title carries the note "c = fewer than 6,
not shown".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.colors import ColorChoice
from openpyxl.drawing.fill import PatternFillProperties
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.utils import get_column_letter

from xladdin.report.figures import NOTE, SUPPRESSED
from xladdin.report.template import Look
from xladdin.workbook.settings import Settings

#: The trend's % axis starts here; a suppressed month's "c" marker sits on it.
TREND_MIN = 0.5


#: Hidden columns beyond the print area (A:H) that a suppressed chart plots from:
#: the rates with the suppressed ones blank, then the "c" series.
HELPER = 10  # J: the spotlight prints A:H


def helper_columns(ws: Any, first: int, values: list[Any], hidden: list[int], marker: float) -> None:
    """Write the chart's helper columns J:K from ``first`` down, and hide them.

    J holds the rates (blank where hidden) as ``0.0%``, which the bars' labels show.
    """
    for i, value in enumerate(values):
        rate = ws.cell(row=first + i, column=HELPER)
        rate.value = None if i in hidden else value
        rate.number_format = "0.0%"
        ws.cell(row=first + i, column=HELPER + 1).value = marker if i in hidden else None
    for col in (HELPER, HELPER + 1):
        ws.column_dimensions[get_column_letter(col)].hidden = True


def _chars(size: float, *, bold: bool = False) -> CharacterProperties:
    # Charts need their font named too, or LibreOffice falls back to a serif face.
    return CharacterProperties(
        sz=int(size * 100), b=bold, latin=DrawingFont(typeface="Calibri"), solidFill="404040"
    )


def _text_props(size: float, *, bold: bool = False) -> RichText:
    cp = _chars(size, bold=bold)
    # r=[]: openpyxl otherwise writes an empty run, which a load-and-save turns into the text "None".
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=cp), endParaRPr=cp, r=[])])


def _title(text: str, size: float = 12, note: str = "") -> Title:
    cp = _chars(size, bold=True)
    paras = [Paragraph(pPr=ParagraphProperties(defRPr=cp), r=[RegularTextRun(rPr=cp, t=text)])]
    if note:  # a second, smaller line: the suppression note
        small = _chars(size - 2)
        paras.append(Paragraph(pPr=ParagraphProperties(defRPr=small), r=[RegularTextRun(rPr=small, t=note)]))
    return Title(tx=Text(rich=RichText(p=paras)), overlay=False)


def _labels(*, value: bool, name: bool, position: str | None = None, bold: bool = False) -> DataLabelList:
    labels = DataLabelList(
        showVal=value,
        showSerName=name,
        showCatName=False,
        showLegendKey=False,
        showPercent=False,
        showLeaderLines=False,
    )
    labels.txPr = _text_props(9, bold=True) if bold else _text_props(8)
    if position:
        labels.dLblPos = position
    return labels


def _suppressed_series(ws: Any, col: int, first: int, last: int, colour: str) -> Any:
    """The series named "c" over a helper column: 1 (or the axis minimum) where a figure is hidden."""
    from openpyxl.chart import Series

    series = Series(Reference(ws, min_col=col, min_row=first, max_row=last), title=None)
    series.tx = SeriesLabel(v=SUPPRESSED)
    fill = series.graphicalProperties
    fill.pattFill = PatternFillProperties(
        prst="wdUpDiag", fgClr=ColorChoice(srgbClr=colour), bgClr=ColorChoice(srgbClr="FFFFFF")
    )
    fill.line.solidFill = colour
    fill.line.prstDash = "dash"
    return series


def _axis_fonts(chart: Any) -> None:
    chart.x_axis.txPr = _text_props(9)
    chart.y_axis.txPr = _text_props(9)


def bar_chart(
    ws: Any,
    look: Look,
    first: int,
    last: int,
    rows: list[list[Any]],
    s: Settings,
    month: str,
    cm: float,
    *,
    hidden: tuple[int, ...] = (),
    helper: int | None = None,
) -> BarChart:
    """% in time by team, bars coloured by RAG.

    With ``hidden`` (indices of teams whose rate is suppressed), the bars plot from
    column ``helper`` (rates, blank where hidden) and a "c" bar from ``helper + 1``.
    """
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = _title(
        f"% completed within {s.days} working days by team, {month} (target {s.target:g}%)",
        note=NOTE if hidden else "",
    )
    _axis_fonts(chart)
    values = helper if hidden and helper else 4
    chart.add_data(Reference(ws, min_col=values, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    series = chart.series[0]
    series.graphicalProperties.solidFill = look.colour("chart_bar")
    series.graphicalProperties.line.noFill = True
    for i, row in enumerate(rows):
        rag = str(row[4] or "").lower()
        if rag in ("green", "amber", "red") and i not in hidden:
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = look.font_colour("rag_" + rag)
            point.graphicalProperties.line.noFill = True
            series.dPt.append(point)
    series.dLbls = _labels(value=True, name=False)
    series.dLbls.numFmt = "0%"
    if hidden and helper:
        marker = _suppressed_series(ws, helper + 1, first, last, "A6A6A6")
        marker.cat = series.cat
        marker.dLbls = _labels(value=False, name=True, position="inBase", bold=True)
        chart.series.append(marker)
        chart.overlap = 100  # the "c" bar takes the place of the team's bar
        chart.visible_cells_only = False  # the helper columns are hidden
    chart.gapWidth = 40
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"  # first team at the top, as in the table
    chart.y_axis.crosses = "max"  # ... which would put the % axis on top; keep it at the bottom
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    chart.width = 19.0
    chart.height = cm
    return chart


#: Each comparator's reference line: colour and dash (the target is the template's, dashed).
COMPARATOR_LINES = {
    "england": ("595959", "sysDot"),
    "neighbours": ("BF8F00", "dashDot"),
    "region": ("7030A0", "lgDash"),
}


def trend_span(months: list[Any], total: int = 13) -> tuple[str, str]:
    """What the trend shows, for the section title and the chart title.

    ``months``: the first column of the trend's rows (the first of each month). The trend
    starts at the first month with data, so it may be shorter than ``total`` months:
    ("over the last 13 months", "last 13 months"), ("from March 2024 to September 2024",
    "Mar 2024 to Sep 2024") or ("in September 2024", "Sep 2024").
    """
    dates = [m for m in months if hasattr(m, "strftime")]
    if not dates:
        return "by month", "by month"
    first, last = dates[0], dates[-1]
    if len(dates) >= total:
        return f"over the last {len(dates)} months", f"last {len(dates)} months"
    if len(dates) == 1:
        return f"in {last:%B %Y}", f"{last:%b %Y}"
    return f"from {first:%B %Y} to {last:%B %Y}", f"{first:%b %Y} to {last:%b %Y}"


def trend_axis_min(rates: list[Any]) -> float:
    """The % axis starts at 50%, or lower (to the 10% below) when a rate or a comparator is lower."""
    numbers = [float(r) for r in rates if isinstance(r, (int, float)) and not isinstance(r, bool)]
    # A rate exactly on a tenth gets the tenth below, so its point is not drawn on the axis itself.
    return min([TREND_MIN] + [math.floor(r * 10 - 1e-9) / 10 for r in numbers])


def _reference_marker(series: Any, colour: str, *, one_month: bool) -> None:
    """A reference line has no markers; over one month there is no line to draw, so a wide dash marks it."""
    series.marker.symbol = "dash" if one_month else "none"
    if one_month:
        series.marker.size = 14
        series.marker.graphicalProperties.solidFill = colour
        series.marker.graphicalProperties.line.solidFill = colour


def trend_chart(
    ws: Any,
    look: Look,
    first: int,
    last: int,
    s: Settings,
    *,
    span: str = "last 13 months",
    comparators: Sequence[Any] = (),
    axis_min: float = TREND_MIN,
    hidden: tuple[int, ...] = (),
    helper: int | None = None,
) -> LineChart:
    """% in time over the months, against the target line and the comparators' lines.

    The table at ``first - 1`` (header) to ``last`` holds month, completed, in time, %,
    target, then one column per comparator (``comparators``, in that order; the header
    names the line). With ``hidden`` (indices of months whose rate is suppressed), the line
    plots from column ``helper`` (a gap where hidden) and a "c" marker sits on the axis
    from ``helper + 1``.
    """
    chart = LineChart()
    chart.title = _title(
        f"% completed within {s.days} working days, {span} (target {s.target:g}%)",
        note=NOTE if hidden else "",
    )
    _axis_fonts(chart)
    chart.add_data(
        Reference(ws, min_col=4, max_col=5 + len(comparators), min_row=first - 1, max_row=last),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    line, target = chart.series[:2]
    for series, comparator in zip(chart.series[2:], comparators):
        series.tx = SeriesLabel(v=comparator.label)  # the table's header breaks before the year
        colour, dash = COMPARATOR_LINES[comparator.who]
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.prstDash = dash
        series.graphicalProperties.line.width = 19050
        _reference_marker(series, colour, one_month=first == last)
        series.smooth = False
    if hidden and helper:
        line.val.numRef.f = Reference(ws, min_col=helper, min_row=first, max_row=last).__str__()
    line.graphicalProperties.line.solidFill = look.colour("chart_line")
    line.graphicalProperties.line.width = 31750
    line.marker.symbol = "circle"
    line.marker.size = 6
    line.marker.graphicalProperties.solidFill = look.colour("chart_line")
    line.marker.graphicalProperties.line.solidFill = look.colour("chart_line")
    line.smooth = False
    target.graphicalProperties.line.solidFill = look.colour("chart_target")
    target.graphicalProperties.line.dashStyle = "dash"
    target.graphicalProperties.line.width = 22225
    _reference_marker(target, look.colour("chart_target"), one_month=first == last)
    target.smooth = False
    if hidden and helper:
        marker = _suppressed_series(ws, helper + 1, first, last, "7F7F7F")
        marker.graphicalProperties.line.noFill = True
        marker.marker.symbol = "square"
        marker.marker.size = 7
        marker.marker.graphicalProperties.solidFill = "A6A6A6"
        marker.marker.graphicalProperties.line.solidFill = "7F7F7F"
        marker.smooth = False
        marker.dLbls = _labels(value=False, name=True, position="t", bold=True)
        chart.series.append(marker)
        chart.legend.legendEntry = [LegendEntry(idx=len(chart.series) - 1, delete=True)]
        chart.visible_cells_only = False
    chart.display_blanks = "gap"  # a suppressed month is a gap in the line, never 0%
    chart.y_axis.scaling.min = axis_min
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.1
    chart.y_axis.number_format = "0%"
    chart.x_axis.number_format = "mmm yy"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = 19.0
    chart.height = 9.0
    return chart
