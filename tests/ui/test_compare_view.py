"""Compare two periods after the first real ingest (dashboard/ui/compare_view.py).

Found on a walk after a real ingest whose first case was a year after the programme's start: the default
periods were cut from July 2013, so the earlier one held nothing.
"""

from __future__ import annotations

from tests.apphelpers import admin_after_real_ingest, app, no_errors

LATE_CASES = (b"case_id,date_reported,province,offence,arrest_made,arrest_date\n"
              b"R-1,2014-10-02,Kep,rape,yes,2014-10-09\nR-2,2014-12-05,Kampot,murder,no,\n"
              b"R-3,2015-02-11,Phnom Penh,physical abuse,yes,2015-02-12\n")


def test_default_periods_both_hold_cases_when_the_data_starts_late(app_db, tmp_path, capsys):
    admin = admin_after_real_ingest(app_db, tmp_path, LATE_CASES, capsys)  # the demo replaced by a real file
    at = app("pages/cases.py", query={"view": "compare two periods"}, session=admin)
    no_errors(at)
    earlier = at.date_input(key="period_a").value
    assert earlier[0].isoformat() == "2014-10-01", earlier
    table = at.dataframe[0].value
    assert table["cases, earlier"].sum() > 0 and table["cases, later"].sum() > 0
