"""The audit trail through the app (AppTest): case-level views leave a trace (issue 21 item 15), and the
Data page's audit tab shows a sign-out's missing detail as an empty cell (issue 20 item 3)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard.access import audit, auth
from dashboard.data import db
from dashboard.data.ingest import ingest_file
from dashboard.ui import sidebar
from tests.apphelpers import app, no_errors, signed_in

PASSWORD = "a long enough passphrase"
CASES = (b"case_id,date_reported,province,offence,arrest_made\n"
         b"V1,2014-01-02,Kep,rape,yes\nV2,2014-03-05,Kampot,murder,no\nV3,2014-05-06,Kampot,rape,no\n"
         b"V4,2014-07-08,Phnom Penh,rape,yes\nV5,2014-09-10,Siem Reap,homicide,no\n")


@pytest.fixture()
def engine(app_db):
    eng = db.open_engine(app_db)
    assert ingest_file(eng, CASES, "cases.csv").written
    auth.add_user(eng, "ann", "analyst", PASSWORD)
    auth.add_user(eng, "root-admin", "admin", PASSWORD)
    return eng


def _entries(engine, action: str) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.select(db.audit_log).where(db.audit_log.c.action == action)
                            .order_by(db.audit_log.c.id)).all()


def test_each_case_level_view_is_recorded_once(engine):
    at = app("pages/analysis.py", session=signed_in(engine, "ann"))
    no_errors(at)
    at.run()  # a rerun that changes nothing adds nothing
    for name in ("Kampot", "Kep", "Phnom Penh", "Siem Reap"):
        at.multiselect(key=sidebar.KEY_PROVINCE).select(name).run()
        no_errors(at)
    at.multiselect(key=sidebar.KEY_OFFENCE).select("homicide").run()
    views = _entries(engine, audit.VIEW)
    assert [(v.username, v.page) for v in views] == [("ann", "analysis")] * 6
    assert [v.rows for v in views] == [5, 2, 3, 4, 5, 2]
    assert "Kampot" in views[1].detail and "homicide" in views[-1].detail
    trail = " ".join(str(tuple(v)) for v in views)
    assert not any(f"V{n}" in trail for n in range(1, 6))  # never case contents
    at.multiselect(key=sidebar.KEY_OFFENCE).unselect("homicide").run()  # back to a view recorded a moment ago
    assert len(_entries(engine, audit.VIEW)) == 6


def test_aggregate_pages_record_no_views(engine):
    at = app(session=signed_in(engine, "ann"))  # the Overview: counts, never case rows
    no_errors(at)
    assert at.metric
    assert _entries(engine, audit.VIEW) == []


def test_views_debounce_per_identical_view():
    debounce = audit.ViewDebounce(repeat_s=300)
    assert debounce.due("analysis", "all", now=0) and not debounce.due("analysis", "all", now=299)
    assert debounce.due("analysis", "Kep", now=1) and debounce.due("analysis", "all", now=300)


def test_the_audit_tab_shows_an_empty_cell_for_a_sign_out(engine):
    audit.record(engine, "ann", audit.SIGN_OUT)
    at = app("pages/data.py", session=signed_in(engine, "root-admin"))
    no_errors(at)
    (trail,) = [d.value for d in at.dataframe if "sign_out" in d.value.astype(str).to_numpy()]
    row = trail[trail.astype(str).eq("sign_out").any(axis=1)].iloc[0]
    assert [str(v) for v in row.to_numpy()][-3:] == ["", "", ""]  # page, rows and detail: empty, never "None"
