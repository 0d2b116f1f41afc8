"""Reach the Docker engine through docker-py, or explain why we cannot.

Which engine is dnlab's own choice, made here and reported (``dnlab engine`` says it): ``DOCKER_HOST``
when set, else the docker CLI's context when one other than ``default`` is chosen (``DOCKER_CONTEXT``
or ``docker context use``, as Docker Desktop does), else the default socket. docker-py would follow
the CLI's context by itself; dnlab passes the engine it chose, so what it reports is what it reaches.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import docker
from docker.context import ContextAPI
from docker.context.config import get_current_context_name
from docker.errors import DockerException
from docker.utils import kwargs_from_env

from dnlab.errors import EngineUnavailable
from dnlab.settings import DEFAULT_SOCKET, DOCKER_CONTEXT, DOCKER_HOST, settings

API_TIMEOUT_S = 120
QUICK_TIMEOUT_S = 3


@dataclass(frozen=True)
class EngineChoice:
    """The engine dnlab reaches: its URL, why that one, and the connection's TLS (False: none)."""

    url: str
    why: str
    tls: Any = field(default=False, compare=False)
    """Not part of the choice's identity, so the cached client of one choice is reused."""

    def __str__(self) -> str:
        return f"{self.url} ({self.why})"


def engine_choice() -> EngineChoice:
    """``DOCKER_HOST``, else the docker CLI's chosen context, else the default socket."""
    now = settings()
    if now.docker_host:
        return EngineChoice(now.docker_host, f"from {DOCKER_HOST}", kwargs_from_env().get("tls", False))
    name = now.docker_context or get_current_context_name()
    if name and name != "default":
        context = ContextAPI.get_context(name)
        if context is None or not context.Host:
            where = DOCKER_CONTEXT if now.docker_context else "~/.docker/config.json"
            raise EngineUnavailable(f"The docker context {name} (chosen in {where}) does not exist here.",
                                    "Choose another: `docker context use default`, or set DOCKER_HOST.")
        return EngineChoice(context.Host, f"the docker CLI's context {name}", context.TLSConfig or False)
    return EngineChoice(DEFAULT_SOCKET, "the default socket")


def engine_url() -> str:
    """The URL of the engine dnlab reaches (see ``engine_choice``)."""
    return engine_choice().url


def on_binder() -> bool:
    """True inside a mybinder.org session, which never has a Docker engine."""
    return settings().on_binder


def unavailable(reason: str) -> EngineUnavailable:
    """The error to show when no engine answers, with the fix that fits this place."""
    where = engine_url()
    if on_binder():
        return EngineUnavailable(
            "This is Binder: it has no Docker engine, so live cells cannot run here.",
            "Read the stored outputs of a real run, or run the course on a machine with Docker (see README).",
        )
    if settings().docker_host:
        fix = f"Check that the engine at DOCKER_HOST={where} is up, or unset DOCKER_HOST to use the local one."
    elif where != DEFAULT_SOCKET:
        fix = f"Start that engine, or choose another: {engine_choice().why} chose it (`docker context use default`)."
    else:
        fix = ("Start one: `dnlab engine start` (root on Debian/Ubuntu), start Docker Desktop, "
               "or point DOCKER_HOST at your engine.")
    return EngineUnavailable(f"No Docker engine answers at {where} ({reason}).", fix)


def _new_client(choice: EngineChoice, timeout: int) -> docker.DockerClient:
    return docker.DockerClient(base_url=choice.url, tls=choice.tls, timeout=timeout,
                               use_ssh_client=choice.url.startswith("ssh://"))


@functools.lru_cache(maxsize=4)
def _client_for(choice: EngineChoice) -> docker.DockerClient:
    try:
        client = _new_client(choice, API_TIMEOUT_S)
        client.ping()
    except DockerException as exc:
        raise unavailable(short_reason(exc)) from None
    return client


def connect() -> docker.DockerClient:
    """Like the docker CLI's own connection: a client for the engine ``engine_choice`` names."""
    return _client_for(engine_choice())


@functools.lru_cache(maxsize=4)
def _quick_client_for(choice: EngineChoice) -> docker.DockerClient:
    return _new_client(choice, QUICK_TIMEOUT_S)


def quick() -> docker.DockerClient:
    """A client that gives up after a few seconds, for things that must never hang (tab completion)."""
    try:
        return _quick_client_for(engine_choice())
    except DockerException as exc:
        raise unavailable(short_reason(exc)) from None


def forget() -> None:
    """Drop cached clients (after the engine was started, stopped or DOCKER_HOST changed)."""
    _client_for.cache_clear()
    _quick_client_for.cache_clear()


def short_reason(exc: Exception) -> str:
    """A few words for why a connection failed: ``connection refused``, ``no such file or directory``."""
    text = str(exc)
    for marker in ("No such file or directory", "Connection refused", "Permission denied",
                   "timed out", "Name or service not known", "Connection broken", "Connection aborted"):
        if marker in text:
            return marker.lower()
    return text.splitlines()[0][:120] if text else type(exc).__name__
