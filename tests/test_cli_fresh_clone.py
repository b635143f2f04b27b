"""The README's commands on a fresh clone, before the app ever ran: the default database gets the demo, as in the app."""  # noqa: E501

from __future__ import annotations

import json

from dashboard.cli import main


def test_export_public_on_a_fresh_clone_publishes_the_demo(tmp_path, capsys):
    """Issue 20 walk: `export-public --out DIR` before the app had started said "There are no cases to publish"."""
    out = tmp_path / "public_export"
    assert main(["export-public", "--out", str(out)]) == 0
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True
    assert (out / "national_totals.csv").exists()


def test_summary_on_a_fresh_clone_gives_the_published_demo_figures(capsys):
    assert main(["summary", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["cases"] == 369


def test_a_configured_empty_database_is_never_seeded(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    assert main(["summary", "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cases"] == 0
