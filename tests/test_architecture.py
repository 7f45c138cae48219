"""The import graph: every import points down the layers, and no module imports itself back.

Layers, top to bottom (a package may import its own layer's code and anything below, never above):

    cli                                   the `labourbot` command: serve, kb, jobs, cases, channels ...
    channels | actions | bot              the three processes: gateway, action server, Rasa components
    cases | knowledge_base | jobs | scam | quiz | figures | curation    libraries
    labourbot                             ground floor: settings, law math, parsing, text helpers

Imports inside functions count too (a lazy import is still a dependency), and so do those under
`if TYPE_CHECKING:`: a cycle of type hints is still two modules that cannot be understood apart.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from labourbot.config import PROJECT_ROOT

LAYERS: dict[str, int] = {
    "cli": 3,
    "channels": 2, "actions": 2, "bot": 2,
    "cases": 1, "knowledge_base": 1, "jobs": 1, "scam": 1, "quiz": 1, "figures": 1, "curation": 1,
    "labourbot": 0,
}
# Same-layer imports that are allowed (the processes and libraries are otherwise independent).
# figures and curation are built on the case store; curation checks and indexes drafts with the knowledge base.
SIDEWAYS: set[tuple[str, str]] = {("figures", "cases"), ("curation", "cases"), ("curation", "figures"),
                                  ("curation", "knowledge_base")}


def _modules() -> dict[str, Path]:
    found = {}
    for package in LAYERS:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `module` imports (resolved to the longest known module name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                names.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                    package = package[: len(package) - (child.level - 1)]
                    base = ".".join(package + ([base] if base else []))
                names.update(f"{base}.{alias.name}" for alias in child.names)
                names.add(base)
            visit(child)

    visit(tree)
    resolved = set()
    for name in names:
        parts = name.split(".")
        while parts and ".".join(parts) not in known:
            parts.pop()
        if parts:
            resolved.add(".".join(parts))
    # A module's own parent packages are imported with it anyway (`from . import config`): not a dependency.
    parts = module.split(".")
    return resolved - {".".join(parts[:n]) for n in range(1, len(parts) + 1)}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {module: _imports(module, path, known) for module, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(graph.items()):
        source = module.split(".")[0]
        for target in sorted(targets):
            dest = target.split(".")[0]
            if dest == source or (source, dest) in SIDEWAYS:
                continue
            if LAYERS[dest] >= LAYERS[source]:
                wrong.append(f"{module} -> {target}")
    return wrong


def package_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles among a package's own modules (each package in turn)."""
    found = []
    for package in LAYERS:
        inside = {m: {t for t in ts if t.split(".")[0] == package}
                  for m, ts in graph.items() if m.split(".")[0] == package}
        found += cycles(inside)
    return found


def test_every_import_points_down_the_layers() -> None:
    assert upward_imports(import_graph()) == []


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert cycles(graph) == []


def test_the_checker_sees_an_upward_import_and_a_cycle() -> None:
    """The checks above would fail on a graph with an upward import and a cycle."""
    graph = {"cases.gateway": {"channels.conversation"}, "channels.conversation": {"cases.gateway"},
             "labourbot.cli": {"cases.cli"}, "cases.cli": set()}
    assert upward_imports(graph) == ["cases.gateway -> channels.conversation", "labourbot.cli -> cases.cli"]
    assert cycles(graph) == [["cases.gateway", "channels.conversation"]]


def test_the_graph_covers_every_package() -> None:
    graph = import_graph()
    packages = defaultdict(int)
    for module in graph:
        packages[module.split(".")[0]] += 1
    assert set(packages) == set(LAYERS)
    assert "channels.conversation" in graph["channels.app"] or any(
        t.startswith("channels.") for t in graph["channels.app"])
