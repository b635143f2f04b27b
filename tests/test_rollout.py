"""Person-time rates and "since the unit arrived", with two provinces covered for different spans."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.measures import metrics, rollout
from dashboard.measures.filters import Filters, counts_for
from tests.measurehelpers import PP, PS, SR, case, dataset

YEAR_2014 = Filters(date(2014, 1, 1), date(2014, 12, 31))
# Phnom Penh covered from 2014-01-01 (still open); Siem Reap only 2014-07-01 to 2014-12-31; Preah Sihanouk never.
COVERAGE = [(PP, "2014-01-01", None), (SR, "2014-07-01", "2014-12-31")]
ROWS = [
    case("2014-01-15", PP, "2014-01-20", times=2), case("2014-01-15", PP, times=2),  # month 0: 4 cases, 2 arrests
    case("2014-02-10", PP, times=3),  # month 1
    case("2014-07-20", PP, "2014-07-21", times=3),  # month 6
    case("2014-07-05", SR, "2014-07-06"), case("2014-07-05", SR),  # SR month 0: 2 cases, 1 arrest
    case("2014-08-15", SR),  # SR month 1
    case("2014-03-10", SR),  # before Siem Reap's start: outside coverage
    case("2014-05-01", PS, times=2),  # never covered
    case("2015-02-01", SR),  # after Siem Reap's end
]


@pytest.fixture(scope="module")
def data():
    return dataset(ROWS, COVERAGE)


def test_covered_days_clip_to_the_period(data):
    days = rollout.covered_days(data.coverage, date(2014, 1, 1), date(2014, 12, 31))
    assert (days[PP], days[SR], days[PS]) == (365, 184, 0)  # July to December: 31+31+30+31+30+31
    assert rollout.covered_days(data.coverage, date(2014, 10, 1), date(2015, 3, 31))[SR] == 92
    assert rollout.covered_days(data.coverage, None, date(2014, 1, 31))[PP] == 31


def test_rate_per_100000_person_years(data):
    pop = metrics.population()
    frame = rollout.by_province(counts_for(data), data.coverage, YEAR_2014).set_index("province_code")
    assert frame.loc[PP, "cases_in_coverage"] == 10 and frame.loc[SR, "cases_in_coverage"] == 3
    assert frame.loc[SR, "cases"] == 4  # the March case counts as a case, not in the person-time rate
    assert frame.loc[PP, "person_years"] == pytest.approx(pop[PP] * 365 / 365.25)
    assert frame.loc[SR, "person_years"] == pytest.approx(pop[SR] * 184 / 365.25)
    assert frame.loc[PP, "per_100k_person_years"] == pytest.approx(10 / (pop[PP] * 365 / 365.25) * 1e5)
    assert frame.loc[SR, "per_100k_person_years"] == pytest.approx(3 / (pop[SR] * 184 / 365.25) * 1e5)
    # the plain rate divides by the whole year's population instead: half as large for a half-year province
    assert frame.loc[SR, "per_100k"] == pytest.approx(4 / pop[SR] * 1e5)
    assert (frame.loc[PS, "person_years"] == 0
            and frame.loc[PS, "per_100k_person_years"] != frame.loc[PS, "per_100k_person_years"])


def test_without_a_date_filter_the_period_runs_to_the_latest_case(data):
    frame = rollout.by_province(counts_for(data), data.coverage).set_index("province_code")
    assert frame.loc[PP, "covered_days"] == 365 + 32  # to 2015-02-01
    assert frame.loc[SR, "covered_days"] == 184


def test_cases_outside_coverage_are_counted(data):
    assert rollout.outside_coverage(counts_for(data), data.coverage) == {
        "cases": 4, "before_start": 1, "after_end": 1, "never_covered": 2}
    assert rollout.outside_coverage(counts_for(data), data.coverage, YEAR_2014)["cases"] == 3


def test_since_the_unit_arrived(data):
    pop = metrics.population()
    frame = rollout.since_arrival(counts_for(data), data.coverage, YEAR_2014).set_index("months_since_start")
    assert list(frame.index) == list(range(12))  # Phnom Penh's 12 months; Siem Reap's 6 pooled into 0-5
    assert list(frame["provinces"]) == [2] * 6 + [1] * 6
    assert frame.loc[0, "cases"] == 6 and frame.loc[0, "arrests"] == 3 and frame.loc[0, "arrest_rate"] == 0.5
    assert frame.loc[1, "cases"] == 4 and frame.loc[6, "cases"] == 3 and frame.loc[11, "cases"] == 0
    years_0 = (pop[PP] * 31 + pop[SR] * 31) / 365.25  # January (PP) and July (SR)
    years_1 = (pop[PP] * 28 + pop[SR] * 31) / 365.25  # February and August
    assert frame.loc[0, "person_years"] == pytest.approx(years_0)
    assert frame.loc[1, "per_100k_person_years"] == pytest.approx(4 / years_1 * 1e5)
    assert frame.loc[6, "person_years"] == pytest.approx(pop[PP] * 31 / 365.25)
    assert frame["cases"].sum() == 13  # the cases outside coverage are not here


def test_since_arrival_respects_the_province_filter(data):
    frame = rollout.since_arrival(counts_for(data), data.coverage,
                                  Filters(date(2014, 1, 1), date(2014, 12, 31), provinces=(SR,)))
    assert list(frame["months_since_start"]) == list(range(6)) and frame["cases"].sum() == 3
