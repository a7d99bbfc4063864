"""The package's import graph: no circle, and every module imports on its own in a fresh interpreter.

The graph is read statically (``ast``) from ``src/genre_detect``. An import inside a function is *deferred*: it runs
only when the function is called (optional dependencies, and the Detector's convenience methods such as
``Detector.explain``, which reach the modules built on top of it). An import under ``if TYPE_CHECKING:`` is for type
checkers only and is not an edge. The rule: no circle may run through an import made at module import time, so a
module that imports another as it loads is never imported back by it, not even lazily. A circle made of deferred
imports alone cannot break an import, but it still couples two modules: each must be listed in
``DEFERRED_CIRCLES`` with its reason, so that a new one is a decision, not an accident.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import genre_detect

PACKAGE = Path(genre_detect.__file__).resolve().parent
REPO = PACKAGE.parents[1]
# The closed experiments' scripts and the checks they share, which must still start from the repository root.
SCRIPTS = sorted(str(p.relative_to(REPO)) for p in (REPO / "experiments").glob("*/*.py")) + [
    "eval/register_check.py", "eval/compare_models.py"]

# Deferred-only circles that are there on purpose (module names relative to the package).
DEFERRED_CIRCLES = {
    # Detector.estimator() builds the scikit-learn wrapper; the wrapper loads a Detector from a path for its clones.
    frozenset({"pipeline.detector", "pipeline.estimator"}),
    # The training loop reaches the distillation route only when a teacher is set; distillation reuses the
    # loop's tokenising and checkpoint loading.
    frozenset({"training.trainer", "training.distill"}),
}


def _module_names() -> dict[str, tuple[Path, bool]]:
    """``{dotted name: (file, is_package)}`` for every module under the package folder."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return out


def _imports(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement with whether it is deferred (inside a function); TYPE_CHECKING blocks left out."""
    found = []

    def visit(nodes: list[ast.AST], deferred: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse, deferred)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append((node, deferred))
            else:
                inner = deferred or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                visit(list(ast.iter_child_nodes(node)), inner)

    visit(tree.body, False)
    return found


def _targets(name: str, is_pkg: bool, node: ast.Import | ast.ImportFrom, modules: dict) -> set[str]:
    """The package modules one import statement loads (a submodule by name, else the package it is taken from)."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in modules}
    if node.level:
        here = name.split(".") if is_pkg else name.split(".")[:-1]
        base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    out = set()
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        out.add(sub if sub in modules else base)
    return {t for t in out if t in modules and t != name}


def import_graph() -> dict[str, dict[str, bool]]:
    """``{module: {imported module: True when every such import is deferred}}`` for the whole package."""
    modules = _module_names()
    graph: dict[str, dict[str, bool]] = {m: {} for m in modules}
    for name, (path, is_pkg) in modules.items():
        for node, deferred in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(name, is_pkg, node, modules):
                graph[name][target] = graph[name].get(target, True) and deferred
    return graph


def circles(graph: dict[str, dict[str, bool]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (each module in one lies on a circle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return groups


def _short(name: str) -> str:
    return name.removeprefix("genre_detect.")


def test_the_graph_sees_relative_deferred_and_type_only_imports():
    # The reader itself must be able to fail: explain's import of the detector is type-only, the detector's of
    # explain is deferred, and the detector imports windows as it loads.
    graph = import_graph()
    assert graph["genre_detect.pipeline.detector"]["genre_detect.pipeline.windows"] is False
    assert graph["genre_detect.pipeline.detector"]["genre_detect.explain.occlusion"] is True
    assert "genre_detect.explain.cues" in graph["genre_detect.explain.occlusion"]
    assert "genre_detect.pipeline.detector" not in graph["genre_detect.explain.occlusion"]
    assert graph["genre_detect.explain"]["genre_detect.explain.occlusion"] is False  # the package re-exports it
    assert graph["genre_detect.service.app"]["genre_detect.pipeline.detector"] is False
    assert circles({"a": {"b": False}, "b": {"c": True}, "c": {"a": True}, "d": {"a": False}}) == [{"a", "b", "c"}]


def test_no_import_circle_runs_through_a_module_level_import():
    graph = import_graph()
    problems = []
    for group in circles(graph):
        eager = sorted(f"{_short(a)} -> {_short(b)}" for a in group for b, deferred in graph[a].items()
                       if b in group and not deferred)
        names = frozenset(_short(m) for m in group)
        if eager:
            problems.append(f"circle {sorted(names)} runs through module-level imports {eager}")
        elif names not in DEFERRED_CIRCLES:
            problems.append(f"new circle of deferred imports {sorted(names)}: break it, or list it in "
                            "DEFERRED_CIRCLES with the reason")
    assert not problems, "\n".join(problems)


def _all_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(genre_detect.__path__, "genre_detect.")]
    return ["genre_detect"] + [n for n in names if not n.endswith(".__main__")]  # __main__ runs the CLI


def test_every_module_is_found():
    found = set(_all_modules())
    assert found == {m for m in _module_names() if not m.endswith(".__main__")}
    assert {"genre_detect.pipeline.detector", "genre_detect.explain.cues.base", "genre_detect.service.app"} <= found


def test_every_module_imports_in_a_fresh_interpreter():
    # One interpreter per module, so that no module is loaded only because an earlier one loaded its dependencies:
    # an import that works only in some order fails here.
    failed = []
    for name in _all_modules():
        proc = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120,
                              check=False)
        if proc.returncode:
            failed.append(f"{name}: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("name", ["genre_detect.explain", "genre_detect.cli"])
def test_light_modules_do_not_load_the_detector(name):
    # explain is built on the Detector's public primitives and receives one; it does not load detector.py.
    code = f"import sys, {name}; print('genre_detect.pipeline.detector' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("script", SCRIPTS)
def test_experiment_and_check_scripts_start_from_the_repository_root(script):
    # Moved scripts find their imports (the package, training/train.py, eval/compare_models.py) from the root.
    proc = subprocess.run([sys.executable, script, "--help"], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("usage:"), proc.stderr[-500:]
