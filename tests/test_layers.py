"""The import graph: packages import only the layers below them, and no module circles.

Read from the source with `ast`, so a new upward import or a new circle fails here
before anyone has to draw the graph by hand. Imports inside `if TYPE_CHECKING:` count
too: a type-only arrow that points up is still an arrow that points up.
"""

import ast
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom. A package may import its own modules and any package in a lower layer.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"hotline"}),
    frozenset({"agent_desk", "dialplan"}),
    frozenset({"ivr"}),
    frozenset({"routing", "voicemail"}),
    frozenset({"directory"}),
    frozenset({"base"}),
)
PACKAGES = frozenset().union(*LAYERS)


def layer_of(package: str) -> int:
    return next(depth for depth, layer in enumerate(LAYERS) if package in layer)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # Alembic scripts are loaded by Alembic, not imported.
            modules[module_name(path)] = path
    return modules


def imported_modules(path: Path, module: str, modules: Collection[str]) -> Iterator[str]:
    """The project modules `path` names in its imports, relative imports resolved.

    `from pkg import mod` is an arrow to `pkg.mod`, not to `pkg`: the package's
    `__init__` runs either way, as for every submodule import, and is an arrow only when
    a name is taken from it.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")
                parts = parts[: len(parts) - node.level + (1 if is_package else 0)]
                prefix = ".".join([*parts, node.module] if node.module else parts)
            else:
                prefix = node.module or ""
            for alias in node.names:
                submodule = f"{prefix}.{alias.name}"
                yield submodule if submodule in modules else prefix


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {name for name in imported_modules(path, module, modules) if name in modules}
        targets.discard(module)
        graph[module] = targets
    return graph


def test_every_import_between_packages_points_down() -> None:
    upward = []
    for module, targets in import_graph().items():
        source = module.split(".")[0]
        for target in targets:
            destination = target.split(".")[0]
            if destination != source and layer_of(destination) <= layer_of(source):
                upward.append(f"{module} -> {target}")
    assert upward == [], "imports that point up or sideways:\n" + "\n".join(sorted(upward))


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; returns the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_no_import_circles() -> None:
    circles = strongly_connected(import_graph())
    assert circles == [], "import circles:\n" + "\n".join(" <-> ".join(c) for c in circles)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_circle_finder_finds_circles(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert strongly_connected(graph) == expected


def test_the_graph_sees_real_imports() -> None:
    graph = import_graph()
    assert {"ivr.ari", "ivr.recovery"} <= graph["ivr.controller"]
    assert "agent_desk.orders.services" in graph["agent_desk.orders"]
