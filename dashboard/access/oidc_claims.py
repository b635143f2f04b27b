"""An OIDC user's role and province scope, from the identity provider's claims or from secrets.toml tables.

Streamlit-free: ``dashboard.ui.gate`` passes ``st.user`` and the secrets as plain dicts. In
``.streamlit/secrets.toml``:

- ``[claims] role = "roles"`` reads the role from the user-info claim ``roles`` (a text, or a list whose first
  known role is taken); ``[claims] provinces = "provinces"`` reads the scope from the claim ``provinces`` (a
  list of names or codes, or one comma-separated text, in any spelling the province resolver accepts).
- Without a ``[claims]`` entry, ``[roles]`` maps the e-mail address to a role and ``[scopes]`` maps it to its
  provinces, as for built-in users.

A claim is never half-read: a province the resolver cannot place refuses the sign-in with its name, rather than
silently narrowing (or, if it were the only one, dropping) the scope. Admins are never scoped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.access import scope
from dashboard.access.auth import ROLES
from dashboard.errors import UserFacingError
from dashboard.i18n import _


@dataclass(frozen=True)
class Claimed:
    """What the sign-in grants: a role (None: no access, with ``message``) and a province scope."""

    role: str | None
    scope: scope.Scope = None
    message: str = ""


def _claim(user: Mapping, secrets: Mapping, what: str) -> object | None:
    name = (secrets.get("claims") or {}).get(what)
    return user.get(str(name)) if name else None


def _role(user: Mapping, secrets: Mapping, email: str) -> str | None:
    claimed = _claim(user, secrets, "role")
    if claimed is None:
        return (secrets.get("roles") or {}).get(email)
    values = claimed if isinstance(claimed, list | tuple) else [claimed]
    return next((str(v) for v in values if str(v) in ROLES), None)


def _scope(user: Mapping, secrets: Mapping, email: str) -> scope.Scope:
    claimed = _claim(user, secrets, "provinces")
    if claimed is None:
        claimed = (secrets.get("scopes") or {}).get(email)
    if claimed is None or claimed == "" or claimed == []:
        return None
    return scope.parse(claimed if isinstance(claimed, str) else [str(v) for v in claimed])


def role_and_scope(user: Mapping, secrets: Mapping) -> Claimed:
    """The role and scope of the signed-in OIDC ``user`` (its user info), by the mapping in ``secrets``."""
    email = str(user.get("email") or "")
    role = _role(user, secrets, email)
    if role not in ROLES:
        return Claimed(None, message=_("{email} has no role in this dashboard. Ask an admin to add "
                                       "it under [roles] in .streamlit/secrets.toml.").format(email=email))
    if role == "admin":
        return Claimed(role)
    try:
        return Claimed(role, _scope(user, secrets, email))
    except UserFacingError as err:
        return Claimed(None, message=_("{email} could not be signed in: the province scope from the sign-in "
                                       "service is not readable. {problem}").format(email=email, problem=err.message))
