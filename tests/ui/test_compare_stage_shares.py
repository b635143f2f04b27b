"""Compare two periods covers the funnel's shares (dashboard/ui/compare_view.py, issue 24)."""

from __future__ import annotations

from tests.apphelpers import admin_after_real_ingest, app, no_errors

NO_STAGES = (b"case_id,date_reported,province,offence,arrest_made,arrest_date\n"
             b"R-1,2014-10-02,Kep,rape,yes,2014-10-09\nR-2,2014-12-05,Kampot,murder,no,\n"
             b"R-3,2015-02-11,Phnom Penh,physical abuse,yes,2015-02-12\n")


def _shares(at):
    return next(d.value for d in at.dataframe if "earlier: share of the stage before" in d.value.columns)


def test_the_demo_compare_view_shows_stage_shares_with_intervals_for_both_periods(app_db):
    at = app("pages/arrests.py", query={"view": "compare two periods"})
    no_errors(at)
    table = _shares(at)
    assert list(table["stage"]) == ["arrested", "charged", "tried", "convicted"]
    assert list(table["share of"]) == ["reported", "arrested", "charged", "tried"]
    for column in ("earlier: share of the stage before", "later: share of the stage before",
                   "earlier: share of all cases", "later: share of all cases"):
        assert all("%" in v and "–" in v and "(" in v for v in table[column]), table[column]


def test_stages_the_data_lacks_are_not_recorded_never_zero(app_db, tmp_path, capsys):
    admin = admin_after_real_ingest(app_db, tmp_path, NO_STAGES, capsys)  # the demo replaced by a real file
    at = app("pages/arrests.py", query={"view": "compare two periods"}, session=admin)
    no_errors(at)
    table = _shares(at).set_index("stage")
    for stage in ("charged", "tried", "convicted"):
        assert set(table.loc[stage].drop("share of")) == {"not recorded"}, table.loc[stage]
    assert "not recorded" not in set(table.loc["arrested"])
