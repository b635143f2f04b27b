"""dashboard.settings: each default is written once, in SETTINGS; ``python -m dashboard settings`` prints the live
table with its secrets hidden."""

from __future__ import annotations

import dataclasses

from dashboard import settings
from dashboard.cli import main


def test_settings_fields_are_the_table_rows_and_carry_no_default_of_their_own():
    fields = dataclasses.fields(settings.Settings)
    assert [f.name for f in fields] == [s.field for s in settings.SETTINGS]
    assert all(f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING for f in fields)


def test_an_unset_variable_takes_its_rows_default():
    defaults = settings.defaults()
    assert {s.field: getattr(defaults, s.field) for s in settings.SETTINGS} == \
        {s.field: s.default for s in settings.SETTINGS}


def _printed(capsys) -> dict[str, dict[str, str]]:
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split("\t")
    assert header == ["setting", "value", "default", "meaning"]
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    assert all(len(row) == 4 for row in rows)
    return {row["setting"]: row for row in rows}


def test_the_command_prints_every_setting_with_its_value_default_and_meaning(monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_SESSION_IDLE_HOURS", "2.5")
    monkeypatch.setenv("DASHBOARD_KHMER_DIGITS", "1")
    assert main(["settings"]) == 0
    rows = _printed(capsys)
    assert list(rows) == [s.env for s in settings.SETTINGS]
    assert rows["DASHBOARD_SESSION_IDLE_HOURS"]["value"] == "2.5"
    assert rows["DASHBOARD_SESSION_IDLE_HOURS"]["default"] == "8"
    assert rows["DASHBOARD_KHMER_DIGITS"]["value"] == "1"
    assert rows["DASHBOARD_MODE"] == {"setting": "DASHBOARD_MODE", "value": "internal", "default": "internal",
                                      "meaning": "internal (signed-in pages) or public (the donor dashboard, read "
                                                 "from the public export only)"}
    assert rows["DASHBOARD_PUBLIC_DIR"]["value"] == "none"


def test_the_command_hides_passwords_and_keys(monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DB_URL", "postgresql+psycopg://app:s3cret-pw@db.internal:5432/cases")
    monkeypatch.setenv("DASHBOARD_TILE_URL", "http://tiles.local/{z}/{x}/{y}.png?apikey=k3y-value&style=light")
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    assert "s3cret-pw" not in out and "k3y-value" not in out
    assert "postgresql+psycopg://app:***@db.internal:5432/cases" in out
    assert "http://tiles.local/{z}/{x}/{y}.png?apikey=***&style=light" in out


def test_a_bad_value_is_named_not_printed_as_a_table(monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_MODE", "everyone")
    assert main(["settings"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "DASHBOARD_MODE is 'everyone'" in captured.err
