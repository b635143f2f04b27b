"""What the public dashboard shows, computed from the export files only (no Streamlit)."""

from __future__ import annotations

import pandas as pd

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.publish.public_export import PublicData


def shown(value: object, k: int) -> str:
    """A published count as text: '<k' where it is suppressed."""
    return f"<{k}" if pd.isna(value) else f"{int(value):,}"


def headline(data: PublicData) -> dict[str, str]:
    """National cases, provinces covered and arrest rate, each only if nothing suppressed is needed."""
    k = data.k
    nq = data.national_quarter
    complete_cases = not nq["cases"].isna().any()
    total = int(nq["cases"].sum()) if complete_cases else None
    complete_arrests = complete_cases and not nq["arrests"].isna().any() and total
    return {
        "cases": shown(total, k) if total is not None else "see table",
        "provinces": f"{len(data.coverage)} of {len(load_gazetteer())}",
        "arrest_rate": f"{nq['arrests'].sum() / total:.0%}" if complete_arrests else "suppressed",
    }


def quarter_table(data: PublicData) -> pd.DataFrame:
    k = data.k
    nq = data.national_quarter
    rates = [f"{a / c:.0%}" if pd.notna(a) and pd.notna(c) and c else "–" for a, c in zip(nq["arrests"], nq["cases"])]
    return pd.DataFrame({"quarter": nq["quarter"], "cases": [shown(v, k) for v in nq["cases"]],
                         "arrests": [shown(v, k) for v in nq["arrests"]], "arrest_rate": rates})


def province_year_wide(data: PublicData) -> pd.DataFrame:
    """Provinces down, years across, with '<k' for suppressed counts."""
    k = data.k
    py = data.province_year
    wide = py.assign(cases=[shown(v, k) for v in py["cases"]]).pivot_table(
        index=["province_code", "province"], columns="year", values="cases", aggfunc="first").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    gaz = load_gazetteer()
    wide.insert(2, "province_km", [gaz[c].name_km for c in wide["province_code"]])
    return wide


def allowed_arrest_rates(data: PublicData) -> pd.DataFrame:
    """Province-year arrest rates, only where both counts are published."""
    py = data.province_year
    rates = py[py["arrests"].notna() & py["cases"].notna() & (py["cases"] > 0)]
    out = rates[["province", "year", "cases", "arrests"]].copy()
    out["arrest_rate"] = (rates["arrests"] / rates["cases"]).map("{:.0%}".format)
    return out.reset_index(drop=True)
