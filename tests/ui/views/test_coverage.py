"""The Coverage page's slider day lives in the page address: a copied link reopens that day."""

from __future__ import annotations

from datetime import date

from tests.apphelpers import app, no_errors, shown


def _address(at, key: str):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_a_link_opens_the_coverage_map_on_its_day_and_a_moved_slider_is_written_back(app_db):
    at = app("pages/coverage.py", query={"coverage_month": "2014-07-01"})
    no_errors(at)
    slider = at.select_slider(key="coverage_month")
    assert slider.value == date(2014, 7, 1)
    assert _address(at, "coverage_month") == "2014-07-01"
    slider.set_value(date(2013, 9, 1)).run()
    assert _address(at, "coverage_month") == "2013-09-01"
    at.switch_page("pages/cases.py").run()  # another page: the day is the Coverage page's own
    at.switch_page("pages/coverage.py").run()
    assert at.select_slider(key="coverage_month").value == date(2013, 9, 1)


def test_a_day_that_is_not_on_the_slider_is_explained_and_ignored(app_db):
    at = app("pages/coverage.py", query={"coverage_month": "2014-07-15"})
    no_errors(at)
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "coverage_month=2014-07-15" in warnings
    assert at.select_slider(key="coverage_month").value != date(2014, 7, 15)


def test_without_a_link_the_address_holds_no_day(app_db):
    at = app("pages/coverage.py")
    no_errors(at)
    assert "coverage_month" not in at.query_params
