"""Shared links (issue 20, items 4 and 5): every bad value warns, alone or together, on every page and on every
rerun; applied values stay in the address in canonical form; a refused page lands on the first permitted page
with a notice, the link's filters and without running; a page's own settings stay on that page."""

from __future__ import annotations

import pytest

from dashboard.ui import sidebar
from tests.apphelpers import app, engine_with_users, no_errors, shown, signed_in

PASSWORD = "correct horse battery staple"
BAD_LINK = {"province": "Nowhere", "offence": "foo", "from": "2014-13-01", "lang": "xx", "view": "bogus",
            "measure": "cases per goat"}
EVERY_WARNING = ("province=Nowhere", "No province in the link was recognised", "national totals",
                 "offence=foo", "No offence in the link", "from=2014-13-01", "lang=xx", "view=bogus",
                 "measure=cases per goat")


def _warnings(at) -> str:
    return " ".join(shown(w.value) for w in at.warning)


def _address(at, key: str) -> list[str] | None:
    """The address's values for ``key`` (AppTest unwraps a single value)."""
    value = at.query_params.get(key)
    return None if value is None else value if isinstance(value, list) else [value]


def _notices(at) -> list[str]:
    return [shown(i.value) for i in at.info if "your role does not include" in shown(i.value)]


def _deep_link(page_path: str, query: dict, session: dict | None = None):
    """A link to ``page_path`` opened in a new browser session: the session's first run is that page."""
    from streamlit.testing.v1 import AppTest

    from tests.apphelpers import APP

    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.query_params.update(query)
    return at.switch_page(page_path).run()


def test_every_bad_value_warns_together_and_on_later_reruns(app_db):
    at = _deep_link("pages/cases.py", BAD_LINK)
    no_errors(at)
    for expected in EVERY_WARNING:
        assert expected in _warnings(at), (expected, _warnings(at))
    at.run()  # a rerun nobody asked for (a map reporting its first value): the warnings stay
    for expected in EVERY_WARNING:
        assert expected in _warnings(at), (expected, _warnings(at))


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/coverage.py", "pages/cases.py", "pages/arrests.py",
                                  "pages/analysis.py", "pages/about.py"])
def test_a_bad_province_warns_on_every_page_and_says_national_totals_are_shown(app_db, page):
    at = _deep_link(page, {"province": ["Nowhere", "Atlantis"]})
    no_errors(at)
    assert "province=Nowhere" in _warnings(at) and "province=Atlantis" in _warnings(at)
    assert "No province in the link was recognised" in _warnings(at)
    assert "(e.g. Siem Reap)" in _warnings(at)  # what is accepted


def test_a_misspelt_province_suggests_what_was_meant(app_db):
    at = app(query={"province": "Kampong Chxx"})
    assert "did you mean" in _warnings(at), _warnings(at)


def test_one_good_province_among_bad_ones_is_not_called_national(app_db):
    at = app(query={"province": ["Nowhere", "Kampot"]})
    assert "province=Nowhere" in _warnings(at) and "No province in the link" not in _warnings(at)
    assert at.multiselect(key=sidebar.KEY_PROVINCE).value == ["Kampot"]


def test_changing_a_filter_ends_the_warnings(app_db):
    at = app(query={"province": "Nowhere"})
    assert "province=Nowhere" in _warnings(at)
    at.multiselect(key=sidebar.KEY_PROVINCE).select("Kep").run()
    assert "province=Nowhere" not in _warnings(at)


@pytest.mark.parametrize(("query", "expected"), [
    ({"province": "Siem Riep"}, {"province": ["Siem Reap"]}),
    ({"province": "siemreab,kampot"}, {"province": ["Siem Reap", "Kampot"]}),
    ({"offence": "HOMICIDE"}, {"offence": ["homicide"]}),
    ({"view": "Compare Two Periods"}, {"view": ["compare two periods"]}),
    ({"from": "20150101"}, {"from": ["2015-01-01"]}),
])
def test_an_applied_value_stays_in_the_address_in_canonical_form(app_db, query, expected):
    at = _deep_link("pages/cases.py", query)
    no_errors(at)
    for key, values in expected.items():
        assert _address(at, key) == values, (key, at.query_params)
    assert "URL parameter" not in _warnings(at)


def test_canonical_form_follows_the_language(app_db):
    at = app(query={"province": "Siem Riep", "lang": "km"})
    no_errors(at)
    assert _address(at, "province") == ["សៀមរាប"]


@pytest.fixture()
def users(app_db):
    return engine_with_users(app_db, {"lee": "leadership", "ann": "analyst"}, PASSWORD)


def _refused_page_must_not_run(monkeypatch, view: str) -> None:
    """Fail if the refused page gets past its role check (a fresh server may start its file, which then stops)."""
    import importlib

    module = importlib.import_module(f"dashboard.ui.views.{view}")
    checked = module.context

    def must_refuse(page: str):
        checked(page)  # stops the page when the role may not see it
        raise AssertionError(f"the refused page {view} ran")

    monkeypatch.setattr(module, "context", must_refuse)


@pytest.mark.parametrize(("role", "page"), [(None, "data"), ("lee", "analysis"), ("lee", "data"), ("ann", "data")])
def test_a_refused_page_lands_on_the_first_page_with_a_notice_and_the_filters(request, monkeypatch, role, page):
    """Demo mode (no users yet: role None) may not see Data; leadership neither Analysis nor Data; analysts not Data."""
    _refused_page_must_not_run(monkeypatch, page)
    session = signed_in(request.getfixturevalue("users"), role) if role else None
    if role is None:
        request.getfixturevalue("app_db")
    at = _deep_link(f"pages/{page}.py", {"province": "Kampot", "measure": "case count"}, session)
    no_errors(at)
    title = {"data": "Data", "analysis": "Analysis"}[page]
    assert _notices(at) == [f"That link is to {title}, a page your role does not include, so you are on Overview "
                            "instead."]
    assert [t.value for t in at.title] == ["Overview"]
    assert _address(at, "province") == ["Kampot"]  # the link's filter stays in the address ...
    assert "measure" not in at.query_params  # ... the refused page's own settings do not
    assert at.multiselect(key=sidebar.KEY_PROVINCE).value == ["Kampot"]
    at.run()  # and the notice survives a rerun nobody asked for
    assert len(_notices(at)) == 1
    at.switch_page("pages/coverage.py").run()
    assert not _notices(at)  # until the viewer moves on


def test_a_page_setting_does_not_follow_the_viewer_to_another_page(app_db):
    at = app("pages/cases.py", query={"view": "compare two periods"})
    assert at.segmented_control(key="view").value == "compare two periods"
    at.switch_page("pages/arrests.py").run()
    no_errors(at)
    assert at.segmented_control(key="view").value == "by province"  # the address: test_browser_links
