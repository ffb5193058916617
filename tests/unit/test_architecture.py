"""The shape of the house: no module imports itself back through others (a cycle, whether its imports sit at the top
or inside a function), and every service runs its outbox relay beside its own unit of work."""
import ast
import importlib
from pathlib import Path

import pytest

from services.common.db import UnitOfWork
from services.common.relay import Relays
from services.common.broker import SERVICES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("gateway", "services", "scripts")


def project_modules():
    """Every module of the product (not its migrations, whose revisions Alembic loads one by one): name → path."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            name = ".".join(relative.with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def imports_of(name, path, modules):
    """The project modules `name` imports anywhere in its text, `from x import y` counted as x and as x.y."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in modules and target != name)
    return found


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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
            visit(node)
    return found


def test_the_walk_finds_a_cycle_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_the_product_imports_itself_back():
    modules = project_modules()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert len(graph) > 100 and graph["gateway.app"]  # the walk saw the tree
    assert cycles(graph) == []


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_runs_one_relay_on_its_own_unit_of_work(name):
    service = getattr(importlib.import_module(f"services.{name}.service"), SERVICES[name])
    declared = [value for klass in service.__mro__ for value in vars(klass).values()]
    assert sum(isinstance(value, UnitOfWork) for value in declared) == 1
    assert sum(isinstance(value, Relays) for value in declared) == 1


def status_assignments(path):
    """Lines of `path` that assign an object's `.status` (alone or in a tuple assignment)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign):
            targets = [t for target in node.targets
                       for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                found.append(node.lineno)
    return found


def test_the_walk_finds_a_status_set_by_hand(tmp_path):
    sample = tmp_path / "service.py"
    sample.write_text("a.status = 'x'\nb.status, b.note = 'y', 'z'\nc.state = 1\n")
    assert status_assignments(sample) == [1, 2]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_service_moves_statuses_only_through_its_domains_lifecycles(name):
    # e.g. services/loan/domain/lifecycles.py, services/collection/domain.py (services.common.states.Lifecycle)
    assert status_assignments(ROOT / "services" / name / "service.py") == []
