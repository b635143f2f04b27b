"""The admin Data page: upload, validate, ingest, coverage editing and boundary upload."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from dashboard.access import auth
from dashboard.data import db
from tests.apphelpers import app, keyed, no_errors, shown, signed_in

PASSWORD = "a long enough passphrase"


@pytest.fixture()
def admin_app(app_db):
    url = app_db
    engine = db.open_engine(url)
    auth.add_user(engine, "admin-user", "admin", PASSWORD)
    at = app("pages/data.py", session=signed_in(engine, "admin-user"))
    no_errors(at)
    return at, engine


def _report(at):
    """The first table with a row column: the validation report or the flagged cases (the guide comes before)."""
    return next(keyed(d.value) for d in at.dataframe if "row" in keyed(d.value).columns)


def _count(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(db.cases)
                            .where(db.cases.c.synthetic.is_(False))).scalar()


def test_bad_upload_shows_report_and_writes_nothing(admin_app):
    at, engine = admin_app
    bad = (b"case_id,date_reported,province,offence,arrest_made\n"
           b"B1,2014-01-02,Atlantis,rape,no\nB2,31/02/2014,Kep,rape,no\n")
    at.file_uploader(key="upload_file").set_value(("bad.csv", bad, "text/csv")).run()
    no_errors(at)
    assert any("Nothing was written" in e.value for e in at.error)
    report = _report(at)
    assert list(report["row"]) == [2, 3] and list(report["column"]) == ["province", "date_reported"]
    assert not any(b.label.startswith("Ingest") for b in at.button)
    assert _count(engine) == 0


def test_good_upload_is_ingested(admin_app):
    at, engine = admin_app
    good = ("case_id,date_reported,province,offence,arrest_made\n"
            "G1,2014-01-02,ខេត្តកែប,rape,ទេ\nG2,05/03/2014,KH-12,murder,yes\n")
    at.file_uploader(key="upload_file").set_value(("good.csv", good.encode("utf-16"), "text/csv")).run()
    assert any("2 valid rows" in s.value for s in at.success)
    at.button(key="ingest_button").click().run()
    no_errors(at)
    assert any("2 added" in s.value for s in at.success)
    assert _count(engine) == 2


def test_unreadable_upload_gets_a_message(admin_app):
    at, engine = admin_app
    at.file_uploader(key="upload_file").set_value(
        ("cases.xlsx", b"PK\x03\x04garbage", "application/octet-stream")).run()
    no_errors(at)
    assert any("could not be read as an Excel workbook" in shown(e.value) for e in at.error)


def _boundary_upload(at, name: str, data: bytes, mime: str):
    at.radio(key="boundary_layer").set_value("upload").run()
    return at.file_uploader(key="boundary_file").set_value((name, data, mime)).run()


def test_bad_boundary_upload_gets_a_message(admin_app):
    at, _ = admin_app
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "nothing")
    _boundary_upload(at, "b.zip", buf.getvalue(), "application/zip")
    no_errors(at)
    assert any("contains no .shp" in shown(e.value) for e in at.error)


def test_boundary_upload_shows_join_report_and_can_be_used(admin_app, ne_gdf):
    at, _ = admin_app
    data = ne_gdf[["name_en", "geometry"]].to_json().encode()
    _boundary_upload(at, "older.geojson", data, "application/geo+json")
    no_errors(at)
    assert any("Units: 24" in c.value for c in at.code)
    at.switch_page("pages/cases.py").run()
    assert not any("predate the 2013 split" in c.value for c in at.caption)  # the shipped 25-unit default
    at.switch_page("pages/data.py").run()
    _boundary_upload(at, "older.geojson", data, "application/geo+json")
    at.text_input(key="boundary_attribution").input("Survey Dept. <b>2012</b>").run()
    at.button(key="boundary_use").click().run()
    no_errors(at)
    from dashboard.geo.boundaries import active_boundaries, active_source

    assert active_source()[0] is not None
    assert active_boundaries().attribution == "Survey Dept. <b>2012</b>"  # kept as text; maps escape it
    at.switch_page("pages/cases.py").run()
    no_errors(at)
    assert any("predate the 2013 split" in c.value for c in at.caption)


def test_natural_earth_vintage_is_chosen_on_the_data_page_and_back(admin_app):
    from dashboard.geo.boundaries import active_boundaries

    at, _ = admin_app
    assert any("In use: geoBoundaries KHM ADM1 (25 provinces)" in t.value for t in at.text)
    at.radio(key="boundary_layer").set_value("naturalearth").run()
    at.button(key="boundary_switch").click().run()
    no_errors(at)
    assert active_boundaries().report.unit_count == 24
    assert any("In use: Natural Earth" in t.value for t in at.text)
    at.switch_page("pages/coverage.py").run()
    no_errors(at)
    assert any("predate the 2013 split" in c.value for c in at.caption)
    at.switch_page("pages/data.py").run()
    assert at.radio(key="boundary_layer").value == "naturalearth"
    at.radio(key="boundary_layer").set_value("geoboundaries").run()
    at.button(key="boundary_switch").click().run()
    no_errors(at)
    assert active_boundaries().report.unit_count == 25
    at.switch_page("pages/coverage.py").run()
    assert not any("predate the 2013 split" in c.value for c in at.caption)


def test_coverage_editor_saves_through_validation(admin_app):
    at, engine = admin_app
    at.button(key="save_coverage").click().run()
    no_errors(at)
    assert any("Coverage saved" in s.value for s in at.success)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(db.coverage.c.province_code, db.coverage.c.synthetic)).all()
    assert len(rows) == 21 and not any(r.synthetic for r in rows)


def test_a_coverage_save_the_database_refuses_says_nothing_was_saved(admin_app):
    """A write that fails (here a trigger, as a full disk or a lost connection would) is an error, never
    "Coverage saved", and the table keeps what it held."""
    at, engine = admin_app
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER refuse_coverage BEFORE INSERT ON coverage "
                             "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    at.button(key="save_coverage").click().run()
    no_errors(at)
    assert not any("Coverage saved" in s.value for s in at.success)
    assert any("nothing was written" in e.value for e in at.error)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(db.coverage.c.synthetic)).all()
    assert len(rows) == 21 and all(r.synthetic for r in rows)  # the demo's coverage, untouched


def test_upload_preview_flags_cases_outside_real_coverage(admin_app, tmp_path):
    from dashboard.data.ingest import ingest_file

    at, engine = admin_app
    cov = tmp_path / "coverage.csv"
    cov.write_text("province,start_date\nKep,2014-01-01\n", encoding="utf-8")
    assert ingest_file(engine, cov, kind="coverage").written  # real coverage replaces the demo's
    at.run()
    upload = (b"case_id,date_reported,province,offence,arrest_made\n"
              b"F1,2013-12-31,Kep,rape,no\nF2,2014-02-01,Kep,rape,no\n")
    at.file_uploader(key="upload_file").set_value(("f.csv", upload, "text/csv")).run()
    no_errors(at)
    assert any("1 case(s) are reported outside their province's coverage" in w.value for w in at.warning)
    assert list(_report(at)["row"]) == [2]
    assert any("2 valid rows" in s.value for s in at.success)  # flagged, not refused
