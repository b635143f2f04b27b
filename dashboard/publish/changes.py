"""What a release changes: every published cell that differs from the last release, in data and in words.

A change report compares two lists of published cells (as the release ledger keeps them: a hidden
count is ``None``). Each change is one count of one cell: changed (34 → 36), new (a cell the last
release did not have), newly hidden, newly shown. The headline (the whole period's cases and
arrests) is given before and after. The words are made in the language in use, so one report
reads in English and in Khmer ("Siem Reap 2014: 34 → 36 cases").

Revisions are the other direction: for each cell of the latest release, the last release in which
a count it had already published was changed. The latest release's charts mark them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from dashboard.i18n import _, fmt_int, fmt_percent
from dashboard.i18n import fmt_quarter as i18n_quarter

CHANGED, NEW, HIDDEN, SHOWN = "changed", "new", "hidden", "shown"
MEASURES = ("cases", "arrests")
#: The order a report lists its tables in: the whole period first, provinces last.
TABLE_ORDER = ("national_total", "national_year", "national_quarter", "province_year")


@dataclass(frozen=True)
class Change:
    kind: str  # changed | new | hidden | shown
    table: str
    key: str
    year: int
    measure: str  # cases | arrests
    before: int | None
    after: int | None


def _cell_key(cell: dict) -> tuple[str, str, int]:
    return (cell["table"], str(cell["key"]), int(cell["year"]))


def _order(key: tuple[str, str, int]) -> tuple:
    table, name, year = key
    return (TABLE_ORDER.index(table) if table in TABLE_ORDER else 99, year, name)


def compare(before: list[dict] | None, after: list[dict]) -> list[Change]:
    """Every published count of ``after`` that differs from ``before`` (None: there was no earlier release)."""
    if before is None:
        return []
    old = {_cell_key(c): c for c in before}
    changes = []
    for cell in sorted(after, key=lambda c: _order(_cell_key(c))):
        key = _cell_key(cell)
        was = old.get(key)
        for measure in MEASURES:
            now = cell[measure]
            if was is None:
                if now is not None and now > 0:  # a new cell of zeros says nothing worth a line
                    changes.append(Change(NEW, *key, measure, None, now))
                continue
            then = was[measure]
            if then == now:
                continue
            kind = HIDDEN if now is None else SHOWN if then is None else CHANGED
            changes.append(Change(kind, *key, measure, then, now))
    return changes


def headline(cells: list[dict] | None) -> dict | None:
    """The whole period's published cases and arrests (None where hidden), or None without cells."""
    for cell in cells or []:
        if cell["table"] == "national_total":
            return {"cases": cell["cases"], "arrests": cell["arrests"]}
    return None


def report(before: list[dict] | None, after: list[dict]) -> dict:
    """The change report as JSON-ready data: the changes, and the headline before and after."""
    return {"first_release": before is None, "changes": [asdict(c) for c in compare(before, after)],
            "headline": {"before": headline(before), "after": headline(after)}}


def revisions(history: list[list[dict]], number_of_first: int = 1) -> dict[tuple[str, str, int], int]:
    """For each cell of the last release in ``history`` (oldest first), the last release number in which one of its
    already published counts changed (releases are numbered from ``number_of_first``)."""
    revised: dict[tuple[str, str, int], int] = {}
    shown: dict[tuple[str, str, int, str], int] = {}
    for index, cells in enumerate(history):
        number = number_of_first + index
        for cell in cells:
            key = _cell_key(cell)
            for measure in MEASURES:
                value = cell[measure]
                if value is None:
                    continue
                then = shown.get((*key, measure))
                if then is not None and then != value:
                    revised[key] = number
                shown[(*key, measure)] = value
    last = {_cell_key(c) for c in history[-1]} if history else set()
    return {key: number for key, number in revised.items() if key in last}


# ---------------------------------------------------------------- in words


def place(table: str, key: str, year: int) -> str:
    """Where a cell is: 'Siem Reap 2014', 'Q3 2014 (national)', '2014 (national)', 'whole period'."""
    from dashboard.publish.public_export import quarter_end

    if table == "province_year":
        from dashboard.geo.gazetteer import display_name

        return f"{display_name(key)} {year}"  # the same order in both languages
    if table == "national_quarter":
        return _("{quarter} (national)").format(quarter=i18n_quarter(quarter_end(key)))
    if table == "national_year":
        return _("{year} (national)").format(year=key)
    return _("whole period (national)")


def _measure(measure: str, n: int | None) -> str:
    if measure == "cases":
        return _("cases") if n is None or n != 1 else _("case")
    return _("arrests") if n is None or n != 1 else _("arrest")


def change_text(change: dict) -> str:
    """One change in a sentence of the language in use."""
    where = place(change["table"], change["key"], change["year"])
    before, after, measure = change["before"], change["after"], change["measure"]
    kind = change["kind"]
    if kind == CHANGED:
        return _("{place}: {before} → {after} {measure}").format(
            place=where, before=fmt_int(before), after=fmt_int(after), measure=_measure(measure, after))
    if kind == NEW:
        return _("{place}: new, {after} {measure}").format(place=where, after=fmt_int(after),
                                                           measure=_measure(measure, after))
    if kind == HIDDEN:
        return _("{place}: {measure} now hidden (published as {before} before)").format(
            place=where, measure=_measure(measure, None), before=fmt_int(before))
    return _("{place}: {measure} now shown, {after} (hidden before)").format(
        place=where, measure=_measure(measure, None), after=fmt_int(after))


def _count(value: int | None) -> str:
    from dashboard.publish.public_view import hidden_text

    return hidden_text() if value is None else fmt_int(value)


def _rate(figures: dict | None) -> str:
    if not figures or figures["cases"] is None or figures["arrests"] is None or not figures["cases"]:
        return ""
    return fmt_percent(figures["arrests"] / figures["cases"])


def headline_text(head: dict) -> str:
    """'Whole period: 347 → 360 cases, 297 → 305 arrests (86% → 85%)', or the figures of a first release."""
    before, after = head.get("before"), head.get("after")
    if not after:
        return ""
    if not before:
        return _("Whole period: {cases} cases, {arrests} arrests.").format(cases=_count(after["cases"]),
                                                                          arrests=_count(after["arrests"]))
    text = _("Whole period: {cases_before} → {cases_after} cases, {arrests_before} → {arrests_after} arrests").format(
        cases_before=_count(before["cases"]), cases_after=_count(after["cases"]),
        arrests_before=_count(before["arrests"]), arrests_after=_count(after["arrests"]))
    if _rate(before) and _rate(after):
        text += " " + _("(arrest rate {before} → {after})").format(before=_rate(before), after=_rate(after))
    return text + "."


def report_lines(change_report: dict) -> list[str]:
    """The whole report in sentences: the headline first, then every change."""
    lines = [headline_text(change_report.get("headline", {}))]
    if change_report.get("first_release"):
        lines.append(_("The first release: no earlier figures to compare with."))
    elif not change_report.get("changes"):
        lines.append(_("No published figure changed."))
    lines += [change_text(c) for c in change_report.get("changes", [])]
    return [line for line in lines if line]


def summary_counts(change_report: dict) -> dict[str, int]:
    """How many changes of each kind: {'changed': 3, 'new': 50, 'hidden': 1, 'shown': 0}."""
    counts = {CHANGED: 0, NEW: 0, HIDDEN: 0, SHOWN: 0}
    for change in change_report.get("changes", []):
        counts[change["kind"]] += 1
    return counts


def revision_text(table: str, key: str, year: int, release: int) -> str:
    """'Siem Reap 2014: revised in release 4'."""
    return _("{place}: revised in release {release}").format(place=place(table, key, year), release=release)
