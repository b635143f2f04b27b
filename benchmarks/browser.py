"""Speed as the user feels it: this dashboard and a tutorial-style baseline app, in headless chromium.

    python -m benchmarks browser                      # 1,000,000 cases; results in benchmarks/out/browser
    python -m benchmarks browser --quick              # 10,000 cases, 1 and 3 sessions (CI; no timing asserts)
    python -m benchmarks browser --scaling 10k 100k 1M 10M   # page time and CPU per view as cases grow
    python -m benchmarks browser --write-docs         # also rewrite the browser section of docs/BENCHMARKS.md

Both apps run on the same generated data, one after the other, each on a
fresh server (``streamlit run``) on a free loopback port; the browser
refuses every request that leaves the machine. See docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import browser_data as data
from benchmarks import browser_measure as m
from benchmarks import browser_report as report
from benchmarks import browser_servers as servers

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
#: Sizes built by writing the Parquet snapshot directly (a CSV ingest of 10M rows into SQLite does not fit the run).
SNAPSHOT_SIZES = {"10M"}
PROVINCES = ["Kandal", "Siem Reap", "Battambang", "Takeo", "Kampot"]
TO_DATES = ["2014-12-31", "2015-04-30", "2014-06-30", "2015-03-31", "2014-09-30", "2015-04-30"]
SIEM_REAP = 16  # path index on the map: features are in code order, 17 = Siem Reap
SCHEMA_VERSION = 1


def machine() -> dict:
    from benchmarks.run import machine as server_machine

    info = server_machine()
    from importlib.metadata import PackageNotFoundError, version

    for key, dist in (("folium", "folium"), ("streamlit_folium", "streamlit-folium"), ("plotly", "plotly"),
                      ("playwright", "playwright"), ("geopandas", "geopandas"), ("argon2", "argon2-cffi"),
                      ("py_spy", "py-spy")):
        try:
            info[key] = version(dist)
        except PackageNotFoundError:
            info[key] = None
    try:
        info["chromium"] = subprocess.run([m.CHROMIUM, "--version"], capture_output=True, text=True,
                                          timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError, TypeError):
        info["chromium"] = None
    return info


def argon2_verify_cpu_s(repeats: int = 5) -> float:
    """CPU seconds of one password check with the hasher sign-in uses (dashboard.access.auth)."""
    import resource

    from dashboard.access import auth

    hashed = auth._hasher.hash("benchmark password")
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(repeats):
        auth._hasher.verify(hashed, "benchmark password")
    after = resource.getrusage(resource.RUSAGE_SELF)
    return round((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / repeats, 3)


def _app_env(work: Path, extra: list[str] | None = None) -> dict[str, str]:
    p = data.paths(work)
    env = {"DASHBOARD_DB_URL": data.db_url(work), "DASHBOARD_VAR_DIR": str(p["var"]), "DASHBOARD_MODE": "internal"}
    for item in extra or []:
        key, _, value = item.partition("=")
        env[key] = value
    return env


async def _first_pages(browser, app: m.App, warm_views: int) -> dict:
    """Cold (the server's first viewer), then ``warm_views`` new viewers one after another, then reloads."""
    pid = app.server.pid
    out: dict = {"server_start_s": round(app.server.started_s, 3), "rss_idle_mb": servers.rss_mb(pid)}
    cpu0 = servers.cpu_seconds(pid)
    context, pg, outside = await m.new_page(browser)
    cold = await m.open_first_page(app, pg)
    out["cold"] = {k: round(v, 3) for k, v in cold.items()}
    out["cold_cpu_s"] = round(servers.cpu_seconds(pid) - cpu0, 3)
    await m.settle(pg)
    await context.close()
    warm, signin = [], []
    cpu0 = servers.cpu_seconds(pid)
    for _ in range(warm_views):
        context, pg, more = await m.new_page(browser)
        got = await m.open_first_page(app, pg)
        warm.append(got["total_s"])
        if "signin_to_map_s" in got:
            signin.append(got["signin_to_map_s"])
        await m.settle(pg)
        outside += more
        if _ == warm_views - 1:
            break
        await context.close()
    out["warm"] = m.summary(warm)
    if signin:
        out["warm_signin_to_map"] = m.summary(signin)
    out["cpu_per_view_s"] = round((servers.cpu_seconds(pid) - cpu0) / warm_views, 3)
    # the same viewer opening the page again (a reload: signed in by its cookie, caches warm)
    reloads = []
    cpu0 = servers.cpu_seconds(pid)
    for _ in range(warm_views):
        t0 = time.perf_counter()
        await pg.goto(app.server.base + "/")
        await m.wait_drawn(pg)
        reloads.append(time.perf_counter() - t0)
        await m.settle(pg)
    out["reload"] = m.summary(reloads)
    out["cpu_per_reload_s"] = round((servers.cpu_seconds(pid) - cpu0) / warm_views, 3)
    out["outside_requests"] = len(outside)
    return out, context, pg


async def _interactions(app: m.App, context, pg, quick: bool, map_click: bool) -> dict:
    pid = app.server.pid
    out: dict = {"page": app.filter_page}
    await pg.goto(app.server.base + app.filter_page)
    await m.wait_drawn(pg)
    await m.settle(pg)
    cpu0 = servers.cpu_seconds(pid)
    map_only: list[float] = []
    provinces = await m.province_changes(pg, PROVINCES[:1] if quick else PROVINCES, map_only)
    dates = await m.date_changes(pg, TO_DATES[:2] if quick else TO_DATES)
    clicks = await m.map_clicks(pg, SIEM_REAP, 2 if quick else 6) if map_click else []
    changes = len(provinces) + len(dates) + len(clicks)
    out["cpu_per_change_s"] = round((servers.cpu_seconds(pid) - cpu0) / changes, 3)
    out["province"] = m.summary(provinces)
    out["province_map_only"] = m.summary(map_only)
    out["date"] = m.summary(dates)
    out["map_click"] = m.summary(clicks) if map_click else None
    out["zoom_reruns_script"] = await m.zoom_reruns(pg)
    await context.close()
    return out


def _py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return found if Path(found).exists() else None


async def _profiled_load(browser, app: m.App, sessions: int, out_dir: Path, seconds_cap: int = 600) -> dict:
    """A second round of ``sessions`` viewers plus filter changes, sampled by py-spy on the live server."""
    spy = _py_spy()
    if not spy:
        return {"error": "py-spy is not installed (pip install -r requirements-dev.txt)"}
    raw = out_dir / f"profile_{app.name}.txt"
    svg = out_dir / f"profile_{app.name}.svg"
    procs = [subprocess.Popen([spy, "record", "--pid", str(app.server.pid), "--rate", "100", "--format", fmt,
                               "--output", str(path), "--duration", str(seconds_cap), "--nonblocking"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for fmt, path in (("raw", raw), ("flamegraph", svg))]
    await asyncio.sleep(1.5)  # py-spy attaches
    t0 = time.perf_counter()
    load = await m.concurrent_sessions(browser, app, sessions)
    context, pg, _ = await m.new_page(browser)
    await m.open_first_page(app, pg)
    await pg.goto(app.server.base + app.filter_page)
    await m.wait_drawn(pg)
    await m.province_changes(pg, PROVINCES[:3])
    await m.date_changes(pg, TO_DATES[:4])
    await context.close()
    wall = time.perf_counter() - t0
    for proc in procs:
        proc.send_signal(2)  # SIGINT: py-spy writes its output and exits
    for proc in procs:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    if not raw.exists():
        return {"error": "py-spy wrote no profile: "
                + (procs[0].stderr.read().decode()[-500:] if procs[0].stderr else "")}
    result = report.profile_summary(raw.read_text())
    result.update({"wall_s": round(wall, 1), "load": load, "raw": raw.name,
                   "flamegraph": svg.name if svg.exists() else None})
    return result


async def run_app(browser, app: m.App, args, map_click: bool, out_dir: Path) -> dict:
    """Every measure for one app, on its own fresh server."""
    first, context, pg = await _first_pages(browser, app, args.warm_views)
    result: dict = {"first_page": first}
    result["interactions"] = await _interactions(app, context, pg, args.quick, map_click)
    rounds = []
    for n in args.sessions:
        rounds.append(await m.concurrent_sessions(browser, app, n))
        print(f"[browser] {app.name}: {n} sessions: {rounds[-1]}", flush=True)
    result["concurrent"] = rounds
    if len(rounds) > 1:
        lo, hi = rounds[0], rounds[-1]
        result["rss_per_extra_session_mb"] = round(
            (hi["rss_open_mb"] - lo["rss_open_mb"]) / (hi["sessions"] - lo["sessions"]), 1)
    result["rss_after_mb"] = servers.rss_mb(app.server.pid)
    result["cpu_total_s"] = round(servers.cpu_seconds(app.server.pid), 2)
    if args.profile and app.name in args.profile:
        try:
            result["profile"] = await _profiled_load(browser, app, max(args.sessions), out_dir)
        except Exception as err:  # noqa: BLE001 - the measures above stand without the profile
            result["profile"] = {"error": f"{type(err).__name__}: {str(err)[:300]}"}
    return result


async def _main_run(args, work: Path, out_dir: Path) -> dict:
    from playwright.async_api import async_playwright

    print(f"[browser] preparing {args.cases:,} cases in {work} ...", flush=True)
    how = "snapshot" if args.cases >= 10_000_000 else "ingest"
    dataset = data.prepare_in_subprocess(work, args.cases, how)
    print(f"[browser] dataset: {dataset}", flush=True)
    password = data.paths(work)["password"].read_text().strip()
    results: dict = {"dataset": dataset}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=m.CHROMIUM, args=m.CHROMIUM_ARGS)
        for name in args.apps:
            if name == "app":
                server = servers.start_app(work, _app_env(work, args.app_env))
                app = m.App("app", server, password, filter_page="/cases")
            else:
                server = servers.start_baseline(work, data.paths(work)["csv"],
                                                ROOT / "geodata" / "khm_adm1_geoboundaries.geojson")
                app = m.App("baseline", server, None, filter_page="/")
            try:
                print(f"[browser] {name}: server up in {server.started_s:.1f} s (pid {server.pid})", flush=True)
                results[name] = await run_app(browser, app, args, map_click=(name == "app"), out_dir=out_dir)
                print(f"[browser] {name}: {json.dumps(results[name])}", flush=True)
                (out_dir / "browser.partial.json").write_text(json.dumps(results, indent=2))
            finally:
                server.stop()
        await browser.close()
    return results


async def _scaling_run(args, base_work: Path) -> list[dict]:
    """This app only: first page (cold and warm), CPU per view and memory at each size."""
    from playwright.async_api import async_playwright

    rows = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=m.CHROMIUM, args=m.CHROMIUM_ARGS)
        for label in args.scaling:
            cases = SIZES[label]
            how = "snapshot" if label in SNAPSHOT_SIZES else "ingest"
            work = base_work / f"cases_{cases}"  # the same folder as a main run of that size: reused
            print(f"[browser] scaling {label}: preparing ({how}) ...", flush=True)
            row: dict = {"size": label, "how": how}
            try:
                t0 = time.perf_counter()
                row["dataset"] = data.prepare_in_subprocess(work, cases, how)
                row["prepare_s"] = round(time.perf_counter() - t0, 1)
                password = data.paths(work)["password"].read_text().strip()
                server = servers.start_app(work, _app_env(work, args.app_env))
            except Exception as err:  # noqa: BLE001 - the size where something breaks is a result
                row["error"] = f"{type(err).__name__}: {str(err)[-500:]}"
                rows.append(row)
                continue
            try:
                app = m.App("app", server, password, filter_page="/cases")
                first, context, pg = await _first_pages(browser, app, args.warm_views)
                row["first_page"] = first
                await pg.goto(server.base + "/cases")
                await m.wait_drawn(pg)
                await m.settle(pg)
                cpu0 = servers.cpu_seconds(server.pid)
                samples = await m.province_changes(pg, PROVINCES[:2])
                row["province"] = m.summary(samples)
                row["cpu_per_change_s"] = round((servers.cpu_seconds(server.pid) - cpu0) / len(samples), 3)
                await context.close()
                row["rss_mb"] = servers.rss_mb(server.pid)
                row["peak_rss_mb"] = _peak_rss_mb(server.pid)
                row["loadavg"] = servers.loadavg()
            except Exception as err:  # noqa: BLE001
                row["error"] = f"{type(err).__name__}: {str(err)[-500:]}"
            finally:
                server.stop()
            print(f"[browser] scaling {label}: {json.dumps(row)}", flush=True)
            rows.append(row)
        await browser.close()
    return rows


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks browser", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases, sessions 1 and 3, fewer repeats (CI)")
    parser.add_argument("--cases", type=int, default=None, help="cases in the generated dataset (default 1,000,000)")
    parser.add_argument("--sessions", type=int, nargs="+", default=None, help="concurrent sessions (default 1 5 20)")
    parser.add_argument("--warm-views", type=int, default=None, help="warm first-page views per app (default 3)")
    parser.add_argument("--apps", nargs="+", choices=["app", "baseline"], default=["app", "baseline"])
    parser.add_argument("--scaling", nargs="*", choices=[k for k in SIZES if k != "2k"], default=None,
                        help="also (or with --no-main, only) measure this app at these sizes")
    parser.add_argument("--no-main", action="store_true", help="skip the side-by-side run (with --scaling)")
    parser.add_argument("--profile", nargs="*", choices=["app", "baseline"], default=None,
                        help="sample the server with py-spy under load (default with the flag: app)")
    parser.add_argument("--app-env", nargs="+", default=[], metavar="KEY=VALUE",
                        help="extra environment for this app's server, e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false "
                             "(to measure a setting before changing it)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "browser", help="results folder")
    parser.add_argument("--work", type=Path, default=None,
                        help="where datasets go (kept and reused between runs); default: a temporary folder")
    parser.add_argument("--write-docs", action="store_true", help="rewrite the browser section of docs/BENCHMARKS.md")
    parser.add_argument("--from-json", type=Path, nargs="+", default=None, metavar="JSON",
                        help="run nothing: rebuild the tables (and with --write-docs the docs) from saved results")
    args = parser.parse_args(argv)
    args.cases = args.cases or (10_000 if args.quick else 1_000_000)
    args.sessions = args.sessions or ([1, 3] if args.quick else [1, 5, 20])
    args.warm_views = args.warm_views or (2 if args.quick else 3)
    if args.profile == []:
        args.profile = ["app"]
    return args


def merge_saved(files: list[Path]) -> dict:
    """Saved runs combined: a later file's main run or scaling rows replace an earlier one's."""
    merged: dict = {}
    for path in files:
        saved = json.loads(path.read_text())
        header = {k: v for k, v in saved.items() if k not in ("main", "scaling")}
        merged.update(header)
        for part in ("main", "scaling"):
            if saved.get(part):
                merged[part] = saved[part]
                merged[f"{part}_run"] = header  # each table names the run it came from
    return merged


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        results = merge_saved(args.from_json)
        prof = (results.get("main") or {}).get("app", {}).get("profile") or {}
        raw = next((f.parent / prof["raw"] for f in args.from_json
                    if prof.get("raw") and (f.parent / prof["raw"]).exists()), None)
        if raw:  # re-summarise the saved samples (the summary's rules may have changed since the run)
            prof.update(report.profile_summary(raw.read_text()))
        print(report.markdown(results))
        if args.write_docs:
            report.write_docs(ROOT / "docs" / "BENCHMARKS.md", results, args.out)
        return 0
    if not m.CHROMIUM:
        print("chromium is not installed (apt-get install chromium); the browser benchmark needs it.", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC).replace(microsecond=0).isoformat()
    tmp = None
    if args.work is None:
        tmp = tempfile.TemporaryDirectory(prefix="cpu-browser-bench-")
        args.work = Path(tmp.name)
    try:
        results: dict = {"schema": SCHEMA_VERSION, "started": started, "quick": args.quick,
                         "command": "python -m benchmarks browser " + " ".join(sys.argv[2:] if argv is None else argv),
                         "machine": machine(), "targets": report.TARGETS, "cases_requested": args.cases,
                         "sessions": args.sessions, "app_env": args.app_env, "loadavg_start": servers.loadavg(),
                         "argon2_verify_cpu_s": argon2_verify_cpu_s()}
        if not args.no_main:
            results["main"] = asyncio.run(_main_run(args, args.work / f"cases_{args.cases}", args.out))
        if args.scaling:
            results["scaling"] = asyncio.run(_scaling_run(args, args.work))
        results["loadavg_end"] = servers.loadavg()
        results["finished"] = datetime.now(UTC).replace(microsecond=0).isoformat()
    finally:
        if tmp is not None:
            tmp.cleanup()
    name = "browser_scaling" if args.no_main else "browser"
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report.markdown(results)
    (args.out / f"{name}.md").write_text(text)
    print(text)
    if args.write_docs:
        report.write_docs(ROOT / "docs" / "BENCHMARKS.md", results, args.out)
    print(f"[browser] wrote {args.out / (name + '.json')} and {args.out / (name + '.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
