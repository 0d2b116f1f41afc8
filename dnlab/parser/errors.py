"""The one error a ``%%dnet`` cell that does not parse can raise."""
from __future__ import annotations

from IPython.core.error import UsageError


class DnetUsageError(UsageError):
    """A line of a ``%%dnet`` cell that cannot run: its number and the reason, in one line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason
