"""Reading and writing: extracts in (CSV/xlsx -> validated frames), workbooks out."""

from xladdin.extracts.mapping import ColumnMapping, load_mapping
from xladdin.extracts.read import (
    Extract,
    cross_check,
    read_assessments,
    read_audit,
    read_extract,
    read_referrals,
)

__all__ = [
    "ColumnMapping",
    "Extract",
    "cross_check",
    "load_mapping",
    "read_assessments",
    "read_audit",
    "read_extract",
    "read_referrals",
]
