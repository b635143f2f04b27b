"""Every ``st.fragment`` of the app goes through :func:`fragment`, so a fragment rerun draws like a full run.

A fragment rerun (a ▶ Play tick, a slider move or a map click inside the fragment) runs only the
fragment's function, in a fresh script run: what app.py set for the full run — the interface language
(a context variable, :mod:`dashboard.i18n`) and the page and context being drawn (:mod:`dashboard.ui.context`)
— is not there any more. The wrapper re-establishes both, the language from session state and the run from the
definition, at the start of every run of the fragment, so no fragment can forget it.
tests/test_i18n_fragments.py checks that nothing else in the project calls ``st.fragment``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from dashboard.ui import context as run_context
from dashboard.ui import language

F = TypeVar("F", bound=Callable[..., Any])


def fragment(func: F, *, run_every: float | None = None) -> F:
    """``st.fragment(func, run_every=...)``, with the language and the run's context restored on each run."""
    run = run_context.current_run()  # the full run that defines the fragment

    @functools.wraps(func)
    def rerun_safe(*args: Any, **kwargs: Any) -> Any:
        language.restore()
        with run_context.running(run):
            return func(*args, **kwargs)

    return st.fragment(rerun_safe, run_every=run_every)  # type: ignore[return-value]
