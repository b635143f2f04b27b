"""AppTest: every page runs, headline numbers match the CLI, filters and URLs work."""

from datetime import date
from pathlib import Path

import pytest

from dashboard.ui import sidebar
from tests.apphelpers import INTERNAL_PAGES, app, cli_summary, metrics, no_errors, shown

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def db_url(app_db):
    return app_db


@pytest.mark.parametrize("page", [None, *[p for p in INTERNAL_PAGES if p != "pages/data.py"], "pages/about.py"])
def test_every_page_runs_in_demo_mode(db_url, page):
    at = app(page)
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    if page != "pages/about.py":
        assert any("SYNTHETIC" in w.value for w in at.warning)


def test_demo_mode_is_read_only(db_url):
    """An anonymous demo visitor never reaches the Data page (uploads, coverage edits, boundaries)."""
    at = app()
    no_errors(at)
    with pytest.raises(ValueError):
        at.switch_page("pages/data.py")
    assert not at.get("file_uploader")
    assert any("read-only" in i.value for i in at.info)


def _overview_numbers(at):
    m = metrics(at)
    return {"cases": int(m["Cases"].replace(",", "")), "arrests": int(m["Arrests"].replace(",", "")),
            "rate": m["Arrest rate"], "covered": m["Provinces covered"], "population": m["Population covered"]}


def _expected(s):
    return {"cases": s["cases"], "arrests": s["arrests"],
            "rate": f"{s['arrest_rate']:.0%}" if s["arrest_rate"] is not None else "–",
            "covered": f"{s['provinces_covered']} of {s['provinces_total']}",
            "population": f"{s['population_covered_share']:.0%}" if s["population_covered_share"] is not None else "–"}


def test_headline_numbers_equal_cli_summary(db_url, capsys):
    at = app()
    no_errors(at)
    assert _overview_numbers(at) == _expected(cli_summary(capsys, db_url))
    assert metrics(at)["Cases in 2015"] == "84"


def test_coverage_cards_say_which_day_they_are_for(db_url):
    """Issue 20 item 10: 21 of 25 and 96% on the last data day, while the published 20 and 90% are for 1 Jan 2015."""
    at = app()
    no_errors(at)
    cards = {m.label: m for m in at.metric}
    assert cards["Provinces covered"].value == "21 of 25" and cards["Provinces covered"].delta == "on Apr 29, 2015"
    assert cards["Population covered"].delta == "on Apr 29, 2015"
    assert "1 January 2015" in cards["Provinces covered"].help
    at = app(query={"to": "2015-01-01"})
    cards = {m.label: m for m in at.metric}
    assert (cards["Provinces covered"].value, cards["Provinces covered"].delta) == ("20 of 25", "on Jan 1, 2015")
    assert cards["Population covered"].value == "90%"
    at.switch_page("pages/coverage.py").run()
    no_errors(at)
    assert {m.label: m.delta for m in at.metric}["Provinces covered"].startswith("on ")


def test_changing_filters_changes_the_numbers(db_url, capsys):
    at = app()
    before = _overview_numbers(at)
    at.multiselect(key=sidebar.KEY_PROVINCE).select("Phnom Penh").select("Siem Reap").run()
    after = _overview_numbers(at)
    assert after != before
    assert after == _expected(cli_summary(capsys, db_url, "--province", "Phnom Penh", "--province", "Siem Reap"))
    at.date_input(key=sidebar.KEY_FROM).set_value(date(2015, 1, 1)).run()
    at.multiselect(key=sidebar.KEY_OFFENCE).select("homicide").run()
    expected = cli_summary(capsys, db_url, "--from", "2015-01-01", "--province", "Phnom Penh",
                           "--province", "Siem Reap", "--offence", "homicide")
    assert _overview_numbers(at) == _expected(expected)


def test_url_query_parameters_restore_a_view(db_url, capsys):
    at = app(query={"from": "2015-01-01", "to": "2015-03-31", "province": ["Phnom Penh", "Kandal"]})
    no_errors(at)
    assert at.multiselect(key=sidebar.KEY_PROVINCE).value == ["Phnom Penh", "Kandal"]
    expected = cli_summary(capsys, db_url, "--from", "2015-01-01", "--to", "2015-03-31",
                           "--province", "Phnom Penh", "--province", "Kandal")
    assert _overview_numbers(at) == _expected(expected)


def test_url_accepts_other_spellings_and_explains_bad_values(db_url):
    at = app(query={"province": ["siemreab", "Atlantis"], "from": "not-a-date", "offence": "murder-ish"})
    no_errors(at)
    assert at.multiselect(key=sidebar.KEY_PROVINCE).value == ["Siem Reap"]
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "province=Atlantis" in warnings and "from=not-a-date" in warnings and "offence=murder-ish" in warnings


def test_filter_matching_nothing_shows_empty_state(db_url):
    at = app("pages/cases.py")
    at.multiselect(key=sidebar.KEY_PROVINCE).select("Mondulkiri").run()
    no_errors(at)
    assert any("No cases match these filters" in i.value for i in at.info)
    at.switch_page("pages/arrests.py").run()
    assert any("No cases match these filters" in i.value for i in at.info)


def test_unreachable_database_shows_clear_message(monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = app()
    no_errors(at)
    assert any("cannot be reached" in shown(e.value) for e in at.error)


def test_bad_mode_setting_is_explained(db_url, monkeypatch):
    monkeypatch.setenv("DASHBOARD_MODE", "shiny")
    at = app()
    no_errors(at)
    assert any("DASHBOARD_MODE" in shown(e.value) for e in at.error)


def test_reset_filters_returns_to_the_whole_programme(db_url, capsys):
    at = app(query={"from": "2015-01-01", "province": ["Kandal"], "offence": "homicide"})
    assert metrics(at)["Cases"] != "369"
    at.button(key="reset_filters").click().run()
    no_errors(at)
    assert at.multiselect(key=sidebar.KEY_PROVINCE).value == [] and at.multiselect(key=sidebar.KEY_OFFENCE).value == []
    assert _overview_numbers(at) == _expected(cli_summary(capsys, db_url))


def test_cases_map_settings_come_back_from_the_url(db_url):
    at = app("pages/cases.py", query={"measure": "rate per 100,000", "classes": "natural breaks", "census": "2019"})
    no_errors(at)
    assert at.segmented_control(key="measure").value == "rate per 100,000"
    assert at.selectbox(key="classes").value == "natural breaks" and at.selectbox(key="census").value == "2019"
    assert any("2019 General Population Census" in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_about_page_carries_no_developer_notes(db_url, lang):
    """Issue 20: library version conflicts and timings belong in docs/development.md, not on the About page."""
    at = app(query={"lang": lang})
    at.switch_page("pages/about.py").run()
    no_errors(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Kaplan–Meier" in text
    for note in ("lifelines", "matplotlib", "pandas", "s per curve", "វិនាទី"):
        assert note not in text, note
    assert "lifelines" in (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
