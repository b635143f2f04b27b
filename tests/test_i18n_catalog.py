"""The Khmer catalog: complete, compiled, consistent with the glossary, and able to fail on a new string."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dashboard import translations

ROOT = Path(__file__).resolve().parent.parent
#: Translations that may equal their English source: names, codes, numbers and symbols read the same.
SAME_IN_BOTH = {"English", "ខ្មែរ", "CSV", "PDF", "OK", "J646", "k", "%"}


def _glossary() -> list[tuple[str, str]]:
    rows = []
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.search(r"[\u1780-\u17ff]", cells[1]) and cells[0] not in ("English",):
            rows.append((cells[0], cells[1]))
    return rows


def _messages():
    return [m for m in translations.read_catalog("km") if m.id]


def test_every_string_in_the_code_has_a_khmer_translation_and_the_mo_is_current():
    result = translations.check("km")
    assert result.missing == [], "strings in the code but not in the catalog (run: python -m dashboard translations update)"
    assert result.untranslated == [], "untranslated strings in dashboard/locale/km/LC_MESSAGES/dashboard.po"
    assert result.mo_current, "the .mo is stale (run: python -m dashboard translations compile)"


def test_no_translation_is_just_the_english():
    same = [m.id for m in _messages() if m.string == m.id and m.id not in SAME_IN_BOTH]
    assert same == []


def test_translations_keep_their_placeholders():
    for m in _messages():
        if m.string:
            assert sorted(re.findall(r"\{\w*\}", m.id)) == sorted(re.findall(r"\{\w*\}", m.string)), m.id


def test_glossary_terms_are_translated_the_same_way_everywhere():
    terms = _glossary()
    assert len(terms) >= 20
    for english, khmer in terms:
        pattern = re.compile(rf"(?<![\w/]){re.escape(english)}s?(?![\w])", re.IGNORECASE)
        for m in _messages():
            if m.string and pattern.search(re.sub(r"\{\w*\}", "", m.id)):  # placeholders are not words
                assert khmer in m.string or khmer.split(" / ")[0] in m.string, (english, m.id, m.string)


def test_a_new_english_string_without_a_translation_is_caught(tmp_path):
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    (tmp_path / "dashboard").mkdir()
    (tmp_path / "dashboard" / "new_view.py").write_text(
        'from dashboard.i18n import _\n\nTITLE = _("Language")\nNEW = _("A sentence nobody has translated yet")\n')
    result = translations.check("km", root=tmp_path)
    assert result.missing == ["A sentence nobody has translated yet"] and not result.ok


@pytest.mark.parametrize("lang", translations.TRANSLATED)
def test_the_catalog_loads_at_run_time(lang):
    from dashboard import i18n

    with i18n.use_language(lang):
        assert i18n._("Language") != "Language"
