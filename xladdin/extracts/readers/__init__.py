"""One reader per kind of file, each giving the same raw table (``spec.RawTable``).

``csv_reader`` (with ``csv_lines``, which accounts for every physical line),
``excel_reader`` (xlsx, xls, ods through calamine) and ``html_reader`` (a web
page saved as .xls, as case systems export). :mod:`xladdin.extracts.read`
chooses one from the file's first bytes.
"""
