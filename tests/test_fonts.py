"""The Khmer web font ships from a registry package and is served by the app itself."""

from dashboard.render import fonts


def test_font_comes_from_the_package_and_is_copied_for_static_serving(tmp_path):
    source = fonts.font_file()
    assert source.suffix == ".ttf" and source.stat().st_size > 100_000
    assert "Open Font License" in fonts.licence_file().read_text(encoding="utf-8")
    copied = fonts.ensure_installed(tmp_path)
    assert copied.read_bytes() == source.read_bytes()
    assert fonts.URL.startswith("/app/static/") and fonts.URL in fonts.font_face_css()
