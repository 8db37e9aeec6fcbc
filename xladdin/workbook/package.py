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

import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from xladdin.errors import WorkbookError

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


def read_parts(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as z:
            return {name: z.read(name) for name in z.namelist()}
    except (OSError, zipfile.BadZipFile) as exc:
        raise WorkbookError(f"{path.name} is not a readable workbook ({exc}).") from exc


def _order(name: str) -> tuple[int, str]:
    # [Content_Types].xml first and package rels next, as Excel writes them; then by name.
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    return (first.get(name, 2), name)


def write_parts(path: Path, parts: dict[str, bytes]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(parts, key=_order):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, parts[name])
    tmp.replace(path)


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
