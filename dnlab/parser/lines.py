"""Split a ``%%dnet`` cell into commands: one per line, ``\\`` continues, ``#`` comments."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from dnlab.errors import ParseError

TYPOGRAPHIC_DASHES = "\u2013\u2014\u2212"  # en dash, em dash, minus sign
PROMPT = re.compile(r"""^(?:
      (?:[$#]                             # $ docker ...   (# docker ...: root's prompt)
       | [\w.-]+@[\w.-]+:\S*[$#]          # user@host:~$ docker ...
       | [\w.-]+\s+[~/]\S*[$#]             # Machine1 ~$ docker ...
       | PS\s+\S*>                         # PowerShell: PS C:\> docker ...
      )\s+(?=\S)
    | [\w.-]+\s+~(?=docker\s)              # the book's own, with no $: Machine1 ~docker exec ...
    )""", re.X)
"""A shell prompt pasted with the command; ``# `` counts only before ``docker`` (else it is a comment)."""
OPERATORS = ("&&", "||", "$(", "|", ";", ">", "<", "&", "`")


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
        text = without_prompt(" ".join(part.strip() for part in pending).strip())
        pending = []
        argv = tokenize(text, start)
        if argv:
            lines.append(Line(start, text, argv))
    if pending:
        raise ParseError(start, "the last line ends with '\\' but nothing follows it")
    return lines


def without_prompt(text: str) -> str:
    """``user@host:~$ docker ps`` -> ``docker ps``; a line without a prompt unchanged."""
    match = PROMPT.match(text)
    if not match or (match.group().startswith("#") and not text[match.end():].startswith("docker")):
        return text
    return text[match.end():]


def tokenize(text: str, number: int) -> tuple[str, ...]:
    """Shell words of one command line, without a leading ``docker``; no shell operator allowed."""
    placeholder = re.search(r"<[A-Za-z][\w-]*>", text)
    if placeholder:
        raise ParseError(number, f"'{placeholder.group()}' is the docs' placeholder: write the real value in its "
                                 "place (a shell would read < and > as redirections)")
    operator = shell_operator(text)
    if operator:
        raise ParseError(number, f"'{operator}' is shell syntax, and %%dnet runs no shell: put each docker "
                                 "command on its own line, and for a shell in a container write "
                                 "exec NAME sh -c '...'")
    try:
        words = shlex.split(text, comments=True)
    except ValueError as exc:
        raise ParseError(number, f"{exc} in: {text}") from None
    if words[:1] == ["docker"]:
        words = words[1:]
    for word in words:
        if word and word[0] in TYPOGRAPHIC_DASHES:
            dashes = 2 if word[0] == "\u2014" or word[1:2] == "-" else 1
            fixed = "-" * dashes + word.lstrip("-" + TYPOGRAPHIC_DASHES)
            raise ParseError(number, f"'{word}' starts with a typographic dash, as printed in "
                                 f"some books; type plain hyphens: {fixed}")
    return tuple(words)


def shell_operator(text: str) -> str | None:
    """The first shell operator outside quotes (``&&``, ``|``, ``>``, ``$(`` ...), up to a ``#`` comment."""
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
            if quote == '"' and text.startswith(("$(", "`"), index):
                return text[index:index + 2].rstrip("(") + ("(" if char == "$" else "")
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1].isspace()):
            return None
        else:
            found = next((op for op in OPERATORS if text.startswith(op, index)), None)
            if found:
                return found
        index += 1
    return None


def _is_comment(raw: str) -> bool:
    return raw.lstrip().startswith("#")
