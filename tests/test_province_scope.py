"""Province-scoped users (issue 25): the scope in the user store, the CLI and OIDC, the one visibility rule, and
what a scoped viewer's pages show (AppTest): their provinces in full, everything else only as public figures."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access import audit, auth, oidc_claims, scope
from dashboard.cli import main
from dashboard.data import db
from dashboard.errors import UserFacingError
from dashboard.measures.filters import Filters
from dashboard.publish import visibility
from tests.apphelpers import app, no_errors, signed_in
from tests.scopedata import INSIDE_PREFIXES, OUTSIDE_DISTRICTS, OUTSIDE_PREFIXES, PASSWORD, SCOPE, scoped_database

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- the scope itself


def test_a_scope_is_read_in_any_spelling_the_resolver_accepts():
    assert scope.parse("Siem Riep, ឧត្តរមានជ័យ") == SCOPE
    assert scope.parse(["22", "17", "Siem Reap"]) == SCOPE  # gazetteer order, no repeats
    assert scope.load(scope.dump(SCOPE)) == SCOPE
    assert scope.load(None) is None and scope.dump(None) is None


def test_an_unknown_province_is_refused_with_the_resolvers_suggestion():
    with pytest.raises(UserFacingError) as err:
        scope.parse("Siem Reap, Kampong")
    assert "Kampong Cham" in err.value.message and "Nothing was changed" in err.value.message
    with pytest.raises(UserFacingError):
        scope.parse(" , ")


def test_admins_are_never_scoped_and_every_change_is_audited(app_db):
    engine = db.open_engine(app_db)
    with pytest.raises(UserFacingError):
        auth.add_user(engine, "boss", "admin", PASSWORD, provinces=SCOPE)
    auth.add_user(engine, "boss", "admin", PASSWORD)
    with pytest.raises(UserFacingError):
        auth.set_scope(engine, "boss", SCOPE)
    auth.add_user(engine, "sra", "analyst", PASSWORD, provinces=SCOPE)
    auth.set_scope(engine, "sra", ("22",), actor="boss")
    auth.set_scope(engine, "sra", None, actor="boss")
    assert auth.scope_of(engine, "sra") is None
    with engine.connect() as conn:
        rows = conn.execute(sa.select(db.audit_log.c.username, db.audit_log.c.detail)
                            .where(db.audit_log.c.action == audit.USER_SCOPE).order_by(db.audit_log.c.id)).all()
    assert [(r.username, json.loads(r.detail)["before"], json.loads(r.detail)["provinces"]) for r in rows] == [
        ("boss", "17,22", "22"), ("boss", "22", None)]


def test_cli_adds_rescopes_lists_and_refuses_a_misspelt_scope(app_db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "sra", "--role", "analyst", "--provinces", "Siem Reap,Oddar Meanchey",
                 "--db", app_db]) == 0
    assert "Siem Reap, Oddar Meanchey" in capsys.readouterr().out
    assert main(["users", "add", "bad", "--role", "analyst", "--provinces", "Siem Reap,Kampong", "--db", app_db]) == 2
    assert "Kampong Cham" in capsys.readouterr().err
    assert main(["users", "scope", "sra", "--provinces", "Kep", "--db", app_db]) == 0
    assert main(["users", "list", "--db", app_db]) == 0
    listed = capsys.readouterr().out
    assert "sra\tanalyst\tactive\tKep" in listed and "bad" not in listed
    assert main(["users", "scope", "sra", "--all", "--db", app_db]) == 0
    assert auth.scope_of(db.open_engine(app_db), "sra") is None


# ---------------------------------------------------------------- OIDC


@pytest.mark.parametrize(("user", "secrets", "role", "expected"), [
    ({"email": "a@x.org", "roles": ["viewer", "analyst"], "provinces": ["Siem Reap", "22"]},
     {"claims": {"role": "roles", "provinces": "provinces"}}, "analyst", SCOPE),
    ({"email": "a@x.org", "groups": "leadership", "where": "Siem Reap, Oddar Meanchey"},
     {"claims": {"role": "groups", "provinces": "where"}}, "leadership", SCOPE),
    ({"email": "a@x.org"}, {"roles": {"a@x.org": "analyst"}, "scopes": {"a@x.org": "Oddar Meanchey"}},
     "analyst", ("22",)),
    ({"email": "a@x.org"}, {"roles": {"a@x.org": "analyst"}}, "analyst", None),
    ({"email": "a@x.org", "roles": "admin", "provinces": ["Kep"]},  # admins are never scoped
     {"claims": {"role": "roles", "provinces": "provinces"}}, "admin", None),
])
def test_oidc_claims_carry_the_role_and_the_scope(user, secrets, role, expected):
    claimed = oidc_claims.role_and_scope(user, secrets)
    assert (claimed.role, claimed.scope) == (role, expected)


def test_an_oidc_scope_with_an_unknown_province_refuses_the_sign_in():
    user = {"email": "a@x.org", "roles": "analyst", "provinces": ["Siem Reap", "Nowhere"]}
    claimed = oidc_claims.role_and_scope(user, {"claims": {"role": "roles", "provinces": "provinces"}})
    assert claimed.role is None and "Nowhere" in claimed.message


# ---------------------------------------------------------------- the rule


@pytest.fixture()
def engine(app_db):
    return scoped_database(app_db)


def test_the_rule_keeps_only_the_scopes_rows_and_the_whole_datas_days(engine):
    from dashboard.data.store import load_from_db

    whole = load_from_db(engine)
    seen = visibility.visible("analyst", SCOPE, whole, "k#1", Filters(provinces=("07", "17")))
    assert set(seen.dataset.cases["province_code"].astype(str)) == set(SCOPE)
    assert seen.dataset.as_of == whole.as_of == date(2015, 4, 20) and seen.dataset.first_day == whole.first_day
    assert seen.filters.provinces == ("17",) and seen.asked_outside == ("07",) and not seen.only_outside
    assert seen.data_key != "k#1"  # the caches never mix a scoped dataset with the whole one
    only = visibility.visible("analyst", SCOPE, whole, "k#1", Filters(provinces=("07",)))
    assert only.only_outside and only.filters.provinces == SCOPE
    admin = visibility.visible("admin", SCOPE, whole, "k#1", Filters())
    assert admin.dataset is whole and admin.scope is None
    per = visibility.within_scope(pd.DataFrame({"province_code": ["07", "17", "22"], "n": [1, 2, 3]}), SCOPE)
    assert per["province_code"].tolist() == ["17", "22"]


# ---------------------------------------------------------------- the pages (AppTest)


def _texts(at) -> str:
    """Everything the page put on screen, tables included, as one text."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "subheader", "title", "header")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [t.value.to_csv() if hasattr(t.value, "to_csv") else str(t.value) for t in at.table]
    return "\n".join(str(p) for p in parts)


PAGES = ("pages/overview.py", "pages/coverage.py", "pages/cases.py", "pages/arrests.py", "pages/about.py")
ANALYST_PAGES = ("pages/analysis.py", "pages/quality.py")


@pytest.mark.parametrize("user", ["sra", "srl"])
def test_a_scoped_viewer_never_sees_another_provinces_case_rows(engine, user):
    pages = PAGES + (ANALYST_PAGES if user == "sra" else ())
    for page in pages:
        at = app(page, session=signed_in(engine, user))
        no_errors(at)
        text = _texts(at)
        assert not [p for p in OUTSIDE_PREFIXES if f"{p}-0" in text], (page, "case id from outside the scope")
        assert not [d for d in OUTSIDE_DISTRICTS if d in text], (page, "district from outside the scope")
        outside_tables = [df.value for df in at.dataframe if "Province code" in df.value
                          and set(df.value["Province code"].astype(str)) - set(SCOPE)]
        # tables that name other provinces: the coverage table (public) holds no counts, and the public figures'
        # table hides Kampot's small one
        for table in outside_tables:
            assert not {"Cases", "Arrests", "Arrest rate", "Cases per 100,000"} & set(table.columns), (page, table)
            if "2014" in table.columns:
                assert table.loc[table["Province code"] == "07", "2014"].tolist() == ["hidden"]
        if page == "pages/analysis.py":
            assert any(f"{p}-0001" in text for p in INSIDE_PREFIXES)  # their own case rows, in full


def test_an_unscoped_analyst_still_sees_every_province(engine):
    at = app("pages/analysis.py", session=signed_in(engine, "ana"))
    no_errors(at)
    assert "KPT-0001" in _texts(at)


def test_a_link_to_a_province_outside_the_scope_shows_its_public_figures_with_one_notice(engine):
    at = app(query={"province": "Kampot"}, session=signed_in(engine, "sra"))
    no_errors(at)
    assert [i.value for i in at.info if "outside your provinces" in i.value]
    assert "Public figures: national totals and provinces outside yours" in [s.value for s in at.subheader]
    (table,) = [df.value for df in at.dataframe if "Province" in df.value]
    assert table["Province"].tolist() == ["Kampot"] and table["2014"].tolist() == ["hidden"]  # 4 cases < k
    assert not [m for m in at.metric if m.label == "Cases in 2015"]  # the Overview's own cards did not run


def test_a_link_to_analysis_filtered_outside_the_scope_shows_no_case_rows(engine):
    at = app("pages/analysis.py", query={"province": "Kampot"}, session=signed_in(engine, "sra"))
    no_errors(at)
    text = _texts(at)
    assert "KPT-0" not in text and "SRP-0" not in text and "outside your provinces" in text


def test_a_scope_changed_in_another_process_holds_at_the_next_rerun(engine, app_db):
    at = app("pages/analysis.py", session=signed_in(engine, "sra"))
    assert "SRP-0001" in _texts(at)
    done = subprocess.run([sys.executable, "-m", "dashboard", "users", "scope", "sra", "--provinces",
                           "Oddar Meanchey", "--db", app_db], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    at.run()
    no_errors(at)
    text = _texts(at)
    assert "SRP-0001" not in text and "ODM-0001" in text


def test_downloads_and_views_record_the_scope_in_force(engine):
    from dashboard.ui import downloads
    from dashboard.ui.context import Context, Run, running

    raw = sessions_create(engine, "sra")
    ctx = Context(None, "k", Filters(), "analyst", "sra", raw, engine, scope=SCOPE)
    with running(Run("analysis", ctx)):
        make = downloads.audited(lambda: b"x", "cases.csv", 3)
    assert make() == b"x"
    with engine.connect() as conn:
        (detail,) = conn.execute(sa.select(db.audit_log.c.detail)
                                 .where(db.audit_log.c.action == audit.DOWNLOAD)).scalars().all()
    assert json.loads(detail)["scope"] == "17,22"
    auth.set_scope(engine, "sra", ("22",))  # narrowed between the page and the click: nothing is handed out
    with pytest.raises(downloads.SessionEnded):
        make()


def sessions_create(engine, name: str) -> str:
    from dashboard.access import sessions

    return sessions.create(engine, name)


def test_map_units_outside_the_scope_say_so_in_tooltip_legend_and_summary(demo_dataset):
    """A scoped viewer's map names the provinces outside the scope as such, never as merely "not selected"."""
    from dashboard.geo.boundaries import load_boundaries
    from dashboard.measures.metrics import active_provinces, by_province
    from dashboard.render import maps

    b = load_boundaries()
    per_province = by_province(demo_dataset.cases)
    covered = active_provinces(demo_dataset.coverage, date(2015, 4, 30))
    asked = ("17",)  # the viewer narrowed the filter to Siem Reap, inside the scope 17 + 22
    styles, legend = maps.choropleth_styles(b, per_province, covered, "count", "quantiles", asked, scope=SCOPE)
    assert styles["22"].status == "not selected"  # inside the scope, only filtered out
    assert {styles[u].status for u in styles if u not in SCOPE} == {"outside your provinces"}
    assert "public figures are under the page" in styles["12"].detail
    assert [label for _fill, label in legend][-2:] == ["not selected", "outside your provinces"]
    unscoped, _legend = maps.choropleth_styles(b, per_province, covered, "count", "quantiles", asked)
    assert {unscoped[u].status for u in unscoped if u != "17"} == {"not selected"}
