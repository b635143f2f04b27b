"""The report: every check at once, the scorecard by province, --since, and the banner's red findings."""

from datetime import date

from dashboard.i18n import use_language
from dashboard.measures.quality import report
from dashboard.measures.quality.findings import GREEN, RED
from tests.measures.quality.builders import PP, SR, build, monthly, record


def _data():
    rows = monthly(PP, "2014-01-01", 12, 3) + monthly(SR, "2014-01-01", 12, 3)
    rows += [record("2014-12-20", PP, age=None) for _ in range(5)]  # a red completeness finding in December
    return build(rows)


def test_scorecard_names_the_worst_severity_and_its_reason_per_province():
    data = _data()
    result = report.run(data.cases, data.coverage, None, 0.05)
    card = result.scorecard({PP, SR}).set_index("province_code")
    assert card.loc[PP, "severity"] == RED and card.loc[PP, "completeness"] == 1
    assert "victim age" in card.loc[PP, "reason"] and "red:" in card.loc[PP, "reason"]
    assert card.loc[SR, "severity"] == GREEN and card.loc[SR, "reason"] == "no findings"
    assert result.has_red and not result.ingest_dates_known


def test_since_and_the_view_decide_which_red_findings_count():
    data = _data()
    result = report.run(data.cases, data.coverage, None, 0.05)
    assert not result.since(date(2015, 1, 1)).has_red and result.since(date(2014, 12, 1)).has_red
    assert result.red_for_view(None, None, (PP,)) and not result.red_for_view(None, None, (SR,))
    assert not result.red_for_view(date(2014, 1, 1), date(2014, 6, 30), ())


def test_a_finding_reads_in_khmer_too():
    data = _data()
    finding = report.run(data.cases, data.coverage, None, 0.05).findings[0]
    with use_language("km"):
        assert "ខ្វះ" in finding.title() and "ពណ៌ក្រហម" in finding.reason()
    assert finding.to_dict()["case_ids"] == list(finding.case_ids)
