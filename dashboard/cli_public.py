"""CLI commands for the public export and the user store."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add export-public and users commands."""
