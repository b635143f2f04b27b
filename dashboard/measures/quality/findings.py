"""A data-quality finding: which check, how serious and why, where and when, in words, and the cases behind it.

A finding keeps its message as an untranslated template with raw values, so one computed finding can be shown
in English or Khmer: :meth:`Finding.title` and :meth:`Finding.explanation` format it in the current language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dashboard.i18n import N_, _, fmt_date, fmt_decimal, fmt_int, fmt_month, fmt_percent, fmt_quarter

GREEN, AMBER, RED = "green", "amber", "red"
SEVERITIES = (GREEN, AMBER, RED)
SEVERITY_LABELS = {GREEN: N_("green"), AMBER: N_("amber"), RED: N_("red")}
RANK = {GREEN: 0, AMBER: 1, RED: 2}

COMPLETENESS, SILENT, LATE, DUPLICATES, IMPLAUSIBLE = "completeness", "silent", "late", "duplicates", "implausible"
CHECKS = (COMPLETENESS, SILENT, LATE, DUPLICATES, IMPLAUSIBLE)
CHECK_LABELS = {COMPLETENESS: N_("Completeness"), SILENT: N_("Silent provinces"), LATE: N_("Late records"),
                DUPLICATES: N_("Likely duplicates"), IMPLAUSIBLE: N_("Implausible values")}


def format_value(key: str, value: Any) -> str:
    """A message value in the interface language, chosen by the key's name (see the templates' placeholders)."""
    from dashboard.geo.gazetteer import display_name

    if key == "province":
        return display_name(value)
    if key == "field":
        from dashboard.measures.quality.fields import field_label

        return field_label(value)
    if key.endswith("_month"):
        return fmt_month(value)
    if key.endswith("_quarter"):
        return fmt_quarter(value)
    if key.endswith("_day"):
        return fmt_date(value)
    if key.endswith("_share"):
        return fmt_percent(value, 1 if 0 < value < 0.01 else 0)
    if key.endswith("_probability"):
        return fmt_percent(value, 2 if value < 0.01 else 1)
    if key.endswith("_list"):
        return ", ".join(format_value(key[:-5], v) for v in value)
    if key == "offence":
        return _(value)
    if isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, int):
        return fmt_int(value)
    if isinstance(value, float):
        return fmt_decimal(value, 1)
    return str(value)


@dataclass(frozen=True)
class Finding:
    """One thing worth an analyst's look; ``case_ids`` are the records it concerns (none for a silent province)."""

    check: str
    severity: str
    province_code: str | None  # None: the whole dataset
    period_start: date
    period_end: date
    title_template: str
    explanation_template: str
    reason_template: str
    params: dict[str, Any] = field(default_factory=dict)
    case_ids: tuple[str, ...] = ()

    def _format(self, template: str) -> str:
        return _(template).format(**{k: format_value(k, v) for k, v in self.params.items()})

    def title(self) -> str:
        return self._format(self.title_template)

    def explanation(self) -> str:
        return self._format(self.explanation_template)

    def reason(self) -> str:
        """Why this severity, in words (with its threshold)."""
        return self._format(self.reason_template)

    def concerns(self, start: date | None, end: date | None, provinces: tuple[str, ...]) -> bool:
        """Whether the finding touches a view of [start, end] and these provinces (none: all)."""
        if start and self.period_end < start or end and self.period_start > end:
            return False
        return not provinces or self.province_code is None or self.province_code in provinces

    def to_dict(self) -> dict[str, Any]:
        """The finding for JSON: stable English keys, the texts in the current language, every case id."""
        return {"check": self.check, "severity": self.severity, "province_code": self.province_code,
                "period_start": self.period_start.isoformat(), "period_end": self.period_end.isoformat(),
                "title": self.title(), "explanation": self.explanation(), "reason": self.reason(),
                "case_ids": list(self.case_ids)}


def worst(severities) -> str:
    """The most serious of ``severities`` (green when there are none)."""
    return max(severities, key=RANK.__getitem__, default=GREEN)
