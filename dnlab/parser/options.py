"""The options on a ``%%dnet`` line (or at the start of a ``%dnet`` line): ``--on``, ``--needs``."""
from __future__ import annotations

import re
from dataclasses import dataclass

from dnlab.errors import MagicMisuse
from dnlab.parser.grammar import MAGIC_OPTIONS

FLAGS = {flag: option for option in MAGIC_OPTIONS for flag in option.flags}
OPTION = re.compile(r"\s*(" + "|".join(map(re.escape, FLAGS)) + r")(?:=|\s+|$)(\S*)")


@dataclass(frozen=True)
class MagicOptions:
    """What the ``%%dnet`` line asks for: a lab machine to run on, a feature the cell needs."""

    on: str | None = None
    needs: str | None = None


def magic_options(text: str, cell: bool) -> tuple[MagicOptions, str]:
    """Read the options (either order, ``--on=NAME`` too) from the front of ``text``; the rest is
    the command (a line magic) or must be empty (a cell)."""
    found: dict[str, str] = {}
    position = 0
    while match := OPTION.match(text, position):
        flag, value = match.groups()
        option = FLAGS[flag]
        if not value or value.startswith("-"):
            raise MagicMisuse(f"{flag} needs a value: %%dnet --on machine1, %%dnet --needs macvlan")
        if option.dest == "needs" and not cell:
            raise MagicMisuse("--needs FEATURE belongs on a %%dnet cell's first line.")
        if option.choices and value not in option.choices:
            raise MagicMisuse(f"{flag} {value}: dnlab knows no such feature.", f"Known: {', '.join(option.choices)}.")
        if option.dest in found:
            raise MagicMisuse(f"{flag} is given twice.")
        found[option.dest] = value
        position = match.end()
    return MagicOptions(**found), text[position:].strip()
