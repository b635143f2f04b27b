"""The map's text alternative (issue 28): highest and lowest provinces, and how many are in each state."""

from __future__ import annotations

from dashboard.i18n import use_language
from dashboard.render.colours import HATCH
from dashboard.render.map_summary import MapUnit, state_counts, summary
from dashboard.render.maps import build_map, choropleth_styles


def _unit(name: str, status: str, value: float | None, detail: str = "", hatched: bool = False) -> MapUnit:
    return MapUnit(name, f"{name}-km", status, detail, value, hatched)


def test_it_names_the_highest_and_lowest_and_counts_the_states():
    units = [_unit("Kep", "1 – 5", 2.0, "2 cases"), _unit("Siem Reap", "> 20", 45.0, "45 cases"),
             _unit("Kandal", "> 5 – 20", 12.0, "12 cases"), _unit("Mondulkiri", "not covered", 0.0),
             _unit("Pailin", "not covered", None), _unit("Kratie", "", None, hatched=True)]
    text = summary("Cases", units)
    assert text == ("Map: Cases. Highest: Siem Reap (45 cases); lowest: Kep (2 cases). "
                    "Of 6 provinces: 1 hidden, 2 not covered.")


def test_hidden_and_not_covered_units_are_never_ranked():
    units = [_unit("A", "not covered", 99.0), _unit("B", "x", 99.0, hatched=True), _unit("C", "1 – 5", 1.0, "1 case")]
    assert "Only C (1 case) has a figure." in summary("t", units)
    assert state_counts(units) == [("hidden", 1), ("not covered", 1)]


def test_a_translated_state_is_counted_as_its_state():
    with use_language("km"):
        from dashboard.i18n import _

        units = [_unit("A", _("not covered"), 0.0), _unit("B", _("no data"), None)]
        assert state_counts(units) == [("not covered", 1), ("no data", 1)]
        assert summary("t", units).startswith("ផែនទី៖ t។")


def test_a_built_choropleth_carries_its_summary(demo_dataset):
    from dashboard.geo.active_layer import active_boundaries
    from dashboard.measures import metrics

    b = active_boundaries()
    per_province = metrics.by_province(demo_dataset.cases)
    covered = list(demo_dataset.coverage["province_code"])
    styles, legend = choropleth_styles(b, per_province, covered, "count", "quantiles")
    fmap = build_map(b, styles, "Cases", legend)
    top = per_province.sort_values("cases").iloc[-1]
    assert fmap.cpu_summary.startswith(f"Map: Cases. Highest: {top['province']} ({top['cases']} cases")
    assert "not covered" in fmap.cpu_summary
    assert HATCH not in fmap.cpu_summary


def test_the_charge_share_map_never_names_a_province_it_does_not_rank(demo_dataset):
    """The summary once named Kep, 1 charge from 1 arrest ("not ranked" in its tooltip), as the highest share."""
    from dashboard.geo.active_layer import active_boundaries
    from dashboard.measures import funnel

    b = active_boundaries()
    per_province = funnel.charge_share_by_province(demo_dataset.cases)
    covered = list(demo_dataset.coverage["province_code"])
    styles, legend = choropleth_styles(b, per_province, covered, "charge rate", "quantiles")
    unranked = [s for s in styles.values() if "not ranked" in s.detail]
    assert unranked and all(s.value is None for s in unranked)
    ranked = [s for s in styles.values() if s.value is not None]
    assert ranked and all("not ranked" not in s.detail for s in ranked)


def test_a_public_unit_whose_status_line_carries_the_count_is_named_with_it():
    """The public map's styles put "45 cases" in the status line and leave the detail empty: the summary said
    "Highest: Phnom Penh; lowest: Kampot" without a figure (it failed before)."""
    units = [_unit("Phnom Penh", "45 cases", 45.0), _unit("Kampot", "12 cases", 12.0)]
    assert summary("Cases in 2014", units) == \
        "Map: Cases in 2014. Highest: Phnom Penh (45 cases); lowest: Kampot (12 cases)."
