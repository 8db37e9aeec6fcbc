"""Check set-up: the ribbon button (through the stand-in for Excel) and ``xladdin doctor`` (as a process).

Both run ``xladdin.excel.doctor.run_checks``: one report, a line per check,
each ``ok``, ``FIX`` with what to do, or ``--`` (optional or not checkable here).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from test_ribbon import book, built, snapshot, type_in  # noqa: F401 (fixtures)

import xlwings_standin as standin
from xladdin.excel import doctor, ribbon
from xladdin.excel.xlsm import build_workbook
from xladdin.workbook.settings import named_cell


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # the exit status is asserted by each test
        [sys.executable, "-m", "xladdin.cli", "doctor", *args],
        check=False, capture_output=True, text=True, timeout=120, cwd=cwd,
    )  # fmt: skip


def lines_of(report: str) -> dict[str, str]:
    """``{check name: "status detail"}`` from a report."""
    out = {}
    for line in report.splitlines():
        status, _, rest = line.partition(" ")
        if status in (doctor.OK, doctor.FIX, doctor.SKIP) and ": " in rest:
            name, _, detail = rest.strip().partition(": ")
            out[name] = f"{status} {detail}"
    return out


# --------------------------------------------------------------------------- the ribbon button


def test_check_setup_shows_one_message_with_a_line_per_check(book: standin.Book) -> None:  # noqa: F811
    before = snapshot(book)
    checks = ribbon.check_setup(book)
    assert len(book.app.alerts) == 1
    alert = book.app.alerts[0]
    assert alert["title"] == "xladdin: Check set-up" and alert["mode"] == "info"
    got = lines_of(alert["prompt"])
    assert list(got) == [
        "Python", "xladdin", "xlwings", "xlwings add-in", "Settings", "Assessments extract (List 4)",
        "Referrals extract (List 3)", "Audit tracker", "Spotlight template", "Assessments column mapping",
        "Referrals column mapping", "Audit column mapping", "LibreOffice", "Date system", "Worksheet functions",
    ]  # fmt: skip
    assert got["Spotlight template"] == "-- blank (optional)"
    assert got["Python"].startswith(f"ok {sys.version_info.major}.{sys.version_info.minor}.")
    assert got["xlwings add-in"] == "ok installed (Excel reached it)"
    assert got["Assessments extract (List 4)"] == f"ok {Path(book.fullname).parent / 'list4_assessments.csv'}"
    assert got["Date system"] == "ok 1900 (Excel's default on Windows)"
    assert got["Worksheet functions"].startswith("ok WORKDAYS45, WORKDAYSBETWEEN, WORKDAYSDUE")
    assert alert["prompt"].endswith("Everything needed is in place.")
    assert [c.name for c in checks] == list(got)
    # It changes nothing, saves nothing, and gives the status bar back.
    assert snapshot(book) == before and book.saves == 0
    assert book.app.status_bar is False


def test_check_setup_reports_the_date_system_vba_passes(book: standin.Book) -> None:  # noqa: F811
    ribbon.check_setup(book, date1904=True)
    assert lines_of(book.app.alerts[0]["prompt"])["Date system"].startswith("ok 1904")


def test_a_broken_extract_path_is_one_line_to_fix_in_the_one_message(book: standin.Book) -> None:  # noqa: F811
    type_in(book, "set_assessments", "'missing/list4.csv")
    ribbon.check_setup(book)
    assert len(book.app.alerts) == 1
    alert = book.app.alerts[0]
    got = lines_of(alert["prompt"])
    missing = Path(book.fullname).parent / "missing" / "list4.csv"
    assert got["Assessments extract (List 4)"] == (
        f"FIX {missing} does not exist: correct the path on the Settings sheet "
        "(a relative path starts from the workbook's folder)"
    )
    assert got["Referrals extract (List 3)"].startswith("ok ")  # the other checks still ran
    assert alert["mode"] == "critical" and alert["prompt"].endswith("1 to fix (lines marked FIX).")


def test_unreadable_settings_are_named(book: standin.Book) -> None:  # noqa: F811
    type_in(book, "set_target", "lots")
    ribbon.check_setup(book)
    got = lines_of(book.app.alerts[0]["prompt"])
    assert got["Settings"].startswith("FIX cannot be read: Settings!B5 'Target (%)' is 'lots', not a number")
    assert "Assessments extract (List 4)" not in got  # paths come from Settings: not guessed


# --------------------------------------------------------------------------- xladdin doctor


def test_doctor_without_a_workbook_is_quick_to_start():
    # No pandas, numpy, openpyxl or xlwings: versions come from package metadata.
    script = (
        "import sys; from xladdin.cli import main; rc = main(['doctor']); "
        "print(sorted(m for m in ('pandas', 'numpy', 'openpyxl', 'xlwings') if m in sys.modules)); "
        "sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("[]")


def test_doctor_without_a_workbook_as_a_process():
    done = run_cli()
    assert done.returncode == 0, done.stderr
    got = lines_of(done.stdout)
    assert done.stdout.startswith("xladdin set-up check\n")
    assert got["xladdin"].startswith("ok ") and got["xlwings"].startswith("ok ")
    assert got["Workbook"].startswith("-- none given")
    if sys.platform != "win32":
        assert got["xlwings add-in"] == "-- Excel add-ins exist on Windows only; not checked here"


def test_doctor_on_a_built_workbook_with_demo_extracts(built: Path, tmp_path: Path) -> None:  # noqa: F811
    for f in built.iterdir():
        shutil.copy(f, tmp_path / f.name)
    done = run_cli("performance.xlsm", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    got = lines_of(done.stdout)
    assert got["Settings"] == "ok read from performance.xlsm"
    assert got["Assessments extract (List 4)"] == f"ok {tmp_path / 'list4_assessments.csv'}"
    assert got["Date system"] == "ok 1900 (Excel's default on Windows)"
    assert got["Worksheet functions"].startswith("ok WORKDAYS45")
    # A broken path: exit status 1 and the line says what to do.
    wb = openpyxl.load_workbook(tmp_path / "performance.xlsm")
    named_cell(wb, "set_referrals").value = "gone.csv"
    wb.save(tmp_path / "edited.xlsx")
    done = run_cli(str(tmp_path / "edited.xlsx"))
    assert done.returncode == 1
    assert lines_of(done.stdout)["Referrals extract (List 3)"].startswith(
        f"FIX {tmp_path / 'gone.csv'} does not exist"
    )
    assert lines_of(done.stdout)["Worksheet functions"].startswith("FIX edited.xlsx has no macros")


def test_doctor_names_a_missing_workbook_and_a_macro_free_package(tmp_path: Path) -> None:
    done = run_cli(str(tmp_path / "nowhere.xlsm"))
    assert done.returncode == 1
    assert (
        lines_of(done.stdout)["Workbook"]
        == f"FIX {tmp_path / 'nowhere.xlsm'} does not exist: give the path of performance.xlsm"
    )
    plain = build_workbook(tmp_path / "plain.xlsm", vba=False)
    got = lines_of(run_cli(str(plain)).stdout)
    assert got["Worksheet functions"].startswith(
        "FIX plain.xlsm has no macros: import Performance.bas and xlwings_udfs.bas"
    )
    assert got["Assessments extract (List 4)"] == "FIX blank: type the extract's path on the Settings sheet"
    assert got["Referrals extract (List 3)"] == "-- blank (optional)"


def test_doctor_reads_the_1904_date_system_from_the_file(tmp_path: Path) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    wb.save(tmp_path / "mac.xlsx")
    assert doctor.date_system_check(tmp_path / "mac.xlsx", None).detail.startswith("1904")
    openpyxl.Workbook().save(tmp_path / "win.xlsx")
    assert doctor.date_system_check(tmp_path / "win.xlsx", None).detail.startswith("1900")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "FIX blank: type the extract's path on the Settings sheet"),
        ("sub", "FIX {folder}/sub is a folder, not a file"),
        ("list.csv", "ok {folder}/list.csv"),
    ],
)
def test_path_check(tmp_path: Path, value: str, expected: str) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "list.csv").write_text("a,b\n")
    check = doctor.path_check("Assessments", value, tmp_path, "assessments")
    assert f"{check.status} {check.detail}".startswith(expected.format(folder=tmp_path))
