"""The README's "Command line" block, generated from the CLI's own parser so that it cannot drift from the code.

``python -m dashboard docs cli`` rewrites the block between :data:`BEGIN` and :data:`END` in README.md;
``--check`` only says whether it is current (exit 1 if not), as the test does. One entry per command: the
command with its arguments and flags, then its help text indented on the next line, always in English.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

from dashboard import i18n
from dashboard.paths import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
BEGIN = "<!-- BEGIN generated: python -m dashboard docs cli -->"
END = "<!-- END generated: python -m dashboard docs cli -->"
PROG = "python -m dashboard"


def _metavar(action: argparse.Action) -> str:
    if action.metavar:
        return str(action.metavar)
    if action.choices:
        return "|".join(str(c) for c in action.choices)
    return action.dest.upper()


def _argument(action: argparse.Action) -> str:
    """One argument as the line shows it: ``NAME``, ``[NAME ...]``, ``[--flag]``, ``[--flag VALUE]...``."""
    if not action.option_strings:
        name = _metavar(action)
        if action.nargs in ("+",):
            return f"{name} [{name} ...]"
        if action.nargs in ("*",):
            return f"[{name} ...]"
        return f"[{name}]" if action.nargs == "?" else name
    flag = max(action.option_strings, key=len)
    text = flag if action.nargs == 0 else f"{flag} {_metavar(action)}"
    repeated = "..." if isinstance(action, argparse._AppendAction) else ""
    return (text if action.required else f"[{text}]") + repeated


def _arguments(parser: argparse.ArgumentParser) -> list[str]:
    """The parser's arguments in order; options that exclude each other together, as ``[--a A | --b B]``."""
    groups = {id(a): g for g in parser._mutually_exclusive_groups for a in g._group_actions}
    out, done = [], set()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or id(action) in done:
            continue
        group = groups.get(id(action))
        if group is None:
            out.append(_argument(action))
            continue
        members = [a for a in group._group_actions if not isinstance(a, argparse._HelpAction)]
        done |= {id(a) for a in members}
        choice = " | ".join(_argument(a).strip("[]") for a in members)
        out.append(f"({choice})" if group.required else f"[{choice}]")
    return out


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(command line, help) for every command the parser runs, in the order ``--help`` lists them."""
    sub = _subcommands(parser)
    if sub is None:
        yield " ".join([PROG, *words, *_arguments(parser)]), ""
        return
    helps = {choice.dest: (choice.help or "").replace("%%", "%") for choice in sub._choices_actions}
    for name, child in sub.choices.items():
        for line, help_text in commands(child, (*words, name)):
            yield line, help_text or helps.get(name, "")


ParserFactory = Callable[[], argparse.ArgumentParser]


def block(build_parser: ParserFactory) -> str:
    """The generated block, markers included, for the parser ``build_parser`` makes (the CLI's own)."""
    previous = i18n.get_language()
    i18n.set_language("en")
    try:
        lines = list(commands(build_parser()))
    finally:
        i18n.set_language(previous)
    body = [part for line, help_text in lines for part in (line, f"    {help_text}" if help_text else None) if part]
    return "\n".join([BEGIN, "```text", *body, "```", END])


def render(readme: str, build_parser: ParserFactory) -> str:
    """``readme`` with its generated block replaced by the current one."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no block between {BEGIN!r} and {END!r}")
    return readme[:start] + block(build_parser) + readme[end + len(END):]


def update(build_parser: ParserFactory, path: Path | None = None, check: bool = False) -> bool:
    """Whether ``path``'s block (README.md's by default) was current; rewrites it unless ``check``."""
    path = path or README
    text = path.read_text(encoding="utf-8")
    new = render(text, build_parser)
    if new != text and not check:
        path.write_text(new, encoding="utf-8")
    return new == text
