"""Data quality (analysts and admins): a scorecard by province, each check's findings and the cases behind them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.geo.gazetteer import display_name
from dashboard.i18n import N_, _, fmt_date, fmt_int, fmt_month, fmt_percent
from dashboard.measures.quality import completeness, duplicates, implausible, lateness, silence
from dashboard.measures.quality.findings import AMBER, CHECKS, RED, SEVERITY_LABELS, Finding
from dashboard.measures.quality.report import QualityReport, check_label
from dashboard.render.safe_csv import to_safe_csv
from dashboard.ui import components as ui
from dashboard.ui import quality_report
from dashboard.ui.context import context
from dashboard.ui.downloads import audited, case_download

#: What each check does and when it turns amber or red, for the page (the thresholds come from the modules).
ABOUT = {
    "completeness": N_("Per province and month, the share of records with each optional field filled (district, "
                       "victim age and sex, the arrest date of cases with an arrest, and the justice-stage fields "
                       "when the data have them). Amber under {amber} filled in {amber_n} or more records; red under "
                       "{red} in {red_n} or more."),
    "silent": N_("A covered province with no case in a month or quarter, when its population, its days under "
                 "coverage and the rate of every covered province (a Poisson model) make none unlikely: amber when "
                 "the chance of no case is under {p}, red under {p_red}. Unlikely, worth a call; never 'missing'. "
                 "Provinces not covered are never flagged."),
    "late": N_("Records that reached the database more than {late} days after they were reported (amber; red over "
               "{red_days} days), from the day each record was first ingested; the first load is not judged. The "
               "reporting-lag curve shows how much each month's count grew after the month ended; a month is "
               "probably still incomplete while months that have settled had less than {share} of their records "
               "by the same age."),
    "duplicates": N_("Records with the same province, report date, offence, victim age and sex under different "
                     "case ids (amber). Listed for review, never merged."),
    "implausible": N_("Arrests dated on the report day at least {factor} times as often as the province's usual "
                      "share, by a binomial test (amber under 0.1%, red under one in a million); and a sudden jump in "
                      "a province's monthly count, by a robust z-score over its own history (amber above {z}, red "
                      "above {z_red})."),
}


def _about(check: str, threshold: float) -> str:
    return _(ABOUT[check]).format(
        amber=fmt_percent(completeness.AMBER_SHARE), amber_n=fmt_int(completeness.MIN_RECORDS),
        red=fmt_percent(completeness.RED_SHARE), red_n=fmt_int(completeness.RED_MIN_RECORDS),
        p=fmt_percent(threshold, 1), p_red=fmt_percent(threshold / silence.RED_FACTOR, 1),
        late=fmt_int(lateness.LATE_DAYS), red_days=fmt_int(lateness.RED_LATE_DAYS),
        share=fmt_percent(lateness.COMPLETE_SHARE), factor=fmt_int(implausible.SAME_DAY_FACTOR),
        z=fmt_int(implausible.Z_AMBER), z_red=fmt_int(implausible.Z_RED))


def _severity(level: str) -> str:
    return _(SEVERITY_LABELS[level])  # words, not coloured emoji: the offline browser may have no emoji font


def _province(code: str | None) -> str:
    return display_name(code) if code else _("all provinces")


def _findings_table(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame({
        _("Severity"): [_severity(f.severity) for f in findings],
        _("Province"): [_province(f.province_code) for f in findings],
        _("From"): [fmt_date(f.period_start) for f in findings],
        _("To"): [fmt_date(f.period_end) for f in findings],
        _("Finding"): [f.explanation() for f in findings],
        _("Why this colour"): [f.reason() for f in findings],
        _("Cases"): [len(f.case_ids) for f in findings],
    })


def case_rows(findings: list[Finding]) -> pd.DataFrame:
    """One row per finding and case id: what the case-level CSV holds (English keys, like every export)."""
    rows = [(f.check, f.severity, f.province_code or "", f.period_start.isoformat(), f.period_end.isoformat(),
             f.title(), case_id) for f in findings for case_id in f.case_ids]
    return pd.DataFrame(rows, columns=["check", "severity", "province_code", "period_start", "period_end", "finding",
                                       "case_id"])


def _cases(check: str, findings: list[Finding]) -> None:
    """The case ids behind the findings (analysts and admins only: this page is theirs), and their CSV."""
    rows = case_rows(findings)
    if rows.empty:
        return
    st.markdown("**" + _("Cases behind these findings ({n})").format(n=fmt_int(len(rows))) + "**")
    st.dataframe(pd.DataFrame({_("Finding"): rows["finding"], _("Case id"): rows["case_id"]}), hide_index=True,
                 width="stretch")
    case_download(_("Download the case ids (CSV)"), lambda: to_safe_csv(rows), f"quality_{check}_cases.csv",
                  len(rows), key=f"quality_cases_{check}")


def _table(frame: pd.DataFrame, shown: pd.DataFrame, name: str, key: str, label: str) -> None:
    """An expander with a table (headers in the interface language) and its CSV (English keys)."""
    with st.expander(label):
        st.dataframe(shown, hide_index=True, width="stretch")
        st.download_button(_("Download CSV"), audited(lambda: to_safe_csv(frame), f"{name}.csv", len(frame)),
                           file_name=f"{name}.csv", mime="text/csv", key=f"dl_{key}", on_click="ignore")


def _scorecard(report: QualityReport, findings: list[Finding], ctx) -> None:
    st.subheader(_("Scorecard by province"))
    covered = set(ctx.dataset.coverage["province_code"].astype(str))
    if ctx.filters.provinces:
        covered &= set(ctx.filters.provinces)
    card = QualityReport(findings, report.ingest_dates_known, report.threshold).scorecard(covered)
    if ctx.filters.provinces:
        card = card[card["province_code"].isin(ctx.filters.provinces)]
    shown = pd.DataFrame({_("Province"): [display_name(c) for c in card["province_code"]],
                          _("Severity"): [_severity(s) for s in card["severity"]],
                          **{check_label(c): card[c].to_numpy() for c in CHECKS},
                          _("Reason"): card["reason"].to_numpy()})
    st.dataframe(shown, hide_index=True, width="stretch")


def _lag_curve(ctx, report: QualityReport) -> None:
    if not report.ingest_dates_known:
        st.info(_("The day each record reached the database is not known here, so late records are not checked."))
        return
    from dashboard.data.ingest_days import read_first_ingested
    from dashboard.ui.cache import current_engine

    cases = ctx.dataset.cases
    curve = lateness.lag_curve(cases, read_first_ingested(current_engine(), cases["case_id"]))
    incomplete = set(report.incomplete_months)
    shown = pd.DataFrame({
        _("Month"): [fmt_month(m) for m in curve["month"]],
        _("Records now"): curve["records"].to_numpy(),
        **{_("Known {n} months after the month ended").format(n=fmt_int(k)): curve[f"known_after_{k}_months"]
           for k in lateness.CURVE_MONTHS},
        _("Grew after the month ended"): [fmt_percent(v) for v in curve["grew_after_month_end_share"]],
        _("Probably incomplete"): [_("yes") if m.date() in incomplete else "" for m in curve["month"]],
    })
    _table(curve, shown, "reporting_lag_curve", "quality_lag", _("Reporting-lag curve: how each month's count grew"))


def render() -> None:
    ctx = context("quality")
    ui.page_header(ctx, _("Data quality"), _("Can this month's numbers be trusted? Completeness, silent provinces, "
                                             "late records, likely duplicates and implausible values."))
    if ctx.dataset.cases.empty:
        return
    report = quality_report.current(ctx)
    findings = [f for f in report.findings if f.concerns(ctx.filters.start, ctx.filters.end, ctx.filters.provinces)]
    st.caption(_("The checks read the whole history; the findings shown concern the sidebar's provinces and dates."))
    ui.kpi_row([
        (_("Red findings"), fmt_int(sum(f.severity == RED for f in findings)),
         _("Act on these first. `python -m dashboard quality` exits 1 while any is red.")),
        (_("Amber findings"), fmt_int(sum(f.severity == AMBER for f in findings)), _("Worth a look.")),
        (_("Months probably incomplete"),
         ", ".join(fmt_month(m) for m in report.incomplete_months) or _("none"),
         _("Their counts will probably still grow: late records are still coming in.")),
    ])
    if report.not_recorded:
        st.caption(_("Not recorded in this dataset, so not checked per province: {fields}.").format(
            fields=", ".join(completeness.field_label(f) for f in report.not_recorded)))
    _scorecard(report, findings, ctx)
    tabs = st.tabs([f"{check_label(c)} ({fmt_int(sum(f.check == c for f in findings))})" for c in CHECKS])
    for check, tab in zip(CHECKS, tabs):
        with tab:
            st.caption(_about(check, report.threshold))
            own = [f for f in findings if f.check == check]
            if own:
                st.dataframe(_findings_table(own), hide_index=True, width="stretch")
                _cases(check, own)
            else:
                st.success(_("No findings."), icon=":material/check_circle:")
            if check == "late":
                _lag_curve(ctx, report)
            if check == "duplicates" and own:
                groups = duplicates.groups(ctx.dataset.cases)
                st.caption(_("Groups of likely duplicates in all: {n}.").format(n=fmt_int(groups["group"].nunique())))
