"""Writes the messy, real-shaped extracts in this folder (run once; the outputs are committed).

Hand-checked expectations for each file are in tests/test_extracts.py and
tests/test_quality.py. Row numbers there are spreadsheet rows (title = row 1).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
L4 = (
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),"
    "Does the Child have a Disability,Continuous Assessment Start Date,"
    "Child Seen During Continuous Assessment,Continuous Assessment Date of Authorisation,"
    "Was the child assessed as requiring LA children\u2019s social care support?,"
    "Allocated Team,Allocated Worker"
)

# Windows-1252, title row, blank line, lower-case headers, "?" missing, curly apostrophe,
# blank rows, a duplicate, coded values, a time part, every quality rule.
MESSY = [
    "Annex A List 4 - extracted 31/10/2024,,,,,,,,,,,",
    "",
    (
        "child unique id,gender,ethnicity,date of birth,age of child (years),"
        "does the child have a disability,continuous assessment start date,"
        "child seen during continuous assessment, Continuous Assessment Date of Authorisation ,"
        "Was the child assessed as requiring LA children\u2019s social care support,"
        "allocated team,allocated worker"
    ),
    "C001,a) Male,WBRI,01/02/2015,9,b) No,01/07/2024,03/07/2024,24/09/2024,a) Yes,Team S\u00e9verin,Worker A",  # 4
    "C002,b) Female,WBRI,03/03/2012,12,b) No,22/07/2024,23/07/2024,25/09/2024 16:35,a) Yes,Team S\u00e9verin,Worker B",  # 5
    "",  # 6
    "C003,a) Male,MWBC,04/04/2010,14,b) No,10/08/2024,12/08/2024,05/08/2024,b) No,Team North,Worker C",  # 7 8608
    "C004,b) Female,ASIA,05/05/2016,8,b) No,31/02/2024,01/03/2024,20/09/2024,a) Yes,Team North,Worker C",  # 8 date
    "C005,a) Male,WBRI,06/06/2018,6,a) Yes,01/09/2024,02/09/2024,15/11/2024,a) Yes,Team North,Worker D",  # 9 future
    "C006,b) Female,WBRI,07/07/2019,5,b) No,02/09/2024,03/09/2024,20/09/2024,a) Yes,,Worker D",  # 10 team
    "C001,a) Male,WBRI,01/02/2015,9,b) No,01/07/2024,03/07/2024,24/09/2024,a) Yes,Team S\u00e9verin,Worker A",  # 11 dup of 4
    "C007,a) Male,WIRI,08/08/2011,13,b) No,01/10/2024,,,,Team North,Worker E",  # 12 open
    "C007,a) Male,WIRI,08/08/2011,13,b) No,15/10/2024,,,,Team North,Worker E",  # 13 open (8896)
    ",,,,,,,,,,,",  # 14 blank
    "C008,b) Female,WBRI,09/09/2013,11,b) No,02/09/2024,04/09/2024,30/09/2024,a) Yes,Team North ,Worker F",  # 15
    "C009,a) Male,WBRI,10/10/2014,10,b) No,10/09/2024,11/09/2024,30/09/2024,a) Yes,Team North,Worker F",  # 16
]
(HERE / "list4_messy_cp1252.csv").write_bytes(("\r\n".join(MESSY) + "\r\n").encode("cp1252"))

# UTF-8 with a BOM, Annex A headers exactly as published, no title row.
BOM = [
    L4,
    "C101,a) Male,WBRI,01/02/2015,9,b) No,22/07/2024,23/07/2024,24/09/2024,a) Yes,\u00c9quipe Sud,Worker A",
    "C102,b) Female,WBRI,01/02/2015,9,b) No,22/07/2024,23/07/2024,25/09/2024,a) Yes,\u00c9quipe Sud,Worker A",
]
(HERE / "list4_utf8_bom.csv").write_bytes(("\n".join(BOM) + "\n").encode("utf-8-sig"))

# List 3, UTF-8 (no BOM), title row, coded sources and NFA flags.
L3 = [
    "Annex A List 3 - extracted 31/10/2024",
    (
        "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of referral,"
        "Referral Source,Referral NFA?,Number of Referrals in Last 12 Months,Allocated Team,"
        "Allocated Worker"
    ),
    "C001,a) Male,WBRI,01/02/2015,9,28/06/2024,q) 6: Police,b) No,1,Team S\u00e9verin,Worker A",  # 3
    "C002,b) Female,WBRI,03/03/2012,12,22/07/2024,a) 1: Individual,b) No,1,Team S\u00e9verin,Worker B",  # 4
    "C002,b) Female,WBRI,03/03/2012,12,22/07/2024,a) 1: Individual,b) No,1,Team S\u00e9verin,Worker B",  # 5 dup of 4
    "C002,b) Female,WBRI,03/03/2012,12,22/07/2024,q) 6: Police,b) No,2,Team S\u00e9verin,Worker B",  # 6 other source
    "C009,a) Male,WBRI,10/10/2014,10,05/09/2024,q) 6: Police,a) Yes,1,Team North,Worker F",  # 7 NFA, assessed
    "C008,b) Female,WBRI,09/09/2013,11,05/09/2024,q) 6: Police,b) No,1,Team North,Worker F",  # 8 after start
    "C010,b) Female,WBRI,09/09/2013,11,01/11/2024,q) 6: Police,b) No,1,Team North,Worker F",  # 9 future
    "C011,b) Female,WBRI,09/09/2013,11,,q) 6: Police,b) No,1,Team North,Worker F",  # 10 blank date
]
(HERE / "list3_referrals.csv").write_text("\n".join(L3) + "\n", encoding="utf-8")

# A local extract with other headers and ISO dates, read through a mapping file.
LOCAL = [
    "Person ID;Assessment Start;Date Completed;Team;Social Worker",
    "P1;2024-07-22;2024-09-24;Family Safeguarding 1;Worker A",
    "P2;2024-07-22;2024-09-25;Family Safeguarding 1;Worker B",
    "P3;2024-09-02;;Family Safeguarding 2;Worker C",
]
(HERE / "local_lcs.csv").write_text("\n".join(LOCAL) + "\n", encoding="utf-8")

# xlsx: title row, blank row, header on row 3, real Excel dates, a text date with a time,
# a numeric child ID, a blank row in the middle.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "List 4"
ws["A1"] = "Annex A List 4 - extracted 31/10/2024"
ws.append([])
ws.append(L4.split(","))
rows = [
    [
        12345,
        "a) Male",
        "WBRI",
        dt.datetime(2015, 2, 1),
        9,
        "b) No",
        dt.datetime(2024, 7, 22),
        dt.datetime(2024, 7, 23),
        dt.datetime(2024, 9, 24),
        "a) Yes",
        "Team North",
        "Worker A",
    ],  # 4
    [
        "C202",
        "b) Female",
        "WBRI",
        dt.datetime(2012, 3, 3),
        12,
        "b) No",
        dt.datetime(2024, 7, 22),
        dt.datetime(2024, 7, 23),
        "25/09/2024 16:35",
        "a) Yes",
        "Team North",
        "Worker B",
    ],  # 5
    [None] * 12,  # 6
    [
        "C203",
        "b) Female",
        "WBRI",
        dt.datetime(2012, 3, 3),
        12,
        "b) No",
        dt.datetime(2024, 9, 2),
        None,
        None,
        None,
        "Team South",
        "Worker C",
    ],  # 7 open
    [
        "C204",
        "b) Female",
        "WBRI",
        dt.datetime(2012, 3, 3),
        12,
        "b) No",
        "not known",
        None,
        dt.datetime(2024, 9, 20),
        None,
        "Team South",
        "Worker C",
    ],  # 8 date
]
for r in rows:
    ws.append(r)
for row in ws.iter_rows(min_row=4):
    for cell in row:
        if isinstance(cell.value, dt.datetime):
            cell.number_format = "dd/mm/yyyy"
wb.save(HERE / "list4_excel_dates.xlsx")
