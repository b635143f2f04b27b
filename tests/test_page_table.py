"""The page table (dashboard/page_table.py) is the only list of pages: the roles, the page modules, the views,
the warm-up, the tests' lists and README's "Pages" table all agree with it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dashboard import page_table
from dashboard.access import auth

ROOT = Path(__file__).resolve().parent.parent


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_every_role_of_the_table_is_a_role_and_every_role_has_a_home():
    assert {role for page in page_table.PAGES for role in page.roles} <= set(auth.ROLES)
    assert all(auth.pages_for(role) for role in auth.ROLES)
    assert auth.pages_for("nobody") == () and auth.pages_for(None) == ()


def test_the_roles_pages_are_the_table_rows_in_order():
    assert auth.pages_for("leadership") == ("overview", "coverage", "cases", "arrests", "about")
    assert auth.pages_for("admin") == tuple(p.name for p in page_table.PAGES if "admin" in p.roles)
    assert "public" not in auth.pages_for("admin") and page_table.PUBLIC[0].name == "public"


def test_every_row_has_its_page_module_and_every_page_module_its_row():
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")}
    assert files == {page.file for page in page_table.PAGES}
    for page in page_table.PAGES:
        source = (ROOT / page.file).read_text(encoding="utf-8")
        assert f'shell.show("{page.name}")' in source, page.file


def test_every_row_names_a_view_render_function_that_exists():
    for page in page_table.PAGES:
        module, _sep, function = page.render.partition(":")
        tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        assert function in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}, page.render


def test_every_row_is_in_the_readme_pages_table():
    section = _readme_section("Pages")
    rows = set(re.findall(r"^\| ([^|]+?) \|", section, flags=re.MULTILINE))
    missing = [page.title for page in page_table.PAGES if page.title not in rows]
    assert missing == []


def test_no_other_module_lists_the_pages():
    """The old lists (app.py's PAGE_SPECS, auth's ROLE_PAGES, the warm-up's view modules) are gone."""
    listed = re.compile(r'"overview",\s*"coverage"|pages/overview\.py"|ui\.views\.overview"')
    found = [p.relative_to(ROOT).as_posix() for p in [*(ROOT / "dashboard").rglob("*.py"), ROOT / "app.py"]
             if p.name != "page_table.py" and listed.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_the_scripts_hold_no_expression_streamlit_magic_would_write():
    """Magic is on (no config turns it off): a bare expression in app.py or a page module would be st.write-n."""
    scripts = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    bare = [(p.name, node.lineno) for p in scripts for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(node, ast.Expr) and not isinstance(node.value, (ast.Call, ast.Constant))]
    assert bare == []
