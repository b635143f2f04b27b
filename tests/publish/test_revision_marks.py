"""Revised figures are marked on the latest release's charts themselves ('revised in release 2'): the static
site's SVG charts and the public dashboard's plotly chart, in English and Khmer. Each test puts a mark on one
cell and checks that it is drawn there and nowhere else."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard.i18n import use_language
from dashboard.publish import history, public_figures
from dashboard.render import charts

SIEM_REAP = "17"
ENTRY = {"revisions": [{"table": "province_year", "key": SIEM_REAP, "year": 2014, "release": 2},
                       {"table": "national_quarter", "key": "2014-Q2", "year": 2014, "release": 2},
                       {"table": "national_year", "key": "2014", "year": 2014, "release": 2}]}
MARK = {"en": "revised in release 2", "km": "បានកែប្រែក្នុងការចេញផ្សាយលើកទី 2"}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from dashboard.data.demo import write_demo
    from dashboard.data.store import load_from_dir
    from dashboard.publish.public_export import read_export
    from dashboard.publish.release import write_export

    base = tmp_path_factory.mktemp("marks")
    write_demo(base / "demo")
    write_export(load_from_dir(base / "demo"), base / "public")
    return read_export(base / "public")


def _titles(svg: str, kind: str = "revised-mark") -> list[str]:
    return re.findall(rf'<path class="{kind}"[^>]*><title>([^<]*)</title>', svg)


def test_the_history_gives_each_chart_its_revised_cells_only():
    assert history.revised(ENTRY, "province_year") == {(SIEM_REAP, 2014): 2}
    assert history.revised(ENTRY, "national_quarter") == {("2014-Q2", 2014): 2}
    assert history.revised(None, "province_year") == {}
    assert history.revised({"revisions": []}, "national_quarter") == {}


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_quarter_chart_marks_the_revised_quarter_and_no_other(data, lang):
    with use_language(lang):
        marked = public_figures.quarter_figure(data, revised=history.revised(ENTRY, "national_quarter"))
        plain = public_figures.quarter_figure(data)
    titles = _titles(marked)
    assert len(titles) == 1 and MARK[lang] in titles[0] and "2014" in titles[0], titles
    assert _titles(marked, "revised-key") == [MARK[lang]]  # the legend says what the diamond means
    assert MARK[lang] in marked
    assert _titles(plain) == [] and _titles(plain, "revised-key") == [] and MARK[lang] not in plain


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_province_chart_marks_siem_reap_2014_and_no_other_bar(data, lang):
    from dashboard.publish.public_view import province_name

    with use_language(lang):
        marked = public_figures.province_figure(data, revised=history.revised(ENTRY, "province_year"))
        plain = public_figures.province_figure(data)
        name = province_name(SIEM_REAP)
    titles = _titles(marked)
    assert titles == [f"{name} 2014{'៖' if lang == 'km' else ':'} {MARK[lang]}"], titles
    assert _titles(marked, "revised-key") == [MARK[lang]]
    assert _titles(plain) == [] and MARK[lang] not in plain


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_public_dashboards_chart_marks_the_revised_quarter_and_no_other(lang):
    frame = pd.DataFrame({"quarter": ["2014-Q1", "2014-Q2", "2014-Q3"], "cases": [30, 34, 12],
                          "arrests": [20, 25, None]})
    with use_language(lang):
        text = history.mark_text(2)
        fig = charts.public_quarters(frame, {"2014-Q2": text})
        plain = charts.public_quarters(frame)
        label = charts.quarter_label("2014-Q2")
    marks = [t for t in fig.data if t.meta == "revised"]
    assert len(marks) == 1 and marks[0].name == MARK[lang] and marks[0].showlegend is not False
    assert list(marks[0].x) == [label] and list(marks[0].y) == [34]
    assert MARK[lang] in marks[0].hovertemplate
    assert [t for t in plain.data if t.meta == "revised"] == []
