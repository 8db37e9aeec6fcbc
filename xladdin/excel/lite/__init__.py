"""xlwings Lite: the same workbook without Python on the PC (Python in Pyodide, inside Excel).

* ``main.py``: the module the workbook carries, kept here as its text source (like the
  ``.bas`` files): the worksheet functions and the three scripts, each a line or two
  that calls xladdin, which Lite installs from the workbook's ``requirements.txt``.
* ``parts``: the web-extension parts that hold that code in the ``.xlsx``, written as a
  workbook Lite saved stores them (``xladdin new-workbook --lite``).
* ``sheets``: reading an extract from a sheet, and writing the generated areas through
  Lite's object model (queued; Lite drops the queue when a script fails).
* ``scripts``: Refresh, Build spotlight and Check set-up, as Lite runs them.
* ``spotlight``: the Spotlight sheet as far as Lite's object model can format it.
"""
