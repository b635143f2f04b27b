"""Every quality check over one dataset, the findings in one list, and the scorecard by province."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.geo.gazetteer import load_gazetteer
from dashboard.i18n import _
from dashboard.measures.filters import counts_of
from dashboard.measures.quality import completeness, duplicates, implausible, lateness, silence
from dashboard.measures.quality.findings import CHECK_LABELS, CHECKS, RANK, RED, Finding, worst


def default_threshold() -> float:
    from dashboard import settings

    return settings.current().quality_silence_p


@dataclass
class QualityReport:
    findings: list[Finding]
    ingest_dates_known: bool
    threshold: float
    incomplete_months: list[date] = field(default_factory=list)
    not_recorded: list[str] = field(default_factory=list)

    def since(self, day: date | None) -> QualityReport:
        """Only the findings about periods that end on or after ``day``."""
        if day is None:
            return self
        return QualityReport([f for f in self.findings if f.period_end >= day], self.ingest_dates_known,
                             self.threshold, self.incomplete_months, self.not_recorded)

    @property
    def has_red(self) -> bool:
        return any(f.severity == RED for f in self.findings)

    def of(self, check: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check]

    def red_for_view(self, start: date | None, end: date | None, provinces: tuple[str, ...]) -> list[Finding]:
        """Red findings that concern a view of these dates and provinces."""
        return [f for f in self.findings if f.severity == RED and f.concerns(start, end, provinces)]

    def scorecard(self, covered: set[str]) -> pd.DataFrame:
        """One row per province (covered ones, and any other with a finding): severity, findings per check, and
        the most serious finding's reason in words."""
        gaz = load_gazetteer()
        by_code: dict[str, list[Finding]] = {}
        for f in self.findings:
            if f.province_code is not None:
                by_code.setdefault(f.province_code, []).append(f)
        rows = []
        for code in [c for c in gaz if c in covered or c in by_code]:
            own = by_code.get(code, [])
            level = worst(f.severity for f in own)
            top = max(own, key=lambda f: RANK[f.severity], default=None)
            rows.append({"province_code": code, "severity": level,
                         **{check: sum(f.check == check for f in own) for check in CHECKS},
                         "reason": f"{top.title()} ({top.reason()})" if top else _("no findings")})
        return pd.DataFrame(rows, columns=["province_code", "severity", *CHECKS, "reason"])


def run(cases: pd.DataFrame, coverage: pd.DataFrame, ingested: pd.Series | None = None,
        threshold: float | None = None) -> QualityReport:
    """Every check. ``ingested``: each case's first ingest day, aligned with ``cases`` (None: not known, as for
    a folder of files: the late-records check is then left out)."""
    threshold = default_threshold() if threshold is None else threshold
    counts = counts_of(cases)
    known = completeness.masks(cases)
    arrivals = lateness.frame_of(cases, ingested) if ingested is not None and not cases.empty else None
    findings = (completeness.check(cases, known) + silence.check(counts, coverage, threshold)
                + lateness.check(cases, ingested, arrivals) + duplicates.check(cases)
                + implausible.check(cases, counts, coverage))
    findings.sort(key=lambda f: (-RANK[f.severity], CHECKS.index(f.check), f.period_start, f.province_code or ""))
    months = [m for m, _share in lateness.incomplete_months(cases, ingested, arrivals)] if ingested is not None else []
    return QualityReport(findings, ingested is not None, threshold, months, completeness.not_recorded(cases, known))


def check_label(check: str) -> str:
    return _(CHECK_LABELS[check])


