"""Check set-up: the checks behind the ribbon's "Check set-up" button and ``xladdin doctor``.

One list of checks, two callers: the command line (``xladdin doctor [WORKBOOK]``)
reads the workbook file; the ribbon (``xladdin.excel.ribbon.check_setup``) reads
the open workbook through xlwings and passes what only VBA knows (that the
xlwings add-in answered, the workbook's date system). Each check gives one line:
``ok``, ``FIX`` (with what to do) or ``--`` (optional, or cannot be checked here).

The convention that causes mistakes: this module is imported by a command that
must start fast, so at module level it imports the standard library only;
openpyxl, pandas and xlwings are imported inside the checks that need them, and
versions come from the installed packages' metadata, not from importing them.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OK, FIX, SKIP = "ok", "FIX", "--"
#: The oldest Python xladdin supports (pyproject.toml requires-python).
MIN_PYTHON = (3, 11)
#: The settings that name files, checked for existing and readable (relative to the workbook).
PATH_SETTINGS = ("assessments", "referrals", "audit")
REQUIRED_PATHS = ("assessments",)
#: The worksheet functions the workbook's VBA module must offer.
UDF_NAMES = ("WORKDAYS45", "WORKDAYSBETWEEN", "WORKDAYSDUE")
#: The module of VBA wrappers embedded in the workbook (xladdin.excel.udf_vba.MODULE_NAME).
UDF_VBA_MODULE = "xlwings_udfs"
INSTALL_ADDIN = "install it once with the command  xlwings addin install  then restart Excel"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, ok/FIX/--, and what was found or what to do."""

    name: str
    status: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<4} {self.name}: {self.detail}"


def report(checks: list[Check], title: str = "xladdin set-up check") -> str:
    """The checks as text, one line each, with a closing line that says whether anything needs fixing."""
    problems = sum(c.status == FIX for c in checks)
    last = "Everything needed is in place." if not problems else f"{problems} to fix (lines marked FIX)."
    return "\n".join([title, "", *(c.line() for c in checks), "", last])


def needs_fixing(checks: list[Check]) -> bool:
    return any(c.status == FIX for c in checks)


def run_checks(
    workbook: Path | str | None = None,
    *,
    settings: Callable[[], Any] | None = None,
    addin: bool | None = None,
    date1904: bool | None = None,
) -> list[Check]:
    """Every check, in the order the report shows them.

    Args:
        workbook: the performance workbook's file (None: only the checks that need no workbook).
        settings: reads the Settings (the ribbon passes a reader of the open workbook); by
            default they are read from ``workbook`` with openpyxl.
        addin: True when VBA reached the xlwings add-in (the ribbon); None on the command line.
        date1904: the workbook's date system as Excel reports it (the ribbon); None: read from the file.
    """
    checks = [python_check(), package_check("xladdin"), package_check("xlwings"), addin_check(addin)]
    path = Path(workbook).absolute() if workbook is not None else None
    if path is None:
        checks.append(Check("Workbook", SKIP, "none given (xladdin doctor WORKBOOK checks its Settings too)"))
    elif not path.is_file():
        checks.append(Check("Workbook", FIX, f"{path} does not exist: give the path of performance.xlsm"))
        path = None
    if path is not None:
        checks += settings_checks(path, settings or (lambda: _file_settings(path)))
    checks.append(libreoffice_check())
    if path is not None:
        checks.append(date_system_check(path, date1904))
    checks.append(udf_check(path))
    return checks


def python_check() -> Check:
    version = ".".join(str(n) for n in sys.version_info[:3])
    if sys.version_info[:2] < MIN_PYTHON:
        return Check(
            "Python",
            FIX,
            f"{version} ({sys.executable}) is too old: install Python 3.11 or later from python.org, "
            "then pip install xladdin into it",
        )
    return Check("Python", OK, f"{version} ({sys.executable})")


def package_check(name: str) -> Check:
    try:
        return Check(name, OK, importlib.metadata.version(name))
    except importlib.metadata.PackageNotFoundError:
        return Check(name, FIX, f"not installed in this Python: pip install {name}")


def addin_check(addin: bool | None) -> Check:
    """The xlwings add-in: known in Excel (VBA tried to reach it); on the command line, look for its file."""
    if addin is True:
        return Check("xlwings add-in", OK, "installed (Excel reached it)")
    if addin is False:
        return Check("xlwings add-in", FIX, f"Excel could not reach it: {INSTALL_ADDIN}")
    if sys.platform != "win32":
        return Check("xlwings add-in", SKIP, "Excel add-ins exist on Windows only; not checked here")
    xlstart = Path(os.environ.get("APPDATA", "")) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"
    if xlstart.is_file():
        return Check("xlwings add-in", OK, str(xlstart))
    return Check("xlwings add-in", FIX, f"not found in {xlstart.parent}: {INSTALL_ADDIN}")


def settings_checks(workbook: Path, read: Callable[[], Any]) -> list[Check]:
    """Settings readable, and each extract path in them exists and can be read."""
    try:
        values = read()
    except Exception as exc:  # WorkbookError with its message, or a file openpyxl cannot read
        return [Check("Settings", FIX, f"cannot be read: {exc}")]
    checks = [Check("Settings", OK, f"read from {workbook.name}")]
    from xladdin.workbook.settings import SETTING_ROWS

    labels = {row.key: row.label for row in SETTING_ROWS}
    # The extracts, then the optional files beside them (the look, the column mappings), in Settings order.
    keys = [
        *PATH_SETTINGS,
        *(r.key for r in SETTING_ROWS if r.key == "template" or r.key.endswith("_mapping")),
    ]
    for key in keys:
        checks.append(path_check(labels.get(key, key), getattr(values, key, ""), workbook.parent, key))
    return checks


def path_check(label: str, value: str, folder: Path, key: str = "") -> Check:
    """One path setting: blank (required or optional), missing, unreadable, or ok."""
    text = str(value or "").strip()
    if not text:
        if key in REQUIRED_PATHS:
            return Check(label, FIX, "blank: type the extract's path on the Settings sheet")
        return Check(label, SKIP, "blank (optional)")
    path = Path(text) if Path(text).is_absolute() else folder / text
    where = "on the Settings sheet (a relative path starts from the workbook's folder)"
    if not path.exists():
        return Check(label, FIX, f"{path} does not exist: correct the path {where}")
    if not path.is_file():
        return Check(label, FIX, f"{path} is a folder, not a file: name the file {where}")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        return Check(
            label,
            FIX,
            f"{path} cannot be read ({exc.strerror}): close it in other programs, or ask IT for access",
        )
    return Check(label, OK, str(path))


def libreoffice_check() -> Check:
    from xladdin.report.pdf import find_soffice

    try:
        return Check("LibreOffice", OK, f"{find_soffice()} (for PDF from the command line)")
    except Exception:
        return Check(
            "LibreOffice",
            SKIP,
            "not found; only `xladdin export --pdf` needs it (in Excel: File > Export > Create PDF)",
        )


def date_system_check(workbook: Path, date1904: bool | None) -> Check:
    """The 1900 or 1904 date system: as Excel says (ribbon), else as the file says."""
    if date1904 is None:
        date1904 = _file_date1904(workbook)
    if date1904 is None:
        return Check("Date system", SKIP, "could not be read from the file")
    if date1904:
        return Check(
            "Date system",
            OK,
            "1904 (File > Options > Advanced): the worksheet functions read serial numbers in it",
        )
    return Check("Date system", OK, "1900 (Excel's default on Windows)")


def udf_check(workbook: Path | None) -> Check:
    """WORKDAYS45 and friends: the Python module importable, and the workbook's VBA wrappers present."""
    if importlib.util.find_spec("xladdin.excel.udfs") is None:
        return Check("Worksheet functions", FIX, "xladdin.excel.udfs is missing: reinstall xladdin")
    if workbook is None:
        return Check("Worksheet functions", OK, f"{', '.join(UDF_NAMES)} in xladdin.excel.udfs")
    try:
        with zipfile.ZipFile(workbook) as z:
            project = z.read("xl/vbaProject.bin") if "xl/vbaProject.bin" in z.namelist() else None
    except (OSError, zipfile.BadZipFile) as exc:
        return Check("Worksheet functions", FIX, f"{workbook.name} is not a readable workbook ({exc})")
    if project is None:
        return Check(
            "Worksheet functions",
            FIX,
            f"{workbook.name} has no macros: import Performance.bas and {UDF_VBA_MODULE}.bas "
            "(docs/excel-acceptance.md, 'If the workbook will not enable'), or use workbooks/performance.xlsm",
        )
    # The OLE directory holds each stream's name in UTF-16, whole (an entry never spans sectors).
    if UDF_VBA_MODULE.encode("utf-16-le") not in project:
        return Check(
            "Worksheet functions",
            FIX,
            f"{workbook.name} has no {UDF_VBA_MODULE} module: rebuild it (xladdin build-workbook) "
            f"or import {UDF_VBA_MODULE}.bas",
        )
    return Check("Worksheet functions", OK, f"{', '.join(UDF_NAMES)} ({UDF_VBA_MODULE} module, as saved)")


def _file_settings(path: Path) -> Any:
    import openpyxl

    from xladdin.workbook.settings import read_settings

    return read_settings(openpyxl.load_workbook(path, read_only=False, keep_links=False))


def _file_date1904(path: Path) -> bool | None:
    """``<workbookPr date1904="1"/>`` in xl/workbook.xml (ECMA-376 18.2.28), without openpyxl."""
    import re

    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/workbook.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    match = re.search(r"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(1|true|0|false)\"", xml)
    return match is not None and match.group(1) in ("1", "true")
