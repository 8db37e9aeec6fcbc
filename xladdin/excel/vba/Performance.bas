Attribute VB_Name = "Performance"
' Performance ribbon callbacks (source: xladdin/excel/vba/Performance.bas in the xladdin repo;
' workbooks/performance.xlsm is rebuilt from this text by "xladdin build-workbook").
'
' Each button runs one function of xladdin.excel.ribbon through RunPython from the
' xlwings add-in. Install the add-in once per PC with:  xlwings addin install
' (The VBA project also references the add-in's project "xlwings": the UDF wrappers
' that Import functions writes call its XLPy.CallUDF.)
' The Python side shows its own progress in the status bar and its own error messages.
Option Explicit

Private Const ADDIN As String = "'xlwings.xlam'!"

Sub Refresh(control As IRibbonControl)
    RunXladdin "import xladdin.excel.ribbon as r; r.refresh()"
End Sub

Sub BuildSpotlight(control As IRibbonControl)
    RunXladdin "import xladdin.excel.ribbon as r; r.build_spotlight()"
End Sub

Sub ExportForLeadership(control As IRibbonControl)
    RunXladdin "import xladdin.excel.ribbon as r; r.export_for_leadership()"
End Sub

Sub ImportFunctions(control As IRibbonControl)
    ' Registers WORKDAYS45, WORKDAYSBETWEEN and WORKDAYSDUE ("UDF Modules" on the xlwings.conf
    ' sheet). Needs File > Options > Trust Center > "Trust access to the VBA project object model".
    On Error GoTo Failed
    Application.Run ADDIN & "ImportPythonUDFs"
    Exit Sub
Failed:
    AddinMissing Err.Description
End Sub

Private Sub RunXladdin(command As String)
    On Error GoTo Failed
    Application.Run ADDIN & "RunPython", command
    Exit Sub
Failed:
    AddinMissing Err.Description
End Sub

Private Sub AddinMissing(detail As String)
    MsgBox "xladdin could not reach the xlwings add-in." & vbNewLine & vbNewLine & _
        "Install it once with the command:  xlwings addin install" & vbNewLine & _
        "then restart Excel and try again." & vbNewLine & vbNewLine & _
        "(Excel said: " & detail & ")", vbExclamation, "xladdin"
End Sub
