"""The demo dataset reproduces the published figures; metrics match hand computation."""

import json
from datetime import date

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.data import demo
from dashboard.measures.filters import Filters
from dashboard.measures.metrics import by_offence, by_province, coverage_at, coverage_timeline, monthly, summary
from dashboard.measures.stats import wilson_interval


def test_demo_reproduces_published_figures(demo_dataset):
    cases, cov = demo_dataset.cases, demo_dataset.coverage
    assert demo_dataset.synthetic
    assert len(cases) == 369
    assert cases["date"].min() >= pd.Timestamp("2013-07-01")
    assert cases["date"].max() <= pd.Timestamp(demo.DEMO_END)
    assert (cases["date"] >= pd.Timestamp("2015-01-01")).sum() == 84
    assert cases["arrest"].sum() == 317
    jan = coverage_at(cov, date(2015, 1, 1))
    assert jan["provinces_covered"] == 20
    assert 0.88 <= jan["population_covered_share"] <= 0.92


def test_cases_only_where_covered_on_their_date(demo_dataset):
    start = dict(zip(demo_dataset.coverage.province_code, demo_dataset.coverage.start_date))
    for code, day in zip(demo_dataset.cases.province_code, demo_dataset.cases.date):
        assert code in start and start[code] <= day


def test_demo_is_plausible(demo_dataset):
    counts = demo_dataset.cases["province_code"].value_counts()
    assert set(counts.index[:5]) >= {"12", "17"} and counts["18"] >= 10
    starts = demo_dataset.coverage.sort_values("start_date")
    assert (starts.start_date == pd.Timestamp("2013-07-01")).sum() <= 4  # rollout grows from a few
    assert demo_dataset.cases["offence"].nunique() == 5
    assert demo_dataset.cases["case_id"].str.startswith("SYN-").all()


def test_demo_is_deterministic_per_seed():
    a, b, c = demo.generate(1), demo.generate(1), demo.generate(2)
    assert a.cases.equals(b.cases) and not a.cases.equals(c.cases)
    assert len(c.cases) == 369 and (c.cases.arrest_made == "yes").sum() == 317


def test_demo_files_are_labelled(demo_dir):
    assert "SYNTHETIC" in (demo_dir / "README_SYNTHETIC.txt").read_text()
    assert (demo_dir / "cases_SYNTHETIC.csv").exists()


def test_cli_summary_on_demo(demo_dir, capsys):
    def run(*extra):
        assert main(["summary", "--data", str(demo_dir), "--json", *extra]) == 0
        return json.loads(capsys.readouterr().out)

    full = run()
    assert full["cases"] == 369 and round(full["arrest_rate"], 2) == 0.86
    for key in ("cases", "arrests", "arrest_rate", "arrest_rate_ci95", "provinces_with_cases", "provinces_covered",
                "population_covered_share", "first_case", "last_case"):
        assert key in full
    assert run("--from", "2015-01-01")["cases"] == 84
    assert run("--to", "2015-01-01")["provinces_covered"] == 20


def test_cli_summary_rejects_unknown_province(demo_dir, capsys):
    assert main(["summary", "--data", str(demo_dir), "--province", "Atlantis"]) == 2
    assert "Unknown province" in capsys.readouterr().err


# ---------------------------------------------------------------- hand-computed metrics

@pytest.fixture()
def tiny():
    cases = pd.DataFrame({
        "case_id": ["a", "b", "c", "d", "e"],
        "date": pd.to_datetime(["2014-01-05", "2014-01-20", "2014-03-01", "2015-02-01", "2015-02-02"]),
        "province_code": pd.Categorical(["12", "12", "17", "17", "23"], categories=[f"{i:02d}" for i in range(1, 26)]),
        "offence": pd.Categorical(["homicide", "other", "other", "homicide", "other"],
                                  categories=list(demo.OFFENCE_MIX)),
        "arrest": [True, False, True, True, False],
    })
    cov = pd.DataFrame({"province_code": ["12", "17", "23"],
                        "start_date": pd.to_datetime(["2013-07-01", "2014-02-01", "2015-01-01"]),
                        "end_date": pd.to_datetime([None, "2014-12-31", None])})
    return cases, cov


def test_wilson_interval_matches_hand_computation():
    low, high = wilson_interval(317, 369)
    assert low == pytest.approx(0.81987, abs=1e-4) and high == pytest.approx(0.89089, abs=1e-4)
    low, high = wilson_interval(0, 10)
    assert low == 0 and high == pytest.approx(0.27753, abs=1e-4)
    assert wilson_interval(0, 0) is None


def test_summary_filters(tiny):
    cases, cov = tiny
    s = summary(cases, cov)
    assert (s["cases"], s["arrests"], s["provinces_with_cases"]) == (5, 3, 3)
    assert s["arrest_rate"] == pytest.approx(0.6)
    assert s["first_case"] == "2014-01-05" and s["last_case"] == "2015-02-02"
    assert s["provinces_covered"] == 2  # 17 ended on 2014-12-31
    s = summary(cases, cov, Filters(provinces=("12", "17"), offences=("homicide",)))
    assert (s["cases"], s["arrests"]) == (2, 2)
    s = summary(cases, cov, Filters(start=date(2014, 1, 10), end=date(2014, 12, 31)))
    assert s["cases"] == 2 and s["provinces_covered"] == 2 and s["provinces_total"] == 25


def test_coverage_shares(tiny):
    _, cov = tiny
    c = coverage_at(cov, date(2014, 6, 1))
    assert c["provinces"] == ["12", "17"]
    assert c["population_covered_share"] == pytest.approx((1327615 + 896443) / 13395682)
    assert coverage_at(cov, date(2014, 6, 1), provinces=("12", "23"))["population_covered_share"] == \
        pytest.approx(1327615 / (1327615 + 35753))
    line = coverage_timeline(cov, date(2013, 7, 1), date(2015, 2, 1))
    assert line.provinces_covered.iloc[0] == 1 and line.provinces_covered.iloc[-1] == 2


def test_groupings(tiny):
    cases, _ = tiny
    m = monthly(cases)
    assert len(m) == 14 and m.cases.sum() == 5 and m.cumulative.iloc[-1] == 5
    assert m.set_index("month").loc["2014-01-01", "cases"] == 2
    p = by_province(cases).set_index("province_code")
    assert p.loc["12", "cases"] == 2 and p.loc["12", "arrest_rate"] == 0.5
    assert p.loc["12", "per_100k"] == pytest.approx(2 / 1327615 * 1e5)
    assert pd.isna(p.loc["01", "arrest_rate"]) and not p.loc["12", "ranked"]
    p19 = by_province(cases, census="2019").set_index("province_code")
    assert pd.isna(p19.loc["18", "per_100k"]) and p19.loc["12", "population"] == 2281951
    off = by_offence(cases).set_index("offence")
    assert off.loc["homicide", "cases"] == 2 and off.loc["other", "arrests"] == 1


def test_arrest_rate_by_quarter(tiny):
    from dashboard.measures.metrics import arrest_rate_over_time

    cases, _ = tiny
    q = arrest_rate_over_time(cases).set_index("period")
    assert list(q.index) == ["2014Q1", "2015Q1"]
    assert (q.loc["2014Q1", "cases"], q.loc["2014Q1", "arrests"]) == (3, 2)
    assert q.loc["2015Q1", "arrest_rate"] == pytest.approx(0.5)
    low, high = wilson_interval(1, 2)
    assert (q.loc["2015Q1", "ci_low"], q.loc["2015Q1", "ci_high"]) == pytest.approx((low, high))


@pytest.mark.parametrize("filters", [Filters(), Filters(provinces=("12", "17")), Filters(offences=("homicide",)),
                                     Filters(start=date(2014, 3, 1), end=date(2014, 9, 30), provinces=("02",))])
def test_daily_counts_give_the_same_answers_as_case_rows(demo_dataset, filters):
    from dashboard.measures.filters import counts_of
    from dashboard.measures.metrics import arrest_rate_over_time

    rows, counts = demo_dataset.cases, counts_of(demo_dataset.cases)
    assert len(counts) < len(rows) and counts["n"].sum() == len(rows)
    assert summary(rows, demo_dataset.coverage, filters) == summary(counts, demo_dataset.coverage, filters)
    for func in (by_province, monthly, by_offence, arrest_rate_over_time):
        pd.testing.assert_frame_equal(func(rows, filters), func(counts, filters))


def test_dataset_span_is_read_from_its_rows(tiny):
    from dashboard.data.dataset import Dataset
    from dashboard.data.schema import PROGRAMME_START

    cases, cov = tiny
    ds = Dataset(cases, cov, True, "test")
    assert (ds.first_day, ds.as_of) == (PROGRAMME_START, date(2015, 2, 2))  # no case before the programme began
    earlier = cases.assign(date=cases["date"] - pd.Timedelta(days=365))
    assert Dataset(earlier, cov, True, "test").first_day == date(2013, 1, 5)
    empty = Dataset(cases.iloc[:0], cov, True, "test")
    assert (empty.first_day, empty.as_of) == (PROGRAMME_START, None)
