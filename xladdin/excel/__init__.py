"""The Excel layer: the only package that imports xlwings.

``udfs`` holds the worksheet functions (WORKDAYS45 and friends), ``convert``
the pure conversion of cell values, ``vba/`` and ``customUI14.xml`` the text
sources of the macro module and the Performance ribbon that
``xladdin.excel.xlsm.build_workbook`` packs into ``workbooks/performance.xlsm``.
"""
