"""Pure rules: working days, measures, data quality, RAG.

Nothing in this package imports openpyxl or xlwings (a test holds that line).
"""

from xladdin.core.calendar import WorkingCalendar, get_calendar
from xladdin.core.workdays import (
    deadline,
    in_time,
    networkdays,
    timeliness,
    working_days_between,
)

__all__ = [
    "WorkingCalendar",
    "get_calendar",
    "deadline",
    "in_time",
    "networkdays",
    "timeliness",
    "working_days_between",
]
