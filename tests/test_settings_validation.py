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
from xladdin.workbook.settings import COMPARATOR_KEYS, SETTING_ROWS

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
    found = {k: dv for k, dv in _validations(workbook).items() if k not in COMPARATOR_KEYS}
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
    assert len(elements) == len(CHOICES) + len(NUMBERS) + len(COMPARATOR_KEYS)
    # Every setting but a comparator's year and source (free text: a prompt only) refuses a wrong value.
    refusing = [e for e in elements if 'showErrorMessage="1"' in e]
    assert len(refusing) == len(CHOICES) + len(NUMBERS) + len(COMPARATOR_KEYS) // 3, elements


def test_a_comparator_rate_is_refused_outside_0_to_100_and_its_year_and_source_prompt(workbook):
    found = _validations(workbook)
    assert set(found) >= COMPARATOR_KEYS
    rate = found["timeliness_neighbours"]
    assert (rate.type, rate.operator, rate.formula1, rate.formula2) == ("decimal", "between", "0", "100")
    assert rate.showErrorMessage is True and rate.allow_blank is True
    assert rate.error == "Type the published rate, from 0 to 100 (or leave it blank: not shown)."
    assert rate.errorTitle == "Timeliness: stat. neighbours"  # within Excel's 32 characters
    year, source = found["rereferral_region_year"], found["rereferral_region_source"]
    for dv in (year, source):
        assert dv.type is None and not dv.showErrorMessage and dv.showInputMessage is True
    assert year.prompt.startswith("The year the figure is for, e.g. 2024 or 2023-24")
    assert source.prompt.startswith("Where it was published")
