"""The demo extracts reproduce the seed report, and regenerate byte for byte.

Source of every literal figure here: the seed report (November 2024 Performance Spotlight)
("Assessment data for September" team table; "Assessment commentary" for 76%
and October's 84%; "Re-referrals audit summary" for the audit percentages).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from xladdin import demo
from xladdin.core import schema
from xladdin.core.audit import audit_summary
from xladdin.core.measures import (
    assessment_timeliness,
    clock_starts,
    rereferral_rate,
    timeliness_trend,
    usable,
)
from xladdin.core.projection import open_assessments
from xladdin.core.workdays import networkdays, working_days_between
from xladdin.extracts.read import cross_check, read_assessments, read_audit, read_referrals

# The seed's September 2024 table (legacy counting), copied as printed, in its
# order (case-insensitive by name): team, denominator, numerator, percent.
SEED_SEPTEMBER = [
    ("Children in Care 1", 3, 2, 66.7),
    ("Children in Care 2", 3, 2, 66.7),
    ("CRS", 2, 1, 50.0),
    ("Family Help Central 1", 1, 1, 100.0),
    ("Family Help Central 1 - CA", 18, 14, 77.8),
    ("Family Help Central 2 - CA", 1, 1, 100.0),
    ("Family Help East 1", 4, 2, 50.0),
    ("Family Help East 1 - CA", 11, 1, 9.1),
    ("Family Help East 2 - CA", 6, 3, 50.0),
    ("Family Help West 1", 4, 4, 100.0),
    ("Family Help West 1 - CA", 17, 17, 100.0),
    ("Family Help West 2", 1, 1, 100.0),
    ("Family Help West 2 - CA", 13, 4, 30.8),
    ("Family Safeguarding Central", 5, 5, 100.0),
    ("Family Safeguarding East 1", 2, 1, 50.0),
    ("Family Safeguarding East 2", 8, 8, 100.0),
    ("Family Safeguarding West 1", 17, 4, 23.5),
    ("Family Safeguarding West 2", 3, 3, 100.0),
    ("Jigsaw 1", 8, 8, 100.0),
    ("Jigsaw 2", 7, 5, 71.4),
    ("Jigsaw 3", 6, 6, 100.0),
    ("Young People Team 1", 7, 6, 85.7),
    ("Young People Team 2", 3, 1, 33.3),
    ("Total", 150, 100, 66.7),
]
EXTRACT = pd.Timestamp("2024-10-31")
HEADERS = {
    "assessments": schema.ASSESSMENT_HEADERS,
    "referrals": schema.REFERRAL_HEADERS,
    "audit": schema.AUDIT_HEADERS,
}


# --- reading, through the project's own extract readers ----------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return demo.write_demo_extracts(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def extracts(files):
    return {
        "assessments": read_assessments(files["assessments"]),
        "referrals": read_referrals(files["referrals"]),
        "audit": read_audit(files["audit"]),
    }


@pytest.fixture(scope="module")
def assessments(extracts):
    return extracts["assessments"].frame


@pytest.fixture(scope="module")
def referrals(extracts):
    return extracts["referrals"].frame


@pytest.fixture(scope="module")
def audit(extracts):
    return extracts["audit"].frame


# --- the seed's figures ------------------------------------------------------------


def test_september_legacy_is_the_seed_table_row_for_row(assessments):
    table = assessment_timeliness(assessments, "2024-09", counting="legacy")
    got = [(r.team, r.completed, r.in_time, round(r.percent, 1)) for r in table.itertuples()]
    assert got == SEED_SEPTEMBER


def test_september_corrected_is_114_of_150(assessments):
    total = assessment_timeliness(assessments, "2024-09", counting="corrected").iloc[-1]
    assert (total.team, total.completed, total.in_time, round(total.percent, 1)) == (
        "Total",
        150,
        114,
        76.0,
    )


def test_the_14_restated_assessments_end_on_the_45th_working_day(assessments):
    rows = usable(assessments)
    sept = rows[rows["authorised"].dt.to_period("M") == pd.Period("2024-09", "M")]
    elapsed = working_days_between(sept["start"], sept["authorised"])
    legacy = networkdays(sept["start"], sept["authorised"])
    boundary = sept[elapsed == 45]
    assert len(boundary) == 14
    assert (legacy[elapsed == 45] == 46).all()  # working-day starts: legacy says day 46
    assert boundary["team"].nunique() >= 5  # spread across teams, not piled in one
    # The other 36 late ones are late under both countings (legacy 47 or more).
    assert (elapsed >= 46).sum() == 36
    assert ((elapsed >= 46) == (legacy >= 47)).all()


def test_october_is_84_percent(assessments):
    total = assessment_timeliness(assessments, "2024-10").iloc[-1]
    assert round(total.percent) == 84
    assert (total.completed, total.in_time) == (182, 153)


def test_other_months_are_plausible_and_varied(assessments):
    trend = timeliness_trend(assessments, "2023-09", "2024-08")
    assert list(trend["month"]) == [str(p) for p in pd.period_range("2023-09", "2024-08", freq="M")]
    assert trend["percent"].between(75, 88).all()
    assert trend["percent"].max() - trend["percent"].min() > 5
    assert trend["completed"].between(100, 200).all()


def test_audit_tracker_gives_the_seed_percentages(audit):
    summary = audit_summary(audit).set_index("measure")
    assert summary.loc["Audits allocated", "count"] == 39
    rounded = summary["percent"].round().astype(int).to_dict()
    assert rounded["Audits completed"] == 85
    assert rounded["New concerns"] == 39
    assert rounded["Similar concerns"] == 61
    assert rounded["Similar concerns: domestic abuse"] == 59
    assert rounded["Similar concerns: risk outside the home"] == 35
    assert rounded["Similar concerns: neglect"] == 6


# --- the questionable rows ----------------------------------------------------------


def test_questionable_rows_are_flagged_and_kept_out(extracts, assessments):
    quality = extracts["assessments"].quality
    # Planted in xladdin/demo.py: two of each, one future date; the rest are clean.
    assert quality["rule"].value_counts().to_dict() == {
        "duplicate": 2,
        "team": 2,
        "date": 2,
        "8608": 2,
        "future": 1,
    }
    flagged = assessments[assessments["problem"].ne("")]
    assert sorted(flagged["source_row"]) == sorted(quality["row"])
    september = flagged["authorised"].dt.to_period("M") == pd.Period("2024-09", "M")
    assert september.sum() >= 3  # a duplicate, a blank team, authorised before start
    outside = set(quality.loc[quality["row"].isin(flagged.loc[~september, "source_row"]), "rule"])
    assert outside >= {"duplicate", "team", "8608", "date"}
    # Counted naively (no validation), September would not match the seed.
    naive = assessment_timeliness(assessments.assign(problem=""), "2024-09", counting="legacy")
    assert naive.iloc[-1].completed > 150


def test_referrals_quality_and_cross_checks(extracts):
    assert extracts["referrals"].quality["rule"].value_counts().to_dict() == {
        "team": 3,
        "duplicate": 1,
    }
    assert extracts["assessments"].extract_date == dt.date(2024, 10, 31)  # from the title row
    assert extracts["referrals"].extract_date == dt.date(2024, 10, 31)
    # No warnings across the lists: start before referral (1103), NFA but assessed (8831).
    assert cross_check(extracts["assessments"], extracts["referrals"]).empty
    assert extracts["audit"].quality.empty


def test_time_parts_on_some_authorisation_dates(files):
    text = files["assessments"].read_text(encoding="utf-8")
    assert len(re.findall(r",\d\d/\d\d/\d{4} \d\d:\d\d,", text)) >= 20


# --- open assessments and referrals -------------------------------------------------


def test_open_assessments_at_the_extract_date(assessments):
    listed = open_assessments(assessments, dt.date(2024, 10, 31))
    # The plan's 9 overdue (46-58 working days elapsed); its 12 "due soon" (35-44) and 84 not yet
    # due have deadlines after Thu 31/10/2024, so nothing is due this month.
    assert listed["status"].value_counts().to_dict() == {"later": 96, "overdue": 9}
    assert sorted(listed.loc[listed["status"] == "overdue", "days_left"]) == sorted(
        45 - listed.loc[listed["status"] == "overdue", "elapsed"]
    )
    rows = usable(assessments)
    still_open = rows[rows["authorised"].isna()]
    assert still_open["start"].min() >= pd.Timestamp("2024-08-01")


def test_every_assessment_has_its_referral_on_or_before_the_start(assessments, referrals):
    rows = usable(assessments)
    starts = clock_starts(rows, clock="referral", referrals=usable(referrals))
    assert starts.attrs.get("fallbacks", 0) == 0
    gap = (rows["start"] - starts).dt.days
    assert gap.between(0, 6).all()
    # The referral that led to each assessment is not marked NFA (CIN rule 8831).
    led = pd.merge_asof(
        rows.sort_values("start")[["child_id", "start"]],
        usable(referrals).sort_values("referral_date")[["child_id", "referral_date", "nfa"]],
        left_on="start",
        right_on="referral_date",
        by="child_id",
        direction="backward",
    )
    assert led["nfa"].eq("b) No").all()
    coded = referrals["source"].str.match(r"^[a-u]\) \d+[A-F]?: ")
    assert coded.all()
    assert "q) 6: Police" in set(referrals["source"])
    assert set(referrals["nfa"]) == {"a) Yes", "b) No"}


def test_rereferrals_run_near_the_national_rate_and_vary_by_team(referrals):
    table = rereferral_rate(referrals, "2024-09")
    total = table.iloc[-1]
    assert 15 <= total.percent <= 30  # national 2024: 22%
    teams = table.iloc[:-1]
    assert teams.loc[teams["referrals"] >= 5, "percent"].std() > 5
    # The extract begins 01/05/2023, so September's look-back (from September 2023) is inside it:
    # the dates decide every referral.
    evidence = table.attrs["evidence"]
    assert (evidence.used, evidence.on_column, evidence.by_dates) == ("dates", 0, total.rereferrals)
    assert evidence.start == dt.date(2023, 5, 1)


def test_the_column_has_ofsteds_meaning_one_value_per_child_lowest_0(files, referrals):
    raw = _raw(files["referrals"], 2)
    counts = raw["Number of Referrals in Last 12 Months"].astype(int)
    assert counts.min() == 0
    assert counts.groupby(raw["Child Unique ID"]).nunique().max() == 1  # the same on every row of a child
    # For a child whose 12 months before their latest referral lie inside the extract, the
    # column is exactly the number of their earlier rows in that window.
    rows = usable(referrals)
    latest = rows.groupby("child_id")["referral_date"].transform("max")
    window = (rows["referral_date"] >= latest - pd.DateOffset(months=12)) & (rows["referral_date"] < latest)
    inside = window.groupby(rows["child_id"]).sum()
    late = rows.loc[latest - pd.DateOffset(months=12) >= pd.Timestamp("2023-05-01")]
    column = late.groupby("child_id")["referrals_12m"].first().astype(int)
    assert len(column) > 500 and (column == inside[column.index]).all()


def test_a_six_month_extract_with_the_column_gives_the_full_extracts_figure(referrals):
    # Cut the demo to the six months an Annex A return covers (April to September 2024):
    # earlier referrals are gone, only the column shows them, and the figure is the same.
    full = rereferral_rate(referrals, "2024-09").iloc[-1]
    cut = referrals[referrals["referral_date"] >= pd.Timestamp("2024-04-01")]
    table = rereferral_rate(cut, "2024-09")
    evidence = table.attrs["evidence"]
    assert table.iloc[-1][["referrals", "rereferrals"]].tolist() == [full.referrals, full.rereferrals]
    assert evidence.used == "dates and column" and evidence.by_column > 0
    assert evidence.by_dates + evidence.by_column == full.rereferrals
    # Without the column, those re-referrals cannot be seen, and the output says so.
    blind = rereferral_rate(cut.drop(columns=["referrals_12m"]), "2024-09").attrs["evidence"]
    assert blind.rereferrals == evidence.by_dates and blind.undecided == evidence.on_column
    assert "the rate may be too low" in blind.sentence()


# --- files -----------------------------------------------------------------------


def test_regeneration_is_byte_identical_to_the_shipped_files(files):
    shipped = demo.demo_paths()
    assert set(shipped) == {"assessments", "referrals", "audit"}
    for key, path in files.items():
        assert path.name == shipped[key].name
        assert path.read_bytes() == shipped[key].read_bytes(), f"{key}: run python -m xladdin.demo"


def test_title_rows_and_published_headers(files):
    titles = {
        "assessments": [b"Annex A List 4: Assessments - extracted 31/10/2024", b""],
        "referrals": [b"Annex A List 3: Referrals - extracted 31/10/2024", b""],
        "audit": [demo.AUDIT_TITLE.encode(), demo.AUDIT_NOTE.encode(), b""],
    }
    for key, lines in titles.items():
        text = files[key].read_bytes().split(b"\r\n")
        assert text[: len(lines)] == lines
        # All the published headers, in the published order (csv quotes none of them).
        assert text[len(lines)].decode() == ",".join(HEADERS[key].values())


def _raw(path, title_rows):
    """Every column of a demo file as text (the readers keep only the columns they need)."""
    return pd.read_csv(path, skiprows=title_rows, dtype=str, keep_default_na=False)


def test_no_real_looking_child_data(files):
    for key in ("assessments", "referrals"):
        raw = _raw(files[key], 2)
        assert raw["Child Unique ID"].str.fullmatch(r"DEMO\d{6}").all()
        born = pd.to_datetime(raw["Date of Birth"], format="%d/%m/%Y")
        # Children: under 18 at a first referral, the earliest of which (before the extract) is in 2022.
        assert (born < EXTRACT).all() and (born > pd.Timestamp("2004-01-01")).all()
        workers = set(raw["Allocated Worker"]) - {""}
        assert workers and all(
            w.split()[0] in demo.FIRST_NAMES and w.split()[1] in demo.LAST_NAMES for w in workers
        )
    tracker = _raw(files["audit"], 3)
    assert list(tracker.columns) == list(schema.AUDIT_HEADERS.values())  # no child or worker
    assert tracker["Audit ID"].str.fullmatch(r"RRA-2024-\d{3}").all()


def test_rows_are_few_thousand_at_most_and_use_the_seed_teams(assessments, referrals):
    assert len(assessments) < 3000 and len(referrals) < 5000
    for frame in (assessments, referrals):
        assert set(frame["team"].dropna().astype(str)) == set(demo.TEAMS)
