"""The re-referrals audit summary: bases, coded values, and messages a person can act on.

Source of the literal percentages: the seed report (November 2024 Performance Spotlight),
"Re-referrals audit summary" (39 audits, 85% completed, 39% new, 61% similar;
of the similar, 59% domestic abuse, 35% risk outside the home, 6% neglect).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from xladdin import demo
from xladdin.core import schema
from xladdin.core.audit import AUDIT_SUMMARY_COLUMNS, audit_summary
from xladdin.errors import XladdinError
from xladdin.extracts.read import read_audit


def _tracker(rows):
    return pd.DataFrame(rows, columns=list(schema.AUDIT_HEADERS))


def _shipped():
    return read_audit(demo.demo_paths()["audit"]).frame


def test_shipped_tracker_gives_the_seed_summary_line_by_line():
    got = audit_summary(_shipped())
    assert list(got.columns) == AUDIT_SUMMARY_COLUMNS
    expected = [  # hand-checked: 33/39 = 84.6, 11/28 = 39.3, 17/28 = 60.7, 10/17 = 58.8 ...
        ("Audits allocated", 39, 39, 100.0),
        ("Audits completed", 33, 39, 84.6),
        ("Completed, finding not recorded", 5, 33, 15.2),
        ("New concerns", 11, 28, 39.3),
        ("Similar concerns", 17, 28, 60.7),
        ("Similar concerns: domestic abuse", 10, 17, 58.8),
        ("Similar concerns: risk outside the home", 6, 17, 35.3),
        ("Similar concerns: neglect", 1, 17, 5.9),
    ]
    assert [tuple(r) for r in got.itertuples(index=False)] == expected
    seed = {
        "Audits completed": 85,
        "New concerns": 39,
        "Similar concerns": 61,
        "Similar concerns: domestic abuse": 59,
        "Similar concerns: risk outside the home": 35,
        "Similar concerns: neglect": 6,
    }
    rounded = dict(zip(got["measure"], got["percent"].round().astype(int), strict=True))
    assert {k: rounded[k] for k in seed} == seed


def test_new_concern_types_are_not_in_the_similar_split():
    got = audit_summary(
        _tracker(
            [
                ("A1", "T", "Yes", "New", "Neglect"),
                ("A2", "T", "Yes", "Similar", "Domestic abuse"),
                ("A3", "T", "Yes", "similar", "domestic  Abuse"),
                ("A4", "T", "Yes", "Similar", ""),
            ]
        )
    ).set_index("measure")
    assert "Similar concerns: neglect" not in got.index
    assert got.loc["Similar concerns: domestic abuse", ["count", "base"]].tolist() == [2, 3]
    assert got.loc["Similar concerns: not recorded", "count"] == 1
    assert got.index[-1] == "Similar concerns: not recorded"


def test_uncompleted_audits_count_as_allocated_only_and_bools_and_codes_work():
    got = audit_summary(
        _tracker(
            [
                ("A1", "T", True, "New", ""),
                (
                    "A2",
                    "T",
                    False,
                    "Similar",
                    "Neglect",
                ),  # not completed: its finding does not count
            ]
        )
    ).set_index("measure")
    assert got.loc["Audits completed", ["count", "base"]].tolist() == [1, 2]
    assert got.loc["Similar concerns", "count"] == 0
    coded = audit_summary(_tracker([("A1", "T", "a) Yes", "New", ""), ("A2", "T", "b) No", "", "")]))
    assert coded.set_index("measure").loc["Audits completed", "count"] == 1


def test_rows_with_a_problem_are_kept_out():
    frame = _tracker([("A1", "T", "Yes", "New", ""), ("A1", "T", "Yes", "New", "")])
    frame["problem"] = ["", "duplicate"]
    got = audit_summary(frame).set_index("measure")
    assert got.loc["Audits allocated", "count"] == 1


def test_empty_bases_give_nan_not_an_error():
    got = audit_summary(_tracker([("A1", "T", "No", "", "")])).set_index("measure")
    assert math.isnan(got.loc["New concerns", "percent"])
    assert got.loc["Audits completed", "percent"] == 0.0


def test_unknown_concern_is_an_error_naming_the_row():
    frame = _tracker([("A1", "T", "Yes", "New", ""), ("A2", "T", "Yes", "Different", "")])
    frame["source_row"] = [5, 6]
    with pytest.raises(
        XladdinError,
        match=r"Audit tracker row 6: 'New or Similar Concern' is "
        r"'Different'; write New or Similar",
    ):
        audit_summary(frame)


def test_unknown_completed_value_is_an_error_naming_the_row():
    frame = _tracker([("A1", "T", "Yes", "New", ""), ("A2", "T", "Maybe", "New", "")])
    with pytest.raises(
        XladdinError,
        match=r"Audit tracker row 2 of the table: 'Completed' is "
        r"'Maybe'; write Yes or No\.",
    ):
        audit_summary(frame)
