"""Probably-incomplete months in the public export (issue 27): a published quarter holding a month that data
quality finds probably still incomplete is flagged, from month-level flags only."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.data import db
from dashboard.data.store import load_from_db
from dashboard.publish.incomplete import probably_incomplete_months, quarter_flags
from dashboard.publish.public_export import build_export, read_export
from dashboard.publish.release import write_export


def test_a_quarter_holding_an_incomplete_month_is_flagged(demo_dataset):
    export = build_export(demo_dataset, incomplete_months=[date(2015, 2, 1), date(2015, 4, 1)])
    nq = export["national_quarter.csv"]
    flagged = list(nq.loc[nq["probably_incomplete"] == "yes", "quarter"])
    assert flagged == ["2015-Q1"]  # 2015-Q2 is not published (it has not closed)
    assert set(nq["probably_incomplete"]) == {"yes", ""}
    assert export["metadata.json"]["probably_incomplete_quarters"] == ["2015-Q1"]
    assert "probably_incomplete" in export["metadata.json"]["files"]["national_quarter.csv"]


def test_without_incomplete_months_nothing_is_flagged(demo_dataset):
    export = build_export(demo_dataset)
    assert not export["national_quarter.csv"]["probably_incomplete"].any()
    assert export["metadata.json"]["probably_incomplete_quarters"] == []


def test_quarter_flags():
    assert quarter_flags(["2014-Q4", "2015-Q1", "2015-Q2"], [date(2015, 3, 1)]) == [False, True, False]
    assert quarter_flags(["2014-Q4"], []) == [False]


def test_an_export_without_the_column_reads_as_nothing_flagged(tmp_path, demo_dataset):
    out = tmp_path / "old"
    write_export(demo_dataset, out)
    nq = pd.read_csv(out / "national_quarter.csv", dtype=str)
    nq.drop(columns="probably_incomplete").to_csv(out / "national_quarter.csv", index=False)
    data = read_export(out)
    assert (data.national_quarter["probably_incomplete"] == "").all()


def test_export_public_from_the_database_flags_the_quarters_of_the_incomplete_months(tmp_path, demo_dir, capsys):
    """End to end: the demo ingested, every record arriving 45 days after its month ended (so at 29 days old,
    March 2015 has usually received none of its records), then exported from the database."""
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    assert main(["ingest", str(next(demo_dir.glob("cases*.csv"))), "--db", url]) == 0
    assert main(["ingest", str(next(demo_dir.glob("coverage*.csv"))), "--kind", "coverage", "--db", url]) == 0
    _ingest_days(url)
    engine = db.open_engine(url)
    dataset = load_from_db(engine)
    months = probably_incomplete_months(engine, dataset)
    assert months == [date(2015, 3, 1), date(2015, 4, 1)]
    out = tmp_path / "public"
    assert main(["export-public", "--db", url, "--out", str(out)]) == 0
    nq = pd.read_csv(out / "national_quarter.csv", dtype=str, keep_default_na=False)
    expected = set(q for q, f in zip(nq["quarter"], quarter_flags(nq["quarter"], months)) if f)
    assert expected == {"2015-Q1"} and set(nq.loc[nq["probably_incomplete"] == "yes", "quarter"]) == expected
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert set(meta["probably_incomplete_quarters"]) == expected
    engine.dispose()


def _ingest_days(url: str) -> None:
    engine = db.open_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE cases SET first_ingested = min(date(date_reported, 'start of month', "
                             "'+1 month', '+44 days'), '2015-04-29')")
    engine.dispose()


# ---------------------------------------------------------------- the static site and the brief mark them

LATE = {"en": "probably incomplete: late records still coming in",
        "km": "ប្រហែលជាមិនទាន់ពេញលេញ៖ កំណត់ត្រាយឺតនៅតែកំពុងមកដល់"}


@pytest.fixture(scope="module")
def flagged_export(tmp_path_factory, demo_dir):
    """The demo's export with 2015-Q1 flagged, as an export from a database whose March is still arriving."""
    from dashboard.data.store import load_from_dir

    out = tmp_path_factory.mktemp("flagged") / "data"
    write_export(load_from_dir(demo_dir), out)
    nq = pd.read_csv(out / "national_quarter.csv", dtype=str, keep_default_na=False)
    nq["probably_incomplete"] = ["yes" if q == "2015-Q1" else "" for q in nq["quarter"]]
    nq.to_csv(out / "national_quarter.csv", index=False)
    return out


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_site_chart_outlines_the_flagged_quarter_and_names_it(flagged_export, tmp_path, lang):
    from dashboard.publish.site import page_path, write_site

    write_site(flagged_export, tmp_path / "site")
    page = page_path(tmp_path / "site", lang).read_text(encoding="utf-8")
    assert page.count('data-incomplete="yes"') == 1 and LATE[lang] in page


def test_an_unflagged_site_has_no_such_mark(tmp_path, demo_dataset):
    from dashboard.publish.site import page_path, write_site

    write_export(demo_dataset, tmp_path / "data")
    write_site(tmp_path / "data", tmp_path / "site")
    page = page_path(tmp_path / "site", "en").read_text(encoding="utf-8")
    assert 'data-incomplete="yes"' not in page and LATE["en"] not in page


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_brief_marks_the_flagged_quarter(flagged_export, tmp_path, lang):
    from dashboard.publish import brief

    pdf = brief.write_brief(flagged_export, tmp_path / f"brief_{lang}.pdf", lang)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())  # reading order: the legend's words stay together
    assert "§ " + LATE[lang] in text and text.count("§") == 2  # the quarter's figure and the legend
