"""Every install route works (issue 15 item 3): a wheel built from this repository, installed into a
fresh virtual environment, runs the officer's month from a folder outside the repository.

The wheel is built with pip (build isolation, as `pip install .` does) and installed with --no-deps;
the fresh environment gets the dependencies by a .pth line naming this environment's site-packages.
So what is tested is exactly what the wheel carries (the package data: demo extracts, the spotlight
template, the VBA and ribbon sources) and its `xladdin` command, without downloading pandas again.
A .pth path line does not run the editable-install hook that lives beside it, so the repository's
own copy of xladdin cannot be picked up by mistake (the test checks where xladdin was imported from).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parent.parent
#: Not copied into the clean source tree the wheel is built from.
LEFT_OUT = (
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    "demo-output",
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the fresh environment's scripts folder, an empty working folder outside the repository)."""
    root = tmp_path_factory.mktemp("install")
    # A clean copy: setuptools would otherwise reuse a build/ folder left in the repository.
    source = shutil.copytree(REPO, root / "source", ignore=shutil.ignore_patterns(*LEFT_OUT))
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = dist.glob("xladdin-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    for data in (
        "xladdin/data/templates/spotlight.xlsx",
        "xladdin/data/demo/list4_assessments.csv",
        "xladdin/data/bank_holidays/ENG.tsv",
        "xladdin/data/bank_holidays/NIR.tsv",
        "xladdin/excel/customUI14.xml",
        "xladdin/excel/vba/Performance.bas",
    ):
        assert data in names, f"{data} is not in the wheel"
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    paths = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib')); print(sysconfig.get_path('scripts'))"],
        check=True, capture_output=True, text=True,
    ).stdout.split("\n")  # fmt: skip
    site, scripts = Path(paths[0]), Path(paths[1])
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "xladdin-test-deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    work = root / "work"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import xladdin; print(xladdin.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the wheel's copy, not the repository's
    return scripts, work


def xladdin(installed: tuple[Path, Path], *args: str) -> subprocess.CompletedProcess:
    scripts, work = installed
    command = shutil.which("xladdin", path=str(scripts))
    assert command is not None, f"no xladdin command in {scripts}"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([command, *args], cwd=work, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done


def test_the_month_end_to_end_from_an_installed_wheel(installed: tuple[Path, Path]) -> None:
    _, work = installed
    demo = xladdin(installed, "demo", "--out", "demo")
    assert "114 of 150" in demo.stdout and (work / "demo" / "performance.xlsm").exists()
    xladdin(installed, "new-workbook", "mine.xlsx")
    extracts = work / "demo" / "extracts"
    done = xladdin(
        installed, "refresh", "mine.xlsx", "--assessments", str(extracts / "list4_assessments.csv"),
        "--referrals", str(extracts / "list3_referrals.csv"), "--month", "2024-09",
    )  # fmt: skip
    assert "(114 of 150)" in done.stdout
    xladdin(installed, "spotlight", "mine.xlsx")  # the template comes from the package
    assert "Spotlight" in openpyxl.load_workbook(work / "mine.xlsx").sheetnames
    done = xladdin(installed, "export", "mine.xlsx", "--out", "lead.xlsx", "--pdf", "lead.pdf")
    assert openpyxl.load_workbook(work / "lead.xlsx").sheetnames == ["Spotlight"]
    if shutil.which("soffice"):
        assert (work / "lead.pdf").read_bytes()[:5] == b"%PDF-"
    xladdin(installed, "build-workbook", "--out", "X.xlsm")
    xladdin(installed, "build-workbook")  # the default, workbooks/performance.xlsm, made where we are
    for built in (work / "X.xlsm", work / "workbooks" / "performance.xlsm"):
        with zipfile.ZipFile(built) as z:
            assert "xl/vbaProject.bin" in z.namelist() and "customUI/customUI14.xml" in z.namelist()
