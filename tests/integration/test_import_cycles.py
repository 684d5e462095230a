"""Services and task modules never import each other: a service queues a task by its name
(`choeur.core.tasks.send`), a task module calls its service. Read from the source, imports
inside functions included (the old circle `invoices/services/deposit.py` -> `invoices/tasks.py`
-> `services/integration.py` -> `deposit.py` went through such an import)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "choeur"
DISPATCHER = "choeur.core.tasks"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The choeur modules `name` imports, at module level or inside a function."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target in known}
    return found - {name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _is_task_module(name: str) -> bool:
    return name.endswith(".tasks") and name != DISPATCHER


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_is_read_from_the_source() -> None:
    """The reader sees the imports the test is about (else the checks below prove nothing)."""
    graph = _graph()
    assert "choeur.invoices.services.integration" in graph["choeur.invoices.tasks"]
    assert "choeur.notifications.services" in graph["choeur.notifications.tasks"]
    assert "choeur.notifications.webhooks" in graph["choeur.notifications.tasks"]  # in a function
    assert DISPATCHER in graph["choeur.invoices.services.deposit"]


def test_no_module_imports_a_task_module() -> None:
    """Tasks are queued by name: nothing but Celery's autodiscovery loads a task module."""
    offenders = sorted(
        f"{name} -> {target}"
        for name, targets in _graph().items()
        for target in targets
        if _is_task_module(target)
    )
    assert offenders == []


def test_no_import_cycle_goes_through_a_task_module_or_the_deposit_pipeline() -> None:
    watched = {
        "choeur.invoices.services.deposit",
        "choeur.invoices.services.integration",
        "choeur.notifications.services",
        DISPATCHER,
    }
    bad = [
        sorted(component)
        for component in _cycles(_graph())
        if component & watched or any(_is_task_module(m) for m in component)
    ]
    assert bad == []


@pytest.mark.django_db
def test_every_task_sent_by_name_exists() -> None:
    """A misspelt name would be queued and never run: each `send("...")` names a task."""
    from celery import current_app

    current_app.loader.import_default_modules()
    sent = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "send"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                sent.add(node.args[0].value)
    assert {"invoices.flux_integrate", "notifications.outbox_send"} <= sent
    assert sorted(name for name in sent if name not in current_app.tasks) == []
