"""AppTest: the sidebar draws one widget per filter dimension the role may use, victim sex and age included."""

from __future__ import annotations

import pytest

from tests.apphelpers import app, cli_summary, engine_with_users, metrics, no_errors, shown, signed_in

PASSWORD = "correct horse battery staple"


def _warnings(at) -> str:
    return " ".join(shown(w.value) for w in at.warning)


def _address(at, key: str) -> list[str] | None:
    value = at.query_params.get(key)
    return None if value is None else value if isinstance(value, list) else [value]


def test_the_victim_filters_apply_to_the_page_and_match_the_cli(app_db, capsys):
    at = app()  # the demo: an analyst's view
    no_errors(at)
    sex, age = at.multiselect(key="sex"), at.multiselect(key="age")
    assert (sex.label, age.label) == ("Victim sex", "Victim age (years)")
    assert sex.options == ["girl", "boy", "other", "unknown", "not recorded"]
    assert age.options == ["0-5", "6-11", "12-14", "15-17", "not recorded"]
    everyone = metrics(at)["Cases"]
    sex.select("F").run()
    at.multiselect(key="age").select("12-14").run()
    no_errors(at)
    expected = cli_summary(capsys, app_db, "--sex", "female", "--age", "12-14")["cases"]
    assert metrics(at)["Cases"] == f"{expected:,}" != everyone


def test_a_link_with_good_and_bad_victim_values(app_db):
    at = app(query={"sex": ["female", "alien"], "age": ["13", "15-17"]})
    no_errors(at)
    assert at.multiselect(key="sex").value == ["F"] and at.multiselect(key="age").value == ["15-17"]
    text = _warnings(at)
    assert "'sex=alien' is not a victim sex; use one of: girl, boy, other, unknown, not recorded" in text
    assert "'age=13' is not a victim age band" in text
    assert "No victim" not in text  # one value of each was recognised
    at = app(query={"sex": "alien"})
    assert "No victim sex in the link was recognised, so the figures shown are for all victims." in _warnings(at)


def test_khmer_labels_and_a_khmer_link(app_db):
    at = app(query={"lang": "km", "sex": "ក្មេងស្រី", "age": "មិនបានកត់ត្រា"})
    no_errors(at)
    assert at.multiselect(key="sex").label == "ភេទជនរងគ្រោះ"
    assert "មិនបានកត់ត្រា" in at.multiselect(key="age").options
    assert at.multiselect(key="sex").value == ["F"] and at.multiselect(key="age").value == ["not recorded"]
    assert _address(at, "sex") == ["ក្មេងស្រី"]
    assert "URL" not in _warnings(at)  # no notice about the link (the SYNTHETIC banner is a warning too)


def test_leadership_has_no_victim_filters_and_a_link_says_so(app_db):
    engine = engine_with_users(app_db, {"lee": "leadership"}, PASSWORD)
    at = app(query={"sex": "female", "province": "Kep"}, session=signed_in(engine, "lee"))
    no_errors(at)
    keys = {w.key for w in at.multiselect}
    assert {"province", "offence"} <= keys and not keys & {"sex", "age"}
    assert "URL parameter 'sex' filters by victim sex, which your role does not include" in _warnings(at)
    assert at.multiselect(key="province").value == ["Kep"]


@pytest.mark.parametrize(("page", "query"), [
    ("pages/overview.py", {}), ("pages/coverage.py", {}), ("pages/cases.py", {}),
    ("pages/cases.py", {"view": "one map per year"}), ("pages/cases.py", {"view": "compare two periods"}),
    ("pages/arrests.py", {}), ("pages/arrests.py", {"view": "compare two periods"}), ("pages/analysis.py", {}),
])
def test_every_page_and_view_runs_with_the_victim_filters(app_db, page, query):
    at = app(page, query={**query, "sex": "girl", "age": "12-14"})
    no_errors(at)
    assert "URL" not in _warnings(at)
    assert "victim sex: girl; victim age: 12-14" in " ".join(shown(c.value) for c in at.caption)
