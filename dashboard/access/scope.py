"""A user's province scope: the provinces whose case data they see in full (Streamlit-free).

A scope is a tuple of NCDD province codes in the gazetteer's order; ``None`` is no scope (the role sees every
province, as before scopes existed). It is stored in ``users.provinces`` as comma-separated codes. Names are
read with the province resolver, so ``"Siem Reap, Oddar Meanchey"``, ``"17,22"`` and Khmer names all work; a
name the resolver cannot place is refused with its suggestions, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.errors import UserFacingError
from dashboard.geo.gazetteer import display_name, load_gazetteer
from dashboard.geo.resolve import resolve
from dashboard.i18n import _

Scope = tuple[str, ...] | None
#: Roles a scope may be given to: an admin manages the whole database and is never scoped.
SCOPABLE_ROLES = ("leadership", "analyst")


def ordered(codes: Iterable[str]) -> tuple[str, ...]:
    """``codes`` in the gazetteer's order, without repeats (unknown codes dropped)."""
    wanted = set(codes)
    return tuple(code for code in load_gazetteer() if code in wanted)


def parse(names: str | Iterable[str]) -> tuple[str, ...]:
    """The codes of ``names`` (one comma-separated text, or several texts); a bad name is an error.

    Raises :class:`UserFacingError` naming every name that is not a province, with the resolver's suggestions,
    and when no name is given at all.
    """
    texts = names.split(",") if isinstance(names, str) else [part for n in names for part in str(n).split(",")]
    texts = [t.strip() for t in texts if t.strip()]
    if not texts:
        raise UserFacingError(_("No province was named for the scope."),
                              _("Name one or more provinces, e.g. --provinces \"Siem Reap,Oddar Meanchey\"."))
    codes, problems = [], []
    for text in texts:
        found = resolve(text)
        if found.code:
            codes.append(found.code)
            continue
        hints = [display_name(s.code) for s in found.suggestions]
        problems.append(_("'{name}' (did you mean {names}?)").format(name=text, names=_(" or ").join(hints))
                        if hints else f"'{text}'")
    if problems:
        raise UserFacingError(_("Not a province: {names}. Nothing was changed.").format(names="; ".join(problems)),
                              _("Check the spelling with 'python -m dashboard provinces resolve NAME'."))
    return ordered(codes)


def dump(scope: Scope) -> str | None:
    """The stored form: comma-separated codes, or None for no scope."""
    return None if scope is None else ",".join(ordered(scope))


def audit_text(scope: Scope) -> str:
    """How the audit trail records the scope in force: the codes, or ``all provinces``."""
    return "all provinces" if scope is None else ",".join(ordered(scope))


def load(stored: str | None) -> Scope:
    """The scope a stored value stands for (None, or an empty text: no scope)."""
    if stored is None or not str(stored).strip():
        return None
    return ordered(part.strip() for part in str(stored).split(","))


def check_role(role: str, scope: Scope) -> None:
    """Refuse a scope for a role that cannot have one (admins)."""
    if scope is not None and role not in SCOPABLE_ROLES:
        raise UserFacingError(_("An admin cannot be limited to provinces: admins manage the whole database."),
                              _("Give the scope to a leadership or analyst user instead, or leave out --provinces."))


def names(scope: Scope) -> str:
    """The scope in words, in the interface language (``Siem Reap, Oddar Meanchey``; "all provinces")."""
    return _("all provinces") if scope is None else ", ".join(display_name(code) for code in scope)
