"""Datasets for the browser benchmark: the demo generator scaled up, written where both apps read it.

Two ways to build a size (``how``):

- ``ingest``: the cases go through the project's real path, a CSV file
  validated and ingested into SQLite (``dashboard.data.ingest``), then read
  once so the Parquet snapshot the app loads from exists (as after the first
  view that follows an ingest).
- ``snapshot``: for sizes that a CSV ingest into SQLite does not fit in the
  time available (10M): the demo data (369 cases) is ingested so the database,
  coverage, users and data version are real, and the generated cases are
  written straight into the Parquet snapshot of that data version, which the
  app reads instead of the SQLite rows (``dashboard.data.snapshot``).

Both write ``cases.csv`` (what the baseline app reads with ``pd.read_csv``).
Runs in its own process (``python -m benchmarks.browser_data WORK N HOW``) so
the generator's memory is returned before the servers start.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from pathlib import Path

#: The user the harness signs in as (the app needs sign-in once real data or a user exists).
USER = "bench"
ROLE = "admin"
DEMO_CASES = 369  # cases in the demo at scale 1


def scale_for(cases: int) -> int:
    """The demo scale factor giving about ``cases`` cases (each scale step adds 369)."""
    return max(1, round(cases / DEMO_CASES))


def paths(work: Path) -> dict[str, Path]:
    return {"csv": work / "cases.csv", "coverage": work / "coverage.csv", "db": work / "cases.sqlite3",
            "var": work / "var", "meta": work / "dataset.json", "password": work / "password.txt"}


def db_url(work: Path) -> str:
    return f"sqlite:///{paths(work)['db']}"


def _records_frame(cases, gazetteer):
    """The demo CSV's columns as validated records (what ``frame_cases`` takes)."""
    import pandas as pd

    code_of = {p.name_en: c for c, p in gazetteer.items()}
    return pd.DataFrame({
        "case_id": cases["case_id"], "date_reported": cases["date_reported"],
        "province_code": cases["province"].map(code_of), "district": cases["district"],
        "offence": cases["offence"], "victim_age": cases["victim_age"], "victim_sex": cases["victim_sex"],
        "arrest_made": cases["arrest_made"].eq("yes"), "arrest_date": cases["arrest_date"].replace("", None),
        "synthetic": True})


def prepare(work: Path, cases: int, how: str = "ingest", seed: int = 646) -> dict:
    """Build (or reuse) the dataset of about ``cases`` cases in ``work``; returns its description."""
    p = paths(work)
    if p["meta"].exists():
        meta = json.loads(p["meta"].read_text())
        if meta.get("requested") == cases and meta.get("how") == how and p["db"].exists():
            return meta
    work.mkdir(parents=True, exist_ok=True)
    for stale in (p["db"], p["meta"]):
        stale.unlink(missing_ok=True)
    os.environ["DASHBOARD_VAR_DIR"] = str(p["var"])
    os.environ["DASHBOARD_DB_URL"] = db_url(work)

    from dashboard.access import auth
    from dashboard.data import db, snapshot, store
    from dashboard.data.dataset import frame_cases
    from dashboard.data.demo import generate
    from dashboard.data.ingest import ingest_file
    from dashboard.geo.gazetteer import load_gazetteer

    t0 = time.perf_counter()
    data = generate(seed=seed, scale=scale_for(cases))
    generate_s = time.perf_counter() - t0
    data.cases.to_csv(p["csv"], index=False)
    data.coverage.to_csv(p["coverage"], index=False)
    engine = db.open_engine(db_url(work))
    t0 = time.perf_counter()
    if how == "ingest":
        result = ingest_file(engine, p["csv"])
        if not result.written:
            raise RuntimeError(result.report.to_text(limit=5))
    else:  # a real (small) ingest for a real data version, then the big frame as that version's snapshot
        small = generate(seed=seed, scale=1)
        small_csv = work / "cases_small.csv"
        small.cases.to_csv(small_csv, index=False)
        result = ingest_file(engine, small_csv)
        if not result.written:
            raise RuntimeError(result.report.to_text(limit=5))
    coverage = ingest_file(engine, p["coverage"], kind="coverage")
    if not coverage.written:
        raise RuntimeError(coverage.report.to_text(limit=5))
    ingest_s = time.perf_counter() - t0
    version = store.data_version(engine)
    t0 = time.perf_counter()
    if how == "snapshot":
        frame = frame_cases(_records_frame(data.cases, load_gazetteer()))
        path = snapshot.snapshot_path(engine, version)
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(path, index=False)
        del frame
    else:
        store.load_from_db(engine)  # the first read after an ingest: writes the snapshot
    snapshot_s = time.perf_counter() - t0
    password = secrets.token_urlsafe(18)
    auth.add_user(engine, USER, ROLE, password)
    p["password"].write_text(password)
    meta = {"requested": cases, "rows": len(data.cases), "how": how, "scale": scale_for(cases), "seed": seed,
            "csv_mb": round(p["csv"].stat().st_size / 1e6, 1), "generate_s": round(generate_s, 1),
            "ingest_s": round(ingest_s, 1), "snapshot_write_s": round(snapshot_s, 1), "data_version": version}
    engine.dispose()
    p["meta"].write_text(json.dumps(meta, indent=2))
    return meta


def prepare_in_subprocess(work: Path, cases: int, how: str) -> dict:
    """Run :func:`prepare` in a child process (its memory goes back to the system when it ends)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "benchmarks.browser_data", str(work), str(cases), how],
                          cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"preparing {cases:,} cases failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(prepare(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3])))
