"""The public funnel: charged, tried and convicted counts for the cells of the public export, and ``funnel.csv``.

The stage counts join the province-year, national-year and whole-period
cells (never the quarters), so the disclosure audit sees them with every sum
that links them (provinces and years) and every chain within a cell
(convicted ≤ tried ≤ charged ≤ arrests ≤ cases), over every release in the
ledger: a hidden "convicted" cannot be worked out from "tried" and the
other stages, nor from two releases. They are added only where the data
records the stages; a file without the stage columns publishes none (the
funnel says "not recorded").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import N_
from dashboard.measures import funnel
from dashboard.measures.stats import wilson_interval
from dashboard.publish.disclosure import STAGE_MEASURES
from dashboard.render.markup import scroll_region

FILE = "funnel.csv"
FILE_NOTE = N_("period (YYYY or 'all'), province_code and province (empty: national), cases, arrests, charged, "
               "tried, convicted, the share of each stage in the one before it with Wilson 95% intervals where "
               "both counts are shown, suppressed")
#: The tables whose cells carry stage counts.
TABLES = ("province_year", "national_year", "national_total")
#: The level (index in funnel.STAGES) a case must reach to count in each stage measure.
LEVEL = {"charged": 2, "tried": 3, "convicted": 4}


def recorded_measures(cases: pd.DataFrame) -> tuple[str, ...]:
    """The stage measures the data records (charged alone when outcomes are not recorded)."""
    recorded = funnel.recorded_stages(cases)
    return tuple(m for m in STAGE_MEASURES if recorded[m])


def add_stage_counts(rows: list[dict], cases: pd.DataFrame) -> list[dict]:
    """``rows`` (cells with cases and arrests) with the recorded stage counts of their cases added."""
    measures = recorded_measures(cases)
    if not measures or not len(cases):
        return rows
    level, _after = funnel.stage_levels(cases, funnel.follow_up_end(cases))
    reached = pd.DataFrame({m: (level >= LEVEL[m]).astype(np.int64) for m in measures})
    reached["code"] = cases["province_code"].astype(str).to_numpy()
    reached["year"] = cases["date"].dt.year.to_numpy()
    by_province = reached.groupby(["code", "year"])[list(measures)].sum()
    by_year = reached.groupby("year")[list(measures)].sum()
    total = reached[list(measures)].sum()
    for row in rows:
        if row["table"] == "province_year":
            key = (row["key"], row["year"])
            values = by_province.loc[key] if key in by_province.index else None
        elif row["table"] == "national_year":
            values = by_year.loc[row["year"]]
        elif row["table"] == "national_total":
            values = total
        else:
            continue
        for m in measures:
            row[m] = 0 if values is None else int(values[m])
    return rows


def funnel_table(frame: pd.DataFrame) -> pd.DataFrame | None:
    """``funnel.csv`` from the suppressed cells: one row per year and the whole period, nationally and per
    province; None when the release holds no stage counts."""
    measures = [m for m in STAGE_MEASURES if frame[m].notna().any() or frame[f"sup_{m}"].any()]
    if not measures:
        return None
    gaz = load_gazetteer()
    chain = ["cases", "arrests", *measures]
    rows = []
    order = {"national_total": 0, "national_year": 1, "province_year": 2}
    part = frame[frame["table"].isin(TABLES)].copy()
    part["order"] = part["table"].map(order)
    for _i, cell in part.sort_values(["order", "year", "key"], kind="stable").iterrows():
        national = cell["table"] != "province_year"
        shown = {m: None if cell[f"sup_{m}"] or pd.isna(cell[m]) else int(cell[m]) for m in chain}
        row = {"period": "all" if cell["table"] == "national_total" else str(int(cell["year"])),
               "province_code": "" if national else cell["key"],
               "province": "" if national else gaz[cell["key"]].name_en, **shown}
        for before, after in zip(chain, chain[1:]):
            ci = wilson_interval(shown[after], shown[before]) if shown[after] is not None and shown[before] else None
            row[f"{after}_share"] = None if ci is None else round(shown[after] / shown[before], 4)
            row[f"{after}_ci_low"] = None if ci is None else round(ci[0], 4)
            row[f"{after}_ci_high"] = None if ci is None else round(ci[1], 4)
        row["suppressed"] = ",".join(m for m in chain if cell[f"sup_{m}"])
        rows.append(row)
    table = pd.DataFrame(rows)
    for m in chain:
        table[m] = table[m].astype("Int64")
    return table


def read_funnel(folder) -> pd.DataFrame | None:
    """``funnel.csv`` of an export folder (None when the export has none: the data did not record the stages)."""
    from pathlib import Path

    path = Path(folder) / FILE
    if not path.exists():
        return None
    table = pd.read_csv(path, dtype={"period": str, "province_code": str, "province": str, "suppressed": str},
                        keep_default_na=False, na_values={c: [""] for c in ("cases", "arrests", *STAGE_MEASURES)})
    for column in ("cases", "arrests", *STAGE_MEASURES):
        if column in table:
            table[column] = table[column].astype("Int64")
    return table


def national_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The national funnel: the whole period first, then each year."""
    return table[table["province_code"] == ""]


def funnel_line(table: pd.DataFrame | None) -> str:
    """The donor brief's one line for the funnel, from the whole period's row ("" without a funnel)."""
    from dashboard.i18n import _, fmt_int

    if table is None or national_rows(table).empty:
        return ""
    row = national_rows(table).iloc[0]

    def count(name: str) -> str:
        return _("hidden") if pd.isna(row.get(name)) else fmt_int(int(row[name]))

    return _("After the arrest (whole period): of {cases} cases, {arrests} led to an arrest, {charged} to a charge, "
             "{tried} were tried and {convicted} ended in a conviction; cases still open are not failures.").format(
        cases=count("cases"), arrests=count("arrests"), charged=count("charged"), tried=count("tried"),
        convicted=count("convicted"))


def funnel_html(table: pd.DataFrame | None) -> str:
    """The static site's section: the national funnel per year and for the whole period (empty without one)."""
    import html

    from dashboard.i18n import _

    if table is None:
        return ""
    rows = national_rows(table)
    labels = {m: _(funnel.STAGE_LABELS[s]) for m, s in (("cases", funnel.REPORTED), ("arrests", funnel.ARRESTED),
                                                         ("charged", funnel.CHARGED), ("tried", funnel.TRIED),
                                                         ("convicted", funnel.CONVICTED))}
    columns = [m for m in labels if m in rows]
    head = "".join(f"<th>{html.escape(labels[m])}</th>" for m in columns)
    body = "".join("<tr><td>" + html.escape(_("all") if r["period"] == "all" else r["period"]) + "</td>" + "".join(
        f"<td>{'–' if pd.isna(r[m]) else int(r[m])}</td>" for m in columns) + "</tr>" for _i, r in rows.iterrows())
    return (f"<h2>{html.escape(_('After the arrest: charge, trial and verdict'))}</h2>"
            f"<p>{html.escape(funnel_line(table))}</p>"
            + scroll_region(f'<table><thead><tr><th>{html.escape(_("period"))}</th>{head}</tr></thead>'
                            f"<tbody>{body}</tbody></table>", _("After the arrest: charge, trial and verdict")))
