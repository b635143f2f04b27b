"""The donor brief is a tagged PDF (PDF/UA-1), read here through its structure tree with pypdf (issue 28):
marked, with the document's language, a title shown by the viewer, and a structure tree that starts at the
title heading and holds the page's content in reading order."""

from __future__ import annotations

from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from dashboard.publish import brief  # noqa: E402

if brief.unavailable_reason():
    pytest.skip(f"brief tests skipped: {brief.unavailable_reason()}", allow_module_level=True)


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    from dashboard.data.demo import write_demo
    from dashboard.data.store import load_from_dir
    from dashboard.publish.release import write_export

    tmp = tmp_path_factory.mktemp("brief")
    write_demo(tmp / "demo")
    write_export(load_from_dir(tmp / "demo"), tmp / "public")
    return tmp / "public"


def _structure(node, found: list) -> list:
    """The structure elements' types, depth first (the reading order of a tagged PDF)."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, pypdf.generic.ArrayObject):
        for kid in node:
            _structure(kid, found)
    elif isinstance(node, pypdf.generic.DictionaryObject) and "/S" in node:
        found.append(str(node["/S"]))
        if "/K" in node:
            _structure(node["/K"], found)
    return found


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_brief_is_a_tagged_pdf_with_title_language_and_structure(export_dir, tmp_path, lang):
    out = brief.write_brief(export_dir, tmp_path / f"brief_{lang}.pdf", lang)
    reader = pypdf.PdfReader(out)
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == lang
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    from dashboard.i18n import use_language

    with use_language(lang):
        assert reader.metadata.title == brief.title()
    assert "pdfuaid" in root["/Metadata"].get_object().get_data().decode("utf-8")  # declares PDF/UA
    tags = _structure(root["/StructTreeRoot"]["/K"], [])
    assert tags[0] == "/Document"
    assert tags[1] == "/H1"  # the title comes first in reading order
    assert len(tags) > 20 and {"/P", "/Div", "/Span"} & set(tags)
