"""Serve the dashboard: ``streamlit run server.py`` (Streamlit finds the ``st.App`` below and runs it).

``app.py`` stays the Streamlit script (navigation, sign-in gate, sidebar);
this file adds the small cookie routes of :mod:`dashboard.access.routes`
beside Streamlit's own, so a sign-in lasts across reloads, tabs and browser
restarts. ``streamlit run app.py`` still works, but then a sign-in lasts
only as long as the browser tab. Imported before the server accepts a
connection, it also turns off Streamlit's pages-directory mode, so every
run, a deep link first of all, is a run of app.py (see app.py's docstring).

At start-up, before the server accepts its first connection, it warms the
shared caches (data, boundaries, the Overview's metrics and map), so the
first viewer does not pay for them (issue 12), and serves Streamlit's own
front-end files in larger chunks.
"""

import asyncio
import logging
import threading
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config

from dashboard.access import download_routes, routes, starlette_private
from dashboard.access.middleware import SignInGuard
from dashboard.access.page_addresses import NestedPageAddress
from dashboard.ops import health
from dashboard.render import fonts, served
from dashboard.ui.adapters import streamlit_private

# Before the first session: no run ever goes through Streamlit's pages-directory mode (app.py's docstring).
streamlit_private.navigation_only()

# Before the first browser connects: the theme asks for the font as soon as a page opens, before app.py has
# run, and a tab whose font request failed (404) shows Khmer as boxes until it is reloaded.
fonts.ensure_installed()

log = logging.getLogger("dashboard.server")

#: A new browser fetches about 10 MB of Streamlit's front-end files, which Starlette reads in 64 KB chunks, each
#: a hop to a worker thread and through the middleware: serving them was a third of the server's CPU per first
#: page view (py-spy, issue 12). 1 MB chunks cut that hop count sixteen-fold; the files are served unchanged.
starlette_private.serve_files_in_chunks_of(1024 * 1024)


class _OutsideScriptRuns(logging.Filter):
    """Drops Streamlit's "missing ScriptRunContext" warning for the threads registered here: the warm-up fills
    the shared caches outside any script run on purpose, and the warning would only alarm whoever reads the log."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.thread in self.threads and "missing ScriptRunContext" in record.getMessage())


_quiet = _OutsideScriptRuns()
logging.getLogger(streamlit_private.SCRIPT_RUN_CONTEXT_LOGGER).addFilter(_quiet)


def warm_up() -> None:
    """Warm the caches; a failure (e.g. the database is down) is logged and left for the first page to explain."""
    from dashboard.access import modes
    from dashboard.ui import cache

    _quiet.threads.add(threading.get_ident())
    try:
        if modes.app_mode() == "public":
            return
        steps = cache.warm()
        log.info("warm-up done in %.1f s: %s", sum(steps.values()), steps)
    except Exception:  # the app shows the same problem to the first viewer, with a message for people
        log.warning("warm-up skipped", exc_info=True)
    finally:
        _quiet.threads.discard(threading.get_ident())


@asynccontextmanager
async def lifespan(_app):
    await asyncio.to_thread(warm_up)
    yield


# Before the warm-up builds the first maps: they load Leaflet and the font below the base path.
served.set_base_path(config.get_option("server.baseUrlPath"))
app = st.App("app.py", routes=routes.build(config.get_option("server.baseUrlPath") or "") + download_routes.build()
             + health.build(),
             # no /_stcore/metrics; the pre-sign-in nonce cookie; /cases/2014 sent to /cases
             lifespan=lifespan, middleware=[Middleware(SignInGuard), Middleware(NestedPageAddress)])
