"""xladdin installs in Pyodide: every dependency is in Pyodide's own lock, or a pure-Python wheel.

xlwings Lite installs the lines of the workbook's ``requirements.txt`` with micropip, which
takes a package either from Pyodide's repository (the packages built for WebAssembly, listed
in ``pyodide-lock.json``) or from PyPI as a pure-Python wheel (``py3-none-any``). This test:

1. installs the npm package ``pyodide`` at the version the workbook records
   (``parts.PYODIDE_VERSION``; cached under the temporary folder) and reads its lock;
2. builds the xladdin wheel from this repository and reads its ``Requires-Dist``;
3. checks each requirement of the wheel, and of ``requirements.txt``, for Pyodide (markers
   evaluated as Pyodide: ``sys_platform == "emscripten"``): in the lock at a version the
   requirement allows, or found by ``pip download --no-deps --only-binary=:all:`` as a
   ``-none-any`` wheel, whose own requirements are checked the same way.

It also reads xlwings' remote engine (``xlwings/pro/_xlremote.py``) in the wheel of the
xlwings that ``requirements.txt`` pins, without importing it, and checks the Lite stand-in's
older profile against it: what that xlwings lacks, the stand-in lacks.

It needs npm and PyPI (``.ci/run`` installs npm where it is missing).
"""

from __future__ import annotations

import ast
import email.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from xladdin.excel.lite import parts

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("TMPDIR") or tempfile.gettempdir()) / f"xladdin-pyodide-{parts.PYODIDE_VERSION}"
PYPI = "https://pypi.org/simple"
#: PyPI only, as micropip: no pip configuration file, no local wheel folders or indexes, no pins.
PYPI_ONLY = {
    **{
        k: v
        for k, v in os.environ.items()
        if k not in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_CONSTRAINT")
    },
    "PIP_CONFIG_FILE": os.devnull,
}
LEFT_OUT = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def lock() -> dict:
    """``pyodide-lock.json`` of the npm package ``pyodide`` at the pinned version."""
    package = CACHE / "node_modules" / "pyodide"
    if not (package / "pyodide-lock.json").is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(CACHE),
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
            ]
            + [f"pyodide@{parts.PYODIDE_VERSION}"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    assert (
        json.loads((package / "package.json").read_text(encoding="utf-8"))["version"] == parts.PYODIDE_VERSION
    )
    return json.loads((package / "pyodide-lock.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    source = shutil.copytree(REPO, root / "source", ignore=shutil.ignore_patterns(*LEFT_OUT))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = root.glob("xladdin-*.whl")
    return built


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(z.read(name).decode("utf-8"))


def pyodide_environment(lock: dict) -> dict[str, str]:
    """The marker environment of Python in Pyodide (PEP 508 names)."""
    python = lock["info"]["python"]
    return {
        "sys_platform": "emscripten",
        "platform_system": "Emscripten",
        "os_name": "posix",
        "platform_machine": "wasm32",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": ".".join(python.split(".")[:2]),
        "python_full_version": python,
        "extra": "",
    }


def pure_wheel(requirement: str, python: str, folder: Path) -> Path:
    """The pure-Python wheel pip finds for ``requirement`` (or an AssertionError saying there is none)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--platform", "any"]
        + [
            "--implementation",
            "py",
            "--abi",
            "none",
            "--python-version",
            python,
            "-d",
            str(folder),
            requirement,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PIP_CONSTRAINT": ""},  # this machine's own pins are not Pyodide's
    )
    assert done.returncode == 0, f"no pure-Python wheel for {requirement!r}: {done.stderr[-600:]}"
    name = canonicalize_name(Requirement(requirement).name)
    found = [p for p in folder.glob("*.whl") if canonicalize_name(p.name.split("-")[0]) == name]
    assert found, f"pip downloaded no wheel for {requirement!r}"
    newest = max(found, key=lambda p: p.stat().st_mtime)
    assert newest.name.endswith("-none-any.whl"), newest.name
    return newest


def check_for_pyodide(requirements: list[str], lock: dict, folder: Path) -> dict[str, str]:
    """Each requirement (and, for pure wheels, theirs): ``{name: "lock 2.3.3" | "pure <wheel>"}``.

    Raises:
        AssertionError: naming a requirement that Pyodide cannot install.
    """
    env = pyodide_environment(lock)
    packages = {canonicalize_name(k): v for k, v in lock["packages"].items()}
    found: dict[str, str] = {}
    todo = list(requirements)
    while todo:
        req = Requirement(todo.pop(0))
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        if name in packages:
            version = packages[name]["version"]
            assert req.specifier.contains(version, prereleases=True), (
                f"{req}: Pyodide {parts.PYODIDE_VERSION} has {name} {version}, which the requirement refuses"
            )
            found[name] = f"lock {version}"
            continue
        pure = pure_wheel(str(req), env["python_version"], folder)
        found[name] = f"pure {pure.name}"
        todo += [r for r in _metadata(pure).get_all("Requires-Dist") or []]
    return found


def test_every_dependency_installs_in_pyodide(lock: dict, wheel: Path, tmp_path: Path) -> None:
    requires = _metadata(wheel).get_all("Requires-Dist") or []
    core = [r for r in requires if "extra ==" not in r]
    assert core, "the wheel declares no dependencies?"
    lines = [
        line.split("#")[0].strip()
        for line in parts.requirements().splitlines()
        if line.strip() and not line.startswith("xladdin")
    ]
    found = check_for_pyodide(lines + core, lock, tmp_path / "wheels")
    for name in ("pandas", "numpy", "python-calamine", "pyyaml", "pillow", "pyodide-http"):
        assert found[name].startswith("lock"), (name, found[name])  # built for WebAssembly
    for name in ("openpyxl", "xlwings", "et-xmlfile"):
        assert found[name].startswith("pure"), (name, found[name])  # from PyPI
    assert "holidays" not in found  # the bank holidays are tables shipped in the wheel
    assert found["xlwings"] == f"pure xlwings-{parts.XLWINGS_VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as z:
        assert "xladdin/excel/lite/main.py" in z.namelist()  # the code new-workbook --lite stores


def test_the_check_refuses_what_pyodide_cannot_install(lock: dict, tmp_path: Path) -> None:
    # Negative controls: a compiled package neither in the lock nor pure; a lock package at a
    # version Pyodide does not have.
    with pytest.raises(AssertionError, match=r"no pure-Python wheel for 'psycopg2-binary"):
        check_for_pyodide(["psycopg2-binary"], lock, tmp_path)
    with pytest.raises(
        AssertionError, match=r"pandas<2: Pyodide .* has pandas 2\.3\.3, which the requirement refuses"
    ):
        check_for_pyodide(["pandas<2"], lock, tmp_path)
    # A Windows-only requirement does not apply in Pyodide.
    assert check_for_pyodide(['pywin32; sys_platform == "win32"'], lock, tmp_path) == {}


def _members(source: str) -> dict[str, dict[str, list[ast.FunctionDef]]]:
    """Class -> member -> its definitions (a property's getter first, then its setter)."""
    out: dict[str, dict[str, list[ast.FunctionDef]]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            for f in node.body:
                if isinstance(f, ast.FunctionDef):
                    out.setdefault(node.name, {}).setdefault(f.name, []).append(f)
    return out


def test_the_lite_standin_lacks_what_the_pinned_xlwings_lacks(lock: dict, tmp_path: Path) -> None:
    pinned = pure_wheel(f"xlwings=={parts.XLWINGS_VERSION}", "3.13", tmp_path)
    with zipfile.ZipFile(pinned) as z:
        remote = _members(z.read("xlwings/pro/_xlremote.py").decode("utf-8"))
        main = _members(z.read("xlwings/main.py").decode("utf-8"))
    lacking = {
        "Range": ("font", "column_width", "row_height", "merge", "wrap_text"),
        "Sheet": ("used_range", "page_setup"),
    }
    for cls, members in lacking.items():
        for member in members:
            assert member not in remote[cls], (
                cls,
                member,
            )  # so xlwings' base class raises NotImplementedError
    assert "horizontal_alignment" not in main["Range"]  # not even a property to set
    # What the Lite scripts rely on, the remote engine implements.
    needed = {
        "Range": (
            "raw_value",
            "clear_contents",
            "number_format",
            "color",
            "address",
            "row",
            "column",
            "shape",
        ),
        "Sheet": ("range", "clear", "name", "api"),
        "Sheets": ("add", "__iter__"),
        "Names": ("add", "contains", "__call__"),
        "Name": ("delete", "refers_to", "refers_to_range"),
        "App": ("alert",),
        "Book": ("name", "names", "sheets", "app"),
    }
    for cls, members in needed.items():
        for member in members:
            assert member in remote[cls], (cls, member)
    # Lite reads no number format: its getter only raises.
    getter = remote["Range"]["number_format"][0]
    assert re.fullmatch(r"raise NotImplementedError\(.*\)", ast.unparse(getter.body[-1]), re.S)


#: The packages Pyodide builds that xladdin uses: the Lite tests run again with the lock's versions.
BUILT_FOR_PYODIDE = ("pandas", "numpy", "python-calamine", "pyyaml", "pillow", "python-dateutil", "pytz")
LITE_TESTS = (
    "test_block_reader.py",
    "test_lite_functions.py",
    "test_lite_scripts.py",
    "test_lite_workbook.py",
)


def test_the_lite_route_passes_with_pyodides_pandas_and_numpy(lock: dict, wheel: Path) -> None:
    """Pyodide carries older pandas and numpy than this environment (pandas 2 where the tests ran on 3):
    the Lite tests run once more, here in CPython, in a virtual environment (cached) holding the lock's
    versions of every package Pyodide builds, the pinned pure ones, and the xladdin wheel."""
    packages = {canonicalize_name(k): v["version"] for k, v in lock["packages"].items()}
    pins = [f"{name}=={packages[name]}" for name in BUILT_FOR_PYODIDE]
    venv = (
        CACHE
        / f"venv-py{sys.version_info[0]}{sys.version_info[1]}-{'-'.join(p.split('==')[1] for p in pins[:2])}"
    )
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *pins, "openpyxl", "holidays", "et-xmlfile"]
            + [f"xlwings=={version('xlwings')}", "pytest", "hypothesis", "packaging"],
            check=True,
            capture_output=True,
            timeout=900,
            env=PYPI_ONLY,
        )
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
        env=PYPI_ONLY,
    )
    shown = subprocess.run(
        [str(python), "-c", "import numpy, pandas; print(pandas.__version__, numpy.__version__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert shown == [packages["pandas"], packages["numpy"]]
    done = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *(f"tests/{t}" for t in LITE_TESTS)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
