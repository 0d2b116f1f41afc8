"""Which engine a cell runs on, and whether one of its differences from the book's engine holds there."""
from __future__ import annotations

from dnlab.engine.differences import Difference, applies, differences
from dnlab.lab import current


def engine_version(on: str | None = None) -> str:
    """The Docker version of the engine (of lab machine ``on``), as `docker version` prints it."""
    return current().on(on).client.version().get("Version", "")


def differs(key: str, on: str | None = None) -> Difference | None:
    """The difference ``key`` from the book's Docker (``dnlab.engine.differences``) where it holds on this
    engine, else None; a notebook asserts the behaviour of the engine it runs on with it."""
    version = engine_version(on)
    if not applies(key, version):  # raises KeyError for a key the table does not have
        return None
    return next(difference for difference in differences(version) if difference.key == key)
