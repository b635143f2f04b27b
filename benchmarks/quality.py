"""``python -m benchmarks quality [--cases N]``: how long ``python -m dashboard quality`` takes on a big database.

Builds (or reuses) the scaled demo database of benchmarks/browser_data.py, gives its records the demo's
simulated ingest days (weekly ingests, one late batch) so the late-records check has work to do, then times the
command as a separate process (imports, loading and every check), and its parts in this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ingest_days(url: str) -> None:
    """Set every stored case's first ingest day as the demo simulates it."""
    import pandas as pd
    import sqlalchemy as sa

    from dashboard.data import db, demo, demo_findings
    from dashboard.geo.gazetteer import load_gazetteer

    engine = db.open_engine(url)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(sa.select(db.cases.c.case_id, sa.cast(db.cases.c.date_reported, sa.String),
                                                    db.cases.c.province_code)).all(),
                             columns=["case_id", "date_reported", "province_code"])
    gaz = load_gazetteer()
    frame["province"] = [gaz[c].name_en for c in frame["province_code"]]
    days = demo_findings.ingest_days(frame, demo.DEMO_END, demo.DEFAULT_SEED)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE cases SET first_ingested = ? WHERE case_id = ?",
                             [(d.isoformat(), i) for d, i in zip(days, frame["case_id"])])
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks quality")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cpu_bench_quality")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from benchmarks import browser_data

    t0 = time.perf_counter()
    meta = browser_data.prepare(args.work, args.cases)
    url = browser_data.db_url(args.work)
    _ingest_days(url)
    print(f"dataset: {meta['rows']:,} cases, built in {time.perf_counter() - t0:.0f} s")
    env = {**os.environ, "DASHBOARD_VAR_DIR": str(browser_data.paths(args.work)["var"]), "PYTHONPATH": str(ROOT)}
    # the days were written behind the app's back (no ingest, so no new data version): drop their snapshot, so the
    # first run reads them from the database, as the first run after an ingest does
    for old in (browser_data.paths(args.work)["var"] / "cache").glob("ingest_days-*.parquet"):
        old.unlink()
    walls, cpus = [], []
    for _ in range(args.repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "dashboard", "quality", "--db", url, "--json"], env=env,
                              capture_output=True, text=True, cwd=ROOT)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        assert done.returncode in (0, 1), done.stderr[-2000:]
    import json

    report = json.loads(done.stdout)
    parts = _parts(url, env)
    print(f"| `python -m dashboard quality --json`, whole process (s, median of {args.repeats}) "
          f"| {sorted(walls)[len(walls) // 2]:.1f} |")
    print(f"| the same, CPU time (user + system, s) | {sorted(cpus)[len(cpus) // 2]:.1f} |")
    print(f"| the first run after the ingest (ingest days read from the database), CPU (s) | {cpus[0]:.1f} |")
    if len(cpus) > 1:
        later = sorted(cpus[1:])
        print(f"| later runs (ingest days from their snapshot), CPU (s, median) | {later[len(later) // 2]:.1f} |")
    print(f"| load average (1 min) while measuring | {os.getloadavg()[0]:.1f} |")
    for name, seconds in parts.items():
        print(f"| {name} (s) | {seconds:.2f} |")
    print(f"| findings (red, amber) | {report['red']}, {report['amber']} |")
    return 0


def _parts(url: str, env: dict) -> dict[str, float]:
    """Load, ingest days and the checks, timed one by one in this process."""
    os.environ["DASHBOARD_VAR_DIR"] = env["DASHBOARD_VAR_DIR"]
    from dashboard.data import db, ingest_days, store
    from dashboard.data.ingest_days import read_first_ingested
    from dashboard.measures.filters import counts_of
    from dashboard.measures.quality import completeness, duplicates, implausible, lateness, silence

    engine = db.open_engine(url)
    out: dict[str, float] = {}

    def timed(name, func, *args):
        t0 = time.perf_counter()
        value = func(*args)
        out[name] = time.perf_counter() - t0
        return value

    data = timed("load the dataset (Parquet snapshot)", store.load_from_db, engine)
    timed("read the first ingest days from the database (once per ingest)", ingest_days._read, engine)
    ingested = timed("the first ingest days from their snapshot", read_first_ingested, engine, data.cases["case_id"])
    counts = timed("daily counts", counts_of, data.cases)
    timed("completeness", completeness.check, data.cases)
    timed("silent provinces", silence.check, counts, data.coverage, 0.05)
    timed("late records and lag curve", lateness.check, data.cases, ingested)
    timed("likely duplicates", duplicates.check, data.cases)
    timed("implausible values", implausible.check, data.cases, counts, data.coverage)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
