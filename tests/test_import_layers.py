"""The import graph of ``dashboard``: no circle among its modules, and no import that points up a layer.

Layers, top to bottom: ui > publish > render > measures > data > geo > base (settings, i18n, errors, paths,
caching and the package's other top-level modules). ``cli``, ``devtools`` and ``access`` stand to the side:
access may use data and what lies below it; cli may use anything below ui, the maintainers' devtools (which it
runs) included; nothing below imports cli, devtools or ui. Imports inside functions count as much as those at the
top of a file (they run too). ``dashboard/__init__.py`` is the package root: it hardens GDAL and wires the ground
floor together, so it may import only the base and the GDAL guard.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dashboard"
#: Rank of each layer; a module may import its own layer's modules and those of lower rank.
RANK = {"base": 0, "geo": 1, "data": 2, "access": 3, "measures": 3, "render": 4, "publish": 5, "devtools": 6, "ops": 6,
        "cli": 7, "ui": 8}
#: Layers that may not import each other, whatever their rank: they stand side by side.
SIDE_BY_SIDE = [{"access", "measures"}, {"ui", "cli"}, {"ui", "devtools"}, {"ui", "ops"}, {"devtools", "ops"}]
ROOT_MAY_IMPORT = {"dashboard.geo.gdal_guard"}
#: ``python -m dashboard``: the entry point, above every layer (as app.py and server.py are).
ENTRY_POINTS = {"dashboard.__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in RANK else "base"


def _resolve(name: str) -> str | None:
    """The dashboard module an imported name lives in (its package's ``__init__`` for a name defined there)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    """Every dashboard module ``module`` imports, anywhere in the file."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # "from dashboard.render import maps" imports the module dashboard.render.maps
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found |= {target for name in names if name.startswith("dashboard")
                  if (target := _resolve(name)) and target != module}
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            mine, theirs = layer(module), layer(target)
            if module in ENTRY_POINTS:
                continue
            if module == "dashboard":  # the package root
                ok = theirs == "base" or target in ROOT_MAY_IMPORT
            else:
                ok = mine == theirs or (RANK[theirs] < RANK[mine] and {mine, theirs} not in SIDE_BY_SIDE)
            if not ok:
                bad.append(f"{module} ({layer(module)}) imports {target} ({layer(target)})")
    return bad


def test_the_graph_sees_the_imports_it_should():
    assert "dashboard.data.db" in GRAPH["dashboard.data.ingest"]
    assert "dashboard.render.maps" in GRAPH["dashboard.publish.public_map"]  # "from dashboard.render.maps import"
    assert "dashboard.publish.public_map" in GRAPH["dashboard.publish.site"]  # "from dashboard.publish import x"
    assert "dashboard.data.store" in GRAPH["dashboard.data.ingest"]  # an import inside a function counts
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert upward_imports({"dashboard.data.x": {"dashboard.measures.y"}}) == \
        ["dashboard.data.x (data) imports dashboard.measures.y (measures)"]


def test_no_import_circle_among_dashboard_modules():
    assert _cycles(GRAPH) == []


def test_no_import_points_up_a_layer():
    assert upward_imports(GRAPH) == []


def _third_party_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_only_dashboard_ui_imports_streamlit_inside_the_package():
    """Inside dashboard/, Streamlit (and streamlit-folium) belong to ui/ alone; outside it, app.py and server.py."""
    outside_ui = [m for m in MODULES if layer(m) != "ui"]
    assert "streamlit" in _third_party_imports(MODULES["dashboard.ui.gate"])  # the scan sees an import
    found = sorted(m for m in outside_ui if _third_party_imports(MODULES[m]) & {"streamlit", "streamlit_folium"})
    assert found == []
