"""Words for the measures' tables on screen: column headers and category values in the interface language.

The frames the measures return keep their English column names and stored values: CSV downloads
and exports use those, and code compares by them. :func:`display_table` is for showing a frame
(``st.dataframe``) in the reader's language; it never changes the frame it is given.
"""

from __future__ import annotations

import pandas as pd

from dashboard.data.schema import SEXES, age_band_label, offence_label, sex_label
from dashboard.i18n import N_, _

#: Column -> header shown on screen, for every column the measures' tables have.
COLUMN_LABELS: dict[str, str] = {
    "province_code": N_("Province code"),
    "province": N_("Province"),
    "province_km": N_("Province (Khmer)"),
    "province_name": N_("Province"),
    "start_date": N_("Coverage start"),
    "end_date": N_("Coverage end"),
    "covered_on_date": N_("Covered on the date"),
    "population_2008": N_("Population (2008 census)"),
    "population": N_("Population"),
    "area_km2": N_("Area (km²)"),
    "date": N_("Date"),
    "provinces_covered": N_("Provinces covered"),
    "population_share": N_("Share of population covered"),
    "area_share": N_("Share of area covered"),
    "cases": N_("Cases"),
    "arrests": N_("Arrests"),
    "arrest_rate": N_("Arrest rate"),
    "ci_low": N_("95% confidence interval, low"),
    "ci_high": N_("95% confidence interval, high"),
    "per_100k": N_("Cases per 100,000 people"),
    "ranked": N_("Ranked (10 or more cases)"),
    "month": N_("Month"),
    "cumulative": N_("Cases so far"),
    "period": N_("Period"),
    "quarter": N_("Quarter"),
    "offence": N_("Offence"),
    "share": N_("Share"),
    "age_band": N_("Victim age (years)"),
    "sex": N_("Victim sex"),
    "cases_in_coverage": N_("Cases while covered"),
    "covered_days": N_("Days covered"),
    "person_years": N_("Person-years"),
    "per_100k_person_years": N_("Cases per 100,000 person-years"),
    "months_since_start": N_("Months since the unit arrived"),
    "provinces": N_("Provinces"),
    "arrests_timed": N_("Arrests with a date"),
    "no_arrest_yet": N_("Cases with no arrest yet"),
    "excluded": N_("Cases left out"),
    "p25_days": N_("Days to arrest, 25th percentile"),
    "median_days": N_("Days to arrest, median"),
    "p75_days": N_("Days to arrest, 75th percentile"),
    "within_7_days_share": N_("Arrests within 7 days"),
    "within_30_days_share": N_("Arrests within 30 days"),
}

#: Victim sex as stored (F, M, X, U) -> words (declared once, in data/schema.py).
SEX_LABELS: dict[str, str] = SEXES


def column_label(column: str) -> str:
    """A column's header in the interface language (unknown columns are shown as they are)."""
    return _(COLUMN_LABELS[column]) if column in COLUMN_LABELS else column


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for the screen: translated headers, offence categories, victim sex and age bands."""
    out = frame.copy()
    for column, label in (("offence", offence_label), ("sex", sex_label), ("age_band", age_band_label)):
        if column in out:
            out[column] = [label(v) if isinstance(v, str) else v for v in out[column].astype(object)]
    return out.rename(columns={c: column_label(c) for c in out.columns})
