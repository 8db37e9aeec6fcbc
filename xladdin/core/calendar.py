"""The working-day calendar: Monday to Friday, less bank holidays and local closures.

The rule (``docs/counting-rules.md``, "Working day"): a working day is Monday to Friday and not an England &
Wales bank holiday, substitute days and one-off days (2022-09-19, 2023-05-08)
included. Local closure days can be added by the user.

The bank holidays are tables shipped with xladdin (``xladdin/data/bank_holidays/``,
one file per region, 1950-2100), written from the ``holidays`` package by
:func:`write_bank_holiday_tables`; a test checks that they still match it. Read
from a file they cost about a millisecond; importing ``holidays`` costs about
0.1 s, since it loads every country, and every command would pay it. The
package must be asked for ``subdiv="ENG"``: ``holidays.UK()`` with no
subdivision drops Easter Monday and the August bank holiday, a silent bug.

A calendar precomputes two tables over its whole range so that every question
is answered by array lookups (see ``workdays.py``):

* ``before[i]``: working days in ``[base, base + i)``, so the working days in
  ``(s, e]`` are ``before[e + 1] - before[s + 1]``;
* ``positions[k]``: the day index of the k-th working day (0-based), so the
  n-th working day after ``s`` is ``positions[before[s + 1] + n - 1]``.

From these, two per-start tables are built on first use and kept
(:meth:`WorkingCalendar.deadline_table`, :meth:`WorkingCalendar.in_time_table`),
so that a deadline or an in-time flag for a million pairs is one gather.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from xladdin.core.dates import NOT_A_DATE, REASONS, parse_date_column
from xladdin.errors import DateError, WorkbookError

#: Region codes accepted by :func:`get_calendar`, with the ``holidays`` subdivision.
REGIONS = {
    "ENG": ("ENG", "England and Wales"),
    "ENGLAND": ("ENG", "England and Wales"),
    "WLS": ("WLS", "Wales"),
    "WALES": ("WLS", "Wales"),
    "SCT": ("SCT", "Scotland"),
    "SCOTLAND": ("SCT", "Scotland"),
    "NIR": ("NIR", "Northern Ireland"),
    "NORTHERN-IRELAND": ("NIR", "Northern Ireland"),
    "NORTHERN IRELAND": ("NIR", "Northern Ireland"),
}

FIRST_YEAR = 1950
LAST_YEAR = 2100

#: The shipped bank-holiday tables: ``ENG.tsv`` ... one ``yyyy-mm-dd<TAB>name`` line per day.
TABLES = Path(__file__).resolve().parents[1] / "data" / "bank_holidays"


class WorkingCalendar:
    """Working days for one region, with optional local closure days.

    Args:
        region: ``"ENG"`` (England and Wales, the default), ``"WLS"``, ``"SCT"``
            or ``"NIR"``; full names such as ``"Scotland"`` also work.
        closures: extra local closure days (dates), on top of bank holidays.

    Dates outside 1950-2100 are outside the calendar: scalar functions raise
    :class:`~xladdin.errors.DateError`, array functions give NaN/NaT.
    """

    def __init__(self, region: str = "ENG", closures: Iterable[dt.date] = ()) -> None:
        key = str(region).strip().upper()
        if key not in REGIONS:
            raise DateError(f"Unknown region {region!r}: use ENG (England and Wales), WLS, SCT or NIR.")
        self.region, self.region_name = REGIONS[key]
        self.closures: tuple[dt.date, ...] = tuple(sorted({_as_date(d) for d in closures}))
        self.first = dt.date(FIRST_YEAR, 1, 1)
        self.last = dt.date(LAST_YEAR, 12, 31)
        self.bank_holidays: dict[dt.date, str] = bank_holiday_table(self.region)
        self.base = np.datetime64(self.first, "D")
        self.base_day = int(self.base.astype(np.int64))
        n = (self.last - self.first).days + 1
        days = self.base + np.arange(n)
        working = np.is_busday(days, weekmask="1111100")
        off = [d for d in list(self.bank_holidays) + list(self.closures) if self.first <= d <= self.last]
        if off:
            working[np.array(off, dtype="datetime64[D]").astype(np.int64) - self.base_day] = False
        self.working = working
        #: before[i] = working days in [base, base + i); length n + 1.
        self.before = np.concatenate(([0], np.cumsum(working, dtype=np.int32)))
        #: positions[k] = day index of the k-th working day.
        self.positions = np.flatnonzero(working).astype(np.int32)
        self.size = n
        #: upto[i] = working days in [base, base + i] (= before[i + 1]); int64 so that a
        #: gather gives the engine's int64 results with no conversion pass.
        self.upto = self.before[1:].astype(np.int64)
        self._tables: dict[tuple[str, int], tuple[np.ndarray, int]] = {}
        self._by_day: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def __repr__(self) -> str:
        extra = f", {len(self.closures)} closure days" if self.closures else ""
        return f"WorkingCalendar({self.region_name}{extra})"

    def deadline_table(self, days: int) -> tuple[np.ndarray, int]:
        """The deadline of every start at once: ``table[i]`` is the day index of the
        ``days``-th working day after day ``i`` (Excel's ``WORKDAY(i, days)``).

        Returns the table (int64, one entry per day of the calendar) and ``limit``:
        only starts ``i < limit`` have a deadline inside the calendar (entries at
        and after ``limit`` are meaningless). ``days == 0`` gives the start itself.
        Tables are built once per ``days`` (about 0.3 ms) and kept.
        """
        key = ("deadline", days)
        if key not in self._tables:
            if days == 0:
                self._tables[key] = (np.arange(self.size, dtype=np.int64), self.size)
            else:
                count = len(self.positions)
                # The k-th working day after i (k >= 1) is positions[upto[i] + k - 1].
                limit = int(np.searchsorted(self.upto, count - days, side="right"))
                table = self.positions.astype(np.int64).take(self.upto + (days - 1), mode="clip")
                self._tables[key] = (table, limit)
        return self._tables[key]

    def by_day(self, table: np.ndarray) -> np.ndarray:
        """``table`` (indexed by day index from ``base``) indexed by the day number itself.

        numpy keeps a ``datetime64[D]`` as days since 1970-01-01, negative before
        1970. The returned table is ``table`` rotated so that ``result[d]`` is
        ``table[d - base_day]`` for every day number ``d`` in the calendar: a
        negative ``d`` reaches the pre-1970 entries from the end, as Python
        indexing does. The engine then gathers with the dates' own day numbers,
        without first making an array of indices. Kept for the calendar's life.
        """
        found = self._by_day.get(id(table))
        if found is None or found[0] is not table:
            # Holding ``table`` keeps its id from being reused for another array.
            found = self._by_day[id(table)] = (table, np.roll(table, self.base_day))
        return found[1]

    def in_time_table(self, days: int, *, legacy: bool = False, by_day: bool = False) -> np.ndarray:
        """The in-time test of every start at once: an end ``e`` (day index, ``e >= i``)
        is in time for a start ``i`` exactly when ``e < table[i]``.

        Corrected counting (elapsed <= days) makes ``table[i]`` the (days + 1)-th
        working day after ``i`` -- the 46th for 45 days, so a Saturday after a
        Friday deadline is still in time (``docs/counting-rules.md``). Legacy counting
        (``NETWORKDAYS(i, e) <= days``, which also counts a working start day)
        is one working day earlier when ``i`` is a working day. Where that day
        is past the end of the calendar, the entry is the calendar's size (every
        end in the calendar is in time).

        ``by_day=True`` gives the same test for day numbers (days since
        1970-01-01): indexed as :meth:`by_day` does, and holding day numbers,
        so that ``e < table[s]`` compares the dates' own day numbers.
        """
        if by_day:
            key = ("legacy by day" if legacy else "corrected by day", days)
            if key not in self._tables:
                table = self.by_day(self.in_time_table(days, legacy=legacy)) + self.base_day
                self._tables[key] = (table, self.size)
            return self._tables[key][0]
        key = ("legacy" if legacy else "corrected", days)
        if key not in self._tables:
            k = self.upto + days
            if legacy:
                k = k - self.working
            count = len(self.positions)
            table = np.where(k < count, self.positions.astype(np.int64).take(k, mode="clip"), self.size)
            self._tables[key] = (table, self.size)
        return self._tables[key][0]

    def holidays_between(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
        """Bank holidays and closure days in ``[first, last]``, sorted, with their names."""
        named = {d: n for d, n in self.bank_holidays.items() if first <= d <= last}
        for d in self.closures:
            if first <= d <= last:
                named.setdefault(d, "Local closure day")
        return sorted(named.items())

    def non_working_dates(self) -> np.ndarray:
        """Weekday holidays and closures as ``datetime64[D]`` (for numpy/Excel cross-checks)."""
        off = np.flatnonzero(~self.working & np.is_busday(self.base + np.arange(self.size)))
        return self.base + off

    def is_working_day(self, day: dt.date) -> bool:
        """True if ``day`` is Monday to Friday and not a holiday or closure day."""
        i = (_as_date(day) - self.first).days
        if not 0 <= i < self.size:
            raise DateError(f"{day} is outside the calendar ({self.first} to {self.last}).")
        return bool(self.working[i])


def bank_holiday_table(region: str) -> dict[dt.date, str]:
    """The bank holidays of ``region`` (``"ENG"``, ``"WLS"``, ``"SCT"``, ``"NIR"``), 1950-2100, by date.

    Read from the table shipped with xladdin; the same dates and names, in the
    same order, as ``holidays.country_holidays("GB", subdiv=region)`` sorted.
    """
    text = (TABLES / f"{region}.tsv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            day, _, name = line.partition("\t")
            table[dt.date.fromisoformat(day)] = name
    return table


def holidays_package_table(region: str) -> dict[dt.date, str]:
    """The same table, built by the ``holidays`` package (slow to import: for the test and the writer)."""
    import holidays

    made = holidays.country_holidays("GB", subdiv=region, years=range(FIRST_YEAR, LAST_YEAR + 1))
    return dict(sorted(made.items()))


def write_bank_holiday_tables(folder: Path = TABLES) -> list[Path]:
    """Write the shipped tables again from the installed ``holidays`` package.

    Run ``python -c "from xladdin.core.calendar import write_bank_holiday_tables as w; w()"``
    after updating ``holidays`` (a new one-off bank holiday), then run the tests.
    """
    import importlib.metadata

    version = importlib.metadata.version("holidays")
    written = []
    for region in sorted({code for code, _ in REGIONS.values()}):
        lines = [
            f"# Bank holidays {FIRST_YEAR}-{LAST_YEAR}, {region}: holidays {version}, "
            f'country_holidays("GB", subdiv="{region}"). Written by write_bank_holiday_tables.'
        ]
        lines += [f"{day.isoformat()}\t{name}" for day, name in holidays_package_table(region).items()]
        path = Path(folder) / f"{region}.tsv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
        written.append(path)
    return written


@functools.lru_cache(maxsize=32)
def _cached(region: str, closures: tuple[dt.date, ...]) -> WorkingCalendar:
    return WorkingCalendar(region, closures)


def get_calendar(region: str = "ENG", closures: Iterable[dt.date] = ()) -> WorkingCalendar:
    """A (cached) calendar for ``region`` plus local ``closures``."""
    key = tuple(sorted({_as_date(d) for d in closures}))
    return _cached(REGIONS.get(str(region).strip().upper(), (region,))[0], key)


def parse_closure_lines(lines: Iterable[str], source: str = "closure days") -> list[dt.date]:
    """Dates from text, one per line, in any form an extract date may take (``core.dates``).

    ``#`` starts a comment, and anything after the first comma is a note
    (``24/12/2024,Christmas Eve``); blank lines are skipped.

    Raises:
        DateError: naming the line and the text that is not a date.
    """
    numbered = []
    for number, raw in enumerate(lines, start=1):
        text = raw.split("#", 1)[0].split(",", 1)[0].strip()
        if text:
            numbered.append((number, text))
    dates, why = parse_date_column([text for _, text in numbered])
    for (number, text), code in zip(numbered, why):
        if code == NOT_A_DATE:
            raise DateError(
                f"{source} line {number}: {text!r} is not a date "
                "(write one date per line as dd/mm/yyyy or yyyy-mm-dd)."
            )
        if code:
            raise DateError(f"{source} line {number}: {text!r} {REASONS[int(code)]}.")
    return [d.date() for d in dates.dropna()]


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").item()
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date()
    if isinstance(value, str):
        return parse_closure_lines([value], "closure day")[0]
    raise DateError(f"{value!r} is not a date.")


def closure_day(value: Any, where: str) -> list[dt.date]:
    """One closure-day cell as ``[date]``, or ``[]`` if blank (the file's reader and the live-Excel one).

    Raises:
        WorkbookError: naming ``where`` (e.g. "Holidays sheet, cell D7") when it is not a date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, dt.datetime):
        return [value.date()]
    if isinstance(value, dt.date):
        return [value]
    try:
        return parse_closure_lines([str(value)], "closure day")
    except DateError:
        raise WorkbookError(
            f"{where}: {value!r} is not a date. "
            "Type local closure days as dd/mm/yyyy, one per row, or clear the cell."
        ) from None
