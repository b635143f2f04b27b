"""Streamlit stays in dashboard/ui/, app.py and server.py, and the private parts of Streamlit, streamlit-folium and
Starlette are reached only through their adapter, which refuses a version it was not tested with."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dashboard.compat import UntestedVersion, require

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "dashboard").rglob("*.py"), ROOT / "app.py", ROOT / "server.py",
                  *(ROOT / "pages").glob("*.py")])
#: The adapter of each library, and the private names only it may write.
PRIVATE = {
    "dashboard/ui/adapters/streamlit_private.py": (
        r"streamlit\.runtime", r"streamlit\.proto", r"streamlit\.auth_util", r"streamlit\.user_info",
        r"\bPagesManager\b", r"\bget_script_run_ctx\b", r"\bForwardMsg\b", r"\bcomponent_registry\b",
        r"\bscriptrunner", r"uses_pages_directory", r"\bset_script_intent\b", r"\bintended_page_name\b"),
    "dashboard/ui/adapters/folium_private.py": (
        r"streamlit_folium\._", r"\b_component_func\b", r"\bgenerate_js_hash\b", r"\bget_full_id\b",
        r"\b_get_(html|header|map_string|feature_group_string)\b"),
    "dashboard/access/starlette_private.py": (r"\bFileResponse\b", r"\bchunk_size\b"),
}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_only_ui_app_and_server_import_streamlit():
    outside = [_relative(p) for p in SOURCES if {"streamlit", "streamlit_folium"} & _imported(p)
               and not _relative(p).startswith("dashboard/ui/") and _relative(p) not in ("app.py", "server.py")]
    assert outside == []


def test_the_check_sees_an_import_of_streamlit(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from streamlit.runtime import exists\n", encoding="utf-8")
    assert "streamlit" in _imported(module)


@pytest.mark.parametrize("adapter", sorted(PRIVATE))
def test_private_names_appear_only_in_their_adapter(adapter):
    patterns = [re.compile(p) for p in PRIVATE[adapter]]
    assert all(p.search((ROOT / adapter).read_text(encoding="utf-8")) for p in patterns[:1])  # it does use them
    elsewhere = sorted({(_relative(path), p.pattern) for path in SOURCES if _relative(path) != adapter
                        for p in patterns if p.search(path.read_text(encoding="utf-8"))})
    assert elsewhere == []


def test_an_untested_version_is_refused_naming_the_library_and_the_version_tested():
    with pytest.raises(UntestedVersion) as err:
        require("streamlit", "0.1.0", "dashboard.ui.adapters.streamlit_private")
    message = str(err.value)
    assert "streamlit" in message and "0.1.0" in message and "dashboard.ui.adapters.streamlit_private" in message
    with pytest.raises(UntestedVersion, match="starlette"):
        require("starlette", "0.1.0", "dashboard.access.starlette_private", oldest="0.1", below="0.2")
    with pytest.raises(UntestedVersion, match="not installed"):
        require("no-such-library-here", "1.0", "x")


def test_the_installed_versions_are_the_tested_ones():
    from dashboard.access import starlette_private
    from dashboard.ui.adapters import folium_private, streamlit_private

    assert require("streamlit", streamlit_private.TESTED, "x")
    assert require("streamlit-folium", folium_private.TESTED, "x")
    assert require("starlette", starlette_private.TESTED, "x", oldest="0.46", below="2")
