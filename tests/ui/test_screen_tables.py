"""Tables on screen (issue 28): readable headers in both languages, dates without times, empty cells, not None."""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import use_language
from dashboard.ui.components import localized_columns


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"province_code": ["KH-17", "KH-23"], "start_date": pd.to_datetime(["2013-07-15", None]),
                         "note": ["first", None], "cases": [3, 4], "user": ["ana", "lee"]})


def test_english_headers_are_words_not_keys_and_values_read_plainly():
    shown = localized_columns(_frame())
    assert list(shown.columns) == ["Province code", "Coverage start", "Note", "Cases", "User"]
    assert str(shown["Coverage start"].iloc[0]) == "2013-07-15" and shown["Coverage start"].iloc[1] == ""
    assert shown["Note"].iloc[1] == "" and "None" not in shown.astype(str).to_numpy()
    assert shown["Cases"].tolist() == [3, 4]  # numbers keep their type (sorting, alignment)


def test_khmer_headers_and_a_time_only_where_one_is_recorded():
    frame = _frame().assign(at=pd.to_datetime(["2015-04-29 10:30", "2015-04-29 00:00"]))
    with use_language("km"):
        shown = localized_columns(frame)
    assert not any(c in frame.columns for c in shown.columns)
    assert shown.iloc[:, -1].tolist() == ["2015-04-29 10:30", "2015-04-29 00:00"]


def test_the_frame_given_is_never_changed():
    frame = _frame()
    before = frame.copy()
    localized_columns(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_a_categorical_text_column_with_gaps_shows_empty_cells():
    """The Analysis page's records (district, a categorical) crashed: a categorical takes no new value ""."""
    frame = pd.DataFrame({"district": pd.Categorical(["Siem Reap", None])})
    assert localized_columns(frame).iloc[:, 0].tolist() == ["Siem Reap", ""]


def test_every_shown_column_converts_to_arrow_without_streamlits_fallback():
    """A date column with gaps (arrest date) mixed date objects and "": Arrow refused it and Streamlit logged a
    traceback on every rerun of the Analysis page before converting it itself (the 1M funnel benchmark's log)."""
    import pyarrow as pa

    frame = _frame().assign(arrest_date=pd.to_datetime(["2015-04-29", None]),
                            at=pd.to_datetime(["2015-04-29 10:30", None]))
    shown = localized_columns(frame)
    table = pa.Table.from_pandas(shown, preserve_index=False)  # raised ArrowTypeError
    assert table.column("Arrest date").to_pylist() == ["2015-04-29", ""]
