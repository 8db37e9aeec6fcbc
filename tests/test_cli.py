"""The CLI contract (issue 2, section 5), run as a real process where it matters.

The expected team table is copied from the seed report
(the November 2024 Performance Spotlight, "Assessment data for September"),
which is the legacy (final-day-is-late) table.
"""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from xladdin import cli, demo

# Team/Locality, Denominator, Numerator, % -- as printed in the seed report.
SEED_SEPTEMBER_2024 = """\
Children in Care 1	3	2	66.7
Children in Care 2	3	2	66.7
CRS	2	1	50.0
Family Help Central 1	1	1	100.0
Family Help Central 1 - CA	18	14	77.8
Family Help Central 2 - CA	1	1	100.0
Family Help East 1	4	2	50.0
Family Help East 1 - CA	11	1	9.1
Family Help East 2 - CA	6	3	50.0
Family Help West 1	4	4	100.0
Family Help West 1 - CA	17	17	100.0
Family Help West 2	1	1	100.0
Family Help West 2 - CA	13	4	30.8
Family Safeguarding Central	5	5	100.0
Family Safeguarding East 1	2	1	50.0
Family Safeguarding East 2	8	8	100.0
Family Safeguarding West 1	17	4	23.5
Family Safeguarding West 2	3	3	100.0
Jigsaw 1	8	8	100.0
Jigsaw 2	7	5	71.4
Jigsaw 3	6	6	100.0
Young People Team 1	7	6	85.7
Young People Team 2	3	1	33.3
Total	150	100	66.7
"""


def run(*args, check=True):
    """Run the installed CLI as a separate process (what a user or another tool does)."""
    proc = subprocess.run(
        [sys.executable, "-m", "xladdin.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def list4():
    return str(demo.demo_paths()["assessments"])


@pytest.fixture(scope="module")
def list3():
    return str(demo.demo_paths()["referrals"])


def test_legacy_september_is_the_seed_table_row_for_row(list4):
    out = run("timeliness", list4, "--month", "2024-09", "--counting", "legacy", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["team", "completed", "in_time", "percent"]
    expected = [line.split("\t") for line in SEED_SEPTEMBER_2024.splitlines()]
    assert rows[1:] == expected


def test_corrected_september_is_114_of_150(list4):
    out = run("timeliness", list4, "--month", "2024-09", "--format", "csv").stdout
    assert out.splitlines()[-1] == "Total,150,114,76.0"


def test_october_is_84_percent(list4):
    data = json.loads(run("timeliness", list4, "--month", "2024-10", "--format", "json").stdout)
    assert data["table"][-1]["team"] == "Total"
    assert round(data["table"][-1]["percent"]) == 84
    # Every row accounted for: the demo List 4's 2,092 rows, 9 of them kept out (xladdin quality).
    assert (data["rows"], data["counted"], data["kept_out"]) == (2223, 2214, 9)
    assert (data["extract_date"], data["extract_date_source"]) == ("2024-10-31", "title")


def test_table_format_is_readable(list4):
    out = run("timeliness", list4, "--month", "2024-09", "--counting", "legacy").stdout
    assert out.splitlines()[0].split() == ["Team/Locality", "Denominator", "Numerator", "%"]
    assert out.splitlines()[-1].split() == ["Total", "150", "100", "66.7%"]


def test_rereferrals_csv_header_rows_and_total(list3):
    out = run("rereferrals", list3, "--month", "2024-09", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["team", "referrals", "rereferrals", "percent"]
    assert rows[-1][0] == "Total"
    body = rows[1:-1]
    assert [r[0] for r in body] == sorted((r[0] for r in body), key=str.casefold)
    assert int(rows[-1][1]) == sum(int(r[1]) for r in body)
    assert int(rows[-1][2]) == sum(int(r[2]) for r in body)
    assert 0 < int(rows[-1][2]) < int(rows[-1][1])


def test_quality_lists_the_demo_problems(list4):
    out = run("quality", list4, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows, "the demo extract has deliberate problems"
    assert {"file", "row", "column", "value", "reason"} <= set(rows[0])
    assert all(r["file"] == "list4_assessments.csv" for r in rows)


def test_quality_cross_checks_against_referrals(list4, list3):
    out = run("quality", list4, "--referrals", list3, "--format", "csv").stdout
    files = {r["file"] for r in csv.DictReader(io.StringIO(out))}
    assert files == {"list4_assessments.csv", "list3_referrals.csv"}
    proc = run("quality", list3, "--referrals", list3, check=False)
    assert proc.returncode == 2
    assert "list3_referrals.csv is not an assessments extract (List 4)" in proc.stderr


def test_workdays_prints_elapsed_deadline_and_verdict():
    out = run("workdays", "22/07/2024", "24/09/2024").stdout
    assert "Elapsed working days: 45" in out
    assert "Tue 24/09/2024" in out
    assert "Result:   in time" in out
    assert "46 (late by legacy counting)" in out
    late = run("workdays", "2024-07-22", "2024-09-25").stdout
    assert "Result:   late" in late


def test_workdays_with_local_closure_day(tmp_path):
    closures = tmp_path / "closures.txt"
    closures.write_text("# council closure\n23/12/2024\n", encoding="utf-8")
    base = run("workdays", "20/12/2024", "24/12/2024").stdout
    closed = run("workdays", "20/12/2024", "24/12/2024", "--closures", str(closures)).stdout
    assert "Elapsed working days: 2" in base
    assert "Elapsed working days: 1" in closed


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["workdays", "24/09/2024", "22/07/2024"],
            "The end date 2024-07-22 is before the start date 2024-09-24",
        ),
        (
            ["workdays", "31/02/2024", "22/07/2024"],
            "START: '31/02/2024' is not a date (write it as dd/mm/yyyy",
        ),
        (["timeliness", "no-such-file.csv", "--month", "2024-09"], "no-such-file.csv"),
        (["timeliness", "{list4}", "--month", "2024-9"], "Month '2024-9' is not a month"),
        (["workdays", "01/01/2024", "02/01/2024", "--closures", "missing.txt"], "missing.txt: cannot read"),
    ],
)
def test_unusable_input_exits_2_with_a_message_and_no_traceback(args, message, list4):
    proc = run(*[a.format(list4=list4) for a in args], check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_bad_closure_file_names_the_line(tmp_path):
    closures = tmp_path / "closures.txt"
    closures.write_text("23/12/2024\nChristmas Eve\n", encoding="utf-8")
    proc = run("workdays", "20/12/2024", "24/12/2024", "--closures", str(closures), check=False)
    assert proc.returncode == 2
    assert "closures.txt line 2: 'Christmas Eve' is not a date" in proc.stderr


def test_progress_is_quiet_when_not_a_terminal(list4):
    proc = run("timeliness", list4, "--month", "2024-09")
    assert "\r" not in proc.stderr


def test_team_names_print_in_utf8(tmp_path, list4):
    src = open(list4, encoding="utf-8").read().replace("Jigsaw 1", "Jigsaw Ŵ 1")
    f = tmp_path / "accents.csv"
    f.write_text(src, encoding="utf-8")
    out = run("timeliness", str(f), "--month", "2024-09", "--format", "csv").stdout
    assert "Jigsaw Ŵ 1," in out


def test_main_returns_exit_code_in_process(capsys):
    assert cli.main(["workdays", "22/07/2024", "24/09/2024"]) == 0
    assert "in time" in capsys.readouterr().out


def test_demo_builds_every_output(tmp_path):
    out = tmp_path / "demo"
    printed = run("demo", "--out", str(out)).stdout
    assert "2024-09 corrected counting: 114 of 150" in printed
    assert "2024-09    legacy counting: 100 of 150" in printed
    for name in (
        "performance.xlsx",
        "performance.xlsm",
        "performance-lite.xlsx",
        "spotlight-leadership.xlsx",
        "spotlight-leadership.pdf",
    ):
        assert (out / name).stat().st_size > 0, name
        assert str(out / name) in printed or name in printed
    assert sorted(p.name for p in (out / "pages").glob("*.png"))
    import zipfile

    with zipfile.ZipFile(out / "performance.xlsm") as z:
        assert {"xl/vbaProject.bin", "customUI/customUI14.xml"} <= set(z.namelist())
    # The workbook for xlwings Lite carries its code, and the demo's Settings and commentary.
    from xladdin.excel.lite.parts import main_source, read_properties

    assert read_properties(out / "performance-lite.xlsx")["main.py"] == main_source()
    lite = openpyxl_load(out / "performance-lite.xlsx")
    for name, start in (("set_month", "2024-09"), ("com_assessment", "September first showed 67%")):
        sheet, ref = next(iter(lite.defined_names[name].destinations))
        assert str(lite[sheet][ref.replace("$", "")].value).startswith(start), name
    assert {"Assessments extract", "Referrals extract", "Audit tracker"} <= set(lite.sheetnames)
    # The refreshed demo workbook answers the same as the CLI: read it back.
    import openpyxl

    wb = openpyxl.load_workbook(out / "performance.xlsm", keep_vba=True)
    ws = wb["Team table"]
    cells = [c.value for row in ws.iter_rows() for c in row]
    assert "Total" in cells and 150 in cells and 114 in cells


def openpyxl_load(path):
    import openpyxl

    return openpyxl.load_workbook(path)


def test_export_suppression_flag_overrides_settings(tmp_path):
    out = tmp_path / "d"
    run("demo", "--out", str(out))
    on = run(
        "export", str(out / "performance-spotlight.xlsx"), "--out", str(tmp_path / "on.xlsx"), "--suppress"
    ).stdout
    off = run(
        "export",
        str(out / "performance-spotlight.xlsx"),
        "--out",
        str(tmp_path / "off.xlsx"),
        "--no-suppress",
    ).stdout
    assert "cell(s) shown as 'c'" in on
    assert "nothing suppressed" in off


def test_demo_without_libreoffice_still_builds_the_workbooks(tmp_path):
    # README line 1 on a fresh machine with only Python: no soffice on PATH.
    out = tmp_path / "demo"
    env = {**os.environ, "PATH": str(tmp_path), "XLADDIN_SOFFICE": str(tmp_path / "none")}
    proc = subprocess.run(
        [sys.executable, "-m", "xladdin.cli", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "No PDF or page images" in proc.stdout and "LibreOffice" in proc.stdout
    assert (out / "spotlight-leadership.xlsx").exists() and (out / "performance.xlsm").exists()
    assert not (out / "spotlight-leadership.pdf").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # Quick to start (issue 13): two typed dates need the working-day engine (numpy) only.
        (["workdays", "22/07/2024", "2024-09-24"], "Elapsed working days: 45"),
        # The set-up check without a workbook reads versions, not data.
        (["doctor"], "xladdin set-up check"),
    ],
)
def test_quick_commands_import_neither_pandas_nor_openpyxl_nor_xlwings(args, said):
    code = (
        f"import sys; from xladdin.cli import main; rc = main({args!r}); "
        "print(sorted(m for m in ('pandas', 'openpyxl', 'xlwings') if m in sys.modules)); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert said in done.stdout, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
