"""workbooks/performance.xlsm: built from text sources, checked without Excel.

Checks, each by a reader that is not the writer: olevba reads every VBA module
back from the .xlsm; ElementTree parses the ribbon; every onAction has a
``Sub X(control As IRibbonControl)``; LibreOffice opens the file headless and
imports the VBA module into its Basic library; the ribbon relationship is
restored after an openpyxl round trip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from oracle import soffice_path
from xladdin.errors import WorkbookError
from xladdin.excel.udf_vba import udf_module_text
from xladdin.excel.vbaproject import normalise_source
from xladdin.excel.xlsm import CUSTOM_UI, build_workbook, vba_modules, vba_sources, write_bas_files
from xladdin.workbook.package import CUSTOM_UI_PART, VBA_PART, reinject_ribbon, ribbon_target
from xladdin.workbook.safe_save import save_atomically

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing names deprecated since 3.0
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
# Element names of the 2009/07 customui schema (MS-CUSTOMUI2, section 2.3), so a typo such
# as <buton> is caught; Excel rejects the whole ribbon on one unknown element.
KNOWN_ELEMENTS = {
    "customUI", "commands", "command", "ribbon", "qat", "sharedControls", "documentControls",
    "contextualTabs", "tabSet", "tabs", "tab", "group", "box", "buttonGroup", "button",
    "toggleButton", "checkBox", "editBox", "comboBox", "dropDown", "gallery", "menu",
    "dynamicMenu", "splitButton", "labelControl", "separator", "menuSeparator",
    "dialogBoxLauncher", "item", "control", "backstage", "contextMenus", "contextMenu",
}  # fmt: skip
# Attributes of CT_Button (MS-CUSTOMUI2 2.3.2) that the Performance tab may use.
BUTTON_ATTRIBUTES = {
    "id", "idQ", "idMso", "tag", "onAction", "enabled", "getEnabled", "image", "imageMso",
    "getImage", "label", "getLabel", "keytip", "getKeytip", "screentip", "getScreentip",
    "supertip", "getSupertip", "description", "getDescription", "insertAfterMso",
    "insertBeforeMso", "insertAfterQ", "insertBeforeQ", "visible", "getVisible", "size",
    "getSize", "showLabel", "getShowLabel", "showImage", "getShowImage",
}  # fmt: skip
RIBBON_SUB = re.compile(
    r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)",
    re.IGNORECASE | re.MULTILINE,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("xlsm") / "performance.xlsm")


def _modules_in(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_build_is_byte_identical(built, tmp_path):
    again = build_workbook(tmp_path / "again.xlsm")
    assert again.read_bytes() == built.read_bytes()


def test_olevba_reads_back_every_module_from_the_xlsm(built):
    got = _modules_in(built)
    assert set(vba_sources()) == {"Performance"}
    modules = vba_modules()
    # The worksheet functions' wrappers are embedded: no Import Functions, no "Trust access to
    # the VBA project object model".
    assert modules["xlwings_udfs"] == udf_module_text()
    assert set(got) == {"ThisWorkbook", "Performance", "xlwings_udfs"}
    for name, text in modules.items():
        assert got[name] == normalise_source(name, text)


def test_package_parts_and_types(built):
    with zipfile.ZipFile(built) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
        wb_rels = z.read("xl/_rels/workbook.xml.rels").decode()
        assert z.read(CUSTOM_UI_PART) == CUSTOM_UI.read_bytes()
        assert {i.date_time for i in z.infolist()} == {(2024, 11, 1, 0, 0, 0)}
    assert names[0] == "[Content_Types].xml"
    assert VBA_PART in names
    assert (
        'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"'
        in types
    )
    assert 'PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"' in types
    assert (
        'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"'
        in wb_rels
    )
    assert ribbon_target(built) == CUSTOM_UI_PART


def test_workbook_sheets_and_xlwings_conf(built):
    wb = openpyxl.load_workbook(built, keep_vba=True)
    assert wb.sheetnames[0] == "Settings"
    assert {"Team table", "Holidays", "xlwings.conf"} <= set(wb.sheetnames)
    conf = wb["xlwings.conf"]
    # xlwings reads A1 down and upper-cases keys: GetConfig("UDF MODULES") in its add-in.
    assert [[c.value for c in row] for row in conf.iter_rows()] == [["UDF Modules", "xladdin.excel.udfs"]]
    assert conf.sheet_state == "hidden"
    assert wb.code_name == "ThisWorkbook"
    names = [ws.sheet_properties.codeName for ws in wb.worksheets]
    assert names == [f"Sheet{i}" for i in range(1, len(names) + 1)]


def test_every_onaction_has_a_ribbon_sub_and_the_ribbon_uses_known_controls():
    root = ET.fromstring(CUSTOM_UI.read_bytes())
    assert root.tag == NS + "customUI"
    elements = list(root.iter())
    assert {e.tag.removeprefix(NS) for e in elements} <= KNOWN_ELEMENTS
    assert all(e.tag.startswith(NS) for e in elements)
    ids = [e.get("id") for e in elements if e.get("id")]
    assert len(ids) == len(set(ids))
    for button in root.iter(NS + "button"):
        assert set(button.attrib) <= BUTTON_ATTRIBUTES, button.get("id")
        assert all(len(button.get(a, "")) <= 1024 for a in ("label", "screentip", "supertip"))
    actions = {e.get("onAction") for e in elements if e.get("onAction")}
    subs = {name for text in vba_sources().values() for name in RIBBON_SUB.findall(text)}
    assert actions == {"Refresh", "BuildSpotlight", "ExportForLeadership", "CheckSetup"}
    assert actions <= subs


def test_ribbon_survives_openpyxl_round_trip_after_reinject(built, tmp_path):
    path = tmp_path / "saved.xlsm"
    shutil.copyfile(built, path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["Settings"]["H1"] = "touched"
    wb.save(path)
    # The pitfall (openpyxl 3.1): it keeps the part but drops the relationship.
    assert ribbon_target(path) is None
    reinject_ribbon(path)
    reinject_ribbon(path)  # idempotent
    assert ribbon_target(path) == CUSTOM_UI_PART
    with zipfile.ZipFile(path) as z:
        assert z.read("_rels/.rels").decode().count("ui/extensibility") == 1
        assert z.read(CUSTOM_UI_PART) == CUSTOM_UI.read_bytes()
    assert _modules_in(path)["Performance"] == vba_sources()["Performance"].replace("\n", "\r\n")
    assert openpyxl.load_workbook(path)["Settings"]["H1"].value == "touched"


def test_reinject_as_the_after_save_hook_of_an_atomic_save(built, tmp_path):
    path = tmp_path / "perf.xlsm"
    shutil.copyfile(built, path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    save_atomically(wb, path, backup=False, after_save=reinject_ribbon)
    assert ribbon_target(path) == CUSTOM_UI_PART


def test_build_from_a_given_base_workbook(tmp_path):
    base = tmp_path / "base.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Mine"
    wb.active["A1"] = 42
    wb.save(base)
    out = build_workbook(tmp_path / "mine.xlsm", base)
    back = openpyxl.load_workbook(out, keep_vba=True)
    assert back.sheetnames == ["Mine", "xlwings.conf"]
    assert back["Mine"]["A1"].value == 42
    assert set(_modules_in(out)) == {"ThisWorkbook", "Performance", "xlwings_udfs"}


def test_errors_are_named(tmp_path):
    with pytest.raises(WorkbookError, match=r"perf\.xlsx: a workbook with macros must end in \.xlsm"):
        build_workbook(tmp_path / "perf.xlsx")
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(WorkbookError, match=r"plain\.xlsx has no macros \(xl/vbaProject\.bin\)"):
        reinject_ribbon(plain)
    (tmp_path / "junk.xlsx").write_text("not a zip")
    with pytest.raises(WorkbookError, match=r"junk\.xlsx is not a readable \.xlsx workbook"):
        build_workbook(tmp_path / "x.xlsm", tmp_path / "junk.xlsx")


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_xlsm_and_imports_the_vba_module(built, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [soffice_path(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "ods", "--outdir", str(out), str(built)],
        check=False, capture_output=True, text=True, timeout=180, env=dict(os.environ, HOME=str(tmp_path)),
    )  # fmt: skip
    ods = out / "performance.ods"
    assert done.returncode == 0 and ods.exists(), done.stderr
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode()
        # LibreOffice converts an Excel VBA module into a Basic module of the same name.
        basic = z.read("Basic/VBAProject/Performance.xml").decode()
    assert 'table:name="Settings"' in content
    assert "Option VBASupport 1" in basic
    for sub in ("Refresh", "BuildSpotlight", "ExportForLeadership", "CheckSetup"):
        assert f"Sub {sub}(control As IRibbonControl)" in basic
    udfs = z_read(ods, "Basic/VBAProject/xlwings_udfs.xml")
    assert "Function WORKDAYS45(start_date, end_date, Optional closures)" in udfs


def z_read(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode()


def test_build_into_a_folder_that_does_not_exist_yet(tmp_path):
    out = build_workbook(tmp_path / "new" / "workbooks" / "performance.xlsm")
    assert out.is_file()


# --------------------------------------------------------------------------- --no-vba


@pytest.fixture(scope="module")
def no_vba(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("novba")
    out = build_workbook(folder / "performance.xlsm", vba=False)
    write_bas_files(folder)
    return out


def test_no_vba_package_names_no_vba_part(no_vba, built):
    with zipfile.ZipFile(no_vba) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
        rels = {n: z.read(n).decode() for n in names if n.endswith(".rels")}
        assert z.read(CUSTOM_UI_PART) == CUSTOM_UI.read_bytes()
    assert VBA_PART not in names and not any("vbaProject" in n for n in names)
    assert "vbaProject" not in types and "ms-office.vbaProject" not in types
    assert all("vbaProject" not in text for text in rels.values())
    # Still a macro-enabled workbook (Excel refuses an .xlsm whose workbook part is typed .xlsx).
    assert (
        'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"'
        in types
    )
    assert ribbon_target(no_vba) == CUSTOM_UI_PART
    # The same workbook otherwise: every part but the VBA ones is byte-identical.
    with zipfile.ZipFile(built) as a, zipfile.ZipFile(no_vba) as b:
        same = set(b.namelist()) - {"[Content_Types].xml", "xl/_rels/workbook.xml.rels"}
        assert set(a.namelist()) - same == {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", VBA_PART}
        assert all(a.read(n) == b.read(n) for n in same)
    assert openpyxl.load_workbook(no_vba)["xlwings.conf"]["B1"].value == "xladdin.excel.udfs"


def test_no_vba_writes_the_modules_to_import_beside_it(no_vba):
    for name, text in vba_modules().items():
        raw = (no_vba.parent / f"{name}.bas").read_bytes()
        # What the VBA editor's File > Import File reads: the name line first, Windows-1252, CRLF.
        assert raw.startswith(f'Attribute VB_Name = "{name}"\r\n'.encode())
        assert raw.decode("cp1252") == normalise_source(name, text)
        assert b"\n" not in raw.replace(b"\r\n", b"")


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_no_vba_package(no_vba, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [soffice_path(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "ods", "--outdir", str(out), str(no_vba)],
        check=False, capture_output=True, text=True, timeout=180, env=dict(os.environ, HOME=str(tmp_path)),
    )  # fmt: skip
    ods = out / "performance.ods"
    assert done.returncode == 0 and ods.exists(), done.stderr
    content = z_read(ods, "content.xml")
    for sheet in ("Settings", "Team table", "About"):
        assert f'table:name="{sheet}"' in content
    with zipfile.ZipFile(ods) as z:
        assert not any(
            n.startswith("Basic/VBAProject/") and n.endswith(".xml") and "Performance" in n
            for n in z.namelist()
        )


def test_a_headless_refresh_of_the_xlsm_keeps_macros_ribbon_and_conf(built, tmp_path):
    from xladdin.workbook import refresh as workbook

    path = tmp_path / "performance.xlsm"
    shutil.copyfile(built, path)
    demo = Path(__file__).resolve().parent.parent / "xladdin" / "data" / "demo"
    result = workbook.refresh(
        path,
        assessments=demo / "list4_assessments.csv",
        referrals=demo / "list3_referrals.csv",
        audit=demo / "audit_tracker.csv",
        month="2024-09",
        after_save=reinject_ribbon,
    )
    assert result.rows["xl_team_table"] > 0
    assert ribbon_target(path) == CUSTOM_UI_PART
    assert _modules_in(path)["Performance"] == vba_sources()["Performance"].replace("\n", "\r\n")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb["xlwings.conf"]["B1"].value == "xladdin.excel.udfs"


def test_build_workbook_no_vba_on_the_command_line(tmp_path, capsys):
    from xladdin import cli

    out = tmp_path / "plain" / "performance.xlsm"
    assert cli.main(["build-workbook", "--out", str(out), "--no-vba"]) == 0
    printed = capsys.readouterr().out
    assert f"Macro-enabled workbook with the Performance ribbon: {out}" in printed
    assert f"{out.parent / 'Performance.bas'}, {out.parent / 'xlwings_udfs.bas'}" in printed
    assert "'If the workbook will not enable'" in printed
    with zipfile.ZipFile(out) as z:
        assert VBA_PART not in z.namelist()
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "Performance.bas",
        "performance.xlsm",
        "xlwings_udfs.bas",
    ]


def test_the_committed_workbook_is_a_current_build(built: Path) -> None:
    # workbooks/performance.xlsm is what an officer downloads: after a change to the sheets,
    # Settings, names or macros it must be rebuilt (xladdin build-workbook) and committed.
    committed = Path(__file__).resolve().parent.parent / "workbooks" / "performance.xlsm"
    if not committed.exists():
        pytest.skip("no workbooks/performance.xlsm in this checkout (an installed package)")
    old, new = openpyxl.load_workbook(committed), openpyxl.load_workbook(built)
    assert old.sheetnames == new.sheetnames, "rebuild it: xladdin build-workbook"
    assert sorted(old.defined_names) == sorted(new.defined_names), "rebuild it: xladdin build-workbook"
    settings = [[c.value for c in row] for row in old["Settings"].iter_rows()]
    assert settings == [[c.value for c in row] for row in new["Settings"].iter_rows()], "rebuild it"
    assert _modules_in(committed) == _modules_in(built), "rebuild it: xladdin build-workbook"
