"""Defects found on review (issue 15): one boundary rule everywhere, reads never write, no crash without
cases, ingest invalidates every cache, and settings declared once and documented."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dashboard import settings
from dashboard.cli import main
from dashboard.data import db
from dashboard.data.ingest import ingest_file
from dashboard.data.store import is_empty, load_from_db
from dashboard.geo.boundaries import active_boundaries, clear_active, join_boundaries, save_active
from tests.apphelpers import app, metrics, no_errors, signed_in

ROOT = Path(__file__).resolve().parent.parent
CASE_HEADER = "case_id,date_reported,province,offence,arrest_made\n"


# ---------------------------------------------------------------- one boundary rule


def test_cli_and_core_use_the_saved_boundaries(ne_gdf, capsys):
    save_active(join_boundaries(ne_gdf, "older.geojson"))
    assert active_boundaries().report.unit_count == 24
    assert main(["boundaries", "check"]) == 0
    assert "Units: 24" in capsys.readouterr().out
    clear_active()
    assert active_boundaries().report.unit_count == 25


def test_public_page_uses_the_saved_boundaries(ne_gdf, tmp_path, monkeypatch, demo_dataset):
    from dashboard.publish.release import write_export

    write_export(demo_dataset, tmp_path / "export")
    monkeypatch.setenv("DASHBOARD_MODE", "public")
    monkeypatch.setenv("DASHBOARD_PUBLIC_DIR", str(tmp_path / "export"))
    at = app()
    no_errors(at)
    assert not any("predate the 2013 split" in c.value for c in at.caption)  # the 25-unit default
    save_active(join_boundaries(ne_gdf, "older.geojson"))
    at = app()
    no_errors(at)
    assert any("predate the 2013 split" in c.value for c in at.caption)


def test_boundaries_env_setting_wins(ne_gdf, tmp_path, monkeypatch):
    ne_gdf.to_file(tmp_path / "mine.geojson", driver="GeoJSON")
    monkeypatch.setenv("DASHBOARD_BOUNDARIES", str(tmp_path / "mine.geojson"))
    assert active_boundaries().report.unit_count == 24


def test_boundaries_env_setting_names_a_shipped_layer(monkeypatch):
    monkeypatch.setenv("DASHBOARD_BOUNDARIES", "naturalearth")
    b = active_boundaries()
    assert b.report.unit_count == 24 and "predate the 2013 split" in b.map_note()
    monkeypatch.setenv("DASHBOARD_BOUNDARIES", "geoboundaries")
    assert active_boundaries().report.unit_count == 25


# ---------------------------------------------------------------- reading never writes


@pytest.mark.parametrize(("command", "status"),
                         [(["summary", "--json"], 0), (["export-public", "--out", "{tmp}/pub"], 2)])
def test_read_commands_never_seed_an_empty_database(engine, tmp_path, command, status, capsys):
    args = [a.format(tmp=tmp_path) for a in command] + ["--db", engine.url.render_as_string(hide_password=False)]
    assert main(args) == status
    assert is_empty(engine)
    if status == 2:
        assert "no cases to publish" in capsys.readouterr().err


# ---------------------------------------------------------------- coverage but no cases


def test_overview_with_coverage_but_no_cases(app_db, tmp_path):
    cov = tmp_path / "coverage.csv"
    cov.write_text("province,start_date\nKep,2014-01-01\nKampot,2014-06-01\n")
    engine = db.open_engine(app_db)
    assert ingest_file(engine, cov, kind="coverage").written
    from dashboard.access import auth

    auth.add_user(engine, "admin-x", "admin", "a long enough passphrase")
    for page in (None, "pages/coverage.py", "pages/cases.py", "pages/arrests.py"):
        at = app(page, session=signed_in(engine, "admin-x"))
        no_errors(at)
        assert at.title[0].value != "Sign in"


def test_period_end_rule():
    from dashboard.measures.filters import Filters
    from dashboard.measures.metrics import period_end

    assert period_end(Filters(end=date(2014, 5, 1)), date(2015, 1, 1)) == date(2014, 5, 1)
    assert period_end(Filters(), date(2015, 1, 1)) == date(2015, 1, 1)
    assert period_end(Filters(), None, today=date(2026, 1, 2)) == date(2026, 1, 2)


# ---------------------------------------------------------------- ingest invalidates caches


def test_ingest_invalidates_the_parquet_snapshot(engine, tmp_path):
    from dashboard.data.snapshot import snapshot_dir

    first = tmp_path / "a.csv"
    first.write_text(CASE_HEADER + "A1,2014-01-02,Kep,rape,yes\n")
    ingest_file(engine, first)
    assert len(load_from_db(engine).cases) == 1
    assert len(list(snapshot_dir().glob("*.parquet"))) == 1
    second = tmp_path / "b.csv"
    second.write_text(CASE_HEADER + "B1,2014-02-02,Kampot,homicide,no\nA1,2014-01-02,Kep,rape,no\n")
    ingest_file(engine, second)
    reloaded = load_from_db(engine)
    assert len(reloaded.cases) == 2 and reloaded.cases["arrest"].sum() == 0
    assert len(list(snapshot_dir().glob("*.parquet"))) == 1  # the stale version was removed


def test_app_shows_an_ingest_without_a_restart(app_db, tmp_path):
    at = app()
    assert metrics(at)["Cases"] == "369"
    new = tmp_path / "cases_SYNTHETIC_extra.csv"
    new.write_text(CASE_HEADER + "R1,2015-04-01,Kep,rape,yes\nR2,2015-04-02,Kep,rape,no\n")
    assert ingest_file(db.open_engine(app_db), new).written  # real data: the demo rows are removed
    from dashboard.access import auth

    auth.add_user(db.open_engine(app_db), "admin-x", "admin", "a long enough passphrase")
    for key, value in signed_in(db.open_engine(app_db), "admin-x").items():
        at.session_state[key] = value
    at.run()
    no_errors(at)
    assert metrics(at)["Cases"] == "2"


# ---------------------------------------------------------------- settings


def test_every_setting_is_in_the_readme_and_nothing_else():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(DASHBOARD_[A-Z_]+)`", section))
    assert documented == set(settings.declared_names())


def test_every_environment_variable_read_is_declared():
    """No module reads os.environ for a DASHBOARD_ variable behind the settings table's back."""
    declared = set(settings.declared_names())
    for path in [*ROOT.joinpath("dashboard").rglob("*.py"), ROOT / "app.py"]:
        for name in re.findall(r"DASHBOARD_[A-Z_]+", path.read_text(encoding="utf-8")):
            assert name in declared, f"{path.name} mentions {name}, which settings.py does not declare"
    reads = [p.name for p in ROOT.joinpath("dashboard").rglob("*.py")
             if re.search(r"os\.environ(\.get)?\(?\[?[\"']DASHBOARD_", p.read_text(encoding="utf-8"))]
    assert reads == []


def test_bad_settings_are_explained():
    with pytest.raises(Exception) as info:
        settings.load({"DASHBOARD_SNAPSHOT": "maybe"})
    assert "DASHBOARD_SNAPSHOT" in str(info.value) and "What to do" in str(info.value)
    assert settings.load({"DASHBOARD_SNAPSHOT": "0"}).snapshot is False
    assert settings.load({}).mode == "internal"
    assert settings.load({"DASHBOARD_MODE": "PUBLIC"}).mode == "public"


def test_a_bad_setting_in_the_cli_is_a_message_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_MODE", "shiny")
    assert main(["summary", "--json"]) == 2
    err = capsys.readouterr().err
    assert "DASHBOARD_MODE" in err and "Traceback" not in err
