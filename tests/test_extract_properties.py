"""Every row accounted for, whatever is broken (issue 9: "rows in = counted + listed, always").

Hypothesis writes List 4 CSVs whose lines are broken at random (a value too many or too few,
a stray quote that never closes, a junk date) among clean lines, blank lines, whitespace lines
and values that legitimately run over two lines in quotes. Whatever it writes:

* rows in the extract == counted + kept out, and every generated row is one row;
* every row kept out is in the data-quality list, and no listed row is counted;
* each clean line counts and each broken line is kept out, at its own line number.
"""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xladdin.core.quality import EXCLUDING_RULES
from xladdin.extracts import read_assessments

HEADER = (
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Does the Child have a Disability,"
    "Continuous Assessment Start Date,Child Seen During Continuous Assessment,"
    "Continuous Assessment Date of Authorisation,Was the child assessed as requiring LA children's social "
    "care support?,Allocated Team,Allocated Worker"
)
KINDS = [
    "clean",
    "clean",
    "clean",
    "nbsp",
    "two_lines",
    "extra",
    "missing",
    "stray_quote",
    "junk_date",
    "blank",
    "spaces",
]
BROKEN = {"extra", "missing", "stray_quote", "junk_date"}


def line_for(i: int, kind: str, team: str, day: int) -> tuple[str, int]:
    """One generated row (or blank line) as text, and how many physical lines it takes."""
    if kind == "blank":
        return "", 1
    if kind == "spaces":
        return "  \t ", 1
    start, auth = f"{day:02d}/07/2024", f"{day:02d}/09/2024"
    worker = f"Worker {i}"
    if kind == "nbsp":
        team = team.replace(" ", "\u00a0")
    if kind == "junk_date":
        auth = "someday"
    values = [
        f"C{i}",
        "a) Male",
        "a) WBRI",
        "01/01/2015",
        "9",
        "b) No",
        start,
        "a) Yes",
        auth,
        "a) Yes",
        team,
        worker,
    ]
    if kind == "extra":
        values.insert(10, "x")
    if kind == "missing":
        values.pop()
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(values)
    text = buf.getvalue()
    if kind == "two_lines":
        text = text[: -len(worker)] + f'"{worker}\nsecond line"'
        return text, 2
    if kind == "stray_quote":
        text = text.replace(f",{team},", f',"{team},', 1)
    return text, 1


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=30),
    teams=st.lists(st.sampled_from(["Team A", "Team B", "North East"]), min_size=30, max_size=30),
    days=st.lists(st.integers(min_value=1, max_value=28), min_size=30, max_size=30),
    crlf=st.booleans(),
)
def test_rows_in_equal_counted_plus_listed(tmp_path_factory, kinds, teams, days, crlf):
    lines, expected, child = [], {}, {}  # expected: first line number of each row -> broken?
    number = 4  # title line 1, blank line 2, header line 3
    for i, kind in enumerate(kinds):
        text, used = line_for(i, kind, teams[i], days[i])
        lines.append(text)
        if kind not in ("blank", "spaces"):
            expected[number] = kind in BROKEN
            child[number] = (f"C{i}", teams[i])
        number += used
    if not expected:
        return
    path = tmp_path_factory.mktemp("prop") / "list4.csv"
    body = "\n".join(["Annex A List 4 - extracted 31/10/2024", "", HEADER, *lines]) + "\n"
    path.write_bytes(body.replace("\n", "\r\n" if crlf else "\n").encode("utf-8"))

    ex = read_assessments(path)
    f = ex.frame
    kept = set(f.loc[f["problem"] != "", "source_row"].tolist())
    counted = set(f.loc[f["problem"] == "", "source_row"].tolist())
    listed = set(ex.quality.loc[ex.quality["rule"].isin(EXCLUDING_RULES), "row"].tolist())

    assert ex.rows == ex.counted + ex.kept_out == len(expected)
    assert listed == kept and not (listed & counted)
    assert sorted(f["source_row"].tolist()) == sorted(expected)
    assert kept == {line for line, broken in expected.items() if broken}
    # Each counted row holds its own line's values: nothing shifted, merged or skipped wrongly.
    ok = f[f["problem"] == ""]
    assert dict(zip(ok["source_row"], zip(ok["child_id"], ok["team"]))) == {
        line: child[line] for line in counted
    }
