"""The public export: aggregated, privacy-safe tables donors may see.

Two count tables are published, linked by one identity per calendar year:
the national quarterly counts of a year add up to the province counts of that
year. Any count below ``k`` (default 11) is suppressed (primary
suppression). Then complementary suppression makes sure no hidden count can
be worked out from what is shown: each year group gets at least two hidden
cells, and a linear-programming audit (scipy) checks every hidden cell's
possible range; while any is pinned to one value, the smallest remaining
shown count of that group is hidden too, which loses the least information.

An arrest count is hidden when it, or cases minus arrests, is below ``k``, or
when its case count is hidden. Files never hold victim attributes, dates
finer than a quarter, case ids or districts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.data.dataset import Dataset

DEFAULT_K = 11
FILES = ("national_quarter.csv", "province_year.csv", "coverage.csv", "metadata.json")
METHOD = (
    "Counts below k are suppressed (left empty). Complementary suppression hides further cells so that no "
    "suppressed count can be recovered by subtraction from the national quarterly series and the province-year "
    "table, which add up to the same yearly totals; a linear-programming audit confirms every suppressed cell "
    "still has more than one possible value. An arrest count is suppressed when it, or cases minus arrests, is "
    "below k, or when the case count is suppressed. Counts are by date reported; no case-level data, victim "
    "attributes, districts or dates finer than a quarter are published."
)


def quarter_label(day: pd.Timestamp) -> str:
    """``2015-Q2``: the only date resolution the public export uses."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_end(label: str) -> date:
    """The last day of a ``YYYY-Qn`` quarter."""
    year, quarter = int(label[:4]), int(label[-1])
    return (pd.Timestamp(year=year, month=3 * quarter, day=1) + pd.offsets.MonthEnd(0)).date()


@dataclass
class Cells:
    """Both tables as one list of cells, for suppression."""

    frame: pd.DataFrame  # columns: table, key, year, cases, arrests, sup_cases, sup_arrests


def _cells(cases: pd.DataFrame) -> Cells:
    gaz = load_gazetteer()
    years = sorted(cases["date"].dt.year.unique().tolist())
    quarter = cases["date"].dt.to_period("Q")
    nq = cases.groupby(quarter)["arrest"].agg(cases="size", arrests="sum")
    if len(nq):
        nq = nq.reindex(pd.period_range(nq.index.min(), nq.index.max(), freq="Q"), fill_value=0)
    rows = [{"table": "national_quarter", "key": f"{p.year}-Q{p.quarter}", "year": p.year,
             "cases": int(r.cases), "arrests": int(r.arrests)} for p, r in nq.iterrows()]
    py = cases.groupby([cases["province_code"].astype(str), cases["date"].dt.year])["arrest"].agg(cases="size", arrests="sum")
    for year in years:
        for code in gaz:
            c, a = (py.loc[(code, year)] if (code, year) in py.index else (0, 0))
            rows.append({"table": "province_year", "key": code, "year": year, "cases": int(c), "arrests": int(a)})
    frame = pd.DataFrame(rows, columns=["table", "key", "year", "cases", "arrests"])
    frame["sup_cases"] = False
    frame["sup_arrests"] = False
    return Cells(frame)


def _audit(frame: pd.DataFrame) -> list[tuple[int, str]]:
    """Hidden cells (row index, 'cases'|'arrests') whose value the published data pins down."""
    variables = [(i, m) for m in ("cases", "arrests") for i in frame.index[frame[f"sup_{m}"]]]
    if not variables:
        return []
    col = {v: j for j, v in enumerate(variables)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for year, group in frame.groupby("year"):
        for measure in ("cases", "arrests"):
            row = np.zeros(len(variables))
            rhs = 0.0
            for i, r in group.iterrows():
                sign = 1.0 if r["table"] == "province_year" else -1.0
                if (i, measure) in col:
                    row[col[(i, measure)]] += sign
                else:
                    rhs -= sign * r[measure]
            if row.any():
                a_eq.append(row)
                b_eq.append(rhs)
    for i in frame.index:
        if (i, "arrests") in col:  # arrests <= cases
            row = np.zeros(len(variables))
            row[col[(i, "arrests")]] = 1.0
            rhs = 0.0
            if (i, "cases") in col:
                row[col[(i, "cases")]] = -1.0
            else:
                rhs = float(frame.at[i, "cases"])
            a_ub.append(row)
            b_ub.append(rhs)
    bounds = [(1, None) if m == "cases" else (0, None) for _, m in variables]
    pinned = []
    for j, var in enumerate(variables):
        span = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(variables))
            c[j] = sign
            res = linprog(c, A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None,
                          A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None, bounds=bounds, method="highs")
            span.append(None if res.status == 3 else (sign * res.fun if res.status == 0 else None))
        low, high = span[0], span[1]
        if low is not None and high is not None and high - low < 1 - 1e-9:
            pinned.append(var)
    return pinned


def _hide_one_more(frame: pd.DataFrame, year: int, measure: str) -> bool:
    """Hide the smallest shown non-zero count of ``measure`` in a year group; False if none is left."""
    group = frame[(frame["year"] == year) & ~frame[f"sup_{measure}"] & (frame[measure] > 0)]
    if measure == "arrests":
        group = group[~frame.loc[group.index, "sup_cases"]]
    if group.empty:
        return False
    # prefer the province table (its cells are the finer ones), then the smallest count
    order = group.assign(pref=(group["table"] != "province_year").astype(int)).sort_values(["pref", measure, "key"])
    frame.at[order.index[0], f"sup_{measure}"] = True
    return True


def suppress(cells: Cells, k: int) -> pd.DataFrame:
    frame = cells.frame.copy()
    if frame.empty:
        return frame
    frame["sup_cases"] = (frame["cases"] > 0) & (frame["cases"] < k)
    frame["sup_arrests"] = frame["sup_cases"] | (frame["arrests"] < k) | (frame["cases"] - frame["arrests"] < k)
    frame.loc[frame["cases"] == 0, "sup_arrests"] = False  # 0 cases: 0 arrests says nothing new
    for measure in ("cases", "arrests"):
        for year, group in frame.groupby("year"):
            if group[f"sup_{measure}"].sum() == 1:
                _hide_one_more(frame, year, measure)
    for _ in range(len(frame) * 2):
        pinned = _audit(frame)
        if not pinned:
            return frame
        for year, measure in {(frame.at[i, "year"], m) for i, m in pinned}:
            if not _hide_one_more(frame, year, measure):
                # nothing left to hide in the group: hide the group's every cell of that measure
                frame.loc[(frame["year"] == year) & (frame[measure] > 0), f"sup_{measure}"] = True
    raise RuntimeError("suppression did not converge")  # unreachable: each pass hides at least one cell


def _published(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    part = frame[frame["table"] == table].copy()
    part["cases_out"] = part["cases"].astype("Int64").mask(part["sup_cases"])
    part["arrests_out"] = part["arrests"].astype("Int64").mask(part["sup_arrests"])
    part["suppressed"] = np.where(part["sup_cases"], "cases,arrests", np.where(part["sup_arrests"], "arrests", ""))
    return part


def build_export(dataset: Dataset, k: int = DEFAULT_K) -> dict[str, pd.DataFrame | dict]:
    """The public tables and metadata, in memory."""
    if k < 2:
        raise ValueError("k must be at least 2")
    frame = suppress(_cells(dataset.cases), k)
    gaz = load_gazetteer()
    nq = _published(frame, "national_quarter")
    national = pd.DataFrame({"quarter": nq["key"], "cases": nq["cases_out"], "arrests": nq["arrests_out"],
                             "suppressed": nq["suppressed"]})
    py = _published(frame, "province_year")
    province = pd.DataFrame({"province_code": py["key"], "province": [gaz[c].name_en for c in py["key"]],
                             "year": py["year"], "cases": py["cases_out"], "arrests": py["arrests_out"],
                             "suppressed": py["suppressed"]})
    cov = dataset.coverage
    coverage = pd.DataFrame({"province_code": cov["province_code"],
                             "province": [gaz[c].name_en for c in cov["province_code"]],
                             "start_date": cov["start_date"].dt.date.astype(str)})
    cases = dataset.cases
    meta = {
        "k": k,
        "generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        # quarters, never days: with the next release, a day would date a single case
        "period": {"from": quarter_label(cases["date"].min()) if len(cases) else None,
                   "to": quarter_label(cases["date"].max()) if len(cases) else None},
        "method": METHOD,
        "synthetic": bool(dataset.synthetic),
        "files": {
            "national_quarter.csv": "quarter (YYYY-Qn), cases, arrests, suppressed",
            "province_year.csv": "province_code, province, year, cases, arrests, suppressed",
            "coverage.csv": "province_code, province, start_date",
        },
        "suppressed_cells": int(frame["sup_cases"].sum() + frame["sup_arrests"].sum()),
    }
    return {"national_quarter.csv": national, "province_year.csv": province, "coverage.csv": coverage,
            "metadata.json": meta}


def write_export(dataset: Dataset, out_dir: Path | str, k: int = DEFAULT_K) -> list[Path]:
    """Write the four files; each is written to a temporary name, then moved into place."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parts = build_export(dataset, k)
    paths = []
    for name, content in parts.items():
        target = out / name
        tmp = out / f".{name}.tmp"
        if isinstance(content, dict):
            tmp.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            content.to_csv(tmp, index=False, encoding="utf-8")
        tmp.replace(target)
        paths.append(target)
    return paths


@dataclass
class PublicData:
    national_quarter: pd.DataFrame
    province_year: pd.DataFrame
    coverage: pd.DataFrame
    metadata: dict
    k: int  # the suppression threshold, parsed once from metadata.json


def read_export(folder: Path | str) -> PublicData:
    """Read and check an export folder (what public mode shows)."""
    from dashboard.errors import DataFileError

    folder = Path(folder)
    missing = [f for f in FILES if not (folder / f).exists()]
    if missing:
        raise DataFileError(f"The public export folder '{folder}' is missing {', '.join(missing)}.",
                            "Run 'python -m dashboard export-public --out DIR' and point DASHBOARD_PUBLIC_DIR at DIR.")
    try:
        data = PublicData(
            pd.read_csv(folder / "national_quarter.csv", dtype={"quarter": str}).astype({"cases": "Int64", "arrests": "Int64"}),
            pd.read_csv(folder / "province_year.csv", dtype={"province_code": str}).astype({"cases": "Int64", "arrests": "Int64"}),
            pd.read_csv(folder / "coverage.csv", dtype={"province_code": str}, parse_dates=["start_date"]),
            meta := json.loads((folder / "metadata.json").read_text(encoding="utf-8")),
            int(meta["k"]),
        )
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise DataFileError(f"The public export in '{folder}' could not be read ({type(exc).__name__}).",
                            "Write it again with 'python -m dashboard export-public'.") from None
    data.province_year["suppressed"] = data.province_year["suppressed"].fillna("")
    data.national_quarter["suppressed"] = data.national_quarter["suppressed"].fillna("")
    return data
