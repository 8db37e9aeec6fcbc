"""Pure rules: working days, measures, data quality, RAG.

Nothing in this package imports openpyxl or xlwings (a test holds that line).

The names below are loaded on first use (PEP 562), so importing a light module
such as :mod:`xladdin.core.month` does not import numpy, pandas and the
bank-holiday tables behind the working-day engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "WorkingCalendar": "xladdin.core.calendar",
    "get_calendar": "xladdin.core.calendar",
    "deadline": "xladdin.core.workdays",
    "in_time": "xladdin.core.workdays",
    "networkdays": "xladdin.core.workdays",
    "timeliness": "xladdin.core.workdays",
    "working_days_between": "xladdin.core.workdays",
}

__all__ = [
    "WorkingCalendar",
    "deadline",
    "get_calendar",
    "in_time",
    "networkdays",
    "timeliness",
    "working_days_between",
]

if TYPE_CHECKING:
    from xladdin.core.calendar import WorkingCalendar, get_calendar
    from xladdin.core.workdays import deadline, in_time, networkdays, timeliness, working_days_between


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'xladdin.core' has no attribute {name!r}")
