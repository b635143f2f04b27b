"""An attacker's recovery attack on the public export, written independently of the exporter.

It reads only what was published (the CSV files of one or more releases) and bounds every
hidden count by linear or integer programming (scipy), using every fact a reader has:

- per year, the national quarters add up to the national year, and so do the provinces;
- the national years add up to the whole period;
- arrests <= cases in every cell; counts are whole and not negative; a hidden case count is
  not zero (zeros are shown);
- a banded arrest rate "lo-hi%" means lo <= 100 * arrests / cases < hi (<= for the top band);
- from one release to the next, no count goes down (cases and arrests are only ever added).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


def read_release(folder: Path) -> list[dict]:
    """The cells one release published: table, key, year, cases, arrests (None if hidden), band."""
    cells = []
    totals = pd.read_csv(folder / "national_totals.csv", dtype={"period": str, "arrest_rate_band": str})
    for _, r in totals.iterrows():
        table, year = ("national_total", 0) if r["period"] == "all" else ("national_year", int(r["period"]))
        cells.append(_cell(table, r["period"], year, r))
    nq = pd.read_csv(folder / "national_quarter.csv", dtype={"quarter": str, "arrest_rate_band": str})
    for _, r in nq.iterrows():
        cells.append(_cell("national_quarter", r["quarter"], int(r["quarter"][:4]), r))
    py = pd.read_csv(folder / "province_year.csv", dtype={"province_code": str, "arrest_rate_band": str})
    for _, r in py.iterrows():
        cells.append(_cell("province_year", r["province_code"], int(r["year"]), r))
    return cells


def _cell(table: str, key: str, year: int, r) -> dict:
    band = r.get("arrest_rate_band")
    lo_hi = None
    if isinstance(band, str) and band:
        lo, hi = band.rstrip("%").split("-")
        lo_hi = (int(lo), int(hi))
    return {"table": table, "key": str(key), "year": year,
            "cases": None if pd.isna(r["cases"]) else int(r["cases"]),
            "arrests": None if pd.isna(r["arrests"]) else int(r["arrests"]), "band": lo_hi}


def _sums(cell: dict) -> list[tuple[tuple, int]]:
    t, y = cell["table"], cell["year"]
    return {"national_quarter": [(("quarters", y), 1)], "province_year": [(("provinces", y), 1)],
            "national_year": [(("quarters", y), -1), (("provinces", y), -1), (("years",), 1)],
            "national_total": [(("years",), -1)]}[t]


def recovery_ranges(releases: list[list[dict]], exact: bool = False) -> dict[tuple, tuple[float, float]]:
    """(release, table, key, year, measure) -> (lowest, highest) value for every hidden count."""
    var: dict[tuple, int] = {}
    for r, cells in enumerate(releases):
        for c in cells:
            for m in ("cases", "arrests"):
                if c[m] is None:
                    var[(r, c["table"], c["key"], c["year"], m)] = len(var)
    n = len(var)
    rows, lows, highs = [], [], []

    def add(coefs: dict[int, float], low: float, high: float) -> None:
        row = np.zeros(n)
        for j, v in coefs.items():
            row[j] += v
        rows.append(row)
        lows.append(low)
        highs.append(high)

    def term(r, c, m):  # (coefficients, constant) of one count
        key = (r, c["table"], c["key"], c["year"], m)
        return ({var[key]: 1.0}, 0.0) if key in var else ({}, float(c[m]))

    for r, cells in enumerate(releases):
        sums: dict = {}
        for c in cells:
            for eq, sign in _sums(c):
                for m in ("cases", "arrests"):
                    coefs, const = sums.setdefault((eq, m), ({}, [0.0]))
                    t_coefs, t_const = term(r, c, m)
                    for j, v in t_coefs.items():
                        coefs[j] = coefs.get(j, 0.0) + sign * v
                    const[0] += sign * t_const
        for coefs, const in sums.values():
            if coefs:
                add(coefs, -const[0], -const[0])
        for c in cells:
            a_coefs, a_const = term(r, c, "arrests")
            c_coefs, c_const = term(r, c, "cases")
            if not a_coefs:
                continue
            add({**a_coefs, **{j: -v for j, v in c_coefs.items()}}, -np.inf, c_const)  # arrests <= cases
            if c["band"]:
                lo, hi = c["band"]
                # 100 a - lo c >= 0 and 100 a - hi c < 0 (<= 0 for the top band)
                add({**{j: 100 * v for j, v in a_coefs.items()}, **{j: -lo * v for j, v in c_coefs.items()}},
                    lo * c_const, np.inf)
                strict = 0 if hi >= 100 else (1 if exact else 1e-9)
                add({**{j: 100 * v for j, v in a_coefs.items()}, **{j: -hi * v for j, v in c_coefs.items()}},
                    -np.inf, hi * c_const - strict)
    for r in range(1, len(releases)):
        before = {(c["table"], c["key"], c["year"]): c for c in releases[r - 1]}
        for c in releases[r]:
            old = before.get((c["table"], c["key"], c["year"]))
            if old is None:
                continue
            for m in ("cases", "arrests"):
                new_coefs, new_const = term(r, c, m)
                old_coefs, old_const = term(r - 1, old, m)
                if not new_coefs and not old_coefs:
                    continue
                add({**new_coefs, **{j: -v for j, v in old_coefs.items()}}, old_const - new_const, np.inf)
    lower = np.array([1.0 if key[4] == "cases" else 0.0 for key in var])
    ranges = {}
    a = np.array(rows) if rows else np.zeros((0, n))
    for key, j in var.items():
        span = []
        for sign in (1.0, -1.0):
            cost = np.zeros(n)
            cost[j] = sign
            if exact:
                res = milp(cost, constraints=LinearConstraint(a, lows, highs), integrality=np.ones(n),
                           bounds=Bounds(lower, np.inf))
                assert res.status in (0, 3), res.message  # 0: optimal, 3: unbounded
                value = np.inf if res.status == 3 else sign * res.fun
            else:
                eq = [i for i in range(len(rows)) if lows[i] == highs[i]]
                ub_rows, ub_rhs = [], []
                for i in range(len(rows)):
                    if lows[i] == highs[i]:
                        continue
                    if np.isfinite(highs[i]):
                        ub_rows.append(a[i])
                        ub_rhs.append(highs[i])
                    if np.isfinite(lows[i]):
                        ub_rows.append(-a[i])
                        ub_rhs.append(-lows[i])
                res = linprog(cost, A_ub=np.array(ub_rows) if ub_rows else None, b_ub=ub_rhs or None,
                              A_eq=a[eq] if eq else None, b_eq=[lows[i] for i in eq] or None,
                              bounds=list(zip(lower, [None] * n)), method="highs")
                assert res.status in (0, 3), res.message  # 3: unbounded
                value = np.inf if res.status == 3 else sign * res.fun
            span.append(value)
        ranges[key] = (span[0], span[1])
    return ranges


def narrow(ranges: dict, k: int) -> dict:
    """Hidden counts whose whole-number range is under k wide (the protection rule broken)."""
    out = {}
    for key, (lo, hi) in ranges.items():
        lo_i, hi_i = np.ceil(lo - 1e-6), np.floor(hi + 1e-6)
        if hi_i - lo_i < k:
            out[key] = (lo_i, hi_i)
    return out
