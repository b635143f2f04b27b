"""The funnel on the Arrests page and its card on the Overview, with and without the stage columns."""

import pandas as pd

from dashboard.i18n import use_language
from tests.apphelpers import app, engine_with_users, metrics, no_errors, signed_in


def test_the_arrests_page_shows_the_funnel_and_the_charge_map(app_db):
    at = app("pages/arrests.py")
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    assert any("After the arrest" in h.value for h in at.subheader)
    cards = metrics(at)
    assert "Charged within 90 days" in cards and cards["Charged within 90 days"].endswith(")")
    captions = " ".join(c.value for c in at.caption)
    assert "Kaplan–Meier median" in captions and "still waiting censored at" in captions
    assert "Share of arrests that led to a charge, by province" in " ".join(m.value for m in at.markdown)
    assert any("SYNTHETIC" in w.value and "court outcomes" in w.value for w in at.warning)


def test_the_overview_card_in_english_and_khmer(app_db):
    at = app()
    no_errors(at)
    cards = metrics(at)
    assert cards["Charged"].replace(",", "").isdigit() and cards["Convicted"].replace(",", "").isdigit()
    at = app(query={"lang": "km"})
    no_errors(at)
    with use_language("km"):
        from dashboard.i18n import _

        assert _("Charged") in metrics(at) and _("Charged") != "Charged"


def test_without_stage_columns_every_page_works_and_says_not_recorded(app_db, demo_dir, tmp_path, capsys):
    from dashboard.cli import main

    cases = pd.read_csv(demo_dir / "cases_SYNTHETIC.csv", dtype=str, keep_default_na=False)
    cases["case_id"] = cases["case_id"].str.replace("SYN-", "REAL-")
    cases.drop(columns=["charged", "charge_date", "court_outcome", "outcome_date", "sentence_years"]).to_csv(
        tmp_path / "cases.csv", index=False)
    assert main(["ingest", str(tmp_path / "cases.csv"), "--db", app_db]) == 0
    assert main(["ingest", str(demo_dir / "coverage_SYNTHETIC.csv"), "--kind", "coverage", "--db", app_db]) == 0
    engine = engine_with_users(app_db, {"lead": "leadership"}, "a long enough password 24")
    at = app("pages/arrests.py", session=signed_in(engine, "lead"))
    no_errors(at)
    assert any("does not record this stage" in i.value for i in at.info)
    assert metrics(at).get("Charged within 90 days") is None
    at = app(session=signed_in(engine, "lead"))
    no_errors(at)
    assert metrics(at)["Charged"] == "not recorded"
