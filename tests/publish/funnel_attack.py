"""An attacker's recovery attack on the public funnel, written independently of the exporter.

It reads only what was published (national_quarter.csv and funnel.csv of one or more releases)
and bounds every hidden count by linear programming (scipy), with every fact a reader has:

- per year, the provinces add up to the national year, and the national quarters' cases and
  arrests do too; the years add up to the whole period;
- in every cell convicted <= tried <= charged <= arrests <= cases; counts are not negative and a
  hidden case count is not zero;
- from one release to the next no count goes down (cases are added, stages only ever advance).

A hidden "convicted" is then bounded by "tried" and "charged" and the other cells and releases.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog

CHAIN = ("cases", "arrests", "charged", "tried", "convicted")


def read_release(folder: Path) -> list[dict]:
    """Cells: table, key, year and each published count (None: hidden; key absent: not published)."""
    cells = []
    funnel = pd.read_csv(folder / "funnel.csv", dtype={"period": str, "province_code": str}, keep_default_na=False,
                         na_values={m: [""] for m in CHAIN})
    for _, r in funnel.iterrows():
        if r["period"] == "all":
            table, key, year = "national_total", "all", 0
        elif r["province_code"]:
            table, key, year = "province_year", r["province_code"], int(r["period"])
        else:
            table, key, year = "national_year", r["period"], int(r["period"])
        cells.append({"table": table, "key": key, "year": year,
                      **{m: None if pd.isna(r[m]) else int(r[m]) for m in CHAIN if m in r}})
    quarters = pd.read_csv(folder / "national_quarter.csv", dtype={"quarter": str})
    for _, r in quarters.iterrows():
        cells.append({"table": "national_quarter", "key": r["quarter"], "year": int(r["quarter"][:4]),
                      **{m: None if pd.isna(r[m]) else int(r[m]) for m in ("cases", "arrests")}})
    return cells


def _sums(cell: dict) -> list[tuple[tuple, int]]:
    t, y = cell["table"], cell["year"]
    return {"national_quarter": [(("quarters", y), 1)], "province_year": [(("provinces", y), 1)],
            "national_year": [(("quarters", y), -1), (("provinces", y), -1), (("years",), 1)],
            "national_total": [(("years",), -1)]}[t]


def recovery_ranges(releases: list[list[dict]]) -> dict[tuple, tuple[float, float]]:
    """(release, table, key, year, measure) -> (lowest, highest) value of every hidden count."""
    var = {(r, c["table"], c["key"], c["year"], m): None for r, cells in enumerate(releases) for c in cells
           for m in CHAIN if m in c and c[m] is None}
    var = {key: j for j, key in enumerate(var)}
    n = len(var)
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []

    def term(r, c, m):
        key = (r, c["table"], c["key"], c["year"], m)
        return ({var[key]: 1.0}, 0.0) if key in var else ({}, float(c[m]))

    def row(coefs):
        out = np.zeros(n)
        for j, v in coefs.items():
            out[j] += v
        return out

    for r, cells in enumerate(releases):
        sums: dict = {}
        for c in cells:
            for eq, sign in _sums(c):
                for m in CHAIN:
                    entry = sums.setdefault((eq, m), [{}, 0.0, True])
                    if m not in c:
                        entry[2] = False  # a member that does not publish this count: no equation
                        continue
                    coefs, const = term(r, c, m)
                    for j, v in coefs.items():
                        entry[0][j] = entry[0].get(j, 0.0) + sign * v
                    entry[1] += sign * const
        for coefs, const, whole in sums.values():
            if whole and coefs:
                eq_rows.append(row(coefs))
                eq_rhs.append(-const)
        for c in cells:
            for parent, child in zip(CHAIN, CHAIN[1:]):
                if parent not in c or child not in c:
                    continue
                (cc, ck), (pc, pk) = term(r, c, child), term(r, c, parent)
                if cc or pc:  # child - parent <= 0
                    ub_rows.append(row({**cc, **{j: -v for j, v in pc.items()}}))
                    ub_rhs.append(pk - ck)
    for r in range(1, len(releases)):
        before = {(c["table"], c["key"], c["year"]): c for c in releases[r - 1]}
        for c in releases[r]:
            old = before.get((c["table"], c["key"], c["year"]))
            for m in CHAIN:
                if old is None or m not in c or m not in old:
                    continue
                (nc, nk), (oc, ok) = term(r, c, m), term(r - 1, old, m)
                if nc or oc:  # old - new <= 0
                    ub_rows.append(row({**oc, **{j: -v for j, v in nc.items()}}))
                    ub_rhs.append(nk - ok)
    bounds = [(1 if key[4] == "cases" else 0, None) for key in var]
    ranges = {}
    for key, j in var.items():
        span = []
        for sign in (1.0, -1.0):
            cost = np.zeros(n)
            cost[j] = sign
            res = linprog(cost, A_ub=np.array(ub_rows) if ub_rows else None, b_ub=ub_rhs or None,
                          A_eq=np.array(eq_rows) if eq_rows else None, b_eq=eq_rhs or None, bounds=bounds,
                          method="highs")
            assert res.status in (0, 3), res.message
            span.append(np.inf if res.status == 3 else sign * res.fun)
        ranges[key] = (span[0], span[1])
    return ranges


def pinned(ranges: dict, k: int, measures=CHAIN[2:]) -> dict:
    """Hidden stage counts whose whole-number range is under k wide."""
    out = {}
    for key, (lo, hi) in ranges.items():
        lo_i, hi_i = np.ceil(lo - 1e-6), np.floor(hi + 1e-6)
        if key[4] in measures and hi_i - lo_i < k:
            out[key] = (lo_i, hi_i)
    return out
