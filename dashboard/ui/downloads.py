"""Audited downloads: every click on an internal page's download button writes one audit entry.

Download buttons take a callable that Streamlit runs only when the button
is clicked; :func:`audited` wraps it so that each click first re-checks the
viewer's session (a session ended since the page was drawn gets nothing) and
records who, which page, which filters and how many rows, then builds the
file. Public mode has no case database and no user, so its buttons are not
wrapped.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard.access import audit, sessions
from dashboard.ui.context import current


class SessionEnded(PermissionError):
    """The download was asked for after its viewer's session ended."""


def audited(make: Callable[[], bytes], file_name: str, rows: int | None) -> Callable[[], bytes]:
    ctx, page = current()
    if ctx is None:
        return make
    from dashboard.ui.cache import current_engine

    engine = current_engine()
    who, session, filters = ctx.username, ctx.session, ctx.filters.describe()

    def run() -> bytes:
        if session is not None and sessions.check(engine, session) is None:
            raise SessionEnded("the session has ended; sign in again")
        audit.record(engine, who, audit.DOWNLOAD, page=page, rows=rows, detail={"file": file_name, "filters": filters})
        return make()

    return run
