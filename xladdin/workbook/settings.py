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
import math
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from xladdin.core.month import FIRST_YEAR, LAST_YEAR, Month, MonthError
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
        "auto (default): on unless the protective marking is OFFICIAL-SENSITIVE (an internal leadership "
        "pack shows its counts; a file that may travel further shows counts 1 to 5 and their rates as c). "
        "on or off: always, for every export.",
        ("auto", "on", "off"),
    ),
    Setting("council", "Council name", "Printed on every spotlight page. Blank: the template's text."),
    Setting("department", "Department", "Printed beside the council name. Blank: the template's text."),
    Setting("title", "Report title", "Blank: the template's (Performance Spotlight Report)."),
    Setting("subtitle", "Report subtitle", "Blank: the template's (Re-referrals & Assessment Timeliness)."),
    Setting(
        "template",
        "Spotlight template",
        "Path of your copy of the spotlight template (look and logo), relative to this workbook. "
        "Blank: the one shipped with xladdin.",
    ),
    Setting(
        "assessments_mapping",
        "Assessments column mapping",
        "Optional: a mapping file (YAML or TOML) for an extract whose headers are not Annex A's.",
    ),
    Setting(
        "referrals_mapping", "Referrals column mapping", "Optional, as above, for the referrals extract."
    ),
    Setting("audit_mapping", "Audit column mapping", "Optional, as above, for the audit tracker."),
    Setting(
        "extract_date",
        "Extract date",
        "Blank: the date in the extract's title row, else the latest date in the extract. "
        "A title row's date wins over this one.",
    ),
)

#: The numbers a number setting may hold: (lowest, highest, whole numbers only, an example).
#: 250 working days is about a year; the due-soon window may not pass the working days allowed.
LIMITS: dict[str, tuple[float, float, bool, str]] = {
    "target": (0, 100, False, "81"),
    "amber_margin": (0, 50, False, "5"),
    "days": (1, 250, True, "45"),
    "due_within": (0, 250, True, "10"),
}
#: The longest text a text setting may hold (a path, or the marking printed on every page).
MAX_TEXT = 1000


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
    suppression: str = "auto"
    council: str = ""
    department: str = ""
    title: str = ""
    subtitle: str = ""
    template: str = ""
    assessments_mapping: str = ""
    referrals_mapping: str = ""
    audit_mapping: str = ""
    #: Where each value was read (``"Settings!B5"``), for messages; not a setting.
    cells: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    extract_date: dt.date | None = None

    @property
    def suppress(self) -> bool:
        """True when small numbers are suppressed in leadership exports.

        ``auto``: DfE's convention is for figures that are published, so it is on for
        any export not marked OFFICIAL-SENSITIVE (which stays inside the council's
        leadership); whether an internal pack is suppressed is the officer's choice.
        """
        if self.suppression == "auto":
            return "SENSITIVE" not in self.marking.upper()
        return self.suppression == "on"

    def with_values(
        self, values: dict[str, Any] | None, *, source: str = "settings", cells: dict[str, str] | None = None
    ) -> Settings:
        """A copy with ``values`` (from a dict or the sheet) checked and applied.

        Args:
            values: setting key -> value as typed (text, number, date...).
            source: names where the values came from, in messages.
            cells: setting key -> the cell it was read from (``"Settings!B5"``), for messages.

        Raises:
            WorkbookError: naming the cell (or ``source``), the label, the value and what is allowed.
        """
        if not values:
            return self
        known = {f.name for f in fields(self)} - {"cells"}
        cells = {**self.cells, **(cells or {})}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise WorkbookError(
                    f"{source}: unknown setting {key!r}; known settings are {', '.join(sorted(known))}."
                )
            clean[key] = _check(key, value, _where(key, source, cells))
        result = replace(self, **clean, cells=cells)
        if result.due_within > result.days:
            raise WorkbookError(
                f"{_where('due_within', source, cells)} is {result.due_within}, more than the "
                f"{result.days} working days allowed ({_where('days', source, cells)}): "
                f"use a whole number from 0 to {result.days}."
            )
        return result

    def where(self, key: str) -> str:
        """The cell a setting came from and its label, for messages: ``Settings!B4 'Reporting month'``."""
        return _where(key, "setting", self.cells)


def _label(key: str) -> str:
    return next(s.label for s in SETTING_ROWS if s.key == key)


def _where(key: str, source: str, cells: dict[str, str]) -> str:
    return f"{cells.get(key, source)} {_label(key)!r}"


def _check(key: str, value: Any, where: str) -> Any:
    """The value of one setting in its proper type, or a WorkbookError naming the cell."""
    default = getattr(Settings(), key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return "" if isinstance(default, str) else default
    if key == "month":
        try:
            return Month.parse(value, where=where)
        except MonthError as exc:
            raise WorkbookError(str(exc)) from None
    if key == "extract_date":
        try:
            from xladdin.core.dates import parse_date  # numpy behind it: only when a date is typed

            return parse_date(value, what=where)  # the extract readers' own parser: a date cell or text
        except DateError as exc:
            raise WorkbookError(str(exc)) from None
    if key in LIMITS:
        return _number(key, value, where)
    text = str(value).strip()
    choices = next(s.choices for s in SETTING_ROWS if s.key == key)
    if choices:
        lowered = text.upper() if key == "region" else text.lower()
        if lowered not in choices:
            raise WorkbookError(f"{where} is {value!r}: choose one of {', '.join(choices)}.")
        return lowered
    if len(text) > MAX_TEXT or any(ord(ch) < 32 for ch in text):
        raise WorkbookError(
            f"{where} is {text[:40]!r}... ({len(text)} characters): type a short line of text "
            f"(at most {MAX_TEXT} characters, no line breaks)."
        )
    return text


def _number(key: str, value: Any, where: str) -> int | float:
    """A number setting within :data:`LIMITS` (nan, infinities and TRUE/FALSE refused)."""
    low, high, whole, example = LIMITS[key]
    allowed = f"a whole number from {low:g} to {high:g}" if whole else f"a number from {low:g} to {high:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise WorkbookError(f"{where} is {value!r}, not a number: type {allowed}, such as {example}.")
    try:
        number = float(str(value).strip().rstrip("%")) if isinstance(value, str) else float(value)
    except (ValueError, OverflowError):
        raise WorkbookError(
            f"{where} is {value!r}, not a number: type {allowed}, such as {example}."
        ) from None
    if isinstance(value, float) and key == "target" and 0 < value <= 1:
        number = value * 100  # typed as 81% in Excel, stored as 0.81
    if not math.isfinite(number) or not low <= number <= high or (whole and number != int(number)):
        raise WorkbookError(f"{where} is {value!r}: type {allowed}, such as {example}.")
    return int(number) if whole else number


def check_month(month: Month, extract_date: dt.date, where: str) -> None:
    """Refuse a reporting month after the year following the extract's date (a typing slip).

    Raises:
        WorkbookError: naming ``where`` (the Settings cell or ``--month``), the month and the range.
    """
    last = Month(min(extract_date.year + 1, LAST_YEAR), 12)
    if month > last:
        raise WorkbookError(
            f"{where} is {month}, long after the extract's date ({extract_date:%d/%m/%Y}): "
            f"choose a month from {FIRST_YEAR}-01 to {last}, or leave the cell blank for the month "
            "before the extract date."
        )


def read_settings(wb: Any) -> Settings:
    """Settings from an openpyxl workbook's ``set_*`` defined names (missing names keep defaults).

    Raises:
        WorkbookError: a value is not allowed (naming its cell), or a name points nowhere.
    """
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for row in SETTING_ROWS:
        cell = named_cell(wb, "set_" + row.key, label=row.label)
        if cell is not None:
            values[row.key] = cell.value
            cells[row.key] = cell_address(cell)
    return Settings().with_values(values, source="Settings sheet, setting", cells=cells)


def cell_address(cell: Any) -> str:
    """``Settings!B5`` (the sheet quoted when its name needs it, as Excel writes it)."""
    sheet = cell.parent.title
    if not sheet.replace("_", "").isalnum():
        sheet = "'" + sheet.replace("'", "''") + "'"
    return f"{sheet}!{cell.coordinate}"


def named_cell(wb: Any, name: str, *, label: str = "") -> Any:
    """The single cell a workbook-level defined name points at, or None if the name is missing.

    Raises:
        WorkbookError: when ``label`` is given and the name exists but points nowhere (its cell,
            row or sheet was deleted: Excel then shows ``#REF!``), so a default is never used in
            silence in place of what the officer typed.
    """
    dn = wb.defined_names.get(name)
    if dn is None:
        return None
    for sheet, ref in dn.destinations:
        ref = ref.replace("$", "").split(":")[0]
        if sheet in wb.sheetnames and ref and "#" not in ref:
            return wb[sheet][ref]
    if label:
        raise WorkbookError(
            f"The workbook's name {name} (the setting {label!r}) points nowhere ({dn.attr_text}): its "
            "cell, row or sheet was deleted. In Excel, Formulas > Name Manager: point it at the "
            "setting's value cell on the Settings sheet, then try again."
        )
    return None
