"""Do the grader's modules import one another one way only, and does each import on its own? (no notebooks)

Every import counts, wherever it is written: at the top, inside a function or under `if TYPE_CHECKING`.
Moving an import into a function hides a cycle; it does not remove it.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "grader"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The grader modules that the file of module `name` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from ..y import z
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from grader.sandbox import pool` imports the module grader.sandbox.pool.
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names)
    return {module for module in found if module == "grader" or module.startswith("grader.")}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as [a, b, ..., a], or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if cycle := visit(target):
                return cycle
        path.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def test_does_the_cycle_finder_find_a_cycle():
    """Does the check below see a cycle through three modules, and none in a one-way graph?"""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_does_grader_have_no_import_cycle():
    """Does no grader module import, directly or through others, a module that imports it?"""
    # A module importing itself (pool.py's `if __name__ == "__main__"` block does) is no cycle between modules.
    graph = {name: imported(name, path) - {name} for name, path in MODULES.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_does_the_check_see_imports_inside_functions_and_under_type_checking(tmp_path):
    """Are imports inside a function, under TYPE_CHECKING and relative ones all edges of the graph?"""
    path = tmp_path / "example.py"  # read as if it were grader/checker/example.py
    path.write_text("from typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n    from grader.sandbox.limits import Limits\n"
                    "def f():\n    from grader.sandbox import pool\n    import grader.base\n"
                    "from . import cells\nfrom ..bridge import wire\nimport nbformat\n")
    assert imported("grader.checker.example", path) == {
        "grader.sandbox.limits", "grader.sandbox.pool", "grader.base", "grader.checker.cells", "grader.bridge.wire"}


def _import_alone(name: str) -> str | None:
    """Why `python -c "import <name>"` fails in a fresh interpreter, or None."""
    result = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    if result.returncode == 0:
        return None
    return f"{name}:\n" + "\n".join(result.stderr.strip().splitlines()[-5:])


@pytest.mark.slow  # 25 s: `make check` only
def test_can_every_grader_module_be_imported_on_its_own():
    """Does `import grader.<module>` work for every module, each in a fresh interpreter?"""
    # grader/__main__.py runs the command line when imported; `python -m grader --help` is its check.
    names = [name for name in MODULES if not name.endswith("__main__")]
    # A few at a time: some take 3 s (nbgrader, plotly), and all of them one after another over 30 s.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as threads:
        failures = [failure for failure in threads.map(_import_alone, names) if failure]
    assert not failures, "\n\n".join(failures)
