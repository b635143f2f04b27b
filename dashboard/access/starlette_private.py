"""Every use of Starlette's internals, in one place, checked against the tested version.

Streamlit serves its front-end files with Starlette's ``FileResponse``; :func:`serve_files_in_chunks_of`
changes the class's read size, which Starlette does not document as a setting.
"""

from __future__ import annotations

from dashboard.compat import require

TESTED = "1.10.0"
#: The range Streamlit 1.67 itself accepts; FileResponse.chunk_size is read per response in all of it.
require("starlette", TESTED, __name__, oldest="0.46", below="2")

from starlette.responses import FileResponse  # noqa: E402 (after the version check, on purpose)


def serve_files_in_chunks_of(size: int) -> None:
    """Serve every file response in reads of ``size`` bytes (Starlette's class attribute; 64 KiB by default)."""
    if not isinstance(getattr(FileResponse, "chunk_size", None), int):
        raise RuntimeError(f"starlette's FileResponse has no integer chunk_size any more; {__name__} was tested "
                           f"with starlette {TESTED}: review it.")
    FileResponse.chunk_size = size
