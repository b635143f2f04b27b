"""▶ Play: step a slider through frames (months of the rollout, quarters of cases) on a timer.

While playing, only a fragment reruns, once per tick; the last frame stops the
timer with a full rerun. A frame is drawn by the page's own function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from dashboard.i18n import _
from dashboard.ui import params
from dashboard.ui.fragments import fragment

TICK_SECONDS = 1.0


def _playing_key(key: str) -> str:
    return params.playing(key)


def _set_playing(key: str, frames: Sequence[Any], play: bool) -> None:
    """Button callback (runs before the script, so it may move the slider): play (from the start if at the end)
    or pause, as the button the viewer pressed said. Not a toggle: a callback run twice for one press (a rerun
    that replays the press) leaves the same state, where a toggle paused a rollout it had just started."""
    if play and not st.session_state.get(_playing_key(key), False) \
            and st.session_state.get(key, frames[-1]) == frames[-1]:
        st.session_state[key] = frames[0]
    st.session_state[_playing_key(key)] = play


def _step(key: str, frames: Sequence[Any], label: str, format_func: Callable[[Any], str],
          draw: Callable[[Any], None]) -> None:
    if st.session_state.get(key) not in frames:
        st.session_state[key] = frames[-1]
    # Written back on every run, so the slider is sent its value each time: the browser keeps a thumb only while
    # the options' labels stay the same, and otherwise falls back to the first frame while the page draws the
    # frame in session state (e.g. after switching the language).
    st.session_state[key] = st.session_state[key]
    if st.session_state.get(_playing_key(key)):
        i = list(frames).index(st.session_state[key])
        if i + 1 < len(frames):
            st.session_state[key] = frames[i + 1]
        else:  # the end: stop the timer with a full rerun
            st.session_state[_playing_key(key)] = False
            st.rerun()
    frame = st.select_slider(label, options=list(frames), key=key, format_func=format_func)
    draw(frame)


def player(key: str, frames: Sequence[Any], draw: Callable[[Any], None], label: str, play_label: str,
           format_func: Callable[[Any], str] = str, help: str | None = None) -> None:
    """A ▶ Play / ⏸ Pause button and a slider over ``frames`` (key ``key``); ``draw(frame)`` shows one frame."""
    playing = st.session_state.get(_playing_key(key), False)
    st.button(_("⏸ Pause") if playing else f"▶ {play_label}", key=f"{key}_play_btn", on_click=_set_playing,
              args=(key, frames, not playing), help=help)
    fragment(_step, run_every=TICK_SECONDS if playing else None)(key, frames, label, format_func, draw)
