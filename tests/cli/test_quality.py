"""``python -m dashboard quality``: the findings, and exit 1 only when one is red."""

import json

from dashboard.cli import main


def test_the_demo_database_has_red_findings_and_exits_1(capsys, app_db):
    assert main(["quality"]) == 1
    out = capsys.readouterr().out
    assert "[RED]" in out and "Kampong Cham" in out and "red and" in out


def test_since_leaves_out_older_findings_and_json_holds_every_case_id(capsys, app_db):
    assert main(["quality", "--since", "2015-03-01", "--json"]) == 0  # the red findings are older
    report = json.loads(capsys.readouterr().out)
    assert report["red"] == 0 and report["amber"] >= 1 and report["probably_incomplete_months"] == ["2015-04"]
    assert main(["quality", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert all(isinstance(f["case_ids"], list) for f in report["findings"])
    assert {f["check"] for f in report["findings"]} >= {"completeness", "silent", "late", "duplicates",
                                                        "implausible"}


def _write_folder(folder, extra_rows: str = "") -> None:
    rows = [f"C-{m}-{k},2014-{m:02d}-1{k},Phnom Penh,rape,yes,2014-{m:02d}-2{k},{5 + k},F"
            for m in range(1, 13) for k in range(3)]
    (folder / "cases.csv").write_text("case_id,date_reported,province,offence,arrest_made,arrest_date,victim_age,"
                                      "victim_sex\n" + "\n".join(rows) + "\n" + extra_rows, encoding="utf-8")
    (folder / "coverage.csv").write_text("province,start_date\nPhnom Penh,2014-01-01\n", encoding="utf-8")


def test_a_clean_folder_exits_0_and_a_red_finding_makes_it_exit_1(tmp_path, capsys):
    _write_folder(tmp_path)
    assert main(["quality", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Late records were not checked" in out and "0 red and 0 amber findings." in out
    jump = "".join(f"J-{k},2014-06-0{k % 9 + 1},Phnom Penh,rape,no,,{k % 17 + 1},{'FM'[k % 2]}\n" for k in range(30))
    _write_folder(tmp_path, jump)  # 30 more cases in June: a sudden jump
    assert main(["quality", "--data", str(tmp_path)]) == 1
    assert "a sudden jump" in capsys.readouterr().out
