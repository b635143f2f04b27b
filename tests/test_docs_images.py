"""Every picture the README and docs/ show is in the repository (the Data quality screenshot once was not: the
README showed a broken image on a fresh clone)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PICTURE = re.compile(r"""!\[[^\]]*\]\(([^)\s]+)\)|<img\s[^>]*src="([^"]+)\"""")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _tracked() -> set[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    return set(out.stdout.splitlines()) if out.returncode == 0 else set()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_picture_a_document_shows_is_committed(doc):
    tracked = _tracked()
    missing = []
    for match in PICTURE.finditer(doc.read_text(encoding="utf-8")):
        target = match.group(1) or match.group(2)
        if "://" in target:
            continue
        path = (doc.parent / target).resolve()
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else target
        if not path.is_file() or (tracked and rel not in tracked):
            missing.append(target)
    assert missing == [], f"{doc.name} shows pictures that are not in the repository: {missing}"
