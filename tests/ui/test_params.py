"""The parameter table (dashboard/ui/params.py): keys are unique, labels read back to keys in every language,
bad values are explained, and README's links section lists every key."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dashboard import i18n
from dashboard.ui import params

ROOT = Path(__file__).resolve().parents[2]


def test_keys_are_unique_and_every_default_is_an_option():
    keys = [p.key for p in params.PARAMS]
    assert len(keys) == len(set(keys))
    for param in params.PARAMS:
        if param.options and param.default not in (None, "", ()):
            assert param.default in param.options(), param.key


def test_every_label_in_every_language_reads_back_to_its_key():
    for key in params.TRANSLATED:
        for lang in i18n.LANGUAGES:
            with i18n.use_language(lang):
                for option in params.options(key):
                    assert params.to_key(key, params.label(key, option)) == option, (key, lang, option)


def test_a_khmer_label_and_a_misspelt_province_read_back_to_keys():
    with i18n.use_language("km"):
        khmer = params.label("view", params.COMPARE)
    assert khmer != params.COMPARE and params.to_key("view", khmer) == params.COMPARE
    assert params.to_key("province", "siem riep") == "Siem Reap"
    assert params.to_key("view", "bogus") == "bogus"


def test_validators_explain_bad_values_and_accept_good_ones():
    assert params.MEASURE.validator(["case count"]) == []
    assert "measure=goats" in params.MEASURE.validator(["goats"])[0]
    assert "province=Nowhere" in " ".join(params.PROVINCE.validator(["Nowhere"]))
    assert "a province name" in params.KM_PROVINCE.validator(["Atlantis"])[0]
    assert params.date_range_problems("period_a", ["2014-01-01"], *params_span()) != []


def params_span():
    from datetime import date
    return date(2013, 7, 1), date(2015, 4, 29)


def test_params_imports_no_view_and_no_streamlit():
    tree = ast.parse((ROOT / "dashboard/ui/params.py").read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | \
        {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not [m for m in modules if m.startswith(("dashboard.ui", "streamlit"))]


def test_every_key_is_in_the_readme_links_table():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("**Link parameters.**"):]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))
    assert documented == {p.key for p in params.PARAMS}


def test_no_module_writes_a_bare_session_key():
    """The app's own session keys are named in params; no other module spells one out."""
    found = []
    for path in (ROOT / "dashboard").rglob("*.py"):
        if path.name != "params.py" and re.search(r'"_cpu_|"_audit_', path.read_text(encoding="utf-8")):
            found.append(path.relative_to(ROOT).as_posix())
    assert found == []
