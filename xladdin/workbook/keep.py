"""The officer's own objects: put back what openpyxl drops on save, or refuse before writing.

The convention that causes mistakes: openpyxl rewrites every part of the
workbook from its own model, and whatever it does not model is silently gone
from the file it saves. Among an officer's additions it keeps cell values,
formats, comments (notes), data validation, conditional formats, tables,
pictures and charts; it drops:

* shapes and text boxes (drawing anchors holding ``xdr:sp``, ``xdr:grpSp``,
  ``xdr:cxnSp``: openpyxl reads only pictures and charts from a drawing);
* the worksheet's ``extLst`` (ECMA-376 Part 1, 18.3.1.99): sparklines
  (``x14:sparklineGroups``), and the Excel 2010 data validations and
  conditional formats (data bars with negative values, rules that refer to
  other sheets), with the link an Excel 2007 rule keeps to its 2010 half;
* threaded comments, form controls, slicers, dynamic-array metadata...

So :func:`keep_officers_work` is a step run on the new file before it
replaces the officer's (``safe_save.save_atomically(after_save=...)``): it
carries the first two kinds over from the original file, part by part (the
anchors and ``ext`` elements are copied byte for byte, with the namespaces
they use); then it counts the officer's objects, sheet by sheet, in the
original and in the result (:func:`inventory`), and if
anything is still missing it raises, naming the sheet and the object, and
nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from xladdin.errors import WorkbookError
from xladdin.workbook.package import (
    NS,
    REL_NS,
    Element,
    elements,
    part_rels,
    read_parts,
    sheet_parts,
    start_tag_end,
    without_cells,
    write_parts,
)

DRAWING_REL = REL_NS + "/drawing"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
#: The ``ext`` an Excel 2007 conditional-format rule carries to name its Excel 2010 half (MS-XLSX 2.3.6).
A14_CF_LINK = "{B025F937-C7B1-47D3-B67F-A62EFF666E3E}"
#: Worksheet extensions (MS-XLSX 2.2.4.12): uri -> (what the officer calls it, the element counted,
#: copied as it is). Those copied hold no relationship ids, only cell references and colours.
EXTENSIONS = {
    "{05c60535-1f16-4fd2-b633-f4f36f0b64e0}": ("sparkline group", "sparklineGroup", True),
    "{cce6a557-97bc-4b89-adb6-d9c93caab3df}": ("data validation (Excel 2010 form)", "dataValidation", True),
    "{78c0d931-6437-407d-a8ee-f0aad7539e65}": ("conditional format (Excel 2010 form)", "cfRule", True),
    "{a8765ba9-456a-4dab-b4f3-acf838c121de}": ("slicer", "slicer", False),
    "{3a4cf648-6aed-40f4-86ff-dc5316d8aed3}": ("slicer", "slicer", False),
    "{7e03d99c-dc04-49d9-9315-930204a7b6e9}": ("timeline", "timelineRef", False),
    "{f7c9ee02-42e1-4005-9d12-6889affd525c}": ("web add-in", "webExtension", False),
}
CNVPR_ID = rb"<(?:\w+:)?cNvPr\b[^>]*?\sid=\"(\d+)\""
CNVPR_ID_PARTS = rb"(<(?:\w+:)?cNvPr\b[^>]*?\sid=\")(\d+)(\")"
CONNECTION_ID_PARTS = rb"(<(?:\w+:)?(?:stCxn|endCxn)\b[^>]*?\sid=\")(\d+)(\")"
#: Where ``<drawing>`` goes among a worksheet's children: before the first of these (CT_Worksheet order).
AFTER_DRAWING = (
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


def keep_officers_work(
    original: bytes,
    name: str,
    *,
    then: Callable[[Path], None] | None = None,
    rebuilt: tuple[str, ...] = (),
) -> Callable[[Path], None]:
    """The ``after_save`` step that puts back what openpyxl dropped from ``original``, or refuses.

    Args:
        original: the bytes of the workbook as it was loaded.
        name: its file name, for messages.
        then: a further step on the same file (e.g. ``package.keep_ribbon(path)`` for an .xlsm).
        rebuilt: sheets the caller made anew (the Spotlight): xladdin's, not the officer's.

    Raises (from the step):
        WorkbookError: something of the officer's would still be lost; the message names each
            sheet and object, and nothing is written.
    """

    def step(tmp: Path) -> None:
        before, saved = read_parts(original), read_parts(tmp)
        after = carry_over(before, saved, rebuilt=rebuilt)
        check_nothing_lost(before, after, name, rebuilt=rebuilt)
        if after != saved:
            write_parts(tmp, after)
        if then is not None:
            then(tmp)

    return step


def carry_over(
    original: dict[str, bytes], new: dict[str, bytes], *, rebuilt: tuple[str, ...] = ()
) -> dict[str, bytes]:
    """``new`` with the shapes, text boxes and worksheet extensions of ``original`` put back, sheet by
    sheet (except the sheets in ``rebuilt``)."""
    parts = dict(new)
    old_sheets, new_sheets = sheet_parts(original), sheet_parts(parts)
    for sheet, old_part in old_sheets.items():
        new_part = new_sheets.get(sheet)
        if new_part is None or sheet in rebuilt:
            continue
        _carry_extensions(original[old_part], parts, new_part)
        anchors = _carried_anchors(original, old_part)
        if anchors:
            _add_anchors(parts, new_part, anchors)
    return parts


def check_nothing_lost(
    original: dict[str, bytes], result: dict[str, bytes], name: str, *, rebuilt: tuple[str, ...] = ()
) -> None:
    """Raise WorkbookError naming every object of ``original`` that ``result`` no longer has (the
    sheets in ``rebuilt`` aside)."""
    before, after = inventory(original), inventory(result)
    lost = []
    for where, counts in before.items():
        if where in {f"sheet {sheet!r}" for sheet in rebuilt}:
            continue
        for kind, n in sorted(counts.items()):
            left = after.get(where, {}).get(kind, 0)
            if left < n:
                lost.append(f"{where}: {n - left} {kind}{'' if n - left == 1 else '(s)'}")
    if lost:
        raise WorkbookError(
            f"{name} was not changed: saving it from here would lose what xladdin cannot carry over ("
            + "; ".join(lost[:8])
            + (f"; and {len(lost) - 8} more" if len(lost) > 8 else "")
            + "). Refresh it from the Performance tab in Excel instead (Excel keeps them), or move "
            "them to another workbook."
        )


# --- what the officer has, sheet by sheet --------------------------------------------------------

#: Worksheet children counted (CT_Worksheet, ECMA-376 Part 1 18.3.1.99): local name -> (what the
#: officer calls it, the child element counted, or "" for the element itself).
SHEET_OBJECTS = {
    "conditionalFormatting": ("conditional format", "cfRule"),
    "dataValidations": ("data validation", "dataValidation"),
    "oleObjects": ("embedded object", "oleObject"),
    "controls": ("ActiveX control", "control"),
    "picture": ("background picture", ""),
    "legacyDrawingHF": ("picture in the header or footer", ""),
    "tableParts": ("table", "tablePart"),
    "customSheetViews": ("custom view", "customSheetView"),
    "protectedRanges": ("protected range", "protectedRange"),
    "scenarios": ("scenario", "scenario"),
    "cellWatches": ("cell watch", "cellWatch"),
    "webPublishItems": ("web publishing item", "webPublishItem"),
}
#: Parts related to a sheet and what each holds (their own objects are counted where they are listed).
SHEET_RELS = {
    DRAWING_REL: "drawing",
    REL_NS + "/comments": "comments",
    REL_NS + "/vmlDrawing": "vml",
    "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment": "threaded",
    REL_NS + "/pivotTable": "pivot",
}
#: Parts of the whole workbook that openpyxl drops, by content type.
BOOK_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml": "set of data "
    "connections (Power Query or external data)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.queryTable+xml": "query table",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml": "dynamic array "
    "formulas or data types (xl/metadata.xml)",
    "application/vnd.openxmlformats-officedocument.model+data": "data model (Power Pivot)",
    "application/vnd.ms-office.webextension+xml": "Office add-in",
    "application/vnd.ms-office.classificationlabels+xml": "sensitivity label",
}


def inventory(parts: dict[str, bytes]) -> dict[str, dict[str, int]]:
    """What the officer has, where: ``{"sheet 'My notes'": {"text box": 1, ...}, "the workbook": {...}}``."""
    out: dict[str, dict[str, int]] = {}
    for sheet, part in sheet_parts(parts).items():
        counts: dict[str, int] = {}
        _count_sheet(_sheet_without_cells(parts[part]), counts)
        for rel in part_rels(parts, part):
            kind = SHEET_RELS.get(rel.type)
            if kind is not None and rel.target in parts:
                _count_related(kind, ET.fromstring(parts[rel.target]), counts)
        out[f"sheet {sheet!r}"] = counts
    book: dict[str, int] = {}
    for content_type in _content_types(parts).values():
        if content_type in BOOK_PARTS:
            book[BOOK_PARTS[content_type]] = book.get(BOOK_PARTS[content_type], 0) + 1
    out["the workbook"] = book
    return out


def _sheet_without_cells(xml: bytes) -> ET.Element:
    """A worksheet's root and children, its cells left out of the parse (:func:`without_cells`):
    none of the objects counted is among them, and a sheet of 24,000 cells took a tenth of a
    second to parse, twice a refresh."""
    try:
        return ET.fromstring(without_cells(xml))
    except ET.ParseError:
        return ET.fromstring(xml)


def _add(counts: dict[str, int], kind: str, n: int = 1) -> None:
    if n:
        counts[kind] = counts.get(kind, 0) + n


def _local(node: ET.Element) -> str:
    return node.tag.rpartition("}")[2]


def _count_sheet(root: ET.Element, counts: dict[str, int]) -> None:
    for child in root:
        name = _local(child)
        if name in SHEET_OBJECTS:
            kind, item = SHEET_OBJECTS[name]
            _add(counts, kind, sum(1 for c in child if _local(c) == item) if item else 1)
        elif name == "extLst":
            for ext in child:
                uri = ext.get("uri", "").lower()
                kind, item, _ = EXTENSIONS.get(uri, (f"Excel extension {ext.get('uri')}", "", False))
                _add(counts, kind, sum(1 for n in ext.iter() if _local(n) == item) if item else 1)


def _count_related(kind: str, root: ET.Element, counts: dict[str, int]) -> None:
    if kind == "drawing":
        for anchor in root:
            _add(counts, _anchor_kind(anchor))
    elif kind == "comments":
        _add(counts, "comment", sum(1 for n in root.iter() if _local(n) == "comment"))
    elif kind == "threaded":
        _add(counts, "threaded comment", sum(1 for n in root.iter() if _local(n) == "threadedComment"))
    elif kind == "vml":  # notes are counted as comments; anything else in VML is a form control
        types = [n.get("ObjectType", "") for n in root.iter() if _local(n) == "ClientData"]
        _add(counts, "form control", sum(1 for t in types if t != "Note"))
    elif kind == "pivot":
        _add(counts, "pivot table")


def _anchor_kind(anchor: ET.Element) -> str:
    """What one drawing anchor holds, as the officer would call it."""
    inner = [_local(c) for c in anchor if _local(c) not in ("from", "to", "pos", "ext", "clientData")]
    what = inner[0] if inner else _local(anchor)
    if what == "sp":
        return (
            "text box"
            if any(n.get("txBox") == "1" for n in anchor.iter() if _local(n) == "cNvSpPr")
            else "shape"
        )
    if what == "graphicFrame":
        charts = [
            n for n in anchor.iter() if _local(n) == "graphicData" and n.get("uri", "").endswith("/chart")
        ]
        return "chart" if charts else "SmartArt or other graphic"
    return {
        "pic": "picture",
        "grpSp": "group of shapes",
        "cxnSp": "connector",
        "contentPart": "ink drawing",
        "AlternateContent": "form control or newer drawing object",
    }.get(what, f"drawing object ({what})")


def _content_types(parts: dict[str, bytes]) -> dict[str, str]:
    """Part name -> content type, from ``[Content_Types].xml`` (overrides, then defaults by extension)."""
    if "[Content_Types].xml" not in parts:
        return {}
    root = ET.fromstring(parts["[Content_Types].xml"])
    defaults = {
        n.get("Extension", "").lower(): n.get("ContentType", "") for n in root if _local(n) == "Default"
    }
    overrides = {
        n.get("PartName", "").lstrip("/"): n.get("ContentType", "") for n in root if _local(n) == "Override"
    }
    return {
        name: overrides.get(name) or defaults.get(name.rpartition(".")[2].lower(), "")
        for name in parts
        if not name.endswith("/")
    }


def _carried_ext(xml: bytes, ext: Element, found: list[Element]) -> bool:
    """True for a worksheet extension copied as it is: a known kind that names no other part."""
    if not EXTENSIONS.get(ext.attrs.get("uri", "").lower(), ("", "", False))[2]:
        return False
    tree = ET.fromstring(with_namespaces(xml, ext, found))
    return not any(key.startswith(f"{{{REL_NS}}}") for node in tree.iter() for key in node.attrib)


# --- worksheet extensions (sparklines, Excel 2010 validation and formats) ----------------------


def _carry_extensions(old_xml: bytes, parts: dict[str, bytes], new_part: str) -> None:
    if b"extLst" not in old_xml:
        return  # no extension and no rule linked to one (each is inside an extLst): nothing to carry
    old = elements(old_xml, depth=3)
    exts = [e for e in old if e.depth == 3 and e.parent_tag == f"{{{NS['main']}}}extLst"]
    keep = [e for e in exts if _carried_ext(old_xml, e, old)]
    links = _cf_links(old_xml, old)
    if not keep and not links:
        return
    xml = parts[new_part]
    # Should a later openpyxl keep an extension itself, it is not added twice.
    extension_list = f"{{{NS['main']}}}extLst"
    present = {
        e.attrs.get("uri", "").lower() for e in elements(xml, depth=3) if e.parent_tag == extension_list
    }
    keep = [e for e in keep if e.attrs.get("uri", "").lower() not in present]
    if links:
        xml = _relink_rules(xml, links)
    if keep:
        fragments = b"".join(with_namespaces(old_xml, e, old) for e in keep)
        new = elements(xml, depth=2)
        ext_list = next((e for e in new if e.depth == 2 and e.local == "extLst"), None)
        if ext_list is not None:  # openpyxl writes none today; should it, put ours at its end
            at = xml.rindex(b"</", ext_list.start, ext_list.end)
            xml = xml[:at] + fragments + xml[at:]
        else:
            at = xml.rindex(b"</")
            xml = xml[:at] + b"<extLst>" + fragments + b"</extLst>" + xml[at:]
    parts[new_part] = xml


def _cf_links(xml: bytes, found: list[Element]) -> list[tuple[str, str, str, bytes]]:
    """(sqref, priority, type, the rule's own extLst) of each Excel 2007 rule linked to its 2010 half."""
    links = []
    areas = {e.index: e for e in found if e.depth == 2 and e.local == "conditionalFormatting"}
    for rule in (e for e in found if e.depth == 3 and e.local == "cfRule" and e.parent in areas):
        if A14_CF_LINK.encode() not in xml[rule.start : rule.end]:
            continue
        fragment = with_namespaces(xml, rule, found)
        inner = elements(fragment, depth=2)
        ext_list = next((e for e in inner if e.depth == 2 and e.local == "extLst"), None)
        if ext_list is not None:
            sqref = areas[rule.parent].attrs.get("sqref", "")
            key = (sqref, rule.attrs.get("priority", ""), rule.attrs.get("type", ""))
            links.append((*key, with_namespaces(fragment, ext_list, inner)))
    return links


def _relink_rules(xml: bytes, links: list[tuple[str, str, str, bytes]]) -> bytes:
    """Give each Excel 2007 rule openpyxl wrote back the extLst that links it to its 2010 half."""
    found = elements(xml, depth=3)
    areas = {e.index: e for e in found if e.depth == 2 and e.local == "conditionalFormatting"}
    edits = []
    for sqref, priority, kind, fragment in links:
        for rule in (e for e in found if e.depth == 3 and e.local == "cfRule" and e.parent in areas):
            same = (areas[rule.parent].attrs.get("sqref"), rule.attrs.get("priority"), rule.attrs.get("type"))
            if same == (sqref, priority, kind):
                if A14_CF_LINK.encode() not in xml[rule.start : rule.end]:  # not linked already
                    edits.append((rule, fragment))
                break
    for rule, fragment in sorted(edits, key=lambda edit: -edit[0].start):
        body = xml[rule.start : rule.end]
        if body.endswith(b"/>"):
            tag = body[1 : re.search(rb"[\s/]", body).start()]  # type: ignore[union-attr]
            body = body[:-2] + b">" + fragment + b"</" + tag + b">"
        else:
            at = body.rindex(b"</")
            body = body[:at] + fragment + body[at:]
        xml = xml[: rule.start] + body + xml[rule.end :]
    return xml


# --- shapes and text boxes -----------------------------------------------------------------------


def _carried_anchors(original: dict[str, bytes], sheet_part: str) -> list[bytes]:
    """The anchors of the sheet's drawing that openpyxl drops and that can be copied as they are."""
    out = []
    for rel in part_rels(original, sheet_part):
        if rel.type != DRAWING_REL or rel.target not in original:
            continue
        xml = original[rel.target]
        found = elements(xml, depth=2)
        for anchor in (e for e in found if e.depth == 2):
            fragment = with_namespaces(xml, anchor, found)
            if _copyable_shape(fragment):
                out.append(fragment)
    return out


def _copyable_shape(fragment: bytes) -> bool:
    """A shape, text box, group or connector that refers to no other part (no picture fill, no link)."""
    try:
        tree = ET.fromstring(fragment)
    except ET.ParseError:
        return False
    kinds = {child.tag.split("}")[-1] for child in tree}
    if not kinds & {"sp", "grpSp", "cxnSp"} or kinds & {"pic", "graphicFrame", "contentPart"}:
        return False
    return not any(key.startswith(f"{{{REL_NS}}}") for node in tree.iter() for key in node.attrib)


def _add_anchors(parts: dict[str, bytes], sheet_part: str, anchors: list[bytes]) -> None:
    drawing = next((r.target for r in part_rels(parts, sheet_part) if r.type == DRAWING_REL), None)
    if drawing is None:
        drawing = _new_drawing(parts, sheet_part)
    elif re.search(rb"<(\w+:)?(sp|grpSp|cxnSp)[\s>]", parts[drawing]):
        return  # a later openpyxl keeps shapes itself: they are not added twice
    xml = parts[drawing]
    # Drawing object ids must be unique in a drawing: the copies get ids after openpyxl's.
    taken = [int(i) for i in re.findall(CNVPR_ID, xml)]
    old_ids = [m[2] for anchor in anchors for m in re.finditer(CNVPR_ID_PARTS, anchor)]
    ids = {old: str(n).encode() for n, old in enumerate(old_ids, start=max(taken, default=0) + 1)}

    def new_id(m: re.Match[bytes]) -> bytes:
        return m[1] + ids.get(m[2], m[2]) + m[3]

    # A connector names the shapes it joins by their ids (stCxn, endCxn): they follow.
    renumbered = [re.sub(CONNECTION_ID_PARTS, new_id, re.sub(CNVPR_ID_PARTS, new_id, a)) for a in anchors]
    at = xml.rindex(b"</")
    parts[drawing] = xml[:at] + b"".join(renumbered) + xml[at:]


def _new_drawing(parts: dict[str, bytes], sheet_part: str) -> str:
    """Add an empty drawing part to ``sheet_part`` (relationship, content type, ``<drawing>``)."""
    number = 1
    while f"xl/drawings/drawing{number}.xml" in parts:
        number += 1
    drawing = f"xl/drawings/drawing{number}.xml"
    parts[drawing] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        b'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"></xdr:wsDr>'
    )
    rels_name = _rels_name(sheet_part)
    rels = parts.get(rels_name) or (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
    )
    taken = set(re.findall(rb'\sId="([^"]+)"', rels))
    rid = next(f"rIdXladdin{n}".encode() for n in range(1, 10_000) if f"rIdXladdin{n}".encode() not in taken)
    rel = b'<Relationship Id="%s" Type="%s" Target="/%s"/>' % (rid, DRAWING_REL.encode(), drawing.encode())
    at = rels.rindex(b"</")
    parts[rels_name] = rels[:at] + rel + rels[at:]
    types = parts["[Content_Types].xml"]
    override = b'<Override PartName="/%s" ContentType="%s"/>' % (drawing.encode(), DRAWING_TYPE.encode())
    at = types.rindex(b"</")
    parts["[Content_Types].xml"] = types[:at] + override + types[at:]
    xml = parts[sheet_part]
    children = [e for e in elements(xml, depth=2) if e.depth == 2]
    later = next((e for e in children if e.local in AFTER_DRAWING), None)
    at = later.start if later is not None else xml.rindex(b"</")
    tag = b'<drawing xmlns:r="%s" r:id="%s"/>' % (REL_NS.encode(), rid)
    parts[sheet_part] = xml[:at] + tag + xml[at:]
    return drawing


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


# --- namespaces ----------------------------------------------------------------------------------


def with_namespaces(xml: bytes, element: Element, found: list[Element]) -> bytes:
    """The bytes of ``element``, its start tag also declaring the namespaces it inherits.

    ``found`` is the list :func:`elements` gave, holding its ancestors. A
    prefix the element declares itself is left alone.
    """
    scope: dict[str, str] = {}
    chain = []
    parent = element.parent
    while parent >= 0:
        chain.append(found[parent])
        parent = found[parent].parent
    for ancestor in reversed(chain):
        scope.update(ancestor.namespaces)
    fragment = xml[element.start : element.end]
    head = fragment[: start_tag_end(fragment, 0)]
    declared = {p.decode() for p in re.findall(rb"\sxmlns(?::([\w.-]+))?\s*=", head)}
    extra = "".join(
        f' xmlns{":" + prefix if prefix else ""}="{uri}"'
        for prefix, uri in scope.items()
        if prefix not in declared
    ).encode()
    name_end = re.match(rb"<[^\s/>]+", head).end()  # type: ignore[union-attr]
    return fragment[:name_end] + extra + fragment[name_end:]
