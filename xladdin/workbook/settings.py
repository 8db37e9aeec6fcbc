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

import re
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from xladdin.core.month import Month, MonthError
from xladdin.errors import WorkbookError

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
        "Blank: the month before the extract date. Refresh --month overrides it for one run.",
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
)

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

        ``cells`` (key -> ``B27``) lets a message name the cell where the label alone does not.
        """
        if not values:
            return self
        known = {f.name for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise WorkbookError(
                    f"{source}: unknown setting {key!r}; known settings are {', '.join(sorted(known))}."
                )
            clean[key] = _check(key, value, source, (cells or {}).get(key))
        return _years_given(replace(self, **clean), source, cells or {})


def _label(key: str) -> str:
    return next(s.label for s in SETTING_ROWS if s.key == key)


def _check(key: str, value: Any, source: str, cell: str | None = None) -> Any:
    """The value of one setting in its proper type, or a WorkbookError naming the cell."""
    default = getattr(Settings(), key)
    where = f"{source} {_label(key)!r}"
    if key in COMPARATOR_KEYS:
        return _check_comparator(key, value, where + (f", cell {cell}," if cell else ""))
    if value is None or (isinstance(value, str) and not value.strip()):
        return "" if isinstance(default, str) else default
    if key == "month":
        try:
            return Month.parse(value, where=where)
        except MonthError as exc:
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
    cells: dict[str, str] = {}
    for row in SETTING_ROWS:
        cell = named_cell(wb, "set_" + row.key)
        if cell is not None:
            values[row.key] = cell.value
            cells[row.key] = cell.coordinate
    return Settings().with_values(values, source="Settings sheet, setting", cells=cells)


def named_cell(wb: Any, name: str) -> Any:
    """The single cell a workbook-level defined name points at, or None if the name is missing."""
    dn = wb.defined_names.get(name)
    if dn is None:
        return None
    for sheet, ref in dn.destinations:
        if sheet in wb.sheetnames:
            return wb[sheet][ref.replace("$", "").split(":")[0]]
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


def _years_given(settings: Settings, source: str, cells: dict[str, str]) -> Settings:
    """A comparator with a rate must say which year it is for (its chart line is labelled with it)."""
    for row in COMPARATOR_ROWS:
        if row.key.endswith(("_year", "_source")) or getattr(settings, row.key) is None:
            continue
        if not getattr(settings, row.key + "_year"):
            year = row.key + "_year"
            cell = f", cell {cells[year]}," if year in cells else ""
            raise WorkbookError(
                f"{source} {_label(year)!r}{cell} is blank, but {_label(row.key)!r} is set: type the year "
                "the figure is for (e.g. 2023-24), or clear the rate."
            )
    return settings
