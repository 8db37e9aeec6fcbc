"""The xlwings Lite parts of a workbook: its code, its requirements and its task pane, as Lite stores them.

xlwings Lite keeps a workbook's Python in an Office web-extension part (MS-OWEXML), and
this module writes those parts exactly as a workbook that Lite saved holds them:

========================================  ================================================================
part                                      what it holds
========================================  ================================================================
``xl/webextensions/webextension1.xml``    ``<we:webextension>``: ``<we:reference id="wa200008175"
                                          storeType="OMEX">`` (xlwings Lite in Microsoft's add-in store),
                                          ``<we:properties>`` with ``main.py``, ``requirements.txt``,
                                          ``pyodideVersion`` and ``addinVersion``, and an ``extLst`` with
                                          ``<we:containsCustomFunctions/>`` and ``<we:customFunctionIdList/>``
``xl/webextensions/taskpanes.xml``        ``<wetp:taskpane dockstate="right" visibility="1" ...>`` pointing
                                          at the web extension (``r:id``)
``xl/webextensions/_rels/taskpanes.xml.rels``  that relationship, type ``.../2011/relationships/webextension``
``_rels/.rels``                           the task panes, type ``.../2011/relationships/webextensiontaskpanes``
``[Content_Types].xml``                   ``application/vnd.ms-office.webextension+xml`` and
                                          ``application/vnd.ms-office.webextensiontaskpanes+xml``
========================================  ================================================================

The convention that causes mistakes: each property's value is JSON-encoded first (so
``main.py`` becomes one line: ``"\\"\\"\\"xladdin ...\\n..."``, quotes and newlines escaped)
and only then XML-escaped into the attribute (``&quot;...``); reading it back is
the reverse, XML then ``json.loads`` (:func:`read_properties`). A value that is not
JSON is not code Lite can load.

``pyodideVersion`` and ``addinVersion`` record what the add-in that saved the workbook
ran; Lite writes its own when it saves. The two ``# required`` lines of
``requirements.txt`` are Lite's own too (the xlwings its add-in talks to, and
pyodide-http); the workbook's packages follow them: here, xladdin.
"""

from __future__ import annotations

import json
import uuid
from importlib import resources
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from xladdin import __version__
from xladdin.errors import WorkbookError
from xladdin.workbook.package import add_relationship, read_parts, to_xml, write_parts

WEBEXTENSION_PART = "xl/webextensions/webextension1.xml"
TASKPANES_PART = "xl/webextensions/taskpanes.xml"
TASKPANES_RELS = "xl/webextensions/_rels/taskpanes.xml.rels"
WE_NS = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
WETP_NS = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
TASKPANES_REL_TYPE = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
WEBEXTENSION_REL_TYPE = "http://schemas.microsoft.com/office/2011/relationships/webextension"
WEBEXTENSION_CONTENT_TYPE = "application/vnd.ms-office.webextension+xml"
TASKPANES_CONTENT_TYPE = "application/vnd.ms-office.webextensiontaskpanes+xml"
TASKPANES_REL_ID = "rIdXladdinLite"

#: xlwings Lite's listing in Microsoft's add-in store (AppSource), which Excel loads the add-in from.
STORE_ID = "wa200008175"
#: The extension entry that carries the custom-functions markers (the uri Excel writes for it).
CUSTOM_FUNCTIONS_EXT = "{D87F86FE-615C-45B5-9D79-34F1136793EB}"
#: What a workbook that Lite saved records (Lite writes its own values when it saves one).
XLWINGS_VERSION = "0.33.11"
PYODIDE_VERSION = "0.29.5"
ADDIN_VERSION = "1.0.0.0-35"
#: The lines Lite requires first in requirements.txt, as it writes them.
REQUIRED_LINES = (f"xlwings=={XLWINGS_VERSION}  # required", "pyodide-http  # required")
#: The web extension's id in this workbook: fixed, so two builds are byte-identical.
WEBEXTENSION_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xladdin/xlwings-lite")).upper() + "}"
MAIN_PY = "main.py"
#: The sheets a new Lite workbook offers for the extracts (named on Settings; the officer may rename).
EXTRACT_SHEETS = {
    "assessments_sheet": "Assessments extract",
    "referrals_sheet": "Referrals extract",
    "audit_sheet": "Audit tracker",
}


def main_source() -> str:
    """The text of the workbook's ``main.py`` (``xladdin/excel/lite/main.py``), exactly as kept."""
    return resources.files("xladdin.excel.lite").joinpath(MAIN_PY).read_text(encoding="utf-8")


def check_wheel_url(url: str, where: str) -> str:
    """``url`` if it is the https address of an xladdin wheel (what xlwings Lite can fetch).

    Raises:
        WorkbookError: naming ``where`` (``--wheel-url``, or a Settings cell) and what to type.
    """
    url = url.strip()
    name = url.split("?")[0].rstrip("/").rpartition("/")[2]
    if not (url.lower().startswith("https://") and name.endswith(".whl") and name.startswith("xladdin-")):
        raise WorkbookError(
            f"{where} is {url!r}: give the https address of an xladdin wheel, e.g. "
            "https://github.com/OWNER/xladdin/releases/download/v0.1.0/xladdin-0.1.0-py3-none-any.whl "
            "(xlwings Lite fetches it from inside Excel, which needs https and a host that allows it: "
            "GitHub releases do)."
        )
    return url


def requirements(wheel_url: str = "") -> str:
    """``requirements.txt``: Lite's required lines, then xladdin (this version, or the wheel at ``wheel_url``)."""
    xladdin = check_wheel_url(wheel_url, "The wheel URL") if wheel_url.strip() else f"xladdin=={__version__}"
    return "\n".join([*REQUIRED_LINES, xladdin]) + "\n"


def property_value(text: str) -> str:
    """A property's value as the part stores it: JSON-encoded, then escaped for an XML attribute."""
    return escape(json.dumps(text, ensure_ascii=False), {'"': "&quot;"})


def webextension_xml(properties: dict[str, str]) -> bytes:
    """``webextension1.xml`` with ``properties`` (name -> plain text) in the order given."""
    props = "".join(
        f'<we:property name="{escape(name)}" value="{property_value(value)}"/>'
        for name, value in properties.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<we:webextension xmlns:we="{WE_NS}" id="{WEBEXTENSION_ID}">'
        f'<we:reference id="{STORE_ID}" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
        f'<we:alternateReferences><we:reference id="{STORE_ID.upper()}" version="1.0.0.0" '
        f'store="{STORE_ID.upper()}" storeType="OMEX"/></we:alternateReferences>'
        f"<we:properties>{props}</we:properties>"
        "<we:bindings/>"
        f'<we:snapshot xmlns:r="{R_NS}"/>'
        f'<we:extLst><a:ext xmlns:a="{A_NS}" uri="{CUSTOM_FUNCTIONS_EXT}">'
        "<we:containsCustomFunctions/><we:customFunctionIdList/></a:ext></we:extLst>"
        "</we:webextension>"
    ).encode()


def taskpanes_xml() -> bytes:
    """``taskpanes.xml``: Lite's task pane docked on the right and open, so Lite starts with the workbook."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<wetp:taskpanes xmlns:wetp="{WETP_NS}">'
        '<wetp:taskpane dockstate="right" visibility="1" width="350" row="0">'
        f'<wetp:webextensionref xmlns:r="{R_NS}" r:id="rId1"/>'
        "</wetp:taskpane></wetp:taskpanes>"
    ).encode()


def taskpanes_rels() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{WEBEXTENSION_REL_TYPE}" Target="webextension1.xml"/>'
        "</Relationships>"
    ).encode()


def build_lite_workbook(
    path: Path | str,
    settings: dict[str, Any] | None = None,
    *,
    wheel_url: str = "",
    where: str = "--wheel-url",
) -> Path:
    """A new performance workbook for xlwings Lite: the desktop one's sheets, Settings and names, an empty
    sheet for each extract (named on Settings), and the Lite parts holding ``main.py``.

    Args:
        settings: starting Settings values, as for ``create_workbook`` (its ``wheel_url`` is used
            when ``wheel_url`` is not given).
        wheel_url: where Lite installs xladdin from; ``where`` names it in a message.

    Raises:
        WorkbookError: not an ``.xlsx`` name, or an unusable wheel URL (nothing is written).
    """
    import openpyxl

    from xladdin.workbook.create import create_workbook
    from xladdin.workbook.safe_save import save_atomically

    path = Path(path)
    _check_xlsx(path)
    given = dict(settings or {})
    url = wheel_url.strip() or str(given.get("wheel_url") or "").strip()
    if url:
        url = check_wheel_url(url, where if wheel_url.strip() else "Settings 'xladdin wheel (xlwings Lite)'")
    create_workbook(path, {**EXTRACT_SHEETS, **given, "wheel_url": url})
    wb = openpyxl.load_workbook(path, rich_text=True)
    for key, name in EXTRACT_SHEETS.items():
        chosen = str(given.get(key) or name)
        if chosen not in wb.sheetnames:
            wb.create_sheet(chosen)  # empty: the extract is loaded at A1
    save_atomically(wb, path, backup=False)
    return add_lite_parts(path, wheel_url=url)


def _check_xlsx(path: Path) -> None:
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(
            f"{path.name}: an xlwings Lite workbook is an .xlsx (Lite needs no macros); choose a name ending "
            "in .xlsx."
        )


def add_lite_parts(path: Path | str, *, wheel_url: str = "", main_py: str | None = None) -> Path:
    """Add (or replace) the xlwings Lite parts of the ``.xlsx`` at ``path``, in place.

    Args:
        wheel_url: where Lite installs xladdin from (blank: ``xladdin==VERSION`` from PyPI).
        main_py: the code to store (default: :func:`main_source`).

    Raises:
        WorkbookError: the file is not an ``.xlsx`` workbook, or the wheel URL is unusable.
    """
    path = Path(path)
    _check_xlsx(path)
    parts = read_parts(path)
    properties = {
        MAIN_PY: main_source() if main_py is None else main_py,
        "requirements.txt": requirements(wheel_url),
        "pyodideVersion": PYODIDE_VERSION,
        "addinVersion": ADDIN_VERSION,
    }
    parts[WEBEXTENSION_PART] = webextension_xml(properties)
    parts[TASKPANES_PART] = taskpanes_xml()
    parts[TASKPANES_RELS] = taskpanes_rels()
    parts["_rels/.rels"] = add_relationship(
        parts["_rels/.rels"], TASKPANES_REL_TYPE, TASKPANES_PART, TASKPANES_REL_ID
    )
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"])
    write_parts(path, parts)
    return path


def _content_types(xml: bytes) -> bytes:
    ET.register_namespace("", CT_NS)
    root = ET.fromstring(xml)
    ours = {"/" + WEBEXTENSION_PART: WEBEXTENSION_CONTENT_TYPE, "/" + TASKPANES_PART: TASKPANES_CONTENT_TYPE}
    for node in list(root):
        if node.get("PartName") in ours:
            root.remove(node)
    for part, content_type in ours.items():
        ET.SubElement(root, f"{{{CT_NS}}}Override", PartName=part, ContentType=content_type)
    return to_xml(root)


def read_properties(path: Path | str | bytes) -> dict[str, str]:
    """The Lite properties of a workbook (a file or its bytes), decoded: ``{"main.py": source, ...}``.

    Raises:
        WorkbookError: it holds no xlwings Lite part, or a value that is not JSON text.
    """
    parts = read_parts(Path(path) if not isinstance(path, bytes) else path)
    if WEBEXTENSION_PART not in parts:
        raise WorkbookError(
            "The workbook holds no xlwings Lite code (no xl/webextensions/webextension1.xml)."
        )
    out = {}
    for prop in ET.fromstring(parts[WEBEXTENSION_PART]).iter(f"{{{WE_NS}}}property"):
        try:
            value = json.loads(prop.get("value", ""))
        except json.JSONDecodeError as exc:
            raise WorkbookError(
                f"The xlwings Lite property {prop.get('name')!r} is not JSON text ({exc})."
            ) from None
        out[prop.get("name", "")] = value
    return out
