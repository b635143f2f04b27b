"""The SYNTHETIC demo dataset: invented cases that reproduce the published figures.

Published (2015): 369 cases since July 2013, 84 of them since 1 Jan 2015,
86% leading to arrests, and 20 provinces (about 90% of people) covered as of
January 2015. Every record here is invented; ids start with ``SYN-``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.data import demo_findings
from dashboard.data.demo_stages import add_stages
from dashboard.data.schema import OFFENCES, PROGRAMME_START
from dashboard.geo.gazetteer import load_gazetteer

DEMO_END = date(2015, 4, 30)
DEMO_START = PROGRAMME_START  # the demo's first month is the programme's
YEAR_2015 = date(2015, 1, 1)
TOTAL_CASES = 369
CASES_2015 = 84
TOTAL_ARRESTS = 317
DEFAULT_SEED = 646

#: Rollout: province code -> first day the programme operated there.
#: 20 provinces by 2015-01-01 (90.1% of the 2008 population); Tboung Khmum,
#: created on 31 Dec 2013, joins in March 2015.
ROLLOUT: dict[str, date] = {
    "12": date(2013, 7, 1), "17": date(2013, 7, 1), "18": date(2013, 7, 1),
    "08": date(2013, 9, 1), "02": date(2013, 10, 1), "03": date(2013, 11, 1),
    "07": date(2013, 12, 1), "23": date(2013, 12, 1), "21": date(2014, 1, 1),
    "05": date(2014, 2, 1), "01": date(2014, 3, 1), "14": date(2014, 4, 1),
    "20": date(2014, 5, 1), "06": date(2014, 6, 1), "04": date(2014, 7, 1),
    "15": date(2014, 8, 1), "09": date(2014, 9, 1), "10": date(2014, 10, 1),
    "24": date(2014, 11, 1), "19": date(2014, 12, 1),
    "25": date(2015, 3, 1),
}
#: Extra weight for the three largest commercial sex markets.
PROMINENCE = {"12": 2.2, "17": 1.8, "18": 3.0}
OFFENCE_MIX = {"child rape / sexual abuse": 0.55, "physical abuse": 0.14, "homicide": 0.08,
               "sexual exploitation / trafficking": 0.15, "other": 0.08}
ARREST_PROPENSITY = {"child rape / sexual abuse": 1.0, "physical abuse": 0.8, "homicide": 1.2,
                     "sexual exploitation / trafficking": 0.7, "other": 0.6}


@dataclass
class DemoData:
    cases: pd.DataFrame  # columns as in the case CSV
    coverage: pd.DataFrame  # province, start_date, end_date


def _months(start: date, end: date) -> list[date]:
    months, cur = [], start.replace(day=1)
    while cur <= end:
        months.append(cur)
        cur = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
    return months


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers summing exactly to ``total``, proportional to ``weights`` (largest remainder)."""
    share = weights / weights.sum() * total
    counts = np.floor(share).astype(int)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _covered(code: str, day: date) -> bool:
    return code in ROLLOUT and ROLLOUT[code] <= day


def monthly_counts(rng: np.random.Generator, scale: int = 1) -> dict[date, int]:
    """Cases per month: exactly 285 before 2015 and 84 in 2015 (times ``scale``)."""
    gaz = load_gazetteer()
    months = _months(DEMO_START, DEMO_END)
    weights = np.array([sum(gaz[c].pop_2008 * PROMINENCE.get(c, 1.0) for c in gaz if _covered(c, m)) for m in months],
                       dtype=float)
    weights *= rng.lognormal(0.0, 0.25, len(months))
    early = np.array([m < YEAR_2015 for m in months])
    counts = np.zeros(len(months), dtype=int)
    counts[early] = _apportion((TOTAL_CASES - CASES_2015) * scale, weights[early])
    counts[~early] = _apportion(CASES_2015 * scale, weights[~early])
    return dict(zip(months, counts.tolist()))


def generate(seed: int = DEFAULT_SEED, scale: int = 1) -> DemoData:
    """A deterministic synthetic dataset; ``scale`` multiplies every count (for benchmarks)."""
    rng = np.random.default_rng(seed)
    gaz = load_gazetteer()
    dates: list[date] = []
    provinces: list[str] = []
    for month, n in monthly_counts(rng, scale).items():
        last_day = min(date(month.year, month.month, calendar.monthrange(month.year, month.month)[1]), DEMO_END)
        active = [c for c in gaz if _covered(c, month)]
        w = np.array([gaz[c].pop_2008 * PROMINENCE.get(c, 1.0) for c in active], dtype=float)
        picks = rng.choice(len(active), size=n, p=w / w.sum())
        days = rng.integers(0, (last_day - month).days + 1, size=n)
        for p, d in zip(picks, days):
            provinces.append(active[p])
            dates.append(month + timedelta(days=int(d)))
    order = np.argsort(np.array(dates, dtype="datetime64[D]"), kind="stable")
    dates = [dates[i] for i in order]
    provinces = [provinces[i] for i in order]
    n = len(dates)
    offences = rng.choice(list(OFFENCE_MIX), size=n, p=list(OFFENCE_MIX.values()))
    propensity = np.array([ARREST_PROPENSITY[o] for o in offences])
    arrested = np.zeros(n, dtype=bool)
    arrested[rng.choice(n, size=TOTAL_ARRESTS * scale, replace=False, p=propensity / propensity.sum())] = True
    lag = rng.geometric(0.12, size=n) - 1
    arrest_dates = [min(d + timedelta(days=int(g)), DEMO_END) if a else None for d, g, a in zip(dates, lag, arrested)]
    ages = np.clip(np.round(rng.normal(11.5, 3.6, n)), 1, 17).astype(int)
    sexes = rng.choice(["F", "M"], size=n, p=[0.82, 0.18])
    width = max(4, len(str(n)))
    cases = pd.DataFrame({
        "case_id": [f"SYN-{d.year}-{i + 1:0{width}d}" for i, d in enumerate(dates)],
        "date_reported": [d.isoformat() for d in dates],
        "province": [gaz[c].name_en for c in provinces],
        "district": "",
        "offence": offences,
        "victim_age": ages,
        "victim_sex": sexes,
        "arrest_made": np.where(arrested, "yes", "no"),
        "arrest_date": [a.isoformat() if a else "" for a in arrest_dates],
    })
    cases = demo_findings.plant(cases, _covered, rng)  # the data-quality findings, on purpose (docs/data.md)
    cases = add_stages(cases, seed, DEMO_END)  # its own random stream: the figures above do not move
    assert set(cases["offence"]) <= set(OFFENCES)
    coverage = pd.DataFrame({
        "province": [gaz[c].name_en for c in ROLLOUT],
        "start_date": [d.isoformat() for d in ROLLOUT.values()],
        "end_date": "",
    })
    return DemoData(cases, coverage)


README_TEXT = """SYNTHETIC DEMO DATA - NOT REAL CASES

Every record in these files is invented by `python -m dashboard demo-data`.
They reproduce the Child Protection Unit's published figures (369 cases from
July 2013 to the demo end date {end}, 84 since 1 Jan 2015, 317 arrests = 86%,
20 provinces covered on 1 Jan 2015) and nothing else. Case ids start with SYN-.
The later stages (charged, court outcome, sentence) are invented too: no
published figure exists for them.
Seed: {seed}.
"""


def write_demo(out_dir, seed: int = DEFAULT_SEED) -> list:
    """Write the SYNTHETIC case file, coverage table and a README into ``out_dir``."""
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = generate(seed)
    paths = [out / "cases_SYNTHETIC.csv", out / "coverage_SYNTHETIC.csv", out / "README_SYNTHETIC.txt"]
    data.cases.to_csv(paths[0], index=False, encoding="utf-8")
    data.coverage.to_csv(paths[1], index=False, encoding="utf-8")
    paths[2].write_text(README_TEXT.format(end=DEMO_END.isoformat(), seed=seed), encoding="utf-8")
    return paths
