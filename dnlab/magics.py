"""The ``%%dnet`` cell magic (and ``%dnet`` line magic): docker CLI lines, run through docker-py."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from docker.errors import APIError, DockerException
from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display
from requests.exceptions import RequestException
from traitlets import Bool
from traitlets.config import Configurable

from dnlab import completion
from dnlab import lab as labs
from dnlab.commands import execute
from dnlab.engine.client import engine_lost, on_binder
from dnlab.engine.report import supports
from dnlab.errors import DnlabError
from dnlab.parser import DnetUsageError, Invocation, help_text, parse_cell
from dnlab.views.results import CommandHeader, Output


def _topology() -> Any:
    from dnlab.views.topology import topology

    return topology()


def _panel() -> Any:
    from dnlab.views.panel import LabPanel

    return LabPanel()


def _machines(args: list[str]) -> Any:
    """``%dnet machines up [N]`` / ``ls`` / ``down``."""
    from dnlab import machines

    action, count = (args + ["ls"])[0], args[1] if len(args) > 1 else "2"
    if action not in ("up", "ls", "down") or not count.isdigit() or len(args) > 2:
        raise UsageError("usage: %dnet machines up [N] | ls | down")
    if action == "down":
        gone = machines.down()
        return Output("Removed: " + ", ".join(sorted(gone)) if gone else "No lab machines to remove.")
    return machines.up(int(count)) if action == "up" else machines.ls()


VIEWS = {"topology": _topology, "panel": _panel}
"""``%dnet topology`` (a picture of the lab) and ``%dnet panel`` (a live panel)."""


OPTIONS_USAGE = "--on MACHINE (a lab machine) and --needs FEATURE (macvlan)"


@dataclass(frozen=True)
class MagicOptions:
    """What the ``%%dnet`` line (or the start of a ``%dnet`` line) asks for."""

    on: str | None = None
    needs: str | None = None


OPTION = re.compile(r"\s*(--on|--needs)(?:=|\s+|$)(\S*)")


def magic_options(text: str, cell: bool) -> tuple[MagicOptions, str]:
    """Read ``--on NAME`` and ``--needs FEATURE`` (either order, ``--on=NAME`` too) from the
    front of ``text``; the rest is the command (a line magic) or must be empty (a cell)."""
    found: dict[str, str] = {}
    position = 0
    while match := OPTION.match(text, position):
        flag, value = match.groups()
        if not value or value.startswith("-"):
            raise UsageError(f"{flag} needs a value: %%dnet --on machine1, %%dnet --needs macvlan")
        if flag == "--needs" and not cell:
            raise UsageError("--needs FEATURE belongs on a %%dnet cell's first line.")
        if flag[2:] in found:
            raise UsageError(f"{flag} is given twice.")
        found[flag[2:]] = value
        position = match.end()
    return MagicOptions(**found), text[position:].strip()


def on_machine(machine: str | None) -> labs.Lab:
    """The current lab, on lab machine ``machine`` (None: the local engine); its engine must answer."""
    lab = labs.current()
    if machine is None:
        return lab
    try:
        import dnlab.machines  # noqa: F401  (the lab machines: dnlab's own swarm nodes)
    except ImportError:
        raise DnlabError(f"--on {machine}: this dnlab has no lab machines (dnlab.machines is missing).",
                         "Run the cell without --on, or update dnlab.") from None
    lab = lab.on(machine)
    lab.client  # noqa: B018  (an unknown or stopped machine fails here, with dnlab's explanation)
    return lab


class DnetError(UsageError):
    """A command that parsed but could not run: the line, the reason and the fix, in one line."""


@magics_class
class DnetMagics(Magics, Configurable):
    """``%%dnet``: one docker CLI command per line (``docker`` in front optional)."""

    short_errors = Bool(True, config=True,
                        help="Show errors as one line; set False for full tracebacks.").tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        if shell is not None:
            shell.configurables.append(self)  # so `%config DnetMagics.short_errors = False` reaches it

    @line_cell_magic
    def dnet(self, line: str, cell: str | None = None) -> Any:
        """Run docker CLI commands: `%dnet --help` lists them; `%dnet lab NAME` starts a lab;
        `%%dnet --on machine1` (or `%dnet --on machine1 COMMAND`) runs them on a lab machine."""
        if cell is None:
            return self._line(line.strip())
        options, rest = magic_options(line, cell=True)
        if rest:
            raise UsageError(f"%%dnet takes only {OPTIONS_USAGE}, not '{rest}'; "
                             "put the commands on the lines below it.")
        invocations = parse_cell(cell)  # a cell that does not parse stops here, before any engine call
        if options.needs:
            able, why = self._guarded(lambda: supports(options.needs), where="")
            if not able:
                return Output(f"Skipped on this engine: {why}")
        return self._run_all(invocations, options.on)

    def _line(self, line: str) -> Any:
        options, line = magic_options(line, cell=False)
        words = line.split()
        if not words or words[0] in ("--help", "help"):
            return Output(help_text())
        if options.on is not None and (words[0] in VIEWS or words[0] == "lab"):
            raise UsageError(f"--on runs docker commands on a lab machine; `%dnet {words[0]}` works on the lab "
                             "as a whole: leave --on out.")
        if options.on is None and words[0] in VIEWS and len(words) == 1:
            return self._guarded(VIEWS[words[0]], where="")
        if options.on is None and words[0] == "machines":
            return self._guarded(lambda: _machines(words[1:]), where="")
        if options.on is None and words[0] == "lab":
            if len(words) != 2:
                raise UsageError("usage: %dnet lab NAME  (for example: %dnet lab exercise-6.01)")
            return self._guarded(lambda: labs.start(words[1]), where="")
        return self._cell(line, options.on)

    def _cell(self, cell: str, machine: str | None = None) -> Any:
        return self._run_all(parse_cell(cell), machine)  # nothing runs unless every line parses

    def _run_all(self, invocations: list[Invocation], machine: str | None) -> Any:
        lab = self._guarded(lambda: on_machine(machine), where="", machine=machine)
        last = None
        for index, invocation in enumerate(invocations):
            if len(invocations) > 1:
                display(CommandHeader(invocation.line.text.removeprefix("docker ").strip(), machine))
            last = self._run(invocation, lab)
            if index < len(invocations) - 1 and last is not None:
                display(last)
        return last

    def _run(self, invocation: Invocation, lab: labs.Lab | None = None) -> Any:
        if invocation.help:
            return Output(help_text(invocation.command))
        where = f"line {invocation.line.number} (`{invocation.line.text}`)"
        if lab is not None and lab.machine:
            where = f"{lab.machine}: {where}"
        return self._guarded(lambda: execute(lab or labs.current(), invocation), where, lab.machine if lab else None)

    def _guarded(self, action: Any, where: str, machine: str | None = None) -> Any:
        try:
            return action()
        except DnetUsageError:
            raise
        except DnlabError as exc:
            if not self.short_errors:
                raise
            raise DnetError(f"{where}: {exc}" if where else str(exc)) from None
        except APIError as exc:  # an engine's refusal outside a command (a view, a lab's start): its words
            if not self.short_errors:
                raise
            raise DnetError(f"{where}: {exc.explanation or exc}" if where else str(exc.explanation or exc)) from None
        except (RequestException, DockerException) as exc:  # the engine went away in the middle of a command
            if not self.short_errors:
                raise
            lost = engine_lost(exc, machine)
            raise DnetError(f"{where}: {lost}" if where else str(lost)) from None


BINDER_NOTICE = ("This is Binder, which has no Docker engine, so this cell did not run: the output stored with the "
                 "notebook (File > Reload Notebook from Disk shows it again) is from a real run; to run the course, "
                 "see the README: ./scripts/lab on a machine with Docker, or a JupyterHub with an engine per learner.")


def binder_notice(lines: list[str]) -> list[str]:
    """On Binder, every cell after ``%load_ext dnlab`` says why it cannot run, in one line, instead."""
    return [f"print({BINDER_NOTICE!r})\n"] if "".join(lines).strip() else lines


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext dnlab``."""
    shell.register_magics(DnetMagics(shell=shell, parent=shell))
    completion.register(shell)  # tab completion in %%dnet cells and after %dnet
    if on_binder() and binder_notice not in shell.input_transformers_post:
        shell.input_transformers_post.append(binder_notice)
