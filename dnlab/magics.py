"""The ``%%dnet`` cell magic (and ``%dnet`` line magic): docker CLI lines, run through docker-py.

A thin ``Magics`` class: the command table parses, ``dnlab.commands`` runs, and every mistake
reaches the learner through one entry point (``dnet``) as one line.
"""
from __future__ import annotations

import re
import sys
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.display import display
from IPython.utils.text import DollarFormatter
from traitlets import Bool
from traitlets.config import Configurable

from dnlab import completion
from dnlab import lab as labs
from dnlab.commands import execute
from dnlab.engine.client import on_binder
from dnlab.engine.explain import ENGINE_ERRORS, learner_error
from dnlab.errors import DnlabError, MagicMisuse, usage_error
from dnlab.host import supports
from dnlab.parser import Invocation, help_text, magic_options, parse_cell
from dnlab.views.results import CommandHeader, Output


LEARNER_ERRORS = (DnlabError, *ENGINE_ERRORS)
"""What Python cells show as one line: dnlab's errors, and the engine's refusals or loss."""


@magics_class
class DnetMagics(Magics, Configurable):
    """``%%dnet``: one docker CLI command per line (``docker`` in front optional)."""

    short_errors = Bool(True, config=True,
                        help="Show errors as one line; set False for full tracebacks.").tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        if shell is not None:
            shell.configurables.append(self)  # so `%config DnetMagics.short_errors = False` reaches it

    @no_var_expand  # expanded by `expand_variables`, which keeps Go templates' {{ }} as written
    @line_cell_magic
    def dnet(self, line: str, cell: str | None = None) -> Any:
        """Run docker CLI commands: `%dnet --help` lists them; `%dnet lab NAME` starts a lab;
        `%%dnet --on machine1` (or `%dnet --on machine1 COMMAND`) runs them on a lab machine."""
        line = expand_variables(self.shell, line)
        try:
            return self._line(line) if cell is None else self._cell(line, cell)
        except Exception as exc:  # the one place a learner's mistake becomes what they see
            error = learner_error(exc) if self.short_errors else None
            if error is None:
                raise
            raise usage_error(error) from None

    def _cell(self, line: str, cell: str) -> Any:
        options, rest = magic_options(line, cell=True)
        if rest:
            raise MagicMisuse(f"%%dnet takes only --on MACHINE and --needs FEATURE, not '{rest}';",
                              "put the commands on the lines below it.")
        invocations = parse_cell(cell)  # a cell that does not parse stops here, before any engine call
        if options.needs:
            capability = supports(options.needs)
            if not capability.yes:
                return Output(f"Skipped on this engine: {capability}")
        return self._run_all(invocations, options.on)

    def _line(self, line: str) -> Any:
        options, command = magic_options(line, cell=False)
        if not command or command.split()[0] in ("--help", "help"):
            return Output(help_text())
        return self._run_all(parse_cell(command), options.on)

    def _run_all(self, invocations: list[Invocation], machine: str | None) -> Any:
        for invocation in invocations:  # before anything runs: the magic's own verbs take no --on
            if machine is not None and invocation.command.whole_lab:
                raise MagicMisuse(f"line {invocation.line.number}: `%dnet {invocation.command.usage_name}` works "
                                  "on the lab as a whole, not on a lab machine:", "leave --on out.")
        lab = on_machine(machine)
        last = None
        for index, invocation in enumerate(invocations):
            if len(invocations) > 1:
                display(CommandHeader(invocation.line.text.removeprefix("docker ").strip(), machine))
            last = run(invocation, lab)
            if index < len(invocations) - 1 and last is not None:
                display(last)
        return last


TEMPLATE_ACTION = re.compile(r"(\{\{.*?\}\})")
_DOLLAR = DollarFormatter()


def expand_variables(shell: Any, line: str) -> str:
    """``{name}`` and ``$name`` from the learner's namespace, as IPython expands any magic's line, except
    inside a Go template's ``{{ }}`` (``-f '{{json .Config}}'``), which must reach the template as written."""
    if shell is None:
        return line
    namespace = {**shell.user_ns, **_learners_locals()}
    return "".join(part if TEMPLATE_ACTION.fullmatch(part) else _expanded(part, namespace)
                   for part in TEMPLATE_ACTION.split(line))


def _learners_locals() -> dict[str, Any]:
    """The local names where the learner wrote the magic (inside a function of theirs, say), as IPython's
    own expansion sees them: the frame that called ``run_line_magic`` (or ``run_cell_magic``)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_name not in ("run_line_magic", "run_cell_magic"):
        frame = frame.f_back
    return dict(frame.f_back.f_locals) if frame is not None and frame.f_back is not None else {}


def _expanded(text: str, namespace: dict[str, Any]) -> str:
    try:
        return _DOLLAR.vformat(text, args=[], kwargs=namespace)
    except Exception:  # as IPython does: what cannot be expanded stays as written
        return text


def on_machine(machine: str | None) -> labs.Lab:
    """The current lab, on lab machine ``machine`` (None: the local engine); its engine must answer."""
    lab = labs.current().on(machine)
    if machine is not None:
        try:
            lab.client  # noqa: B018  (an unknown or stopped machine fails here, with dnlab's explanation)
        except Exception as exc:
            raise _located(exc, None, machine) from exc
    return lab


def run(invocation: Invocation, lab: labs.Lab) -> Any:
    """One parsed line on ``lab``; its errors say which line (and machine) they come from."""
    if invocation.help:
        return Output(help_text(invocation.command))
    where = f"line {invocation.line.number} (`{invocation.line.text}`)"
    try:
        return execute(lab, invocation)
    except Exception as exc:
        raise _located(exc, f"{lab.machine}: {where}" if lab.machine else where, lab.machine) from exc


def _located(exc: Exception, where: str | None, machine: str | None) -> Exception:
    """``exc`` as the learner's error, said of ``where``; anything else (a bug) unchanged."""
    error = learner_error(exc, machine=machine)
    if error is None:
        return exc
    return error.at(where) if where else error


def show_short_error(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> list[str]:
    """A dnlab error in a Python cell (``dnlab.checks``, ``dnlab.machines``, ``dnlab.cleanup()``), or
    the engine's refusal or loss, shown as one line; the full traceback with ``short_errors = False``."""
    error = learner_error(value) if short_errors(shell) else None
    if error is None:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    else:
        stb = [f"\x1b[0;31m{type(error).__name__}\x1b[0m: {error}"]
    shell._showtraceback(etype, value, stb)  # IPython drops what a custom handler returns: show it here
    return stb


def short_errors(shell: Any) -> bool:
    """The magic's setting, which Python cells follow too."""
    magic = next((c for c in shell.configurables if isinstance(c, DnetMagics)), None)
    return magic is None or magic.short_errors


BINDER_NOTICE = ("This is Binder, which has no Docker engine, so this cell did not run: the output stored with the "
                 "notebook (File > Reload Notebook from Disk shows it again) is from a real run; to run the course, "
                 "see the README: ./scripts/lab on a machine with Docker, or a JupyterHub with an engine per learner.")


def binder_notice(lines: list[str]) -> list[str]:
    """On Binder, every cell after ``%load_ext dnlab`` says why it cannot run, in one line, instead."""
    return [f"print({BINDER_NOTICE!r})\n"] if "".join(lines).strip() else lines


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext dnlab``."""
    shell.register_magics(DnetMagics(shell=shell, parent=shell))
    shell.set_custom_exc(LEARNER_ERRORS, show_short_error)
    completion.register(shell)  # tab completion in %%dnet cells and after %dnet
    if on_binder() and binder_notice not in shell.input_transformers_post:
        shell.input_transformers_post.append(binder_notice)

