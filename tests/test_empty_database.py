"""Every page and view on an empty database, and after the first real ingest of cases without coverage.

Issue 20, item 2: the first real ingest into the demo database removed the demo's coverage table with the
demo cases, and /cases then showed a red ``TypeError: Cannot cast DatetimeArray to dtype float64``. The same
crash met every real deployment's first start (an empty database, SQLite or PostgreSQL), which was also
labelled "SYNTHETIC demo data".
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from dashboard.access import auth
from dashboard.cli import main
from dashboard.data import db
from tests.apphelpers import app, no_errors, shown, signed_in

PG_URL = os.environ.get("DASHBOARD_TEST_PG_URL")
PASSWORD = "correct horse battery staple"
REAL_CASES = (b"case_id,date_reported,province,offence,arrest_made,arrest_date\n"
              b"R-1,2014-01-02,Kep,rape,yes,2014-01-09\nR-2,2014-03-05,Kampot,murder,no,\n"
              b"R-3,2015-02-11,Phnom Penh,physical abuse,yes,2015-02-12\n")
COMPARE = {"period_a": ["2014-01-01", "2014-06-30"], "period_b": ["2014-07-01", "2015-02-11"]}

#: Every page, and every view of the pages that have views: (page file, query).
PAGES_AND_VIEWS = [
    ("pages/overview.py", {}),
    ("pages/coverage.py", {}),
    ("pages/cases.py", {}),
    ("pages/cases.py", {"measure": "rate per 100,000"}),
    ("pages/cases.py", {"measure": "case count"}),
    ("pages/cases.py", {"view": "one map per year"}),
    ("pages/cases.py", {"view": "play by quarter"}),
    ("pages/cases.py", {"view": "compare two periods"}),
    ("pages/cases.py", {"view": "compare two periods", **COMPARE}),
    ("pages/arrests.py", {}),
    ("pages/arrests.py", {"tta_by": "offence"}),
    ("pages/arrests.py", {"tta_by": "quarter", "km_province": "Kep"}),
    ("pages/arrests.py", {"view": "compare two periods"}),
    ("pages/arrests.py", {"view": "compare two periods", **COMPARE}),
    ("pages/analysis.py", {}),
    ("pages/data.py", {}),
    ("pages/about.py", {}),
]
IDS = [f"{page.split('/')[1][:-3]}-{'-'.join(str(v) for v in query.values()) or 'default'}"
       for page, query in PAGES_AND_VIEWS]


def _everything_said(at) -> str:
    parts = [e.value for kind in (at.info, at.warning, at.error, at.success) for e in kind]
    parts += [m.value for m in at.markdown] + [c.value for c in at.caption]
    return shown(" ".join(str(p) for p in parts))


def _page_works(at, page: str) -> str:
    """No exception and no error box; returns everything the page said, for the caller's checks."""
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    said = _everything_said(at)
    assert "SYNTHETIC demo data" not in said and "Traceback" not in said
    return said


def _admin(url: str) -> dict:
    engine = db.open_engine(url)
    auth.add_user(engine, "first-admin", "admin", PASSWORD)
    return signed_in(engine, "first-admin")


@pytest.fixture()
def empty_sqlite(tmp_path, monkeypatch):
    """A real deployment's first start: DASHBOARD_DB_URL names a new SQLite file."""
    url = f"sqlite:///{tmp_path / 'deployment.sqlite3'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    return url


@pytest.fixture()
def empty_postgres(monkeypatch):
    """The same on a new PostgreSQL database (skipped without DASHBOARD_TEST_PG_URL, like every PostgreSQL test)."""
    if not PG_URL:
        if os.environ.get("DASHBOARD_REQUIRE_PG"):
            pytest.fail("DASHBOARD_REQUIRE_PG is set but DASHBOARD_TEST_PG_URL is not")
        pytest.skip("PostgreSQL tests skipped: set DASHBOARD_TEST_PG_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        db.metadata.drop_all(conn)
    engine.dispose()
    monkeypatch.setenv("DASHBOARD_DB_URL", PG_URL)
    return PG_URL


@pytest.fixture()
def demo_then_real_cases(app_db, tmp_path, capsys):
    """The demo database after the first real ingest: real cases, and no coverage table any more."""
    at = app()  # the app seeds the demo into its own database
    no_errors(at)
    source = tmp_path / "real.csv"
    source.write_bytes(REAL_CASES)
    assert main(["ingest", str(source), "--db", app_db]) == 0
    capsys.readouterr()
    return app_db


def _works_and_says_no_case_data(url: str, page: str, query: dict) -> None:
    """The page draws for an admin on the empty database at ``url`` and, where it shows figures, says why not."""
    said = _page_works(app(page, query=query, session=_admin(url)), page)
    if page not in ("pages/about.py", "pages/data.py"):
        assert "No case data" in said, said


@pytest.mark.parametrize(("page", "query"), PAGES_AND_VIEWS, ids=IDS)
def test_every_page_and_view_works_on_an_empty_sqlite_database(empty_sqlite, page, query):
    _works_and_says_no_case_data(empty_sqlite, page, query)


@pytest.mark.parametrize(("page", "query"), PAGES_AND_VIEWS, ids=IDS)
def test_every_page_and_view_works_on_an_empty_postgresql_database(empty_postgres, page, query):
    _works_and_says_no_case_data(empty_postgres, page, query)


@pytest.mark.parametrize(("page", "query"), PAGES_AND_VIEWS, ids=IDS)
def test_every_page_and_view_works_with_real_cases_and_no_coverage(demo_then_real_cases, page, query):
    at = app(page, query=query, session=_admin(demo_then_real_cases))
    said = _page_works(at, page)
    if page in ("pages/overview.py", "pages/coverage.py", "pages/cases.py"):
        assert "No coverage table" in said, said


def test_an_empty_database_without_users_asks_for_setup_and_is_not_demo_mode(empty_sqlite):
    """No users, no OIDC, nothing loaded: not the demo (that is only the app's own seeded database), so no
    anonymous access and no SYNTHETIC label; the page says what to do first."""
    at = app()
    no_errors(at)
    said = _everything_said(at)
    assert [t.value for t in at.title] == ["Sign-in must be configured"]
    assert "holds no case data yet" in said and "users add" in said and "--kind coverage" in said
    assert "Real case data is loaded" not in said
    assert "Demo mode" not in said and "SYNTHETIC" not in said and not at.metric


def test_an_empty_database_holds_no_demo_data(empty_sqlite):
    from dashboard.data import store

    engine = db.open_engine(empty_sqlite)
    db.migrate(engine)
    assert store.is_empty(engine) and not store.holds_only_synthetic(engine)
    assert not store.load_from_db(engine).synthetic


def _ingest(capsys, url: str, path, *extra: str) -> str:
    capsys.readouterr()
    assert main(["ingest", str(path), "--db", url, *extra]) == 0
    return capsys.readouterr().out


def test_the_first_real_ingest_says_what_it_removed_and_what_to_load_next(app_db, tmp_path, capsys):
    from dashboard.data import store
    from dashboard.data.seed import seed_demo_if_empty

    engine = db.open_engine(app_db)
    db.migrate(engine)
    assert seed_demo_if_empty(engine, app_db)
    cases = tmp_path / "real.csv"
    cases.write_bytes(REAL_CASES)
    out = _ingest(capsys, app_db, cases)
    assert "369 demo cases and 21 demo coverage rows" in out
    assert "The coverage table is empty" in out and "ingest FILE --kind coverage" in out and "Data page" in out
    assert not store.holds_only_synthetic(engine) and not store.load_from_db(engine).synthetic
    coverage = tmp_path / "coverage.csv"
    coverage.write_text("province,start_date,end_date\nKep,2013-07-01,\nKampot,2013-07-01,\n", encoding="utf-8")
    out = _ingest(capsys, app_db, coverage, "--kind", "coverage")
    assert "written (2 added" in out and "demo" not in out and "is empty" not in out and "No case records" not in out


def test_coverage_first_into_an_empty_database_says_the_cases_are_next(empty_sqlite, tmp_path, capsys):
    coverage = tmp_path / "coverage.csv"
    coverage.write_text("province,start_date,end_date\nKep,2013-07-01,\n", encoding="utf-8")
    out = _ingest(capsys, empty_sqlite, coverage, "--kind", "coverage")
    assert "No case records are loaded yet" in out and "python -m dashboard ingest FILE" in out
    assert "demo" not in out and "coverage table is empty" not in out
