"""The browser benchmark (``python -m benchmarks browser``) runs end to end and reports every measure.

Quick mode on a tiny dataset; no timing assertions, only that each measure
exists, is a sane number and the JSON keeps its schema. The run needs
Debian's chromium: skipped, saying why, without it, unless
DASHBOARD_REQUIRE_BROWSER=1 (CI), like tests/test_browser.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import browser_report

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _need_browser() -> None:
    if CHROMIUM:
        pytest.importorskip("playwright.async_api")
        return
    if os.environ.get("DASHBOARD_REQUIRE_BROWSER"):
        raise RuntimeError("DASHBOARD_REQUIRE_BROWSER is set but chromium is not installed (apt-get install chromium)")
    pytest.skip("browser benchmark skipped: Debian's chromium is not installed (apt-get install chromium)")


def _positive(value, name: str) -> None:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{name}: {value!r}"
    assert value >= 0, f"{name}: {value!r}"


def _summary(block: dict, name: str, n: int) -> None:
    assert block["n"] == n, f"{name}: {block}"
    for key in ("median_s", "p95_s", "min_s", "max_s"):
        _positive(block[key], f"{name}.{key}")
    assert block["min_s"] <= block["median_s"] <= block["max_s"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    _need_browser()
    tmp = tmp_path_factory.mktemp("bench-browser")
    out = tmp / "out"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "browser", "--quick", "--cases", "2000",
                           "--sessions", "1", "2", "--warm-views", "1", "--out", str(out), "--work", str(tmp / "work")],
                          cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((out / "browser.json").read_text()), (out / "browser.md").read_text()


def test_quick_run_reports_every_measure_for_both_apps(quick_run):
    results, _ = quick_run
    assert results["schema"] == 1 and results["quick"] is True and results["sessions"] == [1, 2]
    assert results["machine"]["cores"] and results["machine"]["streamlit"]
    _positive(results["argon2_verify_cpu_s"], "argon2_verify_cpu_s")
    main = results["main"]
    assert 1500 <= main["dataset"]["rows"] <= 2500 and main["dataset"]["how"] == "ingest"
    for name in ("app", "baseline"):
        r = main[name]
        first = r["first_page"]
        for key in ("server_start_s", "rss_idle_mb", "cold_cpu_s", "cpu_per_view_s", "cpu_per_reload_s"):
            _positive(first[key], f"{name}.first_page.{key}")
        _positive(first["cold"]["total_s"], f"{name}.cold")
        _summary(first["warm"], f"{name}.warm", 1)
        _summary(first["reload"], f"{name}.reload", 1)
        assert first["outside_requests"] == 0, f"{name} asked for something outside the machine"
        inter = r["interactions"]
        _summary(inter["province"], f"{name}.province", 2)  # one province added, then removed
        _summary(inter["province_map_only"], f"{name}.province_map_only", 2)
        # the map alone is redrawn no later than the map and the rest of the page
        assert inter["province_map_only"]["median_s"] <= inter["province"]["median_s"]
        _summary(inter["date"], f"{name}.date", 2)
        _positive(inter["cpu_per_change_s"], f"{name}.cpu_per_change_s")
        assert isinstance(inter["zoom_reruns_script"], bool)
        assert [c["sessions"] for c in r["concurrent"]] == [1, 2]
        for c in r["concurrent"]:
            assert c["errors"] == 0, c["error_messages"]
            for key in ("median_s", "p95_s", "max_s", "cpu_s", "cpu_per_view_s", "rss_open_mb"):
                _positive(c[key], f"{name}.concurrent.{key}")
            assert c["rss_open_mb"] > 10
        assert isinstance(r["rss_per_extra_session_mb"], float)
        _positive(r["cpu_total_s"], f"{name}.cpu_total_s")
    app = main["app"]
    _positive(app["first_page"]["cold"]["signin_to_map_s"], "app sign-in")
    _summary(app["interactions"]["map_click"], "app.map_click", 2)
    assert main["baseline"]["interactions"]["map_click"] is None  # the baseline has no click filter


def test_quick_run_writes_the_markdown_table(quick_run):
    results, text = quick_run
    assert "| measure | this app | tutorial-style baseline | ratio | target (this app) |" in text
    for measure in ("province filter → map redrawn (median)", "… of which the map alone redrawn",
                    "date change → map redrawn (median)",
                    "map click on a province", "2 sessions: p95", "server CPU per page view",
                    "server RSS per extra open session (MB)"):
        assert measure in text, measure
    assert f"{results['main']['dataset']['rows']:,} cases" in text


def test_profile_summary_counts_inclusive_self_and_areas():
    raw = ("process 1:\"python\";thread (0x1);run (streamlit/runtime/x.py:10);render (folium/folium.py:5) 3\n"
           "process 1:\"python\";thread (0x1);run (streamlit/runtime/x.py:10);hash (argon2/_password_hasher.py:9) 1\n")
    out = browser_report.profile_summary(raw)
    assert out["samples"] == 4
    inclusive = {x["function"]: x["pct"] for x in out["inclusive"]}
    assert inclusive["run (streamlit/runtime/x.py)"] == 100.0
    assert {x["function"]: x["pct"] for x in out["self"]}["render (folium/folium.py)"] == 75.0
    areas = {x["area"]: x["pct"] for x in out["areas"]}
    assert areas["folium / branca / jinja2 (map HTML)"] == 75.0 and areas["argon2 (password hash)"] == 25.0
    assert out["waiting_pct"] == 0.0


def test_profile_summary_counts_the_config_poll_sleep_as_waiting():
    task = "PollingPathWatcher._schedule.<locals>.task (streamlit/watcher/polling_path_watcher.py:90)"
    raw = (f"process 1:\"python\";thread (0x1);{task} 3\n"  # asleep between polls
           f"process 1:\"python\";thread (0x1);{task};_check_if_path_changed (streamlit/watcher/x.py:5) 1\n")
    assert browser_report.profile_summary(raw)["waiting_pct"] == 75.0


def test_write_docs_replaces_only_its_own_blocks(tmp_path):
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text("# Benchmarks\n\nhand-written text\n")
    results = {"started": "s", "finished": "f", "command": "c", "machine": {}, "sessions": [1],
               "scaling": [{"size": "10k", "how": "ingest", "dataset": {"rows": 9963}, "first_page": {}}]}
    browser_report.write_docs(doc, results, tmp_path)
    browser_report.write_docs(doc, results, tmp_path)  # twice: replaced, not appended again
    text = doc.read_text()
    assert text.count("<!-- browser-scaling:start") == 1 and "hand-written text" in text and "| 9,963 |" in text


def test_cpu_of_a_process_tree_keeps_the_time_of_grandchildren_that_exited():
    """A chromium renderer that exits must not take its CPU time out of the browsers' total (it goes into its
    parent's cutime): the tree's CPU only grows."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from benchmarks import browser_servers as servers

    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass\n"
    child = f"import subprocess, sys, time\nsubprocess.run([sys.executable, '-c', {burn!r}])\ntime.sleep(30)\n"
    # root (the harness) -> child (chromium) -> grandchild (a renderer that burns CPU, exits and is waited for)
    parent = subprocess.Popen([sys.executable, "-c",
                               f"import subprocess, sys, time\nsubprocess.Popen([sys.executable, '-c', {child!r}])\n"
                               "time.sleep(30)\n"], start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and servers.cpu_seconds(parent.pid) < 0.4:
            time.sleep(0.05)
        time.sleep(0.3)  # the grandchild has exited and been waited for
        assert servers.cpu_seconds(parent.pid) >= 0.4
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
