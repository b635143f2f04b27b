"""A boundary layer as the maps use it: polygons per map unit, the join report, and the layer's credit.

:class:`Boundaries` is what every map, the public page, the static site and the brief draw from; it is
built by :func:`dashboard.geo.boundary_join.join_boundaries` from a file read by
:mod:`dashboard.geo.boundary_files`, and chosen by :mod:`dashboard.geo.active_layer`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd

from dashboard.geo.gazetteer import KAMPONG_CHAM, TBOUNG_KHMUM, display_name
from dashboard.i18n import N_, _, fmt_int

#: How a polygon's value was matched to a province (stored in English; the report text translates it).
JOIN_METHODS = {"code": N_("by code"), "exact": N_("by name"), "fuzzy": N_("by a close spelling")}
#: Decimal places kept in map coordinates (about 10 m), which keeps the payload small.
MAP_COORD_DECIMALS = 4


#: The shipped layers' titles (their files' ``metadata.title``), translated where they are shown.
SHIPPED_TITLES = (N_("geoBoundaries KHM ADM1 (25 provinces)"),
                  N_("Natural Earth admin-1 (24 units, before the 2013 split)"))


@dataclass
class JoinReport:
    """How a boundary layer's units matched the gazetteer."""

    source: str
    join_column: str
    units: list[dict] = field(default_factory=list)  # {row, value, code, name, method}
    unmatched_units: list[dict] = field(default_factory=list)
    duplicate_units: list[dict] = field(default_factory=list)
    missing_provinces: list[dict] = field(default_factory=list)  # {code, name, handling}
    repaired_rows: list[int] = field(default_factory=list)
    #: (tolerance in degrees, vertices before, vertices after) when the layer was simplified for the map
    simplified: tuple[float, int, int] | None = None

    @property
    def unit_count(self) -> int:
        return len(self.units) + len(self.unmatched_units)

    @property
    def all_matched(self) -> bool:
        return not self.unmatched_units

    @property
    def vintage(self) -> int:
        """24 when Tboung Khmum has no polygon of its own and Kampong Cham does."""
        codes = {u["code"] for u in self.units}
        return 24 if TBOUNG_KHMUM not in codes and KAMPONG_CHAM in codes else 25

    def to_text(self) -> str:
        """The join report for people (the interface language); the fields themselves stay in English."""
        lines = [_("Boundaries: {source}").format(source=self.source),
                 _("Units: {n} (join column: {column})").format(n=self.unit_count, column=self.join_column)]
        if self.repaired_rows:
            lines.append(_("Repaired invalid geometries (make_valid) in rows: {rows}").format(
                rows=", ".join(map(str, self.repaired_rows))))
        if self.simplified:
            tolerance, before, after = self.simplified
            lines.append(_("Simplified for the map with shared borders kept: {before} -> {after} vertices "
                           "(tolerance {tolerance} degrees)").format(before=fmt_int(before), after=fmt_int(after),
                                                                     tolerance=f"{tolerance:g}"))
        lines.append(_("Matched units:"))
        for unit in self.units:
            method = _(JOIN_METHODS[unit["method"]]) if unit["method"] in JOIN_METHODS else unit["method"]
            lines.append("  " + _("row {row}: {value} -> {code} {name} ({method})").format(
                row=unit["row"], value=unit["value"], code=unit["code"], name=display_name(unit["code"]),
                method=method))
        lines.append(_("Unmatched polygons: {n}").format(n=len(self.unmatched_units)))
        for unit in self.unmatched_units:
            hint = ", ".join(unit["suggestions"]) or _("no close province name")
            lines.append("  " + _("row {row}: {value} (suggestions: {hint})").format(
                row=unit["row"], value=unit["value"], hint=hint))
        for unit in self.duplicate_units:
            lines.append("  " + _("row {row}: {value} is a second polygon for {name}; merged with it").format(
                row=unit["row"], value=unit["value"], name=display_name(unit["code"])))
        lines.append(_("Provinces without a polygon: {n}").format(n=len(self.missing_provinces)))
        for miss in self.missing_provinces:
            lines.append(f"  {miss['code']} {display_name(miss['code'])}: {_(miss['handling'])}")
        return "\n".join(lines)


@dataclass
class Boundaries:
    """Polygons keyed by unit code, plus how provinces map onto units."""

    gdf: gpd.GeoDataFrame  # columns: code, name_en, name_km, geometry (WGS84), one row per unit
    report: JoinReport
    #: The layer's own ``metadata`` (title, attribution, licence): set for the shipped layers and saved choices.
    metadata: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The layer's name, in the interface language for the shipped layers (an uploaded one's as written)."""
        title = str(self.metadata.get("title") or self.report.source)
        return _(title) if title in SHIPPED_TITLES else title

    @property
    def attribution(self) -> str:
        """The credit the layer's licence requires, as plain text ("" when none is recorded).

        The one source of the boundary credit for maps, the About page, the public
        site and the donor brief: the shipped file's ``metadata.attribution``, e.g.
        "© OpenStreetMap contributors, ODbL 1.0; geoBoundaries" for the default.
        """
        return str(self.metadata.get("attribution") or "")

    @property
    def unit_codes(self) -> list[str]:
        return list(self.gdf["code"])

    def unit_for(self, province_code: str) -> str | None:
        """The unit a province's cases are drawn in (Tboung Khmum -> Kampong Cham on 24-unit maps)."""
        return self.province_units.get(province_code)

    @cached_property
    def province_units(self) -> dict[str, str]:
        """Province code -> the unit it is drawn in, for every province that has one."""
        codes = set(self.gdf["code"])
        units = {c: c for c in codes}
        if TBOUNG_KHMUM not in codes and KAMPONG_CHAM in codes:
            units[TBOUNG_KHMUM] = KAMPONG_CHAM
        return units

    @cached_property
    def map_geojson(self) -> dict:
        """Units as compact GeoJSON for maps (codes and names, 4-decimal coordinates). Treat as read-only."""
        data = json.loads(self.gdf[["code", "name_en", "name_km", "geometry"]].to_json(drop_id=True))
        for feature in data["features"]:
            feature.pop("bbox", None)
        return round_coordinates(data, MAP_COORD_DECIMALS)

    def map_note(self) -> str:
        """The note a map carries: the Tboung Khmum note on a 24-unit layer, nothing on a 25-unit one."""
        return self.vintage_note() if self.report.vintage == 24 else ""

    def vintage_note(self) -> str:
        if self.report.vintage == 24:
            return _("These boundaries predate the 2013 split of Kampong Cham: Tboung Khmum "
                     "(created 31 Dec 2013) is drawn inside Kampong Cham, and its figures are "
                     "added to that polygon.")
        return _("These boundaries show all 25 provinces, Tboung Khmum included.")


def round_coordinates(data: dict, decimals: int) -> dict:
    """Round every coordinate of a GeoJSON FeatureCollection in place (and return it)."""

    def rnd(coords):
        return [round(x, decimals) for x in coords] if isinstance(coords[0], float) else [rnd(c) for c in coords]

    for feature in data["features"]:
        feature["geometry"]["coordinates"] = rnd(feature["geometry"]["coordinates"])
    return data



# ---------------------------------------------------------------- attribution
# The one place maps, the static site and the brief take their boundary credit from: the layer's own
# ``metadata.attribution`` (the shipped files carry theirs; the Data page saves the admin's credit there).


def attribution(boundaries: Boundaries) -> str:
    """The credit line to print with a map drawn from ``boundaries`` (plain text: escape it for HTML).

    The layer's recorded credit (:attr:`Boundaries.attribution`); a layer without one is named by
    its title, so a map is never left uncredited.
    """
    return boundaries.attribution or _("Boundaries: {source}").format(source=boundaries.title)
