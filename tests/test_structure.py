"""Dependencies run one way (issue 11 item 7): the dataset knows neither query nor status."""

from __future__ import annotations

import ast
from pathlib import Path

import retracker

PACKAGE = Path(retracker.__file__).resolve().parent


def imported(module: str) -> set[str]:
    """The retracker modules a module imports, at any depth (inside functions too)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                out.add(node.module.split(".")[0])
            else:
                out |= {alias.name for alias in node.names}
    return out


def reachable(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for dep in imported(todo.pop()):
            if dep not in seen and (PACKAGE / f"{dep}.py").is_file():
                seen.add(dep)
                todo.append(dep)
    return seen


def test_the_dataset_knows_neither_query_nor_status() -> None:
    assert not reachable("dataset") & {"query", "status", "lint", "cache", "indexing", "render", "cli"}
    assert "dataset" not in reachable("dataset")


def test_query_and_status_use_the_dataset_without_a_cycle() -> None:
    for module in ("query", "status", "indexing"):
        assert module not in reachable(module), f"{module} imports itself through a cycle"


def test_events_for_is_the_library_filter() -> None:
    ds = retracker.load_dataset()
    found = retracker.events_for(ds, material="antimony")
    assert found and all("Sb" in e.materials or e.materials for e in found)
    assert [e.id for e in found] == [
        e.id for e in retracker.filter_events(ds.events, retracker.Filters.build(material="Sb"))
    ]
