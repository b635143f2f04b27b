"""Helpers for AppTest-based tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import page_table
from dashboard.cli import main

APP = str(Path(__file__).resolve().parent.parent / "app.py")
#: The page files behind the sign-in (About is open to everyone), from the page table.
INTERNAL_PAGES = [page.file for page in page_table.INTERNAL if page not in page_table.OPEN]


def app(page: str | None = None, query: dict | None = None, secrets: dict | None = None,
        session: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if query:
        at.query_params.update(query)
    if secrets:
        at.secrets.update(secrets)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def engine_with_users(url: str, users: dict[str, str], password: str):
    """The database at ``url``, migrated, with each ``name: role`` in ``users`` added with ``password``."""
    from dashboard.access import auth
    from dashboard.data import db

    engine = db.open_engine(url)
    for name, role in users.items():
        auth.add_user(engine, name, role, password)
    return engine


def signed_in(engine, username: str) -> dict:
    """Session state for a real server-side session of ``username`` (as the sign-in form would leave it)."""
    from dashboard.access import sessions
    from dashboard.ui.signin import SESSION_KEY

    raw = sessions.create(engine, username)
    assert raw, f"{username} cannot sign in"
    return {SESSION_KEY: raw}


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def cli_summary(capsys, url: str, *args: str) -> dict:
    capsys.readouterr()
    assert main(["summary", "--db", url, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text that went through escape_markdown (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def in_own_process(code: str) -> str:
    """Run ``code`` in a fresh interpreter: importing server.py builds an st.App, which changes Streamlit's
    process-wide runtime state and would leak into the AppTest modules that run later in this process."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=root, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout + done.stderr


def keyed(frame):
    """A table as shown, with its readable headers (issue 28) put back to the column keys the code uses, so a test
    can read it by key; a header the screen did not relabel stays as it is."""
    from dashboard.measures.labels import COLUMN_LABELS as MEASURE_LABELS
    from dashboard.ui.components import COLUMN_LABELS, screen_header

    back = {screen_header(key): key for key in {**MEASURE_LABELS, **COLUMN_LABELS}}
    return frame.rename(columns=lambda shown: back.get(shown, shown))


def admin_after_real_ingest(db_url: str, folder, data: bytes, capsys) -> dict:
    """Seed the demo (a first run), replace it with ``data`` ingested as the first real file, and return the
    session state of a signed-in admin (real data requires sign-in)."""
    from dashboard.cli import main

    no_errors(app())
    source = folder / "real.csv"
    source.write_bytes(data)
    assert main(["ingest", str(source), "--db", db_url]) == 0
    capsys.readouterr()
    return signed_in(engine_with_users(db_url, {"first-admin": "admin"}, "correct horse battery staple"), "first-admin")
