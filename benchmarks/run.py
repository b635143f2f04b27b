"""Benchmark harness: ingest, page reruns, metric queries, map payloads, memory and cold start.

    python -m benchmarks            # 10k, 100k and 1M cases; writes docs/BENCHMARKS.md
    python -m benchmarks --quick    # 10k cases only (CI runs this); writes to --out only

Each size is a synthetic dataset drawn like the demo data, scaled up. The
naive baseline (benchmarks/naive.py) runs in the same process for a side-by-
side ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": 28, "100k": 271, "1M": 2710}  # demo scale factors (369 cases each)
PAGES = ("overview", "coverage", "cases", "arrests", "analysis")
BENCH_USER = ("bench", "admin")
#: Where docs/BENCHMARKS.md's browser section starts; a full run here rewrites only what comes before it.
BROWSER_SECTION = "<!-- browser-section -->"
TARGETS_1M = {"rerun_median_ms": 300, "summary_median_ms": 50, "ingest_s": 60, "peak_rss_mb": 1536,
              "map_payload_kb": 150, "cold_start_s": 3}


def _filter_variants():
    from dashboard.measures.filters import Filters

    return [Filters(provinces=("12",)), Filters(provinces=("12", "17", "18")), Filters(offences=("homicide",)),
            Filters(start=date(2014, 1, 1), end=date(2014, 12, 31)), Filters(),
            Filters(start=date(2015, 1, 1), provinces=("08", "02"), offences=("child rape / sexual abuse",))]


def _timed(func, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = func(*args, **kwargs)
    return time.perf_counter() - t0, out


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem_gb = None
    try:
        mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal")))
        mem_gb = round(mem_kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    import pandas
    import streamlit

    return {"platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cores": os.cpu_count(), "memory_gb": mem_gb, "streamlit": streamlit.__version__,
            "pandas": pandas.__version__}


def bench_size(label: str, scale: int, work: Path, repeats: int) -> dict:
    import sqlalchemy as sa

    from benchmarks import naive
    from dashboard.access import auth
    from dashboard.data import db
    from dashboard.data.demo import generate
    from dashboard.data.ingest import ingest_file
    from dashboard.data.store import load_from_db
    from dashboard.geo.boundary_join import load_boundaries
    from dashboard.measures import metrics
    from dashboard.measures.filters import Filters, counts_for
    from dashboard.render import maps

    result: dict = {"size": label}
    data = generate(seed=646, scale=scale)
    csv = work / f"cases_{label}.csv"
    data.cases.to_csv(csv, index=False)
    (work / f"coverage_{label}.csv").write_text(data.coverage.to_csv(index=False))
    result["rows"] = len(data.cases)
    result["csv_mb"] = round(csv.stat().st_size / 1e6, 1)
    url = f"sqlite:///{work / f'bench_{label}.sqlite3'}"
    engine = db.open_engine(url)
    ingest_s, res = _timed(ingest_file, engine, csv)
    assert res.written, res.report.to_text(limit=5)
    ingest_file(engine, work / f"coverage_{label}.csv", kind="coverage")
    # real (non-demo) data needs sign-in: the app runs below as a signed-in admin
    auth.add_user(engine, BENCH_USER[0], BENCH_USER[1], secrets.token_urlsafe(16))
    result["ingest_s"] = round(ingest_s, 2)
    result["ingest_rows_per_s"] = round(len(data.cases) / ingest_s)

    load_s, ds = _timed(load_from_db, engine)
    result["load_first_s"] = round(load_s, 2)  # SQL read + snapshot write
    load_s, ds = _timed(load_from_db, engine)
    result["load_snapshot_s"] = round(load_s, 2)

    counts_s, counts = _timed(lambda: counts_for(ds))  # built once per data version, as in the app
    result["counts_build_s"] = round(counts_s, 3)
    result["counts_rows"] = len(counts)
    victim = Filters(sexes=("F",), age_bands=("12-14",))  # the victim filters count by every dimension
    victim_s, victim_counts = _timed(lambda: counts_for(ds, victim))
    result["victim_counts_build_s"] = round(victim_s, 3)
    result["victim_counts_rows"] = len(victim_counts)
    result["victim_summary_median_ms"] = _median_ms(
        [_timed(metrics.summary, victim_counts, ds.coverage, victim)[0] for _ in range(max(repeats, 3))])
    variants = _filter_variants()
    queries = {}
    for name in ("summary", "by_province", "monthly"):
        samples = []
        for _ in range(repeats):
            for f in variants:
                if name == "summary":
                    samples.append(_timed(metrics.summary, counts, ds.coverage, f)[0])
                else:
                    samples.append(_timed(getattr(metrics, name), counts, f)[0])
        queries[name] = _median_ms(samples)
    result["query_median_ms"] = queries
    naive_frame = naive.read_all(engine)
    base_variants = variants[:2] if len(data.cases) <= 100_000 else variants[:1]  # the baseline is slow
    base_queries = {}
    for name in ("summary", "by_province", "monthly"):
        samples = [_timed(getattr(naive, name), naive_frame, f)[0] for f in base_variants]
        base_queries[name] = _median_ms(samples)
    result["baseline_query_median_ms"] = base_queries

    boundaries = load_boundaries()
    per = metrics.by_province(ds.cases)
    covered = metrics.active_provinces(ds.coverage, ds.as_of)
    styles, legend = maps.choropleth_styles(boundaries, per, covered, "count", "quantiles")
    result["map_payload_kb"] = round(maps.payload_bytes(maps.build_map(boundaries, styles, "Cases", legend)) / 1024, 1)
    cov_styles, cov_legend = maps.coverage_styles(boundaries, ds.coverage, ds.as_of)
    result["coverage_map_payload_kb"] = round(
        maps.payload_bytes(maps.build_map(boundaries, cov_styles, "Coverage", cov_legend,
                                          boundaries.vintage_note())) / 1024, 1)

    result["rerun_median_ms"] = _app_reruns(url, work, repeats)
    base = {}
    for page in PAGES:
        samples, payload = [], 0
        for f in base_variants:
            t, payload = _timed(naive.page_data_path, engine, page, f)
            samples.append(t)
        base[page] = _median_ms(samples)
        if payload:
            result["baseline_map_payload_kb"] = round(payload / 1024, 1)
    result["baseline_rerun_median_ms"] = base
    result["cold_start"] = _cold_start(url, work)
    result["baseline_cold_start"] = _cold_start(url, work, {"DASHBOARD_SNAPSHOT": "0"})
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(db.cases)).scalar() == len(data.cases)
    engine.dispose()
    return result


def _app_reruns(url: str, work: Path, repeats: int) -> dict:
    """Median server-side time of a full page rerun after a province filter change (AppTest)."""
    from streamlit.testing.v1 import AppTest

    from dashboard.access import sessions
    from dashboard.data import db
    from dashboard.ui.signin import SESSION_KEY

    os.environ["DASHBOARD_DB_URL"] = url
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[SESSION_KEY] = sessions.create(db.open_engine(url), BENCH_USER[0])  # as a sign-in would
    at.run()
    choices = [["Phnom Penh"], ["Phnom Penh", "Siem Reap"], ["Kandal"], [], ["Battambang", "Takeo", "Kampot"]]
    out = {}
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        samples = []
        for _ in range(repeats):
            for names in choices:
                at.multiselect(key="province").set_value(names)
                t, _ = _timed(at.run)
                if at.exception:
                    raise RuntimeError(f"{page}: {at.exception[0].value}")
                samples.append(t)
        out[page] = _median_ms(samples)
    return out


def _cold_start(url: str, work: Path, extra: dict | None = None) -> dict:
    env = {**os.environ, "DASHBOARD_DB_URL": url, **(extra or {})}
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-m", "benchmarks.probe"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"cold_start_s": round(report["first_render_at"] - t0, 2), "peak_rss_mb": round(report["peak_rss_mb"])}


def _ratio(base: float, opt: float) -> str:
    return f"{base / opt:,.0f}×" if opt else "–"


def markdown(results: list[dict], info: dict, quick: bool) -> str:
    lines = ["# Benchmarks", "",
             f"Run on {info['generated']} with `python -m benchmarks{' --quick' if quick else ''}`.", "",
             f"Machine: {info['machine']['cpu']}, {info['machine']['cores']} cores, {info['machine']['memory_gb']} GB, "
             f"{info['machine']['platform']}, Python {info['machine']['python']}, "
             f"Streamlit {info['machine']['streamlit']}, "
             f"pandas {info['machine']['pandas']}.", "",
             "Datasets are drawn like the SYNTHETIC demo data (same rollout, population weights, offence mix and "
             "arrest share), scaled up. Times are medians over six filter variants (page reruns: five province "
             "selections). Metric queries run on the daily counts (`measures.filters.counts_for`), as the app and "
             "CLI do; building them is a one-off per data version, listed below (a victim sex or age filter "
             "counts by those too: a second, larger table, built the first time such a filter is used). "
             "The baseline is `benchmarks/naive.py`: a database read on every rerun, `itertuples` "
             "row loops, no caching, full-resolution geometry; its page time is the data path only (no Streamlit "
             "rendering), so the ratios understate the gap.", "",
             "## Headline", "", "| measure | " + " | ".join(r["size"] for r in results) + " | target at 1M |",
             "|---|" + "---|" * (len(results) + 1)]

    def row(name, fn, target=""):
        lines.append(f"| {name} | " + " | ".join(fn(r) for r in results) + f" | {target} |")

    row("rows", lambda r: f"{r['rows']:,}")
    row("ingest CSV → SQLite, validation included (s)", lambda r: f"{r['ingest_s']}", "≤ 60 s")
    row("filter change → page rerun, slowest page median (ms)",
        lambda r: f"{max(r['rerun_median_ms'].values()):,.0f}", "≤ 300 ms")
    row("summary query median (ms)", lambda r: f"{r['query_median_ms']['summary']}", "≤ 50 ms")
    row("province map payload (KB)", lambda r: f"{r['map_payload_kb']}", "≤ 150 KB")
    row("peak RSS of the app process (MB)", lambda r: f"{r['cold_start']['peak_rss_mb']:,}", "≤ 1,536 MB")
    row("cold start → Overview rendered (s)", lambda r: f"{r['cold_start']['cold_start_s']}", "≤ 3 s")
    lines += ["", "## Page reruns (server side, ms, median) against the naive baseline", "",
              "| size | page | optimised | baseline | ratio |", "|---|---|---|---|---|"]
    for r in results:
        for page in PAGES:
            opt, base = r["rerun_median_ms"][page], r["baseline_rerun_median_ms"][page]
            lines.append(f"| {r['size']} | {page} | {opt:,.0f} | {base:,.0f} | {_ratio(base, opt)} |")
    lines += ["", "## Metric queries (ms, median)", "", "| size | query | optimised | baseline | ratio |",
              "|---|---|---|---|---|"]
    for r in results:
        for q, opt in r["query_median_ms"].items():
            base = r["baseline_query_median_ms"][q]
            lines.append(f"| {r['size']} | {q} | {opt} | {base:,.0f} | {_ratio(base, opt)} |")
    lines += ["", "## Loading, payload, memory and cold start", "",
              "| size | ingest rows/s | first load (SQL, s) | load from snapshot (s) | daily counts: rows, build s | "
              "map KB (cases / coverage) | baseline map KB | cold start s (snapshot / none) | "
              "peak RSS MB (snapshot / none) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['size']} | {r['ingest_rows_per_s']:,} | {r['load_first_s']} | {r['load_snapshot_s']} | "
                     f"{r['counts_rows']:,}, {r['counts_build_s']} | "
                     f"{r['map_payload_kb']} / {r['coverage_map_payload_kb']} | "
                     f"{r.get('baseline_map_payload_kb', '–')} | "
                     f"{r['cold_start']['cold_start_s']} / {r['baseline_cold_start']['cold_start_s']} | "
                     f"{r['cold_start']['peak_rss_mb']:,} / {r['baseline_cold_start']['peak_rss_mb']:,} |")
    lines += ["", "## Victim filters (sex, age band)", "",
              "| size | counts by every dimension: rows, build s | summary with a victim filter (ms, median) |",
              "|---|---|---|"]
    for r in results:
        lines.append(f"| {r['size']} | {r['victim_counts_rows']:,}, {r['victim_counts_build_s']} | "
                     f"{r['victim_summary_median_ms']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases only (CI)")
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), help="which sizes (default: all)")
    parser.add_argument("--repeats", type=int, default=None, help="passes over the filter variants")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out", help="results folder")
    parser.add_argument("--docs", type=Path, default=None,
                        help="Markdown report path "
                             "(default: docs/BENCHMARKS.md for full runs, OUT/BENCHMARKS.md for --quick)")
    args = parser.parse_args(argv)
    sizes = ["10k"] if args.quick else (args.sizes or list(SIZES))
    repeats = args.repeats or (1 if args.quick else 2)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cpu-bench-") as tmp:
        os.environ["DASHBOARD_VAR_DIR"] = str(Path(tmp) / "var")
        results = []
        for label in sizes:
            print(f"[bench] {label} ...", flush=True)
            results.append(bench_size(label, SIZES[label], Path(tmp), repeats))
            print(json.dumps(results[-1]), flush=True)
    info = {"generated": datetime.now(UTC).replace(microsecond=0).isoformat(), "machine": machine(),
            "quick": args.quick, "targets_at_1M": TARGETS_1M}
    (args.out / "results.json").write_text(json.dumps({**info, "results": results}, indent=2) + "\n")
    docs = args.docs or (args.out / "BENCHMARKS.md" if args.quick else ROOT / "docs" / "BENCHMARKS.md")
    text = markdown(results, info, args.quick)
    # keep the browser benchmark's section (benchmarks/browser.py)
    if docs.exists() and BROWSER_SECTION in docs.read_text():
        text += "\n" + docs.read_text()[docs.read_text().index(BROWSER_SECTION):]
    docs.write_text(text)
    print(f"[bench] wrote {args.out / 'results.json'} and {docs}")
    return 0
