"""Dates as extracts write them: day-first text (never month-first), real dates, Excel serials.

Each distinct value is parsed once, so a million rows of a few thousand
distinct dates take milliseconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd


def _excel_serial(v: float) -> pd.Timestamp:
    # Excel's day 0 is 1899-12-30 (its 1900 leap-year bug absorbed); serials > 60 only.
    return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(v))


def parse_dates(values: pd.Series, *, date_format: str = "%d/%m/%Y") -> tuple[pd.Series, np.ndarray]:
    """Parse day-first text dates (time part ignored) and real dates; return (dates, unreadable mask).

    Each distinct value is parsed once, so a million rows of a few thousand
    distinct dates take milliseconds. Blank is NaT and not unreadable.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = pd.Series(values.cat.categories.astype(object), dtype=object)
        cats_parsed, cats_bad = parse_dates(cats.astype("str"), date_format=date_format)
        codes = values.cat.codes.to_numpy()
        has = codes >= 0
        parsed = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
        parsed[has] = cats_parsed.to_numpy()[codes[has]]
        bad = np.zeros(len(codes), dtype=bool)
        bad[has] = cats_bad[codes[has]]
        return pd.Series(parsed, index=values.index), bad
    # Fast path (CSV): one vectorised strptime over the whole column (pandas caches repeats).
    if isinstance(values.dtype, pd.StringDtype):
        try:
            fast = pd.to_datetime(values, format=date_format, errors="coerce")
        except (TypeError, ValueError):
            fast = None
        if fast is not None:
            fast = fast.astype("datetime64[ns]")
            left = (fast.isna() & values.notna()).to_numpy()
            if not left.any():
                return fast, left
            slow, bad = _parse_dates_slow(values[left].astype(object), date_format)
            fast[left] = slow.to_numpy()
            bad_all = np.zeros(len(values), dtype=bool)
            bad_all[left] = bad
            return fast, bad_all
    return _parse_dates_slow(values, date_format)


def _parse_dates_slow(values: pd.Series, date_format: str) -> tuple[pd.Series, np.ndarray]:
    """Each distinct value once: text with a time part, real dates, Excel serial numbers."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    u = pd.Series(uniques, dtype=object)
    out = pd.Series(pd.NaT, index=u.index, dtype="datetime64[ns]")
    is_text = u.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if is_text.any():
        text = u[is_text].astype(str).str.strip()
        got = pd.to_datetime(text, format=date_format, errors="coerce")
        left = got.isna() & (text != "")
        if left.any():
            # "25/09/2024 16:35": the date is the part before the first space.
            head = text[left].str.split(n=1).str[0]
            got[left] = pd.to_datetime(head, format=date_format, errors="coerce")
        out[is_text] = got.astype("datetime64[ns]").to_numpy()
    other = ~is_text
    if other.any():
        conv = []
        for v in u[other]:
            if isinstance(v, (dt.datetime, dt.date)):
                conv.append(pd.Timestamp(v).normalize())
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and 60 < v < 2958466:
                conv.append(_excel_serial(v))
            else:
                conv.append(pd.NaT)
        out[other] = pd.to_datetime(pd.Series(conv, dtype=object)).astype("datetime64[ns]").to_numpy()
    blank_u = is_text & (u.astype(str).str.strip() == "").to_numpy()
    bad_u = out.isna().to_numpy() & ~blank_u
    parsed = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    has = codes >= 0
    parsed[has] = out.to_numpy()[codes[has]]
    bad = np.zeros(len(codes), dtype=bool)
    bad[has] = bad_u[codes[has]]
    return pd.Series(parsed, index=values.index), bad


def date_text(v: Any) -> str:
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y %H:%M") if (v.hour or v.minute) else v.strftime("%d/%m/%Y")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return "" if v is None else str(v)
