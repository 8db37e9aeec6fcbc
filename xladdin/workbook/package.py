"""The workbook file as a zip of parts (OPC): read and write parts, relationships, the ribbon part.

The convention that causes mistakes: openpyxl (``load_workbook(keep_vba=True)``
then ``save``) keeps ``xl/vbaProject.bin`` and the ``customUI/`` part of an
``.xlsm`` but drops the package relationship to the ribbon from ``_rels/.rels``,
so the ribbon silently disappears. Every save of an ``.xlsm``
must therefore be followed by :func:`reinject_ribbon`; :func:`keep_ribbon`
gives the step in the form ``save_atomically(after_save=...)`` takes.

Building an ``.xlsm`` from scratch (the VBA project, the ribbon source) is the
Excel layer's job: :mod:`xladdin.excel.xlsm` uses this plumbing.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

from xladdin.errors import WorkbookError
from xladdin.workbook.safe_save import is_temp_file, replace_file

CUSTOM_UI_PART = "customUI/customUI14.xml"
CUSTOM_UI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOM_UI_REL_ID = "rIdXladdinRibbon"
VBA_PART = "xl/vbaProject.bin"

#: Fixed zip entry time so that two builds are byte-identical.
FIXED_ZIP_TIME = (2024, 11, 1, 0, 0, 0)

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def keep_ribbon(path: Path | str) -> Callable[[Path], None] | None:
    """For an ``.xlsm``, the step that puts its ribbon back after openpyxl saved it; None for ``.xlsx``."""
    if Path(path).suffix.lower() != ".xlsm":
        return None
    return reinject_ribbon


def reinject_ribbon(path: Path | str, custom_ui: bytes | None = None) -> None:
    """Put the ribbon back into an ``.xlsm`` after openpyxl saved it (idempotent).

    Adds the relationship to ``customUI/customUI14.xml`` in ``_rels/.rels``,
    and the part itself from ``custom_ui`` when it is missing (openpyxl keeps
    the part; only the relationship is lost). The zip is rewritten in a
    canonical order.

    Raises:
        WorkbookError: if ``path`` is not a workbook with a ``vbaProject.bin``,
            or has no ribbon part and none is given.
    """
    path = Path(path)
    parts = read_parts(path)
    if VBA_PART not in parts:
        raise WorkbookError(
            f"{path.name} has no macros (xl/vbaProject.bin): open it with "
            "load_workbook(keep_vba=True), or rebuild it with `xladdin build-workbook`."
        )
    if custom_ui is not None:
        parts[CUSTOM_UI_PART] = custom_ui
    elif CUSTOM_UI_PART not in parts:
        raise WorkbookError(
            f"{path.name} has no ribbon ({CUSTOM_UI_PART}): rebuild it with `xladdin build-workbook`."
        )
    parts["_rels/.rels"] = add_relationship(
        parts["_rels/.rels"], CUSTOM_UI_REL_TYPE, CUSTOM_UI_PART, CUSTOM_UI_REL_ID
    )
    write_parts(path, parts)


def ribbon_target(path: Path | str) -> str | None:
    """The part that ``_rels/.rels`` names as the ribbon, or None (for tests and diagnostics)."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("_rels/.rels"))
    for rel in root:
        if rel.get("Type") == CUSTOM_UI_REL_TYPE:
            return rel.get("Target", "").lstrip("/")
    return None


# --- zip and XML plumbing -------------------------------------------------------------------


def read_parts(path: Path | bytes) -> dict[str, bytes]:
    """Every part of a workbook (a file, or its bytes) by name."""
    try:
        with zipfile.ZipFile(io.BytesIO(path) if isinstance(path, bytes) else path) as z:
            return {name: z.read(name) for name in z.namelist()}
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        name = "The workbook" if isinstance(path, bytes) else path.name
        raise WorkbookError(f"{name} is not a readable workbook ({exc}).") from exc


def _order(name: str) -> tuple[int, str]:
    # [Content_Types].xml first and package rels next, as Excel writes them; then by name.
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    return (first.get(name, 2), name)


def parts_to_bytes(parts: dict[str, bytes]) -> bytes:
    """The zip of ``parts`` (in Excel's order, fixed entry times), built in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(parts, key=_order):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, parts[name])
    return buffer.getvalue()


def write_parts(path: Path, parts: dict[str, bytes]) -> None:
    """Write ``parts`` as the zip at ``path`` in one step (a failure leaves ``path`` as it was).

    One of our own temporary files (an ``after_save`` step's) is written over in place: it needs no
    temporary file of its own, and whoever made it removes it if this fails.
    """
    path = Path(path)
    data = parts_to_bytes(parts)
    if is_temp_file(path):
        with open(path, "wb") as handle:
            handle.write(data)
    else:
        replace_file(path, data)


def add_relationship(xml: bytes, rel_type: str, target: str, rel_id: str) -> bytes:
    """``xml`` (a .rels part) with one relationship of ``rel_type`` pointing at ``target``."""
    ET.register_namespace("", PKG_RELS)
    root = ET.fromstring(xml)
    for rel in list(root):
        if rel.get("Type") == rel_type:
            root.remove(rel)
    taken = {rel.get("Id") for rel in root}
    if rel_id in taken:  # pragma: no cover - only if someone else used our id
        raise WorkbookError(f"Relationship id {rel_id} is already used in the workbook package.")
    ET.SubElement(root, f"{{{PKG_RELS}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
    return to_xml(root)


def to_xml(root: ET.Element) -> bytes:
    # The declaration as Office writes it (ElementTree's own uses single quotes).
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    return (head + ET.tostring(root, encoding="unicode")).encode("utf-8")


# --- reading parts: relationships, the sheets, where each element starts and ends ----------------

#: Namespaces of the parts read here.
NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT_REL = REL_NS + "/officeDocument"
WORKSHEET_REL = REL_NS + "/worksheet"


@dataclass
class Rel:
    """One relationship of a part: its id, type and the part it points at (a zip name)."""

    id: str
    type: str
    target: str


@dataclass
class Element:
    """Where one element of a part's XML lies: ``xml[start:end]`` is all of it, tags included.

    Attributes:
        index: its position in the list :func:`elements` returns; ``parent`` is its parent's index.
        tag: ``{namespace}local``; ``local`` is the name alone.
        namespaces: the prefixes it declares (``""`` the default namespace), as written.
    """

    index: int
    depth: int
    tag: str
    attrs: dict[str, str]
    start: int
    end: int = -1
    parent: int = -1
    parent_tag: str = ""
    namespaces: dict[str, str] = field(default_factory=dict)

    @property
    def local(self) -> str:
        return self.tag.rpartition("}")[2]


def part_rels(parts: dict[str, bytes], part: str) -> list[Rel]:
    """The relationships of ``part`` (external targets left out), targets resolved to zip names."""
    folder, _, name = part.rpartition("/")
    xml = parts.get(f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels")
    if xml is None:
        return []
    out = []
    for rel in ET.fromstring(xml):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"{folder}/{target}")
        out.append(Rel(rel.get("Id", ""), rel.get("Type", ""), path.lstrip("/")))
    return out


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Worksheet name -> its part (``xl/worksheets/sheet3.xml``), from the workbook part."""
    book = next((r.target for r in part_rels(parts, "") if r.type == OFFICE_DOCUMENT_REL), "xl/workbook.xml")
    if book not in parts:
        return {}
    rels = {r.id: r.target for r in part_rels(parts, book) if r.type == WORKSHEET_REL}
    out = {}
    for sheet in ET.fromstring(parts[book]).iter(f"{{{NS['main']}}}sheet"):
        target = rels.get(sheet.get(f"{{{REL_NS}}}id", ""))
        if target in parts:
            out[sheet.get("name", "")] = target
    return out


def elements(xml: bytes, *, depth: int) -> list[Element]:
    """Every element of ``xml`` down to ``depth`` (the root is depth 1), with its byte span.

    The spans come from expat's byte positions, so a fragment can be copied
    from one part into another byte for byte.
    """
    found: list[Element] = []
    stack: list[int] = []
    pending: dict[str, str] = {}
    parser = expat.ParserCreate(namespace_separator="}")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal pending
        level = len(stack) + 1
        if level <= depth:
            tag = "{" + name if "}" in name else name
            parent = stack[-1] if stack else -1
            at = parser.CurrentByteIndex
            found.append(
                Element(
                    len(found),
                    level,
                    tag,
                    dict(attrs),
                    at,
                    parent=found[parent].index if parent >= 0 else -1,
                    parent_tag=found[parent].tag if parent >= 0 else "",
                    namespaces=pending,
                )
            )
            stack.append(len(found) - 1)
        else:
            stack.append(-1)
        pending = {}

    def end(_name: str) -> None:
        index = stack.pop()
        if index >= 0:
            element = found[index]
            at = parser.CurrentByteIndex
            head = start_tag_end(xml, element.start)
            element.end = head if xml[head - 2 : head] == b"/>" else xml.index(b">", at) + 1

    def declare(prefix: str | None, uri: str) -> None:
        pending[prefix or ""] = uri

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartNamespaceDeclHandler = declare
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise WorkbookError(f"A part of the workbook is not well-formed XML ({exc}).") from None
    return found


def start_tag_end(xml: bytes, start: int) -> int:
    """The position just after the ``>`` of the tag starting at ``start`` (quoted ``>`` skipped)."""
    quote = 0
    for i in range(start + 1, len(xml)):
        ch = xml[i]
        if quote:
            if ch == quote:
                quote = 0
        elif ch in (0x22, 0x27):  # " '
            quote = ch
        elif ch == 0x3E:  # >
            return i + 1
    raise WorkbookError("A part of the workbook ends inside a tag.")


_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")


def without_cells(xml: bytes) -> bytes:
    """A worksheet part with its ``sheetData`` (the cells: most of its bytes) emptied.

    The part as it is when it has no ``sheetData`` element written as a start and an end tag.
    """
    m = _SHEET_DATA.search(xml)
    if m is None or m[2]:
        return xml
    close = xml.find(b"</" + m[1] + b"sheetData>", m.end())
    return xml if close < 0 else xml[: m.end()] + xml[close:]
