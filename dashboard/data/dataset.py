"""The analysis-ready dataset every page, metric and export works on.

Building one never touches the database or the ingest stack; see
:mod:`dashboard.data.store` for loading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pandas as pd

from dashboard.data.schema import OFFENCES, PROGRAMME_START
from dashboard.data.stages import frame_stages
from dashboard.geo.gazetteer import load_gazetteer


@dataclass
class Dataset:
    """Cases and coverage in analysis-ready form (categoricals, datetime64)."""

    cases: pd.DataFrame
    coverage: pd.DataFrame
    synthetic: bool
    source: str

    @cached_property
    def counts(self) -> pd.DataFrame:
        """Daily counts by province and offence: what every metric except victim breakdowns reads."""
        from dashboard.measures.metrics import as_counts

        return as_counts(self.cases)

    @cached_property
    def arrest_times(self) -> pd.DataFrame:
        """Days from report to arrest (or to the follow-up end) per case: what time-to-arrest reads."""
        from dashboard.measures.time_to_arrest import arrest_times

        return arrest_times(self.cases)

    @cached_property
    def as_of(self) -> date | None:
        """The date the data runs to: the latest case reported (read once: a dataset's rows do not change)."""
        from dashboard.measures.metrics import latest_case

        return latest_case(self.cases)

    @cached_property
    def first_day(self) -> date:
        """The first day a period may start: the programme's start, or an earlier first case."""
        return min(PROGRAMME_START, self.cases["date"].min().date()) if len(self.cases) else PROGRAMME_START


def frame_cases(frame: pd.DataFrame) -> pd.DataFrame:
    codes = list(load_gazetteer())
    out = pd.DataFrame({
        "case_id": frame["case_id"].astype(str),
        "date": pd.to_datetime(frame["date_reported"]).astype("datetime64[ns]"),
        "province_code": pd.Categorical(frame["province_code"], categories=codes),
        "offence": pd.Categorical(frame["offence"], categories=list(OFFENCES)),
        "arrest": frame["arrest_made"].astype(bool),
        "arrest_date": pd.to_datetime(frame["arrest_date"]).astype("datetime64[ns]"),
        "victim_age": pd.to_numeric(frame["victim_age"], errors="coerce").astype("Int16"),
        "victim_sex": frame["victim_sex"].astype("category") if "victim_sex" in frame else None,
        "district": frame["district"] if "district" in frame else None,
        "synthetic": frame["synthetic"].astype(bool) if "synthetic" in frame else False,
        **frame_stages(frame),
    })
    return out.sort_values("date", kind="stable").reset_index(drop=True)


def frame_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "province_code": frame["province_code"].astype(str),
        "start_date": pd.to_datetime(frame["start_date"]).astype("datetime64[ns]"),
        "end_date": pd.to_datetime(frame["end_date"]).astype("datetime64[ns]"),
    }).sort_values("start_date", kind="stable").reset_index(drop=True)


def build_dataset(cases: pd.DataFrame, coverage: pd.DataFrame, synthetic: bool = False, source: str = "") -> Dataset:
    """A Dataset from validated records (``date_reported``, ``province_code``, ... as validation returns them)."""
    return Dataset(frame_cases(cases), frame_coverage(coverage), synthetic, source)
