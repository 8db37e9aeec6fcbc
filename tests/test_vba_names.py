"""No VBA reserved word where a name reaches VBA; the add-in reached by name only.

The worksheet functions reach Excel through VBA that xlwings' own generator
writes (``xlwings.udfs.generate_vba_wrapper``): it copies the Python parameter
names into VBA unchanged, and ``Function WORKDAYS45(start, end, ...)`` did not
compile because ``End`` is reserved. So the generator itself is run here (on
Linux, with the pywin32 modules it imports stubbed) and every name declared in
its output and in every ``.bas`` source is checked against MS-VBAL's list.

The generated text is also kept as ``tests/data/xlwings_udfs.bas``: a change
in xlwings' generator, or in the functions' signatures, shows up as a diff.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import pytest
import xlwings

from xladdin.excel.udf_vba import HEADER, udf_module_text, xlwings_udfs
from xladdin.excel.xlsm import vba_modules, vba_sources

FIXTURE = Path(__file__).parent / "data" / "xlwings_udfs.bas"
REGENERATE = (
    'python -c "from xladdin.excel.udf_vba import udf_module_text; '
    "open('tests/data/xlwings_udfs.bas', 'w').write(udf_module_text())\""
)

# [MS-VBAL] VBA Language Specification, section 3.3.5.2 "Reserved Identifiers and IDENTIFIER":
# statement-keyword, rem-keyword, marker-keyword, operator-identifier, reserved-name,
# special-form, reserved-type-identifier, literal-identifier, reserved-for-implementation-use,
# future-reserved. Case-insensitive, as VBA identifiers are.
RESERVED = {
    word.lower()
    for word in """
    Call Case Close Const Declare DefBool DefByte DefCur DefDate DefDbl DefInt DefLng DefLngLng
    DefLngPtr DefObj DefSng DefStr DefVar Dim Do Else ElseIf End EndIf Enum Erase Event Exit For
    Friend Function Get Global GoSub GoTo If Implements Input Let Lock Loop LSet Next On Open
    Option Print Private Public Put RaiseEvent ReDim Resume Return RSet Seek Select Set Static
    Stop Sub Type Unlock Wend While With Write
    Rem
    Any As ByRef ByVal Each In New Shared Until WithEvents Optional ParamArray Preserve Spc Tab
    Then To
    AddressOf And Eqv Imp Is Like Mod Not Or TypeOf Xor
    Abs CBool CByte CCur CDate CDbl CDec CInt CLng CLngLng CLngPtr CSng CStr CVar CVErr Date Debug
    DoEvents Fix Int Len LenB Me PSet Scale Sgn String
    Array Circle InputB LBound UBound
    Boolean Byte Currency Double Integer Long LongLong LongPtr Single Variant
    True False Nothing Empty Null
    Attribute LINEINPUT VB_Base VB_Control VB_Creatable VB_Customizable VB_Description VB_Exposed
    VB_Ext_KEY VB_GlobalNameSpace VB_HelpID VB_Invoke_Func VB_Invoke_Property VB_Invoke_PropertyPut
    VB_Invoke_PropertyPutRef VB_MemberFlags VB_Name VB_PredeclaredId VB_ProcData
    VB_TemplateDerived VB_UserMemId VB_VarDescription VB_VarHelpID VB_VarMemberFlags
    VB_VarProcData VB_VarUserMemId
    CDecl Decimal DefDec
    """.split()
}

_PROC = re.compile(
    r"^[ \t]*(?:(?:Public|Private|Friend|Static)[ \t]+)*(?:Sub|Function|Property[ \t]+(?:Get|Let|Set))"
    r"[ \t]+(\w+)[ \t]*\(",
    re.IGNORECASE | re.MULTILINE,
)
_CONST = re.compile(r"^[ \t]*(?:(?:Public|Private|Global)[ \t]+)?Const[ \t]+(.+)$", re.I | re.M)
_VARS = re.compile(
    r"^[ \t]*(?:Dim|Static|Private|Public|Global)[ \t]+"
    r"(?!(?:Sub|Function|Property|Const|Declare|Type|Enum|Event|Static)\b)(.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_LABEL = re.compile(r"^[ \t]*([A-Za-z]\w*):(?=[ \t]|$)", re.MULTILINE)
_MODULE = re.compile(r'^Attribute VB_Name = "([^"]*)"', re.MULTILINE)


def code_only(text: str) -> str:
    """VBA text with continuation lines joined, comments dropped and string literals emptied."""
    text = text.replace("\r\n", "\n").replace(" _\n", " ")
    lines = []
    for line in text.split("\n"):
        code = re.sub(r'"(?:[^"]|"")*"', '""', line)
        code = code.split("'", 1)[0]
        lines.append("" if re.match(r"\s*Rem\b", code, re.IGNORECASE) else code)
    return "\n".join(lines)


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _first_name(declaration: str) -> str:
    words = re.sub(r"^\s*(?:(?:Optional|ByVal|ByRef|ParamArray|WithEvents)\s+)*", "", declaration, flags=re.I)
    match = re.match(r"\s*([A-Za-z]\w*)", words)
    return match.group(1) if match else ""


def declared_names(text: str) -> set[str]:
    """Every name the module's author chose: module, procedures, parameters, variables, constants, labels."""
    names = set(_MODULE.findall(text))
    code = code_only(text)
    for match in _PROC.finditer(code):
        names.add(match.group(1))
        depth, end = 1, match.end()
        while depth and end < len(code):
            depth += (code[end] == "(") - (code[end] == ")")
            end += 1
        names.update(_first_name(p) for p in _split_top(code[match.end() : end - 1]) if p.strip())
    for pattern in (_CONST, _VARS):
        for match in pattern.finditer(code):
            names.update(_first_name(p) for p in _split_top(match.group(1)) if p.strip())
    names.update(_LABEL.findall(code))
    return names - {""}


def reserved_in(text: str) -> set[str]:
    return {name.lower() for name in declared_names(text)} & RESERVED


# --------------------------------------------------------------------------- the generated module


def test_generated_module_is_the_kept_fixture():
    generated = udf_module_text()
    assert generated == FIXTURE.read_text(encoding="utf-8"), (
        "xlwings' generator or the worksheet functions' signatures changed: read the diff, check "
        f"the new text (no reserved words, the workbook still builds), then refresh the fixture: {REGENERATE}"
    )


def test_the_header_is_what_xlwings_import_udfs_writes():
    # import_udfs needs a running Excel; its three header lines are repeated in udf_vba.HEADER.
    with xlwings_udfs() as xludfs:
        source = inspect.getsource(xludfs.import_udfs)
    for line in HEADER.splitlines():
        assert line in source, line


def test_generation_leaves_sys_modules_and_xlwings_as_they_were():
    import sys

    before = set(sys.modules)
    decorators = (xlwings.func, xlwings.arg, xlwings.ret)
    udf_module_text()
    assert {"pythoncom", "pywintypes", "win32com.client", "xlwings.udfs"}.isdisjoint(
        set(sys.modules) - before
    )
    assert (xlwings.func, xlwings.arg, xlwings.ret) == decorators
    from xladdin.excel import udfs

    assert not hasattr(udfs.WORKDAYS45, "__xlfunc__")  # the module everyone imports is untouched


def test_the_generated_wrappers_have_the_expected_signatures_and_no_caller():
    text = udf_module_text()
    signatures = re.findall(r"^Function .*$", text, re.MULTILINE)
    assert signatures == [
        "Function WORKDAYS45(start_date, end_date, Optional closures)",
        "Function WORKDAYSBETWEEN(start_date, end_date, Optional closures)",
        "Function WORKDAYSDUE(start_date, Optional days, Optional closures)",
    ]
    # The date system comes from the workbook's own setting, passed by VBA: never "caller".
    assert text.count("ThisWorkbook.Date1904)") == 6
    assert "Nothing" not in text  # what xlwings passes for a "caller" argument


@pytest.mark.parametrize("name", sorted(vba_modules()))
def test_no_declared_name_is_a_vba_reserved_word(name):
    text = vba_modules()[name]
    declared = declared_names(text)
    assert reserved_in(text) == set(), f"{name}: rename {sorted(reserved_in(text))}"
    # The parser really saw the declarations (an empty set would pass vacuously).
    expected = {
        "xlwings_udfs": {
            "xlwings_udfs",
            "WORKDAYS45",
            "WORKDAYSDUE",
            "start_date",
            "end_date",
            "days",
            "failed",
        },
        "Performance": {
            "Performance",
            "Refresh",
            "CheckSetup",
            "XLPy",
            "control",
            "ADDIN",
            "interpreter",
            "NoAddin",
        },
    }[name]
    assert expected <= declared


# --------------------------------------------------------------------------- negative controls


def test_the_check_catches_end_as_xlwings_generated_it_before_the_rename():
    before = 'Function WORKDAYS45(start, end, Optional closures)\n    WORKDAYS45 = XLPy.CallUDF("m", "f", Array(start, end, closures, Nothing))\nEnd Function\n'
    assert reserved_in(before) == {"end"}


def test_the_check_catches_reserved_words_through_xlwings_generator(tmp_path, monkeypatch):
    (tmp_path / "bad_udfs_for_vba.py").write_text(
        textwrap.dedent(
            """
            import xlwings as xw

            @xw.func
            def LATE(start, end):
                return 0

            @xw.func
            def RATE(amount, currency="GBP"):
                return 0

            @xw.func
            def Print(type, date, string):
                return 0
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    text = udf_module_text(udf_module="bad_udfs_for_vba")
    assert "Function LATE(start, end)" in text
    assert reserved_in(text) == {"end", "currency", "type", "date", "string", "print"}


@pytest.mark.parametrize(
    ("snippet", "caught"),
    [
        ("Sub Stop(control As IRibbonControl)\nEnd Sub", "stop"),
        ("Sub Go(ByVal Long As String)\nEnd Sub", "long"),
        ("Sub Go(Optional ParamArray Type())\nEnd Sub", "type"),
        ("Sub Go()\n    Dim ok As Boolean, Date As String\nEnd Sub", "date"),
        ('Private Const Currency As String = "x"', "currency"),
        ("Private String As Long", "string"),
        ("Sub Go()\nResume:\nEnd Sub", "resume"),
        ('Attribute VB_Name = "Select"', "select"),
    ],
)
def test_the_check_catches_each_kind_of_declaration(snippet, caught):
    assert reserved_in(snippet) == {caught}


def test_strings_and_comments_are_not_declarations():
    text = 'Sub Go()\n    \' Dim End As Long\n    MsgBox "Dim Date As String"\nEnd Sub\n'
    assert declared_names(text) == {"Go"}


# --------------------------------------------------------------------------- the add-in, by name only


def _addin_procedures() -> set[str]:
    """Public Sub/Function names of the installed xlwings add-in's VBA (xlwings/addin/*.bas)."""
    folder = Path(xlwings.__file__).parent / "addin"
    names = set()
    for path in folder.glob("*.bas"):
        text = code_only(path.read_text(encoding="utf-8", errors="replace"))
        names.update(
            m.group(2)
            for m in re.finditer(r"^[ \t]*(Public[ \t]+)?(?:Sub|Function)[ \t]+(\w+)", text, re.I | re.M)
        )
    return names


def addin_names_called_directly(text: str, project: set[str]) -> set[str]:
    """Add-in procedures that the code names outside a string and the project does not declare itself.

    Each would need a compile-time reference to the add-in's project.
    """
    words = set(re.findall(r"[A-Za-z]\w*", code_only(text)))
    return (words & _addin_procedures()) - project


def test_the_addin_is_reached_by_name_only():
    assert {"RunPython", "XLPy", "GetConfig", "ImportPythonUDFs"} <= _addin_procedures()
    modules = vba_modules()
    project = set().union(*(declared_names(text) for text in modules.values()))
    for name, text in modules.items():
        assert addin_names_called_directly(text, project) == set(), name
    performance = vba_sources()["Performance"]
    for procedure in ("RunPython", "XLPy", "GetConfig"):
        assert f'Application.Run(ADDIN & "{procedure}"' in performance
    assert "Private Const ADDIN As String = \"'xlwings.xlam'!\"" in performance
    # The wrappers' XLPy is the workbook's own (Performance), not the add-in's.
    assert "XLPy" in declared_names(performance)
    assert "XLPy.CallUDF" in udf_module_text()


def test_the_by_name_check_catches_a_direct_call():
    text = 'Sub Go()\n    RunPython "import x"\n    x = XLPy.Str(1)\nEnd Sub\n'
    assert addin_names_called_directly(text, declared_names(text)) == {"RunPython", "XLPy"}


def test_every_python_command_in_the_vba_names_a_real_ribbon_function():
    from xladdin.excel import ribbon

    text = vba_sources()["Performance"]
    calls = re.findall(r'import xladdin\.excel\.ribbon as r; r\.(\w+)\(([^)"]*)', text)
    assert {name for name, _ in calls} == {
        "refresh",
        "build_spotlight",
        "export_for_leadership",
        "check_setup",
    }
    for name, args in calls:
        parameters = inspect.signature(getattr(ribbon, name)).parameters
        for keyword in re.findall(r"(\w+)=", args):
            assert parameters[keyword].kind == inspect.Parameter.KEYWORD_ONLY, (name, keyword)
