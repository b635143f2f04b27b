"""The shipped deployment, run (issue 29 section 1): nginx with docs/deploy/nginx.conf in front of two dashboard
processes started as docs/deploy/cpu-dashboard@.service starts them, on one PostgreSQL database, in chromium.

The files are used as shipped, changed only by substitutions made here: ports, the certificate (self-signed,
made here), the server name and the install paths. nginx runs from a temporary folder with a small main
configuration that includes the shipped file, as Debian's /etc/nginx/nginx.conf includes conf.d/*.conf.
Which process holds a tab is read from the kernel (the WebSocket is the one connection that stays open to a
process: nginx opens a new upstream connection for every other request).
"""

from __future__ import annotations

import http.client
import os
import shlex
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.access import auth, cookies  # noqa: E402
from dashboard.data import db  # noqa: E402
from dashboard.data.ingest import ingest_file  # noqa: E402
from dashboard.devtools.browser import READY, free_port, keep_offline
from dashboard.devtools.deployment import (
    DEPLOY,
    NGINX,
    SYSTEMD_ANALYZE,
    check_nginx,
    nginx_conf,
    start_nginx,
    start_process,
    tcp_sockets,
    unit_command,
    unit_text,
)
from dashboard.paths import PROJECT_ROOT as ROOT
from tests.conftest import PG_URL
from tests.loopback import open_loopback
from tests.test_browser import browser, sync_api  # noqa: F401

PASSWORD = "correct horse battery staple"
HEADER = "case_id,date_reported,province,offence,arrest_made\n"
expect = sync_api.expect

if not NGINX or not SYSTEMD_ANALYZE:
    if os.environ.get("DASHBOARD_REQUIRE_BROWSER"):
        raise RuntimeError("the deployment test needs nginx and systemd-analyze (apt-get install nginx systemd)")
    pytest.skip("deployment test skipped: nginx or systemd-analyze is not installed", allow_module_level=True)


def _holder(ports: list[int], tab=None, wait: float = 60) -> int:
    """The port of the one process that holds an open connection (the tab's WebSocket), waiting for it.

    While it waits, Playwright must keep answering ``tab``'s requests (keep_offline routes every one of them through
    this process: a plain sleep would leave the tab's reconnection pings unanswered)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        open_ = [p for p in ports if tcp_sockets(p, "01")]
        if len(open_) == 1:
            return open_[0]
        tab.wait_for_timeout(500) if tab else time.sleep(0.5)
    raise AssertionError(f"no single process holds the tab: {[(p, len(tcp_sockets(p, '01'))) for p in ports]}")


def _open_loopback(url: str, timeout: float):
    """GET ``url`` from the fixture's nginx and app processes; their certificate is the test's own."""
    return open_loopback(url, timeout, verify=False)


def _wait_http(url: str, timeout: float = 300) -> None:  # a loaded 2-core CI machine starts slowly
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with _open_loopback(url, 3) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s")


@pytest.fixture()
def database():
    if not PG_URL:
        if os.environ.get("DASHBOARD_REQUIRE_PG"):
            pytest.fail("DASHBOARD_REQUIRE_PG is set but DASHBOARD_TEST_PG_URL is not")
        pytest.skip("the deployment test runs on PostgreSQL: set DASHBOARD_TEST_PG_URL")
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        db.metadata.drop_all(conn)
    engine.dispose()
    engine = db.open_engine(PG_URL)
    rows = [f"D{i:04d},2014-{1 + i % 12:02d}-{1 + i % 27:02d},{('Siem Reap', 'Kep', 'Takeo')[i % 3]},rape,"
            f"{'yes' if i % 2 else 'no'}" for i in range(300)]
    assert ingest_file(engine, (HEADER + "\n".join(rows) + "\n").encode(), "cases.csv").written
    auth.add_user(engine, "ana", "admin", PASSWORD)
    yield engine
    engine.dispose()


@pytest.fixture()
def deployment(database, tmp_path):
    """Two processes from the unit, nginx from the shipped config; yields (https base, ports, processes, tmp)."""
    var = tmp_path / "var"
    var.mkdir()
    unit = unit_text(var)
    procs: dict[int, subprocess.Popen] = {}
    nginx = None
    try:
        ports = [free_port(), free_port()]
        while ports[0] == ports[1]:
            ports[1] = free_port()
        for port in ports:
            procs[port] = start_process(unit, port, {"DASHBOARD_DB_URL": PG_URL}, tmp_path / f"dashboard-{port}.log")
        http_port, https_port = free_port(), free_port()
        main = nginx_conf(tmp_path, ports, http_port, https_port)
        checked = check_nginx(tmp_path, main)  # nginx -t on the shipped file
        assert checked.returncode == 0, checked.stderr
        nginx = start_nginx(tmp_path, main)
        for port in ports:
            _wait_http(f"http://127.0.0.1:{port}/_stcore/health")
        base = f"https://localhost:{https_port}"
        _wait_http(base + "/_cpu/health")
        yield {"base": base, "http_port": http_port, "ports": ports, "procs": procs, "tmp": tmp_path}
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=20)
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)


UNITS = ("cpu-dashboard@.service", "cpu-dashboard-backup.service", "cpu-dashboard-backup.timer")


def _installed(name: str, folder: Path) -> str:
    """A unit file of docs/deploy/ with the install paths replaced by this checkout's and ``folder``."""
    text = (DEPLOY / name).read_text()
    return (text.replace("/opt/cpu-dashboard/.venv/bin/python", sys.executable).replace("/opt/cpu-dashboard", str(ROOT))
            .replace("/var/lib/cpu-dashboard", str(folder / "var"))
            .replace("/etc/cpu-dashboard/env", str(folder / "env"))
            .replace("/var/backups/cpu-dashboard", str(folder / "backups")))


def test_shipped_units_pass_systemd_analyze_verify(tmp_path):
    paths = []
    for name in UNITS:
        paths.append(tmp_path / name)
        paths[-1].write_text(_installed(name, tmp_path))
    done = subprocess.run([SYSTEMD_ANALYZE, "verify", *map(str, paths)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # it warns (and still exits 0) about unknown keys and values: a warning about these files is a failure here
    assert [line for line in done.stderr.splitlines() if any(name in line for name in UNITS)] == []
    command, _env, _cwd = unit_command(paths[0].read_text(), 8501)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"  # loopback only: nginx is the way in


def test_the_backup_unit_command_writes_a_dated_backup(tmp_path):
    """The backup service's ExecStart, run by a shell as systemd would run it (after systemd's $$ and %% escapes)."""
    (tmp_path / "backups").mkdir()
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    auth.add_user(db.open_engine(url), "ana", "admin", PASSWORD)
    _command, env, cwd = unit_command(_installed("cpu-dashboard-backup.service", tmp_path), 0)
    line = next(v for k, _s, v in (ln.partition("=") for ln in _installed("cpu-dashboard-backup.service", tmp_path)
                                   .splitlines()) if k == "ExecStart")
    argv = shlex.split(line.replace("$$", "$").replace("%%", "%"))
    done = subprocess.run(argv, cwd=cwd, env={**os.environ, **env, "DASHBOARD_DB_URL": url}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (made,) = (tmp_path / "backups").iterdir()
    assert made.name == f"cases-{time.strftime('%Y-%m-%d')}.backup"
    assert made.read_bytes().startswith(b"SQLite format 3")


def _context(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                   ignore_https_errors=True)
    context.set_default_timeout(120_000)  # two servers, nginx and chromium on a loaded 2-core machine
    keep_offline(context)
    return context


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector(READY, timeout=120_000)


def _signed_in(pg) -> None:
    expect(pg.get_by_text("Signed in as ana")).to_be_visible(timeout=90_000)


def _upload(pg, base: str, tmp: Path, name: str, engine) -> None:
    """Upload a small case file on the Data page and ingest it; its rows reach the database."""
    _open(pg, base + "/data")
    csv = tmp / f"{name}.csv"
    csv.write_text(HEADER + "".join(f"{name}-{i},2015-03-0{1 + i},Kep,rape,yes\n" for i in range(3)))
    pg.locator('[data-testid="stFileUploader"]').first.locator('input[type=file]').set_input_files(str(csv))
    expect(pg.get_by_text(f"{name}.csv: 3 valid rows")).to_be_visible(timeout=90_000)
    pg.get_by_role("button", name="Ingest 3 rows").click()
    pg.wait_for_selector(READY, timeout=120_000)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(db.cases)
                                 .where(db.cases.c.case_id.like(f"{name}-%"))).scalar()
        if count == 3:
            return
        time.sleep(0.5)
    raise AssertionError(f"the upload {name} did not reach the database")


def _download(context, pg) -> str:
    pg.wait_for_selector(READY, timeout=120_000)
    pg.get_by_role("button", name="Export case records (CSV)").click(timeout=120_000)
    link = pg.get_by_role("link", name="Download case_records_CONFIDENTIAL.csv")
    expect(link).to_be_visible(timeout=90_000)
    downloads = []
    context.on("page", lambda tab: tab.on("download", lambda d: downloads.append(d)))
    pg.on("download", lambda d: downloads.append(d))
    link.click()
    for _second in range(60):
        if downloads:
            break
        pg.wait_for_timeout(1_000)
    assert downloads, "the click downloaded nothing"
    return downloads[0].path().read_text(encoding="utf-8-sig")


def test_https_two_processes_postgresql_in_chromium(deployment, database, browser):  # noqa: F811
    base, ports, procs, tmp = (deployment[k] for k in ("base", "ports", "procs", "tmp"))
    for port in ports:  # the processes listen on loopback only, as the unit starts them
        assert set(tcp_sockets(port, "0A")) == {"0100007F"}

    # plain HTTP is sent to HTTPS; health answers through nginx and says nothing else
    with pytest.raises(urllib.error.HTTPError) as moved:
        open_loopback(f"http://127.0.0.1:{deployment['http_port']}/cases", 10, handlers=(_NoRedirect(),))
    assert moved.value.code == 301 and moved.value.headers["Location"].startswith("https://")
    # base is https://localhost:<port>: nginx on loopback, started by the fixture
    with _open_loopback(base + "/_cpu/health", 10) as ok:
        assert (ok.status, ok.read()) == (200, b"ok")

    # the upload size limit: nginx refuses a body over 200 MB before reading it; one under it passes to the app
    assert _post_length(base, 201 * 1024 * 1024) == 413
    assert _post_length(base, 1024) != 413

    # one browser: sign in, reload, deep link; cookies Secure (and __Host-) over HTTPS
    first = _context(browser)
    pg = first.new_page()
    _open(pg, base + "/")
    pg.get_by_role("textbox", name="User name").fill("ana")
    pg.get_by_role("textbox", name="Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    _signed_in(pg)
    jar = {c["name"]: c for c in first.cookies()}
    session = jar[cookies.HOST_PREFIX + cookies.SESSION_COOKIE]
    assert session["secure"] and session["httpOnly"] and session["path"] == "/"
    assert jar[cookies.HOST_PREFIX + cookies.NONCE_COOKIE]["secure"]
    assert cookies.SESSION_COOKIE not in jar
    pg.reload()
    pg.wait_for_selector(READY, timeout=120_000)
    _signed_in(pg)
    _open(pg, base + "/analysis?province=Siem+Reap")
    _signed_in(pg)
    assert pg.locator("h1").first.inner_text(timeout=60_000) == "Analysis"
    assert pg.locator('[data-testid="stException"]').count() == 0

    # a download of case records, from the session-checked route of the process that drew the page
    rows = _download(first, pg).splitlines()
    assert len(rows) == 1 + 100 and all("Siem Reap" in row for row in rows[1:])
    pg.close()

    # browsers are spread over the processes by their cookie (one client address here), and each one's upload
    # reaches the process that holds its tab
    tabs: dict[int, tuple] = {}
    for attempt in range(12):
        context = _context(browser) if attempt else first
        tab = context.new_page()
        _open(tab, base + "/cases")
        if attempt:
            tab.get_by_role("textbox", name="User name").fill("ana")
            tab.get_by_role("textbox", name="Password").fill(PASSWORD)
            tab.get_by_role("button", name="Sign in").click()
        _signed_in(tab)
        holder = _holder(ports)
        if holder in tabs:
            tab.close()
            if context is not first:
                context.close()
            continue
        tabs[holder] = (context, tab)
        _upload(tab, base, tmp, f"U{holder}", database)
        assert _holder(ports) == holder  # still the same process after the upload's reruns
        if len(tabs) == len(ports):
            break
        tab.close()  # the next browser's tab must be the only open connection
        deadline = time.monotonic() + 30
        while any(tcp_sockets(p, "01") for p in ports) and time.monotonic() < deadline:
            time.sleep(0.3)
    assert set(tabs) == set(ports), "every browser landed on the same process"

    # stop the process that holds the open tab: the tab reconnects to the other, signed in, and works there
    stopped = _holder(ports)
    other = next(p for p in ports if p != stopped)
    context, tab = tabs[stopped]
    procs[stopped].terminate()
    procs[stopped].wait(timeout=30)
    try:
        assert _holder(ports, tab, wait=150) == other
    except AssertionError:
        tab.screenshot(path=str(tmp / "failover.png"))
        raise AssertionError("no reconnect: " + (tmp / "access.log").read_text()[-3000:]) from None
    tab.wait_for_selector(READY, timeout=120_000)
    _signed_in(tab)
    assert tab.locator("h1").first.inner_text(timeout=60_000) == "Data"  # the page it was on (its last upload)
    _upload(tab, base, tmp, "AFTER", database)
    _open(tab, base + "/analysis?province=Siem+Reap")
    _signed_in(tab)
    assert len(_download(context, tab).splitlines()) == 1 + 100
    assert tab.locator('[data-testid="stException"]').count() == 0
    for context, _tab in tabs.values():
        context.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post_length(base: str, length: int) -> int:
    """The status nginx answers to an upload POST announcing ``length`` bytes (only 1 KB is ever sent)."""
    host, port = base.removeprefix("https://").split(":")
    conn = http.client.HTTPSConnection(host, int(port), timeout=30, context=ssl._create_unverified_context())
    try:
        conn.putrequest("POST", "/_stcore/upload_file/none/none")
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        try:
            conn.send(b"x" * min(length, 1024))
        except (OSError, BrokenPipeError, ConnectionResetError):
            pass
        if length <= 1024:
            return conn.getresponse().status
        return conn.getresponse().status
    finally:
        conn.close()
