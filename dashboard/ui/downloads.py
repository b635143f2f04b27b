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


def scope_detail(scope: tuple[str, ...] | None) -> dict:
    """What an audit entry records of the province scope in force: the codes, or that there was none."""
    from dashboard.access.scope import audit_text

    return {"scope": audit_text(scope)}


class SessionEnded(PermissionError):
    """The download was asked for after its viewer's session ended."""


def audited(make: Callable[[], bytes], file_name: str, rows: int | None) -> Callable[[], bytes]:
    ctx, page = current()
    if ctx is None:
        return make
    engine = ctx.engine
    who, session, filters, scope = ctx.username, ctx.session, ctx.filters.describe(), ctx.scope

    def run() -> bytes:
        if session is not None:
            live = sessions.check(engine, session)
            if live is None or live.scope != scope:  # ended, or the scope changed since the page was drawn
                raise SessionEnded("the session has ended or its province scope changed; reload the page")
        audit.record(engine, who, audit.DOWNLOAD, page=page, rows=rows,
                     detail={"file": file_name, "filters": filters, **scope_detail(scope)})
        return make()

    return run


def case_download(label: str, make: Callable[[], bytes], file_name: str, rows: int, key: str) -> None:
    """A case-level download: never Streamlit's media store (whose addresses need no session).

    A click builds the file and offers it once, for 60 s, to this viewer's session
    (:mod:`dashboard.access.download_offers`); the link that appears then fetches it
    from ``/_cpu/download/<token>``, which checks the session cookie and audits the
    download. Without server.py's routes, or without a dashboard session, it says so
    instead of offering the file. Invented demo data keeps the ordinary button.
    """
    import time

    import streamlit as st

    from dashboard.access import download_offers, download_routes
    from dashboard.i18n import _

    ctx, page = current()
    if ctx is not None and ctx.dataset.synthetic and ctx.session is None:  # demo mode: SYNTHETIC rows, no user
        st.download_button(label, audited(make, file_name, rows), file_name=file_name, mime="text/csv", key=key,
                           on_click="ignore")
        return
    if not download_routes.mounted():
        st.info(_("Case-level exports are served only when the dashboard runs through server.py "
                  "(streamlit run server.py): ask the administrator to start it that way."))
        return
    if ctx is None or ctx.session is None:
        st.info(_("Case-level exports need a dashboard sign-in (a built-in user): sign in with a user name and "
                  "password to export."))
        return
    link_key = f"{key}_link"
    if st.button(label, key=key):
        engine = ctx.engine
        if sessions.check(engine, ctx.session) is None:
            st.error(_("Your session has ended: sign in again to export."))
            return
        token = download_offers.offer(ctx.username, ctx.session, file_name, make(),
                                      audit={"page": page, "rows": rows,
                                             "detail": {"filters": ctx.filters.describe(),
                                                        **scope_detail(ctx.scope)}})
        st.session_state[link_key] = (download_routes.download_url(token), time.monotonic())
    link = st.session_state.get(link_key)
    if link and time.monotonic() - link[1] < download_offers.OFFER_TTL_SECONDS:
        st.link_button(_("Download {file}").format(file=file_name), link[0], type="primary", icon=":material/download:")
        st.caption(_("The link works once, within {n} seconds, in this signed-in browser.").format(
            n=download_offers.OFFER_TTL_SECONDS))
