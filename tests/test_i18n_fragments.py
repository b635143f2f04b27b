"""Fragment reruns keep the language and the run's context: every fragment goes through ui.fragments.

The browser tests (tests/test_browser_khmer.py) walk the user's path (Play, a slider move) and read every
text; this file holds the structural rule that makes those pass for any future fragment too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRAPPER = ROOT / "dashboard" / "ui" / "fragments.py"


def _python_files() -> list[Path]:
    files = [ROOT / "app.py", ROOT / "server.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard").rglob("*.py")]
    return [f for f in files if f.exists()]


def test_no_fragment_is_made_without_the_wrapper_that_restores_the_language():
    offenders = []
    for path in _python_files():
        if path == WRAPPER:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("fragment", "experimental_fragment") \
                    and isinstance(node.value, ast.Name) and node.value.id == "st":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"use dashboard.ui.fragments.fragment, not st.fragment: {offenders}"


def test_a_khmer_quarter_names_its_year():
    from datetime import date

    from dashboard.i18n import fmt_quarter, use_language

    with use_language("km"):
        assert fmt_quarter(date(2013, 9, 30)) == "ត្រីមាសទី 3 ឆ្នាំ 2013"
    with use_language("en"):
        assert fmt_quarter(date(2013, 9, 30)) == "Q3 2013"
