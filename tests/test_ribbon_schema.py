"""The Performance ribbon validates against Microsoft's customUI 2009/07 schema (customui14.xsd).

The schema is Microsoft's published ``customui14.xsd``; it is not part of this
repository. The test looks for ``shared/reference/customui14.xsd`` in the
repository's folder and each folder above it (a developer's work tree, or CI's
clone with ``shared/`` beside it) and skips, saying so, where it is absent.

libxml2 (lxml) refuses the schema as published: derived types extend a base
type that already has some attributes and declare them again, which XSD 1.0
forbids as "duplicate attribute use" (Office's own parser tolerates it). Ten
places: ``AG_Enabled`` again in CT_ButtonRegular, CT_EditBox,
CT_DropDownRegular and CT_SplitButtonBase; ``AG_Image`` again in the first
three; ``sizeString`` again through ``AG_DropDownAttributes`` in CT_ComboBox;
``showItemLabel`` in CT_GalleryRegular and ``itemSize`` in CT_Menu. In a copy,
made at test time, each repeat is dropped (the group in CT_ComboBox is written
out without ``sizeString``), which changes no attribute a ribbon may use; the
published file is not touched. Negative controls prove the loaded schema still
rejects a broken ribbon.
"""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest

from xladdin.excel.xlsm import CUSTOM_UI, build_workbook
from xladdin.workbook.package import CUSTOM_UI_PART

etree = pytest.importorskip("lxml.etree", reason="lxml is needed to validate against the XSD")

XS = "{http://www.w3.org/2001/XMLSchema}"
SCHEMA_PATH = Path("shared") / "reference" / "customui14.xsd"


def find_schema() -> Path | None:
    """``shared/reference/customui14.xsd`` in the repository's folder or any folder above it."""
    root = Path(__file__).resolve().parent.parent
    for folder in (root, *root.parents):
        if (folder / SCHEMA_PATH).is_file():
            return folder / SCHEMA_PATH
    return None


def _attributes(node, groups: dict[str, set[str]]) -> set[str]:
    """Attribute names that ``node`` declares directly or through attribute-group references."""
    names = set()
    for child in node:
        if child.tag == XS + "attribute" and child.get("use") != "prohibited":
            names.add(child.get("name") or child.get("ref"))
        elif child.tag == XS + "attributeGroup" and child.get("ref"):
            names |= groups.get(child.get("ref"), set())
    return names


def _group_attributes(root, name: str) -> list:
    """Copies of the attribute declarations in attribute group ``name``, nested groups expanded."""
    group = next(g for g in root.iter(XS + "attributeGroup") if g.get("name") == name)
    out = []
    for child in group:
        if child.tag == XS + "attribute":
            out.append(copy.deepcopy(child))
        elif child.tag == XS + "attributeGroup" and child.get("ref"):
            out += _group_attributes(root, child.get("ref"))
    return out


def drop_redundant_attribute_groups(doc) -> list[str]:
    """In ``doc`` (a parsed XSD), drop the attribute uses an extension repeats from its base.

    A repeated attribute or group is dropped; a group that repeats only some of its
    attributes is written out in place without those.

    Returns:
        ``"CT_Type: AG_Group (attributes)"`` or ``"CT_Type: attribute name"`` for each change.
    """
    root = doc.getroot()
    groups: dict[str, set[str]] = {}
    for _ in range(5):  # groups that reference groups: settle in a few passes
        for group in root.iter(XS + "attributeGroup"):
            if group.get("name"):
                groups[group.get("name")] = _attributes(group, groups)
    types = {t.get("name"): t for t in root.iter(XS + "complexType") if t.get("name")}

    def effective(name: str) -> set[str]:
        node = types.get(name)
        if node is None:
            return set()
        ext = node.find(f"{XS}complexContent/{XS}extension")
        if ext is not None:
            return _attributes(ext, groups) | effective(ext.get("base"))
        res = node.find(f"{XS}complexContent/{XS}restriction")
        return _attributes(res if res is not None else node, groups)

    changed = []
    for name, node in types.items():
        ext = node.find(f"{XS}complexContent/{XS}extension")
        if ext is None:
            continue
        inherited = effective(ext.get("base"))
        for child in list(ext):
            if child.tag == XS + "attribute" and child.get("name") in inherited:
                ext.remove(child)
                changed.append(f"{name}: attribute {child.get('name')}")
                continue
            ref = child.get("ref")
            if child.tag != XS + "attributeGroup" or not ref or not groups.get(ref, set()) & inherited:
                continue
            repeated = groups[ref] & inherited
            at = list(ext).index(child)
            ext.remove(child)
            for offset, attribute in enumerate(
                a for a in _group_attributes(root, ref) if a.get("name") not in repeated
            ):
                ext.insert(at + offset, attribute)
            changed.append(f"{name}: {ref} ({', '.join(sorted(repeated))})")
    return changed


@pytest.fixture(scope="module")
def schema():
    path = find_schema()
    if path is None:
        pytest.skip(f"Microsoft's customUI schema ({SCHEMA_PATH}) is not beside this repository")
    doc = etree.parse(str(path))
    with pytest.raises(etree.XMLSchemaParseError, match="Duplicate attribute use"):
        etree.XMLSchema(copy.deepcopy(doc))  # as published, libxml2 refuses it
    changed = drop_redundant_attribute_groups(doc)
    # Ten, as listed in the module docstring; another number means another schema file.
    assert len(changed) == 10, changed
    return etree.XMLSchema(doc)


def _ribbon(text: str):
    return etree.fromstring(text.encode("utf-8"))


def _errors(schema, tree) -> list[str]:
    schema.validate(tree)
    return [e.message for e in schema.error_log]


def test_the_ribbon_source_validates(schema):
    assert _errors(schema, etree.parse(str(CUSTOM_UI))) == []


def test_the_ribbon_inside_the_built_workbooks_validates(schema, tmp_path):
    for vba in (True, False):
        built = build_workbook(tmp_path / f"vba-{vba}" / "performance.xlsm", vba=vba)
        with zipfile.ZipFile(built) as z:
            assert _errors(schema, _ribbon(z.read(CUSTOM_UI_PART).decode("utf-8"))) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (('size="large"', 'size="huge"'), "huge"),  # not a value of ST_Size
        (('onAction="Refresh"', 'onAction="Refresh" colour="red"'), "colour"),  # unknown attribute
        (("<button ", "<buton "), "buton"),  # unknown element
        (('id="xladdinRefresh"', 'id="xladdin Refresh"'), "xladdin Refresh"),  # not an ID
        (('label="Refresh"', 'label=""'), "label"),  # labels need at least one character
    ],
)
def test_a_broken_ribbon_is_rejected(schema, change, complaint):
    old, new = change
    text = CUSTOM_UI.read_text(encoding="utf-8")
    assert old in text
    errors = _errors(schema, _ribbon(text.replace(old, new, 1)))
    assert errors and any(complaint in e for e in errors), errors
