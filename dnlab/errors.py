"""Every error dnlab raises, and the one factory of what a learner sees for a mistake.

Each error carries a short message and, where there is one, the fix; ``str()`` is the one line a
learner reads. In a kernel, the magic turns any of them into a *plain* ``UsageError`` through
``usage_error``: IPython prints exactly that type as one line, and gives any subclass of it a
full traceback (ipython#14024), so dnlab never subclasses it.
"""
from __future__ import annotations

import copy

from IPython.core.error import UsageError


class DnlabError(Exception):
    """An error with a short message for learners and, where there is one, a fix."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} {self.fix}".strip()

    def at(self, where: str) -> DnlabError:
        """The same error, said of ``where`` (``line 2 (`ps`)``, ``machine1``)."""
        located = copy.copy(self)
        located.message = f"{where}: {self.message}"
        located.args = (located.message,)
        return located


class ParseError(DnlabError):
    """A line of a ``%%dnet`` cell that cannot run: its number and the reason. Nothing ran."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class MagicMisuse(DnlabError):
    """``%dnet`` itself used wrongly: a verb of its own (lab, machines, topology, panel) or an option."""


class EngineUnavailable(DnlabError):
    """No Docker engine answers where dnlab looked, or the one it used stopped answering."""


class EngineError(DnlabError):
    """The engine refused a request; the message is the engine's own explanation."""


class ImageError(DnlabError):
    """A course image could not be found, pulled or built."""


class NotLabOwned(DnlabError):
    """The learner named something dnlab did not create; dnlab leaves it alone."""


class NotOnLabMachine(DnlabError):
    """Swarm membership and plugins change only on dnlab's own lab machines, never on the learner's engine."""


class PermissionsNotGranted(DnlabError):
    """A plugin asks for privileges the learner has not granted."""


class ServiceNotConverged(DnlabError):
    """A service's tasks did not all reach ``running``."""


def usage_error(error: DnlabError | str) -> UsageError:
    """What the magic raises for any learner's mistake: a plain ``UsageError``, shown as one line."""
    return UsageError(str(error))
