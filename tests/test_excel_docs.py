"""The Excel docs hold what the issue asks of them: an acceptance script a person can follow and tick.

docs/excel-acceptance.md: 10 to 15 numbered steps, each saying what to see and
with a line to tick; the first failure branch (the workbook will not enable)
says how to import the modules and save. README's "NOT seen working" list
points at it. docs/it-checklist.md names the things IT is asked for.
"""

from __future__ import annotations

import re
from pathlib import Path

from xladdin.excel.xlsm import vba_modules

ROOT = Path(__file__).resolve().parents[1]
ACCEPTANCE = (ROOT / "docs" / "excel-acceptance.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
CHECKLIST = (ROOT / "docs" / "it-checklist.md").read_text(encoding="utf-8")


def _steps() -> list[tuple[int, str]]:
    main = ACCEPTANCE.split("## If the workbook will not enable")[0]
    found = re.findall(r"^\*\*(\d+)\. (.*?)(?=^\*\*\d+\. |^---|\Z)", main, re.S | re.M)
    return [(int(n), text) for n, text in found]


def test_acceptance_has_10_to_15_numbered_steps_each_with_what_to_see_and_a_tick():
    steps = _steps()
    assert 10 <= len(steps) <= 15
    assert [n for n, _ in steps] == list(range(1, len(steps) + 1))
    for n, text in steps:
        assert "- [ ]" in text, n
        assert re.search(r"[Yy]ou should see|You see", text), n


def test_acceptance_covers_what_the_issue_lists():
    text = ACCEPTANCE.lower()
    for topic in ("pip install", "unblock", "enable content", "check set-up", "=workdays45(a1, b1)",
                  "=workdays45(a3:a5, b3:b5)", "refresh", "build spotlight", "export for leadership",
                  "missing.csv", "xlwings addin remove"):  # fmt: skip
        assert topic in text, topic


def test_the_will_not_enable_branch_imports_every_module_and_saves():
    branch = ACCEPTANCE.split("## If the workbook will not enable")[1]
    assert "build-workbook --no-vba" in branch
    assert "File > Import File" in branch and "Debug > Compile VBAProject" in branch
    for module in vba_modules():
        assert f"{module}.bas" in branch
    assert "Tools > References" in branch and "save" in branch.lower()
    # Step 5 sends the reader there on failure.
    assert "**If the workbook will not enable**" in dict(_steps())[5]


def test_readme_points_at_the_acceptance_script_and_the_it_checklist():
    not_verified = README.split("### What has NOT been seen working in real Excel")[1].split("## ")[0]
    assert "docs/excel-acceptance.md" in not_verified
    assert "docs/it-checklist.md" in README
    for ask in ("Python 3.11", "xlwings addin install", "Trusted Location", "child processes",
                "Trust access to the VBA project object model", "%TEMP%\\xladdin-errors.log",
                "Open assessments", "DPIA"):  # fmt: skip
        assert ask in CHECKLIST, ask


def _lite_steps() -> list[tuple[int, str]]:
    lite = ACCEPTANCE.split("## xlwings Lite (no Python on the PC)")[1].split("## What to send back")[0]
    found = re.findall(r"^\*\*L(\d+)\. (.*?)(?=^\*\*L\d+\. |\Z)", lite, re.S | re.M)
    return [(int(n), text) for n, text in found]


def test_the_lite_steps_each_say_what_to_see_and_have_a_tick():
    steps = _lite_steps()
    assert [n for n, _ in steps] == list(range(1, len(steps) + 1)) and len(steps) >= 8
    for n, text in steps:
        assert "- [ ]" in text and "You should see" in text, n
    text = " ".join(t for _, t in steps)
    for topic in ("Add-ins", "performance-lite.xlsx", "requirements.txt", "From Text/CSV", "check_setup",
                  "=WORKDAYS45(A1, B1)", "`refresh`", "114 of 150", "build_spotlight", "required column"):  # fmt: skip
        assert topic in text, topic


def test_readme_says_how_to_use_it_without_python_and_what_was_verified():
    lite = README.split("## Use it without Python (xlwings Lite)")[1].split("\n## ")[0]
    for topic in ("Install the add-in", "Open `performance-lite.xlsx`", "Load the extracts", "Run Refresh",
                  "--wheel-url", "GitHub release", "Left to the desktop route", "Privacy", "Plausible",
                  "### What has been verified for xlwings Lite", "### What has NOT been seen working in xlwings Lite",
                  "docs/excel-acceptance.md"):  # fmt: skip
        assert topic in lite, topic
    # The Lite section of the acceptance script is where the README says.
    assert '"xlwings Lite"' in lite.split("### What has NOT been seen working in xlwings Lite")[1]
