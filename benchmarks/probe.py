"""Cold start and peak memory, measured in a fresh process.

Run by the harness as ``python -m benchmarks.probe``: it renders the Overview
page through Streamlit's AppTest (the same script machinery the server uses),
prints the moment the first render completed, then renders every other page
and prints the process's peak resident memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time

START = time.time()


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    Read from /proc (VmHWM), which starts afresh at exec; getrusage's
    ru_maxrss keeps the parent's peak across exec on Linux, so a probe started
    by a harness holding a million rows would report the harness's memory.
    """
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from streamlit.testing.v1 import AppTest

    from dashboard.access import sessions
    from dashboard.data import db
    from dashboard.paths import PROJECT_ROOT
    from dashboard.ui.signin import SESSION_KEY

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=600)
    at.session_state[SESSION_KEY] = sessions.create(db.open_engine(), "bench")  # the harness created this user
    at.run()
    if at.exception or not at.metric:
        raise SystemExit(f"Overview did not render: {[e.value for e in at.exception] or [e.value for e in at.error]}")
    first_render = time.time()
    for page in ("coverage", "cases", "arrests", "analysis", "data"):
        at.switch_page(f"pages/{page}.py").run()
    print(json.dumps({"first_render_at": first_render, "in_process_seconds": first_render - START,
                      "peak_rss_mb": peak_rss_mb()}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
