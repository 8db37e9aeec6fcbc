"""Deterministic synthetic Annex A extracts for the benchmarks (List 4, List 3; CSV and xlsx).

The same ``(rows, seed)`` always gives the same bytes. Files look like the
real thing and like ``xladdin/data/demo``: a title row with the extract date,
a blank row, the published Annex A headers (``xladdin.core.schema``), dates as
``dd/mm/yyyy`` text in CSV and as real date cells in xlsx, coded values such
as ``a) Yes``, and the team names of the seed report. Assessments not yet
authorised at the extract date are open (blank authorisation), plus 0.1%
left open for years; 0.2% are authorised before their start and 0.1% have
no team, for the data-quality checks to find.

No child in these files is real: IDs are ``B`` plus digits, workers are
``Worker 17``.

The xlsx writer is a small one of our own (shared strings, a style on every cell),
because openpyxl needs 30-35 s for 100,000 rows and xlsxwriter
is not a dependency. pandas (openpyxl) and calamine both read it back.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from xladdin.core.schema import ASSESSMENT_HEADERS, REFERRAL_HEADERS

#: Team names as in the seed report's September table.
TEAMS = (
    "Children in Care 1", "Children in Care 2", "CRS", "Family Help Central 1",
    "Family Help Central 1 - CA", "Family Help Central 2 - CA", "Family Help East 1",
    "Family Help East 1 - CA", "Family Help East 2 - CA", "Family Help West 1",
    "Family Help West 1 - CA", "Family Help West 2", "Family Help West 2 - CA",
    "Family Safeguarding Central", "Family Safeguarding East 1", "Family Safeguarding East 2",
    "Family Safeguarding West 1", "Family Safeguarding West 2", "Jigsaw 1", "Jigsaw 2",
    "Jigsaw 3", "Young People Team 1", "Young People Team 2",
)  # fmt: skip
GENDERS = ("a) Male", "b) Female", "c) Unknown")
ETHNICITIES = ("WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "CHNE", "OOTH", "REFU")
YES_NO = ("a) Yes", "b) No")
SOURCES = ("a) 1: Individual", "d) 3: Schools", "e) 4: Health", "q) 6: Police", "j) 7: Other")

#: The benchmark's reporting month and extract date (the last month is complete).
MONTH = "2024-09"
EXTRACT_DATE = dt.date(2024, 10, 31)
FIRST_DAY = dt.date(2014, 10, 1)  # ten years of starts up to the extract date
_EPOCH = np.datetime64("1970-01-01", "D")


def _date_text(first: dt.date, last: dt.date) -> tuple[np.datetime64, np.ndarray]:
    """``dd/mm/yyyy`` for every day in [first, last] (object array), so that a column is one take."""
    days = pd.date_range(first, last, freq="D")
    return np.datetime64(first, "D"), np.asarray(days.strftime("%d/%m/%Y"), dtype=object)


def _assessment_columns(rng: np.random.Generator, n: int, first_id: int) -> dict[str, np.ndarray]:
    """One chunk of List 4 as columns: canonical name -> values (dates as datetime64[D], NaT open)."""
    span = (EXTRACT_DATE - FIRST_DAY).days
    start = np.datetime64(FIRST_DAY, "D") + rng.integers(0, span - 10, n).astype("timedelta64[D]")
    # Calendar days to authorisation: mean 45, so about 85% are in time (the 2025 national
    # rate, docs/counting-rules.md): 45 working days are about 63 calendar days.
    took = np.clip(rng.gamma(6.0, 7.5, n).round(), 0, 400).astype("timedelta64[D]")
    authorised = start + took
    # Open at the extract date: the recent starts not yet authorised, and a few stragglers.
    still_open = (authorised > np.datetime64(EXTRACT_DATE, "D")) | (rng.random(n) < 0.001)
    authorised[still_open] = np.datetime64("NaT")
    # A few rows the data-quality checks must catch, as in real extracts:
    # authorised before the start (CIN rule 8608) and a blank team.
    wrong = rng.random(n) < 0.002
    authorised[wrong] = start[wrong] - np.timedelta64(3, "D")
    age = rng.integers(0, 18, n)
    dob = start - (age * 365 + rng.integers(0, 365, n)).astype("timedelta64[D]")
    ids = first_id + rng.permutation(n)
    return {
        "child_id": np.char.add("B", ids.astype(str)).astype(object),
        "gender": np.asarray(GENDERS, dtype=object)[rng.integers(0, 3, n)],
        "ethnicity": np.asarray(ETHNICITIES, dtype=object)[rng.integers(0, len(ETHNICITIES), n)],
        "date_of_birth": dob,
        "age": age,
        "disability": np.asarray(YES_NO, dtype=object)[(rng.random(n) < 0.9).astype(int)],
        "start": start,
        "child_seen": np.asarray(YES_NO, dtype=object)[(rng.random(n) < 0.03).astype(int)],
        "authorised": authorised,
        "requires_support": np.asarray(YES_NO, dtype=object)[(rng.random(n) < 0.4).astype(int)],
        "team": np.where(
            rng.random(n) < 0.001,
            "",
            np.asarray(TEAMS, dtype=object)[rng.integers(0, len(TEAMS), n)],
        ),
        "worker": np.char.add("Worker ", rng.integers(1, 300, n).astype(str)).astype(object),
    }


def _referral_columns(rng: np.random.Generator, n: int, first_id: int) -> dict[str, np.ndarray]:
    span = (EXTRACT_DATE - FIRST_DAY).days
    day = np.datetime64(FIRST_DAY, "D") + rng.integers(0, span, n).astype("timedelta64[D]")
    # A child pool smaller than the referrals, so that some children are re-referred.
    ids = first_id + rng.integers(0, max(1, int(n * 0.8)), n)
    age = rng.integers(0, 18, n)
    dob = day - (age * 365 + rng.integers(0, 365, n)).astype("timedelta64[D]")
    return {
        "child_id": np.char.add("B", ids.astype(str)).astype(object),
        "gender": np.asarray(GENDERS, dtype=object)[rng.integers(0, 3, n)],
        "ethnicity": np.asarray(ETHNICITIES, dtype=object)[rng.integers(0, len(ETHNICITIES), n)],
        "date_of_birth": dob,
        "age": age,
        "referral_date": day,
        "source": np.asarray(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), n)],
        "nfa": np.asarray(YES_NO, dtype=object)[(rng.random(n) < 0.8).astype(int)],
        "referrals_12m": _prior_12_months(ids, day, rng),
        "team": np.asarray(TEAMS, dtype=object)[rng.integers(0, len(TEAMS), n)],
        "worker": np.char.add("Worker ", rng.integers(1, 300, n).astype(str)).astype(object),
    }


def _prior_12_months(ids: np.ndarray, day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ofsted's "Number of Referrals in Last 12 Months", as a case-management system fills it.

    Each child's referrals in the 12 months before their latest one (the same on every row of the
    child), so that the column agrees with the dates as in a real extract; 0.1% are off by one,
    which the data-quality checks must catch.
    """
    frame = pd.DataFrame({"child": ids, "day": day.astype("datetime64[ns]")})
    latest = frame.groupby("child")["day"].transform("max")
    window = (frame["day"] >= latest - pd.DateOffset(months=12)) & (frame["day"] < latest)
    count = window.groupby(frame["child"]).transform("sum").to_numpy(dtype=np.int64)
    return count + (rng.random(len(ids)) < 0.001)


_KINDS = {
    "assessments": (ASSESSMENT_HEADERS, _assessment_columns, "Annex A List 4: Assessments"),
    "referrals": (REFERRAL_HEADERS, _referral_columns, "Annex A List 3: Referrals"),
}


def _chunks(kind: str, rows: int, seed: int, chunk: int = 250_000) -> Iterator[dict[str, np.ndarray]]:
    _, make, _ = _KINDS[kind]
    rng = np.random.default_rng(seed)
    done = 0
    while done < rows:
        n = min(chunk, rows - done)
        yield make(rng, n, 10_000_000 + seed * 10_000_000 + done)
        done += n


def _csv_text(columns: dict[str, np.ndarray], headers: dict[str, str]) -> str:
    first, text = _date_text(dt.date(1990, 1, 1), EXTRACT_DATE)
    out = {}
    for canon, header in headers.items():
        v = columns[canon]
        if np.asarray(v).dtype.kind == "M":
            idx = (v - first).astype(np.int64)
            cells = text.take(np.clip(idx, 0, len(text) - 1))
            cells[np.isnat(v)] = ""
            out[header] = cells
        else:
            out[header] = v
    return pd.DataFrame(out).to_csv(index=False, header=False, lineterminator="\r\n")


#: Short codes for the coded columns of a "short values" file (as some case systems export them).
SHORT = {**dict(zip(GENDERS, ("M", "F", "U"))), **dict(zip(YES_NO, ("Y", "N")))}


def write_short_csv(path: Path | str, rows: int, *, seed: int = 1) -> Path:
    """A plain List 4 CSV of short values: the header on line 1 (no title row), the same rows as
    :func:`write_csv` with one-letter codes (``M``, ``Y``...) for the coded columns; about 91 bytes
    a row. This is the shape on which reading is hardest to keep near ``pandas.read_csv``.
    """
    headers = ASSESSMENT_HEADERS
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        f.write(pd.DataFrame(columns=list(headers.values())).to_csv(index=False, lineterminator="\r\n"))
        for columns in _chunks("assessments", rows, seed):
            for canon in ("gender", "disability", "child_seen", "requires_support"):
                columns[canon] = pd.Series(columns[canon]).map(SHORT).to_numpy(dtype=object)
            f.write(_csv_text(columns, headers))
    return _replace(tmp, path)


def _replace(tmp: Path, path: Path) -> Path:
    os.replace(tmp, path)
    return path


def write_csv(path: Path | str, kind: str, rows: int, *, seed: int = 1) -> Path:
    """Write ``rows`` synthetic rows of List 4 (``kind="assessments"``) or List 3 as CSV."""
    headers, _, title = _KINDS[kind]
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        f.write(f"{title} - extracted {EXTRACT_DATE:%d/%m/%Y}\r\n\r\n")
        f.write(pd.DataFrame(columns=list(headers.values())).to_csv(index=False, lineterminator="\r\n"))
        for columns in _chunks(kind, rows, seed):
            f.write(_csv_text(columns, headers))
    return _replace(tmp, path)


# --- a minimal xlsx writer ----------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Style 1 is built-in number format 14 (the locale's short date): readers turn it into a date.
# Style 2 (thin borders) is on every other cell, as a report-tool export has: Excel writes a
# style index on each cell, and so do we (and row spans), so readers do Excel's amount of work.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>'
    "<diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def _column_letters(n: int) -> list[str]:
    out = []
    for i in range(n):
        s, i = "", i + 1
        while i:
            i, r = divmod(i - 1, 26)
            s = chr(65 + r) + s
        out.append(s)
    return out


def write_xlsx(path: Path | str, kind: str, rows: int, *, seed: int = 1) -> Path:
    """The same rows as :func:`write_csv` (same seed), as an xlsx with real date cells."""
    headers, _, title = _KINDS[kind]
    path = Path(path)
    letters = _column_letters(len(headers))
    strings: dict[str, int] = {}

    def sid(text: str) -> int:
        i = strings.get(text)
        if i is None:
            i = strings[text] = len(strings)
        return i

    lines = [
        f'<row r="1"><c r="A1" t="s"><v>{sid(f"{title} - extracted {EXTRACT_DATE:%d/%m/%Y}")}</v></c></row>'
    ]
    lines.append(
        '<row r="3">'
        + "".join(f'<c r="{c}3" t="s"><v>{sid(h)}</v></c>' for c, h in zip(letters, headers.values()))
        + "</row>"
    )
    r = 3
    spans = f"1:{len(letters)}"
    for columns in _chunks(kind, rows, seed):
        cells = []
        for canon in headers:
            v = columns[canon]
            if v.dtype.kind == "M":
                serial = (v - _EXCEL_EPOCH).astype(np.int64)
                cells.append([None if np.isnat(x) else ("d", int(s)) for x, s in zip(v, serial)])
            elif v.dtype.kind in "iu":
                cells.append([("n", int(x)) for x in v])
            else:
                cells.append([("s", sid(x)) if x else None for x in v])  # blank: no cell
        for values in zip(*cells):
            r += 1
            parts = [f'<row r="{r}" spans="{spans}">']
            for c, cell in zip(letters, values):
                if cell is None:
                    continue
                t, x = cell
                if t == "s":
                    parts.append(f'<c r="{c}{r}" s="2" t="s"><v>{x}</v></c>')
                elif t == "d":
                    parts.append(f'<c r="{c}{r}" s="1"><v>{x}</v></c>')
                else:
                    parts.append(f'<c r="{c}{r}" s="2"><v>{x}</v></c>')
            parts.append("</row>")
            lines.append("".join(parts))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{letters[-1]}{r}"/><sheetData>' + "".join(lines) + "</sheetData></worksheet>"
    )
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
    )
    tmp = path.with_name(path.name + ".part")
    # A fixed date_time keeps the bytes the same from run to run.
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            (
                "xl/workbook.xml",
                _WORKBOOK.format(name="List 4" if kind == "assessments" else "List 3"),
            ),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
            ("xl/sharedStrings.xml", sst),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 10, 31, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    return _replace(tmp, path)


# --- national scale ---------------------------------------------------------------


def authority_sizes(total: int, authorities: int, *, seed: int = 1) -> np.ndarray:
    """Rows per authority: uneven, as council sizes are (largest ~4x the median), summing to ``total``."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 0.5, authorities)
    sizes = np.floor(weights / weights.sum() * total).astype(np.int64)
    sizes[: total - sizes.sum()] += 1
    return sizes


def write_national(folder: Path | str, total: int, authorities: int = 153, *, seed: int = 1) -> list[Path]:
    """One List 4 CSV per authority (``la001.csv`` ...), ten years each, ``total`` rows in all."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, n in enumerate(authority_sizes(total, authorities, seed=seed), start=1):
        path = folder / f"la{i:03d}.csv"
        if not path.exists():
            write_csv(path, "assessments", int(n), seed=seed * 1000 + i)
        paths.append(path)
    return paths
