"""The errors dnlab shows to a learner: one line saying what went wrong, and the fix."""
from __future__ import annotations


class DnlabError(Exception):
    """An error with a short message for learners and, where there is one, a fix."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} {self.fix}".strip()


class EngineUnavailable(DnlabError):
    """No Docker engine answers where dnlab looked."""


class EngineError(DnlabError):
    """The engine refused a request; the message is the engine's own explanation."""


class ImageError(DnlabError):
    """A course image could not be found, pulled or built."""
