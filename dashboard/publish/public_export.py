"""The public export: aggregated, privacy-safe tables donors may see.

Four count tables are published: national counts by quarter, by calendar year
and for the whole period, and province counts by year. They are linked by sums
(see :mod:`dashboard.publish.disclosure`). A count below ``k`` (default 11) is
hidden, and so is an arrest count when it, or cases minus arrests, is below
``k``; complementary suppression then hides more until the audit proves that
every hidden count's feasible range is at least ``k`` wide, over this release
and every earlier one in the release ledger together
(:mod:`dashboard.publish.ledger`). A hidden arrest count may still carry a
banded rate ("80-90%") where the audit passes with the band published.
Files never hold victim attributes, dates finer than a quarter, case ids or
districts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import LANGUAGES, N_, _, use_language
from dashboard.measures.stats import wilson_interval
from dashboard.publish import stage_cells
from dashboard.publish.disclosure import MEASURES, new_frame
from dashboard.publish.suppression import suppress

DEFAULT_K = 11
FILES = ("national_totals.csv", "national_quarter.csv", "province_year.csv", "coverage.csv", "metadata.json")
TOTAL_KEY = "all"
METHOD = N_(
    "Counts below k are suppressed (left empty), and so is an arrest count when it, or cases minus arrests, is "
    "below k. Complementary suppression hides further counts so that none can be worked out from the others: the "
    "quarters and the provinces of a year add up to that year's national total, and the years add up to the whole "
    "period. A linear-programming audit proves that, from everything published in this release and every earlier "
    "one, each hidden count could still be any of at least k + 1 values (its range is at least k wide). A hidden "
    "arrest count may be given as a band of rates (such as 80-90%) only where the band keeps that range. Arrest "
    "rates come with Wilson 95% intervals where both arrests and cases without arrest are at least k. Counts are "
    "by date reported; no case-level data, victim attributes, districts or dates finer than a quarter are published."
)
PROTECTION_RULE = N_("every hidden count's range, derived from everything published in all releases, "
                     "is at least k wide")
#: What each file holds: column names stay in English in every language (they are the format).
FILE_NOTES = {
    "national_totals.csv": N_("period (YYYY or 'all'), from, to (YYYY-Qn), cases, arrests, arrest_rate, "
                              "ci_low, ci_high (Wilson 95%), arrest_rate_band, suppressed"),
    "national_quarter.csv": N_("quarter (YYYY-Qn), cases, arrests, suppressed, arrest_rate_band, "
                               "probably_incomplete ('yes' where late records are probably still coming in: "
                               "its counts may still grow)"),
    "province_year.csv": N_("province_code, province, year, cases, arrests, suppressed, arrest_rate_band"),
    "coverage.csv": N_("province_code, province, start_date"),
}


def metadata_texts(lang: str) -> dict:
    """The metadata's words in ``lang``: method, protection rule, file notes and province names."""
    gaz = load_gazetteer()
    with use_language(lang):
        return {"method": _(METHOD), "protection_rule": _(PROTECTION_RULE),
                "files": {name: _(note) for name, note in FILE_NOTES.items()},
                "province_names": {c: (p.name_km if lang == "km" else p.name_en) for c, p in gaz.items()}}


def quarter_label(day: pd.Timestamp) -> str:
    """``2015-Q2``: the only date resolution the public export uses."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_end(label: str) -> date:
    """The last day of a ``YYYY-Qn`` quarter."""
    year, quarter = int(label[:4]), int(label[-1])
    return (pd.Timestamp(year=year, month=3 * quarter, day=1) + pd.offsets.MonthEnd(0)).date()


def closed_through(last_day: date) -> date:
    """The last day of the last quarter that has ended by ``last_day`` (``last_day`` itself if it ends one).

    Only closed quarters are published: a quarter still open would date new cases, from one
    monthly release to the next, to the month (a province turning from 0 to hidden).
    """
    day = pd.Timestamp(last_day)
    end = day + pd.offsets.QuarterEnd(0)
    return (end if end == day else day - pd.offsets.QuarterEnd(1)).date()


def closed_quarters(dataset: Dataset) -> tuple[Dataset, date]:
    """The dataset cut to its closed quarters, and the day the cut falls on."""
    from dashboard.errors import UserFacingError
    from dashboard.i18n import fmt_date

    last = dataset.as_of
    if last is None:
        raise UserFacingError(_("There are no cases to publish."),
                              _("Ingest case data first (python -m dashboard ingest FILE)."))
    cut = closed_through(last)
    cases = dataset.cases[dataset.cases["date"] <= pd.Timestamp(cut)]
    if cases.empty:
        first_end = quarter_end(quarter_label(dataset.cases["date"].min()))
        raise UserFacingError(
            _("No quarter of the data has closed yet: the cases run from {first} to {last}, and only whole "
              "quarters are published.").format(first=fmt_date(dataset.cases["date"].min().date(), "long"),
                                                 last=fmt_date(last, "long")),
            _("Export again once data after {day} has been received.").format(day=fmt_date(first_end, "long")))
    return Dataset(cases.reset_index(drop=True), dataset.coverage, dataset.synthetic, dataset.source), cut


def cells(cases: pd.DataFrame) -> pd.DataFrame:
    """Every cell of the four tables with its true counts (nothing hidden yet)."""
    gaz = load_gazetteer()
    years = sorted(cases["date"].dt.year.unique().tolist())
    quarter = cases["date"].dt.to_period("Q")
    nq = cases.groupby(quarter)["arrest"].agg(cases="size", arrests="sum")
    if len(nq):
        nq = nq.reindex(pd.period_range(nq.index.min(), nq.index.max(), freq="Q"), fill_value=0)
    rows = [{"table": "national_quarter", "key": f"{p.year}-Q{p.quarter}", "year": p.year,
             "cases": int(r.cases), "arrests": int(r.arrests)} for p, r in nq.iterrows()]
    py = cases.groupby([cases["province_code"].astype(str), cases["date"].dt.year])["arrest"].agg(cases="size",
                                                                                                   arrests="sum")
    for year in years:
        for code in gaz:
            c, a = (py.loc[(code, year)] if (code, year) in py.index else (0, 0))
            rows.append({"table": "province_year", "key": code, "year": year, "cases": int(c), "arrests": int(a)})
    ny = cases.groupby(cases["date"].dt.year)["arrest"].agg(cases="size", arrests="sum")
    for year in years:
        rows.append({"table": "national_year", "key": str(year), "year": year,
                     "cases": int(ny.loc[year, "cases"]), "arrests": int(ny.loc[year, "arrests"])})
    if len(cases):
        # the whole period belongs to no single year; it is linked to the years by its own sum
        rows.append({"table": "national_total", "key": TOTAL_KEY, "year": 0,
                     "cases": int(len(cases)), "arrests": int(cases["arrest"].sum())})
    return new_frame(stage_cells.add_stage_counts(rows, cases))


def _published(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    part = frame[frame["table"] == table].copy()
    part["cases_out"] = part["cases"].astype("Int64").mask(part["sup_cases"])
    part["arrests_out"] = part["arrests"].astype("Int64").mask(part["sup_arrests"])
    part["suppressed"] = np.where(part["sup_cases"], "cases,arrests", np.where(part["sup_arrests"], "arrests", ""))
    part["band"] = [f"{int(lo)}-{int(hi)}%" if pd.notna(lo) else "" for lo, hi in zip(part["band_lo"], part["band_hi"])]
    return part


def _totals(frame: pd.DataFrame, quarters: list[str]) -> pd.DataFrame:
    """National totals per calendar year and for the whole period, with Wilson 95% intervals where shown."""
    rows = []
    for table in ("national_year", "national_total"):
        for _key, r in _published(frame, table).iterrows():
            inside = [q for q in quarters if r["table"] == "national_total" or q.startswith(str(r["key"]))]
            rate = ci = None
            if pd.notna(r["arrests_out"]) and pd.notna(r["cases_out"]) and r["cases_out"] > 0:
                rate = r["arrests_out"] / r["cases_out"]
                ci = wilson_interval(int(r["arrests_out"]), int(r["cases_out"]))
            rows.append({"period": r["key"], "from": inside[0] if inside else "", "to": inside[-1] if inside else "",
                         "cases": r["cases_out"], "arrests": r["arrests_out"],
                         "arrest_rate": None if rate is None else round(float(rate), 4),
                         "ci_low": None if ci is None else round(ci[0], 4),
                         "ci_high": None if ci is None else round(ci[1], 4),
                         "arrest_rate_band": r["band"], "suppressed": r["suppressed"]})
    return pd.DataFrame(rows, columns=["period", "from", "to", "cases", "arrests", "arrest_rate", "ci_low", "ci_high",
                                       "arrest_rate_band", "suppressed"])


def suppressed_cells(dataset: Dataset, k: int = DEFAULT_K, earlier: Sequence[pd.DataFrame] = ()) -> pd.DataFrame:
    """The release's cells (closed quarters only) with what is hidden and banded, audited together with
    ``earlier`` releases."""
    from dashboard.errors import UserFacingError
    from dashboard.publish.disclosure import InfeasibleReleases

    if k < 2:
        raise ValueError("k must be at least 2")
    published, _cut = closed_quarters(dataset)
    try:
        return suppress(cells(published.cases), k, earlier)
    except InfeasibleReleases as exc:
        raise UserFacingError(
            _("The disclosure audit found no consistent reading of the earlier releases together with this one "
              "(solver: {status}); nothing was written.").format(status=exc),
            _("Check that the release ledger is the one this data was published with, and was not edited; "
              "if it is, report this with the ledger file (it holds only published figures).")) from None


def build_export(dataset: Dataset, k: int = DEFAULT_K, earlier: Sequence[pd.DataFrame] = (),
                 frame: pd.DataFrame | None = None,
                 incomplete_months: Sequence[date] = ()) -> dict[str, pd.DataFrame | dict]:
    """The public tables and metadata, in memory (``frame``: already suppressed cells, if at hand).

    Only the closed quarters of ``dataset`` are published (see :func:`closed_quarters`). ``incomplete_months``:
    the months data quality finds probably still incomplete; a quarter holding one is flagged
    ``probably_incomplete`` (see :mod:`dashboard.publish.incomplete`).
    """
    from dashboard.publish.incomplete import quarter_flags

    if frame is None:
        frame = suppressed_cells(dataset, k, earlier)
    received = dataset.as_of
    dataset, cut = closed_quarters(dataset)
    gaz = load_gazetteer()
    nq = _published(frame, "national_quarter")
    national = pd.DataFrame({"quarter": nq["key"], "cases": nq["cases_out"], "arrests": nq["arrests_out"],
                             "suppressed": nq["suppressed"], "arrest_rate_band": nq["band"]})
    national["probably_incomplete"] = ["yes" if f else "" for f in quarter_flags(national["quarter"],
                                                                               incomplete_months)]
    py = _published(frame, "province_year")
    province = pd.DataFrame({"province_code": py["key"], "province": [gaz[c].name_en for c in py["key"]],
                             "year": py["year"], "cases": py["cases_out"], "arrests": py["arrests_out"],
                             "suppressed": py["suppressed"], "arrest_rate_band": py["band"]})
    cov = dataset.coverage
    coverage = pd.DataFrame({"province_code": cov["province_code"],
                             "province": [gaz[c].name_en for c in cov["province_code"]],
                             "start_date": cov["start_date"].dt.date.astype(str)})
    cases = dataset.cases
    meta = {
        "k": k,
        "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
        # quarters, never days: with the next release, a day would date a single case
        "period": {"from": quarter_label(cases["date"].min()) if len(cases) else None,
                   "to": quarter_label(pd.Timestamp(cut))},
        # the figures end with the last closed quarter; the data may run further (that part waits for
        # the quarter to close). The one day given: at least one case was reported then, nothing more.
        "figures_to": cut.isoformat(),
        "data_received_to": received.isoformat() if received else None,
        "probably_incomplete_quarters": [q for q, f in zip(national["quarter"], national["probably_incomplete"]) if f],
        "method": METHOD,
        "protection_rule": PROTECTION_RULE,
        "synthetic": bool(dataset.synthetic),
        "files": dict(FILE_NOTES),
        "suppressed_cells": int(sum(frame[f"sup_{m}"].sum() for m in MEASURES)),
        "earlier_releases_audited": len(earlier),
        # the same words in every interface language (English above stays where readers expect it)
        "languages": {lang: metadata_texts(lang) for lang in LANGUAGES},
    }
    parts = {"national_totals.csv": _totals(frame, list(national["quarter"])), "national_quarter.csv": national,
             "province_year.csv": province, "coverage.csv": coverage, "metadata.json": meta}
    funnel_csv = stage_cells.funnel_table(frame)
    if funnel_csv is not None:  # only where the data records the stages
        parts[stage_cells.FILE] = funnel_csv
        meta["files"][stage_cells.FILE] = stage_cells.FILE_NOTE
        for lang, texts in meta["languages"].items():  # the same note in every interface language
            with use_language(lang):
                texts["files"][stage_cells.FILE] = _(stage_cells.FILE_NOTE)
    return parts


@dataclass
class PublicData:
    national_totals: pd.DataFrame
    national_quarter: pd.DataFrame
    province_year: pd.DataFrame
    coverage: pd.DataFrame
    metadata: dict
    k: int  # the suppression threshold, parsed once from metadata.json
    funnel: pd.DataFrame | None = None  # funnel.csv, where the data records the later stages


def read_export(folder: Path | str) -> PublicData:
    """Read and check an export folder (what public mode shows)."""
    from dashboard.errors import DataFileError

    folder = Path(folder)
    missing = [f for f in FILES if not (folder / f).exists()]
    if missing:
        raise DataFileError(_("The public export folder '{path}' is missing {files}.").format(
                                path=folder, files=", ".join(missing)),
                            _("Run 'python -m dashboard export-public --out DIR' "
                              "and point DASHBOARD_PUBLIC_DIR at DIR."))
    try:
        counts = {"cases": "Int64", "arrests": "Int64"}
        text = {"suppressed": str, "arrest_rate_band": str, "probably_incomplete": str}
        data = PublicData(
            pd.read_csv(folder / "national_totals.csv", dtype={"period": str, "from": str, "to": str, **text},
                        keep_default_na=False, na_values={"cases": [""], "arrests": [""], "arrest_rate": [""],
                                                          "ci_low": [""], "ci_high": [""]}).astype(counts),
            pd.read_csv(folder / "national_quarter.csv", dtype={"quarter": str, **text}).astype(counts),
            pd.read_csv(folder / "province_year.csv", dtype={"province_code": str, **text}).astype(counts),
            pd.read_csv(folder / "coverage.csv", dtype={"province_code": str}, parse_dates=["start_date"]),
            meta := json.loads((folder / "metadata.json").read_text(encoding="utf-8")),
            int(meta["k"]),
        )
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise DataFileError(_("The public export in '{path}' could not be read ({error}).").format(
                                path=folder, error=type(exc).__name__),
                            _("Write it again with 'python -m dashboard export-public'.")) from None
    for table in (data.national_totals, data.national_quarter, data.province_year):
        for column in ("suppressed", "arrest_rate_band"):
            table[column] = table[column].fillna("")
    nq = data.national_quarter  # an export written before the flag existed has no such column: nothing is flagged
    nq["probably_incomplete"] = nq["probably_incomplete"].fillna("") if "probably_incomplete" in nq else ""
    data.funnel = stage_cells.read_funnel(folder)
    return data
