"""The public funnel: stage counts in the export, k = 11 on each, and an attack that must pin no hidden one."""

from datetime import date

import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.publish import ledger, stage_cells
from dashboard.publish.public_export import DEFAULT_K, cells
from dashboard.publish.release import write_export
from dashboard.publish.suppression import primary
from tests.publish import funnel_attack


def _cut(dataset: Dataset, last: date) -> Dataset:
    """The dataset as it stood on ``last``: cases reported by then, and no stage dated after it."""
    cases = dataset.cases[dataset.cases["date"] <= pd.Timestamp(last)].copy()
    later_charge = cases["charge_date"] > pd.Timestamp(last)
    cases.loc[later_charge, "charged"] = "no"
    cases.loc[later_charge, ["court_outcome"]] = None
    later_outcome = cases["outcome_date"] > pd.Timestamp(last)
    cases.loc[later_outcome, "court_outcome"] = "pending"
    return Dataset(cases.reset_index(drop=True), dataset.coverage, dataset.synthetic, dataset.source)


def test_the_export_publishes_the_funnel_and_k_holds_on_every_stage(demo_dataset, tmp_path):
    write_export(demo_dataset, tmp_path / "out")
    funnel = pd.read_csv(tmp_path / "out" / "funnel.csv", dtype={"period": str, "province_code": str},
                         keep_default_na=False, na_values={m: [""] for m in funnel_attack.CHAIN})
    national = funnel[funnel["province_code"] == ""]
    assert list(national["period"]) == ["all", "2013", "2014", "2015"]
    total = national.iloc[0]
    assert total["cases"] > total["arrests"] > total["charged"] > total["tried"] > total["convicted"] > 0
    shown = funnel[list(funnel_attack.CHAIN[2:])].stack().dropna()
    assert ((shown == 0) | (shown >= DEFAULT_K)).all()  # every shown stage count is 0 or at least k
    for parent, child in zip(funnel_attack.CHAIN, funnel_attack.CHAIN[1:]):
        both = funnel[parent].notna() & funnel[child].notna() & (funnel[parent] > 0)
        gap = funnel.loc[both, parent] - funnel.loc[both, child]
        assert ((gap == 0) & (funnel.loc[both, parent] == 0) | (gap >= DEFAULT_K)).all()
    assert funnel["province_code"].ne("").any() and funnel["suppressed"].str.contains("convicted").any()


def test_an_attack_on_one_and_two_releases_pins_no_hidden_stage(demo_dataset, tmp_path):
    book = ledger.FileLedger(tmp_path / "ledger.json")
    write_export(_cut(demo_dataset, date(2014, 12, 31)), tmp_path / "first", releases=book)
    write_export(demo_dataset, tmp_path / "second", releases=book)
    first, second = (funnel_attack.read_release(tmp_path / name) for name in ("first", "second"))
    hidden = [c for c in second if c.get("convicted", 0) is None]
    assert hidden  # there is something to attack
    assert funnel_attack.pinned(funnel_attack.recovery_ranges([first]), DEFAULT_K) == {}
    assert funnel_attack.pinned(funnel_attack.recovery_ranges([first, second]), DEFAULT_K) == {}


def test_control_primary_suppression_alone_gives_a_hidden_convicted_away(demo_dataset):
    """Control for the attack: with only the small counts hidden, "tried" and the other cells pin some."""
    frame = primary(cells(demo_dataset.cases[demo_dataset.cases["date"] <= pd.Timestamp("2015-03-31")]), DEFAULT_K)
    published = [{"table": r["table"], "key": str(r["key"]), "year": int(r["year"]),
                  **{m: None if r[f"sup_{m}"] else int(r[m]) for m in funnel_attack.CHAIN
                     if r[f"sup_{m}"] or pd.notna(r[m])}} for _, r in frame.iterrows()]
    assert funnel_attack.pinned(funnel_attack.recovery_ranges([published]), DEFAULT_K)


def test_without_stage_columns_nothing_of_the_funnel_is_published(demo_dataset, tmp_path):
    cases = demo_dataset.cases.assign(charged=None, court_outcome=None)
    cases["charged"] = cases["charged"].astype("category")
    cases["court_outcome"] = cases["court_outcome"].astype("category")
    plain = Dataset(cases, demo_dataset.coverage, demo_dataset.synthetic, demo_dataset.source)
    assert stage_cells.recorded_measures(plain.cases) == ()
    paths = write_export(plain, tmp_path / "out")
    assert not (tmp_path / "out" / "funnel.csv").exists() and len(paths) >= 6
    release = ledger.read_file(tmp_path / "out" / ledger.FILE_NAME)[0]
    assert not any("charged" in c for c in release.cells)  # an older-format release: no stage keys
