"""Split a ``%%dnet`` cell into commands: one per line, ``\\`` continues, ``#`` comments."""
from __future__ import annotations

import shlex
from dataclasses import dataclass

from dnlab.errors import ParseError

TYPOGRAPHIC_DASHES = "\u2013\u2014\u2212"  # en dash, em dash, minus sign


@dataclass(frozen=True)
class Line:
    """One command of a cell: where it starts, what was written, and its words."""

    number: int
    text: str
    argv: tuple[str, ...]


def split_cell(cell: str, first_line: int = 1) -> list[Line]:
    """The cell's commands, each tokenised like a shell would, with any ``docker``/``$`` prefix dropped."""
    lines: list[Line] = []
    pending: list[str] = []
    start = first_line
    for number, raw in enumerate(cell.splitlines(), start=first_line):
        if not pending:
            start = number
        if raw.rstrip().endswith("\\") and not _is_comment(raw):
            pending.append(raw.rstrip()[:-1])
            continue
        pending.append(raw)
        text = " ".join(part.strip() for part in pending).strip()
        pending = []
        argv = tokenize(text, start)
        if argv:
            lines.append(Line(start, text, argv))
    if pending:
        raise ParseError(start, "the last line ends with '\\' but nothing follows it")
    return lines


def tokenize(text: str, number: int) -> tuple[str, ...]:
    """Shell words of one command line, without a leading ``$`` prompt or ``docker``."""
    try:
        words = shlex.split(text, comments=True)
    except ValueError as exc:
        raise ParseError(number, f"{exc} in: {text}") from None
    if words[:1] == ["$"]:
        words = words[1:]
    if words[:1] == ["docker"]:
        words = words[1:]
    for word in words:
        if word and word[0] in TYPOGRAPHIC_DASHES:
            dashes = 2 if word[0] == "\u2014" or word[1:2] == "-" else 1
            fixed = "-" * dashes + word.lstrip("-" + TYPOGRAPHIC_DASHES)
            raise ParseError(number, f"'{word}' starts with a typographic dash, as printed in "
                                 f"some books; type plain hyphens: {fixed}")
    return tuple(words)


def _is_comment(raw: str) -> bool:
    return raw.lstrip().startswith("#")
