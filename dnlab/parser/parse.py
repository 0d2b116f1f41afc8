"""Parse a whole ``%%dnet`` cell before anything runs; a bad line stops the cell untouched."""
from __future__ import annotations

import argparse
import ipaddress
from dataclasses import dataclass, field
from typing import Any

from dnlab.errors import ParseError
from dnlab.parser.grammar import COMMANDS, FORMS, MAGIC_OPTIONS, Command
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
        ns = parser.parse_args(rest)
    except argparse.ArgumentError as exc:
        if "--help" in rest:
            return Invocation(line, command, help=True)
        raise ParseError(line.number, _explain(str(exc), command)) from None
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


def _explain(message: str, command: Command) -> str:
    name = f"`{spoken(command)}`"
    if message.startswith("unrecognized arguments:"):
        return f"unknown flag or extra argument '{message.split(': ', 1)[1]}' for {name}"
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


def _check(line: Line, command: Command, kwargs: dict[str, Any]) -> None:
    """Rules argparse cannot express, checked before anything runs."""
    if command.key == "container.exec":
        if not kwargs["cmd"]:
            raise ParseError(line.number, "exec needs a command to run after the container name")
        if len(kwargs["cmd"]) == 1 and kwargs["cmd"][0] in SHELLS:
            raise ParseError(line.number, f"a notebook has no terminal for an interactive "
                                 f"{kwargs['cmd'][0]}; put the command after it, like: "
                                 f"exec {kwargs['container']} ping -c 3 NAME")
    if command.key == "network.create":
        _check_gateways(line, kwargs.get("subnet") or [], kwargs.get("gateway") or [])


def _check_gateways(line: Line, subnets: list[str], gateways: list[str]) -> None:
    if len(gateways) > len(subnets):
        raise ParseError(line.number, "each --gateway needs a --subnet to belong to")
    for subnet, gateway in zip(subnets, gateways):
        if ipaddress.ip_address(gateway) not in ipaddress.ip_network(subnet):
            raise ParseError(line.number, f"--gateway {gateway} is not inside --subnet {subnet}")
