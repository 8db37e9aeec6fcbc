"""Package the performance workbook as ``workbooks/performance.xlsm``: macros, ribbon, UDF config.

The convention that causes mistakes: openpyxl (``load_workbook(keep_vba=True)``
then ``save``) keeps ``xl/vbaProject.bin`` and the ``customUI/`` part but drops
the package relationship to the ribbon from ``_rels/.rels``, so
the ribbon silently disappears. Every save of an ``.xlsm`` must therefore be
followed by :func:`xladdin.workbook.package.reinject_ribbon` (``save_atomically(after_save=...)``).

An ``.xlsm`` is an ``.xlsx`` plus (ECMA-376 Part 2 and MS-OI29500 3.4.1.4):

* ``xl/vbaProject.bin`` (content type ``application/vnd.ms-office.vbaProject``),
  linked from ``xl/_rels/workbook.xml.rels`` by a ``.../2006/relationships/vbaProject``
  relationship, with the workbook part typed ``...sheet.macroEnabled.main+xml``;
* ``customUI/customUI14.xml`` (namespace ``.../office/2009/07/customui``), linked
  from ``_rels/.rels`` by a ``.../2007/relationships/ui/extensibility`` relationship.

All of it is done with the part plumbing of :mod:`xladdin.workbook.package`, from the text
sources kept in the repository (``xladdin/excel/vba/*.bas`` and ``xladdin/excel/customUI14.xml``).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from xml.etree import ElementTree as ET

from xladdin.errors import WorkbookError
from xladdin.excel.vbaproject import build_vba_project
from xladdin.workbook.package import (
    CUSTOM_UI_PART,
    CUSTOM_UI_REL_ID,
    CUSTOM_UI_REL_TYPE,
    VBA_PART,
    add_relationship,
    read_parts,
    to_xml,
    write_parts,
)

EXCEL_DIR = Path(__file__).resolve().parent
VBA_DIR = EXCEL_DIR / "vba"
CUSTOM_UI = EXCEL_DIR / "customUI14.xml"

VBA_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

#: The sheet xlwings reads its settings from (key in A, value in B, from A1 down; keys are
#: matched upper-cased, so the key is "UDF Modules" with a space: xlwings addin/Main.bas).
CONF_SHEET = "xlwings.conf"
CONF = (("UDF Modules", "xladdin.excel.udfs"),)

#: Fixed document times so that two builds are byte-identical.
FIXED_DOC_TIME = "2024-11-01T00:00:00Z"

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def vba_sources(directory: Path = VBA_DIR) -> dict[str, str]:
    """The VBA modules kept as text: ``{module name: source}`` from ``*.bas``, sorted by name."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(directory).glob("*.bas"))}


def build_workbook(out_path: Path | str, base_xlsx: Path | str | None = None) -> Path:
    """Build the macro-enabled performance workbook, byte-identical for identical sources.

    Args:
        out_path: where to write the ``.xlsm`` (normally ``workbooks/performance.xlsm``).
        base_xlsx: the workbook to start from; a new one from
            ``xladdin.workbook.refresh.create_workbook()`` if None.

    Returns:
        ``out_path``.

    Raises:
        WorkbookError: if the base is not a readable workbook or a source is unusable.
    """
    import openpyxl

    out_path = Path(out_path)
    if out_path.suffix.lower() != ".xlsm":
        raise WorkbookError(
            f"{out_path.name}: a workbook with macros must end in .xlsm; choose another name."
        )
    with tempfile.TemporaryDirectory(prefix="xladdin-xlsm-") as tmp:
        if base_xlsx is None:
            from xladdin.workbook.create import create_workbook

            base_xlsx = create_workbook(Path(tmp) / "performance.xlsx")
        try:
            wb = openpyxl.load_workbook(base_xlsx, rich_text=True)
        except Exception as exc:  # BadZipFile, KeyError, lxml errors...
            raise WorkbookError(f"{Path(base_xlsx).name} is not a readable .xlsx workbook ({exc}).") from exc
        if CONF_SHEET in wb.sheetnames:
            del wb[CONF_SHEET]
        conf = wb.create_sheet(CONF_SHEET)
        for row, (key, value) in enumerate(CONF, start=1):
            conf.cell(row=row, column=1, value=key)
            conf.cell(row=row, column=2, value=value)
        conf.sheet_state = "hidden"  # read by xlwings; unhide to change it
        # The document module in vbaProject.bin is called ThisWorkbook; Excel matches it by code
        # name. Sheets get Sheet1, Sheet2... as XlsxWriter does when it adds a VBA project
        # (Excel creates their empty document modules on first open).
        wb.code_name = "ThisWorkbook"
        for number, ws in enumerate(wb.worksheets, start=1):
            if not ws.sheet_properties.codeName:
                ws.sheet_properties.codeName = f"Sheet{number}"
        plain = Path(tmp) / "plain.xlsx"
        wb.save(plain)
        package_xlsm(
            plain,
            out_path,
            vba_project=build_vba_project(vba_sources()),
            custom_ui=CUSTOM_UI.read_bytes(),
            fixed_times=True,
        )
    return out_path


def package_xlsm(
    xlsx: Path | str,
    out_path: Path | str,
    *,
    vba_project: bytes,
    custom_ui: bytes,
    fixed_times: bool = False,
) -> Path:
    """Turn an ``.xlsx`` written by openpyxl into an ``.xlsm`` with ``vba_project`` and ``custom_ui``.

    With ``fixed_times`` the zip entries and the document's created/modified
    times are set to fixed values, so the output depends only on the input.
    """
    _check_custom_ui(custom_ui)
    parts = read_parts(Path(xlsx))
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"])
    parts["xl/_rels/workbook.xml.rels"] = add_relationship(
        parts["xl/_rels/workbook.xml.rels"], VBA_REL_TYPE, "vbaProject.bin", "rIdXladdinVba"
    )
    parts[VBA_PART] = vba_project
    parts[CUSTOM_UI_PART] = custom_ui
    parts["_rels/.rels"] = add_relationship(
        parts["_rels/.rels"], CUSTOM_UI_REL_TYPE, CUSTOM_UI_PART, CUSTOM_UI_REL_ID
    )
    if fixed_times and "docProps/core.xml" in parts:
        core = parts["docProps/core.xml"].decode("utf-8")
        core = re.sub(
            r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
            rf"\g<1>{FIXED_DOC_TIME}\g<3>",
            core,
        )
        parts["docProps/core.xml"] = core.encode("utf-8")
    write_parts(Path(out_path), parts)
    return Path(out_path)


# --- zip and XML plumbing -------------------------------------------------------------------


def _content_types(xml: bytes) -> bytes:
    ET.register_namespace("", _CT_NS)
    root = ET.fromstring(xml)
    for node in list(root):
        if node.get("PartName") == "/xl/workbook.xml" and node.get("ContentType") == XLSX_MAIN:
            node.set("ContentType", XLSM_MAIN)
        if node.get("PartName") == "/" + VBA_PART:
            root.remove(node)
    ET.SubElement(root, f"{{{_CT_NS}}}Override", PartName="/" + VBA_PART, ContentType=VBA_CONTENT_TYPE)
    if not any(n.get("Extension") == "xml" for n in root):
        ET.SubElement(root, f"{{{_CT_NS}}}Default", Extension="xml", ContentType="application/xml")
    return to_xml(root)


def _check_custom_ui(custom_ui: bytes) -> None:
    try:
        root = ET.fromstring(custom_ui)
    except ET.ParseError as exc:
        raise WorkbookError(
            f"customUI14.xml is not well-formed XML ({exc}); fix the ribbon source."
        ) from None
    if root.tag != "{http://schemas.microsoft.com/office/2009/07/customui}customUI":
        raise WorkbookError(
            f"customUI14.xml: the root is {root.tag}, not customUI in the 2009/07 customui namespace."
        )
