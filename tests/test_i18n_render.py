"""Khmer beyond the pages: charts, map legends and tooltips, validation reports, the CLI and the export metadata.

Each test renders the same thing in English too, so it fails if the Khmer side silently falls back to English.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.extract import extract_from_file

from dashboard import i18n
from dashboard.i18n import use_language
from dashboard.render import charts

ROOT = Path(__file__).resolve().parent.parent
KHMER = re.compile(r"[\u1780-\u17ff]")
KHMER_MONTHS = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ")
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _msgids(relative: str) -> set[str]:
    """The strings a module marks for translation (what a Khmer figure must never show in English)."""
    return {message for _line, message, _comments, _context in extract_from_file("python", str(ROOT / relative))
            if isinstance(message, str)}


def _strings(node) -> list[str]:
    """Every string value (not key) in a plotly figure's JSON."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, (list, tuple)):
        return [s for value in node for s in _strings(value)]
    return []


def _monthly() -> pd.DataFrame:
    months = pd.date_range("2014-01-01", "2015-12-01", freq="MS")
    cases = [(i * 7) % 13 + 1 for i in range(len(months))]
    return pd.DataFrame({"month": months, "cases": cases, "arrests": [c // 2 for c in cases],
                         "cumulative": pd.Series(cases).cumsum()})


def _figures():
    monthly = _monthly()
    timeline = pd.DataFrame({"date": pd.date_range("2013-07-01", "2016-01-01", freq="MS"),
                             "population_share": 0.5, "area_share": 0.4})
    quarterly = pd.DataFrame({"period": ["2014Q1", "2014Q2"], "cases": [20, 30], "arrests": [15, 27],
                              "arrest_rate": [0.75, 0.9], "ci_low": [0.5, 0.7], "ci_high": [0.9, 0.97]})
    offences = pd.DataFrame({"offence": ["homicide", "physical abuse"], "cases": [5, 15], "share": [0.25, 0.75]})
    victims = pd.DataFrame({"age_band": ["0-5", "6-11"], "sex": ["F", "M"], "cases": [3, 4]})
    return {"trend": charts.monthly_trend(monthly),
            "coverage": charts.coverage_over_time(timeline, pd.Timestamp("2015-01-01")),
            "quarters": charts.arrest_rate_over_time(quarterly), "offences": charts.offence_breakdown(offences),
            "victims": charts.victims(victims)}


def test_a_khmer_chart_has_khmer_axes_month_names_and_no_english_catalog_string():
    with use_language("en"):
        english = _figures()
    with use_language("km"):
        khmer = _figures()
        expected_axis = i18n._("cases per month")
    trend = khmer["trend"].to_plotly_json()["layout"]
    assert KHMER.search(expected_axis) and trend["yaxis"]["title"]["text"] == expected_axis
    assert KHMER.search(trend["title"]["text"]) and KHMER.search(trend["yaxis2"]["title"]["text"])
    # month ticks and the hover header (the x values) are Babel's Khmer month names, not plotly's English ones
    assert all(any(m in t for m in KHMER_MONTHS) for t in trend["xaxis"]["ticktext"])
    assert any(m in str(x) for x in khmer["trend"].data[0].x for m in KHMER_MONTHS)
    assert any(m in t for t in english["trend"].layout.xaxis.ticktext for m in ENGLISH_MONTHS)
    assert "%b" not in json.dumps(trend)  # plotly's own (English) month format is not used
    # date hovers on the coverage chart carry Babel's dates too
    hovers = [row[0] for row in khmer["coverage"].data[0].customdata]
    assert all(any(m in h for m in KHMER_MONTHS) for h in hovers)
    assert all(any(m in t for m in KHMER_MONTHS) or re.fullmatch(r"\d{4}", t)
               for t in khmer["coverage"].layout.xaxis.ticktext)
    assert KHMER.search(khmer["quarters"].data[2].x[0])  # 'ត្រីមាសទី 1 2014', not '2014Q1'
    assert khmer["offences"].data[0].y[0] != "homicide" and KHMER.search(khmer["offences"].data[0].y[0])
    # no English string from the chart module is left anywhere in the Khmer figures
    msgids = {m for m in _msgids("dashboard/render/charts.py") if re.search(r"[A-Za-z]{3}", m)}
    msgids |= {"homicide", "physical abuse"}
    for name, fig in khmer.items():
        values = _strings(fig.to_plotly_json())
        leaked = {m for m in msgids for v in values if m in v}
        assert not leaked, (name, leaked)
    english_values = [v for fig in english.values() for v in _strings(fig.to_plotly_json())]
    assert any("Cases per month" in v for v in english_values)  # the check above can find an English string


@pytest.fixture(scope="module")
def boundaries():
    from dashboard.geo.boundaries import load_boundaries

    return load_boundaries()


def _unescaped(page: str) -> str:
    """The map page with the JSON escapes of its scripts (legend HTML, GeoJSON tooltips) turned back into text."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def _legend(page: str) -> str:
    return re.search(r'div.innerHTML = (".*?");\n', page).group(1)


def _coverage_map(boundaries, dataset, lang: str):
    from dashboard.render import maps

    with use_language(lang):
        styles, legend = maps.coverage_styles(boundaries, dataset.coverage, date(2014, 6, 1))
        title = i18n._("Coverage on {day}").format(day=i18n.fmt_date(date(2014, 6, 1)))
        return _unescaped(maps.build_map(boundaries, styles, title, legend).get_root().render()), styles


def test_a_khmer_map_legend_and_tooltips_are_khmer(boundaries, demo_dataset):
    page_km, styles_km = _coverage_map(boundaries, demo_dataset, "km")
    page_en, styles_en = _coverage_map(boundaries, demo_dataset, "en")
    with use_language("km"):
        covered, not_yet, since = i18n._("covered"), i18n._("not yet covered"), i18n._("since {date}")
    assert KHMER.search(covered) and KHMER.search(not_yet) and KHMER.search(since)
    legend_km, legend_en = _legend(page_km), _legend(page_en)
    assert f"<span>{covered}</span>" in legend_km and f"<span>{not_yet}</span>" in legend_km
    assert "មិថុនា" in legend_km  # the title's date: June, in Khmer
    assert "<span>covered</span>" in legend_en and "<span>covered</span>" not in legend_km
    # tooltips: the status is translated where drawn, the detail ('since 2013-10-01') is written in Khmer
    assert f'"status": "{covered}"' in page_km and '"status": "covered"' in page_en
    since_km = since.split("{")[0].strip()
    assert f'"detail": "{since_km} 20' in page_km and '"detail": "since 20' in page_en
    assert '"detail": "since' not in page_km
    # the states themselves stay English keys (views compare and order legends by them)
    assert {s.status for s in styles_km.values()} <= {"covered", "not yet covered", "ended", "not covered"}


def test_a_khmer_choropleth_legend_names_states_in_khmer(boundaries, demo_dataset):
    from dashboard.measures.metrics import active_provinces, by_province
    from dashboard.render import maps

    per = by_province(demo_dataset.cases)
    covered = active_provinces(demo_dataset.coverage, date(2014, 6, 1))
    pages = {}
    for lang in ("en", "km"):
        with use_language(lang):
            styles, legend = maps.choropleth_styles(boundaries, per, covered, "count", "quantiles", ("12",))
            pages[lang] = _unescaped(maps.build_map(boundaries, styles, "x", legend).get_root().render())
            pages[lang + "_word"] = i18n._("not selected")
    assert KHMER.search(pages["km_word"]) and f"<span>{pages['km_word']}</span>" in _legend(pages["km"])
    assert "not selected" in _legend(pages["en"]) and "not selected" not in pages["km"]
    assert "outside the province filter" in pages["en"] and "outside the province filter" not in pages["km"]


def test_a_validation_report_in_khmer_names_row_and_column(tmp_path):
    from dashboard.data.validation import ValidationOptions, validate_file

    path = tmp_path / "cases.csv"
    path.write_text("case_id,date_reported,province,offence,arrest_made\n"
                    "A1,2015-03-02,Siem Reap,homicide,yes\n"
                    "A2,2015-03-02,Siem Reap,homicide,perhaps\n", encoding="utf-8")
    options = ValidationOptions(today=date(2020, 1, 1))
    with use_language("km"):
        text = validate_file(path, options=options).to_text()
        row = i18n._("row {row}").format(row=3)
        column = i18n._("{where}, column {column}:{value} {problem} Fix: {hint}").split("{column}")[0].split(",")[-1]
    with use_language("en"):
        english = validate_file(path, options=options).to_text()
    assert "row 3, column arrest_made" in english
    assert KHMER.search(row) and row in text  # which row, in Khmer
    assert f"{column.strip()} arrest_made" in text and KHMER.search(column)  # which column, by its stable name
    assert "row 3" not in text and " Fix: " not in text


@pytest.fixture()
def cli_in(monkeypatch):
    """Run the CLI with a locale in the environment; the language is reset afterwards."""
    from dashboard.cli import main

    def run(lang_env: str, *argv: str) -> int:
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", lang_env)
        try:
            return main(list(argv))
        finally:
            i18n.set_language(i18n.DEFAULT_LANGUAGE)

    return run


def test_the_cli_speaks_khmer_under_a_khmer_locale_and_json_stays_the_same(cli_in, demo_dir, capsys):
    assert cli_in("km_KH.UTF-8", "summary", "--data", str(demo_dir)) == 0
    khmer = capsys.readouterr().out
    assert cli_in("en_US.UTF-8", "summary", "--data", str(demo_dir)) == 0
    english = capsys.readouterr().out
    with use_language("km"):
        cases_label = i18n._("Cases")
    assert KHMER.search(cases_label) and f"{cases_label}: 369" in khmer
    assert "Cases: 369" in english and "Cases:" not in khmer
    assert cli_in("km_KH.UTF-8", "summary", "--data", str(demo_dir), "--json") == 0
    json_km = capsys.readouterr().out
    assert cli_in("C", "summary", "--data", str(demo_dir), "--json") == 0
    assert json_km == capsys.readouterr().out and json.loads(json_km)["cases"] == 369
    assert not KHMER.search(json_km.replace("\\u", ""))  # machine output: keys and values as they were
    assert cli_in("km_KH.UTF-8", "summary", "--data", str(demo_dir), "--province", "Atlantis") == 2
    err = capsys.readouterr().err
    assert "Atlantis" in err and KHMER.search(err) and "Unknown province" not in err


def test_public_export_metadata_in_both_languages(demo_dataset, tmp_path):
    from dashboard.geo.gazetteer import load_gazetteer
    from dashboard.publish.public_export import METHOD, PROTECTION_RULE
    from dashboard.publish.release import write_export

    write_export(demo_dataset, tmp_path)
    meta = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    assert meta["method"] == METHOD and meta["protection_rule"] == PROTECTION_RULE  # the documented keys stay
    assert set(meta["languages"]) == {"en", "km"}
    en, km = meta["languages"]["en"], meta["languages"]["km"]
    assert en["method"] == METHOD and en["files"] == meta["files"]
    for key in ("method", "protection_rule"):
        assert KHMER.search(km[key]) and km[key] != en[key]
    assert set(km["files"]) == set(meta["files"])
    for name, note in km["files"].items():
        assert KHMER.search(note)
        # column names are the format: the Khmer notes keep every English column name
        for column in re.findall(r"[a-z_]+(?=[ ,(]|$)", meta["files"][name]):
            if "_" in column or column in ("cases", "arrests", "province", "quarter", "period", "year"):
                assert column in note, (name, column)
    gaz = load_gazetteer()
    assert km["province_names"] == {c: p.name_km for c, p in gaz.items()}
    assert en["province_names"]["17"] == gaz["17"].name_en


def test_measure_tables_get_khmer_headers_and_categories_for_the_screen_only(demo_dataset):
    from dashboard.measures import labels, metrics
    from dashboard.measures.filters import counts_for

    table = metrics.by_offence(counts_for(demo_dataset))
    with use_language("km"):
        shown = labels.display_table(table)
    with use_language("en"):
        english = labels.display_table(table)
    assert list(table.columns) == ["offence", "cases", "arrests", "share"]  # the frame itself is untouched
    assert list(english.columns) == ["Offence", "Cases", "Arrests", "Share"]
    assert all(KHMER.search(c) for c in shown.columns)
    assert all(KHMER.search(v) for v in shown[shown.columns[0]]) and "homicide" in set(table["offence"])
    assert shown[shown.columns[1]].tolist() == table["cases"].tolist()


def test_the_cli_help_is_khmer_under_a_khmer_locale(cli_in, capsys):
    with pytest.raises(SystemExit):
        cli_in("km_KH.UTF-8", "summary", "--help")
    khmer = capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli_in("en_GB.UTF-8", "summary", "--help")
    english = capsys.readouterr().out
    assert "first day of the period" in english and "first day of the period" not in khmer
    with use_language("km"):
        assert i18n._("first day of the period") in khmer


def test_days_to_arrest_groups_are_named_in_khmer(demo_dataset):
    from dashboard.geo.gazetteer import load_gazetteer
    from dashboard.measures import time_to_arrest as tta

    gaz = load_gazetteer()
    for by, column in (("province", "province_name"), ("offence", "offence"), ("quarter", "quarter")):
        frame = tta.by_group(tta.times_of(demo_dataset), by=by)
        with use_language("km"):
            khmer = charts.days_to_arrest(frame, column, "t").data[0].y
        with use_language("en"):
            english = charts.days_to_arrest(frame, column, "t").data[0].y
        assert all(KHMER.search(y) for y in khmer), (by, khmer[:3])
        assert not any(KHMER.search(y) for y in english), (by, english[:3])
        if by == "province":
            assert set(khmer) <= {p.name_km for p in gaz.values()}


def test_map_legend_numbers_follow_the_locale_and_the_khmer_digits_setting(monkeypatch):
    from dashboard.render.colours import classify

    values = pd.Series({"a": 1200.0, "b": 3400.0, "c": 5600.0, "d": 0.0})
    covered = pd.Series(True, index=values.index)
    english = classify(values, covered, "equal intervals", k=2)
    assert english.legend[0][1] == "1,200 – 3,400"
    monkeypatch.setenv("DASHBOARD_KHMER_DIGITS", "1")
    with use_language("km"):
        khmer = classify(values, covered, "equal intervals", k=2)
    assert khmer.legend[0][1] == "១,២០០ – ៣,៤០០"
    assert khmer.labels["d"] == "no cases"  # states stay keys; maps translate them where drawn


def test_the_monthly_chart_shows_its_arrests_series():
    """Issue 20: the "arrests" bars started hidden (plotly's legendonly) with no hint that a click shows them."""
    fig = _figures()["trend"]
    assert [t.name for t in fig.data] == ["cases", "arrests", "cumulative"]
    assert all(t.visible in (None, True) for t in fig.data)


def test_the_cli_refuses_a_short_password_in_khmer_under_a_khmer_locale(cli_in, capsys, monkeypatch, tmp_path):
    import io

    db_url = f"sqlite:///{tmp_path / 'users.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli_in("km_KH.UTF-8", "users", "add", "anna", "--role", "analyst", "--db", db_url) == 2
    err = capsys.readouterr().err
    assert KHMER.search(err) and "too short" not in err and "10" in err, err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli_in("en_US.UTF-8", "users", "add", "anna", "--role", "analyst", "--db", db_url) == 2
    assert "The password is too short (under 10 characters)." in capsys.readouterr().err


def test_month_ticks_are_written_on_two_lines_so_they_stay_level(demo_dataset):
    from dashboard.measures import metrics
    from dashboard.measures.filters import counts_for
    from dashboard.render import charts

    monthly = metrics.monthly(counts_for(demo_dataset))
    with use_language("km"):
        khmer = charts.monthly_trend(monthly).layout.xaxis.ticktext
    with use_language("en"):
        english = charts.monthly_trend(monthly).layout.xaxis.ticktext
    assert khmer and all("<br>" in t and KHMER.search(t) for t in khmer)
    assert english and all(t.count("<br>") == 1 and not KHMER.search(t) for t in english)  # 'Jul<br>2013'
    assert len(english) <= charts.MOST_MONTH_TICKS
