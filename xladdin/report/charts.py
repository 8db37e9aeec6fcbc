"""The spotlight's charts: % in time by team (bars coloured by RAG) and the 13-month trend.

Every chart font is named (Calibri): without a name LibreOffice draws chart
text in a serif face. Text properties carry no empty run: a load-and-save
turns an empty run into the text "None".
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.drawing.text import Font as DrawingFont

from xladdin.report.template import Look
from xladdin.workbook.settings import Settings


def _chars(size: float, *, bold: bool = False) -> CharacterProperties:
    # Charts need their font named too, or LibreOffice falls back to a serif face.
    return CharacterProperties(
        sz=int(size * 100), b=bold, latin=DrawingFont(typeface="Calibri"), solidFill="404040"
    )


def _text_props(size: float) -> RichText:
    cp = _chars(size)
    # r=[]: openpyxl otherwise writes an empty run, which a load-and-save turns into the text "None".
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=cp), endParaRPr=cp, r=[])])


def _title(text: str, size: float = 12) -> Title:
    cp = _chars(size, bold=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=cp), r=[RegularTextRun(rPr=cp, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _axis_fonts(chart: Any) -> None:
    chart.x_axis.txPr = _text_props(9)
    chart.y_axis.txPr = _text_props(9)


def bar_chart(
    ws: Any, look: Look, first: int, last: int, rows: list[list[Any]], s: Settings, month: str, cm: float
) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = _title(f"% completed within {s.days} working days by team, {month} (target {s.target:g}%)")
    _axis_fonts(chart)
    chart.add_data(Reference(ws, min_col=4, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    series = chart.series[0]
    series.graphicalProperties.solidFill = look.colour("chart_bar")
    series.graphicalProperties.line.noFill = True
    for i, row in enumerate(rows):
        rag = str(row[4] or "").lower()
        if rag in ("green", "amber", "red"):
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = look.font_colour("rag_" + rag)
            point.graphicalProperties.line.noFill = True
            series.dPt.append(point)
    chart.dataLabels = DataLabelList(
        showVal=True,
        showSerName=False,
        showCatName=False,
        showLegendKey=False,
        showPercent=False,
        showLeaderLines=False,
    )
    chart.dataLabels.numFmt = "0%"
    chart.dataLabels.txPr = _text_props(8)
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


def trend_chart(ws: Any, look: Look, first: int, last: int, s: Settings) -> LineChart:
    chart = LineChart()
    chart.title = _title(f"% completed within {s.days} working days, last 13 months (target {s.target:g}%)")
    _axis_fonts(chart)
    chart.add_data(
        Reference(ws, min_col=4, max_col=5, min_row=first - 1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    line, target = chart.series
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
    target.marker.symbol = "none"
    target.smooth = False
    chart.y_axis.scaling.min = 0.5
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    chart.x_axis.number_format = "mmm yy"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = 19.0
    chart.height = 9.0
    return chart
