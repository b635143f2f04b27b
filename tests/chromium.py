"""Debian's chromium under Playwright, for the browser test fixtures.

Playwright's sync API keeps an asyncio loop running on the main thread for as long as its driver is open, so
while one is open no other code in the test process can start a driver, call ``asyncio.run`` or open a
WebSocket client. Every fixture that holds a browser is therefore module-scoped, and ``tests/conftest.py``
fails the module that leaves a loop running behind it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dashboard.devtools.browser import CHROMIUM, CHROMIUM_ARGS


@contextmanager
def launched(env: dict[str, str] | None = None) -> Iterator[object]:
    """A headless chromium with its own driver; ``env`` replaces the browser's environment (e.g. fonts)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        options = {"env": {**os.environ, **env}} if env else {}
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, **options)
        try:
            yield browser
        finally:
            browser.close()
