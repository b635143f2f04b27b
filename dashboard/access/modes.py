"""Which sign-in applies, decided from configuration and data (no Streamlit)."""

from __future__ import annotations

from pathlib import Path

from dashboard import settings
from dashboard.errors import UserFacingError
from dashboard.i18n import N_, _

OIDC = "oidc"
PASSWORD = "password"
DEMO = "demo"
LOCKED = "locked"
#: What an anonymous visitor may see in demo mode: every read page, never the Data page (uploads, edits).
DEMO_ROLE = "analyst"

LOCKED_MESSAGE = N_(
    "Real case data is loaded, but no sign-in is configured, so nothing is shown. "
    "Add a user with `python -m dashboard users add NAME --role admin`, "
    "or configure OIDC under `[auth]` in `.streamlit/secrets.toml`, then reload."
)
#: A configured database that holds nothing yet: a deployment's first start, which is not demo data (the demo is
#: only ever seeded into the app's own default database).
EMPTY_MESSAGE = N_(
    "This database holds no case data yet, and no sign-in is configured. "
    "Add an admin with `python -m dashboard users add NAME --role admin` (or configure OIDC under `[auth]` in "
    "`.streamlit/secrets.toml`), reload and sign in, then load the case file and the coverage table on the Data "
    "page (or with `python -m dashboard ingest FILE` and `python -m dashboard ingest FILE --kind coverage`)."
)


def app_mode() -> str:
    return settings.current().mode


def public_dir() -> Path:
    folder = settings.current().public_dir
    if not folder:
        raise UserFacingError(_("Public mode needs DASHBOARD_PUBLIC_DIR."),
                              _("Run 'python -m dashboard export-public --out DIR' and set DASHBOARD_PUBLIC_DIR=DIR."))
    return folder


def decide(oidc_configured: bool, users_exist: bool, only_synthetic: bool) -> str:
    """OIDC if configured, else built-in passwords if users exist, else demo (the SYNTHETIC demo and nothing else)
    or locked (real data, or an empty database: neither is shown to anyone who has not signed in)."""
    if oidc_configured:
        return OIDC
    if users_exist:
        return PASSWORD
    return DEMO if only_synthetic else LOCKED
