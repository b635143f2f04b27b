"""What the public side shows (dashboard, static site, brief), computed from the export files only.

No Streamlit here, and nothing that the export does not hold: every figure is a published count,
a rate of two published counts, a published band or a published interval. Text is translated
with :mod:`dashboard.i18n` in the language in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import _, fmt_date, fmt_int, fmt_percent
from dashboard.i18n import fmt_quarter as i18n_quarter
from dashboard.publish.public_export import TOTAL_KEY, PublicData, quarter_end


def hidden_text() -> str:
    """How a suppressed count reads in a table."""
    return _("hidden")


def shown(value: object) -> str:
    """A published count as text; 'hidden' where it is suppressed."""
    return hidden_text() if pd.isna(value) else fmt_int(int(value))


def fmt_quarter(label: str) -> str:
    """'2015-Q2' as the reader's language writes a quarter (Q2 2015)."""
    return i18n_quarter(quarter_end(label))


def period_text(first: str, last: str) -> str:
    if first == last:
        return fmt_quarter(first)
    return _("{first} to {last}").format(first=fmt_quarter(first), last=fmt_quarter(last))


def band_text(band: str) -> str:
    """'80-90%' as the reader's language writes two percentages."""
    lo, hi = (int(x) for x in band.rstrip("%").split("-"))
    return f"{fmt_percent(lo / 100)}–{fmt_percent(hi / 100)}"


def rate_text(cases: object, arrests: object, band: str = "") -> str:
    """The arrest rate where both counts are published, else the band, else 'hidden' (or '–' for no cases)."""
    if pd.notna(cases) and pd.notna(arrests):
        return fmt_percent(int(arrests) / int(cases)) if int(cases) else "–"
    if band:
        return band_text(band)
    return hidden_text()


def interval_text(low: float, high: float) -> str:
    return _("95% interval {low}–{high}").format(low=fmt_percent(low), high=fmt_percent(high))


@dataclass
class Card:
    """One headline card: what it counts, the figure, a detail line and the period it covers."""

    key: str
    label: str
    value: str
    detail: str
    period: str


def figures_to(meta: dict) -> date | None:
    """The last day the published figures cover: the end of the last closed quarter."""
    if meta.get("figures_to"):
        return date.fromisoformat(meta["figures_to"])
    last = meta.get("period", {}).get("to")
    return quarter_end(last) if last else None


def received_to(meta: dict) -> date | None:
    """The last day of the data the export was made from (later than the figures when a quarter is open)."""
    return date.fromisoformat(meta["data_received_to"]) if meta.get("data_received_to") else None


def data_as_of(data: PublicData) -> date | None:
    return figures_to(data.metadata)


def dates_text(meta: dict) -> str:
    """Both dates of a release: 'Figures to 31 March 2015 (closed quarters); data received to 29 April 2015'."""
    figures, received = figures_to(meta), received_to(meta)
    if figures is None:
        return ""
    if received is None or received <= figures:
        return _("Figures to {figures}.").format(figures=fmt_date(figures, "long"))
    return _("Figures to {figures} (closed quarters only); data received to {received}.").format(
        figures=fmt_date(figures, "long"), received=fmt_date(received, "long"))


def partial_years(data: PublicData) -> dict[int, date]:
    """Calendar years the figures cover only in part (the last one, when its quarters have not all closed):
    year -> the last day covered."""
    end = figures_to(data.metadata)
    years = map_years(data)
    if end is None or not years or (end.month, end.day) == (12, 31) or years[-1] != end.year:
        return {}
    return {end.year: end}


def incomplete_quarters(data: PublicData) -> set[str]:
    """Quarters the export flags ``probably_incomplete``: late records probably still coming in."""
    nq = data.national_quarter
    if "probably_incomplete" not in nq:
        return set()
    return set(nq.loc[nq["probably_incomplete"].astype(str).str.strip().str.lower() == "yes", "quarter"])


def incomplete_text() -> str:
    """How a probably-incomplete quarter is named (the internal trend charts' words)."""
    return _("probably incomplete: late records still coming in")


def year_label(year: int, partial: dict[int, date]) -> str:
    """'2015', or '2015 (partial: to 31 Mar)' for a year the figures cover only in part."""
    if year in partial:
        return _("{year} (partial: to {day})").format(year=year, day=fmt_date(partial[year], "d MMM"))
    return str(year)


def whole_period(data: PublicData) -> pd.Series | None:
    totals = data.national_totals
    rows = totals[totals["period"] == TOTAL_KEY]
    return rows.iloc[0] if len(rows) else None


def headline(data: PublicData) -> list[Card]:
    """Cases, arrest rate with its interval, and provinces covered, each with its period."""
    total = whole_period(data)
    period = data.metadata.get("period", {})
    span = period_text(period["from"], period["to"]) if period.get("from") else ""
    cards = []
    if total is None:
        return cards
    cards.append(Card("cases", _("Cases"), shown(total["cases"]), _("cases investigated with the police"), span))
    if pd.notna(total["arrests"]) and pd.notna(total["cases"]) and total["cases"]:
        value = fmt_percent(total["arrests"] / total["cases"])
        detail = _("{arrests} arrests in {cases} cases").format(arrests=fmt_int(total["arrests"]),
                                                                cases=fmt_int(total["cases"]))
        if pd.notna(total["ci_low"]):
            detail += "; " + interval_text(total["ci_low"], total["ci_high"])
    else:
        value = band_text(total["arrest_rate_band"]) if total["arrest_rate_band"] else hidden_text()
        detail = _("shown only where no small count can be worked out")
    cards.append(Card("arrest_rate", _("Arrest rate"), value, detail, span))
    end = data_as_of(data)
    covered = covered_codes(data, end) if end else set()
    cards.append(Card("provinces", _("Provinces covered"),
                      _("{covered} of {total}").format(covered=fmt_int(len(covered)),
                                                       total=fmt_int(len(load_gazetteer()))),
                      _("provinces where the programme operates"),
                      _("at the end of {when}").format(when=fmt_quarter(period["to"])) if period.get("to") else ""))
    return cards


def covered_codes(data: PublicData, day: date) -> set[str]:
    cov = data.coverage
    return set(cov.loc[cov["start_date"] <= pd.Timestamp(day), "province_code"])


def totals_table(data: PublicData) -> pd.DataFrame:
    """National totals per year and for the whole period: cases, arrests, rate, interval."""
    t = data.national_totals
    rows = []
    for _i, r in t.iterrows():
        rows.append({
            _("period"): _("all years") if r["period"] == TOTAL_KEY else r["period"],
            _("quarters"): period_text(r["from"], r["to"]) if r["from"] else "",
            _("cases"): shown(r["cases"]), _("arrests"): shown(r["arrests"]),
            _("arrest rate"): rate_text(r["cases"], r["arrests"], r["arrest_rate_band"]),
            _("95% interval"): (f"{fmt_percent(r['ci_low'])}–{fmt_percent(r['ci_high'])}"
                                if pd.notna(r["ci_low"]) else "–"),
        })
    return pd.DataFrame(rows)


def quarter_table(data: PublicData) -> pd.DataFrame:
    nq = data.national_quarter
    return pd.DataFrame({
        _("quarter"): [fmt_quarter(q) for q in nq["quarter"]],
        _("cases"): [shown(v) for v in nq["cases"]],
        _("arrests"): [shown(v) for v in nq["arrests"]],
        _("arrest rate"): [rate_text(c, a, b) for c, a, b in zip(nq["cases"], nq["arrests"], nq["arrest_rate_band"])],
    })


def province_year_wide(data: PublicData) -> pd.DataFrame:
    """Provinces down, years across, with 'hidden' for suppressed counts; names in English and Khmer."""
    py = data.province_year
    wide = py.assign(cases=[shown(v) for v in py["cases"]]).pivot_table(
        index=["province_code", "province"], columns="year", values="cases", aggfunc="first").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    gaz = load_gazetteer()
    wide.insert(2, "province_km", [gaz[c].name_km for c in wide["province_code"]])
    return wide


def allowed_arrest_rates(data: PublicData) -> pd.DataFrame:
    """Province-year arrest rates where both counts are published, or a published band."""
    py = data.province_year
    keep = (py["cases"].notna() & (py["cases"] > 0) & (py["arrests"].notna() | (py["arrest_rate_band"] != "")))
    rows = py[keep]
    return pd.DataFrame({
        _("province"): [province_name(c) for c in rows["province_code"]],
        _("year"): rows["year"].astype(str),
        _("cases"): [shown(v) for v in rows["cases"]],
        _("arrests"): [shown(v) for v in rows["arrests"]],
        _("arrest rate"): [rate_text(c, a, b)
                           for c, a, b in zip(rows["cases"], rows["arrests"], rows["arrest_rate_band"])],
    }).reset_index(drop=True)


@dataclass
class ProvinceRow:
    code: str
    name: str  # in the language in use; in English with the Khmer name beside it
    counts: dict[int, str]  # year -> shown count or 'hidden'


def province_rows(data: PublicData) -> list[ProvinceRow]:
    from dashboard.i18n import get_language

    gaz = load_gazetteer()
    py = data.province_year
    rows = []
    for code, part in py.groupby("province_code", sort=True):
        prov = gaz[code]
        name = prov.name_km if get_language() == "km" else f"{prov.name_en} · {prov.name_km}"
        rows.append(ProvinceRow(code, name, {int(y): shown(v) for y, v in zip(part["year"], part["cases"])}))
    return rows


def province_name(code: str) -> str:
    """The province's name in the language in use (Khmer names from the gazetteer)."""
    from dashboard.i18n import get_language

    prov = load_gazetteer()[code]
    return prov.name_km if get_language() == "km" else prov.name_en


def headings() -> dict[str, str]:
    """Titles and headings of the public pages and the brief, translated (kept out of f-strings so that
    Babel's extractor sees them)."""
    return {
        "title": _("Child Protection Unit: public dashboard"),
        "brief_title": _("Child Protection Unit (J646): summary for donors"),
        "subtitle": _("Cases investigated with the Cambodian National Police"),
        "subtitle_period": _("Cases investigated with the Cambodian National Police, {period}."),
        "map": _("Where the programme works"),
        "year": _("year"),
        "map_label": _("Map of cases by province"),
        "quarters": _("National cases by quarter"),
        "totals": _("National totals"),
        "provinces": _("Province totals by year"),
        "by_province": _("Cases by province and year"),
        "hidden": _("What is hidden, and why"),
        "method": _("Method"),
        "download": _("Download the data"),
        "province": _("province"),
        "brief_link": _("Summary for donors (PDF, {language})"),
    }


def suppression_note(data: PublicData) -> str:
    k = fmt_int(data.k)
    return _("Counts from 1 to {k_minus_1} are hidden, and so is an arrest count when it, or the cases without an "
             "arrest, is below {k}: a small count could single out a child. Some larger counts are hidden too, so that "
             "no hidden count can be worked out from the totals, from another release or from a banded rate: "
             "whatever is published, each hidden count could still be any of at least {k_plus_1} values. "
             "Zeros are shown. Hidden counts are shown as “hidden”.").format(
        k=k, k_minus_1=fmt_int(data.k - 1), k_plus_1=fmt_int(data.k + 1))


def method_text() -> str:
    return _("Counts are of cases investigated with the Cambodian National Police, by the date the case was reported, "
             "nationally by quarter and by year and for each province by year. Arrest rates are arrests divided by "
             "cases, with a Wilson 95% confidence interval where both arrests and cases without arrest are shown. "
             "A linear-programming audit checks every release, together with the earlier ones, before it is "
             "published. No case-level data, victim details, districts or exact dates are published.")


# ---------------------------------------------------------------- the public map


#: The public map's states (besides the classes of shown counts).
SUPPRESSED, NOT_COVERED, NO_DATA, COUNT = "suppressed", "not covered", "no data", "count"


@dataclass
class UnitState:
    state: str  # COUNT, SUPPRESSED, NOT_COVERED or NO_DATA
    cases: int | None  # the published count (COUNT only)
    covered: bool
    members: list[str]  # province codes drawn in this unit


def map_year(data: PublicData) -> int | None:
    """The year the public map shows by default: the latest calendar year the period covers whole, else the latest."""
    nq = data.national_quarter
    if nq.empty:
        return None
    years = sorted({int(q[:4]) for q in nq["quarter"]})
    whole = [y for y in years if {f"{y}-Q{i}" for i in range(1, 5)} <= set(nq["quarter"])]
    return whole[-1] if whole else years[-1]


def map_years(data: PublicData) -> list[int]:
    return sorted({int(y) for y in data.province_year["year"]})


def unit_states(data: PublicData, boundaries, year: int) -> dict[str, UnitState]:
    """Each map unit's state for ``year``: a shown count, hidden (hatched), not covered, or no data."""
    py = data.province_year[data.province_year["year"] == year].set_index("province_code")
    covered = covered_codes(data, date(year, 12, 31))
    states: dict[str, UnitState] = {}
    for unit in boundaries.unit_codes:
        members = [c for c in load_gazetteer() if boundaries.unit_for(c) == unit]
        rows = py.loc[[c for c in members if c in py.index]]
        is_covered = any(c in covered for c in members)
        if rows.empty:
            states[unit] = UnitState(NO_DATA, None, is_covered, members)
        elif rows["cases"].isna().any():
            states[unit] = UnitState(SUPPRESSED, None, is_covered, members)
        else:
            cases = int(rows["cases"].sum())
            state = NOT_COVERED if not is_covered and cases == 0 else COUNT
            states[unit] = UnitState(state, cases, is_covered, members)
    return states
