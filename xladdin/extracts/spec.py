"""What each list needs, and finding it in a file: the header row, the columns, the title.

Headers match after :func:`~xladdin.extracts.text.normalise_header` (case,
spaces, underscores and punctuation ignored), so ``ChildUniqueID`` finds
``Child Unique ID``. Besides the Annex A header, each column has a few other
names it is known by (:data:`ALIASES`: the views of the standard safeguarding
data model and common local spellings); a column mapping overrides both. The
header row is the row among the first :data:`HEADER_SCAN_ROWS` that matches
most wanted headers; the rows above it are the title (:func:`read_title`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core.dates import OK, parse_date_column
from xladdin.core.schema import (
    ASSESSMENT_DATES,
    ASSESSMENT_REQUIRED,
    AUDIT_REQUIRED,
    REFERRAL_DATES,
    REFERRAL_REQUIRED,
)
from xladdin.errors import ExtractError, MappingError
from xladdin.extracts.mapping import KINDS, ColumnMapping, as_mapping, normalise_header

Progress = Callable[[str], Any]

HEADER_SCAN_ROWS = 30
#: Excel's widest sheet; a "header" wider than this is not an extract.
MAX_COLUMNS = 16_384

LIST_NAMES = {
    "assessments": "List 4 (assessments)",
    "referrals": "List 3 (referrals)",
    "audit": "audit tracker",
}

#: Other names each column is known by, matched like Annex A headers (normalised).
#: From the Annex A views of the standard safeguarding data model (``ChildUniqueID``,
#: ``ContinuousAssessmentStart``, ``ContinuousAssessmentAuthDate``, ``ReferralsLast12Months``...)
#: and the spellings local extracts use most. A mapping file wins over these.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "assessments": {
        "child_id": ("Child ID",),
        "date_of_birth": ("DOB",),
        "age": ("Age",),
        "disability": ("Has Disability", "Disability"),
        "start": (
            "Continuous Assessment Start",
            "Assessment Start Date",
            "Assessment Start",
        ),
        "child_seen": ("Continuous Assessment Child Seen", "Child Seen"),
        "authorised": (
            "Continuous Assessment Auth Date",
            "Continuous Assessment Authorisation Date",
            "Continuous Assessment Authorised Date",
            "Assessment Authorisation Date",
            "Date of Authorisation",
        ),
        "requires_support": ("CSC Support Required",),
        "team": ("Team",),
        "worker": ("Worker", "Social Worker"),
    },
    "referrals": {
        "child_id": ("Child ID",),
        "date_of_birth": ("DOB",),
        "age": ("Age",),
        "referral_date": ("Referral Date",),
        "nfa": ("Referral NFA",),
        "referrals_12m": ("Referrals Last 12 Months", "Referrals in Last 12 Months"),
        "team": ("Team",),
        "worker": ("Worker", "Social Worker"),
    },
    "audit": {},
}


@dataclass(frozen=True)
class Spec:
    kind: str
    headers: dict[str, str]
    required: tuple[str, ...]
    dates: tuple[str, ...]
    needed: tuple[str, ...]
    categorical: tuple[str, ...]
    date_format: str
    mapping: ColumnMapping

    def names(self, canon: str) -> list[str]:
        """Normalised headers that ``canon`` is found by: the mapped one only, else Annex A + aliases."""
        mapped = self.mapping.columns.get(self.kind, {})
        if canon in mapped:
            return [normalise_header(mapped[canon])]
        return [normalise_header(h) for h in (self.headers[canon], *ALIASES[self.kind].get(canon, ()))]

    def wanted(self, canons: tuple[str, ...] | None = None) -> set[str]:
        return {n for c in (canons or tuple(self.headers)) for n in self.names(c)}


NEEDED = {
    "assessments": ("child_id", "start", "authorised", "team", "worker"),
    "referrals": ("child_id", "referral_date", "source", "nfa", "referrals_12m", "team", "worker"),
    "audit": tuple(KINDS["audit"]),
}


REQUIRED = {"assessments": ASSESSMENT_REQUIRED, "referrals": REFERRAL_REQUIRED, "audit": AUDIT_REQUIRED}


DATES = {"assessments": ASSESSMENT_DATES, "referrals": REFERRAL_DATES, "audit": ()}


def make_spec(kind: str, mapping: Any) -> Spec:
    m = as_mapping(mapping)
    needed = NEEDED[kind]
    return Spec(
        kind=kind,
        headers=m.headers(kind),
        required=REQUIRED[kind],
        dates=tuple(c for c in DATES[kind] if c in needed),
        needed=needed,
        categorical=tuple(c for c in ("team", "worker") if c in needed),
        date_format=m.date_format(kind),
        mapping=m,
    )


def header_score(row: list[Any], wanted: set[str]) -> int:
    return len({normalise_header(c) for c in row if c is not None and str(c).strip()} & wanted)


def find_header(rows: list[list[Any]], wanted: set[str]) -> tuple[int, int]:
    """(index, score) of the row matching most wanted headers; earliest on a tie."""
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if len(row) > MAX_COLUMNS:
            row = row[:MAX_COLUMNS]
        s = header_score(row, wanted)
        if s > best_score:
            best, best_score = i, s
    return best, best_score


@dataclass(frozen=True)
class Title:
    """What the rows above the header say: the extract date and the period the extract covers."""

    extract_date: dt.date | None = None
    coverage: tuple[dt.date, dt.date] | None = None
    text: str = ""


_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[ -]{_MON}[ -]\d{{4}})"
_DATE_TOKEN = re.compile(_DATE, re.IGNORECASE)
_EXTRACTED = re.compile(
    rf"(?:extracted|extract\s+date|extract\s+run|date\s+extracted|run\s+on|produced|as\s+at|as\s+of)"
    rf"(?:\s+on)?\s*[:\-]?\s*({_DATE})",
    re.IGNORECASE,
)
_PERIOD = re.compile(rf"({_DATE})\s*(?:to|until|till|-|\u2013|\u2014|and)\s*({_DATE})", re.IGNORECASE)


def read_title(rows: list[list[Any]]) -> Title:
    """The extract date and coverage a title row states.

    * "... for 01/04/2024 to 30/09/2024 - extracted 31/10/2024": extract date 31/10/2024
      (the date after "extracted", "extract date", "as at" ...), coverage 01/04 to 30/09/2024.
    * "Annex A List 4 - 31/10/2024": one date and no period: that date is the extract date.
    * A period with no other date: the coverage only; the extract date comes from elsewhere.
    """
    text = " ".join(" ".join(_cell_text(c) for c in row if c is not None) for row in rows)
    text = " ".join(text.split())
    if not _DATE_TOKEN.search(text):
        return Title(text=text)
    extracted = _EXTRACTED.search(text)
    extract_date = _one_date(extracted.group(1)) if extracted else None
    coverage = None
    rest = text
    for m in _PERIOD.finditer(text):
        first, last = _one_date(m.group(1)), _one_date(m.group(2))
        if first and last and first <= last and (not extracted or m.start(2) != extracted.start(1)):
            coverage = (first, last)
            rest = text[: m.start()] + " " + text[m.end() :]
            break
    if extract_date is None:
        singles = [d for d in (_one_date(t) for t in _DATE_TOKEN.findall(rest)) if d]
        extract_date = singles[-1] if singles else None
    return Title(extract_date=extract_date, coverage=coverage, text=text)


def _cell_text(cell: Any) -> str:
    if isinstance(cell, dt.datetime):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def _one_date(text: str) -> dt.date | None:
    dates, why = parse_date_column([text])
    return dates.iloc[0].date() if why[0] == OK and pd.notna(dates.iloc[0]) else None


def title_date(rows: list[list[Any]]) -> dt.date | None:
    """The extract date a title row states (see :func:`read_title`)."""
    return read_title(rows).extract_date


@dataclass
class RawTable:
    body: pd.DataFrame  # columns: canonical names present; raw values (str or objects)
    source_row: np.ndarray
    header_cells: list[str]
    positions: dict[str, int]
    title_rows: list[list[Any]]
    sheet: str = ""
    header_row: int = 0  # 1-based row of the header
    #: Rows that could not be split into cells (CSV): source_row, value, reason.
    broken: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["source_row", "value", "reason"])
    )
    #: Cells the reader knows to be refused dates (xlsx error cells, formulas without values):
    #: canonical column -> (positions in ``body``, reason code).
    refused: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def match_columns(header: list[Any], spec: Spec, name: str, sheet: str, *, path: str = "") -> dict[str, int]:
    """Canonical name -> column position, or an ExtractError/MappingError naming what is missing.

    A missing team column is not an error: the figures are then for the whole authority.
    """
    where = f"{name}{f' (sheet {sheet!r})' if sheet else ''}"
    if len(header) > MAX_COLUMNS:
        raise ExtractError(
            f"{where}: the header row has {len(header):,} columns, more than a spreadsheet can hold "
            f"({MAX_COLUMNS:,}). This is not an extract: export the list again."
        )
    norm = [normalise_header(c) if c is not None else "" for c in header]
    positions: dict[str, int] = {}
    for canon in spec.needed:
        for want in spec.names(canon):
            if want and want in norm and norm.index(want) not in positions.values():
                positions[canon] = norm.index(want)  # first of any repeated header
                break
    found = ", ".join(f"'{str(c).strip()}'" for c in header[:60] if c is not None and str(c).strip())
    mapped = spec.mapping.columns.get(spec.kind, {})
    for canon in spec.needed:
        if canon in positions:
            continue
        if canon in mapped:
            raise MappingError(
                f"{spec.mapping.source}: {spec.kind}.{canon} is '{mapped[canon]}', but {where} has "
                f"no such column. Columns found: {found}. Correct the header in the mapping file."
            )
        if canon in spec.required and canon != "team":
            raise ExtractError(
                f"{where}: required column '{spec.headers[canon]}' is missing. Columns found: {found}."
                f"{other_list_hint(norm, spec.kind)} If your file has it under another header, map it: "
                f"run `xladdin mapping-template {path or name}` to write a mapping file, set "
                f"'{spec.kind}.{canon}' in it to your header, and give the file with --mapping FILE."
            )
    return positions


def other_list_hint(norm: list[str], kind: str) -> str:
    present = set(norm)
    for other in KINDS:
        if other == kind:
            continue
        spec = make_spec(other, None)
        if all(set(spec.names(c)) & present for c in REQUIRED[other]):
            return f" This looks like an Annex A {LIST_NAMES[other]} file; check which file you chose."
    return ""


def not_a_table(name: str, spec: Spec, detail: str) -> ExtractError:
    looked = ", ".join(f"'{spec.headers[c]}'" for c in spec.required)
    return ExtractError(
        f"{name}: not a table xladdin can read ({detail}). Looked in the first {HEADER_SCAN_ROWS} "
        f"rows for a header row with {looked}. Choose the {LIST_NAMES[spec.kind]} extract "
        "(CSV or xlsx), or map your headers in a column-mapping file "
        f"(`xladdin mapping-template {name}` writes one; give it with --mapping FILE)."
    )


def source_row_of_header(table: RawTable) -> int:
    return table.header_row or len(table.title_rows) + 1
