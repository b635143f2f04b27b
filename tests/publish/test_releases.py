"""Releases donors can trust: drafted by one admin, approved by another, published atomically and signed.

One module-wide workflow on a SQLite database (drafting builds the export, the site and both briefs,
so it is made once): admin A drafts, A's approval is refused, B approves, publish; late records
arrive; B drafts, A approves, publish. The later tests go on from there, in file order: a third
candidate approved on the Data page, a publish killed half-way, and a candidate whose data changed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.cli import main
from tests.apphelpers import shown
from tests.loopback import open_loopback

ROOT = Path(__file__).resolve().parent.parent.parent
A, B = "alice_admin", "bob_admin"
PASSWORD = "a long enough passphrase"
HEADER = "case_id,date_reported,province,district,offence,victim_age,victim_sex,arrest_made,arrest_date\n"
SIEM_REAP = "17"


def _late(prefix: str, n: int, year: int = 2014) -> bytes:
    rows = "".join(f"{prefix}-{i:02d},{year}-{(i % 9) + 1:02d}-10,Siem Reap,,homicide,12,F,no,\n" for i in range(n))
    return (HEADER + rows).encode("utf-8")


def _env(base: Path) -> dict[str, str]:
    return {"DASHBOARD_DB_URL": f"sqlite:///{base / 'cases.sqlite3'}", "DASHBOARD_VAR_DIR": str(base / "var"),
            "DASHBOARD_RELEASE_KEY": str(base / "keys" / "release.key")}


class Run:
    """The CLI in this process, with exit code and both streams."""

    def __init__(self, capsys) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str]:
        self.capsys.readouterr()
        code = main(list(args))
        out = self.capsys.readouterr()
        return code, out.out + out.err


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """The two-release workflow; what each step printed is kept for the tests."""
    from dashboard.access import auth
    from dashboard.data import db
    from dashboard.data.demo import write_demo
    from dashboard.data.ingest import ingest_file

    base = tmp_path_factory.mktemp("releases")
    steps: dict[str, tuple[int, str]] = {}
    with pytest.MonkeyPatch.context() as mp:
        for name, value in _env(base).items():
            mp.setenv(name, value)
        engine = db.open_engine(_env(base)["DASHBOARD_DB_URL"])
        write_demo(base / "demo")
        ingest_file(engine, base / "demo" / "coverage_SYNTHETIC.csv", kind="coverage")
        ingest_file(engine, base / "demo" / "cases_SYNTHETIC.csv", kind="cases")
        for name in (A, B):
            auth.add_user(engine, name, "admin", PASSWORD)
        auth.add_user(engine, "carol_analyst", "analyst", PASSWORD)
        import io
        from contextlib import redirect_stderr, redirect_stdout

        def run(name: str, *args: str) -> None:
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                code = main(list(args))
            steps[name] = (code, out.getvalue() + err.getvalue())

        site = base / "site"
        run("keygen", "release", "keygen")
        run("draft_analyst", "release", "draft", "--as", "carol_analyst")
        run("draft1", "release", "draft", "--as", A)
        first = steps["draft1"][1].splitlines()[0]
        run("approve1_by_drafter", "release", "approve", first, "--as", A)
        run("publish1_unapproved", "release", "publish", first, "--site", str(site), "--as", A)
        run("approve1", "release", "approve", first, "--as", B)
        run("publish1", "release", "publish", first, "--site", str(site), "--as", A)
        run("draft_same", "release", "draft", "--as", B)
        ingest_file(engine, _late("LATE", 12), "late.csv", kind="cases")
        run("draft2", "release", "draft", "--as", B)
        second = steps["draft2"][1].splitlines()[0]
        run("approve2", "release", "approve", second, "--as", A)
        run("publish2", "release", "publish", second, "--site", str(site), "--as", B)
        engine.dispose()
    return {"base": base, "site": site, "steps": steps, "ids": (first, second)}


@pytest.fixture()
def env(flow, monkeypatch):
    for name, value in _env(flow["base"]).items():
        monkeypatch.setenv(name, value)
    return flow


def _candidate(flow, n: int) -> dict:
    return json.loads((flow["base"] / "var" / "releases" / "candidates" / str(n) / "candidate.json").read_text())


def test_a_second_admin_approves_and_the_site_keeps_both_releases(flow):
    steps = flow["steps"]
    assert steps["keygen"][0] == 0
    assert steps["draft_analyst"][0] == 2 and "not an enabled admin" in steps["draft_analyst"][1]
    assert steps["draft1"][0] == 0
    code, text = steps["approve1_by_drafter"]
    assert code == 2 and f"{A} drafted candidate 1, so {A} cannot approve it" in text and "Traceback" not in text
    code, text = steps["publish1_unapproved"]
    assert code == 2 and "has not been approved" in text
    for name in ("approve1", "publish1", "draft2", "approve2", "publish2"):
        assert steps[name][0] == 0, steps[name][1]
    assert steps["draft_same"][0] == 2 and "nothing new to publish" in steps["draft_same"][1]
    site = flow["site"]
    assert site.is_symlink()  # the public folder is a link to one whole generation
    for number in (1, 2):
        assert f"Release {number} · " in (site / "releases" / str(number) / "index.html").read_text()
        assert (site / "releases" / str(number) / "km" / "index.html").is_file()
    assert "Release 2 · " in (site / "index.html").read_text()
    listing = (site / "releases" / "index.html").read_text()
    assert 'data-release="1"' in listing and 'data-release="2"' in listing
    assert listing.index('data-release="2"') < listing.index('data-release="1"')  # newest first
    # the releases' own figures: release 1 kept what it published
    one = pd.read_csv(site / "releases" / "1" / "data" / "province_year.csv", dtype={"province_code": str})
    two = pd.read_csv(site / "data" / "province_year.csv", dtype={"province_code": str})
    pick = lambda f: int(f[(f["province_code"] == SIEM_REAP) & (f["year"] == 2014)]["cases"].iloc[0])  # noqa: E731
    assert pick(two) == pick(one) + 12
    meta = json.loads((site / "data" / "metadata.json").read_text())
    assert meta["release"] == 2 and meta["earlier_releases_audited"] == 1


def test_the_change_report_lists_the_changed_cells(flow):
    demo = pd.read_csv(flow["base"] / "demo" / "cases_SYNTHETIC.csv", parse_dates=["date_reported"])
    before = int(((demo["province"] == "Siem Reap") & (demo["date_reported"].dt.year == 2014)).sum())
    report = _candidate(flow, 2)["changes"]
    assert {"kind": "changed", "table": "province_year", "key": SIEM_REAP, "year": 2014, "measure": "cases",
            "before": before, "after": before + 12} in report["changes"]
    total = [c for c in report["changes"] if c["table"] == "national_total" and c["measure"] == "cases"]
    assert total == [{"kind": "changed", "table": "national_total", "key": "all", "year": 0, "measure": "cases",
                      "before": len(demo[demo["date_reported"] <= "2015-03-31"]),
                      "after": len(demo[demo["date_reported"] <= "2015-03-31"]) + 12}]
    # no other province changed
    assert {c["key"] for c in report["changes"] if c["table"] == "province_year"} == {SIEM_REAP}
    assert report["headline"]["after"]["cases"] == report["headline"]["before"]["cases"] + 12
    site = flow["site"]
    words = f"Siem Reap 2014: {before} → {before + 12} cases"
    assert words in (site / "releases" / "index.html").read_text()
    km = (site / "releases" / "km" / "index.html").read_text()
    assert f"សៀមរាប 2014៖ ករណី {before} → {before + 12}" in km
    assert words in flow["steps"]["draft2"][1]  # the drafter sees it in the terminal
    # the latest release's charts mark the revision; release 1's pages have none
    assert "Siem Reap 2014: revised in release 2" in (site / "index.html").read_text()
    assert "revised in release" not in (site / "releases" / "1" / "index.html").read_text()


def test_each_release_gives_its_dates_period_approver_role_and_a_citation(flow):
    entries = json.loads((flow["site"] / "data" / "releases.json").read_text())["releases"]
    assert [e["number"] for e in entries] == [1, 2]
    meta = json.loads((flow["site"] / "data" / "metadata.json").read_text())
    for entry in entries:
        # the closed-quarter rule: figures end with the last closed quarter, the data on its real last day
        assert entry["figures_to"] == "2015-03-31" and entry["data_received_to"] == meta["data_received_to"]
        assert entry["data_received_to"] == "2015-04-29"
        assert entry["approver_role"] == "admin" and entry["one_person"] is False
    listing = (flow["site"] / "releases" / "index.html").read_text()
    assert "Figures to March 31, 2015 (closed quarters only); data received to April 29, 2015." in listing
    assert "Approved by a second administrator" in listing
    assert "Child Protection Unit (J646). Public figures" in listing and "release 2" in listing
    assert 'lang="km"' in listing  # the Khmer citation beside the English one


def test_the_public_files_never_name_the_admins(flow):
    for path in flow["site"].resolve().rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".txt", ""):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert A not in text and B not in text, path


def test_every_step_is_in_the_audit_trail(env):
    from dashboard.access import audit
    from dashboard.data import db

    engine = db.open_engine(_env(env["base"])["DASHBOARD_DB_URL"])
    trail = audit.query(engine)
    counts = trail["action"].value_counts()
    assert counts[audit.RELEASE_DRAFT] == 2 and counts[audit.RELEASE_APPROVE] == 2
    assert counts[audit.RELEASE_PUBLISH] == 2 and counts[audit.PUBLIC_RELEASE] == 2
    assert counts[audit.RELEASE_KEYGEN] == 1
    refused = trail[trail["action"] == audit.RELEASE_REFUSED]
    reasons = sorted(json.loads(d)["reason"] for d in refused["detail"])
    assert reasons == ["not_approved", "same_admin"]
    approve = trail[trail["action"] == audit.RELEASE_APPROVE].iloc[-1]  # the oldest: B approved release 1
    assert approve["user"] == f"{B}@cli" and json.loads(approve["detail"])["drafted_by"] == A
    assert audit.verify(engine).intact
    with engine.connect() as conn:
        origins = conn.execute(sa.select(db.public_releases.c.origin)).scalars().all()
    assert origins == ["release candidate 1", "release candidate 2"]
    engine.dispose()


def test_verify_finds_a_changed_file_a_missing_manifest_and_another_key(env, tmp_path, capsys):
    from dashboard.publish import signing

    run = Run(capsys)
    release = tmp_path / "r1"
    shutil.copytree(env["site"] / "releases" / "1", release)
    code, text = run("release", "verify", str(release))
    assert code == 0 and "all 18 files match" in text and "signature is good" in text
    # one file changed
    csv = release / "data" / "province_year.csv"
    csv.write_text(csv.read_text().replace(",Siem Reap,", ",Siem Reap ,", 1))
    code, text = run("release", "verify", str(release))
    assert code == 1 and "data/province_year.csv: changed" in text
    # the manifest made again and signed with another key (the folder's public key replaced too)
    other = tmp_path / "other" / "release.key"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_VAR_DIR", str(tmp_path / "var"))
        signing.keygen(other)
    signing.sign_folder(release, signing.load_private(other))
    code, text = run("release", "verify", str(release))  # checked with this installation's key
    assert code == 1 and "SHA256SUMS.sig: the signature does not match" in text
    code, text = run("release", "verify", str(release), "--key", str(signing.public_path(other)))
    assert code == 0  # consistent with the other key: only the programme's key tells them apart
    # no manifest at all
    (release / "SHA256SUMS").unlink()
    code, text = run("release", "verify", str(release))
    assert code == 1 and "SHA256SUMS: missing" in text


@pytest.mark.skipif(not (shutil.which("sha256sum") and shutil.which("openssl")), reason="needs sha256sum and openssl")
def test_the_readme_verification_commands_work(env, tmp_path):
    """The donor's commands, as README shows them, on a good release and on a tampered one."""
    readme = (ROOT / "README.md").read_text()
    commands = ["sha256sum -c SHA256SUMS", "openssl pkeyutl -verify -pubin -inkey release-key.pub.pem -rawin "
                "-in SHA256SUMS -sigfile SHA256SUMS.sig"]
    for command in commands:
        assert command in readme
    release = tmp_path / "r2"
    shutil.copytree(env["site"] / "releases" / "2", release)
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=release, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    from dashboard.publish import signing

    fingerprint = "openssl pkey -pubin -in release-key.pub.pem -outform DER | tail -c 32 | sha256sum"
    assert fingerprint in readme
    done = subprocess.run(fingerprint, shell=True, cwd=release, capture_output=True, text=True)
    key = signing.load_public(release / signing.PUBLIC_KEY)
    assert done.stdout.split()[0] == signing.fingerprint(key).replace(" ", "")
    (release / "data" / "coverage.csv").write_text("changed\n")
    done = subprocess.run(commands[0], shell=True, cwd=release, capture_output=True, text=True)
    assert done.returncode != 0 and "data/coverage.csv: FAILED" in done.stdout
    (release / "SHA256SUMS").write_text((release / "SHA256SUMS").read_text() + "\n")
    done = subprocess.run(commands[1], shell=True, cwd=release, capture_output=True, text=True)
    assert done.returncode != 0


def test_the_private_key_never_lands_in_a_release(env):
    from dashboard.publish import signing

    key = Path(_env(env["base"])["DASHBOARD_RELEASE_KEY"])
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    secret = key.read_bytes()
    body = b"".join(secret.splitlines()[1:-1])
    for root in (env["site"].resolve(), env["site"].parent / ".site.generations"):
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert body not in data and b"PRIVATE KEY" not in data, path
    assert (env["site"] / signing.PUBLIC_KEY).read_bytes() == signing.public_path(key).read_bytes()


def test_a_key_inside_the_public_folder_or_the_project_is_refused(env, tmp_path, capsys, monkeypatch):
    run = Run(capsys)
    code, text = run("release", "keygen", "--key", str(ROOT / "release.key"))
    assert code == 2 and "inside the project folder" in text and not (ROOT / "release.key").exists()
    code, text = run("release", "keygen")
    assert code == 2 and "already exists" in text


def _approve_on_data_page(env, username: str):
    from dashboard.data import db
    from tests.apphelpers import app, no_errors, signed_in

    engine = db.open_engine(_env(env["base"])["DASHBOARD_DB_URL"])
    at = app("pages/data.py", session=signed_in(engine, username))
    no_errors(at)
    engine.dispose()
    return at


def test_the_data_page_offers_approval_to_an_admin_other_than_the_drafter(env, capsys):
    from dashboard.data import db
    from dashboard.data.ingest import ingest_file

    engine = db.open_engine(_env(env["base"])["DASHBOARD_DB_URL"])
    ingest_file(engine, _late("LATER", 3, 2015), "later.csv", kind="cases")
    engine.dispose()
    code, text = Run(capsys)("release", "draft", "--as", A)
    assert code == 0, text
    third = text.splitlines()[0]
    at = _approve_on_data_page(env, A)
    assert not [b for b in at.button if b.key == "release_approve"]
    assert any("You drafted this candidate" in i.value for i in at.info)
    assert any("Q1 2015 (national)" in shown(m.value) for m in at.markdown)  # the change report is on the page
    at = _approve_on_data_page(env, B)
    at.button(key="release_approve").click().run()
    assert any("Approved." in shown(s.value) for s in at.success), [e.value for e in at.error]
    record = _candidate(env, int(third))
    assert record["state"] == "approved" and record["approved_by"] == B


def _served(site: Path, path: str) -> str:
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with open_loopback(f"http://127.0.0.1:{server.server_address[1]}/{path}") as reply:
            return reply.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()


def test_a_publish_killed_half_way_leaves_the_old_release_whole_and_served(env, capsys, tmp_path):
    from dashboard.publish import publishing, signing

    third = "3"
    assert _candidate(env, 3)["state"] == "approved"
    site = env["site"]
    before = os.readlink(site)
    marker = tmp_path / "half-way"
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from dashboard.publish import publishing
        real = publishing.write_signatures
        def stop_half_way(generation, number, key):
            real(generation, number, key)
            Path({str(marker)!r}).write_text(str(generation))
            time.sleep(600)
        publishing.write_signatures = stop_half_way
        from dashboard.cli import main
        sys.exit(main(["release", "publish", {third!r}, "--site", {str(site)!r}, "--as", {B!r}]))
    """)
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while not marker.exists():  # waits for the child to reach the point, not for a length of time
            assert child.poll() is None, child.communicate()[1].decode()[-2000:]
            time.sleep(0.2)
        half = Path(marker.read_text())
        assert (half / "releases" / "3" / "index.html").is_file()  # the new release was being built
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert os.readlink(site) == before
    assert signing.verify_folder(site, signing.load_public(site / signing.PUBLIC_KEY)).ok
    assert "Release 2 · " in _served(site, "index.html")
    assert 'data-release="3"' not in _served(site, "releases/index.html")
    assert _candidate(env, 3)["state"] == "approved"
    # publishing again finishes the job, and the half-built generation is removed
    code, text = Run(capsys)("release", "publish", third, "--site", str(site), "--as", B)
    assert code == 0, text
    assert "Release 3 · " in _served(site, "index.html")
    assert not half.exists()
    assert publishing.current_generation(site).name.startswith("gen-3-")


def test_a_candidate_whose_data_changed_is_refused_and_a_one_person_release_says_so(env, capsys, monkeypatch):
    from dashboard.data import db
    from dashboard.data.ingest import ingest_file
    from dashboard.i18n import use_language
    from dashboard.publish import history

    run = Run(capsys)
    engine = db.open_engine(_env(env["base"])["DASHBOARD_DB_URL"])
    ingest_file(engine, _late("LATEST", 4, 2015), "latest.csv", kind="cases")
    code, text = run("release", "draft", "--as", A)
    assert code == 0, text
    fourth = text.splitlines()[0]
    monkeypatch.setenv("DASHBOARD_ONE_PERSON_RELEASE", "1")
    code, text = run("release", "approve", fourth, "--as", A)
    assert code == 0 and "One-person release" in text
    assert _candidate(env, int(fourth))["one_person"] is True
    ingest_file(engine, _late("AFTER", 2, 2015), "after.csv", kind="cases")
    engine.dispose()
    code, text = run("release", "publish", fourth, "--site", str(env["site"]), "--as", A)
    assert code == 2 and "drafted from data that has changed since" in text and "Draft again" in text
    assert 'data-release="4"' not in (env["site"] / "releases" / "index.html").read_text()
    entry = {"one_person": True, "approved": "2026-01-02T03:04:05+00:00"}
    with use_language("en"):
        assert history.approval(entry).startswith("One-person release: drafted and approved by the same administrator")


def test_the_workflow_on_each_database_and_two_admins_publishing_at_once(engine, tmp_path, monkeypatch, capsys):
    """Draft by A, A's approval refused, B approves; then two processes publish the same candidate at the same
    moment: one publishes, the other is refused with a message (no traceback), the ledger gains one release and
    the served site verifies. On SQLite and on PostgreSQL (the module's workflow above runs on SQLite only)."""
    from dashboard.access import auth
    from dashboard.data.demo import write_demo
    from dashboard.data.ingest import ingest_file
    from dashboard.publish import ledger, signing

    url = engine.url.render_as_string(hide_password=False)
    env = {"DASHBOARD_DB_URL": url, "DASHBOARD_VAR_DIR": str(tmp_path / "var"),
           "DASHBOARD_RELEASE_KEY": str(tmp_path / "keys" / "release.key")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    write_demo(tmp_path / "demo")
    ingest_file(engine, tmp_path / "demo" / "coverage_SYNTHETIC.csv", kind="coverage")
    ingest_file(engine, tmp_path / "demo" / "cases_SYNTHETIC.csv", kind="cases")
    for name in (A, B):
        auth.add_user(engine, name, "admin", PASSWORD)
    run = Run(capsys)
    assert run("release", "keygen")[0] == 0
    code, text = run("release", "draft", "--as", A)
    assert code == 0, text
    first = text.splitlines()[0]
    code, text = run("release", "approve", first, "--as", A)
    assert code != 0 and "a second admin must" in text
    assert run("release", "approve", first, "--as", B)[0] == 0
    site = tmp_path / "site"
    command = [sys.executable, "-m", "dashboard", "release", "publish", first, "--site", str(site), "--as", A]
    children = [subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(child.wait(timeout=600), *child.communicate()) for child in children]
    codes = sorted(code for code, _out, _err in results)
    assert codes[0] == 0 and codes[1] != 0, results
    refused = next(out + err for code, out, err in results if code != 0)
    assert "Traceback" not in refused and "published" in refused, refused
    assert len(ledger.DbLedger(engine).releases()) == 1
    assert signing.verify_folder(site, signing.load_public(site / signing.PUBLIC_KEY)).ok
    assert "Release 1 · " in _served(site, "index.html")
    assert _candidate({"base": tmp_path}, int(first))["state"] == "published"


@pytest.mark.parametrize("hostile", ["../1", "1/../2", " 1", "-1", "1e3", "٣", "", "1\n2", "99999999999999999999"])
def test_a_hostile_candidate_id_is_refused_with_a_message_and_changes_nothing(env, capsys, hostile):
    from dashboard.data import db
    from dashboard.publish import ledger

    engine = db.open_engine(_env(env["base"])["DASHBOARD_DB_URL"])
    before = len(ledger.DbLedger(engine).releases())
    served = os.readlink(env["site"])
    run = Run(capsys)
    for step in (("approve", hostile, "--as", B), ("publish", hostile, "--site", str(env["site"]), "--as", A)):
        code, text = run("release", *step)
        assert code == 2 and "There is no release candidate" in text and "Traceback" not in text, (step, text)
    assert len(ledger.DbLedger(engine).releases()) == before and os.readlink(env["site"]) == served
    engine.dispose()


@pytest.mark.parametrize("name", ["bob_admin ", " bob_admin", "BOB_ADMIN", "bob_admin\t"])
def test_an_approver_name_in_other_capitals_or_with_spaces_is_not_an_admin(env, capsys, name):
    """Names are matched exactly, so a variant of the drafter's own name cannot pass for a second admin."""
    code, text = Run(capsys)("release", "approve", "1", "--as", name)
    assert code == 2 and "is not an enabled admin" in text, text


@pytest.mark.parametrize("how", ["added", "replacing", "folder"])
def test_a_link_put_into_an_approved_candidate_is_refused_at_publish(env, capsys, how):
    """A symbolic link slipped into a candidate after approval (to the private key, say) is refused at publish,
    naming it; copying the candidate would otherwise have published the file it points to."""
    from dashboard.data import db
    from dashboard.data.ingest import ingest_file
    from dashboard.publish import ledger

    engine = db.open_engine(_env(env["base"])["DASHBOARD_DB_URL"])
    ingest_file(engine, _late(f"LINK-{how}", 12), f"{how}.csv", kind="cases")  # something new to release
    run = Run(capsys)
    code, text = run("release", "draft", "--as", A)
    assert code == 0, text
    number = text.splitlines()[0]
    assert run("release", "approve", number, "--as", B)[0] == 0
    key = Path(_env(env["base"])["DASHBOARD_RELEASE_KEY"])
    site_dir = env["base"] / "var" / "releases" / "candidates" / number / "site"
    if how == "added":
        link = site_dir / "data" / "key.txt"
        link.symlink_to(key)
    elif how == "replacing":
        link = site_dir / "index.html"
        link.unlink()
        link.symlink_to(key)
    else:
        link = site_dir / "keys"
        link.symlink_to(key.parent, target_is_directory=True)
    before = len(ledger.DbLedger(engine).releases())
    served = os.readlink(env["site"])
    code, text = run("release", "publish", number, "--site", str(env["site"]), "--as", A)
    assert code == 2 and "changed after it was drafted" in text and link.name in text, text
    assert "Traceback" not in text and "Draft again" in text
    assert len(ledger.DbLedger(engine).releases()) == before and os.readlink(env["site"]) == served
    engine.dispose()
    secret = b"".join(key.read_bytes().splitlines()[1:-1])
    for path in (env["site"].parent / ".site.generations").rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path
