"""The data-quality findings planted in the SYNTHETIC demo on purpose, and the days its records were ingested.

Every change keeps each record in its month and year and keeps its arrest, so the published figures (369
cases, 84 in 2015, 317 arrests, the coverage table) do not move. What is planted, for the Data quality page and
``python -m dashboard quality`` to find (docs/data.md describes it):

- completeness: Phnom Penh's busiest month of early 2015 has no victim age or sex;
- silent province: Kampong Cham sends nothing in the first quarter of 2015 (its cases go to other provinces);
- late records: Battambang's records from September 2014 to January 2015 arrive in one batch on 20 April 2015;
- likely duplicate: one Siem Reap case is entered a second time, under another id;
- implausible values: Siem Reap's arrests in the third quarter of 2014 are nearly all dated on the report day,
  and Takeo gets a month with a sudden jump (other provinces' records entered under Takeo in October 2014).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.geo.gazetteer import load_gazetteer

PHNOM_PENH, KAMPONG_CHAM, BATTAMBANG, SIEM_REAP, TAKEO = "12", "03", "02", "17", "21"
SILENT_QUARTER = (date(2015, 1, 1), date(2015, 3, 31))
BACKLOG = (date(2014, 9, 1), date(2015, 1, 31), date(2015, 4, 20))  # reported from, to; ingested on
SAME_DAY_QUARTER = (date(2014, 7, 1), date(2014, 9, 30))
JUMP_MONTH, JUMP_RECORDS = date(2014, 10, 1), 8
#: Days from a report to its reaching the unit's office (geometric), then the next weekly ingest (Mondays).
REPORT_DELAY_P = 0.1


def _codes(cases: pd.DataFrame) -> np.ndarray:
    by_name = {p.name_en: c for c, p in load_gazetteer().items()}
    return np.array([by_name[n] for n in cases["province"]])


def _set_province(cases: pd.DataFrame, rows, code: str) -> None:
    cases.loc[rows, "province"] = load_gazetteer()[code].name_en


def _between(dates: pd.Series, first: date, last: date) -> np.ndarray:
    return ((dates >= first.isoformat()) & (dates <= last.isoformat())).to_numpy()


def plant(cases: pd.DataFrame, covered, rng: np.random.Generator) -> pd.DataFrame:
    """The demo's cases with the findings above planted. ``covered(code, day)``: whether the unit was there."""
    cases = cases.copy()
    cases["victim_age"] = cases["victim_age"].astype(object)
    dates = cases["date_reported"]
    codes = _codes(cases)
    # silent: Kampong Cham's first quarter of 2015 goes to the other ordinary (not the three largest) provinces
    others = [c for c in load_gazetteer() if c not in (KAMPONG_CHAM, PHNOM_PENH, SIEM_REAP, "18", TAKEO)]
    gaz = load_gazetteer()
    for month in pd.date_range(*SILENT_QUARTER, freq="MS"):  # month by month: who was covered then
        first = month.date()
        rows = cases.index[(codes == KAMPONG_CHAM) & _between(dates, first, (month + pd.offsets.MonthEnd(0)).date())]
        targets = [c for c in others if covered(c, first)]
        cases.loc[rows, "province"] = [gaz[c].name_en for c in rng.choice(targets, size=len(rows))]
    # jump: records of other provinces in October 2014 are entered under Takeo
    codes = _codes(cases)
    month_end = (pd.Timestamp(JUMP_MONTH) + pd.offsets.MonthEnd(0)).date()
    pool = np.flatnonzero(_between(dates, JUMP_MONTH, month_end) & ~np.isin(codes, [TAKEO, SIEM_REAP]))
    _set_province(cases, cases.index[pool[:JUMP_RECORDS]], TAKEO)
    # completeness: Phnom Penh's busiest month of January-March 2015 lost victim age and sex
    codes = _codes(cases)
    pp = (codes == PHNOM_PENH) & _between(dates, *SILENT_QUARTER)
    months = dates[pp].str[:7]
    if len(months):
        busiest = months.value_counts().index[0]
        blank = cases.index[pp & (dates.str[:7] == busiest).to_numpy()]
        cases.loc[blank, ["victim_age", "victim_sex"]] = ""
    # same-day arrests: Siem Reap's third quarter of 2014, all but two arrests dated on the report day
    arrested = np.flatnonzero((codes == SIEM_REAP) & _between(dates, *SAME_DAY_QUARTER)
                              & (cases["arrest_made"] == "yes").to_numpy())
    for row in arrested[2:]:
        cases.iat[row, cases.columns.get_loc("arrest_date")] = dates.iat[row]
    # a duplicate: a Siem Reap case entered again under the id of another case of the same month and arrest
    sr = np.flatnonzero((codes == SIEM_REAP) & _between(dates, date(2014, 11, 1), date(2014, 11, 30)))
    if len(sr):
        original = sr[0]
        month = dates.iat[original][:7]
        same = np.flatnonzero((dates.str[:7] == month).to_numpy() & (codes != SIEM_REAP)
                              & (cases["arrest_made"] == cases["arrest_made"].iat[original]).to_numpy())
        if len(same):
            copy = same[-1]
            for column in ("date_reported", "province", "offence", "victim_age", "victim_sex", "arrest_date"):
                cases.iat[copy, cases.columns.get_loc(column)] = cases.iat[original, cases.columns.get_loc(column)]
    return cases


def ingest_days(cases: pd.DataFrame, end: date, seed: int) -> list[date]:
    """The day each demo record first reached the database: weekly ingests, and Battambang's late batch."""
    rng = np.random.default_rng(seed + 27)
    reported = pd.to_datetime(cases["date_reported"]).to_numpy(dtype="datetime64[D]")
    arrived = reported + (rng.geometric(REPORT_DELAY_P, size=len(cases)) - 1).astype("timedelta64[D]")
    weekday = (arrived.astype("datetime64[D]").view("int64") + 3) % 7  # 1970-01-01 was a Thursday: Monday is 0
    monday = arrived + ((7 - weekday) % 7).astype("timedelta64[D]")
    backlog = (_codes(cases) == BATTAMBANG) & _between(cases["date_reported"], BACKLOG[0], BACKLOG[1])
    monday[backlog] = np.datetime64(BACKLOG[2])
    return [pd.Timestamp(d).date() for d in np.minimum(monday, np.datetime64(end))]
