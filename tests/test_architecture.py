"""The package's shape: no import cycle, one list of event types, and the docs that describe both."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from faibric_kernel.store.event_types import EVENT_TYPES, events_markdown

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "faibric_kernel"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(importer: str, is_package: bool, level: int, module: str | None) -> str:
    base = importer.split(".")
    if level:
        base = base if is_package else base[:-1]
        base = base[: len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))
    return module or ""


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, at module level and inside functions alike."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node.level, node.module)
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
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
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_modules_of_the_package():
    cycles = find_cycles(import_graph())
    assert cycles == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def _recorded_event_types() -> dict[str, list[str]]:
    """Every literal event type the package records, with where (record_event, run.event, transitions)."""
    found: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(REPO))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called in ("record_event", "event") and node.args and isinstance(node.args[0], ast.Constant) \
                        and isinstance(node.args[0].value, str):
                    found.setdefault(node.args[0].value, []).append(where)
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=False):
                    # {"event_type": "error", ...} is a record; {"event_type": "event_type"} maps a column
                    if isinstance(key, ast.Constant) and key.value == "event_type" and isinstance(value, ast.Constant) \
                            and value.value != "event_type":
                        found.setdefault(value.value, []).append(where)
    from faibric_kernel.sessions import STATUS_EVENTS

    for event_type in STATUS_EVENTS.values():
        if event_type:
            found.setdefault(event_type, []).append("faibric_kernel/sessions.py STATUS_EVENTS")
    return found


def test_every_recorded_event_type_is_registered():
    recorded = _recorded_event_types()
    assert {"file_rejected", "email_sent", "email_failed", "generation_completed"} <= set(recorded)
    unknown = {name: where for name, where in recorded.items() if name not in EVENT_TYPES}
    assert unknown == {}


def test_the_events_page_is_written_from_the_registry():
    assert (REPO / "docs" / "events.md").read_text(encoding="utf-8") == events_markdown()


def test_events_the_code_records_but_the_demo_does_not_are_imported(tmp_path):
    from faibric_kernel.store.importer import import_events

    rows = [{"event_id": f"00000000-0000-4000-8000-00000000000{i}", "ts": "2026-11-02T10:00:00",
             "tenant_id": "default", "session_id": "s1", "actor": "a@example.com", "event_type": name,
             "properties": "{}"} for i, name in enumerate(("file_rejected", "email_sent", "email_failed"))]
    source = tmp_path / "history.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = import_events(source)
    assert report.accepted == 3 and report.refused == 0


def test_the_architecture_page_is_linked_from_the_readme():
    assert (REPO / "docs" / "architecture.md").is_file()
    assert "docs/architecture.md" in (REPO / "README.md").read_text(encoding="utf-8")
