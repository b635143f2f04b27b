"""Which counts a release hides: primary suppression, complementary suppression until the audit
passes over every release together, then arrest-rate bands where they are safe.

See :mod:`dashboard.publish.disclosure` for the cells, the protection rule and the audit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from dashboard.errors import UserFacingError
from dashboard.i18n import _
from dashboard.publish.disclosure import (
    BAND_WIDTHS,
    MEASURES,
    PARENT,
    STAGE_MEASURES,
    TABLE_ORDER,
    Variable,
    audit,
    band_bounds,
    cell_equations,
    cell_id,
)


def primary(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """Hide case counts in 1..k-1, and arrest counts where arrests or cases - arrests is below k."""
    frame = frame.copy()
    frame["sup_cases"] = (frame["cases"] > 0) & (frame["cases"] < k)
    frame["sup_arrests"] = frame["sup_cases"] | (frame["arrests"] < k) | (frame["cases"] - frame["arrests"] < k)
    frame.loc[frame["cases"] == 0, "sup_arrests"] = False  # 0 cases: 0 arrests says nothing new
    for measure in STAGE_MEASURES:  # the same rule one stage on: the count, and the cases that stopped before it
        parent = PARENT[measure]
        count, before = frame[measure], frame[parent]
        hide = count.notna() & (before > 0) & ((count < k) | (before - count < k))
        frame[f"sup_{measure}"] = hide | (count.notna() & frame["sup_cases"] & (frame["cases"] > 0))
    return frame


def suppress(frame: pd.DataFrame, k: int, earlier: Sequence[pd.DataFrame] = (), bands: bool = True) -> pd.DataFrame:
    """The new release ``frame`` (true values) with what to hide, safe together with ``earlier`` releases.

    Suppression and bands are chosen with linear programmes (fast); the result is then proved with
    integer programmes, which an attacker could also use. Should those find a range the linear ones
    missed, the bands are dropped and suppression continues with integer programmes.
    """
    frame = primary(frame, k)
    if frame.empty:
        return frame
    releases = [*earlier, frame]
    previously_hidden = _hidden_cells(earlier[-1]) if earlier else set()
    _complete(releases, k, previously_hidden, exact=False)
    if bands:
        add_bands(releases, k)
    if audit(releases, k, exact=True).violations:
        frame[["band_lo", "band_hi"]] = float("nan")
        _complete(releases, k, previously_hidden, exact=True)
    return frame


def _complete(releases: list[pd.DataFrame], k: int, previously_hidden: set, exact: bool) -> None:
    """Complementary suppression in the last release until no hidden count's range is under k wide."""
    frame = releases[-1]
    for _round in range(4 * len(frame) + 1):
        violations = audit(releases, k, exact).violations
        if not violations:
            return
        if not _hide_more(frame, violations, len(releases) - 1, releases, previously_hidden):
            # with every count of this release hidden, only an earlier release can be at fault (a smaller k)
            raise UserFacingError(
                _("An earlier release in the ledger leaves a hidden count less than k = {k} wide, and this release "
                  "cannot fix that.").format(k=k),
                _("Export with the k the earlier releases used (see release_ledger.json)."))
    raise RuntimeError("suppression did not converge")  # unreachable: each round hides at least one count


def _hidden_cells(frame: pd.DataFrame) -> set[tuple[tuple[str, str, int], str]]:
    return {(cell_id(row), m) for _, row in frame.iterrows() for m in MEASURES if row[f"sup_{m}"]}


def _hide(frame: pd.DataFrame, row: int, measure: str) -> None:
    frame.at[row, f"sup_{measure}"] = True
    if measure == "cases" and frame.at[row, "cases"] > 0:  # a hidden case count hides the whole cell
        for other in MEASURES[1:]:
            if not pd.isna(frame.at[row, other]):
                frame.at[row, f"sup_{other}"] = True


def _hide_more(frame: pd.DataFrame, violations: list[Variable], new: int, releases: Sequence[pd.DataFrame],
               previously_hidden: set) -> bool:
    """Hide one count for each group of linked violations; False if nothing could be hidden.

    A violation sharing a sum with a count hidden this round waits for the next audit: that count
    may already be enough. Hiding a case count (which hides its arrests too) is the last resort.
    """
    done: set = set()
    index = {cell_id(row): i for i, row in frame.iterrows()}
    fallback = None
    for var in sorted(violations, key=lambda v: (v.release != new, v.measure, v.row)):
        cell = cell_id(releases[var.release].loc[var.row])
        eqs = {eq for eq, _ in cell_equations(cell[0], cell[2])}
        if eqs & done:
            continue
        counterpart = index.get(cell)
        choice = None
        if var.release != new and counterpart is not None and _can_hide(frame, counterpart, var.measure):
            choice = counterpart  # an earlier release's hidden count: hide it again in this one
        if choice is None:
            choice, reached = _pick(frame, eqs, var.measure, previously_hidden)
            eqs |= reached
        if choice is None:
            parent = PARENT.get(var.measure)
            if fallback is None and parent is not None and counterpart is not None \
                    and _can_hide(frame, counterpart, parent):
                fallback = (counterpart, parent)
            continue
        _hide(frame, choice, var.measure)
        done |= eqs | {eq for eq, _ in cell_equations(frame.at[choice, "table"], int(frame.at[choice, "year"]))}
    if not done and fallback is not None:
        _hide(frame, *fallback)
        return True
    return bool(done)


def _can_hide(frame: pd.DataFrame, row: int, measure: str) -> bool:
    return bool(not frame.at[row, f"sup_{measure}"] and frame.at[row, measure] > 0)


def _pick(frame: pd.DataFrame, eqs: set, measure: str, previously_hidden: set) -> tuple[int | None, set]:
    """The count to hide next for a too-narrow range in the sums ``eqs``, widening the search along
    hidden counts if needed; with the sums searched."""
    seen_eqs = set(eqs)
    for _attempt in range(4):
        members = [i for i, row in frame.iterrows()
                   if {eq for eq, _ in cell_equations(row["table"], int(row["year"]))} & seen_eqs]
        candidates = [i for i in members if _can_hide(frame, i, measure)
                      and (measure == "cases" or not frame.at[i, "sup_cases"])]
        if candidates:
            return min(candidates, key=lambda i: ((cell_id(frame.loc[i]), measure) not in previously_hidden,
                                                  TABLE_ORDER[frame.at[i, "table"]], frame.at[i, measure],
                                                  str(frame.at[i, "key"]))), seen_eqs
        # every count in these sums is hidden already: look one step further along hidden counts
        for i in members:
            if frame.at[i, f"sup_{measure}"]:
                seen_eqs |= {eq for eq, _ in cell_equations(frame.at[i, "table"], int(frame.at[i, "year"]))}
    return None, seen_eqs


# ---------------------------------------------------------------- banded rates


def band_for(rate: float, width: int) -> tuple[int, int]:
    """The aligned band of ``width`` points holding ``rate`` (0..1), e.g. 0.86 with 10 -> (80, 90)."""
    low = min(int(math.floor(rate * 100 / width + 1e-9)) * width, 100 - width)
    return low, low + width


def add_bands(releases: list[pd.DataFrame], k: int) -> None:
    """Give a hidden arrest count (its case count shown) the narrowest band the audit still passes with."""
    frame = releases[-1]
    candidates = frame.index[frame["sup_arrests"] & ~frame["sup_cases"] & (frame["cases"] > 0)]
    for row in sorted(candidates, key=lambda i: (TABLE_ORDER[frame.at[i, "table"]], -frame.at[i, "cases"])):
        cases, arrests = int(frame.at[row, "cases"]), int(frame.at[row, "arrests"])
        for width in BAND_WIDTHS:
            lo, hi = band_for(arrests / cases, width)
            low, high = band_bounds(cases, lo, hi)
            if high - low < k:
                continue  # the band alone would narrow the count too far
            frame.at[row, "band_lo"], frame.at[row, "band_hi"] = lo, hi
            if not audit(releases, k).violations:
                break
            frame.at[row, "band_lo"], frame.at[row, "band_hi"] = float("nan"), float("nan")
