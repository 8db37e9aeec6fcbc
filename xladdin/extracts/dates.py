"""Date columns of an extract: parsed by the shared parser (:mod:`xladdin.core.dates`), and the
dates an extract tells about itself (the latest date in it, the months it covers).

Every form the shared parser reads is read here, in CSV text and in xlsx cells
alike; a value it refuses becomes a data-quality row with the parser's reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from xladdin.core import quality as q
from xladdin.core.dates import DEFAULT_FORMAT, ERROR_VALUE, NO_SAVED_VALUE, OK, REASONS, parse_date_column
from xladdin.core.month import Month, MonthError
from xladdin.errors import ExtractError
from xladdin.extracts.spec import RawTable, Spec, read_title


def parse_dates(
    values: pd.Series, *, date_format: str = DEFAULT_FORMAT, serials: bool = True
) -> tuple[pd.Series, np.ndarray]:
    """Parse a date column; return ``(dates, unreadable mask)`` (blank is NaT and not unreadable).

    See :func:`xladdin.core.dates.parse_date_column` for the forms read (day-first text,
    ISO, ``2 Sep 2024``, a time part, real dates, Excel serial numbers).
    """
    dates, why = parse_date_column(values, date_format=date_format, serials=serials)
    return dates, why != OK


def latest_date(
    frame: pd.DataFrame, columns: tuple[str, ...], *, not_after: dt.date | None = None
) -> dt.date | None:
    """The latest date in ``columns`` of rows with no problem, none after ``not_after`` (None if none)."""
    ok = frame["problem"].to_numpy() == "" if "problem" in frame else np.ones(len(frame), bool)
    best: pd.Timestamp | None = None
    for c in columns:
        s = frame.loc[ok, c]
        if not_after is not None:
            s = s[s <= pd.Timestamp(not_after)]
        m = s.max()
        if pd.notna(m) and (best is None or m > best):
            best = m
    return None if best is None else best.date()


def earliest_date(frame: pd.DataFrame, columns: tuple[str, ...]) -> dt.date | None:
    """The earliest date in ``columns`` (None when there is none)."""
    best: pd.Timestamp | None = None
    for c in columns:
        if c in frame:
            m = frame[c].min()
            if pd.notna(m) and (best is None or m < best):
                best = m
    return None if best is None else best.date()


def date_text(v: Any) -> str:
    """A cell value as the officer sees it in the extract (dates as dd/mm/yyyy)."""
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y %H:%M") if (v.hour or v.minute) else v.strftime("%d/%m/%Y")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


def column_dates(
    values: pd.Series, refused: tuple[np.ndarray, np.ndarray] | None, spec: Spec
) -> tuple[pd.Series, np.ndarray]:
    dates, why = parse_date_column(values, date_format=spec.date_format, serials=True)
    if refused is not None:
        pos, codes = refused
        why[pos] = codes
        dates.iloc[pos] = pd.NaT
    return dates, why


def refused_dates(
    values: pd.Series, why: np.ndarray, source_row: np.ndarray, name: str, column: str
) -> pd.DataFrame:
    bad = why != 0
    shown = np.empty(len(values), dtype=object)
    shown[bad] = values[bad].astype(object).map(date_text).to_numpy(dtype=object)
    # calamine reads these cells as empty: say what the cell holds instead of nothing.
    shown[why == ERROR_VALUE] = np.where(
        shown[why == ERROR_VALUE] == "", "(an error cell)", shown[why == ERROR_VALUE]
    )
    shown[why == NO_SAVED_VALUE] = "(a formula with no saved value)"
    reasons = np.empty(len(values), dtype=object)
    for code in np.unique(why[bad]):
        reasons[why == code] = (
            f"{column} {REASONS[int(code)]}. Kept out of the figures: correct it on the source system."
        )
    return q.flag_rows(
        pd.DataFrame({"source_row": source_row}),
        bad,
        file=name,
        column=column,
        value=shown,
        rule="date",
        problem=f"unreadable {column}",
        reason=reasons,
    )


def choose_extract_date(
    table: RawTable, frame: pd.DataFrame, spec: Spec, given: dt.date | None, label: str
) -> tuple[dt.date, str, str]:
    """(extract date, where it came from, a one-line note): title, then given, then the data."""
    title = read_title(table.title_rows)
    if title.extract_date:
        also = (
            f" (the date given, {given:%d/%m/%Y}, is not used: the title row wins)"
            if given and given != title.extract_date
            else ""
        )
        return (
            title.extract_date,
            "title",
            f"Extract date {title.extract_date:%d/%m/%Y}: from the title row of {label}{also}.",
        )
    if given:
        return (
            given,
            "given",
            f"Extract date {given:%d/%m/%Y}: as given (no title row of {label} states one).",
        )
    today = dt.date.today()
    # A date after today is a typing slip, not the day the extract was taken.
    latest = latest_date(frame, tuple(c for c in spec.dates if c in frame), not_after=today)
    if latest:
        return (
            latest,
            "data",
            (
                f"Extract date {latest:%d/%m/%Y}: the latest date in {label} (no title row states one and none "
                "was given: give --extract-date DD/MM/YYYY, or fill in 'Extract date' on the Settings sheet)."
            ),
        )
    return today, "today", f"Extract date {today:%d/%m/%Y}: today, because {label} holds no date to go by."


#: The dates that place a row in a month: the authorisation (List 4), the referral (List 3).
MONTH_DATES = {"assessments": ("authorised", "start"), "referrals": ("referral_date",)}


def extract_span(extract: Any) -> tuple[dt.date, dt.date]:
    """The first and last day the extract covers: the period its title states, else from its
    earliest date (the authorisation or referral dates) to the extract date."""
    last = extract.extract_date
    if extract.coverage:
        return extract.coverage[0], min(extract.coverage[1], last)
    columns = MONTH_DATES.get(extract.kind, ())
    first = next((d for d in (earliest_date(extract.frame, (c,)) for c in columns) if d), None)
    return (first or last), last


def latest_complete_month(extract: Any) -> Month:
    """The latest month the extract covers completely: its last day is inside the period the
    title states and before the extract date. The default reporting month (never the calendar's).

    Raises:
        ExtractError: the extract covers no complete month from 2000 on.
    """
    _, last = extract_span(extract)
    if extract.coverage is None:
        last = extract.extract_date - dt.timedelta(days=1)  # the extract day itself is not over
    try:
        month = Month.of(last)
        return month if month.last_day <= last else month - 1
    except MonthError:
        raise ExtractError(
            f"{extract.label}: covers no complete month xladdin can report (its last day is "
            f"{last:%d/%m/%Y}). Give the month with --month YYYY-MM."
        ) from None


def check_month(extract: Any, month: Month, *, where: str = "--month") -> str:
    """Refuse a month the extract does not cover; a note when it covers only part of it.

    Raises:
        ExtractError: naming the month, the file and the days it covers, and what to do.
    """
    first, last = extract_span(extract)
    if extract.coverage:
        covered = f"{extract.label} covers {first:%d/%m/%Y} to {last:%d/%m/%Y} (the period its title states)"
    else:
        covered = (
            f"{extract.label} runs from its earliest date, {first:%d/%m/%Y}, to its extract date, "
            f"{last:%d/%m/%Y} ({extract_date_words(extract)})"
        )
    if month.first_day > last or month.last_day < first:
        try:
            best = latest_complete_month(extract)
            hint = (
                f"the latest complete one is {best}" if best.last_day >= first else "it has no complete month"
            )
        except ExtractError:
            hint = "it has no complete month"
        raise ExtractError(
            f"{where} {month} ({month.name}) is outside the extract: {covered}. Choose a month "
            f"inside it ({hint}), or use the extract for that month."
        )
    # A stated period includes its last day; an extract date's own day is not over when taken.
    partial = (
        (month.last_day > last or month.first_day < first) if extract.coverage else month.last_day >= last
    )
    if partial:
        return f"{month.name} is not complete in the extract: {covered}; its figures are incomplete."
    return ""


def extract_date_words(extract: Any) -> str:
    return {
        "title": "stated in its title row",
        "given": "as given",
        "data": "the latest date in it",
        "today": "today",
    }.get(extract.extract_date_source, "")
