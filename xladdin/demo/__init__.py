"""The built-in demo: synthetic extracts that reproduce the seed report, and everything built from them.

``extracts`` makes the CSV files (``python -m xladdin.demo`` regenerates the
shipped copies); ``plan`` holds the seed's figures they are built to;
``outputs`` builds the workbook, spotlight, export and pictures from them.
"""

from xladdin.demo.extracts import demo_bytes, demo_dir, demo_paths, write_demo_extracts
from xladdin.demo.plan import (
    AUDIT_NOTE,
    AUDIT_TITLE,
    DEMO_MONTH,
    EXTRACT_DATE,
    FILES,
    FIRST_NAMES,
    LAST_NAMES,
    SEPTEMBER_LEGACY,
    TEAMS,
)

__all__ = [
    "AUDIT_NOTE",
    "AUDIT_TITLE",
    "DEMO_MONTH",
    "EXTRACT_DATE",
    "FILES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "SEPTEMBER_LEGACY",
    "TEAMS",
    "demo_bytes",
    "demo_dir",
    "demo_paths",
    "write_demo_extracts",
]
