"""The page boundary for a busy database: a write lock held longer than we wait is a message, not a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard.data.db import is_busy
from dashboard.errors import DatabaseBusy
from dashboard.i18n import _


def busy_message() -> str:
    return _("The database is busy with another write (an ingest or a migration). Try again in a moment.")


@contextmanager
def busy_as_message() -> Iterator[None]:
    """Run a page; if the database stayed locked for longer than the busy timeout, say so and stop there."""
    try:
        yield
    except DatabaseBusy:
        st.warning(busy_message(), icon=":material/hourglass_top:")
    except Exception as exc:  # noqa: BLE001 - anything else is re-raised untouched
        if not is_busy(exc):
            raise
        st.warning(busy_message(), icon=":material/hourglass_top:")
