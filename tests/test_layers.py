"""The package's folders are its layers, and imports only go with the flow of the data.

sources and curated -> tables -> analyses -> figures -> reports -> build. A module may import
its own layer or a lower one; the two first layers may not import each other; no import loop
anywhere. Every import is counted, including those inside functions, which are allowed only
for a heavy or optional third-party dependency and must carry a comment saying so.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analysis"

#: Rank of each layer (a subpackage of analysis); equal ranks are independent siblings.
LAYERS: dict[str, int] = {
    "core": 0,
    "sources": 1,
    "curated": 1,
    "tables": 2,
    "analyses": 3,
    "figures": 4,
    "reports": 5,
    "pipeline": 6,
}
#: Top-level entry points above every layer.
ENTRY_POINTS = {"__init__", "__main__", "cli"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "config":  # the paths module and __version__: core
        return "core"
    return parts[1] if parts[1] in LAYERS else None


def _imports(path: Path) -> list[tuple[str, int, bool, ast.AST]]:
    """(module imported, line, inside a function, node) for every import of analysis.*."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool, ast.AST]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((alias.name, child.lineno, in_function, child))
            elif isinstance(child, ast.ImportFrom) and child.module:
                for alias in child.names:
                    # "from analysis.x import y" may name a submodule y
                    candidate = f"{child.module}.{alias.name}"
                    found.append((candidate, child.lineno, in_function, child))
            visit(child, nested)

    visit(tree, False)
    return found


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The analysis module an import names (the longest known prefix), or None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def _graph() -> tuple[dict[str, Path], dict[str, set[str]]]:
    known = _modules()
    graph: dict[str, set[str]] = {m: set() for m in known}
    for module, path in known.items():
        for name, _line, _inner, _node in _imports(path):
            if not name.startswith("analysis"):
                continue
            target = _resolve(name, known)
            if target and target != module and target != "analysis":
                graph[module].add(target)
    return known, graph


def test_every_module_sits_in_a_layer():
    known = _modules()
    homeless = [
        m
        for m in known
        if m != "analysis" and m.split(".")[1] not in ENTRY_POINTS and _layer(m) is None
    ]
    assert homeless == [], f"modules outside the layers {sorted(LAYERS)}: {homeless}"


def test_imports_follow_the_flow():
    known, _ = _graph()
    against: list[str] = []
    for module, path in known.items():
        own = _layer(module)
        if own is None:  # entry points may import anything
            continue
        for name, line, _inner, _node in _imports(path):
            target = _resolve(name, known) if name.startswith("analysis") else None
            if target is None or target == "analysis":
                continue
            theirs = _layer(target)
            if theirs is None:
                against.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports entry {target}")
                continue
            if LAYERS[theirs] > LAYERS[own] or (LAYERS[theirs] == LAYERS[own] and theirs != own):
                against.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line}: {own} imports {theirs} ({target})"
                )
    assert against == [], "imports against the flow:\n" + "\n".join(against)


def test_no_import_loop():
    _, graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for node in graph:
        if node not in index:
            connect(node)
    assert loops == [], f"import loops: {loops}"


def test_imports_inside_functions_say_why():
    """Only third-party imports may sit in a function, each with a comment giving the reason."""
    known = _modules()
    bad: list[str] = []
    for module, path in known.items():
        if module.split(".")[-1] in ENTRY_POINTS:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for name, line, inner, _node in _imports(path):
            if not inner:
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{line}"
            if name.startswith("analysis"):
                bad.append(f"{where}: {name} imported inside a function")
                continue
            same, before = lines[line - 1], lines[line - 2] if line > 1 else ""
            if "#" not in same and not before.strip().startswith("#"):
                bad.append(f"{where}: {name} imported inside a function without a comment")
    assert bad == [], "\n".join(sorted(set(bad)))


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_is_a_folder(layer):
    assert (PACKAGE / layer / "__init__.py").is_file()
