"""The demo's planted data-quality findings: one of each kind, with the published figures unchanged."""

import pandas as pd

from dashboard.data import demo, demo_findings
from dashboard.measures.quality import report
from dashboard.measures.quality.findings import CHECKS


def test_the_demo_shows_a_finding_of_every_kind_where_it_was_planted(demo_dataset):
    raw = demo.generate()
    days = demo_findings.ingest_days(raw.cases, demo.DEMO_END, demo.DEFAULT_SEED)
    ingested = pd.to_datetime(pd.Series(days, index=raw.cases["case_id"])).reindex(demo_dataset.cases["case_id"])
    result = report.run(demo_dataset.cases, demo_dataset.coverage, ingested.reset_index(drop=True), 0.05)
    assert {f.check for f in result.findings} == set(CHECKS)
    where = {(f.check, f.province_code) for f in result.findings}
    assert {("completeness", demo_findings.PHNOM_PENH), ("silent", demo_findings.KAMPONG_CHAM),
            ("late", demo_findings.BATTAMBANG), ("duplicates", demo_findings.SIEM_REAP),
            ("implausible", demo_findings.SIEM_REAP), ("implausible", demo_findings.TAKEO)} <= where
    assert result.has_red and result.incomplete_months[-1].isoformat() == "2015-04-01"


def test_planting_keeps_the_published_figures():
    cases = demo.generate().cases
    assert len(cases) == 369 and (cases["date_reported"] >= "2015-01-01").sum() == 84
    assert (cases["arrest_made"] == "yes").sum() == 317
