"""CLI commands for case data: validate, ingest, demo-data, summary, export-public, users."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add the case-data commands to the top-level parser."""
