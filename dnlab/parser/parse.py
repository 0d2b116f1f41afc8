"""Parse a whole ``%%dnet`` cell before anything runs; a bad line stops the cell untouched."""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from dnlab.parser.errors import DnetUsageError
from dnlab.parser.grammar import COMMANDS, FORMS, Command
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
        super().__init__(prog=f"docker {command.usage_name}", description=command.help,
                         add_help=False, allow_abbrev=False, exit_on_error=False)
        self.add_argument("--help", action="store_true", dest="_help", help="show this help")
        for opt in command.options:
            kind: dict[str, Any] = {"switch": {"action": "store_true"},
                                    "value": {"type": opt.type},
                                    "many": {"action": "append", "type": opt.type}}[opt.kind]
            if opt.kind != "switch":
                kind["metavar"] = opt.flags[-1].lstrip("-").upper()
            if opt.choices:
                kind["choices"] = opt.choices
            self.add_argument(*opt.flags, dest=opt.dest, help=opt.help, required=opt.required, **kind)
        for arg in command.args:
            nargs = argparse.REMAINDER if arg.nargs == "..." else arg.nargs
            self.add_argument(arg.dest, nargs=nargs, help=arg.help, choices=arg.choices or None)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise argparse.ArgumentError(None, message)


def parse_cell(cell: str) -> list[Invocation]:
    """Every command of the cell, parsed; the first bad line raises `DnetUsageError`."""
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
        raise DnetUsageError(line.number, _explain(str(exc), command)) from None
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
        verbs = sorted({c.forms[0].split(" ", 1)[1] for c in COMMANDS if c.forms[0].startswith(words[0] + " ")})
        what = f"'{words[0]} {words[1]}'" if len(words) > 1 else f"'{words[0]}' needs a subcommand;"
        raise DnetUsageError(line.number, f"{what} is not supported; try: {', '.join(verbs)}"
                             if len(words) > 1 else f"{what} try: {', '.join(verbs)}")
    raise DnetUsageError(line.number, f"unknown command '{words[0]}' (%dnet --help lists what works)")


def help_text(command: Command | None = None) -> str:
    """``%dnet --help`` (every command) or ``%dnet run --help`` (one command)."""
    if command is not None:
        return _Parser(command).format_help()
    width = max(len(c.usage_name) for c in COMMANDS)
    rows = [f"  {c.usage_name:<{width}}  {c.help}" for c in COMMANDS]
    return ("%%dnet runs docker CLI commands, one per line, through the Docker SDK for Python.\n"
            "Also: %dnet lab NAME (start a lab, removing what an earlier run of it left),\n"
            "      %dnet topology (a picture of the lab), %dnet panel (a live panel of the lab),\n"
            "      %dnet machines up [N] | ls | down (lab machines: Docker hosts for the swarm exercises).\n"
            "On a lab machine: %%dnet --on machine1 (the whole cell) or %dnet --on machine1 COMMAND;\n"
            "      swarm init, join and leave only ever run there, never on your own engine.\n"
            "%%dnet --needs macvlan skips the cell on an engine without that feature.\n"
            "Commands (`docker` in front is optional; `COMMAND --help` for flags):\n" + "\n".join(rows))


def _explain(message: str, command: Command) -> str:
    name = f"`docker {command.usage_name}`"
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
            raise DnetUsageError(line.number, "exec needs a command to run after the container name")
        if len(kwargs["cmd"]) == 1 and kwargs["cmd"][0] in SHELLS:
            raise DnetUsageError(line.number, f"a notebook has no terminal for an interactive "
                                 f"{kwargs['cmd'][0]}; put the command after it, like: "
                                 f"exec {kwargs['container']} ping -c 3 NAME")
    if command.key == "network.create":
        _check_gateways(line, kwargs.get("subnet") or [], kwargs.get("gateway") or [])


def _check_gateways(line: Line, subnets: list[str], gateways: list[str]) -> None:
    import ipaddress

    if len(gateways) > len(subnets):
        raise DnetUsageError(line.number, "each --gateway needs a --subnet to belong to")
    for subnet, gateway in zip(subnets, gateways):
        if ipaddress.ip_address(gateway) not in ipaddress.ip_network(subnet):
            raise DnetUsageError(line.number, f"--gateway {gateway} is not inside --subnet {subnet}")
