"""Run parsed ``%%dnet`` lines: one module per Docker noun (and ``course``/``machines`` for the
magic's own verbs), one function per verb."""
from __future__ import annotations

from typing import Any, Callable

from docker.errors import APIError

from dnlab.commands import container, course, image, machines, network, node, plugin, service, swarm, system
from dnlab.engine.explain import explain
from dnlab.lab import Lab
from dnlab.parser import COMMANDS, Invocation

_MODULES = {"container": container, "course": course, "image": image, "machines": machines, "network": network,
            "node": node, "plugin": plugin, "service": service, "swarm": swarm, "system": system}


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
        raise explain(exc, lab.client, lab.machine) from exc
