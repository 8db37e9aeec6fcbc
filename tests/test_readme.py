"""The README's commands and example are real: run them."""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def block_after(heading: str, lang: str = "") -> str:
    m = re.search(rf"^##\s*{heading}.*?```{lang}\n(.*?)```", README, re.S | re.M | re.I)
    assert m, f"no ``` block under '{heading}'"
    return m.group(1)


def test_quick_start_is_two_commands_and_ci_runs_them():
    lines = [ln for ln in block_after("Quick ?start").splitlines() if ln.strip()]
    assert lines == ['pip install -e ".[test]" && xladdin demo', "pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -q -e ".[test]" && xladdin demo' in ci
    assert re.search(r"^pytest$", ci, re.M)


def test_python_example_runs_and_prints_what_it_says():
    code = block_after("Python", "python")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == "Total 150 100 66.7%"
    assert lines[1] == "2024-09-24"
    assert lines[2] == "45"
    assert re.fullmatch(r"\d+ rows in the data-quality list", lines[3])
    assert (
        lines[4]
        == "list4_assessments.csv: 2,223 rows = 2,214 counted + 9 kept out (xladdin quality list4_assessments.csv lists them)"
    )


def test_workdays_example_output_matches_the_cli(capsys):
    from xladdin import cli

    m = re.search(r"\$ xladdin workdays 22/07/2024 24/09/2024\n(.*?)```", README, re.S)
    assert m
    cli.main(["workdays", "22/07/2024", "24/09/2024"])
    assert capsys.readouterr().out == m.group(1)
