"""The import graph of ``core`` and ``plugins``: no circles, layers pointing one way, sector
plugins reaching the core only through ``core.plugins``.

What counts as an import of module A by module B (an edge B → A):

* every ``import A`` or ``from A import name`` statement in B's source, wherever it stands: at
  module level, or deferred inside a function, a method or a class body. A deferred import is
  still a dependency; it only hides the circle from Python's import order (``rules`` importing
  ``criteria`` inside the scorer that ``criteria`` declares is a circle all the same);
* ``from P import name`` points at the submodule ``P.name`` when there is one, else at ``P``;
  ``import a.b.c`` points at the deepest of ``a.b.c``, ``a.b``, ``a`` that is a module here;
* importing ``a.b.c`` also imports the packages ``a.b`` and ``a`` (Python runs their
  ``__init__`` first), unless the importer is inside them already: a helper module inside a
  package whose ``__init__`` imports half the project drags all of it along.

What does not count:

* imports under ``if TYPE_CHECKING:``, which never run;
* a package's ``__init__`` importing its own submodules. That is containment, not a dependency:
  ``core.web`` imports its page modules so that they attach their routes to the blueprint it
  defines, and Python always runs a package's ``__init__`` before any of its submodules. The
  companion test below keeps this honest: a submodule may import from its own package only what
  the package defines itself (``blueprint``), never a name the package re-exports from a
  sibling, which is the circle this exception could otherwise hide;
* modules imported by a name computed at run time (``importlib.import_module``), which no
  static reading can follow.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from core.plugins.testing import imports_beyond_the_facade

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "plugins")


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    imports: set[str] = field(default_factory=set)  # what it imports (edges), after the rules above
    from_parent: set[tuple[str, str]] = field(default_factory=set)  # (ancestor package, name)


def _resolve_relative(module: Module, level: int, target: str | None) -> str:
    parts = module.name.split(".")
    base = parts if module.is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement in ``tree`` but those in ``if TYPE_CHECKING:`` bodies."""
    nodes = list(ast.walk(tree))
    skipped = {id(inner) for node in nodes if isinstance(node, ast.If) and _is_type_checking(node.test)
               for statement in node.body for inner in ast.walk(statement)}
    return [node for node in nodes
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped]


@cache
def modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            found[name] = Module(name, path, is_package)
    for module in found.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
        for node in _import_nodes(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = _resolve_relative(module, node.level, node.module) if node.level else node.module
                targets = []
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.append(submodule if submodule in found else source)
                    if submodule not in found and module.name.startswith(f"{source}."):
                        module.from_parent.add((source, alias.name))
            for target in targets:
                while target and target not in found:
                    target = target.rpartition(".")[0]
                if not target or target == module.name:
                    continue
                if module.is_package and target.startswith(f"{module.name}."):
                    continue  # containment (see the module docstring)
                module.imports.add(target)
                # Importing a.b.c runs a.b's __init__ first, unless the importer is inside a.b.
                package = target.rpartition(".")[0]
                while package and not module.name.startswith(f"{package}."):
                    module.imports.add(package)
                    package = package.rpartition(".")[0]
    return found


def circles() -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    graph = {name: sorted(m.imports) for name, m in modules().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        # Iterative, so a long chain cannot reach the recursion limit.
        work = [(node, iter(graph[node]))]
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        while work:
            current, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph[successor])))
                    advanced = True
                    break
                if successor in on_stack:
                    low[current] = min(low[current], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[current])
            if low[current] == index[current]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == current:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    return found


def path_within(component: list[str]) -> list[str]:
    """One circle through the component's first module, to show in the failure."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for successor in sorted(modules()[current].imports & members):
            if successor == start:
                return [*paths[current], start]
            if successor not in paths:
                paths[successor] = [*paths[current], successor]
                queue.append(successor)
    return component


def test_the_graph_is_read():
    graph = modules()
    assert "core.plugins.criteria" in graph["core.plugins.builders"].imports
    # deferred imports count: children_of reads the report models inside the function
    assert "core.reports.models" in graph["core.reports.children"].imports
    # relative imports of the sector plugins resolve
    assert "plugins.cyber_safety.rules" in graph["plugins.cyber_safety.criteria"].imports


def test_there_is_no_import_circle():
    found = circles()
    assert not found, "import circles:\n" + "\n".join(" → ".join(path_within(c)) for c in found)


# Layers, from the bottom: 0 base (core.db, configuration, errors, text, clock, extensions),
# 1 each concept's models, 2 operations (everything else), 3 surfaces (core.web, core.api, every
# ``cli`` module, the login views, the demo command), 4 what assembles them (the app factory, the
# ``thidua`` entry point, the test kit). An import may stay in its layer or go down.
BASE = ("core.db", "core.config", "core.errors", "core.text", "core.clock", "core.extensions")
TOP = ("core.app", "core.cli.main", "core.cli.commands", "core.testing")
SURFACES = ("core.web", "core.api", "core.cli", "core.auth.views", "core.demo")


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def layer(name: str) -> int:
    if name in TOP or _within(name, ("core.testing",)):
        return 4
    if _within(name, SURFACES) or name.rsplit(".", 1)[-1] == "cli":
        return 3
    if _within(name, BASE):
        return 0
    if name.rsplit(".", 1)[-1] == "models":
        return 1
    return 2


def test_imports_point_down_the_layers():
    upward = [
        f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
        for name, module in sorted(modules().items()) if name.startswith("core")
        for target in sorted(module.imports) if layer(target) > layer(name)
    ]
    assert not upward, "imports pointing up:\n" + "\n".join(upward)


def test_the_layers_are_what_they_say():
    assert [layer(n) for n in ("core.db.metadata", "core.reports.models", "core.plugins",
                               "core.plugins.manager", "core.api.criteria_sets", "core.periods.cli",
                               "core.cli.system", "core.cli.main", "core.app")] == [0, 1, 2, 2, 3, 3, 3, 4, 4]


def test_sector_plugins_reach_the_core_only_through_the_facades_public_names():
    sources = {str(m.path.relative_to(ROOT)): m.path.read_text(encoding="utf-8")
               for name, m in modules().items() if name.startswith("plugins.")}
    assert len(sources) > 30
    assert imports_beyond_the_facade(sources) == []


def test_a_submodule_imports_from_its_package_only_what_the_package_defines():
    reexported: dict[str, set[str]] = {}
    for name, module in modules().items():
        if module.is_package:
            tree = ast.parse(module.path.read_text(encoding="utf-8"))
            reexported[name] = {
                alias.asname or alias.name for node in tree.body
                if isinstance(node, ast.ImportFrom) for alias in node.names
            }
    wrong = [
        f"{name}: from {package} import {imported} (import it from where it is defined)"
        for name, module in sorted(modules().items())
        for package, imported in sorted(module.from_parent)
        if imported in reexported.get(package, set())
    ]
    assert not wrong, "\n".join(wrong)
