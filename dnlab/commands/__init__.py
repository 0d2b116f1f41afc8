"""Run parsed ``%%dnet`` lines: one module per Docker noun, one function per verb."""
from __future__ import annotations

from typing import Any, Callable

from docker.errors import APIError

from dnlab.commands import container, image, network, node, plugin, service, swarm, system
from dnlab.commands.explain import explain
from dnlab.lab import Lab
from dnlab.parser import COMMANDS, Invocation

_MODULES = {"container": container, "image": image, "network": network, "node": node, "plugin": plugin,
            "service": service, "swarm": swarm, "system": system}


def function_for(key: str) -> Callable[..., Any]:
    """The function behind a command key such as ``network.create``."""
    noun, verb = key.split(".")
    return getattr(_MODULES[noun], verb)


ROUTES: dict[str, Callable[..., Any]] = {command.key: function_for(command.key) for command in COMMANDS}


def execute(lab: Lab, invocation: Invocation) -> Any:
    """Run one parsed line; the engine's refusals come back as one-line `EngineError`s."""
    try:
        return ROUTES[invocation.command.key](lab, **invocation.kwargs)
    except APIError as exc:
        raise explain(exc, lab) from exc
