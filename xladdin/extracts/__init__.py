"""Extracts in: CSV, xlsx (and web pages saved as .xls), or a sheet's values -> validated frames and the
data-quality list."""

from xladdin.extracts.lists import read_annex_a, read_extract
from xladdin.extracts.mapping import ColumnMapping, load_mapping
from xladdin.extracts.read import (
    Block,
    Extract,
    cross_check,
    read_assessments,
    read_audit,
    read_block,
    read_referrals,
    require_counted,
)

__all__ = [
    "Block",
    "ColumnMapping",
    "Extract",
    "cross_check",
    "load_mapping",
    "read_annex_a",
    "read_assessments",
    "read_audit",
    "read_block",
    "read_extract",
    "read_referrals",
    "require_counted",
]
