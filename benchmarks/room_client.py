"""A Streamlit viewer without a browser: one WebSocket session that asks for a page run and waits for it to end.

It speaks what the front end speaks on ``/_stcore/stream``: the ``streamlit`` subprotocol, the page's Origin,
the browser's cookies, then a ``BackMsg.rerun_script`` with the page name and the client's context, and it
reads ``ForwardMsg`` protobufs until ``script_finished`` says the run finished. A run that the app itself
restarts (``FINISHED_EARLY_FOR_RERUN``, e.g. after ``st.rerun``) is waited through, as the browser does.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
FRAGMENT_FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")


@dataclass
class View:
    """One viewer's page run: seconds from connect to the run finished, or what went wrong."""

    seconds: float | None = None
    error: str | None = None
    messages: int = 0
    bytes: int = 0
    markers: set[str] = field(default_factory=set)


def _rerun(page: str, url: str) -> bytes:
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = ""
    state.page_name = page
    state.page_script_hash = ""
    state.context_info.timezone = "UTC"
    state.context_info.timezone_offset = 0
    state.context_info.locale = "en-US"
    state.context_info.url = url
    state.widget_states.SetInParent()
    return msg.SerializeToString()


async def view(base: str, page: str, cookie: str, markers: tuple[str, ...] = (), timeout: float = 300) -> View:
    """Open one session at ``base`` (http[s]://host:port), run ``page`` and wait until the run has finished."""
    out = View()
    ws_url = base.replace("http", "ws", 1) + "/_stcore/stream"
    context = ssl._create_unverified_context() if base.startswith("https") else None  # the test's own certificate
    t0 = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            async with connect(ws_url, subprotocols=["streamlit"], origin=base, ssl=context,
                               additional_headers={"Cookie": cookie}, max_size=None, open_timeout=timeout,
                               compression=None, ping_interval=None) as ws:  # a browser does not ping the server
                await ws.send(_rerun(page, f"{base}/{page}"))
                async for frame in ws:
                    out.messages += 1
                    out.bytes += len(frame)
                    for marker in markers:
                        if marker.encode() in frame:
                            out.markers.add(marker)
                    msg = ForwardMsg()
                    msg.ParseFromString(frame)
                    kind = msg.WhichOneof("type")
                    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" and \
                            msg.delta.new_element.WhichOneof("type") == "exception":
                        out.error = "exception shown on the page"
                    elif kind == "page_not_found":
                        out.error = "page not found"
                    elif kind == "script_finished" and msg.script_finished in (FINISHED, FRAGMENT_FINISHED):
                        if msg.script_finished == FINISHED:
                            out.seconds = time.perf_counter() - t0
                            break
        if out.seconds is None and out.error is None:
            out.error = "the connection closed before the run finished"
    except TimeoutError:
        out.error = f"no finished run within {timeout:.0f} s"
    except Exception as exc:  # a refused or dropped connection is the viewer's error, counted in the report
        out.error = f"{type(exc).__name__}: {exc}"[:200]
    return out
