"""Shared fixtures. Everything is made here; no test touches the network."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import dashboard  # noqa: E402,F401  (first: it hardens GDAL before anything imports pyogrio)
from dashboard import settings  # noqa: E402


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch, tmp_path):
    """Every test starts from the declared defaults, with its own state folder, never the developer's."""
    for setting in settings.SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.setenv("DASHBOARD_VAR_DIR", str(tmp_path / "var"))
    return settings.current()


@pytest.fixture()
def app_db():
    """The app's own default database in this test's state folder (the app seeds the demo into it)."""
    from dashboard.data import db

    return db.default_url()


@pytest.fixture()
def default_gdf():
    """The shipped default layer: geoBoundaries, 25 provinces."""
    import geopandas as gpd

    from dashboard.paths import DEFAULT_BOUNDARIES

    return gpd.read_file(DEFAULT_BOUNDARIES)


@pytest.fixture()
def ne_gdf():
    """The shipped 24-unit vintage: Natural Earth, Tboung Khmum inside Kampong Cham."""
    import geopandas as gpd

    from dashboard.paths import NATURAL_EARTH_BOUNDARIES

    return gpd.read_file(NATURAL_EARTH_BOUNDARIES)


PG_URL = os.environ.get("DASHBOARD_TEST_PG_URL")


def _pg_engine():
    import sqlalchemy as sa

    from dashboard.data import db

    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        db.metadata.drop_all(conn)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A fresh, migrated database: SQLite always; PostgreSQL when DASHBOARD_TEST_PG_URL is set."""
    import sqlalchemy as sa

    from dashboard.data import db

    if request.param == "sqlite":
        eng = sa.create_engine(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    else:
        if not PG_URL:
            if os.environ.get("DASHBOARD_REQUIRE_PG"):
                pytest.fail("DASHBOARD_REQUIRE_PG is set but DASHBOARD_TEST_PG_URL is not")
            pytest.skip("PostgreSQL tests skipped: set DASHBOARD_TEST_PG_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
        eng = _pg_engine()
    db.migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    from dashboard.data.demo import write_demo

    out = tmp_path_factory.mktemp("demo")
    write_demo(out)
    return out


@pytest.fixture(scope="session")
def demo_dataset(demo_dir):
    from dashboard.data.store import load_from_dir

    return load_from_dir(demo_dir)


@pytest.fixture()
def public_env(tmp_path, monkeypatch, demo_dataset):
    """Public mode on an export of the demo data, with an unreachable database: public mode must never try it."""
    from dashboard.publish.release import write_export

    out = tmp_path / "export"
    write_export(demo_dataset, out)
    monkeypatch.setenv("DASHBOARD_MODE", "public")
    monkeypatch.setenv("DASHBOARD_PUBLIC_DIR", str(out))
    monkeypatch.setenv("DASHBOARD_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    return out


@pytest.fixture(autouse=True)
def routes_not_mounted_in_tests():
    """Only server.py mounts the sign-in routes; a test that does it in this process would change how every
    later AppTest signs out, so it fails here, at the test that leaked, not at an unrelated one later."""
    from dashboard.access import routes

    mounted = routes._state["mounted"]
    yield
    leaked = routes._state["mounted"] != mounted
    routes._state["mounted"] = mounted
    assert not leaked, "this test mounted the sign-in routes in the test process; run server.py in its own process"


@pytest.fixture(scope="module", autouse=True)
def no_event_loop_left_running():
    """A module must not leave an asyncio loop running on the main thread: an open Playwright sync driver does,
    and then every later browser test, ``asyncio.run`` and WebSocket client in the run fails (see
    tests/chromium.py). This fails the module that leaked it instead."""
    yield
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    pytest.fail("this module left an asyncio loop running (an open Playwright driver?): give its browser "
                "fixture module scope, as tests/chromium.py says")
