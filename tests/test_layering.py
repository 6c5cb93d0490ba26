"""The package's import structure: one-way layers, no import circles, no deferred imports in the core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "accord"
CORE = ("scenario", "models", "agreement", "experiments", "backtest")
UPPER = ("accord.cli", "accord.web", "accord.store", "accord.report", "accord.runner", "accord.brief")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


MODULES = all_modules()


def is_core(name: str) -> bool:
    return any(name == f"accord.{c}" or name.startswith(f"accord.{c}.") for c in CORE)


def resolve(name: str, target: str | None, level: int) -> str:
    if not level:
        return target or ""
    base = name.split(".")
    is_package = MODULES[name].name == "__init__.py"
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports(name: str) -> list[tuple[str, list[str], bool]]:
    """(module imported, names imported, at module level) for each import statement."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            top.add(id(node))
        elif isinstance(node, ast.If | ast.Try):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    top.add(id(sub))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append((alias.name, [], id(node) in top))
        elif isinstance(node, ast.ImportFrom):
            mod = resolve(name, node.module, node.level)
            out.append((mod, [a.name for a in node.names], id(node) in top))
    return out


def accord_targets(mod: str, names: list[str]) -> list[str]:
    """The accord modules an import statement loads (``from accord.x import y`` may load ``accord.x.y``)."""
    if not mod.startswith("accord"):
        return []
    found = [mod] if mod in MODULES else []
    found += [f"{mod}.{n}" for n in names if f"{mod}.{n}" in MODULES]
    return found


def graph(modules: list[str]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for m in modules:
        for mod, names, at_top in imports(m):
            if at_top:
                edges[m].update(t for t in accord_targets(mod, names) if t in edges and t != m)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_walker_finds_a_planted_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_core_has_no_import_circle():
    core = [m for m in MODULES if is_core(m)]
    assert len(core) > 20
    found = cycles(graph(core))
    assert found == [], f"import circles in the core: {found}"


def test_core_has_no_import_inside_a_function():
    deferred = [
        f"{m}: {mod}"
        for m in MODULES
        if is_core(m)
        for mod, _, at_top in imports(m)
        if not at_top
    ]
    assert deferred == []


def test_core_imports_no_upper_layer():
    upward = [
        f"{m} -> {mod}"
        for m in MODULES
        if is_core(m)
        for mod, _, _ in imports(m)
        if any(mod == u or mod.startswith(u + ".") for u in UPPER)
        or mod.split(".")[0] in {"typer", "rich", "click", "fastapi", "jinja2", "matplotlib", "sqlalchemy"}
    ]
    assert upward == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_crosses_modules(name):
    crossing = [
        f"{mod}.{n}"
        for mod, names, _ in imports(name)
        if mod.startswith("accord")
        for n in names
        if n.startswith("_") and not n.startswith("__")
    ]
    assert crossing == []
