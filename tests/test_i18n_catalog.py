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
#: English messages where a glossary word has another sense (reviewed): the term's rule does not apply to them.
OTHER_SENSE = {"points": ("not points or lines",), "demo": ("demo-data",), "capital": ("capital letters",)}
KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"


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
    assert result.missing == [], ("strings in the code but not in the catalog "
                                  "(run: python -m dashboard translations update)")
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
    wrong = []
    for english, khmer in terms:
        pattern = re.compile(rf"(?<![\w/]){re.escape(english)}s?(?![\w])", re.IGNORECASE)
        for m in _messages():
            if any(phrase in m.id for phrase in OTHER_SENSE.get(english, ())):
                continue
            words = re.sub(r"`[^`]*`", "", re.sub(r"\{\w*\}", "", m.id))  # placeholders and commands are not words
            if m.string and pattern.search(words) and not (khmer in m.string or khmer.split(" / ")[0] in m.string):
                wrong.append((english, m.id[:80], m.string[:80]))
    assert wrong == []


def test_the_glossary_decisions_of_the_review_are_in_the_glossary():
    """The terms the review settled stay settled: removing one of these rows would stop its check."""
    terms = dict(_glossary())
    assert terms["all provinces"] == "រាជធានី-ខេត្ត" and terms["Phnom Penh"] == "រាជធានីភ្នំពេញ"
    assert terms["programme"] == "គម្រោង" and terms["suppressed"] == "មិនបង្ហាញ"
    assert terms["SYNTHETIC"] == "ទិន្នន័យប្រឌិត" and terms["demo"] == "សាកល្បង"
    assert terms["at risk"] == "ករណីនៅតាមដាន" and terms["percentage points"] == "ពិន្ទុភាគរយ"


@pytest.mark.parametrize("wrong", ["ស្ថិតក្នុងហានិភ័យ", "ទិន្នន័យសំយោគ", "សម្រាប់បង្ហាញ", "បានលាក់", "(ពិន្ទុ)",
                                   "ពាក់កណ្ដាលកណ្ដាល", "censor ", "វាត្រូវបានមិនអើពើ"])
def test_the_words_the_review_found_wrong_are_gone(wrong):
    assert [m.id for m in _messages() if wrong in m.string] == []
    assert wrong not in (ROOT / "docs" / "about.km.md").read_text(encoding="utf-8")


def _spellings(texts: list[str]) -> dict[str, set[str]]:
    """Each stretch 'consonant + subscript ត or ដ + next letter', keyed the same for both subscripts."""
    found: dict[str, set[str]] = {}
    for text in texts:
        for match in re.finditer("[\u1780-\u17b3]\u17d2[\u178f\u178a][\u1780-\u17ff]?", text):
            piece = match.group()
            key = piece[:2] + "\u178f" + piece[3:]
            found.setdefault(key, set()).add(piece)
    return found


def test_every_word_is_spelled_one_way_with_its_subscript_ta_or_da():
    """ត and ដ subscripts look alike but are different characters: a word written both ways breaks search."""
    texts = [m.string for m in _messages()] + [(ROOT / "docs" / "about.km.md").read_text(encoding="utf-8")]
    both = {key: sorted(pieces) for key, pieces in _spellings(texts).items() if len(pieces) > 1}
    assert both == {}
    assert not any("ឲ្យ" in t for t in texts)  # ឱ្យ is the one spelling


def test_the_spelling_check_can_fail():
    assert _spellings(["ម្តង", "ម្ដង"]) == {"ម\u17d2\u178fង": {"ម្តង", "ម្ដង"}}


def test_catalog_strings_write_western_digits():
    """Digits follow one rule: Western in the catalog; DASHBOARD_KHMER_DIGITS=1 turns them all Khmer at once."""
    assert [m.id for m in _messages() if any(d in m.string for d in KHMER_DIGITS)] == []


def test_under_khmer_digits_a_sentence_has_only_khmer_digits(monkeypatch):
    from dashboard import i18n

    monkeypatch.setenv("DASHBOARD_KHMER_DIGITS", "1")
    with i18n.use_language("km"):
        text = i18n._("Arrest rate {rate}, 95% confidence interval {low} to {high} (Wilson score).").format(
            rate=i18n.fmt_percent(0.86), low=i18n.fmt_percent(0.82), high=i18n.fmt_percent(0.89))
        census = i18n._("2008 General Population Census (NIS)")
        hover = i18n._("day %{x}: %{y:.0%} still without arrest (%{customdata[0]} at risk)")
    assert re.search(r"[0-9]", text) is None and "៩៥%" in text and "៨៦%" in text, text
    assert "២០០៨" in census
    assert "%{customdata[0]}" in hover  # plotly's tokens are code: they keep their digits
    monkeypatch.delenv("DASHBOARD_KHMER_DIGITS")
    with i18n.use_language("km"):
        assert "95%" in i18n._("95% interval")  # the default: Western digits


def test_msgfmt_finds_no_error_in_the_catalog():
    """What Poedit runs on save (GNU gettext's ``msgfmt -c``): no errors, so a reviewer is shown none."""
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (apt-get install gettext)")
    for po in [translations.po_path(lang) for lang in translations.TRANSLATED]:
        done = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "error" not in done.stderr, done.stderr
    assert "python-format" not in translations.TEMPLATE.read_text(encoding="utf-8").replace("python-brace-format", "")


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
