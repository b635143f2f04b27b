"""The quality checks' fast paths (integer keys, work on categories, a duplicate pre-filter) against the
straightforward pandas code they replaced, on small built files with missing and blank values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.measures.quality import completeness, duplicates, keys
from tests.measures.quality.builders import KC, PP, SR, build, monthly, record


def _data():
    rows = monthly(PP, "2014-01-01", 4, 5) + monthly(SR, "2014-02-01", 3, 4) + monthly(KC, "2014-01-01", 2, 3)
    rows += [record("2014-03-05", PP, age=None), record("2014-03-05", PP, sex=None, district="  "),
             record("2014-03-05", SR, district=None), record("2014-03-05", SR, district=None),  # a duplicate pair
             record("2014-03-05", SR, sex="M"),
             record("2014-03-06", SR, arrest="2014-03-06", offence="sexual exploitation / trafficking")]
    return build(rows).cases


def _reference_normalised(values: pd.Series) -> np.ndarray:
    return values.astype(object).where(values.notna(), "").astype(str).str.strip().to_numpy()


def test_text_keys_read_as_astype_str_does():
    cases = _data()
    for column in ("province_code", "offence", "victim_sex", "district", "case_id"):
        assert pd.Series(keys.text(cases[column])).equals(pd.Series(cases[column].astype(str).to_numpy(dtype=object)))
        assert (keys.normalised(cases[column]) == _reference_normalised(cases[column])).all(), column
    ids, labels = keys.text_ids(cases["province_code"])
    assert list(labels) == sorted(labels) and (labels[ids] == cases["province_code"].astype(str).to_numpy()).all()


def _reference_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Completeness per province-month with one groupby per field (what the bincount replaced)."""
    month = cases["date"].to_numpy().astype("datetime64[M]").astype("datetime64[ns]")
    parts = []
    for name, when in completeness.fields_present(cases):
        mask = completeness.applies(cases, when)
        has = ~cases[name].isna().to_numpy() & (_reference_normalised(cases[name]) != "")
        frame = pd.DataFrame({"province_code": cases["province_code"].astype(str).to_numpy()[mask],
                              "month": month[mask], "filled": has[mask]})
        grouped = frame.groupby(["province_code", "month"], sort=True)["filled"].agg(records="size", filled="sum")
        parts.append(grouped.reset_index().assign(field=name))
    out = pd.concat(parts, ignore_index=True)
    out["filled"] = out["filled"].astype(int)
    out["filled_share"] = out["filled"] / out["records"]
    return out[["province_code", "month", "field", "records", "filled", "filled_share"]]


def test_the_completeness_table_matches_one_groupby_per_field():
    cases = _data()
    fast, slow = completeness.table(cases), _reference_table(cases)
    assert len(fast) > 10
    pd.testing.assert_frame_equal(fast.astype({"province_code": object}), slow.astype({"province_code": object}),
                                  check_dtype=False)


def _reference_groups(cases: pd.DataFrame) -> pd.DataFrame:
    """Duplicate groups over every record, without the integer pre-filter."""
    frame = pd.DataFrame({c: cases[c] for c in ["case_id", *duplicates.KEY]})
    frame["province_code"] = frame["province_code"].astype(str)
    frame = frame[frame["victim_age"].notna().to_numpy() & frame["victim_sex"].notna().to_numpy()]
    frame = frame.astype({"victim_sex": str, "offence": str})
    sizes = frame.groupby(duplicates.KEY, sort=False, observed=True)["case_id"].transform("nunique")
    dup = frame[sizes.to_numpy() > 1].sort_values([*duplicates.KEY, "case_id"], kind="stable")
    dup.insert(0, "group", dup.groupby(duplicates.KEY, sort=False, observed=True).ngroup().to_numpy() + 1)
    return dup.reset_index(drop=True)


def test_the_duplicate_pre_filter_keeps_every_group():
    cases = _data()
    fast, slow = duplicates.groups(cases), _reference_groups(cases)
    assert len(slow) >= 2
    pd.testing.assert_frame_equal(fast, slow)


def test_a_categorical_column_without_categories_reads_as_all_missing():
    """A column with no value at all (as in a file without victim sex): no categories, every id -1."""
    empty = pd.Series(pd.Categorical([None, None], categories=[]))
    ids, labels = keys.text_ids(empty)
    assert list(ids) == [-1, -1] and len(labels) == 0
    assert pd.isna(keys.text(empty)).all() and list(keys.normalised(empty)) == ["", ""]


def test_the_integer_grouping_orders_many_groups_as_the_text_sort_did(demo_dataset):
    """The demo's cases, twice over under new ids and shuffled: hundreds of groups, each numbered in key order."""
    cases = demo_dataset.cases
    twin = cases.assign(case_id=cases["case_id"].astype(str) + "-twin")
    mixed = pd.concat([cases, twin, cases.iloc[::7].assign(case_id=cases["case_id"].iloc[::7].astype(str) + "-3")],
                      ignore_index=True).sample(frac=1.0, random_state=4).reset_index(drop=True)
    fast, slow = duplicates.groups(mixed), _reference_groups(mixed)
    assert slow["group"].max() > 100
    pd.testing.assert_frame_equal(fast, slow)
