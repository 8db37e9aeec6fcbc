"""Canonical column names for validated extract frames, and the Annex A headers they come from.

Every reader in ``xladdin.extracts`` turns an extract (Annex A CSV/xlsx, or a local
extract through a column mapping) into a pandas DataFrame with these canonical
column names. Dates are ``datetime64[ns]`` (NaT when blank or unreadable). Two
bookkeeping columns are always present:

* ``source_row``: the row number as a spreadsheet shows it (1-based, counting
  title rows and the header), so a message can say "row 214";
* ``problem``: ``""`` when the row counts in the measures, otherwise the reason
  it is kept out (the same reason is listed in the data-quality list).
"""

from __future__ import annotations

# Ofsted Annex A List 4 (assessments), as published.
ASSESSMENT_HEADERS: dict[str, str] = {
    "child_id": "Child Unique ID",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "date_of_birth": "Date of Birth",
    "age": "Age of Child (Years)",
    "disability": "Does the Child have a Disability",
    "start": "Continuous Assessment Start Date",
    "child_seen": "Child Seen During Continuous Assessment",
    "authorised": "Continuous Assessment Date of Authorisation",
    "requires_support": ("Was the child assessed as requiring LA children's social care support?"),
    "team": "Allocated Team",
    "worker": "Allocated Worker",
}
ASSESSMENT_REQUIRED = ("child_id", "start", "authorised", "team")
ASSESSMENT_DATES = ("date_of_birth", "start", "authorised")

# Ofsted Annex A List 3 (referrals), as published.
REFERRAL_HEADERS: dict[str, str] = {
    "child_id": "Child Unique ID",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "date_of_birth": "Date of Birth",
    "age": "Age of Child (Years)",
    "referral_date": "Date of referral",
    "source": "Referral Source",
    "nfa": "Referral NFA?",
    "referrals_12m": "Number of Referrals in Last 12 Months",
    "team": "Allocated Team",
    "worker": "Allocated Worker",
}
REFERRAL_REQUIRED = ("child_id", "referral_date", "team")
REFERRAL_DATES = ("date_of_birth", "referral_date")

# Audit tracker for the re-referrals audit (one row per allocated audit).
AUDIT_HEADERS: dict[str, str] = {
    "audit_id": "Audit ID",
    "team": "Team",
    "completed": "Completed",
    "concern": "New or Similar Concern",
    "concern_type": "Concern Type",
}
AUDIT_REQUIRED = ("audit_id", "completed", "concern", "concern_type")

#: Columns that identify a child or a worker. They never leave the building.
CHILD_LEVEL_COLUMNS = ("child_id", "date_of_birth", "worker")

TOTAL = "Total"
