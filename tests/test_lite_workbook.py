"""``xladdin new-workbook --lite``: the performance workbook with its code stored as xlwings Lite stores it.

The expected parts are those of a workbook that xlwings Lite saved (Office's web-extension
parts, MS-OWEXML): ``xl/webextensions/webextension1.xml`` (the add-in's store listing and the
properties ``main.py``, ``requirements.txt``, ``pyodideVersion``, ``addinVersion``, each
JSON-encoded then XML-escaped; the custom-functions markers), ``xl/webextensions/taskpanes.xml``
and its relationship to the web extension, the task panes' relationship in ``_rels/.rels``, and
two content types. Everything is read back from the zip, not from the code that wrote it.
"""

from __future__ import annotations

import ast
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xladdin import __version__, cli
from xladdin.errors import WorkbookError
from xladdin.excel.lite import parts
from xladdin.workbook.create import create_workbook

WE = "{http://schemas.microsoft.com/office/webextensions/webextension/2010/11}"
WETP = "{http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
LITE_PARTS = {
    "xl/webextensions/webextension1.xml",
    "xl/webextensions/taskpanes.xml",
    "xl/webextensions/_rels/taskpanes.xml.rels",
}
SOURCE = Path(parts.__file__).with_name("main.py")


@pytest.fixture(scope="module")
def lite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lite") / "performance-lite.xlsx"
    assert cli.main(["new-workbook", "--lite", str(path)]) == 0
    return path


def _zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_the_lite_parts_are_there_with_their_relationships_and_content_types(lite: Path):
    zipped = _zip(lite)
    assert set(zipped) >= LITE_PARTS
    package = ET.fromstring(zipped["_rels/.rels"])
    panes = [r for r in package if r.get("Type") == parts.TASKPANES_REL_TYPE]
    assert [r.get("Target") for r in panes] == ["xl/webextensions/taskpanes.xml"]
    assert (
        parts.TASKPANES_REL_TYPE
        == "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
    )
    taskpane = ET.fromstring(zipped["xl/webextensions/taskpanes.xml"]).find(f"{WETP}taskpane")
    assert taskpane is not None
    # CT_OsfTaskpane's required attributes (MS-OWEXML 2.2.8); visible so Lite starts with the workbook.
    assert {k: taskpane.get(k) for k in ("dockstate", "visibility", "width", "row")} == {
        "dockstate": "right",
        "visibility": "1",
        "width": "350",
        "row": "0",
    }
    ref = taskpane.find(f"{WETP}webextensionref")
    assert ref is not None
    rels = ET.fromstring(zipped["xl/webextensions/_rels/taskpanes.xml.rels"])
    (target,) = [r for r in rels if r.get("Id") == ref.get(R_ID)]
    assert target.get("Type") == "http://schemas.microsoft.com/office/2011/relationships/webextension"
    assert target.get("Target") == "webextension1.xml"
    overrides = {
        o.get("PartName"): o.get("ContentType")
        for o in ET.fromstring(zipped["[Content_Types].xml"]).iter(f"{CT}Override")
    }
    assert overrides["/xl/webextensions/webextension1.xml"] == "application/vnd.ms-office.webextension+xml"
    assert (
        overrides["/xl/webextensions/taskpanes.xml"] == "application/vnd.ms-office.webextensiontaskpanes+xml"
    )


def test_the_web_extension_names_xlwings_lite_and_holds_its_properties(lite: Path):
    root = ET.fromstring(_zip(lite)["xl/webextensions/webextension1.xml"])
    assert root.tag == f"{WE}webextension" and re.fullmatch(r"\{[0-9A-F-]{36}\}", root.get("id", ""))
    # CT_OsfWebExtension's sequence (MS-OWEXML 2.2.7), in order.
    assert [c.tag.replace(WE, "") for c in root] == [
        "reference",
        "alternateReferences",
        "properties",
        "bindings",
        "snapshot",
        "extLst",
    ]
    reference = root.find(f"{WE}reference")
    assert reference is not None
    assert (reference.get("id"), reference.get("storeType")) == ("wa200008175", "OMEX")
    props = {p.get("name"): json.loads(p.get("value", "")) for p in root.iter(f"{WE}property")}
    assert list(props) == ["main.py", "requirements.txt", "pyodideVersion", "addinVersion"]
    assert props["main.py"] == SOURCE.read_text(encoding="utf-8")  # exactly the source text
    assert props["requirements.txt"].splitlines() == [
        "xlwings==0.33.11  # required",
        "pyodide-http  # required",
        f"xladdin=={__version__}",
    ]
    assert (props["pyodideVersion"], props["addinVersion"]) == (parts.PYODIDE_VERSION, parts.ADDIN_VERSION)
    (ext,) = root.find(f"{WE}extLst") or []
    assert ext.tag == f"{A}ext" and ext.get("uri") == "{D87F86FE-615C-45B5-9D79-34F1136793EB}"
    assert [c.tag.replace(WE, "") for c in ext] == ["containsCustomFunctions", "customFunctionIdList"]


def test_property_values_are_json_then_xml_escaped_in_the_file(lite: Path):
    raw = _zip(lite)["xl/webextensions/webextension1.xml"].decode("utf-8")
    value = re.search(r'<we:property name="main\.py" value="([^"]*)"/>', raw)
    assert value is not None
    text = value.group(1)
    assert text.startswith("&quot;\\&quot;\\&quot;\\&quot;xladdin in xlwings Lite")  # "\"\"\"xladdin...
    assert "\n" not in text and "\\n" in text  # one line: JSON escaped the newlines
    assert re.search(r'name="pyodideVersion" value="&quot;0\.29\.5&quot;"', raw)
    assert parts.read_properties(lite)["main.py"] == SOURCE.read_text(encoding="utf-8")


@given(st.text())
def test_any_text_survives_the_two_encodings(text: str):
    element = ET.fromstring(f'<p value="{parts.property_value(text)}"/>')
    # An XML parser normalises line breaks in attributes; JSON carried them as \n, \r, \t.
    assert json.loads(element.get("value", "")) == text


def test_reading_refuses_a_value_that_is_not_json_and_a_workbook_without_lite(lite: Path, tmp_path: Path):
    zipped = _zip(lite)
    xml = zipped["xl/webextensions/webextension1.xml"].decode("utf-8")
    zipped["xl/webextensions/webextension1.xml"] = xml.replace(
        'value="&quot;0.29.5&quot;"', 'value="0.29.5 unquoted"'
    ).encode("utf-8")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        for name, data in zipped.items():
            z.writestr(name, data)
    with pytest.raises(WorkbookError, match=r"The xlwings Lite property 'pyodideVersion' is not JSON text"):
        parts.read_properties(broken)
    plain = create_workbook(tmp_path / "plain.xlsx")
    with pytest.raises(WorkbookError, match=r"holds no xlwings Lite code"):
        parts.read_properties(plain)


def test_it_is_the_desktop_workbook_plus_a_sheet_per_extract(lite: Path, tmp_path: Path):
    desktop = openpyxl.load_workbook(create_workbook(tmp_path / "desktop.xlsx"))
    wb = openpyxl.load_workbook(lite)
    assert wb.sheetnames == [*desktop.sheetnames, "Assessments extract", "Referrals extract", "Audit tracker"]
    assert set(wb.defined_names) == set(desktop.defined_names)
    for key, sheet in parts.EXTRACT_SHEETS.items():
        where, ref = next(iter(wb.defined_names[f"set_{key}"].destinations))
        assert wb[where][ref.replace("$", "")].value == sheet
        assert wb[sheet].max_row == 1 and wb[sheet]["A1"].value is None  # empty: the extract goes at A1


def test_a_wheel_url_goes_into_requirements_and_settings(tmp_path: Path):
    url = "https://github.com/council/xladdin/releases/download/v0.1.0/xladdin-0.1.0-py3-none-any.whl"
    path = tmp_path / "lite.xlsx"
    assert cli.main(["new-workbook", "--lite", str(path), "--wheel-url", url]) == 0
    assert parts.read_properties(path)["requirements.txt"].splitlines()[-1] == url
    wb = openpyxl.load_workbook(path)
    where, ref = next(iter(wb.defined_names["set_wheel_url"].destinations))
    assert wb[where][ref.replace("$", "")].value == url


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lite", "lite.xlsm"], r"lite\.xlsm: an xlwings Lite workbook is an \.xlsx"),
        (
            ["lite.xlsx", "--wheel-url", "https://x.org/xladdin-0.1.0.whl"],
            r"--wheel-url is for an xlwings Lite",
        ),
        (
            ["--lite", "lite.xlsx", "--wheel-url", "http://x.org/xladdin-0.1.0-py3-none-any.whl"],
            r"--wheel-url is 'http://x\.org/.*': give the https address of an xladdin wheel",
        ),
        (
            ["--lite", "lite.xlsx", "--wheel-url", "https://x.org/other-0.1.0-py3-none-any.whl"],
            r"give the https address of an xladdin wheel",
        ),
    ],
)
def test_unusable_requests_are_refused_and_nothing_is_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["new-workbook", *args]) == 2
    assert re.search(message, capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_main_py_is_thin_and_declares_what_lite_registers():
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert imported == {"xlwings", "xladdin.excel", "xladdin.excel.lite"}
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    decorated = {
        name: [ast.unparse(d).split("(")[0] for d in f.decorator_list] for name, f in functions.items()
    }
    for name in ("WORKDAYS45", "WORKDAYSBETWEEN", "WORKDAYSDUE"):
        assert decorated[name][0] == "func", name
        f = functions[name]
        # Lite turns a parameter's annotation into its converter: the functions have none.
        assert all(a.annotation is None for a in f.args.args), name
        args = {a.arg for a in f.args.args}
        for d in f.decorator_list[1:]:
            assert isinstance(d, ast.Call) and ast.literal_eval(d.args[0]) in args, (name, ast.unparse(d))
        assert len(f.body) == 2, name  # the docstring and one call of xladdin
    for name in ("refresh", "build_spotlight", "check_setup"):
        assert decorated[name] == ["script"], name
        (param,) = functions[name].args.args
        assert ast.unparse(param.annotation) == "xw.Book"  # how Lite hands the script its workbook
    assert set(functions) == {
        "WORKDAYS45",
        "WORKDAYSBETWEEN",
        "WORKDAYSDUE",
        "refresh",
        "build_spotlight",
        "check_setup",
    }
