"""A `streamlit run server.py` on a loopback port and a chromium page kept offline: shared by the browser tests
and ``python -m dashboard screenshots``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from dashboard.paths import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
#: The app has finished its script run.
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAP_FRAME = '[data-testid="stCustomComponentV1"]'
#: Every plotly chart drawn and no loading placeholder left.
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                       .every(c => c.querySelector('svg.main-svg'))
                   && !document.querySelector('[data-testid="stSkeleton"]')"""
#: ``n`` map frames (any number if 0), each with ``units`` drawn provinces.
MAPS_DRAWN = """([sel, units, n]) => { const fs = [...document.querySelectorAll(sel)];
    return fs.length > 0 && (!n || fs.length === n) && fs.every(f => f.contentDocument &&
        f.contentDocument.querySelectorAll('path.leaflet-interactive').length === units); }"""
LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOCAL_SCHEMES = ("data:", "blob:", "about:", "file:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run server.py` on a free loopback port; returns the process and its base URL."""
    port = free_port()
    env = {**os.environ, "DASHBOARD_VAR_DIR": str(tmp / "var"), **env_extra}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "server.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    prefix = env_extra.get("STREAMLIT_SERVER_BASE_URL_PATH", "").strip("/")
    health_path = f"/{prefix}/_stcore/health" if prefix else "/_stcore/health"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}{health_path}", timeout=2) as resp:
                if resp.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start within 60 s")


@contextmanager
def serving(tmp: Path, env_extra: dict[str, str]) -> Iterator[str]:
    """A `streamlit run server.py` on a free loopback port for the ``with`` block; yields its base URL.

    With an empty ``tmp`` folder and no database settings it serves the synthetic demo data in demo mode.
    """
    proc, base = start(tmp, env_extra)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def keep_offline(target) -> None:
    """The app must work with no internet: record and refuse every request of ``target`` (page or context) that
    leaves this machine, in ``target.outside_requests``."""
    target.outside_requests = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if host in LOOPBACK or route.request.url.startswith(LOCAL_SCHEMES):
            return route.continue_()
        target.outside_requests.append(route.request.url)
        return route.abort()

    target.route("**/*", guard)


def wait_drawn(pg, maps: int | None = None, units: int = 25) -> None:
    """The script has finished, every map frame (``maps`` of them; none expected if None) and chart is drawn,
    and the fonts are loaded."""
    pg.wait_for_selector(READY, timeout=90_000)
    if maps is not None:
        pg.wait_for_function(MAPS_DRAWN, arg=[MAP_FRAME, units, maps], timeout=90_000)
        pg.wait_for_selector(READY, timeout=90_000)
    pg.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    pg.evaluate("document.fonts.ready")
    pg.wait_for_timeout(800)  # let the last layout settle before a picture is taken


def shot(pg, directory: Path, name: str) -> Path:
    """A PNG of the visible part of the page: ``directory/name.png``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    pg.screenshot(path=str(path), full_page=False)
    return path
