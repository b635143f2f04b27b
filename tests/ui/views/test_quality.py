"""The Data quality page in AppTest, in English and Khmer, and the red-finding line on the internal pages."""

import re

import pytest

from dashboard.access.auth import pages_for
from tests.apphelpers import app

KHMER = re.compile("[\u1780-\u17ff]")


def _banner(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(":red[:material/report:")]


def test_the_page_shows_the_scorecard_each_check_and_the_cases_behind_them(app_db):
    at = app("pages/quality.py", query={"lang": "en"})
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Data quality"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Red findings"] == "3" and metrics["Months probably incomplete"] == "Apr 2015"
    assert [t.label.split(" (")[0] for t in at.tabs] == ["Completeness", "Silent provinces", "Late records",
                                                         "Likely duplicates", "Implausible values"]
    scorecard = at.dataframe[0].value
    assert set(scorecard.columns) >= {"Province", "Severity", "Reason"}
    row = scorecard[scorecard["Province"] == "Kampong Cham"].iloc[0]
    assert "amber" in row["Severity"] and "Kampong Cham: no case in Q1 2015" in row["Reason"]
    ids = [set(frame.value["Case id"]) for frame in at.dataframe if "Case id" in frame.value.columns]
    assert any(i and all(x.startswith("SYN-") for x in i) for i in ids)
    assert [b.label for b in at.button if "case ids" in b.label] or \
        [b for b in at.get("download_button") if "case ids" in str(b.proto.label)]


def test_the_page_in_khmer(app_db):
    at = app("pages/quality.py", query={"lang": "km"})
    assert not at.exception and not at.error
    assert at.title[0].value == "គុណភាពទិន្នន័យ"
    assert all(KHMER.search(t.label) for t in at.tabs)
    assert all(KHMER.search(m.label) for m in at.metric)
    scorecard = at.dataframe[0].value
    assert all(KHMER.search(c) for c in scorecard.columns if c not in ("CSV",))
    assert any("ពណ៌ក្រហម" in v for v in scorecard.iloc[:, 1])


def test_the_filters_decide_what_the_page_and_the_banner_show(app_db):
    at = app("pages/overview.py", query={"lang": "en"})
    assert _banner(at) and "Data quality" in _banner(at)[0]
    quiet = app("pages/overview.py", query={"lang": "en", "province": "Kampot"})
    assert _banner(quiet) == []
    page = app("pages/quality.py", query={"lang": "en", "province": "Kampot"})
    assert {m.label: m.value for m in page.metric}["Red findings"] == "0"
    km = app("pages/cases.py", query={"lang": "km"})
    assert _banner(km) and KHMER.search(_banner(km)[0])


@pytest.mark.parametrize(("role", "sees"), [("leadership", False), ("analyst", True), ("admin", True)])
def test_only_analysts_and_admins_have_the_page(role, sees):
    assert ("quality" in pages_for(role)) is sees
