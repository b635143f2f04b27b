"""Release candidates: drafted by one admin, approved by another, then published (see :mod:`.publishing`).

A candidate is a folder under ``var/releases/candidates/<id>/`` (never public): the export files
(``export/``), the site of the release as it will be published (``site/``), and ``candidate.json``,
which names who drafted and who approved it (those names stay here; the public release gives
only the approver's role), the data version and ledger length it was drafted from, its change
report, and the SHA-256 of every file, so that what was approved is what is published.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.errors import UserFacingError
from dashboard.i18n import _, fmt_int
from dashboard.publish import changes, ledger, signing

DRAFTED, APPROVED, PUBLISHED = "drafted", "approved", "published"
ADMIN = "admin"
FILE = "candidate.json"


def root() -> Path:
    from dashboard import settings

    return settings.current().var_dir / "releases" / "candidates"


@dataclass
class Candidate:
    folder: Path
    record: dict

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def number(self) -> int:
        return int(self.record["number"])

    @property
    def state(self) -> str:
        return str(self.record["state"])

    @property
    def export_dir(self) -> Path:
        return self.folder / "export"

    @property
    def site_dir(self) -> Path:
        return self.folder / "site"

    def save(self) -> None:
        tmp = self.folder / f".{FILE}.tmp"
        tmp.write_text(json.dumps(self.record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(self.folder / FILE)


def load(candidate_id: str) -> Candidate:
    folder = root() / str(candidate_id)
    path = folder / FILE
    if not str(candidate_id).isdigit() or not path.is_file():
        raise UserFacingError(_("There is no release candidate {id}.").format(id=candidate_id),
                              _("List the candidates with 'python -m dashboard release list'; draft one with "
                                "'python -m dashboard release draft --as NAME'."))
    try:
        return Candidate(folder, json.loads(path.read_text(encoding="utf-8")))
    except ValueError:
        raise UserFacingError(_("Release candidate {id} could not be read.").format(id=candidate_id),
                              _("Draft a new candidate.")) from None


def all_candidates() -> list[Candidate]:
    """Every candidate, newest first."""
    base = root()
    if not base.is_dir():
        return []
    ids = sorted((int(p.name) for p in base.iterdir() if p.name.isdigit() and (p / FILE).is_file()), reverse=True)
    return [load(str(i)) for i in ids]


def pending() -> Candidate | None:
    """The newest candidate still waiting for approval or publication, if any."""
    for candidate in all_candidates():
        if candidate.state in (DRAFTED, APPROVED):
            return candidate
    return None


# ---------------------------------------------------------------- who acts


def require_admin(engine: Engine, username: str | None) -> str:
    """``username`` if it names an enabled admin of the users table; refuse otherwise."""
    from dashboard.data import db

    if not username:
        raise UserFacingError(_("Say who is acting: --as NAME (an admin of this dashboard)."),
                              _("Drafting and approving a release are recorded under that name; the second "
                                "step must be taken by a different admin."))
    u = db.users
    with engine.connect() as conn:
        row = conn.execute(sa.select(u.c.role, u.c.disabled).where(u.c.username == username)).first()
    if row is None or row.disabled or row.role != ADMIN:
        raise UserFacingError(_("'{name}' is not an enabled admin of this dashboard.").format(name=username),
                              _("Only admins draft, approve and publish releases (python -m dashboard users list)."))
    return username


def _audit(engine: Engine, actor: str, action: str, detail: dict, rows: int | None = None, page: str | None = None,
           conn=None) -> None:
    from dashboard.access import audit

    audit.record(engine, actor, action, page=page, rows=rows, detail=detail, conn=conn)


def refuse(engine: Engine, actor: str, step: str, candidate_id: str, reason: str, problem: UserFacingError,
           page: str | None = None) -> UserFacingError:
    """Record a refused step in the audit trail and hand back the error to raise."""
    from dashboard.access import audit

    _audit(engine, actor, audit.RELEASE_REFUSED, {"candidate": candidate_id, "step": step, "reason": reason},
           page=page)
    return problem


# ---------------------------------------------------------------- draft


def draft(engine: Engine, drafter: str, k: int, page: str | None = None, actor: str | None = None) -> Candidate:
    """Build a candidate from the case database: export, site and briefs, audited against every earlier release."""
    from dashboard.access import audit
    from dashboard.data.store import data_version, load_from_db
    from dashboard.publish.public_export import build_export, suppressed_cells

    require_admin(engine, drafter)
    version = data_version(engine)
    dataset = load_from_db(engine)
    if dataset.cases.empty:
        raise UserFacingError(_("There are no cases to publish."),
                              _("Ingest case data first (python -m dashboard ingest FILE)."))
    earlier = ledger.DbLedger(engine).releases()
    frames = [r.frame() for r in earlier]
    frame = suppressed_cells(dataset, k, frames)
    cells = ledger.published_cells(frame)
    if earlier and earlier[-1].cells == cells:
        raise UserFacingError(
            _("The figures are the same as release {n}'s: there is nothing new to publish.").format(
                n=fmt_int(len(earlier))),
            _("Draft again once new data has been ingested."))
    number = len(earlier) + 1
    from dashboard.publish.incomplete import probably_incomplete_months

    parts = build_export(dataset, k, frames, frame, probably_incomplete_months(engine, dataset))
    parts["metadata.json"]["release"] = number
    report = changes.report(earlier[-1].cells if earlier else None, cells)
    revised = changes.revisions([r.cells for r in earlier] + [cells])
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    ids = [int(p.name) for p in base.iterdir() if p.name.isdigit()]
    candidate_id = str(max(ids, default=0) + 1)
    folder = base / candidate_id
    tmp = base / f".{candidate_id}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        write_parts(parts, tmp / "export")
        revisions = [{"table": t, "key": key, "year": year, "release": n} for (t, key, year), n in revised.items()]
        from dashboard.publish import release_site

        release_site.write_release_site(tmp / "export", tmp / "site", number, revisions)
        meta = parts["metadata.json"]
        record = {
            "id": candidate_id, "number": number, "state": DRAFTED, "k": k,
            "drafted_by": drafter, "drafted_at": ledger.now_stamp(), "approved_by": None, "approved_at": None,
            "one_person": False, "data_version": version, "ledger_count": len(earlier),
            "audit": {"passed": True, "earlier_releases": len(earlier)},
            "period": meta["period"], "figures_to": meta["figures_to"], "data_received_to": meta["data_received_to"],
            "synthetic": meta["synthetic"], "changes": report, "revisions": revisions, "cells": cells,
            "files": _digests(tmp), "published_at": None, "published_to": None,
        }
        candidate = Candidate(tmp, record)
        candidate.save()
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    candidate = Candidate(folder, record)
    counts = changes.summary_counts(report)
    _audit(engine, actor or drafter, audit.RELEASE_DRAFT, {"candidate": candidate_id, "release": number, "k": k,
                                                           "period": meta["period"], **counts},
           rows=len(cells), page=page)
    return candidate


def write_parts(parts: dict, folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, content in parts.items():
        if isinstance(content, dict):
            (folder / name).write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            content.to_csv(folder / name, index=False, encoding="utf-8")


NOT_A_FILE = "not a regular file"


def _digests(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file of the export and the site, and a mark for anything else there (a symbolic
    link, a named pipe): drafting writes none, and copying one would publish what it points to."""
    out = {}
    for sub in ("export", "site"):
        for name in signing.listed_files(folder / sub):
            out[f"{sub}/{name}"] = signing.file_digest(folder / sub / name)
        for top, dirs, files in os.walk(folder / sub):
            for name in dirs + files:
                path = Path(top) / name
                if path.is_symlink() or not (path.is_dir() or path.is_file()):
                    out[path.relative_to(folder).as_posix()] = NOT_A_FILE
    return out


# ---------------------------------------------------------------- checks shared by approve and publish


def check_current(engine: Engine, candidate: Candidate, actor: str, step: str, page: str | None = None) -> None:
    """Refuse (and record why) a candidate whose data, ledger or files changed since it was drafted."""
    from dashboard.data.store import data_version

    again = _("Draft again: python -m dashboard release draft --as NAME.")
    if data_version(engine) != candidate.record["data_version"]:
        raise refuse(engine, actor, step, candidate.id, "data_changed", page=page, problem=UserFacingError(
            _("Candidate {id} was drafted from data that has changed since (a new ingest): its figures and its "
              "audit are out of date.").format(id=candidate.id), again))
    count = len(ledger.DbLedger(engine).releases())
    if count != candidate.record["ledger_count"]:
        raise refuse(engine, actor, step, candidate.id, "ledger_changed", page=page, problem=UserFacingError(
            _("Another release was published after candidate {id} was drafted, so its disclosure audit did not "
              "include it.").format(id=candidate.id), again))
    now = _digests(candidate.folder)
    differ = sorted(set(now.items()) ^ set(candidate.record["files"].items()))
    if differ:
        raise refuse(engine, actor, step, candidate.id, "files_changed", page=page, problem=UserFacingError(
            _("The files of candidate {id} changed after it was drafted ({file}).").format(
                id=candidate.id, file=differ[0][0]), again))


# ---------------------------------------------------------------- approve


def approve(engine: Engine, candidate_id: str, approver: str, page: str | None = None,
            actor: str | None = None) -> Candidate:
    """Approve a drafted candidate: by an admin other than the one who drafted it (unless one-person publishing
    is allowed, and then the candidate says so)."""
    from dashboard import settings
    from dashboard.access import audit

    candidate = load(candidate_id)
    require_admin(engine, approver)
    who = actor or approver
    if candidate.state != DRAFTED:
        raise refuse(engine, who, "approve", candidate.id, f"state_{candidate.state}", UserFacingError(
            _("Candidate {id} is already {state}.").format(id=candidate.id, state=state_text(candidate.state)),
            _("Draft a new candidate for a new release.")), page)
    one_person = approver == candidate.record["drafted_by"]
    if one_person and not settings.current().one_person_release:
        raise refuse(engine, who, "approve", candidate.id, "same_admin", UserFacingError(
            _("{name} drafted candidate {id}, so {name} cannot approve it: a second admin must.").format(
                name=approver, id=candidate.id),
            _("Ask another admin to approve it (python -m dashboard release approve {id} --as NAME, or the Data "
              "page). A deployment with a single admin may set DASHBOARD_ONE_PERSON_RELEASE=1; the release then "
              "says it was approved by the person who drafted it.").format(id=candidate.id)), page)
    check_current(engine, candidate, who, "approve", page)
    candidate.record.update(state=APPROVED, approved_by=approver, approved_at=ledger.now_stamp(),
                            one_person=one_person)
    candidate.save()
    _audit(engine, who, audit.RELEASE_APPROVE, {"candidate": candidate.id, "release": candidate.number,
                                                     "drafted_by": candidate.record["drafted_by"],
                                                     "one_person": one_person}, page=page)
    return candidate


def state_text(state: str) -> str:
    return {DRAFTED: _("drafted, waiting for approval"), APPROVED: _("approved, waiting to be published"),
            PUBLISHED: _("published")}.get(state, state)


def describe(candidate: Candidate) -> str:
    """One paragraph about a candidate for the terminal and the Data page."""
    r = candidate.record
    text = _("Candidate {id}: release {number}, {state}. Drafted by {drafter} at {at}.").format(
        id=candidate.id, number=candidate.number, state=state_text(candidate.state), drafter=r["drafted_by"],
        at=r["drafted_at"])
    if r.get("approved_by"):
        text += " " + _("Approved by {approver} at {at}.").format(approver=r["approved_by"], at=r["approved_at"])
        if r.get("one_person"):
            text += " " + _("One-person release: the same admin drafted and approved it.")
    return text
