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
import re
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
    Setting(
        "due_within", "Due soon within (working days)", "Open assessments: days left in bold when this few."
    ),
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

#: Published comparators the officer types in (nothing is fetched): for each measure, England,
#: the statistical-neighbour average and the region, each with its year and source. A block of
#: their own on the Settings sheet (``create.py``), after every other setting.
COMPARATOR_MEASURES = {"timeliness": "Assessment timeliness", "rereferral": "Re-referral rate"}
COMPARATOR_WHO = {"england": "England", "neighbours": "Statistical neighbours", "region": "Region"}


def _comparator_rows() -> tuple[Setting, ...]:
    rows = []
    for measure, measure_label in COMPARATOR_MEASURES.items():
        for who, who_label in COMPARATOR_WHO.items():
            key, label = f"{measure}_{who}", f"{measure_label}: {who_label}"
            rows += [
                Setting(key, f"{label} (%)", "A rate from 0 to 100, as published. Blank: not shown."),
                Setting(key + "_year", f"{label}, year", "The year it is for, e.g. 2024 or 2023-24."),
                Setting(key + "_source", f"{label}, source", "Where it was published."),
            ]
    return tuple(rows)


COMPARATOR_ROWS = _comparator_rows()
SETTING_ROWS += COMPARATOR_ROWS


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
    # Comparators (COMPARATOR_ROWS): a rate 0-100 or None, its year and source.
    timeliness_england: float | None = None
    timeliness_england_year: str = ""
    timeliness_england_source: str = ""
    timeliness_neighbours: float | None = None
    timeliness_neighbours_year: str = ""
    timeliness_neighbours_source: str = ""
    timeliness_region: float | None = None
    timeliness_region_year: str = ""
    timeliness_region_source: str = ""
    rereferral_england: float | None = None
    rereferral_england_year: str = ""
    rereferral_england_source: str = ""
    rereferral_neighbours: float | None = None
    rereferral_neighbours_year: str = ""
    rereferral_neighbours_source: str = ""
    rereferral_region: float | None = None
    rereferral_region_year: str = ""
    rereferral_region_source: str = ""

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
        result = _years_given(replace(self, **clean, cells=cells), cells)
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
    if key in COMPARATOR_KEYS:
        return _check_comparator(key, value, where)
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


# --- comparators -------------------------------------------------------------------------------

COMPARATOR_KEYS = frozenset(row.key for row in COMPARATOR_ROWS)
#: "2024", "2023-24", "2023/24", "2023 to 2024", "2023-2024": a year, or a year and the next.
_YEAR = re.compile(r"^(\d{4})(?:\s*(?:-|/|\u2013|to)\s*(\d{2}|\d{4}))?$")


@dataclass(frozen=True)
class Comparator:
    """A published figure to compare with: England, the statistical-neighbour average or the region."""

    measure: str  # "timeliness" or "rereferral"
    who: str  # "england", "neighbours" or "region"
    value: float  # 0-100
    year: str
    source: str

    @property
    def name(self) -> str:
        return COMPARATOR_WHO[self.who]

    @property
    def label(self) -> str:
        """What a chart line or a column is called: "Statistical neighbours 2023-24"."""
        return f"{self.name} {self.year}".strip()

    @property
    def fraction(self) -> float:
        """The rate as a cell holds a percentage (0.806 for 80.6%)."""
        return round(self.value / 100, 9)


def comparators(settings: Settings, measure: str) -> list[Comparator]:
    """The comparators set for ``measure`` ("timeliness" or "rereferral"), in Settings order (blank ones left out)."""
    out = []
    for who in COMPARATOR_WHO:
        key = f"{measure}_{who}"
        value = getattr(settings, key)
        if value is not None:
            year, source = getattr(settings, key + "_year"), getattr(settings, key + "_source")
            out.append(Comparator(measure, who, float(value), year, source))
    return out


def statistical_neighbours(settings: Settings, measure: str) -> Comparator | None:
    """The statistical-neighbour average for ``measure``, when set (the summary sentence mentions it)."""
    return next((c for c in comparators(settings, measure) if c.who == "neighbours"), None)


def _check_comparator(key: str, value: Any, where: str) -> Any:
    """A comparator's rate (0-100, None when blank), year (text) or source (text)."""
    blank = value is None or (isinstance(value, str) and not value.strip())
    if key.endswith("_source"):
        return "" if blank else str(value).strip()
    if key.endswith("_year"):
        return "" if blank else _year(value, where)
    if blank:
        return None
    try:
        number = float(str(value).strip().rstrip("%")) if not isinstance(value, (int, float)) else value
    except ValueError:
        number = None
    if isinstance(value, bool) or number is None or number != number:
        raise WorkbookError(f"{where} is {value!r}, not a number: type the published rate, e.g. 82.1.")
    if isinstance(value, float) and 0 < value <= 1:
        number = round(value * 100, 9)  # typed as 82.1% in Excel, stored as 0.821
    if not 0 <= number <= 100:
        shown = int(value) if isinstance(value, float) and value.is_integer() else value  # Excel's 181.0
        raise WorkbookError(f"{where} is {shown!r}: a rate is from 0 to 100 (a percentage such as 82.1).")
    return float(number)


def _year(value: Any, where: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))  # Excel keeps a typed 2024 as a number
    found = _YEAR.match(value.strip()) if isinstance(value, str) else None
    if found and 1990 <= int(found.group(1)) <= 2100:
        first, second = int(found.group(1)), found.group(2)
        # "2023-24" and "2023-2024" name a year and the next: "2023-25" is a typing slip.
        if second is None or int(second) == (first + 1) % 10 ** len(second):
            return value.strip()
    raise WorkbookError(
        f"{where} is {value!r}, not a year: type the year the figure is for, e.g. 2024 or 2023-24."
    )


def _years_given(settings: Settings, cells: dict[str, str]) -> Settings:
    """A comparator with a rate must say which year it is for (its chart line is labelled with it)."""
    for row in COMPARATOR_ROWS:
        if row.key.endswith(("_year", "_source")) or getattr(settings, row.key) is None:
            continue
        if not getattr(settings, row.key + "_year"):
            year = row.key + "_year"
            raise WorkbookError(
                f"{_where(year, 'setting', cells)} is blank, but {_label(row.key)!r} is set: type the year "
                "the figure is for (e.g. 2023-24), or clear the rate."
            )
    return settings


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
    from xladdin.core.calendar import parse_closure_lines  # numpy: not for every command's start

    try:
        return parse_closure_lines([str(value)], "closure day")
    except DateError:
        raise WorkbookError(
            f"{where}: {value!r} is not a date. "
            "Type local closure days as dd/mm/yyyy, one per row, or clear the cell."
        ) from None
