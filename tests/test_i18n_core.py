"""The translation and formatting core (catalog contents are tested with the catalogs)."""

from datetime import date

from dashboard import i18n


def test_language_is_scoped_and_normalised():
    assert i18n.normalise_language("KM") == "km" and i18n.normalise_language("km_KH") == "km"
    assert i18n.normalise_language("fr") is None
    with i18n.use_language("km"):
        assert i18n.get_language() == "km"
    assert i18n.get_language() == "en"


def test_formatting_follows_the_language(monkeypatch):
    assert i18n.fmt_int(12345) == "12,345" and i18n.fmt_percent(0.859) == "86%"
    assert i18n.fmt_month(date(2015, 1, 1)) == "Jan 2015"
    with i18n.use_language("km"):
        assert i18n.fmt_month(date(2015, 1, 1)) == "មករា 2015"
        assert i18n.fmt_percent(None) == "–"
        monkeypatch.setenv("DASHBOARD_KHMER_DIGITS", "1")
        assert i18n.fmt_int(2015) == "២,០១៥"
    assert i18n.fmt_int(2015) == "2,015"  # Khmer numerals only ever in Khmer
