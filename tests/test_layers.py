"""Import contracts that can fail: layers point one way and packages form no cycle.

Every ``import`` in ``playground/`` is read from the source (module level, inside functions and
under ``TYPE_CHECKING`` alike: a lazy import is still a dependency) and checked against the
contracts of ``design.md``: the computing packages never reach the UI or Qt, the UI never reaches
the benchmarks or a backend module (it goes through ``playground.engine``'s public API), and the
top-level packages have no import cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "playground"
QT = ("PySide6", "shiboken6", "pyqtgraph")
QT_FREE = ("engine", "nn", "data", "lessons", "scene")
UI_FORBIDDEN = ("playground.bench", "playground.engine.cpu", "playground.engine.cuda",
                "playground.engine.reference")
PACKAGES = ("app", "cli", "ui", "bench", "engine", "nn", "data", "commands", "lessons", "scene",
            "paths")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` (the text of ``module``) imports, relative imports resolved."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def project_imports() -> dict[str, set[str]]:
    """``module -> imported modules`` for every module of the ``playground`` package."""
    graph = {}
    for path in sorted(ROOT.rglob("*.py")):
        name = _module_name(path)
        graph[name] = imports_of(path.read_text(encoding="utf-8"), name,
                                 path.name == "__init__.py")
    return graph


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "playground" else None


def _hits(imported: Iterable[str], prefixes: Iterable[str]) -> list[str]:
    return sorted(m for m in imported for p in prefixes if m == p or m.startswith(p + "."))


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """``module imports X`` lines for each broken layer contract."""
    bad = []
    for module, imported in graph.items():
        top = _top(module)
        if top in QT_FREE:
            bad += [f"{module} imports {m} (no Qt/UI)" for m in
                    _hits(imported, (*QT, "playground.ui", "playground.app", "playground.bench"))]
        if top == "ui":
            bad += [f"{module} imports {m} (UI uses the engine's public API, never bench)"
                    for m in _hits(imported, UI_FORBIDDEN)]
    return bad


def package_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles between top-level packages (each as a path that returns to its start)."""
    edges: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for module, imported in graph.items():
        src = _top(module)
        for m in imported:
            dst = _top(m)
            if src in edges and dst in edges and dst != src:
                edges[src].add(dst)
    cycles, seen = [], set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt in path:
                cycle = [*path[path.index(nxt):], nxt]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    cycles.append(cycle)
            else:
                visit(nxt, [*path, nxt])

    for start in PACKAGES:
        visit(start, [start])
    return cycles


def test_layers_point_one_way():
    assert layer_violations(project_imports()) == []


def test_no_import_cycle_between_packages():
    assert package_cycles(project_imports()) == []


def test_the_graph_sees_real_imports():
    graph = project_imports()
    assert "playground.engine.dispatch" in graph["playground.engine.ops"]
    assert "playground.bench.self_test" in graph["playground.cli"]  # a lazy import counts
    assert "playground.nn.sessions" in graph["playground.ui.network.training_panel"]


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("playground.engine.ops", "from PySide6.QtCore import QObject", "PySide6.QtCore"),
    ("playground.nn.layers", "from playground.ui.common import theme", "playground.ui.common"),
    ("playground.lessons.lecture", "import pyqtgraph as pg", "pyqtgraph"),
    ("playground.ui.playground.state", "from playground.engine import cpu",
     "playground.engine.cpu"),
    ("playground.ui.network.training_panel", "from ...bench import ui_training",
     "playground.bench"),
])
def test_a_violating_import_is_caught(module, line, broken):
    graph = project_imports()
    graph[module] = graph[module] | imports_of(line, module)
    assert any(v.startswith(f"{module} imports {broken}") for v in layer_violations(graph))


def test_a_cycle_is_caught():
    graph = project_imports()
    graph["playground.app"] = graph["playground.app"] | {"playground.bench.self_test"}
    assert ["app", "bench", "app"] in package_cycles(graph) or \
        ["bench", "app", "bench"] in package_cycles(graph)
