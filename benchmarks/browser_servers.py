"""Start the two Streamlit servers on free loopback ports, and read their CPU and memory from /proc."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """A running ``streamlit run`` process."""

    name: str
    proc: subprocess.Popen
    base: str
    started_s: float  # from spawn to /_stcore/health answering
    log: Path
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(name: str, script: Path, cwd: Path, env: dict[str, str], log: Path, timeout: float = 120) -> Server:
    port = free_port()
    args = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.enableStaticServing", "true"]
    t0 = time.perf_counter()
    out = log.open("w")
    proc = subprocess.Popen(args, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return Server(name, proc, base, time.perf_counter() - t0, log)
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{name} server did not start within {timeout:.0f} s")


def start_app(work: Path, data_env: dict[str, str]) -> Server:
    """This dashboard: ``streamlit run server.py`` from the project root, on the benchmark's database."""
    return _start("app", ROOT / "server.py", ROOT, data_env, work / "app_server.log")


def start_baseline(work: Path, cases_csv: Path, boundaries: Path) -> Server:
    """The tutorial-style app, from a folder of its own whose static/ holds the same local Leaflet files."""
    from dashboard.render import leaflet_assets

    folder = work / "baseline"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "benchmarks" / "baseline_app.py", folder / "baseline_app.py")
    leaflet_assets.ensure_installed(folder / "static" / "vendor" / "leaflet")
    env = {"BASELINE_CASES_CSV": str(cases_csv), "BASELINE_BOUNDARIES": str(boundaries)}
    return _start("baseline", folder / "baseline_app.py", folder, env, work / "baseline_server.log")


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process and its live descendants, plus, for each of them, its waited-for children
    (cutime + cstime): a chromium renderer that exits moves its time into its parent's, not out of the sum."""
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[0] is field 3 (state): utime=14, stime=15, cutime=16, cstime=17
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / TICKS
    return total


def rss_mb(pid: int) -> float:
    """VmRSS of the process and its live descendants, in MB."""
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def loadavg() -> str:
    """/proc/loadavg's 1, 5 and 15 minute figures: other work on the machine shows here."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""
