"""The command line's shared filter flags: one per filter dimension, on every command that takes filters."""

from __future__ import annotations

import json

import pytest

from dashboard.cli import build_parser, main
from dashboard.measures import metrics
from dashboard.measures.filters import DIMENSIONS, Filters, counts_for


def _summary(capsys, demo_dir, *args: str) -> dict:
    capsys.readouterr()
    assert main(["summary", "--data", str(demo_dir), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_summary_takes_sex_and_age(capsys, demo_dir, demo_dataset):
    got = _summary(capsys, demo_dir, "--sex", "female", "--age", "12-14")
    chosen = Filters(sexes=("F",), age_bands=("12-14",))
    expected = metrics.summary(counts_for(demo_dataset, chosen), demo_dataset.coverage, chosen)
    assert got["cases"] == expected["cases"] and got["arrests"] == expected["arrests"]
    rows = demo_dataset.cases
    by_hand = ((rows["victim_sex"] == "F") & rows["victim_age"].between(12, 14)).sum()
    assert 0 < got["cases"] == by_hand < _summary(capsys, demo_dir)["cases"]


def test_repeated_flags_add_values_and_every_spelling_is_read(capsys, demo_dir):
    both = _summary(capsys, demo_dir, "--sex", "girl", "--sex", "M")
    # the demo records girls and boys only, except the Phnom Penh cases demo_findings planted without
    # victim age and sex (a completeness finding): those are "not recorded" for both dimensions
    blank = _summary(capsys, demo_dir, "--sex", "not recorded")["cases"]
    assert blank > 0 and both["cases"] + blank == _summary(capsys, demo_dir)["cases"]
    assert _summary(capsys, demo_dir, "--age", "not recorded")["cases"] == blank


@pytest.mark.parametrize(("args", "message"), [
    (["--sex", "alien"], "Unknown victim sex value(s): alien"),
    (["--age", "13"], "Unknown victim age band(s): 13"),
    (["--province", "Atlantis"], "Unknown province(s): Atlantis"),
])
def test_an_unknown_value_stops_the_command_with_what_is_accepted(capsys, demo_dir, args, message):
    capsys.readouterr()
    assert main(["summary", "--data", str(demo_dir), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_every_command_that_takes_filters_has_every_dimension_flag():
    commands = build_parser()._subparsers._group_actions[0].choices
    with_filters = [name for name, sub in commands.items() if any("--from" in a.option_strings for a in sub._actions)]
    assert "summary" in with_filters
    for name in with_filters:
        flags = {flag for a in commands[name]._actions for flag in a.option_strings}
        assert {d.cli_flag for d in DIMENSIONS} <= flags, name
