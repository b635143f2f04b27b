"""Issue 20 item 12: the tests leave the clone clean, and `python -m dashboard screenshots` retakes the docs ones."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.devtools.browser import CHROMIUM
from tests.shotdir import screenshot_dir

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


def test_tests_save_screenshots_outside_the_repository_by_default(monkeypatch):
    monkeypatch.delenv("DASHBOARD_SCREENSHOT_DIR", raising=False)
    for folder in (screenshot_dir(), screenshot_dir("km")):
        assert ROOT not in folder.resolve().parents and folder.resolve() != ROOT
    monkeypatch.setenv("DASHBOARD_SCREENSHOT_DIR", "/somewhere/shots")
    assert screenshot_dir("km") == Path("/somewhere/shots/km")


def test_every_browser_test_module_uses_the_one_rule():
    for name in ("test_browser.py", "test_browser_khmer.py", "test_public_site.py"):
        text = (ROOT / "tests" / name).read_text(encoding="utf-8")
        assert "screenshot_dir(" in text and '"docs" / "screenshots"' not in text, name


def test_the_package_never_imports_the_tests():
    for path in ROOT.joinpath("dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "tests" or n.startswith("tests.") for n in names), path


@pytest.mark.parametrize("path", ["public_export/aggregates.csv", "public_site/index.html",
                                  "brief_km.pdf", "brief.pdf"])
def test_what_the_readme_examples_write_is_ignored_by_git(path):
    result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
    assert result.returncode == 0, f"{path} is not in .gitignore"


def test_an_unknown_screenshot_name_is_a_message(capsys, tmp_path):
    assert main(["screenshots", "--out", str(tmp_path), "--only", "nowhere"]) == 2
    assert "unknown screenshot(s): nowhere" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


@pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_command_takes_english_and_khmer_screenshots(tmp_path, capsys):
    assert main(["screenshots", "--out", str(tmp_path), "--lang", "all", "--only", "about"]) == 0
    for path in (tmp_path / "about.png", tmp_path / "km" / "about.png"):
        assert path.read_bytes()[:8] == PNG and path.stat().st_size > 20_000
    assert "2 screenshots written" in capsys.readouterr().out
