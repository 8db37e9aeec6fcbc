"""A reporting month: parsed once, where it comes in, and passed around as :class:`Month`.

The convention that causes mistakes: a month arrives as text in several forms
(``--month 2024-09`` on the command line, a Settings cell that Excel may have
turned into the date 01/09/2024, the "Reporting month" an earlier refresh
wrote), and each place that parses it again may parse it differently. So the
edges (the CLI, the Settings sheet, the ribbon, the workbook's About area)
call :meth:`Month.parse` once, and everything behind them takes a ``Month``.

``Month`` is pure Python (no pandas), so a command that only needs a month
does not pay for importing pandas; :meth:`Month.period` gives the pandas
form where a frame needs it.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from xladdin.errors import XladdinError

#: The months xladdin accepts anywhere: the bank-holiday tables cover these years, and a
#: month outside them is a typing slip (0000-01, 9999-12), not a reporting month.
FIRST_YEAR = 2000
LAST_YEAR = 2099

_TEXT = re.compile(r"(\d{4})-(\d{2})")


class MonthError(XladdinError, ValueError):
    """A month is not written as YYYY-MM, or lies outside the years xladdin works with."""


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, e.g. ``Month(2024, 9)``; ``str()`` gives ``"2024-09"``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise MonthError(
                f"{self.year:04d}-{self.month:02d} is not a month (months run 01 to 12): "
                "write it as YYYY-MM, e.g. 2024-09."
            )
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise MonthError(
                f"{self.year:04d}-{self.month:02d} is outside the years {FIRST_YEAR} to {LAST_YEAR}: "
                "check the year, and write the month as YYYY-MM, e.g. 2024-09."
            )

    @classmethod
    def parse(cls, value: Any, *, where: str = "Month") -> Month:
        """A month from ``"2024-09"``, a date or datetime (its month), a pandas Period, or a Month.

        Args:
            value: what the user wrote or the cell held.
            where: names the source in the message (``"--month"``, ``"Settings 'Reporting month'"``).

        Raises:
            MonthError: naming ``where``, the value and the expected form.
        """
        if isinstance(value, Month):
            return value
        if isinstance(value, (dt.date, dt.datetime)):
            return cls._checked(value.year, value.month, where, value)
        if type(value).__name__ == "Period":  # pandas.Period, without importing pandas
            return cls._checked(value.year, value.month, where, value)
        text = "" if value is None else str(value).strip()
        m = _TEXT.fullmatch(text)
        if not m:
            raise MonthError(f"{where} {text!r} is not a month: write it as YYYY-MM, e.g. 2024-09.")
        return cls._checked(int(m.group(1)), int(m.group(2)), where, text)

    @classmethod
    def _checked(cls, year: int, month: int, where: str, value: Any) -> Month:
        try:
            return cls(year, month)
        except MonthError as exc:
            raise MonthError(f"{where} {str(value)!r}: {exc}") from None

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """The month a date falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def name(self) -> str:
        """As officers write it: ``"September 2024"``."""
        return f"{_calendar.month_name[self.month]} {self.year}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, _calendar.monthrange(self.year, self.month)[1])

    def __add__(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + int(months)
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, other: int) -> Month:
        return self + (-int(other))

    def months_since(self, other: Month) -> int:
        """Whole months from ``other`` to this month (0 for the same month)."""
        return (self.year - other.year) * 12 + self.month - other.month

    def period(self) -> Any:
        """The same month as a monthly ``pandas.Period`` (for comparing with a frame's dates)."""
        import pandas as pd

        return pd.Period(year=self.year, month=self.month, freq="M")
