"""Parse a whole ``%%dnet`` cell before anything runs; a bad line stops the cell untouched."""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from dnlab.errors import ParseError
from dnlab.parser import values
from dnlab.parser.grammar import COMMANDS, FORMS, MAGIC_OPTIONS, REFUSED, Command
from dnlab.parser.lines import Line, split_cell

MAX_FORM_WORDS = max(len(form) for form in FORMS)


@dataclass(frozen=True)
class Invocation:
    """A parsed line: the command it names and the keyword arguments for its function."""

    line: Line
    command: Command
    kwargs: dict[str, Any] = field(default_factory=dict)
    help: bool = False


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing and exiting."""

    def __init__(self, command: Command) -> None:
        super().__init__(prog=spoken(command), description=command.help,
                         add_help=False, allow_abbrev=False, exit_on_error=False)
        self.add_argument("--help", action="store_true", dest="_help", help="show this help")
        for opt in command.options:
            kind: dict[str, Any] = {"switch": {"action": "store_true"},
                                    "value": {"type": opt.type},
                                    "many": {"action": "append", "type": opt.type}}[opt.kind]
            if opt.kind != "switch":
                kind["metavar"] = opt.metavar or opt.flags[-1].lstrip("-").upper()
            if opt.choices:
                kind["choices"] = opt.choices
            self.add_argument(*opt.flags, dest=opt.dest, help=opt.help, required=opt.required, **kind)
            for old in opt.old_spellings:
                self.add_argument(old, dest=opt.dest, help=argparse.SUPPRESS, **kind)
        for arg in command.args:
            nargs = argparse.REMAINDER if arg.nargs == "..." else arg.nargs
            self.add_argument(arg.dest, nargs=nargs, help=arg.help, choices=arg.choices or None, type=arg.type)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise argparse.ArgumentError(None, message)


def parse_cell(cell: str) -> list[Invocation]:
    """Every command of the cell, parsed; the first bad line raises `ParseError`."""
    return [parse_line(line) for line in split_cell(cell)]


def parse_line(line: Line) -> Invocation:
    """One line: find its command (``run``, ``network create`` ...) and read its flags."""
    command, rest = find_command(line)
    parser = _Parser(command)
    try:
        ns, extra = parser.parse_known_args(rest)
    except argparse.ArgumentError as exc:
        if "--help" in rest:
            return Invocation(line, command, help=True)
        raise ParseError(line.number, _explain(str(exc), command)) from None
    if extra and not ns._help:
        raise ParseError(line.number, _unknown(extra[0], command))
    kwargs = {k: v for k, v in vars(ns).items() if k != "_help"}
    if ns._help:
        return Invocation(line, command, help=True)
    _check(line, command, kwargs)
    return Invocation(line, command, kwargs)


def find_command(line: Line) -> tuple[Command, list[str]]:
    """The command a line starts with (longest form first) and the words after it."""
    words = list(line.argv)
    for size in range(min(MAX_FORM_WORDS, len(words)), 0, -1):
        command = FORMS.get(tuple(words[:size]))
        if command:
            return command, words[size:]
        if tuple(words[:size]) in REFUSED:
            raise ParseError(line.number, REFUSED[tuple(words[:size])])
    nouns = sorted({form[0] for form in FORMS if len(form) > 1})
    if words[0] in nouns:
        family = {form[1:]: command for form, command in FORMS.items() if len(form) > 1 and form[0] == words[0]}
        verbs = sorted(" ".join(verb) for verb in family)
        said = " ".join(words[:2])
        said = f"%dnet {said}" if any(c.whole_lab for c in family.values()) else said
        what = f"'{said}'" if len(words) > 1 else f"'{said}' needs a subcommand;"
        raise ParseError(line.number, f"{what} is not supported; try: {', '.join(verbs)}"
                             if len(words) > 1 else f"{what} try: {', '.join(verbs)}")
    raise ParseError(line.number, f"unknown command '{words[0]}' (%dnet --help lists what works)")


def spoken(command: Command) -> str:
    """How a learner writes the command: ``docker network create``, or ``%dnet machines up``."""
    return f"{'%dnet' if command.whole_lab else 'docker'} {command.usage_name}"


def help_text(command: Command | None = None) -> str:
    """``%dnet --help`` (every command) or ``%dnet run --help`` (one command), from the table."""
    if command is not None:
        return _Parser(command).format_help()
    width = max(len(c.usage_name) for c in COMMANDS)
    docker = [f"  {c.usage_name:<{width}}  {c.help}" for c in COMMANDS if not c.whole_lab]
    own = [f"  {c.usage_name:<{width}}  {c.help}" for c in COMMANDS if c.whole_lab]
    options = [f"  {o.flags[0] + ' ' + o.metavar:<{width}}  {o.help}" for o in MAGIC_OPTIONS]
    return ("%%dnet runs docker CLI commands, one per line, through the Docker SDK for Python.\n"
            "Commands (`docker` in front is optional; `COMMAND --help` for flags):\n" + "\n".join(docker) +
            "\nThe lab as a whole (%dnet VERB):\n" + "\n".join(own) +
            "\nOn the %%dnet line (or at the start of a %dnet line):\n" + "\n".join(options) +
            "\nswarm init, join and leave only ever run on a lab machine, never on your own engine.\n")


def _unknown(word: str, command: Command) -> str:
    """The first word argparse could not place: a flag the command lacks, or one argument too many."""
    name = f"`{spoken(command)}`"
    if word.startswith("-") and len(word) > 1:
        return f"{name} has no flag {word.split('=')[0]} in dnlab (`{command.usage_name} --help` lists its flags)"
    return f"'{word}' is one argument too many for {name} (`{command.usage_name} --help` shows what it takes)"


def _explain(message: str, command: Command) -> str:
    name = f"`{spoken(command)}`"
    if message.startswith("the following arguments are required:"):
        optional = {arg.dest for arg in command.args if arg.nargs == "..."}
        missing = [m for m in message.split(": ", 1)[1].split(", ") if m not in optional]
        missing = [f"{m} {m.lstrip('-').upper()}" if m.startswith("-") else m for m in missing]
        return f"{name} needs {' and '.join(missing)}"
    if message.startswith("argument "):
        flag, _, reason = message[len("argument "):].partition(": ")
        return f"{flag.split('/')[-1]}: {reason}"
    return f"{message} ({name})"


SHELLS = {"sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash"}
PING_BOUNDS = ("-c", "-w")


def _check(line: Line, command: Command, kwargs: dict[str, Any]) -> None:
    """Rules argparse cannot express, checked before anything runs."""
    try:
        if command.key == "container.exec":
            _check_exec(kwargs)
        elif command.key in ("container.run", "container.create"):
            values.attachments(kwargs["networks"], kwargs["aliases"], kwargs["ipv4_address"],
                               kwargs["ipv6_address"], kwargs["mac_address"])
            _check_never_ending(kwargs["command"], kwargs.get("detach", True), "run -d")
        elif command.key == "network.create":
            values.pools(kwargs["subnet"], kwargs["gateway"], kwargs["ip_range"], kwargs["aux_addresses"])
        elif command.key == "container.start" and (kwargs["attach"] or kwargs["interactive"]):
            if len(kwargs["names"]) > 1:
                raise ValueError("start -a takes one container: start the others on lines of their own")
            if not kwargs["attach"]:
                raise ValueError(f"start -i needs -a as well: start -ai {kwargs['names'][0]} opens a terminal on it")
        elif command.key == "swarm.init" and kwargs["subnet_size"]:
            values.pool_mask_fits(kwargs["default_addr_pool"], kwargs["subnet_size"])
        elif command.key in ("network.prune", "system.prune"):
            values.prune_filters(kwargs["filters"])
        elif command.key == "container.logs" and kwargs["follow"]:
            raise ValueError("logs -f follows forever, and a notebook cell must end: `logs NAME` shows what "
                             "is there now (run the cell again for more)")
    except (ValueError, argparse.ArgumentTypeError) as exc:
        raise ParseError(line.number, str(exc)) from None


def _check_exec(kwargs: dict[str, Any]) -> None:
    cmd, name = kwargs["cmd"], kwargs["container"]
    if not cmd:
        raise ValueError("exec needs a command to run after the container name")
    if opens_terminal(kwargs["interactive"], kwargs["tty"], cmd):
        if kwargs["detach"]:
            raise ValueError("exec -it opens a terminal and -d runs without one: give one of them")
        return
    if len(cmd) == 1 and cmd[0] in SHELLS:
        raise ValueError(f"a shell with no terminal reads nothing and ends at once: exec -it {name} {cmd[0]} "
                         f"opens one in the notebook, or run one command, like exec {name} ping -c 3 NAME")
    _check_never_ending(cmd, kwargs["detach"], "exec -d")


def opens_terminal(interactive: bool, tty: bool, cmd: list[str]) -> bool:
    """``exec -it NAME sh``: a shell, interactive, opens a terminal; ``exec -it NAME ping -c 3 web`` ends by
    itself, so it runs as without ``-it``, and its output is the result, as in the book."""
    return interactive and tty and len(cmd) == 1 and cmd[0] in SHELLS


def _check_never_ending(cmd: list[str], detached: bool, detach_hint: str) -> None:
    """``ping HOST`` with no count never ends by itself, and a notebook cell must."""
    if detached or not cmd or cmd[0].rsplit("/", 1)[-1] not in ("ping", "ping6"):
        return
    if not any(word.startswith(PING_BOUNDS) for word in cmd[1:]):
        target = cmd[-1] if len(cmd) > 1 else "HOST"
        raise ValueError(f"'{' '.join(cmd)}' never ends by itself, and a notebook cell must: "
                         f"give it a count, like ping -c 3 {target} (or {detach_hint} to leave it running)")
