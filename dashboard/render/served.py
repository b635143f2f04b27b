"""Where the app's own static files are reached from a browser.

Streamlit serves ``static/`` at ``/app/static/`` below ``server.baseUrlPath``
(``/dash/app/static/...`` for a dashboard behind ``https://host/dash/``). The
maps' iframes load Leaflet and the font by absolute path, so the path must
carry that prefix. The UI layer sets it from Streamlit's config
(:func:`set_base_path`); this module stays free of Streamlit.
"""

from __future__ import annotations

_state = {"root": ""}


def set_base_path(base_path: str | None) -> None:
    """Record ``server.baseUrlPath`` ("" or e.g. "dash" or "/dash/")."""
    base = (base_path or "").strip("/")
    _state["root"] = f"/{base}" if base else ""


def base_root() -> str:
    """The URL path prefix ("" at the site's root, else "/dash")."""
    return _state["root"]


def static_url(relative: str) -> str:
    """The browser's path to a file under ``static/`` (``relative`` like "vendor/leaflet/leaflet.js")."""
    return f"{_state['root']}/app/static/{relative.lstrip('/')}"
