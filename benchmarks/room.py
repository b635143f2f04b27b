"""A room full of viewers, as the server feels it: N Streamlit sessions opened at the same moment, without browsers.

    python -m benchmarks room                                  # 1M cases; 1 10 20 50 100 viewers; 1 and 2 processes
    python -m benchmarks room --viewers 1 10 100 --through-nginx --processes 1 2
    python -m benchmarks room --quick                          # 10k cases, 1 and 3 viewers (CI; no timing asserts)

Each viewer is one WebSocket session (benchmarks/room_client.py) with its own signed-in session cookie and its own
nonce cookie (as each browser has), asking for the Cases page and waiting for its run to finish. All N start
together; a wave's figures are connect -> run finished per viewer (p50, p95), errors, the server CPU (user +
system of every dashboard process, from /proc) per view, and views per second (N / the wave's wall time).
The dashboard processes are started as docs/deploy/cpu-dashboard@.service starts them; with --through-nginx the
viewers go through nginx with docs/deploy/nginx.conf over HTTPS, else straight to the processes (spread in turn).
The tutorial-style baseline (benchmarks/baseline_app.py, one process, no sign-in) gets the same waves in the same
run. Sessions are made in the database as the sign-in route makes them: the password check (argon2) is paid once
per person at sign-in, not per view, and is measured by the browser benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import browser_data as data
from benchmarks import browser_servers as servers
from benchmarks.room_client import view

ROOT = Path(__file__).resolve().parent.parent
PAGE = "cases"
SIGNED_IN = "Signed in as"
TARGETS = {"p95_s_100_nginx_2": 4.0, "cpu_per_view_s": 0.05, "scaling_2_over_1": 1.7}


def _wait(url: str, timeout: float = 180) -> None:
    import ssl

    context = ssl._create_unverified_context()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3, context=context) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _cookies(work: Path, count: int, secure: bool) -> list[str]:
    """``count`` signed-in browsers' Cookie headers: a session each (made as /_cpu/session makes it), a nonce each."""
    os.environ["DASHBOARD_VAR_DIR"] = str(data.paths(work)["var"])
    from dashboard.access import cookies, sessions
    from dashboard.data import db

    engine = db.open_engine(data.db_url(work))
    prefix = cookies.HOST_PREFIX if secure else ""
    out = []
    for _ in range(count):
        raw = sessions.create(engine, data.USER)
        out.append(f"{prefix}{cookies.SESSION_COOKIE}={cookies.sign(engine, raw)}; "
                   f"{prefix}{cookies.NONCE_COOKIE}={secrets.token_urlsafe(24)}")
    engine.dispose()
    return out


def _summary(times: list[float]) -> dict:
    if not times:
        return {}
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50_s": round(statistics.median(ordered), 3), "p95_s": round(p95, 3), "max_s": round(ordered[-1], 3)}


async def _wave(bases: list[str], page: str, cookies: list[str], markers: tuple[str, ...]) -> tuple[list, float]:
    t0 = time.perf_counter()
    views = await asyncio.gather(*[view(bases[i % len(bases)], page, cookies[i], markers)
                                   for i in range(len(cookies))])
    return views, time.perf_counter() - t0


def run_waves(label: str, bases: list[str], pids: list[int], viewers: list[int], page: str,
              cookie_sets: dict[int, list[str]], warm: list[tuple[str, str]], markers: tuple[str, ...],
              required: str | None) -> list[dict]:
    """One warm-up view per process, then one wave per viewer count; returns a row per wave."""
    for base, cookie in warm:  # the first view of each process (its caches) is not the room's
        first = asyncio.run(view(base, page, cookie, markers))
        if first.error:
            raise RuntimeError(f"{label}: the warm-up view failed: {first.error}")
    rows = []
    for count in viewers:
        cpu0 = sum(servers.cpu_seconds(pid) for pid in pids)
        views, wall = asyncio.run(_wave(bases, page, cookie_sets[count], markers))
        cpu = sum(servers.cpu_seconds(pid) for pid in pids) - cpu0
        errors = [v.error or f"not '{required}'" for v in views
                  if v.error or (required and required not in v.markers)]
        ok = [v.seconds for v in views if v.seconds is not None and not v.error]
        row = {"app": label, "viewers": count, "errors": len(errors), "error_kinds": sorted(set(errors))[:3],
               **_summary(ok), "wall_s": round(wall, 3), "views_per_s": round(len(ok) / wall, 2) if wall else None,
               "cpu_s": round(cpu, 2), "cpu_per_view_s": round(cpu / count, 3),
               "kb_per_view": round(sum(v.bytes for v in views) / count / 1024, 1), "load": servers.loadavg()}
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def _app_run(work: Path, processes: int, nginx: bool, viewers: list[int], tmp: Path) -> list[dict]:
    from dashboard.devtools import deployment

    p = data.paths(work)
    unit = deployment.unit_text(p["var"])
    ports = [servers.free_port() for _ in range(processes)]
    procs, proxy = [], None
    env = {"DASHBOARD_DB_URL": data.db_url(work), "DASHBOARD_MODE": "internal"}
    try:
        for port in ports:
            procs.append(deployment.start_process(unit, port, env, tmp / f"app-{port}.log"))
        for port in ports:
            _wait(f"http://127.0.0.1:{port}/_cpu/health")
        direct = [f"http://127.0.0.1:{port}" for port in ports]
        bases = direct
        if nginx:
            folder = tmp / f"nginx-{processes}"
            folder.mkdir()
            https_port = servers.free_port()
            main = deployment.nginx_conf(folder, ports, servers.free_port(), https_port)
            checked = deployment.check_nginx(folder, main)
            if checked.returncode != 0:
                raise RuntimeError(checked.stderr)
            proxy = deployment.start_nginx(folder, main)
            bases = [f"https://localhost:{https_port}"]
            _wait(bases[0] + "/_cpu/health")
        secure = nginx
        cookie_sets = {n: _cookies(work, n, secure) for n in viewers}
        warm = list(zip(direct, _cookies(work, len(direct), False)))
        label = f"app, {processes} process{'es' if processes > 1 else ''}" + (", nginx" if nginx else "")
        rows = run_waves(label, bases, [pr.pid for pr in procs], viewers, PAGE, cookie_sets, warm,
                         (SIGNED_IN,), SIGNED_IN)
        for row in rows:
            row.update(processes=processes, nginx=nginx)
        return rows
    finally:
        if proxy:
            proxy.terminate()
            proxy.wait(timeout=20)
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)


def _baseline_run(work: Path, viewers: list[int]) -> list[dict]:
    server = servers.start_baseline(work, data.paths(work)["csv"], ROOT / "geodata" / "khm_adm1_geoboundaries.geojson")
    try:
        cookies = {n: [f"viewer={i}" for i in range(n)] for n in viewers}
        rows = run_waves("baseline", [server.base], [server.pid], viewers, "", cookies, [(server.base, "x=1")], (),
                         None)
        for row in rows:
            row.update(processes=1, nginx=False)
        return rows
    finally:
        server.stop()


def markdown(result: dict) -> str:
    """The results as a Markdown table (for docs/BENCHMARKS.md)."""
    lines = [f"{result['cases']:,} cases; {result['machine']['cores']} cores; load before the run "
             f"{result['load_before']}; {result['at']}.", "",
             "| app | viewers | p50 s | p95 s | max s | errors | views/s | server CPU s per view | KB per view "
             "| load |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in result["rows"]:
        lines.append(f"| {r['app']} | {r['viewers']} | {r.get('p50_s', '-')} | {r.get('p95_s', '-')} | "
                     f"{r.get('max_s', '-')} | {r['errors']} | {r['views_per_s']} | {r['cpu_per_view_s']} | "
                     f"{r['kb_per_view']} | {r['load']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks room", description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, nargs="+", default=None,
                        help="viewers per wave (default 1 10 20 50 100)")
    parser.add_argument("--processes", type=int, nargs="+", default=None, choices=[1, 2],
                        help="dashboard processes (default 1 2)")
    parser.add_argument("--through-nginx", action="store_true", help="through nginx with docs/deploy/nginx.conf")
    parser.add_argument("--quick", action="store_true", help="10,000 cases, 1 and 3 viewers (CI)")
    parser.add_argument("--cases", type=int, default=None, help="cases in the generated dataset (default 1,000,000)")
    parser.add_argument("--apps", nargs="+", choices=["app", "baseline"], default=["app", "baseline"],
                        help="which apps (default both: this dashboard and the tutorial-style baseline)")
    parser.add_argument("--work", type=Path, default=None, help="where the dataset goes (kept and reused)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "room", help="results folder")
    args = parser.parse_args(argv)
    cases = args.cases or (10_000 if args.quick else 1_000_000)
    viewers = args.viewers or ([1, 3] if args.quick else [1, 10, 20, 50, 100])
    processes = args.processes or [1, 2]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="room-") as tmp_name:
        tmp = Path(tmp_name)
        work = args.work or tmp / "data"
        meta = data.prepare_in_subprocess(work, cases, "ingest")
        from benchmarks.run import machine

        result = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "cases": meta["rows"],
                  "machine": machine(), "load_before": servers.loadavg(), "page": PAGE, "rows": []}
        if "baseline" in args.apps:
            result["rows"] += _baseline_run(work, viewers)
        for count in processes if "app" in args.apps else []:
            result["rows"] += _app_run(work, count, args.through_nginx, viewers, tmp)
    (args.out / "room.json").write_text(json.dumps(result, indent=2))
    (args.out / "room.md").write_text(markdown(result))
    print(markdown(result))
    return 0
