"""The analysis-ready dataset every page, metric and export works on, and its daily counts.

Building one never touches the database or the ingest stack; see
:mod:`dashboard.data.store` for loading it. The tables the measures derive from
the case rows (daily counts, arrest times) are built once per dataset through
:meth:`Dataset.table`; this module knows nothing of the measures themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Protocol

import pandas as pd

from dashboard.data.schema import OFFENCES, PROGRAMME_START
from dashboard.data.stages import frame_stages
from dashboard.geo.gazetteer import load_gazetteer


class Grouping(Protocol):
    """A column the daily counts are grouped by (``measures.filters.Dimension`` is one)."""

    column: str

    def values_in(self, frame: pd.DataFrame) -> Any:
        """Each case row's value."""


def as_counts(cases: pd.DataFrame, by: Sequence[Grouping]) -> pd.DataFrame:
    """Cases aggregated to one row per date and value of each grouping ``by``, with ``n`` and ``arrests``.

    Every filter is a dimension of such a table (``measures.filters.count_dimensions``), so every metric gives
    the same answer on it as on the case rows, in time that no longer grows with the number of cases. A frame
    that already has ``n`` is returned as it is.
    """
    if "n" in cases.columns:
        return cases
    keys = {"date": cases["date"], **{g.column: g.values_in(cases) for g in by}}
    frame = pd.DataFrame({**keys, "arrest": cases["arrest"]}, index=cases.index)
    out = frame.groupby(list(keys), observed=True, sort=True)["arrest"].agg(n="size", arrests="sum").reset_index()
    out["arrests"] = out["arrests"].astype("int64")
    return out


def latest_case(cases: pd.DataFrame) -> date | None:
    """The date the data runs to: the latest case reported (None without cases)."""
    return cases["date"].max().date() if len(cases) else None


@dataclass
class Dataset:
    """Cases and coverage in analysis-ready form (categoricals, datetime64)."""

    cases: pd.DataFrame
    coverage: pd.DataFrame
    synthetic: bool
    source: str
    _tables: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False, compare=False)

    def table(self, key: Hashable, build: Callable[[pd.DataFrame], Any]) -> Any:
        """``build(cases)``, built once per dataset under ``key`` (a dataset's rows never change)."""
        with self._lock:  # sessions run in threads: a million-row table is built once, not once per session
            if key not in self._tables:
                self._tables[key] = build(self.cases)
            return self._tables[key]

    def counts_by(self, by: Sequence[Grouping]) -> pd.DataFrame:
        """The daily counts grouped by ``by`` (:func:`as_counts`), built once per dataset and grouping."""
        return self.table(("counts", *(g.column for g in by)), lambda cases: as_counts(cases, by))

    @cached_property
    def as_of(self) -> date | None:
        """The date the data runs to: the latest case reported (read once: a dataset's rows do not change)."""
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
