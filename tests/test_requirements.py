"""Every third-party module the code imports is listed in the requirements file that installs it."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = {"dashboard", "benchmarks", "tests", "app", "pages"}


def _imports(paths):
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - LOCAL - {"__future__"}


def _listed(*files):
    names = set()
    for name in files:
        for line in (ROOT / name).read_text().splitlines():
            match = re.match(r"^([A-Za-z0-9_.\-]+)", line.strip())
            if match and not line.startswith("-r"):
                names.add(match.group(1).lower().replace("_", "-"))
    return names


def _distributions(modules):
    mapping = packages_distributions()
    return {m: {d.lower().replace("_", "-") for d in mapping.get(m, [m])} for m in modules}


DEVTOOLS = ROOT / "dashboard" / "devtools"  # maintainers' tools (the docs screenshots): development requirements


def test_runtime_imports_are_in_requirements_txt():
    code = [*(p for p in ROOT.joinpath("dashboard").rglob("*.py") if DEVTOOLS not in p.parents),
            ROOT / "app.py", *ROOT.joinpath("pages").glob("*.py")]
    listed = _listed("requirements.txt")
    missing = {m: d for m, d in _distributions(_imports(code)).items() if not d & listed}
    assert not missing, f"imported but not in requirements.txt: {missing}"


def test_test_and_benchmark_imports_are_in_requirements_dev_txt():
    code = [*ROOT.joinpath("tests").glob("*.py"), *ROOT.joinpath("benchmarks").rglob("*.py"), *DEVTOOLS.rglob("*.py")]
    listed = _listed("requirements.txt", "requirements-dev.txt")
    missing = {m: d for m, d in _distributions(_imports(code)).items() if not d & listed}
    assert not missing, f"imported but not in the requirements files: {missing}"
