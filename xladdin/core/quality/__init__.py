"""Data-quality rules: one row per problem, never a silent drop.

``rules`` holds the checks on one list (which rules keep a row out, which only
warn: see its docstring); ``crosscheck`` the checks across List 4 and List 3
(rules 1103, 8831) and the referral-date clock's fall-backs. The names the
readers use are re-exported here.
"""

from xladdin.core.quality.rules import (
    EXCLUDING_RULES,
    QUALITY_COLUMNS,
    WARNING_RULES,
    apply_problems,
    as_text,
    check_assessments,
    check_audit,
    check_referrals,
    combine,
    empty_quality,
    flag_rows,
    text_date,
)

__all__ = [
    "EXCLUDING_RULES",
    "QUALITY_COLUMNS",
    "WARNING_RULES",
    "apply_problems",
    "as_text",
    "check_assessments",
    "check_audit",
    "check_referrals",
    "combine",
    "empty_quality",
    "flag_rows",
    "text_date",
]
