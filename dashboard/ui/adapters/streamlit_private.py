"""Every use of Streamlit's private (undocumented) API, in one place, checked against the tested version.

- :func:`navigation_only`: Streamlit's pages-directory mode off (see app.py's docstring);
- :func:`redirect`: send the browser to a URL (the message ``st.login`` sends);
- :func:`requested_page_path`, :func:`aim_at_home`: the page address the browser asked this run for, and
  sending a run that asked for an unknown address to the home page without Streamlit's "Page not found";
- :func:`ensure_component_registered`: a component declared outside a script run registered with the runtime;
- :func:`login_redirect_url`: the address of ``st.login``'s provider redirect, checked first;
- :data:`SCRIPT_RUN_CONTEXT_LOGGER`: the logger that warns about code running outside a script run.
"""

from __future__ import annotations

import functools

from dashboard.compat import require

TESTED = "1.67.0"
require("streamlit", TESTED, __name__)

from streamlit import runtime  # noqa: E402 (after the version check, on purpose)
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx  # noqa: E402

SCRIPT_RUN_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


def navigation_only() -> None:
    """Turn off Streamlit's pages-directory mode for this process, before its first script run.

    A folder named ``pages/`` beside the main script makes Streamlit's ``PagesManager`` set the class flag
    ``uses_pages_directory`` at its first session; while it is true, a run goes through the old multipage
    mode, which runs ``pages/<x>.py`` by itself (without app.py, so without the gate) when a fresh server's
    first request is a deep link. ``st.navigation`` sets the flag False, but only once app.py has run. Set
    here, before any session exists, the flag is never computed, and every run is a run of app.py; a
    ``PagesManager`` made later (Streamlit's AppTest makes one per run, after resetting the flag) keeps it off.
    """
    PagesManager.uses_pages_directory = False
    if not getattr(PagesManager.__init__, "_navigation_only", False):  # once per process
        original = PagesManager.__init__

        @functools.wraps(original)
        def init(self, *args, **kwargs) -> None:
            original(self, *args, **kwargs)
            PagesManager.uses_pages_directory = False  # AppTest resets the flag before every run

        init._navigation_only = True  # type: ignore[attr-defined]
        PagesManager.__init__ = init


def pages_directory_mode() -> bool:
    """True while Streamlit would run a ``pages/`` file on its own (see :func:`navigation_only`)."""
    return bool(PagesManager.uses_pages_directory)


def requested_page_path() -> str:
    """The page address (below the base path, no slashes around it) the browser asked this run for; "" for the
    home page or outside a script run. ``st.navigation`` resolves it later, and shows Streamlit's own English
    "Page not found" dialog when no registered page has it."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    return (ctx.pages_manager.intended_page_name or "").strip("/")


def aim_at_home() -> None:
    """Make this run's ``st.navigation`` resolve the default page, as if the browser had asked for the root:
    it then sends no "Page not found" message (Streamlit's English dialog)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.pages_manager.set_script_intent("", "")


def redirect(url: str) -> None:
    """Ask the browser to load ``url`` (a full page load), as ``st.login`` does; nothing outside a script run."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        ctx.enqueue(message)


def ensure_component_registered(component) -> None:
    """Register ``component`` (a declared custom component) with the runtime, if it is not already.

    Streamlit registers a component only when it is declared during a run; a module imported before any run
    (the start-up warm-up) would leave the browser with a 404 for the component's files.
    """
    if not runtime.exists():
        return
    registry = runtime.get_instance().component_registry
    if registry.get_component(component.name) is None:
        registry.register_component(component)


def login_redirect_url(provider: str = "default") -> str:
    """The provider's sign-in address ``st.login(provider)`` would redirect to (its settings checked first)."""
    from streamlit.auth_util import validate_auth_credentials
    from streamlit.user_info import generate_login_redirect_url

    validate_auth_credentials(provider)
    return generate_login_redirect_url(provider)
