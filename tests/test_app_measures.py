"""AppTest: the new measures on the Cases and Arrests pages, their URL keys, and compare mode."""

from datetime import date

import pytest

from dashboard.ui import sidebar
from tests.apphelpers import app, cli_summary, keyed, metrics, no_errors, shown

COMPARE = {"view": "compare two periods", "period_a": ["2014-05-01", "2014-12-31"],
           "period_b": ["2015-01-01", "2015-04-29"]}


@pytest.fixture()
def db_url(app_db):
    return app_db


def _warnings(at) -> str:
    return " ".join(shown(w.value) for w in at.warning)


def test_cases_page_defaults_to_person_time_and_shows_since_arrival(db_url):
    at = app("pages/cases.py")
    no_errors(at)
    assert at.segmented_control(key="measure").value == "rate per 100,000 person-years"
    assert any("person-years divide the cases reported while a province was covered" in c.value for c in at.caption)
    assert any(s.value == "Since the unit arrived" for s in at.subheader)
    per_province = keyed(at.dataframe[0].value)
    assert {"person_years", "per_100k_person_years", "cases_in_coverage"} <= set(per_province.columns)


def test_one_map_per_year(db_url):
    at = app("pages/cases.py", query={"view": "one map per year"})
    no_errors(at)
    years = [m.value for m in at.markdown if m.value.startswith("**20")]
    assert [y[:8] for y in years] == ["**2013**", "**2014**", "**2015**"]
    assert "84 cases" in years[2]


def test_unknown_url_values_for_page_settings_warn(db_url):
    at = app("pages/cases.py", query={"measure": "per goat", "classes": "random", "census": "1998", "view": "3d"})
    no_errors(at)
    text = _warnings(at)
    for part in ("measure=per goat", "classes=random", "census=1998", "view=3d"):
        assert f"URL parameter '{part}'" in text
    assert at.segmented_control(key="measure").value == "rate per 100,000 person-years"  # the default, kept
    at = app("pages/cases.py", query={**COMPARE, "period_a": ["2014-12-31", "not-a-date"]})
    no_errors(at)
    assert "URL parameter 'period_a=2014-12-31,not-a-date' needs two dates" in _warnings(at)


def test_compare_periods_come_from_the_url_and_match_the_cli(db_url, capsys):
    at = app("pages/cases.py", query=COMPARE)
    no_errors(at)
    assert at.date_input(key="period_a").value == (date(2014, 5, 1), date(2014, 12, 31))
    assert at.date_input(key="period_b").value == (date(2015, 1, 1), date(2015, 4, 29))
    earlier = cli_summary(capsys, db_url, "--from", "2014-05-01", "--to", "2014-12-31")
    later = cli_summary(capsys, db_url, "--from", "2015-01-01", "--to", "2015-04-29")
    m = metrics(at)
    assert m["Cases, later period"] == str(later["cases"])
    assert m["Arrest rate, later period"] == f"{later['arrest_rate']:.0%}"
    table = keyed(at.dataframe[0].value)
    assert table["cases, earlier"].sum() == earlier["cases"] and table["cases, later"].sum() == later["cases"]
    assert any("Newcombe" in m.value and "Poisson" in m.value for m in at.markdown)


def test_compare_defaults_follow_the_sidebar_until_changed(db_url):
    at = app("pages/arrests.py", query={"view": "compare two periods", "from": "2015-01-01"})
    no_errors(at)
    # the sidebar's range (2015-01-01 to the data's end), and the same number of days before it
    assert at.date_input(key="period_b").value == (date(2015, 1, 1), date(2015, 4, 29))
    assert at.date_input(key="period_a").value == (date(2014, 9, 4), date(2014, 12, 31))  # 119 days each
    at.date_input(key=sidebar.KEY_FROM).set_value(date(2015, 2, 1)).run()
    assert at.date_input(key="period_b").value == (date(2015, 2, 1), date(2015, 4, 29))
    at.date_input(key="period_a").set_value((date(2014, 1, 1), date(2014, 3, 31))).run()
    at.date_input(key=sidebar.KEY_FROM).set_value(date(2015, 3, 1)).run()
    no_errors(at)
    assert at.date_input(key="period_a").value == (date(2014, 1, 1), date(2014, 3, 31))  # chosen: kept


@pytest.mark.parametrize("page", ["pages/cases.py", "pages/arrests.py"])
def test_compare_opens_on_two_periods_that_both_have_data(db_url, page):
    """Issue 20 item 6: the default earlier period was 2011 to June 2013, before any data (all grey, '+369')."""
    at = app(page, query={"view": "compare two periods"})
    no_errors(at)
    earlier, later = at.date_input(key="period_a").value, at.date_input(key="period_b").value
    assert earlier == (date(2013, 7, 1), date(2014, 5, 30)) and later == (date(2014, 5, 31), date(2015, 4, 29))
    table = keyed(at.dataframe[0].value)
    assert table["cases, earlier"].sum() > 0 and table["cases, later"].sum() > 0
    assert table["cases, earlier"].sum() + table["cases, later"].sum() == 369
    assert any("split into two halves" in c.value for c in at.caption)


def test_compare_says_why_there_is_no_earlier_period_with_data(db_url):
    at = app("pages/cases.py", query={"view": "compare two periods", "to": "2013-07-01"})  # the first day only
    no_errors(at)
    assert any("no earlier period has data" in c.value for c in at.caption)
    assert any("ends before the data start" in shown(i.value) for i in at.info)


def test_arrests_time_to_arrest_matches_the_cli(db_url, capsys):
    at = app("pages/arrests.py")
    no_errors(at)
    s = cli_summary(capsys, db_url)
    m = metrics(at)
    assert m["Median days"] == f"{s['median_days_to_arrest']:.0f}"
    assert m["Within 30 days"] == f"{s['arrests_within_30_days_share']:.0%}"
    assert m["Cases left out"] == str(s["cases_excluded_from_time_to_arrest"])
    at = app("pages/arrests.py", query={"km_province": "Phnom Penh", "tta_by": "quarter"})
    no_errors(at)
    assert at.selectbox(key="km_province").value == "Phnom Penh"
    assert any("Log-rank test, Phnom Penh against the other provinces" in c.value for c in at.caption)
    at = app("pages/arrests.py", query={"km_province": "Atlantis", "tta_by": "district", "view": "sideways"})
    no_errors(at)
    text = _warnings(at)
    assert "'km_province=Atlantis' is not a province name" in text
    assert "'tta_by=district'" in text and "'view=sideways'" in text


def test_arrests_page_explains_its_two_medians_and_has_one_last_day(db_url):
    """Issue 20 item 9: "Median days 5" beside the Kaplan–Meier "median 7", and "Apr 30, 2015" beside "Data as of"."""
    at = app("pages/arrests.py")
    no_errors(at)
    texts = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "Apr 30, 2015" not in texts
    km = next(c.value for c in at.caption if c.value.startswith("Kaplan–Meier estimate"))
    assert "(Apr 29, 2015)" in km
    assert any("Data as of **Apr 29, 2015**" in c.value for c in at.caption)
    two = next(c.value for c in at.caption if c.value.startswith("Two medians"))
    simple = metrics(at)["Median days"]
    km_median = km.split("All selected cases:")[1].split("median ")[1].split(" days")[0]
    assert f'"Median days" ({simple})' in two and f"Kaplan–Meier median below ({km_median})" in two
    assert "(Apr 29, 2015)" in two


def test_arrests_compare_view_runs(db_url):
    at = app("pages/arrests.py", query=COMPARE)
    no_errors(at)
    assert "Arrest rate, later period" in metrics(at)


def test_play_by_quarter_steps_with_one_set_of_classes(db_url):
    at = app("pages/cases.py", query={"view": "play by quarter"})
    no_errors(at)
    slider = at.select_slider(key="cases_quarter")
    # the thumb's labels are written in the interface language (i18n.fmt_quarter); the values stay the periods
    assert slider.options[0] == "Q3 2013" and slider.options[-1] == "Q2 2015" and slider.value == "2015Q2"
    at.button(key="cases_quarter_play_btn").click().run()
    no_errors(at)
    assert at.select_slider(key="cases_quarter").value in ("2013Q3", "2013Q4")  # restarted from the first quarter
    assert at.session_state["cases_quarter_playing"] is True
