"""After the arrest: the attrition funnel reported → arrested → charged → tried → convicted, and time to each stage.

Every function takes the case rows (``Dataset.cases``) and a
:class:`~dashboard.measures.filters.Filters`, and selects with the same
``filter_mask`` as every other measure, so each sidebar filter applies.

- **Stages.** A case *reached* a stage: arrested (``arrest_made`` yes),
  charged (``charged`` yes), tried (a court outcome other than pending:
  convicted, acquitted or dismissed), convicted. Each stage is a count, a
  share of the previous stage (over the cases where it is recorded and
  known) and of all cases, with Wilson 95% intervals.
- **Not recorded is not zero.** When no record in the data holds a stage's
  column, that stage and the ones after it are "not recorded" (no count).
  Cases whose own cell is blank are counted as not recorded, and an
  "unknown" value as unknown; both are left out of the share of the previous stage.
- **Open cases are not failures.** A case that reached a stage but not the
  next, whose time since that stage is shorter than :data:`OPEN_DAYS`, is
  *still open*; only the others are *not reached*.
- **Time to each stage** (arrest → charge, charge → court decision) is
  measured with the Kaplan–Meier estimator of :mod:`.time_to_arrest`: a case
  whose next stage has not happened is censored at the data's last day
  (:func:`follow_up_end`). The shares charged within 90 days and within a
  year are 1 − S(t) with the log-log 95% band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data import stages
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import N_
from dashboard.measures.filters import Filters
from dashboard.measures.metrics import MIN_CASES_TO_RANK, filter_mask, years
from dashboard.measures.stats import wilson_interval
from dashboard.measures.time_to_arrest import histogram_quantiles, kaplan_meier

REPORTED, ARRESTED, CHARGED, TRIED, CONVICTED = "reported", "arrested", "charged", "tried", "convicted"
STAGES = (REPORTED, ARRESTED, CHARGED, TRIED, CONVICTED)
#: How the interface names the stages (gettext); the keys above stay English in exports and JSON.
STAGE_LABELS = {REPORTED: N_("reported"), ARRESTED: N_("arrested"), CHARGED: N_("charged"),
                TRIED: N_("tried"), CONVICTED: N_("convicted")}
#: A case that reached the stage before one of these, fewer than this many days before the data's last day,
#: is still open for it (a verdict follows the trial itself, so "convicted" has no wait of its own).
OPEN_DAYS = {ARRESTED: 30, CHARGED: 90, TRIED: 365, CONVICTED: 0}
#: What happened after the last stage a case reached (the ``after`` codes of :func:`stage_levels`).
NOT_REACHED, STILL_OPEN, UNKNOWN, NOT_RECORDED = 0, 1, 2, 3
WITHIN = (90, 365)
GROUPS = ("province", "offence", "year", "quarter")
#: The two intervals timed here: (name, from stage, to stage).
INTERVALS = (("arrest_to_charge", ARRESTED, CHARGED), ("charge_to_outcome", CHARGED, TRIED))
#: Why a case cannot be timed for an interval (stored in English, shown through gettext).
NO_START_DATE = {"arrest_to_charge": N_("arrest without a date"), "charge_to_outcome": N_("charge without a date")}
NO_END_DATE = {"arrest_to_charge": N_("charge without a date"), "charge_to_outcome": N_("decision without a date")}
STAGE_NOT_RECORDED, STAGE_UNKNOWN = N_("stage not recorded"), N_("recorded as unknown")


def recorded_stages(cases: pd.DataFrame) -> dict[str, bool]:
    """Which stages the data records at all (any record, whatever the filters): the others are "not recorded"."""
    charged = bool(len(cases)) and bool(cases["charged"].notna().any())
    outcome = charged and bool(cases["court_outcome"].notna().any())
    return {REPORTED: True, ARRESTED: True, CHARGED: charged, TRIED: outcome, CONVICTED: outcome}


def follow_up_end(cases: pd.DataFrame) -> pd.Timestamp | None:
    """The data's last day: the last report day (``Dataset.as_of``), where open cases are censored.

    The same day as time to arrest's (``time_to_arrest.follow_up_end``) and as every page's "data as of": one last
    day everywhere (issue 20 item 9). A stage dated after it is still an event; a case waiting since a later
    date is censored at zero days.
    """
    if cases.empty:
        return None
    return cases["date"].max()


def _days(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Whole days from ``earlier`` to ``later`` (datetime64; NaT gives a large negative number, masked by callers)."""
    return (later - earlier).astype("timedelta64[D]").astype(np.int64)


def stage_levels(cases: pd.DataFrame, end: pd.Timestamp | None) -> tuple[np.ndarray, np.ndarray]:
    """Per case: the last stage reached (index into :data:`STAGES`) and what happened after it (``after`` codes)."""
    n = len(cases)
    if n == 0:
        return np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int8)
    end64 = np.datetime64(end, "ns")
    arrested = cases["arrest"].to_numpy(dtype=bool)
    charged = cases["charged"].astype(object).to_numpy()
    outcome = cases["court_outcome"].astype(object).to_numpy()
    is_charged = arrested & (charged == stages.YES)
    tried = is_charged & cases["court_outcome"].isin(stages.DECIDED).to_numpy()
    level = (arrested.astype(np.int8) + is_charged + tried + (tried & (outcome == stages.CONVICTED))).astype(np.int8)
    reported = cases["date"].to_numpy()
    arrest_day = cases["arrest_date"].to_numpy()
    charge_day = cases["charge_date"].to_numpy()
    # the day the last stage was reached: its own date, else the latest earlier date known
    since_arrest = np.where(np.isnat(arrest_day), reported, arrest_day)
    since_charge = np.where(np.isnat(charge_day), since_arrest, charge_day)
    after = np.full(n, NOT_REACHED, dtype=np.int8)
    waited = [_days(end64, reported), _days(end64, since_arrest), _days(end64, since_charge)]
    for stage, (known, unknown) in enumerate([
            (np.ones(n, dtype=bool), np.zeros(n, dtype=bool)),
            (pd.notna(charged), charged == stages.UNKNOWN),
            (pd.notna(outcome), outcome == stages.UNKNOWN)]):
        here = level == stage
        window = OPEN_DAYS[STAGES[stage + 1]]
        after[here & ~known] = NOT_RECORDED
        after[here & known & unknown] = UNKNOWN
        after[here & known & ~unknown & (waited[stage] < window)] = STILL_OPEN
    return level, after


@dataclass(frozen=True)
class StageRow:
    stage: str
    count: int | None  # None: not recorded
    previous: int | None
    known: int | None  # previous-stage cases where this stage is recorded and known
    share_of_previous: float | None
    ci_previous: tuple[float, float] | None
    share_of_all: float | None
    ci_all: tuple[float, float] | None
    still_open: int
    not_reached: int
    unknown: int
    not_recorded: int

    def to_dict(self) -> dict:
        return {"stage": self.stage, "count": self.count, "previous": self.previous, "known": self.known,
                "share_of_previous": self.share_of_previous,
                "share_of_previous_ci95": list(self.ci_previous) if self.ci_previous else None,
                "share_of_all": self.share_of_all, "share_of_all_ci95": list(self.ci_all) if self.ci_all else None,
                "still_open": self.still_open, "not_reached": self.not_reached, "unknown": self.unknown,
                "not_recorded": self.not_recorded}


#: The keys of :meth:`StageRow.to_dict`, in order (the columns of :func:`by_group`).
ROW_KEYS = ("stage", "count", "previous", "known", "share_of_previous", "share_of_previous_ci95", "share_of_all",
            "share_of_all_ci95", "still_open", "not_reached", "unknown", "not_recorded")


def _rows(reached: np.ndarray, after: np.ndarray, recorded: dict[str, bool]) -> list[StageRow]:
    """Stage rows from ``reached[s]`` (cases at stage s or beyond) and ``after[s, code]`` (cases stopped at s)."""
    total = int(reached[0])
    rows = [StageRow(REPORTED, total, None, None, None, None, 1.0 if total else None,
                     wilson_interval(total, total), 0, 0, 0, 0)]
    for s in range(1, len(STAGES)):
        stage = STAGES[s]
        previous = int(reached[s - 1])
        stopped = after[s - 1]
        if not recorded[stage]:
            rows.append(StageRow(stage, None, previous, None, None, None, None, None, 0, 0, 0, previous))
            continue
        count = int(reached[s])
        known = previous - int(stopped[UNKNOWN]) - int(stopped[NOT_RECORDED])
        rows.append(StageRow(
            stage, count, previous, known, count / known if known else None, wilson_interval(count, known),
            count / total if total else None, wilson_interval(count, total), int(stopped[STILL_OPEN]),
            int(stopped[NOT_REACHED]), int(stopped[UNKNOWN]), int(stopped[NOT_RECORDED])))
    return rows


def _tally(level: np.ndarray, after: np.ndarray, codes: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group: cases at each stage or beyond [g, stage], and cases stopped at each stage by ``after``
    [g, s, code]."""
    stopped = np.bincount((codes * len(STAGES) + level) * 4 + after,
                          minlength=groups * len(STAGES) * 4).reshape(groups, len(STAGES), 4)
    at_level = stopped.sum(axis=2)
    reached = at_level[:, ::-1].cumsum(axis=1)[:, ::-1]
    return reached, stopped


def _selection(cases: pd.DataFrame, filters: Filters) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    sub = cases[filter_mask(cases, filters)]
    level, after = stage_levels(sub, follow_up_end(cases))
    return sub, level, after


def funnel(cases: pd.DataFrame, filters: Filters = Filters()) -> list[dict]:
    """The five stages for the selection, as :meth:`StageRow.to_dict` (the CLI's and the page's table)."""
    _sub, level, after = _selection(cases, filters)
    reached, stopped = _tally(level, after, np.zeros(len(level), dtype=np.int64), 1)
    return [row.to_dict() for row in _rows(reached[0], stopped[0], recorded_stages(cases))]


def _group_codes(sub: pd.DataFrame, by: str) -> tuple[np.ndarray, list[str]]:
    if by == "year":
        codes, keys = pd.factorize(years(sub["date"]), sort=True)
        return codes.astype(np.int64), [str(k) for k in keys]
    if by == "quarter":
        months = sub["date"].to_numpy().astype("datetime64[M]").astype(np.int64)
        codes, keys = pd.factorize(months // 3, sort=True)
        return codes.astype(np.int64), [f"{k // 4 + 1970}Q{k % 4 + 1}" for k in keys]
    column = sub["province_code" if by == "province" else "offence"]
    return column.cat.codes.to_numpy().astype(np.int64), [str(c) for c in column.cat.categories]


def by_group(cases: pd.DataFrame, filters: Filters = Filters(), by: str = "province") -> pd.DataFrame:
    """One row per group (province, offence, year or quarter of the report) and stage, groups with cases only."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(GROUPS)}")
    sub, level, after = _selection(cases, filters)
    codes, labels = _group_codes(sub, by)
    reached, stopped = _tally(level, after, codes, len(labels))
    recorded = recorded_stages(cases)
    records = [{by: label, **row.to_dict()} for g, label in enumerate(labels) if reached[g, 0]
               for row in _rows(reached[g], stopped[g], recorded)]
    frame = pd.DataFrame(records, columns=[by, *ROW_KEYS])
    if by == "province" and len(frame):
        gaz = load_gazetteer()
        frame.insert(1, "province_name", [gaz[c].name_en for c in frame["province"]])
    return frame


def charge_share_by_province(cases: pd.DataFrame, filters: Filters = Filters()) -> pd.DataFrame:
    """Per province (all 25): cases, arrests, charged, the share of arrests that led to a charge (over the arrests
    whose charge is recorded: ``known``) with its Wilson interval, and whether it has enough arrests to rank."""
    frame = by_group(cases, filters, "province")
    gaz = load_gazetteer()
    codes = list(gaz)

    def column(stage: str, name: str) -> list:
        part = frame[frame["stage"] == stage].set_index("province")[name] if len(frame) else pd.Series(dtype=float)
        return [part.get(c) for c in codes]

    out = pd.DataFrame({"province_code": codes, "province": [gaz[c].name_en for c in codes],
                        "province_km": [gaz[c].name_km for c in codes],
                        "cases": pd.array([v if v is not None else 0 for v in column(REPORTED, "count")], "Int64"),
                        "arrests": pd.array([v if v is not None else 0 for v in column(ARRESTED, "count")], "Int64"),
                        "known": pd.array(column(CHARGED, "known"), "Float64"),
                        "charged": pd.array(column(CHARGED, "count"), "Float64")})
    out["charge_share"] = (out["charged"] / out["known"].where(out["known"] > 0)).astype("float64")
    cis = [wilson_interval(int(c), int(k)) if pd.notna(c) and pd.notna(k) and k else None
           for c, k in zip(out["charged"], out["known"])]
    out["ci_low"] = [ci[0] if ci else np.nan for ci in cis]
    out["ci_high"] = [ci[1] if ci else np.nan for ci in cis]
    out["ranked"] = out["known"].fillna(0) >= MIN_CASES_TO_RANK
    return out


# ---------------------------------------------------------------- time to each stage


def interval_times(cases: pd.DataFrame, interval: str, end: pd.Timestamp | None) -> pd.DataFrame:
    """Per case that reached the interval's first stage: ``event`` (next stage reached), ``days`` and ``excluded``.

    ``days`` is to the next stage for events, to ``end`` (the data's last day) for censored cases; ``excluded``
    names why a case cannot be timed (empty where it can).
    """
    if interval not in dict((name, None) for name, *_ in INTERVALS):
        raise ValueError(f"unknown interval {interval!r}")
    level, _after = stage_levels(cases, end)
    charged = cases["charged"].astype(object).to_numpy()
    outcome = cases["court_outcome"].astype(object).to_numpy()
    if interval == "arrest_to_charge":
        start, stop, value = cases["arrest_date"].to_numpy(), cases["charge_date"].to_numpy(), charged
        begun, done = level >= 1, level >= 2
    else:
        start, stop, value = cases["charge_date"].to_numpy(), cases["outcome_date"].to_numpy(), outcome
        begun, done = level >= 2, level >= 3
    end64 = np.datetime64(end, "ns") if end is not None else np.datetime64("NaT", "ns")
    reason = np.full(len(cases), "", dtype=object)
    reason[pd.isna(value)] = STAGE_NOT_RECORDED
    reason[value == stages.UNKNOWN] = STAGE_UNKNOWN
    reason[(reason == "") & np.isnat(start)] = NO_START_DATE[interval]
    reason[(reason == "") & done & np.isnat(stop)] = NO_END_DATE[interval]
    days = np.where(done, _days(stop, start), np.maximum(_days(end64, start), 0))
    keep = begun
    return pd.DataFrame({"event": done[keep], "days": np.where(reason[keep] == "", days[keep], -1),
                         "excluded": reason[keep]})


def _survival_at(curve: pd.DataFrame, day: int) -> tuple[float, float, float] | None:
    """S(day) with its band from a Kaplan–Meier table (None past the longest follow-up)."""
    if curve.empty or curve["days"].max() < day and curve["still_without_arrest"].iloc[-1] > 0:
        return None
    upto = curve[curve["days"] <= day]
    if upto.empty:
        return 1.0, 1.0, 1.0
    last = upto.iloc[-1]
    return float(last["still_without_arrest"]), float(last["ci_low"]), float(last["ci_high"])


def time_to_stage(cases: pd.DataFrame, filters: Filters = Filters(), interval: str = "arrest_to_charge") -> dict:
    """Median and 25th–75th percentile days (over the cases that reached the next stage, with dates), the
    Kaplan–Meier median and curve (censored at the data's last day), shares within 90 and 365 days with their
    bands, and the cases left out by reason."""
    sub = cases[filter_mask(cases, filters)]
    end = follow_up_end(cases)
    times = interval_times(sub, interval, end)
    timed = times[times["excluded"] == ""]
    events = timed.loc[timed["event"], "days"].to_numpy()
    censored = timed.loc[~timed["event"], "days"].to_numpy()
    excluded = times.loc[times["excluded"] != "", "excluded"].value_counts()
    out: dict = {"interval": interval, "follow_up_end": end.date().isoformat() if end is not None else None,
                 "cases": len(times), "events": len(events), "censored": len(censored),
                 "excluded": int(excluded.sum()), "excluded_by_reason": {str(k): int(v) for k, v in excluded.items()},
                 "p25_days": None, "median_days": None, "p75_days": None, "km_median_days": None}
    if len(events):
        per_day = np.bincount(events)
        out["p25_days"], out["median_days"], out["p75_days"] = histogram_quantiles(per_day, (0.25, 0.5, 0.75))
    size = int(timed["days"].max()) + 1 if len(timed) else 1
    curve = kaplan_meier(np.bincount(events, minlength=size).astype(float),
                         np.bincount(censored, minlength=size).astype(float)) if len(timed) else pd.DataFrame(
        columns=["days", "still_without_arrest", "ci_low", "ci_high", "at_risk", "arrests", "censored"])
    curve = curve.rename(columns={"still_without_arrest": "still_waiting", "arrests": "events"})
    below = curve[curve["still_waiting"] <= 0.5]
    out["km_median_days"] = float(below["days"].iloc[0]) if len(below) else None
    for limit in WITHIN:
        at = _survival_at(curve.rename(columns={"still_waiting": "still_without_arrest"}), limit)
        out[f"within_{limit}_days_share"] = None if at is None else 1 - at[0]
        out[f"within_{limit}_days_ci95"] = None if at is None else [1 - at[2], 1 - at[1]]
    out["curve"] = curve
    return out


def summary_keys(cases: pd.DataFrame, filters: Filters = Filters()) -> dict:
    """What ``summary --json`` adds: every stage's count, share and intervals, and the stage medians."""
    out: dict = {"funnel": funnel(cases, filters)}
    recorded = recorded_stages(cases)
    for name, _start, stop in INTERVALS:
        if not recorded[stop]:
            out[f"median_days_{name}"] = None
            continue
        result = time_to_stage(cases, filters, name)
        out[f"median_days_{name}"] = result["median_days"]
        if name == "arrest_to_charge":
            for limit in WITHIN:
                out[f"charged_within_{limit}_days_share"] = result[f"within_{limit}_days_share"]
                out[f"charged_within_{limit}_days_ci95"] = result[f"within_{limit}_days_ci95"]
    return out
