"""docs/counting-rules.md cannot drift silently, and the repository stands alone.

Every rule heading of the counting-rules page names the function that implements it; the
function must exist. The code's and README's pointers go to that page, never to a file
outside the repository.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "counting-rules.md"
HEADING = re.compile(r"^(#{2,3}) (.+)$", re.MULTILINE)
NAMED = re.compile(r"`(xladdin(?:\.\w+)+)`")
# Spelled in pieces so that this file does not name them itself.
OUTSIDE = ("DOMAIN" + ".md", "FINDINGS" + ".md", "../" + "shared", "shared/" + "seed-")


def resolve(dotted: str) -> object:
    """``xladdin.core.workdays.deadline`` -> the function (the longest importable module, then attributes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            found = getattr(found, attr)
        return found
    raise ModuleNotFoundError(dotted)


def rule_headings() -> list[str]:
    return [title for level, title in HEADING.findall(DOC.read_text(encoding="utf-8")) if level == "##"]


def test_every_rule_heading_names_a_function_that_exists():
    headings = rule_headings()
    assert len(headings) >= 15
    for title in headings:
        names = NAMED.findall(title)
        assert names, f"the heading {title!r} names no function (`xladdin.module.function`)"
        for name in names:
            assert callable(resolve(name)), name


def test_every_function_named_in_the_page_exists():
    for name in set(NAMED.findall(DOC.read_text(encoding="utf-8"))):
        assert callable(resolve(name)), name


@pytest.mark.parametrize(
    "rule",
    [
        "xladdin.core.calendar.get_calendar",
        "xladdin.core.workdays.working_days_between",
        "xladdin.core.workdays.deadline",
        "xladdin.core.workdays.in_time",
        "xladdin.core.workdays.networkdays",
        "xladdin.core.measures.assessment_timeliness",
        "xladdin.core.measures.clock_starts",
        "xladdin.core.projection.open_assessments",
        "xladdin.core.projection.month_end_projection",
        "xladdin.core.rereferrals.lookback",
        "xladdin.core.measures.rereferral_rate",
        "xladdin.core.quality.check_referrals",
        "xladdin.core.measures.completed_assessments",
        "xladdin.core.measures.trend_start",
        "xladdin.report.figures.Figures",
    ],
)
def test_the_rules_the_code_follows_each_have_a_heading(rule):
    assert any(rule in NAMED.findall(title) for title in rule_headings()), rule


def test_the_worked_examples_are_in_the_page():
    text = DOC.read_text(encoding="utf-8")
    examples = ("Tue 24/09/2024", "Mon 23/09/2024", "26/08/2024", "66.7%", "76.0%", "3 of 6", "4 of 5")
    for example in (*examples, "(1 + 2) / (2 + 2) = **75.0%**", "(1 + 2) / (2 + 2 + 2) = **50.0%**"):
        assert example in text, example


def test_readme_and_the_rules_modules_point_at_the_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The counting rules", 1)[1].split("\n## ", 1)[0]
    assert "docs/counting-rules.md" in section
    for module in ("core/measures.py", "core/rereferrals.py", "core/workdays.py", "core/calendar.py"):
        assert "docs/counting-rules.md" in (ROOT / "xladdin" / module).read_text(encoding="utf-8"), module


def test_nothing_points_outside_the_repository():
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for folder, patterns in (
        ("xladdin", ("*.py", "*.bas", "*.xml")),
        ("tests", ("*.py",)),
        ("benchmarks", ("*.py", "*.md")),
    ):
        for pattern in patterns:
            files += sorted((ROOT / folder).rglob(pattern))
    assert len(files) > 50
    here = Path(__file__).resolve()
    found = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in files
        if path.resolve() != here
        for word in OUTSIDE
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_a_missing_function_is_caught():
    with pytest.raises(AttributeError):
        resolve("xladdin.core.measures.no_such_rule")
