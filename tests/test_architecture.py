"""The data flows one way, in short pieces: the layout rules of docs/architecture.md, from the code itself.

The import graph is read with ``ast`` (nothing is imported), so a rule broken
by a lazy import inside a function is caught too. Each rule has a negative
control: the same check over a made-up package that breaks it must fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xladdin"

#: Which rooms each room may import from (docs/architecture.md, "Rooms"). ``__init__`` is the
#: package's top (``xladdin.__version__``), which anyone may read.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "__init__": set(),
    "core": {"core", "errors", "__init__"},
    "extracts": {"core", "errors", "extracts", "__init__"},
    "workbook": {"core", "errors", "extracts", "workbook", "__init__"},
    "report": {"core", "errors", "workbook", "report", "__init__"},
    "excel": {"core", "errors", "extracts", "workbook", "report", "excel", "__init__"},
    "demo": {"core", "errors", "extracts", "workbook", "report", "excel", "demo", "__init__"},
    "cli": {"core", "errors", "extracts", "workbook", "report", "excel", "demo", "cli", "__init__"},
}
#: Third-party libraries that only some rooms may import.
ONLY_IN = {"xlwings": {"excel"}, "openpyxl": {"workbook", "report", "excel", "demo"}}

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 100
MAX_MODULES_PER_FOLDER = 10


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package at ``root``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module of the package (in ``known``) or outside it that ``name`` imports, lazily or not."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return found


def room(module: str, top: str) -> str | None:
    """``xladdin.workbook.areas`` -> ``workbook``; ``xladdin.cli`` -> ``cli``; ``xladdin`` -> ``__init__``."""
    parts = module.split(".")
    if parts[0] != top:
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def graph(root: Path) -> dict[str, set[str]]:
    mods = modules(root)
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def broken_rules(root: Path) -> list[str]:
    top = root.name
    g = graph(root)
    problems = []
    for name, targets in g.items():
        here = room(name, top)
        for target in sorted(targets):
            there = room(target, top)
            first = target.split(".")[0]
            if there is not None and here in ALLOWED and there not in ALLOWED[here]:
                problems.append(f"{name} imports {target}: {here}/ may not import {there}/")
            if first in ONLY_IN and here not in ONLY_IN[first]:
                problems.append(f"{name} imports {first}: only {sorted(ONLY_IN[first])} may")
    return problems


def cycles(root: Path) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), over the package's own modules."""
    g = graph(root)
    own = {n: {t for t in ts if t in g and t != n} for n, ts in g.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in own[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in own:
        if v not in index:
            visit(v)
    return out


def oversized(root: Path) -> list[str]:
    problems = []
    for name, path in modules(root).items():
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            problems.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    problems.append(f"{name}.{node.name}: {length} lines (at most {MAX_FUNCTION_LINES})")
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir() and p.name != "__pycache__")]:
        count = len([p for p in folder.glob("*.py") if p.name not in ("__init__.py", "__main__.py")])
        if count > MAX_MODULES_PER_FOLDER:
            problems.append(f"{folder.name}/: {count} modules (at most {MAX_MODULES_PER_FOLDER})")
    return problems


# --- the rules hold for xladdin ---------------------------------------------------------------


def test_the_graph_is_read():
    g = graph(PACKAGE)
    # Not vacuous: the graph holds the known edges, lazy imports included.
    assert "xladdin.core.workdays" in g["xladdin.core.measures"]
    assert "xladdin.extracts" in g["xladdin.workbook.refresh"] or any(
        t.startswith("xladdin.extracts") for t in g["xladdin.workbook.refresh"]
    )
    assert "xlwings" in g["xladdin.excel.udfs"]
    assert {"core", "extracts", "workbook", "report", "excel", "demo", "cli"} <= {
        room(n, "xladdin") for n in g
    }


def test_each_room_imports_only_what_it_may():
    assert broken_rules(PACKAGE) == []


def test_no_import_cycles():
    assert cycles(PACKAGE) == []


def test_short_pieces():
    assert oversized(PACKAGE) == []


# --- negative controls: the same checks over a package that breaks each rule ------------------


@pytest.fixture
def bad_package(tmp_path: Path) -> Path:
    root = tmp_path / "xladdin"
    files = {
        "__init__.py": "",
        "errors.py": "",
        "core/__init__.py": "",
        "core/rules.py": "import openpyxl\nfrom xladdin.workbook import book\n",
        "extracts/__init__.py": "",
        "extracts/read.py": "def f():\n    from xladdin.report import spotlight  # lazy, still counted\n",
        "workbook/__init__.py": "",
        "workbook/book.py": "from . import create\n",
        "workbook/create.py": "from xladdin.workbook.book import x\n",
        "report/__init__.py": "",
        "report/spotlight.py": "import xlwings\nfrom xladdin.extracts.read import f\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "report" / "long.py").write_text(
        "def long():\n" + "    x = 1\n" * MAX_FUNCTION_LINES + "\n" * MAX_MODULE_LINES
    )
    for i in range(MAX_MODULES_PER_FOLDER + 1):
        (root / "core" / f"m{i}.py").write_text("")
    return root


def test_the_checks_catch_a_package_that_breaks_them(bad_package: Path):
    problems = "\n".join(broken_rules(bad_package))
    assert "xladdin.core.rules imports xladdin.workbook.book: core/ may not import workbook/" in problems
    assert "xladdin.core.rules imports openpyxl" in problems
    assert "xladdin.extracts.read imports xladdin.report.spotlight" in problems
    assert "xladdin.report.spotlight imports xlwings" in problems
    assert (
        "xladdin.report.spotlight imports xladdin.extracts.read: report/ may not import extracts/" in problems
    )
    found = cycles(bad_package)
    assert ["xladdin.workbook.book", "xladdin.workbook.create"] in found  # a relative import
    assert ["xladdin.extracts.read", "xladdin.report.spotlight"] in found  # through a lazy import
    sizes = "\n".join(oversized(bad_package))
    assert f"xladdin.report.long: {MAX_FUNCTION_LINES + MAX_MODULE_LINES + 1} lines" in sizes
    assert f"xladdin.report.long.long: {MAX_FUNCTION_LINES + 1} lines" in sizes
    assert f"core/: {MAX_MODULES_PER_FOLDER + 2} modules" in sizes
