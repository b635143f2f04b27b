"""URL parameters from the security review (issue 14, items 8 and 12): no Markdown injection, every
dropped value warned about."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from dashboard.measures.filters import MAX_URL_VALUES, choice_problems, from_query_params
from dashboard.render.markup import escape_markdown
from tests.apphelpers import app, no_errors

INJECTIONS = ["![pixel](http://127.0.0.1:1/pixel.png)", "[Sign in again](http://127.0.0.1:1/login)",
              "<img src=x onerror=alert(1)>", "**bold** :material/lock: www.example.org"]


def _inert(markdown: str) -> bool:
    """Rendered as Markdown (with raw HTML allowed), the text makes no link, image or tag, and no autolink."""
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)
    return "<a " not in html and "<img" not in html and re.search(r"(?<!\\):(?=//)", markdown) is None \
        and re.search(r"(?<!\\):material", markdown) is None


@pytest.mark.parametrize("payload", INJECTIONS)
def test_escape_markdown_makes_payloads_inert(payload):
    assert not _inert(payload)  # the check itself can fail
    assert _inert(escape_markdown(payload))


@pytest.mark.parametrize("payload", INJECTIONS)
def test_a_bad_province_in_a_link_is_echoed_inert(app_db, payload):
    at = app(query={"province": payload})
    no_errors(at)
    warnings = [w.value for w in at.warning if "province" in w.value]
    assert warnings, [w.value for w in at.warning]
    assert all(_inert(w) for w in warnings), warnings


@pytest.mark.parametrize(("key", "value"),
                         [("measure", "cases per goat"), ("classes", "jenks-ish"), ("census", "1998")])
def test_unknown_map_settings_in_a_link_are_warned_about(app_db, key, value):
    at = app("pages/cases.py", query={key: value})
    no_errors(at)
    assert any(key in w.value and "ignored" in w.value for w in at.warning), [w.value for w in at.warning]


def test_too_many_or_too_long_values_are_warned_about():
    parsed = from_query_params({"province": ["Kep"] * (MAX_URL_VALUES + 5)})
    assert parsed.filters.provinces == ("23",)
    assert any(f"only the first {MAX_URL_VALUES}" in p for p in parsed.problems)
    parsed = from_query_params({"province": ["K" * 10_000, "Kampot"]})
    assert parsed.filters.provinces == ("07",) and any("too long" in p for p in parsed.problems)


def test_choice_problems_name_the_key_and_the_options():
    assert choice_problems("census", ["2008"], ["2008", "2019"]) == []
    (message,) = choice_problems("census", ["1998"], ["2008", "2019"])
    assert "census=1998" in message and "2008, 2019" in message
