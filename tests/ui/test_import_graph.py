"""The import graph of dashboard/ (every import, those inside functions too): dashboard.ui has no circle, and no
package below it imports it. The graph and the cycle finder are the layer test's (tests/test_import_layers.py)."""

from __future__ import annotations

from tests.test_import_layers import GRAPH, _cycles


def import_graph() -> dict[str, set[str]]:
    return {name: set(deps) for name, deps in GRAPH.items()}


def _ui(name: str) -> bool:
    return name == "dashboard.ui" or name.startswith("dashboard.ui.")


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    assert "dashboard.ui.map_widget" in graph["dashboard.ui.cache"]  # warm(): a function-level import


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle_inside_dashboard_ui():
    graph = import_graph()
    ui_graph = {name: {m for m in deps if _ui(m)} for name, deps in graph.items() if _ui(name)}
    assert _cycles(ui_graph) == []


def test_no_package_below_ui_imports_it():
    upward = sorted((name, dep) for name, deps in import_graph().items() if not _ui(name)
                    for dep in deps if _ui(dep))
    assert upward == []
