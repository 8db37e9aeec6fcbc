"""What leadership reads: the formatted spotlight, its template look, the leadership export and PDF.

Everything here reads the *performance workbook* (its generated areas,
Settings and Commentary), never the extracts: the spotlight shows what the
officer refreshed and reviewed.
"""
