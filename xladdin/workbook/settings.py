"""The officer's settings: what they mean, their defaults, and reading them from the Settings sheet.

Each setting lives in one cell of the Settings sheet that carries a defined
name (``set_month``, ``set_target`` ...). Refresh and the spotlight read the
cells through those names, so an officer may move or re-order rows in Excel
without breaking anything. Refresh never writes these cells: they are the
officer's (flags such as ``--month`` override a value for one run only).

Excel turns a typed ``2024-09`` into the date 01/09/2024, so a month is
accepted as text or as a date; the cell is formatted as text to avoid it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from xladdin.core.dates import parse_date
from xladdin.core.month import Month, MonthError
from xladdin.errors import DateError, WorkbookError

if TYPE_CHECKING:  # the literal types only: importing the measures would import pandas
    from xladdin.core.measures import Clock
    from xladdin.core.workdays import Counting

SETTINGS_SHEET = "Settings"


@dataclass(frozen=True)
class Setting:
    """One row of the Settings sheet."""

    key: str  # attribute of Settings, and the defined name is "set_" + key
    label: str
    help: str
    choices: tuple[str, ...] = ()


SETTING_ROWS: tuple[Setting, ...] = (
    Setting(
        "month",
        "Reporting month (YYYY-MM)",
        "Blank: the latest month the extract covers completely. Refresh --month overrides it for one run.",
    ),
    Setting(
        "target", "Target (%)", "Assessments completed within the working-day limit; 81 in the seed report."
    ),
    Setting(
        "amber_margin",
        "Amber margin (percentage points)",
        "Amber when the figure is below target by no more than this.",
    ),
    Setting(
        "counting",
        "Counting",
        "corrected (start day is day 0) or legacy (the seed report's first figures).",
        ("corrected", "legacy"),
    ),
    Setting(
        "clock",
        "Clock starts at",
        "start (assessment start date) or referral (needs the referrals extract).",
        ("start", "referral"),
    ),
    Setting("days", "Working days allowed", "45 in Working Together."),
    Setting("due_within", "Due soon within (working days)", "Open assessments listed as due soon."),
    Setting(
        "region", "Bank holidays", "ENG (England and Wales), WLS, SCT or NIR.", ("ENG", "WLS", "SCT", "NIR")
    ),
    Setting("assessments", "Assessments extract (List 4)", "Path of the CSV or xlsx file."),
    Setting("referrals", "Referrals extract (List 3)", "Path of the CSV or xlsx file (optional)."),
    Setting("audit", "Audit tracker", "Path of the CSV or xlsx file (optional)."),
    Setting("marking", "Protective marking", "Printed in the header and footer of every spotlight page."),
    Setting(
        "suppression",
        "Small-number suppression",
        "on: counts 1 to 5 and their rates show as c in exports.",
        ("on", "off"),
    ),
    Setting(
        "extract_date",
        "Extract date",
        "Blank: the date in the extract's title row, else the latest date in the extract. "
        "A title row's date wins over this one.",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Settings with their defaults (the values a new workbook starts with)."""

    month: Month | None = None
    target: float = 81.0
    amber_margin: float = 5.0
    counting: Counting = "corrected"
    clock: Clock = "start"
    days: int = 45
    due_within: int = 10
    region: str = "ENG"
    assessments: str = ""
    referrals: str = ""
    audit: str = ""
    marking: str = "OFFICIAL-SENSITIVE"
    suppression: str = "on"
    extract_date: dt.date | None = None

    @property
    def suppress(self) -> bool:
        """True when small numbers are suppressed in leadership exports."""
        return self.suppression == "on"

    def with_values(self, values: dict[str, Any] | None, *, source: str = "settings") -> Settings:
        """A copy with ``values`` (from a dict or the sheet) checked and applied."""
        if not values:
            return self
        known = {f.name for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise WorkbookError(
                    f"{source}: unknown setting {key!r}; known settings are {', '.join(sorted(known))}."
                )
            clean[key] = _check(key, value, source)
        return replace(self, **clean)


def _label(key: str) -> str:
    return next(s.label for s in SETTING_ROWS if s.key == key)


def _check(key: str, value: Any, source: str) -> Any:
    """The value of one setting in its proper type, or a WorkbookError naming the cell."""
    default = getattr(Settings(), key)
    where = f"{source} {_label(key)!r}"
    if value is None or (isinstance(value, str) and not value.strip()):
        return "" if isinstance(default, str) else default
    if key == "month":
        try:
            return Month.parse(value, where=where)
        except MonthError as exc:
            raise WorkbookError(str(exc)) from None
    if key == "extract_date":
        try:
            return parse_date(value, what=where)  # the extract readers' own parser: a date cell or text
        except DateError as exc:
            raise WorkbookError(str(exc)) from None
    if isinstance(default, (int, float)):
        try:
            number = float(str(value).strip().rstrip("%")) if not isinstance(value, (int, float)) else value
        except ValueError:
            raise WorkbookError(
                f"{where} is {value!r}, not a number: type a number such as {default}."
            ) from None
        if isinstance(value, float) and key == "target" and 0 < value <= 1:
            number = value * 100  # typed as 81% in Excel, stored as 0.81
        if number < 0 or (isinstance(default, int) and float(number) != int(number)):
            raise WorkbookError(f"{where} is {value!r}: use a whole number of 0 or more.")
        return int(number) if isinstance(default, int) else float(number)
    text = str(value).strip()
    choices = next(s.choices for s in SETTING_ROWS if s.key == key)
    if choices:
        lowered = text.upper() if key == "region" else text.lower()
        if lowered not in choices:
            raise WorkbookError(f"{where} is {value!r}: choose one of {', '.join(choices)}.")
        return lowered
    return text


def read_settings(wb: Any) -> Settings:
    """Settings from an openpyxl workbook's ``set_*`` defined names (missing names keep defaults)."""
    values: dict[str, Any] = {}
    for row in SETTING_ROWS:
        cell = named_cell(wb, "set_" + row.key)
        if cell is not None:
            values[row.key] = cell.value
    return Settings().with_values(values, source="Settings sheet, setting")


def named_cell(wb: Any, name: str) -> Any:
    """The single cell a workbook-level defined name points at, or None if the name is missing."""
    dn = wb.defined_names.get(name)
    if dn is None:
        return None
    for sheet, ref in dn.destinations:
        if sheet in wb.sheetnames:
            return wb[sheet][ref.replace("$", "").split(":")[0]]
    return None
