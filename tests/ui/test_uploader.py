"""The Data page's file uploaders speak the page's language (dashboard/ui/uploader.py).

Found on a walk through the Khmer Data page: Streamlit's own "Upload" button and its "200MB per file • CSV,
TXT, XLSX" line stayed English, and the no-coverage notice named the upload option 'coverage' while the page
showed it as ការគ្របដណ្តប់.
"""

from __future__ import annotations

import pytest

from dashboard.i18n import use_language
from dashboard.ui.uploader import limits_line, translated_words_css
from tests.apphelpers import app, engine_with_users, no_errors, signed_in
from tests.test_empty_database import REAL_CASES, _everything_said  # noqa: F401  (the shared real file)

PASSWORD = "correct horse battery staple"


def _styles(at) -> list[str]:
    return [str(e.proto.body) for e in at.get("html")]


@pytest.fixture()
def admin(app_db):
    return signed_in(engine_with_users(app_db, {"first-admin": "admin"}, PASSWORD), "first-admin")


def test_in_khmer_the_uploaders_draw_their_words_in_khmer(admin):
    at = app("pages/data.py", query={"lang": "km"}, session=admin)
    no_errors(at)
    styles = [s for s in _styles(at) if "stFileUploaderDropzoneInstructions" in s]
    assert len(styles) == 1 and "ផ្ទុកឡើង" in styles[0]  # the records uploader (the boundary one is in its tab)
    assert any("MB ក្នុងមួយឯកសារ • CSV, TXT, XLSX" in c.value for c in at.caption)


def test_in_english_streamlit_keeps_its_own_words(admin):
    at = app("pages/data.py", session=admin)
    no_errors(at)
    assert not [s for s in _styles(at) if "stFileUploaderDropzoneInstructions" in s]
    assert not any("per file" in c.value for c in at.caption)


def test_the_limits_line_and_the_style_are_safe_and_translated():
    with use_language("km"):
        # Western digits unless the setting asks
        assert limits_line(["csv", "xlsx"], 200) == "200 MB ក្នុងមួយឯកសារ • CSV, XLSX"
    css = translated_words_css("upload_file_box", 'a"b</style><script>')
    assert css.count("</style>") == 1 and '\\"' in css


def test_the_no_coverage_notice_names_the_upload_option_as_the_page_shows_it(app_db, tmp_path, capsys):
    from dashboard.cli import main

    at = app()
    no_errors(at)
    source = tmp_path / "real.csv"
    source.write_bytes(REAL_CASES)
    assert main(["ingest", str(source), "--db", app_db]) == 0
    capsys.readouterr()
    admin = signed_in(engine_with_users(app_db, {"first-admin": "admin"}, PASSWORD), "first-admin")
    said = _everything_said(app("pages/overview.py", query={"lang": "km"}, session=admin))
    assert "'ការគ្របដណ្តប់'" in said and "'coverage'" not in said
