"""The shape of the house: no module imports itself back through others (a cycle, whether its imports sit at the top
or inside a function); every service runs its outbox relay beside its own unit of work and moves statuses only
through its domain; an entrypoint is a few lines over one use case; no module of the product is over 450 lines."""
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


# -- thin entrypoints, short modules ---------------------------------------------------------------------------
ENTRYPOINT_DECORATORS = {"rpc", "subscribe", "timer", "event_handler", "handle_event"}
MAX_ENTRYPOINT_LINES = 15
MAX_MODULE_LINES = 450


def entrypoint_lengths(path):
    """{name: lines} of each entrypoint method in `path` (a method decorated `@rpc`, `@subscribe(...)`,
    `@timer(...)`): from its `def` to its last line, its docstring not counted."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        names = {(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
        if not any(getattr(n, "id", getattr(n, "attr", None)) in ENTRYPOINT_DECORATORS for n in names):
            continue
        lines = node.end_lineno - node.lineno + 1
        first = node.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            lines -= first.end_lineno - first.lineno + 1
        found[node.name] = lines
    return found


def test_the_count_leaves_out_decorators_and_docstrings(tmp_path):
    sample = tmp_path / "service.py"
    sample.write_text('class S:\n    @rpc\n    def a(self):\n        """Doc\n        more."""\n        return 1\n\n'
                      '    @subscribe("x.y")\n    def b(self, event):\n        x = 1\n        return x\n\n'
                      '    def helper(self):\n        return 2\n')
    assert entrypoint_lengths(sample) == {"a": 2, "b": 3}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_an_entrypoint_loads_calls_one_use_case_and_dumps(name):
    # the use cases are in services/<name>/usecases/, the output formatting in services/<name>/views.py
    lengths = entrypoint_lengths(ROOT / "services" / name / "service.py")
    assert lengths, "the walk found the service's entrypoints"
    assert {entry: n for entry, n in lengths.items() if n > MAX_ENTRYPOINT_LINES} == {}


def test_no_module_of_the_product_is_over_450_lines():
    # migrations, tests and benchmarks aside: a longer module holds more than one area, split it by area
    long = {name: n for name, path in project_modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}
