"""Publishing an approved candidate: atomically, signed, recorded in the ledger, never half-way.

The public folder (``--site DIR``) is a symbolic link to one *generation*: a complete site in
``.DIR.generations/`` beside it (the same filesystem). A publish builds the next generation in
full (every earlier ``releases/N/`` copied, the new release at ``releases/N/`` and at the root,
the Releases page, the manifests and signatures), records the release in the ledger and the audit
trail in one transaction, and only then points the link at it with one ``rename``: a reader sees
the old release or the new one, whole. Killed at any point before the rename, the old release
stays served and the half-built generation is removed by the next publish. Killed after the
ledger commit and before the rename, publishing the same candidate again finishes the job.

One publish at a time: a second one (another process, another admin) waits on a lock file beside the
candidates, then finds the candidate published and says so. Two at once had one remove the other's
half-built generation, which then failed with a traceback.

Refused, with the reason recorded in the audit trail: a candidate not approved, one whose data,
ledger or files changed since it was drafted, and one whose disclosure audit no longer passes.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.errors import UserFacingError
from dashboard.i18n import _
from dashboard.publish import candidates, history, ledger, signing
from dashboard.publish.candidates import APPROVED, PUBLISHED, Candidate, refuse

GENERATION_PREFIX = "gen-"


@dataclass
class PublishReport:
    number: int
    site: Path
    generation: Path
    files: int
    fingerprint: str
    one_person: bool


def generations_dir(site: Path) -> Path:
    return site.parent / f".{site.name}.generations"


def current_generation(site: Path) -> Path | None:
    """The generation the public folder points at (None when it is a plain folder or does not exist)."""
    if site.is_symlink():
        return (site.parent / os.readlink(site)).resolve()
    return None


@contextmanager
def one_publish_at_a_time() -> Iterator[None]:
    """Hold the deployment's publish lock (an exclusive ``flock`` on ``releases/publish.lock`` in the var folder),
    waiting for a publish under way in any process to finish; the kernel releases it if the holder dies."""
    path = candidates.root().parent / "publish.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(engine: Engine, candidate_id: str, site: Path | str, actor: str, page: str | None = None) -> PublishReport:
    """Publish approved candidate ``candidate_id`` into the public folder ``site`` (one publish at a time)."""
    candidates.load(candidate_id)  # an unknown id is refused at once, without waiting for the lock
    with one_publish_at_a_time():
        return _publish(engine, candidate_id, site, actor, page)


def _publish(engine: Engine, candidate_id: str, site: Path | str, actor: str, page: str | None) -> PublishReport:
    candidate = candidates.load(candidate_id)  # read again under the lock: another publish may have finished
    site = Path(site).absolute()
    step = "publish"
    if candidate.state == PUBLISHED:
        raise refuse(engine, actor, step, candidate.id, "already_published", UserFacingError(
            _("Candidate {id} was published already (release {number}).").format(id=candidate.id,
                                                                               number=candidate.number),
            _("Draft a new candidate for a new release.")), page)
    if candidate.state != APPROVED:
        raise refuse(engine, actor, step, candidate.id, "not_approved", UserFacingError(
            _("Candidate {id} has not been approved, so it cannot be published.").format(id=candidate.id),
            _("An admin other than {drafter} approves it first: python -m dashboard release approve {id} "
              "--as NAME, or the Data page.").format(drafter=candidate.record["drafted_by"], id=candidate.id)), page)
    recorded = _already_recorded(engine, candidate)
    if not recorded:
        candidates.check_current(engine, candidate, actor, step, page)
    problems = reaudit(engine, candidate, earlier_only=recorded)
    if problems:
        raise refuse(engine, actor, step, candidate.id, "audit_failed", UserFacingError(
            _("The disclosure audit of candidate {id} fails: {cells}.").format(id=candidate.id,
                                                                             cells=", ".join(problems[:5])),
            _("Nothing was published. Draft again: python -m dashboard release draft --as NAME.")), page)
    key_path = signing.default_key_path()
    if site.resolve() in key_path.resolve().parents or site in key_path.absolute().parents:
        raise UserFacingError(_("The signing key {key} is inside the public folder {site}.").format(
                                  key=key_path, site=site),
                              _("Move the key outside it (DASHBOARD_RELEASE_KEY) and make a new one: this one may "
                                "have been published."))
    key = signing.load_private(key_path)
    if site.exists() and not site.is_symlink() and not site.is_dir():
        raise UserFacingError(_("{site} is a file, not a public folder.").format(site=site),
                              _("Give --site a folder (new, or one 'release publish' wrote before)."))
    store = generations_dir(site)
    store.mkdir(parents=True, exist_ok=True)
    old = current_generation(site)
    entries = [e for e in (history.read(site / "data") if site.is_dir() else []) if e["number"] < candidate.number]
    published_at = ledger.now_stamp()
    entry = _entry(candidate, published_at)
    entries.append(entry)
    generation = store / f"{GENERATION_PREFIX}{candidate.number}-{secrets.token_hex(4)}"
    try:
        fingerprint = _build_generation(generation, old, candidate, entries, key)
        write_signatures(generation, candidate.number, key)
        if not recorded:
            _record(engine, candidate, published_at, site, actor, page)
        _point(site, generation, store)
    except BaseException:
        if current_generation(site) != generation.resolve():
            shutil.rmtree(generation, ignore_errors=True)
        raise
    candidate.record.update(state=PUBLISHED, published_at=published_at, published_to=str(site))
    candidate.save()
    _clean(store, keep={generation.resolve(), *([old] if old else [])})
    files = len(signing.listed_files(generation))
    return PublishReport(candidate.number, site, generation, files, fingerprint, bool(candidate.record["one_person"]))


def _entry(candidate: Candidate, published_at: str) -> dict:
    """The public history entry: no names, the approver's role only."""
    r = candidate.record
    return {"number": candidate.number, "published": published_at, "drafted": r["drafted_at"],
            "approved": r["approved_at"], "approver_role": candidates.ADMIN, "one_person": bool(r["one_person"]),
            "k": r["k"], "period": r["period"], "figures_to": r["figures_to"],
            "data_received_to": r["data_received_to"], "synthetic": bool(r.get("synthetic")),
            "changes": r["changes"], "revisions": r["revisions"], "path": history.release_path(candidate.number)}


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _build_generation(generation: Path, old: Path | None, candidate: Candidate, entries: list[dict], key) -> str:
    """The whole next site in ``generation``; returns the signing key's fingerprint."""
    from dashboard import settings
    from dashboard.publish import release_site

    generation.mkdir(parents=True)
    releases = generation / "releases"
    releases.mkdir()
    for entry in entries[:-1]:
        earlier = old / "releases" / str(entry["number"]) if old else None
        if earlier is not None and earlier.is_dir():  # published folders never change: hard links share them
            shutil.copytree(earlier, releases / str(entry["number"]), copy_function=_link)
    own = releases / str(candidate.number)
    shutil.copytree(candidate.site_dir, own)
    (own / "data" / history.FILE).write_text(history.text(entries), encoding="utf-8")
    shutil.copytree(own, generation, dirs_exist_ok=True, ignore=shutil.ignore_patterns("releases"))
    fingerprint = signing.fingerprint(key.public_key())
    base_url = settings.current().public_url
    text = release_site.write_history_pages(generation, entries, base_url, fingerprint)
    release_site.write_root_pages(generation, candidate.number, candidate.record["revisions"], text)
    return fingerprint


def write_signatures(generation: Path, number: int, key) -> None:
    """The manifest and signature of the new release's folder, then of the whole site."""
    signing.sign_folder(generation / "releases" / str(number), key)
    signing.sign_folder(generation, key)


def _record(engine: Engine, candidate: Candidate, published_at: str, site: Path, actor: str, page: str | None) -> None:
    """The ledger entry and the audit rows, in one transaction, with the ledger checked under the lock."""
    from dashboard.access import audit
    from dashboard.publish import release

    store = ledger.DbLedger(engine)
    r = candidate.record
    entry = ledger.Release(published_at, int(r["k"]), dict(r["period"]), list(r["cells"]))
    with engine.begin() as conn:
        release._serialise(conn)
        if len(store.releases(conn)) != r["ledger_count"]:
            raise UserFacingError(_("Another release was published while candidate {id} was being published.").format(
                                      id=candidate.id),
                                  _("Draft again: python -m dashboard release draft --as NAME."))
        store.insert(conn, entry, origin=f"release candidate {candidate.id}")
        release._record(conn, entry, candidate.number, site)
        audit.record(None, actor, audit.RELEASE_PUBLISH, page=page, rows=len(entry.cells), conn=conn,
                     detail={"candidate": candidate.id, "release": candidate.number, "drafted_by": r["drafted_by"],
                             "approved_by": r["approved_by"], "one_person": bool(r["one_person"]),
                             "folder": str(site)})


def _already_recorded(engine: Engine, candidate: Candidate) -> bool:
    """The ledger already holds this candidate (a publish stopped after its commit, before the rename)."""
    releases = ledger.DbLedger(engine).releases()
    return len(releases) == candidate.record["ledger_count"] + 1 and releases[-1].cells == candidate.record["cells"]


def _point(site: Path, generation: Path, store: Path) -> None:
    """Point ``site`` at ``generation`` with one rename (a plain folder from export-public is moved aside first)."""
    link = site.parent / f".{site.name}.link-{secrets.token_hex(4)}"
    link.symlink_to(os.path.relpath(generation, site.parent), target_is_directory=True)
    if site.exists() and not site.is_symlink():
        site.rename(store / f"export-public-{secrets.token_hex(4)}")
    os.replace(link, site)


def _clean(store: Path, keep: set[Path]) -> None:
    """Remove generations no longer served (the previous one stays, for readers still on it)."""
    for path in store.iterdir():
        if path.resolve() not in keep:
            shutil.rmtree(path, ignore_errors=True)


def reaudit(engine: Engine, candidate: Candidate, earlier_only: bool = False) -> list[str]:
    """Run the disclosure audit again, on the candidate's published cells with the data's true counts, together
    with every earlier release in the ledger; the cells it would expose, as 'table key year measure'."""
    from dashboard.data.store import load_from_db
    from dashboard.publish.disclosure import MEASURES, audit, cell_id
    from dashboard.publish.public_export import cells, closed_quarters

    r = candidate.record
    earlier = ledger.DbLedger(engine).releases()
    if earlier_only:
        earlier = earlier[:-1]
    published, _cut = closed_quarters(load_from_db(engine))
    frame = cells(published.cases)
    shown = {(c["table"], str(c["key"]), int(c["year"])): c for c in r["cells"]}
    problems = []
    for i, row in frame.iterrows():
        cell = shown.get(cell_id(row))
        if cell is None:
            problems.append(" ".join(map(str, cell_id(row))) + " (missing)")
            continue
        for measure in MEASURES:  # the later stages too, where the release holds them (issue 24)
            if measure not in cell:  # not part of this release: not recorded, or not published for the table
                frame.at[i, measure], frame.at[i, f"sup_{measure}"] = np.nan, False
                continue
            hidden = cell[measure] is None
            frame.at[i, f"sup_{measure}"] = hidden
            if not hidden and (pd.isna(row[measure]) or int(cell[measure]) != int(row[measure])):
                problems.append(" ".join(map(str, cell_id(row))) + f" {measure}")
        if cell.get("band"):
            frame.at[i, "band_lo"], frame.at[i, "band_hi"] = cell["band"]
    if problems:
        return problems
    for measure in MEASURES:
        frame[f"sup_{measure}"] = frame[f"sup_{measure}"].astype(bool)
    result = audit([*(e.frame() for e in earlier), frame], int(r["k"]), exact=True)
    last = len(earlier)
    return [" ".join(map(str, cell_id(frame.loc[v.row]))) + f" {v.measure}" for v in result.violations
            if v.release == last] or [f"release {v.release + 1}" for v in result.violations][:5]

