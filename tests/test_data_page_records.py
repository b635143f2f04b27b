"""The Data page's records and texts (issue 20, low items): refused uploads are logged and audited as refused CLI
ingests are; the ingest log shows its outcome first; the page explains the file format itself; the coverage editor
and a coverage file follow one start-date rule."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access import audit
from dashboard.cli import main
from dashboard.data import db
from dashboard.data.guide import column_guide, offence_guide
from dashboard.data.schema import CASE_COLUMNS, COVERAGE_COLUMNS, canonical_header, load_offence_map
from dashboard.data.validation import COVERAGE_START_RULE, listed_coverage, validate_coverage, validate_file
from tests.apphelpers import app, engine_with_users, keyed, no_errors, signed_in

PASSWORD = "a long enough passphrase"
BAD = b"case_id,date_reported,province,offence,arrest_made\nB1,2014-01-02,Atlantis,rape,no\n"


@pytest.fixture()
def admin(app_db):
    engine = engine_with_users(app_db, {"admin-user": "admin"}, PASSWORD)
    at = app("pages/data.py", session=signed_in(engine, "admin-user"))
    no_errors(at)
    return at, engine


def _log(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.select(db.ingest_log).order_by(db.ingest_log.c.id)).all()


def _ingest_audits(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(db.audit_log).where(db.audit_log.c.action == audit.INGEST)).all()
    return [{"user": r.username, "page": r.page, **json.loads(r.detail)} for r in rows]


def test_a_refused_web_upload_is_logged_and_audited_like_a_refused_cli_ingest(admin, tmp_path, app_db, capsys):
    at, engine = admin
    at.file_uploader(key="upload_file").set_value(("bad.csv", BAD, "text/csv")).run()
    at.run()  # the page reruns with the same file on every click: still one record
    no_errors(at)
    (web,) = _log(engine)[-1:]
    assert (web.status, web.file_name, web.rows_rejected) == ("rejected", "bad.csv", 1)
    path = tmp_path / "bad.csv"
    path.write_bytes(BAD)
    assert main(["ingest", str(path), "--db", app_db]) == 1
    cli = _log(engine)[-1]
    assert len([r for r in _log(engine) if r.status == "rejected"]) == 2
    assert (cli.status, cli.note, cli.sha256) == (web.status, web.note, web.sha256)
    web_audit, cli_audit = _ingest_audits(engine)
    assert web_audit["user"] == "admin-user" and web_audit["page"] == "data"
    assert {k: v for k, v in web_audit.items() if k not in ("user", "page")} == \
        {k: v for k, v in cli_audit.items() if k not in ("user", "page")}
    assert web_audit["written"] is False and web_audit["rejected"] == 1


def test_the_ingest_log_shows_the_outcome_first_and_a_short_hash(admin):
    at, engine = admin
    at.file_uploader(key="upload_file").set_value(("bad.csv", BAD, "text/csv")).run()
    at.run()
    table = next(keyed(d.value) for d in at.dataframe if "sha256" in keyed(d.value).columns)
    assert list(table.columns[:3]) == ["status", "at", "kind"]
    assert table["status"].iloc[0] == "rejected"
    assert table["sha256"].str.len().max() == 12 and list(table.columns).index("sha256") > 5


def test_the_data_page_explains_the_file_itself_not_a_repository_file(admin):
    at, _engine = admin
    texts = [c.value for c in at.caption] + [m.value for m in at.markdown]
    assert not any("docs/data.md" in t for t in texts), texts
    guide = next(d.value for d in at.dataframe if "also accepted as header" in d.value.columns)
    assert list(guide["column"]) == list(CASE_COLUMNS)
    at.radio(key="upload_kind").set_value("coverage").run()
    guide = next(d.value for d in at.dataframe if "also accepted as header" in d.value.columns)
    assert list(guide["column"]) == list(COVERAGE_COLUMNS)


def test_the_guide_lists_exactly_what_validation_accepts():
    for kind in ("cases", "coverage"):
        for column, headers in zip(column_guide(kind)["column"], column_guide(kind)["also accepted as header"]):
            assert all(canonical_header(h) == column for h in headers.split(", ") if h), (column, headers)
    listed = {label for labels in offence_guide()["labels accepted in a file"] for label in labels.split(", ")}
    assert listed == set(load_offence_map())


def test_a_coverage_file_with_an_empty_start_date_is_refused_by_the_one_rule():
    report = validate_file(b"province,start_date\nKep,2014-01-01\nKampot,\n", "coverage.csv", "coverage")
    assert not report.ok
    (problem,) = report.problems
    assert (problem.row, problem.column, problem.hint) == (3, "start_date", COVERAGE_START_RULE)


def test_the_coverage_editor_follows_the_same_rule():
    """The editor shows every province; one with no dates is left out, one with only an end date is refused."""
    edited = pd.DataFrame({"province": ["Kep", "Kampot", "Takeo"],
                           "start_date": [pd.Timestamp("2014-01-01").date(), None, None],
                           "end_date": [None, None, pd.Timestamp("2015-01-01").date()]})
    rows = listed_coverage(edited)
    assert list(rows["province"]) == ["Kep", "Takeo"]  # Kampot: not covered, as if left out of a file
    report = validate_coverage(rows.astype(object).where(rows.notna(), ""), "coverage editor", "editor")
    assert not report.ok
    (problem,) = report.problems
    assert (problem.column, problem.hint) == ("start_date", COVERAGE_START_RULE)


def test_the_coverage_editor_caption_states_the_rule(admin):
    at, _engine = admin
    captions = " ".join(c.value for c in at.caption)
    assert "Leave the start date empty" not in captions
    assert "needs its start date" in captions
