"""Excel refuses a wrong Settings value with a message that says what is allowed (read back from the file).

openpyxl's DataValidation leaves ``showErrorMessage`` off, and then Excel
accepts any typed value silently: the sheet's own ``dataValidation``
elements are read here, as Excel reads them (ECMA-376 Part 1, 18.3.1.32).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xladdin.excel.xlsm import build_workbook
from xladdin.workbook.create import create_workbook
from xladdin.workbook.settings import SETTING_ROWS

CHOICES = {row.key: row.choices for row in SETTING_ROWS if row.choices}
NUMBERS = {"target": ("decimal", "0", "100"), "amber_margin": ("decimal", "0", "100"),
           "days": ("whole", "0", "1000"), "due_within": ("whole", "0", "1000")}  # fmt: skip


@pytest.fixture(scope="module", params=["xlsx", "xlsm"])
def workbook(request, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("settings")
    if request.param == "xlsx":
        return create_workbook(folder / "performance.xlsx")
    return build_workbook(folder / "performance.xlsm")  # the built workbook keeps them


def _validations(path: Path) -> dict[str, object]:
    """``{setting key: DataValidation}`` for the Settings cell each validation covers."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    cells = {}
    for row in SETTING_ROWS:
        _, ref = next(iter(wb.defined_names["set_" + row.key].destinations))
        cells[ref.replace("$", "")] = row.key
    out = {}
    for dv in ws.data_validations.dataValidation:
        for ref in str(dv.sqref).split():
            out[cells[ref]] = dv
    return out


def test_every_choice_and_number_setting_is_checked_with_a_message(workbook):
    found = _validations(workbook)
    assert set(found) == set(CHOICES) | set(NUMBERS)
    for key, dv in found.items():
        assert dv.showErrorMessage is True and dv.errorStyle in (None, "stop"), key
        assert dv.allow_blank is True, key  # blank means the default
        if key in CHOICES:
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(CHOICES[key]) + '"'
            assert dv.error == f"Choose one of {', '.join(CHOICES[key])} (or leave it blank for the default)."
        else:
            kind, least, most = NUMBERS[key]
            assert (dv.type, dv.operator, dv.formula1, dv.formula2) == (kind, "between", least, most)
            assert f"from {least} to {most}" in dv.error
        assert dv.errorTitle and len(dv.errorTitle) <= 32
        assert dv.showInputMessage is True and dv.prompt == dv.error


def test_the_sheet_xml_turns_the_error_message_on(workbook):
    # What Excel reads, not what openpyxl reports: showErrorMessage="1" on each dataValidation.
    wb = openpyxl.load_workbook(workbook)
    index = wb.sheetnames.index("Settings") + 1
    with zipfile.ZipFile(workbook) as z:
        xml = z.read(f"xl/worksheets/sheet{index}.xml").decode()
    elements = re.findall(r"<dataValidation\b[^>]*>", xml)
    assert len(elements) == len(CHOICES) + len(NUMBERS)
    assert all('showErrorMessage="1"' in e for e in elements), elements
