"""Errors that carry a message meant for the person using the tool."""

from __future__ import annotations


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
        from dashboard.i18n import _

        parts = [f"{self.where}: {self.problem}" if self.where else self.problem]
        if self.hint:
            parts.append(_("What to do: {hint}").format(hint=self.hint))
        return " ".join(parts)


class BoundaryFileError(UserFacingError):
    """A boundary file that cannot be used."""


class DataFileError(UserFacingError):
    """A case or coverage file that cannot be read at all."""


class DatabaseUnavailable(UserFacingError):
    """The configured case database cannot be reached."""


class DatabaseBusy(DatabaseUnavailable):
    """Another process held the database (a migration or a long write) for longer than we wait."""
