"""Inputs in the shapes officers meet, built by code: Annex A List 3/List 4 CSVs and workbooks.

The base List 4 (:data:`BASE4`) has six rows whose September 2024 figures are worked
out by hand (England and Wales bank holidays; the start day is day 0; 26/08/2024 is
the August bank holiday):

=====  ==========  ==========  ======  ==========================================
child  start       authorised  team    September 2024, corrected counting
=====  ==========  ==========  ======  ==========================================
C1     22/07/2024  24/09/2024  Team A  45 working days: in time (the seed's case)
C2     22/07/2024  25/09/2024  Team A  46: late
C3     01/08/2024  02/09/2024  Team B  21: in time
C4     05/08/2024  30/09/2024  Team B  39: in time (Aug 6-30 is 18, Sep 2-30 is 21)
C5     01/07/2024  27/09/2024  Team B  due 03/09/2024: late
C6     02/09/2024  (open)      Team A  not completed
=====  ==========  ==========  ======  ==========================================

So September: Team A 2 completed, 1 in time (50.0%); Team B 3, 2 (66.7%); Total 5, 3 (60.0%).
Lines: the title is line 1, a blank line 2, the header line 3, C1 is line 4 ... C6 line 9.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

H4 = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Does the Child have a Disability",
    "Continuous Assessment Start Date",
    "Child Seen During Continuous Assessment",
    "Continuous Assessment Date of Authorisation",
    "Was the child assessed as requiring LA children's social care support?",
    "Allocated Team",
    "Allocated Worker",
]
H3 = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
    "Allocated Team",
    "Allocated Worker",
]
TITLE4 = "Annex A List 4: Assessments - extracted 31/10/2024"
TITLE3 = "Annex A List 3: Referrals - extracted 31/10/2024"
START, AUTH, TEAM, WORKER = 6, 8, 10, 11  # positions in H4

#: (child, start, authorised, team) of the base List 4.
BASE4 = [
    ("C1", "22/07/2024", "24/09/2024", "Team A"),
    ("C2", "22/07/2024", "25/09/2024", "Team A"),
    ("C3", "01/08/2024", "02/09/2024", "Team B"),
    ("C4", "05/08/2024", "30/09/2024", "Team B"),
    ("C5", "01/07/2024", "27/09/2024", "Team B"),
    ("C6", "02/09/2024", "", "Team A"),
]
#: September 2024 by the base List 4: team -> (completed, in time).
SEPT = {"Team A": (2, 1), "Team B": (3, 2), "Total": (5, 3)}
#: Line of each child in a CSV written by :func:`list4_csv` with its title (C1 on line 4).
LINE = {c: i + 4 for i, (c, *_rest) in enumerate(BASE4)}


def row4(child: str, start: Any, auth: Any, team: Any, worker: Any = "Worker 1") -> list[Any]:
    return [
        child,
        "a) Male",
        "a) WBRI",
        "01/01/2015",
        "9",
        "b) No",
        start,
        "a) Yes",
        auth,
        "a) Yes",
        team,
        worker,
    ]


def base_rows(convert=lambda d: d) -> list[list[Any]]:
    """The base List 4 as rows, with each date passed through ``convert``."""
    return [
        row4(c, convert(s), convert(a) if a else "", t, f"Worker {i}") for i, (c, s, a, t) in enumerate(BASE4)
    ]


def csv_lines(rows: Iterable[Sequence[Any]], delimiter: str = ",") -> list[str]:
    """Each row as one CSV line (quoted only where needed), without the line break."""
    out = []
    for r in rows:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(r)
        out.append(buf.getvalue())
    return out


def list4_csv(
    path: Path,
    lines: Sequence[str] | None = None,
    *,
    title: str | None = TITLE4,
    header: Sequence[str] = H4,
    encoding: str = "utf-8",
    newline: str = "\n",
    delimiter: str = ",",
) -> Path:
    """A List 4 CSV: the title and a blank line (if ``title``), the header, then ``lines`` as they are
    (default: the base rows), so a test can break a line any way it likes."""
    body = list(lines) if lines is not None else csv_lines(base_rows(), delimiter)
    head = [title, ""] if title is not None else []
    text = newline.join([*head, delimiter.join(header), *body]) + newline
    path.write_bytes(text.encode(encoding))
    return path


def base_lines(delimiter: str = ",") -> list[str]:
    return csv_lines(base_rows(), delimiter)


def excel_date(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%m/%Y")


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], *, hidden: Sequence[str] = ()) -> Path:
    """A workbook with these sheets (in order), the ``hidden`` ones hidden (openpyxl)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def list4_sheet(rows: list[list[Any]] | None = None, *, title: str = TITLE4) -> list[list[Any]]:
    """A List 4 sheet: title, blank row, header, rows (default: the base rows with real dates)."""
    if rows is None:
        rows = base_rows(lambda d: excel_date(d) if d else None)
    return [[title], [], list(H4), *rows]


def list3_rows() -> list[list[Any]]:
    """Three referrals in September 2024 (two for C1, one for C9), real dates."""
    d = excel_date
    return [
        [
            "C1",
            "a) Male",
            "a) WBRI",
            d("01/01/2015"),
            9,
            d("02/09/2024"),
            "q) 6: Police",
            "b) No",
            0,
            "Team A",
            "W1",
        ],
        [
            "C1",
            "a) Male",
            "a) WBRI",
            d("01/01/2015"),
            9,
            d("20/09/2024"),
            "a) 1A: Individual",
            "b) No",
            1,
            "Team A",
            "W1",
        ],
        [
            "C9",
            "b) Female",
            "a) WBRI",
            d("01/01/2012"),
            12,
            d("10/09/2024"),
            "q) 6: Police",
            "a) Yes",
            0,
            "Team B",
            "W2",
        ],
    ]


def annex_a_workbook(
    path: Path,
    *,
    list3: list[list[Any]] | None = None,
    list4: list[list[Any]] | None = None,
    underscores: bool = True,
    hidden_old: bool = False,
) -> Path:
    """A whole Annex A workbook as Ofsted's template has it: Guidance tabs, then List 1 to List 11
    (``List_N`` or ``List N``). Lists other than 3 and 4 hold a header row only."""
    sheets: dict[str, list[list[Any]]] = {
        "Guidance": [["Annex A: guidance for local authorities"], ["Complete each list for the period."]],
        "Guidance (2)": [["Definitions"], ["Child Unique ID", "An identifier unique to the child"]],
    }
    for n in range(1, 12):
        name = f"List_{n}" if underscores else f"List {n}"
        if n == 3:
            sheets[name] = [[TITLE3], [], list(H3), *(list3 or [])]
        elif n == 4:
            sheets[name] = [[TITLE4], [], list(H4), *(list4 or [])]
        else:
            sheets[name] = [
                [f"Annex A List {n}"],
                [],
                ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth"],
            ]
    hidden = []
    if hidden_old:
        sheets["List 4 (old)"] = list4_sheet(
            [row4("OLD1", excel_date("01/01/2023"), excel_date("02/02/2023"), "Old Team")]
        )
        hidden.append("List 4 (old)")
    return write_xlsx(path, sheets, hidden=hidden)
