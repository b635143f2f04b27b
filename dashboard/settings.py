"""Every environment variable the dashboard reads, declared once: name, default, type, meaning.

Nothing else in the package reads ``os.environ`` for configuration: it asks
:func:`current` for a validated :class:`Settings`. A bad value is a
:class:`~dashboard.errors.UserFacingError` that names the variable and what
it accepts. The README's configuration table is checked against
:data:`SETTINGS` by a test. Secrets (``.streamlit/secrets.toml``) are listed
in :data:`SECRETS` for the same reason; Streamlit reads that file itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dashboard.errors import UserFacingError
from dashboard.paths import PROJECT_ROOT, SHIPPED_BOUNDARIES

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ValueError("it must be 1 or 0")


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in options:
            raise ValueError(f"it must be one of: {', '.join(options)}")
        return value
    parse.expects = " or ".join(f"'{o}'" for o in options)  # type: ignore[attr-defined]
    return parse


def _positive_number(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError("it must be a number above 0")
    return value


_positive_number.expects = "a number above 0"  # type: ignore[attr-defined]


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("it must be a whole number, 1 or more")
    return value


_positive_int.expects = "a whole number, 1 or more"  # type: ignore[attr-defined]


def _probability(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise ValueError("it must be a number between 0 and 1")
    return value


_probability.expects = "a number between 0 and 1, such as 0.05"  # type: ignore[attr-defined]


def _path(text: str) -> Path:
    return Path(text).expanduser()


def _boundary_file(text: str) -> Path:
    """A shipped layer's name (``geoboundaries``, ``naturalearth``) or a path to a boundary file."""
    return SHIPPED_BOUNDARIES.get(text.strip().lower()) or _path(text)


@dataclass(frozen=True)
class Setting:
    env: str
    field: str
    parse: Callable[[str], Any]
    default: Any
    default_text: str
    description: str


#: The variables the app and the CLI read.
SETTINGS: tuple[Setting, ...] = (
    Setting("DASHBOARD_DB_URL", "db_url", str, None,
            "`[connections.cases] url` in `.streamlit/secrets.toml`, else SQLite `var/cases.sqlite3`",
            "SQLAlchemy URL of the case database (PostgreSQL: `postgresql+psycopg://user:pw@host/db`)"),
    Setting("DASHBOARD_MODE", "mode", _choice("internal", "public"), "internal", "`internal`",
            "`internal` (signed-in pages) or `public` (the donor dashboard, read from the public export only)"),
    Setting("DASHBOARD_PUBLIC_DIR", "public_dir", _path, None, "none",
            "folder written by `export-public`, which public mode shows"),
    Setting("DASHBOARD_BOUNDARIES", "boundaries", _boundary_file, None,
            "the Data page's choice, else the shipped default",
            "boundary file to use instead of the Data page's choice or the default; `naturalearth` picks the "
            "shipped 24-unit layer from before the 2013 split, `geoboundaries` the 25-unit default"),
    Setting("DASHBOARD_OFFENCE_MAP", "offence_map", _path, None, "built-in labels",
            "JSON file of extra offence labels → categories"),
    Setting("DASHBOARD_VAR_DIR", "var_dir", _path, PROJECT_ROOT / "var", "`var/`",
            "local state: the default SQLite file, chosen boundaries, the columnar cache"),
    Setting("DASHBOARD_SNAPSHOT", "snapshot", _flag, True, "`1` (on)",
            "`0` turns off the Parquet snapshot that speeds up loading"),
    Setting("DASHBOARD_TILE_URL", "tile_url", str, None, "none",
            "optional basemap tiles from a local tile server (`{z}/{x}/{y}` URL template)"),
    Setting("DASHBOARD_TILE_ATTRIBUTION", "tile_attribution", str, "basemap", "`basemap`",
            "attribution shown for those tiles"),
    Setting("DASHBOARD_KHMER_DIGITS", "khmer_digits", _flag, False, "`0` (Western digits)",
            "`1` writes numbers in Khmer numerals (០-៩) when the interface is in Khmer"),
    Setting("DASHBOARD_SESSION_IDLE_HOURS", "session_idle_hours", _positive_number, 8.0, "`8`",
            "a sign-in ends after this many hours without use (built-in users)"),
    Setting("DASHBOARD_SESSION_MAX_DAYS", "session_max_days", _positive_number, 7.0, "`7`",
            "a sign-in ends this many days after it began, however active (built-in users)"),
    Setting("DASHBOARD_MAP_CACHE_SIZE", "map_cache_size", _positive_int, 64, "`64`",
            "distinct maps each server process keeps built and rendered for every session (least recently "
            "used dropped first; about 0.5 MB each)"),
    Setting("DASHBOARD_QUALITY_SILENCE_P", "quality_silence_p", _probability, 0.05, "`0.05`",
            "data quality: a covered province with no case in a month or quarter is flagged when the chance of "
            "none (Poisson) is under this"),
    Setting("DASHBOARD_ONE_PERSON_RELEASE", "one_person_release", _flag, False, "`0` (a second admin approves)",
            "`1` lets the admin who drafted a public release approve it too (small deployments); the release "
            "then says so"),
    Setting("DASHBOARD_RELEASE_KEY", "release_key", _path, None, "`var/release-signing/release.key`",
            "the Ed25519 private key that signs public releases (`release keygen`); never inside a public folder"),
    Setting("DASHBOARD_PUBLIC_URL", "public_url", str, None, "none (citations give the release's folder)",
            "the public site's address, used in the citation line of each release"),
)

#: Variables only the tests and CI read (documented beside the others).
TEST_SETTINGS: tuple[tuple[str, str], ...] = (
    ("DASHBOARD_TEST_PG_URL", "PostgreSQL for the storage tests (tests skipped without it)"),
    ("DASHBOARD_REQUIRE_PG", "`1`: fail, not skip, the PostgreSQL tests when that URL is missing (CI)"),
    ("DASHBOARD_REQUIRE_BROWSER", "`1`: fail, not skip, the browser tests when chromium is missing (CI)"),
    ("DASHBOARD_SCREENSHOT_DIR",
     "where the browser tests save screenshots (default: a temporary folder, never `docs/screenshots/`)"),
)

#: Keys of `.streamlit/secrets.toml` the app reads.
SECRETS: tuple[tuple[str, str], ...] = (
    ("[connections.cases] url", "the case database, when DASHBOARD_DB_URL is not set"),
    ("[auth]",
     "OIDC sign-in with st.login (redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url)"),
    ("[roles]", "signed-in e-mail address → leadership, analyst or admin (OIDC)"),
    ("[claims]", "OIDC user-info claims that carry the role (`role = \"roles\"`) and the province scope "
                 "(`provinces = \"provinces\"`); read before [roles] and [scopes]"),
    ("[scopes]", "signed-in e-mail address → its provinces, comma-separated (OIDC; no entry: every province)"),
)


@dataclass(frozen=True)
class Settings:
    """The validated settings: one field per :data:`SETTINGS` row, in its order. The defaults are written only
    there (:func:`load` fills an unset variable with its row's default), so a field here carries none."""

    db_url: str | None
    mode: str
    public_dir: Path | None
    boundaries: Path | None
    offence_map: Path | None
    var_dir: Path
    snapshot: bool
    tile_url: str | None
    tile_attribution: str
    khmer_digits: bool
    session_idle_hours: float
    session_max_days: float
    map_cache_size: int
    quality_silence_p: float
    one_person_release: bool
    release_key: Path | None
    public_url: str | None


def load(environ: Mapping[str, str]) -> Settings:
    """Settings from ``environ``: defaults for unset or empty variables; a clear error for a bad value."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = (environ.get(setting.env) or "").strip()
        if not raw:
            values[setting.field] = setting.default
            continue
        try:
            values[setting.field] = setting.parse(raw)
        except ValueError as exc:
            expects = getattr(setting.parse, "expects", "a valid value")
            raise UserFacingError(f"{setting.env} is '{raw}': {exc}.",
                                  f"Set it to {expects}, or unset it (default: {setting.default_text}).") from None
    return Settings(**values)


def current() -> Settings:
    """The settings of this process's environment now (re-read when a variable changes)."""
    return _load_cached(tuple(os.environ.get(s.env) for s in SETTINGS))


@lru_cache(maxsize=16)
def _load_cached(values: tuple[str | None, ...]) -> Settings:
    return load({s.env: v for s, v in zip(SETTINGS, values) if v is not None})


def defaults() -> Settings:
    """The settings with no variable set: every :data:`SETTINGS` row's default."""
    return load({})


#: Words in a URL's query that name a credential: their values are hidden when settings are shown.
_CREDENTIAL_WORDS = ("key", "token", "secret", "password", "signature", "auth")


def _redact_url(url: str) -> str:
    """``url`` with a password (``user:pw@``) and credential-looking query values (``?apikey=...``) hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in credentials else f"{user}@{host}"
    query = urlencode([(k, "***" if any(w in k.lower() for w in _CREDENTIAL_WORDS) else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe="{}*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def shown(value: Any) -> str:
    """A setting's value as it would be written in the environment (``1``/``0``, ``8``, a path), or ``none``."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Path):
        try:
            return str(value.relative_to(PROJECT_ROOT))
        except ValueError:
            return str(value)
    return str(value)


#: The settings whose values are URLs, shown with their credentials hidden.
URL_SETTINGS = ("db_url", "tile_url")


def table(settings: Settings) -> list[tuple[str, str, str, str]]:
    """(name, value in effect, default, meaning) for every setting, secrets hidden: what ``python -m dashboard
    settings`` prints. The default and meaning are the README's texts without their Markdown backticks."""
    rows = []
    for setting in SETTINGS:
        value = shown(getattr(settings, setting.field))
        if setting.field in URL_SETTINGS and value != "none":
            value = _redact_url(value)
        rows.append((setting.env, value, setting.default_text.replace("`", ""), setting.description.replace("`", "")))
    return rows


def declared_names() -> list[str]:
    """Every variable name, app and tests: what the README's configuration table must list."""
    return [s.env for s in SETTINGS] + [name for name, _ in TEST_SETTINGS]
