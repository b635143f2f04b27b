"""Formula-safe CSV exports (spreadsheet formula injection)."""

import pandas as pd

from dashboard.render.safe_csv import to_safe_csv


def test_show_data_downloads_are_formula_safe():
    out = to_safe_csv(pd.DataFrame({"a": ["=1+1", "+cmd", "-2", "@x", "ok"],
                                    "n": [-1, 2, 3, 4, 5]})).decode("utf-8-sig")
    assert out.splitlines() == ["a,n", "'=1+1,-1", "'+cmd,2", "'-2,3", "'@x,4", "ok,5"]


def test_formulas_behind_invisible_characters_are_neutralised():
    cells = ["\u200b=HYPERLINK(\"http://x\")", "\ufeff+1", "\u200d\u200b-1+1", "\u00ad@SUM(A1)", "\u200bplain"]
    out = to_safe_csv(pd.DataFrame({"a": cells})).decode("utf-8-sig").splitlines()[1:]
    assert [line.startswith("'") or line.startswith("\"'") for line in out[:4]] == [True] * 4
    assert out[4] == "\u200bplain"


def test_table_toolbar_export_is_off():
    """st.dataframe's own "Download as CSV" would write raw cells; only the app's safe buttons export."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
