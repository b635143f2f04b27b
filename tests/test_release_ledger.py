"""The release ledger kept with the data (issue 21, item 2): every export is audited against every
earlier release, whatever folder each was written to; only closed quarters are published."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.cli import main
from dashboard.data.stages import STAGE_COLUMNS
from dashboard.publish.public_export import DEFAULT_K
from tests import attack
from tests.test_public_export import _more_cases


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _ingest(url: str, demo_dir: Path) -> None:
    assert main(["ingest", str(next(demo_dir.glob("cases*.csv"))), "--db", url]) == 0
    assert main(["ingest", str(next(demo_dir.glob("coverage*.csv"))), "--kind", "coverage", "--db", url]) == 0


def _meta(folder: Path) -> dict:
    return json.loads((folder / "metadata.json").read_text(encoding="utf-8"))


def test_two_releases_in_their_own_folders_are_audited_together(engine, demo_dir, tmp_path, capsys):
    """The attack: each monthly export gets its own --out folder. Before the ledger moved into the
    database, the second was audited against nothing and, with the first, pinned hidden 2015 counts."""
    url = _url(engine)
    _ingest(url, demo_dir)
    may, june = tmp_path / "releases" / "2024-05", tmp_path / "releases" / "2024-06"
    assert main(["export-public", "--db", url, "--out", str(may)]) == 0
    added = _more_cases(demo_dir, tmp_path / "more.csv")
    assert main(["ingest", str(tmp_path / "more.csv"), "--db", url]) == 0
    assert main(["export-public", "--db", url, "--out", str(june)]) == 0
    first, second = attack.read_release(may), attack.read_release(june)
    assert attack.narrow(attack.recovery_ranges([first, second]), DEFAULT_K) == {}  # the attack, first
    assert "audited against 1 earlier releases" in capsys.readouterr().err
    assert _meta(june)["earlier_releases_audited"] == 1
    # the second release publishes the quarter the late reports and the new cases closed (to 30 June)
    assert _meta(june)["period"]["to"] == "2015-Q2" and _meta(june)["figures_to"] == "2015-06-30"
    assert sum(c["cases"] or 0 for c in second if c["table"] == "national_total") == 369 + added - 30
    assert attack.narrow(attack.recovery_ranges([first, second], exact=True), DEFAULT_K) == {}
    # the ledger's copy beside each export holds every release so far
    assert [r["release"] for r in json.loads((june / "release_ledger.json").read_text())["releases"]] == [1, 2]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM public_releases")).scalar() == 2


def test_the_same_two_releases_audited_apart_give_a_count_away(demo_dir, tmp_path):
    """Control for the test above: the second release audited on its own (as a new folder's ledger did)
    is safe alone, but together with the first it narrows hidden counts below k."""
    from dashboard.data.db import open_engine
    from dashboard.data.store import load_from_db
    from dashboard.publish.public_export import build_export
    from tests.test_public_export import _release

    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    _ingest(url, demo_dir)
    assert main(["export-public", "--db", url, "--out", str(tmp_path / "first")]) == 0
    _more_cases(demo_dir, tmp_path / "more.csv")
    assert main(["ingest", str(tmp_path / "more.csv"), "--db", url]) == 0
    alone = _release(build_export(load_from_db(open_engine(url))), tmp_path, "alone")
    first = attack.read_release(tmp_path / "first")
    assert attack.narrow(attack.recovery_ranges([alone]), DEFAULT_K) == {}
    assert attack.narrow(attack.recovery_ranges([first, alone]), DEFAULT_K)


def _zero_province_rows(demo_dir: Path, month: str, n: int) -> tuple[str, pd.DataFrame]:
    """``n`` cases in ``month`` of 2015 for a covered province that had none in 2015 so far."""
    from dashboard.geo.gazetteer import load_gazetteer

    base = pd.read_csv(next(demo_dir.glob("cases*.csv")), dtype=str, keep_default_na=False)  # ages stay whole
    coverage = pd.read_csv(next(demo_dir.glob("coverage*.csv")))
    gaz = load_gazetteer()
    in_2015 = set(base.loc[pd.to_datetime(base["date_reported"]).dt.year == 2015, "province"])
    covered = [gaz[c].name_en for c in gaz if gaz[c].name_en in set(coverage["province"])
               or c in set(coverage.get("province_code", pd.Series(dtype=str)).astype(str))]
    name = next(p for p in covered if p not in in_2015)
    rows = pd.DataFrame([{**base.iloc[0].drop(labels=list(STAGE_COLUMNS)).to_dict(), "province": name,
                          "date_reported": f"{month}-{10 + i:02d}",
                          "arrest_made": "no", "arrest_date": ""} for i in range(n)])
    rows["case_id"] = [f"SYN-2015-8{i:03d}" for i in range(n)]
    return name, rows


def test_a_province_turning_from_zero_to_hidden_between_monthly_releases_dates_nothing(demo_dir, tmp_path, capsys):
    """The attack: a province with no 2015 cases in April's release turns "hidden" in May's, dating its
    new cases to May. With closed quarters only, both releases publish the figures to 31 March."""
    from dashboard.geo.gazetteer import load_gazetteer

    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    _ingest(url, demo_dir)
    april, may = tmp_path / "releases" / "2015-04", tmp_path / "releases" / "2015-05"
    assert main(["export-public", "--db", url, "--out", str(april)]) == 0
    name, rows = _zero_province_rows(demo_dir, "2015-05", 3)
    rows.to_csv(tmp_path / "may.csv", index=False)
    assert main(["ingest", str(tmp_path / "may.csv"), "--db", url]) == 0
    assert main(["export-public", "--db", url, "--out", str(may)]) == 0
    code = next(c for c, p in load_gazetteer().items() if p.name_en == name)
    cells = []
    for folder in (april, may):
        py = pd.read_csv(folder / "province_year.csv", dtype={"province_code": str})
        cells.append(py[(py["province_code"] == code) & (py["year"] == 2015)].iloc[0])
    assert cells[0]["cases"] == 0 and cells[1]["cases"] == 0  # not "hidden": May's cases wait for the quarter
    for name_ in ("national_quarter.csv", "province_year.csv", "national_totals.csv"):
        assert (april / name_).read_text() == (may / name_).read_text()
    assert _meta(may)["data_received_to"] == "2015-05-12" and _meta(may)["figures_to"] == "2015-03-31"
    assert "no new release recorded" in capsys.readouterr().err


def test_a_database_restored_without_its_ledger_refuses_to_export(engine, demo_dir, tmp_path, capsys):
    """A database that has released before, without its ledger: refused, nothing written; the ledger copy
    of the latest export, put in --out, brings it back."""
    from dashboard.data import db

    url = _url(engine)
    _ingest(url, demo_dir)
    first = tmp_path / "first"
    assert main(["export-public", "--db", url, "--out", str(first)]) == 0
    with engine.begin() as conn:  # a restore that left the ledger behind
        conn.execute(sa.text("DROP TABLE public_releases"))
    capsys.readouterr()
    out = tmp_path / "second"
    assert main(["export-public", "--db", url, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "public_releases table is missing" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
    with engine.begin() as conn:  # an empty ledger (a dump of the case tables only)
        db.public_releases.create(conn)
    assert main(["export-public", "--db", url, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "records 1 public releases" in err and "holds 0" in err and "Traceback" not in err
    assert not any(p for p in out.iterdir() if not p.name.startswith("."))
    shutil.copyfile(first / "release_ledger.json", out / "release_ledger.json")
    assert main(["export-public", "--db", url, "--out", str(out)]) == 0
    assert "1 releases migrated from the folder ledger" in capsys.readouterr().err
    assert _meta(out)["earlier_releases_audited"] == 1


def test_a_folder_ledger_from_an_earlier_version_moves_into_the_database(demo_dir, tmp_path, capsys):
    """Exports used to keep release_ledger.json in --out only; the first export from the database takes it in."""
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    out = tmp_path / "public"
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out),
                 "--ledger", str(out / "release_ledger.json")]) == 0
    _ingest(url, demo_dir)
    assert main(["export-public", "--db", url, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 releases migrated" in err and "no new release recorded" in err
    with sa.create_engine(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT origin FROM public_releases")).scalars().all()
    assert len(rows) == 1 and rows[0].startswith("migrated from")


def test_an_export_from_a_folder_needs_its_ledger(demo_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--ledger FILE" in err and "Traceback" not in err and not out.exists()
    ledger_file = tmp_path / "ledger.json"
    for folder in ("a", "b"):
        assert main(["export-public", "--data", str(demo_dir), "--out", str(tmp_path / folder),
                     "--ledger", str(ledger_file)]) == 0
    assert _meta(tmp_path / "b")["earlier_releases_audited"] == 1
    assert main(["export-public", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "--out", str(out),
                 "--ledger", str(ledger_file)]) == 2
    assert "--data only" in capsys.readouterr().err


def test_the_ledger_table_is_append_only(engine):
    from dashboard.publish.ledger import DbLedger, Release

    store = DbLedger(engine)
    with engine.begin() as conn:
        store.insert(conn, Release("2026-01-01T00:00:00+00:00", 11, {"from": "2013-Q3", "to": "2015-Q1"}, []))
    attempts = ["UPDATE public_releases SET k = 2", "DELETE FROM public_releases"]
    if engine.dialect.name == "sqlite":
        attempts.append("INSERT OR REPLACE INTO public_releases (id, written_at, k, cells, origin) "
                        "VALUES (1, '2026-01-01', 2, '[]', 'x')")
    else:
        attempts.append("TRUNCATE public_releases")
    for statement in attempts:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert [r.k for r in store.releases()] == [11]


FOUR_CASES = """case_id,date_reported,province,district,offence,victim_age,victim_sex,arrest_made,arrest_date
SYN-2014-0247,2014-11-01,Battambang,,other,5,F,no,
SYN-2015-0287,2015-01-04,Kandal,,child rape / sexual abuse,8,M,yes,2015-01-05
SYN-2015-0310,2015-02-13,Battambang,,sexual exploitation / trafficking,16,F,no,
SYN-2014-0099,2014-04-05,Phnom Penh,,child rape / sexual abuse,12,F,yes,2014-04-08
"""


def test_a_database_of_four_cases_exports_without_a_traceback(demo_dir, tmp_path, capsys):
    """The solver once ended one bound without a verdict (a warm start after an unbounded one), and the
    export died with InfeasibleReleases; these four cases hid every count and reproduced it."""
    data = tmp_path / "four"
    data.mkdir()
    (data / "cases.csv").write_text(FOUR_CASES)
    shutil.copyfile(next(demo_dir.glob("coverage*.csv")), data / "coverage.csv")
    out = tmp_path / "out"
    assert main(["export-public", "--data", str(data), "--out", str(out), "--ledger", str(tmp_path / "l.json")]) == 0
    totals = pd.read_csv(out / "national_totals.csv")
    assert totals["cases"].isna().all()  # four cases: every count is hidden


def test_a_ledger_that_contradicts_itself_stops_the_export_with_a_message(demo_dir, tmp_path, capsys):
    """A ledger edited by hand (its sums no longer add up) leaves the audit no consistent reading: a message
    that says what and what to do, exit 2, no export files."""
    ledger_file = tmp_path / "ledger.json"
    first = tmp_path / "first"
    assert main(["export-public", "--data", str(demo_dir), "--out", str(first), "--ledger", str(ledger_file)]) == 0
    data = json.loads(ledger_file.read_text())
    for cell in data["releases"][0]["cells"]:
        if cell["table"] == "national_year" and cell["key"] == "2014":
            cell["cases"] = 0  # fewer than the 2014 provinces it shows add up to
    ledger_file.write_text(json.dumps(data))
    capsys.readouterr()
    out = tmp_path / "second"
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out), "--ledger", str(ledger_file)]) == 2
    err = capsys.readouterr().err
    assert "no consistent reading" in err and "What to do" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_no_closed_quarter_yet_explains(tmp_path, demo_dir, capsys):
    data = tmp_path / "new"
    data.mkdir()
    rows = [r for r in FOUR_CASES.splitlines()[1:] if "2015-0" in r]
    (data / "cases.csv").write_text(FOUR_CASES.splitlines()[0] + "\n" + "\n".join(
        r.replace("2015-01-0", "2015-02-1") for r in rows) + "\n")
    shutil.copyfile(next(demo_dir.glob("coverage*.csv")), data / "coverage.csv")
    out = tmp_path / "out"
    assert main(["export-public", "--data", str(data), "--out", str(out), "--ledger", str(tmp_path / "l.json")]) == 2
    err = capsys.readouterr().err
    assert "No quarter of the data has closed yet" in err and "March 31, 2015" in err
    assert not (out / "metadata.json").exists()
