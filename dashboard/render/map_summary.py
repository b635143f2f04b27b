"""The text alternative of a map: the highest and lowest provinces and how many are in each state (issue 28).

Written under every map, so that a screen reader, or anyone who cannot tell the colours apart, gets what the map
shows without it. Built from the same styles the map is drawn with (``maps.UnitStyle``), so it cannot disagree.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from dashboard.i18n import N_, _, fmt_int, get_language
from dashboard.render.colours import HATCH

#: Unit states counted by name, in this order (the map's legend names the same states).
STATES = (N_("not covered"), N_("no data"), N_("no cases"), N_("not selected"), N_("outside your provinces"))
#: The count word for hidden (suppressed) units, whose legend label carries the threshold.
HIDDEN = N_("hidden")


@dataclass(frozen=True)
class MapUnit:
    """One unit as the map draws it: its names, its state or class label, its figure and the measure's value."""

    name_en: str
    name_km: str
    status: str
    detail: str
    value: float | None
    hatched: bool = False

    @property
    def name(self) -> str:
        return self.name_km if get_language() == "km" and self.name_km else self.name_en


def _figure(unit: MapUnit) -> str:
    """The unit with its figure: the detail line, or the status line where that carries it (the public map's
    "12 cases", whose detail line is empty)."""
    figure = unit.detail or (unit.status if unit.value is not None else "")
    return f"{unit.name} ({figure})" if figure else unit.name


def _state(unit: MapUnit) -> str | None:
    """The unit's named state as its English key (the public map's styles carry it translated), or None."""
    if unit.hatched:
        return "hidden"
    return next((s for s in STATES if unit.status in (s, _(s))), None)


def _ranked(units: list[MapUnit]) -> list[MapUnit]:
    """Units with a value to rank by (hidden and state-only units have none), highest first."""
    valued = [u for u in units if u.value is not None and not math.isnan(u.value) and _state(u) is None]
    return sorted(valued, key=lambda u: (-u.value, u.name_en))


def state_counts(units: list[MapUnit]) -> list[tuple[str, int]]:
    """(state, how many units) for the named states present, hidden first."""
    counts = Counter(_state(u) for u in units)
    return [(state, counts[state]) for state in ("hidden", *STATES) if counts[state]]


def summary(title: str, units: list[MapUnit]) -> str:
    """One or two sentences: "Map: {title}. Highest: …; lowest: …. 4 not covered, 3 hidden."."""
    parts = [_("Map: {title}.").format(title=title)]
    ranked = _ranked(units)
    if len(ranked) == 1:
        parts.append(_("Only {figure} has a figure.").format(figure=_figure(ranked[0])))
    elif ranked:
        parts.append(_("Highest: {high}; lowest: {low}.").format(high=_figure(ranked[0]), low=_figure(ranked[-1])))
    counts = state_counts(units)
    if counts:
        words = [_("{n} {state}").format(n=fmt_int(n), state=_(HIDDEN) if s == "hidden" else _(s)) for s, n in counts]
        parts.append(_("Of {total} provinces: {counts}.").format(total=fmt_int(len(units)), counts=", ".join(words)))
    if not ranked and not counts:
        parts.append(_("{n} provinces, each with its state in the table.").format(n=fmt_int(len(units))))
    return " ".join(parts)


def is_hatched(fill: str) -> bool:
    return fill == HATCH
