"""The table parse that runs in the sandboxed child (:mod:`dashboard.sandbox`); its result travels as
:mod:`dashboard.data.table_codec` encodes it."""

from __future__ import annotations

from dashboard.data.parsing import parse_table
from dashboard.data.table_codec import encode


def parse(args: dict, payload: bytes) -> bytes:
    """Child side: parse ``payload`` with the table limits and return the encoded frame."""
    frame, how = parse_table(payload, args["filename"])
    return encode(frame, how)
