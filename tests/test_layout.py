"""The library's layout stays readable: no import cycles, small modules and functions,
the product API at the top and peers and proofs in their subpackages.

Run ``python tests/test_layout.py`` for the import graph's figures (module count,
largest module, longest function, cycles).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "logistics"
MAX_MODULE_LINES = 650
MAX_FUNCTION_LINES = 80
#: the CP-SAT model's constraint families may be longer: one method per family
LONG_FUNCTIONS_ALLOWED = {"model/build.py"}


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _runtime_nodes(tree: ast.AST):
    """Every node but those under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                todo.extend(child.orelse)
                continue
            todo.append(child)


def import_graph() -> dict[str, set[str]]:
    """Module -> the library's modules it imports when it runs, at the top or inside a
    function (imports for type annotations only are left out)."""
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in _runtime_nodes(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in mods else mod for a in node.names]
            for t in targets:
                while t and t not in mods:  # `import logistics.x.y` names the module or its package
                    t = t.rsplit(".", 1)[0] if "." in t else ""
                if t and t != name and t != "logistics":
                    graph[name].add(t)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def long_functions() -> list[tuple[str, str, int]]:
    out = []
    for path in _modules().values():
        rel = path.relative_to(PKG).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES and rel not in LONG_FUNCTIONS_ALLOWED:
                    out.append((rel, node.name, n))
    return out


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_modules_are_small() -> None:
    big = {n: len(p.read_text().splitlines()) for n, p in _modules().items()}
    assert {n: k for n, k in big.items() if k > MAX_MODULE_LINES} == {}


def test_functions_are_short() -> None:
    assert long_functions() == []


def test_the_library_never_imports_streamlit() -> None:
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(x.split(".")[0] == "streamlit" for x in names), path


def test_the_top_level_exports_the_product_api_only() -> None:
    import logistics

    for name in ("greedy", "solve_mip", "prove_plan", "prove_flying", "lower_bound", "closure_search"):
        assert name not in logistics.__all__
    from logistics.bounds.proof import prove_plan  # noqa: F401  proofs from their subpackage
    from logistics.peers import greedy, solve_mip  # noqa: F401  peers from theirs


@pytest.mark.parametrize("module", ["runtime", "units"])
def test_one_budget_and_one_integer_policy(module: str) -> None:
    """The budget and the tick helpers are defined once, in their own modules."""
    defined = {"runtime": ("class Budget", "def run_stoppable"),
               "units": ("def minutes_up", "def ticks_down", "TONS_SCALE =", "GOAL_SCALE =", "CARGO =")}[module]
    for path in PKG.rglob("*.py"):
        if path.name == f"{module}.py" and path.parent == PKG:
            continue
        text = path.read_text()
        for d in defined:
            assert f"\n{d}" not in text, (path, d)


def main() -> None:
    g = import_graph()
    sizes = {n: len(p.read_text().splitlines()) for n, p in _modules().items()}
    big = max(sizes, key=sizes.get)
    fun = max(((f"{n}.{f.name}", f.end_lineno - f.lineno + 1) for n, p in _modules().items()
               for f in ast.walk(ast.parse(p.read_text())) if isinstance(f, ast.FunctionDef)), key=lambda t: t[1])
    print(f"modules: {len(g)}; lines: {sum(sizes.values())}; largest: {big} ({sizes[big]} lines); "
          f"longest function: {fun[0]} ({fun[1]} lines); over {MAX_MODULE_LINES} lines: "
          f"{sum(1 for k in sizes.values() if k > MAX_MODULE_LINES)}; cycles: {cycles(g) or 'none'}")


if __name__ == "__main__":
    main()
