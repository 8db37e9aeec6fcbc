"""What each list needs, and finding it in a file: the header row, the columns, a date in the title.

Headers match case-insensitively, with spaces trimmed, a trailing "?" optional and
curly apostrophes read as straight ones (:func:`normalise_header`). The header row is
the row among the first :data:`HEADER_SCAN_ROWS` that matches most wanted headers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core.schema import (
    ASSESSMENT_DATES,
    ASSESSMENT_REQUIRED,
    AUDIT_REQUIRED,
    REFERRAL_DATES,
    REFERRAL_REQUIRED,
)
from xladdin.errors import ExtractError, MappingError
from xladdin.extracts.mapping import KINDS, ColumnMapping, as_mapping

Progress = Callable[[str], Any]


HEADER_SCAN_ROWS = 30


DATE_IN_TITLE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")


LIST_NAMES = {
    "assessments": "List 4 (assessments)",
    "referrals": "List 3 (referrals)",
    "audit": "audit tracker",
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


def normalise_header(text: Any) -> str:
    """The form headers are compared in: case-folded, spaces collapsed, trailing "?" dropped."""
    s = str(text).replace("\ufeff", "").replace("\u2019", "'").replace("\u2018", "'")
    s = " ".join(s.replace("\xa0", " ").split()).casefold()
    return s.rstrip("?").rstrip()


def header_score(row: list[Any], wanted: set[str]) -> int:
    return len({normalise_header(c) for c in row if c is not None and str(c).strip()} & wanted)


def find_header(rows: list[list[Any]], wanted: set[str]) -> tuple[int, int]:
    """(index, score) of the row matching most wanted headers; earliest on a tie."""
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        s = header_score(row, wanted)
        if s > best_score:
            best, best_score = i, s
    return best, best_score


def title_date(rows: list[list[Any]]) -> dt.date | None:
    """A date written in a title row above the header ("Annex A List 4 - extracted 31/10/2024")."""
    for row in rows:
        for cell in row:
            if isinstance(cell, dt.datetime):
                return cell.date()
            if isinstance(cell, dt.date):
                return cell
            if cell is None:
                continue
            m = DATE_IN_TITLE.search(str(cell))
            if m:
                try:
                    if m.group(1):
                        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                    return dt.date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
                except ValueError:
                    continue
    return None


@dataclass
class RawTable:
    body: pd.DataFrame  # columns: canonical names present; raw values (str or objects)
    source_row: np.ndarray
    header_cells: list[str]
    positions: dict[str, int]
    title_rows: list[list[Any]]
    sheet: str = ""


def match_columns(header: list[Any], spec: Spec, name: str, sheet: str) -> dict[str, int]:
    """Canonical name -> column position, or an ExtractError/MappingError naming what is missing."""
    norm = [normalise_header(c) if c is not None else "" for c in header]
    positions: dict[str, int] = {}
    for canon in spec.needed:
        want = normalise_header(spec.headers[canon])
        if want in norm:
            positions[canon] = norm.index(want)  # first of any repeated header
    found = ", ".join(f"'{str(c).strip()}'" for c in header if c is not None and str(c).strip())
    where = f"{name}{f' (sheet {sheet!r})' if sheet else ''}"
    mapped = spec.mapping.columns.get(spec.kind, {})
    for canon in spec.needed:
        if canon in positions:
            continue
        if canon in mapped:
            raise MappingError(
                f"{spec.mapping.source}: {spec.kind}.{canon} is '{mapped[canon]}', but {where} has "
                f"no such column. Columns found: {found}. Correct the header in the mapping file."
            )
        if canon in spec.required:
            hint = other_list_hint(norm, spec.kind)
            raise ExtractError(
                f"{where}: required column '{spec.headers[canon]}' is missing. "
                f"Columns found: {found}.{hint} Re-run the extract with this column, or map your "
                "header to it in a column-mapping file (--mapping)."
            )
    return positions


def other_list_hint(norm: list[str], kind: str) -> str:
    for other, headers in KINDS.items():
        if other == kind:
            continue
        needed = {normalise_header(headers[c]) for c in REQUIRED[other]}
        if needed <= set(norm):
            return f" This looks like an Annex A {LIST_NAMES[other]} file; check which file you chose."
    return ""


def not_a_table(name: str, spec: Spec, detail: str) -> ExtractError:
    looked = ", ".join(f"'{spec.headers[c]}'" for c in spec.required)
    return ExtractError(
        f"{name}: not a table xladdin can read ({detail}). Looked in the first {HEADER_SCAN_ROWS} "
        f"rows for a header row with {looked}. Choose the {LIST_NAMES[spec.kind]} extract "
        "(CSV or xlsx), or map your headers in a column-mapping file (--mapping)."
    )


def source_row_of_header(table: RawTable) -> int:
    return len(table.title_rows) + 1
