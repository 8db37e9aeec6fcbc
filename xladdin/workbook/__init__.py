"""The performance workbook: create it, refresh its generated areas, read its settings, save it safely.

``create`` builds a new workbook; ``refresh`` reads the extracts and rewrites
the generated areas (``areas`` says what goes where); ``settings`` reads the
officer's Settings sheet; ``safe_save`` and ``package`` write the file without
losing it, its backup or its ribbon. Nothing here imports xlwings.
"""
