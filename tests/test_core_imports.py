"""``xladdin.core`` holds the pure rules: it must import with openpyxl and xlwings blocked.

The data flows one way (STYLE.md, "Layout"): core never imports io's or excel's
libraries, so the rules run wherever pandas does. Setting
``sys.modules[name] = None`` makes any ``import name`` raise ImportError; the
check runs in a fresh interpreter so that modules the test session already
imported cannot hide a violation.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCKED = ("openpyxl", "xlwings", "xlsxwriter")

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    for name in {blocked!r}:
        sys.modules[name] = None
    # The block works: a direct import fails.
    try:
        import openpyxl
    except ImportError:
        pass
    else:
        raise SystemExit("the openpyxl block did not work")
    import xladdin.core
    names = ["xladdin.core"]
    for info in pkgutil.walk_packages(xladdin.core.__path__, "xladdin.core."):
        importlib.import_module(info.name)
        names.append(info.name)
    print("\\n".join(names))
    """
).format(blocked=BLOCKED)


def test_core_imports_without_openpyxl_or_xlwings():
    done = subprocess.run(  # the exit status is asserted below
        [sys.executable, "-c", SCRIPT], check=False, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    imported = done.stdout.split()
    # The walk really visited the modules (a walk over nothing would pass vacuously).
    assert {"xladdin.core", "xladdin.core.calendar", "xladdin.core.workdays"} <= set(imported)


def test_the_check_catches_a_core_module_that_imports_openpyxl(tmp_path):
    # Negative control: the same script over a package with an offending module fails.
    pkg = tmp_path / "fakecore"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "sheet.py").write_text("import openpyxl\n")
    script = SCRIPT.replace("xladdin.core", "fakecore")
    done = subprocess.run(  # the exit status is asserted below
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert "ModuleNotFoundError" in done.stderr or "ImportError" in done.stderr
