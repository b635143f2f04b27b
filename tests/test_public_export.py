"""Disclosure control of the public export, and public mode without a database."""

import json

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.data import demo
from dashboard.data.dataset import Dataset, build_dataset
from dashboard.data.stages import STAGE_COLUMNS
from dashboard.publish.public_export import DEFAULT_K, build_export
from dashboard.publish.release import write_export
from tests import attack
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


def _release(export, tmp_path, name="r") -> list[dict]:
    """Write an in-memory export's CSVs and read them back as the attacker does."""
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    for file, frame in export.items():
        if file.endswith(".csv"):
            frame.to_csv(folder / file, index=False)
    return attack.read_release(folder)


@pytest.mark.parametrize(("seed", "scale", "thin"), DATASETS)
@pytest.mark.parametrize("k", [DEFAULT_K, 5])
def test_no_published_count_is_below_k(seed, scale, thin, k):
    export = build_export(_dataset(seed, scale, thin), k)
    totals = export["national_totals.csv"]
    for table in (*_published(export), totals):
        for column in ("cases", "arrests"):
            shown = table[column].dropna()
            assert not ((shown > 0) & (shown < k)).any(), (column, shown[(shown > 0) & (shown < k)])
        both = table.dropna(subset=["cases", "arrests"])
        non_arrests = both["cases"] - both["arrests"]
        assert not ((both["cases"] > 0) & (non_arrests < k)).any()
        assert not ((both["cases"] > 0) & (both["arrests"] < k)).any()
    # an interval exactly where both arrests and cases - arrests are shown (so both are >= k)
    assert (totals["ci_low"].notna() == totals["arrests"].notna()).all()


@pytest.mark.parametrize(("seed", "scale", "thin"), DATASETS)
@pytest.mark.parametrize("k", [DEFAULT_K, 5])
def test_every_hidden_count_keeps_a_range_at_least_k_wide(seed, scale, thin, k, tmp_path):
    """The protection interval, attacked with linear programmes over every published table and band."""
    ranges = attack.recovery_ranges([_release(build_export(_dataset(seed, scale, thin), k), tmp_path)])
    assert ranges, "expected some suppression in small data"
    assert attack.narrow(ranges, k) == {}


def test_the_demo_resists_an_integer_programming_attack(demo_dataset, tmp_path):
    """Whole-number attacks can be tighter than linear ones; the demo release resists them too."""
    ranges = attack.recovery_ranges([_release(build_export(demo_dataset), tmp_path)], exact=True)
    assert attack.narrow(ranges, DEFAULT_K) == {}
    assert min(hi - lo for lo, hi in ranges.values()) >= DEFAULT_K


def test_the_demo_headline_is_published_with_its_interval(demo_dataset):
    """Closed quarters only: the demo runs to 29 April 2015, so the export stops at 31 March (the 22 cases of
    April wait for the quarter to close)."""
    from dashboard.measures.stats import wilson_interval

    export = build_export(demo_dataset)
    totals = export["national_totals.csv"].set_index("period")
    whole = totals.loc["all"]
    assert (whole["cases"], whole["arrests"]) == (347, 297)
    assert (whole["from"], whole["to"]) == ("2013-Q3", "2015-Q1")
    low, high = wilson_interval(297, 347)
    assert (whole["arrest_rate"] == round(297 / 347, 4)
            and (whole["ci_low"], whole["ci_high"]) == (round(low, 4), round(high, 4)))
    assert list(totals.index) == ["2013", "2014", "2015", "all"]
    assert totals.loc[["2013", "2014", "2015"], "cases"].sum() == 347
    assert list(export["national_quarter.csv"]["quarter"])[-1] == "2015-Q1"
    meta = export["metadata.json"]
    assert (meta["figures_to"], meta["data_received_to"]) == ("2015-03-31", "2015-04-29")


def test_attack_would_catch_a_lone_suppression(demo_dataset, tmp_path):
    """The attack itself works: un-hide complementary cells and it pins the primary one."""
    export = build_export(demo_dataset)
    py = export["province_year.csv"]
    year = 2013
    hidden = py[(py["year"] == year) & py["cases"].isna()].index
    assert len(hidden) >= 2
    truth = demo_dataset.cases[demo_dataset.cases["date"].dt.year == year]["province_code"].astype(str).value_counts()
    for idx in hidden[1:]:
        py.loc[idx, "cases"] = truth.get(py.loc[idx, "province_code"], 0)
    ranges = attack.recovery_ranges([_release(export, tmp_path)])
    lone = (0, "province_year", py.loc[hidden[0], "province_code"], year, "cases")
    assert ranges[lone][1] - ranges[lone][0] < 1


def test_attack_uses_the_new_margins(demo_dataset, tmp_path):
    """Control: show a year's arrests that complementary suppression hid, and the whole-period total gives
    another year's hidden arrests away. The national totals are margins the audit must cover."""
    export = build_export(demo_dataset)
    totals = export["national_totals.csv"]
    years = totals[(totals["period"] != "all") & totals["arrests"].isna()]
    assert len(years) >= 2 and totals.set_index("period").loc["all", "arrests"] == 297
    from dashboard.publish.public_export import closed_quarters

    published = closed_quarters(demo_dataset)[0].cases  # the export holds the closed quarters only
    truth = published.groupby(published["date"].dt.year)["arrest"].sum()
    for idx in years.index[1:]:
        totals.loc[idx, "arrests"] = truth[int(totals.loc[idx, "period"])]
        totals.loc[idx, "arrest_rate_band"] = ""
    narrow = attack.narrow(attack.recovery_ranges([_release(export, tmp_path)]), DEFAULT_K)
    assert (0, "national_year", years.iloc[0]["period"], int(years.iloc[0]["period"]), "arrests") in narrow


def _quarter_rates(dataset) -> pd.Series:
    from dashboard.publish.public_export import quarter_label

    cases = dataset.cases
    return cases.groupby(cases["date"].map(quarter_label))["arrest"].mean()


def test_attack_catches_a_band_that_is_too_narrow(demo_dataset, tmp_path):
    """Control: a 10-point band on a small hidden arrest count narrows it below k, and the attack sees it."""
    export = build_export(demo_dataset)
    nq = export["national_quarter.csv"]
    row = nq[nq["arrests"].isna() & nq["cases"].notna()].sort_values("cases").index[0]
    rate = _quarter_rates(demo_dataset)[nq.loc[row, "quarter"]]
    low = int(rate * 10) * 10
    nq.loc[row, "arrest_rate_band"] = f"{low}-{low + 10}%"
    narrow = attack.narrow(attack.recovery_ranges([_release(export, tmp_path)]), DEFAULT_K)
    assert (0, "national_quarter", nq.loc[row, "quarter"], int(nq.loc[row, "quarter"][:4]), "arrests") in narrow


def test_published_bands_hold_the_true_rate(demo_dataset):
    export = build_export(demo_dataset)
    nq = export["national_quarter.csv"]
    rates = _quarter_rates(demo_dataset)
    banded = nq[nq["arrest_rate_band"] != ""]
    assert len(banded) and banded["arrests"].isna().all()
    for _, r in banded.iterrows():
        lo, hi = (int(x) for x in r["arrest_rate_band"].rstrip("%").split("-"))
        assert lo / 100 <= rates[r["quarter"]] <= hi / 100


def test_export_files_hold_no_case_level_fields(tmp_path, demo_dir, capsys):
    out = tmp_path / "public"
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out),
                 "--ledger", str(out / "release_ledger.json")]) == 0
    nq = pd.read_csv(out / "national_quarter.csv")
    py = pd.read_csv(out / "province_year.csv")
    cov = pd.read_csv(out / "coverage.csv")
    totals = pd.read_csv(out / "national_totals.csv")
    assert list(nq.columns) == ["quarter", "cases", "arrests", "suppressed", "arrest_rate_band", "probably_incomplete"]
    assert list(py.columns) == ["province_code", "province", "year", "cases", "arrests", "suppressed",
                                "arrest_rate_band"]
    assert list(cov.columns) == ["province_code", "province", "start_date"]
    assert list(totals.columns) == ["period", "from", "to", "cases", "arrests", "arrest_rate", "ci_low", "ci_high",
                                    "arrest_rate_band", "suppressed"]
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["k"] == 11 and meta["period"]["from"] and "suppress" in meta["method"]
    text = "".join((out / f).read_text() for f in ("national_quarter.csv", "province_year.csv", "national_totals.csv",
                                                   "release_ledger.json"))
    for forbidden in ("SYN-", "victim", "district", "case_id"):
        assert forbidden not in text
    # No case's own day: the only days published are the periods' bounds (a release's own timestamp is not a
    # case date; the check used to forbid "-01-" and "-02-", which the ledger's timestamp has in January).
    bounds = set(totals["from"]) | set(totals["to"]) | set(cov["start_date"].astype(str)) | {meta["period"]["from"],
                                                                                          meta["period"]["to"]}
    case_days = set(pd.read_csv(demo_dir / "cases_SYNTHETIC.csv")["date_reported"].astype(str)) - bounds
    leaked = sorted(day for day in case_days if day in text)
    assert not leaked, leaked[:5]
    assert nq["quarter"].str.fullmatch(r"\d{4}-Q[1-4]").all()


# ---------------------------------------------------------------- successive releases


def _more_cases(demo_dir, out_csv):
    """Late reports and a new quarter: several 2015 province counts hidden in release 1 reach exactly k,
    so a release audited on its own would show them and give release 1's hidden counts away."""
    # as text: the demo leaves some ages blank, and a float column would write 8 as 8.0, which validation refuses
    base = pd.read_csv(next(demo_dir.glob("cases*.csv")), dtype=str, keep_default_na=False)
    dates = pd.to_datetime(base["date_reported"])
    in_2015 = base[dates.dt.year == 2015]
    counts = in_2015["province"].value_counts()
    rows = []
    template = in_2015.iloc[0].drop(labels=list(STAGE_COLUMNS))  # a copied row's charge dates would not fit
    for province, n in counts.items():
        if n < DEFAULT_K:
            for _ in range(DEFAULT_K - n):
                rows.append({**template.to_dict(), "province": province, "date_reported": "2015-06-20",
                             "arrest_made": "yes", "arrest_date": "2015-06-25"})
    for i in range(30):  # the next quarter
        province = counts.index[i % 6]
        arrest = i % 7 != 0
        rows.append({**template.to_dict(), "province": province,
                     "date_reported": f"2015-{7 + i % 3:02d}-{1 + i % 27:02d}",
                     "arrest_made": "yes" if arrest else "no",
                     "arrest_date": f"2015-{7 + i % 3:02d}-28" if arrest else ""})
    extra = pd.DataFrame(rows)
    extra["case_id"] = [f"SYN-2015-9{i:03d}" for i in range(len(extra))]
    extra.to_csv(out_csv, index=False)
    return len(extra)


def test_two_releases_attacked_together_recover_nothing(tmp_path, demo_dir, capsys):
    """Ingest, export; ingest more cases, export again to the same folder; attack both releases at once."""
    import shutil

    db = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    out = tmp_path / "public"
    assert main(["ingest", str(next(demo_dir.glob("cases*.csv"))), "--db", db]) == 0
    assert main(["ingest", str(next(demo_dir.glob("coverage*.csv"))), "--kind", "coverage", "--db", db]) == 0
    assert main(["export-public", "--db", db, "--out", str(out)]) == 0
    shutil.copytree(out, tmp_path / "release1")
    added = _more_cases(demo_dir, tmp_path / "more.csv")
    assert main(["ingest", str(tmp_path / "more.csv"), "--db", db]) == 0
    assert main(["export-public", "--db", db, "--out", str(out)]) == 0
    first, second = attack.read_release(tmp_path / "release1"), attack.read_release(out)
    # through 30 June: the 30 cases of the new quarter wait for it to close
    assert sum(c["cases"] or 0 for c in second if c["table"] == "national_total") == 369 + added - 30
    ledger = json.loads((out / "release_ledger.json").read_text())
    assert [r["release"] for r in ledger["releases"]] == [1, 2]
    narrow = attack.narrow(attack.recovery_ranges([first, second]), DEFAULT_K)
    assert narrow == {}
    exact = attack.narrow(attack.recovery_ranges([first, second], exact=True), DEFAULT_K)
    assert exact == {}
    # the same pair in two folders, and the control without the ledger: tests/test_release_ledger.py


def test_exporting_the_same_data_again_adds_no_release(tmp_path, demo_dataset):
    out = tmp_path / "public"
    write_export(demo_dataset, out)
    first = (out / "province_year.csv").read_text()
    write_export(demo_dataset, out)
    assert (out / "province_year.csv").read_text() == first
    assert len(json.loads((out / "release_ledger.json").read_text())["releases"]) == 1


def test_a_damaged_ledger_stops_the_export_with_a_fix(tmp_path, demo_dir, capsys):
    out = tmp_path / "public"
    out.mkdir()
    (out / "release_ledger.json").write_text("{not json")
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out),
                 "--ledger", str(out / "release_ledger.json")]) == 2
    err = capsys.readouterr().err
    assert "could not be read" in err and "release_ledger.json" in err and "Traceback" not in err
    assert not (out / "national_totals.csv").exists()


def test_k_is_configurable_and_validated(tmp_path, demo_dir, capsys):
    out = tmp_path / "k5"
    ledger = ["--ledger", str(tmp_path / "ledger.json")]
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out), "--k", "5", *ledger]) == 0
    assert json.loads((out / "metadata.json").read_text())["k"] == 5
    assert main(["export-public", "--data", str(demo_dir), "--out", str(out), "--k", "1", *ledger]) == 2


# ---------------------------------------------------------------- public mode




def test_public_mode_runs_without_a_database(public_env, tmp_path):
    at = app()
    no_errors(at)
    assert not at.error, [e.value for e in at.error]
    text = " ".join(shown(m.value) for m in at.markdown) + " ".join(shown(c.value) for c in at.caption)
    assert "hidden" in text and "fewer" not in text.split("Counts from")[0]  # the note explains; no false "<11"
    assert any(d.label == "national_quarter.csv" for d in at.get("download_button"))
    for page in INTERNAL_PAGES:
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_public_headline_shows_the_arrest_rate_with_its_interval_and_periods(public_env):
    """Issue 10: the demo's headline is 86% with its interval, and every card names its period."""
    at = app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cases"] == "347" and metrics["Arrest rate"] == "86%" and metrics["Provinces covered"] == "21 of 25"
    captions = [shown(c.value) for c in at.caption]
    assert any("297 arrests in 347 cases" in c and "95% interval 82%–89%" in c for c in captions)
    assert sum("Q3 2013 to Q1 2015" in c for c in captions) >= 2 and any("at the end of Q1 2015" in c for c in captions)


def test_the_public_page_gives_both_dates(public_env):
    """Issue 20, item 7: not "as of June 30" (the quarter's end) but the figures' end and the data's last day."""
    at = app()
    no_errors(at)
    text = " ".join(shown(c.value) for c in at.caption)
    assert "Figures to March 31, 2015 (closed quarters only); data received to April 29, 2015." in text
    assert "June 30, 2015" not in text
    labels = [d.label for d in at.get("download_button")]
    assert "Summary for donors (PDF, English)" in labels and "Summary for donors (PDF, ខ្មែរ)" in labels


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


def test_public_view_tables_show_hidden_counts_and_safe_rates(tmp_path, demo_dataset):
    from dashboard.publish import public_view
    from dashboard.publish.public_export import read_export

    write_export(demo_dataset, tmp_path / "pub")
    data = read_export(tmp_path / "pub")
    cards = {c.key: c for c in public_view.headline(data)}
    assert (cards["cases"].value, cards["provinces"].value, cards["arrest_rate"].value) == ("347", "21 of 25", "86%")
    wide = public_view.province_year_wide(data)
    assert list(wide.columns) == ["province_code", "province", "province_km", "2013", "2014", "2015"]
    assert wide.set_index("province_code").loc["17", "province_km"] == "សៀមរាប"
    cells = wide[["2013", "2014", "2015"]].to_numpy().ravel()
    assert "hidden" in cells and all(c == "hidden" or c == "0" or int(c.replace(",", "")) >= 11 for c in cells)
    rates = public_view.allowed_arrest_rates(data)
    shown_counts = rates[rates["arrests"] != "hidden"]
    assert len(rates) > len(shown_counts)  # banded rates where the counts are hidden
    assert all(r.endswith("%") for r in rates["arrest rate"])
    quarters = public_view.quarter_table(data)
    assert (quarters["arrest rate"] == "hidden").sum() <= (quarters["arrests"] == "hidden").sum()


def test_public_map_names_every_state(tmp_path, demo_dataset):
    from dashboard.geo.boundaries import load_boundaries
    from dashboard.publish import public_map, public_view
    from dashboard.publish.public_export import read_export
    from dashboard.render.colours import HATCH

    write_export(demo_dataset, tmp_path / "pub")
    data = read_export(tmp_path / "pub")
    b = load_boundaries()
    states = public_view.unit_states(data, b, 2015)
    look = public_map.public_styles(states, data.k)
    labels = [label for _, label in look.legend]
    assert "hidden: fewer than 11 cases, or hidden to protect such a count" in labels
    assert {"not covered", "no data", "no cases"} <= set(labels)
    hidden = [u for u, s in states.items() if s.state == public_view.SUPPRESSED]
    assert hidden and all(look.styles[u].fill == HATCH for u in hidden)
    py = data.province_year[data.province_year["year"] == 2015].set_index("province_code")
    for _unit, state in states.items():
        members = py.loc[state.members]
        assert (state.state == public_view.SUPPRESSED) == bool(members["cases"].isna().any())
        if state.state == public_view.COUNT:
            assert state.cases == members["cases"].sum()


def test_metadata_dates_no_single_case_across_two_releases(tmp_path):
    """Two releases a case apart: the figures must not date that case (security issue, item 3). Counts
    come in closed quarters only; the one day given is the day the data runs to, which says that some
    case was reported then, and nothing about where."""
    import re

    base = _dataset(646)
    last = base.cases["date"].max()
    newer = base.cases.iloc[[0]].assign(case_id="NEW-1", date=last + pd.Timedelta(days=1))
    if (newer["date"].dt.quarter.iloc[0], newer["date"].dt.year.iloc[0]) != (last.quarter, last.year):
        newer = newer.assign(date=last)  # keep the new case inside the last quarter
    grown = Dataset(pd.concat([base.cases, newer], ignore_index=True), base.coverage, True, "test")
    metas, files = [], []
    for i, data in enumerate((base, grown)):
        write_export(data, tmp_path / f"r{i}")
        metas.append(json.loads((tmp_path / f"r{i}" / "metadata.json").read_text()))
        files.append([(tmp_path / f"r{i}" / name).read_text() for name in
                      ("national_totals.csv", "national_quarter.csv", "province_year.csv")])
    for meta in metas:
        assert re.fullmatch(r"\d{4}-Q[1-4]", meta["period"]["from"])
        assert re.fullmatch(r"\d{4}-Q[1-4]", meta["period"]["to"])
        days = {k: v for k, v in meta.items() if k not in ("generated", "figures_to", "data_received_to")}
        assert not re.search(r"\d{4}-\d{2}-\d{2}", json.dumps(days))
        assert pd.Timestamp(meta["figures_to"]).is_quarter_end
    assert metas[0]["period"] == metas[1]["period"]
    assert files[0] == files[1]  # the new case waits for its quarter to close
