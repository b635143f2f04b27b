"""The version check each private-API adapter (dashboard/ui/adapters/, dashboard/access/starlette_private.py) makes
when it is imported: an upgrade fails in one obvious place, naming the library and the version tested."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from packaging.version import Version


class UntestedVersion(RuntimeError):
    """A library whose private parts an adapter uses is not at a version the adapter was tested with."""


def require(distribution: str, tested: str, adapter: str, oldest: str | None = None,
            below: str | None = None) -> str:
    """Refuse to run with ``distribution`` at a version whose private parts may differ; return the version found.

    Accepted: the same major.minor as ``tested``, or, when ``oldest`` and ``below`` are given, any version from
    ``oldest`` up to (not including) ``below``. The message names the library, the version found, the version
    tested and the adapter to review.
    """
    try:
        found = version(distribution)
    except PackageNotFoundError:
        raise UntestedVersion(f"{distribution} is not installed; {adapter} was tested with {distribution} "
                              f"{tested}. Install requirements.txt.") from None
    if oldest and below:
        accepted = Version(oldest) <= Version(found) < Version(below)
    else:
        accepted = Version(found).release[:2] == Version(tested).release[:2]
    if not accepted:
        raise UntestedVersion(
            f"{distribution} {found} is installed, but {adapter} uses private parts of it tested only with "
            f"{distribution} {tested}. Install the version pinned in requirements.txt, or review {adapter} "
            f"against {distribution} {found} and update its TESTED version.")
    return found
