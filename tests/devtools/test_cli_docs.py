"""dashboard.devtools.cli_docs: README's "Command line" block is generated from the parser and kept current."""

from __future__ import annotations

import argparse

import pytest

from dashboard.cli import build_parser, main
from dashboard.devtools import cli_docs


def test_the_readme_command_line_section_is_current():
    readme = cli_docs.README.read_text(encoding="utf-8")
    assert cli_docs.render(readme, build_parser) == readme, "README is out of date: run 'python -m dashboard docs cli'"


def test_every_command_of_the_parser_is_in_the_block_once():
    block = cli_docs.block(build_parser)
    lines = [line for line, _help in cli_docs.commands(build_parser())]
    assert len(lines) == len(set(lines)) > 20
    for line in lines:
        assert block.count(line + "\n") == 1
    assert "python -m dashboard ingest FILE [--kind cases|coverage]" in block
    assert "python -m dashboard summary [--db URL | --data DIR]" in block  # options that exclude each other


def test_the_block_is_english_whatever_the_interface_language():
    from dashboard import i18n

    i18n.set_language("km")
    try:
        assert "write the SYNTHETIC demo case file" in cli_docs.block(build_parser)
        assert i18n.get_language() == "km"
    finally:
        i18n.set_language("en")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="x")
    sub = parser.add_subparsers(dest="command")
    tool = sub.add_parser("tool", help="do the thing")
    tool.add_argument("names", nargs="+", metavar="NAME")
    tool.add_argument("--mode", choices=["a", "b"], required=True)
    tool.add_argument("--tag", action="append")
    tool.add_argument("--dry-run", action="store_true")
    return parser


def test_a_command_line_shows_its_arguments_as_help_does():
    ((line, help_text),) = cli_docs.commands(_parser())
    assert line == "python -m dashboard tool NAME [NAME ...] --mode a|b [--tag TAG]... [--dry-run]"
    assert help_text == "do the thing"


def test_check_fails_on_a_stale_readme_and_the_command_rewrites_it(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n\n{cli_docs.BEGIN}\nSTALE-LINE\n{cli_docs.END}\n\nafter\n", encoding="utf-8")
    monkeypatch.setattr(cli_docs, "README", stale)
    assert main(["docs", "cli", "--check"]) == 1
    assert "STALE-LINE" in stale.read_text(encoding="utf-8")
    assert main(["docs", "cli"]) == 0
    text = stale.read_text(encoding="utf-8")
    assert "STALE-LINE" not in text and text.endswith(f"{cli_docs.END}\n\nafter\n")
    assert "python -m dashboard ingest" in text
    assert main(["docs", "cli", "--check"]) == 0


def test_a_readme_without_the_markers_is_an_error():
    with pytest.raises(ValueError, match="no block"):
        cli_docs.render("# no markers here\n", build_parser)


def test_every_command_s_help_can_be_printed():
    """A help text with a bare % made `python -m dashboard --help` crash (argparse formats help with %)."""
    def walk(parser: argparse.ArgumentParser) -> None:
        parser.format_help()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    walk(child)

    walk(build_parser())
