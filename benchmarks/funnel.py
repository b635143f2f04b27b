"""The funnel at scale: ingest with the stage columns, the funnel's measures, and the Arrests page rerun.

``python -m benchmarks funnel [--cases N] [--repeats R]``: the demo generator scaled up (it writes the stage
columns: charged, charge_date, court_outcome, outcome_date, sentence_years), ingested into SQLite with full
validation, then the funnel measures timed over the benchmark's filter variants, and every page rerun after a
province filter change (AppTest, server side, as ``python -m benchmarks`` measures them), so that the Arrests
page (which now draws the funnel, time to charge and the charge map) is measured beside the slowest page in the
same run. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

from benchmarks.run import BENCH_USER, _app_reruns, _filter_variants, _median_ms, _timed, machine


def run(cases: int, repeats: int, work: Path) -> dict:
    from dashboard.access import auth
    from dashboard.data import db
    from dashboard.data.demo import generate
    from dashboard.data.ingest import ingest_file
    from dashboard.data.store import load_from_db
    from dashboard.measures import funnel

    scale = max(1, round(cases / 369))
    generate_s, data = _timed(generate, seed=646, scale=scale)
    csv = work / "cases.csv"
    data.cases.to_csv(csv, index=False)
    (work / "coverage.csv").write_text(data.coverage.to_csv(index=False))
    url = f"sqlite:///{work / 'bench.sqlite3'}"
    engine = db.open_engine(url)
    ingest_s, result = _timed(ingest_file, engine, csv)
    assert result.written, result.report.to_text(limit=5)
    ingest_file(engine, work / "coverage.csv", kind="coverage")
    auth.add_user(engine, BENCH_USER[0], BENCH_USER[1], secrets.token_urlsafe(16))
    _load, dataset = _timed(load_from_db, engine)
    load_s, dataset = _timed(load_from_db, engine)
    out = {"rows": len(data.cases), "csv_mb": round(csv.stat().st_size / 1e6, 1), "generate_s": round(generate_s, 2),
           "ingest_s": round(ingest_s, 2), "load_snapshot_s": round(load_s, 2), "query_median_ms": {}}
    queries = {"funnel": lambda f: funnel.funnel(dataset.cases, f),
               "funnel_by_province": lambda f: funnel.by_group(dataset.cases, f, "province"),
               "time_to_charge": lambda f: funnel.time_to_stage(dataset.cases, f, "arrest_to_charge"),
               "time_to_outcome": lambda f: funnel.time_to_stage(dataset.cases, f, "charge_to_outcome"),
               "charge_share_by_province": lambda f: funnel.charge_share_by_province(dataset.cases, f)}
    for name, query in queries.items():
        samples = [_timed(query, f)[0] for _ in range(repeats) for f in _filter_variants()]
        out["query_median_ms"][name] = _median_ms(samples)
    out["rerun_median_ms"] = _app_reruns(url, work, repeats)  # every page: the funnel's against the slowest
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks funnel")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DASHBOARD_VAR_DIR"] = str(Path(tmp) / "var")  # the snapshot cache stays in the temporary folder
        result = {"machine": machine(), **run(args.cases, args.repeats, Path(tmp))}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
