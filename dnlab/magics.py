"""The ``%%dnet`` cell magic (and ``%dnet`` line magic): docker CLI lines, run through docker-py."""
from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display
from traitlets import Bool
from traitlets.config import Configurable

from dnlab import completion
from dnlab import lab as labs
from dnlab.commands import execute
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


VIEWS = {"topology": _topology, "panel": _panel}
"""``%dnet topology`` (a picture of the lab) and ``%dnet panel`` (a live panel)."""


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
        """Run docker CLI commands: `%dnet --help` lists them; `%dnet lab NAME` starts a lab."""
        if cell is None:
            return self._line(line.strip())
        options = line.split()
        if options[:1] == ["--needs"] and len(options) == 2:
            able, why = self._guarded(lambda: supports(options[1]), where="")
            if not able:
                return Output(f"Skipped on this engine: {why}")
        elif options:
            raise UsageError("%%dnet takes one option, --needs FEATURE (macvlan); "
                             "put the commands on the lines below it.")
        return self._cell(cell)

    def _line(self, line: str) -> Any:
        words = line.split()
        if not words or words[0] in ("--help", "help"):
            return Output(help_text())
        if words[0] in VIEWS and len(words) == 1:
            return self._guarded(VIEWS[words[0]], where="")
        if words[0] == "lab":
            if len(words) != 2:
                raise UsageError("usage: %dnet lab NAME  (for example: %dnet lab exercise-6.01)")
            return self._guarded(lambda: labs.start(words[1]), where="")
        return self._cell(line)

    def _cell(self, cell: str) -> Any:
        invocations = parse_cell(cell)  # nothing runs unless every line parses
        last = None
        for index, invocation in enumerate(invocations):
            if len(invocations) > 1:
                display(CommandHeader(invocation.line.text.removeprefix("docker ").strip()))
            last = self._run(invocation)
            if index < len(invocations) - 1 and last is not None:
                display(last)
        return last

    def _run(self, invocation: Invocation) -> Any:
        if invocation.help:
            return Output(help_text(invocation.command))
        where = f"line {invocation.line.number} (`{invocation.line.text}`)"
        return self._guarded(lambda: execute(labs.current(), invocation), where)

    def _guarded(self, action: Any, where: str) -> Any:
        try:
            return action()
        except DnetUsageError:
            raise
        except DnlabError as exc:
            if not self.short_errors:
                raise
            raise DnetError(f"{where}: {exc}" if where else str(exc)) from None


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext dnlab``."""
    shell.register_magics(DnetMagics(shell=shell, parent=shell))
    completion.register(shell)  # tab completion in %%dnet cells and after %dnet
