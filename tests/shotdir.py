"""Where the browser tests save their screenshots: one rule for every test module."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def screenshot_dir(sub: str = "") -> Path:
    """``$DASHBOARD_SCREENSHOT_DIR``, else a temporary folder: never the repository, so a test run leaves the
    committed docs/screenshots/ alone (``python -m dashboard screenshots`` retakes those)."""
    base = Path(os.environ.get("DASHBOARD_SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "dashboard-screenshots")
    return base / sub if sub else base
