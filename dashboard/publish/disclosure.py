"""Disclosure control for the public export: the cells, their links, suppression and the audit.

Every public count is a *cell*: a national quarter, a province-year, a
national year or the whole period, each with a case count and an arrest
count and, where the data records the later stages, the counts charged,
tried and convicted (not for quarters), each at most the one before it.
The cells are linked by sums (per year, the quarters and the provinces
each add up to the national year; the years add up to the whole period), and
every arrest count is at most its case count.

The protection rule: for every hidden count, the range of values an attacker
can derive from everything published (this release, every earlier release in
the ledger, the sums, arrests ≤ cases, banded rates, and counts that never go
down from one release to the next) must be at least ``k`` wide. The audit
proves it by linear programming (HiGHS): it minimises and maximises every
hidden count subject to all of that. While a hidden count's range is too
narrow, suppression hides one more count that shares a sum with it (a
province cell first, the smallest first; one hidden in the last release before
one that was shown), so a new release cannot unlock what an earlier one hid.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The stage counts after the arrest (issue 24): published only where the data records them, and only in the
#: province-year, national-year and whole-period tables (a sum with a table that lacks them is no fact).
STAGE_MEASURES = ("charged", "tried", "convicted")
MEASURES = ("cases", "arrests") + STAGE_MEASURES
#: Each count is at most the one before it: arrests <= cases, charged <= arrests, tried <= charged, ...
PARENT = {"arrests": "cases", "charged": "arrests", "tried": "charged", "convicted": "tried"}
#: Which cells to hide first: the finest table first, the headline total last.
TABLE_ORDER = {"province_year": 0, "national_quarter": 1, "national_year": 2, "national_total": 3}
#: Widths (percentage points) of the arrest-rate bands tried for a hidden arrest count, narrowest first.
BAND_WIDTHS = (10, 20, 25, 50)
TOLERANCE = 1e-6

Equation = tuple  # ("Q", year) quarters of a year, ("P", year) provinces of a year, ("T",) the years


def cell_equations(table: str, year: int) -> list[tuple[Equation, float]]:
    """The sums a cell takes part in, with its sign (members +1, the margin -1)."""
    if table == "national_quarter":
        return [(("Q", year), 1.0)]
    if table == "province_year":
        return [(("P", year), 1.0)]
    if table == "national_year":
        return [(("Q", year), -1.0), (("P", year), -1.0), (("T",), 1.0)]
    if table == "national_total":
        return [(("T",), -1.0)]
    raise ValueError(f"unknown table {table!r}")


def new_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """A release's cells: table, key, year, the counts, and what is hidden (no band yet).

    A stage count that is missing (NaN and not hidden) is not part of the release: not recorded in the data,
    or not published for that table.
    """
    frame = pd.DataFrame(list(rows), columns=["table", "key", "year", *MEASURES])
    for measure in MEASURES:
        frame[measure] = frame[measure].astype("float64")
        frame[f"sup_{measure}"] = False
    frame["band_lo"] = np.nan
    frame["band_hi"] = np.nan
    return frame


def cell_id(row) -> tuple[str, str, int]:
    return (row["table"], str(row["key"]), int(row["year"]))


# ---------------------------------------------------------------- the audit


@dataclass(frozen=True)
class Variable:
    release: int  # index into the releases passed to the audit; the last one is the new release
    row: int  # frame index
    measure: str


@dataclass
class AuditResult:
    #: whole-number range an attacker can derive; where it is at least k wide it may be a witnessed
    #: sub-range (see :func:`_solve_ranges`), which is all the protection rule needs
    ranges: dict[Variable, tuple[float, float]]
    k: int

    @property
    def violations(self) -> list[Variable]:
        return [v for v, (lo, hi) in self.ranges.items() if hi - lo < self.k]


def band_bounds(cases: float, lo_pct: float, hi_pct: float) -> tuple[int, int]:
    """Whole arrest counts whose rate lies in the band [lo, hi) of ``cases`` (the top band includes 100%)."""
    low = math.ceil(lo_pct / 100 * cases - TOLERANCE)
    high = int(cases) if hi_pct >= 100 else math.ceil(hi_pct / 100 * cases - TOLERANCE) - 1
    return low, high


def present(frame: pd.DataFrame, row: int, measure: str) -> bool:
    """Whether the release holds ``measure`` for this cell at all (shown or hidden)."""
    return bool(frame.at[row, f"sup_{measure}"]) or not pd.isna(frame.at[row, measure])


def _value(frame: pd.DataFrame, row: int, measure: str) -> float | None:
    value = frame.at[row, measure]
    return None if frame.at[row, f"sup_{measure}"] or pd.isna(value) else float(value)


def audit(releases: Sequence[pd.DataFrame], k: int, exact: bool = False) -> AuditResult:
    """The range of every hidden count given everything published in ``releases`` (oldest first).

    Only the last release needs its true values (to check that counts did not go down); earlier
    ones are read as published. With ``exact``, a bound whose linear optimum is not a whole-number
    table is solved again as an integer programme, as an attacker who knows counts are whole would.
    """
    variables: list[Variable] = []
    col: dict[Variable, int] = {}
    for r, frame in enumerate(releases):
        for measure in MEASURES:
            for row in frame.index[frame[f"sup_{measure}"]]:
                var = Variable(r, int(row), measure)
                col[var] = len(variables)
                variables.append(var)
    if not variables:
        return AuditResult({}, k)
    n = len(variables)
    lower = np.zeros(n)
    upper = np.full(n, np.inf)
    rows: list[tuple[dict[int, float], float, float]] = []  # (coefficients, low, high)
    for r, frame in enumerate(releases):
        sums: dict[tuple, tuple[dict[int, float], float]] = {}
        broken: set[tuple] = set()  # sums with a member that does not hold the measure: no fact
        for row in frame.index:
            year = int(frame.at[row, "year"])
            for eq, sign in cell_equations(frame.at[row, "table"], year):
                for measure in MEASURES:
                    if not present(frame, row, measure):
                        broken.add((eq, measure))
                        continue
                    coefs, rhs = sums.get((eq, measure), ({}, 0.0))
                    var = Variable(r, int(row), measure)
                    if var in col:
                        coefs[col[var]] = coefs.get(col[var], 0.0) + sign
                    else:
                        rhs -= sign * float(frame.at[row, measure])
                    sums[(eq, measure)] = (coefs, rhs)
        for key, (coefs, rhs) in sums.items():
            if coefs and key not in broken:
                rows.append((coefs, rhs, rhs))
        for row in frame.index:
            cases_var = Variable(r, int(row), "cases")
            if cases_var in col:
                lower[col[cases_var]] = 1.0  # zeros are always shown
            for measure, parent in PARENT.items():
                _chain(frame, row, Variable(r, int(row), measure), Variable(r, int(row), parent), col, lower,
                       upper, rows)
    try:
        solved = _solve_ranges(n, lower, upper, rows + _links(releases, col, hidden_old=True), k, exact)
    except InfeasibleReleases:
        # a correction lowered a count an earlier release hid: keep only the links that can be checked
        solved = _solve_ranges(n, lower, upper, rows + _links(releases, col, hidden_old=False), k, exact)
    return AuditResult({variables[j]: span for j, span in solved.items()}, k)


def _chain(frame: pd.DataFrame, row: int, child: Variable, parent: Variable, col: dict[Variable, int],
           lower: np.ndarray, upper: np.ndarray, rows: list) -> None:
    """``child <= parent`` within one cell (arrests <= cases, charged <= arrests, ...), as bounds or a row."""
    if not (present(frame, row, child.measure) and present(frame, row, parent.measure)):
        return
    if child in col and parent in col:
        rows.append(({col[child]: 1.0, col[parent]: -1.0}, -np.inf, 0.0))
    elif child in col:
        top = float(frame.at[row, parent.measure])
        lo, hi = 0, top
        if child.measure == "arrests" and not pd.isna(frame.at[row, "band_lo"]):
            lo, hi = band_bounds(top, frame.at[row, "band_lo"], frame.at[row, "band_hi"])
        lower[col[child]], upper[col[child]] = max(lower[col[child]], lo), min(upper[col[child]], hi)
    elif parent in col:
        lower[col[parent]] = max(lower[col[parent]], float(frame.at[row, child.measure]))


def _links(releases: Sequence[pd.DataFrame], col: dict[Variable, int], hidden_old: bool) -> list:
    """Counts never go down from one release to the next: new - old >= 0 for every cell in both.

    A link is left out where the data contradict it (a correction lowered a shown count): then it
    is no fact an attacker could use. Without ``hidden_old``, links to counts an earlier release
    hid are left out too (used only when the data were revised below such a count).
    """
    rows: list[tuple[dict[int, float], float, float]] = []
    for r in range(1, len(releases)):
        old, new = releases[r - 1], releases[r]
        old_index = {cell_id(row): i for i, row in old.iterrows()}
        for j, row in new.iterrows():
            i = old_index.get(cell_id(row))
            if i is None:
                continue
            for measure in MEASURES:
                if not (present(old, int(i), measure) and present(new, int(j), measure)):
                    continue
                old_var, new_var = Variable(r - 1, int(i), measure), Variable(r, int(j), measure)
                coefs: dict[int, float] = {}
                rhs = 0.0
                if new_var in col:
                    coefs[col[new_var]] = 1.0
                else:
                    rhs -= float(new.at[j, measure])
                if old_var in col:
                    coefs[col[old_var]] = coefs.get(col[old_var], 0.0) - 1.0
                else:
                    rhs += float(old.at[i, measure])
                if not coefs or (not hidden_old and old_var in col):
                    continue
                true_new = new.at[j, measure]
                old_shown = _value(old, int(i), measure)
                if old_shown is not None and not pd.isna(true_new) and float(true_new) < old_shown:
                    continue  # revised down: the link is false
                rows.append((coefs, rhs, np.inf))
    return rows


def _solver():
    """A HiGHS instance without its console banner (the CLI's standard output stays clean)."""
    from highspy import _core

    highs = _core._Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def _solve_ranges(n: int, lower: np.ndarray, upper: np.ndarray, rows, k: int, exact: bool) -> dict:
    """Each variable's range, or a sub-range at least ``k`` wide witnessed by feasible solutions.

    Every optimum found is a feasible table, so it also shows values every other variable can
    take; a variable whose witnessed values already span ``k`` needs no programme of its own. With
    ``exact``, only whole-number solutions count as witnesses: a linear optimum that is not whole
    is replaced by the integer programme's.
    """

    models = [_model(n, lower, upper, rows, integer=False)]
    seen_lo, seen_hi = np.full(n, np.inf), np.full(n, -np.inf)
    ranges: dict[int, tuple[float, float]] = {}
    for j in range(n):
        bounds = []
        for sign in (1.0, -1.0):  # minimise x_j, then minimise -x_j
            if seen_hi[j] - seen_lo[j] >= k - TOLERANCE:
                break
            value, solution = _optimise(models[0], j, sign)
            if exact and solution is not None and not np.allclose(solution, np.round(solution), atol=1e-6):
                if len(models) == 1:
                    models.append(_model(n, lower, upper, rows, integer=True))
                value, solution = _optimise(models[1], j, sign)
            if solution is not None:
                seen_lo, seen_hi = np.minimum(seen_lo, solution), np.maximum(seen_hi, solution)
            bounds.append(value)
        lo = bounds[0] if bounds else seen_lo[j]  # a witnessed value where no programme was needed
        hi = bounds[1] if len(bounds) == 2 else seen_hi[j]
        ranges[j] = (math.ceil(lo - TOLERANCE) if np.isfinite(lo) else lo,
                     math.floor(hi + TOLERANCE) if np.isfinite(hi) else hi)
    return ranges


def _model(n: int, lower: np.ndarray, upper: np.ndarray, rows, integer: bool):
    import highspy

    inf = highspy.kHighsInf
    highs = _solver()
    highs.addVars(n, lower, np.where(np.isinf(upper), inf, upper))
    for coefs, low, high in rows:
        idx = np.array(list(coefs), dtype=np.int32)
        highs.addRow(-inf if np.isinf(low) else low, inf if np.isinf(high) else high, len(idx), idx,
                     np.array([coefs[i] for i in idx], dtype=float))
    if integer:
        highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
    return highs


def _optimise(highs, j: int, sign: float) -> tuple[float, np.ndarray | None]:
    """Minimise ``sign * x_j``: (the optimum of x_j, the solution), or (-/+inf, None) if unbounded."""
    import highspy

    highs.changeColCost(j, sign)
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kUnknown:
        # a warm start from an earlier unbounded solve can end without a verdict: solve this one afresh
        highs.clearSolver()
        highs.run()
        status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        result = sign * highs.getInfo().objective_function_value, np.array(highs.getSolution().col_value)
    elif status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        result = -sign * np.inf, None
    else:
        raise InfeasibleReleases(highs.modelStatusToString(status))
    highs.changeColCost(j, 0.0)  # only after reading the values: a change clears the solution
    return result


class InfeasibleReleases(RuntimeError):
    """The published releases contradict each other under the audit's model (e.g. counts went down)."""

