"""What leaves the building: the export checks its own finished package before anything is written.

Leadership files carry team-level figures only: no child IDs, names, dates of
birth or worker names. Building the export from team-level areas is not
enough on its own: an extract with one unclosed quote once merged the rows
after it into one "team" whose name held their IDs, dates of birth and
worker names, and that name was printed. So the finished package (the xlsx,
in memory, and the PDF text) is read back and refused when:

* a text anywhere in it (cell, chart, defined name, sheet name, page header
  or footer, document property, PDF page) holds a value from one of the
  workbook's child-level areas (``AREAS[...]`` with ``child_level=True``, so
  a new detail sheet is covered as soon as it is flagged);
* a cell of a spotlight table (team names, audit findings) is longer than
  :data:`MAX_TABLE_TEXT` characters or holds a line break: no team name does,
  a run of merged extract rows does.

Which child-level values are looked for (:meth:`ChildLevel.from_workbook`):
each text of 4 characters or more with a digit or a capital letter in it
(child IDs, worker names, dates written as text, the Data quality list's
values), a number written as text only from 5 digits (a 4-digit number is a
year or a count), and dates of birth (a column whose header says "birth" or
"DOB") as dd/mm/yyyy, d/m/yyyy and yyyy-mm-dd. Left out, because the export
rightly prints them: any text the workbook also shows at team level (team
names, headers), team names in a child-level column headed "Team", the Annex A
column names, and lowercase words without a digit (xladdin's own codes:
"overdue", "duplicate"). A value matches as whole words,
ignoring case and runs of spaces. The messages name where a value is, never
the value itself.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

from xladdin.core import schema
from xladdin.errors import ExportError
from xladdin.workbook.areas import AREAS

#: The longest text a spotlight table cell may hold: the longest real team names are
#: about 60 characters ("Children with Disabilities Team - North Locality (Short Breaks)").
MAX_TABLE_TEXT = 80
NOTHING_WRITTEN = "Nothing was written."
_WORD = re.compile(r"[^\W_]+")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_BIRTH = re.compile(r"birth|\bdob\b", re.IGNORECASE)
_TEAM = re.compile(r"\bteam\b", re.IGNORECASE)


def normalise(text: str) -> str:
    """Case-folded, with every run of spaces (no-break spaces and line breaks too) as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).casefold().strip()


def _key(text: str) -> str:
    return _EDGES.sub("", normalise(text))


def _distinctive(raw: str) -> bool:
    token = _key(raw)
    if len(token) < 4:
        return False
    if token.isdigit():
        return len(token) >= 5
    return any(ch.isdigit() or ch.isupper() for ch in raw)


@dataclass(frozen=True)
class Source:
    """Where a child-level value is in the workbook."""

    sheet: str
    cell: str
    column: str

    def __str__(self) -> str:
        return f"the child-level sheet '{self.sheet}' (cell {self.cell}, column '{self.column}')"


class ChildLevel:
    """The distinctive values of a workbook's child-level areas, to look for in what is sent."""

    def __init__(self, tokens: dict[str, Source]) -> None:
        self.tokens = tokens
        self._by_first: dict[str, list[str]] = {}
        for token in sorted(tokens, key=len, reverse=True):
            first = _WORD.match(token)
            if first:
                self._by_first.setdefault(first.group(), []).append(token)

    def __len__(self) -> int:
        return len(self.tokens)

    @classmethod
    def from_workbook(cls, wb: Any) -> ChildLevel:
        """Read every child-level area of an openpyxl workbook (before its sheets are removed)."""
        team_level = {_key(h) for headers in _annex_a_headers() for h in headers}
        child_cells: list[tuple[_Cell, str]] = []  # (cell, its column's header)
        # A child-level column headed "Team" holds team names, which the export rightly prints
        # (a team with open cases but no completed assessment is in no team-level table).
        for name, area in AREAS.items():
            block = _area_cells(wb, name)
            if not block:
                continue
            header = [str(c.value or "") for c in block[0]]
            team_level.update(_key(h) for h in header if h)
            for row in block[1:]:
                if area.child_level:
                    for j, c in enumerate(row):
                        if _TEAM.search(header[j]) and isinstance(c.value, str):
                            team_level.add(_key(c.value))
                        else:
                            child_cells.append((c, header[j]))
                else:
                    team_level.update(_key(c.value) for c in row if isinstance(c.value, str))
        tokens: dict[str, Source] = {}
        for cell, column in child_cells:
            for token in _tokens(cell.value, column):
                if token not in team_level:
                    tokens.setdefault(token, Source(cell.sheet, cell.ref, column))
        return cls(tokens)

    def find(self, text: str) -> Source | None:
        """Where a child-level value held (as whole words) in ``text`` comes from, or None."""
        norm = normalise(text)
        for m in _WORD.finditer(norm):
            for token in self._by_first.get(m.group(), ()):
                end = m.start() + len(token)
                if norm.startswith(token, m.start()) and (end == len(norm) or not norm[end].isalnum()):
                    return self.tokens[token]
        return None


def _annex_a_headers() -> list[list[str]]:
    return [
        list(schema.ASSESSMENT_HEADERS.values()),
        list(schema.REFERRAL_HEADERS.values()),
        list(schema.AUDIT_HEADERS.values()),
    ]


def _area_cells(wb: Any, name: str) -> list[list[Any]]:
    """The cells of a generated area (header row first), with where each is; [] if absent."""
    dn = wb.defined_names.get(name)
    if dn is None:
        return []
    for sheet, ref in dn.destinations:
        if sheet in wb.sheetnames:
            c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
            ws = wb[sheet]
            return [
                [
                    _Cell(ws.cell(row=r, column=c).value, sheet, f"{get_column_letter(c)}{r}")
                    for c in range(c1, c2 + 1)
                ]
                for r in range(r1, r2 + 1)
            ]
    return []


@dataclass(frozen=True)
class _Cell:
    value: Any
    sheet: str
    ref: str


def _tokens(value: Any, column: str) -> list[str]:
    if isinstance(value, (dt.date, dt.datetime)):
        if not _BIRTH.search(column):
            return []
        d = value.date() if isinstance(value, dt.datetime) else value
        return [f"{d:%d/%m/%Y}", f"{d.day}/{d.month}/{d.year}", f"{d:%Y-%m-%d}"]
    if isinstance(value, str) and _distinctive(value):
        return [_key(value)]
    return []


def check_package(payload: bytes, name: str, child: ChildLevel, table_cells: set[str]) -> None:
    """Refuse a finished xlsx (``payload``) that could carry more than team-level figures.

    Args:
        payload: the package's bytes, as it would be written.
        name: its file name, for the messages.
        child: the child-level values of the workbook it was made from.
        table_cells: coordinates (``A14``) of the spotlight's table cells (the text limit).

    Raises:
        ExportError: naming the cell (``Spotlight!A14``) or the part at fault.
    """
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        names = z.namelist()
        bad = [
            n for n in names if re.search(r"vbaProject|externalLink|customUI|activeX|embeddings|comments", n)
        ]
        sheets = [n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        if bad or len(sheets) != 1:
            raise ExportError(f"{name} is not safe to send: it contains {bad or sheets}. {NOTHING_WRITTEN}")
        if re.search(rb"<(\w+:)?f[ >]", z.read(sheets[0])):
            raise ExportError(f"{name}: {sheets[0]} still holds a formula. {NOTHING_WRITTEN}")
        if re.search(rb"<definedName[^>]*name=\"(?!_xlnm)", z.read("xl/workbook.xml")):
            raise ExportError(f"{name}: a defined name is left in the workbook. {NOTHING_WRITTEN}")
        parts = {n: z.read(n) for n in names if n.endswith((".xml", ".rels")) and n != "xl/sharedStrings.xml"}
    wb = openpyxl.load_workbook(io.BytesIO(payload))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    _check_cell(ws.title, cell.coordinate, cell.value, child, cell.coordinate in table_cells)
    for part, data in parts.items():
        for text in _xml_texts(data):
            found = child.find(text)
            if found is not None:
                raise ExportError(
                    f"{name}: {_part_name(part)} holds a value from {found}: child-level data must not "
                    f"leave in a leadership file. {NOTHING_WRITTEN}"
                )


def _check_cell(sheet: str, ref: str, text: str, child: ChildLevel, in_table: bool) -> None:
    where = f"{sheet}!{ref}"
    if in_table and (len(text) > MAX_TABLE_TEXT or "\n" in text or "\r" in text):
        what = f"{len(text)} characters" if len(text) > MAX_TABLE_TEXT else "a line break"
        raise ExportError(
            f"{where} is a table cell (a team name) holding {what}; no team name is longer than "
            f"{MAX_TABLE_TEXT} characters or runs over lines, but extract rows run together do (an unclosed "
            "quote in a CSV). Check the team names in the extract and on the workbook's Team table sheet, "
            f"refresh, then export again. {NOTHING_WRITTEN}"
        )
    found = child.find(text)
    if found is not None:
        raise ExportError(
            f"{where} holds a value from {found}: child-level data must not leave in a leadership file. "
            "If it is in your commentary, take it out of the Commentary sheet; if it is in a team name, "
            f"check the extract and refresh. Then export again. {NOTHING_WRITTEN}"
        )


def _part_name(part: str) -> str:
    if part.startswith("xl/charts/"):
        return f"a chart ({part})"
    if part.startswith("docProps/"):
        return f"the document properties ({part})"
    if part == "xl/workbook.xml":
        return "a sheet or defined name (xl/workbook.xml)"
    if part.startswith("xl/worksheets/"):
        return f"the page header or footer ({part})"
    return part


def _xml_texts(data: bytes) -> list[str]:
    """Every text and attribute value of an XML part."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return [data.decode("utf-8", "replace")]
    texts: list[str] = []
    for element in root.iter():
        if element.text and element.tag.endswith(("Header", "Footer")):
            texts.append(_without_codes(element.text))
        texts.extend(t for t in (element.text, element.tail) if t and t.strip())
        texts.extend(v for v in element.attrib.values() if v)
    return texts


#: Excel's header and footer codes (``&L``, ``&9``, ``&K9C0006``, ``&"Calibri,Bold"``): they run
#: straight into the text that follows, so "&LOPEN00001" would hide the word OPEN00001.
_CODES = re.compile(r'&(?:"[^"]*"|K[0-9A-Fa-f]{6}|K\d\d[+-]\d{3}|\d+|[A-Za-z])')


def _without_codes(text: str) -> str:
    return _CODES.sub(" ", text.replace("&&", "\x00")).replace("\x00", "&")


def pdf_pages(pdf: Path) -> list[str] | None:
    """The text of each PDF page (poppler's ``pdftotext``), or None when it is not installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    done = subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ExportError(f"pdftotext could not read {pdf.name}: {done.stderr.strip()}. {NOTHING_WRITTEN}")
    return done.stdout.split("\f")


def check_pdf(pdf: Path, name: str, child: ChildLevel) -> None:
    """Refuse a PDF whose text holds a child-level value (naming the page).

    Without ``pdftotext`` the PDF is not read back; it is made from the xlsx that
    :func:`check_package` passed, so it holds the same text.
    """
    for number, text in enumerate(pdf_pages(pdf) or [], start=1):
        found = child.find(text)
        if found is not None:
            raise ExportError(
                f"{name}, page {number}, holds a value from {found}: child-level data must not leave in "
                f"a leadership file. {NOTHING_WRITTEN}"
            )
