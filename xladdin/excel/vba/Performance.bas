Attribute VB_Name = "Performance"
' Performance ribbon callbacks, and the bridge from the worksheet functions to the xlwings add-in
' (source: xladdin/excel/vba/Performance.bas in the xladdin repo; workbooks/performance.xlsm is
' rebuilt from this text by "xladdin build-workbook").
'
' Everything in the xlwings add-in is reached by name, late-bound:  Application.Run "'xlwings.xlam'!..."
' This VBA project has NO reference to the add-in's project, so it compiles without the add-in and a
' missing add-in gets a message that says what to do (with a reference, Excel would stop at
' "Can't find project or library" before any of this code could run).
' Install the add-in once per PC with the command:  xlwings addin install
'
' Each button runs one function of xladdin.excel.ribbon through the add-in's RunPython; Python shows
' its own progress in the status bar and its own messages. The worksheet functions WORKDAYS45,
' WORKDAYSBETWEEN and WORKDAYSDUE are in the module xlwings_udfs (written by xlwings' own generator
' when the workbook is built); they call XLPy below.
Option Explicit

Private Const ADDIN As String = "'xlwings.xlam'!"
Private Const ADDIN_FILE As String = "xlwings.xlam"

Sub Refresh(control As IRibbonControl)
    RunXladdin "import xladdin.excel.ribbon as r; r.refresh()"
End Sub

Sub BuildSpotlight(control As IRibbonControl)
    RunXladdin "import xladdin.excel.ribbon as r; r.build_spotlight()"
End Sub

Sub ExportForLeadership(control As IRibbonControl)
    RunXladdin "import xladdin.excel.ribbon as r; r.export_for_leadership()"
End Sub

Sub CheckSetup(control As IRibbonControl)
    ' One message box with a line per check. VBA checks what Python cannot check for itself (the
    ' add-in answers, Python can be found); Python checks the rest (xladdin.excel.doctor, the same
    ' checks as "xladdin doctor" on the command line) and shows the whole report.
    Dim interpreter As String, condaPath As String, found As String
    On Error GoTo NoAddin
    interpreter = Application.Run(ADDIN & "GetConfig", "INTERPRETER_WIN")
    If interpreter = "" Then interpreter = Application.Run(ADDIN & "GetConfig", "INTERPRETER", "pythonw")
    condaPath = Application.Run(ADDIN & "GetConfig", "CONDA PATH")
    On Error GoTo 0
    found = FindProgram(interpreter)
    If found = "" And condaPath = "" Then
        MsgBox "xladdin set-up check" & vbNewLine & vbNewLine & _
            "ok    xlwings add-in: installed" & vbNewLine & _
            "FIX   Python: '" & interpreter & "' was not found. Install Python 3.11 or later from " & _
            "python.org (tick 'Add python.exe to PATH'), or type the full path of pythonw.exe in the " & _
            "Interpreter box of the xlwings tab." & vbNewLine & vbNewLine & _
            "The other checks run in Python: press Check set-up again once Python is found.", _
            vbExclamation, "xladdin: Check set-up"
        Exit Sub
    End If
    If Not RunXladdin("import xladdin.excel.ribbon as r; r.check_setup(date1904=" & _
            IIf(ThisWorkbook.Date1904, "True", "False") & ")") Then
        MsgBox "Python (" & found & ") started but could not run xladdin; the message before this one " & _
            "says why." & vbNewLine & vbNewLine & _
            "If it says No module named 'xladdin' or 'xlwings': install xladdin into that Python " & _
            "(README, 'Use it in Excel', step 1), or type the path of the Python that has it in the " & _
            "Interpreter box of the xlwings tab.", vbExclamation, "xladdin: Check set-up"
    End If
    Exit Sub
NoAddin:
    MsgBox "xladdin set-up check" & vbNewLine & vbNewLine & _
        "FIX   xlwings add-in: Excel could not reach it. Install it once with the command " & _
        "   xlwings addin install   then restart Excel." & vbNewLine & vbNewLine & _
        "The other checks need the add-in: press Check set-up again once it is installed." & _
        vbNewLine & vbNewLine & "(Excel said: " & Err.Description & ")", _
        vbExclamation, "xladdin: Check set-up"
End Sub

Public Function XLPy() As Object
    ' The worksheet functions in xlwings_udfs call XLPy.CallUDF(...). xlwings' own XLPy (which starts
    ' Python and returns its COM server) lives in the add-in; it is reached here by name, so that no
    ' reference to the add-in is needed. A missing add-in shows as this text in the cell.
    Dim code As Long, said As String
    On Error GoTo Failed
    Set XLPy = Application.Run(ADDIN & "XLPy")
    Exit Function
Failed:
    code = Err.Number
    said = Err.Description
    If AddinOpen() Then Err.Raise code, "xlwings", said
    Err.Raise vbObjectError + 513, "xladdin", _
        "xlwings add-in not found: run  xlwings addin install  and restart Excel"
End Function

Private Function RunXladdin(pythonCommand As String) As Boolean
    ' True when Python ran; False when RunPython failed (xlwings has shown why) or the add-in is missing.
    Dim result As Variant
    On Error GoTo Failed
    result = Application.Run(ADDIN & "RunPython", pythonCommand)
    RunXladdin = Not (result = -1)
    Exit Function
Failed:
    AddinMissing Err.Description
End Function

Private Function AddinOpen() As Boolean
    ' An add-in is not listed in Workbooks, but Workbooks("name.xlam") finds it while it is open.
    Dim book As Workbook
    On Error Resume Next
    Set book = Workbooks(ADDIN_FILE)
    AddinOpen = Not book Is Nothing
End Function

Private Function FindProgram(program As String) As String
    ' The interpreter as the xlwings add-in would start it: a full path, or a name found on PATH.
    ' (Dir is assigned before the test: with Resume Next, an error inside an If condition would
    ' run the Then branch.)
    Dim folder As Variant, candidate As String, exists As Boolean
    On Error Resume Next
    If InStr(program, "\") > 0 Then
        exists = Len(Dir(program)) > 0
        If exists Then FindProgram = program
        Exit Function
    End If
    For Each folder In Split(Environ("PATH"), ";")
        candidate = Replace(folder, """", "") & "\" & program
        If LCase(Right(candidate, 4)) <> ".exe" Then candidate = candidate & ".exe"
        exists = False
        If Len(folder) > 0 Then exists = Len(Dir(candidate)) > 0
        If exists Then
            FindProgram = candidate
            Exit Function
        End If
    Next folder
End Function

Private Sub AddinMissing(detail As String)
    MsgBox "xladdin could not reach the xlwings add-in." & vbNewLine & vbNewLine & _
        "Install it once with the command:  xlwings addin install" & vbNewLine & _
        "then restart Excel and try again." & vbNewLine & vbNewLine & _
        "(Excel said: " & detail & ")", vbExclamation, "xladdin"
End Sub
