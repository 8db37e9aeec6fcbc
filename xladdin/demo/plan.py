"""The demo's plan: the seed report's figures and the made-up names the synthetic extracts use.

Every number here is the seed report's (a council's November 2024 Performance Spotlight) or an invented
plan that reproduces it; :mod:`xladdin.demo.extracts` turns the plan into CSV files.
"""

from __future__ import annotations

import datetime as dt

DEMO_MONTH = "2024-09"
EXTRACT_DATE = dt.date(2024, 10, 31)
SEED = 20241031
FILES = {
    "assessments": "list4_assessments.csv",
    "referrals": "list3_referrals.csv",
    "audit": "audit_tracker.csv",
}

#: The seed's September 2024 team table (legacy counting), as printed:
#: team, denominator (completed), numerator (in time). Source:
#: the seed report, "Assessment data for September".
SEPTEMBER_LEGACY: tuple[tuple[str, int, int], ...] = (
    ("Children in Care 1", 3, 2),
    ("Children in Care 2", 3, 2),
    ("CRS", 2, 1),
    ("Family Help Central 1", 1, 1),
    ("Family Help Central 1 - CA", 18, 14),
    ("Family Help Central 2 - CA", 1, 1),
    ("Family Help East 1", 4, 2),
    ("Family Help East 1 - CA", 11, 1),
    ("Family Help East 2 - CA", 6, 3),
    ("Family Help West 1", 4, 4),
    ("Family Help West 1 - CA", 17, 17),
    ("Family Help West 2", 1, 1),
    ("Family Help West 2 - CA", 13, 4),
    ("Family Safeguarding Central", 5, 5),
    ("Family Safeguarding East 1", 2, 1),
    ("Family Safeguarding East 2", 8, 8),
    ("Family Safeguarding West 1", 17, 4),
    ("Family Safeguarding West 2", 3, 3),
    ("Jigsaw 1", 8, 8),
    ("Jigsaw 2", 7, 5),
    ("Jigsaw 3", 6, 6),
    ("Young People Team 1", 7, 6),
    ("Young People Team 2", 3, 1),
)
TEAMS: tuple[str, ...] = tuple(t for t, _, _ in SEPTEMBER_LEGACY)

#: September assessments authorised on exactly the 45th working day (legacy 46):
#: late by legacy counting, in time by corrected counting. 14 = 114 - 100.
SEPTEMBER_BOUNDARY: dict[str, int] = {
    "Family Safeguarding West 1": 3,
    "Family Help East 1 - CA": 3,
    "Family Help West 2 - CA": 2,
    "Family Help Central 1 - CA": 1,
    "Family Help East 2 - CA": 1,
    "Children in Care 1": 1,
    "Family Help East 1": 1,
    "Jigsaw 2": 1,
    "Young People Team 2": 1,
}

#: Completed assessments by month of authorisation: (completed, in time by
#: corrected counting). September comes from the seed table above.
MONTH_PLAN: dict[str, tuple[int, int]] = {
    "2023-09": (131, 106),  # 80.9%: the trend's first month, so the demo fills all 13 months
    "2023-10": (142, 116),  # 81.7%
    "2023-11": (156, 129),  # 82.7%
    "2023-12": (118, 93),  # 78.8%
    "2024-01": (168, 146),  # 86.9%
    "2024-02": (151, 128),  # 84.8%
    "2024-03": (160, 138),  # 86.3%
    "2024-04": (137, 105),  # 76.6%
    "2024-05": (163, 141),  # 86.5%
    "2024-06": (149, 119),  # 79.9%
    "2024-07": (174, 152),  # 87.4%
    "2024-08": (128, 101),  # 78.9%
    "2024-09": (150, 114),  # 76.0% (seed); legacy 100 (66.7%)
    "2024-10": (182, 153),  # 84.1% (seed: "84%")
}

#: Open assessments at the extract date: (status, how many, elapsed working days range).
OPEN_PLAN = (("overdue", 9, (46, 58)), ("due soon", 12, (35, 44)), ("not yet due", 84, (0, 34)))

#: Referrals a month (List 3), topped up with referrals that need no List 4 row: NFA
#: ones, and before Sep 2023 ones whose assessment finished before the List 4 window.
#: October 2024 is busier (seed: "the high number of referrals" in October).
REFERRALS_A_MONTH = 215
REFERRALS_BUSY = {"2024-10": 265}

#: Audit tracker: (completed, concern, concern type, how many). Definition in
#: :func:`xladdin.core.audit.audit_summary`.
AUDIT_PLAN: tuple[tuple[str, str, str, int], ...] = (
    ("Yes", "Similar", "Domestic abuse", 10),
    ("Yes", "Similar", "Risk outside the home", 6),
    ("Yes", "Similar", "Neglect", 1),
    ("Yes", "New", "Parental mental health", 4),
    ("Yes", "New", "Domestic abuse", 3),
    ("Yes", "New", "Parental substance misuse", 2),
    ("Yes", "New", "Neglect", 2),
    ("Yes", "", "", 5),  # completed, finding not yet recorded
    ("No", "", "", 6),
)
AUDIT_TITLE = "Re-referrals audit tracker - audits allocated August & September 2024"
AUDIT_NOTE = (
    "One row per allocated audit. New/similar shares are over completed audits with the "
    "finding recorded; concern types are over similar concerns."
)

# Annex A coded values.
GENDERS = (("a) Male", 0.49), ("b) Female", 0.49), ("c) Not known", 0.02))
ETHNICITIES = (
    ("WBRI", 0.66), ("WOTH", 0.06), ("WIRI", 0.01), ("MWBC", 0.04), ("MWAS", 0.02),
    ("MOTH", 0.03), ("AIND", 0.02), ("APKN", 0.02), ("ABAN", 0.01), ("BAFR", 0.04),
    ("BCRB", 0.01), ("OOTH", 0.02), ("REFU", 0.02), ("NOBT", 0.04),
)  # fmt: skip
SOURCES = (
    ("a) 1A: Individual - Family member/relative/carer", 0.06),
    ("b) 1B: Individual - Acquaintance", 0.01),
    ("c) 1C: Individual - Self", 0.01),
    ("d) 1D: Individual - Other", 0.02),
    ("e) 2A: Schools", 0.17),
    ("f) 2B: Education services", 0.02),
    ("g) 3A: Health services - GP", 0.02),
    ("h) 3B: Health services - Health visitor", 0.03),
    ("i) 3C: Health services - School nurse", 0.01),
    ("j) 3D: Health services - Other primary health services", 0.03),
    ("k) 3E: Health services - A&E", 0.03),
    ("l) 3F: Health services - Other", 0.04),
    ("m) 4: Housing", 0.02),
    ("n) 5A: LA services - Social care", 0.07),
    ("o) 5B: LA services - Other internal", 0.03),
    ("p) 5C: LA services - External", 0.02),
    ("q) 6: Police", 0.29),
    ("r) 7: Other legal agency", 0.03),
    ("s) 8: Other", 0.05),
    ("t) 9: Anonymous", 0.03),
    ("u) 10: Unknown", 0.01),
)
YES, NO = "a) Yes", "b) No"
FIRST_NAMES = (
    "Alex", "Amira", "Beth", "Callum", "Chloe", "Dan", "Eleni", "Faye", "Gareth", "Hana",
    "Imran", "Jess", "Kofi", "Laura", "Megan", "Nadia", "Owen", "Priya", "Rhys", "Sian",
    "Tom", "Una", "Vikram", "Zoë",
)  # fmt: skip
LAST_NAMES = (
    "Ashdown", "Brookes", "Carver", "Dunmore", "Ellery", "Fenwick", "Garside", "Hollins",
    "Iveson", "Jarrold", "Kingsley", "Lockwood", "Marlow", "Northam", "Ormerod", "Pendle",
    "Quayle", "Redfern", "Stanway", "Thorley",
)  # fmt: skip
