"""The browser benchmark's Markdown tables, the py-spy summary, and the generated blocks of docs/BENCHMARKS.md."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

#: Issue 12's targets (2-core machine, 1M cases, this app).
TARGETS = {"filter_redraw_s": 0.25, "cpu_per_view_s": 0.25, "sessions_20_p95_s": 4.0, "sessions_20_errors": 0,
           "first_page_s": 2.0, "rss_per_session_mb": 15.0}
#: Where a sample's stack passes through, by module (inclusive shares in the profile summary).
AREAS = {"folium / branca / jinja2 (map HTML)": ("folium/", "branca/", "jinja2/"),
         "streamlit_folium": ("streamlit_folium/",), "plotly": ("plotly/", "_plotly_utils/"),
         "argon2 (password hash)": ("argon2/",), "pandas": ("pandas/",), "numpy": ("numpy/",),
         "SQLAlchemy / sqlite": ("sqlalchemy/", "sqlite3/"), "json": ("json/",), "mapclassify": ("mapclassify/",),
         "pyarrow": ("pyarrow/",), "protobuf / forward messages": ("google/protobuf/", "forward_msg"),
         "tornado / starlette / uvicorn": ("tornado/", "starlette/", "uvicorn/", "asyncio/"),
         "streamlit (runtime, caching, elements)": ("streamlit/",), "dashboard (this project)": ("dashboard/",)}
#: Frames every sample passes through (threads, the CLI, the event loop): left out of the inclusive list.
WRAPPERS = ("threading.py", "click/", "runpy", "asyncio/", "uvicorn/", "streamlit/web/cli.py", "streamlit/__main__.py",
            "concurrent/futures/", "selectors.py")
#: Frames where a thread waits rather than computes (py-spy's idle filter misses some of them). Streamlit polls
#: config.toml and secrets.toml every 0.2 s whatever server.fileWatcherType says: samples whose own frame is
#: that poll task are its time.sleep (its real work, the file check, is a frame deeper).
WAITS = ("Condition.wait", "EpollSelector.select", "Event.wait", "_worker (concurrent",
         "PollingPathWatcher._schedule.<locals>.task (")
BLOCKS = ("browser-main", "browser-scaling", "browser-profile")


def _frame_name(frame: str) -> str:
    """'func (path/to/mod.py:12)' -> 'func (mod path without line)'."""
    match = re.match(r"(.*) \((.*?)(?::\d+)?\)$", frame.strip())
    if not match:
        return frame.strip()
    func, path = match.groups()
    short = re.sub(r"^.*?/(site-packages|dist-packages|lib/python3\.\d+)/", "", path)
    short = re.sub(r"^.*/(dashboard|benchmarks|pages)/", r"\1/", short)
    return f"{func} ({short})"


def profile_summary(raw: str, top: int = 15) -> dict:
    """Shares of py-spy samples (collapsed stacks: 'frame;frame;... count'), inclusive and self, by function and area."""  # noqa: E501
    total = 0
    inclusive: Counter = Counter()
    own: Counter = Counter()
    areas: Counter = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += n
        names = [_frame_name(f) for f in frames]
        for name in set(names):
            inclusive[name] += n
        own[names[-1]] += n
        for area, marks in AREAS.items():
            if any(mark in f for f in frames for mark in marks):
                areas[area] += n
    pct = (lambda c: round(100 * c / total, 1)) if total else (lambda c: 0.0)
    waiting = sum(v for k, v in own.items() if k.startswith(WAITS))
    return {"samples": total, "waiting_pct": pct(waiting),
            "inclusive": [{"function": k, "pct": pct(v)} for k, v in inclusive.most_common()
                          if not any(w in k for w in WRAPPERS)][:top],
            "self": [{"function": k, "pct": pct(v)} for k, v in own.most_common(top)],
            "project": [{"function": k, "pct": pct(v)} for k, v in inclusive.most_common()
                        if re.search(r"\((dashboard|pages)/|\(app\.py|\(server\.py", k)][:top],
            "areas": [{"area": k, "pct": pct(v)} for k, v in areas.most_common()]}


def _f(value, digits: int = 2, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,.{digits}f}{unit}"
    return str(value)


def _ratio(base, ours) -> str:
    if not isinstance(base, (int, float)) or not isinstance(ours, (int, float)) or not ours:
        return "–"
    return f"{base / ours:.1f}×"


def _met(value, target, lower_is_better: bool = True) -> str:
    if value is None:
        return "no result"
    return "met" if (value <= target if lower_is_better else value >= target) else "**missed**"


def _get(d: dict | None, *keys):
    for k in keys:
        if d is None:
            return None
        d = d.get(k) if isinstance(d, dict) else None
    return d


def _round(rounds: list[dict], n: int) -> dict | None:
    return next((r for r in rounds if r["sessions"] == n), None)


def main_table(results: dict) -> list[str]:
    main = results.get("main") or {}
    app, base = main.get("app"), main.get("baseline")
    ds = main.get("dataset") or {}
    t = TARGETS
    lines = [f"Dataset: {ds.get('rows', 0):,} cases ({ds.get('how')}; CSV {ds.get('csv_mb')} MB). "
             "Times in seconds, wall clock in the harness, from the user's action to the script finished and the "
             "map's polygons drawn. Ratio = baseline ÷ this app (above 1: this app is faster or cheaper).", "",
             "| measure | this app | tutorial-style baseline | ratio | target (this app) |",
             "|---|---|---|---|---|"]

    def row(name, a, b, target="", digits=2, ratio=True):
        lines.append(f"| {name} | {_f(a, digits)} | {_f(b, digits)} | {_ratio(b, a) if ratio else '–'} | {target} |")

    fa, fb = _get(app, "first_page"), _get(base, "first_page")
    cold = _get(fa, "cold", "total_s")
    row("first page after server start (cold), open → map drawn, sign-in included", cold,
        _get(fb, "cold", "total_s"), f"≤ {t['first_page_s']} s: {_met(cold, t['first_page_s'])}")
    row("… of which sign-in click → Overview map drawn", _get(fa, "cold", "signin_to_map_s"), None, ratio=False)
    row("server start (spawn → health check answers)", _get(fa, "server_start_s"), _get(fb, "server_start_s"))
    row("first page, new viewer, warm server (median)", _get(fa, "warm", "median_s"), _get(fb, "warm", "median_s"))
    row("… of which sign-in click → map drawn (median)", _get(fa, "warm_signin_to_map", "median_s"), None, ratio=False)
    row("reload of the first page, signed in (median)", _get(fa, "reload", "median_s"), _get(fb, "reload", "median_s"))
    ia, ib = _get(app, "interactions"), _get(base, "interactions")
    prov = _get(ia, "province", "median_s")
    row("province filter → map redrawn (median)", prov, _get(ib, "province", "median_s"),
        f"≤ {t['filter_redraw_s']} s: {_met(prov, t['filter_redraw_s'])}", 3)
    row("province filter → map redrawn (p95)", _get(ia, "province", "p95_s"), _get(ib, "province", "p95_s"), digits=3)
    row("… of which the map alone redrawn, before the rest of the page finished (median)",
        _get(ia, "province_map_only", "median_s"), _get(ib, "province_map_only", "median_s"), digits=3)
    date = _get(ia, "date", "median_s")
    row("date change → map redrawn (median)", date, _get(ib, "date", "median_s"),
        f"≤ {t['filter_redraw_s']} s: {_met(date, t['filter_redraw_s'])}", 3)
    click = _get(ia, "map_click", "median_s")
    lines.append(f"| map click on a province → filter applied → redrawn (median) | {_f(click, 3)} | "
                 f"no click filter | – | ≤ {t['filter_redraw_s']} s: {_met(click, t['filter_redraw_s'])} |")
    lines.append(f"| pan/zoom reruns the script | {_f(_get(ia, 'zoom_reruns_script'))} | "
                 f"{_f(_get(ib, 'zoom_reruns_script'))} | – | |")
    rounds_a, rounds_b = (app or {}).get("concurrent", []), (base or {}).get("concurrent", [])
    for n in results.get("sessions", []):
        ra, rb = _round(rounds_a, n), _round(rounds_b, n)
        target = ""
        if n == 20:
            ok = ra and ra["p95_s"] is not None and ra["p95_s"] <= t["sessions_20_p95_s"] and ra["errors"] == 0
            target = f"p95 ≤ {t['sessions_20_p95_s']} s, 0 errors: {'met' if ok else '**missed**'}"
        row(f"{n} sessions opening the first page at once: median", _get(ra, "median_s"), _get(rb, "median_s"), target)
        row(f"{n} sessions: p95", _get(ra, "p95_s"), _get(rb, "p95_s"))
        row(f"{n} sessions: errors", _get(ra, "errors"), _get(rb, "errors"), digits=0, ratio=False)
    top = max(results.get("sessions", [1]))
    cpu = _get(_round(rounds_a, top), "cpu_per_view_s")
    row(f"server CPU per page view, {top} sessions at once (sign-in included)", cpu,
        _get(_round(rounds_b, top), "cpu_per_view_s"),
        f"≤ {t['cpu_per_view_s']} s: {_met(cpu, t['cpu_per_view_s'])}", 3)
    row(f"chromium's CPU per page view, {top} sessions at once (the browsers share the 2 cores)",
        _get(_round(rounds_a, top), "client_cpu_per_view_s"), _get(_round(rounds_b, top), "client_cpu_per_view_s"),
        digits=3, ratio=False)
    lines.append(f"| load average during the {top}-session round | {_f(_get(_round(rounds_a, top), 'loadavg'))} | "
                 f"{_f(_get(_round(rounds_b, top), 'loadavg'))} | – | |")
    row("server CPU per page view, new viewers one at a time (sign-in included)", _get(fa, "cpu_per_view_s"),
        _get(fb, "cpu_per_view_s"), digits=3)
    row("server CPU per reload (signed in)", _get(fa, "cpu_per_reload_s"), _get(fb, "cpu_per_reload_s"), digits=3)
    row("server CPU per filter change", _get(ia, "cpu_per_change_s"), _get(ib, "cpu_per_change_s"), digits=3)
    lines.append("| one argon2 password check, CPU s (part of every sign-in) | "
                 f"{_f(results.get('argon2_verify_cpu_s'), 3)} "
                 "| no sign-in | – | |")
    row("server RSS, idle after start (MB)", _get(fa, "rss_idle_mb"), _get(fb, "rss_idle_mb"), digits=0, ratio=False)
    row(f"server RSS with {top} sessions open (MB)", _get(_round(rounds_a, top), "rss_open_mb"),
        _get(_round(rounds_b, top), "rss_open_mb"), digits=0)
    per = _get(app, "rss_per_extra_session_mb")
    row("server RSS per extra open session (MB)", per, _get(base, "rss_per_extra_session_mb"),
        f"≤ {t['rss_per_session_mb']} MB: {_met(per, t['rss_per_session_mb'])}", 1)
    row("requests leaving the machine (refused)", _get(fa, "outside_requests"), _get(fb, "outside_requests"),
        digits=0, ratio=False)
    return lines


def scaling_table(rows: list[dict]) -> list[str]:
    lines = ["| cases | built by | server start s | first page cold s | CPU s of the first viewer (cold) | "
             "first page warm s (median) | reload s (median) | "
             "CPU s per view (new viewer, sign-in incl.) | CPU s per reload | province change s (median) | "
             "CPU s per change | RSS MB after | peak RSS MB | load average | note |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        fp = r.get("first_page") or {}
        rows_n = _get(r, "dataset", "rows")
        lines.append(
            f"| {rows_n:,} | {r.get('how')} | {_f(fp.get('server_start_s'))} | {_f(_get(fp, 'cold', 'total_s'))} | "
            f"{_f(fp.get('cold_cpu_s'))} | "
            f"{_f(_get(fp, 'warm', 'median_s'))} | {_f(_get(fp, 'reload', 'median_s'))} | "
            f"{_f(fp.get('cpu_per_view_s'), 3)} | {_f(fp.get('cpu_per_reload_s'), 3)} | "
            f"{_f(_get(r, 'province', 'median_s'), 3)} | {_f(r.get('cpu_per_change_s'), 3)} | "
            f"{_f(r.get('rss_mb'), 0)} | {_f(r.get('peak_rss_mb'), 0)} | {r.get('loadavg', '')} | "
            f"{r.get('error', '')} |"
            if rows_n else f"| {r['size']} | {r.get('how')} | | | | | | | | | | | | | {r.get('error', '')} |")
    return lines


def profile_lines(profile: dict | None) -> list[str]:
    if not profile:
        return []
    if "error" in profile:
        return [f"Profile: {profile['error']}"]
    load = profile.get("load") or {}
    lines = [f"py-spy, 100 samples/s, on the live server for {profile.get('wall_s')} s while {load.get('sessions')} "
             f"viewers opened the first page at once and one viewer then changed filters: "
             f"{profile['samples']:,} samples of threads py-spy saw as active; "
             f"{profile.get('waiting_pct', '?')}% of them "
             "are in fact waits (a condition variable, the event loop's select), so the shares of real work are "
             "somewhat larger than shown.", "",
             "| where the samples were (inclusive) | share |", "|---|---|"]
    lines += [f"| {a['area']} | {a['pct']}% |" for a in profile["areas"]]
    lines += ["", "| function (inclusive, without thread, CLI and event-loop wrappers) | share |", "|---|---|"]
    lines += [f"| `{x['function']}` | {x['pct']}% |" for x in profile["inclusive"]]
    if profile.get("project"):
        lines += ["", "| this project's functions (inclusive) | share |", "|---|---|"]
        lines += [f"| `{x['function']}` | {x['pct']}% |" for x in profile["project"]]
    lines += ["", "| function (self: the sampled frame itself) | share |", "|---|---|"]
    lines += [f"| `{x['function']}` | {x['pct']}% |" for x in profile["self"]]
    return lines


def _header(results: dict) -> list[str]:
    mc = results.get("machine", {})
    return [f"Run {results.get('started')} → {results.get('finished')} with `{results.get('command')}`. "
            f"Machine: {mc.get('cpu')}, {mc.get('cores')} cores, {mc.get('memory_gb')} GB, {mc.get('platform')}; "
            f"Python {mc.get('python')}, Streamlit {mc.get('streamlit')}, "
            f"streamlit-folium {mc.get('streamlit_folium')}, "
            f"folium {mc.get('folium')}, plotly {mc.get('plotly')}, pandas {mc.get('pandas')}, Playwright "
            f"{mc.get('playwright')}, {mc.get('chromium')} (headless). Load average (1, 5, 15 min) at the start "
            f"{results.get('loadavg_start', '?')}, at the end {results.get('loadavg_end', '?')}: the harness, its "
            "chromium and the server share the 2 cores with whatever else runs.", ""]


def blocks(results: dict) -> dict[str, list[str]]:
    out = {}
    if results.get("main"):
        run = {**results, **results.get("main_run", {})}
        out["browser-main"] = _header(run) + main_table(run)
        prof = _get(results, "main", "app", "profile")
        if prof:
            out["browser-profile"] = profile_lines(prof)
    if results.get("scaling"):
        out["browser-scaling"] = (_header({**results, **results.get("scaling_run", {})})
                                  + scaling_table(results["scaling"]))
    return out


def markdown(results: dict) -> str:
    lines = ["# Browser benchmark", ""]
    titles = {"browser-main": "This app against the tutorial-style baseline", "browser-scaling": "Scaling (this app)",
              "browser-profile": "Profile of this app's server under load"}
    for name, body in blocks(results).items():
        lines += [f"## {titles[name]}", "", *body, ""]
    return "\n".join(lines)


def write_docs(path: Path, results: dict, out_dir: Path) -> None:
    """Replace each generated block (between its markers) in ``path`` with this run's; append missing ones."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    for name, body in blocks(results).items():
        start, end = (f"<!-- {name}:start (generated by python -m benchmarks browser --write-docs) -->",
                      f"<!-- {name}:end -->")
        block = start + "\n" + "\n".join(body) + "\n" + end
        pattern = re.compile(re.escape(start.split(" (")[0]) + r".*?" + re.escape(end), re.S)
        text = (pattern.sub(lambda _, block=block: block, text) if pattern.search(text)
                else text.rstrip("\n") + "\n\n" + block + "\n")
    path.write_text(text)
