"""Disclosure control of the public export, and public mode without a database."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from dashboard.data import demo
from dashboard.cli import main
from dashboard.publish.public_export import DEFAULT_K, build_export, write_export
from dashboard.data.dataset import Dataset, build_dataset
from tests.apphelpers import INTERNAL_PAGES, app, no_errors, shown


def _dataset(seed: int, scale: int = 1, thin: float = 1.0) -> Dataset:
    data = demo.generate(seed, scale)
    cases = data.cases.sample(frac=thin, random_state=seed) if thin < 1 else data.cases
    from dashboard.data.validation import validate_cases, validate_coverage

    c = validate_cases(cases.reset_index(drop=True)).records
    v = validate_coverage(data.coverage).records
    return build_dataset(c, v, True, "test")


DATASETS = [(646, 1, 1.0), (7, 1, 1.0), (11, 1, 0.4), (3, 3, 1.0), (5, 1, 0.15)]


def _published(export):
    return export["national_quarter.csv"], export["province_year.csv"]


@pytest.mark.parametrize(("seed", "scale", "thin"), DATASETS)
@pytest.mark.parametrize("k", [DEFAULT_K, 5])
def test_no_published_count_is_below_k(seed, scale, thin, k):
    nq, py = _published(build_export(_dataset(seed, scale, thin), k))
    for table in (nq, py):
        for column in ("cases", "arrests"):
            shown = table[column].dropna()
            assert not ((shown > 0) & (shown < k)).any(), (column, shown[(shown > 0) & (shown < k)])
        both = table.dropna(subset=["cases", "arrests"])
        non_arrests = both["cases"] - both["arrests"]
        assert not ((both["cases"] > 0) & (non_arrests < k)).any()
        assert not ((both["cases"] > 0) & (both["arrests"] < k)).any()


def recovery_ranges(nq: pd.DataFrame, py: pd.DataFrame) -> dict:
    """Attack: bound every suppressed cell from all published numbers by linear programming.

    Facts an attacker has: each year's quarters add up to that year's provinces
    (cases and arrests), arrests <= cases in every cell, counts are whole and
    not negative, and a suppressed case count is not zero (zeros are shown).
    """
    cells = []
    for _, r in nq.iterrows():
        cells.append(("q", r["quarter"], int(r["quarter"][:4]), -1.0, r["cases"], r["arrests"]))
    for _, r in py.iterrows():
        cells.append(("p", r["province_code"], int(r["year"]), 1.0, r["cases"], r["arrests"]))
    variables = []
    for i, (_, _, _, _, c, a) in enumerate(cells):
        if pd.isna(c):
            variables.append((i, "cases"))
        if pd.isna(a):
            variables.append((i, "arrests"))
    col = {v: j for j, v in enumerate(variables)}
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    for year in sorted({c[2] for c in cells}):
        for m, pos in (("cases", 4), ("arrests", 5)):
            row, rhs = np.zeros(len(variables)), 0.0
            for i, cell in enumerate(cells):
                if cell[2] != year:
                    continue
                if (i, m) in col:
                    row[col[(i, m)]] += cell[3]
                else:
                    rhs -= cell[3] * cell[pos]
            eq_rows.append(row)
            eq_rhs.append(rhs)
    for i, cell in enumerate(cells):
        if (i, "arrests") in col:
            row, rhs = np.zeros(len(variables)), 0.0
            row[col[(i, "arrests")]] = 1
            if (i, "cases") in col:
                row[col[(i, "cases")]] = -1
            else:
                rhs = cell[4]
            ub_rows.append(row)
            ub_rhs.append(rhs)
    bounds = [(1, None) if m == "cases" else (0, None) for _, m in variables]
    ranges = {}
    for v, j in col.items():
        lo_hi = []
        for sign in (1, -1):
            c = np.zeros(len(variables))
            c[j] = sign
            res = linprog(c, A_ub=np.array(ub_rows) if ub_rows else None, b_ub=ub_rhs or None,
                          A_eq=np.array(eq_rows), b_eq=eq_rhs, bounds=bounds, method="highs")
            lo_hi.append(np.inf if res.status == 3 else sign * res.fun)
        ranges[(cells[v[0]][0], cells[v[0]][1], cells[v[0]][2], v[1])] = (lo_hi[0], lo_hi[1])
    return ranges


@pytest.mark.parametrize(("seed", "scale", "thin"), DATASETS)
def test_recovery_attack_pins_no_suppressed_cell(seed, scale, thin):
    nq, py = _published(build_export(_dataset(seed, scale, thin)))
    ranges = recovery_ranges(nq, py)
    assert ranges, "expected some suppression in small data"
    pinned = {cell: r for cell, r in ranges.items() if r[1] - r[0] < 1}
    assert not pinned


def test_attack_would_catch_a_lone_suppression(demo_dataset):
    """The attack itself works: un-hide complementary cells and it pins the primary one."""
    nq, py = _published(build_export(demo_dataset))
    py = py.copy()
    year = 2013
    hidden = py[(py["year"] == year) & py["cases"].isna()].index
    assert len(hidden) >= 2
    truth = demo_dataset.cases[demo_dataset.cases["date"].dt.year == year]["province_code"].astype(str).value_counts()
    for idx in hidden[1:]:
        py.loc[idx, "cases"] = truth.get(py.loc[idx, "province_code"], 0)
    ranges = recovery_ranges(nq, py)
    lone = ("p", py.loc[hidden[0], "province_code"], year, "cases")
    assert ranges[lone][1] - ranges[lone][0] < 1


def test_export_files_hold_no_case_level_fields(tmp_path, demo_dir, capsys):
    out = tmp_path / "public"
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out)]) == 0
    nq = pd.read_csv(out / "national_quarter.csv")
    py = pd.read_csv(out / "province_year.csv")
    cov = pd.read_csv(out / "coverage.csv")
    assert list(nq.columns) == ["quarter", "cases", "arrests", "suppressed"]
    assert list(py.columns) == ["province_code", "province", "year", "cases", "arrests", "suppressed"]
    assert list(cov.columns) == ["province_code", "province", "start_date"]
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["k"] == 11 and meta["period"]["from"] and "suppress" in meta["method"]
    text = "".join((out / f).read_text() for f in ("national_quarter.csv", "province_year.csv"))
    for forbidden in ("SYN-", "victim", "district", "case_id", "-01-", "-02-"):
        assert forbidden not in text
    assert nq["quarter"].str.fullmatch(r"\d{4}-Q[1-4]").all()


def test_k_is_configurable_and_validated(tmp_path, demo_dir, capsys):
    out = tmp_path / "k5"
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out), "--k", "5"]) == 0
    assert json.loads((out / "metadata.json").read_text())["k"] == 5
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out), "--k", "1"]) == 2


# ---------------------------------------------------------------- public mode


@pytest.fixture()
def public_env(tmp_path, monkeypatch, demo_dataset):
    out = tmp_path / "export"
    write_export(demo_dataset, out)
    monkeypatch.setenv("DASHBOARD_MODE", "public")
    monkeypatch.setenv("DASHBOARD_PUBLIC_DIR", str(out))
    # an unreachable database: public mode must never try it
    monkeypatch.setenv("DASHBOARD_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    return out


def test_public_mode_runs_without_a_database(public_env, tmp_path):
    at = app()
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "<11" in text and "suppressed" in text.lower()
    assert any(d.label == "national_quarter.csv" for d in at.get("download_button"))
    for page in INTERNAL_PAGES:
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_public_mode_never_shows_case_rows(public_env):
    at = app()
    for frame in at.dataframe:
        columns = set(frame.value.columns)
        assert not columns & {"case_id", "victim_age", "victim_sex", "district", "date"}


def test_public_mode_with_missing_export_explains(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_MODE", "public")
    monkeypatch.setenv("DASHBOARD_PUBLIC_DIR", str(tmp_path / "nothing"))
    at = app()
    no_errors(at)
    assert any("missing" in shown(e.value) and "export-public" in shown(e.value) for e in at.error)


def test_public_view_tables_show_suppressed_counts_as_below_k(tmp_path, demo_dataset):
    from dashboard.publish import public_view
    from dashboard.publish.public_export import read_export

    write_export(demo_dataset, tmp_path / "pub")
    data = read_export(tmp_path / "pub")
    head = public_view.headline(data)
    assert head["cases"] == "369" and head["provinces"] == "21 of 25" and head["arrest_rate"] == "suppressed"
    wide = public_view.province_year_wide(data)
    assert list(wide.columns) == ["province_code", "province", "province_km", "2013", "2014", "2015"]
    assert wide.set_index("province_code").loc["17", "province_km"] == "សៀមរាប"
    cells = wide[["2013", "2014", "2015"]].to_numpy().ravel()
    assert "<11" in cells and all(c == "<11" or c == "0" or int(c.replace(",", "")) >= 11 for c in cells)
    rates = public_view.allowed_arrest_rates(data)
    assert (rates["arrests"] >= 11).all() and ((rates["cases"] - rates["arrests"]) >= 11).all()
    quarters = public_view.quarter_table(data)
    assert (quarters["arrest_rate"] == "–").sum() == (quarters["arrests"] == "<11").sum()


def test_metadata_dates_no_single_case_across_two_releases(tmp_path):
    """Two releases a case apart: the metadata must not give that case's date (security issue, item 3)."""
    import re

    base = _dataset(646)
    last = base.cases["date"].max()
    newer = base.cases.iloc[[0]].assign(case_id="NEW-1", date=last + pd.Timedelta(days=1))
    if (newer["date"].dt.quarter.iloc[0], newer["date"].dt.year.iloc[0]) != (last.quarter, last.year):
        newer = newer.assign(date=last)  # keep the new case inside the last quarter
    grown = Dataset(pd.concat([base.cases, newer], ignore_index=True), base.coverage, True, "test")
    metas = []
    for i, data in enumerate((base, grown)):
        write_export(data, tmp_path / f"r{i}")
        metas.append(json.loads((tmp_path / f"r{i}" / "metadata.json").read_text()))
    for meta in metas:
        assert re.fullmatch(r"\d{4}-Q[1-4]", meta["period"]["from"])
        assert re.fullmatch(r"\d{4}-Q[1-4]", meta["period"]["to"])
        without_stamp = json.dumps({k: v for k, v in meta.items() if k != "generated"})
        assert not re.search(r"\d{4}-\d{2}-\d{2}", without_stamp)
    assert metas[0]["period"] == metas[1]["period"]
