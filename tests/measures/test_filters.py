"""The filter dimensions (DIMENSIONS): one row each, and everything derived from them, victim sex and age included."""

from __future__ import annotations

import ast
import re
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.data.dataset import build_dataset
from dashboard.data.schema import AGE_BANDS, NOT_RECORDED, SEXES, age_band_keys, sex_keys
from dashboard.data.validation import MAX_CHILD_AGE
from dashboard.i18n import use_language
from dashboard.measures import compare, metrics, rollout
from dashboard.measures import time_to_arrest as tta
from dashboard.measures.filters import (
    DIMENSION_BY_KEY,
    DIMENSIONS,
    Filters,
    count_dimensions,
    counts_for,
    filter_mask,
    from_query_params,
    make_filters,
)

ROOT = Path(__file__).resolve().parents[2]
PP, SR = "12", "17"
#: One value of every dimension, as a selection (URL key -> values).
ONE_OF_EACH = {"province": [PP], "offence": ["physical abuse"], "sex": ["F"], "age": ["12-14"]}


def _victims():
    """Twelve cases: every sex code and a blank, ages at every band's edges and blanks, two provinces."""
    sexes = ["F", "M", "X", "U", None, "F", "F", "M", None, "F", "M", "F"]
    ages = [0, 5, 6, 11, 12, 14, 15, 17, None, 13, None, 12]
    rows = [{"case_id": f"V-{i}", "date_reported": date(2014, 1 + i % 12, 1 + i), "province_code": PP if i % 3 else SR,
             "offence": "physical abuse" if i % 2 else "child rape / sexual abuse", "arrest_made": i % 4 != 0,
             "arrest_date": date(2014, 1 + i % 12, 3 + i) if i % 4 else None, "victim_age": age, "victim_sex": sex,
             "district": None} for i, (sex, age) in enumerate(zip(sexes, ages))]
    coverage = pd.DataFrame({"province_code": [PP, SR], "start_date": [date(2013, 7, 1)] * 2, "end_date": [None] * 2})
    return build_dataset(pd.DataFrame(rows), coverage)


# ---------------------------------------------------------------- the table and Filters


def test_filters_fields_are_the_period_and_one_per_dimension():
    assert [f.name for f in fields(Filters)] == ["start", "end", *(d.field for d in DIMENSIONS)]
    assert len({d.key for d in DIMENSIONS}) == len({d.field for d in DIMENSIONS}) == len(DIMENSIONS)


def test_a_dimension_cannot_be_given_by_position():
    with pytest.raises(TypeError):
        Filters(*[None, None, (PP,)])  # (starred, so the scan below need not exempt this line)
    assert Filters(date(2014, 1, 1), None, provinces=(PP,)).provinces == (PP,)


def _copies(source: str) -> list[int]:
    """Lines where ``Filters(...)`` is rebuilt from another filter's fields: more than the period by position, or a
    dimension's field read from another object (``provinces=f.provinces``). Literal selections are fine."""
    dims = {d.field for d in DIMENSIONS}
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Filters":
            copied = [k for k in node.keywords if k.arg in dims and any(
                isinstance(n, ast.Attribute) and n.attr in dims for n in ast.walk(k.value))]
            if len(node.args) > 2 or copied:
                found.append(node.lineno)
    return found


def test_no_code_rebuilds_filters_by_naming_their_fields():
    """Copies use dataclasses.replace (or make_filters, which loops over DIMENSIONS): a new dimension is never
    dropped by a copy that names only the old ones."""
    files = [*ROOT.joinpath("dashboard").rglob("*.py"), ROOT / "app.py", *ROOT.joinpath("tests").rglob("*.py"),
             *ROOT.joinpath("benchmarks").rglob("*.py")]
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in files
                 for line in _copies(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_the_scan_sees_the_copies_it_forbids():
    assert _copies("Filters(a, b, f.provinces, f.offences)\nfilters.Filters(start=a, provinces=f.provinces)\n"
                   "Filters(a, b, provinces=tuple(x for x in f.provinces))\n") == [1, 2, 3]
    assert _copies("Filters(a, b)\nFilters(provinces=('12',), sexes=codes)\nreplace(f, start=a)\n") == []


@pytest.mark.parametrize("key", list(DIMENSION_BY_KEY))
def test_every_dimension_survives_compare_periods_and_per_year_frames(key):
    data = _victims()
    chosen = make_filters(selections={key: [ONE_OF_EACH[key][0]]})
    period = compare.Period(date(2014, 1, 1), date(2014, 12, 31))
    assert getattr(period.filters(chosen), DIMENSION_BY_KEY[key].field) == getattr(chosen, DIMENSION_BY_KEY[key].field)
    counts = counts_for(data, chosen)
    frames = rollout.by_province_frames(counts, data.coverage, chosen, freq="quarter")
    in_frames = sum(int(frame["cases"].sum()) for _label, _end, frame in frames)
    assert in_frames == metrics.summary(data.cases, data.coverage, chosen)["cases"] < len(data.cases)


def test_make_filters_puts_values_in_the_dimensions_order_and_refuses_unknown_keys():
    f = make_filters(selections={"sex": ["M", "F", "F"], "age": ["15-17", "0-5"], "province": [SR, PP]})
    assert (f.sexes, f.age_bands, f.provinces) == (("F", "M"), ("0-5", "15-17"), (PP, SR))
    with pytest.raises(ValueError, match="colour"):
        make_filters(selections={"colour": ["red"]})


# ---------------------------------------------------------------- victim sex and age band


def test_the_age_bands_hold_every_age_validation_accepts_once():
    ages = pd.Series(list(range(MAX_CHILD_AGE + 1)) + [None], dtype="Int16")
    bands = age_band_keys(ages)
    held = [sum(low <= a <= high for _name, low, high in AGE_BANDS) for a in range(MAX_CHILD_AGE + 1)]
    assert held == [1] * (MAX_CHILD_AGE + 1)
    assert list(bands[[0, 5, 6, 11, 12, 14, 15, 17]]) == ["0-5", "0-5", "6-11", "6-11", "12-14", "12-14", "15-17",
                                                          "15-17"]
    assert bands[-1] == NOT_RECORDED


def test_a_blank_sex_is_not_recorded_and_every_code_keeps_its_own():
    keys = sex_keys(pd.Series(["F", "M", "X", "U", None], dtype="category"))
    assert list(keys) == ["F", "M", "X", "U", NOT_RECORDED]
    assert list(sex_keys(pd.Series([None, None]))) == [NOT_RECORDED] * 2  # a file without the column


@pytest.mark.parametrize("key", ["sex", "age"])
def test_missing_victim_values_are_counted_under_not_recorded_never_dropped(key):
    data = _victims()
    dim = DIMENSION_BY_KEY[key]
    per_value = {v: metrics.summary(counts_for(data, make_filters(selections={key: [v]})), data.coverage,
                                    make_filters(selections={key: [v]}))["cases"] for v in dim.options()}
    assert sum(per_value.values()) == len(data.cases)
    assert per_value[NOT_RECORDED] == 2  # two blanks of each in _victims()


def test_the_counts_table_carries_the_victim_columns_only_when_a_victim_filter_asks():
    data = _victims()
    plain, victim = counts_for(data), counts_for(data, Filters(sexes=("F",)))
    assert {"sex", "age_band"}.isdisjoint(plain.columns) and {"sex", "age_band"} <= set(victim.columns)
    assert count_dimensions() == tuple(d for d in DIMENSIONS if d.counts)
    assert plain["n"].sum() == victim["n"].sum() == len(data.cases)
    assert counts_for(data) is plain  # built once per dataset
    with pytest.raises(ValueError, match="no 'sex' column"):
        filter_mask(plain, Filters(sexes=("F",)))


@pytest.mark.parametrize("selection", [{"sex": ["F"]}, {"age": ["12-14"]}, {"sex": ["F", NOT_RECORDED], "age": [
    "12-14", NOT_RECORDED]}, ONE_OF_EACH])
def test_every_measure_gives_the_same_answer_on_counts_and_on_case_rows(selection):
    data = _victims()
    f = make_filters(selections=selection)
    counts = counts_for(data, f)
    rows = data.cases[filter_mask(data.cases, f)]
    assert metrics.summary(counts, data.coverage, f) == metrics.summary(data.cases, data.coverage, f)
    assert metrics.summary(counts, data.coverage, f)["cases"] == len(rows)
    assert metrics.by_province(counts, f)["cases"].tolist() == metrics.by_province(data.cases, f)["cases"].tolist()
    assert metrics.monthly(counts, f)["cases"].sum() == len(rows)
    times = tta.times_of(data)
    assert tta.headline(times, f)["cases"] == len(rows)


def test_by_victim_counts_blanks_under_not_recorded():
    table = metrics.by_victim(_victims().cases)
    assert table["cases"].sum() == 12
    assert table[(table["sex"] == NOT_RECORDED)]["cases"].sum() == 2
    assert table[(table["age_band"] == NOT_RECORDED)]["cases"].sum() == 2
    only = metrics.by_victim(_victims().cases, Filters(age_bands=(NOT_RECORDED,)))
    assert only["cases"].sum() == 2 and set(only[only["cases"] > 0]["age_band"]) == {NOT_RECORDED}


# ---------------------------------------------------------------- links


def test_a_link_reads_every_spelling_of_sex_and_age():
    parsed = from_query_params({"sex": ["female", "Boy", "ក្មេងស្រី", "not-recorded"], "age": "12 – 14,១៥-១៧"})
    assert parsed.problems == []
    assert parsed.filters.sexes == ("F", "M", NOT_RECORDED)
    assert parsed.filters.age_bands == ("12-14", "15-17")


def test_bad_sex_and_age_values_warn_with_what_is_accepted():
    parsed = from_query_params({"sex": ["female", "alien"], "age": ["13", "99-100"]})
    assert parsed.filters.sexes == ("F",) and parsed.filters.age_bands == ()
    text = " ".join(parsed.problems)
    assert "'sex=alien' is not a victim sex; use one of: girl, boy, other, unknown, not recorded" in text
    assert "'age=13' is not a victim age band; use one of: 0-5, 6-11, 12-14, 15-17, not recorded" in text
    assert "No victim age band in the link was recognised" in text
    assert "No victim sex" not in text  # one sex was recognised


def test_a_role_without_the_victim_filters_has_them_ignored_with_a_notice():
    parsed = from_query_params({"sex": "female", "age": "0-5", "province": "Kep"}, role="leadership")
    assert (parsed.filters.sexes, parsed.filters.age_bands, parsed.filters.provinces) == ((), (), ("23",))
    assert len([p for p in parsed.problems if "your role does not include" in p]) == 2
    assert from_query_params({"sex": "female"}, role="analyst").filters.sexes == ("F",)


def test_describe_names_the_victim_selections_in_each_language():
    f = Filters(sexes=("F", NOT_RECORDED), age_bands=("12-14",))
    assert f.describe().endswith("victim sex: girl, not recorded; victim age: 12-14")
    with use_language("km"):
        text = f.describe()
    assert "ក្មេងស្រី" in text and "មិនបានកត់ត្រា" in text and "ជនរងគ្រោះ" in text


def test_every_value_has_a_khmer_label_that_reads_back():
    for dim in DIMENSIONS:
        with use_language("km"):
            labels = {v: dim.label(v) for v in dim.options()}
        if dim.key in ("sex", "age"):
            assert labels[NOT_RECORDED] == "មិនបានកត់ត្រា"
        if dim.key == "sex":
            assert labels["F"] == "ក្មេងស្រី" and labels["M"] == "ក្មេងប្រុស"
            assert set(labels) == {*SEXES, NOT_RECORDED}
        assert dim.read(list(labels.values()))[0] == list(dim.options())


def test_url_values_are_capped_for_victim_keys_too():
    parsed = from_query_params({"sex": ["F"] * 100, "age": "x" * 500})
    assert any("has 100 values" in p for p in parsed.problems) and any("too long" in p for p in parsed.problems)


# ---------------------------------------------------------------- docs


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


@pytest.mark.parametrize("dim", DIMENSIONS, ids=lambda d: d.key)
def test_every_dimension_has_a_cli_flag_and_is_in_the_readme(dim):
    from dashboard.cli import build_parser

    assert re.fullmatch(r"--[a-z]+", dim.cli_flag)
    summary = next(a for a in build_parser()._subparsers._group_actions[0].choices["summary"]._actions
                   if dim.cli_flag in a.option_strings)
    assert summary.help
    assert f"{dim.key}=" in _readme_section("Pages"), f"README's filters and links paragraph lacks {dim.key}="
    assert dim.cli_flag in _readme_section("Command line"), f"README's Command line lacks {dim.cli_flag}"


def test_the_mask_is_all_true_without_a_selection():
    data = _victims()
    assert filter_mask(data.cases, Filters()).all() and filter_mask(counts_for(data), Filters()).all()
    assert not filter_mask(data.cases, replace(Filters(), sexes=("X",))).sum() > 1
    assert np.array_equal(filter_mask(data.cases, Filters(sexes=("X",))), (data.cases["victim_sex"] == "X").to_numpy())


def test_the_public_export_publishes_no_victim_breakdown(tmp_path, demo_dataset):
    """export-public takes no filters, and none of its files has a victim column (no breakdown by sex or age)."""
    from dashboard.cli import build_parser
    from dashboard.publish.public_export import FILES
    from dashboard.publish.release import write_export

    export = build_parser()._subparsers._group_actions[0].choices["export-public"]
    assert not {d.cli_flag for d in DIMENSIONS} & {f for a in export._actions for f in a.option_strings}
    write_export(demo_dataset, tmp_path)
    victim_columns = {"sex", "age_band", "victim_sex", "victim_age", *(d.column for d in DIMENSIONS if not d.counts)}
    for name in (f for f in FILES if f.endswith(".csv")):
        assert not set(pd.read_csv(tmp_path / name, nrows=0).columns) & victim_columns, name
