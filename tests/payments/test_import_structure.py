"""The payments package's shape: its modules import one another only at module level, never with
a star, and never in a cycle (so a service never imports the task that imports it back).

Read from the source with ``ast``; nothing is imported, so a cycle is found even where Python
would happen to resolve it.
"""

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "brokerage.payments"
PACKAGE_DIR = ROOT / "brokerage" / "payments"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(), filename=str(path))
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        if "migrations" not in path.parts
    }


SOURCES = _sources()


def _targets(node: ast.Import | ast.ImportFrom, known: dict[str, ast.Module]) -> set[str]:
    """The payments modules an import statement loads (a name imported from a package may be a
    sub-module: ``from brokerage.payments.fund import services``)."""
    found = set()
    if isinstance(node, ast.Import):
        found = {alias.name for alias in node.names}
    elif node.module and node.level == 0:
        found = {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in known and name.startswith(PACKAGE)}


def _imports(tree: ast.Module, *, module_level: bool):
    top = set(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and (node in top) == module_level:
            yield node


def _imports_anything(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.Import | ast.ImportFrom) for node in tree.body)


def import_graph(sources: dict[str, ast.Module]) -> dict[str, set[str]]:
    """Module -> the payments modules it imports at module level (packages' ``__init__`` files
    that import nothing are left out: importing a sub-module runs them, to no effect)."""
    graph = {}
    for name, tree in sources.items():
        targets = set()
        for node in _imports(tree, module_level=True):
            targets |= _targets(node, sources)
        graph[name] = {t for t in targets if t != name and _imports_anything(sources[t])}
    return graph


def test_the_graph_sees_the_imports_it_should():
    graph = import_graph(SOURCES)
    assert "brokerage.payments.stripe.tasks" in graph["brokerage.payments.stripe.inbox"]
    assert "brokerage.payments.stripe.webhooks" in graph["brokerage.payments.stripe.tasks"]
    assert "brokerage.payments.incentives.services" in graph["brokerage.payments.stripe.webhooks"]


def test_payments_modules_import_one_another_without_a_cycle():
    try:
        tuple(graphlib.TopologicalSorter(import_graph(SOURCES)).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle among payments modules: {' -> '.join(exc.args[1])}")


def test_a_cycle_would_be_found():
    sources = {
        "brokerage.payments.a.services": ast.parse("from brokerage.payments.a import tasks\n"),
        "brokerage.payments.a.tasks": ast.parse("from brokerage.payments.a.services import run\n"),
    }
    with pytest.raises(graphlib.CycleError):
        tuple(graphlib.TopologicalSorter(import_graph(sources)).static_order())


def test_no_star_imports_in_payments():
    stars = [
        f"{name}:{node.lineno}"
        for name, tree in SOURCES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]
    assert stars == []


def test_payments_modules_import_one_another_only_at_module_level():
    late = [
        f"{name}:{node.lineno}"
        for name, tree in SOURCES.items()
        for node in _imports(tree, module_level=False)
        if any(target.startswith(PACKAGE) for target in _import_names(node))
    ]
    assert late == [], "import payments modules at the top of the module, not inside a function"


def _import_names(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module or ""]


def test_every_scheduled_payments_task_is_registered_under_its_old_name():
    """Beat and queued messages name tasks by their dotted path from before the package was
    divided; each task keeps that name."""
    from celery import current_app

    import brokerage.payments.tasks  # noqa: F401  (what Celery's autodiscovery imports)
    from brokerage.payments.beat import SCHEDULE

    for entry in SCHEDULE.values():
        assert entry["task"] in current_app.tasks, entry["task"]
    assert "brokerage.payments.outbox_tasks.money_intent_send_task" in current_app.tasks
    assert "brokerage.payments.tasks.stripe_event_handle_task" in current_app.tasks
