"""Errors that carry a message meant for the person using the tool.

This module knows no translation and reads no setting: the callers translate the problem and the hint, and the
one piece of glue it adds ("What to do: ...") is translated by the function the package root hands it
(:func:`use_translation`, called with :func:`dashboard.i18n._` in ``dashboard/__init__.py``).
"""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:
    """Mark ``message`` for the catalog (Babel extracts ``N_``); it is translated where it is shown."""
    return message


WHAT_TO_DO = N_("What to do: {hint}")
_translate: Callable[[str], str] = str


def use_translation(translate: Callable[[str], str]) -> None:
    """How :attr:`UserFacingError.message` translates its own glue text (English until this is called)."""
    global _translate
    _translate = translate


class UserFacingError(Exception):
    """A problem caused by input, explained in plain words with a fix.

    ``str(err)`` is safe to show on screen: it never contains a traceback.
    """

    def __init__(self, problem: str, hint: str = "", where: str = "") -> None:
        self.problem = problem
        self.hint = hint
        self.where = where
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [f"{self.where}: {self.problem}" if self.where else self.problem]
        if self.hint:
            parts.append(_translate(WHAT_TO_DO).format(hint=self.hint))
        return " ".join(parts)


class BoundaryFileError(UserFacingError):
    """A boundary file that cannot be used."""


class DataFileError(UserFacingError):
    """A case or coverage file that cannot be read at all."""


class DatabaseUnavailable(UserFacingError):
    """The configured case database cannot be reached."""


class DatabaseBusy(DatabaseUnavailable):
    """Another process held the database (a migration or a long write) for longer than we wait."""
