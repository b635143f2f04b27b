"""``funnel`` and ``summary --json``: each stage's count, share and interval, and "not recorded" without the columns."""

import json

import pandas as pd

from dashboard.cli import main
from dashboard.measures.stats import wilson_interval


def run(capsys, *argv) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_summary_json_reports_each_stage(demo_dir, capsys):
    result = run(capsys, "summary", "--data", str(demo_dir), "--json")
    stages = {row["stage"]: row for row in result["funnel"]}
    assert list(stages) == ["reported", "arrested", "charged", "tried", "convicted"]
    assert stages["reported"]["count"] == 369 and stages["arrested"]["count"] == 317  # the published figures
    charged = stages["charged"]
    assert charged["share_of_previous"] == charged["count"] / charged["known"]
    assert charged["share_of_previous_ci95"] == list(wilson_interval(charged["count"], charged["known"]))
    assert charged["share_of_all_ci95"] == list(wilson_interval(charged["count"], 369))
    assert 0 < result["charged_within_90_days_share"] <= result["charged_within_365_days_share"] <= 1
    assert result["median_days_arrest_to_charge"] > 0 and result["median_days_charge_to_outcome"] > 0


def test_funnel_by_province_and_filters(demo_dir, capsys):
    result = run(capsys, "funnel", "--data", str(demo_dir), "--by", "province", "--offence", "homicide", "--json")
    # the last report day, as every page says
    assert result["by"] == "province" and result["follow_up_end"] == "2015-04-29"
    total = {row["stage"]: row["count"] for row in result["funnel"]}
    for stage in ("reported", "arrested", "charged", "convicted"):
        assert sum(next(r["count"] for r in g["funnel"] if r["stage"] == stage) for g in result["groups"]) \
            == total[stage]
    assert all(g["province_name"] for g in result["groups"])


def test_funnel_text_says_not_recorded_without_the_columns(demo_dir, tmp_path, capsys):
    cases = pd.read_csv(demo_dir / "cases_SYNTHETIC.csv", dtype=str, keep_default_na=False)
    cases.drop(columns=["charged", "charge_date", "court_outcome", "outcome_date", "sentence_years"]).to_csv(
        tmp_path / "cases.csv", index=False)
    (tmp_path / "coverage.csv").write_bytes((demo_dir / "coverage_SYNTHETIC.csv").read_bytes())
    assert main(["funnel", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "arrested: 317" in out and "charged: not recorded" in out and "convicted: not recorded" in out
    result = run(capsys, "summary", "--data", str(tmp_path), "--json")
    assert [row["count"] for row in result["funnel"]] == [369, 317, None, None, None]
